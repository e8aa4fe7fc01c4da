/*
 * The event engine: knows nothing of the models. It sees an opaque world of
 * world_size bytes and a vtable; it applies the timing-window rule of
 * ARCHITECTURE.md to the steps the models enable, fires one, and provides
 * the seeded PRNG that `run` uses to pick among the fireable steps.
 */
#ifndef DRCSIM_ENGINE_H
#define DRCSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "world.h"

#define ENGINE_MAX_STEPS 64 /* pending steps at one point, all actors together */

struct trace;

struct engine_model {
    size_t world_size;
    const void *ctx;
    /* every pending step of every actor, with its window; returns the count */
    unsigned (*enabled)(const void *ctx, const void *world, struct step *out, unsigned max);
    /* time passes by ms: shift every window the world stores */
    void (*advance)(const void *ctx, void *world, uint32_t ms);
    /* fire one step; tr may be NULL (exploration); step_no/t_ms label the trace */
    void (*apply)(const void *ctx, void *world, const struct step *st, struct trace *tr,
                  uint32_t step_no, uint64_t t_ms);
};

/* The steps that may fire next: lo <= the smallest hi. Order is stable. */
unsigned engine_fireable(const struct engine_model *m, const void *world,
                         struct step *out, unsigned max);

/* Advance the clock to max(now, now + lo), shift the windows, apply. */
void engine_fire(const struct engine_model *m, void *world, const struct step *st,
                 struct trace *tr, uint32_t step_no, uint64_t *now_ms);

/* splitmix64: tiny, seedable, identical on every platform. */
struct engine_prng { uint64_t state; };
void engine_prng_seed(struct engine_prng *p, uint64_t seed);
uint64_t engine_prng_next(struct engine_prng *p);
uint32_t engine_prng_below(struct engine_prng *p, uint32_t n);

/* Window arithmetic helpers for models: shift a relative bound by ms. */
static inline uint32_t window_shift(uint32_t bound, uint32_t ms)
{
    if (bound == WINDOW_NEVER)
        return bound;
    return bound > ms ? bound - ms : 0;
}

#endif
