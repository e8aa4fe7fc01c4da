/*
 * Variant files (variants/NAME.var, ARCHITECTURE.md "Variants"): a named knob
 * set. Loads one, following its based-on chain (cycles are errors), so that
 * its knobs are the defaults, then each ancestor's, then its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "scenario.h"

#define VAR_MAX_DEPTH 16
#define UPSTREAM_TITLE "today's upstream: QEMU master, Linux mainline, libvirt master"

/* One .var file as written. */
struct vfile {
    const char *path;
    char *err;
    unsigned errlen;
    unsigned line;
    const char *want;           /* the name the file must declare */
    char name[SCN_NAME_LEN];
    char title[SCN_TEXT_LEN];
    char based[SCN_NAME_LEN];
    unsigned name_line, title_line, based_line, based_col;
    unsigned nknobs;
    struct scn_knob knobs[KNOB_COUNT];
    int n;
    struct scn_word w[SCN_MAX_WORDS];
    char buf[SCN_LINE_MAX + 1];
};

/* The variants being loaded, outermost first (for cycle detection). */
struct chain {
    const char *dir;
    char *err;
    unsigned errlen;
    int depth;
    const char *names[VAR_MAX_DEPTH];
};

static bool vfail(const char *path, unsigned line, unsigned col, char *err, unsigned errlen,
                  const char *fmt, ...) G_GNUC_PRINTF(6, 7);

static bool vfail(const char *path, unsigned line, unsigned col, char *err, unsigned errlen,
                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (err && errlen)
        snprintf(err, errlen, "%s:%u:%u: error: %s", path, line, col, msg);
    return false;
}

#define FFAIL(f, col, ...) vfail((f)->path, (f)->line, (col), (f)->err, (f)->errlen, __VA_ARGS__)

/* The statement has count words; the second is a "string" iff string. */
static bool words(struct vfile *f, int count, const char *usage, bool string)
{
    if (f->n < count)
        return FFAIL(f, f->w[f->n - 1].end, "expected `%s`", usage);
    if (f->n > count)
        return FFAIL(f, f->w[count].col, "unexpected '%s' (expected `%s`)", f->w[count].s, usage);
    if (f->w[1].quoted != string)
        return FFAIL(f, f->w[1].col, f->w[1].quoted ? "unexpected string \"%s\"" :
                     "expected a quoted string, got '%s'", f->w[1].s);
    return true;
}

static bool once(struct vfile *f, unsigned *seen, const char *stmt)
{
    if (*seen)
        return FFAIL(f, f->w[0].col, "duplicate `%s` statement (first on line %u)", stmt, *seen);
    *seen = f->line;
    return true;
}

static bool name_word(struct vfile *f, char out[SCN_NAME_LEN])
{
    const char *s = f->w[1].s;

    if (!scn_valid_name(s) || strlen(s) >= SCN_NAME_LEN)
        return FFAIL(f, f->w[1].col, "bad variant name '%s'", s);
    strcpy(out, s);
    return true;
}

static bool st_variant(struct vfile *f)
{
    if (!words(f, 2, "variant NAME", false) || !once(f, &f->name_line, "variant") || !name_word(f, f->name))
        return false;
    if (strcmp(f->name, f->want))
        return FFAIL(f, f->w[1].col, "variant '%s' does not match the file name %s.var", f->name,
                     f->want);
    return true;
}

static bool st_title(struct vfile *f)
{
    if (!words(f, 2, "title \"TEXT\"", true) || !once(f, &f->title_line, "title"))
        return false;
    if (strlen(f->w[1].s) >= SCN_TEXT_LEN)
        return FFAIL(f, f->w[1].col, "title too long (max %d bytes)", SCN_TEXT_LEN - 1);
    strcpy(f->title, f->w[1].s);
    return true;
}

static bool st_based_on(struct vfile *f)
{
    if (!words(f, 2, "based-on VARIANT", false) || !once(f, &f->based_line, "based-on"))
        return false;
    f->based_col = f->w[1].col;
    return name_word(f, f->based);
}

static bool st_knob(struct vfile *f)
{
    struct scn_knob k = { .loc = { (uint16_t)f->line, f->w[0].col } };
    char msg[256];

    if (!words(f, 2, "knob NAME=VALUE", false))
        return false;
    if (!scn_parse_knob(f->w[1].s, &k.id, &k.lo, &k.hi, msg, sizeof(msg)))
        return FFAIL(f, f->w[1].col, "%s", msg);
    for (unsigned i = 0; i < f->nknobs; i++)
        if (f->knobs[i].id == k.id)
            return FFAIL(f, f->w[1].col, "knob %s already set on line %u",
                         knob_defs[k.id].name, f->knobs[i].loc.line);
    f->knobs[f->nknobs++] = k;
    return true;
}

