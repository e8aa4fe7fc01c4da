/*
 * Unit tests of the scenario parser (sim/scenario*.c) and the variant loader
 * (sim/variant.c): exact parsed values for every statement, exact error
 * lines for bad input, bounds, and a mutation pass that must never crash.
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "scenario.h"

/* ---- helpers ---------------------------------------------------------- */

static struct scenario *parse_ok(const char *text)
{
    struct scenario *s = g_new0(struct scenario, 1);
    char err[1024];

    if (!scenario_parse_string("t.scn", text, s, err, sizeof(err))) {
        g_free(s);
        fail_msg("unexpected error: %s", err);
    }
    return s;
}

static void check_error(const char *text, const char *expected)
{
    struct scenario *s = g_new0(struct scenario, 1);
    char err[1024];
    bool ok = scenario_parse_string("t.scn", text, s, err, sizeof(err));

    g_free(s);
    if (ok)
        fail_msg("parsed without error:\n%s", text);
    if (strcmp(err, expected))
        fail_msg("for input:\n%s\nexpected: %s\n     got: %s", text, expected, err);
}

struct error_case { const char *text, *err; };

static void check_errors(const struct error_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_error(cases[i].text, cases[i].err);
}

#define CHECK_ERRORS(cases) check_errors(cases, G_N_ELEMENTS(cases))

/* A header with one machine m (linux guest), then the line under test at 3. */
#define S1 "scenario t\nmachine m\n"
/* One machine m with guest=script. */
#define SS "scenario t\nmachine m guest=script\n"
/* Two machines src and dst; the line under test is line 4. */
#define S2 "scenario t\nmachine src\nmachine dst like=src incoming=defer\n"

static const char arch_example[] =
    "scenario hotplug-migrate-unplug\n"
    "title   \"CPU core hotplugged on both hosts, migrated, unplugged on the target\"\n"
    "source  \"qemu-devel 2017-07-07, [RFC,drcVI] spapr: reset DRCs on migration pre_load\"\n"
    "\n"
    "machine src cores=2                      # pseries; core 0 is the boot core\n"
    "machine dst like=src incoming=defer      # started with -S -incoming defer\n"
    "\n"
    "# the script: what libvirt (or a person at the monitor) does, in order\n"
    "do   src device_add cpu core1 core-id=1\n"
    "wait src guest-online core1 timeout=30s\n"
    "do   dst device_add cpu core1 core-id=1   # dst is INMIGRATE here\n"
    "do   migrate src dst\n"
    "do   dst device_del core1\n"
    "wait dst event DEVICE_DELETED core1 timeout=10s\n"
    "\n"
    "expect dst device core1 absent           # checked at quiescence, every interleaving\n"
    "expect guest cpu core1 absent\n"
    "\n"
    "verdict qemu-2.9  fail drc-migration-mismatch\n"
    "verdict qemu-2.10 pass\n";

static const char rtas_example[] =
    "scenario drc\n"
    "machine m cores=2 guest=script\n"
    "do   m device_add cpu core1 core-id=1\n"
    "rtas m get-sensor-state dr-entity-sense CPU:1 -> rc=0 value=2\n"
    "rtas m set-indicator allocation-state CPU:1 usable -> rc=0 state=LOGICAL_AVAILABLE\n"
    "rtas m set-indicator isolation-state CPU:1 unisolate -> rc=0 state=LOGICAL_UNISOLATE\n"
    "rtas m configure-connector CPU:1 -> rc=2\n"
    "rtas m configure-connector CPU:1 walk -> rc=0 state=LOGICAL_CONFIGURED\n"
    "assert m drc CPU:1 dev=core1 unplug-requested=no needed=no\n";

/* ---- names ------------------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(drc_state_name(SPAPR_DRC_STATE_INVALID), "INVALID");
    assert_string_equal(drc_state_name(SPAPR_DRC_STATE_LOGICAL_UNUSABLE), "LOGICAL_UNUSABLE");
    assert_string_equal(drc_state_name(SPAPR_DRC_STATE_PHYSICAL_CONFIGURED), "PHYSICAL_CONFIGURED");
    assert_string_equal(drc_state_name(SPAPR_DRC_STATE_COUNT), "?");
    for (int i = 0; i < SPAPR_DRC_STATE_COUNT; i++)
        assert_int_equal(drc_state_lookup(drc_state_name((uint8_t)i)), i);
    assert_int_equal(drc_state_lookup("PHYSICAL_POWERON"), SPAPR_DRC_STATE_PHYSICAL_POWERON);
    assert_int_equal(drc_state_lookup("SPAPR_DRC_STATE_INVALID"), -1);
    assert_int_equal(drc_state_lookup("logical_unusable"), -1);

    assert_string_equal(qmp_event_name(QMP_DEVICE_DELETED), "DEVICE_DELETED");
    assert_string_equal(qmp_event_name(QMP_DEVICE_UNPLUG_GUEST_ERROR), "DEVICE_UNPLUG_GUEST_ERROR");
    assert_string_equal(qmp_event_name(QMP_MEM_UNPLUG_ERROR), "MEM_UNPLUG_ERROR");
    assert_string_equal(qmp_event_name(QMP_EVENT_COUNT), "?");

    assert_string_equal(do_action_name(DO_DEVICE_ADD), "device_add");
    assert_string_equal(do_action_name(DO_DEVICE_DEL), "device_del");
    assert_string_equal(do_action_name(DO_MIGRATE), "migrate");
    assert_string_equal(do_action_name(DO_CONT), "cont");
    assert_string_equal(do_action_name(DO_SYSTEM_RESET), "system_reset");
    assert_string_equal(do_action_name(DO_SETVCPUS), "setvcpus");
    assert_string_equal(do_action_name(DO_GUEST_CPU_OFFLINE), "cpu-offline");
    assert_string_equal(do_action_name(DO_ACTION_COUNT), "?");

    assert_string_equal(rtas_call_name(RTAS_CALL_GET_SENSOR_STATE), "get-sensor-state");
    assert_string_equal(rtas_call_name(RTAS_CALL_SET_ISOLATION), "set-indicator isolation-state");
    assert_string_equal(rtas_call_name(RTAS_CALL_SET_ALLOCATION), "set-indicator allocation-state");
    assert_string_equal(rtas_call_name(RTAS_CALL_SET_DR_INDICATOR), "set-indicator dr-indicator");
    assert_string_equal(rtas_call_name(RTAS_CALL_CONFIGURE_CONNECTOR), "configure-connector");
    assert_string_equal(rtas_call_name(RTAS_CALL_CONFIGURE_CONNECTOR_WALK), "configure-connector walk");
    assert_string_equal(rtas_call_name(RTAS_CALL_CHECK_EXCEPTION), "check-exception");
    assert_string_equal(rtas_call_name(RTAS_CALL_EVENT_SCAN), "event-scan");
    assert_string_equal(rtas_call_name(RTAS_CALL_COUNT), "?");
}

static void test_families(void **state)
{
    static const char *const want[FAM_COUNT] = {
        "drc-migration-mismatch", "view-mismatch", "lost-unplug", "false-unplug-error",
        "guest-dlpar-error", "guest-dt-mismatch", "qemu-abort", "migration-failed",
        "expect-failed", "guest-panic",
    };
    (void)state;
    for (int i = 0; i < FAM_COUNT; i++) {
        assert_string_equal(family_names[i], want[i]);
        assert_int_equal(family_lookup(want[i]), i);
    }
    assert_int_equal(family_lookup("qemu_abort"), -1);
    assert_int_equal(family_lookup(""), -1);
}

/* ---- whole scenarios -------------------------------------------------- */

static void test_architecture_example_header(void **state)
{
    struct scenario *s = parse_ok(arch_example);
    (void)state;

    assert_string_equal(s->path, "t.scn");
    assert_string_equal(s->name, "hotplug-migrate-unplug");
    assert_string_equal(s->title, "CPU core hotplugged on both hosts, migrated, unplugged on the target");
    assert_string_equal(s->source, "qemu-devel 2017-07-07, [RFC,drcVI] spapr: reset DRCs on migration pre_load");

    assert_int_equal(s->nmachines, 2);
    assert_string_equal(s->machines[0].name, "src");
    assert_int_equal(s->machines[0].cores, 2);
    assert_int_equal(s->machines[0].like, -1);
    assert_int_equal(s->machines[0].incoming_defer, 0);
    assert_int_equal(s->machines[0].loc.line, 5);
    assert_int_equal(s->machines[0].loc.col, 1);
    assert_string_equal(s->machines[1].name, "dst");
    assert_int_equal(s->machines[1].like, 0);
    assert_int_equal(s->machines[1].incoming_defer, 1);
    assert_int_equal(s->machines[1].prelaunch, 0);
    assert_int_equal(s->machines[1].loc.line, 6);

    assert_int_equal(s->ndevices, 1);
    assert_string_equal(s->devices[0].id, "core1");
    assert_int_equal(s->devices[0].type, DEV_CPU_CORE);
    assert_int_equal(s->devices[0].core_id, 1);
    assert_int_equal(s->devices[0].loc.line, 9);
    assert_int_equal(s->devices[0].loc.col, 25);

    assert_int_equal(s->nscripts, 1);
    assert_string_equal(s->script_names[0], "main");
    assert_int_equal(s->script_first[0], 0);
    assert_int_equal(s->script_count[0], 6);
    assert_int_equal(s->nlines, 6);
    assert_int_equal(s->nknobs, 0);
    assert_int_equal(s->ncoldplug, 0);
    g_free(s);
}

