/*
 * The simulation context of one scenario under one knob set: DRC layout and
 * indexes per machine as QEMU computes them, each DRC's libfdt fragment, the
 * initial world, scenario-name lookups, and the engine vtable that hands
 * each step to the actor that owns it.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "drc_fdt.h"
#include "fingerprint.h"
#include "footprint.h"
#include "guest_os.h"
#include "libvirt.h"
#include "migration.h"
#include "script.h"
#include "sim.h"
#include "spapr.h"

static void layout_class(struct sim_machine *sm, uint8_t cls, uint8_t *first, uint8_t *n,
                         unsigned count)
{
    *first = sm->ndrcs;
    *n = (uint8_t)count;
    for (unsigned i = 0; i < count; i++)
        sm->drcs[sm->ndrcs++].cls = cls;
}

/*
 * spapr_init_cpus (CPU id = spapr_vcpu_id(core-id) = core-id * vsmt with one
 * thread per core), spapr_create_lmb_dr_connectors (id = address / 256M,
 * the area starting at ram rounded up to 1G), PHB id = index, PCI id =
 * drc_id_from_devfn (PHB 0, root bus, function 0).
 */
static void layout_machine(struct sim *s, int m)
{
    const struct scn_machine *cfg = &s->scn->machines[m];
    struct sim_machine *sm = &s->m[m];

    sm->vsmt = knob_val(&s->knobs, KNOB_QEMU_VSMT) == VSMT_8 ? 8 : 1;
    sm->lmb_base_id = ((cfg->ram_mb + 1023) / 1024) * 4;
    layout_class(sm, DRC_CLASS_CPU, &sm->cpu_first, &sm->ncpu, cfg->cores);
    layout_class(sm, DRC_CLASS_LMB, &sm->lmb_first, &sm->nlmb, cfg->lmbs);
    layout_class(sm, DRC_CLASS_PHB, &sm->phb_first, &sm->nphb, cfg->phbs);
    layout_class(sm, DRC_CLASS_PCI, &sm->pci_first, &sm->npci, cfg->pci_slots);
    sm->pmem_first = sm->ndrcs;
    for (int i = 0; i < sm->ncpu; i++)
        sm->drcs[sm->cpu_first + i].index = drc_make_index(DRC_CLASS_CPU, (uint32_t)i * sm->vsmt);
    for (int i = 0; i < sm->nlmb; i++)
        sm->drcs[sm->lmb_first + i].index = drc_make_index(DRC_CLASS_LMB, sm->lmb_base_id + i);
    for (int i = 0; i < sm->nphb; i++)
        sm->drcs[sm->phb_first + i].index = drc_make_index(DRC_CLASS_PHB, (uint32_t)i);
    for (int i = 0; i < sm->npci; i++)
        sm->drcs[sm->pci_first + i].index = drc_make_index(DRC_CLASS_PCI, (uint32_t)i << 3);
    for (int slot = 0; slot < sm->ndrcs; slot++) {   /* sim_drc_by_index's table */
        unsigned h = sim_index_hash(sm->drcs[slot].index);
        while (sm->by_index[h])
            h = (h + 1) % SIM_INDEX_SLOTS;
        sm->by_index[h] = (uint8_t)(slot + 1);
    }
}

static uint32_t machine_pvr(const struct scn_machine *cfg)
{
    if (cfg->max_cpu_compat)
        return cpu_logical_pvr(cfg->max_cpu_compat - 1);
    return cfg->host == CPU_POWER8 ? CPU_POWERPC_POWER8_v20 : CPU_POWERPC_POWER9_DD20;
}

