/*
 * Unit tests for the invariant checks (sim/check.c, check_quiescent.c): each
 * family fires on a world constructed from sim.initial with its exact
 * message, and stays silent on the initial world; families_format and
 * verdict_format.
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include "check.h"
#include "engine.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"
#include "trace.h"

#define UN SPAPR_DRC_STATE_LOGICAL_UNUSABLE
#define LC SPAPR_DRC_STATE_LOGICAL_CONFIGURED
#define BIT(f) (1u << (f))

/* Two machines, a coldplugged core on both, no script. */
static const char mig_scn[] =
    "scenario ck\n"
    "machine src cores=3 lmbs=4\n"
    "machine dst like=src incoming=defer\n"
    "device src cpu core1 core-id=1\n"
    "device dst cpu core1 core-id=1\n";
enum { SRC, DST };

/* A Linux guest and libvirt on one machine with a core and a DIMM, no script. */
static const char domain_scn[] =
    "scenario q\n"
    "machine m cores=3 lmbs=4\n"
    "device m cpu core1 core-id=1\n"
    "device m dimm dimm0 size=512M\n";
enum { CORE1, DIMM0 };

/* ---- fixture ---------------------------------------------------------------- */

struct fix {
    struct scenario scn;
    struct sim sim;
    struct world w;
    struct violation v[EXPLORE_MAX_FAMILIES];
    uint64_t now;
    char err[256];
};

static int fix_setup(void **state)
{
    *state = g_new0(struct fix, 1);
    return 0;
}

static int fix_teardown(void **state)
{
    struct fix *f = *state;

    sim_free(&f->sim);
    g_free(f);
    return 0;
}

static void fix_init(struct fix *f, const char *text)
{
    struct knob_set ks;

    knobs_default(&ks);
    if (!scenario_parse_string("t.scn", text, &f->scn, f->err, sizeof(f->err)))
        fail_msg("parse: %s", f->err);
    if (!sim_init(&f->sim, &f->scn, &ks, "upstream", f->err, sizeof(f->err)))
        fail_msg("sim_init: %s", f->err);
    f->w = f->sim.initial;
}

/* Fire the fireable step of that actor, without a trace. */
static void fire(struct fix *f, uint8_t actor)
{
    struct step st[ENGINE_MAX_STEPS];
    unsigned n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS);

    for (unsigned i = 0; i < n; i++)
        if (st[i].actor == actor) {
            engine_fire(&f->sim.model, &f->w, &st[i], NULL, 1, &f->now);
            return;
        }
    fail_msg("no fireable step of actor %u", actor);
}

static uint32_t step_check(struct fix *f, uint8_t actor)
{
    struct step st = { .actor = actor };

    memset(f->v, 0, sizeof(f->v));
    return check_step(&f->sim, &f->w, &st, f->v);
}

static uint32_t quiescent_check(struct fix *f)
{
    memset(f->v, 0, sizeof(f->v));
    return check_quiescent(&f->sim, &f->w, f->v);
}

static void assert_violation(const struct fix *f, uint8_t fam, uint16_t line, const char *msg)
{
    assert_int_equal(f->v[fam].family, fam);
    assert_int_equal(f->v[fam].line, line);
    assert_string_equal(f->v[fam].message, msg);
}

static struct spapr_drc *drc(struct fix *f, int m, uint32_t index)
{
    int slot = sim_drc_by_index(&f->sim, m, index);

    assert_true(slot >= 0);
    return &f->w.machines[m].drcs[slot];
}

/* ---- step checks ---------------------------------------------------------------- */

static void test_step_initial_clean(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    for (int a = 0; a < ACTOR_COUNT; a++)
        assert_int_equal(step_check(f, (uint8_t)a), 0);
    assert_int_equal(quiescent_check(f), 0);
}

static void test_qemu_abort(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.machines[SRC].abort_reason = QEMU_ABORT_DRC_ATTACH;
    f->w.machines[SRC].abort_drc = 1;
    assert_int_equal(step_check(f, ACTOR_GUEST_WORKER), BIT(FAM_QEMU_ABORT));
    assert_violation(f, FAM_QEMU_ABORT, 0, "QEMU on src aborts: spapr_drc_attach: assertion "
                     "failed: (!drc->dev) && state is empty_state (DRC 0x10000001)");
}

