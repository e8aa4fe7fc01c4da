/*
 * JSON input files (explore --job files, results for merge, check jobs):
 * read whole and parsed with json-glib; one that cannot be read or parsed
 * gives one line, "FILE:LINE:COL: error: MESSAGE", as every other input does.
 */
#ifndef DRCSIM_JSON_FILE_H
#define DRCSIM_JSON_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-glib/json-glib.h>

/* Parse FILE into p; on failure false, with the error line in err. */
bool json_file_load(JsonParser *p, const char *file, char *err, size_t len);

/* json-glib's "<data>:LINE:COL: Parse error: MESSAGE" as LINE, COL (1, 1 when it names
 * none) and MESSAGE alone. */
const char *json_error_where(const char *msg, unsigned *line, unsigned *col);

#endif
