/*
 * `drcsim merge FILE...`: split parts (split.json, explore and check job
 * results) combined per scenario x variant x knob overrides: families united,
 * counts added up, the deepest depth kept; a part given twice is refused and
 * missing parts are named, leaving the merge incomplete. Sampled runs are
 * merged by cli_merge_sample.c.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cli_merge.h"
#include "json_file.h"

const char *merge_at(struct merge *m, const char *member, char *buf, size_t len)
{
    return json_at(m->p, m->files[m->file], buf, len, "%s/%s", m->elem, member ? member : "");
}

static void free_agg(gpointer p)
{
    struct agg *a = p;

    merge_sample_free(a->sample);
    g_free(a->scenario);
    g_free(a->variant);
    g_strfreev(a->knobs);
    g_free(a->replay);
    g_free(a->counterexample);
    g_free(a);
}

static void free_split(gpointer p)
{
    struct split *s = p;

    g_free(s->job_file);
    g_free(s);
}

/* r's "knobs" (none when it has none), sorted: the same overrides in any order are one set. */
static char **sorted_knobs(JsonObject *r)
{
    char **v = json_object_strv(r, "knobs");

    qsort(v, g_strv_length(v), sizeof(*v), compare_names);
    return v;
}

void merge_add_figures(struct agg *a, JsonObject *r)
{
    gint64 depth = json_object_get_int_member_with_default(r, "max_depth", 0);   /* from 0 */

    a->transitions += (uint64_t)json_object_get_int_member_with_default(r, "transitions", 0);
    a->max_depth = (unsigned)MIN(MAX(a->max_depth, depth), G_MAXUINT);
    a->seconds += json_object_get_double_member_with_default(r, "seconds", 0);
    a->peak_rss_kb = MAX(a->peak_rss_kb, (long)json_object_get_int_member_with_default(
                                             r, "peak_rss_kb", 0));
    a->parts++;
    if (a->replay || !json_object_has_member(r, "replay"))
        return;
    a->replay = g_strdup(json_object_get_string_member(r, "replay"));
    a->counterexample = g_strdup(json_object_get_string_member_with_default(r, "counterexample",
                                                                            NULL));
}

struct agg *find_agg(GPtrArray *all, JsonObject *r)
{
    const char *scenario = json_object_get_string_member(r, "scenario");
    const char *variant = json_object_get_string_member(r, "variant");
    char **knobs = sorted_knobs(r);
    struct agg *a;

    for (guint i = 0; i < all->len; i++) {
        a = g_ptr_array_index(all, i);
        if (strcmp(a->scenario, scenario) == 0 && strcmp(a->variant, variant) == 0 &&
            g_strv_equal((const gchar *const *)a->knobs, (const gchar *const *)knobs)) {
            g_strfreev(knobs);
            return a;
        }
    }
    a = g_new0(struct agg, 1);
    a->scenario = g_strdup(scenario);
    a->variant = g_strdup(variant);
    a->knobs = knobs;
    g_ptr_array_add(all, a);
    return a;
}

/* What merge reads of a result (json_result_append writes more). */
static const struct json_member result_members[] = {
    { "scenario", JSON_STRING, true },  { "variant", JSON_STRING, true },
    { "families", JSON_STRINGS, true }, { "states", JSON_COUNT, true },
    { "transitions", JSON_COUNT, false }, { "max_depth", JSON_COUNT, false },
    { "seconds", JSON_NUMBER, false },  { "holds", JSON_BOOL, false },
    { "replay", JSON_STRING, false },   { "verdict", JSON_STRING, false },
    { "counterexample", JSON_STRING, false },
    { "knobs", JSON_STRINGS, false },   { "part", JSON_STRING, false },
    { "job", JSON_COUNT, false },       { "of", JSON_COUNT, false },
    { "bytes_per_state", JSON_NUMBER, false }, { "peak_rss_kb", JSON_COUNT, false },
    { "stored", JSON_STRING, false },   { "collision_probability", JSON_NUMBER, false },
    { "bitstate_missed", JSON_NUMBER, false }, { "cut_by", JSON_STRINGS, false },
    { "ignored", JSON_STRINGS, false },
};

