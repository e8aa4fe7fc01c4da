/*
 * QEMU's pseries machine (hw/ppc/spapr.c): QMP device_add/device_del of CPU
 * cores, DIMMs, PHBs and PCI devices with QEMU's per-type rules and error
 * messages, the class release callbacks, the pending-DIMM-unplug records,
 * machine creation and spapr_machine_reset.
 */
#include <stdio.h>
#include <string.h>
#include "drc_fdt.h"
#include "guest_os.h"
#include "spapr.h"

static const struct scn_device *dev_cfg(const struct sim *s, uint8_t dev)
{
    return &s->scn->devices[dev];
}

/* spapr_drc_hotplugged: dev->hotplugged && !INMIGRATE (94fd9cbaa3) */
static bool spapr_drc_hotplugged(const struct sim *s, const struct world *w, int m, uint8_t dev)
{
    if (!w->machines[m].devices[dev].hotplugged)
        return false;
    return !(knob_on(&s->knobs, KNOB_QEMU_INMIGRATE_COLDPLUG) &&
             w->machines[m].runstate == RUN_STATE_INMIGRATE);
}

/* Plug callbacks: attach, then an add event (hotplug) or a DRC reset (coldplug). */
static void plug_one_drc(const struct sim *s, struct world *w, int m, int slot, uint8_t dev,
                         bool hotplugged, struct trace *tr)
{
    spapr_drc_op(s, w, m, slot, DRC_OP_ATTACH, (uint8_t)(dev + 1), 0, tr, NULL);
    if (!hotplugged)
        spapr_drc_op(s, w, m, slot, DRC_OP_RESET, 0, 0, tr, NULL);
}


static bool plug_cpu(const struct sim *s, struct world *w, int m, uint8_t dev, bool hot,
                     struct trace *tr, char *err, size_t errlen)
{
    const struct scn_device *c = dev_cfg(s, dev);
    int slot = s->m[m].cpu_first + c->core_id;

    /* spapr_core_pre_plug */
    if (c->core_id >= s->m[m].ncpu) {
        snprintf(err, errlen, "core id %d out of range", c->core_id);
        return false;
    }
    if (w->machines[m].drcs[slot].dev) {
        snprintf(err, errlen, "core %d already populated", c->core_id);
        return false;
    }
    /* spapr_core_plug */
    w->machines[m].devices[dev].realized = 1;
    plug_one_drc(s, w, m, slot, dev, hot, tr);
    spapr_compat_core_plug(s, w, m, c->core_id);
    if (hot)
        spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_CPU, RTAS_LOG_V6_HP_ACTION_ADD,
                                RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, s->m[m].drcs[slot].index, tr);
    return true;
}

static bool plug_dimm(const struct sim *s, struct world *w, int m, uint8_t dev, int addr_id,
                      bool hot, struct trace *tr, char *err, size_t errlen)
{
    int slot = spapr_dimm_find_slot(s, w, m, dev, addr_id, err, errlen);
    int n = spapr_dimm_lmbs(s, dev);
    struct spapr_device *sd = &w->machines[m].devices[dev];

    if (slot < 0)       /* memory_device_pre_plug */
        return false;
    if (spapr_tcg_stale_vcpu(s, w, m, tr))
        return true;   /* QEMU is gone */
    sd->realized = 1;
    sd->first_drc = (uint8_t)slot;
    /* spapr_add_lmbs */
    for (int k = 0; k < n; k++)
        plug_one_drc(s, w, m, slot + k, dev, hot, tr);
    if (!hot)
        return true;
    if (w->machines[m].ov5_cas & OV5_CAS_HP_EVT)
        spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_MEMORY, RTAS_LOG_V6_HP_ACTION_ADD,
                                RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED, (uint8_t)n,
                                s->m[m].drcs[slot].index, tr);
    else
        spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_MEMORY, RTAS_LOG_V6_HP_ACTION_ADD,
                                RTAS_LOG_V6_HP_ID_DRC_COUNT, (uint8_t)n, 0, tr);
    return true;
}

