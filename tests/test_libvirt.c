/*
 * Unit tests for the libvirt model (sim/models/libvirt.c, libvirt_actions.c,
 * libvirt_job.c) with a Linux guest: the unplug waiter and its timeouts (vCPU vs device),
 * QMP event handling and the deferred worker, the job lock between scripts
 * and migration, Prepare on the destination, false-unplug bookkeeping.
 */
#include "step_fixture.h"
#include <string.h>
#include <glib.h>
#include "engine.h"
#include "guest_os.h"
#include "libvirt.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"
#include "trace.h"

#define LC SPAPR_DRC_STATE_LOGICAL_CONFIGURED

#define VCPU_TIMEOUT \
    "Timed out during operation: vcpu unplug request timed out. Unplug result must be " \
    "manually inspected in the domain"

/* ---- fixture: step_fixture.h ---------------------------------------------- */

static struct libvirt_state *lv(struct fix *f) { return &f->w.libvirt; }

static struct spapr_drc *drc_at(struct fix *f, int m, uint32_t index)
{
    int slot = sim_drc_by_index(&f->sim, m, index);

    assert_true(slot >= 0);
    return &f->w.machines[m].drcs[slot];
}

static void fire_script(struct fix *f, int script, uint8_t kind)
{
    fire(f, (uint8_t)(ACTOR_SCRIPT0 + script));
    assert_int_equal(f->kind, kind);
}

/* Let the guest run its interrupt and DLPAR worker until it has nothing to do. */
static void guest_runs(struct fix *f)
{
    if (f->w.actors[ACTOR_GUEST_IRQ].kind)
        fire(f, ACTOR_GUEST_IRQ);
    for (int n = 0; f->w.actors[ACTOR_GUEST_WORKER].kind; n++) {
        assert_true(n < 100);
        fire(f, ACTOR_GUEST_WORKER);
    }
}

static void assert_actor(const struct fix *f, int actor, uint8_t kind, uint32_t lo, uint32_t hi)
{
    assert_int_equal(f->w.actors[actor].kind, kind);
    assert_int_equal(f->w.actors[actor].lo, lo);
    assert_int_equal(f->w.actors[actor].hi, hi);
}

/* ---- device_del and its wait -------------------------------------------------- */

/*
 * guest.hp-evt=off: the remove event comes on the EPOW source, whose handler
 * only logs it; nothing answers, the 10 s wait ends in the vCPU error.
 */
static void test_vcpu_unplug_timeout(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=3\ndevice m cpu core1 core-id=1\n"
                "knob guest.hp-evt=off\ndo m device_del core1\n");
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"actor\":\"libvirt\",\"op\":\"device_del\",\"args\":{\"machine\":\"m\","
                        "\"id\":\"core1\"},\"result\":{}");
    assert_int_equal(lv(f)->job, LV_JOB_MODIFY);
    assert_int_equal(lv(f)->unplug_dev, 1);
    assert_actor(f, ACTOR_SCRIPT0, STEP_SCRIPT_TIMEOUT, 10000, 10000);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_epow_interrupt\"");
    fire_script(f, 0, STEP_SCRIPT_TIMEOUT);
    assert_int_equal(f->now, 10000);
    assert_has(f->line, "\"result\":{\"error\":\"" VCPU_TIMEOUT "\"}");
    assert_has(f->line, "{\"who\":\"libvirt\",\"line\":\"" VCPU_TIMEOUT "\"}");
    assert_int_equal(lv(f)->failed_report, 1u << 0);
    assert_int_equal(lv(f)->xml[0], 1u << 0);                 /* the vCPU stays */
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(lv(f)->unplug_dev, 0);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
    assert_int_equal(f->w.machines[0].drcs[1].unplug_requested, 1);   /* QEMU still waits */
}

/* A DIMM's detach timeout is a success: the device stays in the live XML. */
static void test_dimm_detach_timeout(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2 lmbs=4\ndevice m dimm dimm0 size=512M\n"
                "do m stop\ndo m device_del dimm0\n");
    assert_int_equal(f->w.guest.lmbs, 3);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* virsh suspend */
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PAUSED);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(f->w.machines[0].devices[0].dimm_pending, 1);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_NONE);   /* vCPUs stopped */
    fire_script(f, 0, STEP_SCRIPT_TIMEOUT);
    assert_has(f->line, "\"result\":{\"return\":\"timed out, device kept in the live XML\"}");
    assert_lacks(f->line, "error");
    assert_int_equal(lv(f)->failed_report, 0);
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
}

/* DEVICE_DELETED while libvirt waits: the waiter wakes and drops the vCPU. */
static void test_deleted_while_waiting(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2\ndevice m cpu core1 core-id=1\n"
                "do m device_del core1\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    guest_runs(f);
    assert_int_equal(f->w.machines[0].deleted, 1u << 0);
    assert_int_equal(lv(f)->nevents, 1);
    assert_actor(f, ACTOR_LIBVIRT_EVENTS, STEP_LIBVIRT_EVENT, 0, 0);
    fire(f, ACTOR_LIBVIRT_EVENTS);
    assert_has(f->line, "\"actor\":\"libvirt\",\"op\":\"DEVICE_DELETED\","
                        "\"args\":{\"machine\":\"m\",\"id\":\"core1\"},\"result\":{}");
    assert_int_equal(lv(f)->unplug_status, LV_UNPLUG_OK);
    assert_int_equal(lv(f)->nworker, 0);
    assert_actor(f, ACTOR_SCRIPT0, STEP_SCRIPT_WAKE, 0, 1);
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_has(f->line, "\"result\":{\"return\":\"removed\"}");
    assert_int_equal(lv(f)->xml[0], 0);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(lv(f)->unplug_dev, 0);
    assert_int_equal(lv(f)->unplug_status, LV_UNPLUG_NONE);
    assert_int_equal(lv(f)->failed_report, 0);
    assert_int_equal(lv(f)->false_unplug, 0);
    assert_int_equal(f->w.actors[ACTOR_LIBVIRT_WORKER].kind, STEP_NONE);
}

/* DEVICE_UNPLUG_GUEST_ERROR while waiting: "rejected by the guest", vCPU kept. */
static void test_rejected_while_waiting(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2\ndevice m cpu core1 core-id=1\n"
                "do m guest cpu-offline 0\ndo m device_del core1\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(f->w.guest.online, 2);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    guest_runs(f);
    assert_int_equal(f->w.machines[0].unplug_guest_error, 1u << 0);
    assert_int_equal(lv(f)->failed_report, 1u << 0);       /* reported as it arrived */
    fire(f, ACTOR_LIBVIRT_EVENTS);
    assert_has(f->line, "\"op\":\"DEVICE_UNPLUG_GUEST_ERROR\",\"args\":{\"machine\":\"m\","
                        "\"id\":\"core1\"},\"result\":{\"event\":\"device-removal-failed\"}");
    assert_int_equal(lv(f)->unplug_status, LV_UNPLUG_GUEST_REJECTED);
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_has(f->line, "\"result\":{\"error\":\"operation failed: unplug of device was rejected "
                        "by the guest\"}");
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_int_equal(lv(f)->failed_report, 1u << 0);
    assert_int_equal(lv(f)->false_unplug, 0);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
}

/*
 * A rejection, then DEVICE_DELETED before the waiter runs: the first event
 * reset the alias (qemuDomainSignalDeviceRemoval), so the second goes to
 * the worker, which drops the device the API call said was kept.
 */
