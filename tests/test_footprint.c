/*
 * Unit tests for the models' footprints (sim/models/footprint.c): what a
 * script line, a guest DLPAR sub-step and the interrupt handler declare,
 * a blocked script's gate and what it walks past, the guest's inputs, and
 * the world diffs sim_changed maps to objects.
 */
#include "step_fixture.h"
#include "footprint.h"
#include "guest_os.h"

static const char *const two_cores =
    "scenario t\n"
    "machine src cores=3\n"
    "machine dst like=src incoming=defer\n"
    "script c1\n"
    "do src device_add cpu core1 core-id=1\n"
    "script c2\n"
    "do src device_add cpu core2 core-id=2\n"
    "script mig\n"
    "wait src guest-online core1\n"
    "wait src guest-online core2\n"
    "do migrate src dst\n";

static const struct step *find_step(struct fix *f, uint8_t actor, struct step *st)
{
    unsigned n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS);

    for (unsigned i = 0; i < n; i++)
        if (st[i].actor == actor)
            return &st[i];
    fail_msg("actor %u has no fireable step", actor);
    return NULL;
}

static void test_device_add_line(void **state)
{
    struct fix *f = *state;
    struct step st[ENGINE_MAX_STEPS];
    struct footprint fp;
    int core1, core2;

    fix_init(f, two_cores);
    core1 = f->sim.m[0].cpu_first + 1;
    core2 = f->sim.m[0].cpu_first + 2;
    sim_footprint(&f->sim, &f->w, find_step(f, ACTOR_SCRIPT0, st), &fp);
    assert_true(fp_has(&fp.wr, OBJ_DRC(0, core1)));
    assert_true(fp_has(&fp.wr, OBJ_MQ(0)));
    assert_true(fp_has(&fp.wr, OBJ_LV_JOB));
    assert_true(fp_has(&fp.wr, OBJ_SCRIPT(0)));
    assert_false(fp_has(&fp.rd, OBJ_DRC(0, core2)));
    assert_false(fp_has(&fp.rd, OBJ_DRC(1, core1)));
    assert_false(fp_has(&fp.rd, OBJ_GUEST_CORE(1)));
    assert_false(fp_has(&fp.wr, OBJ_MRUN(0)));     /* it reads the runstate, never sets it */
    assert_true(fp_has(&fp.rd, OBJ_MRUN(0)));
}

/* What the step really changed lies inside what it declared. */
static void test_changed_within_declared(void **state)
{
    struct fix *f = *state;
    struct step st[ENGINE_MAX_STEPS];
    struct footprint fp;
    struct fp_set changed;
    struct world before;
    const struct step *s;

    fix_init(f, two_cores);
    before = f->w;
    s = find_step(f, ACTOR_SCRIPT0, st);
    sim_footprint(&f->sim, &f->w, s, &fp);
    fire(f, ACTOR_SCRIPT0);
    sim_changed(&f->sim, &before, &f->w, &changed);
    assert_true(fp_has(&changed, OBJ_DRC(0, f->sim.m[0].cpu_first + 1)));   /* attached */
    assert_true(fp_has(&changed, OBJ_MQ(0)));        /* the hotplug event, the IRQ pulse */
    assert_true(fp_has(&changed, OBJ_SCRIPT(0)));
    for (int k = 0; k < FP_WORDS; k++)
        assert_int_equal(changed.w[k] & ~fp.wr.w[k], 0);
}

