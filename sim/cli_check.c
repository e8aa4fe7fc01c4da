/*
 * `drcsim check`: for every verdict line of every scenario given (files or
 * directories of *.scn), explore every interleaving under that variant and
 * compare the violated families with the verdict; a table, JUnit, JSON.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli_check_pool.h"
#include "cli.h"
#include "explore_symmetry.h"

struct check_cli {
    char *junit, *json, *job, *out, *por, *symmetry;
    enum por_mode por_mode;
    bool no_symmetry;
    gint64 split;   /* CLI_UNSET or given */
    gint64 mem_mb;   /* the visited sets' budget: one line's, or those searched at once */
    gint64 jobs;     /* CLI_UNSET or given: verdict lines searched at once */
    struct check_pool *pool;
    int rc;          /* the worst of the lines reported */
    GString *junit_xml, *json_out;
    GHashTable *traces;   /* the counterexample files written so far */
    unsigned passed, failed;
    unsigned searched_alone;   /* lines searched again alone for the shared --mem budget */
};

static GPtrArray *collect_files(char **args, int n, char *err, unsigned errlen)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);

    for (int i = 0; i < n; i++) {
        GDir *d;
        const char *name;
        GPtrArray *inner;
        if (!g_file_test(args[i], G_FILE_TEST_IS_DIR)) {
            g_ptr_array_add(files, g_strdup(args[i]));
            continue;
        }
        if (!(d = g_dir_open(args[i], 0, NULL))) {
            snprintf(err, errlen, "drcsim check: cannot read directory %s", args[i]);
            g_ptr_array_free(files, TRUE);
            return NULL;
        }
        inner = g_ptr_array_new();
        while ((name = g_dir_read_name(d)))
            if (g_str_has_suffix(name, ".scn"))
                g_ptr_array_add(inner, g_build_filename(args[i], name, NULL));
        g_dir_close(d);
        g_ptr_array_sort(inner, compare_names);
        for (unsigned k = 0; k < inner->len; k++)
            g_ptr_array_add(files, g_ptr_array_index(inner, k));
        g_ptr_array_free(inner, TRUE);
    }
    return files;
}

static void explain_mismatch(const char *path, const char *variant, uint32_t expected,
                             const struct explore_stats *st, GString *why)
{
    for (int f = 0; f < FAM_COUNT; f++) {
        const struct counterexample *cx = &st->cex[f];
        if ((st->families & (1u << f)) && !(expected & (1u << f))) {
            g_autofree char *cmd = replay_command(path, variant, NULL, &cx->sched);
            g_string_append_printf(why, "    unexpected %s: %s\n      replay: %s\n",
                                   family_names[f], cx->v.message, cmd);
        } else if (!(st->families & (1u << f)) && (expected & (1u << f))) {
            g_string_append_printf(why, "    expected %s, but no interleaving violates it\n",
                                   family_names[f]);
        }
    }
}

static void junit_case(struct check_cli *c, const char *path, const char *variant, double secs,
                       const char *failure)
{
    g_autofree char *p = g_markup_escape_text(path, -1), *v = g_markup_escape_text(variant, -1);

    g_string_append_printf(c->junit_xml, "  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"",
                           p, v, secs);
    if (failure) {
        g_autofree char *f = g_markup_escape_text(failure, -1);
        g_string_append_printf(c->junit_xml, "><failure message=\"verdict mismatch\">%s</failure>"
                               "</testcase>\n", f);
    } else {
        g_string_append(c->junit_xml, "/>\n");
    }
}

/* A row of the table; the verdict last, so that a long families list moves no column. */
static void print_row(const char *scenario, const char *variant, const struct explore_stats *st,
                      bool ok, uint32_t expected)
{
    char got[256], exp[256];

    printf("%-30s %-28s %10" G_GUINT64_FORMAT " %8.3fs  %-8s  %s%s%s%s\n", scenario, variant,
           st->states, st->seconds, ok ? "ok" : "MISMATCH", ok ? "" : "got ",
           verdict_format(st->families, explore_incomplete(st), got, sizeof(got)),
           ok ? "" : ", expected ", ok ? "" : verdict_format(expected, false, exp, sizeof(exp)));
}

