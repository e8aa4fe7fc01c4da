/*
 * Runs and exhaustive exploration over an opaque world. A run fires one
 * fireable step after the other (seeded choice or a given schedule); the
 * exhaustive search is a DFS that visits every distinct world once, keyed
 * by its XXH3-64 fingerprint, ending a branch at its first violation.
 */
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "explore.h"
#include "explore_symmetry.h"
#include "trace.h"
#include "visited.h"

void schedule_push(struct schedule *s, uint16_t c)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->choice = g_renew(uint16_t, s->choice, s->cap);
    }
    s->choice[s->len++] = c;
}

void schedule_free(struct schedule *s)
{
    g_free(s->choice);
    *s = (struct schedule){ 0 };
}

/* "0,2,1"; a run of three or more equal choices is written "c*n" ("0*102"). */
char *schedule_format(const struct schedule *s)
{
    GString *g = g_string_new(NULL);

    for (unsigned i = 0; i < s->len;) {
        unsigned run = 1;
        while (i + run < s->len && s->choice[i + run] == s->choice[i])
            run++;
        if (run < 3)
            run = 1;
        g_string_append_printf(g, "%s%u", i ? "," : "", s->choice[i]);
        if (run > 1)
            g_string_append_printf(g, "*%u", run);
        i += run;
    }
    return g_string_free(g, FALSE);
}

static bool parse_item(const char **p, struct schedule *out)
{
    char *end;
    unsigned long v = strtoul(*p, &end, 10), n = 1;

    if (!g_ascii_isdigit(**p) || end == *p || v > UINT16_MAX)
        return false;
    if (*end == '*') {
        const char *q = end + 1;
        n = strtoul(q, &end, 10);
        if (!g_ascii_isdigit(*q) || end == q || n == 0 || n > 10000000)
            return false;
    }
    for (unsigned long i = 0; i < n; i++)
        schedule_push(out, (uint16_t)v);
    *p = end;
    return true;
}

bool schedule_parse(const char *text, struct schedule *out)
{
    const char *p = text;

    *out = (struct schedule){ 0 };
    while (*p) {
        if (!parse_item(&p, out) || (*p && *p != ',') || (*p == ',' && !p[1])) {
            schedule_free(out);
            return false;
        }
        if (*p)
            p++;
    }
    return true;
}

