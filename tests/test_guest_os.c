/*
 * Unit tests for the Linux guest model (sim/models/guest_os.c, guest_dlpar*.c):
 * boot, ras_hotplug_interrupt, and the exact RTAS sequence of each DLPAR
 * operation, one worker step at a time, checked against ref/guest-libvirt.md
 * A.2-A.10 in the JSONL trace and in the world's fields.
 */
#include "step_fixture.h"
#include <string.h>
#include <glib.h>
#include "engine.h"
#include "guest_os.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"
#include "trace.h"

#define UN SPAPR_DRC_STATE_LOGICAL_UNUSABLE
#define AV SPAPR_DRC_STATE_LOGICAL_AVAILABLE
#define LI SPAPR_DRC_STATE_LOGICAL_UNISOLATE
#define LC SPAPR_DRC_STATE_LOGICAL_CONFIGURED

#define CPU1_INDEX 0x10000001u
#define CPU1_SLOT  1                    /* DRC slots: CPUs first, core 0 at 0 */
#define LMB0_INDEX 0x80000004u
#define LMB1_INDEX 0x80000005u
enum { CORE1, DIMM0 };                  /* device numbers, in order of mention */

static const char base_scn[] =
    "scenario g\n"
    "machine m cores=2 lmbs=8\n"
    "do m device_add cpu core1 core-id=1\n"
    "do m device_add dimm dimm0 size=512M\n";

/* ---- fixture: step_fixture.h ---------------------------------------------- */

static struct step_ctx ctx(struct fix *f)
{
    return (struct step_ctx){ .s = &f->sim, .w = &f->w };
}

static bool worker_pending(const struct fix *f)
{
    return f->w.actors[ACTOR_GUEST_WORKER].kind == STEP_GUEST_WORK;
}

/* QMP on machine m, then re-arm the actors as a step would. */
static void device_add(struct fix *f, uint8_t dev)
{
    assert_true(qmp_device_add(&f->sim, &f->w, 0, dev, NULL, f->err, sizeof(f->err)));
    sim_normalize(&f->sim, &f->w);
}

static void device_del(struct fix *f, uint8_t dev)
{
    assert_true(qmp_device_del(&f->sim, &f->w, 0, dev, NULL, f->err, sizeof(f->err)));
    sim_normalize(&f->sim, &f->w);
}

/* The interrupt actor's next step is kind, and it dequeues event. */
static void irq_dequeues(struct fix *f, uint8_t kind, const char *op_args, const char *event)
{
    char want[192];

    fire(f, ACTOR_GUEST_IRQ);
    assert_int_equal(f->kind, kind);
    snprintf(want, sizeof(want), "%s,\"result\":{\"rc\":0,\"event\":\"%s\"}", op_args, event);
    assert_has(f->line, want);
}

/* The guest takes the hotplug interrupt: the event goes onto pseries_hp_wq. */
static void take_irq_left(struct fix *f, const char *event, uint8_t left)
{
    assert_int_equal(f->w.machines[0].irq_latched, 1);
    irq_dequeues(f, STEP_GUEST_IRQ, "\"op\":\"ras_hotplug_interrupt\",\"args\":{}", event);
    assert_int_equal(f->w.machines[0].irq_latched, left ? 1 : 0);
    assert_int_equal(f->w.machines[0].nr_events, left);
    assert_int_equal(f->w.guest.in_irq, 0);
    assert_int_equal(f->w.guest.nwork, 1);
}

static void take_irq(struct fix *f, const char *event)
{
    take_irq_left(f, event, 0);
}

/* One worker step that must be exactly this call with this result. */
struct call {
    const char *op;
    const char *args;      /* the whole args object, without braces */
    const char *result;    /* the result object, without braces (prefix) */
    uint8_t state;         /* the DRC's state after the call */
};

static void worker_call(struct fix *f, uint32_t index, const struct call *c)
{
    char want[512];

    fire(f, ACTOR_GUEST_WORKER);
    assert_int_equal(f->kind, STEP_GUEST_WORK);
    snprintf(want, sizeof(want), "\"actor\":\"guest@m\",\"op\":\"%s\",\"args\":{%s},"
             "\"result\":{%s", c->op, c->args, c->result);
    assert_has(f->line, want);
    assert_int_equal(drc(f, 0, index)->state, c->state);
}

#define SENSE(fn, idx) "\"fn\":\"" fn "\",\"type\":\"dr-entity-sense\",\"index\":\"" idx "\""
#define SET(fn, type, idx, v) \
    "\"fn\":\"" fn "\",\"type\":\"" type "\",\"index\":\"" idx "\",\"value\":\"" v "\""
#define CC(idx) "\"fn\":\"dlpar_configure_connector\",\"index\":\"" idx "\""
/* dlpar_unisolate_drc's two calls on a DRC that stays in state st: sensor PRESENT, UNISOLATE. */
#define UNISOLATE_HINT(idx, st)                                                               \
    { "get-sensor-state", SENSE("dlpar_unisolate_drc", idx), "\"rc\":0,\"value\":1}", st },  \
    { "set-indicator", SET("dlpar_unisolate_drc", "isolation-state", idx, "unisolate"),       \
      "\"rc\":0}", st }

/* dlpar_acquire_drc's calls [from, to): sensor UNUSABLE, USABLE, UNISOLATE. */
static void acquire_calls_part(struct fix *f, uint32_t index, const char *idx, int from, int to)
{
    char a[3][192];
    struct call c[3] = {
        { "get-sensor-state", a[0], "\"rc\":0,\"value\":2}", UN },
        { "set-indicator", a[1], "\"rc\":0}", AV },
        { "set-indicator", a[2], "\"rc\":0}", LI },
    };

    snprintf(a[0], sizeof(a[0]), SENSE("dlpar_acquire_drc", "%s"), idx);
    snprintf(a[1], sizeof(a[1]), SET("dlpar_acquire_drc", "allocation-state", "%s", "usable"), idx);
    snprintf(a[2], sizeof(a[2]), SET("dlpar_acquire_drc", "isolation-state", "%s", "unisolate"),
             idx);
    for (int i = from; i < to; i++)
        worker_call(f, index, &c[i]);
}

static void acquire_calls(struct fix *f, uint32_t index, const char *idx)
{
    acquire_calls_part(f, index, idx, 0, 3);
}

/* dlpar_release_drc: sensor PRESENT, ISOLATE -> AVAILABLE, UNUSABLE -> UNUSABLE. */
static void release_calls(struct fix *f, uint32_t index, const char *idx)
{
    char a[3][192];
    struct call c[3] = {
        { "get-sensor-state", a[0], "\"rc\":0,\"value\":1}", LC },
        { "set-indicator", a[1], "\"rc\":0}", AV },
        { "set-indicator", a[2], "\"rc\":0}", UN },
    };

    snprintf(a[0], sizeof(a[0]), SENSE("dlpar_release_drc", "%s"), idx);
    snprintf(a[1], sizeof(a[1]), SET("dlpar_release_drc", "isolation-state", "%s", "isolate"), idx);
    snprintf(a[2], sizeof(a[2]), SET("dlpar_release_drc", "allocation-state", "%s", "unusable"),
             idx);
    for (int i = 0; i < 3; i++)
        worker_call(f, index, &c[i]);
}