static bool plug_phb_or_pci(const struct sim *s, struct world *w, int m, uint8_t dev, bool hot,
                            struct trace *tr, char *err, size_t errlen)
{
    const struct scn_device *c = dev_cfg(s, dev);
    bool phb = c->type == DEV_PHB;
    int slot = phb ? s->m[m].phb_first + c->index : s->m[m].pci_first + c->slot;
    uint8_t drc_dev = w->machines[m].drcs[slot].dev;

    if (drc_dev && phb) {   /* spapr_phb_pre_plug */
        snprintf(err, errlen, "PHB %d already attached", c->index);
        return false;
    }
    /* spapr_pci_pre_plug: the DRC already has a device; pci_get_function_0()->name is
     * its type. Before 9e4dc0a1c2 (QEMU 6.0), do_pci_register_device refused the devfn
     * the device pending unplug still held (qemu.pci-busy-slot-error); ",id=" came
     * after, in QEMU 7.0 ("pci: show id info when pci BDF conflict"). */
    if (drc_dev) {
        if (knob_val(&s->knobs, KNOB_QEMU_PCI_BUSY_SLOT_ERROR) == PCI_BUSY_SLOT_ERROR_REGISTER)
            snprintf(err, errlen, "PCI: slot %d function 0 not available for virtio-net-pci, "
                                  "in use by virtio-net-pci", c->slot);
        else
            snprintf(err, errlen, "PCI: slot %d already occupied by virtio-net-pci", c->slot);
        return false;
    }
    w->machines[m].devices[dev].realized = 1;
    plug_one_drc(s, w, m, slot, dev, hot, tr);
    /* spapr_phb_plug / spapr_pci_plug: add_by_index (function 0) */
    if (hot)
        spapr_hotplug_req_event(s, w, m, phb ? RTAS_LOG_V6_HP_TYPE_PHB : RTAS_LOG_V6_HP_TYPE_PCI,
                                RTAS_LOG_V6_HP_ACTION_ADD, RTAS_LOG_V6_HP_ID_DRC_INDEX, 0,
                                s->m[m].drcs[slot].index, tr);
    return true;
}

/* dimm_addr_id: a DIMM's address as libvirt's addr= gives it, in LMBs (address / 256M), or
 * -1 (none given). */
static bool device_plug(const struct sim *s, struct world *w, int m, uint8_t dev, int dimm_addr_id,
                        struct trace *tr, char *err, size_t errlen)
{
    bool hot = spapr_drc_hotplugged(s, w, m, dev);

    switch (dev_cfg(s, dev)->type) {
    case DEV_CPU_CORE: return plug_cpu(s, w, m, dev, hot, tr, err, errlen);
    case DEV_DIMM:     return plug_dimm(s, w, m, dev, dimm_addr_id, hot, tr, err, errlen);
    default:           return plug_phb_or_pci(s, w, m, dev, hot, tr, err, errlen);
    }
}

/*
 * The id is taken (qemu.duplicate-id-error): qdev_set_id (system/qdev-monitor.c)
 * since QEMU 6.2; before, qemu_opts_create (util/qemu-option.c) refused the
 * "device" options first.
 */
static void duplicate_id(const struct sim *s, uint8_t dev, char *err, size_t errlen)
{
    if (knob_val(&s->knobs, KNOB_QEMU_DUPLICATE_ID_ERROR) == DUPLICATE_ID_ERROR_QEMU_OPTS)
        snprintf(err, errlen, "Duplicate ID '%s' for device", dev_cfg(s, dev)->id);
    else
        snprintf(err, errlen, "Duplicate device ID '%s'", dev_cfg(s, dev)->id);
}