/* A full queue of the model is its own bound, not QEMU's abort: the branch ends, incomplete. */
static void test_model_bound(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.machines[DST].abort_reason = QEMU_ABORT_WORK_OVERFLOW;
    assert_int_equal(step_check(f, ACTOR_GUEST_WORKER), EXPLORE_BOUND_BIT);
    assert_violation(f, EXPLORE_MODEL_BOUND, 0, "on dst: drcsim model bound: more queued guest "
                     "DLPAR work than MAX_GUEST_WORK");
    f->w.machines[DST].abort_reason = QEMU_ABORT_EVENT_OVERFLOW;
    assert_int_equal(step_check(f, ACTOR_LIBVIRT_EVENTS), EXPLORE_BOUND_BIT);
    assert_violation(f, EXPLORE_MODEL_BOUND, 0, "on dst: drcsim model bound: more pending "
                     "hotplug events than MAX_EVENTS");
}

static void test_migration_failed(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.migration = (struct migration_state){ MIGRATION_FAILED, SRC, DST, 2, 0xff };
    assert_int_equal(step_check(f, ACTOR_MIGRATION), BIT(FAM_MIGRATION_FAILED));
    assert_violation(f, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: error "
                     "while loading state for instance 0x10000002 of device 'spapr_drc'");
    f->w.migration.load_failed_drc = 0xff;
    assert_int_equal(step_check(f, ACTOR_MIGRATION), BIT(FAM_MIGRATION_FAILED));
    assert_violation(f, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: Unknown "
                     "savevm section or instance 'xive-source' 0 (the source's dual interrupt "
                     "controller; the destination's CPU mode gets XICS only)");
    f->w.migration.load_failed_cpu = 1;
    f->w.machines[SRC].vcpu_compat = 0;
    assert_int_equal(step_check(f, ACTOR_MIGRATION), BIT(FAM_MIGRATION_FAILED));
    assert_violation(f, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: error while "
                     "loading state for instance 0x1 of device 'cpu' (a raw PVR of the other "
                     "host generation)");
    f->w.machines[SRC].vcpu_compat = 3;
    assert_int_equal(step_check(f, ACTOR_MIGRATION), BIT(FAM_MIGRATION_FAILED));
    assert_violation(f, FAM_MIGRATION_FAILED, 0, "the destination rejects the stream: error while "
                     "loading state for instance 0x1 of device 'cpu' (compat PVR 0x0f000005, "
                     "above the destination's CPU)");
}

/* Compared only right after the switchover step, DRC by DRC. */
static void test_drc_migration_mismatch(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.migration = (struct migration_state){ MIGRATION_COMPLETED, SRC, DST, 0xff, 0xff };
    assert_int_equal(step_check(f, ACTOR_MIGRATION), 0);     /* both CONFIGURED, same device */
    drc(f, DST, 0x10000001)->state = UN;
    assert_int_equal(step_check(f, ACTOR_GUEST_WORKER), 0);
    assert_int_equal(step_check(f, ACTOR_SCRIPT0), 0);
    assert_int_equal(step_check(f, ACTOR_MIGRATION), BIT(FAM_DRC_MIGRATION_MISMATCH));
    assert_violation(f, FAM_DRC_MIGRATION_MISMATCH, 0, "after switchover DRC 0x10000001 is "
                     "LOGICAL_UNUSABLE with its device on dst but LOGICAL_CONFIGURED with its "
                     "device on src");
    drc(f, DST, 0x10000001)->state = LC;
    drc(f, SRC, 0x10000001)->unplug_requested = 1;
    assert_int_equal(step_check(f, ACTOR_MIGRATION), BIT(FAM_DRC_MIGRATION_MISMATCH));
    assert_violation(f, FAM_DRC_MIGRATION_MISMATCH, 0, "after switchover DRC 0x10000001 is "
                     "LOGICAL_CONFIGURED with its device on dst but LOGICAL_CONFIGURED with its "
                     "device, unplug requested on src");
    f->w.migration.status = MIGRATION_ACTIVE;
    assert_int_equal(step_check(f, ACTOR_MIGRATION), 0);
}