/* ---- boot ----------------------------------------------------------------- */

/* A machine that runs from the start has a booted guest (scenario start). */
static void test_boot_initial(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    assert_int_equal(f->w.guest.machine, 0);
    assert_int_equal(sim_guest_machine(&f->sim, &f->w), 0);
    assert_int_equal(sim_drc_by_index(&f->sim, 0, CPU1_INDEX), CPU1_SLOT);
    assert_int_equal(f->w.guest.phase, GUEST_RUNNING);
    assert_int_equal(f->w.guest.cpus, 1);
    assert_int_equal(f->w.guest.online, 1);
    assert_int_equal(f->w.guest.lmbs, 0);
    assert_int_equal(f->w.guest.nwork, 0);
    assert_int_equal(f->w.guest.op.kind, DLPAR_NONE);
    assert_int_equal(f->w.machines[0].ov5_cas & OV5_CAS_HP_EVT, OV5_CAS_HP_EVT);
    assert_int_equal(f->w.machines[0].runstate, RUN_STATE_RUNNING);
    for (int a = ACTOR_GUEST_BOOT; a <= ACTOR_GUEST_RTASD; a++)
        assert_int_equal(f->w.actors[a].kind, STEP_NONE);
}

/* prelaunch: cont, then firmware's CAS, then the late initcall. */
static void test_boot_steps(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario g\nmachine m cores=2 lmbs=8 prelaunch\n"
                "device m cpu core1 core-id=1\n");
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].kind, STEP_NONE);   /* vCPUs stopped */
    assert_true(qmp_cont(&f->sim, &f->w, 0, f->err, sizeof(f->err)));
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].kind, STEP_GUEST_CAS);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].lo, 0);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].hi, 50);
    fire(f, ACTOR_GUEST_BOOT);
    assert_has(f->line, "\"op\":\"ibm,client-architecture-support\","
                        "\"args\":{\"ov5\":\"OV5_HP_EVT OV5_XIVE_EXPLOIT\"},\"result\":{\"cpus\":2}");
    assert_int_equal(f->w.guest.phase, GUEST_KERNEL);
    assert_int_equal(f->w.guest.cpus, 3);      /* core1, added in PRELAUNCH: CAS reset its DRC */
    assert_int_equal(f->w.guest.online, 3);
    assert_int_equal(f->w.machines[0].ov5_cas, OV5_CAS_BASE | OV5_CAS_HP_EVT | OV5_CAS_XIVE);
    assert_int_equal(f->w.machines[0].intc & KVM_INTC_MASK, KVM_INTC_XIVE);   /* ic-mode=dual: switched at CAS */
    fire(f, ACTOR_GUEST_BOOT);
    assert_int_equal(f->kind, STEP_GUEST_HP_IRQ);
    assert_has(f->line, "\"op\":\"init_ras_hotplug_IRQ\",\"args\":{},"
                        "\"result\":{\"source\":\"hot-plug-events\"}");
    assert_int_equal(f->w.guest.phase, GUEST_RUNNING);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].kind, STEP_NONE);
}

/*
 * qemu.tcg-stale-vcpu: libvirt's PRELAUNCH core unplugged before cont is
 * released at once; the firmware's start then crashes QEMU, before CAS.
 */
static void test_boot_stale_vcpu(void **state)
{
    struct fix *f = *state;

    fix_init(f, "scenario g\nmachine m cores=2 lmbs=8 prelaunch\n"
                "device m cpu core1 core-id=1\nknob qemu.tcg-stale-vcpu=on\n");
    assert_true(qmp_device_del(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(f->w.machines[0].devices[CORE1].realized, 0);
    assert_int_equal(f->w.machines[0].vcpu_unplugged, 1);
    assert_true(qmp_cont(&f->sim, &f->w, 0, f->err, sizeof(f->err)));
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_GUEST_BOOT);
    assert_int_equal(f->kind, STEP_GUEST_CAS);
    assert_int_equal(f->w.machines[0].abort_reason, QEMU_ABORT_TCG_STALE_VCPU);
    assert_int_equal(f->w.machines[0].ov5_cas, 0);
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_has(f->line, "\"op\":\"ibm,client-architecture-support\",\"args\":{},\"result\":{},"
                        "\"log\":[{\"who\":\"qemu\",\"line\":\"memory_region_transaction_commit -> "
                        "tlb_flush -> qemu_thread_is_self on an unplugged vCPU (TCG use after free)\"}]");
}

/* ---- CPU add -------------------------------------------------------------- */

/*
 * dlpar_cpu_add, one worker step per RTAS call (guest_dlpar.c: "each worker
 * step makes exactly one RTAS call or one guest-visible action"):
 * acquire = 3 calls, configure-connector = 32 calls (NEXT_CHILD for the cpu
 * node, 30 NEXT_PROPERTY, then SUCCESS at depth 0: no PREV_PARENT for the
 * fragment's root), then start-cpu: 3 + 32 + 1 = 36 steps.
 */
static void cpu_add_steps(struct fix *f)
{
    static const struct call node = { "ibm,configure-connector", CC("0x10000001"),
                                      "\"rc\":2,\"name\":\"PowerPC,POWER9@1\"}", LI };
    static const struct call prop = { "ibm,configure-connector", CC("0x10000001"),
                                      "\"rc\":3,\"name\":\"", LI };
    static const struct call done = { "ibm,configure-connector", CC("0x10000001"),
                                      "\"rc\":0}", LC };

    acquire_calls(f, CPU1_INDEX, "0x10000001");
    worker_call(f, CPU1_INDEX, &node);
    for (int i = 0; i < 30; i++)
        worker_call(f, CPU1_INDEX, &prop);
    assert_int_equal(f->w.guest.cpus, 1);     /* not attached before COMPLETE */
    worker_call(f, CPU1_INDEX, &done);
    assert_has(f->line, "\"drc\":[{\"machine\":\"m\",\"trace\":\"spapr_drc_set_configured\","
                        "\"index\":\"0x10000001\",\"state\":\"LOGICAL_CONFIGURED\"}]");
    assert_int_equal(f->w.guest.cpus, 3);     /* pseries_cpuhp_attach_nodes */
    assert_int_equal(f->w.guest.online, 1);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"start-cpu\",\"args\":{\"cpu\":1},\"result\":{}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: Successfully added CPU PowerPC,POWER9, drc index: 10000001\"");
}

static void cpu_added(struct fix *f)
{
    device_add(f, CORE1);
    take_irq(f, "CPU add index 0x10000001");
    cpu_add_steps(f);
    assert_false(worker_pending(f));
}