long explore_peak_rss_kb(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

void explore_stats_close(struct explore_stats *st, const struct visited *vis)
{
    st->visited_bytes = visited_bytes(vis);
    st->collision_probability = visited_collision_probability(vis);
    st->bitstate_missed = visited_bitstate_missed(vis);
    st->lossless = vis->mode == VISITED_LOSSLESS;
    st->pool_refused = vis->pool_refused;
    st->peak_rss_kb = explore_peak_rss_kb();
}

void run_result_free(struct run_result *r)
{
    schedule_free(&r->sched);
}

static uint16_t pick(struct engine_prng *prng, const struct schedule *sched, unsigned at,
                     unsigned n, bool *invalid)
{
    if (!sched)
        return (uint16_t)engine_prng_below(prng, n);
    if (at >= sched->len || sched->choice[at] >= n) {
        *invalid = true;
        return 0;
    }
    return sched->choice[at];
}

/* The ignored families that hold after st (NULL: at quiescence) for the first time. */
static void note_ignored(const struct checker *c, const void *w, const struct step *st,
                         struct violation *vs, struct run_result *out)
{
    uint32_t fresh = c->ignored ? c->ignored(c->ctx, w, st, vs) & ~out->ignored : 0;

    out->ignored |= fresh;
    for (; fresh; fresh &= fresh - 1) {
        struct run_ignored *at = &out->ignored_at[out->nignored++];
        at->step = out->steps;
        at->v = vs[__builtin_ctz(fresh)];
    }
}

void explore_run(const struct engine_model *m, const struct checker *c, const void *initial,
                 uint64_t seed, const struct schedule *sched, unsigned max_steps,
                 struct trace *tr, struct run_result *out)
{
    struct step steps[ENGINE_MAX_STEPS];
    struct engine_prng prng;
    struct violation *vs = g_new0(struct violation, EXPLORE_MAX_FAMILIES);
    void *w = g_malloc(m->world_size);

    memcpy(w, initial, m->world_size);
    memset(out, 0, sizeof(*out));
    engine_prng_seed(&prng, seed);
    while (out->steps < max_steps) {
        unsigned n = engine_fireable(m, w, steps, ENGINE_MAX_STEPS);
        uint16_t k;
        if (n == 0) {
            out->quiescent = true;
            note_ignored(c, w, NULL, vs, out);
            out->families = c->quiescent(c->ctx, w, vs);
            out->v_step = out->steps;
            break;
        }
        if (sched && out->steps == sched->len)
            break;   /* a schedule may end before quiescence (a violation cut it) */
        k = pick(&prng, sched, out->steps, n, &out->schedule_invalid);
        if (out->schedule_invalid)
            break;
        schedule_push(&out->sched, k);
        engine_fire(m, w, &steps[k], tr, ++out->steps, &out->t_ms);
        note_ignored(c, w, &steps[k], vs, out);
        out->families = c->step(c->ctx, w, &steps[k], vs);
        if (out->families) {
            out->v_step = out->steps;
            break;
        }
    }
    if (out->families)
        out->v = vs[__builtin_ctz(out->families)];   /* the lowest family; the bound is last */
    out->model_bound = (out->families & EXPLORE_BOUND_BIT) != 0;
    out->families &= ~EXPLORE_BOUND_BIT;
    g_free(vs);
    g_free(w);
}

/*
 * One DFS frame: a world, its fireable steps, and which of them are still to
 * try (all, or a persistent set under --por dpor, less the sleeping actors).
 * next - 1 is the step last taken: the choice recorded in a path. The world
 * is in the frame's room, or in its parent's, which it took over when it was
 * the parent's last step (take_over).
 */
struct frame {
    struct step steps[ENGINE_MAX_STEPS];   /* the fireable, then the others pending */
    unsigned n, next;
    uint64_t todo, tried;      /* bit per step */
    uint64_t sleep;            /* bit per actor: --por sleep */
    uint64_t fp;               /* the world's fingerprint (the cycle proviso) */
    bool reduced;
    unsigned char *world;
    _Alignas(16) unsigned char room[];   /* the world's structs need their alignment */
};

/*
 * The DFS stack keeps the frames it allocated for reuse: no malloc/free per
 * step (with threads, freed memory handed back to the kernel means TLB
 * shootdowns on every core).
 */
struct fstack {
    struct frame **f;
    unsigned len, cap;     /* cap: a multiple of FSTACK_BLOCK */
};
#define FSTACK_BLOCK 32

static struct frame *fstack_top(const struct fstack *s)
{
    return s->f[s->len - 1];
}

static void fstack_free(struct fstack *s)
{
    for (unsigned i = 0; i < s->cap; i += FSTACK_BLOCK)
        g_free(s->f[i]);   /* a block's first frame is the block */
    g_free(s->f);
}

/* The path to the current world: the prefix, then the choice taken from every frame. */
static void record(struct dfs *d, const struct violation *v, uint32_t fams, const struct fstack *stack)
{
    struct schedule path = { 0 };

    if (cex_missing(d->st->cex, fams)) {   /* the path is built only for a first one */
        for (unsigned i = 0; d->prefix && i < d->prefix->len; i++)
            schedule_push(&path, d->prefix->choice[i]);
        for (unsigned i = 0; i < stack->len; i++)
            schedule_push(&path, (uint16_t)(stack->f[i]->next - 1));
        cex_record(d->st->cex, v, fams, &path);
        schedule_free(&path);
    }
    explore_tally(d->st, fams);
}

/*
 * The steps of a world admit() looked at: the fireable, then the others
 * pending up to nall, written where the world's frame keeps them.
 */
struct probe {
    struct step *st;
    unsigned n, nall;
};

/* n bytes rounded up to the alignment of a frame's parts. */
static size_t frame_align(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* The model's member keys of the frame's world (sym_keys bytes), after its room. */
static unsigned char *frame_keys(const struct dfs *d, struct frame *fr)
{
    return fr->room + frame_align(d->m->world_size);
}

/* Room for one more frame: the next world is fired straight into it. */
static struct frame *fstack_next(const struct dfs *d, struct fstack *s)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->f = g_renew(struct frame *, s->f, s->cap);
        memset(s->f + s->len, 0, (s->cap - s->len) * sizeof(*s->f));
    }
    if (!s->f[s->len]) {   /* made FSTACK_BLOCK at a time, kept: a deep search reuses them */
        size_t size = frame_align(sizeof(struct frame) + frame_align(d->m->world_size) +
                                  d->m->sym_keys);
        unsigned char *block = g_malloc(FSTACK_BLOCK * size);
        for (unsigned i = 0; i < FSTACK_BLOCK; i++)
            s->f[s->len + i] = (struct frame *)(block + i * size);
    }
    return s->f[s->len];
}

