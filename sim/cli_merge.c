/*
 * `drcsim merge FILE...`: the JSON results of split jobs (and of split.json,
 * the prefix's own; or of check jobs, compared with their verdict lines)
 * combined per scenario x variant: families united,
 * states, transitions and seconds added up (jobs do not share a visited set,
 * so states seen by two jobs count twice), the deepest depth kept.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "json_file.h"

struct agg {
    char *scenario, *variant;
    uint32_t families;
    uint64_t states, transitions;
    char *replay;                /* the first part's counterexample, if any */
    unsigned max_depth, parts;
    bool incomplete;             /* some part did not see all of its interleavings */
    bool checked, mismatch;      /* from check: a verdict line was compared, and differed */
    double seconds;
};

static struct agg *find_agg(GPtrArray *all, const char *scenario, const char *variant)
{
    struct agg *a;

    for (guint i = 0; i < all->len; i++) {
        a = g_ptr_array_index(all, i);
        if (strcmp(a->scenario, scenario) == 0 && strcmp(a->variant, variant) == 0)
            return a;
    }
    a = g_new0(struct agg, 1);
    a->scenario = g_strdup(scenario);
    a->variant = g_strdup(variant);
    g_ptr_array_add(all, a);
    return a;
}

static void free_agg(gpointer p)
{
    struct agg *a = p;

    g_free(a->scenario);
    g_free(a->variant);
    g_free(a->replay);
    g_free(a);
}

/* What merge reads of a result (json_result_append writes more). */
static const struct json_member result_members[] = {
    { "scenario", JSON_STRING, true },  { "variant", JSON_STRING, true },
    { "families", JSON_STRINGS, true }, { "states", JSON_COUNT, true },
    { "transitions", JSON_COUNT, false }, { "max_depth", JSON_COUNT, false },
    { "seconds", JSON_NUMBER, false },  { "holds", JSON_BOOL, false },
    { "replay", JSON_STRING, false },   { "verdict", JSON_STRING, false },
};

static bool add_result(GPtrArray *all, JsonObject *r, const char *file)
{
    JsonArray *fams;
    struct agg *a;
    gint64 depth;
    char why[128];

    if (!json_members_check(r, result_members, G_N_ELEMENTS(result_members), why, sizeof(why))) {
        fprintf(stderr, "%s:1:1: error: not a drcsim result: %s\n", file, why);
        return false;
    }
    a = find_agg(all, json_object_get_string_member(r, "scenario"),
                 json_object_get_string_member(r, "variant"));
    fams = json_object_get_array_member(r, "families");
    for (guint i = 0; i < json_array_get_length(fams); i++) {
        int f = family_lookup(json_array_get_string_element(fams, i));
        if (f < 0) {
            fprintf(stderr, "%s:1:1: error: unknown family '%s'\n", file,
                    json_array_get_string_element(fams, i));
            return false;
        }
        a->families |= 1u << f;
    }
    a->states += (uint64_t)json_object_get_int_member(r, "states");
    a->transitions += (uint64_t)json_object_get_int_member_with_default(r, "transitions", 0);
    depth = json_object_get_int_member_with_default(r, "max_depth", 0);   /* a count: from 0 */
    a->max_depth = (unsigned)MIN(MAX(a->max_depth, depth), G_MAXUINT);
    a->seconds += json_object_get_double_member_with_default(r, "seconds", 0);
    if (json_object_has_member(r, "holds")) {
        a->checked = true;
        a->mismatch |= !json_object_get_boolean_member(r, "holds");
    }
    if (!a->replay && json_object_has_member(r, "replay"))
        a->replay = g_strdup(json_object_get_string_member(r, "replay"));
    a->incomplete |= strcmp(json_object_get_string_member_with_default(r, "verdict", ""),
                            "incomplete") == 0;
    a->parts++;
    return true;
}