bool spapr_coldplug(const struct sim *s, struct world *w, int m, uint8_t dev, int dimm_addr_id,
                    char *err, size_t errlen)
{
    if (w->machines[m].devices[dev].realized) {
        duplicate_id(s, dev, err, errlen);
        return false;
    }
    return device_plug(s, w, m, dev, dimm_addr_id, NULL, err, errlen);
}

/* The reply as the QMP socket shows it, for traces and validation. */
static bool qmp_reply(const struct sim *s, int m, const char *cmd, uint8_t dev, bool ok,
                      const char *err, struct trace *tr)
{
    char who[64], line[320];

    if (tr) {
        snprintf(who, sizeof(who), "qmp@%s", sim_machine_name(s, m));
        snprintf(line, sizeof(line), "%s %s -> %s%s", cmd, dev_cfg(s, dev)->id,
                 ok ? "ok" : "error: ", ok ? "" : err);
        trace_log(tr, who, line);
    }
    return ok;
}

static bool device_add_inner(const struct sim *s, struct world *w, int m, uint8_t dev,
                             int dimm_addr_id, struct trace *tr, char *err, size_t errlen);
static bool device_del_inner(const struct sim *s, struct world *w, int m, uint8_t dev,
                             struct trace *tr, char *err, size_t errlen);

bool qmp_device_add(const struct sim *s, struct world *w, int m, uint8_t dev,
                    struct trace *tr, char *err, size_t errlen)
{
    return qmp_device_add_at(s, w, m, dev, -1, tr, err, errlen);
}

bool qmp_device_add_at(const struct sim *s, struct world *w, int m, uint8_t dev, int dimm_addr_id,
                       struct trace *tr, char *err, size_t errlen)
{
    return qmp_reply(s, m, "device_add", dev,
                     device_add_inner(s, w, m, dev, dimm_addr_id, tr, err, errlen), err, tr);
}

bool qmp_device_del(const struct sim *s, struct world *w, int m, uint8_t dev,
                    struct trace *tr, char *err, size_t errlen)
{
    return qmp_reply(s, m, "device_del", dev, device_del_inner(s, w, m, dev, tr, err, errlen),
                     err, tr);
}

/* qmp_device_add -> qdev_device_add: a QMP-added device is hotplugged. */
static bool device_add_inner(const struct sim *s, struct world *w, int m, uint8_t dev,
                             int dimm_addr_id, struct trace *tr, char *err, size_t errlen)
{
    struct spapr_device *sd = &w->machines[m].devices[dev];

    if (w->machines[m].migration == MIGRATION_ACTIVE) {   /* !migration_is_idle() */
        snprintf(err, errlen, "device_add not allowed while migrating");
        return false;
    }
    if (sd->realized) {
        duplicate_id(s, dev, err, errlen);
        return false;
    }
    sd->hotplugged = 1;
    if (!device_plug(s, w, m, dev, dimm_addr_id, tr, err, errlen)) {
        *sd = (struct spapr_device){ 0 };
        return false;
    }
    return true;
}

/*
 * spapr_core_unplug_request: repeated requests re-send the event (2b18fc794f);
 * while QEMU 6.0-rc0's unplug timer existed they were refused (d1c2e3ce3d,
 * reverted d522cb52e6 just before 2b18fc794f).
 */
static bool unplug_cpu(const struct sim *s, struct world *w, int m, uint8_t dev,
                       struct trace *tr, char *err, size_t errlen)
{
    int slot = s->m[m].cpu_first + dev_cfg(s, dev)->core_id;
    bool first = !w->machines[m].drcs[slot].unplug_requested;
    uint32_t index = s->m[m].drcs[slot].index;

