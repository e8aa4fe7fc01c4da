/*
 * Unit tests for the migration model (sim/models/migration.c): which DRC and
 * machine sections cross at the switchover under each knob (spapr_drc_needed,
 * unplug_requested, pending events, the 2016/2017 proposals), a stream the
 * destination rejects, and the runstates and guest placement after it.
 */
#include "step_fixture.h"
#include <string.h>
#include <glib.h>
#include "engine.h"
#include "guest_os.h"
#include "migration.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"
#include "trace.h"

#define UN SPAPR_DRC_STATE_LOGICAL_UNUSABLE
#define LI SPAPR_DRC_STATE_LOGICAL_UNISOLATE
#define LC SPAPR_DRC_STATE_LOGICAL_CONFIGURED

#define CPU1_INDEX 0x10000001u
#define CPU2_INDEX 0x10000002u

static const char base_scn[] =
    "scenario mg\n"
    "machine src cores=3 lmbs=4\n"
    "machine dst like=src incoming=defer\n"
    "do src device_add cpu core1 core-id=1\n"
    "do src device_add cpu core2 core-id=2\n";
enum { CORE1, CORE2 };
enum { SRC, DST };

/* ---- fixture: step_fixture.h ---------------------------------------------- */


/* The guest's side of a logical add on machine m, stopping after cc_calls walk calls. */
static void guest_takes(struct fix *f, int m, uint32_t index, int cc_calls)
{
    struct drc_cc_item item;
    int32_t rc;
    int n = 0;

    assert_int_equal(rtas_get_sensor_state(&f->sim, &f->w, m, 9003, index, NULL).value, 2);
    assert_int_equal(rtas_set_indicator(&f->sim, &f->w, m, 9003, index, 1, NULL).rc, 0);
    assert_int_equal(rtas_set_indicator(&f->sim, &f->w, m, 9001, index, 1, NULL).rc, 0);
    do {
        rc = rtas_ibm_configure_connector(&f->sim, &f->w, m, index, NULL, &item).rc;
    } while (++n != cc_calls && rc >= 2 && rc <= 4);
}

static void configured(struct fix *f, int m, uint8_t dev, uint32_t index)
{
    add(f, m, dev);
    guest_takes(f, m, index, -1);
    assert_int_equal(drc(f, m, index)->state, LC);
}

/* QMP migrate, then the switchover step. */
static void migrate(struct fix *f)
{
    struct step_ctx c = { .s = &f->sim, .w = &f->w };

    migration_start(&c, SRC, DST);
    assert_int_equal(mach(f, SRC)->migration, MIGRATION_ACTIVE);
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(f->w.actors[ACTOR_MIGRATION].kind, STEP_MIGRATION_SWITCHOVER);
    assert_int_equal(f->w.actors[ACTOR_MIGRATION].lo, 0);
    assert_int_equal(f->w.actors[ACTOR_MIGRATION].hi, 600);
    fire(f, ACTOR_MIGRATION);
    assert_int_equal(f->kind, STEP_MIGRATION_SWITCHOVER);
    assert_int_equal(f->w.actors[ACTOR_MIGRATION].kind, STEP_NONE);
}

/* ---- DRC sections ------------------------------------------------------------- */

/* spapr_drc_needed is false for a CONFIGURED DRC: the destination keeps its own. */
static void test_configured_not_sent(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob qemu.inmigrate-coldplug=off\n");
    configured(f, SRC, CORE1, CPU1_INDEX);
    add(f, DST, CORE1);                        /* a hotplug on dst (July 2017) */
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, UN);
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, UN);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->dev, CORE1 + 1);
    assert_lacks(f->line, "vmstate_load spapr_drc");
}

static void test_unusable_sent(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    add(f, SRC, CORE1);                        /* hot-plugged, not yet taken */
    add(f, DST, CORE1);                        /* INMIGRATE: coldplug, CONFIGURED */
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, LC);
    migrate(f);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, UN);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->dev, CORE1 + 1);
    assert_has(f->line, "\"drc\":[{\"machine\":\"dst\",\"trace\":\"vmstate_load spapr_drc\","
                        "\"index\":\"0x10000001\",\"state\":\"LOGICAL_UNUSABLE\"}]");
    assert_int_equal(drc(f, DST, CPU2_INDEX)->state, UN);   /* no device: not sent */
    assert_int_equal(drc(f, DST, CPU2_INDEX)->dev, 0);
}

