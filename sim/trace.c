/*
 * Traces: builds a run's trace in memory (JSON Lines or a fixed-column text
 * view: header, one entry per step, verdict), writes it to a file, and reads
 * a JSONL trace back with json-glib, checking its shape line by line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "trace.h"

#define TEXT_INDENT "        "

struct trace {
    enum trace_format fmt;
    GString *out;                  /* everything finished so far */
    bool in_step;
    /* the open step, one buffer per part, assembled by trace_step_end */
    GString *head, *args, *result, *drc, *events, *log;
};

/* ---- escaping ---------------------------------------------------------- */

/* A JSON string literal: '"' and '\' escaped, control characters as \u00xx. */
static void json_str(GString *g, const char *s)
{
    g_string_append_c(g, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') {
            g_string_append_c(g, '\\');
            g_string_append_c(g, (char)*p);
        } else if (*p < 0x20) {
            g_string_append_printf(g, "\\u%04x", *p);
        } else {
            g_string_append_c(g, (char)*p);
        }
    }
    g_string_append_c(g, '"');
}

/* Text view: control characters as \n, \t, \r or \xNN; quoted also escapes '"' and '\'. */
static void text_esc(GString *g, const char *s, bool quoted)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\n')
            g_string_append(g, "\\n");
        else if (*p == '\t')
            g_string_append(g, "\\t");
        else if (*p == '\r')
            g_string_append(g, "\\r");
        else if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf(g, "\\x%02x", *p);
        else if (quoted && (*p == '"' || *p == '\\'))
            g_string_append_printf(g, "\\%c", *p);
        else
            g_string_append_c(g, (char)*p);
    }
}

/* A value in the text view: bare when it is one non-empty word, else quoted. */
static void text_value(GString *g, const char *s)
{
    bool bare = s && *s;

    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); bare && *p; p++)
        bare = *p > 0x20 && *p != '"' && *p != '\\' && *p != 0x7f;
    if (bare) {
        g_string_append(g, s);
        return;
    }
    g_string_append_c(g, '"');
    text_esc(g, s, true);
    g_string_append_c(g, '"');
}

static void text_padded(GString *g, const char *s, size_t width)
{
    size_t start = g->len;

    text_esc(g, s, false);
    while (g->len - start < width)
        g_string_append_c(g, ' ');
}

/* ---- life cycle -------------------------------------------------------- */

struct trace *trace_new(enum trace_format fmt)
{
    struct trace *t = g_new0(struct trace, 1);

    t->fmt = fmt;
    t->out = g_string_new(NULL);
    t->head = g_string_new(NULL);
    t->args = g_string_new(NULL);
    t->result = g_string_new(NULL);
    t->drc = g_string_new(NULL);
    t->events = g_string_new(NULL);
    t->log = g_string_new(NULL);
    return t;
}

void trace_free(struct trace *t)
{
    if (!t)
        return;
    g_string_free(t->out, TRUE);
    g_string_free(t->head, TRUE);
    g_string_free(t->args, TRUE);
    g_string_free(t->result, TRUE);
    g_string_free(t->drc, TRUE);
    g_string_free(t->events, TRUE);
    g_string_free(t->log, TRUE);
    g_free(t);
}

/* ---- header ------------------------------------------------------------ */

static void header_json(GString *g, const struct trace_header *h, const struct knob_set *ks)
{
    char buf[64];

    g_string_append(g, "{\"drcsim\":");
    json_str(g, DRCSIM_VERSION);
    g_string_append(g, ",\"scenario\":");
    json_str(g, h->scenario_path);
    g_string_append(g, ",\"name\":");
    json_str(g, h->scenario_name);
    g_string_append_printf(g, ",\"scenario_xxh3\":\"%016" PRIx64 "\",\"variant\":",
                           h->scenario_hash);
    json_str(g, h->variant);
    g_string_append(g, ",\"knobs\":{");
    for (int i = 0; i < KNOB_COUNT; i++) {
        if (i)
            g_string_append_c(g, ',');
        json_str(g, knob_defs[i].name);
        g_string_append_c(g, ':');
        json_str(g, knob_format(ks, i, buf, sizeof(buf)));
    }
    g_string_append_c(g, '}');
    if (h->has_seed)
        g_string_append_printf(g, ",\"seed\":%" PRIu64, h->seed);
    g_string_append(g, ",\"schedule\":");
    json_str(g, h->schedule);
    g_string_append(g, "}\n");
}

/* "# knob NAME=VALUE" for each knob whose value differs from its default. */
static void header_text_knobs(GString *g, const struct knob_set *ks)
{
    struct knob_set def;
    char a[64], b[64];

    knobs_default(&def);
    for (int i = 0; i < KNOB_COUNT; i++) {
        knob_format(ks, i, a, sizeof(a));
        if (strcmp(a, knob_format(&def, i, b, sizeof(b))) != 0)
            g_string_append_printf(g, "# knob %s=%s\n", knob_defs[i].name, a);
    }
}

