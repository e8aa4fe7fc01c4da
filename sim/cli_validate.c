/*
 * `drcsim validate SCENARIO`: run the scenario on real QEMU (pseries under
 * TCG with a Linux guest, realdrive.c) --runs times, and check that each
 * real run is one of the behaviours the model admits (validate_search.c).
 * A real QEMU that hangs or exits makes its run "reference invalid"; one
 * killed by a signal too, unless the model crashes there as well.
 * --keep writes each run as DIR/run-N/real-run.json, numbered after the runs
 * DIR already holds; --recorded judges such files again.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "libvirt.h"
#include "real_record.h"
#include "realdrive.h"
#include "trace.h"
#include "validate.h"

struct validate_cli {
    char *variant, *keep, *json, *setup_dir;
    char **recorded;
    gint runs;
};

#define RUNS_UNSET (-1)

struct run_verdict {
    const char *verdict;
    double seconds;
    unsigned observables;
    uint64_t states;
    bool crashed;   /* admitted with QEMU's crash: the model crashes there too */
};

/*
 * The model's initial world is each machine after its start-up; so of the
 * real run, what a machine shows from its first QMP command on, past the
 * start-up's own (libvirt's vCPU device_adds, libvirt_start_vcpus). The run ends
 * at the first QEMU death: what the others show after it is its aftermath (a
 * destination whose incoming stream broke). *crashed: that death was a signal.
 */
static GArray *project(const struct sim *s, GArray *real, double *last, int *crashed)
{
    GArray *obs = g_array_new(FALSE, FALSE, sizeof(struct observation));
    double first[MAX_MACHINES];
    int startup[MAX_MACHINES] = { 0 };

    *crashed = -1;
    for (int m = 0; m < MAX_MACHINES; m++) {
        first[m] = 1e300;
        startup[m] = m < s->scn->nmachines ? __builtin_popcount(libvirt_start_vcpus(s, m)) : 0;
    }
    for (guint i = 0; i < real->len; i++) {   /* by time: the first after the start-up's */
        const struct real_obs *r = &g_array_index(real, struct real_obs, i);
        struct observation o;
        if (strcmp(r->kind, "qmp") == 0 && real_observation(s, r->machine, "qmp", "device_add x",
                                                            &o) && startup[o.machine]-- <= 0 &&
            r->t < first[o.machine])
            first[o.machine] = r->t;
    }
    for (guint i = 0; i < real->len; i++) {
        const struct real_obs *r = &g_array_index(real, struct real_obs, i);
        struct observation o;
        bool seen = real_observation(s, r->machine, r->kind, r->text, &o);
        if (seen && (r->t >= first[o.machine] || o.stream == OBS_CRASH)) {
            g_array_append_val(obs, o);
            *last = r->t;
        }
        if (strcmp(r->kind, "death") == 0) {
            *crashed = seen ? o.machine : -1;
            break;
        }
    }
    return obs;
}

/* Was the run invalid only because QEMU on machine m was killed by a signal? */
static bool invalid_by_crash(const struct sim *s, int m, const char *invalid)
{
    g_autofree char *prefix = NULL;

    if (m < 0)
        return false;
    prefix = g_strdup_printf(REAL_INVALID "%s: " REAL_DEATH_BY_SIGNAL, s->scn->machines[m].name);
    return g_str_has_prefix(invalid, prefix);
}

static void json_run(GString *g, const struct run_verdict *v, const char *detail)
{
    g_string_append_printf(g, "%s{\"verdict\":\"%s\",\"seconds\":%.3f,\"observables\":%u,"
                           "\"model_states\":%" G_GUINT64_FORMAT ",\"crashed\":%s,"
                           "\"first_divergence\":",
                           g->len && g->str[g->len - 1] == '}' ? "," : "", v->verdict, v->seconds,
                           v->observables, v->states, v->crashed ? "true" : "false");
    json_string_append(g, detail);
    g_string_append_c(g, '}');
}

/* --json FILE: {"scenario", "variant", "runs": [...]} (g_free it). */
static char *results_json(const char *scenario, const char *variant, const char *runs)
{
    GString *g = g_string_new("{\"scenario\":");

    json_string_append(g, scenario);
    g_string_append(g, ",\"variant\":");
    json_string_append(g, variant);
    g_string_append_printf(g, ",\"runs\":[%s]}\n", runs);
    return g_string_free(g, FALSE);
}

