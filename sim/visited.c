/*
 * The explorer's visited set: fingerprints in open addressing with
 * multiply-shift placement (any table size, so growth by 1.5x keeps the load
 * between 53% and 80%), a memory budget that reports FULL instead of
 * swapping (alone or shared by several sets), bitstate hashing as the
 * fallback, and a lossless world store.
 */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "visited.h"

/* The table grows when one more fingerprint would fill more than 4/5 of it. */
#define MAX_LOAD_NUM 4
#define MAX_LOAD_DEN 5

static size_t slot_bytes(const struct visited *v)
{
    return v->mode == VISITED_LOSSLESS ? sizeof(uint64_t) + sizeof(uint32_t) : sizeof(uint64_t);
}

/*
 * A grown table, zeroed by writing rather than by calloc: a large calloc
 * maps the zero page, which the rehash reads before a store copies it, and
 * with threads each such copy flushes the TLB of every core.
 */
static uint64_t *new_slots(size_t cap)
{
    uint64_t *slots = g_new(uint64_t, cap);

    memset(slots, 0, cap * sizeof(*slots));
    return slots;
}

void visited_init_mode(struct visited *v, enum visited_mode mode, size_t budget, size_t world_size)
{
    visited_init_sized(v, mode, budget, world_size, 1u << 16);
}

void visited_init_sized(struct visited *v, enum visited_mode mode, size_t budget,
                        size_t world_size, size_t cap)
{
    *v = (struct visited){ .mode = (uint8_t)mode, .budget = budget, .world_size = world_size };
    if (mode == VISITED_BITSTATE) {
        v->cap = (budget ? budget : (64u << 20)) * 8;   /* bits */
        v->slots = new_slots(v->cap / 64);   /* random bits soon touch every page anyway */
        return;
    }
    v->cap = MAX(16, cap);
    if (budget && v->cap * slot_bytes(v) > budget)
        v->cap = MAX(16, budget / slot_bytes(v));
    v->slots = g_new0(uint64_t, v->cap);   /* calloc: a search of a few states clears no 512 KiB */
    if (mode == VISITED_LOSSLESS) {   /* the first worlds' room counts against the budget too */
        v->arena_cap = 1024;
        if (budget && v->cap * slot_bytes(v) + v->arena_cap * world_size > budget)
            v->arena_cap = MAX(1, (budget - MIN(budget, v->cap * slot_bytes(v))) / world_size);
        v->arena_base = v->arena_cap;
        v->chunk = g_new0(unsigned char *, VISITED_MAX_CHUNKS);
        v->chunk[0] = g_malloc(v->arena_cap * world_size);
        v->where = g_new(uint32_t, v->cap);   /* read only at slots in use */
    }
}

void visited_init(struct visited *v, size_t cap)
{
    visited_init_mode(v, VISITED_FINGERPRINT, 0, 0);
    if (cap > v->cap) {
        g_free(v->slots);
        v->cap = cap;
        v->slots = g_new0(uint64_t, cap);
    }
}

/* Lossless: the chunk of world number n: 0 below base, else k with base 2^(k-1) <= n < base 2^k. */
static unsigned chunk_of(const struct visited *v, size_t n)
{
    size_t q = n / v->arena_base;

    return q ? 64 - (unsigned)__builtin_clzll(q) : 0;
}

static unsigned char *world_at(const struct visited *v, size_t n)
{
    unsigned k = chunk_of(v, n);

    return v->chunk[k] + (n - (k ? v->arena_base << (k - 1) : 0)) * v->world_size;
}

/* Slot of fp (and of this very world in lossless mode): its index, or an empty one.
 * Inlined: a call costs as much as the lookup (callee-saved registers both ways). */
static inline __attribute__((always_inline)) size_t probe(const struct visited *v, uint64_t fp,
                                                          const void *world, bool *found)
{
    size_t i = visited_place(fp, v->cap);

    *found = false;
    while (v->slots[i]) {
        if (v->slots[i] == fp && (v->mode != VISITED_LOSSLESS ||   /* lossless: world set */
            (world && memcmp(world_at(v, v->where[i]), world, v->world_size) == 0))) {
            *found = true;
            return i;
        }
        i = i + 1 == v->cap ? 0 : i + 1;
    }
    return i;
}

