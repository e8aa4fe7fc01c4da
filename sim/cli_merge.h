/*
 * What `drcsim merge` (cli_merge.c) keeps while it reads: one row per
 * scenario x variant x knob overrides, the splits whose parts it has seen,
 * and for rows of sampled runs their seed ranges (cli_merge_sample.c).
 */
#ifndef DRCSIM_CLI_MERGE_H
#define DRCSIM_CLI_MERGE_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

struct merge_sample;

/* The parts' search ends (cli_merge_search.c): how many carried one, the weakest storage,
 * the chance that no part took two worlds for one, bitstate misses summed, cuts united. */
struct merge_search {
    unsigned with;               /* parts that said how their search ended */
    int stored;                  /* enum search_stored: the weakest of theirs */
    double log_no_collision;     /* the sum over those parts of log(1 - their probability) */
    double bitstate_missed;
    unsigned cut;                /* enum search_cut bits */
};

struct agg {
    char *scenario, *variant;
    char **knobs;                /* the overrides, sorted */
    uint32_t families;
    uint32_t ignored;            /* the scenario's `ignore` line, the same in every part */
    bool ignored_known;          /* a part has said it */
    uint64_t states, transitions;
    char *replay;                /* the first part's counterexample, if any */
    char *counterexample;        /* and its trace file, if it wrote one */
    unsigned max_depth, parts;
    bool incomplete;             /* some part did not see all of its interleavings, or is missing */
    bool missing_parts;          /* a part of its split was not given */
    bool checked, mismatch;      /* from check: a verdict line was compared, and differed */
    bool whole, split;           /* from a result with no "part", from parts of a split */
    double seconds;
    double stored_bytes;         /* the parts' visited sets: bytes_per_state x states, summed */
    long peak_rss_kb;            /* the largest part's */
    struct merge_sample *sample; /* from explore --sample: its runs; NULL from searches */
    struct merge_search search;
};

/* The parts of one split: an explore split (its row's prefix and jobs) or a check split. */
struct split {
    struct agg *row;             /* the explore split's row; NULL: a check split */
    unsigned of;
    guint *job_file;             /* [of]: 1 + the index of the file job j came from; 0: none */
    guint prefix_file;           /* the same for split.json */
};

struct merge {
    GPtrArray *rows, *splits;
    char **files;                /* argv: the files by index */
    guint file;                  /* the one being read */
    JsonParser *p;               /* its text, for the places of errors */
    char elem[16];               /* the result being read: "" the file's one, "3" its 4th */
};

/* FILE:LINE:COL of member (NULL: the whole) of the result being read. */
const char *merge_at(struct merge *m, const char *member, char *buf, size_t len);
/* The row of r's scenario, variant and knobs, made on first sight. */
struct agg *find_agg(GPtrArray *all, JsonObject *r);
/* What every part adds to its row: transitions, seconds, parts added up, the deepest depth
 * and the largest peak RSS kept, and the first part's counterexample (replay and trace). */
void merge_add_figures(struct agg *a, JsonObject *r);
/* r's families added to a's, and its ignored ones kept; false with the error printed on one
 * drcsim does not know, or ignored ones other than an earlier part's. */
bool add_families(struct merge *m, struct agg *a, JsonObject *r);

/* r's search end added to a's (cli_merge_search.c); NULL, or why r's is unsound (*member:
 * the member it is about). A result without one (from before they were written) adds none. */
const char *merge_search_add(struct agg *a, JsonObject *r, const char **member);
/* The row's search end, in out; false unless every one of its parts said how it ended. */
struct search_end;
bool merge_search_end(const struct agg *a, struct search_end *out);
/* "    cut short by …", under the row, where its parts were cut (not where one is missing). */
void merge_print_search(const struct agg *a);

/* Sampled runs (cli_merge_sample.c): r, a result of explore --sample, added to its row;
 * false with the error printed. */
bool merge_add_sample(struct merge *m, JsonObject *r);
/* The row's runs, seeds and PCT bound, printed under it and appended to res as JSON. */
void merge_print_sample(const struct agg *a);
void merge_sample_json(GString *res, const struct agg *a);
void merge_sample_free(struct merge_sample *s);

#endif
