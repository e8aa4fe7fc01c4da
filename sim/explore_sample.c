/*
 * Sampling for state spaces too big to exhaust: N seeded runs, uniformly
 * random or PCT (Burckhardt et al., ASPLOS 2010: random actor priorities and
 * d-1 random priority drops find a bug of depth d with probability at least
 * 1/(n k^(d-1)) for n actors, k steps). Runs split across --jobs by seed.
 */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "explore.h"

#define ACTOR_IDS 256

struct pct {
    uint32_t prio[ACTOR_IDS];
    unsigned change[PCT_MAX_DEPTH - 1], nchange, next_low;
};

static void pct_init(struct pct *p, struct engine_prng *r, unsigned depth, unsigned k)
{
    for (unsigned a = 0; a < ACTOR_IDS; a++)   /* distinct: random high bits, id low bits */
        p->prio[a] = (engine_prng_below(r, 1u << 20) << 8 | a) + 64;
    p->nchange = depth > 1 ? MIN(depth, PCT_MAX_DEPTH) - 1 : 0;   /* the CLI refuses a deeper d */
    for (unsigned i = 0; i < p->nchange; i++)
        p->change[i] = 1 + engine_prng_below(r, k ? k : 1);
    p->next_low = p->nchange;
}

/* The fireable step of the highest-priority actor; lower it at a change point. */
static unsigned pct_pick(struct pct *p, const struct step *steps, unsigned n, unsigned at)
{
    unsigned best = 0;

    for (unsigned i = 1; i < n; i++)
        if (p->prio[steps[i].actor] > p->prio[steps[best].actor])
            best = i;
    for (unsigned i = 0; i < p->nchange; i++)
        if (p->change[i] == at)
            p->prio[steps[best].actor] = p->next_low--;
    return best;
}

struct worker {
    const struct engine_model *m;
    const struct checker *c;
    const void *initial;
    const struct sample_opts *o;
    gint *done;                /* runs done by every worker, for the progress hook */
    unsigned first, count, k;
    struct sample_result r;
    uint8_t actors[ACTOR_IDS];
};

static void one_run(struct worker *wk, uint64_t seed)
{
    struct step steps[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];
    struct engine_prng prng;
    struct schedule sched = { 0 };
    struct pct pct = { .nchange = 0 };
    void *w = g_malloc(wk->m->world_size);
    uint32_t fams = 0, fams_new;
    unsigned at = 0, n;
    bool cut = false;   /* stopped at max_steps with steps left: not quiescent */

    memcpy(w, wk->initial, wk->m->world_size);
    engine_prng_seed(&prng, seed);
    if (wk->o->mode == SAMPLE_PCT)
        pct_init(&pct, &prng, wk->o->depth, wk->k);
    while ((n = engine_fireable(wk->m, w, steps, ENGINE_MAX_STEPS)) && !(cut = at == wk->o->max_steps)) {
        unsigned k = wk->o->mode == SAMPLE_PCT ? pct_pick(&pct, steps, n, at + 1)
                                               : engine_prng_below(&prng, n);
        wk->actors[steps[k].actor] = 1;
        schedule_push(&sched, (uint16_t)k);
        engine_fire(wk->m, w, &steps[k], NULL, ++at, NULL);
        if ((fams = wk->c->step(wk->c->ctx, w, &steps[k], v)))
            break;
    }
    if (!fams && !cut)
        fams = wk->c->quiescent(wk->c->ctx, w, v);
    wk->r.bound_runs += (fams & EXPLORE_BOUND_BIT) != 0;   /* ended, but not by a violation */
    fams &= ~EXPLORE_BOUND_BIT;
    wk->r.steps += at;
    wk->r.max_steps_seen = MAX(wk->r.max_steps_seen, at);
    wk->r.violating_runs += fams != 0;
    wk->r.cut_runs += cut;
    fams_new = cex_record(wk->r.cex, v, fams, &sched);
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        if (fams_new >> f & 1)
            wk->r.first_seed[f] = seed;
    wk->r.families |= fams;
    schedule_free(&sched);
    g_free(w);
}

static gpointer worker_main(gpointer data)
{
    struct worker *wk = data;

    for (unsigned i = 0; i < wk->count; i++) {
        one_run(wk, wk->o->seed + wk->first + i);
        g_atomic_int_inc(wk->done);
    }
    return NULL;
}

/*
 * PCT's k, the steps of a run: twice the longest of PCT_PROBES random runs
 * to the end (no checker: a violation does not cut them short), at most
 * max_steps. Fixed probe seeds: a run's schedule depends on its seed alone,
 * so `--runs 1 --seed S` replays run S of any batch.
 */
