/*
 * Exhaustive exploration on --jobs threads: a breadth-first prefix (from the
 * initial world, or from a job's prefixes), then each thread searches
 * frontier worlds depth first, sharing one visited set
 * (visited_shared.c). A world is admitted once; with dpor a reduced world that
 * meets any old one is expanded fully, so states may exceed one thread's.
 * The calling thread alone prints the progress line of the whole search.
 */
#include <glib.h>
#include <limits.h>
#include <string.h>
#include "explore.h"
#include "visited_shared.h"

#define ITEMS_PER_JOB 24

/*
 * A thread's view of the set: a direct-mapped cache of fingerprints it
 * found or put in the shared set. A depth-first search meets most old worlds
 * soon after it stored them: a hit answers from this thread's cache, not
 * from a line of the table far off in memory. Fingerprint mode only: in
 * lossless mode equal fingerprints need not be equal worlds.
 */
#define RECENT_BITS 14   /* 128 KiB a thread: beside its DFS frames in L2 */

struct thread_set {
    struct visited_shared *shared;     /* fingerprints, */
    struct visited_striped *striped;   /* or whole worlds (--lossless) */
    unsigned thread;
    uint64_t *states;   /* --max-states: every thread's new states, counted as they come */
    bool use_recent;
    uint64_t recent[1u << RECENT_BITS];   /* 0: empty (the shared set stores 0 as 1 too) */
};

/* What a thread last told of its search (progress line): written and read atomically. */
struct progress_slot {
    uint64_t states;
    unsigned depth, stack;
};

struct pool {
    const struct engine_model *m;
    const struct checker *c;
    const struct explore_opts *o;
    struct visited_shared *shared;     /* fingerprints, */
    struct visited_striped *striped;   /* or whole worlds */
    uint64_t states;   /* --max-states only */
    GPtrArray *items;
    gint next, threads;
    gint64 t0;                         /* the search's start */
    uint64_t prefix_states;            /* the breadth-first prefix's (progress line) */
    struct progress_slot *slots;       /* one a thread */
    GArray **ends;                     /* --end-states: one a thread */
    GMutex lock;                       /* running, under done */
    GCond done;
    unsigned running;
};

/* A thread's progress hook: publish its figures for the line the calling thread prints. */
static void publish(const struct explore_stats *st, unsigned depth, size_t stack, void *arg)
{
    struct progress_slot *slot = arg;

    __atomic_store_n(&slot->states, st->states, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->depth, depth, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->stack, (unsigned)MIN(stack, UINT_MAX), __ATOMIC_RELAXED);
}

static enum visited_result shared_add(void *set, uint64_t fp, const void *w,
                                      struct explore_stats *st, bool bitstate)
{
    struct thread_set *ts = set;
    uint64_t *slot = &ts->recent[(fp >> 20) & ((1u << RECENT_BITS) - 1)], key = fp ? fp : 1;
    enum visited_result r;

    if (ts->use_recent && *slot == key)
        return VISITED_SEEN;
    r = ts->striped ? visited_striped_add(ts->striped, fp, w)
                    : visited_shared_add(ts->shared, ts->thread, fp, st, bitstate);
    if (r == VISITED_NEW && ts->states)
        __atomic_add_fetch(ts->states, 1, __ATOMIC_RELAXED);
    if (ts->use_recent && r != VISITED_FULL && !st->bitstate)
        *slot = key;
    return r;
}

static void merge_cex(struct explore_stats *into, struct explore_stats *from)
{
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++) {
        struct counterexample *a = &into->cex[f], *b = &from->cex[f];
        if (!b->found)
            continue;
        if (!a->found || b->sched.len < a->sched.len) {   /* the shorter one, deterministic enough */
            schedule_free(&a->sched);
            *a = *b;
            *b = (struct counterexample){ 0 };
        }
    }
}

static void merge_stats(struct explore_stats *into, struct explore_stats *from)
{
    into->states += from->states;
    into->transitions += from->transitions;
    into->quiescent_states += from->quiescent_states;
    into->reduced_states += from->reduced_states;
    into->proviso_expansions += from->proviso_expansions;
    into->symmetric_states += from->symmetric_states;
    if (from->por_error && !into->por_error) {
        into->por_error = true;
        into->por_error_actor = from->por_error_actor;
        into->por_error_kind = from->por_error_kind;
        into->por_error_object = from->por_error_object;
        into->por_error_other = from->por_error_other;
    }
    into->max_depth = MAX(into->max_depth, from->max_depth);
    into->families |= from->families;
    into->truncated |= from->truncated;
    into->limits |= from->limits;
    into->model_bound |= from->model_bound;
    into->full |= from->full;
    into->bitstate |= from->bitstate;
    merge_cex(into, from);
    explore_stats_free(from);
}

