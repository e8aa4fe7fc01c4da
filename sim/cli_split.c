/*
 * Exploration beyond one machine, with no cluster layer of its own: `explore
 * --split N` cuts the search at a breadth-first frontier into N job files of
 * schedule prefixes (the search above it goes to split.json), each carrying
 * the scenario and every knob; `explore --job FILE` searches below one job's.
 */
#include <errno.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "explore_symmetry.h"
#include "json_file.h"
#include "trace.h"

/* The world a schedule prefix leads to, re-executed from the initial one;
 * NULL when a step index is out of range. */
static void *world_at(const struct engine_model *m, const void *initial, const struct schedule *s)
{
    struct step steps[ENGINE_MAX_STEPS];
    void *w = g_memdup2(initial, m->world_size);

    for (unsigned j = 0; j < s->len; j++) {
        unsigned n = engine_fireable(m, w, steps, ENGINE_MAX_STEPS);
        if (s->choice[j] >= n) {
            g_free(w);
            return NULL;   /* not a schedule of this scenario */
        }
        engine_fire(m, w, &steps[s->choice[j]], NULL, 0, NULL);
    }
    return w;
}

/* A sleep set as the job file writes it: the actors' numbers, "3,7" ("" for none). */
static char *asleep_format(uint64_t sleep)
{
    GString *g = g_string_new(NULL);

    for (uint64_t x = sleep; x; x &= x - 1)
        g_string_append_printf(g, "%s%d", g->len ? "," : "", __builtin_ctzll(x));
    return g_string_free(g, FALSE);
}

/* asleep_format's text as a sleep set; false if it is not one. */
static bool asleep_parse(const char *text, uint64_t *sleep)
{
    g_auto(GStrv) parts = *text ? g_strsplit(text, ",", -1) : g_new0(char *, 1);
    guint64 a;

    *sleep = 0;
    for (int i = 0; parts[i]; i++) {
        if (!g_ascii_string_to_unsigned(parts[i], 10, 0, POR_MAX_ACTORS - 1, &a, NULL))
            return false;
        *sleep |= 1ull << a;
    }
    return true;
}

/*
 * Breadth first through persistent sets, with sleep sets, until at least n
 * prefixes wait at the frontier (or nothing is left); the search above it is
 * st. The prefixes are formatted (g_free), and in *asleep the actors asleep
 * at each: two prefixes that differ in the order of commuting steps reach one
 * world, and the later one's job leaves the orders where the earlier one's
 * actor goes first to the earlier one's job, which would search them again
 * otherwise. Sleep sets alone kept the frontier off the orders dpor searches
 * below it: the job of the first prefix, where nobody sleeps, searched nearly
 * all of them (parallel-dimms-8 --split 16: 10,788 of the jobs' 11,007 states).
 */
static GPtrArray *frontier(struct loaded *l, unsigned n, bool no_symmetry,
                           struct explore_stats *st, GPtrArray **asleep, GArray *end_states)
{
    struct explore_opts eo = { .por = POR_DPOR, .frontier_sleep = true, .no_symmetry = no_symmetry,
                               .end_states = end_states };   /* the visited set grows as needed */
    struct visited vis;
    struct dfs d = { .m = &l->sim.model, .c = &l->checker, .o = &eo, .st = st, .set = &vis,
                     .add = dfs_local_add };
    gint64 t0 = g_get_monotonic_time();
    GPtrArray *items, *prefixes = g_ptr_array_new_with_free_func(g_free);

    explore_stats_init(st);
    visited_init_mode(&vis, VISITED_FINGERPRINT, 0, l->sim.model.world_size);
    items = explore_frontier(&d, &l->sim.initial, n);
    *asleep = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < items->len; i++) {
        const struct explore_item *it = g_ptr_array_index(items, i);
        g_ptr_array_add(prefixes, schedule_format(&it->prefix));
        g_ptr_array_add(*asleep, asleep_format(it->sleep));
    }
    st->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    explore_stats_close(st, &vis);
    visited_free(&vis);
    g_ptr_array_free(items, TRUE);
    return prefixes;
}

