/*
 * `drcsim check --split N --out DIR` deals the scenario x variant pairs of the
 * given files round-robin into N job files (no more jobs than pairs), each
 * carrying its scenarios' bytes and knob values; `check --job FILE` checks one
 * job's pairs, and `drcsim merge` reads their JSON results (cli_merge.c).
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "json_file.h"
#include "trace.h"

/* A scenario x variant pair of a split, with what its job carries for it. */
struct check_pair {
    char *path, *variant, *text;
    char **values;   /* every knob's NAME=VALUE: the variant's, then the scenario's knob lines */
};

static void check_pair_clear(void *p)
{
    struct check_pair *cp = p;

    g_free(cp->path);
    g_free(cp->variant);
    g_free(cp->text);
    g_strfreev(cp->values);
}

/* The pair of verdict line v of path, loaded as check loads it; false: the error printed. */
static bool pair_add(GArray *pairs, const char *path, const struct scn_verdict *v)
{
    struct check_pair cp = { g_strdup(path), g_strdup(v->variant), NULL, NULL };
    struct loaded l;
    char err[1024];

    if (!load_verdict_line(path, v, &l, err, sizeof(err))) {
        cli_error(err);
        check_pair_clear(&cp);
        return false;
    }
    if (!split_input_utf8("check", path, l.text)) {
        loaded_free(&l);
        check_pair_clear(&cp);
        return false;
    }
    cp.text = g_strdup(l.text);
    cp.values = knob_values(&l.knobs);
    loaded_free(&l);
    g_array_append_val(pairs, cp);
    return true;
}

/* Job i of n: every n-th pair from the i-th, and what a host needs besides drcsim to check
 * them: each scenario's bytes by path, each entry's knob values. */
