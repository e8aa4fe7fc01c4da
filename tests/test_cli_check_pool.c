/*
 * Unit tests for check --jobs (sim/cli_check_pool.c): every line is searched as
 * one job searches it and reported once, in the order added, never before
 * the lines ahead of it; after an add at most 2N - 1 lines wait unreported; one job reports
 * each line as it is added, and freeing the pool reports what is left.
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include "cli_check_pool.h"

/* The lines, with the states a one-thread search of each visits (symmetry off). */
static const struct { const char *scenario; uint64_t states; } lines[] = {
    { "parallel-cores-5", 32206 },   /* the longest first: the short ones finish before it */
    { "hotplug-migrate-unplug", 55 },
    { "unplug-last-cpu", 47 },
    { "parallel-cores-4", 6017 },
    { "parallel-dimms-3", 1057 },
    { "hotplug-migrate-unplug", 55 },
    { "unplug-last-cpu", 47 },
};
#define NLINES G_N_ELEMENTS(lines)

struct reports {
    unsigned n, added;
    unsigned order[NLINES];
    uint64_t states[NLINES];
    unsigned most_waiting;   /* added but not reported, at the most */
};

static void record(void *ctx, struct check_line *ln)
{
    struct reports *r = ctx;

    assert_true(ln->done);
    assert_true(r->n < NLINES);
    r->order[r->n] = (unsigned)atoi(ln->path);   /* the test names each line by its index */
    r->states[r->n++] = ln->st.states;
}

static struct check_line *line(unsigned i)
{
    struct check_line *ln = g_new0(struct check_line, 1);
    g_autofree char *path = g_strdup_printf("%s/scenarios/%s.scn", test_srcdir(),
                                            lines[i].scenario);
    char err[512];

    if (!load_scenario(path, "upstream", NULL, &ln->l, err, sizeof(err)))
        fail_msg("%s", err);
    ln->eo = (struct explore_opts){ .por = POR_DPOR, .no_symmetry = true, .mem_bytes = 64u << 20 };
    ln->path = g_strdup_printf("%u", i);
    return ln;
}

static void add_all(struct check_pool *p, struct reports *r)
{
    for (unsigned i = 0; i < NLINES; i++) {
        check_pool_add(p, line(i));
        r->added++;
        if (r->added - r->n > r->most_waiting)
            r->most_waiting = r->added - r->n;
    }
}

static void assert_in_order(const struct reports *r)
{
    assert_int_equal(r->n, NLINES);
    for (unsigned i = 0; i < NLINES; i++) {
        assert_int_equal(r->order[i], i);
        assert_int_equal(r->states[i], lines[i].states);
    }
}

/* Every line through a pool of jobs threads, freed without a drain of its own. */
static void run(unsigned jobs, struct reports *r)
{
    struct check_pool *p = check_pool_new(jobs, false, record, r);

    add_all(p, r);
    check_pool_free(p);   /* drains */
    assert_in_order(r);
}

static void test_one_job_reports_each_at_once(void **state)
{
    struct reports r = { 0 };

    (void)state;
    run(1, &r);
    assert_int_equal(r.most_waiting, 0);
}

/* Three jobs: an add that makes six waiting lines waits for the first report. */
static void test_three_jobs_report_in_order(void **state)
{
    struct reports r = { 0 };

    (void)state;
    run(3, &r);
    assert_true(r.most_waiting <= 5);
}

/* A drain reports what is left, and the free after it reports nothing twice. */
static void test_drain_then_free(void **state)
{
    struct reports r = { 0 };
    struct check_pool *p = check_pool_new(2, false, record, &r);

    (void)state;
    add_all(p, &r);
    assert_true(r.most_waiting <= 3);
    assert_true(r.n >= NLINES - 3);
    check_pool_drain(p);
    assert_in_order(&r);
    check_pool_free(p);
    assert_int_equal(r.n, NLINES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_job_reports_each_at_once),
        cmocka_unit_test(test_three_jobs_report_in_order),
        cmocka_unit_test(test_drain_then_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