static void test_cpu_add(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    device_add(f, CORE1);
    assert_int_equal(f->w.machines[0].irq_latched, 1);
    assert_int_equal(f->w.machines[0].nr_events, 1);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_GUEST_IRQ);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->state, UN);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->dev, CORE1 + 1);
    take_irq(f, "CPU add index 0x10000001");
    assert_int_equal(f->w.guest.has_ras_log, 1);
    assert_int_equal(f->w.guest.ras_log_buf.index, CPU1_INDEX);
    assert_true(worker_pending(f));
    cpu_add_steps(f);
    assert_false(worker_pending(f));
    assert_int_equal(f->w.guest.cpus, 3);
    assert_int_equal(f->w.guest.online, 3);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_int_equal(f->w.guest.dlpar_failed, 0);
    assert_int_equal(f->w.guest.dt_mismatch, 0);
    assert_int_equal(f->w.guest.nwork, 0);
    assert_int_equal(f->w.guest.op.kind, DLPAR_NONE);
    assert_int_equal(f->w.guest.op.pc, 0);
    assert_int_equal(f->w.guest.op.index, 0);
    assert_int_equal(f->step_no, 1 + 36);
}

/* Each DLPAR sub-step is a step of its own: its delay window starts when the last one fired. */
static void test_worker_window_per_step(void **state)
{
    struct fix *f = *state;
    const struct actor *wk = &f->w.actors[ACTOR_GUEST_WORKER];

    fix_init(f, base_scn);
    device_add(f, CORE1);
    take_irq(f, "CPU add index 0x10000001");
    assert_true(worker_pending(f));
    assert_int_equal(wk->lo, 0);
    assert_int_equal(wk->hi, 50);              /* guest.step 0-50ms */
    sim_advance(&f->sim, &f->w, 30);           /* 30 ms go by */
    assert_int_equal(wk->hi, 20);
    fire(f, ACTOR_GUEST_WORKER);
    assert_true(worker_pending(f));            /* the next sub-step: the same kind and arg */
    assert_int_equal(wk->lo, 0);
    assert_int_equal(wk->hi, 50);              /* a new window, not the rest of the old one */
}

/* The first worker step prints the kernel's pr_debug before its call. */
static void test_cpu_add_first_step_log(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    device_add(f, CORE1);
    take_irq(f, "CPU add index 0x10000001");
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-cpu: Attempting to add CPU, "
                        "drc index: 10000001\"}]");
    assert_int_equal(f->w.guest.op.kind, DLPAR_CPU_ADD);
    assert_int_equal(f->w.guest.op.prim, PRIM_ACQUIRE);
    assert_int_equal(f->w.guest.nwork, 0);
}

/* ---- CPU remove ----------------------------------------------------------- */

static void test_cpu_remove(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    cpu_added(f);
    device_del(f, CORE1);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->unplug_requested, 1);
    take_irq(f, "CPU remove index 0x10000001");
    fire(f, ACTOR_GUEST_WORKER);              /* dlpar_offline_cpu: the thread stops */
    assert_has(f->line, "\"op\":\"stop-self\",\"args\":{\"cpu\":1},\"result\":{}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: Attempting to remove CPU PowerPC,POWER9, "
                        "drc index: 10000001\"");
    assert_int_equal(f->w.guest.online, 1);
    assert_int_equal(f->w.guest.cpus, 3);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->state, LC);
    release_calls(f, CPU1_INDEX, "0x10000001");
    assert_has(f->line, "\"events\":[{\"machine\":\"m\",\"event\":\"DEVICE_DELETED\","
                        "\"device\":\"core1\"}]");
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: Successfully removed CPU, drc index: 10000001\"");
    assert_int_equal(drc(f, 0, CPU1_INDEX)->dev, 0);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->unplug_requested, 0);
    assert_int_equal(f->w.machines[0].deleted, 1u << CORE1);
    assert_int_equal(f->w.machines[0].devices[CORE1].realized, 0);
    assert_int_equal(f->w.guest.cpus, 1);
    assert_int_equal(f->w.guest.online, 1);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_int_equal(f->w.guest.dlpar_failed, 0);
    assert_false(worker_pending(f));
}

/* guest.cpu-detach-step: QEMU has deleted the core, the guest detaches it a step later. */
static void test_cpu_remove_detach_step(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob guest.cpu-detach-step=on\n");
    cpu_added(f);
    device_del(f, CORE1);
    take_irq(f, "CPU remove index 0x10000001");
    fire(f, ACTOR_GUEST_WORKER);              /* dlpar_offline_cpu */
    release_calls(f, CPU1_INDEX, "0x10000001");
    assert_has(f->line, "\"event\":\"DEVICE_DELETED\",\"device\":\"core1\"");
    assert_null(strstr(f->line, "Successfully removed CPU"));
    assert_int_equal(f->w.machines[0].deleted, 1u << CORE1);
    assert_int_equal(f->w.guest.cpus, 3);     /* the node is still there */
    assert_true(worker_pending(f));
    fire(f, ACTOR_GUEST_WORKER);              /* dlpar_detach_node */
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: Successfully removed CPU, drc index: 10000001\"");
    assert_null(strstr(f->line, "\"drc\""));
    assert_int_equal(f->w.guest.cpus, 1);
    assert_int_equal(f->w.guest.online, 1);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_false(worker_pending(f));
}

/* core1 is the only online CPU: the guest refuses, then UNISOLATEs as a hint. */
static void last_cpu_setup(struct fix *f)
{
    struct step_ctx c = ctx(f);

    cpu_added(f);
    guest_cpu_offline(&c, 0);
    assert_int_equal(f->w.guest.online, 2);
    guest_cpu_offline(&c, 1);                 /* cpu_down: the last one stays */
    assert_int_equal(f->w.guest.online, 2);
    device_del(f, CORE1);
    take_irq(f, "CPU remove index 0x10000001");
}

static void test_cpu_remove_last_online(void **state)
{
    struct fix *f = *state;
    static const struct call hint[] = { UNISOLATE_HINT("0x10000001", LC) };

    fix_init(f, base_scn);
    last_cpu_setup(f);
    worker_call(f, CPU1_INDEX, &hint[0]);       /* the failed offline made no call */
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-cpu: Attempting to remove CPU "
                        "PowerPC,POWER9, drc index: 10000001\"},{\"who\":\"guest\",\"line\":"
                        "\"pseries-hotplug-cpu: Unable to remove last online CPU PowerPC,POWER9\"},{\"who\":\"guest\","
                        "\"line\":\"pseries-hotplug-cpu: Failed to offline CPU PowerPC,POWER9, rc: -16\"}]");
    assert_int_equal(drc(f, 0, CPU1_INDEX)->unplug_requested, 1);
    worker_call(f, CPU1_INDEX, &hint[1]);
    assert_has(f->line, "{\"machine\":\"m\",\"event\":\"DEVICE_UNPLUG_GUEST_ERROR\","
                        "\"device\":\"core1\"}");
    assert_has(f->line, "\"line\":\"Device hotunplug rejected by the guest for device core1\"");
    assert_int_equal(drc(f, 0, CPU1_INDEX)->unplug_requested, 0);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(f->w.machines[0].unplug_guest_error, 1u << CORE1);
    assert_int_equal(f->w.machines[0].deleted, 0);
    assert_int_equal(f->w.guest.cpus, 3);
    assert_int_equal(f->w.guest.online, 2);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_int_equal(f->w.guest.dlpar_failed, 1ull << CPU1_SLOT);
    assert_false(worker_pending(f));
}