static void test_architecture_example_script(void **state)
{
    struct scenario *s = parse_ok(arch_example);
    const struct scn_line *l = s->lines;
    (void)state;

    assert_int_equal(l[0].kind, LINE_DO);
    assert_int_equal(l[0].action, DO_DEVICE_ADD);
    assert_int_equal(l[0].machine, 0);
    assert_int_equal(l[0].device, 0);
    assert_int_equal(l[0].machine2, SCN_NO_DEVICE);
    assert_int_equal(l[0].loc.line, 9);
    assert_int_equal(l[0].loc.col, 1);

    assert_int_equal(l[1].kind, LINE_WAIT);
    assert_int_equal(l[1].action, WAIT_GUEST_ONLINE);
    assert_int_equal(l[1].machine, 0);
    assert_int_equal(l[1].device, 0);
    assert_int_equal(l[1].timeout_ms, 30000);

    assert_int_equal(l[2].kind, LINE_DO);
    assert_int_equal(l[2].action, DO_DEVICE_ADD);
    assert_int_equal(l[2].machine, 1);
    assert_int_equal(l[2].device, 0);

    assert_int_equal(l[3].kind, LINE_DO);
    assert_int_equal(l[3].action, DO_MIGRATE);
    assert_int_equal(l[3].machine, 0);
    assert_int_equal(l[3].machine2, 1);
    assert_int_equal(l[3].device, SCN_NO_DEVICE);

    assert_int_equal(l[4].action, DO_DEVICE_DEL);
    assert_int_equal(l[4].machine, 1);
    assert_int_equal(l[4].device, 0);

    assert_int_equal(l[5].kind, LINE_WAIT);
    assert_int_equal(l[5].action, WAIT_EVENT);
    assert_int_equal(l[5].machine, 1);
    assert_int_equal(l[5].event, QMP_DEVICE_DELETED);
    assert_int_equal(l[5].device, 0);
    assert_int_equal(l[5].timeout_ms, 10000);
    assert_int_equal(l[5].loc.line, 14);
    for (int i = 0; i < 6; i++)
        assert_int_equal(l[i].script, 0);

    assert_int_equal(s->nexpects, 2);
    assert_int_equal(s->expects[0].kind, EXPECT_DEVICE);
    assert_int_equal(s->expects[0].machine, 1);
    assert_int_equal(s->expects[0].device, 0);
    assert_int_equal(s->expects[0].present, 0);
    assert_int_equal(s->expects[0].loc.line, 16);
    assert_int_equal(s->expects[1].kind, EXPECT_GUEST_CPU);
    assert_int_equal(s->expects[1].machine, 0xff);
    assert_int_equal(s->expects[1].device, 0);
    assert_int_equal(s->expects[1].present, 0);

    assert_int_equal(s->nverdicts, 2);
    assert_string_equal(s->verdicts[0].variant, "qemu-2.9");
    assert_int_equal(s->verdicts[0].pass, 0);
    assert_int_equal(s->verdicts[0].families, 1u << FAM_DRC_MIGRATION_MISMATCH);
    assert_int_equal(s->verdicts[0].loc.line, 19);
    assert_string_equal(s->verdicts[1].variant, "qemu-2.10");
    assert_int_equal(s->verdicts[1].pass, 1);
    assert_int_equal(s->verdicts[1].families, 0);
    g_free(s);
}

static void test_rtas_example(void **state)
{
    struct scenario *s = parse_ok(rtas_example);
    const struct scn_line *l = s->lines;
    (void)state;

    assert_int_equal(s->machines[0].guest, GUEST_SCRIPT);
    assert_int_equal(s->nlines, 7);

    assert_int_equal(l[1].kind, LINE_RTAS);
    assert_int_equal(l[1].action, RTAS_CALL_GET_SENSOR_STATE);
    assert_int_equal(l[1].machine, 0);
    assert_int_equal(l[1].drc.kind, DRC_REF_CPU);
    assert_int_equal(l[1].drc.n, 1);
    assert_int_equal(l[1].pred.has, PRED_RC | PRED_VALUE);
    assert_int_equal(l[1].pred.rc, 0);
    assert_int_equal(l[1].pred.value, 2);

    assert_int_equal(l[2].action, RTAS_CALL_SET_ALLOCATION);
    assert_int_equal(l[2].arg, 1);
    assert_int_equal(l[2].pred.has, PRED_RC | PRED_STATE);
    assert_int_equal(l[2].pred.state, SPAPR_DRC_STATE_LOGICAL_AVAILABLE);

    assert_int_equal(l[3].action, RTAS_CALL_SET_ISOLATION);
    assert_int_equal(l[3].arg, 1);
    assert_int_equal(l[3].pred.state, SPAPR_DRC_STATE_LOGICAL_UNISOLATE);

    assert_int_equal(l[4].action, RTAS_CALL_CONFIGURE_CONNECTOR);
    assert_int_equal(l[4].pred.has, PRED_RC);
    assert_int_equal(l[4].pred.rc, 2);

    assert_int_equal(l[5].action, RTAS_CALL_CONFIGURE_CONNECTOR_WALK);
    assert_int_equal(l[5].pred.has, PRED_RC | PRED_STATE);
    assert_int_equal(l[5].pred.state, SPAPR_DRC_STATE_LOGICAL_CONFIGURED);

    assert_int_equal(l[6].kind, LINE_ASSERT);
    assert_int_equal(l[6].machine, 0);
    assert_int_equal(l[6].drc.kind, DRC_REF_CPU);
    assert_int_equal(l[6].drc.n, 1);
    assert_int_equal(l[6].pred.has, PRED_DEV | PRED_UNPLUG_REQ | PRED_NEEDED);
    assert_int_equal(l[6].pred.dev, 0);
    assert_int_equal(l[6].pred.unplug_requested, 0);
    assert_int_equal(l[6].pred.needed, 0);
    assert_int_equal(l[6].loc.line, 9);
    g_free(s);
}

static void test_machine_options(void **state)
{
    struct scenario *s = parse_ok(
        "scenario m\n"
        "machine a cores=10 lmbs=16 phbs=4 pci-slots=8 ram=512M host=power8 "
        "max-cpu-compat=power8 guest=script prelaunch slots=3\n"
        "machine b like=a ram=2GiB lmbs=0 pci-slots=0 guest=none host=power9 max-cpu-compat=power9\n");
    const struct scn_machine *a = &s->machines[0], *b = &s->machines[1];
    (void)state;

    assert_int_equal(a->cores, 10);
    assert_int_equal(a->lmbs, 16);
    assert_int_equal(a->phbs, 4);
    assert_int_equal(a->pci_slots, 8);
    assert_int_equal(a->slots, 3);
    assert_int_equal(a->ram_mb, 512);
    assert_int_equal(a->host, CPU_POWER8);
    assert_int_equal(a->max_cpu_compat, CPU_POWER8 + 1);
    assert_int_equal(a->guest, GUEST_SCRIPT);
    assert_int_equal(a->prelaunch, 1);
    assert_int_equal(a->incoming_defer, 0);
    assert_int_equal(a->like, -1);

    assert_string_equal(b->name, "b");
    assert_int_equal(b->like, 0);
    assert_int_equal(b->cores, 10);
    assert_int_equal(b->phbs, 4);
    assert_int_equal(b->host, CPU_POWER9);
    assert_int_equal(b->prelaunch, 1);
    assert_int_equal(b->ram_mb, 2048);
    assert_int_equal(b->lmbs, 0);
    assert_int_equal(b->pci_slots, 0);
    assert_int_equal(b->slots, 3);
    assert_int_equal(b->guest, GUEST_NONE);
    assert_int_equal(b->max_cpu_compat, CPU_POWER9 + 1);
    assert_int_equal(b->loc.line, 3);
    g_free(s);
}

static void test_machine_defaults(void **state)
{
    struct scenario *s = parse_ok("scenario d\nmachine m\nmachine n ram=768MiB host=power9\n");
    const struct scn_machine *m = &s->machines[0];
    (void)state;

    assert_int_equal(m->cores, 2);
    assert_int_equal(m->lmbs, 8);
    assert_int_equal(m->phbs, 2);
    assert_int_equal(m->pci_slots, 4);
    assert_int_equal(m->ram_mb, 1024);
    assert_int_equal(m->host, CPU_POWER9);
    assert_int_equal(m->max_cpu_compat, 0);
    assert_int_equal(m->guest, GUEST_LINUX);
    assert_int_equal(m->like, -1);
    assert_int_equal(m->prelaunch, 0);
    assert_int_equal(m->incoming_defer, 0);
    assert_int_equal(m->slots, 32);
    assert_int_equal(s->machines[1].ram_mb, 768);
    assert_string_equal(s->title, "");
    assert_string_equal(s->source, "");
    assert_int_equal(s->nscripts, 0);
    assert_int_equal(s->nlines, 0);
    g_free(s);
}

/* hotpluggable=no puts a vCPU on libvirt's -smp; =yes is the default, a -device core. */
static void test_vcpu_hotpluggable(void **state)
{
    struct scenario *s = parse_ok(
        "scenario dev\n"
        "machine a cores=4\n"
        "machine b like=a incoming=defer\n"
        "device a cpu c1 core-id=1 hotpluggable=no\n"
        "device b cpu c1 core-id=1 hotpluggable=no\n"
        "device a cpu c2 core-id=2 hotpluggable=yes\n"
        "device b cpu c2 core-id=2\n");
    (void)state;

    assert_int_equal(s->ndevices, 2);
    assert_int_equal(s->devices[0].core_id, 1);
    assert_int_equal(s->devices[0].on_smp, 1);
    assert_int_equal(s->devices[1].core_id, 2);
    assert_int_equal(s->devices[1].on_smp, 0);
    assert_int_equal(s->ncoldplug, 4);
    g_free(s);
}

static void test_devices_and_coldplug(void **state)
{
    struct scenario *s = parse_ok(
        "scenario dev\n"
        "machine a cores=4 phbs=3 pci-slots=6\n"
        "machine b like=a\n"
        "device a cpu c2 core-id=2\n"
        "device b cpu c2 core-id=2\n"
        "device a dimm d0 size=1G\n"
        "do a device_add phb p2 index=2\n"
        "do b device_add pci n5 slot=5\n"
        "do a device_add dimm d1 size=512MiB\n"
        "do a device_add cpu c2 core-id=2\n"
        "do b device_del d0\n");
    (void)state;

    assert_int_equal(s->ndevices, 5);
    assert_string_equal(s->devices[0].id, "c2");
    assert_int_equal(s->devices[0].type, DEV_CPU_CORE);
    assert_int_equal(s->devices[0].core_id, 2);
    assert_int_equal(s->devices[0].loc.line, 4);
    assert_int_equal(s->devices[0].loc.col, 14);
    assert_string_equal(s->devices[1].id, "d0");
    assert_int_equal(s->devices[1].type, DEV_DIMM);
    assert_int_equal(s->devices[1].size_mb, 1024);
    assert_string_equal(s->devices[2].id, "p2");
    assert_int_equal(s->devices[2].type, DEV_PHB);
    assert_int_equal(s->devices[2].index, 2);
    assert_string_equal(s->devices[3].id, "n5");
    assert_int_equal(s->devices[3].type, DEV_PCI);
    assert_int_equal(s->devices[3].slot, 5);
    assert_int_equal(s->devices[4].size_mb, 512);

    assert_int_equal(s->devices[0].on_smp, 0);
    assert_int_equal(s->ncoldplug, 3);
    assert_int_equal(s->coldplug[0].machine, 0);
    assert_int_equal(s->coldplug[0].device, 0);
    assert_int_equal(s->coldplug[0].loc.line, 4);
    assert_int_equal(s->coldplug[1].machine, 1);
    assert_int_equal(s->coldplug[1].device, 0);
    assert_int_equal(s->coldplug[2].machine, 0);
    assert_int_equal(s->coldplug[2].device, 1);

    assert_int_equal(s->nlines, 5);
    assert_int_equal(s->lines[0].device, 2);
    assert_int_equal(s->lines[1].machine, 1);
    assert_int_equal(s->lines[1].device, 3);
    assert_int_equal(s->lines[2].device, 4);
    assert_int_equal(s->lines[3].device, 0);
    assert_int_equal(s->lines[4].action, DO_DEVICE_DEL);
    assert_int_equal(s->lines[4].device, 1);
    g_free(s);
}

