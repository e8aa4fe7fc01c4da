/*
 * Exploration over the engine, knowing nothing of the models: one seeded
 * run, a given schedule, or exhaustive DFS with a visited set of 64-bit
 * XXH3 fingerprints. Violations come from a checker vtable (check.c).
 */
#ifndef DRCSIM_EXPLORE_H
#define DRCSIM_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "engine.h"
#include "explore_por.h"
#include "visited.h"

#define EXPLORE_MAX_FAMILIES 32
/* A checker's bit for a world the model cannot represent (one of its fixed-size queues is
 * full): not a violation of the real system. The branch ends there and the search is
 * incomplete; cex[EXPLORE_MODEL_BOUND] shows the first such world. */
#define EXPLORE_MODEL_BOUND (EXPLORE_MAX_FAMILIES - 1)
#define EXPLORE_BOUND_BIT (1u << EXPLORE_MODEL_BOUND)

struct violation {
    uint8_t family;            /* enum family */
    uint16_t line;             /* scenario line it concerns, 0 if none */
    char message[320];         /* one line, in QEMU/guest/libvirt terms */
};

struct checker {
    const void *ctx;
    /* after every step: bit per family violated, each described in v[family] */
    uint32_t (*step)(const void *ctx, const void *world, const struct step *st,
                     struct violation *v);
    /* at quiescence (no step enabled), likewise */
    uint32_t (*quiescent)(const void *ctx, const void *world, struct violation *v);
    /* optional, for a single run only: the families step and quiescent leave out (the
     * scenario's `ignore`) that hold after st (NULL: at quiescence), each in v[family] */
    uint32_t (*ignored)(const void *ctx, const void *world, const struct step *st,
                        struct violation *v);
};

/* A schedule: the index of the step chosen among the fireable ones, per step. */
struct schedule {
    uint16_t *choice;
    unsigned len, cap;
};
void schedule_push(struct schedule *s, uint16_t c);
void schedule_free(struct schedule *s);
char *schedule_format(const struct schedule *s);            /* "0,2,1" (g_free) */
bool schedule_parse(const char *text, struct schedule *out); /* false on bad text */

struct run_result {
    uint32_t families;
    struct violation v;        /* the violation of the lowest family */
    uint32_t v_step;           /* its step number */
    struct schedule sched;
    uint64_t t_ms;
    unsigned steps;
    bool quiescent;            /* ended with nothing enabled */
    bool schedule_invalid;     /* a given choice was out of range */
    bool model_bound;          /* it ended at a model bound (v says which) */
    uint32_t ignored;          /* families the checker left out that held (checker.ignored) */
    struct run_ignored {       /* the first step each held after, in the order they came */
        uint32_t step;
        struct violation v;
    } ignored_at[EXPLORE_MAX_FAMILIES];
    unsigned nignored;
};

/* seed: pick among fireable steps with the PRNG; sched != NULL: follow it. */
void explore_run(const struct engine_model *m, const struct checker *c, const void *initial,
                 uint64_t seed, const struct schedule *sched, unsigned max_steps,
                 struct trace *tr, struct run_result *out);
void run_result_free(struct run_result *r);

struct counterexample {
    bool found;
    struct violation v;
    struct schedule sched;
};

struct explore_stats;

/* Families of fams that cex[] has no counterexample for yet. */
uint32_t cex_missing(const struct counterexample *cex, uint32_t fams);
/* The first counterexample of each family of fams: its violation and path
 * (a copy). Returns the families recorded now. */
/* What a checker found on one branch into st: its families, or the model bound. */
void explore_tally(struct explore_stats *st, uint32_t fams);
uint32_t cex_record(struct counterexample *cex, const struct violation *v, uint32_t fams,
                    const struct schedule *path);

/* Progress lines on a terminal come at most this often (µs): 4 a second. */
#define EXPLORE_PROGRESS_US 250000

struct explore_opts {
    unsigned max_depth;        /* 0 = unbounded */
    uint64_t max_states;       /* 0 = unbounded */
    size_t mem_bytes;          /* visited-set budget, 0 = grow without bound */
    struct visited_pool *mem_pool; /* if set: one thread's depth-first search draws mem_bytes from
                                      it, shared with other searches (check --jobs) */
    bool lossless;             /* store whole worlds, not fingerprints */
    bool bitstate;             /* when the budget is used up, go on in bitstate mode */
    unsigned jobs;             /* worker threads (exhaustive: shared visited set) */
    enum por_mode por;         /* partial-order reduction of the depth-first search */
    bool por_check;            /* check each reduction: footprints cover changes, diamonds close,
                                  permutations commute with steps */
    bool no_symmetry;          /* store every world as itself, not its member order's representative */
    bool frontier_sleep;       /* explore_frontier: a child sleeps the independent steps tried
                                  before it, as under --por sleep (--split: jobs of disjoint orders) */
    GArray *end_states;        /* if set: fingerprints of the quiescent worlds (any --jobs) */
    /* called about every 250 ms with the figures so far (NULL: none) */
    void (*progress)(const struct explore_stats *st, unsigned depth, size_t queue, void *arg);
    void *progress_arg;
};