#define PCT_PROBES 8
#define PCT_PROBE_SEED 0x5043544bu   /* "PCTK" */

static unsigned pct_steps(const struct engine_model *m, const void *initial, unsigned max_steps)
{
    struct step steps[ENGINE_MAX_STEPS];
    void *w = g_malloc(m->world_size);
    unsigned longest = 0, n;

    for (unsigned i = 0; i < PCT_PROBES; i++) {
        struct engine_prng prng;
        unsigned at = 0;
        memcpy(w, initial, m->world_size);
        engine_prng_seed(&prng, PCT_PROBE_SEED + i);
        while (at < max_steps && (n = engine_fireable(m, w, steps, ENGINE_MAX_STEPS)))
            engine_fire(m, w, &steps[engine_prng_below(&prng, n)], NULL, ++at, NULL);
        longest = MAX(longest, at);
    }
    g_free(w);
    return MAX(1u, MIN(2 * longest, max_steps));
}

/* Fold one worker's findings into the result; seeds are kept lowest first. */
static void merge(struct sample_result *out, struct worker *wk)
{
    out->steps += wk->r.steps;
    out->violating_runs += wk->r.violating_runs;
    out->cut_runs += wk->r.cut_runs;
    out->bound_runs += wk->r.bound_runs;
    out->max_steps_seen = MAX(out->max_steps_seen, wk->r.max_steps_seen);
    out->families |= wk->r.families;
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        if (wk->r.cex[f].found && (!out->cex[f].found || wk->r.first_seed[f] < out->first_seed[f])) {
            schedule_free(&out->cex[f].sched);
            out->cex[f] = wk->r.cex[f];
            out->first_seed[f] = wk->r.first_seed[f];
            wk->r.cex[f] = (struct counterexample){ 0 };
        }
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        schedule_free(&wk->r.cex[f].sched);
}

/* With a progress hook: report the runs done every 250 ms until the workers are through. */
static void watch(const struct sample_opts *o, gint *done, gint64 t0)
{
    gint64 last = t0;

    while (o->progress && (unsigned)g_atomic_int_get(done) < o->runs) {
        gint64 now;
        g_usleep(10000);   /* a short sample ends without waiting for a whole tick */
        now = g_get_monotonic_time();
        if (now - last < EXPLORE_PROGRESS_US)
            continue;
        last = now;
        o->progress((unsigned)g_atomic_int_get(done), o->runs, (double)(now - t0) / 1e6,
                    o->progress_arg);
    }
}

void explore_sample(const struct engine_model *m, const struct checker *c, const void *initial,
                    const struct sample_opts *o, struct sample_result *out)
{
    unsigned jobs = MAX(1, MIN(o->jobs, o->runs)), k = o->max_steps, n = 0;
    struct worker *wk = g_new0(struct worker, jobs);
    GThread **th = g_new0(GThread *, jobs);
    gint64 t0 = g_get_monotonic_time();
    uint8_t seen[ACTOR_IDS] = { 0 };
    gint done = 0;

    memset(out, 0, sizeof(*out));
    if (o->mode == SAMPLE_PCT)
        k = pct_steps(m, initial, o->max_steps);
    for (unsigned j = 0; j < jobs; j++) {
        wk[j] = (struct worker){ .m = m, .c = c, .initial = initial, .o = o, .k = k, .done = &done,
                                 .first = j * (o->runs / jobs) + MIN(j, o->runs % jobs),
                                 .count = o->runs / jobs + (j < o->runs % jobs) };
        th[j] = g_thread_new("drcsim-sample", worker_main, &wk[j]);
    }
    watch(o, &done, t0);
    for (unsigned j = 0; j < jobs; j++) {
        g_thread_join(th[j]);
        merge(out, &wk[j]);
        for (unsigned a = 0; a < ACTOR_IDS; a++)
            seen[a] |= wk[j].actors[a];
    }
    for (unsigned a = 0; a < ACTOR_IDS; a++)
        n += seen[a];
    out->runs = o->runs;
    out->actors_seen = n;
    out->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    out->pct_k = o->mode == SAMPLE_PCT ? k : 0;
    if (o->mode == SAMPLE_PCT && n) {
        out->pct_run_bound = 1.0 / ((double)n * pow((double)k, (double)(o->depth - 1)));
        out->pct_total_bound = -expm1((double)o->runs * log1p(-out->pct_run_bound));
    }
    g_free(wk);
    g_free(th);
}

void sample_result_free(struct sample_result *r)
{
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        schedule_free(&r->cex[f].sched);
}