/* Without the 2021 hint the guest only logs: QEMU's unplug stays pending. */
static void test_cpu_remove_last_online_no_hint(void **state)
{
    struct fix *f = *state;
    char text[512];

    snprintf(text, sizeof(text), "%sknob guest.unisolate-on-remove-failure=off\n", base_scn);
    fix_init(f, text);
    last_cpu_setup(f);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"dlpar_cpu_remove_by_index\",\"args\":{},\"result\":{}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: Failed to offline CPU PowerPC,POWER9, rc: -16\"");
    assert_lacks(f->line, "dlpar_unisolate_drc");
    assert_int_equal(drc(f, 0, CPU1_INDEX)->unplug_requested, 1);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->state, LC);
    assert_int_equal(f->w.machines[0].unplug_guest_error, 0);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_int_equal(f->w.guest.dlpar_failed, 1ull << CPU1_SLOT);
    assert_false(worker_pending(f));
}

/* A remove event for a CPU the guest does not have: hint, whose sense fails. */
static void test_cpu_remove_unknown(void **state)
{
    struct fix *f = *state;
    static const struct call sense = { "get-sensor-state",
                                       SENSE("dlpar_unisolate_drc", "0x10000001"),
                                       "\"rc\":0,\"value\":2}", UN };

    fix_init(f, base_scn);
    spapr_hotplug_req_event(&f->sim, &f->w, 0, RTAS_LOG_V6_HP_TYPE_CPU,
                            RTAS_LOG_V6_HP_ACTION_REMOVE, RTAS_LOG_V6_HP_ID_DRC_INDEX, 0,
                            CPU1_INDEX, NULL);
    sim_normalize(&f->sim, &f->w);
    take_irq(f, "CPU remove index 0x10000001");
    worker_call(f, CPU1_INDEX, &sense);
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: Cannot find CPU (drc index 10000001) to remove\"");
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_int_equal(f->w.guest.dlpar_failed, 1ull << CPU1_SLOT);
    assert_false(worker_pending(f));
}

/* ---- memory --------------------------------------------------------------- */

/* dlpar_add_lmb's configure-connector (parent "/"): the memory node, 3 properties;
 * the DRC is in state `walking` until the walk ends CONFIGURED. */
static void lmb_cc_walk(struct fix *f, uint32_t index, const char *idx, const char *node,
                        uint8_t walking)
{
    static const char *const props[3] = { "ibm,associativity", "reg", "device_type" };
    char args[96], res[96];
    struct call c = { "ibm,configure-connector", args, res, walking };

    snprintf(args, sizeof(args), CC("%s"), idx);
    snprintf(res, sizeof(res), "\"rc\":2,\"name\":\"%s\"}", node);
    worker_call(f, index, &c);
    for (int i = 0; i < 3; i++) {
        snprintf(res, sizeof(res), "\"rc\":3,\"name\":\"%s\"}", props[i]);
        worker_call(f, index, &c);
    }
    c.result = "\"rc\":0}";
    c.state = LC;
    worker_call(f, index, &c);
}

static void lmb_cc_calls(struct fix *f, uint32_t index, const char *idx, const char *node)
{
    lmb_cc_walk(f, index, idx, node, LI);
}

/* dlpar_memory_add_by_ic, 2 LMBs: (3 + 5) calls each, in LMB order. */
static void lmb_add_steps(struct fix *f)
{
    acquire_calls_part(f, LMB0_INDEX, "0x80000004", 0, 1);
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) "
                        "at index 80000004\"}]");
    assert_int_equal(f->w.guest.op.kind, DLPAR_MEM_ADD);
    acquire_calls_part(f, LMB0_INDEX, "0x80000004", 1, 3);
    lmb_cc_calls(f, LMB0_INDEX, "0x80000004", "memory@800000040000000");
    assert_int_equal(f->w.guest.lmbs, 1);
    assert_int_equal(drc(f, 0, LMB1_INDEX)->state, UN);
    acquire_calls(f, LMB1_INDEX, "0x80000005");
    lmb_cc_calls(f, LMB1_INDEX, "0x80000005", "memory@800000050000000");
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: Memory at 40000000 (drc "
                        "index 80000004) was hot-added\"},{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: "
                        "Memory at 50000000 (drc index 80000005) was hot-added\"}]");
    assert_int_equal(f->w.guest.lmbs, 3);
}

/* A 512M DIMM after CAS with OV5_HP_EVT: add by count-indexed, 2 LMBs. */
static void test_lmb_add_indexed(void **state)
{
    struct fix *f = *state;
    struct spapr_event_entry *e;

    fix_init(f, base_scn);
    device_add(f, DIMM0);
    e = &f->w.machines[0].events[0];
    assert_int_equal(e->hp_type, RTAS_LOG_V6_HP_TYPE_MEMORY);
    assert_int_equal(e->id_type, RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED);
    assert_int_equal(e->count, 2);
    assert_int_equal(e->index, LMB0_INDEX);
    take_irq(f, "MEMORY add count 2 index 0x80000004");
    lmb_add_steps(f);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_int_equal(f->w.guest.dlpar_failed, 0);
    assert_int_equal(f->w.guest.dt_mismatch, 0);
    assert_int_equal(f->step_no, 1 + 2 * (3 + 5));
    assert_false(worker_pending(f));
}

/*
 * LMB0's DRC isolated again under the guest (LOGICAL_AVAILABLE): its
 * configure-connector is refused (-9003), and dlpar_add_lmb releases it.
 */
static void lmb0_configure_refused(struct fix *f)
{
    static const struct call calls[] = {
        { "ibm,configure-connector", CC("0x80000004"), "\"rc\":-9003}", AV },
        { "get-sensor-state", SENSE("dlpar_release_drc", "0x80000004"), "\"rc\":0,\"value\":1}", AV },
        { "set-indicator", SET("dlpar_release_drc", "isolation-state", "0x80000004", "isolate"),
          "\"rc\":0}", AV },
        { "set-indicator", SET("dlpar_release_drc", "allocation-state", "0x80000004", "unusable"),
          "\"rc\":0}", UN },
    };

    drc(f, 0, LMB0_INDEX)->state = AV;
    for (unsigned i = 0; i < G_N_ELEMENTS(calls); i++)
        worker_call(f, LMB0_INDEX, &calls[i]);
}

