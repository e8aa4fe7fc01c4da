/*
 * `drcsim dot msc TRACE`: a JSONL trace as a sequence chart, a lane per
 * actor and per machine's DRCs, a rank per step, and an arrow for each DRC
 * trace point a step hit; the verdict's violation (red) and each violation
 * the scenario ignores (grey) as a note beside the step after which it held.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace.h"

static guint lane_of(GPtrArray *lanes, const char *name)
{
    for (guint i = 0; i < lanes->len; i++)
        if (!strcmp(g_ptr_array_index(lanes, i), name))
            return i;
    g_ptr_array_add(lanes, g_strdup(name));
    return lanes->len - 1;
}

/* A chart being built: lanes by first sight, and the step nodes each lane has. */
struct msc {
    GPtrArray *lanes;
    GString *nodes, *msgs;
    GHashTable *seen;   /* "s<step>_<lane>" of the nodes declared */
    GArray *lane_of_step;   /* guint, the actor's lane of step i + 1 */
    GString *notes, **rank_notes;   /* rank_notes[s]: the notes' names ranked with step s */
    gint64 steps;
    guint nnotes;
};

static void msc_node(struct msc *c, gint64 step, guint lane, GString *out, const char *attrs)
{
    g_autofree char *name = g_strdup_printf("s%" G_GINT64_FORMAT "_%u", step, lane);

    g_string_append_printf(out, "  %s [%s", name, attrs);
    g_hash_table_add(c->seen, g_steal_pointer(&name));
}

/* A step line: its node in the actor's lane, and a message to the DRCs it changed. */
static void msc_step(struct msc *c, JsonObject *o)
{
    gint64 step = json_object_get_int_member_with_default(o, "step", 0);
    guint lane = lane_of(c->lanes, json_object_get_string_member_with_default(o, "actor", "?"));
    JsonArray *drc = json_object_has_member(o, "drc") ? json_object_get_array_member(o, "drc")
                                                      : NULL;

    g_array_append_val(c->lane_of_step, lane);
    msc_node(c, step, lane, c->nodes, "label=\"");
    g_string_append_printf(c->nodes, "%" G_GINT64_FORMAT " ", step);
    dot_step_words(c->nodes, o);
    g_string_append(c->nodes, "\"];\n");
    for (guint i = 0; drc && i < json_array_get_length(drc); i++) {
        JsonObject *d = json_array_get_object_element(drc, i);
        g_autofree char *to = g_strdup_printf("DRCs@%s",
            json_object_get_string_member_with_default(d, "machine", "?"));
        guint tl = lane_of(c->lanes, to);
        msc_node(c, step, tl, c->msgs, "label=\"\", shape=point];\n");
        g_string_append_printf(c->msgs, "  s%" G_GINT64_FORMAT "_%u -> s%" G_GINT64_FORMAT "_%u "
                               "[constraint=false, label=\"", step, lane, step, tl);
        dot_str(c->msgs, json_object_get_string_member_with_default(d, "trace", ""));
        g_string_append_c(c->msgs, ' ');
        dot_str(c->msgs, json_object_get_string_member_with_default(d, "index", ""));
        g_string_append_c(c->msgs, ' ');
        dot_str(c->msgs, json_object_get_string_member_with_default(d, "state", ""));
        g_string_append(c->msgs, "\"];\n");
    }
}

/*
 * A note "WHAT: FAMILY" and its message, tied to the node of the step after which
 * the violation held (to the first step's rank when it held at the start).
 */
static void msc_note(struct msc *c, JsonObject *v, const char *what, const char *colour)
{
    gint64 step = json_object_get_int_member_with_default(v, "step", 0);
    gint64 at = CLAMP(step, 1, c->steps);
    guint id = c->nnotes++;
    g_autofree char *name = g_strdup_printf("note%u_%" G_GINT64_FORMAT, id, step);

    g_string_append_printf(c->notes, "  %s [shape=note, color=%s, fontcolor=%s, label=\"%s: ",
                           name, colour, colour, what);
    dot_str(c->notes, json_object_get_string_member_with_default(v, "family", "?"));
    g_string_append(c->notes, "\\n");
    dot_str(c->notes, json_object_get_string_member_with_default(v, "message", ""));
    g_string_append(c->notes, "\"];\n");
    if (step >= 1 && step <= c->steps)
        g_string_append_printf(c->notes, "  s%" G_GINT64_FORMAT "_%u -> %s [style=dashed, "
                               "color=%s, arrowhead=none, constraint=false];\n", step,
                               g_array_index(c->lane_of_step, guint, step - 1), name, colour);
    g_string_append_printf(c->rank_notes[at], " %s;", name);
}

