/*
 * Unit tests for trace validation (sim/validate.c, validate_search.c): the
 * projection of real lines onto observables, and inclusion of an observed
 * sequence in the model (all of it, up to a model at rest, or up to a crash
 * the model reproduces), with the exact divergence reported when it cannot.
 */
#include "step_fixture.h"
#include <string.h>
#include <glib.h>
#include "validate.h"

#define MAX_OBS 128
#define QUIET_MS 2000   /* the real driver watches a run 2 s after its script */

/* One DIMM hot-plugged on a guest with one vCPU (validate/del-before-migrate's start). */
static const char dimm_scn[] =
    "scenario v\n"
    "machine m cores=4 lmbs=8\n"
    "do m device_add dimm dimm1 size=512M\n";

struct seq {
    struct observation obs[MAX_OBS];
    unsigned n;
};

static void observe(struct fix *f, struct seq *q)
{
    q->n += model_observations(&f->sim, f->line, q->obs + q->n, MAX_OBS - q->n);
}

/* The guest stream of q, one line per observable, "|"-separated. */
static void guest_lines(const struct seq *q, char *out, size_t len)
{
    out[0] = 0;
    for (unsigned i = 0; i < q->n; i++)
        if (q->obs[i].stream == OBS_GUEST) {
            g_strlcat(out, q->obs[i].text, len);
            g_strlcat(out, "|", len);
        }
}

/*
 * What a reference run under QEMU 7.2 logged once: rtasd's event-scan
 * re-pulsed the source before the interrupt was taken, the second delivery
 * found nothing, and the guest handled the DIMM's add again.
 */
static void replayed_dimm_add(struct fix *f, struct seq *q)
{
    fix_init_extra(f, dimm_scn, "knob guest.rtas-lock-wait=on\n");
    fire(f, 0);                                  /* device_add dimm1 */
    observe(f, q);
    fire(f, ACTOR_GUEST_RTASD);                  /* event-scan: Q set */
    fire(f, ACTOR_GUEST_IRQ);                    /* the event */
    fire(f, ACTOR_GUEST_IRQ);                    /* rc 1: ras_log_buf again */
    for (int i = 0; f->w.actors[ACTOR_GUEST_WORKER].kind; i++) {
        assert_true(i < 100);
        fire(f, ACTOR_GUEST_WORKER);
        observe(f, q);
    }
}

static void test_replayed_add_observables(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    char lines[1024];

    replayed_dimm_add(f, &q);
    guest_lines(&q, lines, sizeof(lines));
    assert_string_equal(lines, "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004|"
                               "pseries-hotplug-mem: Memory at 40000000 (drc index 80000004) was hot-added|"
                               "pseries-hotplug-mem: Memory at 50000000 (drc index 80000005) was hot-added|"
                               "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004|");
    assert_int_equal(f->w.guest.dlpar_errors, 0);
}

/* The upstream model (knob off) cannot produce the second attempt. */
static void test_replay_diverges_without_knob(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    struct inclusion inc;
    struct fix *off = g_new0(struct fix, 1);

    replayed_dimm_add(f, &q);
    fix_init(off, dimm_scn);
    validate_inclusion(&off->sim, q.obs, q.n, QUIET_MS, false, &inc);
    assert_false(inc.admitted);
    assert_int_equal(inc.total, q.n);
    assert_int_equal(inc.matched, q.n - 1);
    assert_has(inc.divergence, "the model stops while real QEMU still shows "
                               "\"pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004\"");
    fix_teardown((void **)&off);
}

static void test_replay_admitted_with_knob(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    struct inclusion inc;

    replayed_dimm_add(f, &q);
    validate_inclusion(&f->sim, q.obs, q.n, QUIET_MS, false, &inc);
    assert_true(inc.admitted);
    assert_int_equal(inc.matched, q.n);
    assert_string_equal(inc.divergence, "");
}

/*
 * A real run that ended before a line the model must still show is not one of
 * its behaviours: after the first LMB is configured the model does not rest,
 * it goes on to take the second, within guest.step.
 */
