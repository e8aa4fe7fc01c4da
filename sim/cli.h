/*
 * Shared pieces of the drcsim commands: loading a scenario under a variant
 * with --knob overrides into a ready sim, locating variants/, and writing
 * the per scenario x variant JSON results (with the part of a split each is).
 */
#ifndef DRCSIM_CLI_H
#define DRCSIM_CLI_H

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include "check.h"
#include "explore.h"
#include "scenario.h"
#include "sim.h"

enum { EXIT_OK = 0, EXIT_VIOLATION = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

/* 1 also when the --mem budget stopped a search: no violation found is not a pass, and
 * nobody asked for the cut (--max-states, --max-depth and --bitstate are asked for). */
#define EXIT_SEARCH(families, mem_full) ((families) || (mem_full) ? EXIT_VIOLATION : EXIT_OK)

struct loaded {
    struct scenario *scn;
    struct variant var;
    struct knob_set knobs;
    struct sim sim;
    struct checker checker;
    uint64_t scenario_hash;
    char *text;                 /* the scenario's bytes, for a trace's header */
};

/* GPtrArray sort of strings: the comparator gets pointers to the elements. */
int compare_names(const void *a, const void *b);

/* variants/ for a scenario: $DRCSIM_VARIANTS, a variants/ beside one of the directories
 * above the scenario's (../variants first), ./variants, installed. */
char *variants_dir_for(const char *scenario_path);
/* Parse, load the variant, apply scenario knobs then overrides ("K=V"), build. */
bool load_scenario(const char *path, const char *variant, char **overrides, struct loaded *out,
                   char *err, unsigned errlen);
/* The same for the scenario a trace or job file near names by path, relative to where it
 * was written: from here when it opens, else from near's directory or a parent of it, where
 * the file's XXH3 is hash. Its messages name path as given. */
bool load_scenario_near(const char *path, const char *near, uint64_t hash, const char *variant,
                        char **overrides, struct loaded *out, char *err, unsigned errlen);
/* One --knob NAME=VALUE onto ks; false with the one-line error in err. */
bool knob_override(struct knob_set *ks, const char *kv, char *err, unsigned errlen);
bool load_variant_only(const char *scenario_path, const char *variant, struct scn_loc loc,
                       struct variant *out, char *err, unsigned errlen);
/* The scenario at path under the variant verdict line v names, a variant that cannot be
 * loaded reported at that line. */
bool load_verdict_line(const char *path, const struct scn_verdict *v, struct loaded *out,
                       char *err, unsigned errlen);
/* The same from a scenario's text (path names it in messages). */
bool load_scenario_text(const char *path, const char *text, const char *variant, char **overrides,
                        struct loaded *out, char *err, unsigned errlen);
/* The same with the knobs given whole (a trace header's): no variant file is read, variant
 * only names them. */
bool load_scenario_knobs(const char *path, const char *text, const char *variant,
                         const struct knob_set *ks, struct loaded *out, char *err,
                         unsigned errlen);
/* Knob values from NAME=VALUE strings over the defaults (a trace header's, a job's); *whole
 * when they name every knob, so that no variant file is needed. False: the error in err. */
bool knobs_from_values(char **values, struct knob_set *ks, bool *whole, char *err,
                       unsigned errlen);
/* Every knob's NAME=VALUE of ks (g_strfreev). */
char **knob_values(const struct knob_set *ks);
void loaded_free(struct loaded *l);

/* shrink.c: drop the statements a violation of family does not need. */
char *shrink_scenario(const char *path, const char *variant, char **knobs, uint8_t family,
                      unsigned *kept, unsigned *dropped);

/* cli_run.c: one run into a trace whose header carries the schedule. */
struct trace *run_traced(struct loaded *l, const char *path, bool has_seed, uint64_t seed,
                         const struct schedule *given, int fmt, struct run_result *out);
/* The first family's counterexample of cex[], replayed into the JSONL trace file out (none
 * found: nothing written); false with the error in err. */
bool write_first_counterexample(struct loaded *l, const char *path,
                                const struct counterexample *cex, const char *out, char *err,
                                unsigned errlen);
/* A file beside --json R.json: R (less .json) with suffix added (g_free). A failure's trace
 * goes to R.counterexample.jsonl (ARCHITECTURE.md: a failure's `counterexample`). */
char *json_beside(const char *json, const char *suffix);
/* The `drcsim run … --schedule` command that replays a schedule (g_free). */
char *replay_command(const char *path, const char *variant, char **knobs,
                     const struct schedule *sched);
/* That of the first family cex[] has a counterexample for (g_free; NULL: none). */
char *first_replay(const char *path, const char *variant, char **knobs,
                   const struct counterexample *cex);
/* Wipe explore's progress line (on stderr) before the results. */
void progress_clear(void);
/* "bitstate: about N new states taken for seen ones", in buf: explore's and merge's text. */
const char *bitstate_missed_text(double missed, char *buf, size_t len);
/* Print explore figures and counterexamples; returns the families found. */
void print_exploration(FILE *f, const char *path, const char *variant, char **knobs,
                       const struct explore_stats *st);
void print_symmetry(FILE *f, const struct sim *s, const struct explore_opts *o,
                    const struct explore_stats *st);
/* Says what --por-check found wrong (st->por_error); returns EXIT_INTERNAL. */
int por_check_report(const struct loaded *l, const struct explore_stats *st);

/* A number option left out keeps CLI_UNSET (no value a user would give), told apart from 0. */
#define CLI_UNSET G_MININT64
static inline bool cli_given(gint64 v)
{
    return v != CLI_UNSET;
}
#define CLI_MEM_MB_MAX ((gint64)1 << 24)   /* --mem: 16 TB */
#define CLI_MEM_MB_DEFAULT 4096
#define CLI_SPLIT_MAX 100000   /* --split: job files */
#define CLI_JOBS_MAX 1024      /* --jobs: threads */

/* What a command's arguments and options do wrong, as one line (buf may hold it); NULL:
 * nothing. opts is the command's own option struct. */
typedef const char *(*cli_check_fn)(void *opts, int argc, char **argv, char *buf, size_t len);
/* GOption under "drcsim CMD", then check; EXIT_OK, or EXIT_USAGE with the error printed
 * (cli_options.c). */
int cli_parse(const char *cmd, const char *synopsis, const GOptionEntry *entries, int *argc,
              char ***argv, cli_check_fn check, void *opts);

/* A message on standard error as one line: control characters escaped (cli_options.c). */
void cli_error(const char *msg);
void cli_errorf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Commands (cli_*.c). */
int cmd_run(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_dot(int argc, char **argv);
/* `drcsim dot` (cli_dot*.c): the three views, and DOT text helpers. */
int dot_fsm(const char *drc_class, const char *variant, const struct knob_set *knobs);
int dot_msc(const char *trace_path);
int dot_states(const struct loaded *l, bool symmetry, unsigned max_states);
struct _GString;
struct _JsonObject;
struct _JsonParser;
/* s into a DOT double-quoted string (quotes and backslashes escaped, controls as spaces). */
void dot_str(struct _GString *g, const char *s);
/* A trace step's op and the arguments that tell its like apart. */
void dot_step_words(struct _GString *g, struct _JsonObject *o);
/* cli_split.c */
/* end_states: NULL, or where the quiescent worlds above the frontier go (--end-states);
 * no_symmetry: the frontier and the jobs store every world as itself (--symmetry off). */
int explore_split(struct loaded *l, const char *path, char **knobs, unsigned n, const char *dir,
                  GArray *end_states, bool no_symmetry);
/* --out DIR of --split made (with its parents) and writable; else false, one error line
 * "drcsim CMD: ..." printed. */
bool split_out_dir(const char *cmd, const char *dir);
/* path and text are UTF-8, as a job file (JSON) must carry them; else false, one error line
 * printed (text: at the first bad byte's PATH:LINE:COL). */
bool split_input_utf8(const char *cmd, const char *path, const char *text);
int explore_job(const char *file, const char *json_out, const struct explore_opts *eo);
struct _JsonObject;
struct _JsonParser;
/* A job file's "drcsim", "job" and "of" (checked of their kinds): this version, job < of;
 * else false with the error line in err. */
bool job_part_check(struct _JsonParser *p, const char *file, struct _JsonObject *o, char *err,
                    size_t len);
/* A result's part of a split: kind "job" or "check" (job of of), or "prefix" (split.json,
 * job unused). */
struct split_part {
    const char *kind;
    unsigned job, of;
};
/* check --split / --job (cli_check_split.c) over check_verdict (cli_check.c); part: the
 * check job's (NULL: none); text and ks: the scenario and knobs a job carries (NULL: read
 * the scenario and variant files). */
struct check_cli;
struct _GPtrArray;
int check_verdict(struct check_cli *c, const char *path, const struct scn_verdict *v,
                  const struct split_part *part, const char *text, const struct knob_set *ks);
int check_split(struct _GPtrArray *files, unsigned n, const char *dir);
int check_job(struct check_cli *c, const char *file);

/* How a search ended, as its JSON says it: how it stored worlds ("stored"), the chance
 * that two were taken for one, in bitstate mode how many new states it is expected to have
 * taken for seen ones, and what cut it short ("cut_by": a bit per search_cut_names entry). */
enum search_cut { CUT_MAX_STATES, CUT_MAX_DEPTH, CUT_MEM, CUT_BITSTATE, CUT_MODEL_BOUND,
                  CUT_POR_CHECK, CUT_MISSING_PARTS, CUT_COUNT };
extern const char *const search_cut_names[CUT_COUNT];
enum search_stored { STORED_LOSSLESS, STORED_FINGERPRINTS, STORED_BITSTATE, STORED_COUNT };
extern const char *const search_stored_names[STORED_COUNT];
struct search_end {
    enum search_stored stored;
    double collision_probability, bitstate_missed;
    unsigned cut;
};

/* One JSON result object (no trailing newline) appended to g. */
struct json_result {
    const char *scenario, *variant;
    bool pass;
    bool incomplete;                  /* no violation, but not every interleaving seen */
    bool has_expected;                /* check: the verdict line's families follow */
    uint32_t expected;
    uint32_t families;
    uint32_t ignored;                 /* the scenario's `ignore` line: written when any */
    const struct explore_stats *st;   /* may be NULL (run) */
    uint64_t states, transitions;
    unsigned max_depth;
    double seconds;
    const char *counterexample, *replay;
    const struct sample_result *sample;   /* --sample: runs instead of distinct states */
    const char *sample_mode;
    uint64_t sample_seed;
    unsigned sample_depth;            /* PCT's d */
    const char *seeds;                /* merged samples: their seed ranges as JSON pairs */
    long peak_rss_kb;                 /* merged: the largest of the parts'; 0: this process's */
    double stored_bytes;              /* merged: the parts' visited sets (no st), in all */
    char *const *knobs;               /* the --knob overrides (NULL-ended); written when any */
    const struct split_part *part;    /* the part of a split it is; NULL: a whole result */
    const struct search_end *end;     /* merged: the parts' searches together (no st) */
};
void json_result_append(void *gstring, const struct json_result *r);
bool json_results_write(const char *path, void *gstring, char *err, unsigned errlen);
/* Whether path can be written as json_results_write and trace_write_file do (a file
 * created beside it), checked before a search; false with "cannot write PATH: WHY". */
bool output_writable(const char *path, char *err, unsigned errlen);
/* Each given one of paths[0..n) can be written; else "drcsim CMD: …" printed, false. */
bool outputs_writable(const char *cmd, const char *const *paths, size_t n);
/* A job file of --split (cli_split.c): its object begun with drcsim, job and of; then
 * ended, written to file (its name printed, or the error as "drcsim CMD: …") and b freed. */
typedef struct _JsonBuilder JsonBuilder;
void job_file_begin(JsonBuilder *b, unsigned i, unsigned n);
bool job_file_write(JsonBuilder *b, const char *file, const char *cmd);

#endif
