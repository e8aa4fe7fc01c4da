/*
 * Unit tests for the partial-order reduction (sim/explore_por*.c and its use
 * in explore.c's depth-first search), over a toy model defined here: actors
 * that each count to LEN on their own object, optionally all writing one
 * shared object at one count, optionally with a timeout among them, or with
 * the last one waiting for the others to finish (a quiescence gate).
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include "engine.h"
#include "explore.h"

#define TOY_ACTORS 3
#define TOY_LEN    3
#define OBJ_SHARED 10

struct toy { uint8_t cnt[TOY_ACTORS]; uint8_t shared; };

struct toy_cfg {
    uint8_t shared_at;        /* count at which a step writes the shared object, 0xff never */
    uint32_t timeout_lo;      /* actor TOY_ACTORS-1 has [lo, lo] windows when > 0 */
    uint32_t hi;              /* hi of the other actors' windows */
    bool waiter;              /* actor TOY_ACTORS-1 starts once the others are done, */
    bool hook;                /* ... and the model says what holds that off */
};

#define WAITER (TOY_ACTORS - 1)

/* The waiter's gate is shut: another actor has not counted to LEN yet. */
static bool waiter_waits(const struct toy_cfg *c, const struct toy *w)
{
    for (unsigned a = 0; c->waiter && a < WAITER; a++)
        if (w->cnt[a] < TOY_LEN)
            return true;
    return false;
}

/* The waiter's first step writes the shared object, as the others' at shared_at. */
static bool writes_shared(const struct toy_cfg *c, const struct toy *w, unsigned a)
{
    return w->cnt[a] == c->shared_at || (c->waiter && a == WAITER && w->cnt[a] == 0);
}

static unsigned toy_enabled(const void *ctx, const void *world, struct step *out, unsigned max)
{
    const struct toy_cfg *c = ctx;
    const struct toy *w = world;
    unsigned n = 0;

    for (unsigned a = 0; a < TOY_ACTORS && n < max; a++) {
        bool timed = c->timeout_lo && a == TOY_ACTORS - 1;
        if (w->cnt[a] < TOY_LEN && !(a == WAITER && waiter_waits(c, w)))
            out[n++] = (struct step){ .actor = (uint8_t)a, .kind = 1, .arg = w->cnt[a],
                                      .lo = timed ? c->timeout_lo : 0,
                                      .hi = timed ? c->timeout_lo : c->hi };
    }
    return n;
}

static void toy_advance(const void *ctx, void *world, uint32_t ms)
{
    (void)ctx;
    (void)world;
    (void)ms;
}

static void toy_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
                      uint32_t step_no, uint64_t t_ms)
{
    const struct toy_cfg *c = ctx;
    struct toy *w = world;

    (void)tr;
    (void)step_no;
    (void)t_ms;
    if (writes_shared(c, w, st->actor))
        w->shared = (uint8_t)(w->shared * 3 + st->actor + 1);   /* order matters */
    w->cnt[st->actor]++;
}

static void toy_footprint(const void *ctx, const void *world, const struct step *st,
                          struct footprint *out)
{
    const struct toy_cfg *c = ctx;
    const struct toy *w = world;

    memset(out, 0, sizeof(*out));
    fp_add(&out->rd, st->actor);
    fp_add(&out->wr, st->actor);
    if (writes_shared(c, w, st->actor)) {
        fp_add(&out->rd, OBJ_SHARED);
        fp_add(&out->wr, OBJ_SHARED);
    }
}

static const struct actor_future *toy_future(const void *ctx, const void *world, unsigned actor,
                                            struct actor_future *out)
{
    const struct toy_cfg *c = ctx;
    const struct toy *w = world;

