/*
 * Unit tests for the engine, the explorer, the visited set and the
 * fingerprint (sim/engine.c, explore.c, visited.c, fingerprint.c), driven by
 * toy models defined here: worlds of plain bytes with their own
 * enabled/advance/apply, so nothing of drcsim's models is involved.
 */
#include "testutil.h"
#include <math.h>
#include <string.h>
#include <glib.h>
#include <xxhash.h>
#include "engine.h"
#include "explore.h"
#include "fingerprint.h"
#include "visited.h"

/* ---- toy 1: a fixed list of pending steps; the world records calls ---- */

struct rec_world {
    uint32_t advances, advanced_ms;   /* advance(): calls, total ms */
    uint32_t applies, step_no;        /* apply(): calls, last step_no */
    uint32_t advanced_at_apply;       /* advanced_ms seen by the last apply */
    uint32_t actor;                   /* actor of the last applied step */
    uint64_t t_ms;                    /* t_ms of the last apply */
};

struct fixed_steps { const struct step *steps; unsigned n; };

static unsigned fixed_enabled(const void *ctx, const void *world, struct step *out, unsigned max)
{
    const struct fixed_steps *f = ctx;
    unsigned n = f->n < max ? f->n : max;

    (void)world;
    memcpy(out, f->steps, n * sizeof(*out));
    return n;
}

static void rec_advance(const void *ctx, void *world, uint32_t ms)
{
    struct rec_world *w = world;

    (void)ctx;
    w->advances++;
    w->advanced_ms += ms;
}

static void rec_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
                      uint32_t step_no, uint64_t t_ms)
{
    struct rec_world *w = world;

    (void)ctx;
    (void)tr;
    w->applies++;
    w->step_no = step_no;
    w->t_ms = t_ms;
    w->actor = st->actor;
    w->advanced_at_apply = w->advanced_ms;
}

static struct engine_model fixed_model(const struct fixed_steps *f)
{
    return (struct engine_model){ .world_size = sizeof(struct rec_world), .ctx = f,
                                  .enabled = fixed_enabled, .advance = rec_advance,
                                  .apply = rec_apply };
}

#define STEP(a, l, h) { .actor = (a), .lo = (l), .hi = (h) }

/*
 * The actors of the fireable steps, in order, as a string like "01"; with
 * engine_fireable_all, the same first and then every other pending step.
 */
static void assert_fireable(const struct step *steps, unsigned n, const char *actors)
{
    struct fixed_steps f = { steps, n };
    struct engine_model m = fixed_model(&f);
    struct rec_world w = { 0 };
    struct step out[ENGINE_MAX_STEPS], all[ENGINE_MAX_STEPS];
    char got[ENGINE_MAX_STEPS + 1];
    unsigned k = engine_fireable(&m, &w, out, ENGINE_MAX_STEPS), nall, seen = 0;

    for (unsigned i = 0; i < k; i++)
        got[i] = (char)('0' + out[i].actor);
    got[k] = 0;
    assert_string_equal(got, actors);
    assert_int_equal(engine_fireable_all(&m, &w, all, ENGINE_MAX_STEPS, &nall), k);
    assert_int_equal(nall, n);
    assert_memory_equal(all, out, k * sizeof(*out));
    for (unsigned i = 0; i < nall; i++)   /* each given step once (actors are distinct) */
        seen |= 1u << all[i].actor;
    for (unsigned i = 0; i < n; i++)
        assert_true(seen >> steps[i].actor & 1);
    for (unsigned i = k; i < nall; i++)
        assert_true(all[i].lo > 0);        /* only a step that must wait is left out */
}

static void test_fireable_window(void **state)
{
    static const struct step a[] = { STEP(0, 0, 50), STEP(1, 10, 20), STEP(2, 30, 40) };
    static const struct step b[] = { STEP(0, 10000, 10000), STEP(1, 0, 50) };
    static const struct step c[] = { STEP(0, 0, WINDOW_NEVER), STEP(1, 0, WINDOW_NEVER),
                                     STEP(2, 0, WINDOW_NEVER), STEP(3, 0, WINDOW_NEVER) };
    static const struct step d[] = { STEP(3, 20, 30), STEP(1, 0, 20), STEP(2, 21, 25) };
    static const struct step e[] = { STEP(2, 5, WINDOW_NEVER), STEP(0, 7, WINDOW_NEVER) };

    (void)state;
    assert_fireable(a, 3, "01");
    assert_fireable(b, 2, "1");
    assert_fireable(c, 4, "0123");
    assert_fireable(d, 3, "31");     /* lo == min hi still fires; order kept */
    assert_fireable(e, 2, "20");
    assert_fireable(a, 0, "");
}

