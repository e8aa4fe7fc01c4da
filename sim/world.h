/*
 * The world as plain data: every actor's state in fixed-size value structs,
 * no pointers, padding zeroed, so copy = memcpy, equality = memcmp and the
 * fingerprint is one hash pass. Static facts (DRC indexes, device configs,
 * libfdt fragments, knob values) live in struct sim (sim.h), not here.
 */
#ifndef DRCSIM_WORLD_H
#define DRCSIM_WORLD_H

#include <stdint.h>

/* Compile-time bounds; the scenario parser checks them with a clear error. */
#define MAX_MACHINES     2
#define MAX_CORES        10  /* CPU DRCs per machine (core-ids 0..9) */
#define MAX_LMBS         16  /* LMB DRCs in the hot-pluggable memory area */
#define MAX_PHBS         4   /* PHB DRCs (index 0 is the default PHB) */
#define MAX_PCI_SLOTS    8   /* PCI DRCs on PHB 0 (function 0 of slots 0..7) */
#define MAX_PMEMS        2   /* PMEM DRCs (NVDIMM slots) */
#define MAX_DRCS         (MAX_CORES + MAX_LMBS + MAX_PHBS + MAX_PCI_SLOTS + MAX_PMEMS)
#define MAX_DEVICES      16  /* named devices of a scenario */
#define MAX_EVENTS       8   /* spapr->pending_events entries */
#define MAX_SCRIPTS      10
#define MAX_LINES        256 /* script lines of a scenario */

#define MAX_GUEST_WORK   8   /* entries of the guest's DLPAR work queue */
#define MAX_LV_EVENTS    8   /* QMP events libvirt's event loop and worker have not handled yet */

#define WINDOW_NEVER     UINT32_MAX /* hi of a step that may wait forever */
/* irq_latched: presented to the vCPU's thread context, its output line not raised */
#define IRQ_UNSIGNALLED  3

/* SpaprDrcState (include/hw/ppc/spapr_drc.h): values are in the stream. */
enum spapr_drc_state {
    SPAPR_DRC_STATE_INVALID = 0,
    SPAPR_DRC_STATE_LOGICAL_UNUSABLE = 1,
    SPAPR_DRC_STATE_LOGICAL_AVAILABLE = 2,
    SPAPR_DRC_STATE_LOGICAL_UNISOLATE = 3,
    SPAPR_DRC_STATE_LOGICAL_CONFIGURED = 4,
    SPAPR_DRC_STATE_PHYSICAL_AVAILABLE = 5,
    SPAPR_DRC_STATE_PHYSICAL_POWERON = 6,
    SPAPR_DRC_STATE_PHYSICAL_UNISOLATE = 7,
    SPAPR_DRC_STATE_PHYSICAL_CONFIGURED = 8,
    SPAPR_DRC_STATE_COUNT
};

/* The dynamic part of one SpaprDrc (hw/ppc/spapr_drc.c). */
struct spapr_drc {
    uint8_t state;            /* enum spapr_drc_state */
    uint8_t dev;              /* device number + 1; 0 = drc->dev == NULL */
    uint8_t unplug_requested;
    uint8_t fdt;              /* 1 once configure-connector built drc->fdt */
    int16_t ccs_offset;       /* cursor into the fragment, -1 when no device */
    int8_t ccs_depth;
    uint8_t dr_indicator;     /* SpaprDrcPhysical only: 0..3 */
};

/* One entry of spapr->pending_events: an RTAS hotplug error log. */
struct spapr_event_entry {
    uint8_t hp_type;          /* RTAS_LOG_V6_HP_TYPE_* */
    uint8_t action;           /* RTAS_LOG_V6_HP_ACTION_ADD/REMOVE */
    uint8_t id_type;          /* RTAS_LOG_V6_HP_ID_DRC_INDEX/COUNT/COUNT_INDEXED */
    uint8_t count;
    uint32_t index;
};

/* One QOM device of a machine: a CPU core, a DIMM, a PHB or a PCI device. */
struct spapr_device {
    uint8_t realized;         /* present in the machine's QOM tree */
    uint8_t hotplugged;       /* DeviceState.hotplugged */
    uint8_t first_drc;        /* DIMM: slot of its first LMB DRC (its address) */
    uint8_t dimm_nr_lmbs;     /* SpaprDimmState.nr_lmbs, if dimm_pending */
    uint8_t dimm_pending;     /* an entry in spapr->pending_dimm_unplugs */
    uint8_t pad[3];
};

enum spapr_runstate {
    RUN_STATE_PRELAUNCH, RUN_STATE_INMIGRATE, RUN_STATE_RUNNING,
    RUN_STATE_PAUSED, RUN_STATE_POSTMIGRATE, RUN_STATE_COUNT
};

