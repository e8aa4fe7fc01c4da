/*
 * Unit tests of the real-QEMU driver's parts that need no QEMU
 * (sim/realqemu*.c, sim/realdrive.c): -D trace line normalization, console
 * line extraction, the exact QEMU argv built from a scenario machine, the
 * exact QMP arguments of device_add/object-add, and what cannot be driven.
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "libvirt.h"
#include "realdrive.h"

static struct scenario *parse(const char *text)
{
    struct scenario *s = g_new0(struct scenario, 1);
    char err[512];

    if (!scenario_parse_string("t.scn", text, s, err, sizeof(err))) {
        g_free(s);
        fail_msg("unexpected error: %s", err);
    }
    return s;
}

static const struct real_setup paths = { "/usr/bin/qemu-system-ppc64", "/v/vmlinux", "/v/initrd.gz" };

/* ---- trace lines ------------------------------------------------------- */

static void check_trace(const char *line, const char *want, double want_epoch)
{
    char out[320];
    double epoch = -1;

    if (!real_trace_normalize(line, out, sizeof(out), &epoch))
        fail_msg("not normalized: %s", line);
    if (strcmp(out, want))
        fail_msg("for %s\nexpected: %s\n     got: %s", line, want, out);
    assert_true(epoch > want_epoch - 1e-6 && epoch < want_epoch + 1e-6);
}

static void test_trace_lines(void **state)
{
    char out[320];
    double e;

    (void)state;
    check_trace("20767@1795293140.985730:spapr_drc_set_allocation_state drc: 0x10000001, state: 0x1",
                "spapr_drc_set_allocation_state 0x10000001 1", 1795293140.985730);
    check_trace("20767@1795293142.550807:spapr_drc_set_isolation_state drc: 0x10000001, state: 0x0",
                "spapr_drc_set_isolation_state 0x10000001 0", 1795293142.550807);
    check_trace("1@2.000001:spapr_drc_attach drc: 0x80000004", "spapr_drc_attach 0x80000004", 2.000001);
    check_trace("1@2.5:spapr_drc_unplug_request drc: 0x10000001",
                "spapr_drc_unplug_request 0x10000001", 2.5);
    check_trace("1@3.0:spapr_drc_set_allocation_state_finalizing drc: 0x10000001",
                "spapr_drc_set_allocation_state_finalizing 0x10000001", 3.0);
    check_trace("1@3.0:spapr_drc_set_configured drc: 0x10000001", "spapr_drc_set_configured 0x10000001", 3.0);
    check_trace("1@3.0:spapr_drc_reset drc: 0x10000000", "spapr_drc_reset 0x10000000", 3.0);
    check_trace("1@4.0:spapr_cas_pvr current=0x0, explicit_match=1, new=0xf000005",
                "spapr_cas_pvr 0x0 1 0xf000005", 4.0);
    /* without -msg timestamp=on: no time */
    check_trace("spapr_drc_attach drc: 0x10000002", "spapr_drc_attach 0x10000002", 0);
    /* construction noise and foreign lines */
    assert_false(real_trace_normalize("1@1.0:spapr_drc_realize drc: 0x10000000", out, sizeof(out), &e));
    assert_false(real_trace_normalize("1@1.0:spapr_drc_realize_child drc: 0x10000000, child name: "
                                      "dr-connector[268435456]", out, sizeof(out), &e));
    assert_false(real_trace_normalize("1@1.0:spapr_drc_realize_complete drc: 0x10000000", out,
                                      sizeof(out), &e));
    assert_false(real_trace_normalize("qemu-system-ppc64: warning: TCG doesn't support", out,
                                      sizeof(out), &e));
    assert_false(real_trace_normalize("", out, sizeof(out), &e));
}

/* ---- console lines ------------------------------------------------------ */

static void check_guest(const char *line, const char *want)
{
    char out[320];

    if (!want) {
        if (real_guest_line(line, out, sizeof(out)))
            fail_msg("extracted from %s: %s", line, out);
        return;
    }
    if (!real_guest_line(line, out, sizeof(out)))
        fail_msg("not extracted: %s", line);
    if (strcmp(out, want))
        fail_msg("for %s\nexpected: %s\n     got: %s", line, want, out);
}