static void test_do_and_wait_forms(void **state)
{
    struct scenario *s = parse_ok(
        "scenario w\n"
        "machine m cores=4 prelaunch\n"
        "do cont\n"
        "do m system_reset\n"
        "do setvcpus 3\n"
        "do guest cpu-offline 0\n"
        "wait quiescent\n"
        "wait m migrated timeout=250ms\n"
        "wait event MEM_UNPLUG_ERROR timeout=7\n"
        "wait m event DEVICE_UNPLUG_GUEST_ERROR\n"
        "do m device_add cpu c1 core-id=1\n"
        "do m device_add cpu c3 core-id=3\n"
        "wait m guest-online c3\n"
        "wait guest-online c3 c1 timeout=2s\n");
    const struct scn_line *l = s->lines;
    (void)state;

    assert_int_equal(s->nlines, 12);
    assert_int_equal(l[10].action, WAIT_GUEST_ONLINE);
    assert_int_equal(l[10].device, 1);
    assert_int_equal(l[10].devices, 1u << 1);
    assert_int_equal(l[11].device, 1);           /* the first named */
    assert_int_equal(l[11].devices, 1u << 0 | 1u << 1);
    assert_int_equal(l[11].cores, 1u << 3 | 1u << 1);   /* c3 core-id=3, c1 core-id=1 */
    assert_int_equal(l[11].timeout_ms, 2000);
    assert_int_equal(l[0].action, DO_CONT);
    assert_int_equal(l[0].machine, 0);
    assert_int_equal(l[1].action, DO_SYSTEM_RESET);
    assert_int_equal(l[2].action, DO_SETVCPUS);
    assert_int_equal(l[2].arg, 3);
    assert_int_equal(l[3].action, DO_GUEST_CPU_OFFLINE);
    assert_int_equal(l[3].arg, 0);
    assert_int_equal(l[4].kind, LINE_WAIT);
    assert_int_equal(l[4].action, WAIT_QUIESCENT);
    assert_int_equal(l[4].machine, 0);
    assert_int_equal(l[4].timeout_ms, 0);
    assert_int_equal(l[5].action, WAIT_MIGRATED);
    assert_int_equal(l[5].timeout_ms, 250);
    assert_int_equal(l[6].action, WAIT_EVENT);
    assert_int_equal(l[6].event, QMP_MEM_UNPLUG_ERROR);
    assert_int_equal(l[6].device, SCN_NO_DEVICE);
    assert_int_equal(l[6].timeout_ms, 7);
    assert_int_equal(l[7].event, QMP_DEVICE_UNPLUG_GUEST_ERROR);
    assert_int_equal(l[7].timeout_ms, 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(l[i].machine2, SCN_NO_DEVICE);
    g_free(s);
}

static void test_drc_names_and_results(void **state)
{
    struct scenario *s = parse_ok(
        "scenario r\n"
        "machine m cores=3 lmbs=4 phbs=2 pci-slots=2 guest=script\n"
        "device m dimm d size=1G\n"
        "rtas m get-sensor-state dr-entity-sense LMB:3 -> rc=-3\n"
        "rtas m get-sensor-state dr-entity-sense LMB:d.3 -> value=0x10\n"
        "rtas m set-indicator isolation-state PHB:1 isolate -> rc=0 unplug-requested=yes\n"
        "rtas m set-indicator allocation-state PCI:1 unusable -> dev=none needed=yes\n"
        "rtas m set-indicator dr-indicator 0x10000008 3 -> rc=-9001\n"
        "rtas m set-indicator isolation-state CPU:2 0x2 -> rc=0\n"
        "rtas m check-exception -> rc=1\n"
        "rtas m event-scan -> rc=0 value=4294967295\n"
        "assert m drc LMB:d.0 dev=d state=PHYSICAL_POWERON\n");
    const struct scn_line *l = s->lines;
    (void)state;

    assert_int_equal(s->nlines, 9);
    assert_int_equal(l[0].drc.kind, DRC_REF_LMB);
    assert_int_equal(l[0].drc.n, 3);
    assert_int_equal(l[0].pred.has, PRED_RC);
    assert_int_equal(l[0].pred.rc, -3);
    assert_int_equal(l[1].drc.kind, DRC_REF_DIMM_LMB);
    assert_int_equal(l[1].drc.device, 0);
    assert_int_equal(l[1].drc.n, 3);
    assert_int_equal(l[1].pred.has, PRED_VALUE);
    assert_int_equal(l[1].pred.value, 16);
    assert_int_equal(l[2].action, RTAS_CALL_SET_ISOLATION);
    assert_int_equal(l[2].drc.kind, DRC_REF_PHB);
    assert_int_equal(l[2].drc.n, 1);
    assert_int_equal(l[2].arg, 0);
    assert_int_equal(l[2].pred.has, PRED_RC | PRED_UNPLUG_REQ);
    assert_int_equal(l[2].pred.unplug_requested, 1);
    assert_int_equal(l[3].action, RTAS_CALL_SET_ALLOCATION);
    assert_int_equal(l[3].drc.kind, DRC_REF_PCI);
    assert_int_equal(l[3].arg, 0);
    assert_int_equal(l[3].pred.has, PRED_DEV | PRED_NEEDED);
    assert_int_equal(l[3].pred.dev, SCN_NO_DEVICE);
    assert_int_equal(l[3].pred.needed, 1);
    assert_int_equal(l[4].action, RTAS_CALL_SET_DR_INDICATOR);
    assert_int_equal(l[4].drc.kind, DRC_REF_RAW);
    assert_int_equal(l[4].drc.raw, 0x10000008);
    assert_int_equal(l[4].arg, 3);
    assert_int_equal(l[4].pred.rc, -9001);
    assert_int_equal(l[5].drc.kind, DRC_REF_CPU);
    assert_int_equal(l[5].drc.n, 2);
    assert_int_equal(l[5].arg, 2);
    assert_int_equal(l[6].action, RTAS_CALL_CHECK_EXCEPTION);
    assert_int_equal(l[6].pred.rc, 1);
    assert_int_equal(l[7].action, RTAS_CALL_EVENT_SCAN);
    assert_int_equal(l[7].pred.value, UINT32_MAX);
    assert_int_equal(l[8].kind, LINE_ASSERT);
    assert_int_equal(l[8].drc.kind, DRC_REF_DIMM_LMB);
    assert_int_equal(l[8].drc.n, 0);
    assert_int_equal(l[8].pred.has, PRED_DEV | PRED_STATE);
    assert_int_equal(l[8].pred.dev, 0);
    assert_int_equal(l[8].pred.state, SPAPR_DRC_STATE_PHYSICAL_POWERON);
    g_free(s);
}

static void test_scripts(void **state)
{
    struct scenario *s = parse_ok(
        "scenario s\n"
        "machine m\n"
        "device m cpu c1 core-id=1\n"
        "do m cont\n"
        "do m system_reset\n"
        "script second\n"
        "do m device_del c1\n"
        "script empty\n"
        "script third\n"
        "wait m quiescent\n"
        "expect m device c1 absent\n"
        "do m cont\n");
    (void)state;

    assert_int_equal(s->nscripts, 4);
    assert_string_equal(s->script_names[0], "main");
    assert_int_equal(s->script_first[0], 0);
    assert_int_equal(s->script_count[0], 2);
    assert_string_equal(s->script_names[1], "second");
    assert_int_equal(s->script_first[1], 2);
    assert_int_equal(s->script_count[1], 1);
    assert_string_equal(s->script_names[2], "empty");
    assert_int_equal(s->script_first[2], 3);
    assert_int_equal(s->script_count[2], 0);
    assert_string_equal(s->script_names[3], "third");
    assert_int_equal(s->script_first[3], 3);
    assert_int_equal(s->script_count[3], 2);
    assert_int_equal(s->nlines, 5);
    assert_int_equal(s->lines[0].script, 0);
    assert_int_equal(s->lines[1].script, 0);
    assert_int_equal(s->lines[2].script, 1);
    assert_int_equal(s->lines[3].script, 3);
    assert_int_equal(s->lines[4].script, 3);
    g_free(s);

    /* no line before the first `script`: no implicit "main" */
    s = parse_ok("scenario s\nmachine m\nscript a\ndo m cont\nscript main\ndo m cont\n");
    assert_int_equal(s->nscripts, 2);
    assert_string_equal(s->script_names[0], "a");
    assert_string_equal(s->script_names[1], "main");
    assert_int_equal(s->script_first[1], 1);
    assert_int_equal(s->lines[1].script, 1);
    g_free(s);
}

static void test_expects(void **state)
{
    struct scenario *s = parse_ok(
        "scenario e\n"
        "machine m cores=4\n"
        "device m cpu c1 core-id=1\n"
        "device m dimm d1 size=256M\n"
        "device m pci n0 slot=0\n"
        "expect m drc CPU:1 state=LOGICAL_CONFIGURED unplug-requested=no\n"
        "expect m device n0 present\n"
        "expect guest cpu c1 present\n"
        "expect guest lmb d1 absent\n"
        "expect libvirt vcpu c1 absent\n"
        "expect libvirt device d1 present\n"
        "expect event DEVICE_DELETED c1 emitted\n"
        "expect event MEM_UNPLUG_ERROR not-emitted\n");
    const struct scn_expect *e = s->expects;
    (void)state;

    assert_int_equal(s->nexpects, 8);
    assert_int_equal(e[0].kind, EXPECT_DRC);
    assert_int_equal(e[0].machine, 0);
    assert_int_equal(e[0].device, SCN_NO_DEVICE);
    assert_int_equal(e[0].drc.kind, DRC_REF_CPU);
    assert_int_equal(e[0].drc.n, 1);
    assert_int_equal(e[0].pred.has, PRED_STATE | PRED_UNPLUG_REQ);
    assert_int_equal(e[0].pred.state, SPAPR_DRC_STATE_LOGICAL_CONFIGURED);
    assert_int_equal(e[0].pred.unplug_requested, 0);
    assert_int_equal(e[0].loc.line, 6);
    assert_int_equal(e[1].kind, EXPECT_DEVICE);
    assert_int_equal(e[1].device, 2);
    assert_int_equal(e[1].present, 1);
    assert_int_equal(e[2].kind, EXPECT_GUEST_CPU);
    assert_int_equal(e[2].machine, 0xff);
    assert_int_equal(e[2].device, 0);
    assert_int_equal(e[2].present, 1);
    assert_int_equal(e[3].kind, EXPECT_GUEST_LMB);
    assert_int_equal(e[3].device, 1);
    assert_int_equal(e[3].present, 0);
    assert_int_equal(e[4].kind, EXPECT_LIBVIRT_VCPU);
    assert_int_equal(e[4].machine, 0xff);
    assert_int_equal(e[4].present, 0);
    assert_int_equal(e[5].kind, EXPECT_LIBVIRT_DEVICE);
    assert_int_equal(e[5].device, 1);
    assert_int_equal(e[6].kind, EXPECT_EVENT);
    assert_int_equal(e[6].machine, 0xff);
    assert_int_equal(e[6].event, QMP_DEVICE_DELETED);
    assert_int_equal(e[6].device, 0);
    assert_int_equal(e[6].present, 1);
    assert_int_equal(e[7].event, QMP_MEM_UNPLUG_ERROR);
    assert_int_equal(e[7].device, SCN_NO_DEVICE);
    assert_int_equal(e[7].present, 0);
    assert_int_equal(s->nlines, 0);
    g_free(s);
}

static void test_verdicts_and_knobs(void **state)
{
    struct scenario *s = parse_ok(
        "scenario v\n"
        "machine m\n"
        "knob qemu.cpu-unplug-timeout=15s\n"
        "knob guest.step=0-20s\n"
        "knob qemu.cas-drc-reset=reboot\n"
        "verdict upstream pass\n"
        "verdict qemu-6.0-rc0 fail false-unplug-error,lost-unplug,expect-failed\n");
    (void)state;

    assert_int_equal(s->nknobs, 3);
    assert_int_equal(s->knobs[0].id, KNOB_QEMU_CPU_UNPLUG_TIMEOUT);
    assert_int_equal(s->knobs[0].lo, 15000);
    assert_int_equal(s->knobs[0].loc.line, 3);
    assert_int_equal(s->knobs[0].loc.col, 1);
    assert_int_equal(s->knobs[1].id, KNOB_GUEST_STEP);
    assert_int_equal(s->knobs[1].lo, 0);
    assert_int_equal(s->knobs[1].hi, 20000);
    assert_int_equal(s->knobs[2].id, KNOB_QEMU_CAS_DRC_RESET);
    assert_int_equal(s->knobs[2].lo, CAS_DRC_RESET_REBOOT);

    assert_int_equal(s->nverdicts, 2);
    assert_string_equal(s->verdicts[0].variant, "upstream");
    assert_int_equal(s->verdicts[0].pass, 1);
    assert_string_equal(s->verdicts[1].variant, "qemu-6.0-rc0");
    assert_int_equal(s->verdicts[1].pass, 0);
    assert_int_equal(s->verdicts[1].families, (1u << FAM_FALSE_UNPLUG_ERROR) |
                     (1u << FAM_LOST_UNPLUG) | (1u << FAM_EXPECT_FAILED));
    assert_int_equal(s->verdicts[1].loc.line, 7);
    assert_int_equal(s->ignore_families, 0);
    g_free(s);
}

static void test_ignore(void **state)
{
    struct scenario *s = parse_ok(
        "scenario v\n"
        "machine m\n"
        "verdict upstream fail drc-migration-mismatch\n"
        "ignore false-unplug-error,guest-dlpar-error\n");
    (void)state;

    assert_int_equal(s->ignore_families,
                     (1u << FAM_FALSE_UNPLUG_ERROR) | (1u << FAM_GUEST_DLPAR_ERROR));
    assert_int_equal(s->ignore_loc.line, 4);
    assert_int_equal(s->ignore_loc.col, 8);
    assert_int_equal(s->verdicts[0].families, 1u << FAM_DRC_MIGRATION_MISMATCH);
    g_free(s);
}

static void test_lexer(void **state)
{
    struct scenario *s = parse_ok(
        "  scenario\tlex   # a comment \"with quotes\n"
        "title \"a \\\"quoted\\\" # not a comment \\\\ end\"# comment right after\r\n"
        "source \"\"\r\n"
        "#machine x\n"
        "\t\n"
        "machine m#comment\n"
        "do\tm   cont\n");
    char buf[64];
    struct scn_word w[SCN_MAX_WORDS];
    const char *msg = NULL;
    unsigned col = 0;
    (void)state;

    assert_string_equal(s->name, "lex");
    assert_string_equal(s->title, "a \"quoted\" # not a comment \\ end");
    assert_string_equal(s->source, "");
    assert_int_equal(s->nmachines, 1);
    assert_int_equal(s->lines[0].loc.line, 7);
    g_free(s);

    assert_int_equal(scn_split_words("  a \"b c\" d#e", 13, buf, w, &msg, &col), 3);
    assert_string_equal(w[0].s, "a");
    assert_int_equal(w[0].col, 3);
    assert_int_equal(w[0].end, 4);
    assert_string_equal(w[1].s, "b c");
    assert_int_equal(w[1].quoted, 1);
    assert_int_equal(w[1].col, 5);
    assert_int_equal(w[1].end, 10);
    assert_string_equal(w[2].s, "d");
    assert_int_equal(w[2].quoted, 0);
    assert_int_equal(scn_split_words("x \"", 3, buf, w, &msg, &col), -1);
    assert_string_equal(msg, "unterminated string");
    assert_int_equal(col, 3);
    assert_true(scn_valid_name("qemu-2.10"));
    assert_false(scn_valid_name("-x"));
    assert_false(scn_valid_name(""));
    assert_false(scn_valid_name("a/b"));
}

/* ---- errors ----------------------------------------------------------- */

static void test_errors_general(void **state)
{
    static const struct error_case cases[] = {
        { "scenario t\nbogus x\n", "t.scn:2:1: error: unknown statement 'bogus'" },
        { "scenario t\ntitle \"abc\n", "t.scn:2:7: error: unterminated string" },
        { "scenario t\ntitle \"abc\\\"\n", "t.scn:2:7: error: unterminated string" },
        { "scenario t\ntitle \"a\\nb\"\n",
          "t.scn:2:9: error: unknown escape in a string (only \\\" and \\\\)" },
        { "scenario t\ntitle \"a\"b\n", "t.scn:2:10: error: expected a blank after the closing quote" },
        { "scenario t\nmachine m\"x\"\n", "t.scn:2:10: error: unexpected '\"' inside a word" },
        { "scenario t\x01\n", "t.scn:1:11: error: control character in a word" },
        { "scenario t\ntitle \"a\tb\x7f\"\n", "t.scn:2:11: error: control character in a string" },
        { "\"scenario\" t\n", "t.scn:1:1: error: expected a statement, got a string" },
        { "scenario t\nmachine \"m\"\n", "t.scn:2:9: error: unexpected string \"m\"" },
        { "scenario t\nscenario u\n", "t.scn:2:1: error: duplicate `scenario` statement (first on line 1)" },
        { "scenario t\ntitle \"a\"\n\ntitle \"b\"\n",
          "t.scn:4:1: error: duplicate `title` statement (first on line 2)" },
        { "scenario t\nsource \"a\"\nsource \"a\"\n",
          "t.scn:3:1: error: duplicate `source` statement (first on line 2)" },
        { "scenario t\ntitle abc\n", "t.scn:2:7: error: expected a quoted string, got 'abc'" },
        { "scenario t\ntitle\n", "t.scn:2:6: error: expected `title \"TEXT\"`" },
        { "machine m\n", "t.scn:1:1: error: missing `scenario` statement" },
        { "", "t.scn:1:1: error: missing `scenario` statement" },
        { "scenario t\n", "t.scn:1:1: error: missing `machine` statement" },
        { "scenario t extra\n", "t.scn:1:12: error: unexpected 'extra' (expected `scenario NAME`)" },
        { "scenario\n", "t.scn:1:9: error: expected `scenario NAME`" },
        { "scenario 9lives\n", "t.scn:1:10: error: bad scenario name '9lives' (a letter, then "
          "letters, digits, '-', '_' or '.')" },
        { "scenario a123456789a123456789a123456789a123456789a123456789\n", "t.scn:1:10: error: scenario "
          "name 'a123456789a123456789a123456789a123456789a123456789' too long (max 47 bytes)" },
        { S1 "knob qemu.nope=on\n", "t.scn:3:6: error: unknown knob 'qemu.nope'" },
        { S1 "knob qemu.kvm-irqchip=maybe\n",
          "t.scn:3:6: error: bad value 'maybe' for knob qemu.kvm-irqchip: expected on or off" },
        { S1 "knob guest.step\n", "t.scn:3:6: error: expected knob NAME=VALUE, got 'guest.step'" },
        { S1 "knob guest.step=0-10ms\nknob guest.step=5s\n",
          "t.scn:4:6: error: knob guest.step already set on line 3" },
        { S1 "script a\ndo m cont\nscript a\n", "t.scn:5:8: error: duplicate script 'a'" },
        { S1 "do m cont\nscript main\n", "t.scn:4:8: error: duplicate script 'main'" },
    };
    (void)state;
    CHECK_ERRORS(cases);
}

static void test_errors_machine(void **state)
{
    static const struct error_case cases[] = {
        { "scenario t\nmachine m\nmachine m\n",
          "t.scn:3:9: error: duplicate machine 'm' (first defined on line 2)" },
        { "scenario t\nmachine a\nmachine b\nmachine c\n", "t.scn:4:9: error: too many machines (max 2)" },
        { "scenario t\nmachine m cores=11\n", "t.scn:2:11: error: cores=11 out of range (1..10)" },
        { "scenario t\nmachine m cores=0\n", "t.scn:2:11: error: cores=0 out of range (1..10)" },
        { "scenario t\nmachine m cores=x\n", "t.scn:2:11: error: cores=x: expected a number" },
        { "scenario t\nmachine m cores=-1\n", "t.scn:2:11: error: cores=-1: expected a number" },
        { "scenario t\nmachine m lmbs=17\n", "t.scn:2:11: error: lmbs=17 out of range (0..16)" },
        { "scenario t\nmachine m phbs=0\n", "t.scn:2:11: error: phbs=0 out of range (1..4)" },
        { "scenario t\nmachine m pci-slots=9\n", "t.scn:2:11: error: pci-slots=9 out of range (0..8)" },
        { "scenario t\nmachine m turbo=1\n", "t.scn:2:11: error: unknown machine option 'turbo=1'" },
        { "scenario t\nmachine m cores=2 cores=3\n",
          "t.scn:2:19: error: machine option 'cores' given twice" },
        { "scenario t\nmachine m like=nope\n", "t.scn:2:11: error: unknown machine 'nope'" },
        { "scenario t\nmachine m like=m\n", "t.scn:2:11: error: unknown machine 'm'" },
        { "scenario t\nmachine m ram=300M\n",
          "t.scn:2:11: error: ram=300M: not a positive multiple of 256M" },
        { "scenario t\nmachine m ram=0G\n", "t.scn:2:11: error: ram=0G: not a positive multiple of 256M" },
        { "scenario t\nmachine m ram=1T\n",
          "t.scn:2:11: error: ram=1T: expected a size such as 512M or 1G" },
        { "scenario t\nmachine m ram=1024\n",
          "t.scn:2:11: error: ram=1024: expected a size such as 512M or 1G" },
        { "scenario t\nmachine m ram=99999999G\n",
          "t.scn:2:11: error: ram=99999999G: expected a size such as 512M or 1G" },
        { "scenario t\nmachine m host=power7\n", "t.scn:2:11: error: host=power7: expected power8 or power9" },
        { "scenario t\nmachine m max-cpu-compat=power10\n",
          "t.scn:2:11: error: max-cpu-compat=power10: expected power8 or power9" },
        { "scenario t\nmachine m host=power8 cores=2 max-cpu-compat=power9\n",
          "t.scn:2:11: error: max-cpu-compat=power9 needs host=power9: QEMU exits at start "
          "(\"Compatibility PVR 0x0f000005 not valid for CPU\")" },
        { "scenario t\nmachine a host=power8\nmachine b like=a max-cpu-compat=power9\n",
          "t.scn:3:18: error: max-cpu-compat=power9 needs host=power9: QEMU exits at start "
          "(\"Compatibility PVR 0x0f000005 not valid for CPU\")" },
        { "scenario t\nmachine m guest=windows\n",
          "t.scn:2:11: error: guest=windows: expected linux, script or none" },
        { "scenario t\nmachine m incoming=tcp\n", "t.scn:2:11: error: incoming=tcp: expected incoming=defer" },
        { "scenario t\nmachine m slots=33\n", "t.scn:2:11: error: slots=33 out of range (1..32)" },
        { "scenario t\nmachine m slots=0\n", "t.scn:2:11: error: slots=0 out of range (1..32)" },
        { "scenario t\nmachine m prelaunch=yes\n", "t.scn:2:11: error: prelaunch takes no value" },
        { "scenario t\nmachine m cores\n", "t.scn:2:11: error: expected cores=VALUE" },
        { "scenario t\nmachine guest\n", "t.scn:2:9: error: 'guest' is a keyword and cannot name a machine" },
        { "scenario t\nmachine migrate\n",
          "t.scn:2:9: error: 'migrate' is a keyword and cannot name a machine" },
        { "scenario t\nmachine\n", "t.scn:2:8: error: expected `machine NAME [OPTION=VALUE]…`" },
    };
    (void)state;
    CHECK_ERRORS(cases);
}

static void test_errors_devices_and_do(void **state)
{
    static const struct error_case cases[] = {
        { S1 "do m device_add cpu c1 core-id=2\n",
          "t.scn:3:24: error: core-id=2 out of range: machine 'm' has cores=2" },
        { S1 "do m device_add phb p index=2\n",
          "t.scn:3:23: error: index=2 out of range: machine 'm' has phbs=2" },
        { S1 "do m device_add pci p slot=4\n",
          "t.scn:3:23: error: slot=4 out of range: machine 'm' has pci-slots=4" },
        { S1 "do m device_add pci p slot=x\n", "t.scn:3:23: error: slot=x: expected a number" },
        { S1 "do m device_add disk d1 size=1G\n",
          "t.scn:3:17: error: unknown device type 'disk' (expected cpu, dimm, phb or pci)" },
        { S1 "do m device_add dimm d1 size=300M\n",
          "t.scn:3:25: error: size=300M: not a positive multiple of 256M" },
        { S1 "do m device_add cpu c1 size=1G\n",
          "t.scn:3:24: error: unknown option 'size=1G' for a cpu device (expected core-id=N)" },
        { S1 "do m device_add dimm d1 core-id=1\n",
          "t.scn:3:25: error: unknown option 'core-id=1' for a dimm device (expected size=SIZE)" },
        { S1 "do m device_add cpu c1 core-id=1\ndo m device_add cpu c1 core-id=0\n",
          "t.scn:4:21: error: device 'c1' differs from its definition on line 3 (cpu core-id=1)" },
        { S1 "device m dimm c1 size=1G\ndo m device_add dimm c1 size=512M\n",
          "t.scn:4:22: error: device 'c1' differs from its definition on line 3 (dimm size=1024M)" },
        { S1 "do m device_add cpu c1 core-id=1\ndevice m pci c1 slot=1\n",
          "t.scn:4:14: error: device 'c1' differs from its definition on line 3 (cpu core-id=1)" },
        { S1 "do m device_del nope\n",
          "t.scn:3:17: error: unknown device 'nope' (no earlier line defines it)" },
        { S1 "do m device_del c1\ndevice m cpu c1 core-id=1\n",
          "t.scn:3:17: error: unknown device 'c1' (no earlier line defines it)" },
        { S1 "do m device_add cpu c1\n",
          "t.scn:3:23: error: expected `do [MACHINE] device_add TYPE ID ARG`" },
        { S1 "do m device_add cpu c1 core-id=1 x\n",
          "t.scn:3:34: error: unexpected 'x' (expected `do [MACHINE] device_add TYPE ID ARG`)" },
        { S1 "do m fly\n", "t.scn:3:6: error: unknown action 'fly' (expected device_add, "
          "device_del, migrate, cont, stop, system_reset, setvcpus or guest)" },
        { S1 "do m\n", "t.scn:3:5: error: expected `do [MACHINE] ACTION …`" },
        { S1 "do x cont\n", "t.scn:3:4: error: unknown machine or action 'x'" },
        { S2 "do cont\n", "t.scn:4:4: error: which machine? 2 machines are defined: write "
          "`do MACHINE cont …`" },
        { S2 "do src migrate src dst\n", "t.scn:4:8: error: `migrate` takes no machine before "
          "it: write `do migrate SRC DST`" },
        { S2 "do migrate src src\n", "t.scn:4:16: error: cannot migrate machine 'src' to itself" },
        { S2 "do migrate src nope\n", "t.scn:4:16: error: unknown machine 'nope'" },
        { S2 "do migrate src\n", "t.scn:4:15: error: expected `do migrate SRC DST`" },
        { S1 "do m setvcpus 3\n", "t.scn:3:15: error: 3 out of range (1..2)" },
        { S1 "do m setvcpus\n", "t.scn:3:14: error: expected `do [MACHINE] setvcpus N`" },
        { S1 "do m guest cpu-offline 2\n", "t.scn:3:24: error: 2 out of range (0..1)" },
        { S1 "do m guest reboot 1\n", "t.scn:3:12: error: unknown guest action 'reboot' "
          "(expected cpu-offline, lmb-busy or disk-read)" },
        { S1 "do m guest disk-read now\n",
          "t.scn:3:22: error: unexpected 'now' (expected `do [MACHINE] guest disk-read`)" },
        { S1 "do m device_add dimm d size=512M\ndo m guest lmb-busy d 2\n",
          "t.scn:4:23: error: 2 out of range (0..1)" },
        { S1 "do m device_add cpu c core-id=1\ndo m guest lmb-busy c 0\n",
          "t.scn:4:21: error: device 'c' is a cpu, not a dimm" },
        { S1 "do m guest lmb-busy nope 0\n", "t.scn:3:21: error: unknown device 'nope' (no earlier "
          "line defines it)" },
        { S1 "do m device_add dimm d size=512M\ndo m guest lmb-busy d\n",
          "t.scn:4:22: error: expected `do [MACHINE] guest lmb-busy DIMM N`" },
        { SS "do m guest cpu-offline 1\n", "t.scn:3:6: error: machine 'm' has guest=script: "
          "guest actions need guest=linux" },
        { S1 "do m cont now\n", "t.scn:3:11: error: unexpected 'now' (expected `do [MACHINE] cont`)" },
        { S1 "device nope cpu c1 core-id=1\n", "t.scn:3:8: error: unknown machine 'nope'" },
        { S1 "device m cpu c1 core-id=1\ndevice m cpu c1 core-id=1\n",
          "t.scn:4:14: error: device 'c1' is already on machine 'm' (line 3)" },
        { S1 "device m cpu c1\n", "t.scn:3:16: error: expected `device MACHINE TYPE ID ARG "
          "[hotpluggable=yes|no]`" },
        { S1 "device m cpu c1 core-id=1 hotpluggable=no x\n", "t.scn:3:43: error: unexpected 'x' "
          "(expected `device MACHINE TYPE ID ARG [hotpluggable=yes|no]`)" },
        { S1 "device m cpu c1 core-id=1 online=no\n", "t.scn:3:27: error: unknown option "
          "'online=no' for a `device` line (expected hotpluggable=yes|no)" },
        { S1 "device m cpu c1 core-id=1 hotpluggable=maybe\n", "t.scn:3:27: error: "
          "hotpluggable=maybe: expected hotpluggable=yes or hotpluggable=no" },
        { S1 "device m dimm d1 size=512M hotpluggable=no\n",
          "t.scn:3:28: error: hotpluggable= is a vCPU's: a dimm device has none" },
        { SS "device m cpu c1 core-id=1 hotpluggable=no\n", "t.scn:3:27: error: hotpluggable= is "
          "libvirt's, and libvirt manages only guest=linux machines ('m' is not)" },
        { S1 "do m device_add cpu c1 core-id=1 hotpluggable=no\n", "t.scn:3:34: error: "
          "unexpected 'hotpluggable=no' (expected `do [MACHINE] device_add TYPE ID ARG`)" },
        { S1 "device m cpu c1 core-id=1 hotpluggable=no\ndo m device_add cpu c1 core-id=1\n",
          "t.scn:4:21: error: device 'c1' differs from its definition on line 3 (cpu core-id=1 "
          "hotpluggable=no)" },
        { S2 "device src cpu c1 core-id=1 hotpluggable=no\ndevice dst cpu c1 core-id=1\n",
          "t.scn:5:16: error: device 'c1' differs from its definition on line 4 (cpu core-id=1 "
          "hotpluggable=no)" },
    };
    (void)state;
    CHECK_ERRORS(cases);
}

static void test_errors_wait(void **state)
{
    static const struct error_case cases[] = {
        { S1 "wait m event DEVICE_GONE\n", "t.scn:3:14: error: unknown event 'DEVICE_GONE' "
          "(expected DEVICE_DELETED, DEVICE_UNPLUG_GUEST_ERROR or MEM_UNPLUG_ERROR)" },
        { S1 "wait m quiescent timeout=soon\n",
          "t.scn:3:18: error: timeout=soon: expected a duration such as 500ms or 30s" },
        { S1 "wait m quiescent timeout=5m\n",
          "t.scn:3:18: error: timeout=5m: expected a duration such as 500ms or 30s" },
        { S1 "wait m quiescent timeout=0\n", "t.scn:3:18: error: timeout=0: a timeout must be positive" },
        { S1 "wait m sleep\n", "t.scn:3:8: error: unknown condition 'sleep' (expected "
          "guest-online, event, migrated or quiescent)" },
        { S1 "wait sleep\n", "t.scn:3:6: error: unknown machine or condition 'sleep'" },
        { S2 "wait quiescent\n", "t.scn:4:6: error: which machine? 2 machines are defined: "
          "write `wait MACHINE quiescent …`" },
        { S1 "wait m guest-online c9\n",
          "t.scn:3:21: error: unknown device 'c9' (no earlier line defines it)" },
        { S1 "wait m guest-online\n",
          "t.scn:3:20: error: expected `wait [MACHINE] guest-online ID [ID…] [timeout=D]`" },
        { S1 "do m device_add cpu c1 core-id=1\nwait m guest-online c1 c1\n",
          "t.scn:4:24: error: device 'c1' named twice" },
        { S1 "do m device_add dimm d1 size=256M\nwait m guest-online d1\n",
          "t.scn:4:21: error: device 'd1' is a dimm, not a cpu" },
        { S1 "wait timeout=1s\n", "t.scn:3:5: error: expected `wait [MACHINE] CONDITION … [timeout=D]`" },
        { S1 "wait m migrated now timeout=1s\n",
          "t.scn:3:17: error: unexpected 'now' (expected `wait [MACHINE] migrated [timeout=D]`)" },
        { S1 "wait m quiescent timeout=1s timeout=2s\n",
          "t.scn:3:18: error: unexpected 'timeout=1s' (expected `wait [MACHINE] quiescent [timeout=D]`)" },
    };
    (void)state;
    CHECK_ERRORS(cases);
}

static void test_errors_rtas(void **state)
{
    static const struct error_case cases[] = {
        { S1 "rtas m check-exception -> rc=0\n",
          "t.scn:3:6: error: rtas needs guest=script, machine 'm' has guest=linux" },
        { SS "rtas m check-exception rc=0\n",
          "t.scn:3:28: error: missing `->` and the results the call must give" },
        { SS "rtas m check-exception -> rc=x\n", "t.scn:3:27: error: rc=x: expected a signed number" },
        { SS "rtas m check-exception -> rc=2147483648\n",
          "t.scn:3:27: error: rc=2147483648: expected a signed number" },
        { SS "rtas m check-exception -> rc=--1\n", "t.scn:3:27: error: rc=--1: expected a signed number" },
        { SS "rtas m check-exception ->\n", "t.scn:3:26: error: expected at least one result after `->`" },
        { SS "rtas m get-sensor-state dr-entity-sense CPU:9 -> rc=0\n",
          "t.scn:3:41: error: CPU:9 out of range: machine 'm' has cores=2" },
        { SS "rtas m get-sensor-state dr-entity-sense LMB:8 -> rc=0\n",
          "t.scn:3:41: error: LMB:8 out of range: machine 'm' has lmbs=8" },
        { SS "rtas m get-sensor-state dr-entity-sense FOO:1 -> rc=0\n",
          "t.scn:3:41: error: unknown DRC name 'FOO:1' (expected CPU:N, LMB:N, LMB:DIMM.K, "
          "PHB:N, PCI:N or 0xINDEX)" },
        { SS "rtas m get-sensor-state dr-entity-sense cpu:1 -> rc=0\n",
          "t.scn:3:41: error: unknown DRC name 'cpu:1' (expected CPU:N, LMB:N, LMB:DIMM.K, "
          "PHB:N, PCI:N or 0xINDEX)" },
        { SS "rtas m get-sensor-state dr-entity-sense CPU:x -> rc=0\n",
          "t.scn:3:41: error: bad DRC name 'CPU:x' (expected CPU:N)" },
        { SS "rtas m get-sensor-state dr-entity-sense LMB:x -> rc=0\n",
          "t.scn:3:41: error: bad DRC name 'LMB:x' (expected LMB:N or LMB:DIMM.K)" },
        { SS "rtas m get-sensor-state dr-entity-sense 0xZZ -> rc=0\n",
          "t.scn:3:41: error: bad DRC index '0xZZ' (expected 0x and 1 to 8 hex digits)" },
        { SS "rtas m get-sensor-state dr-entity-sense 0x100000000 -> rc=0\n",
          "t.scn:3:41: error: bad DRC index '0x100000000' (expected 0x and 1 to 8 hex digits)" },
        { SS "device m dimm d size=512M\nrtas m get-sensor-state dr-entity-sense LMB:d.2 -> rc=0\n",
          "t.scn:4:41: error: LMB:d.2 out of range: DIMM 'd' has 2 LMBs" },
        { SS "device m cpu c size=512M\n",
          "t.scn:3:16: error: unknown option 'size=512M' for a cpu device (expected core-id=N)" },
        { SS "device m cpu c core-id=1\nrtas m get-sensor-state dr-entity-sense LMB:c.0 -> rc=0\n",
          "t.scn:4:41: error: device 'c' is a cpu, not a dimm" },
        { SS "rtas m get-sensor-state dr-entity-sense LMB:z.0 -> rc=0\n",
          "t.scn:3:41: error: unknown device 'z' (no earlier line defines it)" },
        { SS "rtas m get-sensor-state power CPU:1 -> rc=0\n",
          "t.scn:3:25: error: unknown sensor 'power' (expected dr-entity-sense)" },
        { SS "rtas m get-sensor-state CPU:1 -> rc=0\n",
          "t.scn:3:31: error: expected `rtas MACHINE get-sensor-state dr-entity-sense DRC -> RESULT…`" },
        { SS "rtas m set-indicator isolation-state CPU:1 unisolate -> state=LOGICAL_BOGUS\n",
          "t.scn:3:57: error: unknown DRC state 'LOGICAL_BOGUS'" },
        { SS "rtas m check-exception -> state=LOGICAL_UNUSABLE\n",
          "t.scn:3:27: error: state= needs a DRC; check-exception has none" },
        { SS "rtas m set-indicator power-state CPU:1 1 -> rc=0\n",
          "t.scn:3:22: error: unknown indicator 'power-state' (expected isolation-state, "
          "allocation-state or dr-indicator)" },
        { SS "rtas m set-indicator isolation-state CPU:1 maybe -> rc=0\n",
          "t.scn:3:44: error: 'maybe': expected isolate, unisolate or a number" },
        { SS "rtas m set-indicator dr-indicator CPU:1 on -> rc=0\n",
          "t.scn:3:41: error: 'on': expected a number" },
        { SS "rtas m configure-connector CPU:1 fast -> rc=0\n",
          "t.scn:3:34: error: unexpected 'fast' (expected walk)" },
        { SS "rtas m configure-connector CPU:1 walk now -> rc=0\n",
          "t.scn:3:39: error: unexpected 'now' (expected `rtas MACHINE configure-connector DRC [walk] -> RESULT…`)" },
        { SS "rtas m event-scan -> rc=0 rc=1\n", "t.scn:3:27: error: rc= given twice" },
        { SS "rtas m event-scan -> color=red\n", "t.scn:3:22: error: unknown result 'color=red' "
          "(expected rc=, value=, state=, dev=, unplug-requested= or needed=)" },
        { SS "rtas m event-scan -> rc\n", "t.scn:3:22: error: expected rc=VALUE" },
        { SS "rtas m event-scan CPU:1 -> rc=0\n",
          "t.scn:3:19: error: unexpected 'CPU:1' (expected `rtas MACHINE event-scan -> RESULT…`)" },
        { SS "rtas m reboot -> rc=0\n", "t.scn:3:8: error: unknown RTAS call 'reboot' (expected "
          "get-sensor-state, set-indicator, configure-connector, check-exception or event-scan)" },
        { SS "rtas x event-scan -> rc=0\n", "t.scn:3:6: error: unknown machine 'x'" },
        { SS "rtas m configure-connector CPU:1 -> dev=ghost\n",
          "t.scn:3:37: error: unknown device 'ghost' (no earlier line defines it)" },
    };
    (void)state;
    CHECK_ERRORS(cases);
}

static void test_errors_assert_expect_verdict(void **state)
{
    static const struct error_case cases[] = {
        { S1 "assert m drc CPU:1\n", "t.scn:3:19: error: expected `assert MACHINE drc DRC PREDICATE…`" },
        { S1 "assert m drc CPU:1 rc=0\n", "t.scn:3:20: error: unknown predicate 'rc=0' "
          "(expected state=, dev=, unplug-requested= or needed=)" },
        { S1 "assert m drc CPU:1 needed=maybe\n", "t.scn:3:20: error: needed=maybe: expected yes or no" },
        { S1 "assert m dev CPU:1 needed=no\n", "t.scn:3:10: error: expected drc after the machine, got 'dev'" },
        { S1 "assert m drc PHB:2 needed=no\n",
          "t.scn:3:14: error: PHB:2 out of range: machine 'm' has phbs=2" },
        { S1 "assert m drc PCI:4 needed=no\n",
          "t.scn:3:14: error: PCI:4 out of range: machine 'm' has pci-slots=4" },
        { S1 "device m cpu c1 core-id=1\nexpect m device c1 gone\n",
          "t.scn:4:20: error: expected present or absent, got 'gone'" },
        { S1 "device m dimm d size=1G\nexpect guest cpu d present\n",
          "t.scn:4:18: error: device 'd' is a dimm, not a cpu" },
        { S1 "device m cpu c core-id=1\nexpect guest lmb c present\n",
          "t.scn:4:18: error: device 'c' is a cpu, not a dimm" },
        { S1 "device m cpu c1 core-id=1\nexpect libvirt disk c1 present\n",
          "t.scn:4:16: error: expected vcpu or device, got 'disk'" },
        { S1 "expect guest cpu c1 present\n",
          "t.scn:3:18: error: unknown device 'c1' (no earlier line defines it)" },
        { S1 "expect guest cpu\n", "t.scn:3:17: error: expected `expect guest cpu|lmb ID present|absent`" },
        { S1 "expect event DEVICE_DELETED maybe\n",
          "t.scn:3:29: error: expected emitted or not-emitted, got 'maybe'" },
        { S1 "expect event DELETED emitted\n", "t.scn:3:14: error: unknown event 'DELETED' "
          "(expected DEVICE_DELETED, DEVICE_UNPLUG_GUEST_ERROR or MEM_UNPLUG_ERROR)" },
        { S1 "device m cpu c1 core-id=1\nexpect m cpu c1 present\n",
          "t.scn:4:10: error: expected drc or device after the machine, got 'cpu'" },
        { S1 "expect nope device c1 present\n", "t.scn:3:8: error: unknown machine 'nope'" },
        { S1 "expect m drc CPU:1\n", "t.scn:3:19: error: expected `expect MACHINE drc DRC PREDICATE…`" },
        { S1 "expect m drc CPU:1 state=LOGICAL_CONFIGURED state=INVALID\n",
          "t.scn:3:45: error: state= given twice" },
        { S1 "verdict upstream fail lost-unplug,bogus\n", "t.scn:3:23: error: unknown family 'bogus'" },
        { S1 "verdict upstream maybe\n", "t.scn:3:18: error: expected pass or fail, got 'maybe'" },
        { S1 "verdict upstream pass\nverdict upstream pass\n",
          "t.scn:4:9: error: duplicate verdict for variant 'upstream' (first on line 3)" },
        { S1 "verdict upstream fail\n", "t.scn:3:22: error: expected `verdict VARIANT fail FAMILY[,FAMILY…]`" },
        { S1 "verdict upstream fail lost-unplug,,qemu-abort\n",
          "t.scn:3:23: error: empty family name in 'lost-unplug,,qemu-abort'" },
        { S1 "verdict upstream fail qemu-abort,\n",
          "t.scn:3:23: error: empty family name in 'qemu-abort,'" },
        { S1 "verdict upstream fail qemu-abort,qemu-abort\n",
          "t.scn:3:23: error: family 'qemu-abort' listed twice" },
        { S1 "verdict upstream pass lost-unplug\n",
          "t.scn:3:23: error: unexpected 'lost-unplug' (expected `verdict VARIANT pass`)" },
        { S1 "verdict ../x pass\n", "t.scn:3:9: error: bad variant name '../x' (a letter, then "
          "letters, digits, '-', '_' or '.')" },
        { S1 "ignore\n", "t.scn:3:7: error: expected `ignore FAMILY[,FAMILY…]`" },
        { S1 "ignore lost-unplug view-mismatch\n",
          "t.scn:3:20: error: unexpected 'view-mismatch' (expected `ignore FAMILY[,FAMILY…]`)" },
        { S1 "ignore lost-unplug,bogus\n", "t.scn:3:8: error: unknown family 'bogus'" },
        { S1 "ignore lost-unplug,lost-unplug\n",
          "t.scn:3:8: error: family 'lost-unplug' listed twice" },
        { S1 "ignore lost-unplug\nignore view-mismatch\n",
          "t.scn:4:1: error: duplicate `ignore` (first on line 3)" },
        { S1 "ignore lost-unplug,qemu-abort\n", "t.scn:3:8: error: qemu-abort cannot be "
          "ignored: the model does not follow a domain past QEMU's crash" },
        { S1 "ignore guest-panic\n", "t.scn:3:8: error: guest-panic cannot be ignored: the "
          "model does not follow a domain past the guest's panic" },
        { S1 "verdict upstream fail qemu-abort,lost-unplug\nignore view-mismatch,lost-unplug\n",
          "t.scn:3:9: error: verdict for 'upstream' names 'lost-unplug', which `ignore` on line 4 "
          "takes out" },
        { S1 "ignore lost-unplug\nverdict upstream fail lost-unplug\n",
          "t.scn:4:9: error: verdict for 'upstream' names 'lost-unplug', which `ignore` on line 3 "
          "takes out" },
    };
    (void)state;
    CHECK_ERRORS(cases);
}

/* ---- bounds ----------------------------------------------------------- */

/* S1-like header, then count copies of line (with %d = index), then tail. */
static char *repeat(const char *head, const char *line, int count, const char *tail)
{
    GString *g = g_string_new(head);

    for (int i = 0; i < count; i++) {
        g_string_append_printf(g, line, i, i);
        g_string_append_c(g, '\n');
    }
    g_string_append(g, tail);
    return g_string_free(g, FALSE);
}

static void check_repeat(const char *head, const char *line, int ok_count, const char *err)
{
    char *text = repeat(head, line, ok_count, "");
    struct scenario *s = parse_ok(text);

    g_free(s);
    g_free(text);
    text = repeat(head, line, ok_count + 1, "");
    check_error(text, err);
    g_free(text);
}

static void test_bounds(void **state)
{
    char *text;
    (void)state;

    check_repeat(S1, "do m cont", MAX_LINES, "t.scn:259:1: error: too many script lines (max 256)");
    check_repeat(S1 "device m cpu c core-id=1\n", "expect m device c present",
                 SCN_MAX_EXPECTS, "t.scn:68:1: error: too many expect lines (max 64)");
    check_repeat(S1, "verdict v%d pass", SCN_MAX_VERDICTS,
                 "t.scn:27:1: error: too many verdict lines (max 24)");
    check_repeat(S1, "device m dimm d%d size=256M", MAX_DEVICES,
                 "t.scn:19:15: error: too many devices (max 16)");
    check_repeat(S1, "script s%d\ndo m cont", MAX_SCRIPTS,
                 "t.scn:23:8: error: too many scripts (max 10)");

    /* coldplug: the same 9 devices on two machines make 18 `device` lines */
    text = repeat("scenario t\nmachine a cores=10\nmachine b like=a\n",
                  "device a cpu c%d core-id=%d", 9, "");
    {
        GString *g = g_string_new(text);
        for (int i = 0; i < 7; i++)
            g_string_append_printf(g, "device b cpu c%d core-id=%d\n", i, i);
        g_free(parse_ok(g->str));
        g_string_append(g, "device b cpu c7 core-id=7\n");
        check_error(g->str, "t.scn:20:1: error: too many `device` lines (max 16)");
        g_string_free(g, TRUE);
    }
    g_free(text);

    /* lines and words */
    text = g_strnfill(SCN_LINE_MAX + 1, 'x');
    {
        char *t2 = g_strconcat("scenario t\n", text, "\n", NULL);
        check_error(t2, "t.scn:2:1: error: line too long (max 4096 bytes)");
        g_free(t2);
    }
    g_free(text);
    {
        GString *g = g_string_new("scenario t\nx");
        for (int i = 1; i < SCN_MAX_WORDS; i++)
            g_string_append(g, " x");
        check_error(g->str, "t.scn:2:1: error: unknown statement 'x'");
        g_string_append(g, " x\n");
        check_error(g->str, "t.scn:2:65: error: too many words on one line (max 32)");
        g_string_free(g, TRUE);
    }
}

/* ---- files ------------------------------------------------------------ */

static char *make_tmpdir(void)
{
    char *dir = g_dir_make_tmp("drcsim-test-XXXXXX", NULL);

    assert_non_null(dir);
    return dir;
}

static void remove_tmpdir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        char *p = g_build_filename(dir, name, NULL);
        g_remove(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
}

static void write_file(const char *dir, const char *name, const char *text, gssize len)
{
    char *p = g_build_filename(dir, name, NULL);

    assert_true(g_file_set_contents(p, text, len, NULL));
    g_free(p);
}

static void test_parse_file(void **state)
{
    char *dir = make_tmpdir();
    char *path = g_build_filename(dir, "a.scn", NULL);
    char *missing = g_build_filename(dir, "missing.scn", NULL);
    struct scenario *s = g_new0(struct scenario, 1);
    char err[1024], *want;
    (void)state;

    write_file(dir, "a.scn", arch_example, -1);
    assert_true(scenario_parse_file(path, s, err, sizeof(err)));
    assert_string_equal(s->path, path);
    assert_string_equal(s->name, "hotplug-migrate-unplug");
    assert_int_equal(s->nlines, 6);

    assert_false(scenario_parse_file(missing, s, err, sizeof(err)));
    want = g_strdup_printf("%s:1:1: error: No such file or directory", missing);
    assert_string_equal(err, want);
    g_free(want);

    {
        static const char nul[] = "scenario t\nmachine m\ndo m \0cont\n";
        write_file(dir, "a.scn", nul, sizeof(nul) - 1);
    }
    assert_false(scenario_parse_file(path, s, err, sizeof(err)));
    want = g_strdup_printf("%s:3:6: error: NUL byte in file", path);
    assert_string_equal(err, want);
    g_free(want);

    /* the error is truncated to errlen, and never overflows */
    assert_false(scenario_parse_string("t.scn", "bogus\n", s, err, 10));
    assert_string_equal(err, "t.scn:1:1");
    assert_false(scenario_parse_string("t.scn", "bogus\n", s, NULL, 0));

    g_free(s);
    g_free(path);
    g_free(missing);
    remove_tmpdir(dir);
}

/* Every mutation of the examples parses or fails with one error line. */
static void check_mutant(struct scenario *s, const char *text)
{
    char err[256];

    if (scenario_parse_string("t.scn", text, s, err, sizeof(err)))
        return;
    if (strncmp(err, "t.scn:", 6) || !strstr(err, ": error: ") || strchr(err, '\n'))
        fail_msg("bad error line '%s' for:\n%s", err, text);
}

static void mutate_all(struct scenario *s, const char *base)
{
    static const char subst[] = " \"#=:x9\n\\->.,\t0";
    size_t len = strlen(base);
    char *text = g_malloc(len + 2);

    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof(subst) - 1; k++) {
            memcpy(text, base, len + 1);
            text[i] = subst[k];
            check_mutant(s, text);
        }
        memcpy(text, base, i);                    /* delete byte i */
        memcpy(text + i, base + i + 1, len - i);
        check_mutant(s, text);
        memcpy(text, base, i);                    /* truncate at i */
        text[i] = '\0';
        check_mutant(s, text);
    }
    g_free(text);
}

