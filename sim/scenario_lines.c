/*
 * The scenario lines that act and check (ARCHITECTURE.md "Scenario
 * language"): `do`, `wait`, `rtas` and `assert` in scripts, with their DRC
 * names and predicates, and the `expect` and `verdict` statements.
 */
#include <string.h>
#include "scenario_parse.h"

/* The words after `do [MACHINE]`, in enum do_action order. */
static const char *const do_words[DO_ACTION_COUNT] = {
    "device_add", "device_del", "migrate", "cont", "system_reset", "setvcpus", "guest", "stop",
    "guest lmb-busy", "guest disk-read",   /* never one word: `guest` parses every guest action */
};
/* Predicate keys; key k is bit 1 << k (PRED_STATE … PRED_VALUE). */
static const char *const pred_keys[] = {
    "state", "dev", "unplug-requested", "needed", "rc", "value",
};
static const char *const wait_words[] = { "guest-online", "event", "migrated", "quiescent" };

/* ---- DRC names and predicates ----------------------------------------- */

static bool drc_range(struct parser *p, int i, uint32_t n, uint8_t limit, const char *what,
                      uint8_t m)
{
    if (n < limit)
        return true;
    return scn_fail(p, p->w[i].col, "%s out of range: machine '%s' has %s=%u", p->w[i].s,
                    p->s->machines[m].name, what, limit);
}

/* LMB:<dimm-id>.<k> */
static bool dimm_lmb(struct parser *p, int i, const char *v, struct drc_ref *r)
{
    const char *dot = strrchr(v, '.');
    char id[SCN_NAME_LEN];
    uint8_t d = 0;
    uint32_t k, nlmbs;

    if (!dot || (size_t)(dot - v) >= sizeof(id) || !scn_parse_u32(dot + 1, false, &k))
        return scn_fail(p, p->w[i].col, "bad DRC name '%s' (expected LMB:N or LMB:DIMM.K)",
                        p->w[i].s);
    snprintf(id, sizeof(id), "%.*s", (int)(dot - v), v);
    if (!scn_find_device(p, i, id, &d))
        return false;
    if (p->s->devices[d].type != DEV_DIMM)
        return scn_fail(p, p->w[i].col, "device '%s' is a %s, not a dimm", id,
                        scn_dev_type_names[p->s->devices[d].type]);
    nlmbs = p->s->devices[d].size_mb / 256;
    if (k >= nlmbs)
        return scn_fail(p, p->w[i].col, "%s out of range: DIMM '%s' has %u LMBs", p->w[i].s, id,
                        (unsigned)nlmbs);
    r->kind = DRC_REF_DIMM_LMB;
    r->device = d;
    r->n = (uint16_t)k;
    return true;
}

/* Word i names a DRC of machine m. */
static bool parse_drc(struct parser *p, int i, uint8_t m, struct drc_ref *r)
{
    static const char *const prefixes[] = { "CPU", "LMB", "PHB", "PCI" };
    static const uint8_t kinds[] = { DRC_REF_CPU, DRC_REF_LMB, DRC_REF_PHB, DRC_REF_PCI };
    static const char *const limit_names[] = { "cores", "lmbs", "phbs", "pci-slots" };
    const struct scn_machine *mc = &p->s->machines[m];
    const uint8_t limits[] = { mc->cores, mc->lmbs, mc->phbs, mc->pci_slots };
    const char *w = p->w[i].s, *colon = strchr(w, ':');
    uint32_t n;
    int k;

    memset(r, 0, sizeof(*r));
    if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        r->kind = DRC_REF_RAW;
        if (!scn_parse_u32(w, true, &r->raw))
            return scn_fail(p, p->w[i].col,
                            "bad DRC index '%s' (expected 0x and 1 to 8 hex digits)", w);
        return true;
    }
    k = -1;
    for (unsigned j = 0; colon && colon - w == 3 && j < 4; j++)
        if (strncmp(w, prefixes[j], 3) == 0)
            k = (int)j;
    if (k < 0)
        return scn_fail(p, p->w[i].col, "unknown DRC name '%s' (expected CPU:N, LMB:N, LMB:DIMM.K, "
                        "PHB:N, PCI:N or 0xINDEX)", w);
    if (!scn_parse_u32(colon + 1, false, &n)) {
        if (kinds[k] == DRC_REF_LMB)
            return dimm_lmb(p, i, colon + 1, r);
        return scn_fail(p, p->w[i].col, "bad DRC name '%s' (expected %s:N)", w, prefixes[k]);
    }
    r->kind = kinds[k];
    r->n = (uint16_t)n;
    return drc_range(p, i, n, limits[k], limit_names[k], m);
}

