/*
 * The scenario language (ARCHITECTURE.md "Scenario language"): splits each
 * line into words and turns each statement into struct scenario, stopping at
 * the first error with "path:line:col: error: message". Also the names of DRC
 * states, QMP events, actions, RTAS calls and invariant families.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "scenario.h"

#define NONE 0xff   /* no machine, device or event in a uint8_t reference */
#define STR(x) G_STRINGIFY(x)

/* ---- names ---------------------------------------------------------- */

const char *const family_names[FAM_COUNT] = {
    "drc-migration-mismatch", "view-mismatch", "lost-unplug", "false-unplug-error",
    "guest-dlpar-error", "guest-dt-mismatch", "qemu-abort", "migration-failed",
    "expect-failed",
};
static const char *const state_names[SPAPR_DRC_STATE_COUNT] = {
    "INVALID", "LOGICAL_UNUSABLE", "LOGICAL_AVAILABLE", "LOGICAL_UNISOLATE",
    "LOGICAL_CONFIGURED", "PHYSICAL_AVAILABLE", "PHYSICAL_POWERON", "PHYSICAL_UNISOLATE",
    "PHYSICAL_CONFIGURED",
};
static const char *const event_names[QMP_EVENT_COUNT] = {
    "DEVICE_DELETED", "DEVICE_UNPLUG_GUEST_ERROR", "MEM_UNPLUG_ERROR",
};
static const char *const action_names[DO_ACTION_COUNT] = {
    "device_add", "device_del", "migrate", "cont", "system_reset", "setvcpus", "cpu-offline",
    "stop", "lmb-busy",
};
static const char *const rtas_names[RTAS_CALL_COUNT] = {
    "get-sensor-state", "set-indicator isolation-state", "set-indicator allocation-state",
    "set-indicator dr-indicator", "configure-connector", "configure-connector walk",
    "check-exception", "event-scan",
};
/* The words after `do [MACHINE]`, in enum do_action order. */
static const char *const do_words[DO_ACTION_COUNT] = {
    "device_add", "device_del", "migrate", "cont", "system_reset", "setvcpus", "guest", "stop",
    "guest lmb-busy",   /* never one word: `guest` parses both guest actions */
};
static const char *const wait_words[] = { "guest-online", "event", "migrated", "quiescent" };
static const char *const dev_type_names[DEV_TYPE_COUNT] = { "cpu", "dimm", "phb", "pci" };
static const char *const dev_arg_names[DEV_TYPE_COUNT] = { "core-id", "size", "index", "slot" };
static const char *const cpu_names[] = { "power8", "power9" };
static const char *const guest_names[] = { "linux", "script", "none" };
/* Predicate keys; key k is bit 1 << k (PRED_STATE … PRED_VALUE). */
static const char *const pred_keys[] = { "state", "dev", "unplug-requested", "needed", "rc", "value" };
/* Words that would make `do`, `wait` and `expect` ambiguous as machine names. */
static const char *const reserved_words[] = {
    "guest", "libvirt", "event", "device_add", "device_del", "migrate", "cont",
    "system_reset", "setvcpus", "guest-online", "migrated", "quiescent", "stop",
};

