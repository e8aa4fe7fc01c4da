/*
 * Breadth-first exploration for --shortest: level by level, each new world
 * remembers its parent and the choice that led to it, so the first
 * violation found of each family has a counterexample with the fewest steps.
 */
#include <glib.h>
#include <string.h>
#include "fingerprint.h"
#include "explore.h"
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
    st->families |= fams;
}

struct level { unsigned char *worlds; uint32_t *ids; size_t n, cap; };

static void level_push(struct level *l, const void *w, size_t size, uint32_t id)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->worlds = g_realloc(l->worlds, l->cap * size);
        l->ids = g_renew(uint32_t, l->ids, l->cap);
    }
    memcpy(l->worlds + l->n * size, w, size);
    l->ids[l->n++] = id;
}

/* A new world: count it, check quiescence, queue it for the next level. */
static void admit_bfs(const struct engine_model *m, const struct checker *c, struct visited *vis,
                      const void *w, uint32_t parent, int choice, GArray *origins,
                      struct level *next, struct explore_stats *st, unsigned depth)
{
    struct step probe[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];
    struct origin o = { parent, (uint16_t)choice };
    uint32_t fams, id;

    if (visited_add(vis, fingerprint(w, m->world_size), w) != VISITED_NEW)
        return;
    st->states++;
    st->max_depth = depth > st->max_depth ? depth : st->max_depth;
    id = origins->len;
    g_array_append_val(origins, o);
    if (engine_fireable(m, w, probe, ENGINE_MAX_STEPS) > 0) {
        level_push(next, w, m->world_size, id);
        return;
    }
    st->quiescent_states++;
    if ((fams = c->quiescent(c->ctx, w, v)))
        record_bfs(st, v, fams, origins, id, -1);
}

static void expand(const struct engine_model *m, const struct checker *c, struct visited *vis,
                   const void *w, uint32_t id, GArray *origins, struct level *next,
                   struct explore_stats *st, unsigned depth)
{
    struct step steps[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];
    unsigned n = engine_fireable(m, w, steps, ENGINE_MAX_STEPS);
    void *child = g_malloc(m->world_size);

    for (unsigned k = 0; k < n; k++) {
        uint32_t fams;
        memcpy(child, w, m->world_size);
        engine_fire(m, child, &steps[k], NULL, 0, NULL);
        st->transitions++;
        if ((fams = c->step(c->ctx, child, &steps[k], v)))
            record_bfs(st, v, fams, origins, id, (int)k);
        else
            admit_bfs(m, c, vis, child, id, (int)k, origins, next, st, depth);
    }
    g_free(child);
}

void explore_shortest(const struct engine_model *m, const struct checker *c,
                      const void *initial, const struct explore_opts *o,
                      struct explore_stats *st)
{
    GArray *origins = g_array_new(FALSE, FALSE, sizeof(struct origin));
    struct level cur = { 0 }, next = { 0 };
    struct visited vis;
    gint64 t0 = g_get_monotonic_time();
    unsigned depth = 0;

    memset(st, 0, sizeof(*st));
    visited_init_mode(&vis, o->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT, o->mem_bytes,
                      m->world_size);
    admit_bfs(m, c, &vis, initial, 0, 0, origins, &next, st, 0);
    while (next.n && !(o->max_depth && depth >= o->max_depth)) {
        struct level t = cur;
        cur = next;
        next = t;
        next.n = 0;
        depth++;
        for (size_t i = 0; i < cur.n; i++)
            expand(m, c, &vis, cur.worlds + i * m->world_size, cur.ids[i], origins, &next, st, depth);
    }
    st->truncated = next.n > 0;
    st->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    explore_stats_close(st, &vis);
    visited_free(&vis);
    g_free(cur.worlds); g_free(cur.ids); g_free(next.worlds); g_free(next.ids);
    g_array_free(origins, TRUE);
}
