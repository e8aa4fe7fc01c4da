/*
 * The scenario parser's own interface, shared by its files (scenario*.c) and
 * by nothing else: the parser state, the word and number helpers, and the
 * statements each file parses. Every helper that fails writes
 * "path:line:col: error: message" and returns false.
 */
#ifndef DRCSIM_SCENARIO_PARSE_H
#define DRCSIM_SCENARIO_PARSE_H

#include <glib.h>
#include "scenario.h"

#define NONE 0xff   /* no machine, device or event in a uint8_t reference */
#define STR(x) G_STRINGIFY(x)

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

/* Names (scenario_names.c) and vocabulary (scenario.c) both files of statements read. */
extern const char *const scn_event_names[QMP_EVENT_COUNT];
extern const char *const scn_dev_type_names[DEV_TYPE_COUNT];
extern const char *const scn_guest_names[3];

/* Words, numbers and errors (scenario_lex.c). */
void scn_write_error(char *err, unsigned errlen, const char *path, unsigned line,
                     unsigned col, const char *msg);
bool scn_parse_u32(const char *s, bool hex, uint32_t *out);
bool scn_parse_i32(const char *s, int32_t *out);
bool scn_parse_size(const char *s, uint32_t *mb);
bool scn_parse_duration(const char *s, uint32_t *ms);
const char *scn_value_of(const char *word, const char *key);   /* "key=v": v, else NULL */
int scn_key_index(const char *word, const char *const *keys, unsigned nkeys);

/* The parser's helpers (scenario.c). */
bool scn_fail(struct parser *p, unsigned col, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
struct scn_loc scn_loc_of(const struct parser *p, int i);
unsigned scn_col_of(const struct parser *p, int i);
bool scn_need_upto(struct parser *p, int end, int min, int max, const char *usage);
bool scn_need_words(struct parser *p, int min, int max, const char *usage);
bool scn_get_name(struct parser *p, int i, const char *what, char out[SCN_NAME_LEN]);
bool scn_find_machine(struct parser *p, int i, uint8_t *m);
bool scn_find_device(struct parser *p, int i, const char *id, uint8_t *d);
bool scn_typed_device(struct parser *p, int i, int type, uint8_t *d);
bool scn_choice(struct parser *p, int i, const char *yes_word, const char *no_word,
                uint8_t *out);
bool scn_range_arg(struct parser *p, int i, const char *v, uint32_t min, uint32_t max,
                   uint32_t *out);
struct scn_line *scn_new_line(struct parser *p, uint8_t kind);
bool scn_parse_device(struct parser *p, int i, uint8_t m, uint8_t *out);

/* The statements of scripts and checks (scenario_lines.c). */
bool scn_st_do(struct parser *p);
bool scn_st_wait(struct parser *p);
bool scn_st_rtas(struct parser *p);
bool scn_st_assert(struct parser *p);
bool scn_st_expect(struct parser *p);
bool scn_st_verdict(struct parser *p);
bool scn_st_ignore(struct parser *p);
/* A verdict that names a family the `ignore` line takes out: the error, at the verdict. */
bool scn_check_ignored(struct parser *p);

#endif
