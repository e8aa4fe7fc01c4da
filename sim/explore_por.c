/*
 * Persistent sets and step independence from the model's footprints. A set S
 * of actors is closed when its steps commute with what outsiders may do before
 * their gates, only S can open a gate behind which an outsider would conflict,
 * a blocked actor of S is woken only from S, and no outside timed step is first.
 */
#include <string.h>
#include "explore_por.h"

const char *por_mode_name(enum por_mode mode)
{
    return mode == POR_NONE ? "none" : mode == POR_SLEEP ? "sleep" : "dpor";
}

bool por_mode_parse(const char *text, enum por_mode *out)
{
    for (int k = POR_NONE; k <= POR_DPOR; k++)
        if (!strcmp(text, por_mode_name((enum por_mode)k))) {
            *out = (enum por_mode)k;
            return true;
        }
    return false;
}

/* What the closure needs per actor, computed once per state. */
struct por_view {
    unsigned nactors;
    uint64_t live;                     /* actors that may ever have a step */
    uint64_t active;                   /* actors with a future or a step */
    uint64_t own_gate;                 /* actors whose steps before the gate may open it */
    uint64_t holds_off;                /* actors whose fireable step holds quiescence off */
    uint64_t quiescence_gate;          /* actors whose gate is a quiescence gate */
    uint64_t at_quiescence;            /* ... who sit at it, with nothing to do but time out */
    const struct actor_future *fut[POR_MAX_ACTORS]; /* far: every step (engine.h) */
    struct actor_future own[POR_MAX_ACTORS];        /* where the model computed one */
    int fireable[POR_MAX_ACTORS];      /* index into st[], or -1 */
    uint32_t pending_lo[POR_MAX_ACTORS]; /* lo of a pending step that cannot fire yet, else 0 */
    struct footprint fp[POR_MAX_ACTORS]; /* of the fireable step */
    unsigned ntimed, timed[POR_MAX_ACTORS]; /* actors with a timeout or a pending timed step */
};

/* The set S being grown: its actors, the queue of those still to close over. */
struct closure {
    uint64_t in, gated;        /* actors in S; outsiders whose gate S keeps shut */
    bool holds_off;            /* S has a fireable step that holds quiescence off */
    unsigned queue[POR_MAX_ACTORS], tail;
};

static void join(struct closure *c, unsigned y)
{
    if (!(c->in >> y & 1)) {
        c->in |= 1ull << y;
        c->queue[c->tail++] = y;
    }
}

/*
 * While S holds a step that holds quiescence off, that step stays pending
 * until S fires it (nothing outside S touches what it is computed from), so
 * an outsider's quiescence gate stays shut: only its steps before the gate
 * count, and one that sits at the gate does nothing S must see (its timeout
 * is the timed check's).
 */
static inline bool gate_shut(const struct por_view *v, const struct closure *c, unsigned y)
{
    return c->holds_off && (v->quiescence_gate >> y & 1);
}

static inline bool shut_out(const struct por_view *v, const struct closure *c, unsigned y)
{
    return c->holds_off && (v->at_quiescence >> y & 1);
}

/* Outsider y's steps before its gate touch what S reads (rd) or writes (wr), or open the gate. */
static inline bool meets_near(const struct por_view *v, const struct closure *c, unsigned y,
                              const struct fp_set *rd, const struct fp_set *wr)
{
    const struct actor_future *f = v->fut[y];

    return ((v->own_gate >> y & 1) && !gate_shut(v, c, y)) ||
           (wr && fp_meets(wr, &f->all.rd)) || fp_meets(rd, &f->all.wr);
}

/* Outsider y's steps, before or past its gate, touch what S reads (rd) or writes (wr)?
 * wr is NULL where S writes nothing: a gate, or a blocked actor's inputs. */
static inline bool meets_any(const struct por_view *v, const struct closure *c, unsigned y,
                             const struct fp_set *rd, const struct fp_set *wr)
{
    if (gate_shut(v, c, y))
        return meets_near(v, c, y, rd, wr);
    return (v->own_gate >> y & 1) || (wr && fp_meets(wr, &v->fut[y]->far.rd)) ||
           fp_meets(rd, &v->fut[y]->far.wr);
}

