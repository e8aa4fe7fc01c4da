/*
 * Runs and exhaustive exploration over an opaque world. A run fires one
 * fireable step after the other (seeded choice or a given schedule); the
 * exhaustive search is a DFS that visits every distinct world once, keyed
 * by its XXH3-64 fingerprint, ending a branch at its first violation.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <xxhash.h>
#include "explore.h"
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
        out->families = c->step(c->ctx, w, &steps[k], vs);
        if (out->families) {
            out->v_step = out->steps;
            break;
        }
    }
    if (out->families)
        out->v = vs[__builtin_ctz(out->families)];
    g_free(vs);
    g_free(w);
}

/* One DFS frame: a world and its fireable steps, the next one to try. */
struct frame {
    struct step steps[ENGINE_MAX_STEPS];
    unsigned n, next;
    unsigned char world[];
};

/* The path to the current world: the choice taken from every frame. */
static void record(struct explore_stats *st, const struct violation *v, uint32_t fams,
                   const GPtrArray *stack)
{
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++) {
        struct counterexample *cx = &st->cex[f];
        if (!(fams & (1u << f)) || cx->found)
            continue;
        cx->found = true;
        cx->v = v[f];
        cx->v.family = (uint8_t)f;
        for (unsigned i = 0; i < stack->len; i++) {
            const struct frame *fr = g_ptr_array_index(stack, i);
            schedule_push(&cx->sched, (uint16_t)(fr->next - 1));
        }
    }
    st->families |= fams;
}

static struct frame *push_frame(GPtrArray *stack, const struct engine_model *m, const void *w)
{
    struct frame *fr = g_malloc(sizeof(*fr) + m->world_size);

    memcpy(fr->world, w, m->world_size);
    fr->n = engine_fireable(m, fr->world, fr->steps, ENGINE_MAX_STEPS);
    fr->next = 0;
    g_ptr_array_add(stack, fr);
    return fr;
}

/* A new world: visited? quiescent? Returns true when it must be expanded. */
static bool admit(const struct engine_model *m, const struct checker *c, struct visited *vis,
                  const void *w, struct explore_stats *st, const GPtrArray *stack,
                  struct step *probe, bool bitstate)
{
    struct violation v[EXPLORE_MAX_FAMILIES];
    uint64_t fp = XXH3_64bits(w, m->world_size);
    enum visited_result r = visited_add(vis, fp, w);
    uint32_t fams;

    if (r == VISITED_FULL && bitstate && vis->mode == VISITED_FINGERPRINT) {
        visited_to_bitstate(vis);   /* the budget is used up: go on with two bits a state */
        st->bitstate = true;
        r = visited_add(vis, fp, w);
    }
    if (r == VISITED_FULL)
        st->full = true;
    if (r != VISITED_NEW)
        return false;
    st->states++;
    if (stack->len > st->max_depth)   /* the new world's depth: one per frame above it */
        st->max_depth = stack->len;
    if (engine_fireable(m, w, probe, ENGINE_MAX_STEPS) > 0)
        return true;
    st->quiescent_states++;
    fams = c->quiescent(c->ctx, w, v);
    if (fams)
        record(st, v, fams, stack);
    return false;
}

/* The progress hook, at most every 250 ms (checked every 4096 transitions). */
static void tick(const struct explore_opts *o, struct explore_stats *st, unsigned depth,
                 size_t queue, gint64 t0, gint64 *last)
{
    gint64 now;

    if (!o->progress || (st->transitions & 4095))
        return;
    now = g_get_monotonic_time();
    if (now - *last < 250000)
        return;
    *last = now;
    st->seconds = (double)(now - t0) / 1e6;
    o->progress(st, depth, queue, o->progress_arg);
}

void explore_exhaustive(const struct engine_model *m, const struct checker *c,
                        const void *initial, const struct explore_opts *o,
                        struct explore_stats *st)
{
    gint64 last = 0;
    GPtrArray *stack = g_ptr_array_new_with_free_func(g_free);
    struct visited vis;
    struct step probe[ENGINE_MAX_STEPS];
    void *child = g_malloc(m->world_size);
    gint64 t0 = g_get_monotonic_time();

    memset(st, 0, sizeof(*st));
    visited_init_mode(&vis, o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT, o->mem_bytes,
                      m->world_size);
    if (admit(m, c, &vis, initial, st, stack, probe, o->bitstate))
        push_frame(stack, m, initial);
    while (stack->len && !st->full) {
        struct frame *fr = g_ptr_array_index(stack, stack->len - 1);
        struct violation v[EXPLORE_MAX_FAMILIES];
        uint32_t fams;
        unsigned k;

        if (fr->next == fr->n) {
            g_ptr_array_set_size(stack, stack->len - 1);
            continue;
        }
        k = fr->next++;
        memcpy(child, fr->world, m->world_size);
        engine_fire(m, child, &fr->steps[k], NULL, 0, NULL);
        st->transitions++;
        tick(o, st, stack->len, stack->len, t0, &last);
        fams = c->step(c->ctx, child, &fr->steps[k], v);
        if (fams) {
            record(st, v, fams, stack);
            continue;
        }
        if (!admit(m, c, &vis, child, st, stack, probe, o->bitstate))
            continue;
        if (o->max_states && st->states >= o->max_states) {
            st->truncated = true;
            g_ptr_array_set_size(stack, 0);   /* stop: the bound is on states */
            break;
        }
        if (o->max_depth && stack->len >= o->max_depth) {
            st->truncated = true;
            continue;
        }
        push_frame(stack, m, child);
    }
    st->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    st->visited_bytes = visited_bytes(&vis);
    st->collision_probability = visited_collision_probability(&vis);
    st->truncated |= st->full;
    st->peak_rss_kb = explore_peak_rss_kb();
    visited_free(&vis);
    g_free(child);
    g_ptr_array_free(stack, TRUE);
}

void explore_stats_free(struct explore_stats *st)
{
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        schedule_free(&st->cex[f].sched);
}