/* The thread is done: the calling thread stops waiting for it (print_progress). */
static void worker_done(struct pool *p, struct progress_slot *slot, const struct explore_stats *st)
{
    publish(st, 0, 0, slot);
    g_mutex_lock(&p->lock);
    p->running--;
    g_cond_signal(&p->done);
    g_mutex_unlock(&p->lock);
}

static gpointer worker(gpointer data)
{
    struct pool *p = data;
    struct explore_stats *st = g_new0(struct explore_stats, 1);
    struct thread_set *ts = g_new(struct thread_set, 1);
    struct fstack *frames = dfs_frames_new();
    struct por_cache *cache = p->o->por == POR_DPOR ? por_cache_new() : NULL;
    struct explore_opts o = *p->o;   /* its progress hook publishes, print_progress prints */
    GArray *ends = p->o->end_states ? g_array_new(FALSE, FALSE, sizeof(uint64_t)) : NULL;
    gint64 last_tick = 0;
    gint i;

    /* cleared by writing, not by calloc: its pages would map the zero page, and this thread's
     * first store to each would then flush the TLB of every core (visited_shared_new) */
    memset(ts, 0, sizeof(*ts));
    ts->shared = p->shared;
    ts->striped = p->striped;
    ts->thread = (unsigned)g_atomic_int_add(&p->threads, 1);
    ts->states = p->o->max_states ? &p->states : NULL;
    ts->use_recent = !p->o->lossless;
    if (o.progress) {
        o.progress = publish;
        o.progress_arg = &p->slots[ts->thread];
    }
    o.end_states = ends;   /* its own, added to the search's once it is done */
    while ((i = g_atomic_int_add(&p->next, 1)) < (gint)p->items->len) {
        struct explore_item *it = g_ptr_array_index(p->items, i);
        struct dfs d = { .m = p->m, .c = p->c, .o = &o, .st = st, .set = ts,
                         .add = shared_add, .prefix = &it->prefix, .depth0 = it->depth,
                         .sleep0 = it->sleep, .proviso_visited = true, .frames = frames,
                         .por_cache = cache, .t0 = p->t0, .last_tick = last_tick,
                         .states_total = ts->states };
        dfs_run(&d, it->world);
        last_tick = d.last_tick;
        if (o.progress)   /* its states so far; depth and stack as its last tick saw them */
            __atomic_store_n(&p->slots[ts->thread].states, st->states, __ATOMIC_RELAXED);
        if (st->full || st->por_error || (st->truncated && dfs_states_reached(&d)))
            break;
    }
    p->ends[ts->thread] = ends;   /* run_workers adds them once the thread is joined */
    if (o.progress)
        worker_done(p, o.progress_arg, st);
    g_free(ts);
    dfs_frames_free(frames);
    por_cache_free(cache);
    return st;
}

/* One progress line for all threads, at most every 250 ms, until they are done. */
static void print_progress(struct pool *p, unsigned jobs)
{
    struct explore_stats *view = g_new0(struct explore_stats, 1);
    gint64 next = g_get_monotonic_time() + EXPLORE_PROGRESS_US;

    g_mutex_lock(&p->lock);
    while (p->running) {
        unsigned depth = 0, stack = 0;
        if (g_cond_wait_until(&p->done, &p->lock, next) || g_get_monotonic_time() < next)
            continue;   /* a thread ended, or woken early */
        next = g_get_monotonic_time() + EXPLORE_PROGRESS_US;
        view->states = p->prefix_states;
        for (unsigned j = 0; j < jobs; j++) {
            view->states += __atomic_load_n(&p->slots[j].states, __ATOMIC_RELAXED);
            depth = MAX(depth, __atomic_load_n(&p->slots[j].depth, __ATOMIC_RELAXED));
            stack = MAX(stack, __atomic_load_n(&p->slots[j].stack, __ATOMIC_RELAXED));
        }
        view->seconds = (double)(g_get_monotonic_time() - p->t0) / 1e6;
        p->o->progress(view, depth, stack, p->o->progress_arg);
    }
    g_mutex_unlock(&p->lock);
    g_free(view);
}

