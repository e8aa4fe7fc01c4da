/*
 * A breadth-first frontier: from the initial world, level by level, the
 * children (under --por dpor, through each world's persistent set) checked
 * and admitted through a dfs's visited set, until at least min_items worlds
 * wait at the frontier. --jobs hands them to its threads, --split writes
 * their schedule prefixes into job files.
 */
#include <string.h>
#include "explore.h"
#include "explore_por.h"

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

    schedule_free(&it->prefix);
    g_free(it->world);
    g_free(it);
}

/* Step k of it: its child checked, admitted and queued in next; true when seen before. */
static bool expand_step(const struct dfs *proto, const struct explore_item *it,
                        const struct step *step, unsigned k, GPtrArray *next)
{
    const struct engine_model *m = proto->m;
    struct violation v[EXPLORE_MAX_FAMILIES] = { 0 };   /* a checker fills only its families */
    struct explore_item *c = new_item(&it->prefix, (int)k, it->depth + 1, it->world,
                                       m->world_size);
    struct dfs d = *proto;
    uint32_t fams;
    bool seen = false;

    d.prefix = &c->prefix;
    d.depth0 = c->depth;
    engine_fire(m, c->world, step, NULL, 0, NULL);
    proto->st->transitions++;
    if ((fams = proto->c->step(proto->c->ctx, c->world, step, v)) ||
        !dfs_admit_seen(&d, c->world, &seen)) {
        if (fams)   /* a violating step: the prefix path is the counterexample */
            dfs_record_path(proto->st, v, fams, &c->prefix);
        explore_item_free(c);
        return seen;
    }
    g_ptr_array_add(next, c);
    return false;
}

/*
 * One level: every item's children through its persistent set (dpor), all
 * of them once one was seen before. That is the threads' cycle proviso
 * (explore_parallel.c): the prefix cannot tell which old world closes a cycle.
 */
static GPtrArray *expand_level(const struct dfs *proto, GPtrArray *level)
{
    const struct engine_model *m = proto->m;
    GPtrArray *next = g_ptr_array_new_with_free_func(explore_item_free);
    struct step steps[ENGINE_MAX_STEPS];

    for (guint i = 0; i < level->len; i++) {
        const struct explore_item *it = g_ptr_array_index(level, i);
        unsigned nall, n = engine_fireable_all(m, it->world, steps, ENGINE_MAX_STEPS, &nall);
        uint64_t all = bits_below(n), todo = all, done = 0;
        if (proto->o->por == POR_DPOR)
            todo = por_persistent(m, NULL, it->world, steps, n, nall);
        while (todo & ~done) {
            unsigned k = (unsigned)__builtin_ctzll(todo & ~done);
            done |= 1ull << k;
            if (expand_step(proto, it, &steps[k], k, next))
                todo = all;
        }
        proto->st->reduced_states += done != all;
    }
    return next;
}

GPtrArray *explore_frontier(const struct dfs *proto, const void *initial, unsigned min_items)
{
    GPtrArray *level = g_ptr_array_new_with_free_func(explore_item_free);
    struct dfs d0 = *proto;

    if (dfs_admit_start(&d0, initial))
        g_ptr_array_add(level, new_item(NULL, -1, 0, initial, proto->m->world_size));
    while (level->len && level->len < min_items) {
        GPtrArray *next = expand_level(proto, level);
        g_ptr_array_free(level, TRUE);
        level = next;
    }
    return level;
}