    memset(out, 0, sizeof(*out));
    out->min_lo = WINDOW_NEVER;
    if (actor >= TOY_ACTORS || w->cnt[actor] == TOY_LEN)
        return out;
    fp_add(&out->all.rd, actor);
    fp_add(&out->all.wr, actor);
    fp_add(&out->inputs, actor);
    if (c->shared_at != 0xff && w->cnt[actor] <= c->shared_at) {
        fp_add(&out->all.rd, OBJ_SHARED);
        fp_add(&out->all.wr, OBJ_SHARED);
    }
    if (c->timeout_lo && actor == TOY_ACTORS - 1)
        out->min_lo = c->timeout_lo;
    if (actor == WAITER && c->waiter) {   /* it reads every counter, then writes the shared one */
        for (unsigned a = 0; a < TOY_ACTORS; a++) {
            fp_add(&out->inputs, a);
            fp_add(&out->all.rd, a);
        }
        fp_add(&out->all.rd, OBJ_SHARED);
        fp_add(&out->all.wr, OBJ_SHARED);
    }
    out->far = out->all;   /* no gate: far covers all (engine.h) */
    if (actor == WAITER && waiter_waits(c, w)) {   /* sitting at its gate: nothing before it */
        memset(&out->all, 0, sizeof(out->all));
        for (unsigned a = 0; a < WAITER; a++)
            fp_add(&out->gate, a);
        out->quiescence_gate = out->at_quiescence_gate = c->hook;
    }
    return out;
}

/* Every step of an actor but the waiter keeps the waiter waiting. */
static bool toy_holds_off(const void *ctx, const struct step *st)
{
    (void)ctx;
    return st->actor != WAITER;
}

static struct engine_model toy_model(const struct toy_cfg *c)
{
    return (struct engine_model){ .world_size = sizeof(struct toy), .ctx = c,
        .enabled = toy_enabled, .advance = toy_advance, .apply = toy_apply,
        .actors = TOY_ACTORS, .footprint = toy_footprint, .future = toy_future,
        .holds_off_quiescence = c->hook ? toy_holds_off : NULL };
}

static uint32_t no_step(const void *ctx, const void *world, const struct step *st,
                        struct violation *v)
{
    (void)ctx, (void)world, (void)st, (void)v;
    return 0;
}

static uint32_t no_quiescent(const void *ctx, const void *world, struct violation *v)
{
    (void)ctx, (void)world, (void)v;
    return 0;
}

static const struct checker quiet = { NULL, no_step, no_quiescent, NULL };

