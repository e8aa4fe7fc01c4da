/*
 * JSON input files (explore --job files, results for merge, check jobs):
 * read whole and parsed with json-glib; one that cannot be read or parsed,
 * nests too deep or repeats a key gives one line, "FILE:LINE:COL: error:
 * MESSAGE", as every other input does; json_at gives an error about the
 * content the place of the value it is about.
 */
#ifndef DRCSIM_JSON_FILE_H
#define DRCSIM_JSON_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-glib/json-glib.h>

/* Brackets deeper than this are refused before json-glib, which recurses once per level. */
#define JSON_MAX_DEPTH 64

/* Parse FILE into p; on failure false, with the error line in err. A key an earlier key of
 * its object spells alike (byte for byte, escapes as written) is an error. */
bool json_file_load(JsonParser *p, const char *file, char *err, size_t len);

/* "FILE:LINE:COL" in buf of the value at a path (made from fmt as printf does) in what
 * json_file_load last parsed into p: "" the whole, "3" element 3 of the top array,
 * "3/verdict" a member of it (a key's '~' written ~0 and '/' ~1); a leading '/' is dropped.
 * A path the text does not hold (a missing member) names the nearest value that holds it;
 * FILE:1:1 with no parsed text. */
const char *json_at(JsonParser *p, const char *file, char *buf, size_t len, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

/* The offset of the first '[' or '{' (outside strings) nested deeper than JSON_MAX_DEPTH
 * in text[0..n), or SIZE_MAX: for any JSON text before json-glib parses it. */
size_t json_nesting_at(const char *text, size_t n);

/* json-glib's "<data>:LINE:COL: Parse error: MESSAGE" as LINE, COL (1, 1 when it names
 * none) and MESSAGE alone. */
const char *json_error_where(const char *msg, unsigned *line, unsigned *col);

/* A string an error line may quote: no control character (a newline would split the line). */
bool json_string_plain(const char *s);

/* What a member of an input object must hold. */
enum json_kind { JSON_STRING, JSON_COUNT, JSON_NUMBER, JSON_BOOL, JSON_STRINGS, JSON_TEXT };

struct json_member {
    const char *name;
    enum json_kind kind;   /* a count: an integer from 0; strings: an array of strings;
                            * text: a string that may hold line breaks (a file's bytes) */
    bool required;
};

/* Every member of spec[0..n) that o holds is of its kind (its strings plain), and every
 * required one is there; else false, with why ("\"states\" is not a count") and the
 * member's name. Members spec does not name pass. */
bool json_members_check(JsonObject *o, const struct json_member *spec, unsigned n, char *why,
                        size_t len, const char **member);

/* o's member name, an array of strings (json_members_check: JSON_STRINGS), as a NULL-ended
 * copy (g_strfreev); none when o has no such member (json_strings). */
char **json_object_strv(JsonObject *o, const char *name);
/* n's strings as a NULL-ended copy (g_strfreev); NULL unless n is an array of strings. */
char **json_strings(JsonNode *n);

#endif