static void test_guest_dt_mismatch(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.guest.dt_mismatch = 1;
    f->w.guest.dt_mismatch_drc = 1;
    assert_int_equal(step_check(f, ACTOR_GUEST_WORKER), BIT(FAM_GUEST_DT_MISMATCH));
    assert_violation(f, FAM_GUEST_DT_MISMATCH, 0, "the tree the guest assembled from "
                     "configure-connector for DRC 0x10000001 differs from QEMU's fragment");
}

/* The guest's panic is checked after the step that made it, and names its machine. */
static void test_guest_panic(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.guest.machine = DST;
    f->w.guest.panic = GUEST_PANIC_RAS_LOG_EMPTY;
    assert_int_equal(step_check(f, ACTOR_GUEST_IRQ), BIT(FAM_GUEST_PANIC));
    assert_violation(f, FAM_GUEST_PANIC, 0, "the guest kernel panicked on dst: "
                     "ras_hotplug_interrupt found no hotplug record (check-exception found no "
                     "event, and ras_log_buf was never filled since boot) and dereferenced NULL "
                     "in hard IRQ");
    f->w.guest.dt_mismatch = 1;   /* both in the one quick look */
    f->w.guest.dt_mismatch_drc = 1;
    assert_int_equal(step_check(f, ACTOR_GUEST_IRQ),
                     BIT(FAM_GUEST_PANIC) | BIT(FAM_GUEST_DT_MISMATCH));
    f->w.guest.panic = GUEST_PANIC_NONE;
    assert_int_equal(step_check(f, ACTOR_GUEST_IRQ), BIT(FAM_GUEST_DT_MISMATCH));
}

static void test_false_unplug_error(void **state)
{
    struct fix *f = *state;

    fix_init(f, mig_scn);
    f->w.libvirt.failed_report = 1u << 0;     /* reported, not yet deleted: fine */
    assert_int_equal(step_check(f, ACTOR_LIBVIRT_EVENTS), 0);
    f->w.libvirt.false_unplug = 1u << 0;
    assert_int_equal(step_check(f, ACTOR_LIBVIRT_EVENTS), BIT(FAM_FALSE_UNPLUG_ERROR));
    assert_violation(f, FAM_FALSE_UNPLUG_ERROR, 0, "core1 was reported as not unplugged, then "
                     "DEVICE_DELETED came anyway");
}

/* ---- expect-failed from script lines -------------------------------------------- */

static void test_expect_rtas(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario r\nmachine m cores=2 guest=script\n"
                "rtas m get-sensor-state dr-entity-sense CPU:1 -> rc=0 value=1\n");
    assert_int_equal(step_check(f, ACTOR_SCRIPT0), 0);
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(step_check(f, ACTOR_SCRIPT0), BIT(FAM_EXPECT_FAILED));
    assert_violation(f, FAM_EXPECT_FAILED, 3, "t.scn:3: rtas result did not hold: got value=2, "
                     "expected value=1");
}

static void test_expect_assert(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario r\nmachine m cores=2 guest=script\n"
                "assert m drc CPU:1 state=LOGICAL_CONFIGURED\n");
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(step_check(f, ACTOR_SCRIPT0), BIT(FAM_EXPECT_FAILED));
    assert_violation(f, FAM_EXPECT_FAILED, 3, "t.scn:3: assert did not hold: got "
                     "state=LOGICAL_UNUSABLE, expected state=LOGICAL_CONFIGURED");
}

/* An assert on the device names the one it expected, as the scenario does. */
static void test_expect_assert_dev(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario r\nmachine m cores=2 guest=script\n"
                "device m cpu core1 core-id=1\n"
                "assert m drc CPU:0 dev=core1\n");
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(step_check(f, ACTOR_SCRIPT0), BIT(FAM_EXPECT_FAILED));
    assert_violation(f, FAM_EXPECT_FAILED, 4, "t.scn:4: assert did not hold: got "
                     "dev=a built-in device, expected dev=core1");
}

static void test_expect_wait_timeout(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario r\nmachine m cores=2 guest=script\n\n"
                "wait m event DEVICE_DELETED timeout=5s\n");
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(f->now, 5000);
    assert_int_equal(step_check(f, ACTOR_SCRIPT0), BIT(FAM_EXPECT_FAILED));
    assert_violation(f, FAM_EXPECT_FAILED, 4, "t.scn:4: wait did not hold within 5000 ms");
}