static bool build_fragments(struct sim *s, int m, char *err, unsigned errlen)
{
    struct sim_machine *sm = &s->m[m];
    const struct scn_machine *cfg = &s->scn->machines[m];

    for (int slot = 0; slot < sm->ndrcs; slot++) {
        struct fragment_params p = {
            .drc_index = sm->drcs[slot].index, .id = sm->drcs[slot].index & 0x0fffffff,
            .vcpu_id = sm->drcs[slot].index & 0x0fffffff, .pvr = machine_pvr(cfg),
            .power9 = cfg->host == CPU_POWER9, .has_drc = true,
        };
        sm->blobs[slot] = drc_fragment_build(sm->drcs[slot].cls, &p, &sm->fragments[slot]);
        if (!sm->blobs[slot]) {
            snprintf(err, errlen, "%s: cannot build the device-tree fragment of DRC 0x%x",
                     s->scn->path, p.drc_index);
            return false;
        }
    }
    return true;
}

static bool line_error(const struct scenario *scn, const struct scn_line *l, char *err,
                       unsigned errlen, const char *what)
{
    snprintf(err, errlen, "%s:%u:%u: error: %s", scn->path, l->loc.line, l->loc.col, what);
    return false;
}

/* Whether core-id `core` is on machine m's -smp (a hotpluggable=no `device` line). */
static bool core_on_smp(const struct scenario *scn, int m, unsigned core)
{
    for (unsigned i = 0; i < scn->ncoldplug; i++) {
        const struct scn_device *d = &scn->devices[scn->coldplug[i].device];
        if (scn->coldplug[i].machine == m && d->type == DEV_CPU_CORE && d->core_id == core)
            return d->on_smp;
    }
    return false;
}

/*
 * qemuDomainDefVcpusPostParse (src/qemu/qemu_domain.c): the domain does not
 * start when a hotpluggable=no vCPU follows a hotpluggable one; vCPU 0 (core 0)
 * is never hotpluggable.
 */
static bool check_smp_order(const struct scenario *scn, char *err, unsigned errlen)
{
    for (unsigned i = 0; i < scn->ncoldplug; i++) {
        const struct scn_coldplug *c = &scn->coldplug[i];
        const struct scn_device *d = &scn->devices[c->device];
        for (unsigned core = 1; d->on_smp && core < d->core_id; core++)
            if (!core_on_smp(scn, c->machine, core)) {
                snprintf(err, errlen, "%s:%u:%u: error: libvirt does not start %s: \"unsupported "
                         "configuration: online non-hotpluggable vcpus need to be ordered prior "
                         "to hotplugable vcpus\" (core-id %u is not hotpluggable=no)", scn->path,
                         c->loc.line, c->loc.col, scn->machines[c->machine].name, core);
                return false;
            }
    }
    return true;
}

/* Combinations the machines cannot perform, refused with their line. */
static bool check_supported(const struct sim *s, char *err, unsigned errlen)
{
    const struct scenario *scn = s->scn;

    if (!check_smp_order(scn, err, errlen))
        return false;
    for (int i = 0; i < scn->nlines; i++) {
        const struct scn_line *l = &scn->lines[i];
        if (l->kind != LINE_DO)
            continue;
        if (l->action == DO_MIGRATE && !scn->machines[l->machine2].incoming_defer)
            return line_error(scn, l, err, errlen,
                              "the migration destination must be started with incoming=defer");
        if (l->action == DO_MIGRATE && scn->machines[l->machine].guest != scn->machines[l->machine2].guest)
            return line_error(scn, l, err, errlen, "source and destination need the same guest=");
        if (l->action == DO_SETVCPUS && scn->machines[l->machine].guest != GUEST_LINUX)
            return line_error(scn, l, err, errlen, "setvcpus is a libvirt API: it needs guest=linux");
    }
    return true;
}