/* What the member types do not say of a result, as why, and the member it is about; NULL
 * when it is sound. */
static const char *result_values(JsonObject *r, char *why, size_t len, const char **member)
{
    const char *verdict = json_object_get_string_member_with_default(r, "verdict", "pass");
    const char *part = json_object_get_string_member_with_default(r, "part", NULL);
    double seconds = json_object_get_double_member_with_default(r, "seconds", 0);
    double bytes = json_object_get_double_member_with_default(r, "bytes_per_state", 0);
    gint64 of = json_object_get_int_member_with_default(r, "of", 0);

    *member = "verdict";
    if (strcmp(verdict, "pass") && strcmp(verdict, "fail") && strcmp(verdict, "incomplete"))
        return "\"verdict\" is not pass, fail or incomplete";
    *member = "seconds";
    if (!isfinite(seconds) || seconds < 0)
        return "\"seconds\" is negative";
    *member = "bytes_per_state";
    if (!isfinite(bytes) || bytes < 0)
        return "\"bytes_per_state\" is negative";
    *member = json_object_has_member(r, "job") ? "job" : "of";
    if (!part)
        return json_object_has_member(r, "job") || json_object_has_member(r, "of")
                   ? "\"job\" and \"of\" without \"part\"" : NULL;
    *member = "part";
    if (strcmp(part, "job") && strcmp(part, "check") && strcmp(part, "prefix"))
        return "\"part\" is not job, check or prefix";
    *member = "of";
    if (!json_object_has_member(r, "of") || of < 1 || of > CLI_SPLIT_MAX)
        return "a part with no \"of\" from 1 to 100000";
    *member = "job";
    if (strcmp(part, "prefix") == 0)
        return json_object_has_member(r, "job") ? "the prefix part with a \"job\"" : NULL;
    if (!json_object_has_member(r, "job") || json_object_get_int_member(r, "job") >= of) {
        snprintf(why, len, "\"job\" is not one of 0..%" G_GINT64_FORMAT, of - 1);
        return why;
    }
    return NULL;
}

/* The split a part belongs to (row: that of an explore part), made on first sight; NULL
 * with the error printed when another part of it said another "of". */
static struct split *find_split(struct merge *m, struct agg *row, unsigned of)
{
    struct split *s;
    char where[512];

    for (guint i = 0; i < m->splits->len; i++) {
        s = g_ptr_array_index(m->splits, i);
        if (s->row != row)
            continue;
        if (s->of == of)
            return s;
        cli_errorf("%s: error: a part of a split into %u, but an earlier part is of a "
                   "split into %u", merge_at(m, "of", where, sizeof(where)), of, s->of);
        return NULL;
    }
    s = g_new0(struct split, 1);
    s->row = row;
    s->of = of;
    s->job_file = g_new0(guint, of);
    g_ptr_array_add(m->splits, s);
    return s;
}

/* Note which part of which split r is (or that it is a whole result); false with the error
 * printed on a part merged twice or a row mixing parts with whole results. */
