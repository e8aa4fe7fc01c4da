/*
 * Unit tests for trace validation (sim/validate.c, validate_search.c): the
 * projection of real lines onto observables, and inclusion of an observed
 * sequence in the model (all of it, up to a model at rest), with the exact
 * divergence reported when the model cannot produce it.
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
    validate_inclusion(&off->sim, q.obs, q.n, QUIET_MS, &inc);
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
    validate_inclusion(&f->sim, q.obs, q.n, QUIET_MS, &inc);
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
    validate_inclusion(&f->sim, q.obs, cut, QUIET_MS, &inc);
    assert_false(inc.admitted);
    assert_int_equal(inc.matched, cut);
    assert_has(inc.divergence, "after 7 of 7 observables, the model produces "
                               "\"spapr_drc_set_allocation_state 0x80000005 1\", which the real run "
                               "never shows");
    /* watched for no longer than the guest's next DLPAR sub-step may take (guest.step
     * 0-50ms), the run may have ended before it */
    validate_inclusion(&f->sim, q.obs, cut, 50, &inc);
    assert_true(inc.admitted);
    validate_inclusion(&f->sim, q.obs, cut, 51, &inc);
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_replayed_add_observables),
        T(test_replay_diverges_without_knob),
        T(test_replay_admitted_with_knob),
        T(test_run_ending_early_diverges),
        T(test_real_guest_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
