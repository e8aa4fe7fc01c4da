/*
 * The visited set of exhaustive exploration: 64-bit world fingerprints in
 * an open-addressing table (linear probing, 0 marks an empty slot), grown
 * by doubling at half load.
 */
#ifndef DRCSIM_VISITED_H
#define DRCSIM_VISITED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct visited {
    uint64_t *slots;
    size_t cap;       /* power of two */
    size_t count;
};

void visited_init(struct visited *v, size_t cap);
bool visited_insert(struct visited *v, uint64_t fp);   /* true when fp is new */
bool visited_contains(const struct visited *v, uint64_t fp);
size_t visited_bytes(const struct visited *v);
void visited_free(struct visited *v);

#endif