static void test_run_ending_early_diverges(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    struct inclusion inc;
    unsigned cut;

    replayed_dimm_add(f, &q);
    for (cut = 0; cut < q.n && strcmp(q.obs[cut].text, "spapr_drc_set_configured 0x80000004"); cut++)
        ;
    assert_true(++cut < q.n);
    validate_inclusion(&f->sim, q.obs, cut, QUIET_MS, false, &inc);
    assert_false(inc.admitted);
    assert_int_equal(inc.matched, cut);
    assert_has(inc.divergence, "after 7 of 7 observables, the model produces "
                               "\"spapr_drc_set_allocation_state 0x80000005 1\", which the real run "
                               "never shows");
    /* watched for no longer than the guest's next DLPAR sub-step may take (guest.step
     * 0-50ms), the run may have ended before it */
    validate_inclusion(&f->sim, q.obs, cut, 50, false, &inc);
    assert_true(inc.admitted);
    validate_inclusion(&f->sim, q.obs, cut, 51, false, &inc);
    assert_false(inc.admitted);
}

/* A real console line: the timestamp and prefix are the driver's to strip. */
static void test_real_guest_line(void **state)
{
    struct fix *f = *state;
    struct observation o;

    fix_init(f, dimm_scn);
    assert_true(real_observation(&f->sim, "m", "guest",
                                 "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004", &o));
    assert_int_equal(o.stream, OBS_GUEST);
    assert_int_equal(o.machine, 0);
    assert_string_equal(o.text, "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004");
    assert_false(real_observation(&f->sim, "m", "guest", "random: crng init done", &o));
    assert_true(real_observation(&f->sim, "m", "guest",
                                 "RTAS: event: 2, Type: Hotplug Event (229), Severity: 1", &o));
    assert_string_equal(o.text, "RTAS: event: 2, Type: Hotplug Event (229), Severity: 1");
    assert_false(real_observation(&f->sim, "nosuch", "guest",
                                  "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004", &o));
}

/* validate/del-before-migrate-cpu: a core unplugged on the source, then migrated. */
static const char unplug_migrate_scn[] =
    "scenario v\n"
    "machine src cores=4 lmbs=8\n"
    "machine dst like=src incoming=defer\n"
    "do src device_add cpu core1 core-id=1\n"
    "wait src guest-online core1 timeout=30s\n"
    "do src device_del core1\n"
    "do migrate src dst\n";

/* Fire the first fireable step until none is left; q gets every observable, crashes too. */
static void run_first_steps(struct fix *f, struct seq *q)
{
    struct step st[ENGINE_MAX_STEPS];
    unsigned n;

    while ((n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS)) > 0 &&
           !mach(f, 0)->abort_reason) {
        struct world before = f->w;
        assert_true(f->step_no < 200);
        fire(f, st[0].actor);
        unsigned k = model_observations(&f->sim, f->line, q->obs + q->n, MAX_OBS - q->n);
        q->n += model_crash_observations(&before, &f->w, f->scn.nmachines, q->obs + q->n, k,
                                         MAX_OBS - q->n);
    }
}

/* The model's abort is an observable of its own, once, on the machine that aborted. */
static void test_model_crash_observable(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    struct world w0 = { 0 }, w1 = { 0 };

    fix_init_extra(f, unplug_migrate_scn, "knob qemu.tcg-stale-vcpu=on\n");
    run_first_steps(f, &q);
    assert_int_equal(mach(f, 0)->abort_reason, QEMU_ABORT_TCG_STALE_VCPU);
    assert_true(q.n > 1);
    assert_int_equal(q.obs[q.n - 1].stream, OBS_CRASH);
    assert_int_equal(q.obs[q.n - 1].machine, 0);
    assert_string_equal(q.obs[q.n - 1].text, OBS_CRASH_TEXT);
    for (unsigned i = 0; i + 1 < q.n; i++)
        assert_int_not_equal(q.obs[i].stream, OBS_CRASH);
    /* a model bound is no crash of QEMU's; an abort already reported is not again */
    w1.machines[1].abort_reason = QEMU_ABORT_EVENT_OVERFLOW;
    assert_int_equal(model_crash_observations(&w0, &w1, 2, q.obs, 0, MAX_OBS), 0);
    w0.machines[1].abort_reason = w1.machines[1].abort_reason = QEMU_ABORT_DRC_ATTACH;
    assert_int_equal(model_crash_observations(&w0, &w1, 2, q.obs, 0, MAX_OBS), 0);
}

/*
 * A real run that ended with QEMU killed is admitted when the model crashes at
 * that point (no quiet time, scripts unfinished: the driver stopped there);
 * without qemu.tcg-stale-vcpu the model has no such crash. And a run that went
 * on without one is not admitted where the model must crash.
 */