static bool pred_value(struct parser *p, int i, int k, const char *v, struct drc_pred *pr)
{
    const char *w = p->w[i].s;
    int st;

    switch (k) {
    case 0:
        st = drc_state_lookup(v);
        if (st < 0)
            return scn_fail(p, p->w[i].col, "unknown DRC state '%s'", v);
        pr->state = (uint8_t)st;
        return true;
    case 1:
        pr->dev = NONE;
        return strcmp(v, "none") == 0 || scn_find_device(p, i, v, &pr->dev);
    case 2:
    case 3:
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return scn_fail(p, p->w[i].col, "%s: expected yes or no", w);
        *(k == 2 ? &pr->unplug_requested : &pr->needed) = v[0] == 'y';
        return true;
    case 4:
        return scn_parse_i32(v, &pr->rc) ||
               scn_fail(p, p->w[i].col, "%s: expected a signed number", w);
    default:
        return scn_parse_u32(v, true, &pr->value) ||
               scn_fail(p, p->w[i].col, "%s: expected a number", w);
    }
}

/* Words [from, to): predicates (with rc= and value= when results). call:
 * the RTAS call when it names no DRC, else NULL. */
static bool parse_preds(struct parser *p, int from, int to, bool results, const char *call,
                        struct drc_pred *pr)
{
    memset(pr, 0, sizeof(*pr));
    for (int i = from; i < to; i++) {
        const char *w = p->w[i].s, *eq = strchr(w, '=');
        int k = scn_key_index(w, pred_keys, results ? 6 : 4);
        if (k < 0)
            return scn_fail(p, p->w[i].col, results ? "unknown result '%s' (expected rc=, value=, "
                            "state=, dev=, unplug-requested= or needed=)" : "unknown predicate '%s' "
                            "(expected state=, dev=, unplug-requested= or needed=)", w);
        if (!eq)
            return scn_fail(p, p->w[i].col, "expected %s=VALUE", w);
        if (pr->has & 1u << k)
            return scn_fail(p, p->w[i].col, "%s= given twice", pred_keys[k]);
        if (call && k < 4)
            return scn_fail(p, p->w[i].col, "%s= needs a DRC; %s has none", pred_keys[k], call);
        if (!pred_value(p, i, k, eq + 1, pr))
            return false;
        pr->has |= (uint8_t)(1u << k);
    }
    return true;
}

/* ---- do --------------------------------------------------------------- */

/* `do`/`wait`: word 1 is the machine, or the keyword when there is just one. */
static bool which_machine(struct parser *p, const char *stmt, const char *const *kws,
                          unsigned nkws, uint8_t *m, int *i)
{
    const char *w = p->w[1].s;
    int k = scn_machine_index(p->s, w);

    *i = 2;
    if (k >= 0) {
        *m = (uint8_t)k;
        return true;
    }
    if (scn_index_of(kws, nkws, w) < 0)
        return scn_fail(p, p->w[1].col, "unknown machine or %s '%s'",
                        strcmp(stmt, "do") == 0 ? "action" : "condition", w);
    if (p->s->nmachines != 1)
        return scn_fail(p, p->w[1].col,
                        "which machine? %u machines are defined: write `%s MACHINE %s …`",
                        p->s->nmachines, stmt, w);
    *m = 0;
    *i = 1;
    return true;
}

static bool do_migrate(struct parser *p, struct scn_line *l)
{
    if (!scn_need_words(p, 4, 4, "do migrate SRC DST") || !scn_find_machine(p, 2, &l->machine) ||
        !scn_find_machine(p, 3, &l->machine2))
        return false;
    if (l->machine == l->machine2)
        return scn_fail(p, p->w[3].col, "cannot migrate machine '%s' to itself", p->w[3].s);
    l->action = DO_MIGRATE;
    return true;
}

