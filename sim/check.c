/*
 * The invariant families of DOMAIN.md checked after every step, apart from
 * the models: qemu-abort, migration-failed, drc-migration-mismatch (right
 * after a switchover), guest-dt-mismatch, guest-panic, false-unplug-error,
 * expect-failed (rtas/assert/wait lines). check_quiescent.c holds the quiescence checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "script.h"
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

const char *verdict_format(uint32_t fams, bool incomplete, char *buf, size_t len)
{
    static const char fail[] = "fail ";

    if (!fams)
        return incomplete ? "incomplete" : "pass";
    snprintf(buf, len, "%s", fail);
    families_format(fams, buf + sizeof(fail) - 1, len - (sizeof(fail) - 1));
    return buf;
}

uint32_t violate(struct violation *v, uint8_t fam, uint16_t line, const char *fmt, ...)
{
    va_list ap;

    v[fam].family = fam;
    v[fam].line = line;
    va_start(ap, fmt);
    vsnprintf(v[fam].message, sizeof(v[fam].message), fmt, ap);
    va_end(ap);
    return 1u << fam;
}

const char *pred_expected(const struct sim *s, const struct drc_pred *p, uint8_t field, char *buf,
                          size_t len)
{
    switch (field) {
    case PRED_RC:         snprintf(buf, len, "rc=%d", p->rc); break;
    case PRED_VALUE:      snprintf(buf, len, "value=%u", p->value); break;
    case PRED_STATE:      snprintf(buf, len, "state=%s", drc_state_name(p->state)); break;
    case PRED_UNPLUG_REQ: snprintf(buf, len, "unplug-requested=%s", p->unplug_requested ? "yes" : "no"); break;
    case PRED_NEEDED:     snprintf(buf, len, "needed=%s", p->needed ? "yes" : "no"); break;
    default:              snprintf(buf, len, "dev=%s", p->dev == SCN_NO_DEVICE ? "none"
                                                 : s->scn->devices[p->dev].id); break;
    }
    return buf;
}

const char *pred_got(const struct sim *s, uint8_t field, int32_t got, char *buf, size_t len)
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

static uint32_t script_failure(const struct sim *s, const struct world *w, struct violation *v)
{
    const struct scn_line *l = line_at(s->scn, w->failure.line);
    char a[64], b[64];

    if (w->failure.field == PRED_WAIT)
        return violate(v, FAM_EXPECT_FAILED, w->failure.line, "%s:%u: wait did not hold within "
                       "%d ms", s->scn->path, w->failure.line, w->failure.got);
    return violate(v, FAM_EXPECT_FAILED, w->failure.line, "%s:%u: %s did not hold: got %s=%s, "
                   "expected %s", s->scn->path, w->failure.line,
                   l && l->kind == LINE_RTAS ? "rtas result" : "assert",
                   sim_pred_field_name(w->failure.field),
                   pred_got(s, w->failure.field, w->failure.got, a, sizeof(a)),
                   l ? pred_expected(s, &l->pred, w->failure.field, b, sizeof(b)) : "?");
}

/* The section the destination refused (migration.c switchover), as its error says. */
static uint32_t migration_failed(const struct sim *s, const struct world *w, struct violation *v)
{
    const struct migration_state *mg = &w->migration;
    uint32_t pvr;

    if (mg->load_failed_cpu == 0xff && mg->load_failed_drc == 0xff)
        return violate(v, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: "
                       "Unknown savevm section or instance 'xive-source' 0 (the source's dual "
                       "interrupt controller; the destination's CPU mode gets XICS only)");
    if (mg->load_failed_cpu == 0xff)
        return violate(v, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: error "
                       "while loading state for instance 0x%x of device 'spapr_drc'",
                       s->m[mg->src].drcs[mg->load_failed_drc].index);
    pvr = spapr_compat_refused(s, w, mg->src, mg->load_failed_cpu);
    if (pvr)
        return violate(v, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: error "
                       "while loading state for instance 0x%x of device 'cpu' (compat PVR "
                       "0x%08x, above the destination's CPU)", mg->load_failed_cpu, pvr);
    return violate(v, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: error while "
                   "loading state for instance 0x%x of device 'cpu' (a raw PVR of the other "
                   "host generation)", mg->load_failed_cpu);
}