/* ---- quiescence ------------------------------------------------------------------ */

static const char expect_scn[] =
    "scenario e\n"
    "machine m cores=2 guest=script\n"
    "device m cpu core1 core-id=1\n"
    "expect m device core1 present\n"
    "expect m drc CPU:1 state=LOGICAL_CONFIGURED dev=core1\n"
    "expect event DEVICE_DELETED core1 not-emitted\n";

static void test_expect_lines(void **state)
{
    struct fix *f = *state;
    const char *prefix = "t.scn:%d: expect does not hold at quiescence: %s";
    char want[320];

    fix_init(f, expect_scn);
    assert_int_equal(quiescent_check(f), 0);
    f->w.machines[0].deleted = 1u << 0;
    assert_int_equal(quiescent_check(f), BIT(FAM_EXPECT_FAILED));
    snprintf(want, sizeof(want), prefix, 6, "DEVICE_DELETED for core1 was emitted");
    assert_violation(f, FAM_EXPECT_FAILED, 6, want);
    drc(f, 0, 0x10000001)->state = UN;        /* the first failing expect is reported */
    assert_int_equal(quiescent_check(f), BIT(FAM_EXPECT_FAILED));
    snprintf(want, sizeof(want), prefix, 5, "DRC 0x10000001 on m: state is LOGICAL_UNUSABLE, "
             "expected state=LOGICAL_CONFIGURED");
    assert_violation(f, FAM_EXPECT_FAILED, 5, want);
    f->w.machines[0].devices[0].realized = 0;
    assert_int_equal(quiescent_check(f), BIT(FAM_EXPECT_FAILED));
    snprintf(want, sizeof(want), prefix, 4, "device core1 is absent on m");
    assert_violation(f, FAM_EXPECT_FAILED, 4, want);
}

static void test_blocked_script(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario b\nmachine m cores=2 guest=script\ndevice m cpu core1 core-id=1\n"
                "script waiter\nwait m event DEVICE_DELETED core1\n");
    assert_int_equal(f->w.actors[ACTOR_SCRIPT0].kind, STEP_NONE);   /* nothing can fire */
    assert_int_equal(quiescent_check(f), BIT(FAM_EXPECT_FAILED));
    assert_violation(f, FAM_EXPECT_FAILED, 5, "t.scn:5: script waiter is blocked here and "
                     "nothing can unblock it");
    f->w.scripts[0].status = SCRIPT_DONE;
    assert_int_equal(quiescent_check(f), 0);
}

static void test_view_mismatch(void **state)
{
    struct fix *f = *state;

    fix_init(f, domain_scn);
    assert_int_equal(f->w.libvirt.xml[0], 3);
    assert_int_equal(f->w.guest.lmbs, 3);
    assert_int_equal(quiescent_check(f), 0);
    f->w.libvirt.xml[0] &= (uint16_t)~(1u << CORE1);
    assert_int_equal(quiescent_check(f), BIT(FAM_VIEW_MISMATCH));
    assert_violation(f, FAM_VIEW_MISMATCH, 0,
                     "core1 on m: QEMU present, guest present, libvirt absent");
    f->w = f->sim.initial;
    f->w.guest.online = 1;                    /* core1 offline in the guest */
    assert_int_equal(quiescent_check(f), BIT(FAM_VIEW_MISMATCH));
    assert_violation(f, FAM_VIEW_MISMATCH, 0,
                     "core1 on m: QEMU present, guest absent, libvirt present");
    f->w = f->sim.initial;
    f->w.guest.lmbs = 1;
    assert_int_equal(quiescent_check(f), BIT(FAM_VIEW_MISMATCH));
    assert_violation(f, FAM_VIEW_MISMATCH, 0,
                     "dimm0 on m: QEMU present, guest absent, libvirt present");
    /* a PCI device the guest has not configured (no drmgr): QEMU's side names the DRC */
    sim_free(&f->sim);
    fix_init(f, "scenario p\nmachine m cores=2 pci-slots=2\ndevice m pci net0 slot=1\n");
    assert_int_equal(drc(f, 0, 0x40000008)->state, SPAPR_DRC_STATE_PHYSICAL_CONFIGURED);
    assert_int_equal(quiescent_check(f), 0);
    drc(f, 0, 0x40000008)->state = SPAPR_DRC_STATE_PHYSICAL_POWERON;
    assert_int_equal(quiescent_check(f), BIT(FAM_VIEW_MISMATCH));
    assert_violation(f, FAM_VIEW_MISMATCH, 0, "net0 on m: QEMU attached with DRC 0x40000008 "
                     "PHYSICAL_POWERON, guest (no view), libvirt present");
}