/* `guest lmb-busy DIMM N`: the guest cannot offline the DIMM's N-th LMB. */
static bool do_guest_lmb_busy(struct parser *p, struct scn_line *l, int i)
{
    const struct scn_device *dv;

    if (!scn_need_words(p, i + 4, i + 4, "do [MACHINE] guest lmb-busy DIMM N") ||
        !scn_typed_device(p, i + 2, DEV_DIMM, &l->device))
        return false;
    dv = &p->s->devices[l->device];
    l->action = DO_GUEST_LMB_BUSY;
    return scn_range_arg(p, i + 3, p->w[i + 3].s, 0, dv->size_mb / 256 - 1u, &l->arg);
}

static bool do_guest(struct parser *p, struct scn_line *l, int i)
{
    const struct scn_machine *mc = &p->s->machines[l->machine];

    if (!scn_need_words(p, i + 2, i + 4,
                        "do [MACHINE] guest cpu-offline N | lmb-busy DIMM N | disk-read"))
        return false;
    if (mc->guest != GUEST_LINUX)
        return scn_fail(p, p->w[i].col, "machine '%s' has guest=%s: guest actions need guest=linux",
                        mc->name, scn_guest_names[mc->guest]);
    if (strcmp(p->w[i + 1].s, "lmb-busy") == 0)
        return do_guest_lmb_busy(p, l, i);
    if (strcmp(p->w[i + 1].s, "disk-read") == 0) {
        l->action = DO_GUEST_DISK_READ;
        return scn_need_words(p, i + 2, i + 2, "do [MACHINE] guest disk-read");
    }
    if (strcmp(p->w[i + 1].s, "cpu-offline"))
        return scn_fail(p, p->w[i + 1].col, "unknown guest action '%s' (expected cpu-offline, "
                        "lmb-busy or disk-read)", p->w[i + 1].s);
    if (!scn_need_words(p, i + 3, i + 3, "do [MACHINE] guest cpu-offline N"))
        return false;
    return scn_range_arg(p, i + 2, p->w[i + 2].s, 0, mc->cores - 1u, &l->arg);
}

static bool do_action(struct parser *p, struct scn_line *l, int i)
{
    const struct scn_machine *mc = &p->s->machines[l->machine];

    switch (l->action) {
    case DO_DEVICE_ADD:
        return scn_need_words(p, i + 4, i + 4, "do [MACHINE] device_add TYPE ID ARG") &&
               scn_parse_device(p, i + 1, l->machine, &l->device);
    case DO_DEVICE_DEL:
        return scn_need_words(p, i + 2, i + 2, "do [MACHINE] device_del ID") &&
               scn_find_device(p, i + 1, p->w[i + 1].s, &l->device);
    case DO_MIGRATE:
        return scn_fail(p, p->w[i].col, "`migrate` takes no machine before it: write "
                        "`do migrate SRC DST`");
    case DO_SETVCPUS:
        return scn_need_words(p, i + 2, i + 2, "do [MACHINE] setvcpus N") &&
               scn_range_arg(p, i + 1, p->w[i + 1].s, 1, mc->cores, &l->arg);
    case DO_GUEST_CPU_OFFLINE:
        return do_guest(p, l, i);
    default:
        return scn_need_words(p, i + 1, i + 1, l->action == DO_CONT ? "do [MACHINE] cont" :
                              l->action == DO_STOP ? "do [MACHINE] stop" : "do [MACHINE] system_reset");
    }
}

bool scn_st_do(struct parser *p)
{
    struct scn_line *l;
    int i, a;

    if (!scn_need_words(p, 2, SCN_MAX_WORDS, "do [MACHINE] ACTION …") ||
        !(l = scn_new_line(p, LINE_DO)))
        return false;
    if (strcmp(p->w[1].s, "migrate") == 0)
        return do_migrate(p, l);
    if (!which_machine(p, "do", do_words, DO_ACTION_COUNT, &l->machine, &i) ||
        !scn_need_words(p, i + 1, SCN_MAX_WORDS, "do [MACHINE] ACTION …"))
        return false;
    a = scn_index_of(do_words, DO_ACTION_COUNT, p->w[i].s);
    if (a < 0)
        return scn_fail(p, p->w[i].col, "unknown action '%s' (expected device_add, device_del, "
                        "migrate, cont, stop, system_reset, setvcpus or guest)", p->w[i].s);
    l->action = (uint8_t)a;
    return do_action(p, l, i);
}

/* ---- wait ------------------------------------------------------------- */

