/*
 * The QEMU pseries machine model as the other actors see it: QMP commands,
 * RTAS calls and machine reset, each acting on one machine of the world.
 * spapr.c holds device plug/unplug and reset, spapr_rtas.c the RTAS entry
 * points and DRC effects, spapr_events.c the hotplug event queue.
 */
#ifndef DRCSIM_SPAPR_H
#define DRCSIM_SPAPR_H

#include <stdbool.h>
#include <stddef.h>
#include "drc.h"
#include "sim.h"
#include "trace.h"

/* RTAS_LOG_V6_HP_* (hw/ppc/spapr_events.c) */
enum { RTAS_LOG_V6_HP_TYPE_CPU = 1, RTAS_LOG_V6_HP_TYPE_MEMORY = 2, RTAS_LOG_V6_HP_TYPE_SLOT = 3,
       RTAS_LOG_V6_HP_TYPE_PHB = 4, RTAS_LOG_V6_HP_TYPE_PCI = 5, RTAS_LOG_V6_HP_TYPE_PMEM = 6 };
enum { RTAS_LOG_V6_HP_ACTION_ADD = 1, RTAS_LOG_V6_HP_ACTION_REMOVE = 2 };
enum { RTAS_LOG_V6_HP_ID_DRC_NAME = 1, RTAS_LOG_V6_HP_ID_DRC_INDEX = 2,
       RTAS_LOG_V6_HP_ID_DRC_COUNT = 3, RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED = 4 };
/* event source masks (spapr_events.c: EVENT_CLASS_*) */
#define RTAS_EVENT_MASK_EPOW    0x40000000u
#define RTAS_EVENT_MASK_HOTPLUG 0x10000000u

struct rtas_ret { int32_t rc; uint32_t value; };

/* Machine creation: DRCs realized, boot core and -device coldplugs, reset. later: the
 * `device` lines not on the command line, device_added once QEMU is up (bit per device). */
bool spapr_machine_start(const struct sim *s, struct world *w, int m, uint32_t later, char *err,
                         size_t errlen);

/* QMP; false with QEMU's error message in err on failure. */
bool qmp_device_add(const struct sim *s, struct world *w, int m, uint8_t dev,
                    struct trace *tr, char *err, size_t errlen);
/* The same with a DIMM's address (libvirt's addr=) in LMBs, address / 256M; -1: none. */
bool qmp_device_add_at(const struct sim *s, struct world *w, int m, uint8_t dev, int dimm_addr_id,
                       struct trace *tr, char *err, size_t errlen);
bool qmp_device_del(const struct sim *s, struct world *w, int m, uint8_t dev,
                    struct trace *tr, char *err, size_t errlen);
/* A DIMM's LMBs (its size / 256M). */
int spapr_dimm_lmbs(const struct sim *s, uint8_t dev);
/* The first LMB slot a DIMM's pre-plug gives it (addr_id: an address hint in LMBs, or -1),
 * or -1 with QEMU's error (spapr_dimm_addr.c). */
int spapr_dimm_find_slot(const struct sim *s, const struct world *w, int m, uint8_t dev,
                         int addr_id, char *err, size_t errlen);
/* A -device on the command line of a machine already started (libvirt's destination);
 * dimm_addr_id as for qmp_device_add_at. */
bool spapr_coldplug(const struct sim *s, struct world *w, int m, uint8_t dev, int dimm_addr_id,
                    char *err, size_t errlen);
/* spapr_machine_reset (as one step). */
void qmp_system_reset(const struct sim *s, struct world *w, int m, struct trace *tr);
/* system_reset with the guest's I/O in flight: false while the device reset drains it
 * (machine resetting, BQL dropped), then spapr_system_reset_finish does the rest. */
bool spapr_system_reset_begin(const struct sim *s, struct world *w, int m, struct trace *tr);
void spapr_system_reset_finish(const struct sim *s, struct world *w, int m, struct trace *tr);

/* RTAS calls the guest makes (hw/ppc/spapr_drc.c, spapr_events.c). */
struct rtas_ret rtas_set_indicator(const struct sim *s, struct world *w, int m, uint32_t type,
                                   uint32_t index, uint32_t value, struct trace *tr);
struct rtas_ret rtas_get_sensor_state(const struct sim *s, struct world *w, int m, uint32_t type,
                                      uint32_t index, struct trace *tr);
struct rtas_ret rtas_ibm_configure_connector(const struct sim *s, struct world *w, int m,
                                             uint32_t index, struct trace *tr,
                                             struct drc_cc_item *item);
struct rtas_ret rtas_check_exception(const struct sim *s, struct world *w, int m, uint32_t mask,
                                     struct spapr_event_entry *out, struct trace *tr);
struct rtas_ret rtas_event_scan(const struct sim *s, struct world *w, int m, struct trace *tr);

/* do_client_architecture_support (spapr_hcall.c): true if it reset the machine. */
bool spapr_client_architecture_support(struct step_ctx *c, int m, uint8_t ov5_requested);
/* QMP stop: running -> paused (in INMIGRATE: no autostart). */
void qmp_stop(const struct sim *s, struct world *w, int m);
/* QMP cont: prelaunch or paused -> running. */
bool qmp_cont(const struct sim *s, struct world *w, int m, char *err, size_t errlen);
/* spapr_build_fdt (spapr_fdt.c): the tree QEMU hands the guest, summarized. */
void spapr_build_fdt(const struct sim *s, struct world *w, int m);