static void print_run(const char *label, const struct run_verdict *v, const char *detail)
{
    printf("  %s: %.1f s, %u observables: %s%s (model states %" G_GUINT64_FORMAT ")%s%s\n", label,
           v->seconds, v->observables, v->verdict, v->crashed ? ", QEMU's crash too" : "",
           v->states, detail ? "\n    " : "", detail ? detail : "");
}

/*
 * A run's observations judged: 0 admitted or reference invalid, 1 diverged. A
 * run that QEMU's crash made invalid is admitted when the model crashes there too.
 */
static int judge(struct loaded *l, GArray *real, const char *invalid, double seconds,
                 const char *label, GString *runs_json)
{
    double last = 0;
    int crashed;
    GArray *obs = project(&l->sim, real, &last, &crashed);
    struct run_verdict v = { .seconds = seconds, .observables = obs->len };
    /* the run ends when the driver stops watching: its seconds, on the observations' clock */
    uint32_t quiet_ms = seconds > last ? (uint32_t)((seconds - last) * 1000) : 0;
    bool by_crash = invalid[0] && invalid_by_crash(&l->sim, crashed, invalid);
    g_autofree char *why = NULL;
    struct inclusion inc;
    int rc = 0;

    if (invalid[0] && !by_crash) {
        v.verdict = "reference-invalid";
        printf("  %s: %.1f s, %s\n", label, v.seconds, invalid);
        json_run(runs_json, &v, invalid);
        g_array_free(obs, TRUE);
        return 0;
    }
    validate_inclusion(&l->sim, (const struct observation *)obs->data, obs->len, quiet_ms,
                       by_crash, &inc);
    v.states = inc.states;
    if (by_crash && !inc.admitted) {   /* a crash outside the model: the reference is broken */
        v.verdict = "reference-invalid";
        why = g_strdup_printf("%s; the model has no such crash (%s)", invalid, inc.divergence);
    } else {
        v.verdict = inc.admitted ? "admitted" : "diverged";
        v.crashed = by_crash && inc.admitted;
        if (!inc.admitted)
            why = g_strdup(inc.divergence);
        rc = !inc.admitted;
    }
    print_run(label, &v, why);
    json_run(runs_json, &v, why);
    g_array_free(obs, TRUE);
    return rc;
}

/* One real run, kept as workdir/real-run.json when keep, and judged. */
static int one_run(struct loaded *l, const char *path, const struct real_setup *paths,
                   const char *workdir, bool keep, int i, GString *runs_json)
{
    struct real_record rec = { .obs = g_array_new(FALSE, FALSE, sizeof(struct real_obs)) };
    g_autofree char *label = g_strdup_printf("run %d", i);
    char err[600];
    int rc;

    if (!real_drive_scenario(l->scn, workdir, paths, rec.obs, &rec.seconds, rec.invalid,
                             sizeof(rec.invalid))) {
        struct run_verdict v = { .verdict = "not-drivable" };
        printf("  run %d: cannot be driven on real QEMU: %s\n", i, rec.invalid);
        json_run(runs_json, &v, rec.invalid);
        real_record_clear(&rec);
        return 2;
    }
    if (keep) {
        g_autofree char *file = g_build_filename(workdir, "real-run.json", NULL);
        g_autofree char *base = g_path_get_basename(path);
        g_strlcpy(rec.scenario, base, sizeof(rec.scenario));
        if (!real_record_write(file, &rec, err, sizeof(err)))
            cli_errorf("drcsim validate: %s", err);
    }
    rc = judge(l, rec.obs, rec.invalid, rec.seconds, label, runs_json);
    real_record_clear(&rec);
    return rc;
}

/* Each --recorded file judged again (every one read first); 2 when one cannot be read. */
static int recorded_runs(struct loaded *l, char **files, const char *path, GString *runs_json)
{
    guint n = g_strv_length(files);
    struct real_record *rec = g_new0(struct real_record, n);
    char err[1024];
    int worst = 0;

    for (guint i = 0; i < n && !worst; i++)
        if (!real_record_read(files[i], l->scn, path, &rec[i], err, sizeof(err))) {
            cli_error(err);
            worst = EXIT_USAGE;
        }
    if (!worst)
        printf("%s under %s: %u recorded run(s)\n", path, l->var.name, n);
    for (guint i = 0; i < n && worst != EXIT_USAGE; i++) {
        int rc = judge(l, rec[i].obs, rec[i].invalid, rec[i].seconds, files[i], runs_json);
        worst = rc > worst ? rc : worst;
    }
    for (guint i = 0; i < n; i++)
        real_record_clear(&rec[i]);
    g_free(rec);
    return worst;
}

