/*
 * QEMU's Dynamic Reconfiguration Connector (hw/ppc/spapr_drc.c): classes,
 * index encoding, and every RTAS- and QEMU-side operation on one DRC,
 * driven by a single transition table (drc.c). Machine-level consequences
 * (a device unplugged, a DIMM rolled back) are returned to the caller.
 */
#ifndef DRCSIM_DRC_H
#define DRCSIM_DRC_H

#include <stdbool.h>
#include <stdint.h>
#include "knobs.h"
#include "world.h"

/* QOM types spapr-drc-cpu/-phb/-pci/-lmb/-pmem. */
enum drc_class { DRC_CLASS_CPU, DRC_CLASS_PHB, DRC_CLASS_PCI, DRC_CLASS_LMB, DRC_CLASS_PMEM,
                 DRC_CLASS_COUNT };

/* SpaprDrcTypeShift (include/hw/ppc/spapr_drc.h) */
enum { SPAPR_DR_CONNECTOR_TYPE_SHIFT_CPU = 1, SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB = 2,
       SPAPR_DR_CONNECTOR_TYPE_SHIFT_VIO = 3, SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI = 4,
       SPAPR_DR_CONNECTOR_TYPE_SHIFT_LMB = 8, SPAPR_DR_CONNECTOR_TYPE_SHIFT_PMEM = 9 };

/* Return codes (include/hw/ppc/spapr.h); the three -3s are one value. */
enum {
    RTAS_OUT_SUCCESS = 0, RTAS_OUT_NO_ERRORS_FOUND = 1, RTAS_OUT_HW_ERROR = -1,
    RTAS_OUT_BUSY = -2, RTAS_OUT_PARAM_ERROR = -3, RTAS_OUT_NOT_SUPPORTED = -3,
    RTAS_OUT_NO_SUCH_INDICATOR = -3,
};
/* SpaprDRCCResponse */
enum {
    SPAPR_DR_CC_RESPONSE_SUCCESS = 0, SPAPR_DR_CC_RESPONSE_NEXT_SIB = 1,
    SPAPR_DR_CC_RESPONSE_NEXT_CHILD = 2, SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY = 3,
    SPAPR_DR_CC_RESPONSE_PREV_PARENT = 4, SPAPR_DR_CC_RESPONSE_ERROR = -1,
    SPAPR_DR_CC_RESPONSE_CONTINUE = -2, SPAPR_DR_CC_RESPONSE_NOT_CONFIGURABLE = -9003,
};
/* SpaprDREntitySense */
enum { SPAPR_DR_ENTITY_SENSE_EMPTY = 0, SPAPR_DR_ENTITY_SENSE_PRESENT = 1,
       SPAPR_DR_ENTITY_SENSE_UNUSABLE = 2 };
/* RTAS sensor / indicator types */
enum { RTAS_SENSOR_TYPE_ISOLATION_STATE = 9001, RTAS_SENSOR_TYPE_DR = 9002,
       RTAS_SENSOR_TYPE_ALLOCATION_STATE = 9003, RTAS_SENSOR_TYPE_ENTITY_SENSE = 9003 };
/* SpaprDrIndicatorState */
enum { SPAPR_DR_INDICATOR_INACTIVE = 0, SPAPR_DR_INDICATOR_ACTIVE = 1,
       SPAPR_DR_INDICATOR_IDENTIFY = 2, SPAPR_DR_INDICATOR_ACTION = 3 };

/* Operations on one DRC: the table's input alphabet. */
enum drc_op {
    DRC_OP_ISOLATE,            /* set-indicator isolation-state 0 */
    DRC_OP_UNISOLATE,          /* set-indicator isolation-state 1 */
    DRC_OP_ISOLATION_BAD,      /* set-indicator isolation-state other value */
    DRC_OP_ALLOC_USABLE,       /* set-indicator allocation-state 1 */
    DRC_OP_ALLOC_UNUSABLE,     /* set-indicator allocation-state 0 */
    DRC_OP_ALLOC_BAD,          /* set-indicator allocation-state other value */
    DRC_OP_DR_INDICATOR,       /* set-indicator dr-indicator 0..3 */
    DRC_OP_DR_INDICATOR_BAD,   /* set-indicator dr-indicator > 3 */
    DRC_OP_SENSE,              /* get-sensor-state dr-entity-sense */
    DRC_OP_CONFIGURE_CONNECTOR,/* one ibm,configure-connector call */
    DRC_OP_ATTACH,             /* spapr_drc_attach */
    DRC_OP_UNPLUG_REQUEST,     /* spapr_drc_unplug_request */
    DRC_OP_RESET,              /* spapr_drc_reset */
    DRC_OP_COUNT
};

/* What the caller (machine model) must do after a transition. */
#define DRC_FX_RELEASED       0x01 /* spapr_drc_release ran: call the class release */
#define DRC_FX_GUEST_REJECTED 0x02 /* unplug cancelled by UNISOLATE (87758fed7a) */
#define DRC_FX_LMB_ROLLBACK   0x04 /* spapr_memory_unplug_rollback first */
#define DRC_FX_CONFIGURED     0x08 /* configure-connector walk reached depth 0 */
#define DRC_FX_ABORT          0x10 /* QEMU would g_assert / abort here */

