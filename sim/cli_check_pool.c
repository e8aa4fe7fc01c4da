/*
 * check --jobs N (cli_check_pool.h): N threads take the lines in the order
 * added, each searched on its own world and visited set, the sets within one
 * --mem budget; the adding thread reports them in that order and keeps at most
 * 2N lines loaded. POSIX locks, so that ThreadSanitizer sees every hand-over.
 */
#include <pthread.h>
#include "cli_check_pool.h"

/* A thread's line on the progress line: NULL when it searches none. */
struct check_slot {
    const struct check_line *line;
    uint64_t states;
    double seconds;
};

struct check_pool {
    unsigned jobs;
    pthread_t *threads;         /* NULL when jobs is 1: the adding thread searches */
    struct visited_pool mem;    /* with threads: the --mem budget the lines' visited sets share */
    pthread_mutex_t mu;         /* todo, stop, running, want_alone and every line's done */
    pthread_cond_t work, done, idle;
    GQueue todo;                /* added, not yet taken by a thread */
    bool stop;
    unsigned running;           /* lines being searched */
    unsigned want_alone;        /* lines refused a share of --mem, to be searched again alone */
    GQueue lines;               /* added, not yet reported: the adding thread's alone */
    check_report_fn *report;
    void *ctx;
    bool progress;              /* the progress line, where stderr is a terminal */
    pthread_mutex_t shown_mu;   /* slots, reported, shown and last; held over a report */
    struct check_slot *slots;   /* one per thread */
    unsigned reported;
    int shown;                  /* characters of the progress line on the terminal, 0: none */
    gint64 last;
};

/*
 * The progress line, at most every 250 ms (shown_mu held): the lines reported,
 * those being searched, their states, and the one searched longest. One line
 * whatever N, so that it never wraps on the terminal and \r rewrites it.
 */
static void progress_show(struct check_pool *p)
{
    gint64 now = g_get_monotonic_time();
    const struct check_slot *longest = NULL;
    unsigned searching = 0;
    uint64_t states = 0;
    GString *g;

    if (now - p->last < EXPLORE_PROGRESS_US)
        return;
    p->last = now;
    for (unsigned i = 0; i < p->jobs; i++) {
        const struct check_slot *sl = &p->slots[i];
        if (!sl->line)
            continue;
        searching++;
        states += sl->states;
        if (!longest || sl->seconds > longest->seconds)
            longest = sl;
    }
    g = g_string_new(NULL);
    g_string_printf(g, "%6u lines checked  %3u searching  %12" G_GUINT64_FORMAT " states  ",
                    p->reported, searching, states);
    if (longest)
        g_string_append_printf(g, "%.32s %.20s %.1f s  ", longest->line->l.scn->name,
                               longest->line->v.variant, longest->seconds);
    g_string_append_printf(g, "%ld MB ", explore_peak_rss_kb() / 1024);
    fprintf(stderr, "\r%s%*s", g->str, p->shown > (int)g->len ? p->shown - (int)g->len : 0, "");
    p->shown = (int)g->len;
    g_string_free(g, TRUE);
}

/* Wipe the progress line (shown_mu held), before a row goes to the same terminal. */
static void progress_wipe(struct check_pool *p)
{
    if (p->shown)
        fprintf(stderr, "\r%*s\r", p->shown, "");
    p->shown = 0;
}

/* The search's progress hook: its figures into its thread's slot. */
static void line_progress(const struct explore_stats *st, unsigned depth, size_t queue, void *arg)
{
    struct check_line *ln = arg;
    struct check_pool *p = ln->pool;

    (void)depth;
    (void)queue;
    pthread_mutex_lock(&p->shown_mu);
    p->slots[ln->slot].states = st->states;
    p->slots[ln->slot].seconds = st->seconds;
    progress_show(p);
    pthread_mutex_unlock(&p->shown_mu);
}

/* A thread takes a slot for its line (or gives it back): one free per thread. */
static void slot_set(struct check_pool *p, struct check_line *ln, bool take)
{
    pthread_mutex_lock(&p->shown_mu);
    if (take) {
        for (ln->slot = 0; p->slots[ln->slot].line; ln->slot++)
            ;
        p->slots[ln->slot] = (struct check_slot){ .line = ln };
    } else {
        p->slots[ln->slot].line = NULL;
    }
    pthread_mutex_unlock(&p->shown_mu);
}

static void search(struct check_pool *p, struct check_line *ln, struct visited_pool *mem)
{
    ln->eo.mem_pool = mem;
    if (p->progress) {
        ln->pool = p;
        ln->eo.progress = line_progress;
        ln->eo.progress_arg = ln;
        slot_set(p, ln, true);
    }
    explore_exhaustive(&ln->l.sim.model, &ln->l.checker, &ln->l.sim.initial, &ln->eo, &ln->st);
    if (p->progress)
        slot_set(p, ln, false);
}

