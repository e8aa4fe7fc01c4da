/*
 * The 64-bit fingerprint of a world (or any byte string): XXH3-64 of the
 * whole, or, where the model names the 32-byte blocks its steps may write, a
 * hash of those blocks in XXH3's accumulate-and-fold form (AVX2 where the CPU
 * has it). Every search uses these, so visited sets, files and jobs agree.
 */
#ifndef DRCSIM_FINGERPRINT_H
#define DRCSIM_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#define FINGERPRINT_BLOCK 32u     /* bytes of one block of fingerprint_blocks() */
#define FINGERPRINT_MAX_BLOCKS 64 /* a bit of a uint64_t each */

uint64_t fingerprint(const void *data, size_t len);

/* Which 32-byte blocks of a byte string fingerprint_blocks() hashes: block b is
 * bytes 32b..32b+31, a bit of `blocks`; off[] lists their offsets in order. */
struct fingerprint_plan {
    uint64_t blocks;
    uint16_t n;
    uint16_t off[FINGERPRINT_MAX_BLOCKS];
};

void fingerprint_plan_init(struct fingerprint_plan *p, uint64_t blocks);

/*
 * The plan's blocks of data (all of them readable): each block is mixed with
 * a key of its own position, so equal contents in other blocks hash
 * differently. p->n > 0.
 */
uint64_t fingerprint_blocks(const void *data, const struct fingerprint_plan *p);

/* The portable build of fingerprint_blocks, and the AVX2 builds of both
 * (fingerprint_avx2.c), only where the CPU has it: all give the same values. */
uint64_t fingerprint_blocks_scalar(const void *data, const struct fingerprint_plan *p);
uint64_t fingerprint_avx2(const void *data, size_t len);
uint64_t fingerprint_blocks_avx2(const void *data, const struct fingerprint_plan *p);

/* Shared by both builds of fingerprint_blocks: the key of each block at the block's
 * own offset (the last one the fold's), and the final fold. */
extern _Alignas(32) unsigned char fingerprint_block_keys[(FINGERPRINT_MAX_BLOCKS + 1) *
                                                         FINGERPRINT_BLOCK];
uint64_t fingerprint_blocks_fold(const uint64_t acc[4], uint64_t blocks);

#endif