/* A second core of core-id 1, refused (by libvirt here: vCPU 1 is online; by QEMU, "core 1
 * already populated", where it gets there, as at a destination's Prepare): the guest's CPU 1
 * is core1's, not that one's. */
static void test_view_core_id_shared(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario q\nmachine m cores=3\ndevice m cpu core1 core-id=1\n"
                "script x\ndo m device_add cpu other core-id=1\n");
    assert_int_equal(f->w.libvirt.xml[0], 1);
    assert_int_equal(f->w.guest.cpus & f->w.guest.online, 3);
    assert_int_equal(quiescent_check(f), BIT(FAM_EXPECT_FAILED));   /* x not run: blocked */
    fire(f, ACTOR_SCRIPT0);                   /* the device_add, refused */
    assert_false(f->w.machines[0].devices[1].realized);
    assert_int_equal(drc(f, 0, 0x10000001)->dev, 1);
    assert_int_equal(f->w.libvirt.xml[0], 1);
    assert_int_equal(quiescent_check(f), 0);
}

/* An unplug left pending; the views still agree (the device is all there). */
static void test_lost_unplug(void **state)
{
    struct fix *f = *state;

    fix_init(f, domain_scn);
    drc(f, 0, 0x10000001)->unplug_requested = 1;
    assert_int_equal(quiescent_check(f), BIT(FAM_LOST_UNPLUG));
    assert_violation(f, FAM_LOST_UNPLUG, 0, "DRC 0x10000001 on m: unplug of core1 still pending "
                     "(LOGICAL_CONFIGURED) and nothing can complete or report it");
    f->w = f->sim.initial;
    drc(f, 0, 0x80000005)->unplug_requested = 1;
    assert_int_equal(quiescent_check(f), BIT(FAM_LOST_UNPLUG));
    assert_violation(f, FAM_LOST_UNPLUG, 0, "DRC 0x80000005 on m: unplug of dimm0 still pending "
                     "(LOGICAL_CONFIGURED) and nothing can complete or report it");
}

/*
 * A core hot-added while the domain is paused: QEMU has it, its DRC waits
 * for the guest (LOGICAL_UNUSABLE), libvirt lists it. Not a mismatch until
 * the vCPUs run (`cont` finishes it); a pending unplug is not lost either. A
 * DLPAR error the guest logged still counts.
 */
static void test_paused_domain(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario q\nmachine m cores=3\nscript x\ndo m stop\n"
                "do m device_add cpu core2 core-id=2\n");
    fire(f, ACTOR_SCRIPT0);   /* stop */
    fire(f, ACTOR_SCRIPT0);   /* device_add */
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PAUSED);
    assert_true(f->w.machines[0].devices[0].realized);
    assert_int_equal(drc(f, 0, 0x10000002)->state, SPAPR_DRC_STATE_LOGICAL_UNUSABLE);
    assert_int_equal(f->w.libvirt.xml[0], 1);
    assert_int_equal(quiescent_check(f), 0);
    drc(f, 0, 0x10000002)->unplug_requested = 1;
    assert_int_equal(quiescent_check(f), 0);
    f->w.guest.dlpar_errors = 1;
    f->w.guest.dlpar_failed = 1ull << 2;
    assert_int_equal(quiescent_check(f), BIT(FAM_GUEST_DLPAR_ERROR));
    f->w.guest.dlpar_errors = 0;
    f->w.guest.dlpar_failed = 0;
    f->w.machines[0].runstate = RUN_STATE_RUNNING;   /* as if it ran on: both seen */
    assert_int_equal(quiescent_check(f), BIT(FAM_VIEW_MISMATCH) | BIT(FAM_LOST_UNPLUG));
    assert_violation(f, FAM_VIEW_MISMATCH, 0, "core2 on m: QEMU attached with DRC 0x10000002 "
                     "LOGICAL_UNUSABLE, guest absent, libvirt present");
}