/* setvcpus works on cores the scenario may not name: they get ids "vcpuN". */
static bool add_implicit_vcpus(struct scenario *scn, char *err, unsigned errlen)
{
    for (int i = 0; i < scn->nlines; i++) {
        const struct scn_line *l = &scn->lines[i];
        if (l->kind != LINE_DO || l->action != DO_SETVCPUS)
            continue;
        for (int core = 1; core < scn->machines[l->machine].cores; core++) {
            bool named = false;
            for (int d = 0; d < scn->ndevices; d++)
                named |= scn->devices[d].type == DEV_CPU_CORE && scn->devices[d].core_id == core;
            if (named)
                continue;
            if (scn->ndevices == MAX_DEVICES)
                return line_error(scn, l, err, errlen, "too many devices for setvcpus' cores");
            scn->devices[scn->ndevices++] = (struct scn_device){
                .type = DEV_CPU_CORE, .core_id = (uint8_t)core, .loc = l->loc };
            snprintf(scn->devices[scn->ndevices - 1].id, SCN_NAME_LEN, "vcpu%d", core);
        }
    }
    return true;
}

static bool start_machines(struct sim *s, char *err, unsigned errlen)
{
    const struct scenario *scn = s->scn;

    for (int m = 0; m < scn->nmachines; m++) {
        uint32_t later = libvirt_start_vcpus(s, m);
        char why[256];
        if (!spapr_machine_start(s, &s->initial, m, later, why, sizeof(why)) ||
            !libvirt_setup_hotpluggable_vcpus(s, &s->initial, m, later, why, sizeof(why))) {
            snprintf(err, errlen, "%s:%u:%u: error: machine %s does not start: %s", scn->path,
                     scn->machines[m].loc.line, scn->machines[m].loc.col,
                     scn->machines[m].name, why);
            return false;
        }
        for (int slot = 0; slot < s->m[m].ndrcs; slot++)
            s->cc_digest[m][slot] = drc_fragment_digest(&s->m[m].fragments[slot]);
    }
    guest_start(s, &s->initial);
    libvirt_start(s, &s->initial);
    script_start(s, &s->initial);
    return true;
}

static bool has_disk_read(const struct scenario *scn)
{
    for (int i = 0; i < scn->nlines; i++)
        if (scn->lines[i].kind == LINE_DO && scn->lines[i].action == DO_GUEST_DISK_READ)
            return true;
    return false;
}

/*
 * The actors this scenario has: its scripts, the guest's, migration,
 * libvirt, and its machines' CPU unplug timers and virtio-blk. The others
 * never have a step. Of the live ones, the timers step only with a timeout
 * set (spapr_unplug_timer_pending), virtio-blk only after a disk-read.
 */
static void list_live_actors(struct sim *s)
{
    uint64_t timers = bits_below(ACTOR_QEMU_TIMER0 + MAX_MACHINES) & ~bits_below(ACTOR_QEMU_TIMER0);
    uint64_t io = bits_below(ACTOR_QEMU_IO0 + MAX_MACHINES) & ~bits_below(ACTOR_QEMU_IO0);

    for (int a = 0; a < ACTOR_COUNT; a++)
        if (a < ACTOR_GUEST_BOOT ? a < s->scn->nscripts
            : a < ACTOR_QEMU_TIMER0 || (a - ACTOR_QEMU_TIMER0) % MAX_MACHINES < s->scn->nmachines)
            s->live |= 1ull << a;
    s->may_step = s->live;
    if (!knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT))
        s->may_step &= ~timers;
    if (!has_disk_read(s->scn))
        s->may_step &= ~io;
}

/* The bytes [off, off + len) of a world may change: their blocks are hashed. */
static void hash_range(uint64_t *blocks, size_t off, size_t len)
{
    for (size_t b = off / FINGERPRINT_BLOCK; b * FINGERPRINT_BLOCK < off + len; b++)
        *blocks |= 1ull << b;
}

/*
 * The DRC slots of machine m a scenario can change: where its devices can
 * sit (a core's slot, a PHB's or PCI device's; any LMB for a DIMM), or all
 * of them when a script plays the guest (rtas: an rtas line may name any DRC).
 * The others keep their reset state: no event names them to the guest
 * (spapr_hotplug_req_event), spapr_drc_reset puts them back where they
 * were, and drc_*_needed leaves them out of the stream.
 */
