/*
 * Unit tests for check --jobs (sim/cli_check_pool.c): every line is searched as
 * one job searches it and reported once, in the order added, never before
 * the lines ahead of it; after an add at most 2N - 1 lines wait unreported; one job reports
 * each line as it is added, and freeing the pool reports what is left; lines
 * searched at once share --mem, each with the verdict one job gives it.
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
    bool full[NLINES], alone[NLINES];
    unsigned most_waiting;   /* added but not reported, at the most */
};

static void record(void *ctx, struct check_line *ln)
{
    struct reports *r = ctx;

    assert_true(ln->done);
    assert_true(r->n < NLINES);
    r->order[r->n] = (unsigned)atoi(ln->path);   /* the test names each line by its index */
    r->full[r->n] = ln->st.full;
    r->alone[r->n] = ln->searched_alone;
    r->states[r->n++] = ln->st.states;
}

/* Line i (its path), a search of scenario under upstream within mem bytes. */
static struct check_line *line_of(const char *scenario, unsigned i, size_t mem)
{
    struct check_line *ln = g_new0(struct check_line, 1);
    g_autofree char *path = g_strdup_printf("%s/scenarios/%s.scn", test_srcdir(), scenario);
    char err[512];

    if (!load_scenario(path, "upstream", NULL, &ln->l, err, sizeof(err)))
        fail_msg("%s", err);
    ln->eo = (struct explore_opts){ .por = POR_DPOR, .no_symmetry = true, .mem_bytes = mem };
    ln->path = g_strdup_printf("%u", i);
    return ln;
}

static struct check_line *line(unsigned i)
{
    return line_of(lines[i].scenario, i, 64u << 20);
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
    struct check_pool *p = check_pool_new(jobs, 64u << 20, false, record, r);

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
    struct check_pool *p = check_pool_new(2, 64u << 20, false, record, &r);

    (void)state;
    add_all(p, &r);
    assert_true(r.most_waiting <= 3);
    assert_true(r.n >= NLINES - 3);
    check_pool_drain(p);
    assert_in_order(&r);
    check_pool_free(p);
    assert_int_equal(r.n, NLINES);
}

/*
 * parallel-cores-6 twice (197,473 states, a 2.6 MiB table each) within 3 MiB
 * and within 2 MiB, where one search alone stops at 176,947 states. Two jobs
 * refuse one of them the room the other holds: it is searched again alone,
 * and each line's figures are one job's.
 */
static void run_in(unsigned jobs, size_t mem, struct reports *r)
{
    struct check_pool *p = check_pool_new(jobs, mem, false, record, r);

    for (unsigned i = 0; i < 2; i++)
        check_pool_add(p, line_of("parallel-cores-6", i, mem));
    check_pool_free(p);
    assert_int_equal(r->n, 2);
}

static void test_jobs_share_mem(void **state)
{
    struct reports one = { 0 }, two = { 0 }, one_full = { 0 }, two_full = { 0 };

    (void)state;
    run_in(1, 3u << 20, &one);
    run_in(2, 3u << 20, &two);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(one.states[i], 197473);
        assert_int_equal(two.states[i], 197473);
        assert_false(one.full[i] || two.full[i] || one.alone[i]);
    }
    assert_true(two.alone[0] || two.alone[1]);
    run_in(1, 2u << 20, &one_full);
    run_in(2, 2u << 20, &two_full);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(one_full.states[i], 176947);
        assert_int_equal(two_full.states[i], 176947);
        assert_true(one_full.full[i] && two_full.full[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_job_reports_each_at_once),
        cmocka_unit_test(test_three_jobs_report_in_order),
        cmocka_unit_test(test_drain_then_free),
        cmocka_unit_test(test_jobs_share_mem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
