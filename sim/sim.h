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
#include "symmetry.h"
#include "world.h"

struct trace;

/* drc.dev value of a device that has no QOM id: boot cores, the default PHB. */
#define DRC_DEV_BUILTIN 0xff

#define SIM_INDEX_SLOTS 64        /* > MAX_DRCS: open addressing always finds an empty one */
_Static_assert((SIM_INDEX_SLOTS & (SIM_INDEX_SLOTS - 1)) == 0, "sim_index_hash takes top bits");
_Static_assert(MAX_DRCS < SIM_INDEX_SLOTS, "the DRC index table must keep an empty slot");
_Static_assert(ACTOR_COUNT <= 32, "sim.live and world.busy are a bit per actor");

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
    uint8_t by_index[SIM_INDEX_SLOTS]; /* slot + 1 by the hash of its DRC index, 0: none */
};

struct sim {
    const struct scenario *scn;   /* = own: the scenario plus implicit devices */
    struct scenario *own;
    uint64_t cc_digest[MAX_MACHINES][MAX_DRCS]; /* a full configure-connector walk, hashed */
    struct knob_set knobs;
    char variant[SCN_NAME_LEN];
    struct sim_machine m[MAX_MACHINES];
    uint32_t *row_hits;           /* optional DRC table coverage */
    /* partial-order reduction (footprint.c): what a script may still touch */
    struct line_future { struct footprint fp; uint32_t min_lo; } line_future[MAX_LINES + 1];
    struct line_future line_step[MAX_LINES];     /* one line's own steps */
    struct fp_set wait_in[MAX_LINES];            /* what a wait line's condition reads */
    uint8_t may_restart[MAX_LINES];   /* from this line on a script may restart a machine: */
                                      /* bit 0, bit 1 in phase 3 (machine_may_restart) */
    uint16_t restart_scripts;         /* the scripts with such a line */
    uint8_t dev_obj[MAX_MACHINES][MAX_DEVICES];  /* object bit of each device, per machine */
    struct actor_future fixed_future[ACTOR_COUNT]; /* whole futures the scenario alone decides: */
                                      /* libvirt, timers, migration, a script not running */
    struct actor_future script_stop[MAX_LINES];  /* a script at the line in phase 0, its next */
                                                 /* wait (if any) not holding */
    struct line_future wait_pre[MAX_LINES];      /* the line's steps and those up to that wait */
    int16_t next_wait[MAX_LINES];                /* that wait, or -1 */
    struct footprint line_later[MAX_LINES];      /* a line's steps in its later phases: */
    uint8_t line_later_from[MAX_LINES];          /* from this phase on (0: none) */
    uint8_t line_later_to[MAX_LINES];            /* up to this one */
    struct footprint irq_step[MAX_MACHINES];     /* the guest's interrupt handler and rtasd on m */
    struct actor_future guest_future[ACTOR_GUEST_RTASD - ACTOR_GUEST_BOOT + 1][MAX_MACHINES];
                                      /* each guest actor with the guest on machine m */
    struct actor_future restart_future[MAX_MACHINES + 1]; /* boot on m, [MAX_MACHINES] migration, */
                                                          /* while a machine may restart */
    struct sim_symmetry sym;      /* interchangeable clients (symmetry.c) */
    uint64_t live;                /* bit per actor this scenario has: its scripts, the guest's, */
                                  /* migration, libvirt and its machines' timers */
    uint64_t may_step;            /* those of them that can ever have a step: not the timers */
                                  /* with qemu.cpu-unplug-timeout off */
    struct world initial;
    struct engine_model model;
};

/* Build the context and the initial world (machines started, coldplugs done). */
bool sim_init(struct sim *s, const struct scenario *scn, const struct knob_set *ks,
              const char *variant, char *err, unsigned errlen);
void sim_free(struct sim *s);

/* Fibonacci hashing of a DRC index into SIM_INDEX_SLOTS: the product's top bits. */
static inline unsigned sim_index_hash(uint32_t index)
{
    return (index * 0x9e3779b1u) >> (32 - __builtin_ctz(SIM_INDEX_SLOTS));
}

/* DRC slot of machine m with that index, or -1 (spapr_drc_by_index).
 * Inline: every guest RTAS call and configure-connector step resolves one. */
static inline int sim_drc_by_index(const struct sim *s, int m, uint32_t index)
{
    const struct sim_machine *sm = &s->m[m];

    for (unsigned h = sim_index_hash(index);; h = (h + 1) % SIM_INDEX_SLOTS) {
        unsigned v = sm->by_index[h];
        if (!v || sm->drcs[v - 1].index == index)
            return (int)v - 1;
    }
}
/* spapr_drc_needed of DRC slot on machine m, under this run's qemu.migrate-unplug-requested. */
bool sim_drc_needed(const struct sim *s, int m, int slot, const struct spapr_drc *d);
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

/* Step kinds, per actor (struct actor.kind; 0 = nothing pending). */
enum step_kind {
    STEP_NONE = 0,
    STEP_SCRIPT_LINE,       /* perform the script's current line (or its next phase) */
    STEP_SCRIPT_WAKE,       /* a wait's condition holds: the client wakes up */
    STEP_SCRIPT_TIMEOUT,    /* a wait's deadline passed */
    STEP_SCRIPT_JOB_TIMEOUT,/* "cannot acquire state change lock" after 30 s */
    STEP_GUEST_CAS,         /* firmware: ibm,client-architecture-support */
    STEP_GUEST_HP_IRQ,      /* init_ras_hotplug_IRQ (late initcall) */
    STEP_GUEST_IRQ,         /* ras_hotplug_interrupt / ras_epow_interrupt */
    STEP_GUEST_WORK,        /* one DLPAR sub-step of pseries_hp_wq */
    STEP_GUEST_EVENT_SCAN,  /* rtasd: event-scan */
    STEP_MIGRATION_SWITCHOVER,
    STEP_LIBVIRT_EVENT,     /* libvirt's event loop handles one QMP event */
    STEP_LIBVIRT_WORKER,    /* processDeviceDeletedEvent */
    STEP_QEMU_UNPLUG_TIMEOUT, /* qemu.cpu-unplug-timeout expires */
    STEP_GUEST_IRQ_RTAS,    /* ras_hotplug_interrupt's check-exception (guest.rtas-lock-wait) */
    STEP_QEMU_IO_COMPLETE,  /* the guest's virtio-blk request completes: its interrupt */
};

/* What an actor would do next, as a model says it: kind 0 = nothing. */
struct pending { uint8_t kind, arg; uint32_t lo, hi; };

/* Everything a model's step needs: the context, the world, where to trace. */
struct step_ctx {
    const struct sim *s;
    struct world *w;
    struct trace *tr;
    uint32_t step_no;
    uint64_t t_ms;
};

/* Re-arm actor windows after a step (sim.c); also run once on the initial world. */
void sim_normalize(const struct sim *s, struct world *w);
/* The guest's machine, or -1 when the scenario has no Linux guest. */
int sim_guest_machine(const struct sim *s, const struct world *w);

/* The engine vtable (sim.c dispatches to the actors). */
unsigned sim_enabled(const void *ctx, const void *world, struct step *out, unsigned max);
void sim_advance(const void *ctx, void *world, uint32_t ms);
void sim_apply(const void *ctx, void *world, const struct step *st, struct trace *tr,
               uint32_t step_no, uint64_t t_ms);

#endif