/* After a switchover: every destination DRC equals the source's. */
static uint32_t migration_mismatch(const struct sim *s, const struct world *w, struct violation *v)
{
    int src = w->migration.src, dst = w->migration.dst;

    for (int slot = 0; slot < s->m[src].ndrcs; slot++) {
        const struct spapr_drc *a = &w->machines[src].drcs[slot], *b;
        int to = sim_drc_by_index(s, dst, s->m[src].drcs[slot].index);
        if (to < 0)
            continue;
        b = &w->machines[dst].drcs[to];
        if (a->state == b->state && !a->dev == !b->dev && a->unplug_requested == b->unplug_requested)
            continue;
        return violate(v, FAM_DRC_MIGRATION_MISMATCH, 0, "after switchover DRC 0x%x is %s%s%s on "
                       "%s but %s%s%s on %s", s->m[src].drcs[slot].index, drc_state_name(b->state),
                       b->dev ? " with its device" : " without a device",
                       b->unplug_requested ? ", unplug requested" : "", sim_machine_name(s, dst),
                       drc_state_name(a->state), a->dev ? " with its device" : " without a device",
                       a->unplug_requested ? ", unplug requested" : "", sim_machine_name(s, src));
    }
    return 0;
}

/* QEMU's unplug timer gave up (unplug_requested cleared), then the guest removed
 * the core anyway: drc_set_unusable leaves it UNUSABLE with the device attached. */
static uint32_t timed_out_then_removed(const struct sim *s, const struct world *w,
                                       struct violation *v)
{
    for (int m = 0; m < s->scn->nmachines; m++) {
        const struct spapr_machine *mw = &w->machines[m];
        for (int k = s->m[m].cpu_first; mw->unplug_timed_out && k < s->m[m].cpu_first + s->m[m].ncpu;
             k++) {
            const struct spapr_drc *d = &mw->drcs[k];
            if (!d->dev || d->dev == DRC_DEV_BUILTIN)   /* the boot core cannot be unplugged */
                continue;
            if ((mw->unplug_timed_out >> (d->dev - 1) & 1) &&
                d->state == SPAPR_DRC_STATE_LOGICAL_UNUSABLE)
                return violate(v, FAM_FALSE_UNPLUG_ERROR, 0, "QEMU's CPU unplug timer gave up on "
                               "%s, then the guest removed it anyway: DRC 0x%x is UNUSABLE with "
                               "the core still attached", s->scn->devices[d->dev - 1].id,
                               s->m[m].drcs[k].index);
        }
    }
    return 0;
}

/* The families check_step looks for, once something they need is there. Not inlined:
 * the quick look stays a leaf that saves no registers. */
__attribute__((noinline))
static uint32_t step_families(const struct sim *s, const struct world *w, const struct step *st,
                              struct violation *v)
{
    uint32_t fams = 0;