    if (dev_cfg(s, dev)->core_id == 0) {
        snprintf(err, errlen, "Boot CPU core may not be unplugged");
        return false;
    }
    if (!first && knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT)) {
        snprintf(err, errlen, "core-id %d unplug is still pending, %d seconds timeout remaining",
                 dev_cfg(s, dev)->core_id, spapr_unplug_timer_remaining_sec(s, w, m, slot));
        return false;
    }
    if (first) {
        spapr_drc_op(s, w, m, slot, DRC_OP_UNPLUG_REQUEST, 0, 0, tr, NULL);
        spapr_unplug_timer_arm(s, w, m, slot);   /* 51254ffb32: spapr_drc_unplug_request */
    }
    /* 47c8c915b1 (2019) sent it only with the first request */
    if (first || knob_on(&s->knobs, KNOB_QEMU_CPU_UNPLUG_RESEND_EVENT))
        spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_CPU, RTAS_LOG_V6_HP_ACTION_REMOVE,
                                RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, index, tr);
    return true;
}

/* spapr_memory_unplug_request: a SpaprDimmState, every LMB, one event. */
static bool unplug_dimm(const struct sim *s, struct world *w, int m, uint8_t dev,
                        struct trace *tr, char *err, size_t errlen)
{
    struct spapr_device *sd = &w->machines[m].devices[dev];
    int n = spapr_dimm_lmbs(s, dev), first = sd->first_drc;

    if (!spapr_memory_hot_unplug_supported(s, w, m)) {
        snprintf(err, errlen, "Memory hot unplug not supported for this guest");
        return false;
    }
    if (sd->dimm_pending) {
        snprintf(err, errlen, "Memory unplug already in progress for device %s",
                 dev_cfg(s, dev)->id);
        return false;
    }
    sd->dimm_pending = 1;      /* spapr_pending_dimm_unplugs_add */
    sd->dimm_nr_lmbs = (uint8_t)n;
    for (int k = 0; k < n; k++)
        spapr_drc_op(s, w, m, first + k, DRC_OP_UNPLUG_REQUEST, 0, 0, tr, NULL);
    spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_MEMORY, RTAS_LOG_V6_HP_ACTION_REMOVE,
                            RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED, (uint8_t)n,
                            s->m[m].drcs[first].index, tr);
    return true;
}

/* spapr_phb_unplug_request / spapr_pci_unplug_request (function 0). */
static bool unplug_phb_or_pci(const struct sim *s, struct world *w, int m, uint8_t dev,
                              struct trace *tr, char *err, size_t errlen)
{
    const struct scn_device *c = dev_cfg(s, dev);
    bool phb = c->type == DEV_PHB;
    int slot = phb ? s->m[m].phb_first + c->index : s->m[m].pci_first + c->slot;
    uint32_t index = s->m[m].drcs[slot].index;

    /* before the ppc-for-6.0 "unplug already in progress" messages: skipped silently */
    if (w->machines[m].drcs[slot].unplug_requested) {
        if (!knob_on(&s->knobs, KNOB_QEMU_REPEAT_UNPLUG_ERROR))
            return true;
        snprintf(err, errlen, "%s unplug already in progress for device %s",
                 phb ? "PCI Host Bridge" : "PCI device", c->id);
        return false;
    }
    if (phb) {
        spapr_drc_op(s, w, m, slot, DRC_OP_UNPLUG_REQUEST, 0, 0, tr, NULL);
        spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_PHB, RTAS_LOG_V6_HP_ACTION_REMOVE,
                                RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, index, tr);
        return true;
    }
    /* spapr_drc_unplug_request first; then remove_by_index for each function 7..0 whose
     * dr-entity-sense is still PRESENT (physical_entity_sense: drc->dev != NULL). A device
     * the guest never took is released at once, so no remove event follows it (seen on
     * QEMU 7.2: two PCI adds and one del raise RAS_HOTPLUG twice). */
    spapr_drc_op(s, w, m, slot, DRC_OP_UNPLUG_REQUEST, 0, 0, tr, NULL);
    if (w->machines[m].drcs[slot].dev)
        spapr_hotplug_req_event(s, w, m, RTAS_LOG_V6_HP_TYPE_PCI, RTAS_LOG_V6_HP_ACTION_REMOVE,
                                RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, index, tr);
    return true;
}