static uint64_t written_drcs(const struct sim *s, int m, bool rtas)
{
    const struct sim_machine *sm = &s->m[m];
    uint64_t slots = 0;

    if (rtas)
        return bits_below((unsigned)sm->ndrcs);
    for (int d = 0; d < s->scn->ndevices; d++) {
        const struct scn_device *dv = &s->scn->devices[d];
        if (dv->type == DEV_CPU_CORE && dv->core_id < sm->ncpu)
            slots |= 1ull << (sm->cpu_first + dv->core_id);
        else if (dv->type == DEV_DIMM)
            slots |= bits_below(sm->nlmb) << sm->lmb_first;
        else if (dv->type == DEV_PHB && dv->index < sm->nphb)
            slots |= 1ull << (sm->phb_first + dv->index);
        else if (dv->type == DEV_PCI && dv->slot < sm->npci)
            slots |= 1ull << (sm->pci_first + dv->slot);
    }
    return slots;
}

/* A script line `wait quiescent`: only then may a script sit at a quiescence gate. */
static bool has_quiescent_wait(const struct scenario *scn)
{
    for (int i = 0; i < scn->nlines; i++)
        if (scn->lines[i].kind == LINE_WAIT && scn->lines[i].action == WAIT_QUIESCENT)
            return true;
    return false;
}

/*
 * The blocks of the world this scenario can write: its actors and their busy
 * bits, machines (the devices it has and the DRCs they can sit on), scripts,
 * and the guest, stream and libvirt. The rest keep the bytes of the start
 * (--por-check checks it), so the fingerprint leaves them out.
 */
static void list_hashed_blocks(struct sim *s)
{
    const struct scenario *scn = s->scn;
    uint64_t blocks = 0;
    bool rtas = false;

    for (int i = 0; i < scn->nlines; i++)
        rtas |= scn->lines[i].kind == LINE_RTAS;
    _Static_assert(sizeof(struct world) % FINGERPRINT_BLOCK == 0, "pad struct world to a block");
    _Static_assert(sizeof(struct world) <= FINGERPRINT_BLOCK * FINGERPRINT_MAX_BLOCKS,
                   "a block of the world is a bit of the plan");
    for (unsigned a = 0; a < ACTOR_COUNT; a++)
        if (s->may_step >> a & 1)   /* the others stay idle (sim_normalize) */
            hash_range(&blocks, offsetof(struct world, actors[a]), sizeof(struct actor));
    for (int m = 0; m < scn->nmachines; m++) {
        size_t at = offsetof(struct world, machines[m]);
        hash_range(&blocks, at, offsetof(struct spapr_machine, devices));   /* header, events */
        hash_range(&blocks, at + offsetof(struct spapr_machine, devices),
                   scn->ndevices * sizeof(struct spapr_device));
        for (uint64_t x = written_drcs(s, m, rtas); x; x &= x - 1)
            hash_range(&blocks, at + offsetof(struct spapr_machine, drcs) +
                                (size_t)__builtin_ctzll(x) * sizeof(struct spapr_drc),
                       sizeof(struct spapr_drc));
        if (s->may_step >> (ACTOR_QEMU_TIMER0 + m) & 1)   /* qemu.cpu-unplug-timeout */
            hash_range(&blocks, offsetof(struct world, unplug_timer_ms[m]),
                       sizeof(((struct world *)0)->unplug_timer_ms[m]));
    }
    hash_range(&blocks, offsetof(struct world, guest), sizeof(struct guest_state));
    hash_range(&blocks, offsetof(struct world, migration), sizeof(struct migration_state));
    hash_range(&blocks, offsetof(struct world, libvirt), sizeof(struct libvirt_state));
    hash_range(&blocks, offsetof(struct world, scripts), scn->nscripts * sizeof(struct script_state));
    hash_range(&blocks, offsetof(struct world, failure), sizeof(struct script_failure));
    hash_range(&blocks, offsetof(struct world, busy), sizeof(uint32_t));
    fingerprint_plan_init(&s->model.hash, blocks);
}