/* v's strings, or a[from, to). */
static void json_strv(JsonBuilder *b, const char *name, char **v, GPtrArray *a, guint from, guint to)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (int i = 0; v && v[i]; i++)
        json_builder_add_string_value(b, v[i]);
    for (guint i = from; a && i < to; i++)
        json_builder_add_string_value(b, g_ptr_array_index(a, i));
    json_builder_end_array(b);
}

void job_file_begin(JsonBuilder *b, unsigned i, unsigned n)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "drcsim");
    json_builder_add_string_value(b, DRCSIM_VERSION);
    json_builder_set_member_name(b, "job");
    json_builder_add_int_value(b, i);
    json_builder_set_member_name(b, "of");
    json_builder_add_int_value(b, n);
}

bool job_file_write(JsonBuilder *b, const char *file, const char *cmd)
{
    JsonGenerator *g = json_generator_new();
    JsonNode *root;
    GError *e = NULL;
    bool ok;

    json_builder_end_object(b);
    root = json_builder_get_root(b);
    json_generator_set_root(g, root);
    ok = json_generator_to_file(g, file, &e);
    if (ok) {
        printf("  %s\n", file);
    } else {
        cli_errorf("drcsim %s: cannot write %s: %s", cmd, file, e->message);
        g_error_free(e);
    }
    json_node_unref(root);
    g_object_unref(g);
    g_object_unref(b);
    return ok;
}

static bool write_job(const char *dir, unsigned i, unsigned n, const char *path, struct loaded *l,
                      char **knobs, bool no_symmetry, GPtrArray *prefixes, GPtrArray *asleep)
{
    guint from = prefixes->len * i / n, to = prefixes->len * (i + 1) / n;
    g_auto(GStrv) values = knob_values(&l->knobs);
    JsonBuilder *b = json_builder_new();
    g_autofree char *file = g_strdup_printf("%s/job-%03u.json", dir, i);
    g_autofree char *hash = g_strdup_printf("%016" G_GINT64_MODIFIER "x", l->scenario_hash);

    job_file_begin(b, i, n);
    json_builder_set_member_name(b, "scenario");
    json_builder_add_string_value(b, path);
    json_builder_set_member_name(b, "scenario_xxh3");
    json_builder_add_string_value(b, hash);
    json_builder_set_member_name(b, "variant");
    json_builder_add_string_value(b, l->var.name);
    json_strv(b, "knobs", knobs, NULL, 0, 1);
    /* the whole input, so that a host with drcsim and no checkout runs the job */
    json_strv(b, "knob_values", values, NULL, 0, 0);
    json_builder_set_member_name(b, "scenario_text");
    json_builder_add_string_value(b, l->text);
    /* contiguous runs: breadth-first neighbours share a parent, and their
     * subtrees overlap most, so one job's visited set absorbs the overlap */
    json_strv(b, "prefixes", NULL, prefixes, from, to);
    json_strv(b, "asleep", NULL, asleep, from, to);   /* frontier() */
    if (no_symmetry) {   /* as the frontier was cut; absent means on, as in older jobs */
        json_builder_set_member_name(b, "symmetry");
        json_builder_add_string_value(b, "off");
    }
    return job_file_write(b, file, "explore");
}

bool split_out_dir(const char *cmd, const char *dir)
{
    g_autofree char *probe = g_build_filename(dir, "job", NULL);
    char err[1024];

    if (g_mkdir_with_parents(dir, 0755) != 0) {
        cli_errorf("drcsim %s: cannot create %s: %s", cmd, dir, g_strerror(errno));
        return false;
    }
    if (!output_writable(probe, err, sizeof(err))) {
        cli_errorf("drcsim %s: %s", cmd, err);
        return false;
    }
    return true;
}

