/*
 * Delta debugging of a counterexample's scenario: statements are dropped one
 * at a time, from the last, while what remains still violates the family and
 * adds no violation under the variants its verdict lines name where the
 * scenario does not violate it (the same bug, not another).
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

/* families_of's answer for a text that does not load: no family mask has every bit. */
#define NOT_LOADED UINT32_MAX

/* The families every-interleaving exploration of text violates under variant, or NOT_LOADED. */
static uint32_t families_of(const char *path, const char *text, const char *variant, char **knobs)
{
    struct loaded l;
    struct explore_stats st;
    struct explore_opts eo = { .mem_bytes = (size_t)1 << 30, .por = POR_DPOR };
    char err[512];
    uint32_t families;

    if (!load_scenario_text(path, text, variant, knobs, &l, err, sizeof(err)))
        return NOT_LOADED;
    explore_exhaustive(&l.sim.model, &l.checker, &l.sim.initial, &eo, &st);
    families = st.families;
    explore_stats_free(&st);
    loaded_free(&l);
    return families;
}

/* A variant the reduction is checked against, and the families the scenario violates there. */
struct control {
    char *variant;
    uint32_t families;
};

/*
 * The variants the verdict lines of lines[] name, other than variant, under
 * which the scenario does not violate family: the reduction must violate
 * nothing more there than the scenario does, or it has found another bug
 * than the one it shrinks.
 */
static GArray *controls_of(const char *path, const char *text, gchar **lines,
                           const char *variant, char **knobs, uint8_t family)
{
    GArray *controls = g_array_new(FALSE, FALSE, sizeof(struct control));

    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) w = g_strsplit_set(lines[i] + strspn(lines[i], " \t"), " \t", 3);
        bool seen = false;
        uint32_t families;
        if (!w[0] || strcmp(w[0], "verdict") != 0 || !w[1] || !strcmp(w[1], variant))
            continue;
        for (guint k = 0; k < controls->len; k++)
            seen |= !strcmp(g_array_index(controls, struct control, k).variant, w[1]);
        if (seen)
            continue;
        families = families_of(path, text, w[1], knobs);
        if (!(families >> family & 1))
            g_array_append_val(controls, ((struct control){ g_strdup(w[1]), families }));
    }
    return controls;
}

static void controls_free(GArray *controls)
{
    for (guint k = 0; k < controls->len; k++)
        g_free(g_array_index(controls, struct control, k).variant);
    g_array_free(controls, TRUE);
}

/*
 * text loads and violates family under variant, and under each control nothing the
 * scenario does not (a text that no longer loads there is another failure too).
 */
static bool same_bug(const char *path, const char *text, const char *variant, char **knobs,
                     uint8_t family, const GArray *controls)
{
    uint32_t families = families_of(path, text, variant, knobs);

    if (families == NOT_LOADED || !(families >> family & 1))
        return false;
    for (guint k = 0; k < controls->len; k++) {
        const struct control *c = &g_array_index(controls, struct control, k);
        if (families_of(path, text, c->variant, knobs) & ~c->families)
            return false;
    }
    return true;
}

/* Drop each removable statement, from the last, while same_bug holds; again until none goes. */
static unsigned drop_unneeded(const char *path, gchar **lines, bool *gone, const char *variant,
                              char **knobs, uint8_t family, const GArray *controls)
{
    unsigned n = g_strv_length(lines), dropped = 0;
    bool changed = true;

    while (changed) {
        changed = false;
        for (int i = (int)n - 1; i >= 0; i--) {
            g_autofree char *try = NULL;
            if (gone[i] || !removable(lines[i]))
                continue;
            gone[i] = true;
            try = join_kept(lines, gone);
            if (same_bug(path, try, variant, knobs, family, controls)) {
                changed = true;
                dropped++;
            } else {
                gone[i] = false;
            }
        }
    }
    return dropped;
}

/* The first line of the reduced scenario: where from, and what it was run with. */
static void shrunk_header(GString *out, const char *path, const char *variant, char **knobs,
                          uint8_t family, const GArray *controls)
{
    g_string_append_printf(out, "# Shrunk by drcsim from %s (variant %s", path, variant);
    for (int i = 0; knobs && knobs[i]; i++)
        g_string_append_printf(out, ", --knob %s", knobs[i]);
    g_string_append_printf(out, "): the statements that %s still needs", family_names[family]);
    for (guint k = 0; k < controls->len; k++)
        g_string_append_printf(out, "%s%s", k ? ", " : ",\n# and that add no violation under ",
                               g_array_index(controls, struct control, k).variant);
    g_string_append(out, ".\n");
}

char *shrink_scenario(const char *path, const char *variant, char **knobs, uint8_t family,
                      unsigned *kept, unsigned *dropped)
{
    g_autofree char *text = NULL;
    GArray *controls;
    gchar **lines;
    bool *gone;
    unsigned n;
    GString *out;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(text, "\n", -1);
    n = g_strv_length(lines);
    gone = g_new0(bool, n);
    controls = controls_of(path, text, lines, variant, knobs, family);
    *kept = 0;
    *dropped = drop_unneeded(path, lines, gone, variant, knobs, family, controls);
    out = g_string_new(NULL);
    shrunk_header(out, path, variant, knobs, family, controls);
    controls_free(controls);
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