/* Why a model stopped QEMU (qemu-abort family); 0 = it did not. */
enum qemu_abort_reason {
    QEMU_ABORT_NONE = 0,
    QEMU_ABORT_DRC_ATTACH,        /* spapr_drc_attach: g_assert(!drc->dev) / state */
    QEMU_ABORT_DRC_UNISOLATE_DEV, /* drc_unisolate_logical: g_assert(drc->dev) */
    QEMU_ABORT_DRC_SENSE_DEV,     /* logical_entity_sense: g_assert(drc->dev) */
    QEMU_ABORT_DRC_UNPLUG_NO_DEV, /* spapr_drc_unplug_request: g_assert(drc->dev) */
    QEMU_ABORT_CC_NO_DEV,         /* configure-connector: dt_populate of a NULL device */
    QEMU_ABORT_LMB_ROLLBACK_NO_DS,/* spapr_memory_unplug_rollback: g_assert(ds) */
    QEMU_ABORT_FDT,               /* _FDT(): building the device tree failed */
    QEMU_ABORT_TCG_STALE_VCPU,    /* TCG: memory-region change after a vCPU unplug */
    QEMU_ABORT_KVM_XICS_FD,       /* ics_kvm_set_irq: assert(kernel_xics_fd != -1) */
    QEMU_ABORT_EVENT_OVERFLOW,    /* model bound MAX_EVENTS exceeded */
    QEMU_ABORT_WORK_OVERFLOW,     /* model bound MAX_GUEST_WORK exceeded */
    QEMU_ABORT_COUNT
};

/* One QEMU pseries machine (hw/ppc/spapr.c, spapr_events.c). */
struct spapr_machine {
    uint8_t runstate;         /* enum spapr_runstate */
    uint8_t ov5_cas;          /* negotiated option vector 5 bits (OV5_CAS_*) */
    uint8_t nr_events;        /* entries used in events[] */
    uint8_t abort_reason;     /* enum qemu_abort_reason */
    uint8_t abort_drc;        /* DRC slot involved in the abort */
    uint8_t irq_latched;      /* hotplug source pulsed and not yet taken (ICS/XIVE state):
                               * 1, 2 with Q set too, IRQ_UNSIGNALLED after a TCG migration */
    uint8_t migration;        /* enum migration_status of this QEMU */
    uint8_t intc;             /* INTC_*: KVM device connected, guest I/O, reset draining it */
    uint8_t autostart;        /* cont during INMIGRATE: run once the migration ends */
    uint8_t vcpu_unplugged;   /* a vCPU core was unrealized in this process */
    uint16_t fdt_cpus;        /* core slots with a cpu node in spapr->fdt_blob */
    uint16_t fdt_lmbs;        /* LMB slots flagged ASSIGNED in ibm,dynamic-memory */
    uint16_t deleted;         /* DEVICE_DELETED emitted, bit per device */
    uint16_t unplug_guest_error; /* DEVICE_UNPLUG_GUEST_ERROR emitted, bit per device */
    uint16_t mem_unplug_error;   /* MEM_UNPLUG_ERROR emitted, bit per device */
    uint16_t unplug_timed_out;   /* qemu.cpu-unplug-timeout gave up, bit per device */
    uint16_t vcpu_compat;        /* vCPUs with a compat PVR, bit per core slot */
    struct spapr_event_entry events[MAX_EVENTS];
    struct spapr_device devices[MAX_DEVICES];
    struct spapr_drc drcs[MAX_DRCS];
};

#define OV5_CAS_HP_EVT  0x01      /* OV5_HP_EVT negotiated at CAS */
#define OV5_CAS_XIVE    0x02      /* OV5_XIVE_EXPLOIT negotiated at CAS (ic-mode=dual) */
#define OV5_CAS_BASE    0x04      /* FORM1_AFFINITY, DRCONF_MEMORY…: every CAS has them */

/* intc: which KVM device is connected (kernel_xics_fd != -1; xive->fd != -1), the guest's
 * virtio-blk request QEMU has not completed, and spapr_machine_reset waiting for it in
 * qemu_devices_reset with the BQL dropped. One byte: the machine's hashed header stays as it was. */
#define KVM_INTC_XICS     0x01
#define KVM_INTC_XIVE     0x02
#define KVM_INTC_MASK     (KVM_INTC_XICS | KVM_INTC_XIVE)
#define INTC_IO_IN_FLIGHT 0x04
#define INTC_RESETTING    0x08

