/*
 * A breadth-first frontier: from the initial world, level by level, the
 * children (through persistent sets under dpor, less sleeping actors under
 * sleep) checked and admitted, under the depth-first search's limits, until
 * min_items worlds wait. --jobs hands them to threads, --split to job files;
 * from a job's prefixes, the frontier --job FILE --jobs N hands to threads.
 */
#include <string.h>
#include "explore.h"
#include "explore_por.h"

/* A breadth-first search: its dfs, and whether a limit stopped it. */
struct bfs {
    const struct dfs *proto;
    gint64 last_tick;
    bool stop;
};

static struct explore_item *new_item(const struct schedule *prefix, int last, unsigned depth,
                                     const void *w, size_t size)
{
    struct explore_item *it = g_new0(struct explore_item, 1);

    for (unsigned i = 0; prefix && i < prefix->len; i++)
        schedule_push(&it->prefix, prefix->choice[i]);
    if (last >= 0)
        schedule_push(&it->prefix, (uint16_t)last);
    it->depth = depth;
    it->world = g_memdup2(w, size);
    return it;
}

void explore_item_free(gpointer p)
{
    struct explore_item *it = p;

    if (!it)
        return;
    schedule_free(&it->prefix);
    g_free(it->world);
    g_free(it);
}

/* After a world was admitted: a limit that stops the whole search, as dfs_expand stops it,
 * recorded as the cut. */
static bool limit_reached(const struct dfs *d, bool seen)
{
    bool flagged = d->st->full || d->st->por_error;   /* they say so themselves */

    if (!flagged && (seen || !dfs_states_reached(d)))
        return false;
    explore_cut(d->st, flagged ? 0 : LIMIT_MAX_STATES);
    return true;
}

/*
 * Step k of it (done: the steps tried, k too; left_out: those its persistent set
 * leaves out): its child checked, admitted and queued in next; true when seen before.
 */
static bool expand_step(struct bfs *b, const struct explore_item *it, const struct step *steps,
                        unsigned n, unsigned k, uint64_t done, uint64_t left_out, GPtrArray *next)
{
    const struct dfs *proto = b->proto;
    const struct engine_model *m = proto->m;
    struct violation v[EXPLORE_MAX_FAMILIES] = { 0 };   /* a checker fills only its families */
    struct explore_item *c = new_item(&it->prefix, (int)k, it->depth + 1, it->world,
                                       m->world_size);
    struct dfs d = *proto;
    uint32_t fams = 0;
    bool seen = false, expand = false;

    d.prefix = &c->prefix;
    d.depth0 = c->depth;
    engine_fire(m, c->world, &steps[k], NULL, 0, NULL);
    proto->st->transitions++;
    explore_tick(proto->o, proto->st, proto->t0, &b->last_tick, c->depth, next->len);
    if (proto->o->por_check &&
        !dfs_por_check(&d, it->world, steps, n, left_out != 0, left_out & ~done, k, c->world))
        b->stop = true;
    else if ((fams = proto->c->step(proto->c->ctx, c->world, &steps[k], v)))
        dfs_record_path(proto->st, v, fams, &c->prefix);   /* the prefix path is the counterexample */
    else if ((expand = dfs_admit_seen(&d, c->world, &seen)) && proto->o->max_depth &&
             c->depth >= proto->o->max_depth) {
        explore_cut(proto->st, LIMIT_MAX_DEPTH);   /* stored, not expanded: dfs_expand's cut */
        expand = false;
    }
    if (!b->stop && !fams && limit_reached(proto, seen))
        b->stop = true;
    if (!expand || b->stop) {
        explore_item_free(c);
        return seen;
    }
    c->sleep = por_child_sleep_in(proto->o->frontier_sleep ? POR_SLEEP : proto->o->por, m, it->world,
                                  steps, n, done, it->sleep, k);
    g_ptr_array_add(next, c);
    return false;
}

/*
 * One level: every item's children through its persistent set (dpor), all
 * of them once one was seen before. That is the threads' cycle proviso
 * (explore_parallel.c): the prefix cannot tell which old world closes a cycle.
 * Under --por sleep, the steps of sleeping actors are left out.
 */
static GPtrArray *expand_level(struct bfs *b, GPtrArray *level)
{
    const struct dfs *proto = b->proto;
    const struct engine_model *m = proto->m;
    GPtrArray *next = g_ptr_array_new_with_free_func(explore_item_free);
    struct step steps[ENGINE_MAX_STEPS];

    for (guint i = 0; i < level->len && !b->stop; i++) {
        const struct explore_item *it = g_ptr_array_index(level, i);
        unsigned nall, n = engine_fireable_all(m, it->world, steps, ENGINE_MAX_STEPS, &nall);
        uint64_t all = bits_below(n), todo = all, done = 0, reduced;
        if (proto->o->por == POR_DPOR && n > 1)
            todo = por_persistent(m, NULL, it->world, steps, n, nall);
        reduced = all & ~todo;
        proto->st->reduced_states += reduced != 0;
        for (unsigned j = 0; it->sleep && j < n; j++)
            if (it->sleep >> steps[j].actor & 1)
                todo &= ~(1ull << j);
        while ((todo & ~done) && !b->stop) {
            unsigned k = (unsigned)__builtin_ctzll(todo & ~done);
            done |= 1ull << k;
            if (expand_step(b, it, steps, n, k, done, reduced, next) && reduced) {
                todo = all;   /* the cycle proviso: expand fully */
                reduced = 0;
                proto->st->proviso_expansions++;
            }
        }
    }
    return next;
}

GPtrArray *explore_frontier(const struct dfs *proto, const void *initial, unsigned min_items)
{
    GPtrArray *starts = g_ptr_array_new_with_free_func(explore_item_free);

    g_ptr_array_add(starts, new_item(NULL, -1, 0, initial, proto->m->world_size));
    return explore_frontier_from(proto, starts, min_items);
}

/* Each start admitted (the start world counts, as in dfs_search), then level by level. */
GPtrArray *explore_frontier_from(const struct dfs *proto, GPtrArray *starts, unsigned min_items)
{
    struct bfs b = { .proto = proto, .last_tick = proto->t0 };   /* a first line after 250 ms */
    GPtrArray *level = g_ptr_array_new_with_free_func(explore_item_free);

    for (guint i = 0; i < starts->len && !b.stop; i++) {
        struct explore_item *it = g_ptr_array_index(starts, i);
        struct dfs d = *proto;
        bool seen = false, expand;
        d.prefix = &it->prefix;
        d.depth0 = it->depth;
        expand = dfs_admit_seen(&d, it->world, &seen);
        b.stop = limit_reached(proto, seen);
        if (expand && !b.stop)
            g_ptr_array_add(level, g_steal_pointer(&starts->pdata[i]));
    }
    g_ptr_array_free(starts, TRUE);   /* the items taken are NULL there */
    while (level->len && level->len < min_items && !b.stop) {
        GPtrArray *next = expand_level(&b, level);
        g_ptr_array_free(level, TRUE);
        level = next;
    }
    if (b.stop)   /* the search ends here: no world is left to the threads */
        g_ptr_array_set_size(level, 0);
    return level;
}
