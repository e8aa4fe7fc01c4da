/*
 * Loading for the commands: a scenario file, the variant it runs under
 * (based-on chain resolved), the scenario's own knob lines, then --knob
 * overrides, into a sim ready to run or explore; and the JSON results file
 * (each result tagged with its knob overrides and the part of a split it is).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "trace.h"

#ifndef DRCSIM_DATADIR
#define DRCSIM_DATADIR "/usr/local/share/drcsim"
#endif

int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The absolute directory of file (g_free). */
static char *dir_of(const char *file)
{
    g_autofree char *up = g_path_get_dirname(file);

    return g_canonicalize_filename(up, NULL);
}

/* The parent of dir, an absolute directory, or NULL at the root; dir is freed. */
static char *dir_up(char *dir)
{
    char *parent = g_path_get_dirname(dir);
    bool root = strcmp(parent, dir) == 0;

    g_free(dir);
    if (root)
        g_clear_pointer(&parent, g_free);
    return parent;
}

/* The variants of the checkout the running binary was built in (build/drcsim and
 * build-asan/drcsim sit one level below it), or NULL for an installed one. */
static char *source_tree_variants(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *up = exe ? dir_up(dir_of(exe)) : NULL;
    char *cand = up ? g_build_filename(up, "variants", NULL) : NULL;

    g_free(up);
    if (cand && g_file_test(cand, G_FILE_TEST_IS_DIR))
        return cand;
    g_free(cand);
    return NULL;
}

char *variants_dir_for(const char *scenario_path)
{
    const char *env = g_getenv("DRCSIM_VARIANTS");
    char *cand;

    if (env)
        return g_strdup(env);
    for (char *d = dir_up(dir_of(scenario_path ? scenario_path : ".")); d; d = dir_up(d)) {
        cand = g_build_filename(d, "variants", NULL);   /* a sibling of a directory above */
        if (g_file_test(cand, G_FILE_TEST_IS_DIR)) {
            g_free(d);
            return cand;
        }
        g_free(cand);
    }
    if (g_file_test("variants", G_FILE_TEST_IS_DIR))
        return g_strdup("variants");
    if ((cand = source_tree_variants()))
        return cand;
    return g_build_filename(DRCSIM_DATADIR, "variants", NULL);
}

bool load_variant_only(const char *scenario_path, const char *variant, struct scn_loc loc,
                       struct variant *out, char *err, unsigned errlen)
{
    g_autofree char *dir = variants_dir_for(scenario_path);
    char why[512];

    if (variant_load(dir, variant, out, why, sizeof(why)))
        return true;
    if (loc.line)
        snprintf(err, errlen, "%s:%u:%u: error: %s", scenario_path, loc.line, loc.col, why);
    else
        snprintf(err, errlen, "%s", why);
    return false;
}

bool load_verdict_line(const char *path, const struct scn_verdict *v, struct loaded *out,
                       char *err, unsigned errlen)
{
    return load_variant_only(path, v->variant, v->loc, &out->var, err, errlen) &&
           load_scenario(path, v->variant, NULL, out, err, errlen);
}

/* An override; an error shows it as given (cli_error escapes what would not print as one line). */
bool knob_override(struct knob_set *ks, const char *kv, char *err, unsigned errlen)
{
    const char *eq = strchr(kv, '=');
    g_autofree char *name = eq ? g_strndup(kv, (gsize)(eq - kv)) : g_strdup(kv);
    int id = knob_lookup(name);
    const char *why = NULL;

    if (eq && id >= 0 && knob_parse_value(id, eq + 1, &ks->lo[id], &ks->hi[id], &why))
        return true;
    if (!eq)
        snprintf(err, errlen, "--knob %s: expected NAME=VALUE", kv);
    else if (id < 0)
        snprintf(err, errlen, "--knob %s: unknown knob '%s' (see `drcsim list knobs`)", kv, name);
    else
        snprintf(err, errlen, "--knob %s: %s", kv, why);
    return false;
}

bool load_scenario(const char *path, const char *variant, char **overrides, struct loaded *out,
                   char *err, unsigned errlen)
{
    g_autofree char *text = NULL;
    GError *e = NULL;

    if (!g_file_get_contents(path, &text, NULL, &e)) {   /* the parser's own message */
        struct scenario *scn = g_new0(struct scenario, 1);
        g_error_free(e);
        scenario_parse_file(path, scn, err, errlen);
        g_free(scn);
        memset(out, 0, sizeof(*out));
        return false;
    }
    return load_scenario_text(path, text, variant, overrides, out, err, errlen);
}

/* A relative path a trace or job file names (from where it was written): as it is when it
 * opens from here, else the first of near's directory and its parents under which that path
 * is a file whose XXH3 is hash, else the first one there at all (its load then says that it
 * changed), else path (g_free). */