/*
 * spapr_drc/unplug_requested: dropped f1c52354e5, back with ab8584349c, which
 * also made a pending unplug make spapr_drc_needed true. Before it a DRC in
 * its ready state is not sent at all, its unplug request with it.
 */
static void unplug_requested(void **state, const char *knob, uint8_t expected)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, knob);
    configured(f, SRC, CORE1, CPU1_INDEX);
    assert_true(qmp_device_del(&f->sim, &f->w, SRC, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(drc(f, SRC, CPU1_INDEX)->unplug_requested, 1);
    add(f, DST, CORE1);
    migrate(f);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, LC);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->unplug_requested, expected);
    if (expected)
        assert_has(f->line, "{\"machine\":\"dst\",\"trace\":\"vmstate_load spapr_drc\","
                            "\"index\":\"0x10000001\",\"state\":\"LOGICAL_CONFIGURED\"}");
    else
        assert_lacks(f->line, "vmstate_load spapr_drc");
}

/* 51254ffb32: the destination's post_load re-armed the timer of a DRC with an unplug
 * pending, with the whole timeout; it counts down only once the destination runs. */
static void test_unplug_timer_rearmed_on_load(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob qemu.cpu-unplug-timeout=15s\n");
    configured(f, SRC, CORE1, CPU1_INDEX);
    assert_true(qmp_device_del(&f->sim, &f->w, SRC, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(f->w.unplug_timer_ms[SRC][1], 15000);
    sim_advance(&f->sim, &f->w, 10000);
    assert_int_equal(f->w.unplug_timer_ms[SRC][1], 5000);
    add(f, DST, CORE1);
    migrate(f);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->unplug_requested, 1);
    assert_int_equal(f->w.unplug_timer_ms[DST][1], 15000);
    assert_int_not_equal(mach(f, DST)->runstate, RUN_STATE_RUNNING);
    sim_advance(&f->sim, &f->w, 3000);            /* not running: the clock stands still */
    assert_int_equal(f->w.unplug_timer_ms[DST][1], 15000);
}

static void test_unplug_requested_on(void **state)
{
    unplug_requested(state, "knob qemu.migrate-unplug-requested=on\n", 1);
}

static void test_unplug_requested_off(void **state)
{
    unplug_requested(state, "knob qemu.migrate-unplug-requested=off\n", 0);
}

/* spapr_pending_events (fd38804b38): the queue travels, or is lost. */
static void pending_events(void **state, const char *knob, uint8_t expected)
{
    struct fix *f = *state;
    const struct spapr_event_entry *e;

    fix_init_extra(f, base_scn, knob);
    add(f, SRC, CORE1);
    add(f, DST, CORE1);
    assert_int_equal(mach(f, SRC)->nr_events, 1);
    assert_int_equal(mach(f, DST)->nr_events, 0);
    migrate(f);
    assert_has(f->line, "\"args\":{\"src\":\"src\",\"dst\":\"dst\",\"pending-events\":1}");
    assert_int_equal(mach(f, DST)->nr_events, expected);
    e = &mach(f, DST)->events[0];
    assert_int_equal(e->hp_type, expected ? RTAS_LOG_V6_HP_TYPE_CPU : 0);
    assert_int_equal(e->action, expected ? RTAS_LOG_V6_HP_ACTION_ADD : 0);
    assert_int_equal(e->id_type, expected ? RTAS_LOG_V6_HP_ID_DRC_INDEX : 0);
    assert_int_equal(e->index, expected ? CPU1_INDEX : 0);
}

static void test_pending_events_on(void **state)
{
    pending_events(state, "knob qemu.migrate-pending-events=on\n", 1);
}

static void test_pending_events_off(void **state)
{
    pending_events(state, "knob qemu.migrate-pending-events=off\n", 0);
}

/* 2017-07 RFC: reset every destination DRC before the stream is loaded. */
static void reset_pre_load(void **state, const char *knob, uint8_t expected)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, knob);
    configured(f, SRC, CORE2, CPU2_INDEX);     /* not sent */
    add(f, DST, CORE2);                        /* hotplug on dst: UNUSABLE */
    assert_int_equal(drc(f, DST, CPU2_INDEX)->state, UN);
    migrate(f);
    assert_int_equal(drc(f, DST, CPU2_INDEX)->state, expected);
    assert_int_equal(drc(f, DST, CPU2_INDEX)->dev, CORE2 + 1);
}

