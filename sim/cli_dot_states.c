/*
 * `drcsim dot states SCENARIO`: the worlds a scenario reaches, breadth first
 * and up to --max-states, one node per world (or per order of interchangeable
 * clients), each edge labelled with its step as the trace names it.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "explore_symmetry.h"
#include "trace.h"

/* The worlds found, breadth first: their ids by fingerprint, and those left to expand. */
struct sgraph {
    const struct engine_model *m;
    const struct checker *c;
    bool symmetry;
    unsigned max;
    GHashTable *ids;           /* fingerprint -> id + 1 */
    GByteArray *queue;         /* worlds to expand, in id order */
    unsigned expanded;
    void *scratch;
    bool cut;                  /* --max-states left worlds undrawn */
};

/* Fire step st into child (a copy of its world), and name it in g as its trace line
 * does: "actor op args", DOT-escaped. */
static void fire_named(const struct engine_model *m, void *child, const struct step *st,
                       GString *g)
{
    struct trace *tr = trace_new(TRACE_JSONL);
    JsonNode *n;
    uint64_t t = 0;

    engine_fire(m, child, st, tr, 1, &t);
    n = json_from_string(trace_buffer(tr, NULL), NULL);
    if (n && JSON_NODE_HOLDS_OBJECT(n)) {
        dot_str(g, json_object_get_string_member_with_default(json_node_get_object(n), "actor",
                                                              "?"));
        g_string_append_c(g, ' ');
        dot_step_words(g, json_node_get_object(n));
    }
    if (n)
        json_node_unref(n);
    trace_free(tr);
}

/* The id of world w, given one (and queued) when it is new; -1 past --max-states. */
static int sgraph_id(struct sgraph *g, const void *w)
{
    const void *stored;
    uint64_t fp = sym_key(g->m, g->symmetry, w, g->scratch, &stored);
    unsigned id = GPOINTER_TO_UINT(g_hash_table_lookup(g->ids, &fp));
    uint64_t *key;

    if (id)
        return (int)id - 1;
    if (g_hash_table_size(g->ids) >= g->max) {
        g->cut = true;
        return -1;
    }
    key = g_memdup2(&fp, sizeof(fp));
    id = g_hash_table_size(g->ids);
    g_hash_table_insert(g->ids, key, GUINT_TO_POINTER(id + 1));
    g_byte_array_append(g->queue, w, (guint)g->m->world_size);
    printf("  w%u [label=\"%u\"%s];\n", id, id, id ? "" : ", style=bold");
    return (int)id;
}

/* The edges out of world id; a violating step ends at a red node of its own. */
static void sgraph_expand(struct sgraph *g, unsigned id)
{
    struct step st[ENGINE_MAX_STEPS];
    struct violation v[EXPLORE_MAX_FAMILIES];
    /* a copy: new worlds grow the queue, which may move it */
    void *w = g_memdup2(g->queue->data + (size_t)id * g->m->world_size, g->m->world_size);
    unsigned n = engine_fireable(g->m, w, st, ENGINE_MAX_STEPS);
    void *child = g_malloc(g->m->world_size);
    char fams[256];
    uint32_t bad;

    if (!n && (bad = g->c->quiescent(g->c->ctx, w, v)))
        printf("  w%u [shape=doublecircle, color=red, xlabel=\"%s\"];\n", id,
               families_format(bad, fams, sizeof(fams)));
    else if (!n)
        printf("  w%u [shape=doublecircle];\n", id);
    for (unsigned k = 0; k < n; k++) {
        GString *esc = g_string_new(NULL);
        int to;
        memcpy(child, w, g->m->world_size);
        fire_named(g->m, child, &st[k], esc);
        if ((bad = g->c->step(g->c->ctx, child, &st[k], v)) == EXPLORE_BOUND_BIT)
            printf("  w%u_%u [label=\"model bound\", color=gray40, shape=box, style=dashed];\n"
                   "  w%u -> w%u_%u [label=\"%s\", style=dashed];\n", id, k, id, id, k, esc->str);
        else if (bad)
            printf("  w%u_%u [label=\"%s\", color=red, fontcolor=red, shape=box];\n"
                   "  w%u -> w%u_%u [label=\"%s\", color=red];\n", id, k,
                   families_format(bad & ~EXPLORE_BOUND_BIT, fams, sizeof(fams)), id, id, k,
                   esc->str);
        else if ((to = sgraph_id(g, child)) >= 0)
            printf("  w%u -> w%d [label=\"%s\"];\n", id, to, esc->str);
        else
            printf("  w%u -> more [label=\"%s\", style=dashed];\n", id, esc->str);
        g_string_free(esc, TRUE);
    }
    g_free(child);
    g_free(w);
}

int dot_states(const struct loaded *l, bool symmetry, unsigned max)
{
    struct sgraph g = { .m = &l->sim.model, .c = &l->checker, .symmetry = symmetry, .max = max,
                        .ids = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL),
                        .queue = g_byte_array_new(), .scratch = g_malloc(l->sim.model.world_size) };

    printf("digraph \"%s\" {\n  label=\"%s under %s: the worlds breadth first (bold: the "
           "first; double: quiescent; red: a violation)\";\n  node [shape=circle, "
           "fontname=monospace];\n  edge [fontname=monospace, fontsize=10];\n", l->scn->name,
           l->scn->name, l->var.name);
    sgraph_id(&g, &l->sim.initial);
    for (; g.expanded < g_hash_table_size(g.ids); g.expanded++)
        sgraph_expand(&g, g.expanded);
    if (g.cut)
        printf("  more [label=\"not drawn: --max-states %u\", shape=plaintext];\n", max);
    printf("}\n");
    if (g.cut)
        cli_errorf("drcsim dot states: stopped at %u worlds (--max-states); the graph "
                   "leaves the others out", max);
    g_hash_table_destroy(g.ids);
    g_byte_array_free(g.queue, TRUE);
    g_free(g.scratch);
    return EXIT_OK;
}