static void test_mutations(void **state)
{
    struct scenario *s = g_new0(struct scenario, 1);
    static const char *const vocab[] = {
        "scenario", "machine", "do", "wait", "rtas", "assert", "expect", "verdict", "device",
        "script", "knob", "m", "n", "cpu", "dimm", "c1", "d1", "CPU:1", "LMB:d1.0", "0x1",
        "->", "rc=0", "state=INVALID", "dev=c1", "core-id=1", "size=1G", "guest=script",
        "device_add", "device_del", "migrate", "guest", "event", "DEVICE_DELETED", "timeout=1s",
        "set-indicator", "isolation-state", "configure-connector", "walk", "present", "\"s\"",
        "#", "\n", "\n", "\n",
    };
    GRand *r = g_rand_new_with_seed(42);
    (void)state;

    mutate_all(s, arch_example);
    mutate_all(s, rtas_example);
    for (int run = 0; run < 3000; run++) {
        GString *g = g_string_new("scenario f\nmachine m guest=script\n");
        int words = g_rand_int_range(r, 1, 60);
        for (int i = 0; i < words; i++) {
            g_string_append(g, vocab[g_rand_int_range(r, 0, G_N_ELEMENTS(vocab))]);
            g_string_append_c(g, ' ');
        }
        check_mutant(s, g->str);
        g_string_free(g, TRUE);
    }
    g_rand_free(r);
    g_free(s);
}