static void test_run_ending_in_crash(void **state)
{
    struct fix *f = *state;
    struct fix *off = g_new0(struct fix, 1);
    struct seq q = { .n = 0 };
    struct inclusion inc;

    fix_init_extra(f, unplug_migrate_scn, "knob qemu.tcg-stale-vcpu=on\n");
    run_first_steps(f, &q);
    validate_inclusion(&f->sim, q.obs, q.n, QUIET_MS, true, &inc);
    assert_true(inc.admitted);
    fix_init(off, unplug_migrate_scn);
    validate_inclusion(&off->sim, q.obs, q.n, QUIET_MS, true, &inc);
    assert_false(inc.admitted);
    assert_int_equal(inc.matched, q.n - 1);
    /* without the crash the model migrates */
    assert_has(inc.divergence, "the model produces \"migrate src dst -> completed\", which the real "
                               "run never shows");
    validate_inclusion(&f->sim, q.obs, q.n - 1, QUIET_MS, false, &inc);
    assert_false(inc.admitted);
    assert_has(inc.divergence, "the model produces \"" OBS_CRASH_TEXT "\", which the real run never shows");
    fix_teardown((void **)&off);
}

/* QEMU dies in the DIMM's device_add: that command has no reply, on either side. */
static void test_crash_in_command_has_no_reply(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    struct observation o;

    fix_init_extra(f, "scenario v\nmachine m cores=2 lmbs=4\n"
                      "do m device_add cpu core1 core-id=1\n"
                      "wait m guest-online core1 timeout=30s\n"
                      "do m device_del core1\n"
                      "wait m event DEVICE_DELETED core1 timeout=10s\n"
                      "do m device_add dimm dimm0 size=256M\n", "knob qemu.tcg-stale-vcpu=on\n");
    run_first_steps(f, &q);
    assert_int_equal(mach(f, 0)->abort_reason, QEMU_ABORT_TCG_STALE_VCPU);
    assert_int_equal(q.obs[q.n - 1].stream, OBS_CRASH);
    unsigned replies = 0;
    for (unsigned i = 0; i < q.n; i++) {   /* the core's commands replied, the DIMM's not */
        assert_false(g_str_has_prefix(q.obs[i].text, "device_add dimm0"));
        replies += q.obs[i].stream == OBS_QMP;
    }
    assert_int_equal(replies, 2);
    assert_false(real_observation(&f->sim, "m", "qmp", "device_add dimm0 -> error: no reply (qemu "
                                  "killed by signal 11 (Segmentation fault))", &o));
    assert_true(real_observation(&f->sim, "m", "qmp", "device_add dimm0 -> ok", &o));
}

/* Only a QEMU killed by a signal is a crash; an exit or a hang leaves the run invalid. */
static void test_real_death(void **state)
{
    struct fix *f = *state;
    struct observation o;

    fix_init(f, unplug_migrate_scn);
    assert_true(real_observation(&f->sim, "src", "death", "qemu killed by signal 11 (Segmentation "
                                 "fault); console: [    1.595320] pseries-hotplug-cpu: ...", &o));
    assert_int_equal(o.stream, OBS_CRASH);
    assert_int_equal(o.machine, 0);
    assert_string_equal(o.text, OBS_CRASH_TEXT);
    assert_true(real_observation(&f->sim, "dst", "death", "qemu killed by signal 6 (Aborted)", &o));
    assert_int_equal(o.machine, 1);
    assert_false(real_observation(&f->sim, "dst", "death", "qemu exited with status 1: load of "
                                  "migration failed: Invalid argument", &o));
    assert_false(real_observation(&f->sim, "src", "death", "hang: no QMP reply to migrate within 30 s", &o));
}

/* validate/p8-p9-compat-migration: vCPU 1 on -smp, POWER8 host to POWER9 host. */
static const char p8_p9_scn[] =
    "scenario v\n"
    "machine src cores=2 host=power8 max-cpu-compat=power8 prelaunch\n"
    "machine dst cores=2 host=power9 max-cpu-compat=power8 incoming=defer\n"
    "device src cpu core1 core-id=1 hotpluggable=no\n"
    "device dst cpu core1 core-id=1 hotpluggable=no\n"
    "do src cont\n"
    "do migrate src dst\n";

/* The one OBS_MIGRATION of q, which must hold exactly one. */
static const struct observation *migration_of(const struct seq *q)
{
    const struct observation *found = NULL;

    for (unsigned i = 0; i < q->n; i++)
        if (q->obs[i].stream == OBS_MIGRATION) {
            assert_null(found);
            found = &q->obs[i];
        }
    assert_non_null(found);
    return found;
}