/*
 * Outsider y, which meets_any of rd and wr, must not touch what S reads (rd)
 * or writes (wr) before a step of S fires: if it may before its gate, it
 * joins S; if only past it, every actor that may open the gate is kept out
 * of the gate in turn.
 */
static void keep_out(const struct por_view *v, struct closure *c, unsigned y,
                     const struct fp_set *rd, const struct fp_set *wr)
{
    const struct fp_set *gate = &v->fut[y]->gate;

    if (meets_near(v, c, y, rd, wr)) {
        join(c, y);
        return;
    }
    if ((c->gated >> y & 1) || gate_shut(v, c, y))
        return;
    c->gated |= 1ull << y;
    for (uint64_t x = v->active & ~c->in & ~(1ull << y); x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        if (!(c->in >> a & 1) && !shut_out(v, c, a) && meets_any(v, c, a, gate, NULL))
            keep_out(v, c, a, gate, NULL);
    }
}

/* keep_out of every active outsider, in actor order. */
static void keep_all_out(const struct por_view *v, struct closure *c, const struct fp_set *rd,
                         const struct fp_set *wr)
{
    for (uint64_t x = v->active & ~c->in; x; x &= x - 1) {
        unsigned y = (unsigned)__builtin_ctzll(x);
        if (!(c->in >> y & 1) && !shut_out(v, c, y) && meets_any(v, c, y, rd, wr))
            keep_out(v, c, y, rd, wr);
    }
}

/*
 * Grow S from seed; returns the mask of steps (*limit: how many), or 0 when
 * S is no use or would take *limit steps or more (no better than one found).
 */
static uint64_t closure(const struct por_view *v, const struct step *st, unsigned seed,
                        unsigned *limit)
{
    struct closure c;
    uint64_t steps = 0;
    uint32_t min_hi = WINDOW_NEVER;
    unsigned nsteps = 0;

    c.in = c.gated = 0;
    c.holds_off = false;
    c.tail = 0;
    join(&c, seed);
    for (unsigned head = 0; head < c.tail; head++) {
        unsigned x = c.queue[head];
        int i = v->fireable[x];
        struct fp_set rd = v->fut[x]->inputs;
        if (i >= 0 && st[i].lo > 0)
            return 0;   /* a timed step shifts every window: it commutes with nothing */
        if (i >= 0) {
            if (++nsteps >= *limit)
                return 0;
            steps |= 1ull << i;
            c.holds_off |= v->holds_off >> x & 1;
            min_hi = st[i].hi < min_hi ? st[i].hi : min_hi;
            fp_union(&rd, &v->fp[x].rd);
        }
        /* fireable: its step and its inputs; blocked: only its inputs (nobody may wake it) */
        keep_all_out(v, &c, &rd, i >= 0 ? &v->fp[x].wr : NULL);
    }
    for (unsigned t = 0; t < v->ntimed; t++) {
        unsigned y = v->timed[t];
        uint32_t lo = v->pending_lo[y];
        if (!(c.in >> y & 1) && v->fut[y]->min_lo != WINDOW_NEVER && v->fut[y]->min_lo <= min_hi)
            return 0;   /* an outside timeout could fire before S */
        if (lo && lo <= min_hi)
            return 0;   /* a pending timed step (inside or out) could */
    }
    if (steps)
        *limit = nsteps;
    return steps;
}

/* Where an actor's gate is a quiescence gate: which fireable steps hold quiescence off, and
 * who sits at such a gate with nothing but a timeout to fire. */
static void view_quiescence(const struct engine_model *m, const struct step *st, unsigned n,
                            struct por_view *v)
{
    v->holds_off = v->quiescence_gate = v->at_quiescence = 0;
    if (!m->holds_off_quiescence)   /* no quiescence gates in this model */
        return;
    for (uint64_t x = v->live; x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        v->quiescence_gate |= (uint64_t)v->fut[a]->quiescence_gate << a;
    }
    if (!v->quiescence_gate)
        return;
    for (unsigned i = 0; i < n; i++)
        if (m->holds_off_quiescence(m->ctx, &st[i]))
            v->holds_off |= 1ull << st[i].actor;
    for (uint64_t x = v->quiescence_gate; x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        int i = v->fireable[a];
        if (v->fut[a]->at_quiescence_gate && (i < 0 || st[i].lo > 0))
            v->at_quiescence |= 1ull << a;
    }
}

