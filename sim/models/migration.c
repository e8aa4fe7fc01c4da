/*
 * The migration stream from one pseries machine to another. The switchover
 * is one step: the source stops, every section whose `needed` holds is
 * saved, the destination loads it (vmstate_spapr_drc and its subsections,
 * spapr_pending_events, the CAS options, the interrupt state), and the guest
 * continues there, mid-operation if it was in one.
 */
#include <stdio.h>
#include <string.h>
#include "guest_os.h"
#include "migration.h"
#include "spapr.h"

#define SWITCHOVER_MAX_MS 600   /* a local migration took 0.2-0.6 s (ref/real-qemu-tcg.md) */

void migration_start(struct step_ctx *c, int src, int dst)
{
    if (spapr_tcg_stale_vcpu(c->s, c->w, src, c->tr))
        return;   /* the RAM dirty-tracking start is a memory-region change */
    c->w->migration = (struct migration_state){ .status = MIGRATION_ACTIVE, .src = (uint8_t)src,
                                                .dst = (uint8_t)dst, .load_failed_drc = 0xff,
                                                .load_failed_cpu = 0xff };
    c->w->machines[src].migration = MIGRATION_ACTIVE;
}

void migration_pending(const struct sim *s, const struct world *w, struct pending *p)
{
    (void)s;
    *p = w->migration.status == MIGRATION_ACTIVE
       ? (struct pending){ .kind = STEP_MIGRATION_SWITCHOVER, .lo = 0, .hi = SWITCHOVER_MAX_MS }
       : (struct pending){ 0 };
}

/* vmstate_spapr_drc's state and subsections into the destination's DRC. */
static void load_drc_state(struct step_ctx *c, const struct spapr_drc *from,
                           struct spapr_drc *to)
{
    to->state = from->state;
    /* spapr_drc/unplug_requested: dropped f1c52354e5, back ab8584349c */
    if (from->unplug_requested && knob_on(&c->s->knobs, KNOB_QEMU_MIGRATE_UNPLUG_REQUESTED))
        to->unplug_requested = 1;
    /* proposal (2016): migrate the configure-connector state */
    if (knob_on(&c->s->knobs, KNOB_QEMU_MIGRATE_CCS) && from->fdt) {
        to->fdt = 1;
        to->ccs_offset = from->ccs_offset;
        to->ccs_depth = from->ccs_depth;
    }
}

/*
 * A DRC's sections, both with instance id = DRC index: vmstate_spapr_drc
 * (drc_realize) and, for a physical DRC, vmstate_spapr_drc_physical
 * (realize_physical), each sent where its own `needed` holds. One the
 * destination has no DRC for fails the load (find_se).
 */
static bool load_drc(struct step_ctx *c, int src, int dst, int slot)
{
    const struct sim *s = c->s;
    const struct spapr_drc *from = &c->w->machines[src].drcs[slot];
    uint32_t index = s->m[src].drcs[slot].index;
    int to_slot = sim_drc_by_index(s, dst, index);
    bool state = sim_drc_needed(s, src, slot, from);
    bool physical = drc_class_is_physical(s->m[src].drcs[slot].cls) && drc_physical_needed(from);
    struct spapr_drc *to;

    if (!state && !physical)
        return true;
    if (to_slot < 0) {
        c->w->migration.load_failed_drc = (uint8_t)slot;
        return false;
    }
    to = &c->w->machines[dst].drcs[to_slot];
    if (state)
        load_drc_state(c, from, to);
    if (state && to->unplug_requested)   /* 51254ffb32: spapr_drc_post_load re-arms the timer */
        spapr_unplug_timer_arm(s, c->w, dst, to_slot);
    if (physical)
        to->dr_indicator = from->dr_indicator;
    if (c->tr)
        trace_drc(c->tr, sim_machine_name(s, dst),
                  state ? "vmstate_load spapr_drc" : "vmstate_load spapr_drc/physical", index,
                  drc_state_name(to->state));
    return true;
}

/* Machine-level sections: pending events (fd38804b38), ov5_cas (its controller), ICS state. */
static void load_machine(struct step_ctx *c, int src, int dst)
{
    struct spapr_machine *from = &c->w->machines[src], *to = &c->w->machines[dst];

    if (knob_on(&c->s->knobs, KNOB_QEMU_MIGRATE_PENDING_EVENTS))
        for (int i = 0; i < from->nr_events; i++) {
            if (to->nr_events == MAX_EVENTS) {
                spapr_abort(c->s, c->w, dst, QEMU_ABORT_EVENT_OVERFLOW, 0, c->tr);
                break;
            }
            to->events[to->nr_events++] = from->events[i];
        }
    to->ov5_cas = from->ov5_cas;
    spapr_irq_update_active_intc(c->s, c->w, dst);   /* spapr_irq_post_load_dual */
    to->irq_latched = from->irq_latched;
    /*
     * An interrupt the source presented and its guest had not taken: under KVM
     * the post_load hooks hand the presenter's state to the in-kernel device
     * (kvmppc_xive_cpu_set_state, icp_set_kvm_state), which signals it. Emulated
     * (TCG) they restore only the registers: XIVE's TIMA (vmstate_xive_tctx_post_load,
     * hw/intc/xive.c), XICS's XIRR (icp_post_load, hw/intc/xics.c), and the vCPU's
     * line is not migrated (vmstate_ppc_cpu has no pending_interrupts). Nothing
     * raises it until another interrupt of that presenter does. Seen on QEMU 7.2
     * under TCG with either controller: a DIMM plugged while the source was paused
     * was not hot-added on the destination in 75 s (XIVE: until the next console input).
     */
    if (to->irq_latched && !knob_on(&c->s->knobs, KNOB_QEMU_KVM_IRQCHIP))
        to->irq_latched = IRQ_UNSIGNALLED;
    to->fdt_cpus = from->fdt_cpus;   /* spapr->fdt_blob travels too */
    to->fdt_lmbs = from->fdt_lmbs;
}

