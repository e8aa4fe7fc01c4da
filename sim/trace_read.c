/*
 * Reading a JSONL trace back (trace.h trace_read_file): each line parsed
 * with json-glib and its shape checked (header, steps numbered in order,
 * one verdict last), errors as "path:line:col: error: message".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "json_file.h"
#include "scenario.h"
#include "trace.h"

/* ---- reader: positions ------------------------------------------------- */

struct reader {
    const char *path;
    char *err;
    unsigned errlen;
    JsonParser *parser;
    const char *line;              /* the current line, not NUL-terminated */
    size_t len;
    unsigned lineno;
};

static bool fail(const struct reader *r, size_t col, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool fail(const struct reader *r, size_t col, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    trace_set_err(r->err, r->errlen, "%s:%u:%zu: error: %s", r->path, r->lineno, col, msg);
    g_free(msg);
    return false;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
        i++;
    return i;
}

static size_t value_start(const char *s, size_t len, size_t i)
{
    i = skip_ws(s, len, i);
    if (i < len && s[i] == ':')
        i++;
    return skip_ws(s, len, i);
}

/*
 * Walks the object that opens at s[start] and returns the offset just past its
 * closing brace (len when unbalanced). With a key, *val gets the offset of the
 * value of the last top-level member whose raw name is key.
 */
static size_t scan_object(const char *s, size_t len, size_t start, const char *key, size_t *val)
{
    size_t depth = 0, kstart = 0, klen = key ? strlen(key) : 0;
    char quote = 0;
    bool esc = false, want_key = false, is_key = false;

    for (size_t i = start; i < len; i++) {
        char c = s[i];

        if (quote) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == quote) {
                quote = 0;
                if (is_key && key && i - kstart == klen && memcmp(s + kstart, key, klen) == 0)
                    *val = value_start(s, len, i + 1);
            }
        } else if (c == '"' || c == '\'') {
            quote = c;
            is_key = want_key;
            want_key = false;
            kstart = i + 1;
        } else if (c == '{' || c == '[') {
            want_key = ++depth == 1;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        } else if (c == ',') {
            want_key = depth == 1;
        }
    }
    return len;
}

static size_t value_offset(const struct reader *r, const char *key)
{
    size_t v = SIZE_MAX;

    scan_object(r->line, r->len, skip_ws(r->line, r->len, 0), key, &v);
    return v;
}

/* 1-based column of a top-level member's value; 1 when it cannot be found. */
static size_t col_of(const struct reader *r, const char *key)
{
    size_t v = value_offset(r, key);

    return v == SIZE_MAX ? 1 : v + 1;
}

/* ---- reader: one line -------------------------------------------------- */

/* "<data>:1:5: Parse error: msg" -> column 5, "msg". */
static bool parse_error(const struct reader *r, const char *m)
{
    unsigned line, col;

    m = json_error_where(m, &line, &col);   /* line: always 1, the data being one line */
    return fail(r, col, "%s", m);
}

/* The object must span the line: json-glib lets comments, a BOM and a second value by. */
static bool check_extent(const struct reader *r)
{
    size_t i = skip_ws(r->line, r->len, 0), end;

    if (i >= r->len || r->line[i] != '{')
        return fail(r, i + 1, "unexpected text before the JSON object");
    end = skip_ws(r->line, r->len, scan_object(r->line, r->len, i, NULL, NULL));
    if (end < r->len)
        return fail(r, end + 1, "unexpected text after the JSON object");
    return true;
}

static bool parse_line(const struct reader *r, JsonObject **obj)
{
    const gchar *bad;
    GError *ge = NULL;
    JsonNode *root;
    size_t at;

    if (r->len == 0)
        return fail(r, 1, "empty line");
    if (!g_utf8_validate(r->line, (gssize)r->len, &bad))
        return fail(r, (size_t)(bad - r->line) + 1, "%s", *bad ? "invalid UTF-8" : "NUL byte");
    if (r->lineno == 1 && r->len >= 8 && memcmp(r->line, "# drcsim", 8) == 0)
        return fail(r, 1, "a text trace (--format text); only JSONL traces can be read back");
    if ((at = json_nesting_at(r->line, r->len)) != SIZE_MAX)   /* json-glib recurses */
        return fail(r, at + 1, "nesting deeper than %d", JSON_MAX_DEPTH);
    if (!json_parser_load_from_data(r->parser, r->line, (gssize)r->len, &ge)) {
        parse_error(r, ge->message);
        g_error_free(ge);
        return false;
    }
    root = json_parser_get_root(r->parser);
    if (!root)
        return fail(r, 1, "no JSON value on this line");
    if (!JSON_NODE_HOLDS_OBJECT(root))
        return fail(r, skip_ws(r->line, r->len, 0) + 1, "expected a JSON object");
    if (!check_extent(r))
        return false;
    *obj = json_node_get_object(root);
    return true;
}

static bool holds(JsonNode *n, GType type)
{
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type;
}