static bool add_part(struct merge *m, struct agg *a, JsonObject *r)
{
    const char *part = json_object_get_string_member_with_default(r, "part", NULL);
    bool check = part && strcmp(part, "check") == 0;
    struct split *s;
    guint *seen;
    char what[64], where[512];

    if (a->sample) {
        cli_errorf("%s: error: %s under %s: a search mixed with sampled runs",
                   merge_at(m, NULL, where, sizeof(where)), a->scenario, a->variant);
        return false;
    }
    if (part ? a->whole : a->split) {
        cli_errorf("%s: error: %s under %s: parts of a split mixed with a whole "
                   "result", merge_at(m, "part", where, sizeof(where)), a->scenario, a->variant);
        return false;
    }
    a->whole |= !part;
    a->split |= part != NULL;
    if (!part)
        return true;
    if (!(s = find_split(m, check ? NULL : a, (unsigned)json_object_get_int_member(r, "of"))))
        return false;
    if (strcmp(part, "prefix") == 0) {
        seen = &s->prefix_file;
        snprintf(what, sizeof(what), "the prefix part of the split into %u", s->of);
    } else {
        seen = &s->job_file[json_object_get_int_member(r, "job")];
        snprintf(what, sizeof(what), "%s %" G_GINT64_FORMAT " of %u", check ? "check job" : "job",
                 json_object_get_int_member(r, "job"), s->of);
    }
    if (*seen && *seen != m->file + 1) {
        cli_errorf("%s: error: %s is already merged from %s",
                   merge_at(m, check || strcmp(part, "prefix") ? "job" : "part", where, sizeof(where)), what,
                   m->files[*seen - 1]);
        return false;
    }
    *seen = m->file + 1;
    return true;
}

/* r's member name (an array of family names) as a mask in *mask; false with the error
 * printed on a name drcsim does not know. */
static bool family_mask(struct merge *m, JsonObject *r, const char *name, uint32_t *mask)
{
    JsonArray *fams = json_object_has_member(r, name) ? json_object_get_array_member(r, name)
                                                       : NULL;
    char member[32], where[512];

    *mask = 0;
    for (guint i = 0; fams && i < json_array_get_length(fams); i++) {
        int f = family_lookup(json_array_get_string_element(fams, i));
        if (f < 0) {
            snprintf(member, sizeof(member), "%s/%u", name, i);
            cli_errorf("%s: error: unknown family '%s'", merge_at(m, member, where, sizeof(where)),
                       json_array_get_string_element(fams, i));
            return false;
        }
        *mask |= 1u << f;
    }
    return true;
}

bool add_families(struct merge *m, struct agg *a, JsonObject *r)
{
    uint32_t fams, ignored;
    char where[512], was[256], is[256];

    if (!family_mask(m, r, "families", &fams) || !family_mask(m, r, "ignored", &ignored))
        return false;
    /* The scenario's `ignore` line: parts searched under different lines are not one search. */
    if (a->ignored_known && ignored != a->ignored) {
        cli_errorf("%s: error: %s under %s: not checked here: %s; by an earlier part: %s",
                   merge_at(m, "ignored", where, sizeof(where)), a->scenario, a->variant,
                   ignored ? families_format(ignored, is, sizeof(is)) : "none",
                   a->ignored ? families_format(a->ignored, was, sizeof(was)) : "none");
        return false;
    }
    a->ignored_known = true;
    a->ignored = ignored;
    a->families |= fams;
    return true;
}

static bool add_result(struct merge *m, JsonObject *r)
{
    struct agg *a;
    char why[128], buf[128], where[512];
    const char *bad = NULL, *member = NULL;

    if (json_object_has_member(r, "sample"))
        return merge_add_sample(m, r);
    if (!json_members_check(r, result_members, G_N_ELEMENTS(result_members), why, sizeof(why),
                            &member) ||
        (bad = result_values(r, buf, sizeof(buf), &member))) {
        cli_errorf("%s: error: not a drcsim result: %s",
                   merge_at(m, member, where, sizeof(where)), bad ? bad : why);
        return false;
    }
    a = find_agg(m->rows, r);
    if (!add_part(m, a, r) || !add_families(m, a, r))
        return false;
    if ((bad = merge_search_add(a, r, &member))) {
        cli_errorf("%s: error: not a drcsim result: %s",
                   merge_at(m, member, where, sizeof(where)), bad);
        return false;
    }
    merge_add_figures(a, r);
    a->states += (uint64_t)json_object_get_int_member(r, "states");
    a->stored_bytes += json_object_get_double_member_with_default(r, "bytes_per_state", 0) *
                       (double)json_object_get_int_member(r, "states");
    if (json_object_has_member(r, "holds")) {
        a->checked = true;
        a->mismatch |= !json_object_get_boolean_member(r, "holds");
    }
    a->incomplete |= strcmp(json_object_get_string_member_with_default(r, "verdict", ""),
                            "incomplete") == 0;
    return true;
}

