/*
 * Partial-order reduction over the engine's footprint hooks, knowing nothing
 * of the models: the persistent set a reduced search expands at a state, and
 * the independence of two fireable steps that sleep sets rely on.
 */
#ifndef DRCSIM_EXPLORE_POR_H
#define DRCSIM_EXPLORE_POR_H

#include <stdbool.h>
#include <stdint.h>
#include "engine.h"

enum por_mode { POR_NONE, POR_SLEEP, POR_DPOR };

#define POR_MAX_ACTORS 64

const char *por_mode_name(enum por_mode mode);
bool por_mode_parse(const char *text, enum por_mode *out);   /* false if unknown */

/*
 * Persistent sets remembered by what decides them (explore_por_cache.c): a
 * key is every live actor's future (a model's table entry by its address,
 * engine.h), fireable step, footprint, window and pending window. One per
 * search or thread; nothing in it outlives the model.
 */
struct por_cache;
#define POR_KEY_MAX_WORDS (4 + POR_MAX_ACTORS * (3 + 8 * FP_WORDS))   /* view_key at most */
struct por_key {
    uint64_t hash, set;            /* set: the persistent set, once kept */
    unsigned words;
    uint64_t w[];
};
struct por_cache *por_cache_new(void);
void por_cache_free(struct por_cache *c);
struct por_key *por_cache_key(struct por_cache *c);   /* fill w[] and words, then find */
bool por_cache_find(struct por_cache *c, uint64_t *set);
void por_cache_keep(struct por_cache *c, uint64_t set);   /* under the key just looked up */

/*
 * A persistent set among the n fireable steps st[] of world w, as a bit per
 * step: the smallest set of actors, grown from each seed, such that nothing
 * the other actors may still do can touch it before one of its steps fires.
 * All n bits when no smaller set exists or the model has no footprints.
 * st[n..nall) are the pending steps that cannot fire yet (engine_fireable_all).
 * cache (NULL: none) answers for a view met before.
 */
uint64_t por_persistent(const struct engine_model *m, struct por_cache *cache, const void *w,
                        const struct step *st, unsigned n, unsigned nall);

/* Do fireable steps a and b of w commute (sleep sets)? Both must have lo 0. */
bool por_independent(const struct engine_model *m, const void *w, const struct step *a,
                     const struct step *b);

/* Sleep sets: the actors of w's steps st[0..n) that were tried (a bit per step) or asleep
 * (a bit per actor) and whose steps commute with st[k] stay asleep in st[k]'s child. */
uint64_t por_child_sleep(const struct engine_model *m, const void *w, const struct step *st,
                         unsigned n, uint64_t tried, uint64_t asleep, unsigned k);
/* The same under mode: --por sleep's; under the others only the actors asleep already (a
 * job's prefix, cli_split.c) stay asleep while the steps taken commute with theirs. */
static inline uint64_t por_child_sleep_in(enum por_mode mode, const struct engine_model *m,
                                          const void *w, const struct step *st, unsigned n,
                                          uint64_t tried, uint64_t asleep, unsigned k)
{
    if (mode != POR_SLEEP && !asleep)
        return 0;
    return por_child_sleep(m, w, st, n, mode == POR_SLEEP ? tried : 0, asleep, k);
}

/* --por-check: do a then b and b then a (both fireable in w) reach the same world?
 * scratch1/2 hold world_size bytes each. */
bool por_diamond(const struct engine_model *m, const void *w, const struct step *a,
                 const struct step *b, void *scratch1, void *scratch2);

#endif
