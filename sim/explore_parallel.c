/*
 * Exhaustive exploration on --jobs threads: a breadth-first prefix, then each
 * thread searches frontier worlds depth first, sharing one visited set of 64
 * spin-locked shards. A world is admitted once; with dpor a reduced world that
 * meets any old one is expanded fully, so states may exceed one thread's.
 */
#include <glib.h>
#include <sched.h>
#include <string.h>
#include "explore.h"

#define SHARDS 64   /* a power of two */
#define ITEMS_PER_JOB 24

/* A shard on cache lines of its own: threads adding to two shards do not share a line. */
struct shard {
    _Alignas(64) int lock;   /* spinlock: held for one table probe */
    struct visited v;
};

struct shared_set {
    struct shard s[SHARDS];
    uint64_t states;   /* stored by every thread, for --max-states */
};

/*
 * A thread's view of the set: a direct-mapped cache of fingerprints it
 * found or put in the shared set. A depth-first search meets most old worlds
 * soon after it stored them: a hit answers without taking a shard's lock,
 * whose cache line the other threads keep taking away. Fingerprint mode
 * only: in lossless mode equal fingerprints need not be equal worlds.
 */
#define RECENT_BITS 14   /* 128 KiB a thread: beside its DFS frames in L2 */

struct thread_set {
    struct shared_set *shared;
    bool use_recent;
    uint64_t recent[1u << RECENT_BITS];   /* 0: empty (the shared set stores 0 as 1 too) */
};

struct pool {
    const struct engine_model *m;
    const struct checker *c;
    const struct explore_opts *o;
    struct shared_set *set;
    GPtrArray *items;
    gint next;
};

/*
 * A shard is held for one probe of its table (rarely, one growth), far
 * shorter than a futex round trip: spin, and yield the CPU when the holder
 * seems descheduled (more threads than cores).
 */
static void shard_lock(int *lock)
{
    unsigned spins = 0;

    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
            if (++spins % 1024 == 0)
                sched_yield();
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
}

static enum visited_result shared_add(void *set, uint64_t fp, const void *w,
                                      struct explore_stats *st, bool bitstate)
{
    struct thread_set *ts = set;
    struct shared_set *ss = ts->shared;
    unsigned k = (unsigned)(fp & (SHARDS - 1));   /* low bits: placement uses the high ones */
    uint64_t *slot = &ts->recent[(fp >> 20) & ((1u << RECENT_BITS) - 1)], key = fp ? fp : 1;
    enum visited_result r;

    if (ts->use_recent && *slot == key)
        return VISITED_SEEN;
    shard_lock(&ss->s[k].lock);
    r = dfs_local_add(&ss->s[k].v, fp, w, st, bitstate);
    __atomic_store_n(&ss->s[k].lock, 0, __ATOMIC_RELEASE);
    if (r == VISITED_NEW)
        __atomic_add_fetch(&ss->states, 1, __ATOMIC_RELAXED);
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
    into->model_bound |= from->model_bound;
    into->full |= from->full;
    into->bitstate |= from->bitstate;
    merge_cex(into, from);
    explore_stats_free(from);
}

static gpointer worker(gpointer data)
{
    struct pool *p = data;
    struct explore_stats *st = g_new0(struct explore_stats, 1);
    struct thread_set *ts = g_new0(struct thread_set, 1);
    struct fstack *frames = dfs_frames_new();
    struct por_cache *cache = p->o->por == POR_DPOR ? por_cache_new() : NULL;
    gint i;

    ts->shared = p->set;
    ts->use_recent = !p->o->lossless;
    while ((i = g_atomic_int_add(&p->next, 1)) < (gint)p->items->len) {
        struct explore_item *it = g_ptr_array_index(p->items, i);
        struct dfs d = { .m = p->m, .c = p->c, .o = p->o, .st = st, .set = ts,
                         .add = shared_add, .prefix = &it->prefix, .depth0 = it->depth,
                         .proviso_visited = true, .frames = frames, .por_cache = cache,
                         .t0 = g_get_monotonic_time(), .states_total = &p->set->states };
        dfs_run(&d, it->world);
        if (st->full || (st->truncated && p->o->max_states &&
                         __atomic_load_n(&p->set->states, __ATOMIC_RELAXED) >= p->o->max_states))
            break;
    }
    g_free(ts);
    dfs_frames_free(frames);
    por_cache_free(cache);
    return st;
}

static void run_workers(struct pool *p, unsigned jobs, struct explore_stats *st)
{
    GThread **th = g_new0(GThread *, jobs);

    for (unsigned j = 0; j < jobs; j++)
        th[j] = g_thread_new("drcsim-explore", worker, p);
    for (unsigned j = 0; j < jobs; j++) {
        struct explore_stats *ws = g_thread_join(th[j]);
        merge_stats(st, ws);
        g_free(ws);
    }
    g_free(th);
}

/*
 * The chance of a collision anywhere. Fingerprint shards count together (a shard's
 * fingerprints share its index bits, so a shard alone would understate its chance);
 * a shard gone bitstate has an array of its own: none erred is the product.
 */
static void collisions(struct shared_set *set, struct explore_stats *st)
{
    double none_erred = 1.0;
    uint64_t n = 0;

    for (unsigned k = 0; k < SHARDS; k++) {
        const struct visited *v = &set->s[k].v;
        if (v->mode == VISITED_BITSTATE)
            none_erred *= 1.0 - visited_collision_probability(v);
        else if (v->mode == VISITED_FINGERPRINT)
            n += v->count;
    }
    st->collision_probability = 1.0 - none_erred * (1.0 - fingerprint_collision_probability(n));
}

void explore_parallel(const struct engine_model *m, const struct checker *c, const void *initial,
                      const struct explore_opts *o, struct explore_stats *st)
{
    struct shared_set *set = g_aligned_alloc0(1, sizeof(*set), 64);   /* its shards' alignment */
    struct pool p = { .m = m, .c = c, .o = o, .set = set };
    gint64 t0 = g_get_monotonic_time();
    struct thread_set *ts0 = g_new0(struct thread_set, 1);   /* the prefix: no cache */
    struct dfs d0 = { .m = m, .c = c, .o = o, .st = st, .set = ts0, .add = shared_add,
                      .states_total = &set->states };

    explore_stats_init(st);
    st->por = (uint8_t)o->por;
    for (unsigned k = 0; k < SHARDS; k++) {
        visited_init_sized(&set->s[k].v, o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT,
                           o->mem_bytes / SHARDS, m->world_size, 1024);
    }
    ts0->shared = set;
    p.items = explore_frontier(&d0, initial, ITEMS_PER_JOB * o->jobs);
    g_free(ts0);
    run_workers(&p, o->jobs, st);
    st->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    collisions(set, st);
    for (unsigned k = 0; k < SHARDS; k++) {
        st->visited_bytes += visited_bytes(&set->s[k].v);
        visited_free(&set->s[k].v);
    }
    st->lossless = o->lossless;
    st->peak_rss_kb = explore_peak_rss_kb();
    g_ptr_array_free(p.items, TRUE);
    g_aligned_free(set);
}
