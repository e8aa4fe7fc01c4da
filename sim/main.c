/*
 * The drcsim command line: dispatches `run`, `explore`, `check`, `replay`,
 * `merge`, `validate`, `dot` and `list` to their implementations (cli_*.c);
 * `list` is here.
 * Exit status: 0 as expected, 1 a violation, a verdict mismatch or a search that ran out of
 * --mem, 2 bad input.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "drc.h"

static const char usage[] =
    "usage: drcsim COMMAND [OPTIONS] ...\n"
    "  run SCENARIO [--variant V] [--knob K=V]... [--seed N | --schedule S] [--trace FILE]\n"
    "               [--format text|jsonl]\n"
    "  explore SCENARIO [--variant V] [--knob K=V]... [--max-depth N] [--max-states N]\n"
    "               [--mem MB] [--lossless | --bitstate] [--jobs N] [--shortest] [--shrink]\n"
    "               [--sample random|pct --runs N --seed S] [--split N --out DIR]\n"
    "               [--por none|sleep|dpor] [--symmetry on|off] [--por-check]\n"
    "               [--end-states FILE] [--json FILE] [--trace FILE]\n"
    "  explore --job FILE [--mem MB] [--lossless | --bitstate] [--por MODE] [--jobs N]\n"
    "               [--json FILE] [--end-states FILE]\n"
    "  check [SCENARIO|DIR]... [--por MODE] [--symmetry on|off] [--mem MB] [--jobs N]\n"
    "               [--junit FILE] [--json FILE] | [--split N --out DIR]\n"
    "  check --job FILE [--mem MB] [--jobs N] [--junit FILE] [--json FILE]\n"
    "  replay TRACE\n"
    "  merge RESULT.json... [--json FILE]\n"
    "  validate SCENARIO [--variant V] [--runs N] [--keep DIR] [--json FILE]\n"
    "  list knobs|invariants|scenarios|variants|drc-table\n"
    "  dot fsm [logical|physical|CPU|PHB|PCI|LMB|PMEM] [--variant V] [--knob K=V]...\n"
    "  dot msc TRACE\n"
    "  dot states SCENARIO [--variant V] [--knob K=V]... [--max-states N] [--symmetry on|off]\n"
    "Each command takes --help.\n";

static const char *const family_help[FAM_COUNT] = {
    "after switchover, a destination DRC differs from the source's in state, device or unplug_requested",
    "at quiescence, QEMU, the guest and libvirt disagree about a device",
    "at quiescence an unplug is pending in QEMU and nothing can complete or report it",
    "a failure was reported (timeout, error event, libvirt error) and the device is removed anyway",
    "a guest DLPAR operation ends with an error the scenario did not expect",
    "the tree the guest assembled from configure-connector differs from QEMU's fragment",
    "QEMU would hit an assertion or abort",
    "the destination rejects the migration stream",
    "an expect/assert/rtas expectation of the scenario does not hold",
    "the guest kernel panics (beyond DOMAIN.md's families: a platform act the guest cannot survive)",
};

static void list_knobs(void)
{
    for (int i = 0; i < KNOB_COUNT; i++)
        printf("%-36s default %-26s %s\n    from: %s\n", knob_defs[i].name,
               knob_defs[i].default_value, knob_defs[i].help, knob_defs[i].provenance);
}

static void list_drc_table(void)
{
    printf("%-4s %-9s %-20s %-22s %-24s %6s %-20s %s\n", "row", "class", "state", "operation",
           "guard", "rc", "next", "source");
    for (unsigned i = 0; i < drc_table_len; i++) {
        const struct drc_row *r = &drc_table[i];
        const char *next = r->next == DRC_SAME ? "(same)" : r->next == DRC_READY ? "(ready)"
                         : r->next == DRC_EMPTY ? "(empty)" : drc_state_name(r->next);
        printf("%-4u %-9s %-20s %-22s %-24s %6d %-20s %s\n", i, drc_classes_name(r->classes),
               r->state == DRC_ANY_STATE ? "*" : drc_state_name(r->state), drc_op_name(r->op),
               drc_guard_name(r->guard), r->rc, next, r->source);
    }
}

static int list_dir(const char *dir, const char *suffix, bool scenarios)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;

    if (!d) {
        cli_errorf("drcsim list: cannot read %s", dir);
        g_ptr_array_free(names, TRUE);
        return EXIT_USAGE;
    }
    while ((n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, suffix))
            g_ptr_array_add(names, g_strndup(n, strlen(n) - strlen(suffix)));
    g_dir_close(d);
    g_ptr_array_sort(names, compare_names);
    for (unsigned i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_autofree char *path = g_strdup_printf("%s/%s%s", dir, name, suffix);
        char err[512];
        if (scenarios) {
            struct scenario *scn = g_new0(struct scenario, 1);
            if (scenario_parse_file(path, scn, err, sizeof(err)))
                printf("%-32s %s\n    source: %s\n", scn->name, scn->title, scn->source);
            else
                cli_error(err);
            g_free(scn);
        } else {
            struct variant v;
            if (variant_load(dir, name, &v, err, sizeof(err)))
                printf("%-28s %s\n", v.name, v.title);
            else
                cli_error(err);
        }
    }
    g_ptr_array_free(names, TRUE);
    return EXIT_OK;
}

static int cmd_list_what(const char *what)
{
    g_autofree char *vdir = variants_dir_for("scenarios/x.scn");
    g_autofree char *sdir = g_build_filename(vdir, "..", "scenarios", NULL);

    if (strcmp(what, "knobs") == 0)
        list_knobs();
    else if (strcmp(what, "invariants") == 0)
        for (int f = 0; f < FAM_COUNT; f++)
            printf("%-24s %s\n", family_names[f], family_help[f]);
    else if (strcmp(what, "drc-table") == 0)
        list_drc_table();
    else if (strcmp(what, "variants") == 0)
        return list_dir(vdir, ".var", false);
    else if (strcmp(what, "scenarios") == 0)
        return list_dir(sdir, ".scn", true);
    else {
        cli_errorf("drcsim list: unknown list '%s' (knobs, invariants, scenarios, "
                   "variants, drc-table)", what);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static const char *list_args(void *opts, int argc, char **argv, char *buf, size_t len)
{
    (void)opts, (void)argv, (void)buf, (void)len;
    return argc != 2 ? "expected what to list (see drcsim list --help)" : NULL;
}

int cmd_list(int argc, char **argv)
{
    int rc = cli_parse("list", "knobs|invariants|scenarios|variants|drc-table - list with provenance",
                       NULL, &argc, &argv, list_args, NULL);

    return rc ? rc : cmd_list_what(argv[1]);
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        { "run", cmd_run }, { "explore", cmd_explore }, { "check", cmd_check },
        { "replay", cmd_replay }, { "list", cmd_list }, { "validate", cmd_validate },
        { "merge", cmd_merge }, { "dot", cmd_dot } };

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    g_set_prgname("drcsim");
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    cli_errorf("drcsim: unknown command '%s'", argv[1]);
    fputs(usage, stderr);
    return EXIT_USAGE;
}