/*
 * A line whose visited set was refused room that others held (mu held): once
 * no line is searched, it is searched again with the whole budget, no line
 * starting meanwhile, so that its verdict is the one a single job gives.
 */
static void search_alone(struct check_pool *p, struct check_line *ln)
{
    p->want_alone++;
    while (p->running)
        pthread_cond_wait(&p->idle, &p->mu);
    p->running++;
    pthread_mutex_unlock(&p->mu);
    explore_stats_free(&ln->st);
    search(p, ln, NULL);
    ln->searched_alone = true;
    pthread_mutex_lock(&p->mu);
    p->running--;
    p->want_alone--;
    pthread_cond_broadcast(&p->work);
}

static void *worker(void *arg)
{
    struct check_pool *p = arg;
    struct check_line *ln;

    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && (g_queue_is_empty(&p->todo) || p->want_alone))
            pthread_cond_wait(&p->work, &p->mu);
        ln = g_queue_pop_head(&p->todo);
        p->running += ln != NULL;
        pthread_mutex_unlock(&p->mu);
        if (!ln)
            return NULL;
        search(p, ln, &p->mem);
        pthread_mutex_lock(&p->mu);
        p->running--;
        if (ln->st.pool_refused)
            search_alone(p, ln);
        if (!p->running)
            pthread_cond_broadcast(&p->idle);
        ln->done = true;
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

struct check_pool *check_pool_new(unsigned jobs, size_t mem_bytes, bool progress,
                                  check_report_fn *report, void *ctx)
{
    struct check_pool *p = g_new0(struct check_pool, 1);

    p->jobs = jobs ? jobs : 1;
    p->mem.budget = mem_bytes;
    p->report = report;
    p->ctx = ctx;
    p->progress = progress;
    p->slots = g_new0(struct check_slot, p->jobs);
    p->last = g_get_monotonic_time();   /* the first line after 250 ms, as explore's */
    pthread_mutex_init(&p->shown_mu, NULL);
    g_queue_init(&p->todo);
    g_queue_init(&p->lines);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    pthread_cond_init(&p->idle, NULL);
    if (p->jobs == 1)
        return p;
    p->threads = g_new0(pthread_t, p->jobs);
    for (unsigned i = 0; i < p->jobs; i++)
        if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
            p->jobs = i;   /* the threads the system gave, the adding thread alone if none */
            break;
        }
    if (!p->jobs) {
        p->jobs = 1;
        g_clear_pointer(&p->threads, g_free);
    }
    return p;
}

/* Every line is searched before it is freed: the pool frees only reported lines. */
static void check_line_free(struct check_line *line)
{
    explore_stats_free(&line->st);
    loaded_free(&line->l);
    g_free(line->path);
    g_free(line);
}

/* Report the oldest line, waiting for it when wait is set; false if it is not done. */
static bool report_oldest(struct check_pool *p, bool wait)
{
    struct check_line *ln = g_queue_peek_head(&p->lines);
    bool done;

    if (!ln)
        return false;
    pthread_mutex_lock(&p->mu);
    while (wait && !ln->done)
        pthread_cond_wait(&p->done, &p->mu);
    done = ln->done;
    pthread_mutex_unlock(&p->mu);
    if (!done)
        return false;
    g_queue_pop_head(&p->lines);
    pthread_mutex_lock(&p->shown_mu);
    progress_wipe(p);
    p->report(p->ctx, ln);
    fflush(stdout);   /* the row on the terminal before the next progress line */
    p->reported++;
    pthread_mutex_unlock(&p->shown_mu);
    check_line_free(ln);
    return true;
}

void check_pool_add(struct check_pool *p, struct check_line *line)
{
    g_queue_push_tail(&p->lines, line);
    if (!p->threads) {   /* done before the report below looks: it reports it at once */
        search(p, line, NULL);
        line->done = true;
    } else {
        pthread_mutex_lock(&p->mu);
        g_queue_push_tail(&p->todo, line);
        pthread_cond_signal(&p->work);
        pthread_mutex_unlock(&p->mu);
    }
    while (report_oldest(p, p->lines.length >= 2 * p->jobs))
        ;
}

void check_pool_drain(struct check_pool *p)
{
    while (p && report_oldest(p, true))
        ;
}

void check_pool_free(struct check_pool *p)
{
    if (!p)
        return;
    check_pool_drain(p);
    if (p->threads) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->mu);
        for (unsigned i = 0; i < p->jobs; i++)
            pthread_join(p->threads[i], NULL);
        g_free(p->threads);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->shown_mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->idle);
    g_free(p->slots);
    g_free(p);
}
