/*
 * The lossless visited set of --jobs: whole worlds in 64 shards, each a
 * lossless visited.c set behind a spin lock held for one add. Comparing and
 * copying a world of 2 KB takes long enough that one lock for the whole set
 * would make the threads take turns.
 */
#include <glib.h>
#include "visited_shared.h"

#define SHARDS 64   /* a power of two */

/* A shard on cache lines of its own: threads adding to two shards do not share a line. */
struct shard {
    _Alignas(64) int lock;
    struct visited v;
};

struct visited_striped {
    struct shard s[SHARDS];
};

static void shard_lock(int *lock)
{
    unsigned spins = 0;

    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(lock, __ATOMIC_RELAXED))
            visited_spin(&spins);
}

struct visited_striped *visited_striped_new(size_t budget, size_t world_size)
{
    struct visited_striped *s = g_aligned_alloc0(1, sizeof(*s), 64);

    for (unsigned k = 0; k < SHARDS; k++)   /* each starts small: most searches are small */
        visited_init_sized(&s->s[k].v, VISITED_LOSSLESS, budget / SHARDS, world_size, 1024);
    return s;
}

enum visited_result visited_striped_add(struct visited_striped *s, uint64_t fp, const void *w)
{
    struct shard *sh = &s->s[fp & (SHARDS - 1)];   /* low bits: placement uses the high ones */
    enum visited_result r;

    shard_lock(&sh->lock);
    r = visited_add(&sh->v, fp, w);
    __atomic_store_n(&sh->lock, 0, __ATOMIC_RELEASE);
    return r;
}

size_t visited_striped_count(const struct visited_striped *s)
{
    size_t n = 0;

    for (unsigned k = 0; k < SHARDS; k++)
        n += s->s[k].v.count;
    return n;
}

size_t visited_striped_bytes(const struct visited_striped *s)
{
    size_t n = 0;

    for (unsigned k = 0; k < SHARDS; k++)
        n += visited_bytes(&s->s[k].v);
    return n;
}

void visited_striped_free(struct visited_striped *s)
{
    for (unsigned k = 0; k < SHARDS; k++)
        visited_free(&s->s[k].v);
    g_aligned_free(s);
}