enum migration_status { MIGRATION_NONE, MIGRATION_ACTIVE, MIGRATION_COMPLETED,
                        MIGRATION_FAILED };

enum script_status { SCRIPT_RUNNING, SCRIPT_DONE };

/* One management client (libvirt API caller) running its script lines. */
struct script_state {
    uint16_t pc;              /* next line, relative to the script's first */
    uint8_t status;           /* enum script_status */
    uint8_t phase;            /* sub-step of a multi-step line (device_del wait, migrate) */
};

/*
 * The guest's DLPAR operation in progress (arch/powerpc/platforms/pseries/
 * hotplug-cpu.c, hotplug-memory.c, dlpar.c): which one, where it is, and the
 * DRC primitive (acquire, release, unisolate, configure-connector) it is in.
 */
struct dlpar_op {
    uint8_t kind;             /* enum dlpar_kind */
    uint8_t pc;               /* position in the operation */
    uint8_t prim;             /* enum dlpar_prim running, 0 = none */
    uint8_t ppc;              /* position in the primitive */
    uint8_t id_type;          /* of the hotplug event */
    uint8_t count;            /* LMBs asked for */
    uint8_t cursor;           /* LMB (slot offset) in hand */
    uint8_t done;             /* LMBs done so far */
    uint32_t index;           /* the event's DRC index */
    int16_t rc;               /* errno of the operation so far */
    int16_t prim_rc;          /* result of the last finished primitive */
    int16_t saved_rc;         /* a primitive's error kept across its rollback */
    uint16_t reserved;        /* LMBs this operation added or removed (bit per LMB) */
    int8_t cc_depth;          /* depth of the tree being assembled */
    uint8_t pad[3];
    uint64_t cc_digest;       /* hash of the configure-connector items received */
};

enum guest_phase { GUEST_OFF, GUEST_FIRMWARE, GUEST_KERNEL, GUEST_RUNNING };
/* Why the guest kernel panicked (check.c: guest-panic); the branch ends there. */
enum guest_panic { GUEST_PANIC_NONE, GUEST_PANIC_RAS_LOG_EMPTY };

/* The Linux pseries guest of the VM (it moves with migration). */
struct guest_state {
    uint8_t machine;          /* the machine the VM runs on */
    uint8_t phase;            /* enum guest_phase */
    uint8_t nwork;            /* entries in work[] (pseries_hp_wq) */
    uint8_t has_ras_log;      /* ras_log_buf holds a record */
    uint16_t cpus;            /* cpu nodes in the guest's tree, bit per core slot */
    uint16_t online;          /* online CPUs, bit per core slot */
    uint16_t lmbs;            /* DRCONF_MEM_ASSIGNED, bit per LMB slot */
    uint16_t dlpar_errors;    /* DLPAR operations that ended in an error */
    uint8_t in_irq;           /* ras_hotplug_interrupt taken, its check-exception not yet made */
    uint8_t error_log_cnt;    /* rtasd.c: RTAS records logged since boot (saturates at 255) */
    uint8_t dt_mismatch_drc;  /* the DRC slot of dt_mismatch */
    uint8_t pad_irq;
    uint64_t dlpar_failed;    /* DRC slots of those DLPAR errors (bit 63: no single DRC) */
    uint8_t dt_mismatch;      /* an assembled tree differed from QEMU's fragment */
    uint8_t panic;            /* enum guest_panic; right after dt_mismatch: check_step reads both */
    uint16_t lmbs_busy;       /* blocks whose offlining fails (-EBUSY), bit per LMB slot */
    struct spapr_event_entry ras_log_buf;
    struct spapr_event_entry work[MAX_GUEST_WORK];
    struct dlpar_op op;
};

/* The migration stream between two machines (migration/, hw/ppc vmstate). */
struct migration_state {
    uint8_t status;           /* enum migration_status */
    uint8_t src, dst;
    /* the section a failed load stopped at; neither: the XIVE sections (spapr_irq_load) */
    uint8_t load_failed_drc;  /* DRC slot whose section failed to load, 0xff none */
    uint8_t load_failed_cpu;  /* vCPU (core slot) whose "cpu" section failed, 0xff none */
};

enum lv_job { LV_JOB_NONE, LV_JOB_MODIFY, LV_JOB_MIGRATION };
enum lv_unplug_status { LV_UNPLUG_NONE, LV_UNPLUG_OK, LV_UNPLUG_GUEST_REJECTED };

/* A QMP event on its way to libvirt's event loop. */
struct lv_event { uint8_t machine, event, dev, pad; };

/* A DEVICE_DELETED handed to the event worker (qemuProcessEventSubmit). */
struct lv_deleted { uint8_t machine, dev; };