static void test_rejected_then_deleted(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2\ndevice m cpu core1 core-id=1\n"
                "do m device_del core1\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    libvirt_qmp_event(&f->w, 0, QMP_DEVICE_UNPLUG_GUEST_ERROR, 0);
    libvirt_qmp_event(&f->w, 0, QMP_DEVICE_DELETED, 0);
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_LIBVIRT_EVENTS);
    assert_int_equal(lv(f)->unplug_status, LV_UNPLUG_GUEST_REJECTED);
    fire(f, ACTOR_LIBVIRT_EVENTS);
    assert_int_equal(lv(f)->unplug_status, LV_UNPLUG_GUEST_REJECTED);
    assert_int_equal(lv(f)->nworker, 1);
    assert_int_equal(lv(f)->false_unplug, 1u << 0);
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_has(f->line, "\"result\":{\"error\":\"operation failed: unplug of device was rejected "
                        "by the guest\"}");
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_has(f->line, "\"op\":\"processDeviceDeletedEvent\"");
    assert_int_equal(lv(f)->xml[0], 0);
}

/*
 * The vCPU unplug times out while the VM is paused; after cont the guest
 * completes it: nobody waits, the event goes to the worker, and the device
 * is deleted after a failure was reported (false_unplug).
 */
static void test_deleted_nobody_waiting(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2\ndevice m cpu core1 core-id=1\n"
                "do m stop\ndo m device_del core1\ndo m cont\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 0, STEP_SCRIPT_TIMEOUT);
    assert_has(f->line, VCPU_TIMEOUT);
    assert_int_equal(lv(f)->failed_report, 1u << 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* virsh resume */
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_RUNNING);
    guest_runs(f);
    assert_int_equal(f->w.machines[0].deleted, 1u << 0);
    assert_int_equal(lv(f)->false_unplug, 1u << 0);
    fire(f, ACTOR_LIBVIRT_EVENTS);
    assert_has(f->line, "\"op\":\"DEVICE_DELETED\",\"args\":{\"machine\":\"m\",\"id\":\"core1\"},"
                        "\"result\":{}");
    assert_int_equal(lv(f)->nworker, 1);
    assert_int_equal(lv(f)->worker_q[0].machine, 0);
    assert_int_equal(lv(f)->worker_q[0].dev, 0);
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_actor(f, ACTOR_LIBVIRT_WORKER, STEP_LIBVIRT_WORKER, 0, 1);
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_has(f->line, "\"op\":\"processDeviceDeletedEvent\",\"args\":{\"machine\":\"m\","
                        "\"id\":\"core1\"},\"result\":{}");
    assert_lacks(f->line, "Domain is not running");
    assert_int_equal(lv(f)->nworker, 0);
    assert_int_equal(lv(f)->xml[0], 0);
    assert_int_equal(f->w.actors[ACTOR_LIBVIRT_WORKER].kind, STEP_NONE);
}

/* A new device_del forgets the earlier report; a timeout sets it again. */
static void test_failed_report_cleared_by_new_del(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2\ndevice m cpu core1 core-id=1\n"
                "knob guest.hp-evt=off\ndo m device_del core1\ndo m device_del core1\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire(f, ACTOR_GUEST_IRQ);
    fire_script(f, 0, STEP_SCRIPT_TIMEOUT);
    assert_int_equal(lv(f)->failed_report, 1u << 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(lv(f)->failed_report, 0);
    assert_int_equal(f->w.machines[0].nr_events, 1);         /* 2b18fc794f: re-sent */
    fire(f, ACTOR_GUEST_IRQ);
    fire_script(f, 0, STEP_SCRIPT_TIMEOUT);
    assert_int_equal(lv(f)->failed_report, 1u << 0);
    assert_int_equal(lv(f)->false_unplug, 0);
}

/* ---- the deferred worker and the job ----------------------------------------- */

static void test_worker_needs_job(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=2\nmachine d like=m incoming=defer\n"
                "device m cpu core1 core-id=1\n");
    lv(f)->worker_q[lv(f)->nworker++] = (struct lv_deleted){ 0, 0 };
    lv(f)->job = LV_JOB_MIGRATION;
    sim_normalize(&f->sim, &f->w);
    assert_actor(f, ACTOR_LIBVIRT_WORKER, STEP_LIBVIRT_WORKER, 30000, 30000);   /* BeginJob waits */
    assert_int_equal(f->w.actors[ACTOR_LIBVIRT_WORKER].arg, 1);
    lv(f)->job = LV_JOB_MODIFY;
    sim_normalize(&f->sim, &f->w);
    assert_actor(f, ACTOR_LIBVIRT_WORKER, STEP_LIBVIRT_WORKER, 30000, 30000);
    lv(f)->job = LV_JOB_NONE;
    sim_normalize(&f->sim, &f->w);
    assert_actor(f, ACTOR_LIBVIRT_WORKER, STEP_LIBVIRT_WORKER, 0, 1);
    assert_int_equal(f->w.actors[ACTOR_LIBVIRT_WORKER].arg, 0);
    /* after a migration the domain runs elsewhere: the source's event is dropped */
    lv(f)->domain = 1;
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_has(f->line, "{\"who\":\"libvirt\",\"line\":\"Domain is not running\"}");
    assert_int_equal(lv(f)->nworker, 0);
    assert_int_equal(lv(f)->xml[0], 1u << 0);
}

/*
 * The job stays taken for 30 s: processDeviceDeletedEvent's BeginJob gives
 * up, the event is lost and the device stays in the live XML; the next
 * event waits 30 s of its own.
 */
static void test_worker_job_timeout(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=3\ndevice m cpu core1 core-id=1\n"
                "device m cpu core2 core-id=2\n");
    lv(f)->worker_q[lv(f)->nworker++] = (struct lv_deleted){ 0, 0 };
    lv(f)->worker_q[lv(f)->nworker++] = (struct lv_deleted){ 0, 1 };
    lv(f)->job = LV_JOB_MODIFY;
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_has(f->line, "\"op\":\"processDeviceDeletedEvent\",\"args\":{\"machine\":\"m\","
                        "\"id\":\"core1\"},\"result\":{\"error\":\"Timed out during operation: "
                        "cannot acquire state change lock\"}");
    assert_int_equal(lv(f)->xml[0], 3u);
    assert_int_equal(lv(f)->nworker, 1);
    assert_actor(f, ACTOR_LIBVIRT_WORKER, STEP_LIBVIRT_WORKER, 30000, 30000);
    lv(f)->job = LV_JOB_NONE;
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_int_equal(lv(f)->xml[0], 1u);
    assert_int_equal(lv(f)->nworker, 0);
}

/* The worker's wait for the job on machine m gives up while script 0 holds job. */
static void worker_times_out(struct fix *f, int m, uint8_t job)
{
    lv(f)->worker_q[lv(f)->nworker++] = (struct lv_deleted){ (uint8_t)m, 0 };
    lv(f)->job = job;
    lv(f)->job_owner = 0;
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_LIBVIRT_WORKER);
}

/*
 * The error names the holder's RPC handler: the peer-to-peer migration's
 * async job began in Perform3 on the source and in Prepare3 on the
 * destination; a DIMM's removal is detach-device. libvirt 3.x wrote
 * "(held by API)".
 */