bool sim_init(struct sim *s, const struct scenario *scn, const struct knob_set *ks,
              const char *variant, char *err, unsigned errlen)
{
    memset(s, 0, sizeof(*s));
    s->own = g_memdup2(scn, sizeof(*scn));
    s->scn = s->own;
    s->knobs = *ks;
    g_strlcpy(s->variant, variant, sizeof(s->variant));
    if (!check_supported(s, err, errlen) || !add_implicit_vcpus(s->own, err, errlen))
        goto fail;
    for (int m = 0; m < scn->nmachines; m++) {
        layout_machine(s, m);
        if (!build_fragments(s, m, err, errlen))
            goto fail;
    }
    list_live_actors(s);
    if (!start_machines(s, err, errlen))
        goto fail;
    s->model = (struct engine_model){
        .world_size = sizeof(struct world), .ctx = s,
        .enabled = sim_enabled, .advance = sim_advance, .apply = sim_apply,
        .actors = ACTOR_COUNT, .footprint = sim_footprint, .future = sim_future,
        .changed = sim_changed,
    };
    if (has_quiescent_wait(s->scn))   /* else the reduction pays nothing for the hook */
        s->model.holds_off_quiescence = sim_holds_off_quiescence;
    s->model.live_actors = s->may_step;   /* the timers only with a timeout */
    list_hashed_blocks(s);
    footprint_init(s);
    symmetry_init(s);
    if (s->sym.n >= 2) {
        s->model.sym_order = sim_sym_order;
        if (!s->sym.dimm && s->sym.n >= 3) {   /* with 2, the change test costs what it saves */
            s->model.sym_order_from = sim_sym_order_from;
            s->model.sym_keys = (size_t)s->sym.n * s->sym.key_len;
        }
        s->model.sym_apply = sim_sym_apply;
        s->model.sym_step = sim_sym_step;
    }
    sim_normalize(s, &s->initial);
    return true;
fail:
    sim_free(s);
    return false;
}

void sim_free(struct sim *s)
{
    g_free(s->own);
    s->own = NULL;
    for (int m = 0; m < MAX_MACHINES; m++)
        for (int slot = 0; slot < MAX_DRCS; slot++) {
            g_free(s->m[m].blobs[slot]);
            s->m[m].blobs[slot] = NULL;
        }
}

int sim_resolve_drc(const struct sim *s, const struct world *w, int m, const struct drc_ref *r,
                    uint32_t *index)
{
    const struct sim_machine *sm = &s->m[m];
    int slot = -1;

    switch (r->kind) {
    case DRC_REF_CPU: slot = r->n < sm->ncpu ? sm->cpu_first + r->n : -1; break;
    case DRC_REF_LMB: slot = r->n < sm->nlmb ? sm->lmb_first + r->n : -1; break;
    case DRC_REF_PHB: slot = r->n < sm->nphb ? sm->phb_first + r->n : -1; break;
    case DRC_REF_PCI: slot = r->n < sm->npci ? sm->pci_first + r->n : -1; break;
    case DRC_REF_DIMM_LMB:
        if (w->machines[m].devices[r->device].realized)
            slot = w->machines[m].devices[r->device].first_drc + r->n;
        break;
    case DRC_REF_RAW:
        *index = r->raw;
        return sim_drc_by_index(s, m, r->raw);
    }
    *index = slot >= 0 ? sm->drcs[slot].index : 0;
    return slot;
}

const char *sim_dev_id(const struct sim *s, uint8_t drc_dev)
{
    if (drc_dev == 0 || drc_dev == DRC_DEV_BUILTIN)
        return NULL;
    return s->scn->devices[drc_dev - 1].id;
}

const char *sim_machine_name(const struct sim *s, int m)
{
    return s->scn->machines[m].name;
}