static void header_text(GString *g, const struct trace_header *h, const struct knob_set *ks)
{
    g_string_append(g, "# drcsim " DRCSIM_VERSION "\n# scenario ");
    text_value(g, h->scenario_path);
    if (h->scenario_name && *h->scenario_name) {
        g_string_append(g, " (");
        text_esc(g, h->scenario_name, false);
        g_string_append_c(g, ')');
    }
    g_string_append(g, "\n# variant ");
    text_value(g, h->variant);
    if (h->has_seed)
        g_string_append_printf(g, "\n# seed %" PRIu64, h->seed);
    g_string_append(g, "\n# schedule ");
    text_value(g, h->schedule);
    g_string_append_c(g, '\n');
    header_text_knobs(g, ks);
}

void trace_header(struct trace *t, const struct trace_header *h)
{
    struct knob_set def;
    const struct knob_set *ks;

    g_return_if_fail(t && h && !t->in_step);
    ks = h->knobs;
    if (!ks) {
        knobs_default(&def);
        ks = &def;
    }
    if (t->fmt == TRACE_JSONL)
        header_json(t->out, h, ks);
    else
        header_text(t->out, h, ks);
}

/* ---- steps ------------------------------------------------------------- */

void trace_step_begin(struct trace *t, uint32_t step, uint64_t t_ms, const char *actor,
                      const char *op)
{
    g_return_if_fail(t && !t->in_step);
    t->in_step = true;
    g_string_truncate(t->args, 0);
    g_string_truncate(t->result, 0);
    g_string_truncate(t->drc, 0);
    g_string_truncate(t->events, 0);
    g_string_truncate(t->log, 0);
    if (t->fmt == TRACE_JSONL) {
        g_string_printf(t->head, "{\"step\":%" PRIu32 ",\"t_ms\":%" PRIu64 ",\"actor\":",
                        step, t_ms);
        json_str(t->head, actor);
        g_string_append(t->head, ",\"op\":");
        json_str(t->head, op);
        return;
    }
    g_string_printf(t->head, "%5" PRIu32 " %8" PRIu64 "ms  ", step, t_ms);
    text_padded(t->head, actor, 12);
    g_string_append_c(t->head, ' ');
    text_padded(t->head, op, 22);
    g_string_append_c(t->head, ' ');
}

/* Separator and key of one argument or result: ,"key": or key= */
static void kv_key(const struct trace *t, GString *g, const char *key)
{
    if (t->fmt == TRACE_JSONL) {
        if (g->len)
            g_string_append_c(g, ',');
        json_str(g, key);
        g_string_append_c(g, ':');
    } else {
        if (g->len)
            g_string_append_c(g, ' ');
        text_esc(g, key, false);
        g_string_append_c(g, '=');
    }
}

static void kv_str(struct trace *t, GString *g, const char *key, const char *val)
{
    kv_key(t, g, key);
    if (t->fmt == TRACE_JSONL)
        json_str(g, val);
    else
        text_value(g, val);
}

static void kv_int(struct trace *t, GString *g, const char *key, int64_t val)
{
    kv_key(t, g, key);
    g_string_append_printf(g, "%" PRId64, val);
}

void trace_arg_str(struct trace *t, const char *key, const char *val)
{
    g_return_if_fail(t && t->in_step);
    kv_str(t, t->args, key, val);
}

void trace_arg_int(struct trace *t, const char *key, int64_t val)
{
    g_return_if_fail(t && t->in_step);
    kv_int(t, t->args, key, val);
}

void trace_arg_hex(struct trace *t, const char *key, uint32_t val)
{
    g_return_if_fail(t && t->in_step);
    kv_key(t, t->args, key);
    if (t->fmt == TRACE_JSONL)
        g_string_append_printf(t->args, "\"0x%" PRIx32 "\"", val);
    else
        g_string_append_printf(t->args, "0x%" PRIx32, val);
}

void trace_result_str(struct trace *t, const char *key, const char *val)
{
    g_return_if_fail(t && t->in_step);
    kv_str(t, t->result, key, val);
}

void trace_result_int(struct trace *t, const char *key, int64_t val)
{
    g_return_if_fail(t && t->in_step);
    kv_int(t, t->result, key, val);
}