static void test_job_timeout_names_holder(void **state)
{
    static const char *const base =
        "scenario lv\nmachine src cores=2 lmbs=4\nmachine dst like=src incoming=defer\n"
        "device src dimm d0 size=256M\n";
    struct fix *f = *state;
    char text[512];

    snprintf(text, sizeof(text), "%sscript a\ndo migrate src dst\n", base);
    fix_init(f, text);
    worker_times_out(f, 0, LV_JOB_MIGRATION);
    assert_has(f->line, "\"error\":\"Timed out during operation: cannot acquire state change "
                        "lock (held by monitor=remoteDispatchDomainMigratePerform3Params)\"");
    fix_reinit(f, text, NULL);
    worker_times_out(f, 1, LV_JOB_MIGRATION);
    assert_has(f->line, "(held by monitor=remoteDispatchDomainMigratePrepare3Params)\"");
    snprintf(text, sizeof(text), "%sscript a\ndo src device_del d0\n", base);
    fix_reinit(f, text, NULL);
    worker_times_out(f, 0, LV_JOB_MODIFY);
    assert_has(f->line, "(held by monitor=remoteDispatchDomainDetachDeviceFlags)\"");
    snprintf(text, sizeof(text), "%sknob libvirt.job-lock-error=held-by\n"
                                 "script a\ndo src device_del d0\n", base);
    fix_reinit(f, text, NULL);
    worker_times_out(f, 0, LV_JOB_MODIFY);
    assert_has(f->line, "\"error\":\"Timed out during operation: cannot acquire state change "
                        "lock (held by remoteDispatchDomainDetachDeviceFlags)\"");
}

/*
 * Two DEVICE_DELETED nobody waits for, core2's first: the single event
 * worker takes them in the order qemuProcessEventSubmit sent them.
 */
static void test_worker_fifo(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=3\ndevice m cpu core1 core-id=1\n"
                "device m cpu core2 core-id=2\n");
    assert_int_equal(lv(f)->xml[0], 3u);
    libvirt_qmp_event(&f->w, 0, QMP_DEVICE_DELETED, 1);
    libvirt_qmp_event(&f->w, 0, QMP_DEVICE_DELETED, 0);
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_LIBVIRT_EVENTS);
    fire(f, ACTOR_LIBVIRT_EVENTS);
    assert_int_equal(lv(f)->nevents, 0);
    assert_int_equal(lv(f)->nworker, 2);
    assert_int_equal(lv(f)->worker_q[0].dev, 1);
    assert_int_equal(lv(f)->worker_q[1].dev, 0);
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_has(f->line, "\"op\":\"processDeviceDeletedEvent\",\"args\":{\"machine\":\"m\","
                        "\"id\":\"core2\"}");
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_int_equal(lv(f)->nworker, 1);
    assert_int_equal(lv(f)->worker_q[0].dev, 0);
    assert_int_equal(lv(f)->worker_q[1].machine, 0);
    assert_int_equal(lv(f)->worker_q[1].dev, 0);
    fire(f, ACTOR_LIBVIRT_WORKER);
    assert_has(f->line, "\"op\":\"processDeviceDeletedEvent\",\"args\":{\"machine\":\"m\","
                        "\"id\":\"core1\"}");
    assert_int_equal(lv(f)->xml[0], 0);
    assert_int_equal(lv(f)->nworker, 0);
    assert_int_equal(f->w.actors[ACTOR_LIBVIRT_WORKER].kind, STEP_NONE);
}

/*
 * Script a's device_del holds the MODIFY job for up to 60 s (nothing answers);
 * script b's device_add waits for the job and gives up after 30 s, naming
 * the API of a's vCPU removal (virsh setvcpu).
 */
static void test_job_timeout(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=3\ndevice m cpu core1 core-id=1\n"
                "knob guest.hp-evt=off\nknob libvirt.unplug-timeout=60s\n"
                "script a\ndo m device_del core1\n"
                "script b\ndo m device_add cpu core2 core-id=2\n");
    assert_actor(f, ACTOR_SCRIPT0 + 1, STEP_SCRIPT_LINE, 0, WINDOW_NEVER);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(lv(f)->job, LV_JOB_MODIFY);
    assert_int_equal(lv(f)->job_owner, 0);
    assert_actor(f, ACTOR_SCRIPT0 + 1, STEP_SCRIPT_JOB_TIMEOUT, 30000, 30000);
    fire(f, ACTOR_GUEST_IRQ);
    fire_script(f, 1, STEP_SCRIPT_JOB_TIMEOUT);
    assert_int_equal(f->now, 30000);
    assert_has(f->line, "\"op\":\"device_add\",\"args\":{\"machine\":\"m\",\"script\":\"b\","
                        "\"driver\":\"cpu\",\"id\":\"core2\"},\"result\":{\"error\":"
                        "\"Timed out during operation: cannot acquire state change lock "
                        "(held by monitor=remoteDispatchDomainSetVcpu)\"}");
    assert_int_equal(f->w.scripts[1].status, SCRIPT_DONE);
    assert_int_equal(f->w.machines[0].devices[1].realized, 0);
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_int_equal(lv(f)->job, LV_JOB_MODIFY);              /* a still holds it */
    assert_int_equal(lv(f)->job_owner, 0);
    assert_actor(f, ACTOR_SCRIPT0, STEP_SCRIPT_TIMEOUT, 30000, 30000);
}

/*
 * echo 0 > cpuN/online waits for lock_device_hotplug, which the guest's
 * DLPAR CPU add holds from start to end.
 */
static void test_cpu_offline_waits_for_dlpar(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=3\ndevice m cpu core1 core-id=1\n"
                "script a\ndo m device_add cpu core2 core-id=2\n"
                "script b\ndo m guest cpu-offline 1\n");
    assert_actor(f, ACTOR_SCRIPT0 + 1, STEP_SCRIPT_LINE, 0, WINDOW_NEVER);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire(f, ACTOR_GUEST_IRQ);
    fire(f, ACTOR_GUEST_WORKER);
    assert_int_equal(f->w.guest.op.kind, DLPAR_CPU_ADD);
    assert_int_equal(f->w.actors[ACTOR_SCRIPT0 + 1].kind, STEP_NONE);
    guest_runs(f);
    assert_int_equal(f->w.guest.op.kind, DLPAR_NONE);
    assert_actor(f, ACTOR_SCRIPT0 + 1, STEP_SCRIPT_LINE, 0, WINDOW_NEVER);
    fire_script(f, 1, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"result\":{\"result\":\"offline\"}");
    assert_int_equal(f->w.guest.online, 1u << 0 | 1u << 2);
}

/* ---- a device libvirt has and QEMU has not ------------------------------------ */

/*
 * Script 1 detaches ID; script 0 only names the device. With `stale`,
 * libvirt's live XML still lists it (a DEVICE_DELETED its worker dropped),
 * and QEMU has never had it.
 */
static void detach_setup(struct fix *f, const char *add_line, const char *id, bool stale,
                         const char *knob)
{
    char text[320];

    snprintf(text, sizeof(text), "scenario lv\nmachine m cores=3 lmbs=4 pci-slots=4\n%s"
             "script b\ndo m %s\nscript a\ndo m device_del %s\n", knob, add_line, id);
    fix_reinit(f, text, NULL);
    if (stale) {
        lv(f)->xml[0] = 1u << 0;
        sim_normalize(&f->sim, &f->w);
    }
    fire_script(f, 1, STEP_SCRIPT_LINE);
}

/* The detach line has ended with libvirt's live XML as given: no waiter, no job. */
static void assert_detach_done(const struct fix *f, uint16_t xml)
{
    assert_int_equal(f->w.libvirt.xml[0], xml);
    assert_int_equal(f->w.libvirt.unplug_dev, 0);
    assert_int_equal(f->w.libvirt.job, LV_JOB_NONE);
    assert_int_equal(f->w.scripts[1].status, SCRIPT_DONE);
}