/* qmp_device_del -> qdev_unplug -> spapr_machine_device_unplug_request */
static bool device_del_inner(const struct sim *s, struct world *w, int m, uint8_t dev,
                             struct trace *tr, char *err, size_t errlen)
{
    if (!w->machines[m].devices[dev].realized) {
        snprintf(err, errlen, "Device '%s' not found", dev_cfg(s, dev)->id);
        return false;
    }
    if (w->machines[m].migration == MIGRATION_ACTIVE) {   /* qdev_unplug */
        snprintf(err, errlen, "device_del not allowed while migrating");
        return false;
    }
    switch (dev_cfg(s, dev)->type) {
    case DEV_CPU_CORE: return unplug_cpu(s, w, m, dev, tr, err, errlen);
    case DEV_DIMM:     return unplug_dimm(s, w, m, dev, tr, err, errlen);
    default:           return unplug_phb_or_pci(s, w, m, dev, tr, err, errlen);
    }
}

/*
 * Under TCG (QEMU 7.2, 10.0) an unplugged vCPU leaves its address-space
 * listener behind: the next memory-region change crashes (qemu.tcg-stale-vcpu).
 */
bool spapr_tcg_stale_vcpu(const struct sim *s, struct world *w, int m, struct trace *tr)
{
    if (!knob_on(&s->knobs, KNOB_QEMU_TCG_STALE_VCPU) || !w->machines[m].vcpu_unplugged)
        return false;
    spapr_abort(s, w, m, QEMU_ABORT_TCG_STALE_VCPU, 0, tr);
    return true;
}

/* Unrealize: qdev emits DEVICE_DELETED once the object is gone. */
static void device_unplugged(const struct sim *s, struct world *w, int m, uint8_t drc_dev,
                             struct trace *tr)
{
    if (drc_dev == DRC_DEV_BUILTIN)
        return;
    if (dev_cfg(s, (uint8_t)(drc_dev - 1))->type == DEV_CPU_CORE)
        w->machines[m].vcpu_unplugged = 1;
    w->machines[m].devices[drc_dev - 1] = (struct spapr_device){ 0 };
    spapr_emit_event(s, w, m, QMP_DEVICE_DELETED, drc_dev, tr);
}

/*
 * spapr_lmb_release: the DIMM goes with its last LMB. Without a
 * SpaprDimmState (not migrated) it is rebuilt by
 * spapr_recover_pending_dimm_state from the LMB DRCs that still have the
 * DIMM, counted before this DRC dropped it.
 */
static void lmb_release(const struct sim *s, struct world *w, int m, uint8_t drc_dev,
                        struct trace *tr)
{
    struct spapr_device *sd = &w->machines[m].devices[drc_dev - 1];

    if (!sd->dimm_pending) {
        int avail = 1;
        for (int k = 0; k < spapr_dimm_lmbs(s, (uint8_t)(drc_dev - 1)); k++)
            avail += w->machines[m].drcs[sd->first_drc + k].dev == drc_dev;
        sd->dimm_pending = 1;
        sd->dimm_nr_lmbs = (uint8_t)avail;
    }
    if (--sd->dimm_nr_lmbs)
        return;
    sd->dimm_pending = 0;      /* spapr_pending_dimm_unplugs_remove, spapr_memory_unplug */
    device_unplugged(s, w, m, drc_dev, tr);
}

/* The class release callback of spapr_drc_release. */
void spapr_release_device(const struct sim *s, struct world *w, int m, int slot, uint8_t drc_dev,
                          struct trace *tr)
{
    switch (s->m[m].drcs[slot].cls) {
    case DRC_CLASS_LMB:
        lmb_release(s, w, m, drc_dev, tr);
        break;
    case DRC_CLASS_PMEM:   /* release == NULL: NVDIMM unplug is refused earlier */
        break;
    default:               /* spapr_core_release, spapr_phb_release, PCI remove cb */
        device_unplugged(s, w, m, drc_dev, tr);
        break;
    }
}