void trace_drc(struct trace *t, const char *machine, const char *tracepoint, uint32_t index,
               const char *state)
{
    GString *g;

    g_return_if_fail(t && t->in_step && machine);
    g = t->drc;
    if (t->fmt == TRACE_TEXT) {
        g_string_append_printf(g, TEXT_INDENT "drc 0x%" PRIx32 " ", index);
        text_esc(g, tracepoint, false);
        if (state) {
            g_string_append_c(g, ' ');
            text_esc(g, state, false);
        }
        g_string_append(g, " @");
        text_esc(g, machine, false);
        g_string_append_c(g, '\n');
        return;
    }
    g_string_append(g, g->len ? ",{\"machine\":" : "{\"machine\":");
    json_str(g, machine);
    g_string_append(g, ",\"trace\":");
    json_str(g, tracepoint);
    g_string_append_printf(g, ",\"index\":\"0x%" PRIx32 "\"", index);
    if (state) {
        g_string_append(g, ",\"state\":");
        json_str(g, state);
    }
    g_string_append_c(g, '}');
}

static void event_text(GString *g, const char *machine, const char *event, const char *device)
{
    g_string_append(g, TEXT_INDENT "event ");
    text_esc(g, event, false);
    if (device) {
        g_string_append_c(g, ' ');
        text_esc(g, device, false);
    }
    if (machine) {
        g_string_append(g, " @");
        text_esc(g, machine, false);
    }
    g_string_append_c(g, '\n');
}

void trace_event(struct trace *t, const char *machine, const char *event, const char *device)
{
    GString *g;

    g_return_if_fail(t && t->in_step);
    g = t->events;
    if (t->fmt == TRACE_TEXT) {
        event_text(g, machine, event, device);
        return;
    }
    g_string_append(g, g->len ? ",{\"machine\":" : "{\"machine\":");
    json_str(g, machine);
    g_string_append(g, ",\"event\":");
    json_str(g, event);
    if (device) {
        g_string_append(g, ",\"device\":");
        json_str(g, device);
    }
    g_string_append_c(g, '}');
}

void trace_log(struct trace *t, const char *who, const char *line)
{
    GString *g;

    g_return_if_fail(t && t->in_step);
    g = t->log;
    if (t->fmt == TRACE_TEXT) {
        g_string_append(g, TEXT_INDENT);
        text_esc(g, who, false);
        g_string_append(g, ": ");
        text_esc(g, line, false);
        g_string_append_c(g, '\n');
        return;
    }
    g_string_append(g, g->len ? ",{\"who\":" : "{\"who\":");
    json_str(g, who);
    g_string_append(g, ",\"line\":");
    json_str(g, line);
    g_string_append_c(g, '}');
}

static void json_list(GString *o, const char *key, const GString *items)
{
    if (!items->len)
        return;
    g_string_append_printf(o, ",\"%s\":[", key);
    g_string_append_len(o, items->str, (gssize)items->len);
    g_string_append_c(o, ']');
}

static void step_end_json(struct trace *t)
{
    GString *o = t->out;

    g_string_append_len(o, t->head->str, (gssize)t->head->len);
    g_string_append(o, ",\"args\":{");
    g_string_append_len(o, t->args->str, (gssize)t->args->len);
    g_string_append(o, "},\"result\":{");
    g_string_append_len(o, t->result->str, (gssize)t->result->len);
    g_string_append_c(o, '}');
    json_list(o, "drc", t->drc);
    json_list(o, "events", t->events);
    json_list(o, "log", t->log);
    g_string_append(o, "}\n");
}

/* "HEAD args -> results", then the DRC, event and log lines, each indented. */
static void step_end_text(struct trace *t)
{
    GString *o = t->out;

    g_string_append_len(o, t->head->str, (gssize)t->head->len);
    if (t->args->len) {
        g_string_append_len(o, t->args->str, (gssize)t->args->len);
        g_string_append_c(o, ' ');
    }
    g_string_append(o, "->");
    if (t->result->len) {
        g_string_append_c(o, ' ');
        g_string_append_len(o, t->result->str, (gssize)t->result->len);
    }
    g_string_append_c(o, '\n');
    g_string_append_len(o, t->drc->str, (gssize)t->drc->len);
    g_string_append_len(o, t->events->str, (gssize)t->events->len);
    g_string_append_len(o, t->log->str, (gssize)t->log->len);
}

void trace_step_end(struct trace *t)
{
    g_return_if_fail(t && t->in_step);
    t->in_step = false;
    if (t->fmt == TRACE_JSONL)
        step_end_json(t);
    else
        step_end_text(t);
}

/* ---- verdict ----------------------------------------------------------- */

static void verdict_json(GString *g, bool pass, const char *const *families,
                         const char *family, uint32_t step, const char *message)
{
    g_string_append_printf(g, "{\"verdict\":\"%s\",\"families\":[", pass ? "pass" : "fail");
    for (unsigned i = 0; families && families[i]; i++) {
        if (i)
            g_string_append_c(g, ',');
        json_str(g, families[i]);
    }
    g_string_append_c(g, ']');
    if (family) {
        g_string_append(g, ",\"violation\":{\"family\":");
        json_str(g, family);
        g_string_append_printf(g, ",\"step\":%" PRIu32, step);
        if (message) {
            g_string_append(g, ",\"message\":");
            json_str(g, message);
        }
        g_string_append_c(g, '}');
    }
    g_string_append(g, "}\n");
}