static void test_fire(void **state)
{
    static const struct step st[] = { STEP(3, 30, 40), STEP(4, 0, 5), STEP(5, 5, 9) };
    struct fixed_steps f = { st, 3 };
    struct engine_model m = fixed_model(&f);
    struct rec_world w = { 0 };
    uint64_t now = 100;

    (void)state;
    engine_fire(&m, &w, &st[0], NULL, 7, &now);
    assert_int_equal(now, 130);
    assert_int_equal(w.advances, 1);
    assert_int_equal(w.advanced_ms, 30);
    assert_int_equal(w.advanced_at_apply, 30);     /* advance ran before apply */
    assert_int_equal(w.applies, 1);
    assert_int_equal(w.step_no, 7);
    assert_int_equal(w.t_ms, 130);
    assert_int_equal(w.actor, 3);
    engine_fire(&m, &w, &st[1], NULL, 8, &now);    /* lo 0: no advance */
    assert_int_equal(now, 130);
    assert_int_equal(w.advances, 1);
    assert_int_equal(w.applies, 2);
    assert_int_equal(w.step_no, 8);
    assert_int_equal(w.t_ms, 130);
    engine_fire(&m, &w, &st[2], NULL, 9, NULL);    /* no clock: t_ms = lo */
    assert_int_equal(w.advanced_ms, 35);
    assert_int_equal(w.t_ms, 5);
    assert_int_equal(w.actor, 5);
}

static void test_window_shift(void **state)
{
    (void)state;
    assert_int_equal(window_shift(50, 20), 30);
    assert_int_equal(window_shift(20, 50), 0);
    assert_int_equal(window_shift(20, 20), 0);
    assert_int_equal(window_shift(WINDOW_NEVER, 1000), WINDOW_NEVER);
}

/* ---- PRNG ---------------------------------------------------------------- */

static void test_prng_sequence(void **state)
{
    static const uint64_t expect[] = { 0x910a2dec89025cc1ULL, 0xbeeb8da1658eec67ULL,
                                       0xf893a2eefb32555eULL };
    struct engine_prng p;

    (void)state;
    for (int round = 0; round < 2; round++) {     /* reseeding restarts the sequence */
        engine_prng_seed(&p, 1);
        for (unsigned i = 0; i < G_N_ELEMENTS(expect); i++)
            assert_int_equal(engine_prng_next(&p), expect[i]);
    }
    engine_prng_seed(&p, 2);
    assert_int_not_equal(engine_prng_next(&p), expect[0]);
}

static void test_prng_below(void **state)
{
    static const uint32_t first10[] = { 5, 3, 9, 9, 8, 5, 8, 0 };   /* seed 1, n = 10 */
    struct engine_prng p;
    unsigned hits[7] = { 0 };

    (void)state;
    engine_prng_seed(&p, 1);
    for (unsigned i = 0; i < G_N_ELEMENTS(first10); i++)
        assert_int_equal(engine_prng_below(&p, 10), first10[i]);
    engine_prng_seed(&p, 12345);
    for (int i = 0; i < 10000; i++) {
        uint32_t v = engine_prng_below(&p, 7);
        assert_true(v < 7);
        hits[v]++;
    }
    for (int v = 0; v < 7; v++)   /* 10000/7 = 1428 each, sd ~35 */
        assert_in_range(hits[v], 1200, 1650);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(engine_prng_below(&p, 1), 0);
    for (int i = 0; i < 10000; i++)
        assert_true(engine_prng_below(&p, 0x80000001u) < 0x80000001u);
}

/* ---- toy 2: two counters, each stepping 0 -> LIMIT ---------------------- */

#define LIMIT 2

static unsigned counter_enabled(const void *ctx, const void *world, struct step *out,
                                unsigned max)
{
    const uint8_t *c = world;
    unsigned n = 0;

    (void)ctx;
    for (uint8_t i = 0; i < 2 && n < max; i++)
        if (c[i] < LIMIT)
            out[n++] = (struct step){ .actor = i, .lo = 0, .hi = WINDOW_NEVER };
    return n;
}

static void no_advance(const void *ctx, void *world, uint32_t ms)
{
    (void)ctx;
    (void)world;
    (void)ms;
}

static void counter_apply(const void *ctx, void *world, const struct step *st,
                          struct trace *tr, uint32_t step_no, uint64_t t_ms)
{
    uint8_t *c = world;

    (void)ctx;
    (void)tr;
    (void)step_no;
    (void)t_ms;
    c[st->actor]++;
}

static const struct engine_model counter_model = {
    .world_size = 2, .enabled = counter_enabled, .advance = no_advance, .apply = counter_apply,
};

static uint32_t no_step_violation(const void *ctx, const void *world, const struct step *st,
                                  struct violation *v)
{
    (void)ctx;
    (void)world;
    (void)st;
    (void)v;
    return 0;
}

static uint32_t no_quiescent_violation(const void *ctx, const void *world, struct violation *v)
{
    (void)ctx;
    (void)world;
    (void)v;
    return 0;
}