/* libvirt's QEMU driver for the scenario's domain (src/qemu/). */
struct libvirt_state {
    uint8_t job;              /* enum lv_job held on the domain */
    uint8_t job_owner;        /* script holding it */
    uint8_t unplug_dev;       /* priv->unplug.alias (device + 1), 0 = nobody waits */
    uint8_t unplug_status;    /* enum lv_unplug_status (priv->unplug.status) */
    uint8_t nevents;
    uint8_t domain;           /* machine the domain runs on (src until Finish) */
    uint8_t mig_paused;       /* the domain was paused at Prepare: it stays paused */
    uint8_t nworker;          /* entries of worker_q */
    uint8_t gone;             /* bit per machine: its QEMU was killed (Confirm) or exited
                                 (a failed incoming migration); the domain runs there no more */
    uint8_t defined;          /* bit per machine: the domain is defined there (start, Finish) */
    uint8_t mig_was_running;  /* priv->preMigrationState == RUNNING, stored at Begin */
    uint8_t pad;
    uint16_t mig_xml;         /* devices in the migratable XML taken at Begin */
    uint16_t xml[MAX_MACHINES]; /* devices in each domain's live XML, bit per device */
    uint16_t failed_report;   /* a failure was reported since the last device_del, bit per device */
    uint16_t false_unplug;    /* devices deleted after a failure was reported for them */
    struct lv_event events[MAX_LV_EVENTS];
    struct lv_deleted worker_q[MAX_LV_EVENTS]; /* the worker's jobs in submission order, rest 0 */
};

/*
 * Actor slots: each independently scheduled thread of control has at most
 * one pending step, whose kind and window [lo, hi] (ms, relative to now)
 * are kept here by sim.c; kind 0 = nothing pending.
 */
enum actor_slot {
    ACTOR_SCRIPT0 = 0,                 /* .. ACTOR_SCRIPT0 + MAX_SCRIPTS - 1 */
    ACTOR_GUEST_BOOT = MAX_SCRIPTS,    /* firmware, CAS, the late initcall */
    ACTOR_GUEST_IRQ,                   /* ras_hotplug_interrupt */
    ACTOR_GUEST_WORKER,                /* pseries_hp_wq: one DLPAR sub-step */
    ACTOR_GUEST_RTASD,                 /* rtasd: periodic event-scan */
    ACTOR_MIGRATION,                   /* the migration thread: switchover */
    ACTOR_LIBVIRT_EVENTS,              /* libvirt's event loop: one QMP event */
    ACTOR_LIBVIRT_WORKER,              /* processDeviceDeletedEvent */
    ACTOR_QEMU_TIMER0,                 /* .. + MAX_MACHINES - 1: CPU unplug timers */
    ACTOR_QEMU_IO0 = ACTOR_QEMU_TIMER0 + MAX_MACHINES, /* .. + MAX_MACHINES - 1: virtio-blk */
    ACTOR_COUNT = ACTOR_QEMU_IO0 + MAX_MACHINES
};

struct actor {
    uint8_t kind;
    uint8_t arg;
    uint16_t pad;
    uint32_t lo, hi;
};

/* The first rtas/assert line of a script that did not hold. */
struct script_failure {
    uint16_t line;            /* scenario line, 0 = none */
    uint8_t field;            /* PRED_* bit that failed */
    uint8_t pad;
    int32_t got;              /* the value seen instead */
};

struct world {
    struct actor actors[ACTOR_COUNT];
    struct spapr_machine machines[MAX_MACHINES];
    struct guest_state guest;
    struct migration_state migration;
    struct libvirt_state libvirt;
    struct script_state scripts[MAX_SCRIPTS];
    struct script_failure failure;
    uint32_t busy;            /* bit per actor slot whose kind is not 0 (sim.c keeps it): */
                              /* the per-step loops visit only these */
    /* qemu.cpu-unplug-timeout: ms left on the timer of each machine's core DRCs while an
     * unplug is pending, else 0; last, so that the blocks before it do not move for it */
    uint32_t unplug_timer_ms[MAX_MACHINES][MAX_CORES];
    uint8_t pad_to_block[24]; /* whole 32-byte blocks for the fingerprint (sim.c) */
};

/*
 * A step is a small value: which actor fires, what it does, and the delay
 * window [lo, hi] in simulated ms relative to now (set by enabled()). Kind
 * and arg come first, as in struct actor, so enabled() copies them as one.
 */
struct step {
    uint8_t kind;
    uint8_t arg;
    uint8_t actor;
    uint8_t machine;
    uint32_t lo, hi;
};

#endif
