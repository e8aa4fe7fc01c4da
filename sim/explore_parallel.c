/*
 * Exhaustive exploration on --jobs threads: a breadth-first prefix until
 * the frontier has a few dozen worlds per thread, then the threads take
 * frontier worlds one at a time and search each depth first, all sharing one
 * visited set striped over 64 spin-locked shards. Every world is admitted once,
 * so states, transitions and families do not depend on the thread count.
 */
#include <glib.h>
#include <sched.h>
#include <string.h>
#include "explore.h"

#define SHARDS 64   /* a power of two */
#define ITEMS_PER_JOB 24

struct shared_set {
    int lock[SHARDS];   /* spinlocks: held for one table probe */
    struct visited v[SHARDS];
    gint bitstate;
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
    struct shared_set *ss = set;
    unsigned k = (unsigned)(fp & (SHARDS - 1));   /* low bits: placement uses the high ones */
    enum visited_result r;

    shard_lock(&ss->lock[k]);
    r = dfs_local_add(&ss->v[k], fp, w, st, bitstate);
    __atomic_store_n(&ss->lock[k], 0, __ATOMIC_RELEASE);
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
    into->full |= from->full;
    into->bitstate |= from->bitstate;
    merge_cex(into, from);
    explore_stats_free(from);
}

static gpointer worker(gpointer data)
{
    struct pool *p = data;
    struct explore_stats *st = g_new0(struct explore_stats, 1);
    gint i;

    while ((i = g_atomic_int_add(&p->next, 1)) < (gint)p->items->len) {
        struct explore_item *it = g_ptr_array_index(p->items, i);
        struct dfs d = { .m = p->m, .c = p->c, .o = p->o, .st = st, .set = p->set,
                         .add = shared_add, .prefix = &it->prefix, .depth0 = it->depth,
                         .proviso_visited = true,
                         .t0 = g_get_monotonic_time() };
        dfs_run(&d, it->world);
        if (st->full)
            break;
    }
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

void explore_parallel(const struct engine_model *m, const struct checker *c, const void *initial,
                      const struct explore_opts *o, struct explore_stats *st)
{
    struct shared_set *set = g_new0(struct shared_set, 1);
    struct pool p = { .m = m, .c = c, .o = o, .set = set };
    gint64 t0 = g_get_monotonic_time();
    struct dfs d0 = { .m = m, .c = c, .o = o, .st = st, .set = set, .add = shared_add };

    explore_stats_init(st);
    st->por = (uint8_t)o->por;
    for (unsigned k = 0; k < SHARDS; k++) {
        visited_init_sized(&set->v[k], o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT,
                           o->mem_bytes / SHARDS, m->world_size, 1024);
    }
    p.items = explore_frontier(&d0, initial, ITEMS_PER_JOB * o->jobs);
    run_workers(&p, o->jobs, st);
    st->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    for (unsigned k = 0; k < SHARDS; k++) {
        st->visited_bytes += visited_bytes(&set->v[k]);
        st->collision_probability += visited_collision_probability(&set->v[k]);
        visited_free(&set->v[k]);
    }
    st->lossless = o->lossless;
    st->peak_rss_kb = explore_peak_rss_kb();
    g_ptr_array_free(p.items, TRUE);
    g_free(set);
}