/* A kernel line the shell's prompt split across two console lines (hvc0, TCG). */
static void test_console_line_cut_by_prompt(void **state)
{
    char out[320];

    (void)state;
    assert_true(real_guest_line_cont("[    1.643424] p\r",
                                     "/ # \033[6nseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004\r",
                                     out, sizeof(out)));
    assert_string_equal(out, "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004");
    /* the kernel line began after a command's output on the same line */
    assert_true(real_guest_line_cont("@@E2@@[    1.643424] p\r",
                                     "/ # \033[6nseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004\r",
                                     out, sizeof(out)));
    assert_string_equal(out, "pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004");
    /* a complete kernel line before the prompt: the next line stands alone */
    assert_false(real_guest_line_cont("[    1.3] pseries-hotplug-mem: Attempting to hot-add 2 LMB(s) at index 80000004",
                                      "/ # echo", out, sizeof(out)));
    /* no prompt: not a continuation */
    assert_false(real_guest_line_cont("[    1.643424] p", "series-hotplug-mem: Attempting to", out,
                                      sizeof(out)));
    /* a kernel line of its own after the prompt: not the rest of prev */
    assert_false(real_guest_line_cont("[    1.67] radix-mmu: Mapped 0x0000000040000000",
                                      "/ # [    2.0] pseries-hotplug-cpu: Successfully added CPU",
                                      out, sizeof(out)));
    /* no kernel stamp before it */
    assert_false(real_guest_line_cont("/ # ls", "/ # echo", out, sizeof(out)));
}

static void test_console_lines(void **state)
{
    (void)state;
    check_guest("[    5.318172] pseries-hotplug-cpu: Successfully added CPU PowerPC,POWER9, drc index: 10000001\r",
                "pseries-hotplug-cpu: Successfully added CPU PowerPC,POWER9, drc index: 10000001");
    check_guest("[    1.862000] pseries-hotplug-cpu: Failed to acquire DRC, rc: -22, drc index: 10000001",
                "pseries-hotplug-cpu: Failed to acquire DRC, rc: -22, drc index: 10000001");
    check_guest("[   12.000001] pseries-hotplug-mem: Memory at 40000000 (drc index 80000004) was hot-added",
                "pseries-hotplug-mem: Memory at 40000000 (drc index 80000004) was hot-added");
    check_guest("[    3.1] dlpar: Could not handle DLPAR request \"cpu add index 0x10000001\"",
                "dlpar: Could not handle DLPAR request \"cpu add index 0x10000001\"");
    /* a PCI record logged for rtas_errd (printk_log_rtas), after the prompt */
    check_guest("/ # \033[6n[    5.984363] RTAS: event: 1, Type: Hotplug Event (229), Severity: 1",
                "RTAS: event: 1, Type: Hotplug Event (229), Severity: 1");
    check_guest("[    0.153941] RTAS daemon started", NULL);
    /* the shell's prompt and a terminal query before the kernel's line */
    check_guest("/ # \033[6n[    5.232314] pseries-hotplug-cpu: Attempting to add CPU, drc index: 10000001",
                "pseries-hotplug-cpu: Attempting to add CPU, drc index: 10000001");
    /* ... or in the middle of it (seen in a CI run) */
    check_guest("[    1.424536] p/ # series-hotplug-cpu: Attempting to remove CPU PowerPC,POWER9, drc "
                "index: 10000001",
                "pseries-hotplug-cpu: Attempting to remove CPU PowerPC,POWER9, drc index: 10000001");
    check_guest("[    1.7] pseries-hotplug-cpu: Unable to remove last online CPU PowerPC,POWER9",
                "pseries-hotplug-cpu: Unable to remove last online CPU PowerPC,POWER9");
    /* not from pseries hotplug */
    check_guest("[    0.117676] nvram: Failed to initialize oops partition!", NULL);
    check_guest("=== GUEST-READY uptime=0.92 cpus_online=0 ===", NULL);
    check_guest("/ # echo \"@@\"\"B1@@\"; cat /sys/devices/system/cpu/online; echo \"@@\"\"E1@@\"", NULL);
    check_guest("", NULL);
}

static void test_clean_output(void **state)
{
    char text[] = "0-1\r\n[    5.3] pseries-hotplug-cpu: Successfully added CPU\r\n\r\n"
                  "2[    6.1] dlpar: x\r\n\033[6n\r\n";

    (void)state;
    real_clean_output(text);
    assert_string_equal(text, "0-1\n2");
}

/* ---- command lines ----------------------------------------------------- */

static void check_argv(const struct scenario *s, int m, const char *const *want)
{
    struct real_vm_config cfg;
    char **argv;

    real_machine_config(s, m, &paths, "/w", &cfg);
    argv = real_vm_argv(&cfg);
    for (int i = 0; want[i] || argv[i]; i++)
        if (!want[i] || !argv[i] || strcmp(want[i], argv[i]))
            fail_msg("argv[%d]: expected %s, got %s", i, want[i] ? want[i] : "(end)",
                     argv[i] ? argv[i] : "(end)");
    g_strfreev(argv);
    real_machine_config_clear(&cfg);
}