bool split_input_utf8(const char *cmd, const char *path, const char *text)
{
    const char *bad;
    unsigned line = 1, col = 1;

    if (!g_utf8_validate(path, -1, NULL)) {
        cli_errorf("drcsim %s: the path %s is not UTF-8: a job file, JSON, cannot name it", cmd,
                   path);
        return false;
    }
    if (g_utf8_validate(text, -1, &bad))
        return true;
    for (const char *p = text; p < bad; p++, col++)
        if (*p == '\n')
            line++, col = 0;
    cli_errorf("%s:%u:%u: error: not UTF-8: a job file, JSON, cannot carry the scenario's text",
               path, line, col);
    return false;
}

int explore_split(struct loaded *l, const char *path, char **knobs, unsigned n, const char *dir,
                  GArray *end_states, bool no_symmetry)
{
    struct explore_stats st;
    GPtrArray *prefixes, *asleep;
    GString *res;
    g_autofree char *split_json = g_strdup_printf("%s/split.json", dir);
    g_autofree char *replay = NULL;
    char err[512];
    bool ok = true;

    if (!split_input_utf8("explore", path, l->text) || !split_out_dir("explore", dir))
        return EXIT_USAGE;
    prefixes = frontier(l, 8 * n, no_symmetry, &st, &asleep, end_states);
    res = g_string_new(NULL);
    printf("%s under %s: %u prefixes at the frontier, in %u jobs:\n", path, l->var.name,
           prefixes->len, n);
    for (unsigned i = 0; ok && i < n; i++)
        ok = write_job(dir, i, n, path, l, knobs, no_symmetry, prefixes, asleep);
    replay = first_replay(l->scn->path, l->var.name, knobs, st.cex);
    json_result_append(res, &(struct json_result){ .scenario = path, .variant = l->var.name,
        .pass = !st.families, .families = st.families, .ignored = l->scn->ignore_families,
        .st = &st, .states = st.states, .transitions = st.transitions,
        .max_depth = st.max_depth, .seconds = st.seconds, .replay = replay, .knobs = knobs,
        .part = &(struct split_part){ "prefix", 0, n } });
    if (ok && !json_results_write(split_json, res, err, sizeof(err))) {
        cli_errorf("drcsim explore: %s", err);
        ok = false;
    }
    if (ok)
        printf("  %s (the search above the frontier: %" G_GUINT64_FORMAT " states)\n",
               split_json, st.states);
    if (!prefixes->len)
        printf("the whole search ended above the frontier: the jobs have nothing to do\n");
    if (st.families)
        print_exploration(stdout, path, l->var.name, knobs, &st);
    printf("run each: drcsim explore --job FILE [--jobs N] --json FILE.result.json; then: drcsim merge %s "
           "%s/job-*.result.json\n", split_json, dir);
    g_string_free(res, TRUE);
    g_ptr_array_free(prefixes, TRUE);
    g_ptr_array_free(asleep, TRUE);
    explore_stats_free(&st);
    return ok ? EXIT_OK : EXIT_USAGE;
}

/*
 * Depth first below every prefix of the job, one visited set for all of them:
 * one search from a root whose children are the prefixes' worlds, each
 * finished before the next, so the cycle proviso needs only the stack, as in
 * any depth-first search (a world seen below an earlier prefix is closed).
 */
static void search_prefixes(struct loaded *l, GPtrArray *items, const struct explore_opts *eo,
                            struct explore_stats *st)
{
    struct visited vis;
    gint64 t0 = g_get_monotonic_time(), last_tick = t0;   /* the progress line: the whole job's */

    explore_stats_init(st);
    st->por = (uint8_t)eo->por;   /* what the result's "por" says */
    visited_init_mode(&vis, eo->lossless ? VISITED_LOSSLESS : VISITED_FINGERPRINT, eo->mem_bytes,
                      l->sim.model.world_size);
    for (unsigned i = 0; i < items->len; i++) {
        struct explore_item *it = g_ptr_array_index(items, i);
        struct dfs d = { .m = &l->sim.model, .c = &l->checker, .o = eo, .st = st, .set = &vis,
                         .add = dfs_local_add, .prefix = &it->prefix, .depth0 = it->depth,
                         .sleep0 = it->sleep, .t0 = t0, .last_tick = last_tick };
        dfs_search(&d, it->world);
        last_tick = d.last_tick;
    }
    g_ptr_array_free(items, TRUE);
    explore_stats_close(st, &vis);
    visited_free(&vis);
}