/*
 * spapr_memory_unplug_rollback: g_assert(ds) when the DIMM has no pending
 * unplug record (e.g. on a migration destination); else drop the record,
 * clear unplug_requested on every LMB, and report the rejection.
 */
void spapr_memory_unplug_rollback(const struct sim *s, struct world *w, int m, uint8_t drc_dev,
                                  struct trace *tr)
{
    struct spapr_device *sd;
    uint32_t ev = knob_val(&s->knobs, KNOB_QEMU_UNPLUG_ERROR_EVENT);

    if (!drc_dev || drc_dev == DRC_DEV_BUILTIN)
        return;
    sd = &w->machines[m].devices[drc_dev - 1];
    if (!sd->dimm_pending) {
        spapr_abort(s, w, m, QEMU_ABORT_LMB_ROLLBACK_NO_DS, sd->first_drc, tr);
        return;
    }
    sd->dimm_pending = 0;
    for (int k = 0; k < spapr_dimm_lmbs(s, (uint8_t)(drc_dev - 1)); k++)
        w->machines[m].drcs[sd->first_drc + k].unplug_requested = 0;
    if (ev == UNPLUG_ERROR_EVENT_MEM_UNPLUG_ERROR)
        spapr_emit_event(s, w, m, QMP_MEM_UNPLUG_ERROR, drc_dev, tr);
    else if (ev == UNPLUG_ERROR_EVENT_DEVICE_UNPLUG_GUEST_ERROR)
        spapr_emit_event(s, w, m, QMP_DEVICE_UNPLUG_GUEST_ERROR, drc_dev, tr);
}

/* spapr_drc_reset_all: pending plugs become ready, pending unplugs complete. */
void spapr_drc_reset_all(const struct sim *s, struct world *w, int m, struct trace *tr)
{
    for (int slot = 0; slot < s->m[m].ndrcs; slot++)
        spapr_drc_op(s, w, m, slot, DRC_OP_RESET, 0, 0, tr, NULL);
}

/* drc_physical_reset (a legacy reset handler run by qemu_devices_reset). */
static void drc_physical_reset_all(const struct sim *s, struct world *w, int m)
{
    for (int slot = 0; slot < s->m[m].ndrcs; slot++) {
        struct spapr_drc *d = &w->machines[m].drcs[slot];
        if (drc_class_is_physical(s->m[m].drcs[slot].cls))
            d->dr_indicator = d->dev ? SPAPR_DR_INDICATOR_ACTIVE : SPAPR_DR_INDICATOR_INACTIVE;
    }
}

static bool cas_reset_first(const struct sim *s)
{
    return knob_val(&s->knobs, KNOB_QEMU_RESET_ORDER) == RESET_ORDER_CAS_FIRST;
}

/*
 * spapr_machine_reset from qemu_devices_reset on, in the current order
 * (25c9780d38): the CAS state (ov5_cas cleared; before 25c9780d38 that came
 * before the devices), spapr_irq_reset (which connects the KVM device of the
 * controller ov5_cas now selects), under qtest (guest=none) ov5_cas = ov5,
 * spapr_drc_reset_all, spapr_clear_pending_events.
 */
static void reset_after_devices(const struct sim *s, struct world *w, int m, bool cas_reboot,
                                struct trace *tr)
{
    struct spapr_machine *mw = &w->machines[m];

    if (!cas_reset_first(s) && !cas_reboot)
        mw->ov5_cas = 0;
    if (!cas_reboot)   /* a CAS reboot keeps the compat PVRs CAS set */
        spapr_compat_reset(s, w, m);
    mw->irq_latched = 0;
    spapr_irq_update_active_intc(s, w, m);
    if (s->scn->machines[m].guest == GUEST_NONE)
        mw->ov5_cas = OV5_CAS_BASE | OV5_CAS_HP_EVT;
    spapr_drc_reset_all(s, w, m, tr);
    spapr_clear_pending_events(w, m);
    spapr_build_fdt(s, w, m);
}