/* Static facts of one DRC slot of a machine. */
struct drc_config {
    uint32_t index;                /* spapr_drc_index() */
    uint8_t cls;                   /* enum drc_class */
    uint8_t pad[3];
};

/* The fragment configure-connector walks for a DRC (drc_fdt.c). */
struct drc_cc_tag;
struct drc_fragment {
    const void *fdt;               /* libfdt blob */
    int start;                     /* fdt_start_offset of the fragment's root node */
    const struct drc_cc_tag *tags; /* the walk's items by structure offset / 4 (drc_cc.c) */
    int ntags;
};

/* What one configure-connector call handed the guest. */
struct drc_cc_item {
    const char *name;              /* node or property name, NULL otherwise */
    const void *data;              /* property value */
    int len;                       /* property length */
    uint64_t hash;                 /* of name and value: what the guest folds in */
};

struct drc_outcome {
    int32_t rc;
    uint32_t value;                /* get-sensor-state: the sensor value */
    uint8_t effects;               /* DRC_FX_* */
    uint8_t released_dev;          /* device number + 1 that was released */
    uint8_t abort_reason;          /* enum qemu_abort_reason when DRC_FX_ABORT */
    int16_t row;                   /* table row that fired, -1 if none */
    const char *tracepoint;        /* QEMU trace point for the call, or NULL */
    const char *tracepoint2;       /* a second one (awaiting_quiesce, _finalizing) */
    struct drc_cc_item cc;
};

struct drc_env {
    const struct knob_set *knobs;
    const struct drc_fragment *fragment; /* for DRC_OP_CONFIGURE_CONNECTOR */
    uint32_t *row_hits;            /* optional coverage: [row * DRC_CLASS_COUNT + class] */
};

bool drc_class_is_physical(uint8_t cls);
uint8_t drc_empty_state(uint8_t cls);
uint8_t drc_ready_state(uint8_t cls);
const char *drc_class_name(uint8_t cls);   /* "CPU", "PHB", "PCI", "LMB", "PMEM" */
uint32_t drc_make_index(uint8_t cls, uint32_t id);
/* A DRC as a device has just been created with it: empty, no cursor. */
void drc_init(struct spapr_drc *d, uint8_t cls);

/*
 * Run op on DRC d (dev_arg: device number + 1 for DRC_OP_ATTACH) and fill
 * the caller's *out; returns out->rc.
 */
int drc_transition(const struct drc_env *env, const struct drc_config *cfg, struct spapr_drc *d,
                   enum drc_op op, uint8_t dev_arg, uint32_t value, struct drc_outcome *out);
/* drc_transition(..., DRC_OP_CONFIGURE_CONNECTOR, 0, 0, out): a walk's every call. */
int drc_configure_connector(const struct drc_env *env, const struct drc_config *cfg,
                            struct spapr_drc *d, struct drc_outcome *out);

/* spapr_drc_needed: migrate this DRC's state / reset it at CAS (the pending unplug counts
 * where qemu.migrate-unplug-requested is on: ab8584349c). */
bool spapr_drc_needed(const struct drc_config *cfg, const struct spapr_drc *d,
                      bool unplug_requested_counts);
/* drc_physical_needed: the spapr_drc/physical subsection is sent. */
bool drc_physical_needed(const struct spapr_drc *d);

/* The table, exposed for `drcsim dot fsm`, coverage tests and listings. */
struct drc_row {
    uint8_t classes;               /* bit per enum drc_class */
    uint8_t state;                 /* enum spapr_drc_state, or DRC_ANY_STATE */
    uint8_t op;                    /* enum drc_op */
    uint8_t guard;                 /* enum drc_guard */
    int32_t rc;
    uint8_t next;                  /* state, or DRC_SAME / DRC_READY / DRC_EMPTY */
    uint8_t effect;                /* enum drc_effect */
    int8_t value;                  /* sensor value returned, -1 none */
    const char *source;            /* QEMU function */
};
#define DRC_ANY_STATE 0xff
#define DRC_SAME  0xff
#define DRC_READY 0xfe
#define DRC_EMPTY 0xfd
extern const struct drc_row drc_table[];
extern const unsigned drc_table_len;
const char *drc_op_name(uint8_t op);
const char *drc_guard_name(uint8_t guard);
const char *drc_classes_name(uint8_t classes);   /* "logical", "physical", "LMB", "any" */

/* Configure-connector: one call's walk over the fragment (drc_cc.c). */
int drc_cc_next(const struct drc_fragment *f, struct spapr_drc *d, struct drc_cc_item *item);
/*
 * The walk goes on after this response: NEXT_CHILD, NEXT_PROPERTY or
 * PREV_PARENT. Inline: the guest asks it after every call.
 */
static inline bool drc_cc_more(int rc)
{
    return rc == SPAPR_DR_CC_RESPONSE_NEXT_CHILD || rc == SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY ||
           rc == SPAPR_DR_CC_RESPONSE_PREV_PARENT;
}

#endif
