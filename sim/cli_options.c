/*
 * Option parsing for every command: GOption under "drcsim CMD", then the
 * command's own check of its arguments and of which options go together.
 * Either error is one line on standard error, and the command exits 2.
 */
#include <glib.h>
#include <stdio.h>
#include "cli.h"

int cli_parse(const char *cmd, const char *synopsis, const GOptionEntry *entries, int *argc,
              char ***argv, cli_check_fn check, void *opts)
{
    GOptionContext *ctx = g_option_context_new(synopsis);
    GError *e = NULL;
    const char *why = NULL;
    char buf[256];
    bool ok;

    if (entries)
        g_option_context_add_main_entries(ctx, entries, NULL);
    ok = g_option_context_parse(ctx, argc, argv, &e);
    if (!ok)
        fprintf(stderr, "drcsim %s: %s\n", cmd, e->message);
    else if ((why = check(opts, *argc, *argv, buf, sizeof(buf))))
        fprintf(stderr, "drcsim %s: %s\n", cmd, why);
    g_clear_error(&e);
    g_option_context_free(ctx);
    return ok && !why ? EXIT_OK : EXIT_USAGE;
}