static bool wait_timeout(struct parser *p, struct scn_line *l)
{
    const char *v = scn_value_of(p->w[p->n - 1].s, "timeout");

    if (!v)
        return true;
    if (!scn_parse_duration(v, &l->timeout_ms))
        return scn_fail(p, p->w[p->n - 1].col, "%s: expected a duration such as 500ms or 30s",
                        p->w[p->n - 1].s);
    if (l->timeout_ms == 0)
        return scn_fail(p, p->w[p->n - 1].col, "%s: a timeout must be positive", p->w[p->n - 1].s);
    p->n--;   /* the rest of the line is parsed without it */
    return true;
}

static bool wait_event(struct parser *p, struct scn_line *l, int i)
{
    int e;

    if (!scn_need_words(p, i + 2, i + 3, "wait [MACHINE] event EVENT [ID] [timeout=D]"))
        return false;
    e = scn_index_of(scn_event_names, QMP_EVENT_COUNT, p->w[i + 1].s);
    if (e < 0)
        return scn_fail(p, p->w[i + 1].col, "unknown event '%s' (expected DEVICE_DELETED, "
                        "DEVICE_UNPLUG_GUEST_ERROR or MEM_UNPLUG_ERROR)", p->w[i + 1].s);
    l->event = (uint8_t)e;
    return p->n == i + 2 || scn_find_device(p, i + 2, p->w[i + 2].s, &l->device);
}

/* guest-online ID [ID…]: every core named is online in the guest. */
static bool wait_online(struct parser *p, struct scn_line *l, int i)
{
    if (!scn_need_words(p, i + 2, SCN_MAX_WORDS,
                        "wait [MACHINE] guest-online ID [ID…] [timeout=D]"))
        return false;
    for (int k = i + 1; k < p->n; k++) {
        uint8_t d;
        if (!scn_typed_device(p, k, DEV_CPU_CORE, &d))
            return false;
        if (l->devices >> d & 1)
            return scn_fail(p, p->w[k].col, "device '%s' named twice", p->w[k].s);
        l->devices |= (uint16_t)(1u << d);
        l->cores |= (uint16_t)(1u << p->s->devices[d].core_id);
        if (k == i + 1)
            l->device = d;
    }
    return true;
}

bool scn_st_wait(struct parser *p)
{
    static const char usage[] = "wait [MACHINE] CONDITION … [timeout=D]";
    struct scn_line *l;
    int i, k;

    if (!scn_need_words(p, 2, SCN_MAX_WORDS, usage) || !(l = scn_new_line(p, LINE_WAIT)) ||
        !wait_timeout(p, l) || !scn_need_words(p, 2, SCN_MAX_WORDS, usage) ||
        !which_machine(p, "wait", wait_words, 4, &l->machine, &i) ||
        !scn_need_words(p, i + 1, SCN_MAX_WORDS, usage))
        return false;
    k = scn_index_of(wait_words, 4, p->w[i].s);
    if (k < 0)
        return scn_fail(p, p->w[i].col, "unknown condition '%s' (expected guest-online, event, "
                        "migrated or quiescent)", p->w[i].s);
    l->action = (uint8_t)k;
    switch (k) {
    case WAIT_GUEST_ONLINE:
        return wait_online(p, l, i);
    case WAIT_EVENT:
        return wait_event(p, l, i);
    default:
        return scn_need_words(p, i + 1, i + 1, k == WAIT_MIGRATED ?
                              "wait [MACHINE] migrated [timeout=D]" :
                              "wait [MACHINE] quiescent [timeout=D]");
    }
}

/* ---- rtas, assert ----------------------------------------------------- */

static bool rtas_set_indicator(struct parser *p, struct scn_line *l, int end)
{
    static const char *const indicators[] = {
        "isolation-state", "allocation-state", "dr-indicator",
    };
    static const char *const iso[] = { "isolate", "unisolate" };
    static const char *const alloc[] = { "unusable", "usable" };
    static const char *const expected[] = { "isolate, unisolate or a number",
                                            "usable, unusable or a number", "a number" };
    const char *v;
    int k, named;

    if (!scn_need_upto(p, end, 6, 6, "rtas MACHINE set-indicator INDICATOR DRC VALUE -> RESULT…"))
        return false;
    k = scn_index_of(indicators, 3, p->w[3].s);
    if (k < 0)
        return scn_fail(p, p->w[3].col, "unknown indicator '%s' (expected isolation-state, "
                        "allocation-state or dr-indicator)", p->w[3].s);
    l->action = (uint8_t)(RTAS_CALL_SET_ISOLATION + k);
    if (!parse_drc(p, 4, l->machine, &l->drc))
        return false;
    v = p->w[5].s;
    named = k == 0 ? scn_index_of(iso, 2, v) : k == 1 ? scn_index_of(alloc, 2, v) : -1;
    if (named >= 0)
        l->arg = (uint32_t)named;
    else if (!scn_parse_u32(v, true, &l->arg))
        return scn_fail(p, p->w[5].col, "'%s': expected %s", v, expected[k]);
    return true;
}

