/*
 * The knob table (DOMAIN.md "Knobs"): names, values, defaults = today's
 * upstream, provenance. Also parses and formats knob values ("on", "15s",
 * "0-50ms") so scenarios, variants, --knob and trace headers agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "knobs.h"

static const char *const cas_drc_reset_values[] = { "on", "reboot", "off", NULL };
static const char *const reset_order_values[] = { "devices-first", "cas-first", NULL };
static const char *const unplug_error_event_values[] = {
    "DEVICE_UNPLUG_GUEST_ERROR", "MEM_UNPLUG_ERROR", "none", NULL };
static const char *const dst_place_values[] = { "command-line", "device-add", NULL };
static const char *const ic_mode_values[] = { "dual", "xics", NULL };
static const char *const vsmt_values[] = { "smp-threads", "8", NULL };
static const char *const job_lock_error_values[] = { "held-by-monitor", "held-by", NULL };
static const char *const duplicate_id_error_values[] = { "qdev-set-id", "qemu-opts", NULL };
static const char *const pci_busy_slot_error_values[] = { "pre-plug", "register", NULL };
static const char *const cpu_post_load_errno_values[] = { "EINVAL", "EPERM", NULL };
static const char *const dst_vcpus_values[] = { "device-add", "command-line", NULL };
static const char *const detach_missing_values[] = { "remove", "remove-device", "wait", "error",
                                                      NULL };

const struct knob_def knob_defs[KNOB_COUNT] = {
    [KNOB_QEMU_INMIGRATE_COLDPLUG] = { "qemu.inmigrate-coldplug", KNOB_BOOL, NULL, "on",
        "94fd9cbaa3 (2017-06)", "device_add while INMIGRATE is a coldplug: no event, DRC reset to ready" },
    [KNOB_QEMU_MIGRATE_PENDING_EVENTS] = { "qemu.migrate-pending-events", KNOB_BOOL, NULL, "on",
        "fd38804b38 (2017-07)", "pending hotplug events travel in the spapr_pending_events subsection" },
    [KNOB_QEMU_MIGRATE_UNPLUG_REQUESTED] = { "qemu.migrate-unplug-requested", KNOB_BOOL, NULL, "on",
        "dropped f1c52354e5 (2017-06), back ab8584349c (2020-02)", "the spapr_drc/unplug_requested subsection is sent" },
    [KNOB_QEMU_CAS_DRC_RESET] = { "qemu.cas-drc-reset", KNOB_ENUM, cas_drc_reset_values, "on",
        "ad334d89a6 (2020-02); reboot = 10f12e6450 (2017-08); off = July 2017",
        "at CAS: reset DRCs and drop hotplug events / CAS reboot if a DRC is transient / nothing" },
    [KNOB_QEMU_RESET_ORDER] = { "qemu.reset-order", KNOB_ENUM, reset_order_values, "devices-first",
        "25c9780d38 (2019-08)", "machine reset resets devices before the CAS and IRQ state" },
    [KNOB_QEMU_COMPAT_ALL_ON_RESET] = { "qemu.compat-all-on-reset", KNOB_BOOL, NULL, "on",
        "ce03a193e1 (2019-08)", "machine reset sets the compat PVR on every vCPU" },
    [KNOB_QEMU_CPU_UNPLUG_TIMEOUT] = { "qemu.cpu-unplug-timeout", KNOB_MS, NULL, "off",
        "51254ffb32 + d1c2e3ce3d, reverted d522cb52e6 (2021-03-31)", "CPU unplug timer that cancels a pending unplug; a repeated device_del of the core is refused meanwhile" },
    [KNOB_QEMU_UNISOLATE_CANCELS_UNPLUG] = { "qemu.unisolate-cancels-unplug", KNOB_BOOL, NULL, "on",
        "87758fed7a (ppc-for-6.1 pull of 2021-05-04: QEMU 6.1)", "guest UNISOLATE of a DRC with an unplug pending cancels it" },
    [KNOB_QEMU_LMB_RECONFIG_ROLLBACK] = { "qemu.lmb-reconfig-rollback", KNOB_BOOL, NULL, "on",
        "fe1831eff8 (2021)", "configure-connector on an LMB with an unplug pending rolls the DIMM unplug back" },
    [KNOB_QEMU_UNPLUG_ERROR_EVENT] = { "qemu.unplug-error-event", KNOB_ENUM, unplug_error_event_values,
        "DEVICE_UNPLUG_GUEST_ERROR", "d43f1670c7/4b08cd567b (6.2); eb7f80fd26 (6.0)",
        "QMP event emitted when the guest rejects an unplug" },
    [KNOB_QEMU_CPU_UNPLUG_RESEND_EVENT] = { "qemu.cpu-unplug-resend-event", KNOB_BOOL, NULL, "on",
        "2b18fc794f (2021-03); off = 47c8c915b1 (2019-10)", "every CPU device_del queues a new remove event" },
    [KNOB_QEMU_KVM_IRQCHIP] = { "qemu.kvm-irqchip", KNOB_BOOL, NULL, "on",
        "in-kernel XICS/XIVE devices (hw/intc/xics_kvm.c, spapr_xive_kvm.c)",
        "interrupts go through the KVM device of the active controller, which must be connected" },
    [KNOB_QEMU_IC_MODE] = { "qemu.ic-mode", KNOB_ENUM, ic_mode_values, "dual",
        "13db0cd9b8 (2019-01) spapr_irq_dual, the pseries default since pseries-4.0 "
        "(spapr_machine_class_init); before QEMU 4.0 only XICS",
        "interrupt controller: XICS until a POWER9-mode guest negotiates XIVE at CAS (dual), or "
        "XICS only" },
    [KNOB_QEMU_XIVE_CAS_REBOOT] = { "qemu.xive-cas-reboot", KNOB_BOOL, NULL, "off",
        "13db0cd9b8 (2019-01): the new mode takes a reset; 8deb8019d6 (QEMU 5.0) switches at CAS "
        "(spapr_irq_update_active_intc)",
        "a CAS that switches the dual backend to XIVE reboots the machine (ov5_cas kept)" },
    [KNOB_QEMU_MIGRATE_CCS] = { "qemu.migrate-ccs", KNOB_BOOL, NULL, "off",
        "proposal, 2016 (Jianjun Duan, \"migrate ccs_list\")", "migrate the configure-connector state" },
    [KNOB_QEMU_DRC_RESET_PRE_LOAD] = { "qemu.drc-reset-pre-load", KNOB_BOOL, NULL, "off",
        "proposal, 2017-07 RFC (D. H. Barboza, \"[RFC,drcVI] spapr: reset DRCs on migration pre_load\")",
        "reset all DRCs before loading the stream" },
    [KNOB_QEMU_VSMT] = { "qemu.vsmt", KNOB_ENUM, vsmt_values, "smp-threads",
        "spapr_set_vsmt_mode (hw/ppc/spapr.c): pseries-4.1 and older used MAX(8, smp_threads)",
        "virtual SMT mode; CPU DRC id = core-id * vsmt (threads=1: 8 makes core-id 1 0x10000008)" },
    [KNOB_QEMU_CAS_FULL_FDT] = { "qemu.cas-full-fdt", KNOB_BOOL, NULL, "on",
        "spapr_h_cas_compose_response builds the whole tree (A. Kardashevskiy, 2019, QEMU 4.2); "
        "before, CAS only patched the tree built at reset",
        "the guest boots with the tree of CAS time (on) or of the last machine reset (off)" },
    [KNOB_QEMU_TCG_STALE_VCPU] = { "qemu.tcg-stale-vcpu", KNOB_BOOL, NULL, "off",
        "QEMU 7.2/10.0 under TCG (ref/real-qemu-tcg.md; seen again by drcsim validate): "
        "tlb_flush -> qemu_thread_is_self on the freed vCPU",
        "after a vCPU core is unplugged, a DIMM plug, a migration, a reset or the firmware's "
        "start crashes QEMU" },
    [KNOB_QEMU_DUPLICATE_ID_ERROR] = { "qemu.duplicate-id-error", KNOB_ENUM,
        duplicate_id_error_values, "qdev-set-id",
        "qdev_set_id (system/qdev-monitor.c), QEMU 6.2's QDict-based device creation; seen on "
        "QEMU 7.2.22; qemu-opts = qemu_opts_create (util/qemu-option.c), up to QEMU 6.1",
        "the error of a device_add (or -device) whose id is taken: \"Duplicate device ID 'x'\" "
        "or \"Duplicate ID 'x' for device\"" },
    [KNOB_QEMU_PCI_BUSY_SLOT_ERROR] = { "qemu.pci-busy-slot-error", KNOB_ENUM,
        pci_busy_slot_error_values, "pre-plug",
        "spapr_pci_pre_plug since 9e4dc0a1c2 (G. Kurz, \"spapr: Do PCI device hotplug sanity "
        "checks at pre-plug only\", QEMU 6.0); register = do_pci_register_device (hw/pci/pci.c) "
        "before, which still had the device pending unplug on the bus",
        "the error of a PCI device_add (or -device) on a slot whose DRC holds a device: \"PCI: "
        "slot N already occupied by T\" or \"PCI: slot N function 0 not available for T, in use "
        "by T\"" },
    [KNOB_QEMU_MEMORY_UNPLUG_BEFORE_CAS] = { "qemu.memory-unplug-before-cas", KNOB_BOOL, NULL,
        "on", "spapr_memory_hot_unplug_supported, 73598c75df (G. Kurz, \"spapr: Improve handling "
        "of memory unplug with old guests\", QEMU 6.0); off = QEMU 5.2 and before, where "
        "spapr_machine_device_unplug_request wanted OV5_HP_EVT in ov5_cas",
        "a DIMM device_del before CAS is accepted (CAS completes it); off: refused until the "
        "guest negotiates OV5_HP_EVT" },
    [KNOB_QEMU_REPEAT_UNPLUG_ERROR] = { "qemu.repeat-unplug-error", KNOB_BOOL, NULL, "on",
        "D. H. Barboza, \"add 'unplug already in progress' message for PHB unplug\" and \"... "
        "for PCI unplug\" (spapr_phb_unplug_request, spapr_pci_unplug_request; ppc-for-6.0 pull "
        "of 2021-03-10); off = before, when both only skipped a DRC already unplug_requested",
        "a device_del of a PCI device or PHB whose unplug is pending is an error; off: it "
        "succeeds and queues nothing" },
    [KNOB_QEMU_MEMORY_DEVICE_CHECK_ADDABLE] = { "qemu.memory-device-check-addable", KNOB_BOOL,
        NULL, "on", "memory_device_check_addable (hw/mem/memory-device.c, with ms->device_memory, "
        "QEMU 3.x) runs before the address search; off = QEMU 2.10's pc_dimm_memory_plug, which "
        "walked the DIMMs first (pc_dimm_get_free_addr, hw/mem/pc-dimm.c)",
        "a DIMM beyond the free device memory is \"not enough space, currently 0x… in use of total "
        "space for memory devices 0x…\"; off: QEMU 2.10's walk and texts (\"can't add memory "
        "[0xA:0xS] beyond 0xE\", \"address range conflicts with 'ID'\"), then its capacity check" },
    [KNOB_QEMU_CPU_POST_LOAD_ERRNO] = { "qemu.cpu-post-load-errno", KNOB_ENUM,
        cpu_post_load_errno_values, "EINVAL",
        "G. Kurz, \"ppc: Fix return value in cpu_post_load() error path\" (ppc pull of "
        "2020-10-09, QEMU 5.2): cpu_post_load (target/ppc/machine.c) returns -EINVAL; EPERM = "
        "its -1 before",
        "the errno a refused \"cpu\" section ends the destination's load with: \"load of "
        "migration failed: Invalid argument\" or \"... Operation not permitted\"" },
    [KNOB_GUEST_HP_EVT] = { "guest.hp-evt", KNOB_BOOL, NULL, "on",
        "Linux prom_init asks for OV5_HP_EVT", "guest negotiates the dedicated hot-plug event source" },
    [KNOB_GUEST_REFUSE_LAST_CPU] = { "guest.refuse-last-cpu", KNOB_BOOL, NULL, "on",
        "Linux \"Unable to remove last online CPU\" (RH BZ 1911414)", "dlpar_offline_cpu refuses the last online CPU" },
    [KNOB_GUEST_UNISOLATE_ON_REMOVE_FAILURE] = { "guest.unisolate-on-remove-failure", KNOB_BOOL, NULL, "on",
        "Linux 2021-04 series (dlpar_unisolate_drc)", "a failed removal UNISOLATEs the DRC as a hint" },
    [KNOB_GUEST_STEP] = { "guest.step", KNOB_MS_RANGE, NULL, "0-50ms",
        "latency of one guest sub-step", "delay window of one guest DLPAR sub-step" },
    [KNOB_GUEST_LMB_OFFLINE] = { "guest.lmb-offline", KNOB_MS_RANGE, NULL, "0",
        "dlpar_remove_lmb -> dlpar_offline_lmb -> device_offline (arch/powerpc/platforms/pseries/"
        "hotplug-memory.c): offline_pages migrates the block's pages first",
        "extra delay of the sub-step that offlines and removes one LMB, added to guest.step's "
        "window (seconds under TCG or with busy memory)" },
    [KNOB_GUEST_RTAS_LOCK_WAIT] = { "guest.rtas-lock-wait", KNOB_BOOL, NULL, "off",
        "ras_hotplug_interrupt (arch/powerpc/platforms/pseries/ras.c) ignores check-exception's rc; "
        "rtas_call (arch/powerpc/kernel/rtas.c) holds one lock with interrupts off; event_scan "
        "(hw/ppc/spapr_events.c) re-pulses sources with entries; a second edge before the EOI is "
        "delivered again (XIVE Q bit, XICS reject/resend); seen once by drcsim validate",
        "the hotplug IRQ may wait for rtasd's event-scan (before it is taken; with two CPUs "
        "online, also between the IRQ and its check-exception): the re-pulse is delivered "
        "once more and replays the stale ras_log_buf" },
    [KNOB_GUEST_CPU_DETACH_STEP] = { "guest.cpu-detach-step", KNOB_BOOL, NULL, "off",
        "dlpar_cpu_remove (arch/powerpc/platforms/pseries/hotplug-cpu.c): dlpar_detach_node "
        "runs after dlpar_release_drc; seen by drcsim validate: QEMU 7.2 crashed at the next "
        "command after DEVICE_DELETED, before the guest logged the removal",
        "the guest's detach of a removed CPU's node, and its \"Successfully removed CPU\", is a "
        "step after the release's (libvirt may act in between); off: in the release's step "
        "(no invariant depends on it, only what a QEMU crash cuts off)" },
    [KNOB_LIBVIRT_UNPLUG_TIMEOUT] = { "libvirt.unplug-timeout", KNOB_MS, NULL, "10s",
        "QEMU_UNPLUG_TIMEOUT_PPC64 / QEMU_UNPLUG_TIMEOUT (src/qemu/qemu_hotplug.c)",
        "how long libvirt waits for DEVICE_DELETED" },
    [KNOB_LIBVIRT_DST_VCPUS] = { "libvirt.dst-vcpus", KNOB_ENUM, dst_vcpus_values, "device-add",
        "qemuProcessSetupHotpluggableVcpus (src/qemu/qemu_process.c)",
        "destination gets hot-plugged vCPUs by device_add in INMIGRATE, or on the command line" },
    [KNOB_LIBVIRT_DST_DIMMS] = { "libvirt.dst-dimms", KNOB_ENUM, dst_place_values, "command-line",
        "qemuBuildMemoryDeviceCommandLine (libvirt); device-add = drcsim's real-QEMU driver",
        "destination gets hot-plugged DIMMs on the command line (libvirt), or by object-add + "
        "device_add in INMIGRATE (a QEMU already started)" },
    [KNOB_LIBVIRT_DST_PCI] = { "libvirt.dst-pci", KNOB_ENUM, dst_place_values, "command-line",
        "qemuBuildCommandLine: a -device for each PCI device of the migrated XML (libvirt); "
        "device-add = drcsim's real-QEMU driver",
        "destination gets hot-plugged PCI devices on the command line (libvirt), or by "
        "device_add in INMIGRATE (a QEMU already started)" },
    [KNOB_LIBVIRT_DETACH_MISSING] = { "libvirt.detach-missing", KNOB_ENUM, detach_missing_values,
        "remove", "libvirt 229a0358f0 + c2bc419131 (5.2, 2019-03): DeviceNotFound is -2, claimed "
        "success (wait); by 9.0 qemuDomainDetachDeviceLive removes the device on -2 while "
        "qemuDomainHotplugDelVcpu fails (remove-device); by 11.3 it removes the vCPU too (remove); "
        "before 5.2 QEMU's error (error) (src/qemu/qemu_hotplug.c)",
        "a device_del of a device libvirt lists and QEMU lacks: dropped from the live XML at once "
        "(remove; remove-device: DIMMs only, a vCPU fails with libvirt's generic error), a wait "
        "for a DEVICE_DELETED that never comes (wait), or QEMU's error (error)" },
    [KNOB_LIBVIRT_JOB_LOCK_ERROR] = { "libvirt.job-lock-error", KNOB_ENUM, job_lock_error_values,
        "held-by-monitor", "virDomainObjBeginJobInternal (src/conf/virdomainjob.c), since the "
        "guest-agent job got a lock of its own (after libvirt 3.10); held-by = "
        "qemuDomainObjBeginJobInternal (src/qemu/qemu_domain.c) of libvirt 3.x",
        "the error of a client whose wait for the domain job gives up: \"cannot acquire state "
        "change lock (held by monitor=API)\" or \"… (held by API)\", API the holder's RPC "
        "handler (remoteDispatchDomainMigratePerform3Params, …)" },
};

int knob_lookup(const char *name)
{
    for (int i = 0; i < KNOB_COUNT; i++)
        if (strcmp(knob_defs[i].name, name) == 0)
            return i;
    return -1;
}

/* "250ms", "15s", "0"; returns false on anything else. */
static bool parse_ms(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (end == s || *s == '-' || *s == '+')
        return false;
    if (strcmp(end, "ms") == 0)
        ;
    else if (strcmp(end, "s") == 0)
        v *= 1000;
    else if (*end != '\0' || v != 0)
        return false;
    if (v >= UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_range(const char *value, uint32_t *lo, uint32_t *hi)
{
    char buf[64];
    const char *dash = strchr(value, '-');
    const char *unit;

    if (!dash)
        return parse_ms(value, lo) && (*hi = *lo, true);
    if ((size_t)(dash - value) >= sizeof(buf) - 3)
        return false;
    /* "0-50ms": the unit after the second bound applies to both */
    unit = dash + 1;
    while (*unit >= '0' && *unit <= '9')
        unit++;
    snprintf(buf, sizeof(buf), "%.*s%s", (int)(dash - value), value, unit);
    return parse_ms(buf, lo) && parse_ms(dash + 1, hi) && *lo <= *hi;
}

bool knob_parse_value(int id, const char *value, uint32_t *lo, uint32_t *hi, const char **why)
{
    const struct knob_def *d = &knob_defs[id];

    *hi = 0;
    switch (d->kind) {
    case KNOB_BOOL:
        if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
            *lo = value[1] == 'n';
            return true;
        }
        *why = "expected on or off";
        return false;
    case KNOB_ENUM:
        for (uint32_t i = 0; d->values[i]; i++)
            if (strcmp(d->values[i], value) == 0) {
                *lo = i;
                return true;
            }
        *why = "not one of the knob's values (see `drcsim list knobs`)";
        return false;
    case KNOB_MS:
        if (strcmp(value, "off") == 0) {
            *lo = 0;
            return true;
        }
        if (parse_ms(value, lo))
            return true;
        *why = "expected a duration such as 500ms or 10s";
        return false;
    case KNOB_MS_RANGE:
        if (parse_range(value, lo, hi))
            return true;
        *why = "expected a duration or a range such as 0-50ms";
        return false;
    }
    *why = "bad knob";
    return false;
}

static void format_ms(uint32_t ms, char *buf, unsigned len)
{
    if (ms % 1000 == 0 && ms)
        snprintf(buf, len, "%us", ms / 1000);
    else
        snprintf(buf, len, "%ums", ms);
}

const char *knob_format(const struct knob_set *ks, int id, char *buf, unsigned len)
{
    const struct knob_def *d = &knob_defs[id];
    char a[24], b[24];

    switch (d->kind) {
    case KNOB_BOOL:
        snprintf(buf, len, "%s", ks->lo[id] ? "on" : "off");
        break;
    case KNOB_ENUM:
        snprintf(buf, len, "%s", d->values[ks->lo[id]]);
        break;
    case KNOB_MS:
        if (ks->lo[id] == 0)
            snprintf(buf, len, "off");
        else
            format_ms(ks->lo[id], buf, len);
        break;
    case KNOB_MS_RANGE:
        format_ms(ks->lo[id], a, sizeof(a));
        format_ms(ks->hi[id], b, sizeof(b));
        if (ks->lo[id] == ks->hi[id])
            snprintf(buf, len, "%s", a);
        else if (ks->lo[id] % 1000 == 0 && ks->hi[id] % 1000 == 0 && ks->lo[id])
            snprintf(buf, len, "%u-%us", ks->lo[id] / 1000, ks->hi[id] / 1000);
        else   /* "0-50ms": parse_range reads the unit after the second bound */
            snprintf(buf, len, "%u-%ums", ks->lo[id], ks->hi[id]);
        break;
    }
    return buf;
}

void knobs_default(struct knob_set *ks)
{
    const char *why;

    memset(ks, 0, sizeof(*ks));
    for (int i = 0; i < KNOB_COUNT; i++)
        if (!knob_parse_value(i, knob_defs[i].default_value, &ks->lo[i], &ks->hi[i], &why))
            abort(); /* the table itself is wrong */
}