/*
 * The frame's persistent set, from the search's cache where it met the same
 * view before; --por-check computes each again and stops at a difference.
 */
static __attribute__((noinline)) uint64_t persistent(struct dfs *d, const struct frame *fr,
                                                     unsigned nall)
{
    uint64_t set;

    if (!d->por_cache) {   /* made at the first use: many searches never reduce */
        d->por_cache = por_cache_new();
        d->own_por_cache = true;
    }
    set = por_persistent(d->m, d->por_cache, fr->world, fr->steps, fr->n, nall);
    if (d->o->por_check && set != por_persistent(d->m, NULL, fr->world, fr->steps, fr->n, nall)) {
        d->st->por_error = true;
        d->st->truncated = true;
        d->st->por_error_object = -4;
    }
    return set;
}

/* Push the world already in fstack_next()'s frame, with its steps when admit() put them there. */
static struct frame *push_frame(struct dfs *d, struct fstack *s, uint64_t fp, uint64_t sleep,
                                const struct probe *p)
{
    const struct engine_model *m = d->m;
    struct frame *fr = s->f[s->len++];
    unsigned nall;

    if (p) {
        fr->n = p->n;
        nall = p->nall;
    } else {
        fr->n = engine_fireable_all(m, fr->world, fr->steps, ENGINE_MAX_STEPS, &nall);
    }
    fr->next = 0;
    fr->tried = 0;
    fr->fp = fp;
    fr->sleep = sleep;
    fr->todo = d->o->por == POR_DPOR && fr->n > 1   /* one step is its own persistent set */
             ? persistent(d, fr, nall) : bits_below(fr->n);
    fr->reduced = fr->todo != bits_below(fr->n);
    d->st->reduced_states += fr->reduced;
    for (unsigned i = 0; sleep && i < fr->n; i++)
        if (sleep >> fr->steps[i].actor & 1)
            fr->todo &= ~(1ull << i);
    return fr;
}

/* The search's own visited set; --bitstate takes over when the budget is used up. */
__attribute__((flatten))
enum visited_result dfs_local_add(void *set, uint64_t fp, const void *w, struct explore_stats *st,
                                  bool bitstate)
{
    struct visited *vis = set;
    enum visited_result r = visited_add(vis, fp, w);

    if (r == VISITED_FULL && bitstate && vis->mode == VISITED_FINGERPRINT) {
        visited_to_bitstate(vis);
        st->bitstate = true;
        r = visited_add(vis, fp, w);
    }
    return r;
}

uint32_t cex_missing(const struct counterexample *cex, uint32_t fams)
{
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        if (cex[f].found)
            fams &= ~(1u << f);
    return fams;
}

uint32_t cex_record(struct counterexample *cex, const struct violation *v, uint32_t fams,
                    const struct schedule *path)
{
    uint32_t now = cex_missing(cex, fams);

    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++) {
        if (!(now & (1u << f)))
            continue;
        cex[f].found = true;
        cex[f].v = v[f];
        cex[f].v.family = (uint8_t)f;
        for (unsigned i = 0; i < path->len; i++)
            schedule_push(&cex[f].sched, path->choice[i]);
    }
    return now;
}

void explore_tally(struct explore_stats *st, uint32_t fams)
{
    st->families |= fams & ~EXPLORE_BOUND_BIT;
    st->model_bound |= (fams & EXPLORE_BOUND_BIT) != 0;
}

/* A violation reached by exactly the choices of sched. */
void dfs_record_path(struct explore_stats *st, const struct violation *v, uint32_t fams,
                     const struct schedule *sched)
{
    cex_record(st->cex, v, fams, sched);
    explore_tally(st, fams);
}

enum admitted { ADMIT_EXPAND, ADMIT_DONE, ADMIT_OLD };

/* --por-check: the member keys kept from the parent's are those of w. */
static bool keys_check(struct dfs *d, const void *w, const struct sym_parent *sp)
{
    if (!sp || sym_keys_fresh(d->m, w, sp->keys))
        return true;
    d->st->por_error = true;
    d->st->truncated = true;
    d->st->por_error_object = -5;
    return false;
}