size_t visited_next_cap(const struct visited *v)
{
    size_t cap = v->cap + v->cap / 2;

    return v->budget && cap * slot_bytes(v) + v->arena_cap * v->world_size > v->budget ? 0 : cap;
}

void visited_join_pool(struct visited *v, struct visited_pool *pool)
{
    g_assert(v->mode != VISITED_BITSTATE && !v->pool);
    v->pool = pool;
    v->held = visited_bytes(v);
    __atomic_add_fetch(&pool->used, v->held, __ATOMIC_RELAXED);
}

/* Room in the pool for the set to be bytes in all; true without a pool. */
static bool pool_reserve(struct visited *v, size_t bytes)
{
    size_t more, used;

    if (!v->pool || bytes <= v->held)
        return true;
    more = bytes - v->held;
    used = __atomic_load_n(&v->pool->used, __ATOMIC_RELAXED);
    do {
        if (used + more > v->pool->budget) {
            v->pool_refused = true;
            return false;
        }
    } while (!__atomic_compare_exchange_n(&v->pool->used, &used, used + more, true,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    v->held = bytes;
    return true;
}

static bool grow(struct visited *v)
{
    size_t cap = visited_next_cap(v), ocap = v->cap;
    uint64_t *old = v->slots;
    uint32_t *owhere = v->where;

    if (!cap || !pool_reserve(v, cap * slot_bytes(v) + v->arena_cap * v->world_size))
        return false;
    v->slots = new_slots(cap);
    v->cap = cap;
    if (owhere)
        v->where = g_new(uint32_t, cap);
    for (size_t i = 0; i < ocap; i++)
        if (old[i]) {   /* every entry is distinct: no compare on rehash */
            size_t j = visited_place(old[i], cap);
            while (v->slots[j])
                j = j + 1 == cap ? 0 : j + 1;
            v->slots[j] = old[i];
            if (owhere)
                v->where[j] = owhere[i];
        }
    g_free(old);
    g_free(owhere);
    return true;
}

bool visited_due_to_grow(const struct visited *v, size_t count)
{
    return count * MAX_LOAD_DEN > v->cap * MAX_LOAD_NUM;
}

/* Lossless: room for one more world; a full arena doubles by a new chunk, nothing moved. */
static bool arena_room(struct visited *v)
{
    size_t acap = v->arena_cap * 2;
    unsigned k = chunk_of(v, v->arena_cap);   /* the chunk its next world goes to */

    if (v->count < v->arena_cap)
        return true;
    if (k >= VISITED_MAX_CHUNKS ||
        (v->budget && v->cap * slot_bytes(v) + acap * v->world_size > v->budget) ||
        !pool_reserve(v, v->cap * slot_bytes(v) + acap * v->world_size))
        return false;
    v->chunk[k] = g_malloc(v->arena_cap * v->world_size);
    v->arena_cap = acap;
    return true;
}

static enum visited_result bitstate_add(struct visited *v, uint64_t fp)
{
    uint64_t mask, *word = visited_bits_of(v, fp, &mask);

    if ((*word & mask) == mask)
        return VISITED_SEEN;
    *word |= mask;
    v->count++;
    return VISITED_NEW;
}

enum visited_result visited_add(struct visited *v, uint64_t fp, const void *world)
{
    bool found;
    size_t i;

    if (fp == 0)
        fp = 1;
    if (v->mode == VISITED_BITSTATE)
        return bitstate_add(v, fp);
    i = probe(v, fp, world, &found);
    if (found)
        return VISITED_SEEN;
    if (visited_due_to_grow(v, v->count + 1)) {
        if (!grow(v))
            return VISITED_FULL;
        i = probe(v, fp, world, &found);
    }
    if (v->mode == VISITED_LOSSLESS) {
        if (!arena_room(v))
            return VISITED_FULL;
        memcpy(world_at(v, v->count), world, v->world_size);
        v->where[i] = (uint32_t)v->count;
    }
    v->slots[i] = fp;
    v->count++;
    return VISITED_NEW;
}

/* Fingerprint mode only, as the next: a lossless set needs the world, a bitstate one keeps bits. */
bool visited_insert(struct visited *v, uint64_t fp)
{
    g_assert(v->mode == VISITED_FINGERPRINT);
    return visited_add(v, fp, NULL) == VISITED_NEW;
}

bool visited_contains(const struct visited *v, uint64_t fp)
{
    bool found;

    g_assert(v->mode == VISITED_FINGERPRINT);
    if (fp == 0)
        fp = 1;
    probe(v, fp, NULL, &found);
    return found;
}

void visited_to_bitstate(struct visited *v)
{
    struct visited b;
    size_t count = v->count;

    visited_init_mode(&b, VISITED_BITSTATE, v->budget ? v->budget : v->cap * 8, 0);
    for (size_t i = 0; i < v->cap; i++)
        if (v->slots[i])
            bitstate_add(&b, v->slots[i]);
    visited_free(v);
    *v = b;
    v->count = count;
    v->exact = count;
}

size_t visited_bytes(const struct visited *v)
{
    if (v->mode == VISITED_BITSTATE)
        return v->cap / 8;
    return v->cap * slot_bytes(v) + v->arena_cap * v->world_size;
}

/*
 * Bitstate: a new state finds both of its bits set. With K states in its
 * word (Poisson, of mean lambda = 64n/m), one given bit is clear with
 * probability (62/64)^K, both with (62*61/(64*63))^K, and E[c^K] =
 * e^(lambda (c - 1)): q = 1 - 2 e^(-lambda 2/64) + e^(-lambda (1 - 62*61/(64*63))),
 * in expm1s that keep its linear term (lambda / 2016: the one pair of bits
 * another state set) exact.
 */
static double both_bits_set(double lambda)
{
    return expm1(-lambda * (1.0 - 62.0 * 61 / (64 * 63))) - 2.0 * expm1(-lambda * 2.0 / 64);
}

/*
 * Fingerprints: two of n distinct states share one with probability about
 * 1 - exp(-n(n-1)/2^65) (TLC's "calculated" estimate). Bitstate: some state
 * found both its bits set, q at the final n for every one of the n states.
 * Lossless: zero.
 */
double visited_collision_probability(const struct visited *v)
{
    double n = (double)v->count;

    if (v->mode == VISITED_LOSSLESS || v->count < 2)
        return 0.0;
    if (v->mode == VISITED_BITSTATE)   /* 1 - (1 - q)^n */
        return -expm1(n * log1p(-both_bits_set(n / (double)(v->cap / 64))));
    return fingerprint_collision_probability(v->count);
}

/* While the map holds lambda states a word, new ones are tried until one is stored:
 * 1/(1 - q) tries, q/(1 - q) of them taken for seen. */
static double missed_per_stored(double lambda)
{
    double q = both_bits_set(lambda);

    return q / (1.0 - q);
}

/* Those summed over the states stored in bitstate mode (from v->exact to count): an
 * integral by Simpson's rule, the integrand being smooth. */
double visited_bitstate_missed(const struct visited *v)
{
    double words = (double)(v->cap / 64), a = (double)v->exact, b = (double)v->count, h, sum;
    const int steps = 256;

    if (v->mode != VISITED_BITSTATE || b <= a || words < 1)
        return 0.0;
    h = (b - a) / steps;
    sum = missed_per_stored(a / words) + missed_per_stored(b / words);
    for (int k = 1; k < steps; k++)
        sum += (k & 1 ? 4 : 2) * missed_per_stored((a + k * h) / words);
    return sum * h / 3;
}

double fingerprint_collision_probability(uint64_t n)
{
    double x = (double)n;

    return n < 2 ? 0.0 : -expm1(-x * (x - 1.0) / 36893488147419103232.0);
}

void visited_free(struct visited *v)
{
    if (v->pool)
        __atomic_sub_fetch(&v->pool->used, v->held, __ATOMIC_RELAXED);
    g_free(v->slots);
    g_free(v->where);
    for (unsigned k = 0; v->chunk && k < VISITED_MAX_CHUNKS && v->chunk[k]; k++)   /* in order */
        g_free(v->chunk[k]);
    g_free(v->chunk);
    *v = (struct visited){ 0 };
}
