/*
 * Traces: JSON Lines (line 1 header, one object per step, last line the
 * verdict) or a fixed-column text view, built step by step by the models
 * and the explorer; read back (json-glib) for `drcsim replay`.
 */
#ifndef DRCSIM_TRACE_H
#define DRCSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "knobs.h"

typedef struct _GString GString;   /* glib.h, not included: the models define errno names */

#define DRCSIM_VERSION "0.1.0"

enum trace_format { TRACE_JSONL, TRACE_TEXT };

struct trace;

struct trace_header {
    const char *scenario_path;
    const char *scenario_name;
    uint64_t scenario_hash;        /* XXH3-64 of the scenario file's bytes */
    const char *variant;
    const struct knob_set *knobs;  /* every knob, effective values */
    bool has_seed;
    uint64_t seed;
    const char *schedule;          /* comma-separated choice indices */
    const char *scenario_text;     /* the scenario's bytes (XXH3 scenario_hash), so that the
                                    * trace replays on its own; NULL: left out */
};

struct trace *trace_new(enum trace_format fmt);
void trace_free(struct trace *t);
/* s as a JSON string literal appended to g (every JSON writer's strings; not UTF-8: U+FFFD). */
void json_string_append(GString *g, const char *s);
/* s with control characters as \n, \t, \r or \xNN, so it prints as one line (g_free it). */
char *trace_text_escaped(const char *s);

void trace_header(struct trace *t, const struct trace_header *h);

/* One step: begin, any number of args/results/drc/events/log, end. */
void trace_step_begin(struct trace *t, uint32_t step, uint64_t t_ms, const char *actor,
                      const char *op);
void trace_arg_str(struct trace *t, const char *key, const char *val);
void trace_arg_int(struct trace *t, const char *key, int64_t val);
void trace_arg_hex(struct trace *t, const char *key, uint32_t val);   /* "0x10000008" */
void trace_result_str(struct trace *t, const char *key, const char *val);
void trace_result_int(struct trace *t, const char *key, int64_t val);
/* A DRC trace point of machine's QEMU as QEMU names it; state may be NULL. */
void trace_drc(struct trace *t, const char *machine, const char *tracepoint, uint32_t index,
               const char *state);
/* A QMP event: device may be NULL. */
void trace_event(struct trace *t, const char *machine, const char *event, const char *device);
/* A log line as the component prints it: who is "guest", "qemu" or "libvirt". */
void trace_log(struct trace *t, const char *who, const char *line);
void trace_step_end(struct trace *t);

/* A violation the scenario's `ignore` line leaves out, where it first held: a line of its
 * own before the verdict (text), or in the verdict's "ignored" list (JSONL). */
void trace_ignored(struct trace *t, const char *family, uint32_t step, const char *message);

/* A run's end: no violation and quiescent, a violation, or neither (its schedule or
 * its step bound ended it first). */
enum trace_verdict { TRACE_PASS, TRACE_FAIL, TRACE_INCOMPLETE };
/* Last line. families: NULL-terminated names; message may be NULL; step: the violation's,
 * or for TRACE_INCOMPLETE the last step run. */
void trace_verdict(struct trace *t, enum trace_verdict verdict, const char *const *families,
                   const char *family, uint32_t step, const char *message);

/* The text written so far (NUL-terminated). */
const char *trace_buffer(const struct trace *t, size_t *len);
bool trace_write_file(const struct trace *t, const char *path, char *err, unsigned errlen);

/* A JSONL trace read back. */
struct trace_file {
    char *scenario_path;
    char *variant;
    uint64_t scenario_hash;
    char **knob_names;             /* NULL-terminated, parallel to knob_values */
    char **knob_values;
    bool has_seed;
    uint64_t seed;
    char *schedule;
    char *scenario_text;           /* NULL: the header carries none (checked against the hash) */
    char **lines;                  /* every line of the file, without '\n' */
    unsigned nlines;
};

/* Parses every line with json-glib; errors are "path:line:col: error: …". */
bool trace_read_file(const char *path, struct trace_file *out, char *err, unsigned errlen);
void trace_file_clear(struct trace_file *f);

/* One line into err, if err is not NULL (control characters from file contents become '?'). */
void trace_set_err(char *err, unsigned errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
