/*
 * `drcsim explore`: every interleaving of a scenario under one variant;
 * prints states, transitions, depth, seconds and states/s, then each
 * violation family with its message and the command that replays it.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "explore_symmetry.h"
#include "footprint.h"
#include "trace.h"

const char *bitstate_missed_text(double missed, char *buf, size_t len)
{
    snprintf(buf, len, "bitstate: about %.0f new states taken for seen ones", missed);
    return buf;
}

void print_exploration(FILE *f, const char *path, const char *variant, char **knobs,
                       const struct explore_stats *st)
{
    char bits[96];

    fprintf(f, "states %" G_GUINT64_FORMAT "  transitions %" G_GUINT64_FORMAT "  depth %u  "
            "quiescent %" G_GUINT64_FORMAT "  %.3f s  %.0f states/s  %.1f bytes/state  "
            "peak %ld KB\n", st->states, st->transitions, st->max_depth, st->quiescent_states,
            st->seconds, st->seconds > 0 ? (double)st->states / st->seconds : 0.0,
            st->states ? (double)st->visited_bytes / (double)st->states : 0.0, st->peak_rss_kb);
    fprintf(f, "collision probability %.3g (%s)%s\n", st->collision_probability,
            st->bitstate ? bitstate_missed_text(st->bitstate_missed, bits, sizeof(bits))
            : st->lossless ? "lossless" : "64-bit fingerprints",
            st->levels_full ? "  STOPPED: the breadth-first levels and the visited set used up "
                              "the --mem budget (raise --mem)"
            : st->full && st->lossless ? "  STOPPED: the visited set's --mem budget is used up "
                                         "(raise --mem: --lossless has no bitstate mode)"
            : st->full ? "  STOPPED: the visited set's --mem budget is used up "
                         "(raise --mem, or go on with --bitstate)"
            : st->limits == (LIMIT_MAX_STATES | LIMIT_MAX_DEPTH)
                ? "  (cut short by --max-states and --max-depth)"
            : st->limits == LIMIT_MAX_STATES ? "  (cut short by --max-states)"
            : st->limits == LIMIT_MAX_DEPTH ? "  (cut short by --max-depth)"
            : st->por_error ? "  (cut short by --por-check)" : "");
    for (int fam = 0; fam <= EXPLORE_MODEL_BOUND; fam++) {   /* the families, then the bound */
        const struct counterexample *cx = &st->cex[fam];
        g_autofree char *cmd = NULL;
        if (!cx->found || (fam >= FAM_COUNT && fam != EXPLORE_MODEL_BOUND))
            continue;
        cmd = replay_command(path, variant, knobs, &cx->sched);
        fprintf(f, "  %s: %s\n    replay: %s\n", fam == EXPLORE_MODEL_BOUND ? "incomplete, a "
                "branch ended at a model bound" : family_names[fam], cx->v.message, cmd);
    }
}

/* Which clients the search took as interchangeable, and how often that folded a world. */
void print_symmetry(FILE *f, const struct sim *s, const struct explore_opts *o,
                    const struct explore_stats *st)
{
    if (s->sym.n < 2) {
        if (s->sym.alike >= 2)
            fprintf(f, "symmetry none: %u clients alike, but %s\n", s->sym.alike, s->sym.why_not);
        return;
    }
    fprintf(f, "symmetry %s: %u interchangeable clients (", o->no_symmetry ? "off" : "on",
            s->sym.n);
    for (unsigned k = 0; k < s->sym.n; k++)
        fprintf(f, "%s%s", k ? " " : "", s->scn->script_names[s->sym.mem[k].script]);
    if (o->no_symmetry)
        fprintf(f, ")\n");
    else
        fprintf(f, "), %" G_GUINT64_FORMAT " states stored as another order of them\n",
                st->symmetric_states);
}