/* The same in prelaunch (-S): the guest has not booted. */
static void test_prelaunch_domain(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario q\nmachine m cores=3 prelaunch\nscript x\n"
                "do m device_add cpu core2 core-id=2\n");
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PRELAUNCH);
    assert_int_equal(drc(f, 0, 0x10000002)->state, SPAPR_DRC_STATE_LOGICAL_UNUSABLE);
    assert_int_equal(f->w.libvirt.xml[0], 1);
    assert_int_equal(quiescent_check(f), 0);
}

/* Two failed operations, on core1's DRC (slot 1) and on no single DRC. */
static void test_guest_dlpar_error(void **state)
{
    struct fix *f = *state;

    fix_init(f, domain_scn);
    f->w.guest.dlpar_errors = 2;
    f->w.guest.dlpar_failed = (1ull << 1) | (1ull << 63);
    assert_int_equal(quiescent_check(f), BIT(FAM_GUEST_DLPAR_ERROR));
    assert_violation(f, FAM_GUEST_DLPAR_ERROR, 0, "2 guest DLPAR operation(s) ended in an error, "
                     "the first on DRC 0x10000001 (see the guest log lines)");
    f->w.guest.dlpar_failed = 1ull << 63;
    assert_int_equal(quiescent_check(f), BIT(FAM_GUEST_DLPAR_ERROR));
    assert_violation(f, FAM_GUEST_DLPAR_ERROR, 0, "2 guest DLPAR operation(s) ended in an error, "
                     "the first on DRC 0x0 (see the guest log lines)");
}

/* `expect guest dlpar-error ID` excuses the errors on that device's DRCs only. */
static void test_guest_dlpar_error_expected(void **state)
{
    struct fix *f = *state;
    char *text = g_strconcat(domain_scn, "expect guest dlpar-error core1\n", NULL);

    fix_init(f, text);
    g_free(text);
    f->w.guest.dlpar_errors = 1;
    f->w.guest.dlpar_failed = 1ull << 1;
    assert_int_equal(quiescent_check(f), 0);
    f->w.guest.dlpar_errors = 2;
    f->w.guest.dlpar_failed |= 1ull << 4;   /* dimm0's 2nd LMB: CPUs 0-2, LMBs 3.. */
    assert_int_equal(quiescent_check(f), BIT(FAM_GUEST_DLPAR_ERROR));
    assert_violation(f, FAM_GUEST_DLPAR_ERROR, 0, "2 guest DLPAR operation(s) ended in an error, "
                     "the first on DRC 0x80000005 (see the guest log lines)");
}

/* ---- formatting and the vtable --------------------------------------------------- */

static void test_families_format(void **state)
{
    char buf[256], small[8];

    (void)state;
    assert_string_equal(families_format(0, buf, sizeof(buf)), "");
    assert_string_equal(families_format(BIT(FAM_QEMU_ABORT), buf, sizeof(buf)), "qemu-abort");
    assert_string_equal(families_format(BIT(FAM_QEMU_ABORT) | BIT(FAM_VIEW_MISMATCH), buf,
                                        sizeof(buf)), "view-mismatch,qemu-abort");
    assert_string_equal(families_format((1u << FAM_COUNT) - 1, buf, sizeof(buf)),
                        "drc-migration-mismatch,view-mismatch,lost-unplug,false-unplug-error,"
                        "guest-dlpar-error,guest-dt-mismatch,qemu-abort,migration-failed,"
                        "expect-failed,guest-panic");
    assert_string_equal(families_format(BIT(FAM_VIEW_MISMATCH) | BIT(FAM_EXPECT_FAILED), small,
                                        sizeof(small)), "view-mi");
}

static void test_verdict_format(void **state)
{
    char buf[256], small[8];

    (void)state;
    assert_string_equal(verdict_format(0, false, buf, sizeof(buf)), "pass");
    assert_string_equal(verdict_format(0, true, buf, sizeof(buf)), "incomplete");
    assert_string_equal(verdict_format(BIT(FAM_GUEST_DT_MISMATCH), true, buf, sizeof(buf)),
                        "fail guest-dt-mismatch");   /* a family found stands */
    assert_string_equal(verdict_format(BIT(FAM_QEMU_ABORT) | BIT(FAM_VIEW_MISMATCH), false, buf,
                                       sizeof(buf)), "fail view-mismatch,qemu-abort");
    assert_string_equal(verdict_format(BIT(FAM_VIEW_MISMATCH), false, small, sizeof(small)),
                        "fail vi");
}