static void verdict_text(GString *g, bool pass, const char *const *families,
                         const char *family, uint32_t step, const char *message)
{
    g_string_append(g, pass ? "verdict: pass" : "verdict: fail");
    for (unsigned i = 0; families && families[i]; i++) {
        g_string_append_c(g, i ? ',' : ' ');
        text_esc(g, families[i], false);
    }
    if (family) {
        g_string_append(g, " (");
        text_esc(g, family, false);
        g_string_append_printf(g, " at step %" PRIu32, step);
        if (message) {
            g_string_append(g, ": ");
            text_esc(g, message, false);
        }
        g_string_append_c(g, ')');
    }
    g_string_append_c(g, '\n');
}

void trace_verdict(struct trace *t, bool pass, const char *const *families,
                   const char *family, uint32_t step, const char *message)
{
    g_return_if_fail(t && !t->in_step);
    if (t->fmt == TRACE_JSONL)
        verdict_json(t->out, pass, families, family, step, message);
    else
        verdict_text(t->out, pass, families, family, step, message);
}

/* ---- output ------------------------------------------------------------ */

const char *trace_buffer(const struct trace *t, size_t *len)
{
    if (len)
        *len = t->out->len;
    return t->out->str;
}

/* One line into err (control characters from file contents become '?'). */
static void set_err(char *err, unsigned errlen, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void set_err(char *err, unsigned errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    for (char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?';
}

bool trace_write_file(const struct trace *t, const char *path, char *err, unsigned errlen)
{
    FILE *f = fopen(path, "w");
    int e = 0;

    if (!f) {
        set_err(err, errlen, "cannot write %s: %s", path, g_strerror(errno));
        return false;
    }
    if (fwrite(t->out->str, 1, t->out->len, f) != t->out->len || fflush(f) != 0)
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (e) {
        set_err(err, errlen, "cannot write %s: %s", path, g_strerror(e));
        return false;
    }
    return true;
}

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
    set_err(r->err, r->errlen, "%s:%u:%zu: error: %s", r->path, r->lineno, col, msg);
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
    size_t col = 1;

    if (g_str_has_prefix(m, "<data>:")) {
        const char *p = m + 7;
        char *end;
        unsigned long c;

        (void)strtoul(p, &end, 10);
        if (end != p && *end == ':') {
            p = end + 1;
            c = strtoul(p, &end, 10);
            if (end != p && g_str_has_prefix(end, ": ")) {
                col = c ? c : 1;
                m = end + 2;
            }
        }
    }
    if (g_str_has_prefix(m, "Parse error: "))
        m += strlen("Parse error: ");
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

    if (r->len == 0)
        return fail(r, 1, "empty line");
    if (!g_utf8_validate(r->line, (gssize)r->len, &bad))
        return fail(r, (size_t)(bad - r->line) + 1, "%s", *bad ? "invalid UTF-8" : "NUL byte");
    if (r->lineno == 1 && r->len >= 8 && memcmp(r->line, "# drcsim", 8) == 0)
        return fail(r, 1, "a text trace (--format text); only JSONL traces can be read back");
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

static bool get_str(const struct reader *r, JsonObject *o, const char *role, const char *key,
                    const char **val)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n)
        return fail(r, 1, "%s has no \"%s\"", role, key);
    if (!holds(n, G_TYPE_STRING))
        return fail(r, col_of(r, key), "\"%s\" must be a string", key);
    *val = json_node_get_string(n);
    return true;
}

static bool get_int(const struct reader *r, JsonObject *o, const char *role, const char *key,
                    gint64 *val)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n)
        return fail(r, 1, "%s has no \"%s\"", role, key);
    if (!holds(n, G_TYPE_INT64))
        return fail(r, col_of(r, key), "\"%s\" must be an integer", key);
    *val = json_node_get_int(n);
    return true;
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
    return true;
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
    if (strcmp(v, "pass") != 0 && strcmp(v, "fail") != 0)
        return fail(r, col_of(r, "verdict"), "\"verdict\" must be \"pass\" or \"fail\"");
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
        set_err(err, errlen, "cannot read %s: %s", path, g_strerror(errno));
        return NULL;
    }
    g = g_string_new(NULL);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        g_string_append_len(g, buf, (gssize)n);
    if (ferror(f))
        e = errno ? errno : EIO;
    fclose(f);
    if (e) {
        set_err(err, errlen, "cannot read %s: %s", path, g_strerror(e));
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
    g_strfreev(f->knob_names);
    g_strfreev(f->knob_values);
    g_strfreev(f->lines);
    memset(f, 0, sizeof(*f));
}
