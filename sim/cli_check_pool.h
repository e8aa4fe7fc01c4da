/*
 * check --jobs N: the verdict lines' searches on N worker threads, handed
 * back to the caller's report in the order they were added, as soon as each
 * line and every line before it is done; their visited sets share one --mem
 * budget, each verdict the one a single job gives; on a terminal, a progress line.
 */
#ifndef DRCSIM_CLI_CHECK_POOL_H
#define DRCSIM_CLI_CHECK_POOL_H

#include "cli.h"

/* One verdict line from its load to its report; the pool owns it once added. */
struct check_line {
    struct loaded l;            /* loaded in place: the model's ctx points into it */
    struct explore_opts eo;
    struct explore_stats st;    /* the search's, once done */
    char *path;
    struct scn_verdict v;
    struct split_part part;     /* kind NULL: the line is no job's */
    bool done;
    bool searched_alone;        /* refused a share of --mem the others held, searched again */
    struct check_pool *pool;    /* the pool's own, for the progress line: */
    unsigned slot;              /* ... the searching thread's place in it */
};

/* Called on the adding thread, in order; it frees nothing (the pool does). */
typedef void check_report_fn(void *ctx, struct check_line *line);

struct check_pool;
/*
 * mem_bytes: each line's --mem budget; with several jobs, the budget of all
 * the lines searched at once. A line refused room the others held is searched
 * again alone, as one job would. progress: a line on stderr (a terminal) with
 * what each thread searches, at most 4 a second.
 */
struct check_pool *check_pool_new(unsigned jobs, size_t mem_bytes, bool progress,
                                  check_report_fn *report, void *ctx);
/* Search line (at once where jobs is 1) and report every line already done in order. */
void check_pool_add(struct check_pool *p, struct check_line *line);
/* Wait for every line added and report them. */
void check_pool_drain(struct check_pool *p);
/* Drains first. */
void check_pool_free(struct check_pool *p);

#endif