#define HEAD() "/usr/bin/qemu-system-ppc64", "-M", "pseries,x-vof=on", "-cpu", "POWER9", \
    "-smp"
#define MIDDLE(n) "-nodefaults", "-display", "none", "-monitor", "none", "-chardev", \
    "socket,id=con0,path=/w/" n ".con,server=on,wait=off,logfile=/w/" n ".console.log", \
    "-serial", "chardev:con0", "-kernel", "/v/vmlinux", "-initrd", "/v/initrd.gz", "-append", \
    "console=hvc0 memhp_default_state=online_movable", "-qmp", \
    "unix:/w/" n ".qmp,server=on,wait=off", "-msg", "timestamp=on", "-trace", "spapr_drc*", \
    "-trace", "spapr_rtas*", "-trace", "spapr_cas*", "-D", "/w/" n ".trace"

static void test_argv(void **state)
{
    struct scenario *s = parse("scenario t\nmachine m cores=4 lmbs=8\n"
                               "do m device_add cpu core1 core-id=1\n"
                               "do m device_del core1\n"
                               "do m device_add cpu core2 core-id=2\n");
    static const char *const want[] = {
        HEAD(), "1,maxcpus=6", "-m", "1024M,slots=32,maxmem=3072M", MIDDLE("m"), NULL };
    struct scenario *s3 = parse("scenario t\nmachine m cores=2 lmbs=4 slots=3\n");
    static const char *const want3[] = {   /* -m slots= as the scenario gives it */
        HEAD(), "1,maxcpus=2", "-m", "1024M,slots=3,maxmem=2048M", MIDDLE("m"), NULL };

    (void)state;
    check_argv(s, 0, want);
    check_argv(s3, 0, want3);
    g_free(s3);
    g_free(s);
}

static void test_argv_migration(void **state)
{
    /* dst: -S -incoming defer; it receives src's core (one more vCPU creation);
       lmbs default 8; prelaunch: -S; coldplug: -object/-device; lmbs=0: plain -m */
    struct scenario *s = parse("scenario t\nmachine src cores=2 ram=2G prelaunch\n"
                               "machine dst like=src incoming=defer\n"

                               "device src dimm d0 size=256M\n"
                               "device src pci net0 slot=3\n"
                               "do src device_add cpu core1 core-id=1\n"
                               "do src cont\n"
                               "do migrate src dst\n");
    static const char *const want_src[] = {
        HEAD(), "1,maxcpus=3", "-m", "2048M,slots=32,maxmem=4096M", MIDDLE("src"), "-S",
        "-object", "memory-backend-ram,id=mem-d0,size=256M", "-device", "pc-dimm,id=d0,memdev=mem-d0",
        "-device", "virtio-net-pci,id=net0,bus=pci.0,addr=0x3,romfile=", NULL };
    static const char *const want_dst[] = {
        HEAD(), "1,maxcpus=3", "-m", "2048M,slots=32,maxmem=4096M", MIDDLE("dst"), "-S",
        "-incoming", "defer", NULL };
    static const char *const want_nomem[] = {
        HEAD(), "1,maxcpus=3", "-m", "1024M", MIDDLE("nomem"), NULL };
    struct scenario *s2 = parse("scenario t\nmachine nomem cores=3 lmbs=0\n");

    (void)state;
    check_argv(s, 0, want_src);
    check_argv(s, 1, want_dst);
    check_argv(s2, 0, want_nomem);
    g_free(s);
    g_free(s2);
}

/* A hotpluggable vCPU: -device on a machine running from the start; on a -S one libvirt
 * device_adds it after start-up (qemuProcessSetupHotpluggableVcpus), as the driver does. */
static void test_argv_start_vcpus(void **state)
{
    struct scenario *run = parse("scenario t\nmachine m cores=2\ndevice m cpu core1 core-id=1\n");
    struct scenario *pre = parse("scenario t\nmachine m cores=2 prelaunch\n"
                                 "device m cpu core1 core-id=1\n");
    static const char *const want_run[] = {
        HEAD(), "1,maxcpus=3", "-m", "1024M,slots=32,maxmem=3072M", MIDDLE("m"),
        "-device", "power9_v2.0-spapr-cpu-core,id=core1,core-id=1", NULL };
    static const char *const want_pre[] = {
        HEAD(), "1,maxcpus=3", "-m", "1024M,slots=32,maxmem=3072M", MIDDLE("m"), "-S", NULL };

    (void)state;
    check_argv(run, 0, want_run);
    check_argv(pre, 0, want_pre);
    assert_false(libvirt_adds_at_start(run, 0, 0));
    assert_true(libvirt_adds_at_start(pre, 0, 0));
    g_free(run);
    g_free(pre);
}

