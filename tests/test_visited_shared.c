/*
 * Unit tests for the visited set the threads of --jobs share
 * (sim/visited_shared.c): each fingerprint is new to exactly one thread,
 * however many add it at once and however often the table grows under
 * them; the budget gives FULL or bitstate as one thread's set does.
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include "visited_shared.h"

#define THREADS 4
#define KEYS 200000u   /* the table starts at 65,536 slots: it grows four times */

/* Distinct nonzero fingerprints spread over the whole range, as xxh3's are. */
static uint64_t key(unsigned i)
{
    return (i + 1) * 0x9e3779b97f4a7c15ull;
}

static void test_new_then_seen(void **state)
{
    struct visited_shared *s = visited_shared_new(VISITED_FINGERPRINT, 0, 0, 1);
    struct explore_stats st = { 0 };

    (void)state;
    assert_int_equal(visited_shared_add(s, 0, 42, NULL, &st, false), VISITED_NEW);
    assert_int_equal(visited_shared_add(s, 0, 42, NULL, &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_add(s, 0, 0, NULL, &st, false), VISITED_NEW);   /* as 1 */
    assert_int_equal(visited_shared_add(s, 0, 1, NULL, &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_table(s)->count, 2);
    visited_shared_free(s);
}

/* One thread alone: every growth keeps what was stored, and the count is exact. */
static void test_grows_keeping_all(void **state)
{
    struct visited_shared *s = visited_shared_new(VISITED_FINGERPRINT, 0, 0, 1);
    struct explore_stats st = { 0 };
    const struct visited *v;

    (void)state;
    for (unsigned i = 0; i < KEYS; i++)
        assert_int_equal(visited_shared_add(s, 0, key(i), NULL, &st, false), VISITED_NEW);
    for (unsigned i = 0; i < KEYS; i++)
        assert_int_equal(visited_shared_add(s, 0, key(i), NULL, &st, false), VISITED_SEEN);
    v = visited_shared_table(s);
    assert_int_equal(v->count, KEYS);
    assert_true(v->cap > KEYS && v->count * 5 <= v->cap * 4);
    for (unsigned i = 0; i < KEYS; i++)
        assert_true(visited_contains(v, key(i)));
    assert_false(visited_contains(v, key(KEYS)));
    visited_shared_free(s);
}

struct adder {
    struct visited_shared *s;
    unsigned thread;
    unsigned news;
};

/* Every thread adds every key, each thread in an order of its own. */
static gpointer add_all(gpointer data)
{
    struct adder *a = data;
    struct explore_stats st = { 0 };

    for (unsigned j = 0; j < KEYS; j++) {
        unsigned i = (j * 7919u + a->thread * 104729u) % KEYS;   /* 7919 is prime to KEYS */
        a->news += visited_shared_add(a->s, a->thread, key(i), NULL, &st, false) == VISITED_NEW;
    }
    return NULL;
}

/* One race of THREADS threads over the same keys, on a fresh set. */
static void race_once(void)
{
    struct visited_shared *s = visited_shared_new(VISITED_FINGERPRINT, 0, 0, THREADS);
    struct adder a[THREADS];
    GThread *th[THREADS];
    unsigned news = 0;
    const struct visited *v;

    for (unsigned t = 0; t < THREADS; t++) {
        a[t] = (struct adder){ .s = s, .thread = t };
        th[t] = g_thread_new("adder", add_all, &a[t]);
    }
    for (unsigned t = 0; t < THREADS; t++) {
        g_thread_join(th[t]);
        news += a[t].news;
    }
    assert_int_equal(news, KEYS);   /* each key new to one thread only */
    v = visited_shared_table(s);
    assert_int_equal(v->count, KEYS);
    for (unsigned i = 0; i < KEYS; i++)
        assert_true(visited_contains(v, key(i)));
    visited_shared_free(s);
}

/* Several races: a lost compare-and-swap shows as a key new to two threads in some of them. */
static void test_threads_race(void **state)
{
    (void)state;
    for (unsigned round = 0; round < 8; round++)
        race_once();
}

/* A budget of 64 KiB: 8,192 slots, 6,553 fingerprints at the load bound, then FULL. */
static void test_budget_full(void **state)
{
    struct visited_shared *s = visited_shared_new(VISITED_FINGERPRINT, 64 << 10, 0, 2);
    struct explore_stats st = { 0 };
    unsigned i = 0;
    enum visited_result r;

    (void)state;
    while ((r = visited_shared_add(s, i % 2, key(i), NULL, &st, false)) == VISITED_NEW)
        i++;
    assert_int_equal(r, VISITED_FULL);
    assert_int_equal(i, 6553);
    assert_int_equal(visited_shared_add(s, 0, key(0), NULL, &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_table(s)->count, 6553);
    assert_int_equal(visited_bytes(visited_shared_table(s)), 64 << 10);
    assert_false(st.bitstate);
    visited_shared_free(s);
}

/* The same budget with --bitstate: the set goes on in bitstate mode, keeping what it saw. */
static void test_budget_bitstate(void **state)
{
    struct visited_shared *s = visited_shared_new(VISITED_FINGERPRINT, 64 << 10, 0, 2);
    struct explore_stats st = { 0 };

    (void)state;
    for (unsigned i = 0; i < 6553; i++)
        assert_int_equal(visited_shared_add(s, i % 2, key(i), NULL, &st, true), VISITED_NEW);
    assert_false(st.bitstate);
    assert_int_equal(visited_shared_add(s, 1, key(6553), NULL, &st, true), VISITED_NEW);
    assert_true(st.bitstate);
    assert_int_equal(visited_shared_table(s)->mode, VISITED_BITSTATE);
    assert_int_equal(visited_shared_table(s)->count, 6554);
    assert_int_equal(visited_shared_add(s, 0, key(17), NULL, &st, true), VISITED_SEEN);
    assert_int_equal(visited_shared_add(s, 1, key(6553), NULL, &st, true), VISITED_SEEN);
    visited_shared_free(s);
}

/* Lossless: two worlds with one fingerprint are two states; the same world is one. */
static void test_lossless(void **state)
{
    struct visited_shared *s = visited_shared_new(VISITED_LOSSLESS, 0, 8, 2);
    struct explore_stats st = { 0 };
    uint64_t a = 1, b = 2;

    (void)state;
    assert_int_equal(visited_shared_add(s, 0, 99, &a, &st, false), VISITED_NEW);
    assert_int_equal(visited_shared_add(s, 1, 99, &b, &st, false), VISITED_NEW);
    assert_int_equal(visited_shared_add(s, 1, 99, &a, &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_table(s)->count, 2);
    assert_int_equal(visited_collision_probability(visited_shared_table(s)), 0.0);
    visited_shared_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_then_seen),
        cmocka_unit_test(test_grows_keeping_all),
        cmocka_unit_test(test_threads_race),
        cmocka_unit_test(test_budget_full),
        cmocka_unit_test(test_budget_bitstate),
        cmocka_unit_test(test_lossless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