/* The file's results: one object, or a non-empty array of objects. */
static bool add_root(struct merge *m, JsonNode *root)
{
    JsonArray *a = root && JSON_NODE_HOLDS_ARRAY(root) ? json_node_get_array(root) : NULL;
    bool ok = true;
    char where[512];

    m->elem[0] = '\0';
    if (root && JSON_NODE_HOLDS_OBJECT(root))
        return add_result(m, json_node_get_object(root));
    if (!a) {
        cli_errorf("%s: error: expected a JSON result or an array of them",
                   merge_at(m, NULL, where, sizeof(where)));
        return false;
    }
    if (!json_array_get_length(a)) {
        cli_errorf("%s: error: an empty array: no result to merge",
                   merge_at(m, NULL, where, sizeof(where)));
        return false;
    }
    for (guint i = 0; ok && i < json_array_get_length(a); i++) {
        JsonNode *n = json_array_get_element(a, i);
        snprintf(m->elem, sizeof(m->elem), "%u", i);
        if (!JSON_NODE_HOLDS_OBJECT(n)) {
            cli_errorf("%s: error: element %u of the array is not a result object",
                       merge_at(m, NULL, where, sizeof(where)), i);
            return false;
        }
        ok = add_result(m, json_node_get_object(n));
    }
    return ok;
}

static bool read_results(struct merge *m)
{
    char err[512];
    bool ok;

    m->p = json_parser_new();
    if (!(ok = json_file_load(m->p, m->files[m->file], err, sizeof(err))))
        cli_error(err);
    else
        ok = add_root(m, json_parser_get_root(m->p));
    g_object_unref(m->p);
    m->p = NULL;
    return ok;
}

/* What of s was not merged: "the prefix part (split.json), jobs 0, 2-3 of 0-3". */
static bool missing_parts(const struct split *s, GString *g)
{
    GString *jobs = g_string_new(NULL);

    if (s->row && !s->prefix_file)
        g_string_append(g, "the prefix part (split.json)");
    for (unsigned j = 0; j < s->of; j++) {
        unsigned k = j;
        if (s->job_file[j])
            continue;
        while (k + 1 < s->of && !s->job_file[k + 1])
            k++;
        g_string_append_printf(jobs, "%s%u", jobs->len ? ", " : "", j);
        if (k > j)
            g_string_append_printf(jobs, "-%u", k);
        j = k;
    }
    if (jobs->len)
        g_string_append_printf(g, "%sjobs %s of 0-%u", g->len ? ", " : "", jobs->str, s->of - 1);
    g_string_free(jobs, TRUE);
    return g->len != 0;
}

/* The splits with parts missing: their rows become incomplete, and lines naming what is
 * missing go to out (printed after the table). */
static void find_missing(struct merge *m, GString *out)
{
    for (guint i = 0; i < m->splits->len; i++) {
        struct split *s = g_ptr_array_index(m->splits, i);
        GString *g = g_string_new(NULL);
        if (missing_parts(s, g) && s->row) {
            s->row->incomplete = s->row->missing_parts = true;
            g_string_append_printf(out, "incomplete: %s under %s: not merged: %s\n",
                                   s->row->scenario, s->row->variant, g->str);
        } else if (g->len) {
            g_string_append_printf(out, "incomplete: check split into %u: not merged: %s; their "
                                   "verdict lines are not in the table\n", s->of, g->str);
        }
        g_string_free(g, TRUE);
    }
}

