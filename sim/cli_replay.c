/*
 * `drcsim replay TRACE`: load the scenario the trace's header carries (else
 * the file it names), with every knob value it names, re-execute its
 * schedule, and fail on the first line that differs from the file.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace.h"

static char **header_overrides(const struct trace_file *tf)
{
    GPtrArray *a = g_ptr_array_new();

    for (int i = 0; tf->knob_names[i]; i++)
        g_ptr_array_add(a, g_strdup_printf("%s=%s", tf->knob_names[i], tf->knob_values[i]));
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}

/*
 * A header that carries the scenario and names every knob is the whole
 * input: the trace replays where it was copied to, without the scenario or
 * the variants beside it (trace.h scenario_text). Else from the files.
 */
static bool load_header(const char *path, const struct trace_file *tf, char **overrides,
                        struct loaded *l, char *err, unsigned errlen)
{
    struct knob_set ks;
    bool whole = false;

    if (tf->scenario_text && !knobs_from_values(overrides, &ks, &whole, err, errlen))
        return false;
    if (whole)
        return load_scenario_knobs(tf->scenario_path, tf->scenario_text, tf->variant, &ks, l,
                                   err, errlen);
    return load_scenario_near(tf->scenario_path, path, tf->scenario_hash, tf->variant, overrides,
                              l, err, errlen);
}

static int compare_lines(const char *path, const struct trace_file *tf, const char *text)
{
    gchar **got = g_strsplit(text, "\n", -1);
    unsigned n = g_strv_length(got);
    int rc = EXIT_OK;

    if (n && got[n - 1][0] == '\0')
        n--;   /* the final newline */
    for (unsigned i = 0; i < tf->nlines || i < n; i++) {
        const char *want = i < tf->nlines ? tf->lines[i] : "(end of file)";
        const char *have = i < n ? got[i] : "(end of re-execution)";
        if (strcmp(want, have) != 0) {
            fprintf(stderr, "%s:%u: error: the re-execution differs\n  trace:  %s\n  replay: %s\n",
                    path, i + 1, want, have);
            rc = EXIT_VIOLATION;
            break;
        }
    }
    if (!rc)
        printf("replay: %s: all %u lines identical\n", path, tf->nlines);
    g_strfreev(got);
    return rc;
}

static int replay_file(const char *path)
{
    struct trace_file tf;
    struct loaded l;
    struct schedule sched;
    struct run_result r;
    char err[1024];
    char **overrides;
    struct trace *tr;
    size_t len;
    int rc;

    if (!trace_read_file(path, &tf, err, sizeof(err))) {
        cli_error(err);
        return EXIT_USAGE;
    }
    if (!schedule_parse(tf.schedule, &sched)) {
        cli_errorf("%s:1:1: error: header \"schedule\" is not a list of step indexes", path);
        trace_file_clear(&tf);
        return EXIT_USAGE;
    }
    overrides = header_overrides(&tf);
    if (!load_header(path, &tf, overrides, &l, err, sizeof(err))) {
        cli_errorf("%s:1:1: error: cannot load what the header names: %s", path, err);
        rc = EXIT_USAGE;
    } else if (l.scenario_hash != tf.scenario_hash) {
        cli_errorf("%s:1:1: error: %s changed since the trace was written (xxh3 differs)",
                   path, tf.scenario_path);
        rc = EXIT_VIOLATION;
        loaded_free(&l);
    } else {
        if (!tf.scenario_text) {   /* an older trace: its header is re-written as it was */
            g_free(l.text);
            l.text = NULL;
        }
        tr = run_traced(&l, tf.scenario_path, tf.has_seed, tf.seed, &sched, TRACE_JSONL, &r);
        rc = compare_lines(path, &tf, trace_buffer(tr, &len));
        trace_free(tr);
        run_result_free(&r);
        loaded_free(&l);
    }
    g_strfreev(overrides);
    schedule_free(&sched);
    trace_file_clear(&tf);
    return rc;
}

static const char *replay_args(void *opts, int argc, char **argv, char *buf, size_t len)
{
    (void)opts, (void)argv, (void)buf, (void)len;
    return argc != 2 ? "expected one TRACE (see drcsim replay --help)" : NULL;
}

int cmd_replay(int argc, char **argv)
{
    int rc = cli_parse("replay", "TRACE - re-execute a JSONL trace and compare", NULL, &argc, &argv,
                       replay_args, NULL);

    return rc ? rc : replay_file(argv[1]);
}