/* hotpluggable=no vCPUs are counted in -smp, as libvirt's qemuBuildSmpCommandLine does,
 * with no -device; the others stay hotpluggable: -device, or device_add after a -S start. */
static void test_argv_smp_vcpus(void **state)
{
    struct scenario *p8 = parse("scenario t\n"
                                "machine src cores=2 host=power8 max-cpu-compat=power8 prelaunch\n"
                                "device src cpu core1 core-id=1 hotpluggable=no\n");
    struct scenario *mixed = parse("scenario t\nmachine m cores=3\n"
                                   "device m cpu c1 core-id=1 hotpluggable=no\n"
                                   "device m cpu c2 core-id=2\n");
    static const char *const want_p8[] = {
        "/usr/bin/qemu-system-ppc64", "-M", "pseries,x-vof=on,max-cpu-compat=power8", "-cpu",
        "POWER8", "-smp", "2,maxcpus=3", "-m", "1024M,slots=32,maxmem=3072M", MIDDLE("src"), "-S",
        NULL };
    static const char *const want_mixed[] = {
        HEAD(), "2,maxcpus=5", "-m", "1024M,slots=32,maxmem=3072M", MIDDLE("m"),
        "-device", "power9_v2.0-spapr-cpu-core,id=c2,core-id=2", NULL };

    (void)state;
    check_argv(p8, 0, want_p8);
    check_argv(mixed, 0, want_mixed);
    assert_false(libvirt_adds_at_start(p8, 0, 0));   /* on -smp: not added by QMP either */
    g_free(p8);
    g_free(mixed);
}

/* The scenario's knob qemu.ic-mode=xics is the machine's ic-mode property, after
 * max-cpu-compat; the default (dual) adds nothing. */
static void test_argv_ic_mode(void **state)
{
    static const char *const want_xics[] = {
        "/usr/bin/qemu-system-ppc64", "-M", "pseries,x-vof=on,ic-mode=xics", "-cpu", "POWER9",
        "-smp", "1,maxcpus=2", "-m", "1024M", MIDDLE("m"), NULL };
    static const char *const want_both[] = {
        "/usr/bin/qemu-system-ppc64", "-M", "pseries,x-vof=on,max-cpu-compat=power8,ic-mode=xics",
        "-cpu", "POWER8", "-smp", "1,maxcpus=2", "-m", "1024M", MIDDLE("m"), NULL };
    static const char *const want_dual[] = {
        HEAD(), "1,maxcpus=2", "-m", "1024M", MIDDLE("m"), NULL };
    static const struct { const char *machine, *knob, *const *want; } cases[] = {
        { "", "xics", want_xics },
        { " host=power8 max-cpu-compat=power8", "xics", want_both },
        { "", "dual", want_dual },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = g_strdup_printf("scenario t\nmachine m cores=2 lmbs=0%s\n"
                                     "knob qemu.ic-mode=%s\n", cases[i].machine, cases[i].knob);
        struct scenario *s = parse(text);
        check_argv(s, 0, cases[i].want);
        g_free(s);
        g_free(text);
    }
}

/* ---- QMP arguments ------------------------------------------------------ */

static void check_json(JsonNode *n, const char *want)
{
    char *text = json_to_string(n, FALSE);

    if (strcmp(text, want))
        fail_msg("expected: %s\n     got: %s", want, text);
    g_free(text);
    json_node_unref(n);
}