/* ---- variants --------------------------------------------------------- */

static int variant_setup(void **state)
{
    char *dir = make_tmpdir();

    write_file(dir, "base.var", "variant base\ntitle \"Base\"\nknob qemu.kvm-irqchip=off\n"
               "knob guest.step=0-10ms\n", -1);
    write_file(dir, "mid.var", "# a comment\nvariant mid   # trailing\nbased-on base\n"
               "knob qemu.kvm-irqchip=on\nknob libvirt.unplug-timeout=5s\n", -1);
    write_file(dir, "top.var", "variant top\ntitle \"Top \\\"quoted\\\"\"\n"
               "knob qemu.cas-drc-reset=reboot\nbased-on mid\n", -1);
    write_file(dir, "a.var", "variant a\nbased-on b\n", -1);
    write_file(dir, "b.var", "variant b\nbased-on a\n", -1);
    write_file(dir, "self.var", "variant self\nbased-on self\n", -1);
    write_file(dir, "bad.var", "variant bad\nknob qemu.bogus=on\n", -1);
    write_file(dir, "badval.var", "variant badval\n\n  knob qemu.reset-order=sideways\n", -1);
    write_file(dir, "wrong.var", "variant right\n", -1);
    write_file(dir, "orphan.var", "variant orphan\nbased-on ghost\n", -1);
    write_file(dir, "anon.var", "title \"no name\"\n", -1);
    write_file(dir, "stmt.var", "variant stmt\nverdict x pass\n", -1);
    write_file(dir, "dup.var", "variant dup\nknob qemu.kvm-irqchip=on\nknob qemu.kvm-irqchip=off\n", -1);
    write_file(dir, "twice.var", "variant twice\nbased-on base\nbased-on mid\n", -1);
    write_file(dir, "onup.var", "variant onup\nbased-on upstream\nknob qemu.migrate-ccs=on\n", -1);
    write_file(dir, "quoted.var", "variant quoted\nbased-on \"base\"\n", -1);
    write_file(dir, "deep.var", "variant deep\nbased-on a\n", -1);
    *state = dir;
    return 0;
}

