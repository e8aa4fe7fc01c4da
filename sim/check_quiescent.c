/*
 * Checks at quiescence (nothing left that can fire): every `expect` line,
 * scripts left blocked, and, where a Linux guest and libvirt run the domain,
 * view-mismatch (QEMU, guest and libvirt disagree about a device),
 * lost-unplug (an unplug pending that nothing can complete) and
 * guest-dlpar-error (a DLPAR operation ended in an error).
 */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "libvirt.h"
#include "script.h"
#include "spapr.h"

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

/* The domain's machine: where libvirt runs it, else where the guest is. */
static int active_machine(const struct sim *s, const struct world *w)
{
    int g = sim_guest_machine(s, w);

    return g >= 0 ? g : 0;
}

/* The first DRC of device d on machine m short of its ready state, or -1. */
static int unready_slot(const struct sim *s, const struct world *w, int m, int d)
{
    const struct spapr_machine *mw = &w->machines[m];

    for (int slot = 0; slot < s->m[m].ndrcs; slot++)
        if (mw->drcs[slot].dev == d + 1 &&
            mw->drcs[slot].state != drc_ready_state(s->m[m].drcs[slot].cls))
            return slot;
    return -1;
}

/* QEMU's view: attached, every DRC in its ready state (a pending unplug is lost-unplug's). */
static bool qemu_has(const struct sim *s, const struct world *w, int m, int d)
{
    return w->machines[m].devices[d].realized && unready_slot(s, w, m, d) < 0;
}

/*
 * The guest's view: a cpu node for a core, and that CPU online (the guest
 * knows core-ids: a CPU whose DRC holds another device of that core-id is
 * that one's, as after a device_add refused with "core 1 already
 * populated"); every LMB of a DIMM assigned (a DIMM QEMU no longer has has
 * no known range: absent). -1: no view (PHB and PCI hotplug go to rtas_errd,
 * which the guest model does not run).
 */
static int guest_has(const struct sim *s, const struct world *w, int m, int d)
{
    const struct scn_device *dev = &s->scn->devices[d];
    const struct spapr_device *sd = &w->machines[m].devices[d];

    if (dev->type == DEV_CPU_CORE) {
        uint8_t holder = dev->core_id < s->m[m].ncpu ?   /* else refused: "core id 9 out of range" */
                         w->machines[m].drcs[s->m[m].cpu_first + dev->core_id].dev : 0;
        return holder && holder != d + 1 ? 0 : (w->guest.cpus & w->guest.online) >> dev->core_id & 1;
    }
    if (dev->type != DEV_DIMM)
        return -1;
    if (!sd->realized)
        return 0;
    for (uint32_t k = 0; k < dev->size_mb / 256; k++)
        if (!(w->guest.lmbs >> (sd->first_drc - s->m[m].lmb_first + k) & 1))
            return 0;
    return 1;
}

static const char *yesno(int v) { return v ? "present" : "absent"; }

/*
 * QEMU's side of a view-mismatch: a device QEMU has whose DRC is short of its ready state is
 * named with that DRC, which is what the guest has not finished (or never started). Cold:
 * apart from check_settled, which every quiescent world runs.
 */
static __attribute__((cold, noinline)) const char *qemu_view(const struct sim *s,
                                                           const struct world *w, int m, int d,
                                                           char *buf, size_t len)
{
    int slot = w->machines[m].devices[d].realized ? unready_slot(s, w, m, d) : -1;

    if (slot < 0)
        return yesno(w->machines[m].devices[d].realized);
    snprintf(buf, len, "attached with DRC 0x%x %s", s->m[m].drcs[slot].index,
             drc_state_name(w->machines[m].drcs[slot].state));
    return buf;
}

/* DRC slots of the devices whose DLPAR errors the scenario expects. */
static uint64_t excused_dlpar(const struct sim *s, const struct world *w, int m)
{
    uint64_t bits = 0;

    for (int i = 0; i < s->scn->nexpects; i++) {
        const struct scn_expect *e = &s->scn->expects[i];
        const struct scn_device *d = &s->scn->devices[e->device];
        const struct spapr_device *sd = &w->machines[m].devices[e->device];
        if (e->kind != EXPECT_GUEST_DLPAR_ERROR)
            continue;
        if (d->type == DEV_CPU_CORE)
            bits |= 1ull << (s->m[m].cpu_first + d->core_id);
        else if (d->type == DEV_DIMM && sd->realized)
            for (uint32_t k = 0; k < d->size_mb / 256; k++)
                bits |= 1ull << (sd->first_drc + k);
    }
    return bits;
}

/* view-mismatch and lost-unplug on machine m, whose vCPUs run. */
static uint32_t check_settled(const struct sim *s, const struct world *w, int m,
                              struct violation *v)
{
    uint32_t fams = 0;