    for (int m = 0; m < s->scn->nmachines && !fams; m++)
        if (qemu_abort_is_model_bound(w->machines[m].abort_reason))   /* not QEMU's doing */
            return violate(v, EXPLORE_MODEL_BOUND, 0, "on %s: %s", sim_machine_name(s, m),
                           qemu_abort_message(w->machines[m].abort_reason));
        else if (w->machines[m].abort_reason && qemu_abort_has_drc(w->machines[m].abort_reason))
            fams |= violate(v, FAM_QEMU_ABORT, 0, "QEMU on %s aborts: %s (DRC 0x%x)",
                            sim_machine_name(s, m), qemu_abort_message(w->machines[m].abort_reason),
                            s->m[m].drcs[w->machines[m].abort_drc].index);
        else if (w->machines[m].abort_reason)
            fams |= violate(v, FAM_QEMU_ABORT, 0, "QEMU on %s aborts: %s", sim_machine_name(s, m),
                            qemu_abort_message(w->machines[m].abort_reason));
    if (w->migration.status == MIGRATION_FAILED)
        fams |= migration_failed(s, w, v);
    if (st->actor == ACTOR_MIGRATION && w->migration.status == MIGRATION_COMPLETED)
        fams |= migration_mismatch(s, w, v);
    if (w->guest.dt_mismatch)
        fams |= violate(v, FAM_GUEST_DT_MISMATCH, 0, "the tree the guest assembled from "
                        "configure-connector for DRC 0x%x differs from QEMU's fragment",
                        s->m[w->guest.machine].drcs[w->guest.dt_mismatch_drc].index);
    if (w->guest.panic)   /* GUEST_PANIC_RAS_LOG_EMPTY, the one cause modelled */
        fams |= violate(v, FAM_GUEST_PANIC, 0, "the guest kernel panicked on %s: "
                        "ras_hotplug_interrupt found no hotplug record (check-exception found "
                        "no event, and ras_log_buf was never filled since boot) and dereferenced "
                        "NULL in hard IRQ", sim_machine_name(s, w->guest.machine));
    if (w->libvirt.false_unplug)
        fams |= violate(v, FAM_FALSE_UNPLUG_ERROR, 0, "%s was reported as not unplugged, then "
                        "DEVICE_DELETED came anyway",
                        s->scn->devices[__builtin_ctz(w->libvirt.false_unplug)].id);
    fams |= timed_out_then_removed(s, w, v);
    if (w->failure.line)
        fams |= script_failure(s, w, v);
    return fams;
}

_Static_assert(offsetof(struct guest_state, panic) == offsetof(struct guest_state, dt_mismatch) + 1,
               "check_step reads dt_mismatch and panic as one uint16_t");

/* After every step: a quick look whether any family can hold, the families if so. */
uint32_t check_step(const void *sim, const void *world, const struct step *st, struct violation *v)
{
    const struct sim *s = sim;
    const struct world *w = world;
    uint16_t guest_faults;   /* dt_mismatch and panic, in one load */
    uint32_t any;

    memcpy(&guest_faults, &w->guest.dt_mismatch, sizeof(guest_faults));
    any = guest_faults | w->libvirt.false_unplug | w->failure.line |
                   (w->migration.status == MIGRATION_FAILED) | (st->actor == ACTOR_MIGRATION);

    for (int m = 0; m < s->scn->nmachines; m++)
        any |= w->machines[m].abort_reason | w->machines[m].unplug_timed_out;
    return any ? step_families(s, w, st, v) : 0;
}

/* The scenario's `ignore` line: those families neither end a branch nor count. Apart, so
 * that a scenario without one pays nothing. */
static uint32_t check_step_ignoring(const void *sim, const void *world, const struct step *st,
                                    struct violation *v)
{
    const struct sim *s = sim;

    return check_step(sim, world, st, v) & ~s->scn->ignore_families;
}

static uint32_t check_quiescent_ignoring(const void *sim, const void *world,
                                         struct violation *v)
{
    const struct sim *s = sim;

    return check_quiescent(sim, world, v) & ~s->scn->ignore_families;
}

/* What the two above leave out, for a run's trace (explore_run): never on a search's path. */
static uint32_t check_ignored(const void *sim, const void *world, const struct step *st,
                              struct violation *v)
{
    const struct sim *s = sim;
    uint32_t held = st ? check_step(sim, world, st, v) : check_quiescent(sim, world, v);

    return held & s->scn->ignore_families;
}

struct checker check_for(const struct sim *s)
{
    if (s->scn->ignore_families)
        return (struct checker){ .ctx = s, .step = check_step_ignoring,
                                 .quiescent = check_quiescent_ignoring,
                                 .ignored = check_ignored };
    return (struct checker){ .ctx = s, .step = check_step, .quiescent = check_quiescent };
}