/* The interrupt handler adds at the tail; the worker takes the head. */
static void test_irq_and_worker(void **state)
{
    struct fix *f = *state;
    struct step st[ENGINE_MAX_STEPS];
    struct footprint irq, worker;
    struct fp_set changed;
    struct world before;

    fix_init(f, two_cores);
    fire(f, ACTOR_SCRIPT0);
    sim_footprint(&f->sim, &f->w, find_step(f, ACTOR_GUEST_IRQ, st), &irq);
    assert_true(fp_has(&irq.wr, OBJ_GUEST_WQ_TAIL));
    assert_true(fp_has(&irq.wr, OBJ_MQ_UNLATCH(0)));
    assert_false(fp_has(&irq.rd, OBJ_GUEST_WQ_HEAD));
    before = f->w;
    fire(f, ACTOR_GUEST_IRQ);
    sim_changed(&f->sim, &before, &f->w, &changed);
    assert_true(fp_has(&changed, OBJ_GUEST_WQ_TAIL));
    assert_true(fp_has(&changed, OBJ_MQ_UNLATCH(0)));
    assert_false(fp_has(&changed, OBJ_GUEST_WQ_HEAD));
    sim_footprint(&f->sim, &f->w, find_step(f, ACTOR_GUEST_WORKER, st), &worker);
    assert_true(fp_has(&worker.wr, OBJ_GUEST_WQ_HEAD));
    assert_true(fp_has(&worker.wr, OBJ_DRC(0, f->sim.m[0].cpu_first + 1)));
    assert_true(fp_has(&worker.wr, OBJ_GUEST_CORE(1)));
    assert_false(fp_has(&worker.rd, OBJ_GUEST_WQ_TAIL));
    assert_false(fp_has(&worker.rd, OBJ_MQ(0)));
    assert_false(fp_has(&worker.rd, OBJ_DRC(0, f->sim.m[0].cpu_first + 2)));
}

/* A script blocked at a wait: its lines past the wait lie behind the gate. */
static void test_script_gate(void **state)
{
    struct fix *f = *state;
    struct actor_future fu;

    fix_init(f, two_cores);
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0 + 2, &fu);
    assert_true(fp_has(&fu.gate, OBJ_GUEST_CORE(1)));
    assert_true(fp_has(&fu.inputs, OBJ_GUEST_CORE(1)));
    assert_true(fp_has(&fu.far.wr, OBJ_ANY));          /* the migration touches everything */
    assert_false(fp_has(&fu.all.wr, OBJ_ANY));
    assert_false(fp_has(&fu.all.rd, OBJ_DRC(0, f->sim.m[0].cpu_first + 1)));
    assert_int_equal(fu.min_lo, WINDOW_NEVER);      /* the wait has no timeout */
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0, &fu);  /* a device_add under a libvirt job */
    assert_int_equal(fu.min_lo, 30000);             /* it may wait for the job 30 s */
    assert_true(fp_has(&fu.inputs, OBJ_LV_JOB));
}

/* A wait that already holds is walked past: the script stops at the next one. */
static void test_script_past_holding_wait(void **state)
{
    struct fix *f = *state;
    struct actor_future fu;

    fix_init(f, two_cores);
    f->w.guest.machine = 0;
    f->w.guest.online |= 1u << 1;                      /* core1 online: the first wait holds */
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0 + 2, &fu);
    assert_true(fp_has(&fu.inputs, OBJ_GUEST_CORE(1)));  /* its pending step: the wake */
    assert_false(fp_has(&fu.inputs, OBJ_GUEST_CORE(2)));
    assert_true(fp_has(&fu.gate, OBJ_GUEST_CORE(2)));
    assert_false(fp_has(&fu.gate, OBJ_GUEST_CORE(1)));
    assert_true(fp_has(&fu.far.wr, OBJ_ANY));
    assert_false(fp_has(&fu.all.wr, OBJ_ANY));
    f->w.guest.online |= 1u << 2;                      /* both hold: the migration is near */
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0 + 2, &fu);
    assert_true(fp_has(&fu.all.wr, OBJ_ANY));
    assert_true(fp_has(&fu.far.wr, OBJ_ANY));          /* far covers all */
    for (int k = 0; k < FP_WORDS; k++)
        assert_int_equal(fu.gate.w[k], 0);             /* no wait left ahead: no gate */
}

