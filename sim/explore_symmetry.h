/*
 * Symmetry in the search (explore_symmetry.c): the visited-set key of a
 * world up to the model's interchangeable members, its fingerprint, and the
 * --por-check proofs that a permutation commutes with a step and that the
 * bytes left out of the fingerprint stay as they were.
 */
#ifndef DRCSIM_EXPLORE_SYMMETRY_H
#define DRCSIM_EXPLORE_SYMMETRY_H

#include "explore.h"

/* --symmetry on|off into *off (NULL text: on); false when text is neither. */
bool symmetry_parse(const char *text, bool *off);

/* The fingerprint of w's representative (on: with the model's symmetry);
 * *stored is w itself or scratch holding the representative. */
uint64_t sym_key(const struct engine_model *m, bool on, const void *w, void *scratch,
                 const void **stored);

/*
 * The same, keeping the model's member keys (engine.h sym_keys) beside the
 * world: p->keys receives w's, computed from those of the parent p->world
 * that p->step led from (NULL: from scratch) where the model can. p NULL:
 * none kept.
 */
struct sym_parent {
    const void *world, *world_keys;
    const struct step *step;
    void *keys;
};
uint64_t sym_key_from(const struct engine_model *m, bool on, const struct sym_parent *p,
                      const void *w, void *scratch, const void **stored);
/* --por-check: the keys kept for w are those computed from scratch (a model with
 * sym_order_from). */
bool sym_keys_fresh(const struct engine_model *m, const void *w, const void *keys);

/* The fingerprint of a world: of the blocks its steps may write, where the
 * model names them (hash), else of all of it. */
uint64_t world_fingerprint(const struct engine_model *m, const void *w);
/* A step from before to after left every byte outside the model's hash blocks
 * as it was (--por-check). */
bool world_outside_blocks_same(const struct engine_model *m, const void *before,
                               const void *after);

/* The permutation sym_order picks for w maps step (fired: child) onto a step
 * of the permuted world with the permuted child and the same verdict. */
bool sym_check(const struct engine_model *m, const struct checker *c, const void *w,
               const struct step *step, const void *child);

#endif
