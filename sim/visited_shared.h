/*
 * A visited set that the threads of --jobs add to together (visited_shared.c):
 * fingerprints go in by compare-and-swap, without a lock; growth, and every
 * add in lossless or bitstate mode, happens with the set held alone.
 */
#ifndef DRCSIM_VISITED_SHARED_H
#define DRCSIM_VISITED_SHARED_H

#include "explore.h"
#include "visited.h"

struct visited_shared;

/* For threads numbered 0..threads-1; mode, budget and world size as visited_init_mode. */
struct visited_shared *visited_shared_new(enum visited_mode mode, size_t budget,
                                          size_t world_size, unsigned threads);
/*
 * Thread `thread` adds fp (w: the world, for lossless mode). FULL when the
 * budget leaves no room; with bitstate the set goes on in bitstate mode
 * instead, and st->bitstate says so.
 */
enum visited_result visited_shared_add(struct visited_shared *s, unsigned thread, uint64_t fp,
                                       const void *w, struct explore_stats *st, bool bitstate);
/* Once the threads are done: the table, its count exact. */
const struct visited *visited_shared_table(struct visited_shared *s);
void visited_shared_free(struct visited_shared *s);

#endif