static void print_row(const struct agg *a, int ws, int wv, int wf)
{
    char fams[256];

    char states[24] = "-";   /* sampled runs store none */

    if (!a->sample)
        snprintf(states, sizeof(states), "%" G_GUINT64_FORMAT, a->states);
    printf("%-*s %-*s %-*s %12s %6u %8.3fs  %s\n", ws, a->scenario, wv, a->variant, wf,
           verdict_format(a->families, a->incomplete, fams, sizeof(fams)), states, a->parts,
           a->seconds, !a->checked ? "-" : a->mismatch ? "MISMATCH" : "ok");
    if (a->knobs[0]) {
        g_autofree char *k = g_strjoinv(" ", a->knobs);
        printf("    knobs: %s\n", k);
    }
    if (a->ignored)
        printf("    not checked: %s (the scenario's `ignore` line)\n",
               families_format(a->ignored, fams, sizeof(fams)));
    if (a->sample)
        merge_print_sample(a);
    merge_print_search(a);
    if (a->replay)
        printf("    replay: %s\n", a->replay);
}

static int report(struct merge *m, const char *json_out)
{
    GPtrArray *all = m->rows;
    GString *res = g_string_new(NULL);
    struct search_end end;
    char fams[256], err[512];
    GString *missing = g_string_new(NULL);
    int rc = EXIT_OK;
    int ws = 8, wv = 7, wf = 7;   /* the widest of each column, its heading included */

    find_missing(m, missing);   /* before the widths: a row it makes incomplete says so */
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
        print_row(a, ws, wv, wf);
        if (a->checked ? a->mismatch : EXIT_SEARCH(a->families, a->search.cut >> CUT_MEM & 1))
            rc = EXIT_VIOLATION;
        if (a->sample)
            merge_sample_json(res, a);
        else
            json_result_append(res, &(struct json_result){ .scenario = a->scenario,
                .end = merge_search_end(a, &end) ? &end : NULL,
                .variant = a->variant, .pass = !a->families, .incomplete = a->incomplete,
                .families = a->families, .ignored = a->ignored, .states = a->states,
                .transitions = a->transitions,
                .max_depth = a->max_depth, .seconds = a->seconds, .replay = a->replay,
                .counterexample = a->counterexample, .knobs = a->knobs,
                .peak_rss_kb = a->peak_rss_kb,
                .stored_bytes = a->stored_bytes });
    }
    fputs(missing->str, stdout);
    if (missing->len)
        rc = MAX(rc, EXIT_VIOLATION);
    g_string_free(missing, TRUE);
    if (json_out && !json_results_write(json_out, res, err, sizeof(err))) {
        cli_errorf("drcsim merge: %s", err);
        rc = EXIT_USAGE;
    }
    for (guint i = 0; i < all->len; i++)
        if (!((struct agg *)g_ptr_array_index(all, i))->sample) {
            printf("* summed over the parts; jobs keep their own visited sets, so a state reached "
                   "below two prefixes counts twice\n");
            break;
        }
    g_string_free(res, TRUE);
    return rc;
}

/* No file given twice (by another name, too); else false with the error printed. */
static bool distinct_files(int argc, char **argv)
{
    GStatBuf si, sj;

    for (int i = 2; i < argc; i++)
        for (int j = 1; j < i; j++)
            if (g_stat(argv[i], &si) == 0 && g_stat(argv[j], &sj) == 0 &&
                si.st_dev == sj.st_dev && si.st_ino == sj.st_ino) {
                cli_errorf("%s:1:1: error: the same file as %s, given twice", argv[i],
                           argv[j]);
                return false;
            }
    return true;
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
    struct merge m = { .rows = g_ptr_array_new_with_free_func(free_agg),
                       .splits = g_ptr_array_new_with_free_func(free_split) };
    int rc = cli_parse("merge", "RESULT.json... - combine the results of split jobs", entries,
                       &argc, &argv, merge_args, NULL);
    bool ok = !rc && distinct_files(argc, argv);

    m.files = argv;
    for (m.file = 1; ok && m.file < (guint)argc; m.file++)
        ok = read_results(&m);
    if (!rc)
        rc = ok ? report(&m, json) : EXIT_USAGE;
    g_ptr_array_free(m.splits, TRUE);
    g_ptr_array_free(m.rows, TRUE);
    g_free(json);
    return rc;
}
