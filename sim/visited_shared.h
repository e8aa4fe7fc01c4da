/*
 * The visited sets that the threads of --jobs add to together: fingerprints
 * (visited_shared.c) go in by compare-and-swap, without a lock, and growth
 * and bitstate adds hold the set alone; whole worlds (visited_striped.c) go
 * into 64 shards, each behind a lock held for one add.
 */
#ifndef DRCSIM_VISITED_SHARED_H
#define DRCSIM_VISITED_SHARED_H

#include <sched.h>
#include "explore.h"
#include "visited.h"

/* One round of a spin-wait for another thread: pause, and yield the CPU every 1,024 rounds
 * (more threads than cores: the one awaited may be off its core). */
static inline void visited_spin(unsigned *spins)
{
    if (++*spins % 1024 == 0)
        sched_yield();
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

struct visited_shared;

/* Fingerprints, for threads numbered 0..threads-1, in budget bytes (0: no bound). */
struct visited_shared *visited_shared_new(size_t budget, unsigned threads);
/*
 * Thread `thread` adds fp. FULL when the budget leaves no room; with
 * bitstate the set goes on in bitstate mode instead, and st->bitstate says so.
 */
enum visited_result visited_shared_add(struct visited_shared *s, unsigned thread, uint64_t fp,
                                       struct explore_stats *st, bool bitstate);
/* Once the threads are done: the table, its count exact. */
const struct visited *visited_shared_table(struct visited_shared *s);
void visited_shared_free(struct visited_shared *s);

struct visited_striped;

/* Whole worlds of world_size bytes, in budget bytes (0: no bound), for any number of threads. */
struct visited_striped *visited_striped_new(size_t budget, size_t world_size);
/* Add world w of fingerprint fp: FULL when its shard's part of the budget leaves no room. */
enum visited_result visited_striped_add(struct visited_striped *s, uint64_t fp, const void *w);
size_t visited_striped_count(const struct visited_striped *s);
size_t visited_striped_bytes(const struct visited_striped *s);
void visited_striped_free(struct visited_striped *s);

#endif