/*
 * A configure-connector that fails (here: the DRC isolated again under the
 * guest) is released twice: by dlpar_add_lmb, which then says so, and by
 * dlpar_memory_add_by_ic, whose sense finds it UNUSABLE; then the rollback.
 */
static void test_lmb_configure_fails(void **state)
{
    struct fix *f = *state;
    static const struct call second_sense =
        { "get-sensor-state", SENSE("dlpar_release_drc", "0x80000004"), "\"rc\":0,\"value\":2}", UN };

    fix_init(f, base_scn);
    device_add(f, DIMM0);
    take_irq(f, "MEMORY add count 2 index 0x80000004");
    acquire_calls(f, LMB0_INDEX, "0x80000004");
    lmb0_configure_refused(f);
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: Failed to "
                        "configure LMB 0x80000004\"}]");
    worker_call(f, LMB0_INDEX, &second_sense);
    assert_has(f->line, "\"line\":\"pseries-hotplug-mem: Memory indexed-count-add failed, removing "
                        "any added LMBs\"");
    assert_false(worker_pending(f));
    assert_int_equal(f->w.guest.lmbs, 0);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_int_equal(drc(f, 0, LMB1_INDEX)->state, UN);
}

/* The DIMM's event queued by count (QEMU before CAS has negotiated OV5_HP_EVT), then
 * taken on the hotplug source once it has. */
static void lmb_event_by_count(struct fix *f)
{
    struct spapr_event_entry *e;

    fix_init(f, base_scn);
    f->w.machines[0].ov5_cas &= (uint8_t)~OV5_CAS_HP_EVT;
    device_add(f, DIMM0);
    e = &f->w.machines[0].events[0];
    assert_int_equal(e->id_type, RTAS_LOG_V6_HP_ID_DRC_COUNT);
    assert_int_equal(e->count, 2);
    f->w.machines[0].ov5_cas |= OV5_CAS_HP_EVT;
    take_irq(f, "MEMORY add count 2");
}

/* dlpar_memory_add_by_count: the first LMBs not assigned, in order. */
static void test_lmb_add_by_count(void **state)
{
    struct fix *f = *state;

    lmb_event_by_count(f);
    acquire_calls_part(f, LMB0_INDEX, "0x80000004", 0, 1);
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: Attempting to "
                        "hot-add 2 LMB(s)\"}]");
    acquire_calls_part(f, LMB0_INDEX, "0x80000004", 1, 3);
    lmb_cc_calls(f, LMB0_INDEX, "0x80000004", "memory@800000040000000");
    acquire_calls(f, LMB1_INDEX, "0x80000005");
    lmb_cc_calls(f, LMB1_INDEX, "0x80000005", "memory@800000050000000");
    assert_int_equal(f->w.guest.lmbs, 3);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_false(worker_pending(f));
}

/* Fewer LMBs not assigned than the count: -EINVAL before any RTAS call. */
static void test_lmb_add_by_count_unavailable(void **state)
{
    struct fix *f = *state;

    lmb_event_by_count(f);
    f->w.guest.lmbs = 0xfe;   /* all but LMB 0 of the 8 taken */
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"actor\":\"guest@m\",\"op\":\"dlpar_memory_add\",\"args\":{},\"result\":{},"
                        "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: Attempting to "
                        "hot-add 2 LMB(s)\"}]}");
    assert_int_equal(drc(f, 0, LMB0_INDEX)->state, UN);
    assert_int_equal(f->w.guest.lmbs, 0xfe);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_false(worker_pending(f));
}

static void lmbs_added(struct fix *f)
{
    device_add(f, DIMM0);
    take_irq(f, "MEMORY add count 2 index 0x80000004");
    lmb_add_steps(f);
    assert_false(worker_pending(f));
}

/* dlpar_memory_remove_by_ic: both blocks go (no RTAS), then each DRC is released. */
static void test_lmb_remove(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    lmbs_added(f);
    device_del(f, DIMM0);
    take_irq(f, "MEMORY remove count 2 index 0x80000004");
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"remove_memory\",\"args\":{\"index\":\"0x80000004\"},"
                        "\"result\":{}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-mem: Attempting to hot-remove 2 LMB(s) at 80000004\"");
    assert_int_equal(f->w.guest.lmbs, 2);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"remove_memory\",\"args\":{\"index\":\"0x80000005\"},"
                        "\"result\":{}");
    assert_int_equal(f->w.guest.lmbs, 0);
    assert_int_equal(drc(f, 0, LMB0_INDEX)->state, LC);
    release_calls(f, LMB0_INDEX, "0x80000004");
    assert_has(f->line, "\"line\":\"pseries-hotplug-mem: Memory at 40000000 (drc index 80000004) was hot-removed\"");
    assert_int_equal(drc(f, 0, LMB0_INDEX)->dev, 0);
    assert_int_equal(f->w.machines[0].devices[DIMM0].realized, 1);
    assert_int_equal(f->w.machines[0].devices[DIMM0].dimm_nr_lmbs, 1);
    assert_int_equal(f->w.machines[0].deleted, 0);
    release_calls(f, LMB1_INDEX, "0x80000005");
    assert_has(f->line, "{\"machine\":\"m\",\"event\":\"DEVICE_DELETED\",\"device\":\"dimm0\"}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-mem: Memory at 50000000 (drc index 80000005) was hot-removed\"");
    assert_int_equal(f->w.machines[0].devices[DIMM0].realized, 0);
    assert_int_equal(f->w.machines[0].deleted, 1u << DIMM0);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_int_equal(f->w.guest.dlpar_failed, 0);
    assert_false(worker_pending(f));
}

/*
 * guest.lmb-offline widens the sub-steps that offline a block, and only
 * those: the removal's first step, which logs "Attempting to hot-remove",
 * the releases after the last block, and the add before keep guest.step's
 * window. So the line can be seen long before the first block's isolate.
 */
static void test_lmb_offline_window(void **state)
{
    struct fix *f = *state;
    const struct actor *wk = &f->w.actors[ACTOR_GUEST_WORKER];

    fix_init_extra(f, base_scn, "knob guest.lmb-offline=2-40s\n");
    device_add(f, DIMM0);
    take_irq(f, "MEMORY add count 2 index 0x80000004");
    assert_int_equal(wk->lo, 0);
    assert_int_equal(wk->hi, 50);              /* an add: no offline */
    lmb_add_steps(f);
    device_del(f, DIMM0);
    take_irq(f, "MEMORY remove count 2 index 0x80000004");
    assert_int_equal(wk->lo, 0);               /* the work item starts: its pr_info */
    assert_int_equal(wk->hi, 50);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"line\":\"pseries-hotplug-mem: Attempting to hot-remove 2 LMB(s) at 80000004\"");
    assert_null(strstr(f->line, "remove_memory"));
    assert_int_equal(f->w.guest.lmbs, 3);
    assert_int_equal(wk->lo, 2000);            /* 0-50ms + 2-40s */
    assert_int_equal(wk->hi, 40050);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"remove_memory\",\"args\":{\"index\":\"0x80000004\"}");
    assert_null(strstr(f->line, "set-indicator"));
    assert_int_equal(wk->lo, 2000);            /* the second block */
    assert_int_equal(wk->hi, 40050);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"remove_memory\",\"args\":{\"index\":\"0x80000005\"}");
    assert_int_equal(f->w.guest.lmbs, 0);
    assert_int_equal(wk->lo, 0);               /* no block left: the releases */
    assert_int_equal(wk->hi, 50);
}

