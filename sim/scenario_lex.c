/*
 * The scenario language's words (ARCHITECTURE.md "Scenario language"):
 * splitting a line into words and quoted strings, reading a file whole,
 * knob words, numbers, sizes and durations, and the one-line error format.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "scenario_parse.h"

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

void scn_write_error(char *err, unsigned errlen, const char *path, unsigned line,
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
    scn_write_error(err, errlen, path, line, (unsigned)(at - bol + 1), "NUL byte in file");
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
        scn_write_error(err, errlen, path, 1, 1, g_strerror(*errnum));
        return NULL;
    }
    g = g_string_new(NULL);
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        g_string_append_len(g, chunk, (gssize)k);
    if (ferror(f)) {
        *errnum = errno ? errno : EIO;
        scn_write_error(err, errlen, path, 1, 1, g_strerror(*errnum));
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
bool scn_parse_u32(const char *s, bool hex, uint32_t *out)
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

bool scn_parse_i32(const char *s, int32_t *out)
{
    bool neg = *s == '-';
    uint32_t v;

    if (!scn_parse_u32(s + neg, false, &v) || v > (uint32_t)INT32_MAX + neg)
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
    u = scn_index_of(units, nunits, s + nd);
    if (u < 0 || !scn_parse_u32(digits, false, &v) || (uint64_t)v * scale[u] > UINT32_MAX)
        return false;
    *out = v * scale[u];
    return true;
}

/* 512M, 1G, 512MiB, 1GiB: in MiB. */
bool scn_parse_size(const char *s, uint32_t *mb)
{
    static const char *const units[] = { "M", "MiB", "G", "GiB" };
    static const uint32_t scale[] = { 1, 1, 1024, 1024 };
    return parse_scaled(s, units, scale, 4, mb);
}

/* N (ms), Nms, Ns: in ms. */
bool scn_parse_duration(const char *s, uint32_t *ms)
{
    static const char *const units[] = { "", "ms", "s" };
    static const uint32_t scale[] = { 1, 1, 1000 };
    return parse_scaled(s, units, scale, 3, ms);
}

/* The value of "key=value" in word, or NULL when word is not that key. */
const char *scn_value_of(const char *word, const char *key)
{
    size_t k = strlen(key);
    return strncmp(word, key, k) == 0 && word[k] == '=' ? word + k + 1 : NULL;
}

/* Index of word's key (the part before '=', or all of it) in keys, or -1. */
int scn_key_index(const char *word, const char *const *keys, unsigned nkeys)
{
    const char *eq = strchr(word, '=');
    size_t klen = eq ? (size_t)(eq - word) : strlen(word);

    for (unsigned i = 0; i < nkeys; i++)
        if (strlen(keys[i]) == klen && strncmp(keys[i], word, klen) == 0)
            return (int)i;
    return -1;
}
