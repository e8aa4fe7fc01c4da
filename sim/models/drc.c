/*
 * The DRC state machine as one table, like netfilter's TCP conntrack grid:
 * (class, state, operation, guard) -> (rc, next state, effect), first match
 * wins. Every row cites the QEMU function it comes from (hw/ppc/spapr_drc.c
 * at master; ref/qemu-spapr.md section 2). Effects are applied below it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include "drc.h"

#define C_CPU  (1u << DRC_CLASS_CPU)
#define C_PHB  (1u << DRC_CLASS_PHB)
#define C_PCI  (1u << DRC_CLASS_PCI)
#define C_LMB  (1u << DRC_CLASS_LMB)
#define C_PMEM (1u << DRC_CLASS_PMEM)
#define C_L    (C_CPU | C_PHB | C_LMB | C_PMEM)  /* spapr-drc-logical */
#define C_P    C_PCI                             /* spapr-drc-physical */
#define C_ALL  (C_L | C_P)

enum drc_guard {
    G_ANY, G_DEV, G_NO_DEV, G_UNPLUG_REQ, G_NO_UNPLUG_REQ, G_UNPLUG_REQ_DEV, G_COUNT
};

enum drc_effect {
    E_NONE,
    E_CCS_START,       /* ccs_offset = fdt_start_offset, ccs_depth = 0 */
    E_RELEASE,         /* spapr_drc_release */
    E_GUEST_REJECTED,  /* unplug cancelled, DEVICE_UNPLUG_GUEST_ERROR (87758fed7a) */
    E_STORE_INDICATOR, /* dr_indicator = value */
    E_CC_WALK,         /* build fragment if needed, advance to the next item */
    E_CC_ROLLBACK_WALK,/* spapr_memory_unplug_rollback (fe1831eff8), then walk */
    E_ATTACH,          /* drc->dev = dev */
    E_UNPLUG_REQ,      /* unplug_requested = true, awaiting quiesce */
    E_UNPLUG_RELEASE,  /* unplug_requested = true, empty state: release now */
    E_RESET,           /* release if requested; dev ? ready : empty */
    E_ABORT_ATTACH, E_ABORT_UNISOLATE, E_ABORT_SENSE, E_ABORT_UNPLUG,
};

#define UNUS  SPAPR_DRC_STATE_LOGICAL_UNUSABLE
#define AVAIL SPAPR_DRC_STATE_LOGICAL_AVAILABLE
#define LUNI  SPAPR_DRC_STATE_LOGICAL_UNISOLATE
#define LCONF SPAPR_DRC_STATE_LOGICAL_CONFIGURED
#define PON   SPAPR_DRC_STATE_PHYSICAL_POWERON
#define PUNI  SPAPR_DRC_STATE_PHYSICAL_UNISOLATE
#define PCONF SPAPR_DRC_STATE_PHYSICAL_CONFIGURED
#define ANY   DRC_ANY_STATE
#define NCFG  SPAPR_DR_CC_RESPONSE_NOT_CONFIGURABLE