/* By default (0) an offline is a sub-step like any other. */
static void test_lmb_offline_default(void **state)
{
    struct fix *f = *state;
    const struct actor *wk = &f->w.actors[ACTOR_GUEST_WORKER];

    fix_init(f, base_scn);
    lmbs_added(f);
    device_del(f, DIMM0);
    take_irq(f, "MEMORY remove count 2 index 0x80000004");
    assert_int_equal(wk->lo, 0);
    assert_int_equal(wk->hi, 50);
}

/* The second block of DIMM0 cannot be offlined: the removal stops after the first. */
static void lmb_remove_refused_setup(struct fix *f, const char *extra)
{
    struct step_ctx c;

    fix_init_extra(f, base_scn, extra);
    lmbs_added(f);
    c = ctx(f);
    guest_lmb_busy(&c, DIMM0, 1);
    assert_int_equal(f->w.guest.lmbs_busy, 1u << 1);
    device_del(f, DIMM0);
    take_irq(f, "MEMORY remove count 2 index 0x80000004");
    fire(f, ACTOR_GUEST_WORKER);
    assert_int_equal(f->w.guest.lmbs, 2);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"remove_memory\",\"args\":{\"index\":\"0x80000005\"},"
                        "\"result\":{\"errno\":-16}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-mem: Memory indexed-count-remove failed, adding any removed LMBs\"");
    assert_int_equal(f->w.guest.lmbs, 2);
    assert_int_equal(drc(f, 0, LMB0_INDEX)->unplug_requested, 1);
}

/* QEMU rolled the DIMM unplug back and reported it; the first block is back in the guest. */
static void assert_lmb_remove_rolled_back(struct fix *f)
{
    assert_int_equal(f->w.guest.lmbs, 3);
    assert_int_equal(drc(f, 0, LMB0_INDEX)->unplug_requested, 0);
    assert_int_equal(drc(f, 0, LMB1_INDEX)->unplug_requested, 0);
    assert_int_equal(f->w.machines[0].unplug_guest_error, 1u << DIMM0);
    assert_int_equal(f->w.machines[0].devices[DIMM0].realized, 1);
    assert_int_equal(f->w.machines[0].devices[DIMM0].dimm_pending, 0);
    assert_int_equal(f->w.machines[0].deleted, 0);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_false(worker_pending(f));
}

/*
 * The re-added block is UNISOLATEd first (Linux 2021-04, "Set UNISOLATE on
 * dlpar_memory_remove_by_ic() error"): QEMU rolls the DIMM unplug back there
 * (87758fed7a), so the configure-connector walk finds no unplug pending.
 */
static void test_lmb_remove_refused(void **state)
{
    struct fix *f = *state;
    static const struct call hint[] = { UNISOLATE_HINT("0x80000004", LC) };

    lmb_remove_refused_setup(f, NULL);
    worker_call(f, LMB0_INDEX, &hint[0]);
    worker_call(f, LMB0_INDEX, &hint[1]);
    assert_has(f->line, "{\"machine\":\"m\",\"event\":\"DEVICE_UNPLUG_GUEST_ERROR\","
                        "\"device\":\"dimm0\"}");
    assert_int_equal(drc(f, 0, LMB0_INDEX)->unplug_requested, 0);
    assert_int_equal(drc(f, 0, LMB1_INDEX)->unplug_requested, 0);
    lmb_cc_walk(f, LMB0_INDEX, "0x80000004", "memory@800000040000000", LC);
    assert_lmb_remove_rolled_back(f);
}

/*
 * The rollback's configure failing (the DRC isolated under the guest):
 * dlpar_add_lmb releases the DRC, and with the unplug pending QEMU takes
 * that release as the guest's answer and drops the block.
 */
static void test_lmb_remove_rollback_configure_fails(void **state)
{
    struct fix *f = *state;

    lmb_remove_refused_setup(f, "knob guest.unisolate-on-remove-failure=off\n");
    lmb0_configure_refused(f);
    assert_has(f->line, "{\"machine\":\"m\",\"trace\":\"spapr_drc_release\",\"index\":\"0x80000004\"");
    assert_has(f->line, "\"log\":[{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: Failed to "
                        "configure LMB 0x80000004\"},{\"who\":\"guest\",\"line\":\"pseries-hotplug-mem: "
                        "Failed to add LMB, drc index 80000004\"}]");
    assert_false(worker_pending(f));
    assert_int_equal(drc(f, 0, LMB0_INDEX)->dev, 0);   /* QEMU let the block go */
    assert_int_equal(f->w.guest.lmbs, 1u << 1);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
}

/*
 * Without the hint dlpar_add_lmb's configure-connector on a DRC with the
 * unplug pending is what makes QEMU roll the DIMM unplug back (fe1831eff8).
 */
static void test_lmb_remove_refused_no_hint(void **state)
{
    struct fix *f = *state;

    lmb_remove_refused_setup(f, "knob guest.unisolate-on-remove-failure=off\n");
    lmb_cc_walk(f, LMB0_INDEX, "0x80000004", "memory@800000040000000", LC);
    assert_lacks(f->line, "dlpar_unisolate_drc");
    assert_lmb_remove_rolled_back(f);
}

/* ---- the shared ras_log_buf ----------------------------------------------- */

/*
 * An interrupt with nothing queued: check-exception says 1 (no errors found),
 * the kernel ignores it and handles the record still in ras_log_buf.
 */
static void test_stale_buffer_duplicate(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    cpu_added(f);
    assert_int_equal(f->w.machines[0].nr_events, 0);
    f->w.machines[0].irq_latched = 1;
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_hotplug_interrupt\",\"args\":{},\"result\":{\"rc\":1,"
                        "\"ras_log_buf\":\"the previous record, handled again\"}");
    assert_null(strstr(f->line, "\"line\":"));   /* the kernel prints nothing of it */
    assert_int_equal(f->w.guest.nwork, 1);
    assert_int_equal(f->w.guest.work[0].index, CPU1_INDEX);
    assert_int_equal(f->w.guest.work[0].action, RTAS_LOG_V6_HP_ACTION_ADD);
    fire(f, ACTOR_GUEST_WORKER);
    assert_has(f->line, "\"op\":\"dlpar_cpu_add\",\"args\":{},\"result\":{}");
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: CPU with drc index 10000001 already exists\"");
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_int_equal(f->w.guest.dlpar_failed, 1ull << CPU1_SLOT);
    assert_int_equal(f->w.guest.cpus, 3);
    assert_int_equal(drc(f, 0, CPU1_INDEX)->state, LC);
    assert_false(worker_pending(f));
}

