/*
 * The persistent sets a search has computed, by the whole of what decides
 * one (explore_por.c builds the key): an open-addressing table of exact
 * keys, so a hit is never a different view. Bounded: past POR_CACHE_BYTES it
 * stops remembering and only answers from what it has.
 */
#include <string.h>
#include <glib.h>
#include "explore_por.h"

#define POR_CACHE_BYTES (16u << 20)

struct por_cache {
    struct por_key **slot;         /* NULL: empty */
    size_t mask, used, bytes;      /* slots - 1, keys kept, their bytes */
    struct por_key *scratch;       /* the key being looked up */
};

/*
 * The key's hash: four multiply chains over the words (independent, so they
 * run side by side), folded and finished with murmur3's fmix64. Only the
 * table's spread depends on it; a hit still compares the whole key.
 */
static uint64_t key_hash(const uint64_t *w, unsigned n)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    uint64_t h0 = n, h1 = 1, h2 = 2, h3 = 3, x;
    unsigned i = 0;

    for (; i + 4 <= n; i += 4) {
        h0 = (h0 ^ w[i]) * k;
        h1 = (h1 ^ w[i + 1]) * k;
        h2 = (h2 ^ w[i + 2]) * k;
        h3 = (h3 ^ w[i + 3]) * k;
    }
    for (; i < n; i++)
        h0 = (h0 ^ w[i]) * k;
    x = h0 ^ (h1 << 16 | h1 >> 48) ^ (h2 << 32 | h2 >> 32) ^ (h3 << 48 | h3 >> 16);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ x >> 33;
}

struct por_cache *por_cache_new(void)
{
    struct por_cache *c = g_new0(struct por_cache, 1);

    c->mask = 255;
    c->slot = g_new0(struct por_key *, c->mask + 1);
    c->scratch = g_malloc(sizeof(*c->scratch) + POR_KEY_MAX_WORDS * sizeof(uint64_t));
    return c;
}

void por_cache_free(struct por_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i <= c->mask; i++)
        g_free(c->slot[i]);
    g_free(c->slot);
    g_free(c->scratch);
    g_free(c);
}

struct por_key *por_cache_key(struct por_cache *c)
{
    return c->scratch;
}

/* The slot holding key k, or the empty one where it would go. */
static size_t probe(const struct por_cache *c, const struct por_key *k)
{
    size_t i = k->hash & c->mask;

    for (const struct por_key *s; (s = c->slot[i]); i = (i + 1) & c->mask)
        if (s->hash == k->hash && s->words == k->words &&
            !memcmp(s->w, k->w, k->words * sizeof(k->w[0])))
            break;
    return i;
}

bool por_cache_find(struct por_cache *c, uint64_t *set)
{
    const struct por_key *hit;

    c->scratch->hash = key_hash(c->scratch->w, c->scratch->words);
    hit = c->slot[probe(c, c->scratch)];
    if (hit)
        *set = hit->set;
    return hit != NULL;
}

/* Twice the slots, every key moved: the table stays at most half full. */
static void grow(struct por_cache *c)
{
    struct por_key **old = c->slot;
    size_t n = c->mask + 1;

    c->mask = 2 * n - 1;
    c->slot = g_new0(struct por_key *, 2 * n);
    for (size_t i = 0; i < n; i++)
        if (old[i])
            c->slot[probe(c, old[i])] = old[i];
    g_free(old);
}

void por_cache_keep(struct por_cache *c, uint64_t set)
{
    size_t size = sizeof(*c->scratch) + c->scratch->words * sizeof(uint64_t);
    struct por_key *k;

    if (c->bytes + size > POR_CACHE_BYTES)
        return;
    if (2 * (c->used + 1) > c->mask + 1)
        grow(c);
    k = g_memdup2(c->scratch, size);
    k->set = set;
    c->slot[probe(c, k)] = k;
    c->used++;
    c->bytes += size;
}
