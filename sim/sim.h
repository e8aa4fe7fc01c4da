/*
 * The simulation context: the static facts of one scenario under one knob
 * set (DRC layout and indexes per machine, the libfdt fragments, names), the
 * initial world, and the engine vtable that dispatches to the actor models.
 */
#ifndef DRCSIM_SIM_H
#define DRCSIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include "drc.h"
#include "engine.h"
#include "scenario.h"
#include "world.h"

struct trace;

/* drc.dev value of a device that has no QOM id: boot cores, the default PHB. */
#define DRC_DEV_BUILTIN 0xff

struct sim_machine {
    uint8_t ndrcs;
    uint8_t cpu_first, ncpu;      /* DRC slots of each class */
    uint8_t lmb_first, nlmb;
    uint8_t phb_first, nphb;
    uint8_t pci_first, npci;
    uint8_t pmem_first, npmem;
    uint32_t vsmt;                /* spapr->vsmt: CPU DRC id = core-id * vsmt */
    uint32_t lmb_base_id;         /* device-memory base / SPAPR_MEMORY_BLOCK_SIZE */
    struct drc_config drcs[MAX_DRCS];
    struct drc_fragment fragments[MAX_DRCS];
    void *blobs[MAX_DRCS];        /* owned libfdt buffers behind fragments */
};

struct sim {
    const struct scenario *scn;
    struct knob_set knobs;
    char variant[SCN_NAME_LEN];
    struct sim_machine m[MAX_MACHINES];
    uint32_t *row_hits;           /* optional DRC table coverage */
    struct world initial;
    struct engine_model model;
};

/* Build the context and the initial world (machines started, coldplugs done). */
bool sim_init(struct sim *s, const struct scenario *scn, const struct knob_set *ks,
              const char *variant, char *err, unsigned errlen);
void sim_free(struct sim *s);

/* DRC slot of machine m with that index, or -1 (spapr_drc_by_index). */
int sim_drc_by_index(const struct sim *s, int m, uint32_t index);
/* Resolve a scenario DRC name; returns the slot or -1, and the index. */
int sim_resolve_drc(const struct sim *s, const struct world *w, int m, const struct drc_ref *r,
                    uint32_t *index);
/* The QOM id of device number dev+1 as stored in drc.dev ("core1", or NULL). */
const char *sim_dev_id(const struct sim *s, uint8_t drc_dev);
const char *sim_machine_name(const struct sim *s, int m);

/*
 * Does DRC slot (or -1: no such DRC) satisfy pred, given an RTAS result
 * (rc, value) for PRED_RC/PRED_VALUE? On failure sets the first failing
 * PRED_* field and the value seen instead.
 */
bool sim_drc_pred_holds(const struct sim *s, const struct world *w, int m, int slot,
                        const struct drc_pred *pred, int32_t rc, uint32_t value,
                        uint8_t *field, int32_t *got);
const char *sim_pred_field_name(uint8_t field);

/* The engine vtable (sim.c dispatches to the actors). */
unsigned sim_enabled(const void *ctx, const void *world, struct step *out, unsigned max);
void sim_advance(const void *ctx, void *world, uint32_t ms);
void sim_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
               uint32_t step_no, uint64_t t_ms);

#endif
