/*
 * Delta debugging of a counterexample's scenario: statements (script lines,
 * waits, knob overrides, coldplugs, expectations) are dropped one at a time,
 * from the last, while every interleaving of what remains still violates the
 * same family; until nothing more can go. The result is a scenario file.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

/* A statement the behaviour may not need (its first word says which). */
static bool removable(const char *line)
{
    static const char *const words[] = { "do", "wait", "rtas", "assert", "knob", "device",
                                         "expect", "verdict", NULL };
    size_t n;

    line += strspn(line, " \t");
    n = strcspn(line, " \t");
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == n && strncmp(line, words[i], n) == 0)
            return true;
    return false;
}

static char *join_kept(gchar **lines, const bool *gone)
{
    GString *g = g_string_new(NULL);

    for (int i = 0; lines[i]; i++)
        g_string_append_printf(g, "%s\n", gone[i] ? "" : lines[i]);
    return g_string_free(g, FALSE);
}

/* Does every-interleaving exploration of text still violate family? */
static bool still_fails(const char *path, const char *text, const char *variant, char **knobs,
                        uint8_t family)
{
    struct loaded l;
    struct explore_stats st;
    struct explore_opts eo = { .mem_bytes = (size_t)1 << 30, .por = POR_DPOR };
    char err[512];
    bool fails;

    if (!load_scenario_text(path, text, variant, knobs, &l, err, sizeof(err)))
        return false;
    explore_exhaustive(&l.sim.model, &l.checker, &l.sim.initial, &eo, &st);
    fails = (st.families >> family) & 1;
    explore_stats_free(&st);
    loaded_free(&l);
    return fails;
}

char *shrink_scenario(const char *path, const char *variant, char **knobs, uint8_t family,
                      unsigned *kept, unsigned *dropped)
{
    g_autofree char *text = NULL;
    gchar **lines;
    bool *gone, changed = true;
    unsigned n;
    GString *out;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    n = g_strv_length(lines);
    gone = g_new0(bool, n);
    *kept = *dropped = 0;
    while (changed) {
        changed = false;
        for (int i = (int)n - 1; i >= 0; i--) {
            g_autofree char *try = NULL;
            if (gone[i] || !removable(lines[i]))
                continue;
            gone[i] = true;
            try = join_kept(lines, gone);
            if (still_fails(path, try, variant, knobs, family)) {
                changed = true;
                (*dropped)++;
            } else {
                gone[i] = false;
            }
        }
    }
    out = g_string_new(NULL);
    g_string_append_printf(out, "# Shrunk by drcsim from %s (variant %s): the statements that %s "
                           "still needs.\n", path, variant, family_names[family]);
    for (unsigned i = 0, header = 1; i < n; i++) {
        const char *p = lines[i] + strspn(lines[i], " \t");
        header &= !g_str_has_prefix(p, "scenario");
        /* comments past the header described statements that may be gone */
        if (!gone[i] && *p && (*p != '#' || header))
            g_string_append_printf(out, "%s\n", lines[i]);
        *kept += !gone[i] && removable(lines[i]);
    }
    g_strfreev(lines);
    g_free(gone);
    return g_string_free(out, FALSE);
}