/*
 * The same with no record since boot: ras_log_buf is zeros, get_pseries_errorlog
 * returns NULL and the handler dereferences it in hard IRQ: the kernel panics.
 */
static void test_empty_buffer_panics(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    assert_int_equal(f->w.guest.has_ras_log, 0);
    f->w.machines[0].irq_latched = 1;
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_hotplug_interrupt\",\"args\":{},\"result\":{\"rc\":1}");
    assert_has(f->line, "\"line\":\"BUG: Kernel NULL pointer dereference on read at 0x00000008\"");
    assert_has(f->line, "\"line\":\"Oops: Kernel access of bad area, sig: 11 [#1]\"");
    assert_has(f->line, "\"line\":\"Kernel panic - not syncing: Fatal exception in interrupt\"");
    assert_int_equal(f->w.guest.panic, GUEST_PANIC_RAS_LOG_EMPTY);
    assert_int_equal(f->w.guest.nwork, 0);
    assert_int_equal(f->w.guest.error_log_cnt, 0);   /* nothing reached log_error */
}

/* ---- guest.rtas-lock-wait ------------------------------------------------- */

#define CPU2_INDEX 0x10000002u
#define CPU2_SLOT  2
enum { LW_CORE1, LW_CORE2, LW_DIMM0 };   /* the lock-wait scenario's devices */

static const char lock_wait_scn[] =
    "scenario g\n"
    "machine m cores=3 lmbs=8\n"
    "knob guest.rtas-lock-wait=on\n"
    "do m device_add cpu core1 core-id=1\n"
    "do m device_add cpu core2 core-id=2\n"
    "do m device_add dimm dimm0 size=512M\n";

/* The handler takes the IRQ and waits for the RTAS lock: nothing dequeued yet. */
static void irq_waits(struct fix *f)
{
    fire(f, ACTOR_GUEST_IRQ);
    assert_int_equal(f->kind, STEP_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_hotplug_interrupt\",\"args\":{},"
                        "\"result\":{\"check-exception\":\"waits for the RTAS lock\"}");
    assert_int_equal(f->w.machines[0].irq_latched, 0);
    assert_int_equal(f->w.guest.in_irq, 1);
    assert_int_equal(f->w.actors[ACTOR_GUEST_IRQ].kind, STEP_GUEST_IRQ_RTAS);
}

/*
 * Two CPUs online: between the IRQ and its check-exception rtasd's
 * event-scan re-pulses the source for the entry still queued; the second
 * interrupt finds nothing (rc=1) and queues ras_log_buf's record again.
 */
static void stale_replay(struct fix *f, uint8_t dev, const char *event)
{
    device_add(f, dev);
    irq_waits(f);
    assert_int_equal(f->w.actors[ACTOR_GUEST_RTASD].kind, STEP_GUEST_EVENT_SCAN);
    fire(f, ACTOR_GUEST_RTASD);
    assert_has(f->line, "\"op\":\"event-scan\",\"args\":{},\"result\":{\"rc\":1}");
    assert_has(f->line, "event_scan: re-pulse the event source (1 queued)");
    assert_int_equal(f->w.machines[0].irq_latched, 1);
    irq_dequeues(f, STEP_GUEST_IRQ_RTAS,
                 "\"op\":\"check-exception\",\"args\":{\"fn\":\"ras_hotplug_interrupt\"}", event);
    assert_int_equal(f->w.guest.in_irq, 0);
    assert_int_equal(f->w.machines[0].nr_events, 0);
    irq_waits(f);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"check-exception\",\"args\":{\"fn\":\"ras_hotplug_interrupt\"},"
                        "\"result\":{\"rc\":1,\"ras_log_buf\":\"the previous record, handled "
                        "again\"}");
    assert_int_equal(f->w.guest.nwork, 2);
    assert_int_equal(f->w.guest.work[0].index, f->w.guest.work[1].index);
}

/* Run the worker to the end; how many trace lines contained needle. */
static int worker_until_idle(struct fix *f, const char *needle)
{
    int seen = 0;

    for (int n = 0; worker_pending(f); n++) {
        assert_true(n < 200);
        fire(f, ACTOR_GUEST_WORKER);
        seen += strstr(f->line, needle) != NULL;
    }
    return seen;
}

/*
 * One CPU online: the handler runs at once, but the IRQ itself may wait
 * while rtasd holds the RTAS lock with interrupts off; QEMU's re-pulse then
 * sets Q (irq_latched 2) and the source is delivered once more after the
 * handler's EOI, to find nothing.
 */
static void test_rtas_lock_wait_one_cpu(void **state)
{
    struct fix *f = *state;

    fix_init(f, lock_wait_scn);
    assert_int_equal(f->w.guest.online, 1);
    device_add(f, LW_CORE1);
    assert_int_equal(f->w.actors[ACTOR_GUEST_RTASD].kind, STEP_GUEST_EVENT_SCAN);
    fire(f, ACTOR_GUEST_RTASD);
    assert_has(f->line, "event_scan: re-pulse the event source (1 queued)");
    assert_int_equal(f->w.machines[0].irq_latched, 2);
    assert_int_equal(f->w.actors[ACTOR_GUEST_RTASD].kind, STEP_NONE);   /* Q is one bit */
    fire(f, ACTOR_GUEST_IRQ);
    assert_int_equal(f->kind, STEP_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_hotplug_interrupt\",\"args\":{},"
                        "\"result\":{\"rc\":0,\"event\":\"CPU add index 0x10000001\"}");
    assert_int_equal(f->w.guest.in_irq, 0);
    assert_int_equal(f->w.machines[0].irq_latched, 1);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_hotplug_interrupt\",\"args\":{},\"result\":{\"rc\":1,"
                        "\"ras_log_buf\":\"the previous record, handled again\"}");
    assert_int_equal(f->w.machines[0].irq_latched, 0);
    assert_int_equal(f->w.guest.nwork, 2);
    assert_int_equal(worker_until_idle(f, "\"line\":\"pseries-hotplug-cpu: Attempting to add CPU, drc index: 10000001\""),
                     2);
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: CPU with drc index 10000001 already exists\"");
    assert_int_equal(f->w.guest.dlpar_errors, 1);
}