static bool write_check_job(const char *dir, unsigned i, unsigned n, GArray *pairs)
{
    JsonBuilder *b = json_builder_new();
    g_autofree char *file = g_strdup_printf("%s/check-%03u.json", dir, i);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    bool ok;

    job_file_begin(b, i, n);
    json_builder_set_member_name(b, "check");
    json_builder_begin_array(b);
    for (guint k = i; k < pairs->len; k += n) {
        const struct check_pair *cp = &g_array_index(pairs, struct check_pair, k);
        json_builder_begin_array(b);
        json_builder_add_string_value(b, cp->path);
        json_builder_add_string_value(b, cp->variant);
        json_builder_end_array(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "scenario_texts");
    json_builder_begin_object(b);
    for (guint k = i; k < pairs->len; k += n) {
        const struct check_pair *cp = &g_array_index(pairs, struct check_pair, k);
        if (g_hash_table_add(seen, cp->path)) {   /* a key once: json_file_load refuses repeats */
            json_builder_set_member_name(b, cp->path);
            json_builder_add_string_value(b, cp->text);
        }
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "knob_values");
    json_builder_begin_array(b);
    for (guint k = i; k < pairs->len; k += n) {
        char **v = g_array_index(pairs, struct check_pair, k).values;
        json_builder_begin_array(b);
        for (int j = 0; v[j]; j++)
            json_builder_add_string_value(b, v[j]);
        json_builder_end_array(b);
    }
    json_builder_end_array(b);
    ok = job_file_write(b, file, "check");
    g_hash_table_destroy(seen);
    return ok;
}

int check_split(GPtrArray *files, unsigned n, const char *dir)
{
    GArray *pairs = g_array_new(FALSE, FALSE, sizeof(struct check_pair));
    const struct scn_verdict upstream = { .variant = "upstream", .pass = 1 };
    char err[1024];
    bool ok = true;

    g_array_set_clear_func(pairs, check_pair_clear);
    for (guint i = 0; ok && i < files->len; i++) {
        struct scenario *scn = g_new0(struct scenario, 1);
        const char *path = g_ptr_array_index(files, i);
        if (!(ok = scenario_parse_file(path, scn, err, sizeof(err))))
            cli_error(err);
        for (int k = 0; ok && k < (scn->nverdicts ? scn->nverdicts : 1); k++)
            ok = pair_add(pairs, path, scn->nverdicts ? &scn->verdicts[k] : &upstream);
        g_free(scn);
    }
    ok = ok && split_out_dir("check", dir);
    if (ok)
        printf("%u scenario x variant pairs in %u jobs%s:\n", pairs->len,
               MIN(n, pairs->len), pairs->len < n ? " (no job is left empty)" : "");
    n = MIN(n, pairs->len);   /* an empty job's result would be [], which names no job */
    for (unsigned i = 0; ok && i < n; i++)
        ok = write_check_job(dir, i, n, pairs);
    if (ok)
        printf("run each: drcsim check --job FILE --json FILE.result.json; then: drcsim merge "
               "%s/check-*.result.json\n", dir);
    g_array_free(pairs, TRUE);
    return ok ? EXIT_OK : EXIT_USAGE;
}

/* The verdict line of scenario path (text: its bytes as the job carries them, else its file)
 * for variant (upstream pass when it has none), as entry i of check job file names them. */
static bool find_verdict(JsonParser *p, const char *file, guint i, const char *path,
                         const char *text, const char *variant, struct scn_verdict *out)
{
    struct scenario *scn = g_new0(struct scenario, 1);
    char err[1024], where[512];
    bool found = false;

    if (text ? !scenario_parse_string(path, text, scn, err, sizeof(err))
             : !scenario_parse_file(path, scn, err, sizeof(err))) {
        if (text)   /* at the entry: the file on disk may not be the copy that failed */
            cli_errorf("%s: error: the copy \"scenario_texts\" holds: %s",
                       json_at(p, file, where, sizeof(where), "check/%u/0", i), err);
        else
            cli_error(err);
        g_free(scn);
        return false;
    }
    *out = (struct scn_verdict){ .variant = "upstream", .pass = 1 };
    found = !scn->nverdicts && strcmp(variant, "upstream") == 0;
    for (int k = 0; !found && k < scn->nverdicts; k++)
        if (strcmp(scn->verdicts[k].variant, variant) == 0) {
            *out = scn->verdicts[k];
            found = true;
        }
    if (!found)
        cli_errorf("%s: error: %s has no verdict line for variant '%s'",
                   json_at(p, file, where, sizeof(where), "check/%u/1", i), path, variant);
    g_free(scn);
    return found;
}

/* What a check job holds beyond "check" (write_check_job); hand-written ones may leave
 * them out, and their results then name no job. */
static const struct json_member check_members[] = {
    { "drcsim", JSON_STRING, false }, { "job", JSON_COUNT, false }, { "of", JSON_COUNT, false },
};

/* "scenario_texts" (an object) and "knob_values" (an array), together or not at all. */
static bool carried_check(JsonParser *p, const char *file, JsonObject *o)
{
    bool texts = json_object_has_member(o, "scenario_texts");
    char w[512];

    if (texts != json_object_has_member(o, "knob_values"))
        cli_errorf("%s: error: \"scenario_texts\" and \"knob_values\" go together",
                   json_at(p, file, w, sizeof(w), texts ? "scenario_texts" : "knob_values"));
    else if (texts && !JSON_NODE_HOLDS_OBJECT(json_object_get_member(o, "scenario_texts")))
        cli_errorf("%s: error: \"scenario_texts\" is not an object",
                   json_at(p, file, w, sizeof(w), "scenario_texts"));
    else if (texts && !JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, "knob_values")))
        cli_errorf("%s: error: \"knob_values\" is not an array",
                   json_at(p, file, w, sizeof(w), "knob_values"));
    else
        return true;
    return false;
}

/* Entry i's scenario bytes and knob values where the job carries them (write_check_job);
 * *text NULL where it carries none. False: the error printed. */
static bool carried(JsonParser *p, const char *file, JsonObject *o, guint i, const char *path,
                    const char **text, struct knob_set *ks)
{
    JsonObject *texts = json_object_get_object_member(o, "scenario_texts");
    JsonArray *values = texts ? json_object_get_array_member(o, "knob_values") : NULL;
    JsonNode *t = texts ? json_object_get_member(texts, path) : NULL;
    JsonNode *v = values && i < json_array_get_length(values)
                ? json_array_get_element(values, i) : NULL;
    g_auto(GStrv) strv = NULL;
    char err[1024], w[512];
    bool whole = false;

    *text = NULL;
    if (!texts)
        return true;
    if (!t || !JSON_NODE_HOLDS_VALUE(t) || json_node_get_value_type(t) != G_TYPE_STRING) {
        cli_errorf("%s: error: \"scenario_texts\" holds no text for %s",
                   json_at(p, file, w, sizeof(w), "check/%u/0", i), path);
        return false;
    }
    strv = json_strings(v);
    if (!strv)
        snprintf(err, sizeof(err), "not a list of every knob's NAME=VALUE");
    else if (knobs_from_values(strv, ks, &whole, err, sizeof(err)) && !whole)
        snprintf(err, sizeof(err), "does not name every knob");
    if (!whole) {
        cli_errorf("%s: error: knob_values %u: %s",
                   json_at(p, file, w, sizeof(w), v ? "knob_values/%u" : "knob_values", i), i, err);
        return false;
    }
    *text = json_node_get_string(t);
    return true;
}

