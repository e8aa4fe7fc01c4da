/*
 * The event engine: knows nothing of the models. It sees an opaque world of
 * world_size bytes and a vtable; it applies the timing-window rule of
 * ARCHITECTURE.md to the steps the models enable, fires one, and provides
 * the seeded PRNG that `run` uses to pick among the fireable steps.
 */
#ifndef DRCSIM_ENGINE_H
#define DRCSIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fingerprint.h"
#include "world.h"

#define ENGINE_MAX_STEPS 64 /* pending steps at one point, all actors together */

struct trace;

/*
 * Footprints for partial-order reduction: a bit per model object (the
 * numbering is the model's). rd holds everything a step may read or assign,
 * wr what it may assign; two steps conflict when one's wr meets the other's rd.
 */
#define FP_WORDS 3
struct fp_set { uint64_t w[FP_WORDS]; };
struct footprint { struct fp_set rd, wr; };

static inline bool fp_meets(const struct fp_set *a, const struct fp_set *b)
{
    uint64_t x = 0;

#pragma GCC unroll 8
    for (int i = 0; i < FP_WORDS; i++)
        x |= a->w[i] & b->w[i];
    return x != 0;
}

static inline void fp_union(struct fp_set *a, const struct fp_set *b)
{
#pragma GCC unroll 8
    for (int i = 0; i < FP_WORDS; i++)
        a->w[i] |= b->w[i];
}

static inline void fp_add(struct fp_set *a, unsigned bit)
{
    a->w[bit / 64] |= 1ull << (bit % 64);
}

static inline void fp_del(struct fp_set *a, unsigned bit)
{
    a->w[bit / 64] &= ~(1ull << (bit % 64));
}

/* The first n bits of a mask (a bit per step or per actor). */
static inline uint64_t bits_below(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static inline bool fp_has(const struct fp_set *a, unsigned bit)
{
    return a->w[bit / 64] >> (bit % 64) & 1;
}

/*
 * An actor's footprint from now on, and what decides its next step. Its
 * steps split at a gate: `all` is what it may do before it passes the gate,
 * `far` what it may do at all, before or after (so far covers all); only a
 * write to a `gate` object opens it (a script blocked at a wait whose
 * condition does not hold yet).
 */
struct actor_future {
    struct footprint all;      /* every step it may take before the gate */
    struct footprint far;      /* every step, before or after it: far covers all */
    struct fp_set gate;        /* objects whose change may open the gate */
    struct fp_set inputs;      /* objects its pending step is computed from */
    uint32_t min_lo;           /* smallest lo > 0 of its steps before the gate, or WINDOW_NEVER */
    /* its gate opens only once no pending step holds quiescence off
     * (engine_model.holds_off_quiescence); at_quiescence_gate: it sits at that
     * gate, with nothing to do but time out */
    bool quiescence_gate, at_quiescence_gate;
};

struct engine_model {
    size_t world_size;
    /* Optional (n = 0: hash the whole world): the 32-byte blocks of a world that its
     * steps may write (world_size a multiple of 32); no step changes the rest */
    struct fingerprint_plan hash;
    const void *ctx;
    /* every pending step of every actor, with its window; returns the count */
    unsigned (*enabled)(const void *ctx, const void *world, struct step *out, unsigned max);
    /* time passes by ms: shift every window the world stores */
    void (*advance)(const void *ctx, void *world, uint32_t ms);
    /* fire one step; tr may be NULL (exploration); step_no/t_ms label the trace */
    void (*apply)(const void *ctx, void *world, const struct step *st, struct trace *tr,
                  uint32_t step_no, uint64_t t_ms);
    /* Optional (NULL: no reduction). actors: how many actor slots step.actor indexes;
     * live_actors: bit per slot that may ever have a step (0: all of them) */
    unsigned actors;
    uint64_t live_actors;
    void (*footprint)(const void *ctx, const void *world, const struct step *st,
                      struct footprint *out);
    /* The actor's future: scratch, filled in, or a copy the model keeps (valid and
     * unchanged while ctx lives: the persistent-set cache knows it by its address), so
     * that a table entry costs no copy */
    const struct actor_future *(*future)(const void *ctx, const void *world, unsigned actor,
                                         struct actor_future *scratch);
    /* Optional (NULL: no future has a quiescence gate): a pending step that keeps every
     * quiescence gate shut while it is pending */
    bool (*holds_off_quiescence)(const void *ctx, const struct step *st);
    /* what a fired step really changed (for --por-check): before and after */
    void (*changed)(const void *ctx, const void *before, const void *after, struct fp_set *out);
    /*
     * Optional symmetry (NULL: none): members the model finds interchangeable.
     * sym_order fills perm (position k takes the state of member perm[k]) and
     * returns the member count, or 0 when world is already in order;
     * sym_apply permutes a world (false: it cannot, use it as it is);
     * sym_step maps a step of the world the same way.
     */
    unsigned (*sym_order)(const void *ctx, const void *world, uint8_t *perm);
    /* Optional with sym_order: the same, writing the world's member keys (sym_keys bytes)
     * to keys, from those it wrote for the parent the step st led from (parent NULL: from
     * scratch) */
    size_t sym_keys;
    unsigned (*sym_order_from)(const void *ctx, const void *parent, const struct step *st,
                               const void *parent_keys, const void *world, void *keys,
                               uint8_t *perm);
    bool (*sym_apply)(const void *ctx, const uint8_t *perm, const void *in, void *out);
    void (*sym_step)(const void *ctx, const uint8_t *perm, struct step *st);
};

#define ENGINE_MAX_MEMBERS 16   /* members of one symmetry group */

/* The steps that may fire next: lo <= the smallest hi. Order is stable. */
unsigned engine_fireable(const struct engine_model *m, const void *world,
                         struct step *out, unsigned max);
/* The same, with the pending steps that cannot fire yet after them (in some order),
 * out[k..*nall). */
unsigned engine_fireable_all(const struct engine_model *m, const void *world,
                             struct step *out, unsigned max, unsigned *nall);

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

/* A bound plus ms, saturating at WINDOW_NEVER (a bound that never comes stays so). */
static inline uint32_t window_add(uint32_t bound, uint32_t ms)
{
    return bound >= WINDOW_NEVER - ms ? WINDOW_NEVER : bound + ms;
}

#endif
