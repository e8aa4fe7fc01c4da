/*
 * The visited set of exhaustive exploration. Fingerprint mode: 64-bit world
 * fingerprints in open addressing (linear probing, multiply-shift placement,
 * growth by 1.5x at 80% load, so 10-15 bytes per stored state), bounded by
 * a memory budget; bitstate mode: two bits per state in a word of a bit array; lossless
 * mode: whole worlds, compared byte for byte.
 */
#ifndef DRCSIM_VISITED_H
#define DRCSIM_VISITED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum visited_mode { VISITED_FINGERPRINT, VISITED_BITSTATE, VISITED_LOSSLESS };
enum visited_result { VISITED_NEW, VISITED_SEEN, VISITED_FULL };

#define VISITED_MAX_CHUNKS 34   /* 2^32 worlds (where[] is 32-bit) from an arena_base of 1 */

/*
 * A budget several fingerprint or lossless sets draw on at once (check
 * --jobs): each reserves what it grows to and gives it back when freed.
 */
struct visited_pool {
    size_t budget;            /* bytes, for all the sets together */
    size_t used;              /* reserved by the sets that joined it (atomic) */
};

struct visited {
    uint8_t mode;
    uint64_t *slots;          /* fingerprints (0 = empty), or bitstate words */
    size_t cap;               /* slots, or bits in bitstate mode */
    size_t count;
    size_t budget;            /* bytes the table may use, 0 = unbounded */
    size_t exact;             /* bitstate: states it held when it took over, none of them lost */
    /*
     * lossless: the worlds in chunks that are never moved (chunk 0 holds the
     * first arena_base, chunk k > 0 as many as all before it), and for each
     * slot the number of its world
     */
    unsigned char **chunk;    /* VISITED_MAX_CHUNKS of them */
    uint32_t *where;
    size_t world_size, arena_cap, arena_base;
    struct visited_pool *pool;  /* NULL: the set's own budget alone */
    size_t held;              /* bytes reserved from the pool */
    bool pool_refused;        /* a growth its own budget allowed, refused: others held the rest */
};

void visited_init(struct visited *v, size_t cap);
/* mode, memory budget in bytes (0 = grow without bound), world size for lossless */
void visited_init_mode(struct visited *v, enum visited_mode mode, size_t budget, size_t world_size);
/* The same, starting with room for cap fingerprints. */
void visited_init_sized(struct visited *v, enum visited_mode mode, size_t budget,
                        size_t world_size, size_t cap);
/*
 * Draw on pool from now on, its current size reserved at once (even past the
 * pool's budget: a set needs its first table); then a growth within the set's
 * own budget may still be refused, with pool_refused set. visited_free gives it back.
 */
void visited_join_pool(struct visited *v, struct visited_pool *pool);
/* Where a fingerprint's probe starts: multiply-shift, for any table size. */
static inline size_t visited_place(uint64_t fp, size_t cap)
{
    return (size_t)(((__uint128_t)fp * cap) >> 64);
}

/*
 * Bitstate mode: the word, and the two bits in it, that stand for fp. One
 * word (a blocked Bloom filter) so that one atomic or settles an add between
 * threads, and an add reads one cache line.
 */
static inline uint64_t *visited_bits_of(const struct visited *v, uint64_t fp, uint64_t *mask)
{
    unsigned a = fp & 63, b = (a + 1 + (unsigned)(fp >> 6) % 63) & 63;   /* b != a */

    *mask = 1ull << a | 1ull << b;
    return &v->slots[visited_place(fp, v->cap / 64)];
}

/* Fingerprint mode only: true when fp is new. */
bool visited_insert(struct visited *v, uint64_t fp);
/* The full form: FULL when the budget leaves no room (nothing inserted). */
enum visited_result visited_add(struct visited *v, uint64_t fp, const void *world);
bool visited_contains(const struct visited *v, uint64_t fp);   /* fingerprint mode only */
/* Switch a full fingerprint table to bitstate in the same budget (keeps what it saw). */
void visited_to_bitstate(struct visited *v);
size_t visited_bytes(const struct visited *v);
/* The estimated probability that two distinct states shared a fingerprint (TLC). */
double visited_collision_probability(const struct visited *v);
/* Bitstate: the expected number of new states it took for seen ones (0 in other modes). */
double visited_bitstate_missed(const struct visited *v);
/* The same for n distinct states in 64-bit fingerprints. */
double fingerprint_collision_probability(uint64_t n);
/* A fingerprint or lossless table holding count would be past its load bound. */
bool visited_due_to_grow(const struct visited *v, size_t count);
/* The size a fingerprint or lossless table grows to, 0 when the budget forbids it. */
size_t visited_next_cap(const struct visited *v);
void visited_free(struct visited *v);

#endif
