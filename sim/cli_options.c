/*
 * Option parsing for every command: GOption under "drcsim CMD", then the
 * command's own check of its arguments and of which options go together.
 * Either error is one line on standard error, and the command exits 2;
 * every command prints its errors through cli_error, which keeps them one line.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace.h"

void cli_error(const char *msg)
{
    char *line = trace_text_escaped(msg);

    fflush(stdout);   /* after the rows already printed, where both go to one file */
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

/* Does option NAME (without its dashes) take a string, which GOption converts to UTF-8? */
static bool takes_string(const GOptionEntry *entries, const char *name, size_t len)
{
    for (const GOptionEntry *o = entries; o && o->long_name; o++)
        if (strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
            return o->arg == G_OPTION_ARG_STRING || o->arg == G_OPTION_ARG_STRING_ARRAY;
    return false;
}

/*
 * GOption refuses a string option's value that is not UTF-8 with iconv's
 * "Invalid byte sequence in conversion input", naming neither option nor
 * value: find them, as --name VALUE or --name=VALUE, bytes escaped.
 */
static char *not_utf8_option(const GOptionEntry *entries, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i] + 2, *eq = strchr(argv[i], '='), *value;
        size_t len;

        if (strncmp(argv[i], "--", 2))
            continue;
        value = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
        len = eq ? (size_t)(eq - name) : strlen(name);
        if (value && !g_utf8_validate(value, -1, NULL) && takes_string(entries, name, len))
            return g_strdup_printf("the value of --%.*s is not UTF-8: %s", (int)len, name, value);
    }
    return NULL;
}

int cli_parse(const char *cmd, const char *synopsis, const GOptionEntry *entries, int *argc,
              char ***argv, cli_check_fn check, void *opts)
{
    GOptionContext *ctx = g_option_context_new(synopsis);
    GError *e = NULL;
    const char *why = NULL;
    char buf[256], *bad = NULL;
    bool ok;

    if (entries)
        g_option_context_add_main_entries(ctx, entries, NULL);
    ok = g_option_context_parse(ctx, argc, argv, &e);
    if (!ok && e->domain == G_CONVERT_ERROR && (bad = not_utf8_option(entries, *argc, *argv)))
        cli_errorf("drcsim %s: %s", cmd, bad);
    else if (!ok)
        cli_errorf("drcsim %s: %s", cmd, e->message);
    else if ((why = check(opts, *argc, *argv, buf, sizeof(buf))))
        cli_errorf("drcsim %s: %s", cmd, why);
    g_free(bad);
    g_clear_error(&e);
    g_option_context_free(ctx);
    return ok && !why ? EXIT_OK : EXIT_USAGE;
}
