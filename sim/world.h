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
#define MAX_SCRIPTS      8
#define MAX_LINES        256 /* script lines of a scenario */

#define WINDOW_NEVER     UINT32_MAX /* hi of a step that may wait forever */

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
    QEMU_ABORT_EVENT_OVERFLOW,    /* model bound MAX_EVENTS exceeded */
    QEMU_ABORT_COUNT
};

/* One QEMU pseries machine (hw/ppc/spapr.c, spapr_events.c). */
struct spapr_machine {
    uint8_t runstate;         /* enum spapr_runstate */
    uint8_t ov5_cas;          /* negotiated option vector 5 bits (OV5_CAS_*) */
    uint8_t nr_events;        /* entries used in events[] */
    uint8_t abort_reason;     /* enum qemu_abort_reason */
    uint8_t abort_drc;        /* DRC slot involved in the abort */
    uint8_t pad;
    uint16_t deleted;         /* DEVICE_DELETED emitted, bit per device */
    uint16_t unplug_guest_error; /* DEVICE_UNPLUG_GUEST_ERROR emitted, bit per device */
    uint16_t mem_unplug_error;   /* MEM_UNPLUG_ERROR emitted, bit per device */
    struct spapr_event_entry events[MAX_EVENTS];
    struct spapr_device devices[MAX_DEVICES];
    struct spapr_drc drcs[MAX_DRCS];
};

#define OV5_CAS_HP_EVT  0x01      /* OV5_HP_EVT negotiated at CAS */
#define OV5_CAS_XIVE    0x02

enum script_status { SCRIPT_RUNNING, SCRIPT_DONE };

/* One management client (libvirt API caller) running its script lines. */
struct script_state {
    uint16_t pc;              /* next line, relative to the script's first */
    uint8_t status;           /* enum script_status */
    uint8_t pad;
};

/* The first rtas/assert line of a script that did not hold. */
struct script_failure {
    uint16_t line;            /* scenario line, 0 = none */
    uint8_t field;            /* PRED_* bit that failed */
    uint8_t pad;
    int32_t got;              /* the value seen instead */
};

struct world {
    struct spapr_machine machines[MAX_MACHINES];
    struct script_state scripts[MAX_SCRIPTS];
    struct script_failure failure;
};

/*
 * A step is a small value: which actor fires, what it does, and the delay
 * window [lo, hi] in simulated ms relative to now (set by enabled()).
 */
struct step {
    uint8_t actor;
    uint8_t kind;
    uint8_t machine;
    uint8_t arg;
    uint32_t lo, hi;
};

#endif
