/*
 * JSON input files (json_file.h): read with stdio (an unreadable file named
 * by its errno), UTF-8 and nesting depth checked before json-glib parses (a
 * bad byte named by its position), then keys repeated within one object;
 * where each value begins is kept for errors about the content.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "json_file.h"

const char *json_error_where(const char *msg, unsigned *line, unsigned *col)
{
    const char *p = msg + strlen("<data>:");
    char *end;
    unsigned long l, c;

    *line = *col = 1;
    if (g_str_has_prefix(msg, "<data>:")) {
        l = strtoul(p, &end, 10);
        if (end != p && *end == ':') {
            p = end + 1;
            c = strtoul(p, &end, 10);
            if (end != p && g_str_has_prefix(end, ": ")) {
                *line = l ? (unsigned)l : 1;
                *col = c ? (unsigned)c : 1;
                msg = end + 2;
            }
        }
    }
    if (g_str_has_prefix(msg, "Parse error: "))
        msg += strlen("Parse error: ");
    return msg;
}

/* The whole file, or NULL with errno set. */
static char *read_all(const char *file, size_t *n)
{
    FILE *f = fopen(file, "rb");
    GString *g;
    char buf[65536];
    size_t k;
    int saved;

    if (!f)
        return NULL;
    g = g_string_new(NULL);
    while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
        g_string_append_len(g, buf, (gssize)k);
    if (ferror(f)) {
        saved = errno;
        fclose(f);
        g_string_free(g, TRUE);
        errno = saved;
        return NULL;
    }
    fclose(f);
    *n = g->len;
    return g_string_free(g, FALSE);
}

/* Line and column (in bytes, from 1) of offset at in text. */
static void position(const char *text, size_t at, unsigned *line, unsigned *col)
{
    const char *nl = NULL;

    *line = 1;
    for (const char *c = text; c < text + at; c++)
        if (*c == '\n') {
            (*line)++;
            nl = c;
        }
    *col = (unsigned)(text + at - (nl ? nl + 1 : text)) + 1;
}

static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            *s = ' ';
}

/* The string token opening at text[i] (a quote): the offset of its closing quote. */
static size_t string_end(const char *text, size_t n, size_t i)
{
    for (i++; i < n && text[i] != '"'; i++)
        if (text[i] == '\\')
            i++;
    return i;
}

size_t json_nesting_at(const char *text, size_t n)
{
    unsigned depth = 0;

    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"') {
            i = string_end(text, n, i);
        } else if (text[i] == '[' || text[i] == '{') {
            if (++depth > JSON_MAX_DEPTH)
                return i;
        } else if ((text[i] == ']' || text[i] == '}') && depth) {
            depth--;
        }
    }
    return SIZE_MAX;
}

/* Where each value of a parsed text begins, by path (json_at): the text is kept for the
 * line and column, worked out only for an error. */
struct json_places {
    char *text;
    GHashTable *at;   /* path -> 1 + offset */
};

static void places_free(gpointer data)
{
    struct json_places *pl = data;

    g_free(pl->text);
    g_hash_table_destroy(pl->at);
    g_free(pl);
}

static size_t skip_space(const char *t, size_t n, size_t i)
{
    while (i < n && g_ascii_isspace(t[i]))
        i++;
    return i;
}

/* One walk over text that parsed (so nested at most JSON_MAX_DEPTH deep): each value's
 * place by path, and the first key that an earlier key of its object spells alike. */
struct places_walk {
    const char *t;
    size_t n;
    GString *path;
    GHashTable *at;
    size_t repeat;    /* the offset of that key, or SIZE_MAX */
    GString *key;     /* and the key as written */
};

/* A key as a path component, byte for byte as written: '~' as ~0 and '/' as ~1 (as in a
 * JSON Pointer), so that distinct keys are distinct components. */
static void append_key(GString *path, const char *k, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (k[i] == '~')
            g_string_append(path, "~0");
        else if (k[i] == '/')
            g_string_append(path, "~1");
        else
            g_string_append_c(path, k[i]);
    }
}