/*
 * How a migration ended is an observable of the source, as the driver writes
 * query-migrate's final status; a run whose real migration completed is not
 * one where the model's destination refuses vCPU 1's raw PVR (QEMU 4.1.1).
 */
static void test_migration_outcome(void **state)
{
    struct fix *f = *state;
    struct fix *bug = g_new0(struct fix, 1);
    struct seq q = { .n = 0 }, qb = { .n = 0 };
    struct observation o;
    struct inclusion inc;

    fix_init(f, p8_p9_scn);
    run_first_steps(f, &q);
    assert_int_equal(migration_of(&q)->machine, 0);
    assert_string_equal(migration_of(&q)->text, "migrate src dst -> completed");
    fix_init_extra(bug, p8_p9_scn, "knob qemu.reset-order=devices-first\n"
                                   "knob qemu.compat-all-on-reset=off\n");
    run_first_steps(bug, &qb);
    assert_string_equal(migration_of(&qb)->text, "migrate src dst -> failed");

    assert_true(real_observation(&f->sim, "src", "step", "migrate src dst -> completed", &o));
    assert_int_equal(o.stream, OBS_MIGRATION);
    assert_int_equal(o.machine, 0);
    assert_string_equal(o.text, "migrate src dst -> completed");
    assert_false(real_observation(&f->sim, "src", "step", "migrate src dst -> machine gone", &o));
    assert_false(real_observation(&f->sim, "dst", "step", "wait guest-online core1 -> holds", &o));

    validate_inclusion(&f->sim, &o, 1, QUIET_MS, false, &inc);
    assert_true(inc.admitted);
    validate_inclusion(&bug->sim, &o, 1, QUIET_MS, false, &inc);
    assert_false(inc.admitted);
    assert_has(inc.divergence, "real QEMU shows \"migrate src dst -> completed\" where the model "
                               "allows \"migrate src dst -> failed\"");
    fix_teardown((void **)&bug);
}

/*
 * A DIMM unplug whose block's offline outlasts libvirt's wait (one real run:
 * 42 s). The real run's last observable is the guest's "Attempting to
 * hot-remove" line; then the script's wait times out (10 s, silent) and the
 * driver watches on. The silent timeout counts against the time watched:
 * what is left must fit what is left of the offline (up to 30 s from the
 * line), after which the block's isolate would show. So the model admits up
 * to 30 s of quiet, not 20.
 */
static void test_quiet_after_silent_steps(void **state)
{
    struct fix *f = *state;
    struct seq q = { .n = 0 };
    struct step st[ENGINE_MAX_STEPS];
    struct inclusion inc;

    fix_init_extra(f, "scenario v\nmachine m cores=2 lmbs=8\ndevice m dimm dimm0 size=256M\n"
                      "do m device_del dimm0\n"
                      "wait m event DEVICE_DELETED dimm0 timeout=10s\n",
                   "knob guest.lmb-offline=0-30s\n");
    while (q.n == 0 || q.obs[q.n - 1].stream != OBS_GUEST) {   /* up to the guest's line */
        assert_true(engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS) > 0);
        fire(f, st[0].actor);
        observe(f, &q);
    }
    assert_string_equal(q.obs[q.n - 1].text,
                        "pseries-hotplug-mem: Attempting to hot-remove 1 LMB(s) at 80000004");
    validate_inclusion(&f->sim, q.obs, q.n, 25000, false, &inc);   /* the wait's 10 s + 15 s */
    assert_true(inc.admitted);
    validate_inclusion(&f->sim, q.obs, q.n, 29000, false, &inc);
    assert_true(inc.admitted);
    validate_inclusion(&f->sim, q.obs, q.n, 31000, false, &inc);   /* past the offline's 30 s */
    assert_false(inc.admitted);
    assert_has(inc.divergence, "the model produces \"spapr_drc_set_isolation_state 0x80000004 0\"");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_replayed_add_observables),
        T(test_replay_diverges_without_knob),
        T(test_replay_admitted_with_knob),
        T(test_run_ending_early_diverges),
        T(test_real_guest_line),
        T(test_model_crash_observable),
        T(test_run_ending_in_crash),
        T(test_crash_in_command_has_no_reply),
        T(test_real_death),
        T(test_migration_outcome),
        T(test_quiet_after_silent_steps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