/* With --json R.json, a failing line's first counterexample as a trace in
 * R.counterexamples/SCENARIO.VARIANT.jsonl, or SCENARIO.VARIANT-2.jsonl … when scenarios of
 * two directories share a name (g_free; NULL: none, or not written, with the error
 * printed and *rc 2). */
static char *check_counterexample(struct check_cli *c, struct loaded *l, const char *path,
                                  const char *variant, const struct explore_stats *st, int *rc)
{
    g_autofree char *dir = NULL, *base = NULL;
    char *out, err[512];

    if (!c->json || !st->families)
        return NULL;
    dir = json_beside(c->json, ".counterexamples");
    base = g_path_get_basename(path);
    if (g_str_has_suffix(base, ".scn"))
        base[strlen(base) - 4] = '\0';
    out = g_strdup_printf("%s/%s.%s.jsonl", dir, base, variant);
    for (unsigned k = 2; g_hash_table_contains(c->traces, out); k++) {
        g_free(out);
        out = g_strdup_printf("%s/%s.%s-%u.jsonl", dir, base, variant, k);
    }
    g_hash_table_add(c->traces, g_strdup(out));
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        snprintf(err, sizeof(err), "cannot make %s: %s", dir, g_strerror(errno));
    } else if (write_first_counterexample(l, path, st->cex, out, err, sizeof(err))) {
        return out;
    }
    cli_errorf("drcsim check: %s", err);
    *rc = EXIT_USAGE;
    g_free(out);
    return NULL;
}

/* One verdict line searched: compare, print a row, write the reports' parts. */
static void check_report(void *ctx, struct check_line *ln)
{
    struct check_cli *c = ctx;
    const struct explore_stats *st = &ln->st;
    const char *path = ln->path, *variant = ln->v.variant;
    uint32_t expected = ln->v.pass ? 0 : ln->v.families;
    GString *why = g_string_new(NULL);
    g_autofree char *replay = NULL, *trace = NULL;
    bool ok = st->families == expected && !explore_incomplete(st);   /* a pass needs every interleaving */
    int rc;

    print_row(ln->l.scn->name, variant, st, ok, expected);
    if (!ok) {
        explain_mismatch(path, variant, expected, st, why);
        if (st->truncated)
            g_string_append_printf(why, "    incomplete: the --mem budget (%" G_GINT64_FORMAT
                                   " MB) was used up before every interleaving was seen\n",
                                   c->mem_mb);
        if (st->model_bound)
            g_string_append_printf(why, "    incomplete: a branch ended at a model bound, %s\n",
                                   st->cex[EXPLORE_MODEL_BOUND].v.message);
        fputs(why->str, stdout);
    }
    ok ? c->passed++ : c->failed++;
    c->searched_alone += ln->searched_alone;
    junit_case(c, path, variant, st->seconds, ok ? NULL : why->str);
    replay = first_replay(path, variant, NULL, st->cex);
    rc = ok ? EXIT_OK : EXIT_VIOLATION;
    trace = check_counterexample(c, &ln->l, path, variant, st, &rc);
    json_result_append(c->json_out, &(struct json_result){
        .scenario = path, .variant = variant, .pass = !st->families, .families = st->families,
        .ignored = ln->l.sim.scn->ignore_families, .st = st, .states = st->states,
        .transitions = st->transitions,
        .max_depth = st->max_depth, .seconds = st->seconds, .has_expected = true,
        .expected = expected, .replay = replay, .counterexample = trace,
        .part = ln->part.kind ? &ln->part : NULL });
    g_string_free(why, TRUE);
    c->rc = rc > c->rc ? rc : c->rc;
}

/* A file or line that cannot be loaded: the rows of those before it first, then its error. */
static int check_usage_error(struct check_cli *c, const char *err)
{
    check_pool_drain(c->pool);
    cli_error(err);
    return EXIT_USAGE;
}

/*
 * One verdict line: load it and hand it to the pool, which searches it and
 * reports it in order. Returns the worst result reported so far, or
 * EXIT_USAGE when the line cannot be loaded (the lines before it reported).
 */