/* The job's search: on one thread as above, or with --jobs N on N threads sharing the set;
 * the items (job_items) taken over and freed. */
static void run_prefixes(struct loaded *l, GPtrArray *items, const struct explore_opts *eo,
                         struct explore_stats *st)
{
    if (eo->jobs > 1)
        explore_parallel_from(&l->sim.model, &l->checker, items, eo, st);
    else
        search_prefixes(l, items, eo, st);
    if (eo->progress)
        progress_clear();
}

/* What a job file holds (write_job). */
static const struct json_member job_members[] = {
    { "scenario", JSON_STRING, true },  { "variant", JSON_STRING, true },
    { "prefixes", JSON_STRINGS, true }, { "knobs", JSON_STRINGS, false },
    { "scenario_xxh3", JSON_STRING, false }, { "drcsim", JSON_STRING, true },
    { "job", JSON_COUNT, true }, { "of", JSON_COUNT, true },
    { "scenario_text", JSON_TEXT, false }, { "knob_values", JSON_STRINGS, false },
    { "asleep", JSON_STRINGS, false }, { "symmetry", JSON_STRING, false },
};

/* A job file of this drcsim, and job is one of of (o's members are of their kinds, "job" and
 * "of" present). */
bool job_part_check(JsonParser *p, const char *file, JsonObject *o, char *err, size_t len)
{
    const char *version = json_object_get_string_member_with_default(o, "drcsim", NULL);
    gint64 job = json_object_get_int_member(o, "job"), of = json_object_get_int_member(o, "of");
    char w[512];

    if (!version)
        snprintf(err, len, "%s: error: \"job\" and \"of\" without \"drcsim\"",
                 json_at(p, file, w, sizeof(w), "%s", ""));
    else if (strcmp(version, DRCSIM_VERSION) != 0)
        snprintf(err, len, "%s: error: written by drcsim %s, this is drcsim %s",
                 json_at(p, file, w, sizeof(w), "drcsim"),
                 json_string_plain(version) ? version : "?", DRCSIM_VERSION);
    else if (of < 1 || of > CLI_SPLIT_MAX)
        snprintf(err, len, "%s: error: \"of\" is not 1..%d", json_at(p, file, w, sizeof(w), "of"),
                 CLI_SPLIT_MAX);
    else if (job >= of)
        snprintf(err, len, "%s: error: \"job\" %" G_GINT64_FORMAT " is not one of 0..%"
                 G_GINT64_FORMAT, json_at(p, file, w, sizeof(w), "job"), job, of - 1);
    else
        return true;
    return false;
}

static bool read_job(const char *file, JsonParser *p, JsonObject **job, char *err, size_t len)
{
    JsonNode *root;
    char why[128], w[512];
    const char *member;

    if (!json_file_load(p, file, err, len))
        return false;
    root = json_parser_get_root(p);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        snprintf(err, len, "%s: error: not a drcsim job (scenario, variant, prefixes)",
                 json_at(p, file, w, sizeof(w), "%s", ""));
        return false;
    }
    *job = json_node_get_object(root);
    if (!json_members_check(*job, job_members, G_N_ELEMENTS(job_members), why, sizeof(why),
                            &member)) {
        snprintf(err, len, "%s: error: not a drcsim job: %s",
                 json_at(p, file, w, sizeof(w), "%s", member), why);
        return false;
    }
    return job_part_check(p, file, *job, err, len);
}

