/*
 * The observables of trace validation, from either side: QEMU's
 * spapr_drc_* trace points (reset and realize left out:
 * QEMU traces them for every DRC at each reset), QMP device_add/device_del
 * replies, QMP events, the guest's DLPAR and RTAS-log lines, how a
 * migration ended (the source's query-migrate status), and QEMU killed by a
 * signal. validate_search.c matches them.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "realqemu.h"
#include "spapr.h"
#include "validate.h"

static const char *const drc_points[] = {
    "spapr_drc_set_isolation_state", "spapr_drc_set_allocation_state",
    "spapr_drc_set_isolation_state_finalizing", "spapr_drc_set_allocation_state_finalizing",
    "spapr_drc_set_configured", "spapr_drc_attach", "spapr_drc_unplug_request",
    "spapr_drc_awaiting_quiesce", "spapr_drc_set_dr_indicator", NULL };

/* The guest's messages that drcsim models: DLPAR (pseries hotplug-cpu/-memory) and
 * the RTAS records logged for rtas_errd (PCI/PHB events, or all without OV5_HP_EVT). */
static const char *const guest_msgs[] = {
    "Attempting to add CPU", "CPU with drc index", "Cannot find CPU", "Failed to acquire DRC",
    "Failed call to configure-connector", "Successfully added CPU", "Attempting to remove CPU",
    "Unable to remove last online CPU", "Failed to offline CPU", "Failed to release drc",
    "Successfully removed CPU", "Attempting to hot-add", "Attempting to hot-remove",
    "was hot-added", "was hot-removed", "Memory indexed-count-add failed",
    "Memory hot-add failed", "RTAS: event:", "Kernel NULL pointer dereference",
    "Kernel panic - not syncing", NULL };