static char *locate_scenario(const char *path, const char *near, uint64_t hash)
{
    g_autofree char *first = NULL;
    char *cand, *text;

    if (g_path_is_absolute(path) || g_file_test(path, G_FILE_TEST_EXISTS))
        return g_strdup(path);
    for (char *d = dir_of(near); d; d = dir_up(d)) {
        cand = g_build_filename(d, path, NULL);
        if (g_file_get_contents(cand, &text, NULL, NULL)) {
            bool same = scenario_xxh3(text) == hash;
            g_free(text);
            if (same) {
                g_free(d);
                return cand;
            }
            if (!first)
                first = g_strdup(cand);
        }
        g_free(cand);
    }
    return g_strdup(first ? first : path);
}

bool load_scenario_near(const char *path, const char *near, uint64_t hash, const char *variant,
                        char **overrides, struct loaded *out, char *err, unsigned errlen)
{
    g_autofree char *found = locate_scenario(path, near, hash);

    if (!load_scenario(found, variant, overrides, out, err, errlen))
        return false;
    g_strlcpy(out->scn->path, path, sizeof(out->scn->path));   /* messages as first written */
    return true;
}

/* A parsed scenario with its knobs set: the model and its checks. */
static bool load_model(const char *text, const char *variant, struct loaded *out, char *err,
                       unsigned errlen)
{
    if (!sim_init(&out->sim, out->scn, &out->knobs, variant, err, errlen))
        return false;
    out->checker = check_for(&out->sim);
    out->scenario_hash = scenario_xxh3(text);
    out->text = g_strdup(text);
    return true;
}

bool load_scenario_text(const char *path, const char *text, const char *variant, char **overrides,
                        struct loaded *out, char *err, unsigned errlen)
{
    memset(out, 0, sizeof(*out));
    out->scn = g_new0(struct scenario, 1);
    if (!scenario_parse_string(path, text, out->scn, err, errlen))
        goto fail;
    if (!load_variant_only(path, variant, (struct scn_loc){ 0, 0 }, &out->var, err, errlen))
        goto fail;
    out->knobs = out->var.knobs;
    for (int i = 0; i < out->scn->nknobs; i++) {
        const struct scn_knob *k = &out->scn->knobs[i];
        out->knobs.lo[k->id] = k->lo;
        out->knobs.hi[k->id] = k->hi;
    }
    for (int i = 0; overrides && overrides[i]; i++)
        if (!knob_override(&out->knobs, overrides[i], err, errlen))
            goto fail;
    if (load_model(text, variant, out, err, errlen))
        return true;
fail:
    g_free(out->scn);
    out->scn = NULL;
    return false;
}

bool load_scenario_knobs(const char *path, const char *text, const char *variant,
                         const struct knob_set *ks, struct loaded *out, char *err,
                         unsigned errlen)
{
    memset(out, 0, sizeof(*out));
    out->scn = g_new0(struct scenario, 1);
    g_strlcpy(out->var.name, variant, sizeof(out->var.name));
    out->var.knobs = out->knobs = *ks;
    if (scenario_parse_string(path, text, out->scn, err, errlen) &&
        load_model(text, variant, out, err, errlen))
        return true;
    g_free(out->scn);
    out->scn = NULL;
    return false;
}

bool knobs_from_values(char **values, struct knob_set *ks, bool *whole, char *err,
                       unsigned errlen)
{
    bool named[KNOB_COUNT] = { false };
    unsigned n = 0;

    knobs_default(ks);
    for (int i = 0; values && values[i]; i++) {
        g_autofree char *name = g_strndup(values[i], strcspn(values[i], "="));
        int id = knob_lookup(name);
        if (!knob_override(ks, values[i], err, errlen))
            return false;
        n += !named[id];
        named[id] = true;
    }
    *whole = n == KNOB_COUNT;
    return true;
}

char **knob_values(const struct knob_set *ks)
{
    char **v = g_new0(char *, KNOB_COUNT + 1);
    char buf[64];

    for (int i = 0; i < KNOB_COUNT; i++)
        v[i] = g_strdup_printf("%s=%s", knob_defs[i].name, knob_format(ks, i, buf, sizeof(buf)));
    return v;
}

void loaded_free(struct loaded *l)
{
    if (l->scn)
        sim_free(&l->sim);
    g_free(l->scn);
    l->scn = NULL;
    g_free(l->text);
    l->text = NULL;
}

static void json_str(GString *g, const char *key, const char *val)
{
    g_string_append_printf(g, "\"%s\":", key);
    json_string_append(g, val);
}

/* A sample keeps no visited set: no distinct states, so none counted; its runs instead,
 * and the seeds they ran ("seed" the first, "seeds" the ranges, both ends run).
 * transitions are the steps of all runs, max_depth the longest run. */
