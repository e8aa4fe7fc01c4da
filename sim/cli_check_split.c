/*
 * `drcsim check --split N --out DIR` deals the scenario x variant pairs of
 * the given files round-robin into N job files (no more jobs than pairs);
 * `drcsim check --job FILE` checks one job's pairs against their verdict
 * lines. `drcsim merge` then reads the JSON results (each carries its
 * expected families, and which job of how many it came from).
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "json_file.h"
#include "trace.h"

static bool write_check_job(const char *dir, unsigned i, unsigned n, GPtrArray *pairs)
{
    JsonBuilder *b = json_builder_new();
    g_autofree char *file = g_strdup_printf("%s/check-%03u.json", dir, i);

    job_file_begin(b, i, n);
    json_builder_set_member_name(b, "check");
    json_builder_begin_array(b);
    for (guint k = 2 * i; k + 1 < pairs->len; k += 2 * n) {
        json_builder_begin_array(b);
        json_builder_add_string_value(b, g_ptr_array_index(pairs, k));
        json_builder_add_string_value(b, g_ptr_array_index(pairs, k + 1));
        json_builder_end_array(b);
    }
    json_builder_end_array(b);
    return job_file_write(b, file, "check");
}

int check_split(GPtrArray *files, unsigned n, const char *dir)
{
    GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);   /* path, variant, ... */
    char err[1024];
    bool ok = true;

    for (guint i = 0; ok && i < files->len; i++) {
        struct scenario *scn = g_new0(struct scenario, 1);
        const char *path = g_ptr_array_index(files, i);
        if (!(ok = scenario_parse_file(path, scn, err, sizeof(err))))
            fprintf(stderr, "%s\n", err);
        for (int k = 0; ok && k < (scn->nverdicts ? scn->nverdicts : 1); k++) {
            g_ptr_array_add(pairs, g_strdup(path));
            g_ptr_array_add(pairs, g_strdup(scn->nverdicts ? scn->verdicts[k].variant : "upstream"));
        }
        g_free(scn);
    }
    ok = ok && split_out_dir("check", dir);
    if (ok)
        printf("%u scenario x variant pairs in %u jobs%s:\n", pairs->len / 2,
               MIN(n, pairs->len / 2), pairs->len / 2 < n ? " (no job is left empty)" : "");
    n = MIN(n, pairs->len / 2);   /* an empty job's result would be [], which names no job */
    for (unsigned i = 0; ok && i < n; i++)
        ok = write_check_job(dir, i, n, pairs);
    if (ok)
        printf("run each: drcsim check --job FILE --json FILE.result.json; then: drcsim merge "
               "%s/check-*.result.json\n", dir);
    g_ptr_array_free(pairs, TRUE);
    return ok ? EXIT_OK : EXIT_USAGE;
}

/* The verdict line of scenario path for variant (upstream pass when it has none), as entry i
 * of check job file (parsed into p) names them. */
static bool find_verdict(JsonParser *p, const char *file, guint i, const char *path,
                         const char *variant, struct scn_verdict *out)
{
    struct scenario *scn = g_new0(struct scenario, 1);
    char err[1024], where[512];
    bool found = false;

    if (!scenario_parse_file(path, scn, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
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
        fprintf(stderr, "%s: error: %s has no verdict line for variant '%s'\n",
                json_at(p, file, where, sizeof(where), "check/%u/1", i), path, variant);
    g_free(scn);
    return found;
}

/* What a check job holds beyond "check" (write_check_job); hand-written ones may leave
 * them out, and their results then name no job. */
static const struct json_member check_members[] = {
    { "drcsim", JSON_STRING, false }, { "job", JSON_COUNT, false }, { "of", JSON_COUNT, false },
};

/* The job's "check" array, its header checked and its part (kind NULL: it names none) for the
 * results; NULL with the error printed. */
static JsonArray *check_entries(const char *file, JsonParser *p, struct split_part *part)
{
    JsonNode *root;
    JsonObject *o;
    char err[512], why[128], w[512];
    const char *member;

    if (!json_file_load(p, file, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    root = json_parser_get_root(p);
    o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (!o || !json_object_has_member(o, "check")) {
        fprintf(stderr, "%s: error: not a drcsim check job (check: [[scenario, variant]...])\n",
                json_at(p, file, w, sizeof(w), "%s", ""));
    } else if (!JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, "check"))) {
        fprintf(stderr, "%s: error: \"check\" is not an array\n",
                json_at(p, file, w, sizeof(w), "check"));
    } else if (!json_members_check(o, check_members, G_N_ELEMENTS(check_members), why,
                                   sizeof(why), &member)) {
        fprintf(stderr, "%s: error: not a drcsim check job: %s\n",
                json_at(p, file, w, sizeof(w), "%s", member), why);
    } else if (json_object_has_member(o, "job") != json_object_has_member(o, "of")) {
        fprintf(stderr, "%s: error: \"job\" and \"of\" go together\n",
                json_at(p, file, w, sizeof(w), json_object_has_member(o, "job") ? "job" : "of"));
    } else if (json_object_has_member(o, "job") && !job_part_check(p, file, o, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
    } else {
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

int check_job(struct check_cli *c, const char *file)
{
    JsonParser *p = json_parser_new();
    struct split_part part = { NULL, 0, 0 };
    JsonArray *a = check_entries(file, p, &part);
    int rc = a ? EXIT_OK : EXIT_USAGE;
    char w[512];

    for (guint i = 0; a && i < json_array_get_length(a) && rc != EXIT_USAGE; i++) {
        JsonArray *pair = check_pair(a, i);
        struct scn_verdict v;
        int r;
        if (!pair) {
            fprintf(stderr, "%s: error: check entry %u is not [scenario, variant]\n",
                    json_at(p, file, w, sizeof(w), "check/%u", i), i);
            rc = EXIT_USAGE;
            break;
        }
        if (!find_verdict(p, file, i, json_array_get_string_element(pair, 0),
                          json_array_get_string_element(pair, 1), &v)) {
            rc = EXIT_USAGE;
            break;
        }
        r = check_verdict(c, json_array_get_string_element(pair, 0), &v, part.kind ? &part : NULL);
        rc = r > rc ? r : rc;
    }
    g_object_unref(p);
    return rc;
}