bool sim_drc_needed(const struct sim *s, int m, int slot, const struct spapr_drc *d)
{
    return spapr_drc_needed(&s->m[m].drcs[slot], d,
                            knob_on(&s->knobs, KNOB_QEMU_MIGRATE_UNPLUG_REQUESTED));
}

static bool pred_fail(uint8_t f, int32_t v, uint8_t *field, int32_t *got)
{
    *field = f;
    *got = v;
    return false;
}

bool sim_drc_pred_holds(const struct sim *s, const struct world *w, int m, int slot,
                        const struct drc_pred *pred, int32_t rc, uint32_t value,
                        uint8_t *field, int32_t *got)
{
    const struct spapr_drc *d = slot >= 0 ? &w->machines[m].drcs[slot] : NULL;
    uint8_t dev;

    if ((pred->has & PRED_RC) && rc != pred->rc)
        return pred_fail(PRED_RC, rc, field, got);
    if ((pred->has & PRED_VALUE) && value != pred->value)
        return pred_fail(PRED_VALUE, (int32_t)value, field, got);
    if ((pred->has & (PRED_STATE | PRED_DEV | PRED_UNPLUG_REQ | PRED_NEEDED)) && !d)
        return pred_fail(PRED_STATE, -1, field, got);
    if ((pred->has & PRED_STATE) && d->state != pred->state)
        return pred_fail(PRED_STATE, d->state, field, got);
    /* dev=ID: drc->dev is that device; dev=none: NULL */
    dev = pred->dev == SCN_NO_DEVICE ? 0 : (uint8_t)(pred->dev + 1);
    if ((pred->has & PRED_DEV) && d->dev != dev)
        return pred_fail(PRED_DEV, d->dev, field, got);
    if ((pred->has & PRED_UNPLUG_REQ) && d->unplug_requested != pred->unplug_requested)
        return pred_fail(PRED_UNPLUG_REQ, d->unplug_requested, field, got);
    if ((pred->has & PRED_NEEDED) &&
        sim_drc_needed(s, m, slot, d) != (bool)pred->needed)
        return pred_fail(PRED_NEEDED, !pred->needed, field, got);
    return true;
}

const char *sim_pred_field_name(uint8_t field)
{
    switch (field) {
    case PRED_RC:         return "rc";
    case PRED_VALUE:      return "value";
    case PRED_STATE:      return "state";
    case PRED_DEV:        return "dev";
    case PRED_UNPLUG_REQ: return "unplug-requested";
    case PRED_NEEDED:     return "needed";
    default:              return "?";
    }
}

/* What every actor that may step would do next, from its model: each fills the slots
 * of the actors it owns (kind 0: nothing); the others are left as they are. The CPU
 * unplug timers first drop the counts of unplugs no longer pending (in the branch that
 * scenarios without QEMU's own actors skip). */
static void desired(const struct sim *s, struct world *w, struct pending *out)
{
    guest_pending(s, w, out);
    migration_pending(s, w, &out[ACTOR_MIGRATION]);
    libvirt_pending(s, w, &out[ACTOR_LIBVIRT_EVENTS], &out[ACTOR_LIBVIRT_WORKER]);
    if (s->may_step >> ACTOR_QEMU_TIMER0) {   /* QEMU's own actors are the last slots */
        if (s->may_step >> ACTOR_QEMU_TIMER0 & 1) {
            spapr_unplug_timer_settle(s, w);
            spapr_unplug_timer_pending(s, w, &out[ACTOR_QEMU_TIMER0]);
        }
        if (s->may_step >> ACTOR_QEMU_IO0 & 1) {   /* only then may a reset drain I/O */
            spapr_io_pending(s, w, &out[ACTOR_QEMU_IO0]);
            guest_paused_by_reset(w, out);
        }
    }
    script_pending(s, w, out);   /* last: `wait quiescent` looks at the others */
}