/* What the model says of each actor in w: its fireable step's footprint, its future. */
static void view_gather(const struct engine_model *m, const void *w, const struct step *st,
                        unsigned n, unsigned nall, struct por_view *v)
{
    v->nactors = m->actors < POR_MAX_ACTORS ? m->actors : POR_MAX_ACTORS;
    v->live = (m->live_actors ? m->live_actors : ~0ull) & bits_below(v->nactors);
    for (unsigned a = 0; a < v->nactors; a++) {
        v->fireable[a] = -1;
        v->pending_lo[a] = 0;
    }
    for (unsigned k = 0; k < nall; k++)
        if (st[k].actor < v->nactors)
            v->pending_lo[st[k].actor] = st[k].lo;
    for (unsigned i = 0; i < n; i++) {
        v->fireable[st[i].actor] = (int)i;
        m->footprint(m->ctx, w, &st[i], &v->fp[st[i].actor]);
    }
    for (uint64_t x = v->live; x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        v->fut[a] = m->future(m->ctx, w, a, &v->own[a]);
    }
    view_quiescence(m, st, n, v);
}

/* What the closure reads of the futures: the actors that may still act, and so on. */
static void view_derive(struct por_view *v)
{
    uint64_t active = 0, own_gate = 0;
    unsigned ntimed = 0;

    for (uint64_t x = v->live; x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        const struct actor_future *f = v->fut[a];
        uint64_t any = 0;

#pragma GCC unroll 8
        for (int k = 0; k < FP_WORDS; k++)
            any |= f->far.rd.w[k] | f->far.wr.w[k] | f->inputs.w[k];
        if (any || v->fireable[a] >= 0 || v->pending_lo[a])
            active |= 1ull << a;
        if (fp_meets(&f->all.wr, &f->gate))
            own_gate |= 1ull << a;
        if (f->min_lo != WINDOW_NEVER || v->pending_lo[a])
            v->timed[ntimed++] = a;
    }
    v->active = active;
    v->own_gate = own_gate;
    v->ntimed = ntimed;
}

static uint64_t *put_set(uint64_t *k, const struct fp_set *s)
{
    memcpy(k, s->w, sizeof(s->w));
    return k + FP_WORDS;
}

/*
 * Everything the closure reads, per live actor: its fireable step (index,
 * window, footprint), its pending step's lo, its future: a model's table
 * entry by address (engine.h: unchanged while the model lives), one computed
 * for this world by its contents.
 */
static void view_key(const struct por_view *v, const struct step *st, unsigned n,
                     struct por_key *key)
{
    uint64_t *k = key->w;

    *k++ = n | (uint64_t)(v->quiescence_gate != 0) << 32;
    if (v->quiescence_gate) {   /* view_quiescence's bits, where there are any */
        *k++ = v->holds_off;
        *k++ = v->quiescence_gate;
        *k++ = v->at_quiescence;
    }
    for (uint64_t x = v->live; x; x &= x - 1) {
        unsigned a = (unsigned)__builtin_ctzll(x);
        const struct actor_future *f = v->fut[a];
        int i = v->fireable[a];
        *k++ = (uint64_t)a | (uint64_t)(i + 1) << 8 | (uint64_t)v->pending_lo[a] << 32;
        if (i >= 0) {
            *k++ = (uint64_t)st[i].lo << 32 | st[i].hi;
            k = put_set(k, &v->fp[a].rd);
            k = put_set(k, &v->fp[a].wr);
        }
        if (f != &v->own[a]) {
            *k++ = (uint64_t)(uintptr_t)f;
            continue;
        }
        *k++ = (uint64_t)f->min_lo << 1 | 1;   /* odd: no address */
        k = put_set(k, &f->all.rd);
        k = put_set(k, &f->all.wr);
        k = put_set(k, &f->far.rd);
        k = put_set(k, &f->far.wr);
        k = put_set(k, &f->gate);
        k = put_set(k, &f->inputs);
    }
    key->words = (unsigned)(k - key->w);
}

