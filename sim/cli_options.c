/*
 * Option parsing for every command: GOption under "drcsim CMD", then the
 * command's own check of its arguments and of which options go together.
 * Either error is one line on standard error, and the command exits 2;
 * every command prints its errors through cli_error, which keeps them one line.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include "cli.h"
#include "trace.h"

void cli_error(const char *msg)
{
    char *line = trace_text_escaped(msg);

    fprintf(stderr, "%s\n", line);
    g_free(line);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    cli_error(msg);
    g_free(msg);
}

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
        cli_errorf("drcsim %s: %s", cmd, e->message);
    else if ((why = check(opts, *argc, *argv, buf, sizeof(buf))))
        cli_errorf("drcsim %s: %s", cmd, why);
    g_clear_error(&e);
    g_option_context_free(ctx);
    return ok && !why ? EXIT_OK : EXIT_USAGE;
}