/* Family 3 when both counters are 1, described in v[3]. */
static uint32_t both_one(const void *ctx, const void *world, const struct step *st,
                         struct violation *v)
{
    const uint8_t *c = world;

    (void)ctx;
    (void)st;
    if (c[0] != 1 || c[1] != 1)
        return 0;
    v[3].family = 3;
    v[3].line = 7;
    g_strlcpy(v[3].message, "both counters are 1", sizeof(v[3].message));
    return 1u << 3;
}

static const struct checker null_checker = { NULL, no_step_violation, no_quiescent_violation,
                                             NULL };
static const struct checker both_one_checker = { NULL, both_one, no_quiescent_violation, NULL };
static const uint8_t zero2[2] = { 0, 0 };

static void test_exhaustive_counters(void **state)
{
    struct explore_opts o = { 0 };
    struct explore_stats st;

    (void)state;
    explore_exhaustive(&counter_model, &null_checker, zero2, &o, &st);
    assert_int_equal(st.states, 9);
    assert_int_equal(st.transitions, 12);
    assert_int_equal(st.quiescent_states, 1);
    assert_int_equal(st.max_depth, 4);   /* (2,2), the quiescent leaf, is 4 steps deep */
    assert_int_equal(st.families, 0);
    assert_false(st.truncated);
    assert_int_equal(st.visited_bytes, (1u << 16) * sizeof(uint64_t));
    for (unsigned f = 0; f < EXPLORE_MAX_FAMILIES; f++)
        assert_false(st.cex[f].found);
    explore_stats_free(&st);
}

static void test_exhaustive_depth_bound(void **state)
{
    struct explore_opts o = { .max_depth = 2 };
    struct explore_stats st;

    (void)state;
    explore_exhaustive(&counter_model, &null_checker, zero2, &o, &st);
    assert_true(st.truncated);
    assert_int_equal(st.states, 6);      /* every world with c0 + c1 <= 2 */
    assert_int_equal(st.quiescent_states, 0);
    assert_int_equal(st.max_depth, 2);
    explore_stats_free(&st);
}

static void test_exhaustive_state_bound(void **state)
{
    struct explore_opts o = { .max_states = 3 };
    struct explore_stats st;

    (void)state;
    explore_exhaustive(&counter_model, &null_checker, zero2, &o, &st);
    assert_true(st.truncated);
    assert_int_equal(st.states, 3);      /* the bound is exact: nothing admitted after it */
    explore_stats_free(&st);
}

static void test_exhaustive_counterexample(void **state)
{
    struct explore_opts o = { 0 };
    struct explore_stats st;
    struct run_result r;
    char *text;

    (void)state;
    explore_exhaustive(&counter_model, &both_one_checker, zero2, &o, &st);
    assert_int_equal(st.families, 1u << 3);
    assert_int_equal(st.states, 8);      /* (1,1) itself is never admitted */
    assert_int_equal(st.transitions, 10);
    assert_true(st.cex[3].found);
    assert_int_equal(st.cex[3].v.family, 3);
    assert_int_equal(st.cex[3].v.line, 7);
    assert_string_equal(st.cex[3].v.message, "both counters are 1");
    text = schedule_format(&st.cex[3].sched);
    assert_string_equal(text, "0,1");
    g_free(text);
    explore_run(&counter_model, &both_one_checker, zero2, 0, &st.cex[3].sched, 100, NULL, &r);
    assert_int_equal(r.families, 1u << 3);
    assert_int_equal(r.v_step, 2);
    assert_int_equal(r.steps, 2);
    assert_string_equal(r.v.message, "both counters are 1");
    assert_false(r.quiescent);
    assert_false(r.schedule_invalid);
    run_result_free(&r);
    explore_stats_free(&st);
}

/* What a scenario's `ignore` leaves out: family 3 while both counters are at least 1,
 * family 5 while counter 0 is 2, family 6 at quiescence. */
static uint32_t counters_ignored(const void *ctx, const void *world, const struct step *st,
                                 struct violation *v)
{
    const uint8_t *c = world;
    uint32_t held = 0;

    (void)ctx;
    if (!st) {
        v[6] = (struct violation){ .family = 6 };
        g_strlcpy(v[6].message, "at rest", sizeof(v[6].message));
        return 1u << 6;
    }
    if (c[0] >= 1 && c[1] >= 1) {
        v[3] = (struct violation){ .family = 3 };
        g_snprintf(v[3].message, sizeof(v[3].message), "both at least 1 (%u,%u)", c[0], c[1]);
        held |= 1u << 3;
    }
    if (c[0] == 2) {
        v[5] = (struct violation){ .family = 5 };
        g_strlcpy(v[5].message, "counter 0 full", sizeof(v[5].message));
        held |= 1u << 5;
    }
    return held;
}

/* A run keeps where each ignored family first held, in order, once; the verdict is
 * the checker's alone. */
