/*
 * Unit tests for the script actors' wait conditions (sim/models/script.h):
 * script_event_emitted and script_wait_holds on hand-made worlds, and
 * `wait quiescent` waking every waiter at once through script_pending.
 */
#include "testutil.h"
#include <string.h>
#include "script.h"
#include "step_fixture.h"

static void test_event_emitted(void **state)
{
    struct spapr_machine mw;

    (void)state;
    memset(&mw, 0, sizeof(mw));
    assert_false(script_event_emitted(&mw, QMP_DEVICE_DELETED, SCN_NO_DEVICE));
    mw.deleted = 1u << 3;
    assert_true(script_event_emitted(&mw, QMP_DEVICE_DELETED, 3));
    assert_false(script_event_emitted(&mw, QMP_DEVICE_DELETED, 2));
    assert_true(script_event_emitted(&mw, QMP_DEVICE_DELETED, SCN_NO_DEVICE));
    assert_false(script_event_emitted(&mw, QMP_DEVICE_UNPLUG_GUEST_ERROR, 3));
    mw.unplug_guest_error = 1u << 1;
    assert_true(script_event_emitted(&mw, QMP_DEVICE_UNPLUG_GUEST_ERROR, 1));
    assert_false(script_event_emitted(&mw, QMP_MEM_UNPLUG_ERROR, SCN_NO_DEVICE));
    mw.mem_unplug_error = 1u << 0;
    assert_true(script_event_emitted(&mw, QMP_MEM_UNPLUG_ERROR, 0));
}

static void test_wait_holds(void **state)
{
    static struct world w;
    struct scn_line l = { .kind = LINE_WAIT, .machine = 1 };

    (void)state;
    memset(&w, 0, sizeof(w));
    l.action = WAIT_GUEST_ONLINE;
    l.cores = 0x6;
    w.guest.machine = 0;
    w.guest.online = 0x7;
    assert_false(script_wait_holds(NULL, &w, &l));   /* online, but on the other machine */
    w.guest.machine = 1;
    assert_true(script_wait_holds(NULL, &w, &l));
    w.guest.online = 0x3;
    assert_false(script_wait_holds(NULL, &w, &l));
    w.guest.machine = 0xff;                          /* no guest */
    w.guest.online = 0x7;
    assert_false(script_wait_holds(NULL, &w, &l));

    l.action = WAIT_EVENT;
    l.event = QMP_DEVICE_DELETED;
    l.device = 2;
    w.machines[0].deleted = 1u << 2;
    assert_false(script_wait_holds(NULL, &w, &l));   /* emitted by the other machine */
    w.machines[1].deleted = 1u << 2;
    assert_true(script_wait_holds(NULL, &w, &l));

    l.action = WAIT_MIGRATED;
    w.migration.status = MIGRATION_ACTIVE;
    assert_false(script_wait_holds(NULL, &w, &l));
    w.migration.status = MIGRATION_COMPLETED;
    assert_true(script_wait_holds(NULL, &w, &l));

    l.action = WAIT_QUIESCENT;                       /* settled by script_pending */
    assert_false(script_wait_holds(NULL, &w, &l));
}

/*
 * Two scripts at `wait quiescent` in a settled world: both may wake, in
 * either order; a wake is no activity for the other waiter, but the line
 * the woken script runs next is, and the other's wake goes until it is done.
 */
static void test_quiescent_waiters_wake_together(void **state)
{
    struct fix *f = *state;
    const struct actor *a = &f->w.actors[ACTOR_SCRIPT0], *b = &f->w.actors[ACTOR_SCRIPT0 + 1];
    struct step wake;

    fix_init(f, "scenario t\nmachine src cores=4\n"
                "script a\nwait src quiescent\ndo src device_add cpu core1 core-id=1\n"
                "script b\nwait src quiescent\ndo src device_add cpu core2 core-id=2\n");
    assert_int_equal(a->kind, STEP_SCRIPT_WAKE);
    assert_int_equal(b->kind, STEP_SCRIPT_WAKE);
    assert_int_equal(b->arg, a->arg);
    wake = (struct step){ .actor = ACTOR_SCRIPT0 + 1, .kind = b->kind, .arg = b->arg };
    assert_false(sim_holds_off_quiescence(&f->sim, &wake));
    fire(f, ACTOR_SCRIPT0 + 1);   /* b first: the scheduler's choice */
    assert_int_equal(f->w.scripts[1].pc, 1);
    assert_int_equal(b->kind, STEP_SCRIPT_LINE);
    assert_int_equal(a->kind, 0);   /* b's device_add is pending: not quiescent for a */
    wake.kind = STEP_SCRIPT_LINE;
    wake.arg = 0;
    assert_true(sim_holds_off_quiescence(&f->sim, &wake));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_emitted),
        cmocka_unit_test(test_wait_holds),
        cmocka_unit_test_setup_teardown(test_quiescent_waiters_wake_together, fix_setup,
                                        fix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