/* Knob off: event-scan waits for the latch to be taken; pulses merge. */
static void test_rtas_lock_wait_off(void **state)
{
    struct fix *f = *state;

    fix_init(f, base_scn);
    device_add(f, CORE1);
    assert_int_equal(f->w.actors[ACTOR_GUEST_RTASD].kind, STEP_NONE);
    device_add(f, DIMM0);
    assert_int_equal(f->w.machines[0].irq_latched, 1);
    assert_int_equal(f->w.machines[0].nr_events, 2);
    take_irq_left(f, "CPU add index 0x10000001", 1);
    assert_int_equal(f->w.machines[0].irq_latched, 1);   /* check-exception re-pulsed */
}

/* The lock-wait scenario with core1 added: CPUs 0 and 1 online. */
static void two_cpus_online(struct fix *f)
{
    fix_init(f, lock_wait_scn);
    device_add(f, LW_CORE1);
    take_irq(f, "CPU add index 0x10000001");
    worker_until_idle(f, "");
    assert_int_equal(f->w.guest.online, 3);
}

static void test_rtas_lock_wait_cpu_replay(void **state)
{
    struct fix *f = *state;

    two_cpus_online(f);
    stale_replay(f, LW_CORE2, "CPU add index 0x10000002");
    assert_int_equal(f->w.guest.work[1].index, CPU2_INDEX);
    assert_int_equal(worker_until_idle(f, "\"line\":\"pseries-hotplug-cpu: Attempting to add CPU, drc index: 10000002\""),
                     2);
    assert_has(f->line, "\"line\":\"pseries-hotplug-cpu: CPU with drc index 10000002 already exists\"");
    assert_int_equal(f->w.guest.online, 7);
    assert_int_equal(f->w.guest.dlpar_errors, 1);
    assert_int_equal(f->w.guest.dlpar_failed, 1ull << CPU2_SLOT);
    assert_int_equal(drc(f, 0, CPU2_INDEX)->state, LC);
}

/* dlpar_memory_add_by_ic skips assigned LMBs: the replayed add is harmless. */
static void test_rtas_lock_wait_dimm_replay(void **state)
{
    struct fix *f = *state;

    two_cpus_online(f);
    stale_replay(f, LW_DIMM0, "MEMORY add count 2 index 0x80000004");
    assert_int_equal(worker_until_idle(f, "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004"), 2);
    assert_int_equal(f->w.guest.lmbs, 3);
    assert_int_equal(f->w.guest.dlpar_errors, 0);
    assert_int_equal(drc(f, 0, LMB0_INDEX)->state, LC);
    assert_int_equal(drc(f, 0, LMB1_INDEX)->state, LC);
}

/* Without OV5_HP_EVT the event comes on EPOW, whose handler only logs it. */
static void test_epow_only_logs(void **state)
{
    struct fix *f = *state;
    char text[512];

    snprintf(text, sizeof(text), "%sknob guest.hp-evt=off\n", base_scn);
    fix_init(f, text);
    assert_int_equal(f->w.machines[0].ov5_cas & OV5_CAS_HP_EVT, 0);
    device_add(f, CORE1);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_epow_interrupt\",\"args\":{},\"result\":{\"rc\":0,");
    assert_has(f->line, "\"line\":\"RTAS: event: 1, Type: Hotplug Event (229), Severity: 1\"");
    assert_int_equal(f->w.guest.error_log_cnt, 1);
    assert_int_equal(f->w.machines[0].nr_events, 0);
    assert_int_equal(f->w.guest.nwork, 0);
    assert_false(worker_pending(f));
}

/* ras_epow_interrupt checks get_pseries_errorlog's NULL: a zeroed buffer is only logged. */
static void test_epow_empty_buffer_logs(void **state)
{
    struct fix *f = *state;
    char text[512];

    snprintf(text, sizeof(text), "%sknob guest.hp-evt=off\n", base_scn);
    fix_init(f, text);
    f->w.machines[0].irq_latched = 1;
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_GUEST_IRQ);
    assert_has(f->line, "\"op\":\"ras_epow_interrupt\",\"args\":{},\"result\":{\"rc\":1}");
    assert_has(f->line, "\"line\":\"RTAS: event: 1, Type: Unknown (0), Severity: 0\"");
    assert_int_equal(f->w.guest.panic, GUEST_PANIC_NONE);
}

/* ---- reset and user actions ----------------------------------------------- */

static void test_machine_reset(void **state)
{
    struct fix *f = *state;
    struct step_ctx c = ctx(f);

    fix_init(f, base_scn);
    cpu_added(f);
    f->w.guest.in_irq = 1;                    /* a handler waiting for the RTAS lock */
    guest_machine_reset(&c, 1);               /* another machine: not this guest's */
    assert_int_equal(f->w.guest.phase, GUEST_RUNNING);
    assert_int_equal(f->w.guest.cpus, 3);
    guest_machine_reset(&c, 0);
    assert_int_equal(f->w.guest.machine, 0);
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_int_equal(f->w.guest.cpus, 0);
    assert_int_equal(f->w.guest.online, 0);
    assert_int_equal(f->w.guest.lmbs, 0);
    assert_int_equal(f->w.guest.has_ras_log, 0);
    assert_int_equal(f->w.guest.in_irq, 0);
    assert_int_equal(f->w.guest.nwork, 0);
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].kind, STEP_GUEST_CAS);
}

static void test_cpu_offline(void **state)
{
    struct fix *f = *state;
    struct step_ctx c = ctx(f);

    fix_init(f, base_scn);
    guest_cpu_offline(&c, 0);                 /* the only CPU: cpu_down says -EBUSY */
    assert_int_equal(f->w.guest.online, 1);
    guest_cpu_offline(&c, 1);                 /* no such CPU */
    assert_int_equal(f->w.guest.online, 1);
    assert_int_equal(f->w.guest.cpus, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_boot_initial),
        T(test_boot_steps),
        T(test_boot_stale_vcpu),
        T(test_cpu_add),
        T(test_worker_window_per_step),
        T(test_cpu_add_first_step_log),
        T(test_cpu_remove),
        T(test_cpu_remove_detach_step),
        T(test_cpu_remove_last_online),
        T(test_cpu_remove_last_online_no_hint),
        T(test_cpu_remove_unknown),
        T(test_lmb_add_indexed),
        T(test_lmb_configure_fails),
        T(test_lmb_add_by_count),
        T(test_lmb_add_by_count_unavailable),
        T(test_lmb_remove),
        T(test_lmb_offline_window),
        T(test_lmb_offline_default),
        T(test_lmb_remove_refused),
        T(test_lmb_remove_refused_no_hint),
        T(test_lmb_remove_rollback_configure_fails),
        T(test_stale_buffer_duplicate),
        T(test_empty_buffer_panics),
        T(test_rtas_lock_wait_one_cpu),
        T(test_rtas_lock_wait_off),
        T(test_rtas_lock_wait_cpu_replay),
        T(test_rtas_lock_wait_dimm_replay),
        T(test_epow_only_logs),
        T(test_epow_empty_buffer_logs),
        T(test_machine_reset),
        T(test_cpu_offline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