/* Up to qemu_devices_reset: the CAS state first in QEMU 4.1's order, then the devices. */
static void reset_devices(const struct sim *s, struct world *w, int m, bool cas_reboot)
{
    if (cas_reset_first(s) && !cas_reboot)
        w->machines[m].ov5_cas = 0;
    drc_physical_reset_all(s, w, m);
}

/* spapr_machine_reset in one step; a CAS reboot (spapr->cas_reboot) keeps the negotiated
 * options and compat PVRs, so the next CAS finds nothing to update. */
static void machine_reset(const struct sim *s, struct world *w, int m, bool cas_reboot,
                          struct trace *tr)
{
    if (spapr_tcg_stale_vcpu(s, w, m, tr))
        return;
    reset_devices(s, w, m, cas_reboot);
    reset_after_devices(s, w, m, cas_reboot, tr);
}

void qmp_system_reset(const struct sim *s, struct world *w, int m, struct trace *tr)
{
    machine_reset(s, w, m, false, tr);
}

/*
 * A system_reset request: main_loop_should_exit pauses the vCPUs and runs
 * spapr_machine_reset. A virtio-blk device reset with the guest's request in
 * flight drains it (blk_drain), dropping the BQL until it completes: false
 * then, and spapr_system_reset_finish runs the rest once it has completed.
 */
bool spapr_system_reset_begin(const struct sim *s, struct world *w, int m, struct trace *tr)
{
    if (spapr_tcg_stale_vcpu(s, w, m, tr))
        return true;
    reset_devices(s, w, m, false);
    if (!(w->machines[m].intc & INTC_IO_IN_FLIGHT)) {
        reset_after_devices(s, w, m, false, tr);
        return true;
    }
    w->machines[m].intc |= INTC_RESETTING;
    return false;
}

void spapr_system_reset_finish(const struct sim *s, struct world *w, int m, struct trace *tr)
{
    w->machines[m].intc &= (uint8_t)~INTC_RESETTING;
    reset_after_devices(s, w, m, false, tr);
}

/* A DRC with a device that is not in its ready state (10f12e6450), or with an unplug
 * pending since ab8584349c (spapr_drc_transient). */
static bool spapr_hotplugged_dev_before_cas(const struct sim *s, const struct world *w, int m)
{
    for (int slot = 0; slot < s->m[m].ndrcs; slot++)
        if (sim_drc_needed(s, m, slot, &w->machines[m].drcs[slot]))
            return true;
    return false;
}

/*
 * do_client_architecture_support: negotiate ov5; then per qemu.cas-drc-reset
 * reset every DRC and drop the hotplug events (ad334d89a6), or ask for a CAS
 * reboot when a DRC is transient (10f12e6450), or nothing (July 2017). A
 * switch to XIVE is made at once (8deb8019d6) or, with qemu.xive-cas-reboot,
 * by a CAS reboot (13db0cd9b8). The guest gets the tree rebuilt now
 * (qemu.cas-full-fdt) or the one of reset.
 */