static void test_drc_reset_pre_load_on(void **state)
{
    reset_pre_load(state, "knob qemu.inmigrate-coldplug=off\n"
                          "knob qemu.drc-reset-pre-load=on\n", LC);
}

static void test_drc_reset_pre_load_off(void **state)
{
    reset_pre_load(state, "knob qemu.inmigrate-coldplug=off\n"
                          "knob qemu.drc-reset-pre-load=off\n", UN);
}

/* Switchover in the middle of a configure-connector walk (3 calls made). */
static void mid_walk(struct fix *f)
{
    add(f, SRC, CORE1);
    guest_takes(f, SRC, CPU1_INDEX, 3);
    assert_int_equal(drc(f, SRC, CPU1_INDEX)->state, LI);
    assert_int_equal(drc(f, SRC, CPU1_INDEX)->fdt, 1);
    assert_int_equal(drc(f, SRC, CPU1_INDEX)->ccs_depth, 1);
    add(f, DST, CORE1);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->fdt, 0);
}

static void test_migrate_ccs_on(void **state)
{
    struct fix *f = *state;
    struct spapr_drc from;

    fix_init_extra(f, base_scn, "knob qemu.migrate-ccs=on\n");
    mid_walk(f);
    from = *drc(f, SRC, CPU1_INDEX);
    assert_true(from.ccs_offset > f->sim.m[SRC].fragments[1].start);
    migrate(f);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, LI);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->fdt, 1);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->ccs_offset, from.ccs_offset);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->ccs_depth, from.ccs_depth);
}

static void test_migrate_ccs_off(void **state)
{
    struct fix *f = *state;
    struct spapr_drc before;

    fix_init_extra(f, base_scn, "knob qemu.migrate-ccs=off\n");
    mid_walk(f);
    before = *drc(f, DST, CPU1_INDEX);
    migrate(f);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->state, LI);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->fdt, 0);       /* rebuilt by the next call */
    assert_int_equal(drc(f, DST, CPU1_INDEX)->ccs_offset, before.ccs_offset);
    assert_int_equal(drc(f, DST, CPU1_INDEX)->ccs_depth, before.ccs_depth);
}

/* ---- the whole switchover ------------------------------------------------------ */

/* A needed DRC whose instance the destination does not have: load fails. */
static void test_missing_drc_fails(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario mg\nmachine src cores=3 lmbs=4\n"
                "machine dst cores=2 lmbs=4 incoming=defer\n"
                "do src device_add cpu core1 core-id=1\ndo src device_add cpu core2 core-id=2\n",
             NULL);
    assert_int_equal(sim_drc_by_index(&f->sim, DST, CPU2_INDEX), -1);
    add(f, SRC, CORE2);
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_int_equal(f->w.migration.load_failed_drc, sim_drc_by_index(&f->sim, SRC, CPU2_INDEX));
    assert_int_equal(mach(f, SRC)->migration, MIGRATION_FAILED);
    assert_int_equal(mach(f, SRC)->runstate, RUN_STATE_RUNNING);
    assert_int_equal(mach(f, DST)->runstate, RUN_STATE_INMIGRATE);
    assert_int_equal(f->w.guest.machine, SRC);
    assert_has(f->line, "\"result\":{\"status\":\"failed\"}");
    assert_has(f->line, "\"line\":\"Unknown savevm section or instance 'spapr_drc' 268435458. "
                        "Make sure that your current VM setup matches your saved VM setup, "
                        "including any hotplugged devices\"");
    assert_has(f->line, "\"line\":\"load of migration failed: Invalid argument\"");
}

/* POWER9 host to POWER8 host: the source's dual controller sends XIVE sections the
 * destination, forced to XICS, has no instance for. */