enum explore_limit { LIMIT_MAX_STATES = 1, LIMIT_MAX_DEPTH = 2 };

struct explore_stats {
    uint64_t states, transitions, quiescent_states;
    unsigned max_depth;
    double seconds;
    uint32_t families;
    bool truncated;            /* --max-depth, --max-states or --mem cut the exploration short */
    uint8_t limits;            /* enum explore_limit: which of --max-states, --max-depth cut it */
    bool model_bound;          /* some branch ended at a model bound (EXPLORE_MODEL_BOUND) */
    bool full;                 /* the --mem budget stopped it */
    bool pool_refused;         /* ... a share of it other searches held (explore_opts.mem_pool) */
    bool levels_full;          /* --shortest: its levels and paths took the budget */
    bool bitstate;             /* it went on in bitstate mode */
    double collision_probability;
    double bitstate_missed;    /* bitstate: the new states it is expected to have taken for seen ones */
    bool lossless;             /* whole states stored: no collisions possible */
    size_t visited_bytes;      /* memory of the visited set */
    long peak_rss_kb;
    uint8_t por;               /* enum por_mode of the search */
    uint64_t reduced_states;   /* expanded through a persistent set smaller than all */
    uint64_t proviso_expansions; /* reduced states expanded fully to close a cycle */
    uint64_t symmetric_states; /* new worlds stored as a representative other than themselves */
    bool por_error;            /* --por-check found a step outside its footprint or no diamond */
    uint8_t por_error_actor, por_error_kind;
    int16_t por_error_object;  /* object outside the footprint, -1: a diamond did not close,
                                  -2: a permutation did not commute with the step,
                                  -3: it changed a byte outside the model's hash blocks */
    uint8_t por_error_other;   /* the other actor of the diamond */
    struct counterexample cex[EXPLORE_MAX_FAMILIES];
};

/* The search is cut short, by limit (enum explore_limit; 0: --mem or --por-check, which
 * have flags of their own). */
static inline void explore_cut(struct explore_stats *st, unsigned limit)
{
    st->truncated = true;
    st->limits |= (uint8_t)limit;
}

/* Not every interleaving was seen: a bound of the search or of the model cut some. */
static inline bool explore_incomplete(const struct explore_stats *st)
{
    return st->truncated || st->model_bound;
}

void explore_exhaustive(const struct engine_model *m, const struct checker *c,
                        const void *initial, const struct explore_opts *o,
                        struct explore_stats *st);
/* Sampling: N seeded runs, uniformly random or PCT (probabilistic concurrency testing). */
enum sample_mode { SAMPLE_RANDOM, SAMPLE_PCT };
#define PCT_MAX_DEPTH 17   /* PCT's d: its d - 1 priority change points */
struct sample_opts {
    enum sample_mode mode;
    unsigned runs, depth, jobs;   /* depth: PCT's d (bug depth), 1..PCT_MAX_DEPTH */
    uint64_t seed;
    unsigned max_steps;           /* a run stops there, neither violating nor quiescent */
    /* Optional: called at most every 250 ms with the runs done so far */
    void (*progress)(unsigned done, unsigned runs, double seconds, void *arg);
    void *progress_arg;
};
struct sample_result {
    unsigned runs, violating_runs, cut_runs, bound_runs, max_steps_seen, actors_seen;
    uint64_t steps;
    double seconds;
    uint32_t families;
    uint64_t first_seed[EXPLORE_MAX_FAMILIES];   /* seed of the first run per family */
    struct counterexample cex[EXPLORE_MAX_FAMILIES];
    unsigned pct_k;                              /* PCT: the k its change points are drawn from */
    double pct_run_bound, pct_total_bound;       /* PCT: P(find a depth-d bug) */
};
void explore_sample(const struct engine_model *m, const struct checker *c, const void *initial,
                    const struct sample_opts *o, struct sample_result *out);
void sample_result_free(struct sample_result *r);

/* Breadth first: each family's counterexample has the fewest steps. */
void explore_shortest(const struct engine_model *m, const struct checker *c,
                      const void *initial, const struct explore_opts *o,
                      struct explore_stats *st);
/* Zero figures and no counterexample yet (their messages are left as they are: read only when found). */
void explore_stats_init(struct explore_stats *st);
void explore_stats_free(struct explore_stats *st);

