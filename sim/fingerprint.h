/*
 * The 64-bit fingerprint of a world (or any byte string): XXH3-64. One
 * function for every search so that visited sets, --end-states files and
 * job results agree; where the CPU has AVX2 the same hash runs on it.
 */
#ifndef DRCSIM_FINGERPRINT_H
#define DRCSIM_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

uint64_t fingerprint(const void *data, size_t len);

/* The AVX2 build of XXH3 (fingerprint_avx2.c); only where the CPU has it. */
uint64_t fingerprint_avx2(const void *data, size_t len);

#endif
