/*
 * The RTAS entry points of hw/ppc/spapr_drc.c (set-indicator,
 * get-sensor-state, ibm,configure-connector) and what a DRC transition
 * means for the machine: trace points, release callbacks, the unplug
 * rejection path (87758fed7a, 4b08cd567b), QMP events and QEMU aborts.
 */
#include <stdio.h>
#include "libvirt.h"
#include "spapr.h"

const char *qemu_abort_message(uint8_t reason)
{
    switch (reason) {
    case QEMU_ABORT_DRC_ATTACH:
        return "spapr_drc_attach: assertion failed: (!drc->dev) && state is empty_state";
    case QEMU_ABORT_DRC_UNISOLATE_DEV:
        return "drc_unisolate_logical: assertion failed: (drc->dev)";
    case QEMU_ABORT_DRC_SENSE_DEV:
        return "logical_entity_sense: assertion failed: (drc->dev)";
    case QEMU_ABORT_DRC_UNPLUG_NO_DEV:
        return "spapr_drc_unplug_request: assertion failed: (drc->dev)";
    case QEMU_ABORT_CC_NO_DEV:
        return "rtas_ibm_configure_connector: dt_populate of a DRC without a device";
    case QEMU_ABORT_LMB_ROLLBACK_NO_DS:
        return "spapr_memory_unplug_rollback: assertion failed: (ds)";
    case QEMU_ABORT_TCG_STALE_VCPU:
        return "memory_region_transaction_commit -> tlb_flush -> qemu_thread_is_self on an "
               "unplugged vCPU (TCG use after free)";
    case QEMU_ABORT_KVM_XICS_FD:
        return "ics_kvm_set_irq: Assertion `kernel_xics_fd != -1' failed (an interrupt reached "
               "XICS, whose KVM device is not connected)";
    case QEMU_ABORT_FDT:
        return "spapr_build_fdt: _FDT() failed, QEMU exits";
    case QEMU_ABORT_EVENT_OVERFLOW:
        return "drcsim model bound: more pending hotplug events than MAX_EVENTS";
    case QEMU_ABORT_WORK_OVERFLOW:
        return "drcsim model bound: more queued guest DLPAR work than MAX_GUEST_WORK";
    default:
        return "abort";
    }
}

void spapr_abort(const struct sim *s, struct world *w, int m, uint8_t reason, int slot,
                 struct trace *tr)
{
    struct spapr_machine *mw = &w->machines[m];

    (void)s;
    if (mw->abort_reason)
        return;
    mw->abort_reason = reason;
    mw->abort_drc = (uint8_t)slot;
    if (tr)
        trace_log(tr, "qemu", qemu_abort_message(reason));
}

void spapr_emit_event(const struct sim *s, struct world *w, int m, uint8_t ev, uint8_t drc_dev,
                      struct trace *tr)
{
    struct spapr_machine *mw = &w->machines[m];
    const char *id = sim_dev_id(s, drc_dev);

    if (drc_dev && drc_dev != DRC_DEV_BUILTIN) {
        uint16_t bit = (uint16_t)(1u << (drc_dev - 1));
        if (ev == QMP_DEVICE_DELETED)
            mw->deleted |= bit;
        else if (ev == QMP_DEVICE_UNPLUG_GUEST_ERROR)
            mw->unplug_guest_error |= bit;
        else
            mw->mem_unplug_error |= bit;
        if (libvirt_manages(s, m))   /* the QMP monitor connection */
            libvirt_qmp_event(w, m, ev, (uint8_t)(drc_dev - 1));
    }
    if (tr)
        trace_event(tr, sim_machine_name(s, m), qmp_event_name(ev), id);
}

/* drc_unisolate_logical: the guest refused the removal (87758fed7a). */
static void unplug_rejected(const struct sim *s, struct world *w, int m, uint8_t drc_dev,
                            struct trace *tr)
{
    char line[160];

    if (tr && sim_dev_id(s, drc_dev)) {
        snprintf(line, sizeof(line), "Device hotunplug rejected by the guest for device %s",
                 sim_dev_id(s, drc_dev));
        trace_log(tr, "qemu", line);
    }
    /* DEVICE_UNPLUG_GUEST_ERROR since 6.2 (4b08cd567b); before, only the log line */
    if (knob_val(&s->knobs, KNOB_QEMU_UNPLUG_ERROR_EVENT) ==
        UNPLUG_ERROR_EVENT_DEVICE_UNPLUG_GUEST_ERROR)
        spapr_emit_event(s, w, m, QMP_DEVICE_UNPLUG_GUEST_ERROR, drc_dev, tr);
}

static void trace_transition(const struct sim *s, const struct world *w, int m, int slot,
                             const struct drc_outcome *o, struct trace *tr)
{
    const char *state = drc_state_name(w->machines[m].drcs[slot].state);
    const char *mn = sim_machine_name(s, m);
    uint32_t index = s->m[m].drcs[slot].index;

    if (o->tracepoint)
        trace_drc(tr, mn, o->tracepoint, index, state);
    if (o->tracepoint2)
        trace_drc(tr, mn, o->tracepoint2, index, state);
    if (o->effects & DRC_FX_RELEASED)
        trace_drc(tr, mn, "spapr_drc_release", index, state);
}