/* Words [2, end): the call and its arguments. */
static bool rtas_call(struct parser *p, struct scn_line *l, int end)
{
    const char *c = p->w[2].s;

    if (strcmp(c, "get-sensor-state") == 0) {
        if (!scn_need_upto(p, end, 5, 5,
                           "rtas MACHINE get-sensor-state dr-entity-sense DRC -> RESULT…"))
            return false;
        if (strcmp(p->w[3].s, "dr-entity-sense"))
            return scn_fail(p, p->w[3].col, "unknown sensor '%s' (expected dr-entity-sense)",
                            p->w[3].s);
        l->action = RTAS_CALL_GET_SENSOR_STATE;
        return parse_drc(p, 4, l->machine, &l->drc);
    }
    if (strcmp(c, "set-indicator") == 0)
        return rtas_set_indicator(p, l, end);
    if (strcmp(c, "configure-connector") == 0) {
        if (!scn_need_upto(p, end, 4, 5, "rtas MACHINE configure-connector DRC [walk] -> RESULT…"))
            return false;
        if (end == 5 && strcmp(p->w[4].s, "walk"))
            return scn_fail(p, p->w[4].col, "unexpected '%s' (expected walk)", p->w[4].s);
        l->action = end == 5 ? RTAS_CALL_CONFIGURE_CONNECTOR_WALK : RTAS_CALL_CONFIGURE_CONNECTOR;
        return parse_drc(p, 3, l->machine, &l->drc);
    }
    if (strcmp(c, "check-exception") && strcmp(c, "event-scan"))
        return scn_fail(p, p->w[2].col, "unknown RTAS call '%s' (expected get-sensor-state, "
                        "set-indicator, configure-connector, check-exception or event-scan)", c);
    l->action = c[0] == 'c' ? RTAS_CALL_CHECK_EXCEPTION : RTAS_CALL_EVENT_SCAN;
    return scn_need_upto(p, end, 3, 3, c[0] == 'c' ? "rtas MACHINE check-exception -> RESULT…" :
                         "rtas MACHINE event-scan -> RESULT…");
}

bool scn_st_rtas(struct parser *p)
{
    const struct scn_machine *mc;
    struct scn_line *l;
    bool no_drc;
    int arrow = 0;

    if (!scn_need_words(p, 3, SCN_MAX_WORDS, "rtas MACHINE CALL … -> RESULT…") ||
        !(l = scn_new_line(p, LINE_RTAS)) || !scn_find_machine(p, 1, &l->machine))
        return false;
    mc = &p->s->machines[l->machine];
    if (mc->guest != GUEST_SCRIPT)
        return scn_fail(p, p->w[1].col, "rtas needs guest=script, machine '%s' has guest=%s",
                        mc->name, scn_guest_names[mc->guest]);
    for (int i = 2; i < p->n && !arrow; i++)
        if (strcmp(p->w[i].s, "->") == 0)
            arrow = i;
    if (!arrow)
        return scn_fail(p, scn_col_of(p, p->n), "missing `->` and the results the call must give");
    if (!rtas_call(p, l, arrow))
        return false;
    if (arrow + 1 == p->n)
        return scn_fail(p, scn_col_of(p, p->n), "expected at least one result after `->`");
    no_drc = l->action == RTAS_CALL_CHECK_EXCEPTION || l->action == RTAS_CALL_EVENT_SCAN;
    return parse_preds(p, arrow + 1, p->n, true, no_drc ? p->w[2].s : NULL, &l->pred);
}

bool scn_st_assert(struct parser *p)
{
    struct scn_line *l;

    if (!scn_need_words(p, 5, SCN_MAX_WORDS, "assert MACHINE drc DRC PREDICATE…") ||
        !(l = scn_new_line(p, LINE_ASSERT)) || !scn_find_machine(p, 1, &l->machine))
        return false;
    if (strcmp(p->w[2].s, "drc"))
        return scn_fail(p, p->w[2].col, "expected drc after the machine, got '%s'", p->w[2].s);
    return parse_drc(p, 3, l->machine, &l->drc) &&
           parse_preds(p, 4, p->n, false, NULL, &l->pred);
}