static void test_xive_sections_fail(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario mg\nmachine src cores=2 host=power9\n"
                      "machine dst cores=2 host=power8 incoming=defer\n", NULL);
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_int_equal(f->w.migration.load_failed_cpu, 0xff);
    assert_int_equal(f->w.migration.load_failed_drc, 0xff);
    assert_int_equal(mach(f, SRC)->runstate, RUN_STATE_RUNNING);
    assert_has(f->line, "\"line\":\"Unknown savevm section or instance 'xive-source' 0. Make "
                        "sure that your current VM setup matches your saved VM setup, including "
                        "any hotplugged devices\"");
    assert_has(f->line, "\"line\":\"load of migration failed: Invalid argument\"");
}

/* XICS on both sides: before CAS vCPU 0 sends its raw POWER9 PVR; after it, the POWER9
 * compat mode CAS picked, which a POWER8 CPU cannot take. POWER8 compat loads. */
static void test_cpu_sections_fail(void **state)
{
    static const char scn[] = "scenario mg\nmachine src cores=2 host=power9%s\n"
                              "machine dst cores=2 host=power8%s incoming=defer\n";
    struct fix *f = *state;
    char text[200];

    snprintf(text, sizeof(text), scn, "", "");
    fix_init_extra(f, text, "knob qemu.ic-mode=xics\n");
    mach(f, SRC)->vcpu_compat = 0;                        /* before CAS */
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_int_equal(f->w.migration.load_failed_cpu, 0);
    assert_int_equal(spapr_compat_refused(&f->sim, &f->w, SRC, 0), 0);
    assert_lacks(f->line, "Compatibility PVR");
    assert_has(f->line, "\"line\":\"error while loading state for instance 0x0 of device 'cpu'\"");

    fix_reinit(f, text, "knob qemu.ic-mode=xics\n");
    assert_int_equal(mach(f, SRC)->vcpu_compat, 1);       /* booted long ago: after CAS */
    migrate(f);
    assert_int_equal(f->w.migration.load_failed_cpu, 0);
    assert_int_equal(spapr_compat_refused(&f->sim, &f->w, SRC, 0), 0x0f000005);
    assert_has(f->line, "\"line\":\"Compatibility PVR 0x0f000005 not valid for CPU\"");
    assert_has(f->line, "\"line\":\"load of migration failed: Invalid argument\"");
    assert_lacks(f->line, "Operation not permitted");

    fix_reinit(f, text, "knob qemu.ic-mode=xics\nknob qemu.cpu-post-load-errno=EPERM\n");
    migrate(f);                                           /* QEMU before 5.2: return -1 */
    assert_int_equal(f->w.migration.load_failed_cpu, 0);
    assert_has(f->line, "\"line\":\"Compatibility PVR 0x0f000005 not valid for CPU\"");
    assert_has(f->line, "\"line\":\"load of migration failed: Operation not permitted\"");
    assert_lacks(f->line, "Invalid argument");

    snprintf(text, sizeof(text), scn, " max-cpu-compat=power8", " max-cpu-compat=power8");
    fix_reinit(f, text, NULL);                            /* dual, forced to XICS both sides */
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(mach(f, DST)->vcpu_compat, 1);
}

/* A PCI device coldplugged on both sides, its DRC in its ready state (no state section). */
static const char pci_scn[] =
    "scenario mg\n"
    "machine src cores=1 pci-slots=2\n"
    "machine dst cores=1 pci-slots=%d incoming=defer\n"
    "do src device_add pci net0 slot=1\n";
#define PCI1_INDEX 0x40000008u   /* PHB 0, devfn 1 << 3 */

/*
 * vmstate_spapr_drc_physical is a section of its own (realize_physical), sent
 * where drc_physical_needed holds even when spapr_drc_needed does not.
 */
static void physical_only(struct fix *f, int dst_slots)
{
    char text[256];
    struct rtas_ret r;

    snprintf(text, sizeof(text), pci_scn, dst_slots);
    fix_init_extra(f, text, NULL);
    add(f, SRC, 0);
    assert_int_equal(drc(f, SRC, PCI1_INDEX)->state, SPAPR_DRC_STATE_PHYSICAL_POWERON);
    drc(f, SRC, PCI1_INDEX)->state = SPAPR_DRC_STATE_PHYSICAL_CONFIGURED;   /* as after a walk */
    r = rtas_set_indicator(&f->sim, &f->w, SRC, RTAS_SENSOR_TYPE_DR, PCI1_INDEX,
                           SPAPR_DR_INDICATOR_IDENTIFY, NULL);
    assert_int_equal(r.rc, 0);
    assert_false(sim_drc_needed(&f->sim, SRC, sim_drc_by_index(&f->sim, SRC, PCI1_INDEX),
                                drc(f, SRC, PCI1_INDEX)));
    if (dst_slots)
        add(f, DST, 0);
    migrate(f);
}

