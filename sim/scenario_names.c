/*
 * The names of the scenario language's things, as QEMU, Linux and libvirt
 * spell them: DRC states, QMP events, actions, RTAS calls and invariant
 * families, with their lookups, and a device mask as IDs.
 */
#include <stdio.h>
#include <string.h>
#include "scenario_parse.h"

/* ---- names ---------------------------------------------------------- */

const char *const family_names[FAM_COUNT] = {
    "drc-migration-mismatch", "view-mismatch", "lost-unplug", "false-unplug-error",
    "guest-dlpar-error", "guest-dt-mismatch", "qemu-abort", "migration-failed",
    "expect-failed", "guest-panic",
};
static const char *const state_names[SPAPR_DRC_STATE_COUNT] = {
    "INVALID", "LOGICAL_UNUSABLE", "LOGICAL_AVAILABLE", "LOGICAL_UNISOLATE",
    "LOGICAL_CONFIGURED", "PHYSICAL_AVAILABLE", "PHYSICAL_POWERON", "PHYSICAL_UNISOLATE",
    "PHYSICAL_CONFIGURED",
};
const char *const scn_event_names[QMP_EVENT_COUNT] = {
    "DEVICE_DELETED", "DEVICE_UNPLUG_GUEST_ERROR", "MEM_UNPLUG_ERROR",
};
static const char *const action_names[DO_ACTION_COUNT] = {
    "device_add", "device_del", "migrate", "cont", "system_reset", "setvcpus", "cpu-offline",
    "stop", "lmb-busy", "disk-read",
};
static const char *const rtas_names[RTAS_CALL_COUNT] = {
    "get-sensor-state", "set-indicator isolation-state", "set-indicator allocation-state",
    "set-indicator dr-indicator", "configure-connector", "configure-connector walk",
    "check-exception", "event-scan",
};

int scn_index_of(const char *const *names, unsigned count, const char *s)
{
    for (unsigned i = 0; i < count; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static const char *name_at(const char *const *names, unsigned count, unsigned i)
{
    return i < count ? names[i] : "?";
}

const char *drc_state_name(uint8_t state)
{
    return name_at(state_names, SPAPR_DRC_STATE_COUNT, state);
}

int drc_state_lookup(const char *name)
{
    return scn_index_of(state_names, SPAPR_DRC_STATE_COUNT, name);
}

const char *qmp_event_name(uint8_t ev)
{
    return name_at(scn_event_names, QMP_EVENT_COUNT, ev);
}

const char *do_action_name(uint8_t a)
{
    return name_at(action_names, DO_ACTION_COUNT, a);
}

const char *rtas_call_name(uint8_t c)
{
    return name_at(rtas_names, RTAS_CALL_COUNT, c);
}

const char *scn_device_ids(const struct scenario *scn, unsigned mask, char *buf, size_t len)
{
    size_t at = 0;

    buf[0] = 0;
    for (unsigned x = mask; x; x &= x - 1)
        at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s", at ? "," : "",
                               scn->devices[__builtin_ctz(x)].id);
    return buf;
}

int family_lookup(const char *name)
{
    return scn_index_of(family_names, FAM_COUNT, name);
}