static void test_run_ignored_first_steps(void **state)
{
    const struct checker c = { NULL, no_step_violation, no_quiescent_violation,
                               counters_ignored };
    struct schedule sched = { 0 };
    struct run_result r;

    (void)state;
    assert_true(schedule_parse("0,1,0,0", &sched));   /* (1,0) (1,1) (2,1) (2,2) */
    explore_run(&counter_model, &c, zero2, 0, &sched, 100, NULL, &r);
    assert_true(r.quiescent);
    assert_int_equal(r.families, 0);
    assert_int_equal(r.ignored, (1u << 3) | (1u << 5) | (1u << 6));
    assert_int_equal(r.nignored, 3);
    assert_int_equal(r.ignored_at[0].step, 2);
    assert_int_equal(r.ignored_at[0].v.family, 3);
    assert_string_equal(r.ignored_at[0].v.message, "both at least 1 (1,1)");
    assert_int_equal(r.ignored_at[1].step, 3);
    assert_int_equal(r.ignored_at[1].v.family, 5);
    assert_string_equal(r.ignored_at[1].v.message, "counter 0 full");
    assert_int_equal(r.ignored_at[2].step, 4);
    assert_int_equal(r.ignored_at[2].v.family, 6);
    run_result_free(&r);
    /* without the hook nothing is kept */
    explore_run(&counter_model, &null_checker, zero2, 0, &sched, 100, NULL, &r);
    assert_int_equal(r.ignored, 0);
    assert_int_equal(r.nignored, 0);
    run_result_free(&r);
    schedule_free(&sched);
}

/* ---- toy 3: every step returns to the same world ------------------------ */

static unsigned loop_enabled(const void *ctx, const void *world, struct step *out, unsigned max)
{
    (void)ctx;
    (void)world;
    (void)max;
    out[0] = (struct step){ .actor = 0, .lo = 0, .hi = WINDOW_NEVER };
    out[1] = (struct step){ .actor = 1, .lo = 0, .hi = WINDOW_NEVER };
    return 2;
}

static void loop_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
                       uint32_t step_no, uint64_t t_ms)
{
    (void)ctx;
    (void)world;
    (void)st;
    (void)tr;
    (void)step_no;
    (void)t_ms;
}

static void test_exhaustive_dedup(void **state)
{
    const struct engine_model loop = { .world_size = 4, .enabled = loop_enabled,
                                       .advance = no_advance, .apply = loop_apply };
    static const uint8_t w[4] = { 1, 2, 3, 4 };
    struct explore_opts o = { 0 };
    struct explore_stats st;

    (void)state;
    explore_exhaustive(&loop, &null_checker, w, &o, &st);
    assert_int_equal(st.states, 1);
    assert_int_equal(st.transitions, 2);
    assert_int_equal(st.quiescent_states, 0);
    assert_int_equal(st.max_depth, 0);
    assert_false(st.truncated);
    explore_stats_free(&st);
}

/* ---- runs and schedules ------------------------------------------------- */

static char *run_schedule(uint64_t seed)
{
    struct run_result r;
    char *text;

    explore_run(&counter_model, &null_checker, zero2, seed, NULL, 100, NULL, &r);
    assert_int_equal(r.steps, 4);
    assert_true(r.quiescent);
    assert_int_equal(r.families, 0);
    assert_int_equal(r.sched.len, 4);
    text = schedule_format(&r.sched);
    run_result_free(&r);
    return text;
}

static void test_run_seeded(void **state)
{
    char *a = run_schedule(42), *b = run_schedule(42);
    bool differs = false;

    (void)state;
    assert_string_equal(a, b);
    for (uint64_t seed = 1; seed <= 20 && !differs; seed++) {
        char *c = run_schedule(seed);
        differs = strcmp(a, c) != 0;
        g_free(c);
    }
    assert_true(differs);   /* the seed does pick the steps */
    g_free(a);
    g_free(b);
}

static void test_run_bad_schedule(void **state)
{
    struct schedule s;
    struct run_result r;

    (void)state;
    assert_true(schedule_parse("0,2", &s));   /* only 2 steps are ever fireable */
    explore_run(&counter_model, &null_checker, zero2, 0, &s, 100, NULL, &r);
    assert_true(r.schedule_invalid);
    assert_int_equal(r.steps, 1);
    run_result_free(&r);
    schedule_free(&s);
}

static void assert_round_trip(const char *text, unsigned len, const char *formatted)
{
    struct schedule s;
    char *out;

    assert_true(schedule_parse(text, &s));
    assert_int_equal(s.len, len);
    out = schedule_format(&s);
    assert_string_equal(out, formatted);
    g_free(out);
    schedule_free(&s);
}