/* A world fired into (from sp's parent, where its keys are kept): visited before? quiescent? */
static enum admitted admit(struct dfs *d, const struct sym_parent *sp, const void *w,
                           uint64_t *fp_out, const struct fstack *stack, struct probe *p)
{
    struct violation v[EXPLORE_MAX_FAMILIES];
    const struct engine_model *m = d->m;
    const void *stored;
    enum visited_result r;
    uint32_t fams;
    uint64_t fp = *fp_out = sym_key_from(m, !d->o->no_symmetry, sp, w, d->scratch, &stored);

    if (d->o->por_check && d->carry_keys && !keys_check(d, w, sp))
        return ADMIT_DONE;
    r = d->add(d->set, fp, stored, d->st, d->o->bitstate);

    if (r == VISITED_FULL)
        d->st->full = true;
    if (r != VISITED_NEW)
        return r == VISITED_FULL ? ADMIT_DONE : ADMIT_OLD;
    d->st->states++;
    d->st->symmetric_states += stored != w;
    if (d->depth0 + stack->len > d->st->max_depth)   /* one level per frame above it */
        d->st->max_depth = d->depth0 + stack->len;
    if ((p->n = engine_fireable_all(m, w, p->st, ENGINE_MAX_STEPS, &p->nall)) > 0)
        return ADMIT_EXPAND;
    d->st->quiescent_states++;
    if (d->o->end_states) {   /* up to symmetry whether the search uses it or not */
        uint64_t end = d->o->no_symmetry ? sym_key(m, true, w, d->scratch, &stored) : fp;
        g_array_append_val(d->o->end_states, end);
    }
    fams = d->c->quiescent(d->c->ctx, w, v);
    if (fams)
        record(d, v, fams, stack);
    return ADMIT_DONE;
}

void explore_tick(const struct explore_opts *o, struct explore_stats *st, gint64 t0,
                  gint64 *last_tick, unsigned depth, size_t queue)
{
    gint64 now;

    if (!o->progress || (st->transitions & 4095))
        return;
    now = g_get_monotonic_time();
    if (now - *last_tick < EXPLORE_PROGRESS_US)
        return;
    *last_tick = now;
    st->seconds = (double)(now - t0) / 1e6;
    o->progress(st, depth, queue, o->progress_arg);
}

static bool on_stack(const struct fstack *stack, uint64_t fp)
{
    for (unsigned i = 0; i < stack->len; i++)
        if (stack->f[i]->fp == fp)
            return true;
    return false;
}

/*
 * --por-check: the step changed only what it declared, commutes with the
 * steps left out, and maps onto the world the symmetry stores instead.
 */
bool dfs_por_check(struct dfs *d, const void *world, const struct step *steps, unsigned n,
                   bool reduced, uint64_t left_out, unsigned k, const void *child)
{
    const struct engine_model *m = d->m;
    struct footprint f;
    struct fp_set changed;
    void *s1, *s2;
    bool ok = true;

    m->footprint(m->ctx, world, &steps[k], &f);
    m->changed(m->ctx, world, child, &changed);
    for (int i = 0; i < FP_WORDS; i++) {
        uint64_t stray = changed.w[i] & ~f.wr.w[i];   /* changed, not declared */
        if (stray) {
            d->st->por_error_object = (int16_t)(i * 64 + __builtin_ctzll(stray));
            goto fail;
        }
    }
    if (!world_outside_blocks_same(m, world, child)) {
        d->st->por_error_object = -3;
        goto fail;
    }
    if (!d->o->no_symmetry && !sym_check(m, d->c, world, &steps[k], child)) {
        d->st->por_error_object = -2;
        goto fail;
    }
    if (!reduced)
        return true;
    s1 = g_malloc(m->world_size);
    s2 = g_malloc(m->world_size);
    for (unsigned j = 0; j < n && ok; j++)
        if ((left_out >> j & 1) && j != k &&
            !por_diamond(m, world, &steps[k], &steps[j], s1, s2)) {
            d->st->por_error_object = -1;
            d->st->por_error_other = steps[j].actor;
            ok = false;
        }
    g_free(s1);
    g_free(s2);
    if (ok)
        return true;
fail:
    d->st->por_error = true;
    d->st->truncated = true;   /* the search stops here: never a pass */
    d->st->por_error_actor = steps[k].actor;
    d->st->por_error_kind = steps[k].kind;
    return false;
}

/* The same for step k of the frame: the steps left out are those neither to do nor tried. */
static bool por_check(struct dfs *d, const struct frame *fr, unsigned k, const void *child)
{
    return dfs_por_check(d, fr->world, fr->steps, fr->n, fr->reduced, ~(fr->todo | fr->tried), k,
                         child);
}