/* One exhaustive search of the toy: its figures and its quiescent worlds, sorted. */
struct searched {
    uint64_t states, transitions;
    GArray *ends;
};

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static struct searched search(const struct engine_model *m, enum por_mode mode)
{
    struct toy start = { 0 };
    struct searched r = { .ends = g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
    struct explore_opts o = { .por = mode, .end_states = r.ends };
    struct explore_stats st;

    explore_exhaustive(m, &quiet, &start, &o, &st);
    r.states = st.states;
    r.transitions = st.transitions;
    explore_stats_free(&st);
    g_array_sort(r.ends, cmp_u64);
    return r;
}

/* Both searches ended in the same set of quiescent worlds. */
static void assert_same_ends(const struct searched *a, const struct searched *b)
{
    assert_int_equal(a->ends->len, b->ends->len);
    assert_memory_equal(a->ends->data, b->ends->data, a->ends->len * sizeof(uint64_t));
}

static void test_independent_actors_one_step(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct toy w = { 0 };
    struct step st[ENGINE_MAX_STEPS];
    unsigned nall, n = engine_fireable_all(&m, &w, st, ENGINE_MAX_STEPS, &nall);

    (void)state;
    assert_int_equal(n, 3);
    assert_int_equal(nall, 3);
    /* any one actor alone: the search tries the last first */
    assert_int_equal(por_persistent(&m, NULL, &w, st, n, nall), 0x4);
    assert_true(por_independent(&m, &w, &st[0], &st[1]));
}

static void test_shared_object_keeps_all(void **state)
{
    struct toy_cfg c = { .shared_at = 1, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct toy w = { .cnt = { 1, 1, 0 } };
    struct step st[ENGINE_MAX_STEPS];
    unsigned nall, n = engine_fireable_all(&m, &w, st, ENGINE_MAX_STEPS, &nall);

    (void)state;
    /* actors 0 and 1 write the shared object now; actor 2's next step touches only
     * its own counter, so it alone is a persistent set */
    assert_int_equal(por_persistent(&m, NULL, &w, st, n, nall), 0x4);
    assert_false(por_independent(&m, &w, &st[0], &st[1]));
    assert_true(por_independent(&m, &w, &st[0], &st[2]));
    /* all three write it now: nothing smaller than all */
    w.cnt[2] = 1;
    n = engine_fireable_all(&m, &w, st, ENGINE_MAX_STEPS, &nall);
    assert_int_equal(por_persistent(&m, NULL, &w, st, n, nall), 0x7);
}

static void test_timed_outsider_keeps_all(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .timeout_lo = 5, .hi = 10 };
    struct toy_cfg late = { .shared_at = 0xff, .timeout_lo = 50, .hi = 10 };
    struct engine_model m = toy_model(&c), ml = toy_model(&late);
    struct toy w = { 0 };
    struct step st[ENGINE_MAX_STEPS];
    unsigned nall, n = engine_fireable_all(&m, &w, st, ENGINE_MAX_STEPS, &nall);

    (void)state;
    /* the timeout (lo 5) may fire before a step that may wait until 10 */
    assert_int_equal(n, 3);
    assert_int_equal(por_persistent(&m, NULL, &w, st, n, nall), 0x7);
    /* a timeout at 50 cannot come before a step due by 10: it follows the fireable ones */
    n = engine_fireable_all(&ml, &w, st, ENGINE_MAX_STEPS, &nall);
    assert_int_equal(n, 2);
    assert_int_equal(nall, 3);
    assert_int_equal(st[2].lo, 50);
    assert_int_equal(por_persistent(&ml, NULL, &w, st, n, nall), 0x2);
}

static void test_dpor_fewer_states_same_end(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct searched none = search(&m, POR_NONE), dpor = search(&m, POR_DPOR);

    (void)state;
    assert_int_equal(none.states, 64);        /* 4 x 4 x 4 */
    assert_int_equal(dpor.states, 10);        /* one order: 3 x 3 + 1 */
    assert_int_equal(none.transitions, 144);
    assert_int_equal(dpor.transitions, 9);
    assert_int_equal(none.ends->len, 1);
    assert_same_ends(&none, &dpor);
    g_array_free(none.ends, TRUE);
    g_array_free(dpor.ends, TRUE);
}

static void test_dpor_keeps_shared_orders(void **state)
{
    struct toy_cfg c = { .shared_at = 1, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct searched none = search(&m, POR_NONE), dpor = search(&m, POR_DPOR);

    (void)state;
    assert_true(dpor.states < none.states);
    assert_int_equal(none.ends->len, 6);     /* 3! orders of the shared writes */
    assert_same_ends(&none, &dpor);
    g_array_free(none.ends, TRUE);
    g_array_free(dpor.ends, TRUE);
}

static void test_sleep_same_states_fewer_transitions(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct searched none = search(&m, POR_NONE), sleep = search(&m, POR_SLEEP);

    (void)state;
    assert_int_equal(sleep.states, 64);
    assert_int_equal(none.states, 64);
    assert_true(sleep.transitions < none.transitions);
    assert_int_equal(sleep.ends->len, 1);
    assert_same_ends(&none, &sleep);
    g_array_free(none.ends, TRUE);
    g_array_free(sleep.ends, TRUE);
}

/* The breadth-first frontier of the toy from its start, of at least min_items worlds. */
static GPtrArray *toy_frontier(const struct engine_model *m, const struct explore_opts *o,
                               unsigned min_items, struct explore_stats *st, struct visited *vis)
{
    struct toy start = { 0 };
    struct dfs d = { .m = m, .c = &quiet, .o = o, .st = st, .set = vis, .add = dfs_local_add };

    explore_stats_init(st);
    visited_init_mode(vis, VISITED_FINGERPRINT, 0, m->world_size);
    return explore_frontier(&d, &start, min_items);
}

/* The actors asleep at each of the frontier's worlds, in its order. */
static void assert_asleep(GPtrArray *items, const uint64_t *want, unsigned n)
{
    assert_int_equal(items->len, n);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(((const struct explore_item *)g_ptr_array_index(items, i))->sleep, want[i]);
}

/* frontier_sleep: each child sleeps the independent steps its parent tried before it, as
 * under --por sleep, whatever the reduction; without it only sleep mode does. */
static void test_frontier_sleep_tried_steps(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct explore_opts plain = { .por = POR_NONE }, split = { .por = POR_NONE, .frontier_sleep = true };
    const uint64_t none[] = { 0, 0, 0 }, tried[] = { 0, 0x1, 0x3 };
    struct explore_stats st;
    struct visited vis;
    GPtrArray *items;

    (void)state;
    items = toy_frontier(&m, &plain, 2, &st, &vis);
    assert_asleep(items, none, 3);
    g_ptr_array_free(items, TRUE);
    visited_free(&vis);
    explore_stats_free(&st);
    items = toy_frontier(&m, &split, 2, &st, &vis);
    assert_asleep(items, tried, 3);
    g_ptr_array_free(items, TRUE);
    visited_free(&vis);
    explore_stats_free(&st);
}

/* --split's frontier (dpor, frontier_sleep), each world searched on its own below with its
 * sleepers, as a job does: with the frontier's own, the quiescent worlds of one search. */
static void test_frontier_sleep_jobs_same_end(void **state)
{
    struct toy_cfg c = { .shared_at = 1, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct explore_opts split = { .por = POR_DPOR, .frontier_sleep = true },
                        job = { .por = POR_DPOR };
    struct searched whole = search(&m, POR_NONE);
    struct explore_stats st, below;
    struct visited vis, jvis;
    GArray *ends = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    GPtrArray *items;

    (void)state;
    split.end_states = job.end_states = ends;
    items = toy_frontier(&m, &split, 4, &st, &vis);
    assert_true(items->len >= 4);
    for (guint i = 0; i < items->len; i++) {
        const struct explore_item *it = g_ptr_array_index(items, i);
        struct dfs d = { .m = &m, .c = &quiet, .o = &job, .st = &below, .set = &jvis,
                         .add = dfs_local_add, .prefix = &it->prefix, .depth0 = it->depth,
                         .sleep0 = it->sleep };
        explore_stats_init(&below);
        visited_init_mode(&jvis, VISITED_FINGERPRINT, 0, m.world_size);
        dfs_search(&d, it->world);
        visited_free(&jvis);
        explore_stats_free(&below);
    }
    g_array_sort(ends, cmp_u64);
    for (guint i = 1; i < ends->len;)   /* a quiescent world may end several jobs */
        if (g_array_index(ends, uint64_t, i) == g_array_index(ends, uint64_t, i - 1))
            g_array_remove_index(ends, i);
        else
            i++;
    assert_same_ends(&whole, &(struct searched){ .ends = ends });
    g_ptr_array_free(items, TRUE);
    visited_free(&vis);
    explore_stats_free(&st);
    g_array_free(ends, TRUE);
    g_array_free(whole.ends, TRUE);
}

/* --por-check's view of a toy step: which counters and whether the shared object changed. */
static void toy_changed(const void *ctx, const void *before, const void *after, struct fp_set *out)
{
    const struct toy *b = before, *a = after;

    (void)ctx;
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < TOY_ACTORS; i++)
        if (a->cnt[i] != b->cnt[i])
            fp_add(out, i);
    if (a->shared != b->shared)
        fp_add(out, OBJ_SHARED);
}

/* --por-check: a step that changes a byte the fingerprint plan leaves out stops the
 * search; bytes left out that no step changes may hold anything. */
static void test_por_check_bytes_outside_the_plan(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .hi = 10 };
    struct engine_model m = toy_model(&c);
    _Alignas(16) uint8_t start[2 * FINGERPRINT_BLOCK] = { 0 };   /* the toy, then a constant */
    struct explore_opts o = { .por = POR_DPOR, .por_check = true };
    struct explore_stats st;

    (void)state;
    start[FINGERPRINT_BLOCK + 5] = 0x5a;
    m.world_size = sizeof(start);
    m.changed = toy_changed;
    fingerprint_plan_init(&m.hash, 0x1);   /* the block the counters are in: sound */
    explore_exhaustive(&m, &quiet, start, &o, &st);
    assert_false(st.por_error);
    assert_int_equal(st.states, 10);
    explore_stats_free(&st);
    fingerprint_plan_init(&m.hash, 0x2);   /* only the constant: the first step changes a byte out */
    explore_exhaustive(&m, &quiet, start, &o, &st);
    assert_true(st.por_error);
    assert_int_equal(st.por_error_object, -3);
    assert_int_equal(st.states, 1);
    explore_stats_free(&st);
}

/* The cache answers a view met before, and only that view: a world whose
 * footprints differ gets its own set. */
static void test_cache_answers_by_view(void **state)
{
    struct toy_cfg c = { .shared_at = 1, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct toy plain = { 0 }, shared = { .cnt = { 1, 1, 1 } }, one = { .cnt = { 1, 1, 0 } };
    const struct toy *order[] = { &plain, &shared, &one, &plain, &shared };
    const uint64_t want[] = { 0x4, 0x7, 0x4, 0x4, 0x7 };
    struct por_cache *cache = por_cache_new();
    struct step st[ENGINE_MAX_STEPS];

    (void)state;
    for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
        unsigned nall, n = engine_fireable_all(&m, order[i], st, ENGINE_MAX_STEPS, &nall);
        assert_int_equal(por_persistent(&m, cache, order[i], st, n, nall), want[i]);
        assert_int_equal(por_persistent(&m, NULL, order[i], st, n, nall), want[i]);
    }
    por_cache_free(cache);
}

/*
 * A waiter that sits at a quiescence gate while actor 1 still counts: with
 * the model's word that actor 1's step holds that gate shut, actor 1 alone
 * is a persistent set; without it, the waiter's later steps read actor 1's
 * counter, and actor 0, which may open the gate, must join.
 */
static void test_quiescence_gate_shut(void **state)
{
    struct toy_cfg plain = { .shared_at = 0xff, .hi = 10, .waiter = true };
    struct toy_cfg hook = { .shared_at = 0xff, .hi = 10, .waiter = true, .hook = true };
    struct engine_model mp = toy_model(&plain), mh = toy_model(&hook);
    struct toy w = { 0 };
    struct step st[ENGINE_MAX_STEPS];
    unsigned nall, n = engine_fireable_all(&mh, &w, st, ENGINE_MAX_STEPS, &nall);

    (void)state;
    assert_int_equal(n, 2);   /* the waiter waits */
    assert_int_equal(por_persistent(&mh, NULL, &w, st, n, nall), 0x2);
    assert_int_equal(por_persistent(&mp, NULL, &w, st, n, nall), 0x3);
}

/* The waiter's steps come after every other's whatever the order: the same
 * end, in fewer states than without reduction, and --por-check agrees. */
static void test_quiescence_gate_search(void **state)
{
    struct toy_cfg c = { .shared_at = 1, .hi = 10, .waiter = true, .hook = true };
    struct engine_model m = toy_model(&c);
    struct searched none = search(&m, POR_NONE), dpor = search(&m, POR_DPOR);
    struct toy start = { 0 };
    struct explore_opts o = { .por = POR_DPOR, .por_check = true };
    struct explore_stats st;

    (void)state;
    assert_same_ends(&none, &dpor);
    /* 16 counts of actors 0 and 1, 4 of them twice (who wrote the shared object last),
     * then the waiter's 3 steps after each of the 2 ends */
    assert_int_equal(none.states, 26);
    assert_int_equal(dpor.ends->len, 2);
    assert_true(dpor.states < none.states);
    m.changed = toy_changed;
    explore_exhaustive(&m, &quiet, &start, &o, &st);
    assert_false(st.por_error);
    assert_int_equal(st.states, dpor.states);
    explore_stats_free(&st);
    g_array_free(none.ends, TRUE);
    g_array_free(dpor.ends, TRUE);
}

/* Key i: 1 + i % 40 words, all zero but the last, which is i. */
static void key_number(struct por_key *k, unsigned i)
{
    k->words = 1 + i % 40;
    memset(k->w, 0, k->words * sizeof(k->w[0]));
    k->w[k->words - 1] = i;
}

/* Keys of every length, past several doublings of the table: each finds its own set. */
static void test_cache_keeps_every_key(void **state)
{
    struct por_cache *c = por_cache_new();
    struct por_key *k = por_cache_key(c);
    uint64_t set;

    (void)state;
    for (unsigned i = 0; i < 3000; i++) {
        key_number(k, i);
        assert_false(por_cache_find(c, &set));
        por_cache_keep(c, (uint64_t)i * 7 + 1);
    }
    for (unsigned i = 0; i < 3000; i++) {
        key_number(k, i);
        assert_true(por_cache_find(c, &set));
        assert_int_equal(set, (uint64_t)i * 7 + 1);
    }
    k->words = 2;   /* a prefix of a kept key is another key */
    k->w[0] = 0, k->w[1] = 0;
    assert_false(por_cache_find(c, &set));
    por_cache_free(c);
}

/*
 * A model that breaks engine.h's rule: its future is a table entry whose
 * contents change once a first step fired, at the same address. The cache
 * answers the old set; --por-check computes it again and stops the search.
 */
static bool table_changed;
static struct actor_future table[TOY_ACTORS];

static const struct actor_future *changing_future(const void *ctx, const void *world,
                                                  unsigned actor, struct actor_future *out)
{
    (void)toy_future(ctx, world, actor, out);
    table[actor] = *out;
    if (table_changed) {   /* every actor now writes the shared object: nothing commutes */
        fp_add(&table[actor].inputs, OBJ_SHARED);
        fp_add(&table[actor].all.rd, OBJ_SHARED);
        fp_add(&table[actor].all.wr, OBJ_SHARED);
        table[actor].far = table[actor].all;
    }
    return &table[actor];
}

static void changing_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
                           uint32_t step_no, uint64_t t_ms)
{
    toy_apply(ctx, world, st, tr, step_no, t_ms);
    table_changed = true;
}