static void trace_switchover(struct step_ctx *c, int src, int dst)
{
    if (!c->tr)
        return;
    trace_step_begin(c->tr, c->step_no, c->t_ms, "migration", "switchover");
    trace_arg_str(c->tr, "src", sim_machine_name(c->s, src));
    trace_arg_str(c->tr, "dst", sim_machine_name(c->s, dst));
    trace_arg_int(c->tr, "pending-events", c->w->machines[src].nr_events);
}

/* qemu_loadvm_section_start_full: a section the destination has no instance for. */
static void trace_unknown_section(struct step_ctx *c, const char *idstr, uint32_t instance)
{
    char line[200];

    snprintf(line, sizeof(line), "Unknown savevm section or instance '%s' %u. Make sure that "
             "your current VM setup matches your saved VM setup, including any hotplugged "
             "devices", idstr, instance);
    trace_log(c->tr, "qemu", line);
}

/*
 * The destination's lines before it exits: the section's error, then
 * process_incoming_migration_co's strerror(-ret): cpu_post_load's errno
 * (qemu.cpu-post-load-errno: -EINVAL since QEMU 5.2, -1 before), -EINVAL for
 * an instance the destination lacks (qemu_loadvm_section_start_full).
 */
static void trace_load_failure(struct step_ctx *c, int src)
{
    const struct migration_state *mg = &c->w->migration;
    int slot = mg->load_failed_drc;
    char line[200];

    if (mg->load_failed_cpu != 0xff) {
        uint32_t pvr = spapr_compat_refused(c->s, c->w, src, mg->load_failed_cpu);
        if (pvr) {   /* ppc_set_compat's error, which cpu_post_load reports */
            snprintf(line, sizeof(line), "Compatibility PVR 0x%08x not valid for CPU", pvr);
            trace_log(c->tr, "qemu", line);
        }
        snprintf(line, sizeof(line), "error while loading state for instance 0x%x of "
                 "device 'cpu'", mg->load_failed_cpu);
        trace_log(c->tr, "qemu", line);
        trace_log(c->tr, "qemu", knob_val(&c->s->knobs, KNOB_QEMU_CPU_POST_LOAD_ERRNO) ==
                                 CPU_POST_LOAD_ERRNO_EPERM
                                 ? "load of migration failed: Operation not permitted"
                                 : "load of migration failed: Invalid argument");
        return;
    }
    if (slot == 0xff)
        trace_unknown_section(c, "xive-source", 0);
    else
        trace_unknown_section(c, sim_drc_needed(c->s, src, slot, &c->w->machines[src].drcs[slot])
                                 ? "spapr_drc" : "spapr_drc/physical", c->s->m[src].drcs[slot].index);
    trace_log(c->tr, "qemu", "load of migration failed: Invalid argument");
}

/*
 * process_incoming_migration_bh: the global-state section carries the
 * source's run state at completion (global_state_store, store-global-state
 * on since 2.4); only "running" obeys the destination's autostart (-S, or a
 * cont during INMIGRATE), any other state is taken as it is.
 */
static uint8_t incoming_runstate(uint8_t source_was, uint8_t autostart)
{
    if (source_was != RUN_STATE_RUNNING)
        return source_was;
    return autostart ? RUN_STATE_RUNNING : RUN_STATE_PAUSED;
}

static void switchover(struct step_ctx *c)
{
    struct migration_state *mg = &c->w->migration;
    int src = mg->src, dst = mg->dst;
    uint8_t was = c->w->machines[src].runstate;
    bool ok;

    trace_switchover(c, src, dst);
    c->w->machines[src].runstate = RUN_STATE_POSTMIGRATE;
    if (knob_on(&c->s->knobs, KNOB_QEMU_DRC_RESET_PRE_LOAD))   /* 2017-07 RFC */
        spapr_drc_reset_all(c->s, c->w, dst, c->tr);
    /* the interrupt controllers' sections come first (spapr_irq_init precedes the
     * vCPUs' creation in spapr_machine_init), then the "cpu" ones */
    ok = spapr_irq_load(c->s, src, dst) && spapr_compat_load(c->s, c->w, src, dst);
    for (int slot = 0; slot < c->s->m[src].ndrcs && ok; slot++)
        ok = load_drc(c, src, dst, slot);
    if (ok) {
        load_machine(c, src, dst);
        mg->status = MIGRATION_COMPLETED;
        c->w->machines[src].migration = MIGRATION_COMPLETED;
        c->w->machines[dst].runstate = incoming_runstate(was, c->w->machines[dst].autostart);
        if (sim_guest_machine(c->s, c->w) == src)
            guest_moved(c, dst);
    } else {
        mg->status = MIGRATION_FAILED;
        c->w->machines[src].migration = MIGRATION_FAILED;
        c->w->machines[src].runstate = was;   /* vm_start() only if it was running */
    }
    if (c->tr) {
        trace_result_str(c->tr, "status", ok ? "completed" : "failed");
        if (!ok)
            trace_load_failure(c, src);
        trace_step_end(c->tr);
    }
}

void migration_apply(struct step_ctx *c, const struct step *st)
{
    if (st->kind == STEP_MIGRATION_SWITCHOVER)
        switchover(c);
}