static void test_schedule_text(void **state)
{
    static const char *const bad[] = { "1,,2", "a", "1,", "70000", ",1", "-1", "+1", "1 ", " 1", "1, 2", "1,\t2", "1*0", "1*+2",
                                       "1*0", "1*", "2*-3", "65536" };
    struct schedule s;

    (void)state;
    assert_true(schedule_parse("0,2,1", &s));
    assert_int_equal(s.len, 3);
    assert_int_equal(s.choice[0], 0);
    assert_int_equal(s.choice[1], 2);
    assert_int_equal(s.choice[2], 1);
    schedule_free(&s);
    assert_round_trip("0,2,1", 3, "0,2,1");
    assert_round_trip("0,0,0,1,1", 5, "0*3,1,1");
    assert_round_trip("3*2,65535", 3, "3,3,65535");
    assert_round_trip("", 0, "");    /* the empty schedule (`run --schedule ''`) */
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        if (schedule_parse(bad[i], &s))
            fail_msg("schedule_parse accepted \"%s\"", bad[i]);
        assert_null(s.choice);
        assert_int_equal(s.len, 0);
    }
}

/* ---- visited set -------------------------------------------------------- */

static void test_visited_basic(void **state)
{
    struct visited v;

    (void)state;
    visited_init(&v, 0);
    assert_int_equal(v.cap, 1u << 16);           /* the default table */
    assert_int_equal(visited_bytes(&v), (1u << 16) * sizeof(uint64_t));
    assert_false(visited_contains(&v, 42));
    assert_true(visited_insert(&v, 42));
    assert_false(visited_insert(&v, 42));
    assert_true(visited_contains(&v, 42));
    assert_false(visited_contains(&v, 43));
    assert_true(visited_insert(&v, 43));          /* the same home slot: probed on */
    assert_true(visited_contains(&v, 43));
    assert_int_equal(v.count, 2);
    visited_free(&v);
    assert_null(v.slots);
}

/* 0 marks an empty slot, so fingerprint 0 is stored as 1: they are one. */
static void test_visited_zero(void **state)
{
    struct visited v;

    (void)state;
    visited_init(&v, 100);
    assert_false(visited_contains(&v, 0));
    assert_true(visited_insert(&v, 0));
    assert_true(visited_contains(&v, 0));
    assert_false(visited_insert(&v, 0));
    assert_true(visited_contains(&v, 1));
    assert_false(visited_insert(&v, 1));
    assert_int_equal(v.count, 1);
    visited_free(&v);
}

static uint64_t fp_of(uint64_t i)
{
    return i & 1 ? i << 32 : i * 0x9e3779b97f4a7c15ULL;   /* clustered and spread */
}

/* Growth by 1.5x at 80% load keeps every entry and 10-16 bytes per state. */
static void test_visited_growth(void **state)
{
    const uint64_t n = 200000;
    struct visited v;

    (void)state;
    visited_init(&v, 0);
    for (uint64_t i = 1; i <= n; i++) {
        assert_true(visited_insert(&v, fp_of(i)));
        if (i > 60000)   /* once past the default table, load stays in [0.53, 0.8] */
            assert_true((double)visited_bytes(&v) / (double)i <= 16.0 &&
                        (double)visited_bytes(&v) / (double)i >= 9.9);
    }
    assert_int_equal(v.count, n);
    for (uint64_t i = 1; i <= n; i++) {
        assert_true(visited_contains(&v, fp_of(i)));
        assert_false(visited_insert(&v, fp_of(i)));
    }
    assert_false(visited_contains(&v, fp_of(n + 1)));
    assert_int_equal(v.count, n);
    visited_free(&v);
}

/* A budget: FULL instead of growing past it; then bitstate keeps going, none of what the
 * fingerprints held counted as missed. */
static void test_visited_budget_and_bitstate(void **state)
{
    struct visited v;
    uint64_t i;

    (void)state;
    visited_init_mode(&v, VISITED_FINGERPRINT, 1u << 20, 0);   /* 1 MiB */
    for (i = 1; visited_add(&v, fp_of(i), NULL) == VISITED_NEW; i++)
        ;
    assert_true(visited_bytes(&v) <= (1u << 20));
    assert_true(i > 60000);
    assert_int_equal(visited_add(&v, fp_of(i), NULL), VISITED_FULL);
    assert_int_equal(visited_add(&v, fp_of(1), NULL), VISITED_SEEN);
    assert_true(visited_bitstate_missed(&v) == 0.0);
    visited_to_bitstate(&v);
    assert_int_equal(v.mode, VISITED_BITSTATE);
    assert_int_equal(visited_bytes(&v), 1u << 20);
    assert_int_equal(v.exact, v.count);   /* what the table held is exact: none of it missed */
    assert_true(visited_bitstate_missed(&v) == 0.0);
    assert_int_equal(visited_add(&v, fp_of(1), NULL), VISITED_SEEN);   /* kept what it saw */
    assert_int_equal(visited_add(&v, fp_of(i), NULL), VISITED_NEW);
    assert_true(visited_collision_probability(&v) > 0.0);
    visited_free(&v);
}

