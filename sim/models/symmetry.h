/*
 * Interchangeable clients: scripts that do the same thing, each to its own
 * hot-plugged core (or each to its own DIMM). Permuting them (scripts,
 * devices, and for cores their DRCs, indexes and bits) maps a world onto an
 * equivalent one, so the search stores one world per orbit: the one whose
 * members are sorted by their state.
 */
#ifndef DRCSIM_SYMMETRY_H
#define DRCSIM_SYMMETRY_H

#include <stdbool.h>
#include <stdint.h>
#include "engine.h"
#include "world.h"

struct sim;
struct step;

#define SYM_MAX_CC 64   /* configure-connector items of a core's fragment */
#define SYM_CC_SLOTS 128   /* > SYM_MAX_CC + 1, a power of 2: the table always has an empty slot */

/* A DIMM member has no core, slot or index of its own (0): its LMBs are wherever it was plugged. */
struct sym_member {
    uint8_t script, device, core;   /* core = core-id */
    uint8_t slot;                   /* its DRC slot, cpu_first + core */
    uint32_t index;                 /* the CPU DRC index, the same on every machine */
};

struct sim_symmetry {
    uint8_t n;                      /* members; below 2: no symmetry */
    uint8_t alike;                  /* clients found alike, even where why_not refused them */
    uint8_t ncc;                    /* configure-connector calls of a full walk */
    uint8_t cpu_first;              /* the same on every machine */
    uint8_t dimm;                   /* 1: the members are DIMM clients, 0: core clients */
    uint8_t nlmb;                   /* DIMM members: the LMBs of each one's DIMM */
    uint16_t key_len;               /* bytes of a member's key, the same in every world */
    struct fp_set shared;           /* objects every member's key reads (symmetry_changed.c) */
    struct fp_set own[MAX_SCRIPTS]; /* those only member k's reads */
    struct sym_member mem[MAX_SCRIPTS];
    uint64_t scripts, devices, cores, slots;   /* the members' bits */
    uint64_t cc_prefix[MAX_SCRIPTS][SYM_MAX_CC + 1];  /* the guest's digest after j calls */
    uint8_t cc_at[MAX_SCRIPTS][SYM_CC_SLOTS];  /* j + 1 by the digest's low bits, 0: empty */
    char why_not[128];              /* the first reason there is none, for the trace */
};

/* Find the members (sim_init, after the fragments are built). */
void symmetry_init(struct sim *s);

/* j + 1 when digest is the guest's digest after j calls on member a's tree, else 0. */
unsigned sym_prefix_of(const struct sim_symmetry *y, int a, uint64_t digest);
/* 1 + the position in member a's script of the line that failed, or 0. */
unsigned sym_failure_at(const struct sim *s, const struct world *w, int a);

/* symmetry_order.c: a member's key length; the order from scratch, or from the keys of
 * the world's parent (engine.h), writing the world's own keys, key_len bytes apart. */
unsigned sym_key_length(const struct sim *s);
unsigned sim_sym_order(const void *ctx, const void *world, uint8_t *perm);
unsigned sim_sym_order_from(const void *ctx, const void *parent, const struct step *st,
                            const void *parent_keys, const void *world, void *keys,
                            uint8_t *perm);
/* symmetry_changed.c: the objects of the members' keys (after footprint_init); bit k set
 * where core member k's key may differ between before and after step st. */
void sym_changed_init(struct sim *s);
uint32_t sym_members_changed(const struct sim *s, const struct world *before,
                             const struct step *st, const struct world *after);
bool sim_sym_apply(const void *ctx, const uint8_t *perm, const void *in, void *out);
void sim_sym_step(const void *ctx, const uint8_t *perm, struct step *st);

#endif