static bool parse_line(struct vfile *f, const char *line, size_t len)
{
    static const struct { const char *kw; bool (*parse)(struct vfile *f); } statements[] = {
        { "variant", st_variant }, { "title", st_title }, { "based-on", st_based_on },
        { "knob", st_knob },
    };
    const char *msg;
    unsigned col;

    f->n = scn_split_words(line, len, f->buf, f->w, &msg, &col);
    if (f->n < 0)
        return FFAIL(f, col, "%s", msg);
    if (f->n == 0)
        return true;
    if (f->line > UINT16_MAX)
        return FFAIL(f, 1, "file too long (max %d lines)", UINT16_MAX);
    for (size_t k = 0; k < G_N_ELEMENTS(statements) && !f->w[0].quoted; k++)
        if (strcmp(statements[k].kw, f->w[0].s) == 0)
            return statements[k].parse(f);
    return FFAIL(f, f->w[0].col, f->w[0].quoted ? "expected a statement, got a string" :
                 "unknown statement '%s'", f->w[0].s);
}

static bool parse_text(struct vfile *f, const char *text)
{
    const char *ln = text;

    for (f->line = 1;; f->line++) {
        const char *nl = strchr(ln, '\n');
        if (!parse_line(f, ln, nl ? (size_t)(nl - ln) : strlen(ln)))
            return false;
        if (!nl)
            break;
        ln = nl + 1;
    }
    f->line = 1;
    if (!f->name_line)
        return FFAIL(f, 1, "missing `variant` statement");
    return true;
}

static bool load(struct chain *c, const char *name, struct variant *out, const struct vfile *from);

/* Knobs of the variant f is based on, or the defaults. */
static bool load_base(struct chain *c, struct vfile *f, struct variant *out)
{
    bool ok;

    if (!f->based_line) {
        knobs_default(&out->knobs);
        return true;
    }
    c->names[c->depth++] = f->name;
    ok = load(c, f->based, out, f);
    c->depth--;
    return ok;
}

static bool load_file(struct chain *c, const char *path, const char *name, const char *text,
                      struct variant *out)
{
    struct vfile *f = g_new0(struct vfile, 1);
    bool ok;

    f->path = path;
    f->err = c->err;
    f->errlen = c->errlen;
    f->want = name;
    ok = parse_text(f, text) && load_base(c, f, out);
    if (ok) {
        for (unsigned i = 0; i < f->nknobs; i++) {
            out->knobs.lo[f->knobs[i].id] = f->knobs[i].lo;
            out->knobs.hi[f->knobs[i].id] = f->knobs[i].hi;
        }
        g_strlcpy(out->name, f->name, sizeof(out->name));
        g_strlcpy(out->title, f->title, sizeof(out->title));
        g_strlcpy(out->path, path, sizeof(out->path));
    }
    g_free(f);
    return ok;
}

/* An error about loading name: at from's based-on line, or on its own. */
static bool chain_fail(struct chain *c, const struct vfile *from, const char *msg)
{
    if (from)
        return vfail(from->path, from->based_line, from->based_col, c->err, c->errlen, "%s", msg);
    if (c->err && c->errlen)
        snprintf(c->err, c->errlen, "%s", msg);
    return false;
}

static bool check_chain(struct chain *c, const char *name, const struct vfile *from)
{
    GString *g;
    bool ok;

    for (int k = 0; k < c->depth; k++) {
        if (strcmp(c->names[k], name))
            continue;
        g = g_string_new("based-on cycle: ");
        for (int j = k; j < c->depth; j++)
            g_string_append_printf(g, "%s -> ", c->names[j]);
        g_string_append(g, name);
        ok = chain_fail(c, from, g->str);
        g_string_free(g, TRUE);
        return ok;
    }
    if (c->depth == VAR_MAX_DEPTH)
        return chain_fail(c, from, "based-on chain longer than " G_STRINGIFY(VAR_MAX_DEPTH)
                          " variants");
    return true;
}

static bool load(struct chain *c, const char *name, struct variant *out, const struct vfile *from)
{
    char *path, *text, *msg;
    int errnum = 0;
    bool ok;

    if (!check_chain(c, name, from))
        return false;
    path = g_strdup_printf("%s/%s.var", c->dir, name);
    text = scn_read_file(path, &errnum, c->err, c->errlen);
    if (!text && errnum == ENOENT && strcmp(name, "upstream") == 0) {
        memset(out, 0, sizeof(*out));
        g_strlcpy(out->name, name, sizeof(out->name));
        g_strlcpy(out->title, UPSTREAM_TITLE, sizeof(out->title));
        knobs_default(&out->knobs);
        ok = true;
    } else if (!text && errnum == ENOENT) {
        msg = g_strdup_printf("variant '%s' not found in %s", name, c->dir);
        ok = chain_fail(c, from, msg);
        g_free(msg);
    } else {
        ok = text && load_file(c, path, name, text, out);
    }
    g_free(text);
    g_free(path);
    return ok;
}

bool variant_load(const char *dir, const char *name, struct variant *out, char *err, unsigned errlen)
{
    struct chain c = { .dir = dir, .err = err, .errlen = errlen };

    if (err && errlen)
        err[0] = '\0';
    memset(out, 0, sizeof(*out));
    if (!scn_valid_name(name) || strlen(name) >= SCN_NAME_LEN) {
        if (err && errlen)
            snprintf(err, errlen, "bad variant name '%s'", name);
        return false;
    }
    return load(&c, name, out, NULL);
}