static void run_workers(struct pool *p, unsigned jobs, struct explore_stats *st)
{
    GThread **th = g_new0(GThread *, jobs);

    p->slots = g_new0(struct progress_slot, jobs);
    p->ends = g_new0(GArray *, jobs);
    p->running = jobs;
    p->prefix_states = st->states;
    for (unsigned j = 0; j < jobs; j++)
        th[j] = g_thread_new("drcsim-explore", worker, p);
    if (p->o->progress)
        print_progress(p, jobs);
    for (unsigned j = 0; j < jobs; j++) {
        struct explore_stats *ws = g_thread_join(th[j]);
        merge_stats(st, ws);
        g_free(ws);
    }
    for (unsigned j = 0; j < jobs; j++)   /* a world is admitted by one thread: the union */
        if (p->ends[j]) {
            g_array_append_vals(p->o->end_states, p->ends[j]->data, p->ends[j]->len);
            g_array_free(p->ends[j], TRUE);
        }
    g_free(th);
    g_free(p->slots);
    g_free(p->ends);
}

/* The set's figures, once the threads are done: the shared table's as one search's. */
static void close_set(struct pool *p, struct explore_stats *st)
{
    if (p->striped) {
        st->collision_probability = 0.0;   /* whole worlds compared */
        st->visited_bytes = visited_striped_bytes(p->striped);
        st->lossless = true;
        st->peak_rss_kb = explore_peak_rss_kb();
        visited_striped_free(p->striped);
        return;
    }
    explore_stats_close(st, visited_shared_table(p->shared));
    visited_shared_free(p->shared);
}

/* The shared visited set of the search, by --mem and --lossless. */
static void open_set(struct pool *p, const struct engine_model *m, const struct explore_opts *o,
                     struct explore_stats *st)
{
    g_mutex_init(&p->lock);
    g_cond_init(&p->done);
    if (o->lossless)
        p->striped = visited_striped_new(o->mem_bytes, m->world_size);
    else
        p->shared = visited_shared_new(o->mem_bytes, o->jobs);
    explore_stats_init(st);
    st->por = (uint8_t)o->por;
}

/* The threads on p's items, then the whole search's figures; the items freed. */
static void run_items(struct pool *p, struct explore_stats *st)
{
    run_workers(p, p->o->jobs, st);
    st->seconds = (double)(g_get_monotonic_time() - p->t0) / 1e6;
    close_set(p, st);
    g_ptr_array_free(p->items, TRUE);
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->done);
}

/* The breadth-first prefix on thread 0's view of the set (no cache): from initial, or from
 * starts (not admitted yet; taken over) when initial is NULL. */
static GPtrArray *frontier(struct pool *p, const void *initial, GPtrArray *starts,
                           struct explore_stats *st)
{
    struct thread_set *ts0 = g_new0(struct thread_set, 1);
    struct dfs d0 = { .m = p->m, .c = p->c, .o = p->o, .st = st, .set = ts0, .add = shared_add,
                      .t0 = p->t0 };
    unsigned min_items = ITEMS_PER_JOB * p->o->jobs;
    GPtrArray *items;

    ts0->shared = p->shared;
    ts0->striped = p->striped;
    ts0->states = p->o->max_states ? &p->states : NULL;
    d0.states_total = ts0->states;
    items = initial ? explore_frontier(&d0, initial, min_items)
                    : explore_frontier_from(&d0, starts, min_items);
    g_free(ts0);
    return items;
}

void explore_parallel(const struct engine_model *m, const struct checker *c, const void *initial,
                      const struct explore_opts *o, struct explore_stats *st)
{
    struct pool p = { .m = m, .c = c, .o = o, .t0 = g_get_monotonic_time() };

    open_set(&p, m, o, st);
    p.items = frontier(&p, initial, NULL, st);
    run_items(&p, st);
}

void explore_parallel_from(const struct engine_model *m, const struct checker *c,
                           GPtrArray *starts, const struct explore_opts *o,
                           struct explore_stats *st)
{
    struct pool p = { .m = m, .c = c, .o = o, .t0 = g_get_monotonic_time() };

    open_set(&p, m, o, st);
    p.items = frontier(&p, NULL, starts, st);
    run_items(&p, st);
}