/* Member key of the role's object o, of the given type (what: "a string"…), or an error. */
static JsonNode *get_member(const struct reader *r, JsonObject *o, const char *role,
                            const char *key, GType type, const char *what)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n) {
        fail(r, 1, "%s has no \"%s\"", role, key);
        return NULL;
    }
    if (!holds(n, type)) {
        fail(r, col_of(r, key), "\"%s\" must be %s", key, what);
        return NULL;
    }
    return n;
}

static bool get_str(const struct reader *r, JsonObject *o, const char *role, const char *key,
                    const char **val)
{
    JsonNode *n = get_member(r, o, role, key, G_TYPE_STRING, "a string");

    if (n)
        *val = json_node_get_string(n);
    return n != NULL;
}

static bool get_int(const struct reader *r, JsonObject *o, const char *role, const char *key,
                    gint64 *val)
{
    JsonNode *n = get_member(r, o, role, key, G_TYPE_INT64, "an integer");

    if (n)
        *val = json_node_get_int(n);
    return n != NULL;
}

/* ---- reader: header, steps, verdict ------------------------------------ */

static bool read_hash(const struct reader *r, const char *s, uint64_t *out)
{
    bool ok = strlen(s) == 16;

    for (unsigned i = 0; ok && i < 16; i++)
        ok = g_ascii_isxdigit(s[i]);
    if (!ok)
        return fail(r, col_of(r, "scenario_xxh3"), "\"scenario_xxh3\" must be 16 hex digits");
    *out = g_ascii_strtoull(s, NULL, 16);
    return true;
}

static bool read_knobs(const struct reader *r, JsonObject *o, struct trace_file *out)
{
    JsonNode *n = json_object_get_member(o, "knobs");
    JsonObject *k;
    GList *names;
    unsigned i = 0;
    bool ok = true;

    if (!n)
        return fail(r, 1, "header has no \"knobs\"");
    if (!JSON_NODE_HOLDS_OBJECT(n))
        return fail(r, col_of(r, "knobs"), "\"knobs\" must be an object");
    k = json_node_get_object(n);
    names = json_object_get_members(k);
    out->knob_names = g_new0(char *, g_list_length(names) + 1);
    out->knob_values = g_new0(char *, g_list_length(names) + 1);
    for (GList *l = names; l && ok; l = l->next) {
        JsonNode *v = json_object_get_member(k, l->data);

        if (!holds(v, G_TYPE_STRING)) {
            ok = fail(r, col_of(r, "knobs"), "knob \"%s\" must be a string",
                      (const char *)l->data);
        } else {
            out->knob_names[i] = g_strdup(l->data);
            out->knob_values[i++] = g_strdup(json_node_get_string(v));
        }
    }
    g_list_free(names);
    return ok;
}

/* Optional; read from the line's own digits, since json-glib stops at INT64_MAX. */
static bool read_seed(const struct reader *r, JsonObject *o, struct trace_file *out)
{
    JsonNode *n = json_object_get_member(o, "seed");
    size_t at = value_offset(r, "seed");

    if (!n)
        return true;
    if (!holds(n, G_TYPE_INT64))
        return fail(r, col_of(r, "seed"), "\"seed\" must be an integer");
    if (at != SIZE_MAX && g_ascii_isdigit(r->line[at])) {
        errno = 0;
        out->seed = g_ascii_strtoull(r->line + at, NULL, 10);
        if (errno)
            return fail(r, at + 1, "\"seed\" is out of range");
    } else if (json_node_get_int(n) < 0) {
        return fail(r, col_of(r, "seed"), "\"seed\" must not be negative");
    } else {
        out->seed = (uint64_t)json_node_get_int(n);
    }
    out->has_seed = true;
    return true;
}

/* The scenario's own bytes, where the header carries them: those scenario_xxh3 names. */
static bool read_scenario_text(const struct reader *r, JsonObject *o, struct trace_file *out)
{
    const char *v;

    if (!json_object_has_member(o, "scenario_text"))
        return true;
    if (!get_str(r, o, "header", "scenario_text", &v))
        return false;
    if (scenario_xxh3(v) != out->scenario_hash)
        return fail(r, col_of(r, "scenario_text"), SCENARIO_TEXT_CHANGED);
    out->scenario_text = g_strdup(v);
    return true;
}

static bool read_header(const struct reader *r, JsonObject *o, struct trace_file *out)
{
    const char *v;

    if (!json_object_has_member(o, "drcsim"))
        return fail(r, 1, "missing header: line 1 has no \"drcsim\"");
    if (!get_str(r, o, "header", "drcsim", &v) || !get_str(r, o, "header", "scenario", &v))
        return false;
    out->scenario_path = g_strdup(v);
    if (!get_str(r, o, "header", "scenario_xxh3", &v) || !read_hash(r, v, &out->scenario_hash))
        return false;
    if (!get_str(r, o, "header", "variant", &v))
        return false;
    out->variant = g_strdup(v);
    if (!read_knobs(r, o, out) || !read_seed(r, o, out))
        return false;
    if (!get_str(r, o, "header", "schedule", &v))
        return false;
    out->schedule = g_strdup(v);
    return read_scenario_text(r, o, out);
}