/* qemuDomainDetachDeviceLive: DeviceNotFound (-2) -> qemuDomainRemoveDevice at once. */
static void test_detach_missing_removed(void **state)
{
    struct fix *f = *state;

    detach_setup(f, "device_add dimm dimm0 size=512M", "dimm0", true, "");
    assert_has(f->line, "{\"who\":\"qmp@m\",\"line\":\"device_del dimm0 -> error: "
                        "Device 'dimm0' not found\"}");
    assert_has(f->line, "\"result\":{\"return\":\"removed\"}");
    assert_lacks(f->line, "\"error\":");
    assert_detach_done(f, 0);
    /* qemuDomainHotplugDelVcpu: the same, by qemuDomainRemoveVcpu */
    detach_setup(f, "device_add cpu core1 core-id=1", "core1", true, "");
    assert_has(f->line, "\"result\":{\"return\":\"removed\"}");
    assert_detach_done(f, 0);
}

/* libvirt 5.2 to 8.x claimed success on -2 and waited for DEVICE_DELETED. */
static void test_detach_missing_waits(void **state)
{
    struct fix *f = *state;

    detach_setup(f, "device_add dimm dimm0 size=512M", "dimm0", true,
                 "knob libvirt.detach-missing=wait\n");
    assert_has(f->line, "\"line\":\"device_del dimm0 -> error: Device 'dimm0' not found\"");
    assert_lacks(f->line, "\"result\":{\"");
    assert_int_equal(lv(f)->unplug_dev, 1);
    assert_actor(f, ACTOR_SCRIPT0 + 1, STEP_SCRIPT_TIMEOUT, 10000, 10000);
    fire_script(f, 1, STEP_SCRIPT_TIMEOUT);
    assert_has(f->line, "\"result\":{\"return\":\"timed out, device kept in the live XML\"}");
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    detach_setup(f, "device_add cpu core1 core-id=1", "core1", true,
                 "knob libvirt.detach-missing=wait\n");
    fire_script(f, 1, STEP_SCRIPT_TIMEOUT);
    assert_has(f->line, "\"result\":{\"error\":\"" VCPU_TIMEOUT "\"}");
    assert_int_equal(lv(f)->xml[0], 1u << 0);
}

/* libvirt 9.0 removes a DIMM on -2 but fails the vCPU; before 5.2, QEMU's error. */
static void test_detach_missing_fails(void **state)
{
    struct fix *f = *state;

    detach_setup(f, "device_add dimm dimm0 size=512M", "dimm0", true,
                 "knob libvirt.detach-missing=remove-device\n");
    assert_has(f->line, "\"result\":{\"return\":\"removed\"}");
    assert_int_equal(lv(f)->xml[0], 0);
    detach_setup(f, "device_add cpu core1 core-id=1", "core1", true,
                 "knob libvirt.detach-missing=remove-device\n");
    assert_has(f->line, "\"result\":{\"error\":\"An error occurred, but the cause is unknown\"}");
    assert_detach_done(f, 1u << 0);
    detach_setup(f, "device_add dimm dimm0 size=512M", "dimm0", true,
                 "knob libvirt.detach-missing=error\n");
    assert_has(f->line, "\"result\":{\"error\":\"internal error: unable to execute QEMU command "
                        "'device_del': Device 'dimm0' not found\"}");
    assert_detach_done(f, 1u << 0);
}

/*
 * Already in libvirt's live XML: an attach is refused before QEMU hears of it,
 * a vCPU by its id (another core of that core-id too), any other device by
 * its alias, a PCI device by its address (slot, function 0); and a DIMM that
 * the live XML's DIMMs leave no room for.
 */
static void test_attach_in_xml(void **state)
{
    static const struct { const char *scn, *result; uint16_t xml; } cases[] = {
        { "scenario lv\nmachine m cores=3 lmbs=4\ndo m device_add cpu core1 core-id=1\n"
          "do m device_add cpu core1 core-id=1\n",
          "\"result\":{\"error\":\"invalid argument: vcpu '1' is already in requested state\"}",
          1u << 0 },
        { "scenario lv\nmachine m cores=3 lmbs=4\ndevice m cpu core1 core-id=1\n"
          "do m device_add cpu other core-id=1\ndo m device_add cpu other core-id=1\n",
          "\"result\":{\"error\":\"invalid argument: vcpu '1' is already in requested state\"}",
          1u << 0 },
        { "scenario lv\nmachine m cores=3 lmbs=4\ndo m device_add dimm dimm0 size=512M\n"
          "do m device_add dimm dimm0 size=512M\n",
          "\"result\":{\"error\":\"unsupported configuration: non unique alias detected: "
          "ua-dimm0\"}", 1u << 0 },
        { "scenario lv\nmachine m cores=3 pci-slots=8\ndo m device_add pci net0 slot=7\n"
          "do m device_add pci net1 slot=7\n",
          "\"result\":{\"error\":\"XML error: Attempted double use of PCI Address "
          "0000:00:07.0\"}", 1u << 0 },
        { "scenario lv\nmachine m cores=3 lmbs=4\ndo m device_add dimm d0 size=512M\n"
          "do m device_add dimm d1 size=768M\n",   /* 1G + 1280M over maxMemory's 2G */
          "\"result\":{\"error\":\"unsupported configuration: Attaching memory device with "
          "size '786432' would exceed domain's maxMemory config size '2097152'\"}", 1u << 0 },
        { "scenario lv\nmachine m cores=3 lmbs=4 slots=1\ndo m device_add dimm d0 size=256M\n"
          "do m device_add dimm d1 size=768M\n",   /* the size fits exactly; the count does not */
          "\"result\":{\"error\":\"unsupported configuration: memory device count '2' exceeds "
          "slots count '1'\"}", 1u << 0 },
    };
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spapr_machine before;
        fix_reinit(f, cases[i].scn, NULL);
        if (lv(f)->xml[0] == 0)
            fire_script(f, 0, STEP_SCRIPT_LINE);   /* the first attach */
        assert_int_equal(lv(f)->xml[0], cases[i].xml);
        before = f->w.machines[0];
        fire_script(f, 0, STEP_SCRIPT_LINE);
        assert_has(f->line, cases[i].result);
        assert_lacks(f->line, "qmp@m");
        assert_int_equal(lv(f)->xml[0], cases[i].xml);
        assert_int_equal(f->w.machines[0].devices[1].realized, 0);
        assert_memory_equal(&f->w.machines[0], &before, sizeof(before));   /* QEMU untouched */
    }
}

/* Not in libvirt's live XML: refused before QEMU hears of it (VIR_ERR_DEVICE_MISSING). */
static void test_detach_not_in_xml(void **state)
{
    static const struct { const char *add, *id, *result; } cases[] = {
        { "device_add dimm dimm0 size=512M", "dimm0", "\"result\":{\"error\":\"device not "
          "found: model 'dimm' memory device not present in the domain configuration\"}" },
        { "device_add cpu core1 core-id=1", "core1",
          "\"result\":{\"error\":\"invalid argument: vcpu '1' is already in requested "
          "state\"}" },
        { "device_add pci net0 slot=3", "net0",   /* virDomainNetFindIdx by PCI address */
          "\"result\":{\"error\":\"device not found: no device found on 0000:00:03.0\"}" },
    };
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        detach_setup(f, cases[i].add, cases[i].id, false, "");
        assert_has(f->line, cases[i].result);
        assert_lacks(f->line, "qmp@m");
        assert_detach_done(f, 0);
    }
}

/*
 * A PHB is a <controller type='pci'>: libvirt hot(un)plugs SCSI controllers
 * only (qemuDomainAttachControllerDevice, qemuDomainDetachPrepController).
 * Both refusals come before QMP; a PCI device on PHB 0 goes on.
 */
