/*
 * The invariant families of DOMAIN.md as checks over the world: qemu-abort
 * after any step, expect-failed for a script line that did not hold and,
 * at quiescence, for every `expect` line of the scenario.
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "spapr.h"

const char *families_format(uint32_t fams, char *buf, size_t len)
{
    size_t off = 0;

    buf[0] = '\0';
    for (int f = 0; f < FAM_COUNT; f++)
        if (fams & (1u << f))
            off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s",
                                    off ? "," : "", family_names[f]);
    return buf;
}

static uint32_t violate(struct violation *v, uint8_t fam, uint16_t line, const char *msg)
{
    v->family = fam;
    v->line = line;
    snprintf(v->message, sizeof(v->message), "%s", msg);
    return 1u << fam;
}

static const char *pred_expected(const struct drc_pred *p, uint8_t field, char *buf, size_t len)
{
    switch (field) {
    case PRED_RC:         snprintf(buf, len, "rc=%d", p->rc); break;
    case PRED_VALUE:      snprintf(buf, len, "value=%u", p->value); break;
    case PRED_STATE:      snprintf(buf, len, "state=%s", drc_state_name(p->state)); break;
    case PRED_UNPLUG_REQ: snprintf(buf, len, "unplug-requested=%s", p->unplug_requested ? "yes" : "no"); break;
    case PRED_NEEDED:     snprintf(buf, len, "needed=%s", p->needed ? "yes" : "no"); break;
    default:              snprintf(buf, len, "dev=%s", p->dev == SCN_NO_DEVICE ? "none" : "the device"); break;
    }
    return buf;
}

static const char *pred_got(const struct sim *s, uint8_t field, int32_t got, char *buf, size_t len)
{
    if (field == PRED_STATE)
        snprintf(buf, len, "%s", got < 0 ? "no such DRC" : drc_state_name((uint8_t)got));
    else if (field == PRED_DEV)
        snprintf(buf, len, "%s", got == 0 ? "none" : sim_dev_id(s, (uint8_t)got) ?
                 sim_dev_id(s, (uint8_t)got) : "a built-in device");
    else if (field == PRED_UNPLUG_REQ || field == PRED_NEEDED)
        snprintf(buf, len, "%s", got ? "yes" : "no");
    else
        snprintf(buf, len, "%d", got);
    return buf;
}

static const struct scn_line *line_at(const struct scenario *scn, uint16_t line)
{
    for (int i = 0; i < scn->nlines; i++)
        if (scn->lines[i].loc.line == line)
            return &scn->lines[i];
    return NULL;
}

uint32_t check_step(const void *sim, const void *world, const struct step *st,
                    struct violation *v)
{
    const struct sim *s = sim;
    const struct world *w = world;
    char msg[320], a[64], b[64];

    (void)st;
    for (int m = 0; m < s->scn->nmachines; m++)
        if (w->machines[m].abort_reason) {
            snprintf(msg, sizeof(msg), "QEMU on %s aborts: %s (DRC 0x%x)", sim_machine_name(s, m),
                     qemu_abort_message(w->machines[m].abort_reason),
                     s->m[m].drcs[w->machines[m].abort_drc].index);
            return violate(v, FAM_QEMU_ABORT, 0, msg);
        }
    if (w->failure.line) {
        const struct scn_line *l = line_at(s->scn, w->failure.line);
        snprintf(msg, sizeof(msg), "%s:%u: %s did not hold: got %s=%s, expected %s", s->scn->path,
                 w->failure.line, l && l->kind == LINE_RTAS ? "rtas result" : "assert",
                 sim_pred_field_name(w->failure.field),
                 pred_got(s, w->failure.field, w->failure.got, a, sizeof(a)),
                 l ? pred_expected(&l->pred, w->failure.field, b, sizeof(b)) : "?");
        return violate(v, FAM_EXPECT_FAILED, w->failure.line, msg);
    }
    return 0;
}

static bool event_seen(const struct sim *s, const struct world *w, uint8_t ev, uint8_t dev)
{
    for (int m = 0; m < s->scn->nmachines; m++) {
        const struct spapr_machine *mw = &w->machines[m];
        uint16_t mask = ev == QMP_DEVICE_DELETED ? mw->deleted
                      : ev == QMP_DEVICE_UNPLUG_GUEST_ERROR ? mw->unplug_guest_error
                      : mw->mem_unplug_error;
        if (dev == SCN_NO_DEVICE ? mask != 0 : (mask >> dev) & 1)
            return true;
    }
    return false;
}

/* One `expect` line; returns false and writes why into msg. */
static bool expect_holds(const struct sim *s, const struct world *w, const struct scn_expect *e,
                         char *msg, size_t len)
{
    const char *id = e->device != SCN_NO_DEVICE ? s->scn->devices[e->device].id : "any device";
    uint8_t field = 0;
    int32_t got = 0;
    uint32_t index = 0;
    char a[64], b[64];
    int slot;

    switch (e->kind) {
    case EXPECT_DRC:
        slot = sim_resolve_drc(s, w, e->machine, &e->drc, &index);
        if (sim_drc_pred_holds(s, w, e->machine, slot, &e->pred, 0, 0, &field, &got))
            return true;
        snprintf(msg, len, "DRC 0x%x on %s: %s is %s, expected %s", index,
                 sim_machine_name(s, e->machine), sim_pred_field_name(field),
                 pred_got(s, field, got, a, sizeof(a)), pred_expected(&e->pred, field, b, sizeof(b)));
        return false;
    case EXPECT_DEVICE:
        if (w->machines[e->machine].devices[e->device].realized == e->present)
            return true;
        snprintf(msg, len, "device %s is %s on %s, expected %s", id,
                 e->present ? "absent" : "present", sim_machine_name(s, e->machine),
                 e->present ? "present" : "absent");
        return false;
    case EXPECT_EVENT:
        if (event_seen(s, w, e->event, e->device) == (bool)e->present)
            return true;
        snprintf(msg, len, "%s for %s was %s", qmp_event_name(e->event), id,
                 e->present ? "never emitted" : "emitted");
        return false;
    default:
        snprintf(msg, len, "expectation not modelled");
        return false;
    }
}

uint32_t check_quiescent(const void *sim, const void *world, struct violation *v)
{
    const struct sim *s = sim;
    char why[256], msg[320];

    for (int i = 0; i < s->scn->nexpects; i++) {
        const struct scn_expect *e = &s->scn->expects[i];
        if (expect_holds(s, world, e, why, sizeof(why)))
            continue;
        snprintf(msg, sizeof(msg), "%s:%u: expect does not hold at quiescence: %s",
                 s->scn->path, e->loc.line, why);
        return violate(v, FAM_EXPECT_FAILED, e->loc.line, msg);
    }
    return 0;
}

struct checker check_for(const struct sim *s)
{
    return (struct checker){ .ctx = s, .step = check_step, .quiescent = check_quiescent };
}