/*
 * Bitstate's estimate of the new states it took for seen ones, against the
 * count: 50,000 distinct fingerprints into 64 KiB (8,192 words, 6.1 states a
 * word at the end). Each SEEN is a new state taken for a seen one. (A table that
 * held fingerprints first: test_visited_budget_and_bitstate.)
 */
static void test_visited_bitstate_missed(void **state)
{
    struct visited v;
    unsigned seen = 0;
    double est;

    (void)state;
    visited_init_mode(&v, VISITED_BITSTATE, 64u << 10, 0);
    assert_true(visited_bitstate_missed(&v) == 0.0);
    for (uint64_t i = 1; i <= 50000; i++) {   /* splitmix64's finalizer: well spread, distinct */
        uint64_t z = i * 0x9e3779b97f4a7c15ULL;
        z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
        seen += visited_add(&v, z ^ z >> 31, NULL) == VISITED_SEEN;
    }
    est = visited_bitstate_missed(&v);
    assert_int_equal(v.count + seen, 50000);
    assert_true(seen > 300);
    assert_true(fabs(est - seen) < 0.1 * seen);   /* 577.6 against 608 */
    visited_free(&v);
}

/* Lossless: equal fingerprints of different worlds are two states. */
static void test_visited_lossless(void **state)
{
    struct visited v;
    uint8_t a[24] = { 1 }, b[24] = { 2 };

    (void)state;
    visited_init_mode(&v, VISITED_LOSSLESS, 0, sizeof(a));
    assert_int_equal(visited_add(&v, 7, a), VISITED_NEW);
    assert_int_equal(visited_add(&v, 7, b), VISITED_NEW);
    assert_int_equal(visited_add(&v, 7, a), VISITED_SEEN);
    for (uint64_t i = 1; i < 5000; i++) {   /* through growth of table and arena */
        uint8_t w[24] = { 3 };
        memcpy(w + 8, &i, sizeof(i));
        assert_int_equal(visited_add(&v, fp_of(i), w), VISITED_NEW);
    }
    assert_int_equal(visited_add(&v, 7, b), VISITED_SEEN);
    for (uint64_t i = 1; i < 5000; i++) {   /* each world found where its chunk put it */
        uint8_t w[24] = { 3 };
        memcpy(w + 8, &i, sizeof(i));
        assert_int_equal(visited_add(&v, fp_of(i), w), VISITED_SEEN);
        w[0] = 4;   /* the same fingerprint, another world */
        assert_int_equal(visited_add(&v, fp_of(i), w), VISITED_NEW);
    }
    assert_int_equal(v.count, 10000);
    assert_true(visited_collision_probability(&v) == 0.0);
    visited_free(&v);
}

/* Lossless under a budget smaller than its first arena: the arena shrinks to fit. */
static void test_visited_lossless_budget(void **state)
{
    struct visited v;
    uint8_t w[2048] = { 0 };
    uint64_t i;

    (void)state;
    visited_init_sized(&v, VISITED_LOSSLESS, 64 << 10, sizeof(w), 1024);   /* 64 KiB */
    assert_true(visited_bytes(&v) <= 64 << 10);
    for (i = 1; i < 1000; i++) {
        memcpy(w, &i, sizeof(i));
        if (visited_add(&v, fp_of(i), w) == VISITED_FULL)
            break;
        assert_true(visited_bytes(&v) <= 64 << 10);
    }
    assert_true(i > 1 && i < 32);   /* 2 KiB worlds: some fit, 32 cannot */
    visited_free(&v);
}

/* Fill v until FULL; the states it took. */
static uint64_t fill(struct visited *v, uint64_t from)
{
    uint64_t i = from;

    while (visited_add(v, fp_of(i), NULL) == VISITED_NEW)
        i++;
    return i - from;
}

/*
 * A pool of 1 MiB: a set alone in it stops where its own 1 MiB stops it, not
 * refused by the pool; beside another set it is refused the growth the other
 * holds, said so, and what it held goes back when it is freed.
 */
static void test_visited_pool(void **state)
{
    struct visited_pool pool = { .budget = 1u << 20 };
    struct visited a, b;

    (void)state;
    visited_init_mode(&a, VISITED_FINGERPRINT, 1u << 20, 0);
    visited_join_pool(&a, &pool);
    assert_int_equal(pool.used, 512u << 10);   /* 65,536 slots */
    assert_int_equal(fill(&a, 1), 78643);      /* 80% of 98,304: 147,456 slots are past 1 MiB */
    assert_false(a.pool_refused);
    assert_int_equal(pool.used, 768u << 10);
    visited_free(&a);
    assert_int_equal(pool.used, 0);

    visited_init_mode(&a, VISITED_FINGERPRINT, 1u << 20, 0);
    visited_init_mode(&b, VISITED_FINGERPRINT, 1u << 20, 0);
    visited_join_pool(&a, &pool);
    visited_join_pool(&b, &pool);
    assert_int_equal(fill(&a, 1), 52428);      /* 80% of 65,536: b holds the other half */
    assert_true(a.pool_refused);
    assert_int_equal(pool.used, 1u << 20);
    visited_free(&a);
    assert_int_equal(fill(&b, 1), 78643);      /* alone again: as far as its own budget */
    assert_false(b.pool_refused);
    visited_free(&b);
    assert_int_equal(pool.used, 0);
}