static void test_physical_section_alone(void **state)
{
    struct fix *f = *state;

    physical_only(f, 2);
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(drc(f, DST, PCI1_INDEX)->dr_indicator, SPAPR_DR_INDICATOR_IDENTIFY);
    assert_int_equal(drc(f, DST, PCI1_INDEX)->state, SPAPR_DRC_STATE_PHYSICAL_CONFIGURED);
    assert_has(f->line, "{\"machine\":\"dst\",\"trace\":\"vmstate_load spapr_drc/physical\","
                        "\"index\":\"0x40000008\",\"state\":\"PHYSICAL_CONFIGURED\"}");
}

/* ... and a destination without that DRC fails on it. */
static void test_physical_section_no_drc(void **state)
{
    struct fix *f = *state;

    physical_only(f, 0);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_has(f->line, "\"line\":\"Unknown savevm section or instance 'spapr_drc/physical' "
                        "1073741832. Make sure");
}

/* A paused source stays paused when the load fails: vm_start() only if it ran. */
static void test_missing_drc_paused_source_stays_paused(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario mg\nmachine src cores=3 lmbs=4\n"
                "machine dst cores=2 lmbs=4 incoming=defer\n"
                "do src device_add cpu core1 core-id=1\ndo src device_add cpu core2 core-id=2\n",
             NULL);
    add(f, SRC, CORE2);
    mach(f, SRC)->runstate = RUN_STATE_PAUSED;
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_int_equal(mach(f, SRC)->runstate, RUN_STATE_PAUSED);
}

static void success(void **state, bool autostart, uint8_t runstate)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    add(f, SRC, CORE1);                        /* an event queued: the IRQ is latched */
    add(f, DST, CORE1);
    if (autostart)
        assert_true(qmp_cont(&f->sim, &f->w, DST, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, SRC)->irq_latched, 1);
    assert_int_equal(mach(f, DST)->irq_latched, 0);
    assert_int_equal(mach(f, DST)->ov5_cas, 0);
    migrate(f);
    assert_has(f->line, "\"result\":{\"status\":\"completed\"}");
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(mach(f, SRC)->migration, MIGRATION_COMPLETED);
    assert_int_equal(mach(f, SRC)->runstate, RUN_STATE_POSTMIGRATE);
    assert_int_equal(mach(f, DST)->runstate, runstate);
    assert_int_equal(f->w.guest.machine, DST);
    assert_int_equal(sim_guest_machine(&f->sim, &f->w), DST);
    assert_int_equal(mach(f, DST)->irq_latched, 1);
    assert_int_equal(mach(f, DST)->ov5_cas, mach(f, SRC)->ov5_cas);
    assert_int_equal(mach(f, DST)->ov5_cas, OV5_CAS_BASE | OV5_CAS_HP_EVT | OV5_CAS_XIVE);
    assert_int_equal(mach(f, DST)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);   /* spapr_irq_post_load_dual */
    assert_int_equal(mach(f, DST)->fdt_cpus, mach(f, SRC)->fdt_cpus);
}

static void test_success_paused(void **state)
{
    success(state, false, RUN_STATE_PAUSED);
}

/* cont during INMIGRATE (autostart): the destination runs, the guest goes on there. */
static void test_success_autostart(void **state)
{
    struct fix *f = *state;

    success(state, true, RUN_STATE_RUNNING);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_GUEST_IRQ);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"actor\":\"guest@dst\",\"op\":\"ras_hotplug_interrupt\"");
    assert_has(f->line, "\"result\":{\"rc\":0,\"event\":\"CPU add index 0x10000001\"}");
}

/*
 * The source was paused when it completed: the global-state section says
 * "paused", and the destination stays paused although a cont in INMIGRATE
 * set autostart; the guest's pending interrupt waits there.
 */
static void test_success_paused_source_autostart(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    add(f, SRC, CORE1);
    add(f, DST, CORE1);
    assert_true(qmp_cont(&f->sim, &f->w, DST, f->err, sizeof(f->err)));
    qmp_stop(&f->sim, &f->w, SRC);
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(mach(f, DST)->runstate, RUN_STATE_PAUSED);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_NONE);
}

