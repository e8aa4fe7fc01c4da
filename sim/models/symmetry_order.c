/*
 * The order of interchangeable clients in a world (symmetry.h): each
 * member's state, and every reference to its script, core, DRC slot, DRC
 * index or device, as a byte key relative to the member; members sorted by
 * key give the permutation symmetry_apply.c applies.
 */
#include <string.h>
#include "sim.h"
#include "symmetry.h"

#define KEY_LEN 96

struct key { uint8_t b[KEY_LEN]; unsigned len; };

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

static uint8_t *machine_key(const struct sim *s, const struct world *w, int a, int m, uint8_t *k)
{
    const struct sym_member *mb = &s->sym.mem[a];
    const struct spapr_machine *mw = &w->machines[m];
    const struct actor *timer = &w->actors[ACTOR_QEMU_TIMER0 + m];
    int slot = s->sym.cpu_first + mb->core;
    struct spapr_drc d = mw->drcs[slot];

    d.dev = d.dev == mb->device + 1 ? 1 : d.dev ? 2 : 0;
    k = put(k, &d, sizeof(d));
    k = put(k, &mw->devices[mb->device], sizeof(mw->devices[0]));
    k = put8(k, (mw->deleted >> mb->device & 1) | (mw->unplug_guest_error >> mb->device & 1) << 1 |
                (mw->mem_unplug_error >> mb->device & 1) << 2 |
                (mw->unplug_timed_out >> mb->device & 1) << 3 | (mw->fdt_cpus >> mb->core & 1) << 4 |
                (mw->vcpu_compat >> mb->core & 1) << 5 |
                (unsigned)(mw->abort_drc == slot) << 6 |
                (unsigned)(timer->kind && timer->arg == slot) << 7);
    k = put8(k, positions(mw->events, mw->nr_events, mb->index));   /* the rest are zero */
    return k;
}

static uint8_t *guest_key(const struct sim *s, const struct world *w, int a, uint8_t *k)
{
    const struct sym_member *mb = &s->sym.mem[a];
    const struct guest_state *g = &w->guest;
    unsigned slot = s->sym.cpu_first + mb->core;
    bool op = g->op.index == mb->index;

    k = put8(k, (g->cpus >> mb->core & 1) | (g->online >> mb->core & 1) << 1 |
                (unsigned)(g->dlpar_failed >> slot & 1) << 2 |
                (unsigned)(g->dt_mismatch_drc == slot) << 3 |
                (unsigned)(g->ras_log_buf.index == mb->index) << 4 |
                (unsigned)op << 5);
    k = put8(k, positions(g->work, g->nwork, mb->index));   /* the rest are zero */
    k = put8(k, op ? sym_prefix_of(&s->sym, a, g->op.cc_digest) : 0);
    return k;
}

static uint8_t *libvirt_key(const struct sim *s, const struct world *w, int a, uint8_t *k)
{
    const struct sym_member *mb = &s->sym.mem[a];
    const struct libvirt_state *lv = &w->libvirt;
    unsigned d = mb->device, events = 0;

    k = put8(k, (lv->xml[0] >> d & 1) | (lv->xml[1] >> d & 1) << 1 |
                (lv->deferred[0] >> d & 1) << 2 | (lv->deferred[1] >> d & 1) << 3 |
                (lv->mig_xml >> d & 1) << 4 | (lv->failed_report >> d & 1) << 5 |
                (lv->false_unplug >> d & 1) << 6 |
                (unsigned)(lv->job && lv->job_owner == mb->script) << 7);
    for (unsigned i = 0; i < lv->nevents; i++)   /* dev 0 is a device: unused entries do not count */
        events |= (unsigned)(lv->events[i].dev == d) << i;
    k = put8(k, events);
    k = put8(k, lv->unplug_dev == d + 1);
    return k;
}

static void member_key(const struct sim *s, const struct world *w, int a, struct key *key)
{
    const struct sym_member *mb = &s->sym.mem[a];
    const struct migration_state *mg = &w->migration;
    uint8_t *k = key->b;

    k = put(k, &w->scripts[mb->script], sizeof(w->scripts[0]));
    k = put(k, &w->actors[ACTOR_SCRIPT0 + mb->script], sizeof(w->actors[0]));
    for (int m = 0; m < s->scn->nmachines; m++)
        k = machine_key(s, w, a, m, k);
    k = guest_key(s, w, a, k);
    k = libvirt_key(s, w, a, k);
    k = put8(k, sym_failure_at(s, w, a));
    k = put8(k, (unsigned)(mg->load_failed_drc == s->sym.cpu_first + mb->core) |
                (unsigned)(mg->load_failed_cpu == mb->core) << 1);
    key->len = (unsigned)(k - key->b);
}

unsigned sim_sym_order(const void *ctx, const void *world, uint8_t *perm)
{
    const struct sim *s = ctx;
    struct key keys[ENGINE_MAX_MEMBERS];
    unsigned n = s->sym.n;
    bool moved = false;

    for (unsigned a = 0; a < n; a++) {
        member_key(s, world, (int)a, &keys[a]);
        perm[a] = (uint8_t)a;
    }
    for (unsigned i = 1; i < n; i++)   /* insertion sort: stable, n is small */
        for (unsigned j = i; j > 0 && memcmp(keys[perm[j - 1]].b, keys[perm[j]].b, keys[0].len) > 0; j--) {
            uint8_t t = perm[j];
            perm[j] = perm[j - 1];
            perm[j - 1] = t;
            moved = true;
        }
    return moved ? n : 0;
}
