/*
 * The Linux pseries guest (arch/powerpc/platforms/pseries/): boot with CAS
 * and the late hotplug IRQ, ras_hotplug_interrupt, the ordered DLPAR work
 * queue with the exact RTAS sequences of CPU and LMB add/remove, rtasd's
 * event-scan, and user actions. guest_dlpar*.c hold the DLPAR operations.
 */
#ifndef DRCSIM_GUEST_OS_H
#define DRCSIM_GUEST_OS_H

#include "sim.h"
#include "trace.h"

enum dlpar_kind { DLPAR_NONE, DLPAR_CPU_ADD, DLPAR_CPU_REMOVE, DLPAR_MEM_ADD, DLPAR_MEM_REMOVE };
enum dlpar_prim { PRIM_NONE, PRIM_ACQUIRE, PRIM_RELEASE, PRIM_UNISOLATE, PRIM_CONFIGURE };

/* Initial world: the VM boots on its first machine that runs. */
void guest_start(const struct sim *s, struct world *w);
/* Pending steps of ACTOR_GUEST_BOOT..ACTOR_GUEST_RTASD, into all[actor] (kind 0: none). */
void guest_pending(const struct sim *s, const struct world *w, struct pending *all);
bool guest_event_scan_pulses(const struct sim *s, const struct world *w);
/* The worker's next sub-step offlines an LMB (guest_dlpar_mem.c). */
bool dlpar_memory_offlines_next(const struct sim *s, const struct world *w);
void guest_apply(struct step_ctx *c, const struct step *st);
/* A reset that drains the guest's I/O runs with the vCPUs paused (main_loop_should_exit):
 * no guest step meanwhile (all[]: guest_pending's). */
void guest_paused_by_reset(const struct world *w, struct pending *all);
/* The machine the guest runs on was reset: the guest restarts from firmware. */
void guest_machine_reset(struct step_ctx *c, int m);
/* The VM now runs on machine m (migration switchover). */
void guest_moved(struct step_ctx *c, int m);
/* `do M guest cpu-offline N`: echo 0 > /sys/devices/system/cpu/cpuN/online */
void guest_cpu_offline(struct step_ctx *c, int core);
/* `guest lmb-busy DIMM N`: pages in the DIMM's N-th block cannot be migrated away. */
void guest_lmb_busy(struct step_ctx *c, uint8_t dimm, int n);
/* `do M guest disk-read`: one virtio-blk request in flight until QEMU completes it. */
void guest_disk_read(struct step_ctx *c);

/* guest_dlpar.c: one worker step of the operation in progress. */
void dlpar_step(struct step_ctx *c);
/* Trace helpers for the guest's actor and kernel log. */
void guest_log(struct step_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void guest_trace_begin(struct step_ctx *c, const char *op);

#endif