static void test_phb_hotplug_refused(void **state)
{
    enum { PHB2, PHB1, NET0 };
    struct fix *f = *state;

    fix_reinit(f, "scenario lv\nmachine m cores=2 phbs=3 pci-slots=2\n"
               "device m phb phb2 index=2\n"
               "do m device_add phb phb1 index=1\ndo m device_del phb2\n"
               "do m device_add pci net0 slot=1\n", NULL);
    assert_int_equal(lv(f)->xml[0], 1u << PHB2);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"result\":{\"error\":\"Operation not supported: 'pci' controller "
                        "cannot be hot plugged.\"}");
    assert_lacks(f->line, "qmp@m");
    assert_int_equal(mach(f, 0)->devices[PHB1].realized, 0);
    assert_int_equal(mach(f, 0)->nr_events, 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"result\":{\"error\":\"Operation not supported: 'pci' controller "
                        "cannot be hot unplugged.\"}");
    assert_lacks(f->line, "qmp@m");
    assert_int_equal(mach(f, 0)->devices[PHB2].realized, 1);
    assert_int_equal(lv(f)->xml[0], 1u << PHB2);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"line\":\"device_add net0 -> ok\"");
    assert_int_equal(lv(f)->xml[0], 1u << PHB2 | 1u << NET0);
}

/* setvcpus over two cores QEMU no longer has: each removed at once, no wait. */
static void test_setvcpus_missing_cores(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine m cores=3\nscript b\ndo m device_add cpu core1 core-id=1\n"
                "do m device_add cpu core2 core-id=2\nscript a\ndo m setvcpus 1\n");
    lv(f)->xml[0] = 3;
    sim_normalize(&f->sim, &f->w);
    fire_script(f, 1, STEP_SCRIPT_LINE);
    assert_has(f->line, "device_del core2 -> error: Device 'core2' not found");
    assert_int_equal(lv(f)->xml[0], 1);
    assert_int_equal(f->w.scripts[1].status, SCRIPT_RUNNING);
    fire_script(f, 1, STEP_SCRIPT_LINE);
    assert_has(f->line, "device_del core1 -> error: Device 'core1' not found");
    assert_int_equal(lv(f)->xml[0], 0);
    fire_script(f, 1, STEP_SCRIPT_LINE);
    assert_int_equal(f->w.scripts[1].status, SCRIPT_DONE);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
}

/*
 * The script's first line is refused before QMP with that result: libvirt's XML
 * stays at xml, QEMU untouched, the job released, the script done.
 */
static void assert_refused_at_once(struct fix *f, const char *scn, uint32_t xml,
                                   const char *result)
{
    struct spapr_machine before;

    fix_reinit(f, scn, NULL);
    assert_int_equal(lv(f)->xml[0], xml);
    before = f->w.machines[0];
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, result);
    assert_lacks(f->line, "qmp@m");
    assert_int_equal(lv(f)->xml[0], xml);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
    assert_memory_equal(&f->w.machines[0], &before, sizeof(before));
}

/* A vCPU on -smp (hotpluggable=no): libvirt refuses its unplug before QMP
 * (qemuDomainHotplugDelVcpu, libvirt 9.0 as validate/recorded/ records it). */
static void test_smp_vcpu_not_hotunpluggable(void **state)
{
    assert_refused_at_once(*state, "scenario lv\nmachine m cores=3\n"
                           "device m cpu core1 core-id=1 hotpluggable=no\ndo m device_del core1\n",
                           1u << 0, "\"op\":\"device_del\",\"args\":{\"machine\":\"m\",\"id\":"
                           "\"core1\"},\"result\":{\"error\":\"Operation not supported: vcpu '1' "
                           "can't be unplugged\"}");
}

/* Fire the first fireable step that is no timeout until none is left; returns the trace. */
static const char *run_without_timeouts(struct fix *f)
{
    struct step st[ENGINE_MAX_STEPS];
    unsigned n, i;

    for (int k = 0; (n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS)) > 0; k++) {
        assert_true(k < 200);
        for (i = 0; i < n && (st[i].kind == STEP_SCRIPT_TIMEOUT ||
                              st[i].kind == STEP_SCRIPT_JOB_TIMEOUT); i++)
            ;
        if (i == n)
            break;
        engine_fire(&f->sim.model, &f->w, &st[i], f->tr, ++f->step_no, &f->now);
    }
    return trace_buffer(f->tr, NULL);
}

/* setvcpus 2 of 4 online, core1 on -smp: core3 and then core2 go; the count is reached above core1. */
static void test_setvcpus_passes_smp_vcpu(void **state)
{
    struct fix *f = *state;
    const char *all;

    fix_init(f, "scenario lv\nmachine m cores=4\ndevice m cpu core1 core-id=1 hotpluggable=no\n"
                "device m cpu core2 core-id=2\ndevice m cpu core3 core-id=3\n"
                "do m setvcpus 2\n");
    assert_int_equal(lv(f)->xml[0], 7);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"qmp@m\",\"line\":\"device_del core3 -> ok\"");
    assert_int_equal(lv(f)->unplug_dev, 3);
    all = run_without_timeouts(f);
    assert_has(all, "\"qmp@m\",\"line\":\"device_del core2 -> ok\"");
    assert_lacks(all, "device_del core1");
    assert_lacks(all, "\"error\"");
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_int_equal(f->w.machines[0].devices[0].realized, 1);
    assert_int_equal(f->w.machines[0].devices[1].realized, 0);
    assert_int_equal(f->w.machines[0].devices[2].realized, 0);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
}

/*
 * setvcpus 1 with core1 on -smp: qemuDomainSelectHotplugVcpuEntities finds
 * too few cores with an alias and fails before any device_del.
 */
static void test_setvcpus_unreachable(void **state)
{
    assert_refused_at_once(*state, "scenario lv\nmachine m cores=3\n"
                           "device m cpu core1 core-id=1 hotpluggable=no\n"
                           "device m cpu core2 core-id=2\ndo m setvcpus 1\n", 3,
                           "\"op\":\"setvcpus\",\"args\":{\"machine\":\"m\",\"count\":1},"
                           "\"result\":{\"error\":\"unsupported configuration: failed to find "
                           "appropriate hotpluggable vcpus to reach the desired target vcpu "
                           "count\"}");
}

/* ---- migration ---------------------------------------------------------------- */

static const char migrate_scn[] =
    "scenario lv\n"
    "machine src cores=2 lmbs=4\n"
    "machine dst like=src incoming=defer\n"
    "do src device_add cpu core1 core-id=1\n"
    "do src device_add dimm dimm0 size=512M\n"
    "do migrate src dst\n";

/* Begin and Prepare: the destination gets the DIMM by -device, the vCPU per knob. */
static void prepare(struct fix *f, uint8_t vcpu_hotplugged)
{
    const struct spapr_machine *d = &f->w.machines[1];
    int lmb = f->sim.m[1].lmb_first, cpu1 = f->sim.m[1].cpu_first + 1;

    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(lv(f)->xml[0], 3);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"op\":\"migrate\",\"args\":{\"machine\":\"src\",\"dst\":\"dst\","
                        "\"phase\":\"Begin\"}");
    assert_int_equal(lv(f)->job, LV_JOB_MIGRATION);
    assert_int_equal(lv(f)->mig_xml, 3);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"phase\":\"Prepare\"");
    assert_int_equal(d->runstate, RUN_STATE_INMIGRATE);
    assert_int_equal(d->devices[0].realized, 1);
    assert_int_equal(d->devices[0].hotplugged, vcpu_hotplugged);
    assert_int_equal(d->drcs[cpu1].state, LC);
    assert_int_equal(d->devices[1].realized, 1);
    assert_int_equal(d->devices[1].hotplugged, 0);
    assert_int_equal(d->devices[1].first_drc, lmb);
    assert_int_equal(d->drcs[lmb].state, LC);
    assert_int_equal(d->drcs[lmb].dev, 2);
    assert_int_equal(d->drcs[lmb + 1].state, LC);
    assert_int_equal(d->nr_events, 0);
    assert_int_equal(d->irq_latched, 0);
    assert_int_equal(lv(f)->xml[1], 3);
}