int check_verdict(struct check_cli *c, const char *path, const struct scn_verdict *v,
                  const struct split_part *part, const char *text, const struct knob_set *ks)
{
    struct check_line *ln = g_new0(struct check_line, 1);
    char err[1024];

    if (text ? !load_scenario_knobs(path, text, v->variant, ks, &ln->l, err, sizeof(err))
             : !load_verdict_line(path, v, &ln->l, err, sizeof(err))) {
        g_free(ln);
        return check_usage_error(c, err);
    }
    ln->eo = (struct explore_opts){ .por = c->por_mode,   /* tests/cli/por-soundness.sh */
                                    .no_symmetry = c->no_symmetry,
                                    .mem_bytes = (size_t)c->mem_mb << 20 };
    ln->path = g_strdup(path);
    ln->v = *v;
    if (part)
        ln->part = *part;
    check_pool_add(c->pool, ln);
    return c->rc;
}

static int check_file(struct check_cli *c, const char *path)
{
    struct scenario *scn = g_new0(struct scenario, 1);
    struct scn_verdict upstream = { .variant = "upstream", .pass = 1 };
    char err[1024];
    int rc = EXIT_OK;

    if (!scenario_parse_file(path, scn, err, sizeof(err))) {
        g_free(scn);
        return check_usage_error(c, err);
    }
    for (int i = 0; i < (scn->nverdicts ? scn->nverdicts : 1) && rc != EXIT_USAGE; i++) {
        int r = check_verdict(c, path, scn->nverdicts ? &scn->verdicts[i] : &upstream, NULL,
                              NULL, NULL);
        rc = r > rc ? r : rc;
    }
    g_free(scn);
    return rc;
}

/* Arguments and options that do not go together, as the one-line error; NULL when they do.
 * Sets c->por_mode from --por and c->no_symmetry from --symmetry. */
static const char *check_conflict(void *opts, int argc, char **argv, char *buf, size_t len)
{
    struct check_cli *c = opts;

    (void)argv;
    if (c->job ? argc != 1 : argc < 2)
        return "expected scenario files or directories, or --job FILE alone";
    if (cli_given(c->split) && (c->split < 1 || c->split > CLI_SPLIT_MAX || c->job || c->junit ||
                                c->json)) {
        snprintf(buf, len, "--split takes 1..%d and excludes --job, --junit and --json (each job "
                 "writes its own)", CLI_SPLIT_MAX);
        return buf;
    }
    if (c->mem_mb < 1 || c->mem_mb > CLI_MEM_MB_MAX) {   /* the bounds as the checks have them */
        snprintf(buf, len, "--mem takes 1..%" G_GINT64_FORMAT, CLI_MEM_MB_MAX);
        return buf;
    }
    if (cli_given(c->jobs) && (c->jobs < 1 || c->jobs > CLI_JOBS_MAX)) {
        snprintf(buf, len, "--jobs takes 1..%d", CLI_JOBS_MAX);
        return buf;
    }
    if (cli_given(c->jobs) && cli_given(c->split))
        return "--jobs goes with checking, not with --split (give it to each --job)";
    if (c->out && !cli_given(c->split))
        return "--out goes with --split";
    if (c->por && !por_mode_parse(c->por, &c->por_mode))
        return "--por takes none, sleep or dpor";
    if (!symmetry_parse(c->symmetry, &c->no_symmetry))
        return "--symmetry takes on or off";
    return NULL;
}

