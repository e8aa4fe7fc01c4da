/*
 * Permuting interchangeable clients (symmetry.h): member perm[k]'s state moves
 * to member k, and every script, core, DRC slot, index and device reference
 * with it (stale ones too; a job owner or libvirt event only while in use).
 * DIMM members move their devices, not their LMB DRCs. A world whose guest
 * digest has no image (no prefix of its core's tree) is refused, unchanged.
 */
#include <string.h>
#include "sim.h"
#include "symmetry.h"

/*
 * Renamings of one permutation: scripts, devices, cores and DRC slots as
 * the members' bits, each with the number it goes to.
 */
struct renaming {
    uint8_t to[ENGINE_MAX_MEMBERS];   /* member a goes to member to[a] */
    unsigned n;
    uint64_t script_mask, dev_mask, core_mask, slot_mask;   /* the members' bits */
    uint8_t script[MAX_SCRIPTS], dev[MAX_DEVICES];          /* read at the members' bits only */
    uint8_t core[64], slot[64];
};

static void renaming_init(const struct sim_symmetry *y, const uint8_t *perm, struct renaming *r)
{
    r->n = y->n;
    r->script_mask = y->scripts, r->dev_mask = y->devices;
    r->core_mask = y->cores, r->slot_mask = y->slots;
    for (unsigned k = 0; k < y->n; k++)
        r->to[perm[k]] = (uint8_t)k;
    for (unsigned a = 0; a < y->n; a++) {
        const struct sym_member *from = &y->mem[a], *to = &y->mem[r->to[a]];
        r->script[from->script] = to->script, r->dev[from->device] = to->device;
        if (!y->dimm)
            r->core[from->core] = to->core, r->slot[from->slot] = to->slot;
    }
}

/* A script, device, core or DRC slot number (0xff: none) moved if it is a member's. */
static unsigned rename_num(unsigned v, uint64_t mask, const uint8_t *map)
{
    return v < 64 && (mask >> v & 1) ? map[v] : v;
}

/* 0 is no DRC index: unused event and work entries carry it. */
static uint32_t rename_index(const struct sim_symmetry *y, const struct renaming *r, uint32_t index)
{
    for (unsigned a = 0; index && a < y->n; a++)
        if (y->mem[a].index == index)
            return y->mem[r->to[a]].index;
    return index;
}

/* Bits moved along the member pairs; the members only swap bits among themselves. */
static uint64_t rename_bits(uint64_t bits, uint64_t mask, const uint8_t *map)
{
    uint64_t out = bits & ~mask;

    for (uint64_t x = bits & mask; x; x &= x - 1)
        out |= 1ull << map[__builtin_ctzll(x)];
    return out;
}

#define DEV_BITS(r, v)  ((uint16_t)rename_bits((v), (r)->dev_mask, (r)->dev))
#define CORE_BITS(r, v) ((uint16_t)rename_bits((v), (r)->core_mask, (r)->core))

/* A device + 1 (0: none, DRC_DEV_BUILTIN: no QOM id, neither a member's). */
static uint8_t rename_dev_ref(const struct renaming *r, uint8_t dev_plus_1)
{
    return (uint8_t)(rename_num(dev_plus_1 - 1u, r->dev_mask, r->dev) + 1);
}

static uint8_t rename_slot(const struct renaming *r, uint8_t slot)
{
    return (uint8_t)rename_num(slot, r->slot_mask, r->slot);
}

/*
 * A core is attached to its own DRC only (plug_cpu): the members' slots hold
 * the members' devices. A DIMM to the LMB DRCs of its range (plug_dimm),
 * wherever that is: each LMB DRC keeps its state and names the renamed device.
 */
static void rename_drcs(const struct sim *s, const struct renaming *r, int m,
                        const struct spapr_machine *in, struct spapr_machine *out)
{
    const struct sim_symmetry *y = &s->sym;
    const struct sim_machine *sm = &s->m[m];

    for (unsigned a = 0; a < r->n; a++) {
        unsigned dev = y->mem[a].device, slot = y->mem[a].slot;
        out->devices[r->dev[dev]] = in->devices[dev];
        if (!y->dimm) {
            struct spapr_drc d = in->drcs[slot];
            d.dev = rename_dev_ref(r, d.dev);
            out->drcs[r->slot[slot]] = d;
        }
    }
    for (int k = sm->lmb_first; y->dimm && k < sm->lmb_first + sm->nlmb; k++)
        out->drcs[k].dev = rename_dev_ref(r, in->drcs[k].dev);
}

static void rename_machine(const struct sim *s, const struct renaming *r, int m,
                           const struct spapr_machine *in, struct spapr_machine *out)
{
    const struct sim_symmetry *y = &s->sym;

    rename_drcs(s, r, m, in, out);
    out->deleted = DEV_BITS(r, in->deleted);
    out->unplug_guest_error = DEV_BITS(r, in->unplug_guest_error);
    out->mem_unplug_error = DEV_BITS(r, in->mem_unplug_error);
    out->unplug_timed_out = DEV_BITS(r, in->unplug_timed_out);
    out->fdt_cpus = CORE_BITS(r, in->fdt_cpus);
    out->vcpu_compat = CORE_BITS(r, in->vcpu_compat);
    for (unsigned i = 0; i < in->nr_events; i++)   /* the rest are zero (spapr_events.c) */
        out->events[i].index = rename_index(y, r, in->events[i].index);
    out->abort_drc = rename_slot(r, in->abort_drc);
}