/* What a transition means for the machine, in QEMU's order. */
static void drc_op_effects(const struct sim *s, struct world *w, int m, int slot, uint8_t had_dev,
                           const struct drc_outcome *o, struct trace *tr)
{
    if (tr)
        trace_transition(s, w, m, slot, o, tr);
    if (o->effects & DRC_FX_ABORT)
        spapr_abort(s, w, m, o->abort_reason, slot, tr);
    if (o->effects & DRC_FX_LMB_ROLLBACK)
        spapr_memory_unplug_rollback(s, w, m, had_dev, tr);
    if (w->machines[m].abort_reason)
        return;   /* g_assert(ds) in the rollback: QEMU is gone */
    if (o->effects & DRC_FX_GUEST_REJECTED)
        unplug_rejected(s, w, m, had_dev, tr);
    if (o->effects & DRC_FX_RELEASED)
        spapr_release_device(s, w, m, slot, o->released_dev, tr);
}

/*
 * One operation on the DRC at slot, then its effects on the machine. Inlined
 * where op is a constant: a configure-connector call takes the transition's
 * entry with the op fixed.
 */
__attribute__((always_inline))
static inline int drc_op(const struct sim *s, struct world *w, int m, int slot, enum drc_op op,
                         uint8_t dev, uint32_t value, struct trace *tr, struct drc_outcome *o)
{
    struct drc_env env = { &s->knobs, &s->m[m].fragments[slot], s->row_hits };
    struct spapr_drc *d = &w->machines[m].drcs[slot];
    uint8_t had_dev = d->dev;

    if (op == DRC_OP_CONFIGURE_CONNECTOR)
        drc_configure_connector(&env, &s->m[m].drcs[slot], d, o);
    else
        drc_transition(&env, &s->m[m].drcs[slot], d, op, dev, value, o);
    /* untraced, a configured walk or no effect at all leaves the machine alone */
    if (tr || (o->effects & ~DRC_FX_CONFIGURED))
        drc_op_effects(s, w, m, slot, had_dev, o, tr);
    return o->rc;
}

int spapr_drc_op(const struct sim *s, struct world *w, int m, int slot, enum drc_op op,
                 uint8_t dev, uint32_t value, struct trace *tr, struct drc_outcome *o)
{
    struct drc_outcome local;

    return drc_op(s, w, m, slot, op, dev, value, tr, o ? o : &local);
}

/* rtas_set_indicator -> rtas_set_{isolation,allocation}_state, rtas_set_dr_indicator */
struct rtas_ret rtas_set_indicator(const struct sim *s, struct world *w, int m, uint32_t type,
                                   uint32_t index, uint32_t value, struct trace *tr)
{
    int slot = sim_drc_by_index(s, m, index);
    enum drc_op op;

    switch (type) {
    case RTAS_SENSOR_TYPE_ISOLATION_STATE:
        op = value == 0 ? DRC_OP_ISOLATE : value == 1 ? DRC_OP_UNISOLATE : DRC_OP_ISOLATION_BAD;
        break;
    case RTAS_SENSOR_TYPE_DR:
        op = value <= SPAPR_DR_INDICATOR_ACTION ? DRC_OP_DR_INDICATOR : DRC_OP_DR_INDICATOR_BAD;
        break;
    case RTAS_SENSOR_TYPE_ALLOCATION_STATE:
        op = value == 1 ? DRC_OP_ALLOC_USABLE : value == 0 ? DRC_OP_ALLOC_UNUSABLE
                                                           : DRC_OP_ALLOC_BAD;
        break;
    default:
        return (struct rtas_ret){ RTAS_OUT_NOT_SUPPORTED, 0 };
    }
    if (slot < 0)   /* spapr_drc_by_index() == NULL */
        return (struct rtas_ret){ RTAS_OUT_NO_SUCH_INDICATOR, 0 };
    return (struct rtas_ret){ spapr_drc_op(s, w, m, slot, op, 0, value, tr, NULL), 0 };
}

/* rtas_get_sensor_state: only dr-entity-sense (9003) is implemented */
struct rtas_ret rtas_get_sensor_state(const struct sim *s, struct world *w, int m, uint32_t type,
                                      uint32_t index, struct trace *tr)
{
    int slot = sim_drc_by_index(s, m, index);
    struct drc_outcome o;

    if (type != RTAS_SENSOR_TYPE_ENTITY_SENSE)
        return (struct rtas_ret){ RTAS_OUT_NOT_SUPPORTED, 0 };
    if (slot < 0)
        return (struct rtas_ret){ RTAS_OUT_PARAM_ERROR, 0 };
    spapr_drc_op(s, w, m, slot, DRC_OP_SENSE, 0, 0, tr, &o);
    return (struct rtas_ret){ o.rc, o.value };
}

/* rtas_ibm_configure_connector: one call, one item of the fragment */
struct rtas_ret rtas_ibm_configure_connector(const struct sim *s, struct world *w, int m,
                                             uint32_t index, struct trace *tr,
                                             struct drc_cc_item *item)
{
    int slot = sim_drc_by_index(s, m, index);
    struct drc_outcome o;

    if (slot < 0) {
        *item = (struct drc_cc_item){ 0 };
        return (struct rtas_ret){ RTAS_OUT_PARAM_ERROR, 0 };
    }
    drc_op(s, w, m, slot, DRC_OP_CONFIGURE_CONNECTOR, 0, 0, tr, &o);
    *item = o.cc;
    return (struct rtas_ret){ o.rc, 0 };
}