const struct drc_row drc_table[] = {
/* class  state  op                          guard             rc   next       effect        val source */
{ C_P,   PON,   DRC_OP_ISOLATE,             G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_isolate_physical" },
{ C_P,   PUNI,  DRC_OP_ISOLATE,             G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "drc_isolate_physical" },
{ C_P,   PCONF, DRC_OP_ISOLATE,             G_UNPLUG_REQ,      0,  PON,       E_RELEASE,     -1, "drc_isolate_physical" },
{ C_P,   PCONF, DRC_OP_ISOLATE,             G_ANY,             0,  PON,       E_NONE,        -1, "drc_isolate_physical" },
{ C_P,   PON,   DRC_OP_UNISOLATE,           G_NO_DEV,         -3,  DRC_SAME,  E_NONE,        -1, "drc_unisolate_physical" },
{ C_P,   PON,   DRC_OP_UNISOLATE,           G_ANY,             0,  PUNI,      E_CCS_START,   -1, "drc_unisolate_physical" },
{ C_P,   PUNI,  DRC_OP_UNISOLATE,           G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_unisolate_physical" },
{ C_P,   PCONF, DRC_OP_UNISOLATE,           G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_unisolate_physical" },
{ C_L,   UNUS,  DRC_OP_ISOLATE,             G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_isolate_logical" },
{ C_L,   AVAIL, DRC_OP_ISOLATE,             G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_isolate_logical" },
{ C_L,   LUNI,  DRC_OP_ISOLATE,             G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "drc_isolate_logical" },
{ C_LMB, LCONF, DRC_OP_ISOLATE,             G_NO_UNPLUG_REQ,  -1,  DRC_SAME,  E_NONE,        -1, "drc_isolate_logical" },
{ C_L,   LCONF, DRC_OP_ISOLATE,             G_ANY,             0,  AVAIL,     E_NONE,        -1, "drc_isolate_logical" },
{ C_L,   UNUS,  DRC_OP_UNISOLATE,           G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "drc_unisolate_logical" },
{ C_L,   AVAIL, DRC_OP_UNISOLATE,           G_NO_DEV,          0,  DRC_SAME,  E_ABORT_UNISOLATE, -1, "drc_unisolate_logical" },
{ C_L,   AVAIL, DRC_OP_UNISOLATE,           G_ANY,             0,  LUNI,      E_CCS_START,   -1, "drc_unisolate_logical" },
{ C_L,   LUNI,  DRC_OP_UNISOLATE,           G_UNPLUG_REQ_DEV,  0,  DRC_SAME,  E_GUEST_REJECTED, -1, "drc_unisolate_logical" },
{ C_L,   LUNI,  DRC_OP_UNISOLATE,           G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_unisolate_logical" },
{ C_L,   LCONF, DRC_OP_UNISOLATE,           G_UNPLUG_REQ_DEV,  0,  DRC_SAME,  E_GUEST_REJECTED, -1, "drc_unisolate_logical" },
{ C_L,   LCONF, DRC_OP_UNISOLATE,           G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_unisolate_logical" },
{ C_ALL, ANY,   DRC_OP_ISOLATION_BAD,       G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_isolation_state" },
{ C_P,   ANY,   DRC_OP_ALLOC_USABLE,        G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_allocation_state" },
{ C_P,   ANY,   DRC_OP_ALLOC_UNUSABLE,      G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_allocation_state" },
{ C_P,   ANY,   DRC_OP_ALLOC_BAD,           G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_allocation_state" },
{ C_L,   ANY,   DRC_OP_ALLOC_BAD,           G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_allocation_state" },
{ C_L,   UNUS,  DRC_OP_ALLOC_USABLE,        G_NO_DEV,         -3,  DRC_SAME,  E_NONE,        -1, "drc_set_usable" },
{ C_L,   UNUS,  DRC_OP_ALLOC_USABLE,        G_UNPLUG_REQ,     -3,  DRC_SAME,  E_NONE,        -1, "drc_set_usable" },
{ C_L,   UNUS,  DRC_OP_ALLOC_USABLE,        G_ANY,             0,  AVAIL,     E_NONE,        -1, "drc_set_usable" },
{ C_L,   AVAIL, DRC_OP_ALLOC_USABLE,        G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_set_usable" },
{ C_L,   LUNI,  DRC_OP_ALLOC_USABLE,        G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_set_usable" },
{ C_L,   LCONF, DRC_OP_ALLOC_USABLE,        G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_set_usable" },
{ C_L,   UNUS,  DRC_OP_ALLOC_UNUSABLE,      G_ANY,             0,  DRC_SAME,  E_NONE,        -1, "drc_set_unusable" },
{ C_L,   AVAIL, DRC_OP_ALLOC_UNUSABLE,      G_UNPLUG_REQ,      0,  UNUS,      E_RELEASE,     -1, "drc_set_unusable" },
{ C_L,   AVAIL, DRC_OP_ALLOC_UNUSABLE,      G_ANY,             0,  UNUS,      E_NONE,        -1, "drc_set_unusable" },
{ C_L,   LUNI,  DRC_OP_ALLOC_UNUSABLE,      G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "drc_set_unusable" },
{ C_L,   LCONF, DRC_OP_ALLOC_UNUSABLE,      G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "drc_set_unusable" },
{ C_L,   ANY,   DRC_OP_DR_INDICATOR,        G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_dr_indicator" },
{ C_L,   ANY,   DRC_OP_DR_INDICATOR_BAD,    G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_dr_indicator" },
{ C_P,   ANY,   DRC_OP_DR_INDICATOR_BAD,    G_ANY,            -3,  DRC_SAME,  E_NONE,        -1, "rtas_set_dr_indicator" },
{ C_P,   ANY,   DRC_OP_DR_INDICATOR,        G_ANY,             0,  DRC_SAME,  E_STORE_INDICATOR, -1, "rtas_set_dr_indicator" },
{ C_P,   ANY,   DRC_OP_SENSE,               G_DEV,             0,  DRC_SAME,  E_NONE,         1, "physical_entity_sense" },
{ C_P,   ANY,   DRC_OP_SENSE,               G_ANY,             0,  DRC_SAME,  E_NONE,         0, "physical_entity_sense" },
{ C_L,   UNUS,  DRC_OP_SENSE,               G_ANY,             0,  DRC_SAME,  E_NONE,         2, "logical_entity_sense" },
{ C_L,   ANY,   DRC_OP_SENSE,               G_NO_DEV,          0,  DRC_SAME,  E_ABORT_SENSE, -1, "logical_entity_sense" },
{ C_L,   ANY,   DRC_OP_SENSE,               G_ANY,             0,  DRC_SAME,  E_NONE,         1, "logical_entity_sense" },
{ C_L,   UNUS,  DRC_OP_CONFIGURE_CONNECTOR, G_ANY,          NCFG,  DRC_SAME,  E_NONE,        -1, "rtas_ibm_configure_connector" },
{ C_L,   AVAIL, DRC_OP_CONFIGURE_CONNECTOR, G_ANY,          NCFG,  DRC_SAME,  E_NONE,        -1, "rtas_ibm_configure_connector" },
{ C_P,   PON,   DRC_OP_CONFIGURE_CONNECTOR, G_ANY,          NCFG,  DRC_SAME,  E_NONE,        -1, "rtas_ibm_configure_connector" },
{ C_LMB, LUNI,  DRC_OP_CONFIGURE_CONNECTOR, G_UNPLUG_REQ,      0,  DRC_SAME,  E_CC_ROLLBACK_WALK, -1, "rtas_ibm_configure_connector" },
{ C_LMB, LCONF, DRC_OP_CONFIGURE_CONNECTOR, G_UNPLUG_REQ,      0,  DRC_SAME,  E_CC_ROLLBACK_WALK, -1, "rtas_ibm_configure_connector" },
{ C_L,   LUNI,  DRC_OP_CONFIGURE_CONNECTOR, G_ANY,             0,  DRC_SAME,  E_CC_WALK,     -1, "rtas_ibm_configure_connector" },
{ C_L,   LCONF, DRC_OP_CONFIGURE_CONNECTOR, G_ANY,             0,  DRC_SAME,  E_CC_WALK,     -1, "rtas_ibm_configure_connector" },
{ C_P,   PUNI,  DRC_OP_CONFIGURE_CONNECTOR, G_ANY,             0,  DRC_SAME,  E_CC_WALK,     -1, "rtas_ibm_configure_connector" },
{ C_P,   PCONF, DRC_OP_CONFIGURE_CONNECTOR, G_ANY,             0,  DRC_SAME,  E_CC_WALK,     -1, "rtas_ibm_configure_connector" },
{ C_L,   UNUS,  DRC_OP_ATTACH,              G_NO_DEV,          0,  DRC_SAME,  E_ATTACH,      -1, "spapr_drc_attach" },
{ C_P,   PON,   DRC_OP_ATTACH,              G_NO_DEV,          0,  DRC_SAME,  E_ATTACH,      -1, "spapr_drc_attach" },
{ C_ALL, ANY,   DRC_OP_ATTACH,              G_ANY,             0,  DRC_SAME,  E_ABORT_ATTACH, -1, "spapr_drc_attach" },
{ C_ALL, ANY,   DRC_OP_UNPLUG_REQUEST,      G_NO_DEV,          0,  DRC_SAME,  E_ABORT_UNPLUG, -1, "spapr_drc_unplug_request" },
{ C_L,   UNUS,  DRC_OP_UNPLUG_REQUEST,      G_ANY,             0,  DRC_SAME,  E_UNPLUG_RELEASE, -1, "spapr_drc_unplug_request" },
{ C_P,   PON,   DRC_OP_UNPLUG_REQUEST,      G_ANY,             0,  DRC_SAME,  E_UNPLUG_RELEASE, -1, "spapr_drc_unplug_request" },
{ C_ALL, ANY,   DRC_OP_UNPLUG_REQUEST,      G_ANY,             0,  DRC_SAME,  E_UNPLUG_REQ,  -1, "spapr_drc_unplug_request" },
{ C_ALL, ANY,   DRC_OP_RESET,               G_ANY,             0,  DRC_SAME,  E_RESET,       -1, "spapr_drc_reset" },
};
const unsigned drc_table_len = sizeof(drc_table) / sizeof(drc_table[0]);

static const uint8_t empty_state[DRC_CLASS_COUNT] = { UNUS, UNUS, PON, UNUS, UNUS };
static const uint8_t ready_state[DRC_CLASS_COUNT] = { LCONF, LCONF, PCONF, LCONF, LCONF };
static const uint8_t typeshift[DRC_CLASS_COUNT] = {
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_CPU, SPAPR_DR_CONNECTOR_TYPE_SHIFT_PHB,
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_PCI, SPAPR_DR_CONNECTOR_TYPE_SHIFT_LMB,
    SPAPR_DR_CONNECTOR_TYPE_SHIFT_PMEM };
static const char *const class_names[DRC_CLASS_COUNT] = { "CPU", "PHB", "PCI", "LMB", "PMEM" };
static const char *const op_names[DRC_OP_COUNT] = {
    "isolate", "unisolate", "isolation-bad-value", "usable", "unusable", "allocation-bad-value",
    "dr-indicator", "dr-indicator-bad-value", "get-sensor-state", "configure-connector",
    "attach", "unplug_request", "reset" };
static const char *const guard_names[G_COUNT] = {
    "", "dev", "!dev", "unplug_requested", "!unplug_requested", "unplug_requested && dev" };

bool drc_class_is_physical(uint8_t cls) { return cls == DRC_CLASS_PCI; }
uint8_t drc_empty_state(uint8_t cls) { return empty_state[cls]; }
uint8_t drc_ready_state(uint8_t cls) { return ready_state[cls]; }
const char *drc_class_name(uint8_t cls) { return class_names[cls]; }
const char *drc_op_name(uint8_t op) { return op_names[op]; }
const char *drc_guard_name(uint8_t guard) { return guard_names[guard]; }

const char *drc_classes_name(uint8_t classes)
{
    switch (classes) {
    case C_L:   return "logical";
    case C_P:   return "physical";
    case C_ALL: return "any";
    default:    return classes == C_LMB ? "LMB" : "?";
    }
}

/* spapr_drc_index: (typeshift << 28) | (id & 0x0fffffff) */
uint32_t drc_make_index(uint8_t cls, uint32_t id)
{
    return ((uint32_t)typeshift[cls] << 28) | (id & 0x0fffffffu);
}

/* spapr_dr_connector_instance_init: state = empty_state; no device, no fdt */
void drc_init(struct spapr_drc *d, uint8_t cls)
{
    *d = (struct spapr_drc){ .state = empty_state[cls], .ccs_offset = -1, .ccs_depth = -1 };
}

static bool guard_holds(uint8_t guard, const struct spapr_drc *d)
{
    switch (guard) {
    case G_DEV:            return d->dev != 0;
    case G_NO_DEV:         return d->dev == 0;
    case G_UNPLUG_REQ:     return d->unplug_requested;
    case G_NO_UNPLUG_REQ:  return !d->unplug_requested;
    case G_UNPLUG_REQ_DEV: return d->unplug_requested && d->dev != 0;
    default:               return true;
    }
}

/*
 * The row each (class, operation, state) takes for each of the four
 * (dev, unplug_requested) cases its guards read, so a transition is one
 * lookup: built once by testing the table's rows in order, first match
 * still wins (-1: none).
 */
#define DRC_GUARD_CASES 4
static int8_t first_row[DRC_CLASS_COUNT][DRC_OP_COUNT][SPAPR_DRC_STATE_COUNT][DRC_GUARD_CASES];
static pthread_once_t first_row_once = PTHREAD_ONCE_INIT;
static atomic_bool first_row_ready;   /* set once built: later transitions skip pthread_once */

/* The guards' inputs as an index into first_row's last dimension. */
static unsigned guard_case(const struct spapr_drc *d)
{
    return (d->dev != 0) | (unsigned)(d->unplug_requested != 0) << 1;
}

static int scan_table(uint8_t cls, uint8_t op, const struct spapr_drc *d)
{
    for (unsigned i = 0; i < drc_table_len; i++) {
        const struct drc_row *r = &drc_table[i];
        if (r->op == op && (r->classes & (1u << cls)) &&
            (r->state == ANY || r->state == d->state) && guard_holds(r->guard, d))
            return (int)i;
    }
    return -1;
}

static void first_row_build(void)
{
    if (drc_table_len > INT8_MAX)
        abort();   /* the table grew: widen first_row */
    for (uint8_t cls = 0; cls < DRC_CLASS_COUNT; cls++)
        for (uint8_t op = 0; op < DRC_OP_COUNT; op++)
            for (uint8_t st = 0; st < SPAPR_DRC_STATE_COUNT; st++)
                for (unsigned g = 0; g < DRC_GUARD_CASES; g++) {
                    struct spapr_drc d = { .state = st, .dev = (uint8_t)(g & 1),
                                           .unplug_requested = (uint8_t)(g >> 1) };
                    first_row[cls][op][st][g] = (int8_t)scan_table(cls, op, &d);
                }
    atomic_store_explicit(&first_row_ready, true, memory_order_release);
}

__attribute__((always_inline))
static inline int find_row(uint8_t cls, const struct spapr_drc *d, enum drc_op op)
{
    if (!atomic_load_explicit(&first_row_ready, memory_order_acquire))
        pthread_once(&first_row_once, first_row_build);
    if (cls >= DRC_CLASS_COUNT || op >= DRC_OP_COUNT || d->state >= SPAPR_DRC_STATE_COUNT)
        return -1;
    return first_row[cls][op][d->state][guard_case(d)];
}

/* spapr_drc_release: the class release callback is the caller's (effects). */
static void drc_release(struct spapr_drc *d, struct drc_outcome *out)
{
    out->effects |= DRC_FX_RELEASED;
    out->released_dev = d->dev;
    d->unplug_requested = 0;
    d->fdt = 0;
    d->dev = 0;
}

static void drc_abort(struct drc_outcome *out, uint8_t reason)
{
    out->effects |= DRC_FX_ABORT;
    out->abort_reason = reason;
}

/* rtas_ibm_configure_connector after the state check: build, then walk. */
__attribute__((always_inline))
static inline void drc_cc_call(const struct drc_env *env, uint8_t cls, struct spapr_drc *d,
                        struct drc_outcome *out)
{
    if (!d->fdt) {
        if (!d->dev) {  /* dt_populate dereferences drc->dev */
            drc_abort(out, QEMU_ABORT_CC_NO_DEV);
            return;
        }
        d->fdt = 1;
        d->ccs_offset = (int16_t)env->fragment->start;
        d->ccs_depth = 0;
    }
    out->rc = drc_cc_next(env->fragment, d, &out->cc);
    if (out->rc == SPAPR_DR_CC_RESPONSE_SUCCESS) {
        d->state = ready_state[cls];
        out->effects |= DRC_FX_CONFIGURED;
        out->tracepoint = "spapr_drc_set_configured";
    }
}

__attribute__((always_inline))
static inline void apply_effect(const struct drc_env *env, const struct drc_row *r, uint8_t cls,
                         struct spapr_drc *d, uint8_t dev_arg, uint32_t value,
                         struct drc_outcome *out)
{
    switch (r->effect) {
    case E_CCS_START:   /* ccs_offset = fdt_start_offset (0 while drc->fdt is NULL) */
        d->ccs_offset = d->fdt ? (int16_t)env->fragment->start : 0;
        d->ccs_depth = 0;
        break;
    case E_RELEASE:
        out->tracepoint2 = r->op == DRC_OP_ISOLATE ? "spapr_drc_set_isolation_state_finalizing"
                                                   : "spapr_drc_set_allocation_state_finalizing";
        drc_release(d, out);
        break;
    case E_GUEST_REJECTED:
        /* 87758fed7a; before it, UNISOLATE here was a plain no-op */
        if (!knob_on(env->knobs, KNOB_QEMU_UNISOLATE_CANCELS_UNPLUG))
            break;
        if (cls == DRC_CLASS_LMB)
            out->effects |= DRC_FX_LMB_ROLLBACK;
        d->unplug_requested = 0;
        out->effects |= DRC_FX_GUEST_REJECTED;
        break;
    case E_STORE_INDICATOR:
        d->dr_indicator = (uint8_t)value;
        break;
    case E_CC_ROLLBACK_WALK:
        /* fe1831eff8: the guest re-configures an LMB it was asked to drop */
        if (knob_on(env->knobs, KNOB_QEMU_LMB_RECONFIG_ROLLBACK))
            out->effects |= DRC_FX_LMB_ROLLBACK;
        /* fall through */
    case E_CC_WALK:
        drc_cc_call(env, cls, d, out);
        break;
    case E_ATTACH:
        d->dev = dev_arg;
        break;
    case E_UNPLUG_RELEASE:
        d->unplug_requested = 1;
        drc_release(d, out);
        break;
    case E_UNPLUG_REQ:
        d->unplug_requested = 1;
        out->tracepoint2 = "spapr_drc_awaiting_quiesce";
        break;
    case E_RESET:
        if (d->unplug_requested)
            drc_release(d, out);
        if (d->dev) {   /* "a device present at reset is ready to go" */
            d->state = ready_state[cls];
            d->ccs_offset = d->fdt ? (int16_t)env->fragment->start : 0;
            d->ccs_depth = 0;
        } else {
            d->state = empty_state[cls];
            d->ccs_offset = -1;
            d->ccs_depth = -1;
        }
        break;
    case E_ABORT_ATTACH:    drc_abort(out, QEMU_ABORT_DRC_ATTACH); break;
    case E_ABORT_UNISOLATE: drc_abort(out, QEMU_ABORT_DRC_UNISOLATE_DEV); break;
    case E_ABORT_SENSE:     drc_abort(out, QEMU_ABORT_DRC_SENSE_DEV); break;
    case E_ABORT_UNPLUG:    drc_abort(out, QEMU_ABORT_DRC_UNPLUG_NO_DEV); break;
    default:
        break;
    }
}

static const char *const op_tracepoint[DRC_OP_COUNT] = {
    [DRC_OP_ISOLATE] = "spapr_drc_set_isolation_state",
    [DRC_OP_UNISOLATE] = "spapr_drc_set_isolation_state",
    [DRC_OP_ISOLATION_BAD] = "spapr_drc_set_isolation_state",
    [DRC_OP_ALLOC_USABLE] = "spapr_drc_set_allocation_state",
    [DRC_OP_ALLOC_UNUSABLE] = "spapr_drc_set_allocation_state",
    [DRC_OP_ALLOC_BAD] = "spapr_drc_set_allocation_state",
    [DRC_OP_ATTACH] = "spapr_drc_attach",
    [DRC_OP_UNPLUG_REQUEST] = "spapr_drc_unplug_request",
    [DRC_OP_RESET] = "spapr_drc_reset",
};

/* Every operation's transition; inlined in both entry points below. */
__attribute__((always_inline))
static inline int transition(const struct drc_env *env, const struct drc_config *cfg,
                             struct spapr_drc *d, enum drc_op op, uint8_t dev_arg, uint32_t value,
                             struct drc_outcome *out)
{
    int i = find_row(cfg->cls, d, op);
    const struct drc_row *r;

    *out = (struct drc_outcome){ .row = -1 };
    /* allocation-state is traced only for logical DRCs, as QEMU does */
    if (!(op >= DRC_OP_ALLOC_USABLE && op <= DRC_OP_ALLOC_BAD && drc_class_is_physical(cfg->cls)))
        out->tracepoint = op_tracepoint[op];
    if (op == DRC_OP_DR_INDICATOR && drc_class_is_physical(cfg->cls))
        out->tracepoint = "spapr_drc_set_dr_indicator";
    if (i < 0)
        return out->rc;  /* unreachable: every (class, op) ends in a catch-all row */
    r = &drc_table[i];
    out->row = (int16_t)i;
    out->rc = r->rc;
    if (r->value >= 0)
        out->value = (uint32_t)r->value;
    if (env->row_hits)
        env->row_hits[i * DRC_CLASS_COUNT + cfg->cls]++;
    if (r->next == DRC_READY)
        d->state = ready_state[cfg->cls];
    else if (r->next == DRC_EMPTY)
        d->state = empty_state[cfg->cls];
    else if (r->next != DRC_SAME)
        d->state = r->next;
    apply_effect(env, r, cfg->cls, d, dev_arg, value, out);
    return out->rc;
}

int drc_transition(const struct drc_env *env, const struct drc_config *cfg, struct spapr_drc *d,
                   enum drc_op op, uint8_t dev_arg, uint32_t value, struct drc_outcome *out)
{
    return transition(env, cfg, d, op, dev_arg, value, out);
}

/* The operation fixed at compile time: its trace point and effects fold away. */
int drc_configure_connector(const struct drc_env *env, const struct drc_config *cfg,
                            struct spapr_drc *d, struct drc_outcome *out)
{
    return transition(env, cfg, d, DRC_OP_CONFIGURE_CONNECTOR, 0, 0, out);
}

/*
 * spapr_drc_needed (spapr_drc_transient at CAS): a device's DRC off its ready
 * state; a pending unplug counts only since ab8584349c, which sent the
 * unplug_requested subsection again (before it: state != ready_state alone).
 */
bool spapr_drc_needed(const struct drc_config *cfg, const struct spapr_drc *d,
                      bool unplug_requested_counts)
{
    if (!d->dev)
        return false;
    return d->state != ready_state[cfg->cls] || (unplug_requested_counts && d->unplug_requested);
}

/* drc_physical_needed: dr_indicator differs from its reset value */
bool drc_physical_needed(const struct spapr_drc *d)
{
    if (d->dev && d->dr_indicator == SPAPR_DR_INDICATOR_ACTIVE)
        return false;
    if (!d->dev && d->dr_indicator == SPAPR_DR_INDICATOR_INACTIVE)
        return false;
    return true;
}