bool spapr_client_architecture_support(struct step_ctx *c, int m, uint8_t ov5_requested)
{
    struct spapr_machine *mw = &c->w->machines[m];
    uint32_t mode = knob_val(&c->s->knobs, KNOB_QEMU_CAS_DRC_RESET);
    bool xive_update = (ov5_requested & ~mw->ov5_cas & OV5_CAS_XIVE) && spapr_offers_xive(c->s, m);

    /* before CAS, hotplug entries pulsed the EPOW source; with OV5_HP_EVT they
     * now route to hot-plug-events, so that latch is EPOW's (its handler finds
     * nothing) and queued entries wait for the next re-pulse */
    if ((ov5_requested & OV5_CAS_HP_EVT) && !(mw->ov5_cas & OV5_CAS_HP_EVT))
        mw->irq_latched = 0;
    mw->ov5_cas = ov5_requested;
    spapr_compat_cas(c->s, c->w, m);
    if ((mode == CAS_DRC_RESET_REBOOT && spapr_hotplugged_dev_before_cas(c->s, c->w, m)) ||
        (xive_update && knob_on(&c->s->knobs, KNOB_QEMU_XIVE_CAS_REBOOT))) {
        machine_reset(c->s, c->w, m, true, c->tr);
        guest_machine_reset(c, m);
        return true;
    }
    spapr_irq_update_active_intc(c->s, c->w, m);
    if (mode == CAS_DRC_RESET_ON) {
        spapr_drc_reset_all(c->s, c->w, m, c->tr);
        spapr_clear_pending_hotplug_events(c->w, m);
    }
    if (knob_on(&c->s->knobs, KNOB_QEMU_CAS_FULL_FDT))
        spapr_build_fdt(c->s, c->w, m);
    return false;
}

/* qmp_stop (monitor/qmp-cmds.c): vm_stop(RUN_STATE_PAUSED), or autostart = 0. */
void qmp_stop(const struct sim *s, struct world *w, int m)
{
    struct spapr_machine *mw = &w->machines[m];

    (void)s;
    if (mw->runstate == RUN_STATE_INMIGRATE)
        mw->autostart = 0;
    else if (mw->runstate == RUN_STATE_RUNNING || mw->runstate == RUN_STATE_PRELAUNCH)
        mw->runstate = RUN_STATE_PAUSED;
}

/*
 * qmp_cont (monitor/qmp-cmds.c): during INMIGRATE it only sets autostart;
 * a source in POSTMIGRATE is resumed like any paused VM. (The switchover is
 * one step here, so FINISH_MIGRATE's "Migration is not finalized yet" is
 * never seen.)
 */
bool qmp_cont(const struct sim *s, struct world *w, int m, char *err, size_t errlen)
{
    struct spapr_machine *mw = &w->machines[m];

    (void)s;
    (void)err;
    (void)errlen;
    if (mw->runstate == RUN_STATE_INMIGRATE)
        mw->autostart = 1;
    else
        mw->runstate = RUN_STATE_RUNNING;
    return true;
}

/*
 * Machine creation: DRCs realized empty, the boot core (core-id 0) and the
 * default PHB plugged, then every -device (not the cores libvirt adds by QMP
 * afterwards, libvirt.c); qemu_system_reset follows.
 */
bool spapr_machine_start(const struct sim *s, struct world *w, int m, uint32_t later, char *err,
                         size_t errlen)
{
    const struct sim_machine *sm = &s->m[m];
    const struct scn_machine *cfg = &s->scn->machines[m];
    struct spapr_machine *mw = &w->machines[m];

    for (int slot = 0; slot < sm->ndrcs; slot++)
        drc_init(&mw->drcs[slot], sm->drcs[slot].cls);
    mw->runstate = cfg->incoming_defer ? RUN_STATE_INMIGRATE
                 : cfg->prelaunch ? RUN_STATE_PRELAUNCH : RUN_STATE_RUNNING;
    spapr_drc_op(s, w, m, sm->cpu_first, DRC_OP_ATTACH, DRC_DEV_BUILTIN, 0, NULL, NULL);
    if (sm->nphb)
        spapr_drc_op(s, w, m, sm->phb_first, DRC_OP_ATTACH, DRC_DEV_BUILTIN, 0, NULL, NULL);
    for (int i = 0; i < s->scn->ncoldplug; i++) {
        uint8_t dev = s->scn->coldplug[i].device;
        if (s->scn->coldplug[i].machine == m && !(later >> dev & 1) &&
            !device_plug(s, w, m, dev, -1, NULL, err, errlen))
            return false;
    }
    qmp_system_reset(s, w, m, NULL);
    return true;
}
