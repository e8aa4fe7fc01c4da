/*
 * XXH3-64 inlined into the search's hot path, dispatched at run time to the
 * AVX2 build when the CPU has AVX2. XXH3's result does not depend on the
 * vector unit used, so every build and machine gives the same fingerprints.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>
#include "fingerprint.h"

uint64_t fingerprint(const void *data, size_t len)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2"))
        return fingerprint_avx2(data, len);
#endif
    return XXH3_64bits(data, len);
}
