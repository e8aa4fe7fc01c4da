/*
 * The visited set of --jobs: one table that every thread adds fingerprints
 * to by compare-and-swap, no lock taken. A thread that finds it due to grow
 * holds it alone, as a writer holds a reader-writer lock, with each reader's
 * flag on a cache line of its own; so do adds once the budget is used up,
 * until --bitstate's bit map takes over, whose bits need no lock.
 */
#include <glib.h>
#include <string.h>
#include "visited_shared.h"

/* A thread's own cache line: inside the set now; states it stored and has not yet told. */
struct sharer {
    _Alignas(64) int inside;
    size_t pending;
};

/*
 * A growth in progress: the new table is cleared, then the old one's
 * entries are moved into it, a chunk at a time by whichever threads wait.
 */
#define CHUNK 8192   /* slots: 64 KiB */

struct growth {
    uint64_t *old, *slots;
    size_t old_cap, cap;
    size_t clear_chunks, move_chunks;
    _Alignas(64) size_t next;   /* the next chunk to take: clearing ones first */
    _Alignas(64) size_t cleared, moved;
};

struct visited_shared {
    struct visited v;         /* read by every add; written only while held alone */
    bool lock_free;           /* room to grow: adds by compare-and-swap */
    unsigned threads;
    _Alignas(64) int alone;   /* one thread holds the set alone */
    struct growth *growth;    /* set while the holder grows the table, for the others to help */
    _Alignas(64) unsigned helping;   /* threads that may be reading *growth */
    _Alignas(64) size_t told; /* states the threads told, in batches (lock_free) */
    struct sharer sharer[];
};

/* A thread tells its new states in batches: together at most 1/64 of the slots go untold. */
#define MAX_BATCH 256

static size_t batch(const struct visited_shared *s)
{
    return CLAMP(s->v.cap / (64 * s->threads), 1, MAX_BATCH);
}

/*
 * Due to grow once the states told, and all that may be untold, would pass
 * the load bound: so the table never holds more than one thread's would.
 */
static bool due(const struct visited_shared *s, size_t told)
{
    return visited_due_to_grow(&s->v, told + s->threads * batch(s));
}

static void help(struct visited_shared *s);

/*
 * Be inside, unless a thread holds the set alone. Dekker's pattern: each
 * side stores its own flag, then reads the other's, both sequentially
 * consistent, so at least one of the two sees the other.
 */
static void enter(struct visited_shared *s, struct sharer *me)
{
    unsigned spins = 0;

    for (;;) {
        __atomic_store_n(&me->inside, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&s->alone, __ATOMIC_SEQ_CST))
            return;
        __atomic_store_n(&me->inside, 0, __ATOMIC_RELEASE);
        while (__atomic_load_n(&s->alone, __ATOMIC_ACQUIRE)) {
            help(s);
            visited_spin(&spins);
        }
    }
}

static void leave(struct sharer *me)
{
    __atomic_store_n(&me->inside, 0, __ATOMIC_RELEASE);
}

/* Hold the set alone: once no other holds it and no thread is inside (the caller is not). */
static void hold_alone(struct visited_shared *s)
{
    unsigned spins = 0;
    int free_now = 0;

    while (!__atomic_compare_exchange_n(&s->alone, &free_now, 1, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED)) {
        free_now = 0;
        visited_spin(&spins);
    }
    for (unsigned t = 0; t < s->threads; t++)
        while (__atomic_load_n(&s->sharer[t].inside, __ATOMIC_SEQ_CST))
            visited_spin(&spins);
}

static void release_alone(struct visited_shared *s)
{
    __atomic_store_n(&s->alone, 0, __ATOMIC_RELEASE);
}

/*
 * The states stored: exact while the set is held alone, or once the threads
 * are done. Past the budget v.count counts, and in bitstate mode the states
 * the threads added by add_bits as well.
 */
static size_t exact_count(const struct visited_shared *s)
{
    size_t n = s->lock_free ? s->told : s->v.count;

    for (unsigned t = 0; t < s->threads; t++)
        n += s->sharer[t].pending;
    return n;
}

