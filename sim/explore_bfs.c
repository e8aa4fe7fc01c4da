/*
 * Breadth-first exploration for --shortest: level by level, each new world
 * remembers its parent and the choice that led to it, so the first
 * violation found of each family has a counterexample with the fewest steps.
 */
#include <glib.h>
#include <string.h>
#include "explore.h"
#include "explore_symmetry.h"
#include "visited.h"

struct origin { uint32_t parent; uint16_t choice; };

/* The schedule from the initial world to state id, then one more choice. */
static void path_to(const GArray *origins, uint32_t id, int last, struct schedule *out)
{
    GArray *rev = g_array_new(FALSE, FALSE, sizeof(uint16_t));

    for (uint32_t i = id; i != 0; i = g_array_index(origins, struct origin, i).parent)
        g_array_append_val(rev, g_array_index(origins, struct origin, i).choice);
    for (guint i = rev->len; i > 0; i--)
        schedule_push(out, g_array_index(rev, uint16_t, i - 1));
    if (last >= 0)
        schedule_push(out, (uint16_t)last);
    g_array_free(rev, TRUE);
}

static void record_bfs(struct explore_stats *st, const struct violation *v, uint32_t fams,
                       const GArray *origins, uint32_t id, int last)
{
    struct schedule path = { 0 };

    if (cex_missing(st->cex, fams)) {   /* the path is built only for a first one */
        path_to(origins, id, last, &path);
        cex_record(st->cex, v, fams, &path);
        schedule_free(&path);
    }
    explore_tally(st, fams);
}

struct level { unsigned char *worlds; uint32_t *ids; size_t n, cap; };

/* Push a world; *bytes counts what the levels hold, for the --mem budget. */
static void level_push(struct level *l, const void *w, size_t size, uint32_t id, size_t *bytes)
{
    if (l->n == l->cap) {
        *bytes += (l->cap ? l->cap : 256) * (size + sizeof(*l->ids));
        l->cap = l->cap ? l->cap * 2 : 256;
        l->worlds = g_realloc(l->worlds, l->cap * size);
        l->ids = g_renew(uint32_t, l->ids, l->cap);
    }
    memcpy(l->worlds + l->n * size, w, size);
    l->ids[l->n++] = id;
}

/* One breadth-first search: what every level shares. */
struct bfs {
    const struct engine_model *m;
    const struct checker *c;
    struct visited vis;
    GArray *origins;           /* of struct origin, by state id */
    struct explore_stats *st;
    const struct explore_opts *o;
    bool symmetry;             /* key worlds by their representative (explore_symmetry.c) */
    bool stop;                 /* --max-states reached, or the --mem budget used up */
    size_t level_bytes;        /* what both levels hold */
    void *scratch;             /* that representative */
    gint64 t0, last_tick;
};

/*
 * The levels and the paths back count against --mem with the visited set:
 * they grow with the widest level, which bitstate hashing does not shrink.
 */
static bool levels_over_budget(const struct bfs *b)
{
    size_t used = visited_bytes(&b->vis) + b->origins->len * sizeof(struct origin) + b->level_bytes;

    return b->o->mem_bytes && used > b->o->mem_bytes;
}

/* A new world: count it, check quiescence, queue it for the next level. */
static void admit_bfs(struct bfs *b, const void *w, uint32_t parent, int choice,
                      struct level *next, unsigned depth)
{
    struct step probe[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];
    struct origin o = { parent, (uint16_t)choice };
    const void *stored;
    uint64_t fp = sym_key(b->m, b->symmetry, w, b->scratch, &stored);
    enum visited_result r = dfs_local_add(&b->vis, fp, stored, b->st, b->o->bitstate);
    uint32_t fams, id;

    if (r == VISITED_FULL)
        b->stop = b->st->full = true;   /* as the depth-first search: stop, never guess */
    if (r != VISITED_NEW)
        return;
    b->st->states++;
    b->stop |= b->o->max_states && b->st->states >= b->o->max_states;
    if (levels_over_budget(b))
        b->stop = b->st->full = b->st->levels_full = true;
    b->st->symmetric_states += stored != w;
    b->st->max_depth = depth > b->st->max_depth ? depth : b->st->max_depth;
    id = b->origins->len;
    g_array_append_val(b->origins, o);
    if (engine_fireable(b->m, w, probe, ENGINE_MAX_STEPS) > 0) {
        level_push(next, w, b->m->world_size, id, &b->level_bytes);
        return;
    }
    b->st->quiescent_states++;
    if ((fams = b->c->quiescent(b->c->ctx, w, v)))
        record_bfs(b->st, v, fams, b->origins, id, -1);
}

static void expand(struct bfs *b, const void *w, uint32_t id, struct level *next, unsigned depth,
                   size_t queue)
{
    struct step steps[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];
    unsigned n = engine_fireable(b->m, w, steps, ENGINE_MAX_STEPS);
    void *child = g_malloc(b->m->world_size);

    for (unsigned k = 0; k < n && !b->stop; k++) {
        uint32_t fams;
        explore_tick(b->o, b->st, b->t0, &b->last_tick, depth, queue + next->n);
        memcpy(child, w, b->m->world_size);
        engine_fire(b->m, child, &steps[k], NULL, 0, NULL);
        b->st->transitions++;
        if ((fams = b->c->step(b->c->ctx, child, &steps[k], v)))
            record_bfs(b->st, v, fams, b->origins, id, (int)k);
        else
            admit_bfs(b, child, id, (int)k, next, depth);
    }
    g_free(child);
}

/*
 * With the symmetry a world is skipped when a renamed one was met on the same
 * or an earlier level; renamed worlds are equally far from every violation,
 * so the first counterexample of each family is still a shortest one.
 */
void explore_shortest(const struct engine_model *m, const struct checker *c,
                      const void *initial, const struct explore_opts *o,
                      struct explore_stats *st)
{
    struct bfs b = { .m = m, .c = c, .st = st, .o = o, .symmetry = !o->no_symmetry,
                     .origins = g_array_new(FALSE, FALSE, sizeof(struct origin)),
                     .scratch = g_malloc(m->world_size), .t0 = g_get_monotonic_time() };
    struct level cur = { 0 }, next = { 0 };
    unsigned depth = 0;

    explore_stats_init(st);
    visited_init_mode(&b.vis, o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT, o->mem_bytes,
                      m->world_size);
    admit_bfs(&b, initial, 0, 0, &next, 0);
    while (next.n && !b.stop && !(o->max_depth && depth >= o->max_depth)) {
        struct level t = cur;
        cur = next;
        next = t;
        next.n = 0;
        depth++;
        for (size_t i = 0; i < cur.n && !b.stop; i++)
            expand(&b, cur.worlds + i * m->world_size, cur.ids[i], &next, depth, cur.n - i);
    }
    st->truncated = next.n > 0 || b.stop;
    if (b.stop && !st->full)
        st->limits |= LIMIT_MAX_STATES;
    else if (next.n && !b.stop)
        st->limits |= LIMIT_MAX_DEPTH;
    st->seconds = (double)(g_get_monotonic_time() - b.t0) / 1e6;
    explore_stats_close(st, &b.vis);
    visited_free(&b.vis);
    g_free(cur.worlds); g_free(cur.ids); g_free(next.worlds); g_free(next.ids);
    g_array_free(b.origins, TRUE);
    g_free(b.scratch);
}
