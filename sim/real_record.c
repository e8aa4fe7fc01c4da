/*
 * Kept real runs (real_record.h): written one observation per line so that two
 * recordings diff by line, read back with json_file.c so that a corrupt or
 * foreign file gets "FILE:LINE:COL: error: …" at the value it is about.
 */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "json_file.h"
#include "real_record.h"
#include "realqemu.h"
#include "trace.h"

/* QEMU traces these for every DRC at each reset; no observable is made of them. */
static bool per_reset(const struct real_obs *o)
{
    return strcmp(o->kind, "drc") == 0 && (g_str_has_prefix(o->text, "spapr_drc_reset ") ||
                                            g_str_has_prefix(o->text, "spapr_drc_realize "));
}

bool real_record_write(const char *file, const struct real_record *rec, char *err, size_t len)
{
    GString *g = g_string_new(NULL);
    GError *e = NULL;
    bool ok;

    g_string_append_printf(g, "{\"drcsim_real_run\":%d,\"scenario\":", REAL_RECORD_FORMAT);
    json_string_append(g, rec->scenario);
    g_string_append(g, ",\"invalid\":");
    json_string_append(g, rec->invalid);
    g_string_append_printf(g, ",\"seconds\":%.3f,\"observations\":[", rec->seconds);
    for (guint i = 0, n = 0; i < rec->obs->len; i++) {
        const struct real_obs *o = &g_array_index(rec->obs, struct real_obs, i);
        if (per_reset(o))
            continue;
        g_string_append_printf(g, "%s\n{\"t\":%.6f,\"machine\":", n++ ? "," : "", o->t);
        json_string_append(g, o->machine);
        g_string_append(g, ",\"kind\":");
        json_string_append(g, o->kind);
        g_string_append(g, ",\"text\":");
        json_string_append(g, o->text);
        g_string_append_c(g, '}');
    }
    g_string_append(g, "]}\n");
    ok = g_file_set_contents(file, g->str, (gssize)g->len, &e);
    if (!ok)
        snprintf(err, len, "cannot write %s: %s", file, e->message);
    g_clear_error(&e);
    g_string_free(g, TRUE);
    return ok;
}

static const struct json_member record_members[] = {
    { "drcsim_real_run", JSON_COUNT, true }, { "scenario", JSON_STRING, true },
    { "invalid", JSON_STRING, true }, { "seconds", JSON_NUMBER, true },
};
static const struct json_member obs_members[] = {
    { "t", JSON_NUMBER, true }, { "machine", JSON_STRING, true },
    { "kind", JSON_STRING, true }, { "text", JSON_STRING, true },
};

struct rd {
    JsonParser *p;
    const char *file;
    char *err;
    size_t len;
};

static bool bad(const struct rd *r, const char *path, const char *fmt, const char *what)
{
    char at[600];

    json_at(r->p, r->file, at, sizeof(at), "%s", path);
    snprintf(r->err, r->len, "%s: error: %s", at, fmt);
    if (what) {
        size_t n = strlen(r->err);
        snprintf(r->err + n, r->len - n, " (%s)", what);
    }
    return false;
}

static bool read_obs(const struct rd *r, JsonObject *o, unsigned i, const struct scenario *scn,
                     struct real_obs *out)
{
    static const char *const kinds[] = { "qmp", "event", "drc", "guest", "death", "exit", "step" };
    char why[200], path[64];
    const char *member = NULL, *kind;
    bool kind_ok = false;

