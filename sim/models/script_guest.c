/*
 * guest=script: the script plays the guest and makes one RTAS call per
 * `rtas` line (a `walk` repeats ibm,configure-connector until the result is
 * neither NEXT_CHILD, NEXT_PROPERTY nor PREV_PARENT), then checks the
 * line's expected results right after the call.
 */
#include <stdio.h>
#include "script.h"
#include "spapr.h"

#define WALK_MAX_CALLS 4096

static const char *value_name(uint8_t call, uint32_t v)
{
    if (call == RTAS_CALL_SET_ISOLATION && v <= 1)
        return v ? "unisolate" : "isolate";
    if (call == RTAS_CALL_SET_ALLOCATION && v <= 1)
        return v ? "usable" : "unusable";
    return NULL;
}

static void trace_call(const struct sim *s, const struct scn_line *l, uint32_t index,
                       struct trace *tr, uint32_t step_no, uint64_t t_ms)
{
    static const char *const types[RTAS_CALL_COUNT] = {
        "dr-entity-sense", "isolation-state", "allocation-state", "dr-indicator" };
    static const char *const ops[RTAS_CALL_COUNT] = {
        "get-sensor-state", "set-indicator", "set-indicator", "set-indicator",
        "ibm,configure-connector", "ibm,configure-connector", "check-exception", "event-scan" };
    char actor[64];
    const char *vn = value_name(l->action, l->arg);

    snprintf(actor, sizeof(actor), "guest@%s", sim_machine_name(s, l->machine));
    trace_step_begin(tr, step_no, t_ms, actor, ops[l->action]);
    if (l->action <= RTAS_CALL_SET_DR_INDICATOR)
        trace_arg_str(tr, "type", types[l->action]);
    if (l->action <= RTAS_CALL_CONFIGURE_CONNECTOR_WALK)
        trace_arg_hex(tr, "index", index);
    if (vn)
        trace_arg_str(tr, "value", vn);
    else if (l->action >= RTAS_CALL_SET_ISOLATION && l->action <= RTAS_CALL_SET_DR_INDICATOR)
        trace_arg_int(tr, "value", l->arg);
    if (l->action == RTAS_CALL_CONFIGURE_CONNECTOR_WALK)
        trace_arg_str(tr, "walk", "until done");
}

/* dlpar_configure_connector's loop, one RTAS call after the other. */
static struct rtas_ret walk(const struct sim *s, struct world *w, int m, uint32_t index,
                            struct trace *tr)
{
    struct drc_cc_item item;
    struct rtas_ret r;
    int calls = 0, nodes = 0, props = 0;

    do {
        r = rtas_ibm_configure_connector(s, w, m, index, tr, &item);
        calls++;
        nodes += r.rc == SPAPR_DR_CC_RESPONSE_NEXT_CHILD;
        props += r.rc == SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY;
    } while (drc_cc_more(r.rc) && calls < WALK_MAX_CALLS && !w->machines[m].abort_reason);
    if (tr) {
        trace_result_int(tr, "calls", calls);
        trace_result_int(tr, "nodes", nodes);
        trace_result_int(tr, "properties", props);
    }
    return r;
}

static struct rtas_ret call_one(const struct sim *s, struct world *w, const struct scn_line *l,
                                uint32_t index, struct trace *tr)
{
    int m = l->machine;
    struct drc_cc_item item;
    struct spapr_event_entry ev;
    struct rtas_ret r = { 0, 0 };
    char buf[96];

    switch (l->action) {
    case RTAS_CALL_GET_SENSOR_STATE:
        return rtas_get_sensor_state(s, w, m, RTAS_SENSOR_TYPE_ENTITY_SENSE, index, tr);
    case RTAS_CALL_SET_ISOLATION:
        return rtas_set_indicator(s, w, m, RTAS_SENSOR_TYPE_ISOLATION_STATE, index, l->arg, tr);
    case RTAS_CALL_SET_ALLOCATION:
        return rtas_set_indicator(s, w, m, RTAS_SENSOR_TYPE_ALLOCATION_STATE, index, l->arg, tr);
    case RTAS_CALL_SET_DR_INDICATOR:
        return rtas_set_indicator(s, w, m, RTAS_SENSOR_TYPE_DR, index, l->arg, tr);
    case RTAS_CALL_CONFIGURE_CONNECTOR:
        r = rtas_ibm_configure_connector(s, w, m, index, tr, &item);
        if (tr && item.name)
            trace_result_str(tr, "name", item.name);
        if (tr && r.rc == SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY)
            trace_result_int(tr, "length", item.len);
        return r;
    case RTAS_CALL_CONFIGURE_CONNECTOR_WALK:
        return walk(s, w, m, index, tr);
    case RTAS_CALL_CHECK_EXCEPTION:
        r = rtas_check_exception(s, w, m, RTAS_EVENT_MASK_EPOW | RTAS_EVENT_MASK_HOTPLUG, &ev, tr);
        if (tr && r.rc == RTAS_OUT_SUCCESS)
            trace_result_str(tr, "event", spapr_event_describe(&ev, buf, sizeof(buf)));
        return r;
    default:
        return rtas_event_scan(s, w, m, tr);
    }
}

void script_guest_rtas(const struct sim *s, struct world *w, const struct scn_line *l,
                       struct trace *tr, uint32_t step_no, uint64_t t_ms)
{
    uint32_t index = 0;
    int slot = -1;
    struct rtas_ret r;
    uint8_t field = 0;
    int32_t got = 0;
    bool ok;

    if (l->action <= RTAS_CALL_CONFIGURE_CONNECTOR_WALK)
        slot = sim_resolve_drc(s, w, l->machine, &l->drc, &index);
    if (tr)
        trace_call(s, l, index, tr, step_no, t_ms);
    r = call_one(s, w, l, index, tr);
    ok = sim_drc_pred_holds(s, w, l->machine, slot, &l->pred, r.rc, r.value, &field, &got);
    if (!ok)
        script_fail(w, l, field, got);
    if (!tr)
        return;
    trace_result_int(tr, "rc", r.rc);
    if (l->action == RTAS_CALL_GET_SENSOR_STATE)
        trace_result_int(tr, "value", r.value);
    if (!ok)
        trace_result_str(tr, "unexpected", sim_pred_field_name(field));
    trace_step_end(tr);
}