static void test_por_check_stale_table(void **state)
{
    struct toy_cfg c = { .shared_at = 0xff, .hi = 10 };
    struct engine_model m = toy_model(&c);
    struct toy start = { 0 };
    struct explore_opts o = { .por = POR_DPOR, .por_check = true };
    struct explore_stats st;

    (void)state;
    m.future = changing_future;
    m.apply = changing_apply;
    m.changed = toy_changed;
    table_changed = false;
    explore_exhaustive(&m, &quiet, &start, &o, &st);
    assert_true(st.por_error);
    assert_int_equal(st.por_error_object, -4);
    explore_stats_free(&st);
}

static void test_mode_names(void **state)
{
    enum por_mode m = POR_NONE;

    (void)state;
    assert_true(por_mode_parse("dpor", &m));
    assert_int_equal(m, POR_DPOR);
    assert_true(por_mode_parse("sleep", &m));
    assert_int_equal(m, POR_SLEEP);
    assert_false(por_mode_parse("stubborn", &m));
    assert_string_equal(por_mode_name(POR_NONE), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_independent_actors_one_step),
        cmocka_unit_test(test_shared_object_keeps_all),
        cmocka_unit_test(test_timed_outsider_keeps_all),
        cmocka_unit_test(test_dpor_fewer_states_same_end),
        cmocka_unit_test(test_dpor_keeps_shared_orders),
        cmocka_unit_test(test_sleep_same_states_fewer_transitions),
        cmocka_unit_test(test_frontier_sleep_tried_steps),
        cmocka_unit_test(test_frontier_sleep_jobs_same_end),
        cmocka_unit_test(test_por_check_bytes_outside_the_plan),
        cmocka_unit_test(test_cache_answers_by_view),
        cmocka_unit_test(test_quiescence_gate_shut),
        cmocka_unit_test(test_quiescence_gate_search),
        cmocka_unit_test(test_cache_keeps_every_key),
        cmocka_unit_test(test_por_check_stale_table),
        cmocka_unit_test(test_mode_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
