/*
 * Symmetry for the search, from the engine's sym_* hooks alone: the
 * visited-set key of a world is the fingerprint of its representative (its
 * members in order), and --por-check proves each permutation it uses maps
 * the world's steps, successors and verdicts onto the permuted world's.
 */
#include <string.h>
#include "explore_symmetry.h"
#include "fingerprint.h"

bool symmetry_parse(const char *text, bool *off)
{
    *off = text && !strcmp(text, "off");
    return !text || *off || !strcmp(text, "on");
}

/* The world in its members' order: apart, so that a model without members pays no frame. */
static __attribute__((noinline)) uint64_t sym_key_ordered(const struct engine_model *m,
                                                          const struct sym_parent *p,
                                                          const void *w, void *scratch,
                                                          const void **stored)
{
    uint8_t perm[ENGINE_MAX_MEMBERS];
    unsigned moved = p && m->sym_order_from
                   ? m->sym_order_from(m->ctx, p->world, p->step, p->world_keys, w, p->keys, perm)
                   : m->sym_order(m->ctx, w, perm);

    if (moved && m->sym_apply(m->ctx, perm, w, scratch))
        *stored = scratch;
    return world_fingerprint(m, *stored);
}

uint64_t sym_key_from(const struct engine_model *m, bool on, const struct sym_parent *p,
                      const void *w, void *scratch, const void **stored)
{
    *stored = w;
    if (on && m->sym_order)
        return sym_key_ordered(m, p, w, scratch, stored);
    return world_fingerprint(m, w);
}

uint64_t sym_key(const struct engine_model *m, bool on, const void *w, void *scratch,
                 const void **stored)
{
    return sym_key_from(m, on, NULL, w, scratch, stored);
}

bool sym_keys_fresh(const struct engine_model *m, const void *w, const void *keys)
{
    uint8_t perm[ENGINE_MAX_MEMBERS];
    void *fresh;
    bool same;

    fresh = g_malloc(m->sym_keys);
    m->sym_order_from(m->ctx, NULL, NULL, NULL, w, fresh, perm);
    same = !memcmp(fresh, keys, m->sym_keys);
    g_free(fresh);
    return same;
}

uint64_t world_fingerprint(const struct engine_model *m, const void *w)
{
    return m->hash.n ? fingerprint_blocks(w, &m->hash) : fingerprint(w, m->world_size);
}

bool world_outside_blocks_same(const struct engine_model *m, const void *before,
                               const void *after)
{
    const unsigned char *a = before, *b = after;

    for (size_t i = 0; m->hash.n && i < m->world_size; i++)
        if (a[i] != b[i] && !(m->hash.blocks >> (i / FINGERPRINT_BLOCK) & 1))
            return false;
    return true;
}

/* The step of st[] equal to want (actor, kind, arg and window), or -1. */
static int find_step(const struct step *st, unsigned n, const struct step *want)
{
    for (unsigned i = 0; i < n; i++)
        if (!memcmp(&st[i], want, sizeof(*want)))
            return (int)i;
    return -1;
}

bool sym_check(const struct engine_model *m, const struct checker *c, const void *w,
               const struct step *step, const void *child)
{
    uint8_t perm[ENGINE_MAX_MEMBERS];
    struct step st[ENGINE_MAX_STEPS], pst[ENGINE_MAX_STEPS], mapped = *step;
    struct violation v[EXPLORE_MAX_FAMILIES];
    void *pw = g_malloc(m->world_size), *pchild = g_malloc(m->world_size);
    void *want = g_malloc(m->world_size);
    unsigned n, pn;
    bool ok = true;
    int i;

    if (!m->sym_order || !m->sym_order(m->ctx, w, perm) || !m->sym_apply(m->ctx, perm, w, pw))
        goto out;
    n = engine_fireable(m, w, st, ENGINE_MAX_STEPS);
    pn = engine_fireable(m, pw, pst, ENGINE_MAX_STEPS);
    m->sym_step(m->ctx, perm, &mapped);
    ok = n == pn && (i = find_step(pst, pn, &mapped)) >= 0;
    if (!ok)
        goto out;
    memcpy(pchild, pw, m->world_size);
    engine_fire(m, pchild, &pst[i], NULL, 0, NULL);
    if (m->sym_apply(m->ctx, perm, child, want))
        ok = !memcmp(want, pchild, m->world_size);

    ok = ok && c->step(c->ctx, child, step, v) == c->step(c->ctx, pchild, &pst[i], v);
out:
    g_free(pw);
    g_free(pchild);
    g_free(want);
    return ok;
}
