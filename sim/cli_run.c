/*
 * `drcsim run` (one seeded or given schedule, with its trace), `drcsim
 * replay` (re-execute a JSONL trace and compare it line by line) and
 * `drcsim explore` (every interleaving, with figures and counterexamples).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace.h"

#define RUN_MAX_STEPS 100000

struct run_opts {
    char *variant;
    char **knobs;
    gint64 seed;
    char *schedule;
    char *trace_path;
    char *format;
};

/* The first counterexample, replayed into a JSONL trace file. */
bool write_first_counterexample(struct loaded *l, const char *path,
                                const struct counterexample *cex, const char *out, char *err,
                                unsigned errlen)
{
    for (int fam = 0; fam < FAM_COUNT; fam++) {
        struct run_result r;
        struct trace *tr;
        bool ok;
        if (!cex[fam].found)
            continue;
        tr = run_traced(l, path, false, 0, &cex[fam].sched, TRACE_JSONL, &r);
        ok = trace_write_file(tr, out, err, errlen);
        trace_free(tr);
        run_result_free(&r);
        return ok;
    }
    return true;
}

char *json_beside(const char *json, const char *suffix)
{
    size_t n = strlen(json);

    if (g_str_has_suffix(json, ".json"))
        n -= strlen(".json");
    return g_strdup_printf("%.*s%s", (int)n, json, suffix);
}

/* One word of a shell command: as it is when the shell leaves it so, else quoted. */
static void shell_word(GString *g, const char *w)
{
    g_autofree char *quoted = NULL;

    g_string_append_c(g, ' ');
    if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "_./=:,+-@%") == strlen(w)) {
        g_string_append(g, w);
        return;
    }
    quoted = g_shell_quote(w);
    g_string_append(g, quoted);
}

/* The command that replays a schedule of this scenario. */
char *replay_command(const char *path, const char *variant, char **knobs,
                            const struct schedule *sched)
{
    GString *g = g_string_new("drcsim run");
    g_autofree char *s = schedule_format(sched);

    shell_word(g, path);
    g_string_append(g, " --variant");
    shell_word(g, variant);
    for (int i = 0; knobs && knobs[i]; i++) {
        g_string_append(g, " --knob");
        shell_word(g, knobs[i]);
    }
    g_string_append(g, " --schedule");
    shell_word(g, s);   /* '0*44': * is a glob to a shell (zsh stops at no match) */
    return g_string_free(g, FALSE);
}

char *first_replay(const char *path, const char *variant, char **knobs,
                   const struct counterexample *cex)
{
    for (int fam = 0; fam < FAM_COUNT; fam++)
        if (cex[fam].found)
            return replay_command(path, variant, knobs, &cex[fam].sched);
    return NULL;
}

static void write_verdict(struct trace *tr, const struct run_result *r)
{
    const char *names[FAM_COUNT + 1] = { 0 };
    int n = 0;

    for (int f = 0; f < FAM_COUNT; f++)
        if (r->families & (1u << f))
            names[n++] = family_names[f];
    for (unsigned i = 0; i < r->nignored; i++)
        trace_ignored(tr, family_names[r->ignored_at[i].v.family], r->ignored_at[i].step,
                      r->ignored_at[i].v.message);
    trace_verdict(tr, n ? TRACE_FAIL : r->quiescent && !r->model_bound ? TRACE_PASS
                  : TRACE_INCOMPLETE, names, n ? family_names[r->v.family] : NULL,
                  n ? r->v_step : r->steps, n || r->model_bound ? r->v.message : NULL);
}

/* Run once (seed or schedule) into a trace whose header carries the schedule. */
struct trace *run_traced(struct loaded *l, const char *path, bool has_seed, uint64_t seed,
                         const struct schedule *given, int fmt, struct run_result *out)
{
    struct run_result first;
    struct trace *tr = trace_new((enum trace_format)fmt);
    g_autofree char *sched = NULL;
    struct trace_header h = { .scenario_path = path, .scenario_name = l->scn->name,
                              .scenario_hash = l->scenario_hash, .variant = l->var.name,
                              .knobs = &l->knobs, .has_seed = has_seed, .seed = seed,
                              .scenario_text = l->text };

    explore_run(&l->sim.model, &l->checker, &l->sim.initial, seed, given, RUN_MAX_STEPS,
                NULL, &first);
    sched = schedule_format(&first.sched);
    h.schedule = sched;
    trace_header(tr, &h);
    explore_run(&l->sim.model, &l->checker, &l->sim.initial, seed, &first.sched, RUN_MAX_STEPS,
                tr, out);
    out->schedule_invalid = first.schedule_invalid;
    write_verdict(tr, out);
    run_result_free(&first);
    return tr;
}

