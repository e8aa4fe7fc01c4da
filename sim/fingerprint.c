/*
 * XXH3-64 inlined into the search's hot path, and the block fingerprint of
 * worlds in the same accumulate-and-fold form, both dispatched at run time
 * to their AVX2 builds when the CPU has AVX2. Neither result depends on the
 * vector unit used, so every build gives the same fingerprints.
 */
#define XXH_INLINE_ALL
#include <string.h>
#include <xxhash.h>
#include "fingerprint.h"

static inline int have_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

uint64_t fingerprint(const void *data, size_t len)
{
    if (have_avx2())
        return fingerprint_avx2(data, len);
    return XXH3_64bits(data, len);
}

/* Keys of every block position, the last the fold's: splitmix64 from a fixed seed. */
_Alignas(32) unsigned char fingerprint_block_keys[(FINGERPRINT_MAX_BLOCKS + 1) * FINGERPRINT_BLOCK];

__attribute__((constructor)) static void fingerprint_keys_init(void)
{
    uint64_t x = 0x5D7C1E6A2B9F0483ull;

    for (size_t at = 0; at < sizeof(fingerprint_block_keys); at += sizeof(uint64_t)) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ z >> 27) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        memcpy(fingerprint_block_keys + at, &z, sizeof(z));
    }
}

void fingerprint_plan_init(struct fingerprint_plan *p, uint64_t blocks)
{
    *p = (struct fingerprint_plan){ .blocks = blocks };
    for (; blocks; blocks &= blocks - 1)
        p->off[p->n++] = (uint16_t)(__builtin_ctzll(blocks) * FINGERPRINT_BLOCK);
}

/* XXH3's 128-bit multiply folded to 64 bits. */
static inline uint64_t mul_fold(uint64_t a, uint64_t b)
{
    unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* The four lanes into one (XXH3_mergeAccs), then XXH3's avalanche. */
uint64_t fingerprint_blocks_fold(const uint64_t acc[4], uint64_t blocks)
{
    uint64_t k[4], h = blocks * 0x9E3779B185EBCA87ull;

    memcpy(k, fingerprint_block_keys + FINGERPRINT_MAX_BLOCKS * FINGERPRINT_BLOCK, sizeof(k));
    h += mul_fold(acc[0] ^ k[0], acc[1] ^ k[1]);
    h += mul_fold(acc[2] ^ k[2], acc[3] ^ k[3]);
    h ^= h >> 37;
    h *= 0x165667919E3779F9ull;
    return h ^ h >> 32;
}

/*
 * Each block's four 64-bit lanes as XXH3_accumulate_512 takes a stripe's:
 * lane i gains lo32(d ^ k) * hi32(d ^ k) of its own and the plain value of
 * its pair's other lane (i ^ 1).
 */
uint64_t fingerprint_blocks_scalar(const void *data, const struct fingerprint_plan *p)
{
    uint64_t acc[4] = { 0 };

    for (unsigned j = 0; j < p->n; j++) {
        uint64_t d[4], k[4];
        memcpy(d, (const unsigned char *)data + p->off[j], sizeof(d));
        memcpy(k, fingerprint_block_keys + p->off[j], sizeof(k));
        for (unsigned i = 0; i < 4; i++) {
            uint64_t x = d[i] ^ k[i];
            acc[i] += d[i ^ 1] + (x & 0xFFFFFFFFu) * (x >> 32);
        }
    }
    return fingerprint_blocks_fold(acc, p->blocks);
}

uint64_t fingerprint_blocks(const void *data, const struct fingerprint_plan *p)
{
    if (have_avx2())
        return fingerprint_blocks_avx2(data, p);
    return fingerprint_blocks_scalar(data, p);
}