/* The value at t[i] and every value in it, entered under the walk's path and path/KEY or
 * path/INDEX; the offset past it. */
static size_t scan_places(struct places_walk *w, size_t i)
{
    const char *t = w->t;
    size_t n = w->n, plen = w->path->len;
    unsigned k = 0;
    char close;

    i = skip_space(t, n, i);
    g_hash_table_insert(w->at, g_strdup(w->path->str), GSIZE_TO_POINTER(i + 1));
    if (i < n && t[i] == '"')
        return string_end(t, n, i) + 1;
    if (i >= n || (t[i] != '{' && t[i] != '['))
        return i + strcspn(t + i, ",]} \t\r\n");
    close = t[i] == '{' ? '}' : ']';
    for (i = skip_space(t, n, i + 1); i < n && t[i] != close; i = skip_space(t, n, i)) {
        if (plen)
            g_string_append_c(w->path, '/');
        if (close == '}') {
            size_t end = string_end(t, n, i);
            append_key(w->path, t + i + 1, end - i - 1);
            if (w->repeat == SIZE_MAX && g_hash_table_contains(w->at, w->path->str)) {
                w->repeat = i;
                g_string_append_len(w->key, t + i + 1, (gssize)(end - i - 1));
            }
            i = skip_space(t, n, end + 1) + 1;   /* past the colon */
        } else {
            g_string_append_printf(w->path, "%u", k++);
        }
        i = skip_space(t, n, scan_places(w, i));
        g_string_truncate(w->path, plen);
        if (i < n && t[i] == ',')
            i++;
    }
    return i + 1;
}

/* The checks json-glib does not make, on text that is valid UTF-8: nesting before it
 * parses, repeated keys after, in the walk that finds each value's place (into at). */
static bool parse_checked(JsonParser *p, const char *file, const char *text, size_t n,
                          GHashTable *at, char *err, size_t len)
{
    struct places_walk w = { text, n, g_string_new(NULL), at, SIZE_MAX, g_string_new(NULL) };
    size_t deep = json_nesting_at(text, n);
    GError *e = NULL;
    unsigned line, col;
    bool ok = false;

    if (deep != SIZE_MAX) {
        position(text, deep, &line, &col);
        snprintf(err, len, "%s:%u:%u: error: nesting deeper than %d", file, line, col,
                 JSON_MAX_DEPTH);
    } else if (!json_parser_load_from_data(p, text, (gssize)n, &e)) {
        const char *msg = json_error_where(e->message, &line, &col);
        snprintf(err, len, "%s:%u:%u: error: %s", file, line, col, msg);
        g_error_free(e);
    } else {
        scan_places(&w, 0);
        ok = w.repeat == SIZE_MAX;
        if (!ok) {
            position(text, w.repeat, &line, &col);
            snprintf(err, len, "%s:%u:%u: error: duplicate key \"%s\"", file, line, col,
                     w.key->str);
        }
    }
    one_line(err);   /* json-glib quotes the token, and a string token may hold a newline */
    g_string_free(w.path, TRUE);
    g_string_free(w.key, TRUE);
    return ok;
}

const char *json_at(JsonParser *p, const char *file, char *buf, size_t len, const char *fmt, ...)
{
    struct json_places *pl = g_object_get_data(G_OBJECT(p), "drcsim-json-places");
    va_list ap;
    char *path, *slash;
    gpointer at = NULL;
    unsigned line = 1, col = 1;

    va_start(ap, fmt);
    path = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    while (pl && !(at = g_hash_table_lookup(pl->at, path + (*path == '/')))) {
        if (!*path)
            break;
        slash = strrchr(path, '/');   /* a member not there: where its object begins */
        *(slash ? slash : path) = '\0';
    }
    if (at)
        position(pl->text, GPOINTER_TO_SIZE(at) - 1, &line, &col);
    snprintf(buf, len, "%s:%u:%u", file, line, col);
    g_free(path);
    return buf;
}