/* Linear probing as visited.c's, a slot claimed by compare-and-swap. The load stays below 80%. */
static enum visited_result add_cas(const struct visited *v, uint64_t fp)
{
    size_t i = visited_place(fp, v->cap);

    for (;;) {
        uint64_t at = __atomic_load_n(&v->slots[i], __ATOMIC_RELAXED);
        if (at == fp)
            return VISITED_SEEN;
        if (!at) {
            if (__atomic_compare_exchange_n(&v->slots[i], &at, fp, false, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED))
                return VISITED_NEW;
            if (at == fp)   /* another thread stored this very fingerprint just now */
                return VISITED_SEEN;
        }
        i = i + 1 == v->cap ? 0 : i + 1;
    }
}

/*
 * Bitstate mode, once --mem is used up: no lock, a state's two bits set by
 * one atomic or on their word. Of threads adding the same state at once,
 * the one whose or found a bit of it clear gets NEW.
 */
static enum visited_result add_bits(const struct visited *v, struct sharer *me, uint64_t fp)
{
    uint64_t mask, *word = visited_bits_of(v, fp, &mask);

    if ((__atomic_load_n(word, __ATOMIC_RELAXED) & mask) == mask ||
        (__atomic_fetch_or(word, mask, __ATOMIC_RELAXED) & mask) == mask)
        return VISITED_SEEN;
    me->pending++;
    return VISITED_NEW;
}