static void test_check_for(void **state)
{
    struct fix *f = *state;
    struct checker c;

    fix_init(f, mig_scn);
    c = check_for(&f->sim);
    assert_ptr_equal(c.ctx, &f->sim);
    assert_ptr_equal(c.step, check_step);
    assert_ptr_equal(c.quiescent, check_quiescent);
    assert_null(c.ignored);
}

/* A scenario's `ignore` line: a checker that masks those families after a step and at
 * quiescence, the others reported as before. */
static void test_check_for_ignore(void **state)
{
    struct fix *f = *state;
    struct step st = { .actor = ACTOR_LIBVIRT_EVENTS };
    struct checker c;
    g_autofree char *text = g_strconcat(domain_scn, "ignore false-unplug-error,lost-unplug\n",
                                        NULL);

    fix_init(f, text);
    c = check_for(&f->sim);
    assert_ptr_equal(c.ctx, &f->sim);
    assert_ptr_not_equal(c.step, check_step);
    assert_ptr_not_equal(c.quiescent, check_quiescent);
    assert_int_equal(c.ignored(c.ctx, &f->w, &st, f->v), 0);
    f->w.libvirt.false_unplug = 1u << CORE1;
    assert_int_equal(step_check(f, ACTOR_LIBVIRT_EVENTS), BIT(FAM_FALSE_UNPLUG_ERROR));
    assert_int_equal(c.step(c.ctx, &f->w, &st, f->v), 0);
    f->w.guest.dt_mismatch = 1;
    f->w.guest.dt_mismatch_drc = 1;
    assert_int_equal(c.step(c.ctx, &f->w, &st, f->v), BIT(FAM_GUEST_DT_MISMATCH));
    assert_violation(f, FAM_GUEST_DT_MISMATCH, 0, "the tree the guest assembled from "
                     "configure-connector for DRC 0x10000001 differs from QEMU's fragment");
    /* what a run's trace reports of them: the ignored families alone, described */
    assert_int_equal(c.ignored(c.ctx, &f->w, &st, f->v), BIT(FAM_FALSE_UNPLUG_ERROR));
    assert_violation(f, FAM_FALSE_UNPLUG_ERROR, 0, "core1 was reported as not unplugged, then "
                     "DEVICE_DELETED came anyway");

    f->w = f->sim.initial;
    drc(f, 0, 0x10000001)->unplug_requested = 1;
    assert_int_equal(quiescent_check(f), BIT(FAM_LOST_UNPLUG));
    assert_int_equal(c.quiescent(c.ctx, &f->w, f->v), 0);
    assert_int_equal(c.ignored(c.ctx, &f->w, NULL, f->v), BIT(FAM_LOST_UNPLUG));
    f->w.guest.dlpar_errors = 1;
    f->w.guest.dlpar_failed = 1ull << 1;
    assert_int_equal(c.quiescent(c.ctx, &f->w, f->v), BIT(FAM_GUEST_DLPAR_ERROR));
    assert_violation(f, FAM_GUEST_DLPAR_ERROR, 0, "1 guest DLPAR operation(s) ended in an error, "
                     "the first on DRC 0x10000001 (see the guest log lines)");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_step_initial_clean),
        T(test_qemu_abort),
        T(test_model_bound),
        T(test_migration_failed),
        T(test_drc_migration_mismatch),
        T(test_guest_dt_mismatch),
        T(test_guest_panic),
        T(test_false_unplug_error),
        T(test_expect_rtas),
        T(test_expect_assert),
        T(test_expect_assert_dev),
        T(test_expect_wait_timeout),
        T(test_expect_lines),
        T(test_blocked_script),
        T(test_view_mismatch),
        T(test_view_core_id_shared),
        T(test_lost_unplug),
        T(test_paused_domain),
        T(test_prelaunch_domain),
        T(test_guest_dlpar_error),
        T(test_guest_dlpar_error_expected),
        cmocka_unit_test(test_families_format),
        cmocka_unit_test(test_verdict_format),
        T(test_check_for),
        T(test_check_for_ignore),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