static int variant_teardown(void **state)
{
    remove_tmpdir(*state);
    return 0;
}

static void check_variant_error(const char *dir, const char *name, const char *file,
                                const char *suffix)
{
    struct variant v;
    char err[1024], *want;

    assert_false(variant_load(dir, name, &v, err, sizeof(err)));
    want = file ? g_strdup_printf("%s/%s%s", dir, file, suffix) : g_strdup(suffix);
    assert_string_equal(err, want);
    g_free(want);
}

static void test_variant_chain(void **state)
{
    const char *dir = *state;
    struct variant v;
    struct knob_set def;
    char err[1024], *path;

    knobs_default(&def);
    assert_true(variant_load(dir, "top", &v, err, sizeof(err)));
    assert_string_equal(v.name, "top");
    assert_string_equal(v.title, "Top \"quoted\"");
    path = g_strdup_printf("%s/top.var", dir);
    assert_string_equal(v.path, path);
    g_free(path);
    assert_int_equal(v.knobs.lo[KNOB_QEMU_KVM_IRQCHIP], 1);            /* mid over base */
    assert_int_equal(v.knobs.lo[KNOB_GUEST_STEP], 0);                  /* base */
    assert_int_equal(v.knobs.hi[KNOB_GUEST_STEP], 10);
    assert_int_equal(v.knobs.lo[KNOB_LIBVIRT_UNPLUG_TIMEOUT], 5000);   /* mid */
    assert_int_equal(v.knobs.lo[KNOB_QEMU_CAS_DRC_RESET], CAS_DRC_RESET_REBOOT); /* own */
    for (int k = 0; k < KNOB_COUNT; k++) {
        if (k == KNOB_QEMU_KVM_IRQCHIP || k == KNOB_GUEST_STEP ||
            k == KNOB_LIBVIRT_UNPLUG_TIMEOUT || k == KNOB_QEMU_CAS_DRC_RESET)
            continue;
        assert_int_equal(v.knobs.lo[k], def.lo[k]);
        assert_int_equal(v.knobs.hi[k], def.hi[k]);
    }

    assert_true(variant_load(dir, "mid", &v, err, sizeof(err)));
    assert_string_equal(v.name, "mid");
    assert_string_equal(v.title, "");
    assert_int_equal(v.knobs.hi[KNOB_GUEST_STEP], 10);

    assert_true(variant_load(dir, "base", &v, err, sizeof(err)));
    assert_int_equal(v.knobs.lo[KNOB_QEMU_KVM_IRQCHIP], 0);
    assert_int_equal(v.knobs.lo[KNOB_LIBVIRT_UNPLUG_TIMEOUT], def.lo[KNOB_LIBVIRT_UNPLUG_TIMEOUT]);
}