/* One line on a terminal: states, states/s, depth, stack, memory. */
static void progress_line(const struct explore_stats *st, unsigned depth, size_t queue, void *arg)
{
    (void)arg;
    fprintf(stderr, "\r%12" G_GUINT64_FORMAT " states  %9.0f states/s  depth %4u  stack %5zu  "
            "%6ld MB  %6.1f s ", st->states, st->seconds > 0 ? (double)st->states / st->seconds : 0,
            depth, queue, explore_peak_rss_kb() / 1024, st->seconds);
}

/* Wipe the progress line before the results. */
void progress_clear(void)
{
    fprintf(stderr, "\r%100s\r", "");
}

/* Sampling on a terminal: runs done, their rate, memory, and when the rest will be. */
static void sample_progress(unsigned done, unsigned runs, double seconds, void *arg)
{
    double rate = seconds > 0 ? done / seconds : 0;

    (void)arg;
    fprintf(stderr, "\r%10u/%u runs  %8.0f runs/s  %6ld MB  %6.1f s  ETA %6.1f s ", done, runs,
            rate, explore_peak_rss_kb() / 1024, seconds, rate > 0 ? (runs - done) / rate : 0.0);
}

struct explore_cli {
    char *variant, *json, *trace_path, *sample, *job, *out, *por, *end_states, *symmetry;
    gboolean por_check;
    char **knobs;
    gint64 split, runs, depth, jobs, seed, max_depth, mem_mb, max_states;   /* CLI_UNSET or given */
    gboolean lossless, bitstate, shortest, shrink;
};