static int index_of(const char *const *names, unsigned count, const char *s)
{
    for (unsigned i = 0; i < count; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static const char *name_at(const char *const *names, unsigned count, unsigned i)
{
    return i < count ? names[i] : "?";
}

const char *drc_state_name(uint8_t state)
{
    return name_at(state_names, SPAPR_DRC_STATE_COUNT, state);
}

int drc_state_lookup(const char *name)
{
    return index_of(state_names, SPAPR_DRC_STATE_COUNT, name);
}

const char *qmp_event_name(uint8_t ev)
{
    return name_at(event_names, QMP_EVENT_COUNT, ev);
}

const char *do_action_name(uint8_t a)
{
    return name_at(action_names, DO_ACTION_COUNT, a);
}

const char *rtas_call_name(uint8_t c)
{
    return name_at(rtas_names, RTAS_CALL_COUNT, c);
}

const char *scn_device_ids(const struct scenario *scn, unsigned mask, char *buf, size_t len)
{
    size_t at = 0;

    buf[0] = 0;
    for (unsigned x = mask; x; x &= x - 1)
        at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s", at ? "," : "",
                               scn->devices[__builtin_ctz(x)].id);
    return buf;
}

int family_lookup(const char *name)
{
    return index_of(family_names, FAM_COUNT, name);
}

/* ---- lexer ---------------------------------------------------------- */

struct lexer {
    const char *line;
    size_t len, i, o;
    char *buf;
    const char **msg;
    unsigned *col;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_control(char c)
{
    unsigned char u = (unsigned char)c;
    return (u < 0x20 && c != '\t') || u == 0x7f;
}

static bool lex_fail(struct lexer *lx, size_t at, const char *msg)
{
    *lx->msg = msg;
    *lx->col = (unsigned)at + 1;
    return false;
}

static bool lex_word(struct lexer *lx)
{
    while (lx->i < lx->len && !is_blank(lx->line[lx->i]) && lx->line[lx->i] != '#') {
        char c = lx->line[lx->i];
        if (c == '"')
            return lex_fail(lx, lx->i, "unexpected '\"' inside a word");
        if (is_control(c))
            return lex_fail(lx, lx->i, "control character in a word");
        lx->buf[lx->o++] = c;
        lx->i++;
    }
    lx->buf[lx->o++] = '\0';
    return true;
}

static bool lex_string(struct lexer *lx)
{
    size_t start = lx->i++;

    for (;;) {
        char c;
        if (lx->i >= lx->len)
            return lex_fail(lx, start, "unterminated string");
        c = lx->line[lx->i++];
        if (c == '"')
            break;
        if (c == '\\') {
            if (lx->i >= lx->len)
                return lex_fail(lx, start, "unterminated string");
            c = lx->line[lx->i++];
            if (c != '"' && c != '\\')
                return lex_fail(lx, lx->i - 2, "unknown escape in a string (only \\\" and \\\\)");
        } else if (is_control(c)) {
            return lex_fail(lx, lx->i - 1, "control character in a string");
        }
        lx->buf[lx->o++] = c;
    }
    if (lx->i < lx->len && !is_blank(lx->line[lx->i]) && lx->line[lx->i] != '#')
        return lex_fail(lx, lx->i, "expected a blank after the closing quote");
    lx->buf[lx->o++] = '\0';
    return true;
}

int scn_split_words(const char *line, size_t len, char *buf, struct scn_word *w,
                    const char **msg, unsigned *col)
{
    struct lexer lx = { line, len, 0, 0, buf, msg, col };
    int n = 0;

    if (len > SCN_LINE_MAX) {
        lex_fail(&lx, 0, "line too long (max " STR(SCN_LINE_MAX) " bytes)");
        return -1;
    }
    while (lx.i < len && line[lx.i] != '#') {
        if (is_blank(line[lx.i])) {
            lx.i++;
            continue;
        }
        if (n == SCN_MAX_WORDS) {
            lex_fail(&lx, lx.i, "too many words on one line (max " STR(SCN_MAX_WORDS) ")");
            return -1;
        }
        w[n].s = buf + lx.o;
        w[n].col = (uint16_t)(lx.i + 1);
        w[n].quoted = line[lx.i] == '"';
        if (!(w[n].quoted ? lex_string(&lx) : lex_word(&lx)))
            return -1;
        w[n++].end = (uint16_t)(lx.i + 1);
    }
    return n;
}

bool scn_valid_name(const char *s)
{
    if (!g_ascii_isalpha(*s))
        return false;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
            return false;
    return true;
}

bool scn_parse_knob(const char *word, uint8_t *id, uint32_t *lo, uint32_t *hi,
                    char *msg, unsigned msglen)
{
    const char *eq = strchr(word, '='), *why = "";
    char name[64];
    int k;

    if (!eq) {
        snprintf(msg, msglen, "expected knob NAME=VALUE, got '%s'", word);
        return false;
    }
    snprintf(name, sizeof(name), "%.*s", (int)(eq - word), word);
    k = (size_t)(eq - word) < sizeof(name) ? knob_lookup(name) : -1;
    if (k < 0) {
        snprintf(msg, msglen, "unknown knob '%.*s'", (int)(eq - word), word);
        return false;
    }
    if (!knob_parse_value(k, eq + 1, lo, hi, &why)) {
        snprintf(msg, msglen, "bad value '%s' for knob %s: %s", eq + 1, name, why);
        return false;
    }
    *id = (uint8_t)k;
    return true;
}

static void write_error(char *err, unsigned errlen, const char *path, unsigned line,
                        unsigned col, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s:%u:%u: error: %s", path, line, col, msg);
}

/* A NUL byte in text[0..len): report where it is. */
static char *nul_error(const char *path, char *text, size_t len, char *err, unsigned errlen)
{
    size_t at = strlen(text), bol = 0;
    unsigned line = 1;

    for (size_t i = 0; i < at && i < len; i++)
        if (text[i] == '\n') {
            line++;
            bol = i + 1;
        }
    write_error(err, errlen, path, line, (unsigned)(at - bol + 1), "NUL byte in file");
    g_free(text);
    return NULL;
}

char *scn_read_file(const char *path, int *errnum, char *err, unsigned errlen)
{
    FILE *f = fopen(path, "rb");
    GString *g;
    char chunk[4096];
    size_t k;

    if (!f) {
        *errnum = errno;
        write_error(err, errlen, path, 1, 1, g_strerror(*errnum));
        return NULL;
    }
    g = g_string_new(NULL);
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        g_string_append_len(g, chunk, (gssize)k);
    if (ferror(f)) {
        *errnum = errno ? errno : EIO;
        write_error(err, errlen, path, 1, 1, g_strerror(*errnum));
        fclose(f);
        g_string_free(g, TRUE);
        return NULL;
    }
    fclose(f);
    k = g->len;
    if (strlen(g->str) != k) {
        *errnum = 0;
        return nul_error(path, g_string_free(g, FALSE), k, err, errlen);
    }
    return g_string_free(g, FALSE);
}

/* ---- numbers, sizes, durations ---------------------------------------- */

/* The whole of s as decimal (or 0x-prefixed hex when hex) in 32 bits. */
static bool parse_u32(const char *s, bool hex, uint32_t *out)
{
    uint64_t v = 0;
    int base = 10;

    if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        int d = g_ascii_xdigit_value(*s);
        if (d < 0 || d >= base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool parse_i32(const char *s, int32_t *out)
{
    bool neg = *s == '-';
    uint32_t v;

    if (!parse_u32(s + neg, false, &v) || v > (uint32_t)INT32_MAX + neg)
        return false;
    *out = neg ? (int32_t)(0 - (int64_t)v) : (int32_t)v;
    return true;
}

/* Leading digits of s as a number (< 2^32) followed by a suffix in units. */
static bool parse_scaled(const char *s, const char *const *units, const uint32_t *scale,
                         unsigned nunits, uint32_t *out)
{
    char digits[16];
    size_t nd = strspn(s, "0123456789");
    uint32_t v;
    int u;

    if (nd == 0 || nd >= sizeof(digits))
        return false;
    memcpy(digits, s, nd);
    digits[nd] = '\0';
    u = index_of(units, nunits, s + nd);
    if (u < 0 || !parse_u32(digits, false, &v) || (uint64_t)v * scale[u] > UINT32_MAX)
        return false;
    *out = v * scale[u];
    return true;
}

/* 512M, 1G, 512MiB, 1GiB: in MiB. */
static bool parse_size(const char *s, uint32_t *mb)
{
    static const char *const units[] = { "M", "MiB", "G", "GiB" };
    static const uint32_t scale[] = { 1, 1, 1024, 1024 };
    return parse_scaled(s, units, scale, 4, mb);
}

/* N (ms), Nms, Ns: in ms. */
static bool parse_duration(const char *s, uint32_t *ms)
{
    static const char *const units[] = { "", "ms", "s" };
    static const uint32_t scale[] = { 1, 1, 1000 };
    return parse_scaled(s, units, scale, 3, ms);
}

/* The value of "key=value" in word, or NULL when word is not that key. */
static const char *value_of(const char *word, const char *key)
{
    size_t k = strlen(key);
    return strncmp(word, key, k) == 0 && word[k] == '=' ? word + k + 1 : NULL;
}

/* Index of word's key (the part before '=', or all of it) in keys, or -1. */
static int key_index(const char *word, const char *const *keys, unsigned nkeys)
{
    const char *eq = strchr(word, '=');
    size_t klen = eq ? (size_t)(eq - word) : strlen(word);

    for (unsigned i = 0; i < nkeys; i++)
        if (strlen(keys[i]) == klen && strncmp(keys[i], word, klen) == 0)
            return (int)i;
    return -1;
}

/* ---- parser state and helpers ----------------------------------------- */

struct parser {
    const char *path;
    struct scenario *s;
    char *err;
    unsigned errlen;
    unsigned line;
    int script;                 /* current script, -1 before the first */
    unsigned scenario_line, title_line, source_line;
    int n;
    struct scn_word w[SCN_MAX_WORDS];
    char buf[SCN_LINE_MAX + 1];
};

static bool fail(struct parser *p, unsigned col, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static bool fail(struct parser *p, unsigned col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    write_error(p->err, p->errlen, p->path, p->line, col, msg);
    return false;
}

static struct scn_loc loc_of(const struct parser *p, int i)
{
    struct scn_loc l = { (uint16_t)p->line, p->w[i].col };
    return l;
}

/* Column of word i, or just past the last word when there is no word i. */
static unsigned col_of(const struct parser *p, int i)
{
    if (i < p->n)
        return p->w[i].col;
    return p->n ? p->w[p->n - 1].end : 1;
}

/* Words [0, end) number between min and max. */
static bool need_upto(struct parser *p, int end, int min, int max, const char *usage)
{
    if (end < min)
        return fail(p, col_of(p, end), "expected `%s`", usage);
    if (end > max && max < SCN_MAX_WORDS)
        return fail(p, p->w[max].col, "unexpected '%s' (expected `%s`)", p->w[max].s, usage);
    return true;
}

static bool need_words(struct parser *p, int min, int max, const char *usage)
{
    return need_upto(p, p->n, min, max, usage);
}

static bool get_name(struct parser *p, int i, const char *what, char out[SCN_NAME_LEN])
{
    const char *s = p->w[i].s;

    if (!scn_valid_name(s))
        return fail(p, p->w[i].col, "bad %s name '%s' (a letter, then letters, digits, "
                    "'-', '_' or '.')", what, s);
    if (strlen(s) >= SCN_NAME_LEN)
        return fail(p, p->w[i].col, "%s name '%s' too long (max %d bytes)", what, s,
                    SCN_NAME_LEN - 1);
    strcpy(out, s);
    return true;
}

static int machine_index(const struct scenario *s, const char *name)
{
    for (unsigned i = 0; i < s->nmachines; i++)
        if (strcmp(s->machines[i].name, name) == 0)
            return (int)i;
    return -1;
}

static bool find_machine(struct parser *p, int i, uint8_t *m)
{
    int k = machine_index(p->s, p->w[i].s);

    if (k < 0)
        return fail(p, p->w[i].col, "unknown machine '%s'", p->w[i].s);
    *m = (uint8_t)k;
    return true;
}

static int device_index(const struct scenario *s, const char *id)
{
    for (unsigned i = 0; i < s->ndevices; i++)
        if (strcmp(s->devices[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* The device named id (word i, or part of it): defined by an earlier line. */
static bool find_device(struct parser *p, int i, const char *id, uint8_t *d)
{
    int k = device_index(p->s, id);

    if (k < 0)
        return fail(p, p->w[i].col, "unknown device '%s' (no earlier line defines it)", id);
    *d = (uint8_t)k;
    return true;
}

/* Word i names a device of the given type (-1: any). */
static bool typed_device(struct parser *p, int i, int type, uint8_t *d)
{
    uint8_t t;

    if (!find_device(p, i, p->w[i].s, d))
        return false;
    t = p->s->devices[*d].type;
    if (type >= 0 && t != type)
        return fail(p, p->w[i].col, "device '%s' is a %s, not a %s", p->w[i].s,
                    dev_type_names[t], dev_type_names[type]);
    return true;
}

/* Word i is yes_word (1) or no_word (0). */
static bool choice(struct parser *p, int i, const char *yes_word, const char *no_word,
                   uint8_t *out)
{
    const char *w = p->w[i].s;

    if (strcmp(w, yes_word) && strcmp(w, no_word))
        return fail(p, p->w[i].col, "expected %s or %s, got '%s'", yes_word, no_word, w);
    *out = strcmp(w, yes_word) == 0;
    return true;
}

/* Value v of word i ("key=v") is a number in [min, max]. */
static bool range_arg(struct parser *p, int i, const char *v, uint32_t min, uint32_t max,
                      uint32_t *out)
{
    if (!parse_u32(v, false, out))
        return fail(p, p->w[i].col, "%s: expected a number", p->w[i].s);
    if (*out < min || *out > max)
        return fail(p, p->w[i].col, "%s out of range (%u..%u)", p->w[i].s, min, max);
    return true;
}

/* Value v of word i is a size, a positive multiple of 256M. */
static bool size_arg(struct parser *p, int i, const char *v, uint32_t *mb)
{
    if (!parse_size(v, mb))
        return fail(p, p->w[i].col, "%s: expected a size such as 512M or 1G", p->w[i].s);
    if (*mb == 0 || *mb % 256)
        return fail(p, p->w[i].col, "%s: not a positive multiple of 256M", p->w[i].s);
    return true;
}

/* ---- scenario, title, source, knob, script ---------------------------- */

static bool once(struct parser *p, unsigned *seen, const char *stmt)
{
    if (*seen)
        return fail(p, p->w[0].col, "duplicate `%s` statement (first on line %u)", stmt, *seen);
    *seen = p->line;
    return true;
}

static bool st_scenario(struct parser *p)
{
    return need_words(p, 2, 2, "scenario NAME") && once(p, &p->scenario_line, "scenario") &&
           get_name(p, 1, "scenario", p->s->name);
}

static bool text_statement(struct parser *p, unsigned *seen, const char *stmt, char *out)
{
    char usage[32];

    snprintf(usage, sizeof(usage), "%s \"TEXT\"", stmt);
    if (!need_words(p, 2, 2, usage) || !once(p, seen, stmt))
        return false;
    if (!p->w[1].quoted)
        return fail(p, p->w[1].col, "expected a quoted string, got '%s'", p->w[1].s);
    if (strlen(p->w[1].s) >= SCN_TEXT_LEN)
        return fail(p, p->w[1].col, "%s too long (max %d bytes)", stmt, SCN_TEXT_LEN - 1);
    strcpy(out, p->w[1].s);
    return true;
}

static bool st_title(struct parser *p)
{
    return text_statement(p, &p->title_line, "title", p->s->title);
}

static bool st_source(struct parser *p)
{
    return text_statement(p, &p->source_line, "source", p->s->source);
}

static bool st_knob(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_knob k = { .loc = loc_of(p, 0) };
    char msg[256];

    if (!need_words(p, 2, 2, "knob NAME=VALUE"))
        return false;
    if (!scn_parse_knob(p->w[1].s, &k.id, &k.lo, &k.hi, msg, sizeof(msg)))
        return fail(p, p->w[1].col, "%s", msg);
    for (unsigned i = 0; i < s->nknobs; i++)
        if (s->knobs[i].id == k.id)
            return fail(p, p->w[1].col, "knob %s already set on line %u",
                        knob_defs[k.id].name, s->knobs[i].loc.line);
    s->knobs[s->nknobs++] = k;   /* at most KNOB_COUNT distinct knobs */
    return true;
}

static bool add_script(struct parser *p, const char *name, unsigned col)
{
    struct scenario *s = p->s;

    for (unsigned i = 0; i < s->nscripts; i++)
        if (strcmp(s->script_names[i], name) == 0)
            return fail(p, col, "duplicate script '%s'", name);
    if (s->nscripts == MAX_SCRIPTS)
        return fail(p, col, "too many scripts (max %d)", MAX_SCRIPTS);
    strcpy(s->script_names[s->nscripts], name);
    s->script_first[s->nscripts] = s->nlines;
    s->script_count[s->nscripts] = 0;
    p->script = s->nscripts++;
    return true;
}

static bool st_script(struct parser *p)
{
    char name[SCN_NAME_LEN];

    return need_words(p, 2, 2, "script NAME") && get_name(p, 1, "script", name) &&
           add_script(p, name, p->w[1].col);
}

/* A new script line; the implicit script "main" starts with the first. */
static struct scn_line *new_line(struct parser *p, uint8_t kind)
{
    struct scenario *s = p->s;
    struct scn_line *l;

    if (s->nlines == MAX_LINES) {
        fail(p, p->w[0].col, "too many script lines (max %d)", MAX_LINES);
        return NULL;
    }
    if (p->script < 0 && !add_script(p, "main", p->w[0].col))
        return NULL;
    l = &s->lines[s->nlines++];
    memset(l, 0, sizeof(*l));
    l->kind = kind;
    l->script = (uint8_t)p->script;
    l->machine = l->device = l->machine2 = l->event = NONE;
    l->loc = loc_of(p, 0);
    s->script_count[p->script]++;
    return l;
}

/* ---- machine ---------------------------------------------------------- */

enum { MO_LIKE, MO_CORES, MO_LMBS, MO_PHBS, MO_PCI_SLOTS, MO_RAM, MO_INCOMING,
       MO_PRELAUNCH, MO_HOST, MO_COMPAT, MO_GUEST, MO_COUNT };
static const char *const machine_opts[MO_COUNT] = {
    "like", "cores", "lmbs", "phbs", "pci-slots", "ram", "incoming", "prelaunch", "host",
    "max-cpu-compat", "guest",
};

static bool enum_arg(struct parser *p, int i, const char *v, const char *const *names,
                     unsigned count, const char *expected, uint8_t *out)
{
    int k = index_of(names, count, v);

    if (k < 0)
        return fail(p, p->w[i].col, "%s: expected %s", p->w[i].s, expected);
    *out = (uint8_t)k;
    return true;
}

static bool machine_value(struct parser *p, int i, int o, const char *v, struct scn_machine *m)
{
    uint32_t n = 0;
    bool ok = true;

    switch (o) {
    case MO_CORES:     ok = range_arg(p, i, v, 1, MAX_CORES, &n); m->cores = (uint8_t)n; break;
    case MO_LMBS:      ok = range_arg(p, i, v, 0, MAX_LMBS, &n); m->lmbs = (uint8_t)n; break;
    case MO_PHBS:      ok = range_arg(p, i, v, 1, MAX_PHBS, &n); m->phbs = (uint8_t)n; break;
    case MO_PCI_SLOTS: ok = range_arg(p, i, v, 0, MAX_PCI_SLOTS, &n); m->pci_slots = (uint8_t)n; break;
    case MO_RAM:       ok = size_arg(p, i, v, &m->ram_mb); break;
    case MO_HOST:      return enum_arg(p, i, v, cpu_names, 2, "power8 or power9", &m->host);
    case MO_GUEST:     return enum_arg(p, i, v, guest_names, 3, "linux, script or none", &m->guest);
    case MO_COMPAT:
        if (!enum_arg(p, i, v, cpu_names, 2, "power8 or power9", &m->max_cpu_compat))
            return false;
        m->max_cpu_compat++;
        break;
    case MO_INCOMING:
        if (strcmp(v, "defer"))
            return fail(p, p->w[i].col, "%s: expected incoming=defer", p->w[i].s);
        m->incoming_defer = 1;
        break;
    }
    return ok;
}

static bool machine_option(struct parser *p, int i, struct scn_machine *m, unsigned *seen)
{
    const char *w = p->w[i].s, *eq = strchr(w, '=');
    int o = key_index(w, machine_opts, MO_COUNT);

    if (o < 0)
        return fail(p, p->w[i].col, "unknown machine option '%s'", w);
    if (*seen & 1u << o)
        return fail(p, p->w[i].col, "machine option '%s' given twice", machine_opts[o]);
    *seen |= 1u << o;
    if (o == MO_PRELAUNCH) {
        if (eq)
            return fail(p, p->w[i].col, "prelaunch takes no value");
        m->prelaunch = 1;
        return true;
    }
    if (!eq)
        return fail(p, p->w[i].col, "expected %s=VALUE", w);
    return o == MO_LIKE || machine_value(p, i, o, eq + 1, m);
}

/* Defaults, or a copy of the machine that a like= option names. */
static bool machine_base(struct parser *p, struct scn_machine *m)
{
    static const struct scn_machine defaults = {
        .cores = 2, .lmbs = 8, .phbs = 2, .pci_slots = 4, .host = CPU_POWER9,
        .guest = GUEST_LINUX, .like = -1, .ram_mb = 1024,
    };
    *m = defaults;
    for (int i = 2; i < p->n; i++) {
        const char *v = value_of(p->w[i].s, "like");
        int k;
        if (!v)
            continue;
        k = machine_index(p->s, v);
        if (k < 0)
            return fail(p, p->w[i].col, "unknown machine '%s'", v);
        *m = p->s->machines[k];
        m->like = (int8_t)k;
        return true;
    }
    return true;
}

static bool st_machine(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_machine m;
    char name[SCN_NAME_LEN];
    unsigned seen = 0;
    int k;

    if (!need_words(p, 2, SCN_MAX_WORDS, "machine NAME [OPTION=VALUE]…") ||
        !get_name(p, 1, "machine", name))
        return false;
    if (index_of(reserved_words, G_N_ELEMENTS(reserved_words), name) >= 0)
        return fail(p, p->w[1].col, "'%s' is a keyword and cannot name a machine", name);
    k = machine_index(s, name);
    if (k >= 0)
        return fail(p, p->w[1].col, "duplicate machine '%s' (first defined on line %u)", name,
                    s->machines[k].loc.line);
    if (s->nmachines == MAX_MACHINES)
        return fail(p, p->w[1].col, "too many machines (max %d)", MAX_MACHINES);
    if (!machine_base(p, &m))
        return false;
    for (int i = 2; i < p->n; i++)
        if (!machine_option(p, i, &m, &seen))
            return false;
    strcpy(m.name, name);
    m.loc = loc_of(p, 0);
    s->machines[s->nmachines++] = m;
    return true;
}

/* ---- devices ------------------------------------------------------------ */

static const char *describe_device(const struct scn_device *d, char *buf, size_t len)
{
    uint32_t v = d->type == DEV_CPU_CORE ? d->core_id : d->type == DEV_PHB ? d->index : d->slot;

    if (d->type == DEV_DIMM)
        snprintf(buf, len, "dimm size=%uM", (unsigned)d->size_mb);
    else
        snprintf(buf, len, "%s %s=%u", dev_type_names[d->type], dev_arg_names[d->type],
                 (unsigned)v);
    return buf;
}

/* Word i is the argument of device d's type, checked against machine m. */
static bool device_arg(struct parser *p, int i, uint8_t m, struct scn_device *d)
{
    const struct scn_machine *mc = &p->s->machines[m];
    static const char *const limit_names[] = { "cores", "", "phbs", "pci-slots" };
    const uint8_t limits[] = { mc->cores, 0, mc->phbs, mc->pci_slots };
    const char *w = p->w[i].s, *v = value_of(w, dev_arg_names[d->type]);
    uint32_t n;

    if (!v)
        return fail(p, p->w[i].col, "unknown option '%s' for a %s device (expected %s=%s)", w,
                    dev_type_names[d->type], dev_arg_names[d->type],
                    d->type == DEV_DIMM ? "SIZE" : "N");
    if (d->type == DEV_DIMM)
        return size_arg(p, i, v, &d->size_mb);
    if (!parse_u32(v, false, &n))
        return fail(p, p->w[i].col, "%s: expected a number", w);
    if (n >= limits[d->type])
        return fail(p, p->w[i].col, "%s out of range: machine '%s' has %s=%u", w, mc->name,
                    limit_names[d->type], limits[d->type]);
    if (d->type == DEV_CPU_CORE)
        d->core_id = (uint8_t)n;
    else if (d->type == DEV_PHB)
        d->index = (uint8_t)n;
    else
        d->slot = (uint8_t)n;
    return true;
}

/* The first mention of an ID defines the device; later ones must agree. */
static bool define_device(struct parser *p, const struct scn_device *d, uint8_t *out)
{
    struct scenario *s = p->s;
    int k = device_index(s, d->id);
    char buf[64];

    if (k >= 0) {
        const struct scn_device *e = &s->devices[k];
        if (e->type != d->type || e->core_id != d->core_id || e->index != d->index ||
            e->slot != d->slot || e->size_mb != d->size_mb)
            return fail(p, d->loc.col, "device '%s' differs from its definition on line %u (%s)",
                        d->id, e->loc.line, describe_device(e, buf, sizeof(buf)));
        *out = (uint8_t)k;
        return true;
    }
    if (s->ndevices == MAX_DEVICES)
        return fail(p, d->loc.col, "too many devices (max %d)", MAX_DEVICES);
    s->devices[s->ndevices] = *d;
    *out = s->ndevices++;
    return true;
}

/* Words i, i+1, i+2: TYPE ID ARG, on machine m. */
static bool parse_device(struct parser *p, int i, uint8_t m, uint8_t *out)
{
    struct scn_device d;
    int t = index_of(dev_type_names, DEV_TYPE_COUNT, p->w[i].s);

    memset(&d, 0, sizeof(d));
    if (t < 0)
        return fail(p, p->w[i].col, "unknown device type '%s' (expected cpu, dimm, phb or pci)",
                    p->w[i].s);
    d.type = (uint8_t)t;
    if (!get_name(p, i + 1, "device", d.id))
        return false;
    d.loc = loc_of(p, i + 1);
    return device_arg(p, i + 2, m, &d) && define_device(p, &d, out);
}

static bool st_device(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_coldplug c = { .loc = loc_of(p, 0) };

    if (!need_words(p, 5, 5, "device MACHINE TYPE ID ARG") || !find_machine(p, 1, &c.machine) ||
        !parse_device(p, 2, c.machine, &c.device))
        return false;
    for (unsigned i = 0; i < s->ncoldplug; i++)
        if (s->coldplug[i].machine == c.machine && s->coldplug[i].device == c.device)
            return fail(p, p->w[3].col, "device '%s' is already on machine '%s' (line %u)",
                        p->w[3].s, p->w[1].s, s->coldplug[i].loc.line);
    if (s->ncoldplug == SCN_MAX_COLDPLUG)
        return fail(p, p->w[0].col, "too many `device` lines (max %d)", SCN_MAX_COLDPLUG);
    s->coldplug[s->ncoldplug++] = c;
    return true;
}

/* ---- DRC names and predicates ----------------------------------------- */

static bool drc_range(struct parser *p, int i, uint32_t n, uint8_t limit, const char *what,
                      uint8_t m)
{
    if (n < limit)
        return true;
    return fail(p, p->w[i].col, "%s out of range: machine '%s' has %s=%u", p->w[i].s,
                p->s->machines[m].name, what, limit);
}

/* LMB:<dimm-id>.<k> */
static bool dimm_lmb(struct parser *p, int i, const char *v, struct drc_ref *r)
{
    const char *dot = strrchr(v, '.');
    char id[SCN_NAME_LEN];
    uint8_t d = 0;
    uint32_t k, nlmbs;

    if (!dot || (size_t)(dot - v) >= sizeof(id) || !parse_u32(dot + 1, false, &k))
        return fail(p, p->w[i].col, "bad DRC name '%s' (expected LMB:N or LMB:DIMM.K)", p->w[i].s);
    snprintf(id, sizeof(id), "%.*s", (int)(dot - v), v);
    if (!find_device(p, i, id, &d))
        return false;
    if (p->s->devices[d].type != DEV_DIMM)
        return fail(p, p->w[i].col, "device '%s' is a %s, not a dimm", id,
                    dev_type_names[p->s->devices[d].type]);
    nlmbs = p->s->devices[d].size_mb / 256;
    if (k >= nlmbs)
        return fail(p, p->w[i].col, "%s out of range: DIMM '%s' has %u LMBs", p->w[i].s, id,
                    (unsigned)nlmbs);
    r->kind = DRC_REF_DIMM_LMB;
    r->device = d;
    r->n = (uint16_t)k;
    return true;
}

/* Word i names a DRC of machine m. */
static bool parse_drc(struct parser *p, int i, uint8_t m, struct drc_ref *r)
{
    static const char *const prefixes[] = { "CPU", "LMB", "PHB", "PCI" };
    static const uint8_t kinds[] = { DRC_REF_CPU, DRC_REF_LMB, DRC_REF_PHB, DRC_REF_PCI };
    static const char *const limit_names[] = { "cores", "lmbs", "phbs", "pci-slots" };
    const struct scn_machine *mc = &p->s->machines[m];
    const uint8_t limits[] = { mc->cores, mc->lmbs, mc->phbs, mc->pci_slots };
    const char *w = p->w[i].s, *colon = strchr(w, ':');
    uint32_t n;
    int k;

    memset(r, 0, sizeof(*r));
    if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        r->kind = DRC_REF_RAW;
        if (!parse_u32(w, true, &r->raw))
            return fail(p, p->w[i].col, "bad DRC index '%s' (expected 0x and 1 to 8 hex digits)", w);
        return true;
    }
    k = -1;
    for (unsigned j = 0; colon && colon - w == 3 && j < 4; j++)
        if (strncmp(w, prefixes[j], 3) == 0)
            k = (int)j;
    if (k < 0)
        return fail(p, p->w[i].col, "unknown DRC name '%s' (expected CPU:N, LMB:N, LMB:DIMM.K, "
                    "PHB:N, PCI:N or 0xINDEX)", w);
    if (!parse_u32(colon + 1, false, &n)) {
        if (kinds[k] == DRC_REF_LMB)
            return dimm_lmb(p, i, colon + 1, r);
        return fail(p, p->w[i].col, "bad DRC name '%s' (expected %s:N)", w, prefixes[k]);
    }
    r->kind = kinds[k];
    r->n = (uint16_t)n;
    return drc_range(p, i, n, limits[k], limit_names[k], m);
}

static bool pred_value(struct parser *p, int i, int k, const char *v, struct drc_pred *pr)
{
    const char *w = p->w[i].s;
    int st;

    switch (k) {
    case 0:
        st = drc_state_lookup(v);
        if (st < 0)
            return fail(p, p->w[i].col, "unknown DRC state '%s'", v);
        pr->state = (uint8_t)st;
        return true;
    case 1:
        pr->dev = NONE;
        return strcmp(v, "none") == 0 || find_device(p, i, v, &pr->dev);
    case 2:
    case 3:
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return fail(p, p->w[i].col, "%s: expected yes or no", w);
        *(k == 2 ? &pr->unplug_requested : &pr->needed) = v[0] == 'y';
        return true;
    case 4:
        return parse_i32(v, &pr->rc) ||
               fail(p, p->w[i].col, "%s: expected a signed number", w);
    default:
        return parse_u32(v, true, &pr->value) || fail(p, p->w[i].col, "%s: expected a number", w);
    }
}

/* Words [from, to): predicates (with rc= and value= when results). call:
 * the RTAS call when it names no DRC, else NULL. */
static bool parse_preds(struct parser *p, int from, int to, bool results, const char *call,
                        struct drc_pred *pr)
{
    memset(pr, 0, sizeof(*pr));
    for (int i = from; i < to; i++) {
        const char *w = p->w[i].s, *eq = strchr(w, '=');
        int k = key_index(w, pred_keys, results ? 6 : 4);
        if (k < 0)
            return fail(p, p->w[i].col, results ? "unknown result '%s' (expected rc=, value=, "
                        "state=, dev=, unplug-requested= or needed=)" : "unknown predicate '%s' "
                        "(expected state=, dev=, unplug-requested= or needed=)", w);
        if (!eq)
            return fail(p, p->w[i].col, "expected %s=VALUE", w);
        if (pr->has & 1u << k)
            return fail(p, p->w[i].col, "%s= given twice", pred_keys[k]);
        if (call && k < 4)
            return fail(p, p->w[i].col, "%s= needs a DRC; %s has none", pred_keys[k], call);
        if (!pred_value(p, i, k, eq + 1, pr))
            return false;
        pr->has |= (uint8_t)(1u << k);
    }
    return true;
}

/* ---- do --------------------------------------------------------------- */

/* `do`/`wait`: word 1 is the machine, or the keyword when there is just one. */
static bool which_machine(struct parser *p, const char *stmt, const char *const *kws,
                          unsigned nkws, uint8_t *m, int *i)
{
    const char *w = p->w[1].s;
    int k = machine_index(p->s, w);

    *i = 2;
    if (k >= 0) {
        *m = (uint8_t)k;
        return true;
    }
    if (index_of(kws, nkws, w) < 0)
        return fail(p, p->w[1].col, "unknown machine or %s '%s'",
                    strcmp(stmt, "do") == 0 ? "action" : "condition", w);
    if (p->s->nmachines != 1)
        return fail(p, p->w[1].col, "which machine? %u machines are defined: write `%s MACHINE %s …`",
                    p->s->nmachines, stmt, w);
    *m = 0;
    *i = 1;
    return true;
}

static bool do_migrate(struct parser *p, struct scn_line *l)
{
    if (!need_words(p, 4, 4, "do migrate SRC DST") || !find_machine(p, 2, &l->machine) ||
        !find_machine(p, 3, &l->machine2))
        return false;
    if (l->machine == l->machine2)
        return fail(p, p->w[3].col, "cannot migrate machine '%s' to itself", p->w[3].s);
    l->action = DO_MIGRATE;
    return true;
}

/* `guest lmb-busy DIMM N`: the guest cannot offline the DIMM's N-th LMB. */
static bool do_guest_lmb_busy(struct parser *p, struct scn_line *l, int i)
{
    const struct scn_device *dv;

    if (!need_words(p, i + 4, i + 4, "do [MACHINE] guest lmb-busy DIMM N") ||
        !typed_device(p, i + 2, DEV_DIMM, &l->device))
        return false;
    dv = &p->s->devices[l->device];
    l->action = DO_GUEST_LMB_BUSY;
    return range_arg(p, i + 3, p->w[i + 3].s, 0, dv->size_mb / 256 - 1u, &l->arg);
}

static bool do_guest(struct parser *p, struct scn_line *l, int i)
{
    const struct scn_machine *mc = &p->s->machines[l->machine];

    if (!need_words(p, i + 2, i + 4, "do [MACHINE] guest cpu-offline N | lmb-busy DIMM N"))
        return false;
    if (mc->guest != GUEST_LINUX)
        return fail(p, p->w[i].col, "machine '%s' has guest=%s: guest actions need guest=linux",
                    mc->name, guest_names[mc->guest]);
    if (strcmp(p->w[i + 1].s, "lmb-busy") == 0)
        return do_guest_lmb_busy(p, l, i);
    if (strcmp(p->w[i + 1].s, "cpu-offline"))
        return fail(p, p->w[i + 1].col, "unknown guest action '%s' (expected cpu-offline or "
                    "lmb-busy)", p->w[i + 1].s);
    if (!need_words(p, i + 3, i + 3, "do [MACHINE] guest cpu-offline N"))
        return false;
    return range_arg(p, i + 2, p->w[i + 2].s, 0, mc->cores - 1u, &l->arg);
}

static bool do_action(struct parser *p, struct scn_line *l, int i)
{
    const struct scn_machine *mc = &p->s->machines[l->machine];

    switch (l->action) {
    case DO_DEVICE_ADD:
        return need_words(p, i + 4, i + 4, "do [MACHINE] device_add TYPE ID ARG") &&
               parse_device(p, i + 1, l->machine, &l->device);
    case DO_DEVICE_DEL:
        return need_words(p, i + 2, i + 2, "do [MACHINE] device_del ID") &&
               find_device(p, i + 1, p->w[i + 1].s, &l->device);
    case DO_MIGRATE:
        return fail(p, p->w[i].col, "`migrate` takes no machine before it: write "
                    "`do migrate SRC DST`");
    case DO_SETVCPUS:
        return need_words(p, i + 2, i + 2, "do [MACHINE] setvcpus N") &&
               range_arg(p, i + 1, p->w[i + 1].s, 1, mc->cores, &l->arg);
    case DO_GUEST_CPU_OFFLINE:
        return do_guest(p, l, i);
    default:
        return need_words(p, i + 1, i + 1, l->action == DO_CONT ? "do [MACHINE] cont" :
                          l->action == DO_STOP ? "do [MACHINE] stop" : "do [MACHINE] system_reset");
    }
}

static bool st_do(struct parser *p)
{
    struct scn_line *l;
    int i, a;

    if (!need_words(p, 2, SCN_MAX_WORDS, "do [MACHINE] ACTION …") || !(l = new_line(p, LINE_DO)))
        return false;
    if (strcmp(p->w[1].s, "migrate") == 0)
        return do_migrate(p, l);
    if (!which_machine(p, "do", do_words, DO_ACTION_COUNT, &l->machine, &i) ||
        !need_words(p, i + 1, SCN_MAX_WORDS, "do [MACHINE] ACTION …"))
        return false;
    a = index_of(do_words, DO_ACTION_COUNT, p->w[i].s);
    if (a < 0)
        return fail(p, p->w[i].col, "unknown action '%s' (expected device_add, device_del, "
                    "migrate, cont, stop, system_reset, setvcpus or guest)", p->w[i].s);
    l->action = (uint8_t)a;
    return do_action(p, l, i);
}

/* ---- wait ------------------------------------------------------------- */

static bool wait_timeout(struct parser *p, struct scn_line *l)
{
    const char *v = value_of(p->w[p->n - 1].s, "timeout");

    if (!v)
        return true;
    if (!parse_duration(v, &l->timeout_ms))
        return fail(p, p->w[p->n - 1].col, "%s: expected a duration such as 500ms or 30s",
                    p->w[p->n - 1].s);
    if (l->timeout_ms == 0)
        return fail(p, p->w[p->n - 1].col, "%s: a timeout must be positive", p->w[p->n - 1].s);
    p->n--;   /* the rest of the line is parsed without it */
    return true;
}

static bool wait_event(struct parser *p, struct scn_line *l, int i)
{
    int e;

    if (!need_words(p, i + 2, i + 3, "wait [MACHINE] event EVENT [ID] [timeout=D]"))
        return false;
    e = index_of(event_names, QMP_EVENT_COUNT, p->w[i + 1].s);
    if (e < 0)
        return fail(p, p->w[i + 1].col, "unknown event '%s' (expected DEVICE_DELETED, "
                    "DEVICE_UNPLUG_GUEST_ERROR or MEM_UNPLUG_ERROR)", p->w[i + 1].s);
    l->event = (uint8_t)e;
    return p->n == i + 2 || find_device(p, i + 2, p->w[i + 2].s, &l->device);
}

/* guest-online ID [ID…]: every core named is online in the guest. */
static bool wait_online(struct parser *p, struct scn_line *l, int i)
{
    if (!need_words(p, i + 2, SCN_MAX_WORDS, "wait [MACHINE] guest-online ID [ID…] [timeout=D]"))
        return false;
    for (int k = i + 1; k < p->n; k++) {
        uint8_t d;
        if (!typed_device(p, k, DEV_CPU_CORE, &d))
            return false;
        if (l->devices >> d & 1)
            return fail(p, p->w[k].col, "device '%s' named twice", p->w[k].s);
        l->devices |= (uint16_t)(1u << d);
        l->cores |= (uint16_t)(1u << p->s->devices[d].core_id);
        if (k == i + 1)
            l->device = d;
    }
    return true;
}

static bool st_wait(struct parser *p)
{
    static const char usage[] = "wait [MACHINE] CONDITION … [timeout=D]";
    struct scn_line *l;
    int i, k;

    if (!need_words(p, 2, SCN_MAX_WORDS, usage) || !(l = new_line(p, LINE_WAIT)) ||
        !wait_timeout(p, l) || !need_words(p, 2, SCN_MAX_WORDS, usage) ||
        !which_machine(p, "wait", wait_words, 4, &l->machine, &i) ||
        !need_words(p, i + 1, SCN_MAX_WORDS, usage))
        return false;
    k = index_of(wait_words, 4, p->w[i].s);
    if (k < 0)
        return fail(p, p->w[i].col, "unknown condition '%s' (expected guest-online, event, "
                    "migrated or quiescent)", p->w[i].s);
    l->action = (uint8_t)k;
    switch (k) {
    case WAIT_GUEST_ONLINE:
        return wait_online(p, l, i);
    case WAIT_EVENT:
        return wait_event(p, l, i);
    default:
        return need_words(p, i + 1, i + 1, k == WAIT_MIGRATED ?
                          "wait [MACHINE] migrated [timeout=D]" :
                          "wait [MACHINE] quiescent [timeout=D]");
    }
}

/* ---- rtas, assert ----------------------------------------------------- */

static bool rtas_set_indicator(struct parser *p, struct scn_line *l, int end)
{
    static const char *const indicators[] = { "isolation-state", "allocation-state", "dr-indicator" };
    static const char *const iso[] = { "isolate", "unisolate" };
    static const char *const alloc[] = { "unusable", "usable" };
    static const char *const expected[] = { "isolate, unisolate or a number",
                                            "usable, unusable or a number", "a number" };
    const char *v;
    int k, named;

    if (!need_upto(p, end, 6, 6, "rtas MACHINE set-indicator INDICATOR DRC VALUE -> RESULT…"))
        return false;
    k = index_of(indicators, 3, p->w[3].s);
    if (k < 0)
        return fail(p, p->w[3].col, "unknown indicator '%s' (expected isolation-state, "
                    "allocation-state or dr-indicator)", p->w[3].s);
    l->action = (uint8_t)(RTAS_CALL_SET_ISOLATION + k);
    if (!parse_drc(p, 4, l->machine, &l->drc))
        return false;
    v = p->w[5].s;
    named = k == 0 ? index_of(iso, 2, v) : k == 1 ? index_of(alloc, 2, v) : -1;
    if (named >= 0)
        l->arg = (uint32_t)named;
    else if (!parse_u32(v, true, &l->arg))
        return fail(p, p->w[5].col, "'%s': expected %s", v, expected[k]);
    return true;
}

/* Words [2, end): the call and its arguments. */
static bool rtas_call(struct parser *p, struct scn_line *l, int end)
{
    const char *c = p->w[2].s;

    if (strcmp(c, "get-sensor-state") == 0) {
        if (!need_upto(p, end, 5, 5, "rtas MACHINE get-sensor-state dr-entity-sense DRC -> RESULT…"))
            return false;
        if (strcmp(p->w[3].s, "dr-entity-sense"))
            return fail(p, p->w[3].col, "unknown sensor '%s' (expected dr-entity-sense)", p->w[3].s);
        l->action = RTAS_CALL_GET_SENSOR_STATE;
        return parse_drc(p, 4, l->machine, &l->drc);
    }
    if (strcmp(c, "set-indicator") == 0)
        return rtas_set_indicator(p, l, end);
    if (strcmp(c, "configure-connector") == 0) {
        if (!need_upto(p, end, 4, 5, "rtas MACHINE configure-connector DRC [walk] -> RESULT…"))
            return false;
        if (end == 5 && strcmp(p->w[4].s, "walk"))
            return fail(p, p->w[4].col, "unexpected '%s' (expected walk)", p->w[4].s);
        l->action = end == 5 ? RTAS_CALL_CONFIGURE_CONNECTOR_WALK : RTAS_CALL_CONFIGURE_CONNECTOR;
        return parse_drc(p, 3, l->machine, &l->drc);
    }
    if (strcmp(c, "check-exception") && strcmp(c, "event-scan"))
        return fail(p, p->w[2].col, "unknown RTAS call '%s' (expected get-sensor-state, "
                    "set-indicator, configure-connector, check-exception or event-scan)", c);
    l->action = c[0] == 'c' ? RTAS_CALL_CHECK_EXCEPTION : RTAS_CALL_EVENT_SCAN;
    return need_upto(p, end, 3, 3, c[0] == 'c' ? "rtas MACHINE check-exception -> RESULT…" :
                     "rtas MACHINE event-scan -> RESULT…");
}

static bool st_rtas(struct parser *p)
{
    const struct scn_machine *mc;
    struct scn_line *l;
    bool no_drc;
    int arrow = 0;

    if (!need_words(p, 3, SCN_MAX_WORDS, "rtas MACHINE CALL … -> RESULT…") ||
        !(l = new_line(p, LINE_RTAS)) || !find_machine(p, 1, &l->machine))
        return false;
    mc = &p->s->machines[l->machine];
    if (mc->guest != GUEST_SCRIPT)
        return fail(p, p->w[1].col, "rtas needs guest=script, machine '%s' has guest=%s",
                    mc->name, guest_names[mc->guest]);
    for (int i = 2; i < p->n && !arrow; i++)
        if (strcmp(p->w[i].s, "->") == 0)
            arrow = i;
    if (!arrow)
        return fail(p, col_of(p, p->n), "missing `->` and the results the call must give");
    if (!rtas_call(p, l, arrow))
        return false;
    if (arrow + 1 == p->n)
        return fail(p, col_of(p, p->n), "expected at least one result after `->`");
    no_drc = l->action == RTAS_CALL_CHECK_EXCEPTION || l->action == RTAS_CALL_EVENT_SCAN;
    return parse_preds(p, arrow + 1, p->n, true, no_drc ? p->w[2].s : NULL, &l->pred);
}

static bool st_assert(struct parser *p)
{
    struct scn_line *l;

    if (!need_words(p, 5, SCN_MAX_WORDS, "assert MACHINE drc DRC PREDICATE…") ||
        !(l = new_line(p, LINE_ASSERT)) || !find_machine(p, 1, &l->machine))
        return false;
    if (strcmp(p->w[2].s, "drc"))
        return fail(p, p->w[2].col, "expected drc after the machine, got '%s'", p->w[2].s);
    return parse_drc(p, 3, l->machine, &l->drc) &&
           parse_preds(p, 4, p->n, false, NULL, &l->pred);
}

/* ---- expect ----------------------------------------------------------- */

/* expect guest cpu|lmb ID …, expect libvirt vcpu|device ID … */
static bool expect_view(struct parser *p, struct scn_expect *e, bool guest)
{
    const char *w = p->w[2].s;
    bool first;

    if (guest && strcmp(w, "dlpar-error") == 0) {   /* an error the scenario expects */
        e->kind = EXPECT_GUEST_DLPAR_ERROR;
        e->present = 1;
        return need_words(p, 4, 4, "expect guest dlpar-error ID") &&
               typed_device(p, 3, -1, &e->device);
    }
    if (!need_words(p, 5, 5, guest ? "expect guest cpu|lmb ID present|absent" :
                    "expect libvirt vcpu|device ID present|absent"))
        return false;
    first = strcmp(w, guest ? "cpu" : "vcpu") == 0;
    if (!first && strcmp(w, guest ? "lmb" : "device"))
        return fail(p, p->w[2].col, "expected %s, got '%s'",
                    guest ? "cpu, lmb or dlpar-error" : "vcpu or device", w);
    if (guest)
        e->kind = first ? EXPECT_GUEST_CPU : EXPECT_GUEST_LMB;
    else
        e->kind = first ? EXPECT_LIBVIRT_VCPU : EXPECT_LIBVIRT_DEVICE;
    return typed_device(p, 3, guest ? (first ? DEV_CPU_CORE : DEV_DIMM) :
                        (first ? DEV_CPU_CORE : -1), &e->device) &&
           choice(p, 4, "present", "absent", &e->present);
}

static bool expect_event(struct parser *p, struct scn_expect *e)
{
    int ev;

    if (!need_words(p, 4, 5, "expect event EVENT [ID] emitted|not-emitted"))
        return false;
    e->kind = EXPECT_EVENT;
    ev = index_of(event_names, QMP_EVENT_COUNT, p->w[2].s);
    if (ev < 0)
        return fail(p, p->w[2].col, "unknown event '%s' (expected DEVICE_DELETED, "
                    "DEVICE_UNPLUG_GUEST_ERROR or MEM_UNPLUG_ERROR)", p->w[2].s);
    e->event = (uint8_t)ev;
    if (p->n == 5 && !typed_device(p, 3, -1, &e->device))
        return false;
    return choice(p, p->n - 1, "emitted", "not-emitted", &e->present);
}

static bool expect_machine(struct parser *p, struct scn_expect *e)
{
    if (!find_machine(p, 1, &e->machine) ||
        !need_words(p, 3, SCN_MAX_WORDS, "expect MACHINE drc|device …"))
        return false;
    if (strcmp(p->w[2].s, "drc") == 0) {
        e->kind = EXPECT_DRC;
        return need_words(p, 5, SCN_MAX_WORDS, "expect MACHINE drc DRC PREDICATE…") &&
               parse_drc(p, 3, e->machine, &e->drc) &&
               parse_preds(p, 4, p->n, false, NULL, &e->pred);
    }
    if (strcmp(p->w[2].s, "device"))
        return fail(p, p->w[2].col, "expected drc or device after the machine, got '%s'",
                    p->w[2].s);
    e->kind = EXPECT_DEVICE;
    return need_words(p, 5, 5, "expect MACHINE device ID present|absent") &&
           typed_device(p, 3, -1, &e->device) && choice(p, 4, "present", "absent", &e->present);
}

static bool st_expect(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_expect *e;
    const char *w;

    if (!need_words(p, 2, SCN_MAX_WORDS, "expect MACHINE|guest|libvirt|event …"))
        return false;
    if (s->nexpects == SCN_MAX_EXPECTS)
        return fail(p, p->w[0].col, "too many expect lines (max %d)", SCN_MAX_EXPECTS);
    e = &s->expects[s->nexpects++];
    memset(e, 0, sizeof(*e));
    e->machine = e->device = e->event = NONE;
    e->loc = loc_of(p, 0);
    w = p->w[1].s;
    if (strcmp(w, "guest") == 0 || strcmp(w, "libvirt") == 0)
        return expect_view(p, e, w[0] == 'g');
    if (strcmp(w, "event") == 0)
        return expect_event(p, e);
    return expect_machine(p, e);
}

/* ---- verdict ---------------------------------------------------------- */

static bool verdict_families(struct parser *p, int i, uint32_t *fams)
{
    gchar **parts = g_strsplit(p->w[i].s, ",", -1);
    bool ok = true;

    for (int k = 0; ok && parts[k]; k++) {
        int f = family_lookup(parts[k]);
        if (!parts[k][0])
            ok = fail(p, p->w[i].col, "empty family name in '%s'", p->w[i].s);
        else if (f < 0)
            ok = fail(p, p->w[i].col, "unknown family '%s'", parts[k]);
        else if (*fams & 1u << f)
            ok = fail(p, p->w[i].col, "family '%s' listed twice", parts[k]);
        else
            *fams |= 1u << f;
    }
    g_strfreev(parts);
    return ok;
}

static bool st_verdict(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_verdict v = { .loc = loc_of(p, 1) };

    if (!need_words(p, 3, 4, "verdict VARIANT pass|fail FAMILY[,FAMILY…]") ||
        !get_name(p, 1, "variant", v.variant))
        return false;
    for (unsigned i = 0; i < s->nverdicts; i++)
        if (strcmp(s->verdicts[i].variant, v.variant) == 0)
            return fail(p, p->w[1].col, "duplicate verdict for variant '%s' (first on line %u)",
                        v.variant, s->verdicts[i].loc.line);
    if (s->nverdicts == SCN_MAX_VERDICTS)
        return fail(p, p->w[0].col, "too many verdict lines (max %d)", SCN_MAX_VERDICTS);
    if (strcmp(p->w[2].s, "pass") == 0) {
        if (!need_words(p, 3, 3, "verdict VARIANT pass"))
            return false;
        v.pass = 1;
    } else if (strcmp(p->w[2].s, "fail") == 0) {
        if (!need_words(p, 4, 4, "verdict VARIANT fail FAMILY[,FAMILY…]") ||
            !verdict_families(p, 3, &v.families))
            return false;
    } else {
        return fail(p, p->w[2].col, "expected pass or fail, got '%s'", p->w[2].s);
    }
    s->verdicts[s->nverdicts++] = v;
    return true;
}

/* ---- lines and files -------------------------------------------------- */

static const struct statement {
    const char *keyword;
    bool (*parse)(struct parser *p);
    bool strings;               /* takes a quoted string */
} statements[] = {
    { "scenario", st_scenario, false }, { "title", st_title, true },
    { "source", st_source, true },      { "machine", st_machine, false },
    { "device", st_device, false },     { "knob", st_knob, false },
    { "script", st_script, false },     { "do", st_do, false },
    { "wait", st_wait, false },         { "rtas", st_rtas, false },
    { "assert", st_assert, false },     { "expect", st_expect, false },
    { "verdict", st_verdict, false },
};

static bool parse_line(struct parser *p, const char *line, size_t len)
{
    const char *msg;
    unsigned col;

    p->n = scn_split_words(line, len, p->buf, p->w, &msg, &col);
    if (p->n < 0)
        return fail(p, col, "%s", msg);
    if (p->n == 0)
        return true;
    if (p->line > UINT16_MAX)
        return fail(p, 1, "file too long (max %d lines)", UINT16_MAX);
    if (p->w[0].quoted)
        return fail(p, p->w[0].col, "expected a statement, got a string");
    for (size_t k = 0; k < G_N_ELEMENTS(statements); k++) {
        if (strcmp(statements[k].keyword, p->w[0].s))
            continue;
        for (int i = 1; i < p->n && !statements[k].strings; i++)
            if (p->w[i].quoted)
                return fail(p, p->w[i].col, "unexpected string \"%s\"", p->w[i].s);
        return statements[k].parse(p);
    }
    return fail(p, p->w[0].col, "unknown statement '%s'", p->w[0].s);
}

static bool finish(struct parser *p)
{
    p->line = 1;
    if (!p->scenario_line)
        return fail(p, 1, "missing `scenario` statement");
    if (!p->s->nmachines)
        return fail(p, 1, "missing `machine` statement");
    return true;
}

bool scenario_parse_string(const char *path, const char *text, struct scenario *out,
                           char *err, unsigned errlen)
{
    struct parser *p = g_new0(struct parser, 1);
    const char *ln = text;
    bool ok = true;

    memset(out, 0, sizeof(*out));
    g_strlcpy(out->path, path, sizeof(out->path));
    if (err && errlen)
        err[0] = '\0';
    *p = (struct parser){ .path = path, .s = out, .err = err, .errlen = errlen, .script = -1 };
    for (p->line = 1; ok; p->line++) {
        const char *nl = strchr(ln, '\n');
        ok = parse_line(p, ln, nl ? (size_t)(nl - ln) : strlen(ln));
        if (!nl)
            break;
        ln = nl + 1;
    }
    ok = ok && finish(p);
    g_free(p);
    return ok;
}

bool scenario_parse_file(const char *path, struct scenario *out, char *err, unsigned errlen)
{
    int errnum;
    char *text = scn_read_file(path, &errnum, err, errlen);
    bool ok;

    if (!text) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    ok = scenario_parse_string(path, text, out, err, errlen);
    g_free(text);
    return ok;
}