static bool read_results(GPtrArray *all, const char *file)
{
    JsonParser *p = json_parser_new();
    JsonNode *root;
    char err[512];
    bool ok = json_file_load(p, file, err, sizeof(err));

    if (!ok) {
        fprintf(stderr, "%s\n", err);
    } else if ((root = json_parser_get_root(p)) && JSON_NODE_HOLDS_ARRAY(root)) {
        JsonArray *a = json_node_get_array(root);
        for (guint i = 0; ok && i < json_array_get_length(a); i++)
            ok = add_result(all, json_array_get_object_element(a, i), file);
    } else if (root && JSON_NODE_HOLDS_OBJECT(root)) {
        ok = add_result(all, json_node_get_object(root), file);
    } else {
        fprintf(stderr, "%s:1:1: error: expected a JSON result or an array of them\n", file);
        ok = false;
    }
    g_object_unref(p);
    return ok;
}

static int report(GPtrArray *all, const char *json_out)
{
    GString *res = g_string_new(NULL);
    char fams[256], err[512];
    int rc = EXIT_OK;
    int ws = 8, wv = 7, wf = 7;   /* the widest of each column, its heading included */

    for (guint i = 0; i < all->len; i++) {
        struct agg *a = g_ptr_array_index(all, i);
        ws = MAX(ws, (int)strlen(a->scenario));
        wv = MAX(wv, (int)strlen(a->variant));
        wf = MAX(wf, (int)strlen(verdict_format(a->families, a->incomplete, fams, sizeof(fams))));
    }
    printf("%-*s %-*s %-*s %12s %6s %9s  %s\n", ws, "scenario", wv, "variant", wf, "verdict",
           "states*", "parts", "cpu time", "verdict line");
    for (guint i = 0; i < all->len; i++) {
        struct agg *a = g_ptr_array_index(all, i);
        printf("%-*s %-*s %-*s %12" G_GUINT64_FORMAT " %6u %8.3fs  %s\n", ws, a->scenario, wv,
               a->variant, wf, verdict_format(a->families, a->incomplete, fams, sizeof(fams)),
               a->states, a->parts, a->seconds,
               !a->checked ? "-" : a->mismatch ? "MISMATCH" : "ok");
        if (a->checked ? a->mismatch : a->families != 0)
            rc = EXIT_VIOLATION;
        if (a->replay)
            printf("    replay: %s\n", a->replay);
        json_result_append(res, &(struct json_result){ .scenario = a->scenario,
            .variant = a->variant, .pass = !a->families, .incomplete = a->incomplete,
            .families = a->families, .states = a->states, .transitions = a->transitions,
            .max_depth = a->max_depth, .seconds = a->seconds, .replay = a->replay });
    }
    if (json_out && !json_results_write(json_out, res, err, sizeof(err))) {
        fprintf(stderr, "drcsim merge: %s\n", err);
        rc = EXIT_USAGE;
    }
    printf("* summed over the parts; jobs keep their own visited sets, so a state reached below "
           "two prefixes counts twice\n");
    g_string_free(res, TRUE);
    return rc;
}

static const char *merge_args(void *opts, int argc, char **argv, char *buf, size_t len)
{
    (void)opts, (void)argv, (void)buf, (void)len;
    return argc < 2 ? "expected result files" : NULL;
}

int cmd_merge(int argc, char **argv)
{
    char *json = NULL;
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write the merged result", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL } };
    GPtrArray *all = g_ptr_array_new_with_free_func(free_agg);
    int rc = cli_parse("merge", "RESULT.json... - combine the results of split jobs", entries,
                       &argc, &argv, merge_args, NULL);
    bool ok = true;

    for (int i = 1; !rc && i < argc && ok; i++)
        ok = read_results(all, argv[i]);
    if (!rc)
        rc = ok ? report(all, json) : EXIT_USAGE;
    g_ptr_array_free(all, TRUE);
    g_free(json);
    return rc;
}