/* An actor's kind and arg as one value: what decides whether its step changed. */
static inline uint16_t kind_arg(uint8_t kind, uint8_t arg)
{
    return (uint16_t)(kind | arg << 8);
}

/*
 * Arm the window of an actor whose pending step changed (the window starts
 * now), keep the shifted window of one whose step is unchanged, and clear
 * the rest so that equal states compare equal. An idle actor is all zero,
 * so "still idle" is "unchanged" too.
 */
void sim_normalize(const struct sim *s, struct world *w)
{
    struct pending want[ACTOR_COUNT];

    desired(s, w, want);
    for (uint64_t x = s->may_step; x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        struct actor *ac = &w->actors[a];
        const struct pending *p = &want[a];
        if (kind_arg(ac->kind, ac->arg) == kind_arg(p->kind, p->arg))
            continue;
        *ac = p->kind ? (struct actor){ .kind = p->kind, .arg = p->arg, .lo = p->lo, .hi = p->hi }
                      : (struct actor){ 0 };
        w->busy = (w->busy & ~(1u << a)) | (uint32_t)(p->kind != 0) << a;
    }
}

unsigned sim_enabled(const void *ctx, const void *world, struct step *out, unsigned max)
{
    const struct world *w = world;
    unsigned n = 0;

    (void)ctx;
    _Static_assert(sizeof(struct step) == sizeof(struct actor) &&
                   offsetof(struct step, lo) == offsetof(struct actor, lo) &&
                   offsetof(struct step, hi) == offsetof(struct actor, hi),
                   "a step is its actor's slot with the actor's number");
    for (int m = 0; m < MAX_MACHINES; m++)   /* a machine the scenario lacks stays zero */
        if (w->machines[m].abort_reason)
            return 0;   /* QEMU is gone: this branch ends here */
    for (uint32_t x = w->busy; x && n < max; x &= x - 1) {   /* in slot order */
        unsigned a = (unsigned)__builtin_ctz(x);
        memcpy(&out[n], &w->actors[a], sizeof(out[n]));
        out[n].actor = (uint8_t)a;
        out[n++].machine = 0;
    }
    return n;
}

void sim_advance(const void *ctx, void *world, uint32_t ms)
{
    const struct sim *s = ctx;
    struct world *w = world;

    for (uint32_t x = w->busy; x; x &= x - 1) {
        struct actor *ac = &w->actors[__builtin_ctz(x)];
        ac->lo = window_shift(ac->lo, ms);
        ac->hi = window_shift(ac->hi, ms);
    }
    if (s->may_step >> ACTOR_QEMU_TIMER0 & 1)   /* qemu.cpu-unplug-timeout */
        spapr_unplug_timer_advance(s, w, ms);
}

void sim_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
               uint32_t step_no, uint64_t t_ms)
{
    const struct sim *s = ctx;
    struct world *w = world;
    struct step_ctx c = { s, w, tr, step_no, t_ms };

    if (st->actor == ACTOR_GUEST_WORKER)   /* the most frequent step: one call less */
        dlpar_step(&c);
    else if (st->actor < ACTOR_SCRIPT0 + MAX_SCRIPTS)
        script_apply(&c, st);
    else if (st->actor <= ACTOR_GUEST_RTASD)
        guest_apply(&c, st);
    else if (st->actor == ACTOR_MIGRATION)
        migration_apply(&c, st);
    else if (st->actor >= ACTOR_QEMU_IO0)
        spapr_io_apply(&c, st);
    else if (st->actor >= ACTOR_QEMU_TIMER0)
        spapr_unplug_timer_apply(&c, st);
    else
        libvirt_apply(&c, st);
    /* the actor's next step is a new one: its delay starts now, even where its kind
     * and arg are those of the step just taken (the guest worker's DLPAR sub-steps) */
    w->actors[st->actor] = (struct actor){ 0 };
    w->busy &= ~(1u << st->actor);
    sim_normalize(s, w);
}