/* A migrate line in Finish+Confirm: only its remaining phases, which never set the status. */
static void test_script_line_under_way(void **state)
{
    struct fix *f = *state;
    struct actor_future fu;

    fix_init(f, two_cores);
    f->w.scripts[2].pc = 2;
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0 + 2, &fu);
    assert_true(fp_has(&fu.all.wr, OBJ_MIGRATION));
    f->w.scripts[2].phase = 3;
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0 + 2, &fu);
    assert_false(fp_has(&fu.all.wr, OBJ_MIGRATION));
    assert_true(fp_has(&fu.all.wr, OBJ_ANY));
    f->w.scripts[2].status = SCRIPT_DONE;              /* done: only its position */
    fu = *sim_future(&f->sim, &f->w, ACTOR_SCRIPT0 + 2, &fu);
    assert_true(fp_has(&fu.inputs, OBJ_SCRIPT(2)));
    assert_true(fp_has(&fu.all.rd, OBJ_SCRIPT(2)));
    assert_false(fp_has(&fu.all.wr, OBJ_SCRIPT(2)));
    assert_int_equal(fu.min_lo, WINDOW_NEVER);
}

/* The waiter of a device_del under libvirt wakes: libvirt's bits, never the DRC. */
static void test_device_del_waker(void **state)
{
    struct fix *f = *state;
    struct step st = { .actor = ACTOR_SCRIPT0 };
    struct footprint fp;
    int core1;

    fix_init(f, "scenario t\nmachine src cores=3\nscript c\n"
                "do src device_add cpu core1 core-id=1\ndo src device_del core1\n");
    core1 = f->sim.m[0].cpu_first + 1;
    f->w.scripts[0].pc = 1;
    sim_footprint(&f->sim, &f->w, &st, &fp);
    assert_true(fp_has(&fp.wr, OBJ_DRC(0, core1)));
    f->w.scripts[0].phase = 1;
    sim_footprint(&f->sim, &f->w, &st, &fp);
    assert_false(fp_has(&fp.wr, OBJ_DRC(0, core1)));
    assert_false(fp_has(&fp.rd, OBJ_DRC(0, core1)));
    assert_true(fp_has(&fp.wr, OBJ_LV_UNPLUG));
    assert_true(fp_has(&fp.wr, OBJ_SCRIPT(0)));
    assert_true(fp_has(&fp.wr, OBJ_ABORT(1)));     /* an event overflow aborts any machine */
}

/* rtasd waits on the queue only while the latch is free; the worker on the tail only when idle. */
static void test_guest_inputs(void **state)
{
    struct fix *f = *state;
    struct actor_future fu;

    fix_init(f, two_cores);
    f->w.guest.machine = 1;
    f->w.machines[1].irq_latched = 0;
    fu = *sim_future(&f->sim, &f->w, ACTOR_GUEST_RTASD, &fu);
    assert_true(fp_has(&fu.inputs, OBJ_MQ(1)));
    assert_true(fp_has(&fu.all.rd, OBJ_MQ(1)));
    assert_true(fp_has(&fu.inputs, OBJ_MRUN(1)));
    assert_false(fp_has(&fu.inputs, OBJ_MRUN(0)));
    f->w.machines[1].irq_latched = 1;
    fu = *sim_future(&f->sim, &f->w, ACTOR_GUEST_RTASD, &fu);
    assert_false(fp_has(&fu.inputs, OBJ_MQ(1)));
    assert_true(fp_has(&fu.inputs, OBJ_MQ_UNLATCH(1)));
    f->w.guest.nwork = 0;
    f->w.guest.op.kind = DLPAR_NONE;
    fu = *sim_future(&f->sim, &f->w, ACTOR_GUEST_WORKER, &fu);
    assert_true(fp_has(&fu.inputs, OBJ_GUEST_WQ_TAIL));
    f->w.guest.nwork = 1;
    fu = *sim_future(&f->sim, &f->w, ACTOR_GUEST_WORKER, &fu);
    assert_false(fp_has(&fu.inputs, OBJ_GUEST_WQ_TAIL));
    assert_true(fp_has(&fu.inputs, OBJ_GUEST_WQ_HEAD));
}