/* ---- expect ----------------------------------------------------------- */

/* expect guest cpu|lmb ID …, expect libvirt vcpu|device ID … */
static bool expect_view(struct parser *p, struct scn_expect *e, bool guest)
{
    const char *w = p->w[2].s;
    bool first;

    if (guest && strcmp(w, "dlpar-error") == 0) {   /* an error the scenario expects */
        e->kind = EXPECT_GUEST_DLPAR_ERROR;
        e->present = 1;
        return scn_need_words(p, 4, 4, "expect guest dlpar-error ID") &&
               scn_typed_device(p, 3, -1, &e->device);
    }
    if (!scn_need_words(p, 5, 5, guest ? "expect guest cpu|lmb ID present|absent" :
                        "expect libvirt vcpu|device ID present|absent"))
        return false;
    first = strcmp(w, guest ? "cpu" : "vcpu") == 0;
    if (!first && strcmp(w, guest ? "lmb" : "device"))
        return scn_fail(p, p->w[2].col, "expected %s, got '%s'",
                        guest ? "cpu, lmb or dlpar-error" : "vcpu or device", w);
    if (guest)
        e->kind = first ? EXPECT_GUEST_CPU : EXPECT_GUEST_LMB;
    else
        e->kind = first ? EXPECT_LIBVIRT_VCPU : EXPECT_LIBVIRT_DEVICE;
    return scn_typed_device(p, 3, guest ? (first ? DEV_CPU_CORE : DEV_DIMM) :
                            (first ? DEV_CPU_CORE : -1), &e->device) &&
           scn_choice(p, 4, "present", "absent", &e->present);
}

static bool expect_event(struct parser *p, struct scn_expect *e)
{
    int ev;

    if (!scn_need_words(p, 4, 5, "expect event EVENT [ID] emitted|not-emitted"))
        return false;
    e->kind = EXPECT_EVENT;
    ev = scn_index_of(scn_event_names, QMP_EVENT_COUNT, p->w[2].s);
    if (ev < 0)
        return scn_fail(p, p->w[2].col, "unknown event '%s' (expected DEVICE_DELETED, "
                        "DEVICE_UNPLUG_GUEST_ERROR or MEM_UNPLUG_ERROR)", p->w[2].s);
    e->event = (uint8_t)ev;
    if (p->n == 5 && !scn_typed_device(p, 3, -1, &e->device))
        return false;
    return scn_choice(p, p->n - 1, "emitted", "not-emitted", &e->present);
}

static bool expect_machine(struct parser *p, struct scn_expect *e)
{
    if (!scn_find_machine(p, 1, &e->machine) ||
        !scn_need_words(p, 3, SCN_MAX_WORDS, "expect MACHINE drc|device …"))
        return false;
    if (strcmp(p->w[2].s, "drc") == 0) {
        e->kind = EXPECT_DRC;
        return scn_need_words(p, 5, SCN_MAX_WORDS, "expect MACHINE drc DRC PREDICATE…") &&
               parse_drc(p, 3, e->machine, &e->drc) &&
               parse_preds(p, 4, p->n, false, NULL, &e->pred);
    }
    if (strcmp(p->w[2].s, "device"))
        return scn_fail(p, p->w[2].col, "expected drc or device after the machine, got '%s'",
                        p->w[2].s);
    e->kind = EXPECT_DEVICE;
    return scn_need_words(p, 5, 5, "expect MACHINE device ID present|absent") &&
           scn_typed_device(p, 3, -1, &e->device) &&
           scn_choice(p, 4, "present", "absent", &e->present);
}

bool scn_st_expect(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_expect *e;
    const char *w;

    if (!scn_need_words(p, 2, SCN_MAX_WORDS, "expect MACHINE|guest|libvirt|event …"))
        return false;
    if (s->nexpects == SCN_MAX_EXPECTS)
        return scn_fail(p, p->w[0].col, "too many expect lines (max %d)", SCN_MAX_EXPECTS);
    e = &s->expects[s->nexpects++];
    memset(e, 0, sizeof(*e));
    e->machine = e->device = e->event = NONE;
    e->loc = scn_loc_of(p, 0);
    w = p->w[1].s;
    if (strcmp(w, "guest") == 0 || strcmp(w, "libvirt") == 0)
        return expect_view(p, e, w[0] == 'g');
    if (strcmp(w, "event") == 0)
        return expect_event(p, e);
    return expect_machine(p, e);
}