/* "asleep", where the job has it: a sleep set for each prefix, into its item. */
static bool asleep_read(JsonParser *p, const char *file, GPtrArray *items, char **asleep)
{
    char at[512];

    if (asleep && g_strv_length(asleep) != items->len) {
        cli_errorf("%s: error: \"asleep\" has %u entries for %u prefixes",
                   json_at(p, file, at, sizeof(at), "asleep"), g_strv_length(asleep), items->len);
        return false;
    }
    for (int i = 0; asleep && asleep[i]; i++)
        if (!asleep_parse(asleep[i], &((struct explore_item *)g_ptr_array_index(items, i))->sleep)) {
            cli_errorf("%s: error: asleep %d \"%s\" is not a list of actor numbers 0..%d",
                       json_at(p, file, at, sizeof(at), "asleep/%d", i), i, asleep[i],
                       POR_MAX_ACTORS - 1);
            return false;
        }
    return true;
}

/*
 * The job was split from this very scenario file: its prefixes' worlds, each
 * replayed once, with their sleep sets (items of explore_item, not yet
 * admitted); NULL, with one error line, when a prefix is not a schedule of it.
 */
static GPtrArray *job_items(JsonParser *p, const char *file, JsonObject *job,
                            const struct loaded *l, char **prefixes, char **asleep)
{
    const char *want = json_object_get_string_member_with_default(job, "scenario_xxh3", "");
    g_autofree char *have = g_strdup_printf("%016" G_GINT64_MODIFIER "x", l->scenario_hash);
    GPtrArray *items = g_ptr_array_new_with_free_func(explore_item_free);
    char at[512];

    if (strcmp(want, have) != 0) {
        cli_errorf("%s: error: %s changed since the job was split (xxh3 differs)",
                   json_at(p, file, at, sizeof(at), "scenario_xxh3"), l->scn->path);
        goto fail;
    }
    for (int i = 0; prefixes[i]; i++) {
        struct explore_item *it = g_new0(struct explore_item, 1);
        g_ptr_array_add(items, it);
        if (!schedule_parse(prefixes[i], &it->prefix) ||
            !(it->world = world_at(&l->sim.model, &l->sim.initial, &it->prefix))) {
            cli_errorf("%s: error: prefix %d \"%s\" is not a schedule of %s",
                       json_at(p, file, at, sizeof(at), "prefixes/%d", i), i, prefixes[i], l->scn->path);
            goto fail;
        }
        it->depth = it->prefix.len;
    }
    if (asleep_read(p, file, items, asleep))
        return items;
fail:
    g_ptr_array_free(items, TRUE);
    return NULL;
}

/* The job's search and its figures (printed, and as JSON to json_out). */
static int job_search(struct loaded *l, const char *file, const char *json_out, char **knobs,
                      GPtrArray *items, const struct explore_opts *eo,
                      const struct split_part *part)
{
    struct explore_stats st;
    gint64 t0 = g_get_monotonic_time();
    GString *res = g_string_new(NULL);
    g_autofree char *replay = NULL, *trace = NULL;
    char err[512], fams[256];
    guint nprefixes = items->len;   /* run_prefixes takes the items over */
    int rc;

    run_prefixes(l, items, eo, &st);
    st.seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    printf("%s: %u prefixes of %s under %s: %s\n", file, nprefixes, l->scn->path,
           l->var.name, verdict_format(st.families, explore_incomplete(&st) || st.bitstate, fams,
                                       sizeof(fams)));
    print_exploration(stdout, l->scn->path, l->var.name, knobs, &st);
    print_symmetry(stdout, &l->sim, eo, &st);
    replay = first_replay(l->scn->path, l->var.name, knobs, st.cex);
    rc = st.por_error ? por_check_report(l, &st) : EXIT_SEARCH(st.families, st.full);
    if (json_out && st.families) {   /* beside the result, as explore --json puts it */
        trace = json_beside(json_out, ".counterexample.jsonl");
        if (!write_first_counterexample(l, l->scn->path, st.cex, trace, err, sizeof(err))) {
            cli_errorf("drcsim explore: %s", err);
            g_clear_pointer(&trace, g_free);
            rc = EXIT_USAGE;
        }
    }
    json_result_append(res, &(struct json_result){ .scenario = l->scn->path,
        .variant = l->var.name, .pass = !st.families, .families = st.families,
        .ignored = l->scn->ignore_families, .st = &st, .states = st.states,
        .transitions = st.transitions, .max_depth = st.max_depth,
        .seconds = st.seconds, .replay = replay, .counterexample = trace, .knobs = knobs,
        .part = part });
    if (json_out && rc != EXIT_USAGE && !json_results_write(json_out, res, err, sizeof(err))) {
        cli_errorf("drcsim explore: %s", err);
        rc = EXIT_USAGE;
    }
    g_string_free(res, TRUE);
    explore_stats_free(&st);
    return rc;
}