static bool listed(const char *const *list, const char *s, bool substring)
{
    for (int i = 0; list[i]; i++)
        if (substring ? strstr(s, list[i]) != NULL : strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static bool put(struct observation *o, uint8_t stream, int machine, const char *text)
{
    if (machine < 0)
        return false;
    *o = (struct observation){ .stream = stream, .machine = (uint8_t)machine };
    g_strlcpy(o->text, text, sizeof(o->text));
    return true;
}

/* "isolate" -> 0 … as the set-indicator argument QEMU's trace point prints. */
static int indicator_value(JsonObject *args)
{
    static const char *const names[] = { "isolate", "unisolate", "unusable", "usable" };
    const char *v;

    if (!args || !json_object_has_member(args, "value"))
        return -1;
    if (json_node_get_value_type(json_object_get_member(args, "value")) != G_TYPE_STRING)
        return (int)json_object_get_int_member(args, "value");
    v = json_object_get_string_member(args, "value");
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0)
            return i % 2;
    return -1;
}

static unsigned drc_obs(const struct sim *s, JsonObject *step, struct observation *out,
                        unsigned n, unsigned max)
{
    JsonArray *drc = json_object_has_member(step, "drc") ? json_object_get_array_member(step, "drc")
                                                         : NULL;
    JsonObject *args = json_object_get_object_member(step, "args");

    for (guint i = 0; drc && i < json_array_get_length(drc) && n < max; i++) {
        JsonObject *r = json_array_get_object_element(drc, i);
        const char *tp = json_object_get_string_member(r, "trace");
        char text[200];
        int v = indicator_value(args);
        if (!listed(drc_points, tp, false))
            continue;
        if (v >= 0 && (strcmp(tp, "spapr_drc_set_isolation_state") == 0 ||
                       strcmp(tp, "spapr_drc_set_allocation_state") == 0))
            snprintf(text, sizeof(text), "%s %s %d", tp, json_object_get_string_member(r, "index"), v);
        else
            snprintf(text, sizeof(text), "%s %s", tp, json_object_get_string_member(r, "index"));
        n += put(&out[n], OBS_DRC, scn_machine_index(s->scn, json_object_get_string_member(r, "machine")),
                 text);
    }
    return n;
}

static unsigned event_and_log_obs(const struct sim *s, JsonObject *step, struct observation *out,
                                  unsigned n, unsigned max)
{
    JsonArray *ev = json_object_has_member(step, "events") ? json_object_get_array_member(step, "events") : NULL;
    JsonArray *log = json_object_has_member(step, "log") ? json_object_get_array_member(step, "log") : NULL;
    const char *actor = json_object_get_string_member(step, "actor");
    char text[200];

    for (guint i = 0; ev && i < json_array_get_length(ev) && n < max; i++) {
        JsonObject *e = json_array_get_object_element(ev, i);
        const char *name = json_object_get_string_member(e, "event");
        if (strcmp(name, "MEM_UNPLUG_ERROR") == 0 || !json_object_has_member(e, "device"))
            continue;
        snprintf(text, sizeof(text), "%s %s", name, json_object_get_string_member(e, "device"));
        n += put(&out[n], OBS_EVENT, scn_machine_index(s->scn, json_object_get_string_member(e, "machine")), text);
    }
    for (guint i = 0; log && i < json_array_get_length(log) && n < max; i++) {
        JsonObject *l = json_array_get_object_element(log, i);
        const char *who = json_object_get_string_member(l, "who");
        const char *line = json_object_get_string_member(l, "line");
        if (g_str_has_prefix(who, "qmp@"))
            n += put(&out[n], OBS_QMP, scn_machine_index(s->scn, who + 4), line);
        else if (strcmp(who, "guest") == 0 && g_str_has_prefix(actor, "guest@") &&
                 listed(guest_msgs, line, true))
            n += put(&out[n], OBS_GUEST, scn_machine_index(s->scn, actor + 6), line);
    }
    return n;
}

/*
 * The migration's end (migration.c switchover: "completed" or "failed") as the real
 * driver writes the status query-migrate reports on the source once it is no longer
 * active: "migrate SRC DST -> STATUS".
 */
static unsigned migration_obs(const struct sim *s, JsonObject *step, struct observation *out,
                              unsigned n, unsigned max)
{
    JsonObject *args = json_object_get_object_member(step, "args");
    JsonObject *result = json_object_has_member(step, "result")
                       ? json_object_get_object_member(step, "result") : NULL;
    const char *src, *dst, *status;
    char text[200];

    if (n >= max || strcmp(json_object_get_string_member(step, "actor"), "migration") != 0 ||
        !args || !result || !json_object_has_member(result, "status"))
        return n;
    src = json_object_get_string_member(args, "src");
    dst = json_object_get_string_member(args, "dst");
    status = json_object_get_string_member(result, "status");
    snprintf(text, sizeof(text), "migrate %s %s -> %s", src, dst, status);
    return n + put(&out[n], OBS_MIGRATION, scn_machine_index(s->scn, src), text);
}

unsigned model_observations(const struct sim *s, const char *json_line, struct observation *out,
                            unsigned max)
{
    JsonParser *p = json_parser_new();
    JsonNode *root;
    unsigned n = 0;

    if (json_parser_load_from_data(p, json_line, -1, NULL) && (root = json_parser_get_root(p)) &&
        JSON_NODE_HOLDS_OBJECT(root)) {
        JsonObject *step = json_node_get_object(root);
        n = drc_obs(s, step, out, 0, max);
        n = event_and_log_obs(s, step, out, n, max);
        n = migration_obs(s, step, out, n, max);
    }
    g_object_unref(p);
    return n;
}

/* Drop obs[i] of stream on machine m; the count left. */
static unsigned drop_stream(struct observation *obs, unsigned n, uint8_t stream, int m)
{
    unsigned kept = 0;

    for (unsigned i = 0; i < n; i++)
        if (obs[i].stream != stream || obs[i].machine != m)
            obs[kept++] = obs[i];
    return kept;
}

unsigned model_crash_observations(const struct world *before, const struct world *after,
                                  int nmachines, struct observation *out, unsigned n,
                                  unsigned max)
{
    for (int m = 0; m < nmachines && n < max; m++) {
        uint8_t r = after->machines[m].abort_reason;
        if (!r || before->machines[m].abort_reason || qemu_abort_is_model_bound(r))
            continue;
        n = drop_stream(out, n, OBS_QMP, m);   /* QEMU died in the command: no reply */
        n += put(&out[n], OBS_CRASH, m, OBS_CRASH_TEXT);
    }
    return n;
}

/* "spapr_drc_set_allocation_state 0x10000001 0x1" -> "… 0x10000001 1" */
static bool real_drc(int m, const char *text, struct observation *out)
{
    gchar **w = g_strsplit(text, " ", -1);
    char norm[200];
    bool ok = w[0] && w[1] && listed(drc_points, w[0], false);

    if (ok && w[2])
        snprintf(norm, sizeof(norm), "%s 0x%x %ld", w[0], (unsigned)g_ascii_strtoull(w[1], NULL, 0),
                 (long)g_ascii_strtoll(w[2], NULL, 0));
    else if (ok)
        snprintf(norm, sizeof(norm), "%s 0x%x", w[0], (unsigned)g_ascii_strtoull(w[1], NULL, 0));
    g_strfreev(w);
    return ok && put(out, OBS_DRC, m, norm);
}

bool real_observation(const struct sim *s, const char *machine, const char *kind,
                      const char *text, struct observation *out)
{
    int m = scn_machine_index(s->scn, machine);

    if (strcmp(kind, "drc") == 0)
        return real_drc(m, text, out);
    if (strcmp(kind, "qmp") == 0)   /* a command QEMU died in has no reply (realqemu.c qmp_call) */
        return (g_str_has_prefix(text, "device_add ") || g_str_has_prefix(text, "device_del ")) &&
               !strstr(text, " -> error: no reply (") && put(out, OBS_QMP, m, text);
    if (strcmp(kind, "event") == 0)
        return (g_str_has_prefix(text, "DEVICE_DELETED ") ||
                g_str_has_prefix(text, "DEVICE_UNPLUG_GUEST_ERROR ")) && put(out, OBS_EVENT, m, text);
    if (strcmp(kind, "guest") == 0)
        return listed(guest_msgs, text, true) && put(out, OBS_GUEST, m, text);
    if (strcmp(kind, "step") == 0)    /* realdrive.c do_migrate; not "-> machine gone" */
        return g_str_has_prefix(text, "migrate ") && !g_str_has_suffix(text, "-> machine gone") &&
               put(out, OBS_MIGRATION, m, text);
    if (strcmp(kind, "death") == 0)   /* realqemu.c check_exit; not an exit status or a hang */
        return g_str_has_prefix(text, REAL_DEATH_BY_SIGNAL) && put(out, OBS_CRASH, m, OBS_CRASH_TEXT);
    return false;
}
