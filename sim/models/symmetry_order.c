/*
 * The order of interchangeable clients in a world (symmetry.h): each member's
 * state and every reference to its script, core, DRC or device, as a byte key
 * relative to the member; sorted keys give the permutation symmetry_apply.c
 * applies. From a parent's keys only the members a step changed are keyed.
 */
#include <string.h>
#include "sim.h"
#include "symmetry.h"

/* A DIMM member's key is the longest: script, actor, per machine its device, bits and LMB
 * DRCs, then libvirt's bytes and the failure. */
#define KEY_LEN (sizeof(struct script_state) + sizeof(struct actor) + 5 + MAX_MACHINES * \
                 (sizeof(struct spapr_device) + 1 + MAX_LMBS * sizeof(struct spapr_drc)))

/* Key bytes go through a cursor the compiler keeps in a register. */
static uint8_t *put(uint8_t *at, const void *p, size_t n)
{
    memcpy(at, p, n);
    return at + n;
}

static uint8_t *put8(uint8_t *at, unsigned v)
{
    *at = (uint8_t)v;
    return at + 1;
}

/* Bit i set when entry i (of n) carries the DRC index. */
static unsigned positions(const struct spapr_event_entry *e, unsigned n, uint32_t index)
{
    unsigned bits = 0;

    for (unsigned i = 0; i < n; i++)
        bits |= (unsigned)(e[i].index == index) << i;
    return bits;
}

/*
 * Bits 0, 16, 32 and 48 of x as bits 0..3: the product puts bit 16i at
 * 48 + i, and its other terms below 48 or past 63, each at a bit of its own.
 */
static unsigned gather4(uint64_t x)
{
    return (unsigned)(((x & 0x0001000100010001ull) * 0x0001000200040008ull) >> 48) & 0xf;
}

static uint64_t pack4(uint16_t a, uint16_t b, uint16_t c, uint16_t d)
{
    return a | (uint64_t)b << 16 | (uint64_t)c << 32 | (uint64_t)d << 48;
}

/* The bit maps of a world, read once for all members: four to a word, for gather4. */
struct view {
    uint64_t dev[MAX_MACHINES];    /* deleted, unplug_guest_error, mem_unplug_error, unplug_timed_out */
    uint64_t core[MAX_MACHINES];   /* fdt_cpus, vcpu_compat */
    unsigned timer[MAX_MACHINES];  /* the CPU unplug timer's slot, 0x100: none */
    uint64_t guest;                /* cpus, online, dlpar_failed from cpu_first */
    uint64_t lv_live, lv_other;    /* xml; mig_xml, failed_report, false_unplug */
};

static void view_init(const struct sim *s, const struct world *w, struct view *v)
{
    const struct libvirt_state *lv = &w->libvirt;

    for (int m = 0; m < s->scn->nmachines; m++) {
        const struct spapr_machine *mw = &w->machines[m];
        const struct actor *timer = &w->actors[ACTOR_QEMU_TIMER0 + m];
        v->dev[m] = pack4(mw->deleted, mw->unplug_guest_error, mw->mem_unplug_error,
                          mw->unplug_timed_out);
        v->core[m] = pack4(mw->fdt_cpus, mw->vcpu_compat, 0, 0);
        v->timer[m] = timer->kind ? timer->arg : 0x100;
    }
    v->guest = pack4(w->guest.cpus, w->guest.online,
                     (uint16_t)(w->guest.dlpar_failed >> s->sym.cpu_first), 0);
    v->lv_live = pack4(lv->xml[0], lv->xml[1], 0, 0);
    v->lv_other = pack4(lv->mig_xml, lv->failed_report, lv->false_unplug, 0);
}

/* A DRC's device seen from a member: 1 its own, 2 another, 0 none. */
static uint8_t dev_seen(uint8_t dev, const struct sym_member *mb)
{
    return dev == mb->device + 1 ? 1 : dev ? 2 : 0;
}

