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
#include <xxhash.h>
#include "explore.h"

#define SHARDS 64   /* a power of two */
#define ITEMS_PER_JOB 24

struct shared_set {
    int lock[SHARDS];   /* spinlocks: held for one table probe */
    struct visited v[SHARDS];
    gint bitstate;
};

struct item {
    struct schedule prefix;
    unsigned depth;
    unsigned char *world;
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
    into->max_depth = MAX(into->max_depth, from->max_depth);
    into->families |= from->families;
    into->truncated |= from->truncated;
    into->full |= from->full;
    into->bitstate |= from->bitstate;
    merge_cex(into, from);
    explore_stats_free(from);
}

static struct item *new_item(const struct schedule *prefix, int last, unsigned depth,
                             const void *w, size_t size)
{
    struct item *it = g_new0(struct item, 1);

    for (unsigned i = 0; prefix && i < prefix->len; i++)
        schedule_push(&it->prefix, prefix->choice[i]);
    if (last >= 0)
        schedule_push(&it->prefix, (uint16_t)last);
    it->depth = depth;
    it->world = g_memdup2(w, size);
    return it;
}

static void free_item(gpointer p)
{
    struct item *it = p;

    schedule_free(&it->prefix);
    g_free(it->world);
    g_free(it);
}

/* One level of the prefix: every item's children, admitted to the shared set. */
static GPtrArray *expand_level(struct pool *p, GPtrArray *level, struct explore_stats *st)
{
    GPtrArray *next = g_ptr_array_new_with_free_func(free_item);
    struct step steps[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];

    for (guint i = 0; i < level->len; i++) {
        struct item *it = g_ptr_array_index(level, i);
        unsigned n = engine_fireable(p->m, it->world, steps, ENGINE_MAX_STEPS);
        for (unsigned k = 0; k < n; k++) {
            struct item *c = new_item(&it->prefix, (int)k, it->depth + 1, it->world, p->m->world_size);
            struct dfs d = { .m = p->m, .c = p->c, .o = p->o, .st = st, .set = p->set,
                             .add = shared_add, .prefix = &c->prefix, .depth0 = c->depth };
            uint32_t fams;
            engine_fire(p->m, c->world, &steps[k], NULL, 0, NULL);
            st->transitions++;
            if ((fams = p->c->step(p->c->ctx, c->world, &steps[k], v)) || !dfs_admit_start(&d, c->world)) {
                if (fams)   /* a violating step: the prefix path is the counterexample */
                    dfs_record_path(st, v, fams, &c->prefix);
                free_item(c);
                continue;
            }
            g_ptr_array_add(next, c);
        }
    }
    return next;
}

static gpointer worker(gpointer data)
{
    struct pool *p = data;
    struct explore_stats *st = g_new0(struct explore_stats, 1);
    gint i;

    while ((i = g_atomic_int_add(&p->next, 1)) < (gint)p->items->len) {
        struct item *it = g_ptr_array_index(p->items, i);
        struct dfs d = { .m = p->m, .c = p->c, .o = p->o, .st = st, .set = p->set,
                         .add = shared_add, .prefix = &it->prefix, .depth0 = it->depth,
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
    GPtrArray *level = g_ptr_array_new_with_free_func(free_item);
    gint64 t0 = g_get_monotonic_time();
    struct dfs d0 = { .m = m, .c = c, .o = o, .st = st, .set = set, .add = shared_add };

    memset(st, 0, sizeof(*st));
    for (unsigned k = 0; k < SHARDS; k++) {
        visited_init_sized(&set->v[k], o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT,
                           o->mem_bytes / SHARDS, m->world_size, 1024);
    }
    if (dfs_admit_start(&d0, initial))
        g_ptr_array_add(level, new_item(NULL, -1, 0, initial, m->world_size));
    while (level->len && level->len < ITEMS_PER_JOB * o->jobs) {
        GPtrArray *next = expand_level(&p, level, st);
        g_ptr_array_free(level, TRUE);
        level = next;
    }
    p.items = level;
    run_workers(&p, o->jobs, st);
    st->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    for (unsigned k = 0; k < SHARDS; k++) {
        st->visited_bytes += visited_bytes(&set->v[k]);
        st->collision_probability += visited_collision_probability(&set->v[k]);
        visited_free(&set->v[k]);
    }
    st->lossless = o->lossless;
    st->peak_rss_kb = explore_peak_rss_kb();
    g_ptr_array_free(level, TRUE);
    g_free(set);
}