/* ---- verdict ---------------------------------------------------------- */

static bool verdict_families(struct parser *p, int i, uint32_t *fams)
{
    gchar **parts = g_strsplit(p->w[i].s, ",", -1);
    bool ok = true;

    for (int k = 0; ok && parts[k]; k++) {
        int f = family_lookup(parts[k]);
        if (!parts[k][0])
            ok = scn_fail(p, p->w[i].col, "empty family name in '%s'", p->w[i].s);
        else if (f < 0)
            ok = scn_fail(p, p->w[i].col, "unknown family '%s'", parts[k]);
        else if (*fams & 1u << f)
            ok = scn_fail(p, p->w[i].col, "family '%s' listed twice", parts[k]);
        else
            *fams |= 1u << f;
    }
    g_strfreev(parts);
    return ok;
}

bool scn_st_verdict(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_verdict v = { .loc = scn_loc_of(p, 1) };

    if (!scn_need_words(p, 3, 4, "verdict VARIANT pass|fail FAMILY[,FAMILY…]") ||
        !scn_get_name(p, 1, "variant", v.variant))
        return false;
    for (unsigned i = 0; i < s->nverdicts; i++)
        if (strcmp(s->verdicts[i].variant, v.variant) == 0)
            return scn_fail(p, p->w[1].col, "duplicate verdict for variant '%s' (first on line %u)",
                            v.variant, s->verdicts[i].loc.line);
    if (s->nverdicts == SCN_MAX_VERDICTS)
        return scn_fail(p, p->w[0].col, "too many verdict lines (max %d)", SCN_MAX_VERDICTS);
    if (strcmp(p->w[2].s, "pass") == 0) {
        if (!scn_need_words(p, 3, 3, "verdict VARIANT pass"))
            return false;
        v.pass = 1;
    } else if (strcmp(p->w[2].s, "fail") == 0) {
        if (!scn_need_words(p, 4, 4, "verdict VARIANT fail FAMILY[,FAMILY…]") ||
            !verdict_families(p, 3, &v.families))
            return false;
    } else {
        return scn_fail(p, p->w[2].col, "expected pass or fail, got '%s'", p->w[2].s);
    }
    s->verdicts[s->nverdicts++] = v;
    return true;
}

/* ignore FAMILY[,FAMILY…]: explore on past these violations, to learn what else a path reaches. */
bool scn_st_ignore(struct parser *p)
{
    struct scenario *s = p->s;
    uint32_t fams = 0;

    if (!scn_need_words(p, 2, 2, "ignore FAMILY[,FAMILY…]"))
        return false;
    if (s->ignore_families)
        return scn_fail(p, p->w[0].col, "duplicate `ignore` (first on line %u)",
                        s->ignore_loc.line);
    if (!verdict_families(p, 1, &fams))
        return false;
    /* After an abort the model keeps no process: libvirt's monitor EOF and the domain's
     * crash (qemuProcessHandleMonitorEOF) are not modelled, so nothing past it is real. */
    if (fams & 1u << FAM_QEMU_ABORT)
        return scn_fail(p, p->w[1].col, "qemu-abort cannot be ignored: the model does not "
                        "follow a domain past QEMU's crash");
    /* Nor past the guest's panic: ibm,os-term, GUEST_PANICKED and libvirt's on_crash. */
    if (fams & 1u << FAM_GUEST_PANIC)
        return scn_fail(p, p->w[1].col, "guest-panic cannot be ignored: the model does not "
                        "follow a domain past the guest's panic");
    s->ignore_families = fams;
    s->ignore_loc = scn_loc_of(p, 1);
    return true;
}

bool scn_check_ignored(struct parser *p)
{
    const struct scenario *s = p->s;

    for (unsigned i = 0; i < s->nverdicts; i++) {
        const struct scn_verdict *v = &s->verdicts[i];
        uint32_t both = v->families & s->ignore_families;
        if (both) {
            p->line = v->loc.line;
            return scn_fail(p, v->loc.col, "verdict for '%s' names '%s', which `ignore` on "
                            "line %u takes out", v->variant, family_names[__builtin_ctz(both)],
                            s->ignore_loc.line);
        }
    }
    return true;
}
