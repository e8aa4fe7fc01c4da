/*
 * Traces: builds a run's trace in memory (JSON Lines or a fixed-column text
 * view: header, one entry per step, verdict) and writes it to a file;
 * trace_read.c reads a JSONL trace back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "trace.h"

#define TEXT_INDENT "        "

struct trace {
    enum trace_format fmt;
    GString *out;                  /* everything finished so far */
    bool in_step;
    /* the open step, one buffer per part, assembled by trace_step_end */
    GString *head, *args, *result, *drc, *events, *log;
    GString *ignored;              /* JSONL: trace_ignored's entries, for the verdict */
};

/* ---- escaping ---------------------------------------------------------- */

/*
 * A JSON string literal: '"' and '\' escaped, control characters as \u00xx;
 * a byte that is not UTF-8 (a path in another encoding) as U+FFFD, since JSON
 * text is UTF-8 and a reader refuses the file otherwise.
 */
void json_string_append(GString *g, const char *s)
{
    const char *p = s ? s : "", *end = p + strlen(p), *valid;

    g_string_append_c(g, '"');
    while (p < end) {
        g_utf8_validate(p, end - p, &valid);   /* valid: where the UTF-8 from p ends */
        for (; p < valid; p++) {
            unsigned char c = (unsigned char)*p;
            if (c < 0x20) {
                g_string_append_printf(g, "\\u%04x", c);
                continue;
            }
            if (c == '"' || c == '\\')
                g_string_append_c(g, '\\');
            g_string_append_c(g, (char)c);
        }
        if (p < end) {
            g_string_append(g, "\xef\xbf\xbd");   /* U+FFFD as UTF-8: a rewrite is byte-identical */
            p++;
        }
    }
    g_string_append_c(g, '"');
}

/* Text view: control characters as \n, \t, \r or \xNN, so are bytes that are not UTF-8;
 * quoted also escapes '"' and '\'. */
static void text_esc(GString *g, const char *s, bool quoted)
{
    const char *p = s ? s : "", *end = p + strlen(p), *valid;

    while (p < end) {
        g_utf8_validate(p, end - p, &valid);
        for (; p < valid; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == '\n')
                g_string_append(g, "\\n");
            else if (c == '\t')
                g_string_append(g, "\\t");
            else if (c == '\r')
                g_string_append(g, "\\r");
            else if (c < 0x20 || c == 0x7f)
                g_string_append_printf(g, "\\x%02x", c);
            else if (quoted && (c == '"' || c == '\\'))
                g_string_append_printf(g, "\\%c", c);
            else
                g_string_append_c(g, (char)c);
        }
        if (p < end)
            g_string_append_printf(g, "\\x%02x", (unsigned char)*p++);
    }
}

char *trace_text_escaped(const char *s)
{
    GString *g = g_string_new(NULL);

    text_esc(g, s, false);
    return g_string_free(g, FALSE);
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
    t->ignored = g_string_new(NULL);
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
    g_string_free(t->ignored, TRUE);
    g_free(t);
}

/* ---- header ------------------------------------------------------------ */