/* Put a fingerprint into a table that holds it not yet: others may be putting theirs. */
static void put_cas(uint64_t *slots, size_t cap, uint64_t fp)
{
    size_t i = visited_place(fp, cap);

    for (;;) {
        uint64_t empty = 0;
        if (__atomic_compare_exchange_n(&slots[i], &empty, fp, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
            return;
        i = i + 1 == cap ? 0 : i + 1;
    }
}

/* Take chunks of g until none is left: clear the new table's, then, all cleared, move the old's. */
static void help_grow(struct growth *g)
{
    size_t k;

    while ((k = __atomic_fetch_add(&g->next, 1, __ATOMIC_RELAXED)) <
           g->clear_chunks + g->move_chunks) {
        if (k < g->clear_chunks) {
            size_t from = k * CHUNK;
            memset(g->slots + from, 0, MIN(CHUNK, g->cap - from) * sizeof(uint64_t));
            __atomic_add_fetch(&g->cleared, 1, __ATOMIC_RELEASE);
            continue;
        }
        for (unsigned spins = 0; __atomic_load_n(&g->cleared, __ATOMIC_ACQUIRE) < g->clear_chunks;)
            visited_spin(&spins);
        k -= g->clear_chunks;
        for (size_t i = k * CHUNK; i < MIN((k + 1) * CHUNK, g->old_cap); i++)
            if (g->old[i])
                put_cas(g->slots, g->cap, g->old[i]);
        __atomic_add_fetch(&g->moved, 1, __ATOMIC_RELEASE);
    }
}

/*
 * A waiting thread helps a growth in progress. Dekker's pattern again, on
 * helping and growth, so that the holder frees no growth a helper may read.
 */
static void help(struct visited_shared *s)
{
    struct growth *g;

    if (!__atomic_load_n(&s->growth, __ATOMIC_RELAXED))
        return;
    __atomic_add_fetch(&s->helping, 1, __ATOMIC_SEQ_CST);
    if ((g = __atomic_load_n(&s->growth, __ATOMIC_SEQ_CST)))
        help_grow(g);
    __atomic_sub_fetch(&s->helping, 1, __ATOMIC_RELEASE);
}

/* Grow the table by half, with the help of the threads that wait meanwhile. */
static void grow_together(struct visited_shared *s, size_t cap)
{
    struct growth *g = g_aligned_alloc0(1, sizeof(*g), 64);
    unsigned spins = 0;

    *g = (struct growth){ .old = s->v.slots, .old_cap = s->v.cap, .cap = cap,
                          .slots = g_new(uint64_t, cap),
                          .clear_chunks = (cap + CHUNK - 1) / CHUNK,
                          .move_chunks = (s->v.cap + CHUNK - 1) / CHUNK };
    __atomic_store_n(&s->growth, g, __ATOMIC_RELEASE);
    help_grow(g);
    while (__atomic_load_n(&g->moved, __ATOMIC_ACQUIRE) < g->move_chunks)
        visited_spin(&spins);
    __atomic_store_n(&s->growth, NULL, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&s->helping, __ATOMIC_ACQUIRE))
        visited_spin(&spins);
    g_free(s->v.slots);
    s->v.slots = g->slots;
    s->v.cap = cap;
    g_aligned_free(g);
}

/*
 * Grow the table if it is still due. When the budget forbids it, every
 * later add holds the set alone, so the one that would pass the load bound
 * gets FULL (or the switch to bitstate), as in one thread's search.
 */
static void grow_alone(struct visited_shared *s)
{
    hold_alone(s);
    if (s->lock_free)   /* else v.count is the count already (exact_count) */
        s->v.count = exact_count(s);
    if (s->lock_free && due(s, s->v.count)) {
        size_t cap = visited_next_cap(&s->v);
        if (cap) {
            grow_together(s, cap);
        } else {
            s->lock_free = false;   /* from here on v.count is the count */
            s->told = 0;
            for (unsigned t = 0; t < s->threads; t++)
                s->sharer[t].pending = 0;
        }
    }
    release_alone(s);
}

static enum visited_result add_alone(struct visited_shared *s, uint64_t fp,
                                     struct explore_stats *st, bool bitstate)
{
    enum visited_result r;

    hold_alone(s);
    r = dfs_local_add(&s->v, fp, NULL, st, bitstate);
    release_alone(s);
    return r;
}

enum visited_result visited_shared_add(struct visited_shared *s, unsigned thread, uint64_t fp,
                                       struct explore_stats *st, bool bitstate)
{
    struct sharer *me = &s->sharer[thread];
    enum visited_result r;
    bool grow = false;

    fp = fp ? fp : 1;   /* 0 is an empty slot, as in visited_add */
    enter(s, me);
    if (!s->lock_free && s->v.mode == VISITED_BITSTATE) {   /* nobody holds the set alone again */
        r = add_bits(&s->v, me, fp);
        leave(me);
        st->bitstate = true;
        return r;
    }
    if (!s->lock_free) {   /* it never turns back on */
        leave(me);
        return add_alone(s, fp, st, bitstate);
    }
    r = add_cas(&s->v, fp);
    if (r == VISITED_NEW && ++me->pending >= batch(s)) {
        grow = due(s, __atomic_add_fetch(&s->told, me->pending, __ATOMIC_RELAXED));
        me->pending = 0;
    }
    leave(me);
    if (grow)
        grow_alone(s);
    return r;
}

struct visited_shared *visited_shared_new(size_t budget, unsigned threads)
{
    struct visited_shared *s = g_aligned_alloc0(1, sizeof(*s) + threads * sizeof(struct sharer),
                                                64);

    visited_init_mode(&s->v, VISITED_FINGERPRINT, budget, 0);
    /* Written now, before any thread runs: calloc left its pages mapped to the zero page, so a
     * thread's first store to each would copy it and flush the TLB of every core that runs the
     * search (an interprocessor interrupt, in a guest a VM exit; parallel-cores-5: 7% of the
     * threads' time). visited.c clears a grown table by writing for the same reason. */
    memset(s->v.slots, 0, s->v.cap * sizeof(uint64_t));
    s->lock_free = true;
    s->threads = threads;
    return s;
}

const struct visited *visited_shared_table(struct visited_shared *s)
{
    s->v.count = exact_count(s);
    if (!s->lock_free)   /* add_bits' states are in v.count now: count them once */
        for (unsigned t = 0; t < s->threads; t++)
            s->sharer[t].pending = 0;
    return &s->v;
}

void visited_shared_free(struct visited_shared *s)
{
    visited_free(&s->v);
    g_aligned_free(s);
}