/*
 * Step k is the frame's last and nothing reads its world again: not the cycle
 * proviso (only a reduced frame reopens), not a sleep set (the child's, under
 * --por sleep or below a job's prefix), --por-check (the diamonds) nor the
 * model's symmetry keys (the child's from the frame's, a copy cheaper than
 * keying every member). The child is fired in the frame's world itself, with
 * no copy.
 */
static bool take_over(const struct dfs *d, const struct frame *fr, bool carry_keys)
{
    return !fr->todo && !fr->reduced && d->o->por != POR_SLEEP && !fr->sleep &&
           !d->o->por_check && !carry_keys;
}

/*
 * One expansion of the top frame; false when the search must stop. Inlined
 * twice (dfs_loop), so that a search without symmetry keys (carry_keys false)
 * pays nothing for them.
 */
static inline __attribute__((always_inline)) bool dfs_expand(struct dfs *d, struct fstack *stack,
                                                             const bool carry_keys)
{
    struct frame *fr = fstack_top(stack), *next = fstack_next(d, stack);
    struct probe probe = { .st = next->steps };
    struct violation v[EXPLORE_MAX_FAMILIES];
    const struct engine_model *m = d->m;
    unsigned k = (unsigned)__builtin_ctzll(fr->todo);
    struct sym_parent sp;
    enum admitted a;
    uint32_t fams;
    uint64_t fp;
    void *child;

    fr->todo &= ~(1ull << k);
    fr->tried |= 1ull << k;
    fr->next = k + 1;
    if (take_over(d, fr, carry_keys)) {
        child = next->world = fr->world;
    } else {
        child = next->world = next->room;
        memcpy(child, fr->world, m->world_size);
    }
    engine_fire(m, child, &fr->steps[k], NULL, 0, NULL);
    d->st->transitions++;
    explore_tick(d->o, d->st, d->t0, &d->last_tick, d->depth0 + stack->len, stack->len);
    if (d->o->por_check && (d->st->por_error || !por_check(d, fr, k, child)))
        return false;   /* this step failed its check, or a persistent set did (persistent) */
    if ((fams = d->c->step(d->c->ctx, child, &fr->steps[k], v))) {
        record(d, v, fams, stack);
        return true;
    }
    if (carry_keys)
        sp = (struct sym_parent){ .world = fr->world, .world_keys = frame_keys(d, fr),
                                  .step = &fr->steps[k], .keys = frame_keys(d, next) };
    a = admit(d, carry_keys ? &sp : NULL, child, &fp, stack, &probe);
    if (a == ADMIT_OLD && fr->reduced && (d->proviso_visited || on_stack(stack, fp))) {
        fr->todo = bits_below(fr->n) & ~fr->tried;   /* the cycle proviso: expand fully */
        fr->reduced = false;
        d->st->proviso_expansions++;
    }
    /* the bound is on states stored, quiescent ones too: stop at the first past it */
    if (a != ADMIT_OLD && dfs_states_reached(d)) {
        explore_cut(d->st, LIMIT_MAX_STATES);
        return false;
    }
    if (a != ADMIT_EXPAND)
        return !d->st->full;
    if (d->o->max_depth && d->depth0 + stack->len >= d->o->max_depth) {
        explore_cut(d->st, LIMIT_MAX_DEPTH);
        return true;
    }
    push_frame(d, stack, fp, por_child_sleep_in(d->o->por, d->m, fr->world, fr->steps, fr->n,
                                                fr->tried, fr->sleep, k), &probe);
    return true;
}

/* Expand the stack's worlds until it is empty or the search stops. */
static void dfs_loop(struct dfs *d, struct fstack *stack)
{
    while (stack->len) {
        struct frame *fr = fstack_top(stack);
        if (!fr->todo)
            stack->len--;
        else if (!(d->carry_keys ? dfs_expand(d, stack, true) : dfs_expand(d, stack, false)))
            break;
    }
    d->st->truncated |= d->st->full;
}

/* sym_key's buffer for a world's representative: only a model with members writes one. */
static void *representative_buffer(const struct engine_model *m)
{
    return m->sym_order ? g_malloc(m->world_size) : NULL;
}

/* The first frame, holding a copy of start. */
static struct frame *dfs_begin(struct dfs *d, struct fstack *stack, const void *start)
{
    struct frame *first;

