/*
 * The hotplug event queue of hw/ppc/spapr_events.c: spapr_hotplug_req_event
 * appends an RTAS v6 hotplug log to spapr->pending_events (FIFO);
 * check-exception dequeues the first entry whose source matches the mask;
 * event-scan dequeues nothing. Routing follows the CAS-negotiated OV5_HP_EVT.
 */
#include <stdio.h>
#include <string.h>
#include "spapr.h"

/* rtas_event_log_to_source: the hot-plug source only if OV5_HP_EVT was negotiated */
static uint32_t hotplug_source_mask(const struct world *w, int m)
{
    return (w->machines[m].ov5_cas & OV5_CAS_HP_EVT) ? RTAS_EVENT_MASK_HOTPLUG
                                                     : RTAS_EVENT_MASK_EPOW;
}

/* spapr_memory_hot_unplug_supported (73598c75df): HP_EVT, or before CAS (an empty ov5_cas);
 * QEMU 5.2 and before: HP_EVT only (spapr_machine_device_unplug_request) */
bool spapr_memory_hot_unplug_supported(const struct sim *s, const struct world *w, int m)
{
    uint8_t ov5 = w->machines[m].ov5_cas;

    return (ov5 & OV5_CAS_HP_EVT) ||
           (ov5 == 0 && knob_on(&s->knobs, KNOB_QEMU_MEMORY_UNPLUG_BEFORE_CAS));
}

static const char *const hp_type_names[] = { "?", "CPU", "MEMORY", "SLOT", "PHB", "PCI", "PMEM" };

const char *spapr_event_describe(const struct spapr_event_entry *e, char *buf, size_t len)
{
    const char *action = e->action == RTAS_LOG_V6_HP_ACTION_ADD ? "add" : "remove";
    const char *type = e->hp_type < 7 ? hp_type_names[e->hp_type] : "?";

    if (e->id_type == RTAS_LOG_V6_HP_ID_DRC_INDEX)
        snprintf(buf, len, "%s %s index 0x%x", type, action, e->index);
    else if (e->id_type == RTAS_LOG_V6_HP_ID_DRC_COUNT)
        snprintf(buf, len, "%s %s count %u", type, action, e->count);
    else
        snprintf(buf, len, "%s %s count %u index 0x%x", type, action, e->count, e->index);
    return buf;
}

/*
 * qemu_irq_pulse of the event's source. An edge that arrives while the guest
 * has the source masked is latched (XICS_STATUS_MASKED_PENDING, the XIVE PQ
 * bits) and delivered once the guest's handler unmasks it. An edge between
 * the trigger and the handler's EOI is delivered once more after the EOI
 * (XIVE: Q set while P is, xive_source_esb_eoi; XICS: ics_reject, then
 * ics_resend): during the handler that is irq_latched = 1; before it is
 * taken, 2, told apart only under guest.rtas-lock-wait (without it no
 * second edge can come before the first is taken but with an entry of its
 * own, and merging them changes no delivery).
 */
void spapr_irq_pulse(const struct sim *s, struct world *w, int m)
{
    struct spapr_machine *mw = &w->machines[m];
    bool in_handler = w->guest.in_irq && w->guest.machine == m;

    if (mw->irq_latched == IRQ_UNSIGNALLED)
        return;   /* XIVE: P set, the trigger only sets Q (xive_esb_trigger); XICS: the
                     XIRR holds it at that priority, icp_irq rejects the new edge */
    if (mw->irq_latched && !in_handler && knob_on(&s->knobs, KNOB_GUEST_RTAS_LOCK_WAIT))
        mw->irq_latched = 2;
    else
        mw->irq_latched = 1;
}

void spapr_hotplug_req_event(const struct sim *s, struct world *w, int m, uint8_t hp_type,
                             uint8_t action, uint8_t id_type, uint8_t count, uint32_t index,
                             struct trace *tr)
{
    struct spapr_machine *mw = &w->machines[m];
    struct spapr_event_entry e = { hp_type, action, id_type, count, index };
    char buf[96], line[128];

    if (mw->nr_events == MAX_EVENTS) {
        spapr_abort(s, w, m, QEMU_ABORT_EVENT_OVERFLOW, 0, tr);
        return;
    }
    mw->events[mw->nr_events++] = e;
    spapr_irq_pulse(s, w, m);
    if (tr) {
        snprintf(line, sizeof(line), "spapr_hotplug_req_event: %s",
                 spapr_event_describe(&e, buf, sizeof(buf)));
        trace_log(tr, "qemu", line);
    }
}

static void dequeue_at(struct spapr_machine *mw, int i)
{
    memmove(&mw->events[i], &mw->events[i + 1],
            (size_t)(mw->nr_events - i - 1) * sizeof(mw->events[0]));
    mw->nr_events--;
    memset(&mw->events[mw->nr_events], 0, sizeof(mw->events[0]));
}

/* spapr_clear_pending_hotplug_events (at CAS): hotplug entries only */
void spapr_clear_pending_hotplug_events(struct world *w, int m)
{
    struct spapr_machine *mw = &w->machines[m];

    while (mw->nr_events)   /* the model queues hotplug entries only */
        dequeue_at(mw, mw->nr_events - 1);
}

/* spapr_clear_pending_events (machine reset): the whole queue */
void spapr_clear_pending_events(struct world *w, int m)
{
    spapr_clear_pending_hotplug_events(w, m);
}

/* check_exception: first entry whose source mask matches; else rc 1. */
struct rtas_ret rtas_check_exception(const struct sim *s, struct world *w, int m, uint32_t mask,
                                     struct spapr_event_entry *out, struct trace *tr)
{
    struct spapr_machine *mw = &w->machines[m];

    (void)tr;
    *out = (struct spapr_event_entry){ 0 };
    if (mw->nr_events == 0 || !(hotplug_source_mask(w, m) & mask))
        return (struct rtas_ret){ RTAS_OUT_NO_ERRORS_FOUND, 0 };
    *out = mw->events[0];
    dequeue_at(mw, 0);
    if (mw->nr_events)          /* edge-triggered: re-pulse for what remains */
        spapr_irq_pulse(s, w, m);
    return (struct rtas_ret){ RTAS_OUT_SUCCESS, 0 };
}

/* event_scan: re-pulses the sources that have entries; always rc 1. */
struct rtas_ret rtas_event_scan(const struct sim *s, struct world *w, int m, struct trace *tr)
{
    if (!w->machines[m].nr_events)
        return (struct rtas_ret){ RTAS_OUT_NO_ERRORS_FOUND, 0 };
    spapr_irq_pulse(s, w, m);
    if (tr) {
        char line[80];
        snprintf(line, sizeof(line), "event_scan: re-pulse the event source (%u queued)",
                 (unsigned)w->machines[m].nr_events);
        trace_log(tr, "qemu", line);
    }
    return (struct rtas_ret){ RTAS_OUT_NO_ERRORS_FOUND, 0 };
}