static const char *validate_conflict(void *opts, int argc, char **argv, char *buf, size_t len)
{
    const struct validate_cli *o = opts;

    (void)argv, (void)buf, (void)len;
    if (argc != 2)
        return "expected one SCENARIO (see drcsim validate --help)";
    if (o->recorded && (o->runs != RUNS_UNSET || o->keep || o->setup_dir))
        return "--recorded judges kept runs again: it takes no --runs, --keep or --setup";
    return o->runs != RUNS_UNSET && o->runs < 1 ? "--runs takes N >= 1" : NULL;
}

static int validate_parse(int *argc, char ***argv, struct validate_cli *o)
{
    GOptionEntry entries[] = {
        { "variant", 0, 0, G_OPTION_ARG_STRING, &o->variant, "Variant (default real-qemu-7.2)", "V" },
        { "runs", 0, 0, G_OPTION_ARG_INT, &o->runs, "Real runs (default 3)", "N" },
        { "keep", 0, 0, G_OPTION_ARG_FILENAME, &o->keep,
          "Keep each run's files as DIR/run-N, after those DIR holds", "DIR" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json, "Write the result as JSON", "FILE" },
        { "setup", 0, 0, G_OPTION_ARG_FILENAME, &o->setup_dir,
          "What validate/setup prepared (default build/validate)", "DIR" },
        { "recorded", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->recorded,
          "Judge a kept run (DIR/run-N/real-run.json) again, without QEMU (repeatable)", "FILE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL } };

    o->runs = RUNS_UNSET;
    return cli_parse("validate", "SCENARIO - check real QEMU runs against the model", entries, argc,
                     argv, validate_conflict, o);
}

/* --keep DIR adds to what DIR holds: the first N with no DIR/run-N (1 without --keep). */
static int first_free_run(const char *keep)
{
    int n = 1;

    while (keep) {
        g_autofree char *dir = g_strdup_printf("%s/run-%d", keep, n);
        if (!g_file_test(dir, G_FILE_TEST_EXISTS))
            break;
        n++;
    }
    return n;
}

static int validate_runs(struct loaded *l, const struct validate_cli *o, const char *path,
                         const struct real_setup *paths, GString *runs_json)
{
    int worst = 0, runs = o->runs == RUNS_UNSET ? 3 : o->runs, first = first_free_run(o->keep);

    printf("%s under %s: %d real run(s)\n", path, l->var.name, runs);
    for (int i = first; i < first + runs && worst < 2; i++) {
        g_autofree char *dir = o->keep ? g_strdup_printf("%s/run-%d", o->keep, i)
                                       : g_dir_make_tmp("drcsim-validate-XXXXXX", NULL);
        int rc;
        g_mkdir_with_parents(dir, 0755);
        rc = one_run(l, path, paths, dir, o->keep != NULL, i, runs_json);
        worst = rc > worst ? rc : worst;
        if (!o->keep) {
            g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
            if (system(cmd) != 0)
                cli_errorf("drcsim validate: could not remove %s", dir);
        }
    }
    return worst == 2 ? EXIT_USAGE : worst;
}

int cmd_validate(int argc, char **argv)
{
    struct validate_cli o = { 0 };
    struct real_setup paths;
    struct loaded l;
    char err[1024];
    GString *runs_json = g_string_new(NULL);
    int rc = validate_parse(&argc, &argv, &o);

    if (!rc && !o.recorded && !real_setup_load(o.setup_dir ? o.setup_dir : "build/validate", &paths, err, sizeof(err))) {
        cli_errorf("drcsim validate: %s (run validate/setup first)", err);
        rc = EXIT_USAGE;
    }
    if (!rc && !load_scenario(argv[1], o.variant ? o.variant : "real-qemu-7.2", NULL, &l, err, sizeof(err))) {
        cli_error(err);
        rc = EXIT_USAGE;
    } else if (!rc) {
        rc = o.recorded ? recorded_runs(&l, o.recorded, argv[1], runs_json)
                        : validate_runs(&l, &o, argv[1], &paths, runs_json);
        if (o.json) {
            g_autofree char *text = results_json(argv[1], l.var.name, runs_json->str);
            if (!g_file_set_contents(o.json, text, -1, NULL))
                cli_errorf("drcsim validate: cannot write %s", o.json);
        }
        loaded_free(&l);
    }
    g_string_free(runs_json, TRUE);
    g_free(o.variant);
    g_free(o.keep);
    g_free(o.json);
    g_free(o.setup_dir);
    g_strfreev(o.recorded);
    return rc;
}