/* A number out of its option's range, as the one-line error; NULL when all are in range. */
static const char *explore_range(const struct explore_cli *o, char *buf, size_t len)
{
    const struct { const char *name; gint64 v, min, max; } num[] = {
        { "--max-depth", o->max_depth, 1, G_MAXUINT32 },
        { "--max-states", o->max_states, 1, G_MAXINT64 },
        { "--mem", o->mem_mb, 1, CLI_MEM_MB_MAX },
        { "--split", o->split, 1, CLI_SPLIT_MAX },
        { "--runs", o->runs, 1, G_MAXUINT32 },
        { "--depth", o->depth, 1, PCT_MAX_DEPTH },
        { "--jobs", o->jobs, 1, CLI_JOBS_MAX },
        { "--seed", o->seed, 0, G_MAXINT64 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(num); i++)
        if (cli_given(num[i].v) && (num[i].v < num[i].min || num[i].v > num[i].max)) {
            snprintf(buf, len, "%s takes %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, num[i].name,
                     num[i].min, num[i].max);
            return buf;
        }
    return NULL;
}

/* What goes with --sample and --shortest, as the one-line error; NULL when it does. */
static const char *explore_mode_conflict(const struct explore_cli *o)
{
    if ((cli_given(o->runs) || cli_given(o->seed)) && !o->sample)
        return "--runs and --seed go with --sample";
    if (cli_given(o->depth) && !(o->sample && !strcmp(o->sample, "pct")))
        return "--depth goes with --sample pct";
    if (o->sample && (o->shortest || cli_given(o->max_states) || cli_given(o->mem_mb) ||
                      o->lossless || o->bitstate))
        return "--sample keeps no visited set: not --shortest, --max-states, --mem, --lossless "
               "or --bitstate";
    if (o->shortest && o->jobs > 1)   /* CLI_UNSET is below 1 */
        return "--shortest runs on one job";
    return NULL;
}

/* Arguments and options that do not go together, as the one-line error; NULL when they do. */
static const char *explore_conflict(void *opts, int argc, char **argv, char *buf, size_t len)
{
    const struct explore_cli *o = opts;
    enum por_mode mode;
    bool off;
    const char *why = explore_range(o, buf, len);

    (void)argv;
    if (argc != (o->job ? 1 : 2))
        return "expected one SCENARIO, or --job FILE alone";
    if (why || (why = explore_mode_conflict(o)))
        return why;
    if (o->sample && strcmp(o->sample, "random") && strcmp(o->sample, "pct"))
        return "--sample takes random or pct";
    if (o->lossless && o->bitstate)
        return "--lossless and --bitstate exclude each other";
    if (o->job && (o->variant || o->knobs || o->sample || o->shortest || o->shrink ||
                   cli_given(o->split) || o->trace_path || cli_given(o->max_depth) ||
                   cli_given(o->max_states) || o->symmetry))
        return "--job takes only --mem, --lossless, --bitstate, --por, --jobs, --json and "
               "--end-states (the job file names the scenario, variant and knobs)";
    if (cli_given(o->split) && (o->sample || o->shortest || o->shrink || cli_given(o->jobs) ||
                                o->json || o->trace_path || cli_given(o->max_depth) ||
                                cli_given(o->max_states) || cli_given(o->mem_mb) || o->lossless ||
                                o->bitstate))
        return "--split N takes only --variant, --knob, --symmetry, --out and --end-states; the "
               "jobs take the search options";
    if (o->por && !por_mode_parse(o->por, &mode))
        return "--por takes none, sleep or dpor";
    if (!symmetry_parse(o->symmetry, &off))
        return "--symmetry takes on or off";
    if ((o->por || o->por_check) && (o->sample || o->shortest || cli_given(o->split)))
        return "--por and --por-check go with the depth-first search, "
               "not --sample, --shortest or --split";
    if (o->end_states && (o->sample || o->shortest))
        return "--end-states goes with the depth-first search and --split, "
               "not --sample or --shortest";
    if (o->symmetry && o->sample)
        return "--symmetry goes with the searches that keep a visited set, not --sample";
    if (o->out && !cli_given(o->split))
        return "--out goes with --split";
    return NULL;
}

static int explore_parse(int *argc, char ***argv, struct explore_cli *o)
{
    GOptionEntry entries[] = {
        { "variant", 0, 0, G_OPTION_ARG_STRING, &o->variant, "Variant (default upstream)", "V" },
        { "knob", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->knobs, "Override a knob", "K=V" },
        { "max-depth", 0, 0, G_OPTION_ARG_INT64, &o->max_depth,
          "Cut branches (with --sample: runs) deeper than N steps", "N" },
        { "max-states", 0, 0, G_OPTION_ARG_INT64, &o->max_states, "Stop after N states", "N" },
        { "mem", 0, 0, G_OPTION_ARG_INT64, &o->mem_mb,
          "Visited-set budget (default 4096; --shortest: with its levels)", "MB" },
        { "lossless", 0, 0, G_OPTION_ARG_NONE, &o->lossless, "Store whole states", NULL },
        { "shortest", 0, 0, G_OPTION_ARG_NONE, &o->shortest,
          "Breadth first: counterexamples with the fewest steps", NULL },
        { "sample", 0, 0, G_OPTION_ARG_STRING, &o->sample,
          "Sample N runs instead of exploring all: random or pct", "MODE" },
        { "runs", 0, 0, G_OPTION_ARG_INT64, &o->runs, "Sampled runs (default 1000)", "N" },
        { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "First seed of the sampled runs (default 1)", "S" },
        { "depth", 0, 0, G_OPTION_ARG_INT64, &o->depth, "PCT: the bug depth d, 1..17 (default 3)", "D" },
        { "jobs", 0, 0, G_OPTION_ARG_INT64, &o->jobs, "Worker threads (default 1)", "N" },
        { "split", 0, 0, G_OPTION_ARG_INT64, &o->split, "Write N independent job files", "N" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &o->out, "Where --split writes (default jobs)", "DIR" },
        { "job", 0, 0, G_OPTION_ARG_FILENAME, &o->job, "Run one job file of --split", "FILE" },
        { "shrink", 0, 0, G_OPTION_ARG_NONE, &o->shrink,
          "Drop the statements the first violation does not need; print the scenario", NULL },
        { "bitstate", 0, 0, G_OPTION_ARG_NONE, &o->bitstate,
          "When --mem is used up, go on with bitstate hashing", NULL },
        { "por", 0, 0, G_OPTION_ARG_STRING, &o->por,
          "Partial-order reduction: none, sleep or dpor (default dpor)", "MODE" },
        { "por-check", 0, 0, G_OPTION_ARG_NONE, &o->por_check,
          "Check every reduction: declared footprints cover each change, diamonds close", NULL },
        { "symmetry", 0, 0, G_OPTION_ARG_STRING, &o->symmetry,
          "Interchangeable clients: store one order of them (on, the default) or every (off)",
          "on|off" },
        { "end-states", 0, 0, G_OPTION_ARG_FILENAME, &o->end_states,
          "Write the fingerprints of the quiescent worlds (up to client symmetry), sorted, "
          "one per line", "FILE" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json, "Write figures as JSON", "FILE" },
        { "trace", 0, 0, G_OPTION_ARG_FILENAME, &o->trace_path,
          "Write the first counterexample's JSONL trace", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL } };

    return cli_parse("explore", "SCENARIO - explore every interleaving", entries, argc, argv,
                     explore_conflict, o);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* --end-states: the quiescent worlds' fingerprints, sorted, for comparing searches. */
static int write_end_states(const char *path, GArray *fps)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        cli_errorf("drcsim explore: %s: %s", path, g_strerror(errno));
        return EXIT_USAGE;
    }
    if (fps->len)   /* no quiescent world: data is NULL, which qsort may not get */
        qsort(fps->data, fps->len, sizeof(uint64_t), cmp_u64);
    for (unsigned i = 0; i < fps->len; i++)   /* a set: one line per fingerprint */
        if (!i || g_array_index(fps, uint64_t, i) != g_array_index(fps, uint64_t, i - 1))
            fprintf(f, "%016" G_GINT64_MODIFIER "x\n", g_array_index(fps, uint64_t, i));
    if (fclose(f) != 0) {
        cli_errorf("drcsim explore: %s: %s", path, g_strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* rc of the search, with --end-states written (not after bad input); fps freed. */
static int end_states_done(int rc, const char *path, GArray *fps)
{
    int w = EXIT_OK;

    if (fps && rc != EXIT_USAGE && rc != EXIT_INTERNAL)
        w = write_end_states(path, fps);
    if (fps)
        g_array_free(fps, TRUE);
    return w ? w : rc;
}

/* --por-check failed: a model's footprint is wrong; the reduction cannot be trusted. */
int por_check_report(const struct loaded *l, const struct explore_stats *st)
{
    char obj[96];

    if (st->por_error_object >= 0)
        cli_errorf("drcsim explore: --por-check: a step of actor %u (kind %u) changed %s, "
                   "which its footprint does not declare", st->por_error_actor, st->por_error_kind,
                   footprint_object_name(&l->sim, (unsigned)st->por_error_object, obj, sizeof(obj)));
    else if (st->por_error_object == -1)
        cli_errorf("drcsim explore: --por-check: a step of actor %u (kind %u) and the step "
                   "of actor %u it was deemed independent of do not commute", st->por_error_actor,
                   st->por_error_kind, st->por_error_other);
    else if (st->por_error_object == -4)
        cli_errorf("drcsim explore: --por-check: a persistent set remembered for an earlier "
                   "world differs from the one computed for this one (a model's future table "
                   "changed)");
    else if (st->por_error_object == -5)
        cli_errorf("drcsim explore: --por-check: the clients' keys carried from a world to "
                   "its successor differ from those computed afresh (a key reads what the model's "
                   "change test does not compare)");
    else if (st->por_error_object == -3)
        cli_errorf("drcsim explore: --por-check: a step of actor %u (kind %u) changed a byte "
                   "of the world outside the blocks the fingerprint covers", st->por_error_actor,
                   st->por_error_kind);
    else
        cli_errorf("drcsim explore: --por-check: a step of actor %u (kind %u) does not map "
                   "onto the world with the clients permuted (run with --symmetry off)",
                   st->por_error_actor, st->por_error_kind);
    return EXIT_INTERNAL;
}

/* --shrink: the reduced scenario of the first family, next to the trace or printed. */
static bool write_shrunk(const char *path, const struct explore_cli *o, uint32_t families,
                         const char *variant)
{
    unsigned kept, dropped;
    uint8_t fam = (uint8_t)__builtin_ctz(families);
    g_autofree char *text = shrink_scenario(path, variant, o->knobs, fam, &kept, &dropped);
    g_autofree char *out = o->trace_path ? g_strdup_printf("%s.scn", o->trace_path) : NULL;

    if (!text)
        return false;
    printf("shrunk for %s: %u statement(s) kept, %u dropped%s%s\n", family_names[fam], kept,
           dropped, out ? " -> " : "", out ? out : "");
    if (!out) {
        fputs(text, stdout);
        return true;
    }
    return g_file_set_contents(out, text, -1, NULL);
}

/* --trace, --shrink and --json of a search or a sample: cex its counterexamples, figures
 * its JSON figures, to which the scenario, variant, trace and replay command are added. */
static int explore_outputs(struct loaded *l, const char *path, const struct explore_cli *o,
                           const struct counterexample *cex, const struct json_result *figures)
{
    char err[512];
    GString *g = g_string_new(NULL);
    g_autofree char *replay = first_replay(path, l->var.name, o->knobs, cex);
    struct json_result jr = *figures;
    bool ok = true;

    jr.scenario = path, jr.variant = l->var.name, jr.replay = replay, jr.knobs = o->knobs;
    jr.ignored = l->sim.scn->ignore_families;
    jr.counterexample = o->trace_path && jr.families ? o->trace_path : NULL;
    if (o->trace_path && jr.families &&
        (ok = write_first_counterexample(l, path, cex, o->trace_path, err, sizeof(err))))
        printf("counterexample trace: %s\n", o->trace_path);
    if (ok && o->shrink && jr.families && !write_shrunk(path, o, jr.families, l->var.name))
        ok = !snprintf(err, sizeof(err), "cannot shrink or write the shrunk scenario");
    if (ok && o->json) {
        json_result_append(g, &jr);
        ok = json_results_write(o->json, g, err, sizeof(err));
    }
    g_string_free(g, TRUE);
    if (!ok)
        cli_errorf("drcsim explore: %s", err);
    return ok ? EXIT_OK : EXIT_USAGE;
}

/* A number option's value, or its default when it was left out. */
static gint64 or_default(gint64 v, gint64 def)
{
    return cli_given(v) ? v : def;
}

/* PCT's bound with the k its change points were drawn from; a run longer than k may hold a
 * bug whose change points lie past it, which the bound does not cover. */
static void print_pct(const struct sample_opts *so, const struct sample_result *r)
{
    printf("PCT: n = %u actors, k = %u steps, d = %u: a depth-%u bug is found with probability "
           ">= %.3g per run, >= %.3g in %u runs\n", r->actors_seen, r->pct_k, so->depth,
           so->depth, r->pct_run_bound, r->pct_total_bound, r->runs);
    if (r->max_steps_seen > r->pct_k)
        printf("PCT: some runs took %u steps, more than k: the bound covers bugs whose %u change "
               "point(s) fall in the first %u steps\n", r->max_steps_seen, so->depth - 1, r->pct_k);
}

/* The scenario's `ignore` line, under the verdict: what the search did not check. */
static void print_ignored(const struct sim *s)
{
    char fams[256];

    if (s->scn->ignore_families)
        printf("not checked: %s (`ignore` on line %u): such violations end no branch\n",
               families_format(s->scn->ignore_families, fams, sizeof(fams)),
               s->scn->ignore_loc.line);
}

static void print_sample(const char *path, const struct loaded *l, const struct explore_cli *o,
                         const struct sample_opts *so, const struct sample_result *r)
{
    char fams[256];

    printf("%s under %s: %s%s\n", path, l->var.name, r->families ? "fail " : "no violation in the "
           "runs sampled", families_format(r->families, fams, sizeof(fams)));
    print_ignored(&l->sim);
    printf("%s sampling: %u runs (seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT "), %u violating, "
           "%" G_GUINT64_FORMAT " steps, %.3f s, %u job(s)\n", o->sample, r->runs, so->seed,
           so->seed + r->runs - 1, r->violating_runs, r->steps, r->seconds, so->jobs);
    if (r->cut_runs)
        printf("%u run(s) cut at %u steps, neither violating nor quiescent\n", r->cut_runs,
               so->max_steps);
    if (r->bound_runs)
        printf("%u run(s) ended at a model bound (MAX_EVENTS or MAX_GUEST_WORK), neither "
               "violating nor quiescent\n", r->bound_runs);
    if (so->mode == SAMPLE_PCT)
        print_pct(so, r);
    for (int f = 0; f < FAM_COUNT; f++)
        if (r->cex[f].found) {
            g_autofree char *cmd = replay_command(path, l->var.name, o->knobs, &r->cex[f].sched);
            printf("  %s: %s\n    first at seed %" G_GUINT64_FORMAT "%s\n    replay: %s\n",
                   family_names[f], r->cex[f].v.message, r->first_seed[f],
                   so->mode == SAMPLE_RANDOM ? " (drcsim run --seed reproduces it)" : "", cmd);
        }
}

static int sample_main(struct loaded *l, const char *path, const struct explore_cli *o)
{
    struct sample_opts so = {
        .mode = strcmp(o->sample, "pct") == 0 ? SAMPLE_PCT : SAMPLE_RANDOM,
        .runs = (unsigned)or_default(o->runs, 1000), .depth = (unsigned)or_default(o->depth, 3),
        .jobs = (unsigned)or_default(o->jobs, 1), .seed = (uint64_t)or_default(o->seed, 1),
        .max_steps = (unsigned)or_default(o->max_depth, 100000) };
    struct sample_result r;
    int rc;

    if (isatty(STDERR_FILENO))   /* silent when not a terminal */
        so.progress = sample_progress;
    explore_sample(&l->sim.model, &l->checker, &l->sim.initial, &so, &r);
    if (so.progress)
        progress_clear();
    print_sample(path, l, o, &so, &r);
    rc = explore_outputs(l, path, o, r.cex, &(struct json_result){
        .pass = !r.families, .incomplete = true, .families = r.families, .sample = &r,
        .sample_mode = o->sample, .sample_seed = so.seed, .sample_depth = so.depth,
        .transitions = r.steps,
        .max_depth = r.max_steps_seen, .seconds = r.seconds });
    sample_result_free(&r);
    return rc ? rc : r.families ? EXIT_VIOLATION : EXIT_OK;
}

/* The verdict, the figures, and what the reductions did. */
static void print_search(const struct loaded *l, const char *path, const struct explore_cli *o,
                         const struct explore_opts *eo, const struct explore_stats *st)
{
    char fams[256];

    printf("%s under %s: %s%s\n", path, l->var.name,
           st->families ? "fail "
           : explore_incomplete(st) ? "incomplete: no violation in the part explored"
           : st->bitstate ? "no violation found, not exhaustive: bitstate may skip states" : "pass",
           families_format(st->families, fams, sizeof(fams)));
    print_ignored(&l->sim);
    print_exploration(stdout, path, l->var.name, o->knobs, st);
    if (!o->shortest && eo->por == POR_DPOR)
        printf("reduction %s: %" G_GUINT64_FORMAT " states expanded through a smaller persistent set"
               ", %" G_GUINT64_FORMAT " expanded fully by the cycle proviso\n",
               por_mode_name(eo->por), st->reduced_states, st->proviso_expansions);
    print_symmetry(stdout, &l->sim, eo, st);
}

static int explore_main(int argc, char **argv, struct explore_cli *po)
{
    struct explore_cli o = { .split = CLI_UNSET, .runs = CLI_UNSET, .depth = CLI_UNSET,
                             .jobs = CLI_UNSET, .seed = CLI_UNSET, .max_depth = CLI_UNSET,
                             .mem_mb = CLI_UNSET, .max_states = CLI_UNSET };
    struct explore_opts eo;
    struct explore_stats st;
    struct loaded l;
    char err[1024];
    int rc = explore_parse(&argc, &argv, &o);

    if (!rc && o.json && !o.trace_path && !o.job && !cli_given(o.split))
        o.trace_path = json_beside(o.json, ".counterexample.jsonl");   /* its JSON names it */
    *po = o;
    if (rc)
        return rc;
    eo = (struct explore_opts){ .max_depth = (unsigned)or_default(o.max_depth, 0),
                                .max_states = (uint64_t)or_default(o.max_states, 0),
                                .mem_bytes = (size_t)or_default(o.mem_mb, CLI_MEM_MB_DEFAULT) << 20,
                                .jobs = (unsigned)or_default(o.jobs, 1),
                                .lossless = o.lossless, .bitstate = o.bitstate };
    eo.por = POR_DPOR;
    if (o.por)
        por_mode_parse(o.por, &eo.por);
    eo.por_check = o.por_check;
    symmetry_parse(o.symmetry, &eo.no_symmetry);
    if (!outputs_writable("explore", (const char *const[]){ o.json, o.trace_path, o.end_states },
                          3))   /* before the search, not after it */
        return EXIT_USAGE;
    if (isatty(STDERR_FILENO))   /* silent when not a terminal */
        eo.progress = progress_line;
    if (o.end_states)
        eo.end_states = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    if (o.job)
        return end_states_done(explore_job(o.job, o.json, &eo), o.end_states, eo.end_states);
    if (!load_scenario(argv[1], o.variant ? o.variant : "upstream", o.knobs, &l, err, sizeof(err))) {
        cli_error(err);
        return end_states_done(EXIT_USAGE, NULL, eo.end_states);
    }
    if (cli_given(o.split)) {
        rc = explore_split(&l, argv[1], o.knobs, (unsigned)o.split, o.out ? o.out : "jobs",
                           eo.end_states, eo.no_symmetry);
        loaded_free(&l);
        return end_states_done(rc, o.end_states, eo.end_states);
    }
    if (o.sample) {
        rc = sample_main(&l, argv[1], &o);
        loaded_free(&l);
        return rc;
    }
    if (o.shortest)
        explore_shortest(&l.sim.model, &l.checker, &l.sim.initial, &eo, &st);
    else
        explore_exhaustive(&l.sim.model, &l.checker, &l.sim.initial, &eo, &st);
    if (eo.progress)
        progress_clear();
    print_search(&l, argv[1], &o, &eo, &st);
    rc = explore_outputs(&l, argv[1], &o, st.cex, &(struct json_result){
        .pass = !st.families, .families = st.families, .st = &st, .states = st.states,
        .transitions = st.transitions, .max_depth = st.max_depth, .seconds = st.seconds });
    if (!rc && st.por_error)
        rc = por_check_report(&l, &st);
    if (!rc)
        rc = EXIT_SEARCH(st.families, st.full);
    rc = end_states_done(rc, o.end_states, eo.end_states);
    explore_stats_free(&st);
    loaded_free(&l);
    return rc;
}

int cmd_explore(int argc, char **argv)
{
    struct explore_cli o = { 0 };
    int rc = explore_main(argc, argv, &o);

    g_free(o.variant);
    g_free(o.sample);
    g_free(o.job);
    g_free(o.out);
    g_free(o.json);
    g_free(o.trace_path);
    g_free(o.por);
    g_free(o.end_states);
    g_free(o.symmetry);
    g_strfreev(o.knobs);
    return rc;
}