/*
 * Under TCG the interrupt the source presented reaches the destination's thread
 * context but no line is raised (vmstate_xive_tctx_post_load): the guest takes it
 * only when another interrupt notifies that context, whenever that is, and a
 * further pulse of the same source only sets Q.
 */
static void test_tcg_interrupt_not_signalled(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob qemu.kvm-irqchip=off\n");
    add(f, SRC, CORE1);
    add(f, DST, CORE1);
    assert_true(qmp_cont(&f->sim, &f->w, DST, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, SRC)->irq_latched, 1);
    migrate(f);
    assert_int_equal(mach(f, DST)->runstate, RUN_STATE_RUNNING);
    assert_int_equal(mach(f, DST)->intc & KVM_INTC_MASK, 0);   /* emulated XIVE */
    assert_int_equal(mach(f, DST)->irq_latched, IRQ_UNSIGNALLED);
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_GUEST_IRQ);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].lo, 0);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].hi, WINDOW_NEVER);
    spapr_irq_pulse(&f->sim, &f->w, DST);
    assert_int_equal(mach(f, DST)->irq_latched, IRQ_UNSIGNALLED);
    assert_int_equal(mach(f, DST)->nr_events, 1);
    fire(f, ACTOR_GUEST_IRQ);                 /* ras_hotplug_interrupt: check-exception */
    assert_int_equal(mach(f, DST)->irq_latched, 0);
    assert_int_equal(mach(f, DST)->nr_events, 0);
}

/* Emulated XICS (ic-mode=xics) is no different: icp_post_load restores the XIRR only. */
static void test_tcg_interrupt_not_signalled_xics(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob qemu.kvm-irqchip=off\nknob qemu.ic-mode=xics\n");
    add(f, SRC, CORE1);
    add(f, DST, CORE1);
    assert_true(qmp_cont(&f->sim, &f->w, DST, f->err, sizeof(f->err)));
    migrate(f);
    assert_false(spapr_irq_xive_active(&f->sim, &f->w, DST));
    assert_int_equal(mach(f, DST)->irq_latched, IRQ_UNSIGNALLED);
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].hi, WINDOW_NEVER);
}

/* Under KVM the in-kernel controller signals it: the guest takes it within guest.step. */
static void test_kvm_interrupt_signalled(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    add(f, SRC, CORE1);
    add(f, DST, CORE1);
    assert_true(qmp_cont(&f->sim, &f->w, DST, f->err, sizeof(f->err)));
    migrate(f);
    assert_int_equal(mach(f, DST)->irq_latched, 1);
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_GUEST_IRQ);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].lo, 0);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].hi, f->sim.knobs.hi[KNOB_GUEST_STEP]);
}

/* A source still in prelaunch (-S, never cont'ed) gives a destination in prelaunch. */
static void test_success_prelaunch_source(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario mg\nmachine src cores=3 lmbs=4 prelaunch\n"
                      "machine dst like=src incoming=defer\n", NULL);
    assert_true(qmp_cont(&f->sim, &f->w, DST, f->err, sizeof(f->err)));
    migrate(f);
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(mach(f, DST)->runstate, RUN_STATE_PRELAUNCH);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_configured_not_sent),
        T(test_unusable_sent),
        T(test_unplug_requested_on),
        T(test_unplug_requested_off),
        T(test_unplug_timer_rearmed_on_load),
        T(test_pending_events_on),
        T(test_pending_events_off),
        T(test_drc_reset_pre_load_on),
        T(test_drc_reset_pre_load_off),
        T(test_migrate_ccs_on),
        T(test_migrate_ccs_off),
        T(test_missing_drc_fails),
        T(test_xive_sections_fail),
        T(test_cpu_sections_fail),
        T(test_physical_section_alone),
        T(test_physical_section_no_drc),
        T(test_missing_drc_paused_source_stays_paused),
        T(test_success_paused),
        T(test_success_autostart),
        T(test_success_paused_source_autostart),
        T(test_success_prelaunch_source),
        T(test_tcg_interrupt_not_signalled),
        T(test_tcg_interrupt_not_signalled_xics),
        T(test_kvm_interrupt_signalled),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