static void test_prepare_vcpu_device_add(void **state)
{
    struct fix *f = *state;

    fix_init(f, migrate_scn);
    prepare(f, 1);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Perform: QMP migrate */
    assert_has(f->line, "\"phase\":\"Perform\"");
    assert_int_equal(f->w.migration.status, MIGRATION_ACTIVE);
    assert_int_equal(f->w.actors[ACTOR_SCRIPT0].kind, STEP_NONE);     /* waits for it */
    assert_int_equal(f->w.actors[ACTOR_LIBVIRT_WORKER].kind, STEP_NONE);
    fire(f, ACTOR_MIGRATION);
    fire_script(f, 0, STEP_SCRIPT_WAKE);                      /* Finish with cont, Confirm */
    assert_has(f->line, "\"phase\":\"Finish+Confirm\"");
    assert_int_equal(f->w.machines[1].runstate, RUN_STATE_RUNNING);
    assert_int_equal(lv(f)->domain, 1);
    assert_int_equal(lv(f)->xml[0], 0);
    assert_int_equal(lv(f)->xml[1], 3);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
}

/* A vCPU on the source's -smp is on the destination's -smp too, whatever libvirt.dst-vcpus. */
static void test_prepare_smp_vcpu(void **state)
{
    struct fix *f = *state;
    const struct spapr_machine *d = &f->w.machines[1];

    fix_init(f, "scenario lv\nmachine src cores=2\nmachine dst like=src incoming=defer\n"
                "device src cpu core1 core-id=1 hotpluggable=no\ndo migrate src dst\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"phase\":\"Prepare\"");
    assert_lacks(f->line, "device_add");
    assert_int_equal(d->devices[0].realized, 1);
    assert_int_equal(d->devices[0].hotplugged, 0);
    assert_int_equal(d->drcs[f->sim.m[1].cpu_first + 1].state, LC);
    assert_int_equal(lv(f)->xml[1], 1);
}

/*
 * qemuProcessSetupHotpluggableVcpus: on a QEMU started with -S, libvirt
 * device_adds the hotpluggable vCPU after the reset, in PRELAUNCH: a hotplug,
 * the add event queued and the DRC left empty for CAS; the -smp one is coldplugged.
 */
static void test_start_vcpus_prelaunch(void **state)
{
    struct fix *f = *state;
    const struct spapr_machine *mw;
    int cpu;

    fix_init(f, "scenario lv\nmachine m cores=3 prelaunch\n"
                "device m cpu core1 core-id=1 hotpluggable=no\ndevice m cpu core2 core-id=2\n");
    mw = &f->w.machines[0];
    cpu = f->sim.m[0].cpu_first;
    assert_int_equal(libvirt_start_vcpus(&f->sim, 0), 1u << 1);
    assert_int_equal(mw->runstate, RUN_STATE_PRELAUNCH);
    assert_int_equal(mw->devices[0].hotplugged, 0);
    assert_int_equal(mw->drcs[cpu + 1].state, LC);
    assert_int_equal(mw->devices[1].realized, 1);
    assert_int_equal(mw->devices[1].hotplugged, 1);
    assert_int_equal(mw->drcs[cpu + 2].state, SPAPR_DRC_STATE_LOGICAL_UNUSABLE);
    assert_int_equal(mw->drcs[cpu + 2].dev, 2);
    assert_int_equal(mw->nr_events, 1);
    assert_int_equal(mw->events[0].action, RTAS_LOG_V6_HP_ACTION_ADD);
    assert_int_equal(mw->events[0].index, f->sim.m[0].drcs[cpu + 2].index);
    assert_int_equal(lv(f)->xml[0], 3);
}

/* A machine running at the start booted long ago, and libvirt.dst-vcpus=command-line puts
 * every vCPU on the command line: coldplugged, no event. */
static void test_start_vcpus_coldplugged(void **state)
{
    static const char *const texts[] = {
        "scenario lv\nmachine m cores=2\ndevice m cpu core1 core-id=1\n",
        "scenario lv\nmachine m cores=2 prelaunch\ndevice m cpu core1 core-id=1\n"
        "knob libvirt.dst-vcpus=command-line\n",
        "scenario lv\nmachine m cores=2 prelaunch guest=none\ndevice m cpu core1 core-id=1\n",
    };
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        fix_reinit(f, texts[i], NULL);
        assert_int_equal(libvirt_start_vcpus(&f->sim, 0), 0);
        assert_int_equal(f->w.machines[0].devices[0].hotplugged, 0);
        assert_int_equal(f->w.machines[0].drcs[f->sim.m[0].cpu_first + 1].state, LC);
        assert_int_equal(f->w.machines[0].nr_events, 0);
    }
}

/* On a destination (-incoming defer) the add is a coldplug since 94fd9cbaa3; before it
 * (qemu.inmigrate-coldplug=off) a hotplug whose event waits in the queue. */
static void test_start_vcpus_inmigrate(void **state)
{
    static const char text[] = "scenario lv\nmachine src cores=2\n"
                               "machine dst like=src incoming=defer\ndevice dst cpu core1 core-id=1\n";
    struct fix *f = *state;
    const struct spapr_machine *d;
    int slot;

    fix_reinit(f, text, NULL);
    d = &f->w.machines[1];
    slot = f->sim.m[1].cpu_first + 1;
    assert_int_equal(libvirt_start_vcpus(&f->sim, 1), 1);
    assert_int_equal(d->runstate, RUN_STATE_INMIGRATE);
    assert_int_equal(d->devices[0].hotplugged, 1);
    assert_int_equal(d->drcs[slot].state, LC);
    assert_int_equal(d->nr_events, 0);
    fix_reinit(f, text, "knob qemu.inmigrate-coldplug=off\n");
    d = &f->w.machines[1];
    assert_int_equal(d->drcs[slot].state, SPAPR_DRC_STATE_LOGICAL_UNUSABLE);
    assert_int_equal(d->nr_events, 1);
    assert_int_equal(d->events[0].index, f->sim.m[1].drcs[slot].index);
}

static void test_prepare_vcpu_command_line(void **state)
{
    struct fix *f = *state;
    char *text = g_strconcat(migrate_scn, "knob libvirt.dst-vcpus=command-line\n", NULL);

    fix_init(f, text);
    g_free(text);
    prepare(f, 0);
}

/*
 * A destination with fewer core slots has its LMB DRCs at other slots: the DIMM
 * keeps its address (addr=, DRC 0x80000004), not its slot; where the
 * destination's range lacks that address, QEMU's error names it.
 */
static void test_prepare_dimm_address(void **state)
{
    static const char *const dsts[] = { "cores=1 lmbs=4", "cores=1 lmbs=4 ram=2G" };
    struct fix *f = *state;
    char text[256];

    for (size_t i = 0; i < 2; i++) {
        snprintf(text, sizeof(text), "scenario lv\nmachine src cores=3 lmbs=4\n"
                 "machine dst %s incoming=defer\ndo src device_add dimm dimm0 size=512M\n"
                 "do migrate src dst\n", dsts[i]);
        fix_reinit(f, text, NULL);
        fire_script(f, 0, STEP_SCRIPT_LINE);
        assert_int_equal(f->w.machines[0].devices[0].first_drc, f->sim.m[0].lmb_first);
        fire_script(f, 0, STEP_SCRIPT_LINE);                  /* Begin */
        fire_script(f, 0, STEP_SCRIPT_LINE);                  /* Prepare */
        if (i == 1) {   /* device memory from 2 GiB: 1 GiB is boot RAM there */
            assert_has(f->line, "\"result\":{\"error\":\"can't add memory device "
                                "[0x40000000:0x20000000], usable range for memory devices "
                                "[0x80000000:0x40000000]\"}");
            assert_int_equal(f->w.machines[1].devices[0].realized, 0);
            continue;
        }
        assert_int_equal(f->w.machines[1].devices[0].first_drc, f->sim.m[1].lmb_first);
        assert_int_equal(drc_at(f, 1, 0x80000004)->dev, 1);
        assert_int_equal(drc_at(f, 1, 0x80000005)->dev, 1);
    }
}