    if (!json_members_check(o, obs_members, G_N_ELEMENTS(obs_members), why, sizeof(why), &member)) {
        snprintf(path, sizeof(path), "observations/%u/%s", i, member ? member : "");
        return bad(r, path, why, NULL);
    }
    *out = (struct real_obs){ .t = json_object_get_double_member(o, "t") };
    kind = json_object_get_string_member(o, "kind");
    for (unsigned k = 0; k < G_N_ELEMENTS(kinds); k++)
        kind_ok |= strcmp(kind, kinds[k]) == 0;
    snprintf(path, sizeof(path), "observations/%u/kind", i);
    if (!kind_ok)
        return bad(r, path, "not an observation kind", "qmp, event, drc, guest, death, exit or step");
    snprintf(path, sizeof(path), "observations/%u/machine", i);
    if (scn_machine_index(scn, json_object_get_string_member(o, "machine")) < 0)
        return bad(r, path, "no machine of the scenario has this name", NULL);
    snprintf(path, sizeof(path), "observations/%u/text", i);
    if (strlen(json_object_get_string_member(o, "text")) >= sizeof(out->text))
        return bad(r, path, "text longer than an observation holds", NULL);
    g_strlcpy(out->machine, json_object_get_string_member(o, "machine"), sizeof(out->machine));
    g_strlcpy(out->kind, kind, sizeof(out->kind));
    g_strlcpy(out->text, json_object_get_string_member(o, "text"), sizeof(out->text));
    return true;
}

static bool read_head(const struct rd *r, JsonObject *top, const char *scn_path,
                      struct real_record *rec)
{
    char why[200];
    const char *member = NULL;
    g_autofree char *base = g_path_get_basename(scn_path);

    if (!json_members_check(top, record_members, G_N_ELEMENTS(record_members), why, sizeof(why),
                            &member))
        return bad(r, member ? member : "", "not a drcsim real run", why);
    if (json_object_get_int_member(top, "drcsim_real_run") != REAL_RECORD_FORMAT)
        return bad(r, "drcsim_real_run", "unknown format of a real run", "this drcsim reads 1");
    g_strlcpy(rec->scenario, json_object_get_string_member(top, "scenario"), sizeof(rec->scenario));
    if (strcmp(rec->scenario, base) != 0)
        return bad(r, "scenario", "recorded from another scenario", base);
    g_strlcpy(rec->invalid, json_object_get_string_member(top, "invalid"), sizeof(rec->invalid));
    rec->seconds = json_object_get_double_member(top, "seconds");
    return true;
}

static bool read_body(const struct rd *r, JsonObject *top, const struct scenario *scn,
                      struct real_record *rec)
{
    JsonNode *n = json_object_get_member(top, "observations");
    JsonArray *a;

    if (!n || !JSON_NODE_HOLDS_ARRAY(n))
        return bad(r, "observations", "\"observations\" is not an array", NULL);
    a = json_node_get_array(n);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonNode *e = json_array_get_element(a, i);
        struct real_obs o;
        char path[40];
        snprintf(path, sizeof(path), "observations/%u", i);
        if (!JSON_NODE_HOLDS_OBJECT(e))
            return bad(r, path, "an observation is an object", NULL);
        if (!read_obs(r, json_node_get_object(e), i, scn, &o))
            return false;
        if (rec->obs->len && o.t < g_array_index(rec->obs, struct real_obs, rec->obs->len - 1).t)
            return bad(r, path, "observations out of time order", NULL);
        g_array_append_val(rec->obs, o);
    }
    return true;
}

bool real_record_read(const char *file, const struct scenario *scn, const char *scn_path,
                      struct real_record *rec, char *err, size_t len)
{
    struct rd r = { .p = json_parser_new(), .file = file, .err = err, .len = len };
    JsonNode *root;
    bool ok = json_file_load(r.p, file, err, len);

    memset(rec, 0, sizeof(*rec));
    rec->obs = g_array_new(FALSE, FALSE, sizeof(struct real_obs));
    root = ok ? json_parser_get_root(r.p) : NULL;
    if (ok && (!root || !JSON_NODE_HOLDS_OBJECT(root)))
        ok = bad(&r, "", "not a drcsim real run", "not a JSON object");
    ok = ok && read_head(&r, json_node_get_object(root), scn_path, rec) &&
         read_body(&r, json_node_get_object(root), scn, rec);
    g_object_unref(r.p);
    if (!ok)
        real_record_clear(rec);
    return ok;
}

void real_record_clear(struct real_record *rec)
{
    if (rec->obs)
        g_array_free(rec->obs, TRUE);
    rec->obs = NULL;
}
