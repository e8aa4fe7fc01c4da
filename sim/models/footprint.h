/*
 * Footprints of the models' steps for partial-order reduction: the world's
 * objects as bits (a DRC with the device on it, a machine's event queue, the
 * guest's work queue, libvirt's job…), what one step touches, what an actor
 * may still touch, and what a fired step really changed (--por-check).
 */
#ifndef DRCSIM_FOOTPRINT_H
#define DRCSIM_FOOTPRINT_H

#include "engine.h"

struct sim;

/* Object bits. Per machine m (base m * 64, one word each): */
#define OBJ_DRC(m, slot)   ((m) * 64 + (slot))  /* a DRC, the device on it, its bits */
#define OBJ_MQ(m)          ((m) * 64 + 40)      /* spapr->pending_events, the IRQ latch */
#define OBJ_MRUN(m)        ((m) * 64 + 41)      /* runstate, CAS, migration status */
#define OBJ_DIMMS(m)       ((m) * 64 + 42)      /* DIMM devices (their LMBs are DRCs) */
#define OBJ_TCG(m)         ((m) * 64 + 43)      /* a vCPU was unrealized */
#define OBJ_ABORT(m)       ((m) * 64 + 44)      /* QEMU aborted: the branch ends */
#define OBJ_MQ_UNLATCH(m)  ((m) * 64 + 45)      /* the IRQ latch taken (cleared) */
#define OBJ_MACHINE_LAST   45
#define OBJ_ANY            127                  /* set only where a step may touch anything */
/* Global: */
#define OBJ_GUEST_BOOT     128                  /* which machine, boot phase */
#define OBJ_GUEST_WQ_HEAD  129                  /* pseries_hp_wq: the entry taken next */
#define OBJ_GUEST_OP       130                  /* the DLPAR operation, LMBs, errors */
#define OBJ_MIGRATION      131
#define OBJ_LV_JOB         132                  /* the domain job, migration bookkeeping */
#define OBJ_LV_UNPLUG      133                  /* priv->unplug */
#define OBJ_LV_EVENTS      134                  /* QMP events on their way to libvirt, its worker's */
#define OBJ_FAILURE        135                  /* the first failed script line */
#define OBJ_SCRIPT(i)      (136 + (i))          /* a script's position */
#define OBJ_GUEST_CORE(k)  (146 + (k))          /* cpu node and online bit of core k */
#define OBJ_GUEST_WQ_TAIL  156                  /* pseries_hp_wq: where entries are added */
#define OBJ_GUEST_RASLOG   157                  /* ras_log_buf, and the handler under its lock */
#define OBJ_LV_DEV(d)      (160 + (d))          /* libvirt's per-device bits */
#define OBJ_COUNT          (160 + MAX_DEVICES)

/* Fill the per-scenario tables: each line's footprint, the scripts' and the
 * other actors' futures as far as the scenario decides them; called by sim_init. */
void footprint_init(struct sim *s);

/* The engine_model hooks. */
void sim_footprint(const void *ctx, const void *world, const struct step *st,
                   struct footprint *out);
const struct actor_future *sim_future(const void *ctx, const void *world, unsigned actor,
                                      struct actor_future *scratch);
void sim_changed(const void *ctx, const void *before, const void *after, struct fp_set *out);

/* Name of an object bit, e.g. "DRC src/0x10000001" (for --por-check messages). */
const char *footprint_object_name(const struct sim *s, unsigned bit, char *buf, size_t len);

#endif
