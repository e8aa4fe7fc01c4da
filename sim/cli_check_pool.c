/*
 * check --jobs N (cli_check_pool.h): N threads take the lines in the order
 * added, each searched on its own world and visited set; the adding thread
 * reports them in that order and keeps at most 2N lines loaded. POSIX locks,
 * not GLib's futexes, so that ThreadSanitizer sees every hand-over.
 */
#include <pthread.h>
#include "cli_check_pool.h"

struct check_pool {
    unsigned jobs;
    pthread_t *threads;         /* NULL when jobs is 1: the adding thread searches */
    pthread_mutex_t mu;         /* todo, stop and every line's done */
    pthread_cond_t work, done;
    GQueue todo;                /* added, not yet taken by a thread */
    bool stop;
    GQueue lines;               /* added, not yet reported: the adding thread's alone */
    check_report_fn *report;
    void *ctx;
};

static void search(struct check_line *ln)
{
    explore_exhaustive(&ln->l.sim.model, &ln->l.checker, &ln->l.sim.initial, &ln->eo, &ln->st);
}

static void *worker(void *arg)
{
    struct check_pool *p = arg;
    struct check_line *ln;

    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && g_queue_is_empty(&p->todo))
            pthread_cond_wait(&p->work, &p->mu);
        ln = g_queue_pop_head(&p->todo);
        pthread_mutex_unlock(&p->mu);
        if (!ln)
            return NULL;
        search(ln);
        pthread_mutex_lock(&p->mu);
        ln->done = true;
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

struct check_pool *check_pool_new(unsigned jobs, check_report_fn *report, void *ctx)
{
    struct check_pool *p = g_new0(struct check_pool, 1);

    p->jobs = jobs ? jobs : 1;
    p->report = report;
    p->ctx = ctx;
    g_queue_init(&p->todo);
    g_queue_init(&p->lines);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
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
    p->report(p->ctx, ln);
    check_line_free(ln);
    return true;
}

void check_pool_add(struct check_pool *p, struct check_line *line)
{
    g_queue_push_tail(&p->lines, line);
    if (!p->threads) {   /* done before the report below looks: it reports it at once */
        search(line);
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
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    g_free(p);
}