/* The verdict line's violation and ignored families, as notes. */
static void msc_verdict(struct msc *c, JsonObject *o)
{
    JsonArray *ign = json_object_has_member(o, "ignored")
                         ? json_object_get_array_member(o, "ignored") : NULL;

    c->rank_notes = g_new0(GString *, c->steps + 1);
    for (gint64 s = 0; s <= c->steps; s++)
        c->rank_notes[s] = g_string_new(NULL);
    if (c->steps == 0)
        return;
    for (guint i = 0; ign && i < json_array_get_length(ign); i++)
        msc_note(c, json_array_get_object_element(ign, i), "ignored", "grey40");
    if (json_object_has_member(o, "violation"))
        msc_note(c, json_object_get_object_member(o, "violation"), "violation", "red");
}

/* Each lane's column: its head, then its steps top to bottom, one rank per step. */
static void msc_print(const struct msc *c)
{
    printf("digraph msc {\n  rankdir=TB;\n  node [shape=box, fontname=monospace];\n"
           "  edge [fontname=monospace, fontsize=10];\n%s%s%s", c->nodes->str, c->msgs->str,
           c->notes->str);
    for (guint l = 0; l < c->lanes->len; l++) {
        GString *g = g_string_new(NULL);
        dot_str(g, g_ptr_array_index(c->lanes, l));
        printf("  lane%u [label=\"%s\", style=bold];\n  lane%u", l, g->str, l);
        for (gint64 s = 1; s <= c->steps; s++)
            printf(" -> s%" G_GINT64_FORMAT "_%u", s, l);
        printf(" [style=dotted, arrowhead=none];\n");
        for (gint64 s = 1; s <= c->steps; s++) {   /* steps a lane lacks: invisible points */
            g_autofree char *name = g_strdup_printf("s%" G_GINT64_FORMAT "_%u", s, l);
            if (!g_hash_table_contains(c->seen, name))
                printf("  %s [shape=point, style=invis];\n", name);
        }
        g_string_free(g, TRUE);
    }
    for (gint64 s = 1; s <= c->steps; s++) {
        printf("  { rank=same;");
        for (guint l = 0; l < c->lanes->len; l++)
            printf(" s%" G_GINT64_FORMAT "_%u;", s, l);
        printf("%s }\n", c->rank_notes[s]->str);
    }
    printf("}\n");
}

int dot_msc(const char *path)
{
    struct trace_file f;
    char err[512];
    struct msc c = { .lanes = g_ptr_array_new_with_free_func(g_free), .nodes = g_string_new(NULL),
                     .msgs = g_string_new(NULL), .notes = g_string_new(NULL),
                     .lane_of_step = g_array_new(FALSE, FALSE, sizeof(guint)),
                     .seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };

    if (!trace_read_file(path, &f, err, sizeof(err))) {
        cli_error(err);
        return EXIT_USAGE;
    }
    for (unsigned i = 1; i + 1 < f.nlines; i++) {   /* the reader checked every line */
        JsonNode *n = json_from_string(f.lines[i], NULL);
        msc_step(&c, json_node_get_object(n));
        c.steps++;
        json_node_unref(n);
    }
    JsonNode *last = json_from_string(f.lines[f.nlines - 1], NULL);
    msc_verdict(&c, json_node_get_object(last));
    json_node_unref(last);
    msc_print(&c);
    for (gint64 s = 0; s <= c.steps; s++)
        g_string_free(c.rank_notes[s], TRUE);
    g_free(c.rank_notes);
    g_array_free(c.lane_of_step, TRUE);
    g_string_free(c.notes, TRUE);
    g_ptr_array_free(c.lanes, TRUE);
    g_string_free(c.nodes, TRUE);
    g_string_free(c.msgs, TRUE);
    g_hash_table_destroy(c.seen);
    trace_file_clear(&f);
    return EXIT_OK;
}
