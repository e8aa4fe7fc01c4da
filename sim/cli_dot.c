/*
 * `drcsim dot`: Graphviz views of the DRC state table (cli_dot_fsm.c), of a
 * trace (cli_dot_msc.c) and of a scenario's worlds (cli_dot_states.c); the
 * command's options, and the DOT text helpers the three share.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "explore_symmetry.h"

/* A DOT double-quoted string's body (quotes and backslashes escaped). */
void dot_str(GString *g, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_c(g, '\\');
        g_string_append_c(g, (unsigned char)*s < 0x20 ? ' ' : *s);
    }
}

/* A step's op and the arguments that tell its like apart (machine, device, indicator,
 * value, DRC index), as its trace line gives them. */
void dot_step_words(GString *g, JsonObject *o)
{
    static const char *const keys[] = { "machine", "id", "type", "value", "index" };
    JsonObject *args = json_object_has_member(o, "args") ? json_object_get_object_member(o, "args")
                                                         : NULL;

    dot_str(g, json_object_get_string_member_with_default(o, "op", "?"));
    for (size_t i = 0; args && i < G_N_ELEMENTS(keys); i++) {
        JsonNode *v = json_object_get_member(args, keys[i]);
        if (v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_STRING) {
            g_string_append_c(g, ' ');
            dot_str(g, json_node_get_string(v));
        } else if (v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_INT64) {
            g_string_append_printf(g, " %" G_GINT64_FORMAT, json_node_get_int(v));
        }
    }
}

/* The lane of name, added at first sight. */

struct dot_cli {
    char *variant, *symmetry;
    char **knobs;
    gint64 max_states;
};

/* Arguments and options that do not go together, as the one-line error; NULL when they do. */
static const char *dot_conflict(void *opts, int argc, char **argv, char *buf, size_t len)
{
    const struct dot_cli *o = opts;
    const char *view = argc >= 2 ? argv[1] : "";
    bool off;

    (void)buf, (void)len;
    if (strcmp(view, "fsm") && strcmp(view, "msc") && strcmp(view, "states"))
        return "expected fsm [CLASS], msc TRACE or states SCENARIO";
    if (!strcmp(view, "fsm") ? argc > 3 : argc != 3)
        return "expected fsm [CLASS], msc TRACE or states SCENARIO";
    if (!strcmp(view, "msc") && (o->variant || o->knobs))
        return "--variant and --knob go with dot fsm and dot states";
    if (strcmp(view, "states") && (o->symmetry || o->max_states != 500))
        return "--max-states and --symmetry go with dot states";
    if (o->max_states < 1 || o->max_states > 1000000)
        return "--max-states takes 1..1000000";
    if (!symmetry_parse(o->symmetry, &off))
        return "--symmetry takes on or off";
    return NULL;
}

static int dot_parse(int *argc, char ***argv, struct dot_cli *o)
{
    GOptionEntry entries[] = {
        { "variant", 0, 0, G_OPTION_ARG_STRING, &o->variant, "fsm, states: variant (default upstream)",
          "V" },
        { "knob", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->knobs, "fsm, states: override a knob", "K=V" },
        { "max-states", 0, 0, G_OPTION_ARG_INT64, &o->max_states,
          "states: draw at most N worlds (default 500)", "N" },
        { "symmetry", 0, 0, G_OPTION_ARG_STRING, &o->symmetry,
          "states: one node per order of interchangeable clients (on, the default) or each (off)",
          "on|off" },
        { NULL, 0, 0, 0, NULL, NULL, NULL } };

    o->max_states = 500;
    return cli_parse("dot", "fsm [logical|physical|CPU|PHB|PCI|LMB|PMEM] | msc TRACE | "
                     "states SCENARIO - Graphviz views", entries, argc, argv, dot_conflict, o);
}

/* dot fsm under a variant's knobs (found as for a scenario in ./scenarios), then --knob. */
static int fsm_main(const char *drc_class, const struct dot_cli *o)
{
    struct variant var;
    char err[1024];

    if (!load_variant_only("scenarios/x.scn", o->variant ? o->variant : "upstream",
                           (struct scn_loc){ 0, 0 }, &var, err, sizeof(err))) {
        cli_error(err);
        return EXIT_USAGE;
    }
    for (int i = 0; o->knobs && o->knobs[i]; i++)
        if (!knob_override(&var.knobs, o->knobs[i], err, sizeof(err))) {
            cli_error(err);
            return EXIT_USAGE;
        }
    return dot_fsm(drc_class, var.name, &var.knobs);
}

static int dot_main(int argc, char **argv, struct dot_cli *o)
{
    struct loaded l;
    char err[1024];
    bool off;
    int rc = dot_parse(&argc, &argv, o);

    if (rc)
        return rc;
    if (!strcmp(argv[1], "fsm"))
        return fsm_main(argc == 3 ? argv[2] : "logical", o);
    if (!strcmp(argv[1], "msc"))
        return dot_msc(argv[2]);
    if (!load_scenario(argv[2], o->variant ? o->variant : "upstream", o->knobs, &l, err,
                       sizeof(err))) {
        cli_error(err);
        return EXIT_USAGE;
    }
    symmetry_parse(o->symmetry, &off);
    rc = dot_states(&l, !off, (unsigned)o->max_states);
    loaded_free(&l);
    return rc;
}

int cmd_dot(int argc, char **argv)
{
    struct dot_cli o = { 0 };
    int rc = dot_main(argc, argv, &o);

    g_free(o.variant);
    g_free(o.symmetry);
    g_strfreev(o.knobs);
    return rc;
}