static void header_json(GString *g, const struct trace_header *h, const struct knob_set *ks)
{
    char buf[64];

    g_string_append(g, "{\"drcsim\":");
    json_string_append(g, DRCSIM_VERSION);
    g_string_append(g, ",\"scenario\":");
    json_string_append(g, h->scenario_path);
    g_string_append(g, ",\"name\":");
    json_string_append(g, h->scenario_name);
    g_string_append_printf(g, ",\"scenario_xxh3\":\"%016" PRIx64 "\",\"variant\":",
                           h->scenario_hash);
    json_string_append(g, h->variant);
    g_string_append(g, ",\"knobs\":{");
    for (int i = 0; i < KNOB_COUNT; i++) {
        if (i)
            g_string_append_c(g, ',');
        json_string_append(g, knob_defs[i].name);
        g_string_append_c(g, ':');
        json_string_append(g, knob_format(ks, i, buf, sizeof(buf)));
    }
    g_string_append_c(g, '}');
    if (h->has_seed)
        g_string_append_printf(g, ",\"seed\":%" PRIu64, h->seed);
    g_string_append(g, ",\"schedule\":");
    json_string_append(g, h->schedule);
    if (h->scenario_text && g_utf8_validate(h->scenario_text, -1, NULL)) {   /* JSON is UTF-8 */
        g_string_append(g, ",\"scenario_text\":");
        json_string_append(g, h->scenario_text);
    }
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
        json_string_append(t->head, actor);
        g_string_append(t->head, ",\"op\":");
        json_string_append(t->head, op);
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
        json_string_append(g, key);
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
        json_string_append(g, val);
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
    json_string_append(g, machine);
    g_string_append(g, ",\"trace\":");
    json_string_append(g, tracepoint);
    g_string_append_printf(g, ",\"index\":\"0x%" PRIx32 "\"", index);
    if (state) {
        g_string_append(g, ",\"state\":");
        json_string_append(g, state);
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
    json_string_append(g, machine);
    g_string_append(g, ",\"event\":");
    json_string_append(g, event);
    if (device) {
        g_string_append(g, ",\"device\":");
        json_string_append(g, device);
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
    json_string_append(g, who);
    g_string_append(g, ",\"line\":");
    json_string_append(g, line);
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

static const char *const verdict_names[] = { "pass", "fail", "incomplete" };

static void verdict_json(GString *g, enum trace_verdict verdict, const char *const *families,
                         const char *family, uint32_t step, const char *message)
{
    g_string_append_printf(g, "{\"verdict\":\"%s\",\"families\":[", verdict_names[verdict]);
    for (unsigned i = 0; families && families[i]; i++) {
        if (i)
            g_string_append_c(g, ',');
        json_string_append(g, families[i]);
    }
    g_string_append_c(g, ']');
    if (family) {
        g_string_append(g, ",\"violation\":{\"family\":");
        json_string_append(g, family);
        g_string_append_printf(g, ",\"step\":%" PRIu32, step);
        if (message) {
            g_string_append(g, ",\"message\":");
            json_string_append(g, message);
        }
        g_string_append_c(g, '}');
    }
    if (verdict == TRACE_INCOMPLETE)
        g_string_append_printf(g, ",\"stopped_after\":%" PRIu32, step);
    if (verdict == TRACE_INCOMPLETE && message) {
        g_string_append(g, ",\"message\":");
        json_string_append(g, message);
    }
}

static void verdict_text(GString *g, enum trace_verdict verdict, const char *const *families,
                         const char *family, uint32_t step, const char *message)
{
    g_string_append_printf(g, "verdict: %s", verdict_names[verdict]);
    if (verdict == TRACE_INCOMPLETE && message) {
        g_string_append_printf(g, " (stopped after step %" PRIu32 ": ", step);
        text_esc(g, message, false);
        g_string_append_c(g, ')');
    } else if (verdict == TRACE_INCOMPLETE) {
        g_string_append_printf(g, " (stopped after step %" PRIu32 ", before quiescence)", step);
    }
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

void trace_ignored(struct trace *t, const char *family, uint32_t step, const char *message)
{
    GString *g;

    g_return_if_fail(t && !t->in_step && family && message);
    if (t->fmt != TRACE_JSONL) {
        g_string_append(t->out, "ignored: ");
        text_esc(t->out, family, false);
        g_string_append_printf(t->out, " at step %" PRIu32 ": ", step);
        text_esc(t->out, message, false);
        g_string_append_c(t->out, '\n');
        return;
    }
    g = t->ignored;
    g_string_append(g, g->len ? ",{\"family\":" : ",\"ignored\":[{\"family\":");
    json_string_append(g, family);
    g_string_append_printf(g, ",\"step\":%" PRIu32 ",\"message\":", step);
    json_string_append(g, message);
    g_string_append_c(g, '}');
}

void trace_verdict(struct trace *t, enum trace_verdict verdict, const char *const *families,
                   const char *family, uint32_t step, const char *message)
{
    g_return_if_fail(t && !t->in_step && verdict <= TRACE_INCOMPLETE);
    if (t->fmt != TRACE_JSONL) {
        verdict_text(t->out, verdict, families, family, step, message);
        return;
    }
    verdict_json(t->out, verdict, families, family, step, message);
    if (t->ignored->len)
        g_string_append_printf(t->out, "%s]", t->ignored->str);
    g_string_append(t->out, "}\n");
}

/* ---- output ------------------------------------------------------------ */

const char *trace_buffer(const struct trace *t, size_t *len)
{
    if (len)
        *len = t->out->len;
    return t->out->str;
}

void trace_set_err(char *err, unsigned errlen, const char *fmt, ...)
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
        trace_set_err(err, errlen, "cannot write %s: %s", path, g_strerror(errno));
        return false;
    }
    if (fwrite(t->out->str, 1, t->out->len, f) != t->out->len || fflush(f) != 0)
        e = errno ? errno : EIO;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (e) {
        trace_set_err(err, errlen, "cannot write %s: %s", path, g_strerror(e));
        return false;
    }
    return true;
}