/* Options that do not go together, as the one-line error; NULL when they do. */
static const char *run_conflict(void *opts, int argc, char **argv, char *buf, size_t len)
{
    const struct run_opts *o = opts;

    (void)argv, (void)buf, (void)len;
    if (argc != 2)
        return "expected one SCENARIO (see drcsim run --help)";
    if (o->format && strcmp(o->format, "text") && strcmp(o->format, "jsonl"))
        return "--format must be text or jsonl";
    if (cli_given(o->seed) && o->schedule)
        return "--seed and --schedule exclude each other (a schedule makes every choice)";
    if (cli_given(o->seed) && o->seed < 0)
        return "--seed takes 0..9223372036854775807";
    return NULL;
}

static int run_parse(int *argc, char ***argv, struct run_opts *o)
{
    GOptionEntry entries[] = {
        { "variant", 0, 0, G_OPTION_ARG_STRING, &o->variant, "Variant (default upstream)", "V" },
        { "knob", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->knobs, "Override a knob", "K=V" },
        { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "PRNG seed (default 1)", "N" },
        { "schedule", 0, 0, G_OPTION_ARG_STRING, &o->schedule, "Follow this schedule", "S" },
        { "trace", 0, 0, G_OPTION_ARG_FILENAME, &o->trace_path, "Write the trace here", "FILE" },
        { "format", 0, 0, G_OPTION_ARG_STRING, &o->format, "text or jsonl", "F" },
        { NULL, 0, 0, 0, NULL, NULL, NULL } };
    int rc;

    o->seed = CLI_UNSET;   /* left out: 1, or the schedule's choices */
    rc = cli_parse("run", "SCENARIO - run one schedule and print its trace", entries, argc, argv,
                   run_conflict, o);
    if (!cli_given(o->seed))
        o->seed = 1;
    return rc;
}

static void run_opts_free(struct run_opts *o)
{
    g_free(o->variant);
    g_strfreev(o->knobs);
    g_free(o->schedule);
    g_free(o->trace_path);
    g_free(o->format);
}

static int run_output(struct trace *tr, const struct run_opts *o)
{
    char err[512];
    size_t len;

    if (!o->trace_path) {
        fputs(trace_buffer(tr, &len), stdout);
        fflush(stdout);   /* before any error on stderr: 2>&1 keeps the trace's lines whole */
        return EXIT_OK;
    }
    if (!trace_write_file(tr, o->trace_path, err, sizeof(err))) {
        cli_errorf("drcsim run: %s", err);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int run_main(int argc, char **argv, struct run_opts *po)
{
    struct run_opts o = { 0 };
    struct loaded l;
    struct schedule given = { 0 };
    struct run_result r;
    struct trace *tr;
    char err[1024];
    int rc = run_parse(&argc, &argv, &o);
    enum trace_format fmt;

    *po = o;
    if (rc)
        return rc;
    fmt = (o.format ? strcmp(o.format, "text") == 0 : !o.trace_path) ? TRACE_TEXT : TRACE_JSONL;
    if (o.schedule && !schedule_parse(strcmp(o.schedule, "''") ? o.schedule : "", &given)) {
        cli_errorf("drcsim run: --schedule: expected comma-separated step indexes");
        return EXIT_USAGE;
    }
    if (!load_scenario(argv[1], o.variant ? o.variant : "upstream", o.knobs, &l, err, sizeof(err))) {
        cli_error(err);
        return EXIT_USAGE;
    }
    if (o.trace_path && !output_writable(o.trace_path, err, sizeof(err))) {   /* before the run */
        cli_errorf("drcsim run: %s", err);
        schedule_free(&given);
        loaded_free(&l);
        return EXIT_USAGE;
    }
    tr = run_traced(&l, argv[1], !o.schedule, (uint64_t)o.seed, o.schedule ? &given : NULL, fmt, &r);
    rc = run_output(tr, &o);
    if (!rc && r.schedule_invalid) {
        cli_errorf("drcsim run: the schedule does not fit this scenario (step %u)", r.steps + 1);
        rc = EXIT_USAGE;
    }
    if (!rc && o.schedule && r.quiescent && r.steps < given.len) {
        cli_errorf("drcsim run: the schedule has %u steps, but the run is quiescent after "
                   "%u", given.len, r.steps);
        rc = EXIT_USAGE;
    }
    if (!rc && r.families) {
        g_autofree char *cmd = replay_command(argv[1], l.var.name, o.knobs, &r.sched);
        fprintf(stderr, "violation: %s\nreplay: %s\n", r.v.message, cmd);
        rc = EXIT_VIOLATION;
    }
    trace_free(tr);
    run_result_free(&r);
    schedule_free(&given);
    loaded_free(&l);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = { 0 };
    int rc = run_main(argc, argv, &o);

    run_opts_free(&o);
    return rc;
}