/* qemu.tcg-stale-vcpu: true (and QEMU aborted) on a memory-region change after a vCPU unplug. */
bool spapr_tcg_stale_vcpu(const struct sim *s, struct world *w, int m, struct trace *tr);

/* Shared between spapr*.c. */
void spapr_irq_pulse(const struct sim *s, struct world *w, int m);
/* Run op on a DRC and what follows for the machine; fills *o unless NULL, returns the rc. */
int spapr_drc_op(const struct sim *s, struct world *w, int m, int slot, enum drc_op op,
                 uint8_t dev, uint32_t value, struct trace *tr, struct drc_outcome *o);
void spapr_drc_reset_all(const struct sim *s, struct world *w, int m, struct trace *tr);
void spapr_release_device(const struct sim *s, struct world *w, int m, int slot, uint8_t drc_dev,
                          struct trace *tr);
void spapr_memory_unplug_rollback(const struct sim *s, struct world *w, int m, uint8_t drc_dev,
                                  struct trace *tr);
void spapr_emit_event(const struct sim *s, struct world *w, int m, uint8_t ev, uint8_t drc_dev,
                      struct trace *tr);
void spapr_abort(const struct sim *s, struct world *w, int m, uint8_t reason, int slot,
                 struct trace *tr);
void spapr_hotplug_req_event(const struct sim *s, struct world *w, int m, uint8_t hp_type,
                             uint8_t action, uint8_t id_type, uint8_t count, uint32_t index,
                             struct trace *tr);
void spapr_clear_pending_hotplug_events(struct world *w, int m);
void spapr_clear_pending_events(struct world *w, int m);
bool spapr_memory_hot_unplug_supported(const struct sim *s, const struct world *w, int m);

/* PVRs (target/ppc/cpu-models.h): POWER8 v2.0, POWER9 v2.0; logical compat PVRs */
#define CPU_POWERPC_POWER8_v20   0x004d0200u
#define CPU_POWERPC_POWER9_DD20  0x004e1200u
#define CPU_POWERPC_LOGICAL_2_07 0x0f000004u
#define CPU_POWERPC_LOGICAL_3_00 0x0f000005u

/* The logical PVR of a generation's compat mode (enum cpu_model). */
static inline uint32_t cpu_logical_pvr(int model)
{
    return model == CPU_POWER8 ? CPU_POWERPC_LOGICAL_2_07 : CPU_POWERPC_LOGICAL_3_00;
}

/* The vCPUs' compat PVR (spapr_compat.c). */
void spapr_compat_reset(const struct sim *s, struct world *w, int m);
void spapr_compat_cas(const struct sim *s, struct world *w, int m);
void spapr_compat_core_plug(const struct sim *s, struct world *w, int m, int core);
bool spapr_compat_load(const struct sim *s, struct world *w, int src, int dst);
/* The compat PVR the destination could not set for vCPU's section, 0: it refused a raw PVR. */
uint32_t spapr_compat_refused(const struct sim *s, const struct world *w, int src, int vcpu);

/* qemu.cpu-unplug-timeout (spapr_unplug_timer.c): a timer per core DRC, armed by device_del
 * and by the destination's load; it counts down while the VM runs (advance), and is zero
 * where no unplug is pending (settle). The timer due first is out[m] (kind 0: none). */
void spapr_unplug_timer_arm(const struct sim *s, struct world *w, int m, int slot);
void spapr_unplug_timer_advance(const struct sim *s, struct world *w, uint32_t ms);
void spapr_unplug_timer_settle(const struct sim *s, struct world *w);
void spapr_unplug_timer_pending(const struct sim *s, const struct world *w, struct pending *out);
/* The smallest lo > 0 a timer step of machine m may take from w on (footprint_future.c). */
uint32_t spapr_unplug_timer_min_lo(const struct sim *s, const struct world *w, int m);
void spapr_unplug_timer_apply(struct step_ctx *c, const struct step *st);
int spapr_unplug_timer_remaining_sec(const struct sim *s, const struct world *w, int m, int slot);
/* The interrupt controllers and the guest's virtio-blk request (spapr_irq.c). */
bool spapr_offers_xive(const struct sim *s, int m);
/* The destination has an instance for each of the source's XIVE sections. */
bool spapr_irq_load(const struct sim *s, int src, int dst);
bool spapr_irq_xive_active(const struct sim *s, const struct world *w, int m);
void spapr_irq_update_active_intc(const struct sim *s, struct world *w, int m);
void spapr_io_submit(const struct sim *s, struct world *w, int m);
void spapr_io_pending(const struct sim *s, const struct world *w, struct pending *out);
void spapr_io_apply(struct step_ctx *c, const struct step *st);
const char *spapr_event_describe(const struct spapr_event_entry *e, char *buf, size_t len);
const char *qemu_abort_message(uint8_t reason);
/* The model's own queues were full (MAX_EVENTS, MAX_GUEST_WORK): the branch ends, but real
 * QEMU and Linux have no such bound, so it is no abort of theirs. */
static inline bool qemu_abort_is_model_bound(uint8_t reason)
{
    return reason == QEMU_ABORT_EVENT_OVERFLOW || reason == QEMU_ABORT_WORK_OVERFLOW;
}

/* An abort on a DRC (abort_drc names it), not of the machine as a whole. */
static inline bool qemu_abort_has_drc(uint8_t reason)
{
    return reason != QEMU_ABORT_TCG_STALE_VCPU && reason != QEMU_ABORT_KVM_XICS_FD &&
           reason != QEMU_ABORT_FDT;
}

#endif