static void json_sample(GString *g, const struct json_result *r)
{
    const struct sample_result *s = r->sample;

    g_string_append_printf(g, ",\"states\":null,\"transitions\":%" G_GUINT64_FORMAT
                           ",\"max_depth\":%u,\"seconds\":%.6f,\"states_per_s\":null,"
                           "\"bytes_per_state\":null,\"sample\":\"%s\",\"runs\":%u,"
                           "\"seed\":%" G_GUINT64_FORMAT ",\"violating_runs\":%u,"
                           "\"cut_runs\":%u,\"bound_runs\":%u", r->transitions, r->max_depth,
                           r->seconds, r->sample_mode, s->runs, r->sample_seed, s->violating_runs,
                           s->cut_runs, s->bound_runs);
    if (r->seeds)
        g_string_append_printf(g, ",\"seeds\":%s", r->seeds);
    else
        g_string_append_printf(g, ",\"seeds\":[[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]]",
                               r->sample_seed, r->sample_seed + s->runs - 1);
    if (!strcmp(r->sample_mode, "pct"))
        g_string_append_printf(g, ",\"pct_depth\":%u,\"pct_run_bound\":%.6g,"
                               "\"pct_total_bound\":%.6g", r->sample_depth, s->pct_run_bound,
                               s->pct_total_bound);
}

/* ,"knobs":[...] when there are overrides; ,"part":...,"job":...,"of":... in a split. */
static void json_tags(GString *g, const struct json_result *r)
{
    for (int i = 0; r->knobs && r->knobs[i]; i++) {
        g_string_append(g, i ? "," : ",\"knobs\":[");
        json_string_append(g, r->knobs[i]);
        if (!r->knobs[i + 1])
            g_string_append_c(g, ']');
    }
    if (!r->part)
        return;
    g_string_append_c(g, ',');
    json_str(g, "part", r->part->kind);
    if (strcmp(r->part->kind, "prefix") != 0)
        g_string_append_printf(g, ",\"job\":%u", r->part->job);
    g_string_append_printf(g, ",\"of\":%u", r->part->of);
}

const char *const search_cut_names[CUT_COUNT] = {
    [CUT_MAX_STATES] = "--max-states", [CUT_MAX_DEPTH] = "--max-depth", [CUT_MEM] = "--mem",
    [CUT_BITSTATE] = "--bitstate",   /* a full table went on, forgetting worlds */
    [CUT_MODEL_BOUND] = "model bound", [CUT_POR_CHECK] = "--por-check",
    [CUT_MISSING_PARTS] = "missing parts",   /* merge: a split's part was not given */
};
const char *const search_stored_names[STORED_COUNT] = {
    [STORED_LOSSLESS] = "lossless", [STORED_FINGERPRINTS] = "fingerprints",
    [STORED_BITSTATE] = "bitstate",
};

static void search_end_of(const struct explore_stats *st, struct search_end *e)
{
    *e = (struct search_end){
        .stored = st->bitstate ? STORED_BITSTATE : st->lossless ? STORED_LOSSLESS
                                                                : STORED_FINGERPRINTS,
        .collision_probability = st->collision_probability,
        .bitstate_missed = st->bitstate_missed,
        .cut = (unsigned)!!(st->limits & LIMIT_MAX_STATES) << CUT_MAX_STATES |
               (unsigned)!!(st->limits & LIMIT_MAX_DEPTH) << CUT_MAX_DEPTH |
               (unsigned)st->full << CUT_MEM | (unsigned)st->bitstate << CUT_BITSTATE |
               (unsigned)st->model_bound << CUT_MODEL_BOUND |
               (unsigned)st->por_error << CUT_POR_CHECK,
    };
}

/* ,"stored":…,"collision_probability":…[,"bitstate_missed":…],"cut_by":[…] ("cut_by"
 * empty: the search saw every interleaving). */
static void json_search_end(GString *g, const struct search_end *e)
{
    bool first = true;

    g_string_append_printf(g, ",\"stored\":\"%s\",\"collision_probability\":%.3g",
                           search_stored_names[e->stored], e->collision_probability);
    if (e->stored == STORED_BITSTATE)
        g_string_append_printf(g, ",\"bitstate_missed\":%.0f", e->bitstate_missed);
    g_string_append(g, ",\"cut_by\":[");
    for (unsigned i = 0; i < CUT_COUNT; i++)
        if (e->cut >> i & 1) {
            g_string_append_printf(g, "%s\"%s\"", first ? "" : ",", search_cut_names[i]);
            first = false;
        }
    g_string_append_c(g, ']');
}

