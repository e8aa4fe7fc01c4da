/*
 * Unit tests for the visited sets the threads of --jobs share
 * (sim/visited_shared.c, visited_striped.c): each fingerprint, or whole
 * world, is new to exactly one thread however many add it at once and
 * however often the table grows under them; the budget gives FULL or
 * bitstate as one thread's set does, and bitstate adds race as safely.
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
    struct visited_shared *s = visited_shared_new(0, 1);
    struct explore_stats st = { 0 };

    (void)state;
    assert_int_equal(visited_shared_add(s, 0, 42, &st, false), VISITED_NEW);
    assert_int_equal(visited_shared_add(s, 0, 42, &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_add(s, 0, 0, &st, false), VISITED_NEW);   /* as 1 */
    assert_int_equal(visited_shared_add(s, 0, 1, &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_table(s)->count, 2);
    visited_shared_free(s);
}

/* One thread alone: every growth keeps what was stored, and the count is exact. */
static void test_grows_keeping_all(void **state)
{
    struct visited_shared *s = visited_shared_new(0, 1);
    struct explore_stats st = { 0 };
    const struct visited *v;

    (void)state;
    for (unsigned i = 0; i < KEYS; i++)
        assert_int_equal(visited_shared_add(s, 0, key(i), &st, false), VISITED_NEW);
    for (unsigned i = 0; i < KEYS; i++)
        assert_int_equal(visited_shared_add(s, 0, key(i), &st, false), VISITED_SEEN);
    v = visited_shared_table(s);
    assert_int_equal(v->count, KEYS);
    assert_true(v->cap > KEYS && v->count * 5 <= v->cap * 4);
    for (unsigned i = 0; i < KEYS; i++)
        assert_true(visited_contains(v, key(i)));
    assert_false(visited_contains(v, key(KEYS)));
    visited_shared_free(s);
}

/* One racing thread: the set it adds to, its number, and how many adds it found new. */
struct adder {
    void *set;
    unsigned thread;
    unsigned news;
};

/* THREADS threads running add on one set at once: the adds they found new, together. */
static unsigned race(GThreadFunc add, void *set)
{
    struct adder a[THREADS];
    GThread *th[THREADS];
    unsigned news = 0;

    for (unsigned t = 0; t < THREADS; t++) {
        a[t] = (struct adder){ .set = set, .thread = t };
        th[t] = g_thread_new("adder", add, &a[t]);
    }
    for (unsigned t = 0; t < THREADS; t++) {
        g_thread_join(th[t]);
        news += a[t].news;
    }
    return news;
}

/* Every thread adds every key, each thread in an order of its own. */
static gpointer add_all(gpointer data)
{
    struct adder *a = data;
    struct explore_stats st = { 0 };

    for (unsigned j = 0; j < KEYS; j++) {
        unsigned i = (j * 7919u + a->thread * 104729u) % KEYS;   /* 7919 is prime to KEYS */
        a->news += visited_shared_add(a->set, a->thread, key(i), &st, false) == VISITED_NEW;
    }
    return NULL;
}

/* One race of THREADS threads over the same keys, on a fresh set. */
static void race_once(void)
{
    struct visited_shared *s = visited_shared_new(0, THREADS);
    const struct visited *v;

    assert_int_equal(race(add_all, s), KEYS);   /* each key new to one thread only */
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
    struct visited_shared *s = visited_shared_new(64 << 10, 2);
    struct explore_stats st = { 0 };
    unsigned i = 0;
    enum visited_result r;

    (void)state;
    while ((r = visited_shared_add(s, i % 2, key(i), &st, false)) == VISITED_NEW)
        i++;
    assert_int_equal(r, VISITED_FULL);
    assert_int_equal(i, 6553);
    assert_int_equal(visited_shared_add(s, 0, key(0), &st, false), VISITED_SEEN);
    assert_int_equal(visited_shared_table(s)->count, 6553);
    assert_int_equal(visited_bytes(visited_shared_table(s)), 64 << 10);
    assert_false(st.bitstate);
    visited_shared_free(s);
}

/* The same budget with --bitstate: the set goes on in bitstate mode, keeping what it saw. */
static void test_budget_bitstate(void **state)
{
    struct visited_shared *s = visited_shared_new(64 << 10, 2);
    struct explore_stats st = { 0 };

    (void)state;
    for (unsigned i = 0; i < 6553; i++)
        assert_int_equal(visited_shared_add(s, i % 2, key(i), &st, true), VISITED_NEW);
    assert_false(st.bitstate);
    assert_int_equal(visited_shared_add(s, 1, key(6553), &st, true), VISITED_NEW);
    assert_true(st.bitstate);
    assert_int_equal(visited_shared_table(s)->mode, VISITED_BITSTATE);
    assert_int_equal(visited_shared_table(s)->count, 6554);
    assert_int_equal(visited_shared_add(s, 0, key(17), &st, true), VISITED_SEEN);
    assert_int_equal(visited_shared_add(s, 1, key(6553), &st, true), VISITED_SEEN);
    visited_shared_free(s);
}