/* The first table is taken even past the pool's budget; then nothing grows. */
static void test_visited_pool_first_table(void **state)
{
    struct visited_pool pool = { .budget = 256u << 10 };
    struct visited a;

    (void)state;
    visited_init_mode(&a, VISITED_FINGERPRINT, 1u << 20, 0);
    visited_join_pool(&a, &pool);
    assert_int_equal(pool.used, 512u << 10);
    assert_int_equal(fill(&a, 1), 52428);
    assert_true(a.pool_refused);
    visited_free(&a);
    assert_int_equal(pool.used, 0);
}

/* Lossless: the worlds' arena draws on the pool too (1,024 worlds of 64 bytes, then 2,048). */
static void test_visited_pool_lossless(void **state)
{
    struct visited_pool pool = { .budget = 160u << 10 };
    struct visited a, b;
    uint8_t w[64] = { 0 };
    uint64_t i;

    (void)state;
    visited_init_sized(&a, VISITED_LOSSLESS, 1u << 20, sizeof(w), 16);
    visited_init_sized(&b, VISITED_LOSSLESS, 1u << 20, sizeof(w), 16);
    visited_join_pool(&a, &pool);
    visited_join_pool(&b, &pool);
    assert_int_equal(pool.used, 2 * (16 * 12 + 1024 * sizeof(w)));
    for (i = 1; i < 4096; i++) {
        memcpy(w, &i, sizeof(i));
        if (visited_add(&a, fp_of(i), w) == VISITED_FULL)
            break;
    }
    assert_int_equal(i, 1025);   /* the arena's doubling to 128 KiB is b's room */
    assert_true(a.pool_refused);
    assert_int_equal(visited_add(&a, fp_of(1), (uint8_t[64]){ 1 }), VISITED_SEEN);
    visited_free(&a);
    visited_free(&b);
    assert_int_equal(pool.used, 0);
}

/* TLC's estimate: 1 - exp(-n(n-1)/2^65), the same for a count alone (a sharded set's). */
static void test_visited_collision_estimate(void **state)
{
    struct visited v;

    (void)state;
    visited_init(&v, 0);
    for (uint64_t i = 1; i <= 1000; i++)
        visited_insert(&v, fp_of(i));
    assert_true(fabs(visited_collision_probability(&v) - 1000.0 * 999.0 / 36893488147419103232.0)
                < 1e-25);
    assert_true(visited_collision_probability(&v) == fingerprint_collision_probability(1000));
    assert_true(fingerprint_collision_probability(1) == 0.0);
    visited_free(&v);
}

/* ---- fingerprints: XXH3-64 on every CPU, whatever vector unit runs it ---- */

static void fill_bytes(uint8_t *buf, size_t len)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
}

static void test_fingerprint_is_xxh3(void **state)
{
    static uint8_t buf[2100];
    (void)state;
    assert_int_equal(fingerprint("", 0), 0x2D06800538D394C2ull);   /* XXH3-64 of nothing */
    fill_bytes(buf, sizeof(buf));
    for (size_t len = 0; len <= sizeof(buf); len += len < 300 ? 1 : 97)
        assert_int_equal(fingerprint(buf, len), XXH3_64bits(buf, len));
}

static void test_fingerprint_avx2_agrees(void **state)
{
    static uint8_t buf[2100];
    (void)state;
#if defined(__x86_64__) && defined(__GNUC__)
    if (!__builtin_cpu_supports("avx2"))
        skip();
#else
    skip();
#endif
    fill_bytes(buf, sizeof(buf));
    for (size_t len = 0; len <= sizeof(buf); len++)
        assert_int_equal(fingerprint_avx2(buf, len), XXH3_64bits(buf, len));
}

/* fingerprint_blocks as fingerprint.h defines it, lane by lane. */
static uint64_t blocks_reference(const uint8_t *data, uint64_t blocks)
{
    uint64_t acc[4] = { 0 };

    for (unsigned b = 0; b < FINGERPRINT_MAX_BLOCKS; b++)
        for (unsigned i = 0; (blocks >> b & 1) && i < 4; i++) {
            uint64_t d, pair, k, x;
            memcpy(&d, data + b * FINGERPRINT_BLOCK + 8 * i, 8);
            memcpy(&pair, data + b * FINGERPRINT_BLOCK + 8 * (i ^ 1), 8);
            memcpy(&k, fingerprint_block_keys + b * FINGERPRINT_BLOCK + 8 * i, 8);
            x = d ^ k;
            acc[i] += pair + (x & 0xFFFFFFFFu) * (x >> 32);
        }
    return fingerprint_blocks_fold(acc, blocks);
}