    for (int d = 0; d < s->scn->ndevices && !fams; d++) {
        int q = qemu_has(s, w, m, d), g = guest_has(s, w, m, d);
        int l = libvirt_manages(s, m) ? (w->libvirt.xml[m] >> d & 1) : q;
        char qv[64];
        if (q != l || (g >= 0 && g != q))
            fams |= violate(v, FAM_VIEW_MISMATCH, 0, "%s on %s: QEMU %s, guest %s, libvirt %s",
                            s->scn->devices[d].id, sim_machine_name(s, m),
                            qemu_view(s, w, m, d, qv, sizeof(qv)),
                            g < 0 ? "(no view)" : yesno(g), yesno(l));
    }
    for (int slot = 0; slot < s->m[m].ndrcs; slot++) {
        const struct spapr_drc *drc = &w->machines[m].drcs[slot];
        if (drc->unplug_requested && drc->dev) {
            fams |= violate(v, FAM_LOST_UNPLUG, 0, "DRC 0x%x on %s: unplug of %s still pending "
                            "(%s) and nothing can complete or report it", s->m[m].drcs[slot].index,
                            sim_machine_name(s, m), sim_dev_id(s, drc->dev) ? sim_dev_id(s, drc->dev)
                            : "a built-in device", drc_state_name(drc->state));
            break;
        }
    }
    return fams;
}

/*
 * view-mismatch, lost-unplug, guest-dlpar-error on the domain's machine. The
 * first two only while its vCPUs run: on a domain left paused or in
 * prelaunch, a hotplug or unplug QEMU started waits for the guest (`cont`
 * finishes it), as on real QEMU; an error the guest already logged stays.
 */
static uint32_t check_domain(const struct sim *s, const struct world *w, struct violation *v)
{
    int m = active_machine(s, w);
    uint32_t fams = w->machines[m].runstate == RUN_STATE_RUNNING ? check_settled(s, w, m, v) : 0;
    uint64_t failed = w->guest.dlpar_failed ? w->guest.dlpar_failed & ~excused_dlpar(s, w, m) : 0;

    if (failed) {
        int slot = __builtin_ctzll(failed);
        fams |= violate(v, FAM_GUEST_DLPAR_ERROR, 0, "%u guest DLPAR operation(s) ended in an "
                        "error, the first on DRC 0x%x (see the guest log lines)",
                        w->guest.dlpar_errors, slot < s->m[m].ndrcs ? s->m[m].drcs[slot].index : 0);
    }
    return fams;
}

/* One `expect` line; returns false and writes why into msg (only then: no formatting
 * for the expectations that hold, at every quiescent state of a search). */
static bool expect_holds(const struct sim *s, const struct world *w, const struct scn_expect *e,
                         char *msg, size_t len)
{
    const char *id = e->device != SCN_NO_DEVICE ? s->scn->devices[e->device].id : "any device";
    int am = active_machine(s, w), have;
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
                 pred_got(s, field, got, a, sizeof(a)), pred_expected(s, &e->pred, field, b, sizeof(b)));
        return false;
    case EXPECT_DEVICE:
        have = w->machines[e->machine].devices[e->device].realized;
        if (have == e->present)
            return true;
        snprintf(msg, len, "device %s is %s on %s", id, yesno(have), sim_machine_name(s, e->machine));
        return false;
    case EXPECT_GUEST_CPU:
    case EXPECT_GUEST_LMB:
        have = sim_guest_machine(s, w) >= 0 && guest_has(s, w, am, e->device) == 1;
        if (have == e->present)
            return true;
        snprintf(msg, len, "the guest's tree has %s %s", id, yesno(have));
        return false;
    case EXPECT_GUEST_DLPAR_ERROR:   /* an allowance, checked with guest-dlpar-error */
        return true;
    case EXPECT_LIBVIRT_VCPU:
    case EXPECT_LIBVIRT_DEVICE:
        have = w->libvirt.xml[w->libvirt.domain] >> e->device & 1;
        if (have == e->present)
            return true;
        snprintf(msg, len, "libvirt's live XML has %s %s", id, yesno(have));
        return false;
    default:
        if (event_seen(s, w, e->event, e->device) == (bool)e->present)
            return true;
        snprintf(msg, len, "%s for %s was %s", qmp_event_name(e->event), id,
                 e->present ? "never emitted" : "emitted");
        return false;
    }
}

uint32_t check_quiescent(const void *sim, const void *world, struct violation *v)
{
    const struct sim *s = sim;
    const struct world *w = world;
    uint32_t fams = 0;
    char why[256];

    for (int i = 0; i < s->scn->nexpects && !(fams & (1u << FAM_EXPECT_FAILED)); i++)
        if (!expect_holds(s, w, &s->scn->expects[i], why, sizeof(why)))
            fams |= violate(v, FAM_EXPECT_FAILED, s->scn->expects[i].loc.line, "%s:%u: expect does "
                            "not hold at quiescence: %s", s->scn->path,
                            s->scn->expects[i].loc.line, why);
    for (int i = 0; i < s->scn->nscripts && !(fams & (1u << FAM_EXPECT_FAILED)); i++)
        if (w->scripts[i].status == SCRIPT_RUNNING) {
            const struct scn_line *l = script_line(s, w, i);
            fams |= violate(v, FAM_EXPECT_FAILED, l->loc.line, "%s:%u: script %s is blocked here "
                            "and nothing can unblock it", s->scn->path, l->loc.line,
                            s->scn->script_names[i]);
        }
    if (sim_guest_machine(s, w) >= 0)
        fams |= check_domain(s, w, v);
    return fams;
}