static uint8_t *machine_key(const struct view *v, const struct sym_member *mb,
                            const struct world *w, int m, uint8_t *k)
{
    const struct spapr_machine *mw = &w->machines[m];
    struct spapr_drc d = mw->drcs[mb->slot];

    d.dev = dev_seen(d.dev, mb);
    k = put(k, &d, sizeof(d));
    k = put(k, &mw->devices[mb->device], sizeof(mw->devices[0]));
    k = put8(k, gather4(v->dev[m] >> mb->device) | gather4(v->core[m] >> mb->core) << 4 |
                (unsigned)(mw->abort_drc == mb->slot) << 6 | (unsigned)(v->timer[m] == mb->slot) << 7);
    k = put8(k, positions(mw->events, mw->nr_events, mb->index));   /* the rest are zero */
    return k;
}

static uint8_t *guest_key(const struct sim *s, const struct view *v, const struct world *w, int a,
                          uint8_t *k)
{
    const struct sym_member *mb = &s->sym.mem[a];
    const struct guest_state *g = &w->guest;
    bool op = g->op.index == mb->index;

    k = put8(k, gather4(v->guest >> mb->core) |   /* cpus, online, dlpar_failed */
                (unsigned)(g->dt_mismatch_drc == mb->slot) << 3 |
                (unsigned)(g->ras_log_buf.index == mb->index) << 4 |
                (unsigned)op << 5);
    k = put8(k, positions(g->work, g->nwork, mb->index));   /* the rest are zero */
    k = put8(k, op ? sym_prefix_of(&s->sym, a, g->op.cc_digest) : 0);
    return k;
}

static uint8_t *libvirt_key(const struct view *v, const struct sym_member *mb,
                            const struct world *w, uint8_t *k)
{
    const struct libvirt_state *lv = &w->libvirt;
    unsigned d = mb->device, events = 0, worker = 0;

    k = put8(k, gather4(v->lv_live >> d) | gather4(v->lv_other >> d) << 4 |
                (unsigned)(lv->job && lv->job_owner == mb->script) << 7);
    for (unsigned i = 0; i < lv->nevents; i++)   /* dev 0 is a device: unused entries do not count */
        events |= (unsigned)(lv->events[i].dev == d) << i;
    k = put8(k, events);
    for (unsigned i = 0; i < lv->nworker; i++)   /* the rest are zero, as above */
        worker |= (unsigned)(lv->worker_q[i].dev == d) << i;
    k = put8(k, worker);
    k = put8(k, lv->unplug_dev == d + 1);
    return k;
}

/*
 * A DIMM member on machine m: its device (first_drc is its address, the
 * same for every member at that address), its bits, and the LMB DRCs from
 * first_drc on while it is realized (a DRC holds it only then), else zeros.
 */
static uint8_t *dimm_machine_key(const struct sim *s, const struct view *v,
                                 const struct sym_member *mb, const struct world *w, int m,
                                 uint8_t *k)
{
    const struct spapr_machine *mw = &w->machines[m];
    const struct spapr_device *sd = &mw->devices[mb->device];

    k = put(k, sd, sizeof(*sd));
    k = put8(k, gather4(v->dev[m] >> mb->device));
    for (unsigned j = 0; j < s->sym.nlmb; j++) {
        struct spapr_drc d = { 0 };
        if (sd->realized) {
            d = mw->drcs[sd->first_drc + j];
            d.dev = dev_seen(d.dev, mb);
        }
        k = put(k, &d, sizeof(d));
    }
    return k;
}