static void test_qmp_args(void **state)
{
    struct scenario *s = parse("scenario t\nmachine m cores=4 lmbs=8 pci-slots=8\n"
                               "do m device_add cpu core3 core-id=3\n"
                               "do m device_add dimm dimm1 size=512M\n"
                               "machine p8 cores=2 host=power8\n"
                               "do p8 device_add cpu c1 core-id=1\n"
                               "do m device_add pci net1 slot=7\n");

    (void)state;
    check_json(real_device_add_args(s, 0, 0),
               "{\"driver\":\"power9_v2.0-spapr-cpu-core\",\"id\":\"core3\",\"core-id\":3}");
    check_json(real_device_add_args(s, 0, 1),
               "{\"driver\":\"pc-dimm\",\"id\":\"dimm1\",\"memdev\":\"mem-dimm1\"}");
    check_json(real_object_add_args(&s->devices[1]),
               "{\"qom-type\":\"memory-backend-ram\",\"id\":\"mem-dimm1\",\"size\":536870912}");
    check_json(real_device_add_args(s, 1, 2),
               "{\"driver\":\"power8_v2.0-spapr-cpu-core\",\"id\":\"c1\",\"core-id\":1}");
    check_json(real_device_add_args(s, 0, 3),
               "{\"driver\":\"virtio-net-pci\",\"id\":\"net1\",\"bus\":\"pci.0\",\"addr\":\"0x7\",\"romfile\":\"\"}");
    g_free(s);
}

/* ---- what cannot be driven, set-up paths ------------------------------- */

static void test_drivable(void **state)
{
    struct scenario *ok = parse("scenario t\nmachine m cores=2\ndo m device_add cpu c1 core-id=1\n"
                                "wait m guest-online c1 timeout=5s\ndo m guest cpu-offline 0\n");
    struct scenario *rtas = parse("scenario t\nmachine m cores=2 guest=script\n"
                                  "do m device_add cpu c1 core-id=1\n"
                                  "rtas m get-sensor-state dr-entity-sense CPU:1 -> rc=0\n");
    struct scenario *setv = parse("scenario t\nmachine m cores=2\ndo m setvcpus 2\n");
    /* PCI devices go to QEMU; a PHB device_add libvirt refuses before QMP; a PHB on a
       command line is not built */
    struct scenario *pci = parse("scenario t\nmachine m cores=2 phbs=2 pci-slots=2\n"
                                 "device m pci net0 slot=0\ndo m device_add pci net1 slot=1\n"
                                 "do m device_add phb phb1 index=1\ndo m device_del net0\n");
    struct scenario *phb = parse("scenario t\nmachine m cores=2 phbs=2\ndevice m phb phb1 index=1\n");
    struct scenario *smp = parse("scenario t\nmachine m cores=3\ndevice m cpu c2 core-id=2\n"
                                 "device m cpu c1 core-id=1 hotpluggable=no\n");
    char why[256];

    (void)state;
    assert_true(real_scenario_drivable(ok, why, sizeof(why)));
    assert_false(real_scenario_drivable(rtas, why, sizeof(why)));
    assert_string_equal(why, "t.scn:2: machine m: only guest=linux runs on real QEMU");
    assert_false(real_scenario_drivable(setv, why, sizeof(why)));
    assert_string_equal(why, "t.scn:3: setvcpus cannot be driven on real QEMU");
    assert_true(real_scenario_drivable(pci, why, sizeof(why)));
    assert_false(real_scenario_drivable(phb, why, sizeof(why)));
    assert_string_equal(why, "t.scn:3: PHB devices cannot be driven on real QEMU");
    assert_true(real_scenario_drivable(smp, why, sizeof(why)));   /* test_argv_smp_vcpus */
    g_free(smp);
    g_free(pci);
    g_free(phb);
    g_free(ok);
    g_free(rtas);
    g_free(setv);
}

static void test_setup_load(void **state)
{
    char *dir = g_dir_make_tmp("drcsim-rq-XXXXXX", NULL), *file = g_build_filename(dir, "paths", NULL);
    struct real_setup p;
    char err[256];

    (void)state;
    assert_false(real_setup_load(dir, &p, err, sizeof(err)));
    assert_true(g_file_set_contents(file, "qemu=/q\nkernel=/k\ninitrd=/i\n", -1, NULL));
    assert_true(real_setup_load(dir, &p, err, sizeof(err)));
    assert_string_equal(p.qemu, "/q");
    assert_string_equal(p.kernel, "/k");
    assert_string_equal(p.initrd, "/i");
    g_unlink(file);
    g_rmdir(dir);
    g_free(file);
    g_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_lines),
        cmocka_unit_test(test_console_lines),
        cmocka_unit_test(test_console_line_cut_by_prompt),
        cmocka_unit_test(test_clean_output),
        cmocka_unit_test(test_argv),
        cmocka_unit_test(test_argv_migration),
        cmocka_unit_test(test_argv_start_vcpus),
        cmocka_unit_test(test_argv_smp_vcpus),
        cmocka_unit_test(test_argv_ic_mode),
        cmocka_unit_test(test_qmp_args),
        cmocka_unit_test(test_drivable),
        cmocka_unit_test(test_setup_load),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