/*
 * The scenario a job carries (its bytes, and every knob's value), so that a
 * host with drcsim and no checkout runs it; else the file it names, where
 * load_scenario_near finds it. False: the error printed.
 */
static bool load_job(JsonParser *p, const char *file, JsonObject *job, char **knobs,
                     struct loaded *l)
{
    const char *path = json_object_get_string_member(job, "scenario");
    const char *text = json_object_get_string_member_with_default(job, "scenario_text", NULL);
    const char *variant = json_object_get_string_member(job, "variant");
    uint64_t hash = g_ascii_strtoull(
        json_object_get_string_member_with_default(job, "scenario_xxh3", ""), NULL, 16);
    g_auto(GStrv) values = json_object_strv(job, "knob_values");
    struct knob_set ks;
    bool whole = false, ok;
    char err[1024], w[512];

    if (text && scenario_xxh3(text) != hash) {
        cli_errorf("%s: error: " SCENARIO_TEXT_CHANGED "",
                   json_at(p, file, w, sizeof(w), "scenario_text"));
        return false;
    }
    if (text && !knobs_from_values(values, &ks, &whole, err, sizeof(err))) {
        cli_errorf("%s: error: %s", json_at(p, file, w, sizeof(w), "knob_values"), err);
        return false;
    }
    ok = whole ? load_scenario_knobs(path, text, variant, &ks, l, err, sizeof(err))
               : load_scenario_near(path, file, hash, variant, knobs, l, err, sizeof(err));
    if (!ok)
        cli_errorf("%s: error: cannot load what the job names: %s",
                   json_at(p, file, w, sizeof(w), "scenario"), err);
    return ok;
}

/* The job's search options: eo's, with the symmetry the frontier was cut with; false: the
 * error printed. */
static bool job_symmetry(JsonParser *p, const char *file, JsonObject *job,
                         const struct explore_opts *eo, struct explore_opts *jo)
{
    const char *text = json_object_get_string_member_with_default(job, "symmetry", NULL);
    char at[512];

    *jo = *eo;
    if (symmetry_parse(text, &jo->no_symmetry))
        return true;
    cli_errorf("%s: error: \"symmetry\" is \"%s\", not on or off",
               json_at(p, file, at, sizeof(at), "symmetry"), text);
    return false;
}

int explore_job(const char *file, const char *json_out, const struct explore_opts *eo)
{
    JsonParser *p = json_parser_new();
    JsonObject *job = NULL;
    struct explore_opts jo;
    struct loaded l;
    char err[1024];
    char **knobs, **prefixes, **asleep = NULL;
    int rc = EXIT_USAGE;

    if (!read_job(file, p, &job, err, sizeof(err))) {
        cli_error(err);
        g_object_unref(p);
        return EXIT_USAGE;
    }
    knobs = json_object_strv(job, "knobs");
    prefixes = json_object_strv(job, "prefixes");
    if (json_object_has_member(job, "asleep"))   /* a job split before sleep sets has none */
        asleep = json_object_strv(job, "asleep");
    if (job_symmetry(p, file, job, eo, &jo) && load_job(p, file, job, knobs, &l)) {
        struct split_part part = { "job", (unsigned)json_object_get_int_member(job, "job"),
                                   (unsigned)json_object_get_int_member(job, "of") };
        GPtrArray *items = job_items(p, file, job, &l, prefixes, asleep);
        if (items)
            rc = job_search(&l, file, json_out, knobs, items, &jo, &part);
        loaded_free(&l);
    }
    g_strfreev(knobs);
    g_strfreev(prefixes);
    g_strfreev(asleep);
    g_object_unref(p);
    return rc;
}