/* The guest; false when its DLPAR operation's digest cannot be renamed. */
static bool rename_guest(const struct sim_symmetry *y, const struct renaming *r,
                         const struct guest_state *in, struct guest_state *out)
{
    out->cpus = CORE_BITS(r, in->cpus);
    out->online = CORE_BITS(r, in->online);
    out->dlpar_failed = rename_bits(in->dlpar_failed, r->slot_mask, r->slot);
    out->dt_mismatch_drc = rename_slot(r, in->dt_mismatch_drc);
    out->ras_log_buf.index = rename_index(y, r, in->ras_log_buf.index);
    for (unsigned i = 0; i < in->nwork; i++)   /* the rest are zero (guest_dlpar.c) */
        out->work[i].index = rename_index(y, r, in->work[i].index);
    out->op.index = rename_index(y, r, in->op.index);
    for (unsigned a = 0; a < y->n; a++)
        if (y->mem[a].index == in->op.index) {
            unsigned j = sym_prefix_of(y, (int)a, in->op.cc_digest);
            if (!j)
                return false;
            out->op.cc_digest = y->cc_prefix[r->to[a]][j - 1];
        }
    return true;
}

static void rename_libvirt(const struct renaming *r, const struct libvirt_state *in,
                           struct libvirt_state *out)
{
    if (in->job)   /* job_owner 0 also means nobody */
        out->job_owner = (uint8_t)rename_num(in->job_owner, r->script_mask, r->script);
    out->unplug_dev = rename_dev_ref(r, in->unplug_dev);
    for (int m = 0; m < MAX_MACHINES; m++)
        out->xml[m] = DEV_BITS(r, in->xml[m]);
    out->mig_xml = DEV_BITS(r, in->mig_xml);
    out->failed_report = DEV_BITS(r, in->failed_report);
    out->false_unplug = DEV_BITS(r, in->false_unplug);
    for (unsigned i = 0; i < in->nevents; i++)   /* dev 0 is a device: not the unused entries */
        out->events[i].dev = (uint8_t)rename_num(in->events[i].dev, r->dev_mask, r->dev);
    for (unsigned i = 0; i < in->nworker; i++)    /* entries keep their places */
        out->worker_q[i].dev = (uint8_t)rename_num(in->worker_q[i].dev, r->dev_mask, r->dev);
}

static void rename_scripts(const struct sim *s, const struct renaming *r, const struct world *in,
                           struct world *out)
{
    for (unsigned a = 0; a < s->sym.n; a++) {
        unsigned from = s->sym.mem[a].script, to = r->script[from];
        out->scripts[to] = in->scripts[from];
        out->actors[ACTOR_SCRIPT0 + to] = in->actors[ACTOR_SCRIPT0 + from];
        out->busy &= ~(1u << (ACTOR_SCRIPT0 + to));
        out->busy |= (in->busy >> (ACTOR_SCRIPT0 + from) & 1) << (ACTOR_SCRIPT0 + to);
    }
    for (unsigned a = 0; a < s->sym.n; a++) {
        unsigned j = sym_failure_at(s, in, (int)a);
        if (j) {
            const struct sym_member *to = &s->sym.mem[r->to[a]];
            out->failure.line = s->scn->lines[s->scn->script_first[to->script] + j - 1].loc.line;
        }
    }
}

bool sim_sym_apply(const void *ctx, const uint8_t *perm, const void *in_world, void *out_world)
{
    const struct sim *s = ctx;
    const struct world *in = in_world;
    struct world *out = out_world;
    struct renaming r;

    renaming_init(&s->sym, perm, &r);
    memcpy(out, in, sizeof(*out));
    rename_scripts(s, &r, in, out);
    for (int m = 0; m < s->scn->nmachines; m++) {
        const struct actor *t = &in->actors[ACTOR_QEMU_TIMER0 + m];
        if (t->kind)
            out->actors[ACTOR_QEMU_TIMER0 + m].arg = rename_slot(&r, t->arg);
        rename_machine(s, &r, m, &in->machines[m], &out->machines[m]);
    }
    out->migration.load_failed_drc = rename_slot(&r, in->migration.load_failed_drc);
    out->migration.load_failed_cpu =
        (uint8_t)rename_num(in->migration.load_failed_cpu, r.core_mask, r.core);
    rename_libvirt(&r, &in->libvirt, &out->libvirt);
    return s->sym.dimm || rename_guest(&s->sym, &r, &in->guest, &out->guest);   /* LMBs stay */
}

void sim_sym_step(const void *ctx, const uint8_t *perm, struct step *st)
{
    const struct sim *s = ctx;
    struct renaming r;

    renaming_init(&s->sym, perm, &r);
    if (st->actor < ACTOR_SCRIPT0 + MAX_SCRIPTS)
        st->actor = (uint8_t)(ACTOR_SCRIPT0 +
                              rename_num(st->actor - ACTOR_SCRIPT0, r.script_mask, r.script));
    else if (st->actor >= ACTOR_QEMU_TIMER0 && st->actor < ACTOR_QEMU_IO0)
        st->arg = rename_slot(&r, st->arg);
}

unsigned sym_prefix_of(const struct sim_symmetry *y, int a, uint64_t digest)
{
    for (unsigned i = digest & (SYM_CC_SLOTS - 1); y->cc_at[a][i]; i = (i + 1) & (SYM_CC_SLOTS - 1))
        if (y->cc_prefix[a][y->cc_at[a][i] - 1] == digest)
            return y->cc_at[a][i];
    return 0;
}

unsigned sym_failure_at(const struct sim *s, const struct world *w, int a)
{
    int script = s->sym.mem[a].script;

    for (int j = 0; w->failure.line && j < s->scn->script_count[script]; j++)
        if (s->scn->lines[s->scn->script_first[script] + j].loc.line == w->failure.line)
            return (unsigned)j + 1;
    return 0;
}