/* The closure from each seed (guest and QEMU actors first: they often stand alone). */
static uint64_t smallest(struct por_view *v, const struct step *st, unsigned n)
{
    uint64_t best = bits_below(n);
    unsigned nbest = n;

    view_derive(v);
    for (unsigned i = n; i-- > 0 && nbest > 1;) {
        uint64_t s;
        if (st[i].lo > 0)
            continue;
        s = closure(v, st, st[i].actor, &nbest);
        if (s)
            best = s;
    }
    return best;
}

uint64_t por_persistent(const struct engine_model *m, struct por_cache *cache, const void *w,
                        const struct step *st, unsigned n, unsigned nall)
{
    uint64_t best;
    struct por_view v;

    if (n <= 1 || !m->footprint || !m->future || m->actors > POR_MAX_ACTORS)
        return bits_below(n);
    view_gather(m, w, st, n, nall, &v);
    if (!cache)
        return smallest(&v, st, n);
    view_key(&v, st, n, por_cache_key(cache));
    if (!por_cache_find(cache, &best)) {
        best = smallest(&v, st, n);
        por_cache_keep(cache, best);
    }
    return best;
}

bool por_independent(const struct engine_model *m, const void *w, const struct step *a,
                     const struct step *b)
{
    struct footprint fa, fb;
    struct actor_future sa, sb;
    const struct actor_future *ua, *ub;

    if (a->lo > 0 || b->lo > 0 || !m->footprint || !m->future)
        return false;
    m->footprint(m->ctx, w, a, &fa);
    m->footprint(m->ctx, w, b, &fb);
    ua = m->future(m->ctx, w, a->actor, &sa);
    ub = m->future(m->ctx, w, b->actor, &sb);
    fp_union(&fa.rd, &ua->inputs);
    fp_union(&fb.rd, &ub->inputs);
    return !fp_meets(&fa.wr, &fb.rd) && !fp_meets(&fb.wr, &fa.rd);
}

uint64_t por_child_sleep(const struct engine_model *m, const void *w, const struct step *st,
                         unsigned n, uint64_t tried, uint64_t asleep, unsigned k)
{
    uint64_t sleep = 0;

    for (unsigned j = 0; j < n; j++) {
        bool was = (tried >> j & 1) || (asleep >> st[j].actor & 1);
        if (j != k && was && por_independent(m, w, &st[j], &st[k]))
            sleep |= 1ull << st[j].actor;
    }
    return sleep;
}

/* Fire the step of actor a (as fireable in w) on w; false if a has none there. */
static bool fire_actor(const struct engine_model *m, void *w, const struct step *like)
{
    struct step st[ENGINE_MAX_STEPS];
    unsigned n = engine_fireable(m, w, st, ENGINE_MAX_STEPS);

    for (unsigned i = 0; i < n; i++)
        if (st[i].actor == like->actor && st[i].kind == like->kind && st[i].arg == like->arg) {
            engine_fire(m, w, &st[i], NULL, 0, NULL);
            return true;
        }
    return false;
}

bool por_diamond(const struct engine_model *m, const void *w, const struct step *a,
                 const struct step *b, void *scratch1, void *scratch2)
{
    struct step st1[ENGINE_MAX_STEPS];

    memcpy(scratch1, w, m->world_size);
    memcpy(scratch2, w, m->world_size);
    engine_fire(m, scratch1, a, NULL, 0, NULL);
    engine_fire(m, scratch2, b, NULL, 0, NULL);
    /* a step after which nothing at all may fire ended the branch (QEMU aborted): the
     * violation is found in either order, and the search goes no further */
    if (!engine_fireable(m, scratch1, st1, ENGINE_MAX_STEPS) ||
        !engine_fireable(m, scratch2, st1, ENGINE_MAX_STEPS))
        return true;
    if (!fire_actor(m, scratch1, b) || !fire_actor(m, scratch2, a))
        return false;
    return memcmp(scratch1, scratch2, m->world_size) == 0;
}