static void test_variant_upstream(void **state)
{
    const char *dir = *state;
    struct variant v;
    struct knob_set def;
    char err[1024];

    knobs_default(&def);
    assert_true(variant_load(dir, "upstream", &v, err, sizeof(err)));
    assert_string_equal(v.name, "upstream");
    assert_string_equal(v.title, "today's upstream: QEMU master, Linux mainline, libvirt master");
    assert_string_equal(v.path, "");
    assert_memory_equal(&v.knobs, &def, sizeof(def));

    assert_true(variant_load(dir, "onup", &v, err, sizeof(err)));
    assert_int_equal(v.knobs.lo[KNOB_QEMU_MIGRATE_CCS], 1);
    assert_string_equal(v.title, "");

    /* an upstream.var file, when present, is what upstream means */
    write_file(dir, "upstream.var", "variant upstream\ntitle \"mine\"\nknob qemu.migrate-ccs=on\n", -1);
    assert_true(variant_load(dir, "upstream", &v, err, sizeof(err)));
    assert_string_equal(v.title, "mine");
    assert_int_equal(v.knobs.lo[KNOB_QEMU_MIGRATE_CCS], 1);
}

static void test_variant_errors(void **state)
{
    const char *dir = *state;
    char *msg;

    check_variant_error(dir, "a", "b.var", ":2:10: error: based-on cycle: a -> b -> a");
    check_variant_error(dir, "b", "a.var", ":2:10: error: based-on cycle: b -> a -> b");
    check_variant_error(dir, "deep", "b.var", ":2:10: error: based-on cycle: a -> b -> a");
    check_variant_error(dir, "self", "self.var", ":2:10: error: based-on cycle: self -> self");
    check_variant_error(dir, "bad", "bad.var", ":2:6: error: unknown knob 'qemu.bogus'");
    check_variant_error(dir, "badval", "badval.var", ":3:8: error: bad value 'sideways' for knob "
                        "qemu.reset-order: not one of the knob's values (see `drcsim list knobs`)");
    check_variant_error(dir, "wrong", "wrong.var",
                        ":1:9: error: variant 'right' does not match the file name wrong.var");
    msg = g_strdup_printf(":2:10: error: variant 'ghost' not found in %s", dir);
    check_variant_error(dir, "orphan", "orphan.var", msg);
    g_free(msg);
    msg = g_strdup_printf("variant 'nope' not found in %s", dir);
    check_variant_error(dir, "nope", NULL, msg);
    g_free(msg);
    check_variant_error(dir, "anon", "anon.var", ":1:1: error: missing `variant` statement");
    check_variant_error(dir, "stmt", "stmt.var", ":2:1: error: unknown statement 'verdict'");
    check_variant_error(dir, "dup", "dup.var", ":3:6: error: knob qemu.kvm-irqchip already set on line 2");
    check_variant_error(dir, "twice", "twice.var",
                        ":3:1: error: duplicate `based-on` statement (first on line 2)");
    check_variant_error(dir, "quoted", "quoted.var", ":2:10: error: unexpected string \"base\"");
    check_variant_error(dir, "../etc/passwd", NULL, "bad variant name '../etc/passwd'");
    check_variant_error("/nonexistent-dir", "x", NULL, "variant 'x' not found in /nonexistent-dir");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_architecture_example_header),
        cmocka_unit_test(test_architecture_example_script),
        cmocka_unit_test(test_rtas_example),
        cmocka_unit_test(test_machine_options),
        cmocka_unit_test(test_machine_defaults),
        cmocka_unit_test(test_devices_and_coldplug),
        cmocka_unit_test(test_vcpu_hotpluggable),
        cmocka_unit_test(test_do_and_wait_forms),
        cmocka_unit_test(test_drc_names_and_results),
        cmocka_unit_test(test_scripts),
        cmocka_unit_test(test_expects),
        cmocka_unit_test(test_verdicts_and_knobs),
        cmocka_unit_test(test_ignore),
        cmocka_unit_test(test_lexer),
        cmocka_unit_test(test_errors_general),
        cmocka_unit_test(test_errors_machine),
        cmocka_unit_test(test_errors_devices_and_do),
        cmocka_unit_test(test_errors_wait),
        cmocka_unit_test(test_errors_rtas),
        cmocka_unit_test(test_errors_assert_expect_verdict),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test_setup_teardown(test_variant_chain, variant_setup, variant_teardown),
        cmocka_unit_test_setup_teardown(test_variant_upstream, variant_setup, variant_teardown),
        cmocka_unit_test_setup_teardown(test_variant_errors, variant_setup, variant_teardown),
    };
    (void)test_srcdir;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