/*
 * The destination has no core-id 2: its device_add in Prepare fails, so the
 * migration job ends there with QEMU's error and the source runs on.
 */
static void test_prepare_fails(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine src cores=3\nmachine dst cores=2 incoming=defer\n"
                "do src device_add cpu core2 core-id=2\ndo migrate src dst\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare */
    assert_has(f->line, "\"phase\":\"Prepare\"},\"result\":{\"error\":\"internal error: unable "
                        "to execute QEMU command 'device_add': core id 2 out of range\"}");
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(lv(f)->xml[1], 0);
    assert_int_equal(lv(f)->domain, 0);
    assert_int_equal(lv(f)->gone, 1u << 1);                   /* the destination QEMU is killed */
    assert_int_equal(f->w.migration.status, MIGRATION_NONE);
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_RUNNING);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
}

/* A POWER8-compat guest, POWER8 host to POWER9 host, as before ce03a193e1 (QEMU 4.2),
 * whose cpu_post_load returned -1; vCPU 1 on both -smp, the destination has a core-id 2
 * the source lacks. */
#define P8_TO_P9_MACHINES                                                            \
    "scenario lv\nmachine src cores=2 host=power8 max-cpu-compat=power8 prelaunch\n" \
    "machine dst cores=3 host=power9 max-cpu-compat=power8 incoming=defer\n"         \
    "knob qemu.compat-all-on-reset=off\nknob qemu.cpu-post-load-errno=EPERM\n"
#define P8_TO_P9 P8_TO_P9_MACHINES                                                   \
    "device src cpu core1 core-id=1 hotpluggable=no\n"                               \
    "device dst cpu core1 core-id=1 hotpluggable=no\n"

/*
 * The destination rejects the stream (vCPU 1's raw POWER8 PVR, before
 * ce03a193e1, migrated before the boot's reset) and its QEMU exits: the
 * job fails, the destination's domain is gone, the source stays as it was.
 */
static void test_load_fails(void **state)
{
    struct fix *f = *state;

    fix_init(f, P8_TO_P9 "do migrate src dst\n");
    for (int phase = 0; phase < 3; phase++)                   /* Begin, Prepare, Perform */
        fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(lv(f)->xml[1], 1u << 0);
    fire(f, ACTOR_MIGRATION);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_has(f->line, "\"line\":\"error while loading state for instance 0x1 of device 'cpu'\"},"
                        "{\"who\":\"qemu\",\"line\":\"load of migration failed: Operation not "
                        "permitted\"}");
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_has(f->line, "\"result\":{\"error\":\"operation failed: migration job: "
                        "unexpectedly failed\"}");
    assert_int_equal(lv(f)->xml[1], 0);
    assert_int_equal(lv(f)->xml[0], 1u << 0);
    assert_int_equal(lv(f)->domain, 0);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(lv(f)->gone, 1u << 1);                   /* its QEMU exited */
    assert_int_equal(lv(f)->defined, 1u << 0);
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PRELAUNCH);
}

/*
 * The same with vCPU 1 hotpluggable: libvirt device_adds it in PRELAUNCH, after
 * the reset gave CPU0 its compat PVR, and a hotplugged core takes CPU0's
 * (spapr_core_plug, b1e8156743): the stream loads on the POWER9 host.
 */
static void test_prelaunch_vcpu_has_compat(void **state)
{
    struct fix *f = *state;

    fix_init(f, P8_TO_P9_MACHINES "device src cpu core1 core-id=1\ndo migrate src dst\n");
    assert_int_equal(f->w.machines[0].devices[0].hotplugged, 1);
    assert_int_equal(f->w.machines[0].vcpu_compat, 3);
    for (int phase = 0; phase < 3; phase++)                   /* Begin, Prepare, Perform */
        fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(f->w.machines[1].devices[0].hotplugged, 1);   /* Prepare's device_add */
    fire(f, ACTOR_MIGRATION);
    assert_int_equal(f->w.migration.status, MIGRATION_COMPLETED);
    assert_int_equal(f->w.machines[1].vcpu_compat, 3);
}

static const char retry_scn[] =
    P8_TO_P9
    "script a\ndo migrate src dst\ndo dst device_add cpu core2 core-id=2\n"
    "do src cont\ndo migrate src dst\n";

/*
 * After the failed load the destination's transient domain is gone: a
 * live change there fails the lookup. A second attempt after the boot gets
 * a new destination QEMU, and fails the same way: CAS changes no vCPU's
 * compat PVR when the boot CPU already has the one it picks (QEMU 4.1.1).
 */
static void test_retry_after_load_failure(void **state)
{
    struct fix *f = *state;
    const struct spapr_machine *d = &f->w.machines[1];

    fix_init(f, retry_scn);
    for (int phase = 0; phase < 3; phase++)                   /* Begin, Prepare, Perform */
        fire_script(f, 0, STEP_SCRIPT_LINE);
    fire(f, ACTOR_MIGRATION);
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_int_equal(lv(f)->gone, 1u << 1);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"result\":{\"error\":\"Domain not found: no domain with matching "
                        "name 'lv'\"}");
    assert_int_equal(d->devices[1].realized, 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* cont */
    for (int n = 0; f->w.actors[ACTOR_GUEST_BOOT].kind; n++) {  /* firmware, CAS, initcall */
        assert_true(n < 10);
        fire(f, ACTOR_GUEST_BOOT);
    }
    assert_int_equal(f->w.machines[0].vcpu_compat, 1);       /* vCPU 1 still raw */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare */
    assert_has(f->line, "\"destination\":\"a new QEMU process\"");
    assert_int_equal(lv(f)->gone, 0);
    assert_int_equal(d->runstate, RUN_STATE_INMIGRATE);
    assert_int_equal(d->migration, MIGRATION_NONE);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Perform */
    fire(f, ACTOR_MIGRATION);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_has(f->line, "\"line\":\"error while loading state for instance 0x1 of device 'cpu'\"");
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_has(f->line, "\"result\":{\"error\":\"operation failed: migration job: "
                        "unexpectedly failed\"}");
    assert_int_equal(lv(f)->domain, 0);
    assert_int_equal(lv(f)->gone, 1u << 1);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
}

/* After Confirm the source host's domain is inactive: libvirt refuses live changes there. */
static void test_source_gone_after_confirm(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario lv\nmachine src cores=2\nmachine dst like=src incoming=defer\n"
                "do migrate src dst\ndo src device_add cpu core1 core-id=1\n");
    for (int phase = 0; phase < 3; phase++)                   /* Begin, Prepare, Perform */
        fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_int_equal(lv(f)->gone, 0);
    fire(f, ACTOR_MIGRATION);
    fire_script(f, 0, STEP_SCRIPT_WAKE);                      /* Finish with cont, Confirm */
    assert_int_equal(lv(f)->gone, 1u << 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"op\":\"device_add\",\"args\":{\"machine\":\"src\","
                        "\"driver\":\"cpu\",\"id\":\"core1\"},\"result\":{\"error\":"
                        "\"Requested operation is not valid: domain is not running\"}");
    assert_int_equal(f->w.machines[0].devices[0].realized, 0);
    assert_int_equal(f->w.machines[0].nr_events, 0);
    assert_int_equal(lv(f)->xml[0], 0);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
    assert_int_equal(f->w.scripts[0].status, SCRIPT_DONE);
}