/* The depth-first search, for explore.c and explore_parallel.c. */
struct dfs {
    const struct engine_model *m;
    const struct checker *c;
    const struct explore_opts *o;
    struct explore_stats *st;
    void *set;                 /* the visited set, behind add */
    enum visited_result (*add)(void *set, uint64_t fp, const void *w, struct explore_stats *st,
                               bool bitstate);
    const struct schedule *prefix;   /* choices that led to the start world */
    unsigned depth0;
    uint64_t sleep0;           /* the start world's sleep set: --por sleep's, a job prefix's */
    gint64 t0, last_tick;
    bool proviso_visited;      /* others share the set: a reduced state meeting any old world expands fully */
    const uint64_t *states_total;   /* with others: the states all have stored (--max-states) */
    void *scratch;             /* a world: the representative of the one being admitted */
    bool carry_keys;           /* the model's symmetry keys go from each world to its children */
    struct fstack *frames;     /* NULL, or frames kept from one dfs_run to the next */
    struct por_cache *por_cache;   /* NULL: the search makes its own at its first reduction */
    bool own_por_cache;
};
/* --max-states: the states stored (by every thread, with others) reached the bound. */
static inline bool dfs_states_reached(const struct dfs *d)
{
    return d->o->max_states && (d->states_total ? __atomic_load_n(d->states_total, __ATOMIC_RELAXED)
                                                : d->st->states) >= d->o->max_states;
}
/* Frames a thread keeps across its searches: no memory handed back to the kernel and
 * faulted in again for each (with threads, each time a TLB shootdown on every core). */
struct fstack *dfs_frames_new(void);
void dfs_frames_free(struct fstack *frames);
/* A search's own visited set (also the breadth-first one's); --bitstate takes over when
 * the budget is used up. */
enum visited_result dfs_local_add(void *set, uint64_t fp, const void *w, struct explore_stats *st,
                                  bool bitstate);
/* The progress hook of every search, at most every 250 ms (checked every 4096 transitions). */
void explore_tick(const struct explore_opts *o, struct explore_stats *st, gint64 t0,
                  gint64 *last_tick, unsigned depth, size_t queue);
bool dfs_admit_start(struct dfs *d, const void *start);
/* The same; *seen when the world was visited before. */
bool dfs_admit_seen(struct dfs *d, const void *start, bool *seen);
void dfs_record_path(struct explore_stats *st, const struct violation *v, uint32_t fams,
                     const struct schedule *sched);
/* --por-check of step k of world's n steps, fired into child; left_out: the steps a reduced
 * world leaves out (their diamonds are checked). False, with st->por_error, on a failure. */
bool dfs_por_check(struct dfs *d, const void *world, const struct step *steps, unsigned n,
                   bool reduced, uint64_t left_out, unsigned k, const void *child);
/* Search from start, admitted before (dfs_admit_start), with d->sleep0 asleep there. */
void dfs_run(struct dfs *d, const void *start);
/* Admit start, then search from it if it is new and not an end: the two above at once
 * (with d->sleep0 asleep there too). */
void dfs_search(struct dfs *d, const void *start);
/* A world of a breadth-first frontier, with the choices that lead to it. */
struct explore_item {
    struct schedule prefix;
    unsigned depth;
    uint64_t sleep;            /* --por sleep: the actors asleep in it */
    unsigned char *world;
};
void explore_item_free(gpointer item);
/* Breadth first from initial until at least min_items worlds wait (or none is left):
 * every world checked and admitted through proto's set, under its --por, --por-check,
 * --max-depth, --max-states and --mem as the depth-first search does (a limit that stops
 * the search leaves none); items of explore_item. */
GPtrArray *explore_frontier(const struct dfs *proto, const void *initial, unsigned min_items);
/* The same from starts, worlds not admitted yet (taken over and freed): a job's prefixes. */
GPtrArray *explore_frontier_from(const struct dfs *proto, GPtrArray *starts, unsigned min_items);
/* --jobs N: a breadth-first prefix, then N threads share its frontier and one visited set. */
void explore_parallel(const struct engine_model *m, const struct checker *c, const void *initial,
                      const struct explore_opts *o, struct explore_stats *st);
/* --job FILE --jobs N: as explore_parallel, from starts (worlds not admitted yet, items of
 * explore_item, taken over and freed) instead of the initial world. */
void explore_parallel_from(const struct engine_model *m, const struct checker *c,
                           GPtrArray *items, const struct explore_opts *o,
                           struct explore_stats *st);
long explore_peak_rss_kb(void);
/* The visited set's figures into st (bytes, collision estimate, lossless), and peak RSS. */
void explore_stats_close(struct explore_stats *st, const struct visited *vis);

#endif