static int check_parse(int *argc, char ***argv, struct check_cli *c)
{
    GOptionEntry entries[] = {
        { "junit", 0, 0, G_OPTION_ARG_FILENAME, &c->junit, "Write a JUnit XML report", "FILE" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &c->json, "Write figures as JSON", "FILE" },
        { "split", 0, 0, G_OPTION_ARG_INT64, &c->split,
          "Deal the scenario x variant pairs into N job files", "N" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &c->out, "Where --split writes (default jobs)", "DIR" },
        { "job", 0, 0, G_OPTION_ARG_FILENAME, &c->job, "Check one job file of --split", "FILE" },
        { "mem", 0, 0, G_OPTION_ARG_INT64, &c->mem_mb,
          "Visited-set budget of a line's search, shared by the lines of --jobs (default 4096)", "MB" },
        { "jobs", 0, 0, G_OPTION_ARG_INT64, &c->jobs,
          "Search N verdict lines at once, each on one thread; rows stay in order (default 1)",
          "N" },
        { "por", 0, 0, G_OPTION_ARG_STRING, &c->por,
          "Partial-order reduction: none, sleep or dpor (default dpor)", "MODE" },
        { "symmetry", 0, 0, G_OPTION_ARG_STRING, &c->symmetry,
          "Interchangeable clients: store one order of them (on, the default) or every (off)",
          "on|off" },
        { NULL, 0, 0, 0, NULL, NULL, NULL } };

    return cli_parse("check", "[SCENARIO|DIR]... - check every verdict line", entries, argc, argv,
                     check_conflict, c);
}

static bool write_reports(struct check_cli *c)
{
    char err[512];
    g_autofree char *xml = NULL;
    GError *e = NULL;

    if (c->json && !json_results_write(c->json, c->json_out, err, sizeof(err))) {
        cli_errorf("drcsim check: %s", err);
        return false;
    }
    if (!c->junit)
        return true;
    xml = g_strdup_printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"drcsim "
                          "check\" tests=\"%u\" failures=\"%u\">\n%s</testsuite>\n",
                          c->passed + c->failed, c->failed, c->junit_xml->str);
    if (!g_file_set_contents(c->junit, xml, -1, &e)) {
        cli_errorf("drcsim check: cannot write %s: %s", c->junit, e->message);
        g_error_free(e);
        return false;
    }
    return true;
}

/* The table over every file (or over one --job), its summary line and reports. */
static int check_all(struct check_cli *c, GPtrArray *files)
{
    int rc = EXIT_OK;

    if (!outputs_writable("check", (const char *const[]){ c->json, c->junit }, 2))
        return EXIT_USAGE;
    c->junit_xml = g_string_new(NULL);
    c->json_out = g_string_new(NULL);
    c->traces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    c->pool = check_pool_new(cli_given(c->jobs) ? (unsigned)c->jobs : 1, (size_t)c->mem_mb << 20,
                             isatty(STDERR_FILENO), check_report, c);   /* silent when not a terminal */
    printf("%-30s %-28s %10s %9s  %-8s  %s\n", "scenario", "variant", "states", "time", "result",
           "verdict");
    if (c->job)
        rc = check_job(c, c->job);
    for (unsigned i = 0; files && i < files->len && rc != EXIT_USAGE; i++) {
        int r = check_file(c, g_ptr_array_index(files, i));
        rc = r > rc ? r : rc;
    }
    check_pool_free(c->pool);
    rc = c->rc > rc ? c->rc : rc;
    if (rc != EXIT_USAGE) {
        printf("%u passed, %u failed", c->passed, c->failed);
        if (c->searched_alone)
            printf(" (%u searched again alone: the lines searched at once share --mem)",
                   c->searched_alone);
        putchar('\n');
    }
    if (!write_reports(c))
        rc = EXIT_USAGE;
    g_string_free(c->junit_xml, TRUE);
    g_string_free(c->json_out, TRUE);
    g_hash_table_destroy(c->traces);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    struct check_cli c = { .por_mode = POR_DPOR, .split = CLI_UNSET, .jobs = CLI_UNSET,
                           .mem_mb = CLI_MEM_MB_DEFAULT };
    GPtrArray *files = NULL;
    char err[512];
    int rc = check_parse(&argc, &argv, &c);

    if (!rc && !c.job && !(files = collect_files(argv + 1, argc - 1, err, sizeof(err)))) {
        cli_error(err);
        rc = EXIT_USAGE;
    }
    if (!rc)
        rc = !cli_given(c.split) ? check_all(&c, files)
             : check_split(files, (unsigned)c.split, c.out ? c.out : "jobs");
    if (files)
        g_ptr_array_free(files, TRUE);
    g_free(c.junit);
    g_free(c.json);
    g_free(c.job);
    g_free(c.out);
    g_free(c.por);
    g_free(c.symmetry);
    return rc;
}