static const char suspend_scn[] =
    "scenario lv\nmachine src cores=2\nmachine dst like=src incoming=defer\n"
    "script a\ndo migrate src dst\n"
    "script b\ndo src stop\n"
    "script c\ndo src cont\n"
    "script d\ndo dst stop\n";

/* Perform, the switchover, Finish+Confirm; the destination's run state after. */
static void migration_ends(struct fix *f, uint8_t dst_runstate)
{
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Perform */
    fire(f, ACTOR_MIGRATION);
    fire_script(f, 0, STEP_SCRIPT_WAKE);                      /* Finish, Confirm */
    assert_int_equal(f->w.machines[1].runstate, dst_runstate);
    assert_int_equal(lv(f)->domain, 1);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
}

/*
 * The outgoing migration's job admits VIR_JOB_SUSPEND: `virsh suspend` of
 * the source runs inside it; resume and anything on the destination wait.
 * A suspend after Prepare does not reach the destination, which Finish resumes.
 */
static void test_suspend_during_migration(void **state)
{
    struct fix *f = *state;

    fix_init(f, suspend_scn);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare */
    assert_int_equal(lv(f)->mig_paused, 0);
    assert_actor(f, ACTOR_SCRIPT0 + 1, STEP_SCRIPT_LINE, 0, WINDOW_NEVER);
    assert_actor(f, ACTOR_SCRIPT0 + 2, STEP_SCRIPT_JOB_TIMEOUT, 30000, 30000);
    assert_actor(f, ACTOR_SCRIPT0 + 3, STEP_SCRIPT_JOB_TIMEOUT, 30000, 30000);
    fire_script(f, 1, STEP_SCRIPT_LINE);
    assert_has(f->line, "\"op\":\"stop\",\"args\":{\"machine\":\"src\",\"script\":\"b\"}");
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PAUSED);
    assert_int_equal(lv(f)->job, LV_JOB_MIGRATION);           /* the migration keeps its job */
    assert_int_equal(lv(f)->job_owner, 0);
    assert_int_equal(f->w.scripts[1].status, SCRIPT_DONE);
    migration_ends(f, RUN_STATE_RUNNING);
}

/* Paused right before Prepare: VIR_MIGRATE_PAUSED, the destination stays paused. */
static void test_suspend_before_prepare(void **state)
{
    struct fix *f = *state;

    fix_init(f, suspend_scn);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    fire_script(f, 1, STEP_SCRIPT_LINE);                      /* virsh suspend */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare */
    assert_int_equal(lv(f)->mig_paused, 1);
    migration_ends(f, RUN_STATE_PAUSED);
}

/* The destination has no core-id 2: Prepare fails; a second client suspends the source. */
static const char prepare_fails_scn[] =
    "scenario lv\nmachine src cores=3\nmachine dst cores=2 incoming=defer\n"
    "script a\ndo src device_add cpu core2 core-id=2\ndo migrate src dst\n"
    "script b\ndo src stop\n";

/*
 * A Prepare that fails after a suspend inside the job: the source was
 * running at Begin, so qemuMigrationSrcRestoreDomainState starts it again.
 */
static void test_prepare_fails_resumes_suspended(void **state)
{
    struct fix *f = *state;

    fix_init(f, prepare_fails_scn);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    assert_int_equal(lv(f)->mig_was_running, 1);
    fire_script(f, 1, STEP_SCRIPT_LINE);                      /* virsh suspend */
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PAUSED);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare fails */
    assert_has(f->line, "\"result\":{\"error\":\"internal error: unable to execute QEMU "
                        "command 'device_add': core id 2 out of range\"}");
    assert_has(f->line, "{\"who\":\"libvirt\",\"line\":\"Restoring pre-migration state due "
                        "to migration error\"}");
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_RUNNING);
    assert_int_equal(lv(f)->job, LV_JOB_NONE);
}

/* Suspended before Begin: preMigrationState is PAUSED, the failure leaves it paused. */
static void test_prepare_fails_keeps_paused(void **state)
{
    struct fix *f = *state;

    fix_init(f, prepare_fails_scn);
    fire_script(f, 0, STEP_SCRIPT_LINE);
    fire_script(f, 1, STEP_SCRIPT_LINE);                      /* virsh suspend */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    assert_int_equal(lv(f)->mig_was_running, 0);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare fails */
    assert_lacks(f->line, "Restoring pre-migration state");
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PAUSED);
}

/*
 * The destination refuses the stream after a suspend inside the job: QEMU
 * leaves the source paused (it was paused at the switchover), and libvirt's
 * cancelled Confirm starts it again. The destination's domain is gone.
 */
static void test_load_fails_resumes_suspended(void **state)
{
    struct fix *f = *state;

    fix_init(f, P8_TO_P9 "script a\ndo src cont\ndo migrate src dst\nscript b\ndo src stop\n");
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* cont: firmware starts */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Begin */
    fire_script(f, 1, STEP_SCRIPT_LINE);                      /* virsh suspend */
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Prepare */
    assert_int_equal(lv(f)->mig_paused, 1);
    fire_script(f, 0, STEP_SCRIPT_LINE);                      /* Perform */
    fire(f, ACTOR_MIGRATION);
    assert_int_equal(f->w.migration.status, MIGRATION_FAILED);
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_PAUSED);
    fire_script(f, 0, STEP_SCRIPT_WAKE);
    assert_has(f->line, "\"result\":{\"error\":\"operation failed: migration job: "
                        "unexpectedly failed\"}");
    assert_has(f->line, "Restoring pre-migration state due to migration error");
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_RUNNING);
    assert_int_equal(lv(f)->xml[1], 0);
    assert_int_equal(lv(f)->domain, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_vcpu_unplug_timeout),
        T(test_dimm_detach_timeout),
        T(test_deleted_while_waiting),
        T(test_rejected_while_waiting),
        T(test_rejected_then_deleted),
        T(test_deleted_nobody_waiting),
        T(test_failed_report_cleared_by_new_del),
        T(test_worker_needs_job),
        T(test_worker_job_timeout),
        T(test_worker_fifo),
        T(test_job_timeout),
        T(test_job_timeout_names_holder),
        T(test_cpu_offline_waits_for_dlpar),
        T(test_detach_missing_removed),
        T(test_detach_missing_waits),
        T(test_detach_missing_fails),
        T(test_detach_not_in_xml),
        T(test_attach_in_xml),
        T(test_phb_hotplug_refused),
        T(test_setvcpus_missing_cores),
        T(test_smp_vcpu_not_hotunpluggable),
        T(test_setvcpus_passes_smp_vcpu),
        T(test_setvcpus_unreachable),
        T(test_prepare_vcpu_device_add),
        T(test_prepare_smp_vcpu),
        T(test_start_vcpus_prelaunch),
        T(test_start_vcpus_coldplugged),
        T(test_start_vcpus_inmigrate),
        T(test_prepare_vcpu_command_line),
        T(test_prepare_dimm_address),
        T(test_prepare_fails),
        T(test_load_fails),
        T(test_prelaunch_vcpu_has_compat),
        T(test_retry_after_load_failure),
        T(test_source_gone_after_confirm),
        T(test_suspend_during_migration),
        T(test_suspend_before_prepare),
        T(test_prepare_fails_resumes_suspended),
        T(test_prepare_fails_keeps_paused),
        T(test_load_fails_resumes_suspended),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