    d->scratch = representative_buffer(d->m);
    d->carry_keys = !d->o->no_symmetry && d->m->sym_order_from;
    stack->len = 0;
    first = fstack_next(d, stack);
    first->world = first->room;
    memcpy(first->world, start, d->m->world_size);
    return first;
}

static void dfs_end(struct dfs *d, struct fstack *stack, struct fstack *own)
{
    g_clear_pointer(&d->scratch, g_free);
    if (d->own_por_cache) {
        g_clear_pointer(&d->por_cache, por_cache_free);
        d->own_por_cache = false;
    }
    if (stack == own)
        fstack_free(own);
}

void dfs_run(struct dfs *d, const void *start)
{
    struct fstack own = { 0 }, *stack = d->frames ? d->frames : &own;
    struct frame *first = dfs_begin(d, stack, start);
    struct sym_parent sp = { .keys = frame_keys(d, first) };
    const void *stored;

    push_frame(d, stack, sym_key_from(d->m, !d->o->no_symmetry, &sp, start, d->scratch, &stored),
               d->sleep0, NULL);
    dfs_loop(d, stack);
    dfs_end(d, stack, &own);
}

void dfs_search(struct dfs *d, const void *start)
{
    struct fstack own = { 0 }, *stack = d->frames ? d->frames : &own;
    struct frame *first = dfs_begin(d, stack, start);
    struct probe probe = { .st = first->steps };
    struct sym_parent sp = { .keys = frame_keys(d, first) };
    uint64_t fp;
    enum admitted a = admit(d, &sp, first->world, &fp, stack, &probe);

    if (a != ADMIT_OLD && dfs_states_reached(d))   /* the start world counts, as in dfs_expand */
        explore_cut(d->st, LIMIT_MAX_STATES);
    else if (a == ADMIT_EXPAND) {
        push_frame(d, stack, fp, d->sleep0, &probe);
        dfs_loop(d, stack);
    }
    dfs_end(d, stack, &own);
}

struct fstack *dfs_frames_new(void)
{
    return g_new0(struct fstack, 1);
}

void dfs_frames_free(struct fstack *frames)
{
    fstack_free(frames);
    g_free(frames);
}

bool dfs_admit_seen(struct dfs *d, const void *start, bool *seen)
{
    struct fstack none = { 0 };
    struct step st[ENGINE_MAX_STEPS];
    struct probe probe = { .st = st };
    void *own = d->scratch;
    enum admitted a;
    uint64_t fp;

    d->scratch = representative_buffer(d->m);
    a = admit(d, NULL, start, &fp, &none, &probe);
    g_free(d->scratch);
    d->scratch = own;
    *seen = a == ADMIT_OLD;
    return a == ADMIT_EXPAND;
}

/* Admit the initial world of a search (its depth is depth0). */
bool dfs_admit_start(struct dfs *d, const void *start)
{
    bool seen;

    return dfs_admit_seen(d, start, &seen);
}

void explore_exhaustive(const struct engine_model *m, const struct checker *c,
                        const void *initial, const struct explore_opts *o,
                        struct explore_stats *st)
{
    struct visited vis;
    struct dfs d = { .m = m, .c = c, .o = o, .st = st, .set = &vis, .add = dfs_local_add,
                     .t0 = g_get_monotonic_time() };

    if (o->jobs > 1) {
        explore_parallel(m, c, initial, o, st);
        return;
    }
    explore_stats_init(st);
    st->por = (uint8_t)o->por;
    visited_init_mode(&vis, o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT, o->mem_bytes,
                      m->world_size);
    if (o->mem_pool)
        visited_join_pool(&vis, o->mem_pool);
    d.last_tick = d.t0;   /* the first progress line after 250 ms, not at 0.0 s */
    dfs_search(&d, initial);
    st->seconds = (double)(g_get_monotonic_time() - d.t0) / 1e6;
    explore_stats_close(st, &vis);
    visited_free(&vis);
}

_Static_assert(offsetof(struct explore_stats, cex) + sizeof(((struct explore_stats *)0)->cex) ==
                   sizeof(struct explore_stats), "the counterexamples come last");

void explore_stats_init(struct explore_stats *st)
{
    memset(st, 0, offsetof(struct explore_stats, cex));
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++) {
        st->cex[f].found = false;
        st->cex[f].sched = (struct schedule){ 0 };
    }
}

void explore_stats_free(struct explore_stats *st)
{
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        schedule_free(&st->cex[f].sched);
}