/* Fingerprints whose two bits no other one of them, nor anything stored before, has set. */
#define BIT_KEYS 20000u
static uint64_t bit_keys[BIT_KEYS];

static void pick_bit_keys(const struct visited *v)
{
    uint64_t *taken = g_memdup2(v->slots, v->cap / 8), mask;
    unsigned n = 0;

    for (unsigned i = KEYS; n < BIT_KEYS; i++) {
        uint64_t *word = taken + (visited_bits_of(v, key(i), &mask) - v->slots);
        if (*word & mask)
            continue;
        *word |= mask;
        bit_keys[n++] = key(i);
    }
    g_free(taken);
}

static gpointer add_bit_keys(gpointer data)
{
    struct adder *a = data;
    struct explore_stats st = { 0 };

    for (unsigned j = 0; j < BIT_KEYS; j++) {
        unsigned i = (j * 7919u + a->thread * 104729u) % BIT_KEYS;   /* 7919 is prime to it */
        a->news += visited_shared_add(a->set, a->thread, bit_keys[i], &st, true) == VISITED_NEW;
    }
    return NULL;
}

/*
 * In bitstate mode the threads set bits without a lock: a state whose bits
 * nothing else sets is new to exactly one thread, and the count is exact.
 */
static void test_bitstate_threads_race(void **state)
{
    struct visited_shared *s = visited_shared_new(64 << 10, THREADS);
    struct explore_stats st = { 0 };

    (void)state;
    for (unsigned i = 0; i <= 6553; i++)   /* the last one switches to bitstate */
        assert_int_equal(visited_shared_add(s, 0, key(i), &st, true), VISITED_NEW);
    assert_true(st.bitstate);
    pick_bit_keys(visited_shared_table(s));
    assert_int_equal(race(add_bit_keys, s), BIT_KEYS);
    assert_int_equal(visited_shared_table(s)->count, 6554 + BIT_KEYS);
    assert_int_equal(visited_shared_table(s)->count, 6554 + BIT_KEYS);   /* asked again */
    for (unsigned i = 0; i < BIT_KEYS; i++)
        assert_int_equal(visited_shared_add(s, 0, bit_keys[i], &st, true), VISITED_SEEN);
    visited_shared_free(s);
}

/* Lossless: two worlds with one fingerprint are two states; the same world is one. */
static void test_striped_lossless(void **state)
{
    struct visited_striped *s = visited_striped_new(0, 8);
    uint64_t a = 1, b = 2;

    (void)state;
    assert_int_equal(visited_striped_add(s, 99, &a), VISITED_NEW);
    assert_int_equal(visited_striped_add(s, 99, &b), VISITED_NEW);
    assert_int_equal(visited_striped_add(s, 99, &a), VISITED_SEEN);
    assert_int_equal(visited_striped_count(s), 2);
    visited_striped_free(s);
}


/* Worlds 0..KEYS-1 (each its own number), four to a fingerprint, each thread in its own order. */
static gpointer add_worlds(gpointer data)
{
    struct adder *a = data;

    for (unsigned j = 0; j < KEYS; j++) {
        uint64_t w = (j * 7919u + a->thread * 104729u) % KEYS;
        a->news += visited_striped_add(a->set, key((unsigned)w / 4), &w) == VISITED_NEW;
    }
    return NULL;
}

static void test_striped_threads_race(void **state)
{
    struct visited_striped *s = visited_striped_new(0, sizeof(uint64_t));

    (void)state;
    assert_int_equal(race(add_worlds, s), KEYS);   /* each world new to one thread only */
    assert_int_equal(visited_striped_count(s), KEYS);
    visited_striped_free(s);
}

/*
 * A budget of 1 MiB: each shard's 16 KiB holds its 1,024-slot table (12 KiB
 * with the worlds' places) and 64 worlds of 64 bytes; the 65th is FULL.
 */
static void test_striped_budget(void **state)
{
    struct visited_striped *s = visited_striped_new(1 << 20, 64);
    uint8_t w[64] = { 0 };
    unsigned i = 0;

    (void)state;
    for (;; i++) {
        memcpy(w, &i, sizeof(i));
        if (visited_striped_add(s, key(i), w) != VISITED_NEW)
            break;
    }
    assert_int_equal(i, 64 * 64);   /* the keys fall on the shards in turn */
    assert_int_equal(visited_striped_count(s), 64 * 64);
    assert_int_equal(visited_striped_bytes(s), 1 << 20);
    memcpy(w, &(unsigned){ 0 }, sizeof(unsigned));
    assert_int_equal(visited_striped_add(s, key(0), w), VISITED_SEEN);
    visited_striped_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_then_seen),
        cmocka_unit_test(test_grows_keeping_all),
        cmocka_unit_test(test_threads_race),
        cmocka_unit_test(test_budget_full),
        cmocka_unit_test(test_budget_bitstate),
        cmocka_unit_test(test_bitstate_threads_race),
        cmocka_unit_test(test_striped_lossless),
        cmocka_unit_test(test_striped_threads_race),
        cmocka_unit_test(test_striped_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