static bool check_step(const struct reader *r, JsonObject *o, unsigned expect)
{
    const char *s;
    gint64 step, t_ms;

    if (json_object_has_member(o, "verdict"))
        return fail(r, 1, "verdict before the last line");
    if (!get_int(r, o, "step line", "step", &step))
        return false;
    if (step != (gint64)expect)
        return fail(r, col_of(r, "step"), "step %" G_GINT64_FORMAT " out of sequence (expected %u)",
                    step, expect);
    if (!get_int(r, o, "step line", "t_ms", &t_ms))
        return false;
    if (t_ms < 0)
        return fail(r, col_of(r, "t_ms"), "\"t_ms\" must not be negative");
    return get_str(r, o, "step line", "actor", &s) && get_str(r, o, "step line", "op", &s);
}

static bool check_verdict(const struct reader *r, JsonObject *o)
{
    JsonNode *n = json_object_get_member(o, "verdict");
    const char *v;

    if (!n)
        return fail(r, 1, "missing verdict: the last line has no \"verdict\"");
    v = holds(n, G_TYPE_STRING) ? json_node_get_string(n) : "";
    if (strcmp(v, "pass") != 0 && strcmp(v, "fail") != 0 && strcmp(v, "incomplete") != 0)
        return fail(r, col_of(r, "verdict"),
                    "\"verdict\" must be \"pass\", \"fail\" or \"incomplete\"");
    return true;
}

/* ---- reader: the file -------------------------------------------------- */

struct seg {
    size_t off, len;
};

static GString *read_all(const char *path, char *err, unsigned errlen)
{
    FILE *f = fopen(path, "rb");
    GString *g;
    char buf[65536];
    size_t n;
    int e = 0;

    if (!f) {
        trace_set_err(err, errlen, "cannot read %s: %s", path, g_strerror(errno));
        return NULL;
    }
    g = g_string_new(NULL);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        g_string_append_len(g, buf, (gssize)n);
    if (ferror(f))
        e = errno ? errno : EIO;
    fclose(f);
    if (e) {
        trace_set_err(err, errlen, "cannot read %s: %s", path, g_strerror(e));
        g_string_free(g, TRUE);
        return NULL;
    }
    return g;
}

/* Lines split at '\n'; a final '\n' ends the last line rather than starting one. */
static GArray *split_lines(const GString *data)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(struct seg));
    size_t len = data->len, start = 0;

    if (len && data->str[len - 1] == '\n')
        len--;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || data->str[i] == '\n') {
            struct seg s = { start, i - start };

            g_array_append_val(a, s);
            start = i + 1;
        }
    }
    return a;
}

static bool read_line(const struct reader *r, unsigned i, unsigned n, struct trace_file *out)
{
    JsonObject *o = NULL;

    if (!parse_line(r, &o))
        return false;
    if (i == 0)
        return read_header(r, o, out);
    if (i == n - 1)
        return check_verdict(r, o);
    return check_step(r, o, i);
}

static bool read_lines(struct reader *r, const GString *data, struct trace_file *out)
{
    GArray *segs = split_lines(data);
    unsigned n = segs->len;
    bool ok = true;

    r->parser = json_parser_new();
    out->lines = g_new0(char *, n + 1);
    for (unsigned i = 0; ok && i < n; i++) {
        const struct seg *s = &g_array_index(segs, struct seg, i);

        r->line = data->str + s->off;
        r->len = s->len;
        r->lineno = i + 1;
        ok = read_line(r, i, n, out);
        if (ok) {
            out->lines[i] = g_strndup(r->line, r->len);
            out->nlines = i + 1;
        }
    }
    if (ok && n == 1)
        ok = fail(r, 1, "missing verdict: the trace ends after its header");
    g_object_unref(r->parser);
    g_array_free(segs, TRUE);
    return ok;
}

bool trace_read_file(const char *path, struct trace_file *out, char *err, unsigned errlen)
{
    struct reader r = { .path = path, .err = err, .errlen = errlen, .lineno = 1 };
    GString *data;
    bool ok;

    memset(out, 0, sizeof(*out));
    data = read_all(path, err, errlen);
    if (!data)
        return false;
    ok = data->len ? read_lines(&r, data, out) : fail(&r, 1, "empty file");
    g_string_free(data, TRUE);
    if (!ok)
        trace_file_clear(out);
    return ok;
}

void trace_file_clear(struct trace_file *f)
{
    if (!f)
        return;
    g_free(f->scenario_path);
    g_free(f->variant);
    g_free(f->schedule);
    g_free(f->scenario_text);
    g_strfreev(f->knob_names);
    g_strfreev(f->knob_values);
    g_strfreev(f->lines);
    memset(f, 0, sizeof(*f));
}