/* The worker's future with these knob lines: its smallest lo > 0 among its steps. */
static uint32_t worker_min_lo(struct fix *f, const char *knobs)
{
    struct actor_future fu;

    sim_free(&f->sim);
    trace_free(f->tr);
    fix_init_extra(f, two_cores, knobs);
    fu = *sim_future(&f->sim, &f->w, ACTOR_GUEST_WORKER, &fu);
    return fu.min_lo;
}

/* The worker's timed steps: none with guest.step from 0; an LMB offline's lo if that is not 0. */
static void test_worker_min_lo(void **state)
{
    struct fix *f = *state;

    fix_init(f, two_cores);
    assert_int_equal(worker_min_lo(f, ""), WINDOW_NEVER);
    assert_int_equal(worker_min_lo(f, "knob guest.lmb-offline=0-20s\n"), WINDOW_NEVER);
    assert_int_equal(worker_min_lo(f, "knob guest.lmb-offline=1-20s\n"), 1000);
    assert_int_equal(worker_min_lo(f, "knob guest.lmb-offline=1-20s\nknob guest.step=5-50ms\n"), 5);
}

/* far covers all (engine.h) for every actor, with the step each world had, along a run. */
static void test_far_covers_all(void **state)
{
    struct fix *f = *state;
    struct step st[ENGINE_MAX_STEPS];
    int checked = 0;

    fix_init(f, two_cores);
    for (int i = 0; i < 60; i++) {
        unsigned n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS);
        for (unsigned a = 0; a < ACTOR_COUNT; a++) {
            struct actor_future fu;
            fu = *sim_future(&f->sim, &f->w, a, &fu);
            for (int k = 0; k < FP_WORDS; k++) {
                assert_int_equal(fu.all.rd.w[k] & ~fu.far.rd.w[k], 0);
                assert_int_equal(fu.all.wr.w[k] & ~fu.far.wr.w[k], 0);
            }
            checked++;
        }
        if (!n)
            break;
        fire(f, st[n - 1].actor);   /* the guest's and QEMU's first: the scripts block at waits */
    }
    assert_true(checked > 20 * ACTOR_COUNT);
}

/* Where the scripts play the guest, its actors have no future. */
static void test_no_guest(void **state)
{
    struct fix *f = *state;
    struct actor_future fu;

    fix_init(f, "scenario t\nmachine m cores=2 guest=script\n");
    assert_true(sim_guest_machine(&f->sim, &f->w) < 0);
    for (unsigned a = ACTOR_GUEST_BOOT; a <= ACTOR_GUEST_RTASD; a++) {
        fu = *sim_future(&f->sim, &f->w, a, &fu);
        for (int k = 0; k < FP_WORDS; k++)
            assert_int_equal(fu.all.rd.w[k] | fu.all.wr.w[k] | fu.inputs.w[k], 0);
        assert_int_equal(fu.min_lo, WINDOW_NEVER);
    }
}

static void test_object_names(void **state)
{
    struct fix *f = *state;
    char buf[96];

    fix_init(f, two_cores);
    assert_string_equal(footprint_object_name(&f->sim, OBJ_DRC(0, f->sim.m[0].cpu_first + 1),
                                              buf, sizeof(buf)), "DRC src/0x10000001");
    assert_string_equal(footprint_object_name(&f->sim, OBJ_MQ(1), buf, sizeof(buf)),
                        "dst pending events");
    assert_string_equal(footprint_object_name(&f->sim, OBJ_GUEST_WQ_TAIL, buf, sizeof(buf)),
                        "guest work queue tail");
    assert_string_equal(footprint_object_name(&f->sim, OBJ_SCRIPT(2), buf, sizeof(buf)),
                        "script 2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_device_add_line, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_changed_within_declared, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_irq_and_worker, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_script_gate, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_script_past_holding_wait, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_script_line_under_way, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_device_del_waker, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_guest_inputs, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_worker_min_lo, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_far_covers_all, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_no_guest, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_object_names, fix_setup, fix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