bool json_file_load(JsonParser *p, const char *file, char *err, size_t len)
{
    size_t n = 0;
    char *text = read_all(file, &n);
    const gchar *bad;
    unsigned line, col;
    struct json_places *pl;

    if (!text) {
        snprintf(err, len, "%s:1:1: error: %s", file, strerror(errno));
        return false;
    }
    if (!g_utf8_validate(text, (gssize)n, &bad)) {
        position(text, (size_t)(bad - text), &line, &col);
        snprintf(err, len, "%s:%u:%u: error: %s", file, line, col,
                 *bad ? "invalid UTF-8" : "NUL byte");
        g_free(text);
        return false;
    }
    pl = g_new0(struct json_places, 1);
    pl->text = text;
    pl->at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!parse_checked(p, file, text, n, pl->at, err, len)) {
        places_free(pl);
        return false;
    }
    g_object_set_data_full(G_OBJECT(p), "drcsim-json-places", pl, places_free);
    return true;
}

bool json_string_plain(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

/* The member's strings (it is of its kind) have no control character. */
static bool plain(JsonNode *n, enum json_kind kind)
{
    JsonArray *a;

    if (kind == JSON_STRING)
        return json_string_plain(json_node_get_string(n));
    if (kind != JSON_STRINGS)
        return true;
    a = json_node_get_array(n);
    for (guint i = 0; i < json_array_get_length(a); i++)
        if (!json_string_plain(json_array_get_string_element(a, i)))
            return false;
    return true;
}

static bool holds(JsonNode *n, GType type)
{
    return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type;
}

static bool of_kind(JsonNode *n, enum json_kind kind)
{
    JsonArray *a;

    switch (kind) {
    case JSON_STRING:
    case JSON_TEXT:   return holds(n, G_TYPE_STRING);
    case JSON_COUNT:  return holds(n, G_TYPE_INT64) && json_node_get_int(n) >= 0;
    case JSON_NUMBER: return holds(n, G_TYPE_INT64) || holds(n, G_TYPE_DOUBLE);
    case JSON_BOOL:   return holds(n, G_TYPE_BOOLEAN);
    case JSON_STRINGS:
        if (!JSON_NODE_HOLDS_ARRAY(n))
            return false;
        a = json_node_get_array(n);
        for (guint i = 0; i < json_array_get_length(a); i++)
            if (!holds(json_array_get_element(a, i), G_TYPE_STRING))
                return false;
        return true;
    }
    return false;
}

bool json_members_check(JsonObject *o, const struct json_member *spec, unsigned n, char *why,
                        size_t len, const char **member)
{
    static const char *const kind_name[] = {
        [JSON_STRING] = "a string", [JSON_COUNT] = "a count (an integer from 0)",
        [JSON_NUMBER] = "a number", [JSON_BOOL] = "true or false",
        [JSON_STRINGS] = "an array of strings", [JSON_TEXT] = "a string",
    };

    for (unsigned i = 0; i < n; i++) {
        JsonNode *m = json_object_get_member(o, spec[i].name);
        *member = spec[i].name;
        if (!m && spec[i].required) {
            snprintf(why, len, "no \"%s\"", spec[i].name);
            return false;
        }
        if (m && !of_kind(m, spec[i].kind)) {
            snprintf(why, len, "\"%s\" is not %s", spec[i].name, kind_name[spec[i].kind]);
            return false;
        }
        if (m && !plain(m, spec[i].kind)) {
            snprintf(why, len, "\"%s\" holds a control character", spec[i].name);
            return false;
        }
    }
    return true;
}

char **json_strings(JsonNode *n)
{
    JsonArray *a;
    char **v;

    if (!n || !of_kind(n, JSON_STRINGS))
        return NULL;
    a = json_node_get_array(n);
    v = g_new0(char *, json_array_get_length(a) + 1);
    for (guint i = 0; i < json_array_get_length(a); i++)
        v[i] = g_strdup(json_array_get_string_element(a, i));
    return v;
}

char **json_object_strv(JsonObject *o, const char *name)
{
    char **v = json_strings(json_object_get_member(o, name));

    return v ? v : g_new0(char *, 1);
}