/* The job's "check" array, its header checked and its part (kind NULL: it names none) for the
 * results; NULL with the error printed. */
static JsonArray *check_entries(const char *file, JsonParser *p, struct split_part *part)
{
    JsonNode *root;
    JsonObject *o;
    char err[512], why[128], w[512];
    const char *member;

    if (!json_file_load(p, file, err, sizeof(err))) {
        cli_error(err);
        return NULL;
    }
    root = json_parser_get_root(p);
    o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (!o || !json_object_has_member(o, "check")) {
        cli_errorf("%s: error: not a drcsim check job (check: [[scenario, variant]...])",
                   json_at(p, file, w, sizeof(w), "%s", ""));
    } else if (!JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, "check"))) {
        cli_errorf("%s: error: \"check\" is not an array",
                   json_at(p, file, w, sizeof(w), "check"));
    } else if (!json_members_check(o, check_members, G_N_ELEMENTS(check_members), why,
                                   sizeof(why), &member)) {
        cli_errorf("%s: error: not a drcsim check job: %s",
                   json_at(p, file, w, sizeof(w), "%s", member), why);
    } else if (json_object_has_member(o, "job") != json_object_has_member(o, "of")) {
        cli_errorf("%s: error: \"job\" and \"of\" go together",
                   json_at(p, file, w, sizeof(w), json_object_has_member(o, "job") ? "job" : "of"));
    } else if (json_object_has_member(o, "job") && !job_part_check(p, file, o, err, sizeof(err))) {
        cli_error(err);
    } else if (carried_check(p, file, o)) {
        if (json_object_has_member(o, "job"))
            *part = (struct split_part){ "check", (unsigned)json_object_get_int_member(o, "job"),
                                         (unsigned)json_object_get_int_member(o, "of") };
        return json_object_get_array_member(o, "check");
    }
    return NULL;
}

/* Entry i of a check job, a [scenario, variant] pair of plain strings; NULL if not one. */
static JsonArray *check_pair(JsonArray *a, guint i)
{
    JsonNode *n = json_array_get_element(a, i);
    JsonArray *pair = JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;

    for (guint k = 0; pair && k < 2; k++) {
        JsonNode *e = json_array_get_length(pair) == 2 ? json_array_get_element(pair, k) : NULL;
        if (!e || !JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_STRING ||
            !json_string_plain(json_node_get_string(e)))
            pair = NULL;
    }
    return pair;
}

/* A check job's entry, read whole: its scenario, the text and knobs it carries, its verdict. */
struct job_entry {
    const char *path, *text;
    struct knob_set ks;
    struct scn_verdict v;
};

/* Entry i into *e; false with the error printed. */
static bool job_entry(JsonParser *p, const char *file, JsonObject *o, JsonArray *a, guint i,
                      struct job_entry *e)
{
    JsonArray *pair = check_pair(a, i);
    char w[512];

    if (!pair) {
        cli_errorf("%s: error: check entry %u is not [scenario, variant]",
                   json_at(p, file, w, sizeof(w), "check/%u", i), i);
        return false;
    }
    e->path = json_array_get_string_element(pair, 0);
    return carried(p, file, o, i, e->path, &e->text, &e->ks) &&
           find_verdict(p, file, i, e->path, e->text, json_array_get_string_element(pair, 1),
                        &e->v);
}

/* Every entry read first, so that a malformed job is refused before any search starts. */
int check_job(struct check_cli *c, const char *file)
{
    JsonParser *p = json_parser_new();
    struct split_part part = { NULL, 0, 0 };
    JsonArray *a = check_entries(file, p, &part);
    JsonObject *o = a ? json_node_get_object(json_parser_get_root(p)) : NULL;
    guint n = a ? json_array_get_length(a) : 0;
    struct job_entry *e = g_new0(struct job_entry, n ? n : 1);
    int rc = a ? EXIT_OK : EXIT_USAGE;

    for (guint i = 0; i < n && rc == EXIT_OK; i++)
        if (!job_entry(p, file, o, a, i, &e[i]))
            rc = EXIT_USAGE;
    for (guint i = 0; i < n && rc != EXIT_USAGE; i++) {
        int r = check_verdict(c, e[i].path, &e[i].v, part.kind ? &part : NULL, e[i].text,
                              &e[i].ks);
        rc = r > rc ? r : rc;
    }
    g_free(e);
    g_object_unref(p);
    return rc;
}