/* ,"KEY":["family",…] */
static void json_families(GString *g, const char *key, uint32_t families)
{
    char fams[256];
    gchar **names = g_strsplit(families_format(families, fams, sizeof(fams)), ",", -1);

    g_string_append_printf(g, ",\"%s\":[", key);
    for (int i = 0; names[i] && *names[i]; i++)
        g_string_append_printf(g, "%s\"%s\"", i ? "," : "", names[i]);
    g_strfreev(names);
    g_string_append_c(g, ']');
}

void json_result_append(void *gstring, const struct json_result *r)
{
    GString *g = gstring;
    struct search_end e;
    bool incomplete = r->incomplete || (r->st && (explore_incomplete(r->st) || r->st->full ||
                                                  r->st->bitstate));

    g_string_append(g, g->len ? ",\n{" : "{");
    json_str(g, "scenario", r->scenario);
    g_string_append_c(g, ',');
    json_str(g, "variant", r->variant);
    json_tags(g, r);
    g_string_append_printf(g, ",\"verdict\":\"%s\"",
                           !r->pass ? "fail" : incomplete ? "incomplete" : "pass");
    json_families(g, "families", r->families);
    if (r->ignored)
        json_families(g, "ignored", r->ignored);
    if (r->sample)
        json_sample(g, r);
    else
        g_string_append_printf(g, ",\"states\":%" G_GUINT64_FORMAT ",\"transitions\":%"
                               G_GUINT64_FORMAT ",\"max_depth\":%u,\"seconds\":%.6f,"
                               "\"states_per_s\":%.0f,\"bytes_per_state\":%.1f",
                               r->states, r->transitions, r->max_depth, r->seconds,
                               r->seconds > 0 ? (double)r->states / r->seconds : 0.0,
                               !r->states ? 0.0 : (r->st ? (double)r->st->visited_bytes
                                                         : r->stored_bytes) / (double)r->states);
    g_string_append_printf(g, ",\"peak_rss_kb\":%ld",
                           r->peak_rss_kb ? r->peak_rss_kb : explore_peak_rss_kb());
    if (r->st) {
        g_string_append_printf(g, ",\"por\":\"%s\",\"reduced_states\":%" G_GUINT64_FORMAT
                               ",\"proviso_expansions\":%" G_GUINT64_FORMAT
                               ",\"symmetric_states\":%" G_GUINT64_FORMAT ",\"model_bound\":%s",
                               por_mode_name((enum por_mode)r->st->por), r->st->reduced_states,
                               r->st->proviso_expansions, r->st->symmetric_states,
                               r->st->model_bound ? "true" : "false");
        search_end_of(r->st, &e);
        json_search_end(g, &e);
    } else if (r->end) {
        json_search_end(g, r->end);
    }
    if (r->has_expected) {
        json_families(g, "expected", r->expected);
        g_string_append_printf(g, ",\"holds\":%s", r->expected == r->families && !incomplete
                                                        ? "true" : "false");
    }
    if (r->counterexample) {
        g_string_append_c(g, ',');
        json_str(g, "counterexample", r->counterexample);
    }
    if (r->replay) {
        g_string_append_c(g, ',');
        json_str(g, "replay", r->replay);
    }
    g_string_append_c(g, '}');
}

bool json_results_write(const char *path, void *gstring, char *err, unsigned errlen)
{
    GString *g = gstring;
    g_autofree char *text = g_strdup_printf("[%s]\n", g->str);
    GError *e = NULL;

    if (g_file_set_contents(path, text, -1, &e))
        return true;
    snprintf(err, errlen, "cannot write %s: %s", path, e->message);
    g_error_free(e);
    return false;
}

bool output_writable(const char *path, char *err, unsigned errlen)
{
    g_autofree char *probe = g_strdup_printf("%s.XXXXXX", path);
    int fd, e;

    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        snprintf(err, errlen, "cannot write %s: %s", path, g_strerror(EISDIR));
        return false;
    }
    if (g_file_test(path, G_FILE_TEST_EXISTS) && access(path, W_OK) != 0) {   /* trace: fopen */
        e = errno;
        snprintf(err, errlen, "cannot write %s: %s", path, g_strerror(e));
        return false;
    }
    fd = g_mkstemp_full(probe, O_WRONLY, 0600);
    if (fd < 0) {
        e = errno;
        snprintf(err, errlen, "cannot write %s: %s", path, g_strerror(e));
        return false;
    }
    close(fd);
    g_unlink(probe);
    return true;
}

bool outputs_writable(const char *cmd, const char *const *paths, size_t n)
{
    char err[1024];

    for (size_t i = 0; i < n; i++)
        if (paths[i] && !output_writable(paths[i], err, sizeof(err))) {
            cli_errorf("drcsim %s: %s", cmd, err);
            return false;
        }
    return true;
}