/* A DIMM member: no core, DRC slot or index is its own; the guest knows LMBs, not DIMMs. */
static uint8_t *dimm_member_key(const struct sim *s, const struct view *v, const struct world *w,
                                int a, uint8_t *k)
{
    const struct sym_member *mb = &s->sym.mem[a];

    k = put(k, &w->scripts[mb->script], sizeof(w->scripts[0]));
    k = put(k, &w->actors[ACTOR_SCRIPT0 + mb->script], sizeof(w->actors[0]));
    for (int m = 0; m < s->scn->nmachines; m++)
        k = dimm_machine_key(s, v, mb, w, m, k);
    k = libvirt_key(v, mb, w, k);
    return put8(k, w->failure.line ? sym_failure_at(s, w, a) : 0);
}

static uint8_t *member_key(const struct sim *s, const struct view *v, const struct world *w,
                           int a, uint8_t *k)
{
    const struct sym_member *mb = &s->sym.mem[a];
    const struct migration_state *mg = &w->migration;

    k = put(k, &w->scripts[mb->script], sizeof(w->scripts[0]));
    k = put(k, &w->actors[ACTOR_SCRIPT0 + mb->script], sizeof(w->actors[0]));
    for (int m = 0; m < s->scn->nmachines; m++)
        k = machine_key(v, mb, w, m, k);
    k = guest_key(s, v, w, a, k);
    k = libvirt_key(v, mb, w, k);
    k = put8(k, w->failure.line ? sym_failure_at(s, w, a) : 0);
    return put8(k, (unsigned)(mg->load_failed_drc == mb->slot) |
                   (unsigned)(mg->load_failed_cpu == mb->core) << 1);
}

/* Member a's key at k: the same length in every world of the scenario (sym_key_length). */
static uint8_t *key_of(const struct sim *s, const struct view *v, const struct world *w, int a,
                       uint8_t *k)
{
    return s->sym.dimm ? dimm_member_key(s, v, w, a, k) : member_key(s, v, w, a, k);
}

unsigned sym_key_length(const struct sim *s)
{
    static const struct world zero;
    uint8_t key[KEY_LEN];
    struct view v;

    view_init(s, &zero, &v);
    return (unsigned)(key_of(s, &v, &zero, 0, key) - key);
}

/*
 * Either direction gives one representative per orbit; each is the one the
 * search's own order tends to keep, so fewer worlds need renaming: cores
 * sorted by descending key, DIMMs by ascending (parallel-cores-4: 12% fewer
 * instructions a state than ascending; parallel-dimms-4: 7% fewer than descending).
 */
static bool out_of_order(const struct sim *s, const uint8_t *a, const uint8_t *b)
{
    int c = memcmp(a, b, s->sym.key_len);

    return s->sym.dimm ? c > 0 : c < 0;
}

unsigned sim_sym_order_from(const void *ctx, const void *parent, const struct step *st,
                            const void *parent_keys, const void *world, void *keys,
                            uint8_t *perm)
{
    const struct sim *s = ctx;
    unsigned n = s->sym.n, len = s->sym.key_len;
    uint32_t changed = parent ? sym_members_changed(s, parent, st, world) : (1u << n) - 1;
    uint8_t *key = keys;
    bool moved = false;
    struct view v;

    if (changed)
        view_init(s, world, &v);
    for (unsigned a = 0; a < n; a++) {
        if (changed >> a & 1)
            key_of(s, &v, world, (int)a, key + a * len);
        else
            memcpy(key + a * len, (const uint8_t *)parent_keys + a * len, len);
        perm[a] = (uint8_t)a;
    }
    for (unsigned i = 1; i < n; i++)   /* insertion sort: stable, n is small */
        for (unsigned j = i; j > 0 && out_of_order(s, key + perm[j - 1] * len,
                                                   key + perm[j] * len); j--) {
            uint8_t t = perm[j];
            perm[j] = perm[j - 1];
            perm[j - 1] = t;
            moved = true;
        }
    return moved ? n : 0;
}

unsigned sim_sym_order(const void *ctx, const void *world, uint8_t *perm)
{
    uint8_t keys[ENGINE_MAX_MEMBERS * KEY_LEN];

    return sim_sym_order_from(ctx, NULL, NULL, NULL, world, keys, perm);
}
