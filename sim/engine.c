/*
 * The timing-window rule and the seeded PRNG. A pending step may fire next
 * iff its lo <= the smallest hi among all pending steps; firing advances the
 * clock by lo, which admits exactly the orderings some assignment of delays
 * inside the windows would produce (ARCHITECTURE.md "Timing").
 */
#include "engine.h"

unsigned engine_fireable_all(const struct engine_model *m, const void *world,
                             struct step *out, unsigned max, unsigned *nall)
{
    unsigned n = m->enabled(m->ctx, world, out, max);
    uint32_t min_hi = WINDOW_NEVER;
    unsigned k = 0;

    for (unsigned i = 0; i < n; i++)
        if (out[i].hi < min_hi)
            min_hi = out[i].hi;
    for (unsigned i = 0; i < n; i++)   /* the fireable keep their order, the others follow */
        if (out[i].lo <= min_hi) {
            if (i != k) {
                struct step t = out[k];
                out[k] = out[i];
                out[i] = t;
            }
            k++;
        }
    if (nall)
        *nall = n;
    return k;
}

unsigned engine_fireable(const struct engine_model *m, const void *world,
                         struct step *out, unsigned max)
{
    return engine_fireable_all(m, world, out, max, NULL);
}

void engine_fire(const struct engine_model *m, void *world, const struct step *st,
                 struct trace *tr, uint32_t step_no, uint64_t *now_ms)
{
    uint64_t now = now_ms ? *now_ms : 0;

    if (st->lo > 0) {
        m->advance(m->ctx, world, st->lo);
        now += st->lo;
        if (now_ms)
            *now_ms = now;
    }
    m->apply(m->ctx, world, st, tr, step_no, now);
}

void engine_prng_seed(struct engine_prng *p, uint64_t seed)
{
    p->state = seed;
}

uint64_t engine_prng_next(struct engine_prng *p)
{
    uint64_t z = (p->state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Lemire's multiply-shift with rejection: unbiased in [0, n). */
uint32_t engine_prng_below(struct engine_prng *p, uint32_t n)
{
    uint64_t m = (uint64_t)(uint32_t)engine_prng_next(p) * n;
    uint32_t low = (uint32_t)m;

    if (low < n) {
        uint32_t t = -n % n;
        while (low < t) {
            m = (uint64_t)(uint32_t)engine_prng_next(p) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}