/* Every build gives the reference value, for plans of every length. */
static void test_fingerprint_blocks_builds_agree(void **state)
{
    static uint8_t buf[FINGERPRINT_BLOCK * FINGERPRINT_MAX_BLOCKS];
    struct fingerprint_plan p;
    uint64_t blocks = 0x9e3779b97f4a7c15ull;
    bool avx2 = false;

    (void)state;
#if defined(__x86_64__) && defined(__GNUC__)
    avx2 = __builtin_cpu_supports("avx2");
#endif
    fill_bytes(buf, sizeof(buf));
    for (unsigned t = 0; t < 200; t++) {
        blocks ^= blocks << 13, blocks ^= blocks >> 7, blocks ^= blocks << 17;
        fingerprint_plan_init(&p, t < 64 ? bits_below(t + 1) & ~bits_below(t / 2) : blocks);
        assert_int_equal(p.n, __builtin_popcountll(p.blocks));
        assert_int_equal(fingerprint_blocks_scalar(buf, &p), blocks_reference(buf, p.blocks));
        assert_int_equal(fingerprint_blocks(buf, &p), blocks_reference(buf, p.blocks));
        if (avx2)
            assert_int_equal(fingerprint_blocks_avx2(buf, &p), blocks_reference(buf, p.blocks));
    }
}

/* Bytes outside the plan do not count; a byte inside, or a block moved, does. */
static void test_fingerprint_blocks_what_counts(void **state)
{
    static uint8_t buf[FINGERPRINT_BLOCK * 8];
    struct fingerprint_plan p;
    uint64_t h;

    (void)state;
    fill_bytes(buf, sizeof(buf));
    fingerprint_plan_init(&p, 0x2d);   /* blocks 0, 2, 3, 5 */
    assert_int_equal(p.n, 4);
    assert_int_equal(p.off[0], 0);
    assert_int_equal(p.off[3], 5 * FINGERPRINT_BLOCK);
    h = fingerprint_blocks(buf, &p);
    buf[FINGERPRINT_BLOCK + 7] ^= 1;           /* block 1: left out */
    buf[4 * FINGERPRINT_BLOCK + 31] ^= 0x80;   /* block 4: left out */
    assert_int_equal(fingerprint_blocks(buf, &p), h);
    buf[5 * FINGERPRINT_BLOCK + 31] ^= 0x80;   /* block 5: in */
    assert_int_not_equal(fingerprint_blocks(buf, &p), h);
    memset(buf + 3 * FINGERPRINT_BLOCK, 0, FINGERPRINT_BLOCK);   /* block 2 full, 3 zero */
    h = fingerprint_blocks(buf, &p);
    memcpy(buf + 3 * FINGERPRINT_BLOCK, buf + 2 * FINGERPRINT_BLOCK, FINGERPRINT_BLOCK);
    memset(buf + 2 * FINGERPRINT_BLOCK, 0, FINGERPRINT_BLOCK);   /* moved into block 3 */
    assert_int_not_equal(fingerprint_blocks(buf, &p), h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fireable_window),
        cmocka_unit_test(test_fire),
        cmocka_unit_test(test_window_shift),
        cmocka_unit_test(test_prng_sequence),
        cmocka_unit_test(test_prng_below),
        cmocka_unit_test(test_exhaustive_counters),
        cmocka_unit_test(test_exhaustive_depth_bound),
        cmocka_unit_test(test_exhaustive_state_bound),
        cmocka_unit_test(test_exhaustive_counterexample),
        cmocka_unit_test(test_run_ignored_first_steps),
        cmocka_unit_test(test_exhaustive_dedup),
        cmocka_unit_test(test_run_seeded),
        cmocka_unit_test(test_run_bad_schedule),
        cmocka_unit_test(test_schedule_text),
        cmocka_unit_test(test_visited_basic),
        cmocka_unit_test(test_visited_zero),
        cmocka_unit_test(test_visited_growth),
        cmocka_unit_test(test_visited_budget_and_bitstate),
        cmocka_unit_test(test_visited_bitstate_missed),
        cmocka_unit_test(test_visited_lossless),
        cmocka_unit_test(test_visited_lossless_budget),
        cmocka_unit_test(test_visited_pool),
        cmocka_unit_test(test_visited_pool_first_table),
        cmocka_unit_test(test_visited_pool_lossless),
        cmocka_unit_test(test_visited_collision_estimate),
        cmocka_unit_test(test_fingerprint_is_xxh3),
        cmocka_unit_test(test_fingerprint_avx2_agrees),
        cmocka_unit_test(test_fingerprint_blocks_builds_agree),
        cmocka_unit_test(test_fingerprint_blocks_what_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
