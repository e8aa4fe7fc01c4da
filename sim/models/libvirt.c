/*
 * Management actions as libvirt's QEMU driver performs them (src/qemu/
 * qemu_hotplug.c, qemu_driver.c, qemu_migration.c, qemu_process.c): a MODIFY
 * job per action, one unplug waiter with its timeout, vCPU hotplug without
 * guest acknowledgement, migration Begin to Confirm. Without a Linux guest a
 * `do` line is the bare QMP command, as a person at the monitor sends it.
 */
#include <stdio.h>
#include <string.h>
#include "guest_os.h"
#include "migration.h"
#include "libvirt.h"
#include "spapr.h"

bool libvirt_do_supported(uint8_t action)
{
    return action < DO_ACTION_COUNT;
}

/*
 * Can the line's job start now? An outgoing migration's async job admits
 * VIR_JOB_SUSPEND (qemuMigrationJobStart, src/qemu/qemu_migration.c), so
 * `virsh suspend` of the source runs during it (qemuDomainSuspend gives
 * the reason VIR_DOMAIN_PAUSED_MIGRATION); every other job waits.
 */
static bool job_free_for(const struct world *w, int script, const struct scn_line *l)
{
    const struct libvirt_state *lv = &w->libvirt;

    return lv->job == LV_JOB_NONE || lv->job_owner == script ||
           (lv->job == LV_JOB_MIGRATION && l->action == DO_STOP && l->machine == lv->domain);
}

/* The pending step of a script at a `do` line of a libvirt-managed machine. */
struct pending libvirt_line_pending(const struct sim *s, const struct world *w, int script,
                                    const struct scn_line *l)
{
    uint8_t phase = w->scripts[script].phase;
    const struct libvirt_state *lv = &w->libvirt;
    uint32_t t = knob_val(&s->knobs, KNOB_LIBVIRT_UNPLUG_TIMEOUT);

    /* online_store takes lock_device_hotplug_sysfs, which dlpar_cpu and dlpar_memory hold
     * for a whole operation (hotplug-cpu.c, hotplug-memory.c): the write restarts until free */
    if (l->action == DO_GUEST_CPU_OFFLINE && w->guest.op.kind != DLPAR_NONE &&
        sim_guest_machine(s, w) == l->machine)
        return (struct pending){ 0 };
    if (phase == 0 && needs_job(l) && !job_free_for(w, script, l))
        return (struct pending){ STEP_SCRIPT_JOB_TIMEOUT, 0, LV_JOB_WAIT_MS, LV_JOB_WAIT_MS };
    if (l->action == DO_MIGRATE && phase == 3)   /* qemuMigrationSrcWaitForCompletion */
        return w->migration.status == MIGRATION_ACTIVE ? (struct pending){ 0 }
             : (struct pending){ STEP_SCRIPT_WAKE, 0, 0, 1 };
    if ((l->action == DO_DEVICE_DEL || l->action == DO_SETVCPUS) && phase == 1)
        return lv->unplug_status != LV_UNPLUG_NONE ? (struct pending){ STEP_SCRIPT_WAKE, 0, 0, 1 }
             : (struct pending){ STEP_SCRIPT_TIMEOUT, 0, t, t };
    if (phase == 1 && l->action == DO_SYSTEM_RESET)   /* blk_drain returns */
        return w->machines[l->machine].intc & INTC_IO_IN_FLIGHT ? (struct pending){ 0 }
             : (struct pending){ STEP_SCRIPT_LINE, 0, 0, 1 };
    return (struct pending){ STEP_SCRIPT_LINE, 0, 0, WINDOW_NEVER };
}

void lv_error(struct step_ctx *c, const char *msg)
{
    if (c->tr) {
        trace_result_str(c->tr, "error", msg);
        trace_log(c->tr, "libvirt", msg);
    }
}

/* qemuMonitorJSONCheckErrorFull (src/qemu/qemu_monitor_json.c): VIR_ERR_INTERNAL_ERROR. */
void lv_qmp_error(struct step_ctx *c, const char *cmd, const char *desc)
{
    char msg[320];

    if (!c->tr)
        return;
    snprintf(msg, sizeof(msg), "internal error: unable to execute QEMU command '%s': %s", cmd, desc);
    lv_error(c, msg);
}

/* qemuDomainFilterHotplugVcpuEntities, for an attach and a detach alike: VIR_ERR_INVALID_ARG. */
static bool vcpu_in_requested_state(int core_id, char *err, size_t errlen)
{
    snprintf(err, errlen, "invalid argument: vcpu '%d' is already in requested state", core_id);
    return true;
}

/*
 * A DIMM against the domain's memory: first virDomainDefCompatibleDevice
 * (src/conf/domain_conf.c), initial memory plus every DIMM of the live XML and
 * the new one against <maxMemory> (initial memory plus the LMB area), sizes in
 * KiB; then qemuDomainDefValidateMemoryHotplug's count against <maxMemory
 * slots=>. Both VIR_ERR_CONFIG_UNSUPPORTED, as libvirt 9.0 reports them
 * (validate/libvirt/probe, recorded in validate/recorded/libvirt-9.0.0.txt).
 */
static bool dimm_hotplug_invalid(const struct scenario *scn, int m, uint32_t live,
                                 uint8_t dev, char *err, size_t errlen)
{
    const struct scn_machine *mc = &scn->machines[m];
    uint32_t total = mc->ram_mb + scn->devices[dev].size_mb, max = scn_machine_maxmem_mb(mc);
    unsigned nmems = 1;

    for (int e = 0; e < scn->ndevices; e++)
        if ((live >> e & 1) && scn->devices[e].type == DEV_DIMM) {
            total += scn->devices[e].size_mb;
            nmems++;
        }
    if (total > max) {
        snprintf(err, errlen, "unsupported configuration: Attaching memory device with size "
                 "'%llu' would exceed domain's maxMemory config size '%llu'",
                 scn->devices[dev].size_mb * 1024ull, max * 1024ull);
        return true;
    }
    if (nmems <= mc->slots)
        return false;
    snprintf(err, errlen, "unsupported configuration: memory device count '%u' exceeds "
             "slots count '%u'", nmems, (unsigned)mc->slots);
    return true;
}

bool libvirt_attach_refused(const struct scenario *scn, int m, uint32_t live, uint8_t dev,
                            char *err, size_t errlen)
{
    const struct scn_device *d = &scn->devices[dev];

    /* virDomainDeviceValidateAliasImpl (src/conf/domain_validate.c), VIR_ERR_CONFIG_UNSUPPORTED:
     * the scenario's ID is the user alias, which libvirt requires to start with "ua-" */
    if (d->type != DEV_CPU_CORE && (live >> dev & 1)) {
        snprintf(err, errlen, "unsupported configuration: non unique alias detected: ua-%s", d->id);
        return true;
    }
    for (int e = 0; e < scn->ndevices; e++) {
        const struct scn_device *o = &scn->devices[e];
        if (!(live >> e & 1) || o->type != d->type)
            continue;
        if (d->type == DEV_CPU_CORE && o->core_id == d->core_id)
            return vcpu_in_requested_state(d->core_id, err, errlen);
        /* virDomainPCIAddressReserveAddrInternal with fromConfig: VIR_ERR_XML_ERROR, the
         * address as VIR_PCI_DEVICE_ADDRESS_FMT on PHB 0's bus; libvirt releases it only in
         * qemuDomainRemoveDevice, after DEVICE_DELETED */
        if (d->type == DEV_PCI && o->slot == d->slot) {
            snprintf(err, errlen, "XML error: Attempted double use of PCI Address 0000:00:%02x.0",
                     d->slot);
            return true;
        }
    }
    return d->type == DEV_DIMM && dimm_hotplug_invalid(scn, m, live, dev, err, errlen);
}

bool libvirt_detach_refused(const struct scenario *scn, uint32_t live, uint8_t dev, char *err,
                            size_t errlen)
{
    const struct scn_device *d = &scn->devices[dev];

    /* qemuDomainHotplugDelVcpu (src/qemu/qemu_hotplug.c), VIR_ERR_OPERATION_UNSUPPORTED: a
     * vCPU of the command line passes qemuDomainFilterHotplugVcpuEntities' state check */
    if ((live >> dev & 1) && d->type == DEV_CPU_CORE && d->on_smp) {
        snprintf(err, errlen, "Operation not supported: vcpu '%d' can't be unplugged", d->core_id);
        return true;
    }
    if ((live >> dev & 1) || (d->type != DEV_CPU_CORE && d->type != DEV_DIMM &&
                              d->type != DEV_PCI))
        return false;
    if (d->type == DEV_CPU_CORE)
        return vcpu_in_requested_state(d->core_id, err, errlen);
    /* VIR_ERR_DEVICE_MISSING. A PCI device: qemuDomainDetachPrepNet's virDomainNetFindIdx by
     * the XML's PCI address, no MAC given (libvirt 4.0 on). */
    if (d->type == DEV_PCI)
        snprintf(err, errlen, "device not found: no device found on 0000:00:%02x.0", d->slot);
    else
        snprintf(err, errlen, "device not found: model 'dimm' memory device not present in the "
                              "domain configuration");
    return true;
}

/* qemuDomainHotplugAddVcpu / qemuDomainAttachDeviceLive: no guest ack. */
bool lv_device_add(struct step_ctx *c, int m, uint8_t dev)
{
    char err[256];

    if (libvirt_refuses_hotplug(c->s->scn->devices[dev].type)) {
        lv_error(c, "Operation not supported: 'pci' controller cannot be hot plugged.");
        return false;
    }
    if (libvirt_attach_refused(c->s->scn, m, c->w->libvirt.xml[m], dev, err, sizeof(err))) {
        lv_error(c, err);
        return false;
    }
    if (!qmp_device_add(c->s, c->w, m, dev, c->tr, err, sizeof(err))) {
        lv_qmp_error(c, "device_add", err);
        return false;
    }
    c->w->libvirt.xml[m] |= (uint16_t)(1u << dev);
    return true;
}

/*
 * qemuDomainDeleteDevice after qemuDomainMarkDeviceForRemoval. A device
 * libvirt still has and QEMU answers with DeviceNotFound (-2 from
 * qemuMonitorJSONDelDevice) is already gone: qemuDomainDetachDeviceLive and
 * qemuDomainHotplugDelVcpu remove it at once; older libvirt failed the vCPU
 * with no error of its own, or claimed success and waited, or gave QEMU's
 * error (libvirt.detach-missing).
 */
enum lv_del lv_device_del_start(struct step_ctx *c, int m, uint8_t dev)
{
    struct libvirt_state *lv = &c->w->libvirt;
    bool missing = !c->w->machines[m].devices[dev].realized && (lv->xml[m] >> dev & 1);
    bool cpu = c->s->scn->devices[dev].type == DEV_CPU_CORE;
    uint32_t mode = knob_val(&c->s->knobs, KNOB_LIBVIRT_DETACH_MISSING);
    char err[256];

    lv->failed_report &= (uint16_t)~(1u << dev);
    lv->unplug_dev = (uint8_t)(dev + 1);
    lv->unplug_status = LV_UNPLUG_NONE;
    if (qmp_device_del(c->s, c->w, m, dev, c->tr, err, sizeof(err)))
        return LV_DEL_WAIT;
    if (missing && mode == DETACH_MISSING_WAIT)
        return LV_DEL_WAIT;
    lv->unplug_dev = 0;
    if (missing && mode == DETACH_MISSING_REMOVE_DEVICE && cpu) {
        lv_error(c, "An error occurred, but the cause is unknown");   /* virErrorGenericFailure */
        return LV_DEL_FAILED;
    }
    if (!missing || mode == DETACH_MISSING_ERROR) {
        lv_qmp_error(c, "device_del", err);
        return LV_DEL_FAILED;
    }
    lv->xml[m] &= (uint16_t)~(1u << dev);    /* qemuDomainRemoveVcpu / RemoveDevice */
    if (c->tr)
        trace_result_str(c->tr, "return", "removed");
    return LV_DEL_REMOVED;
}

/* qemuDomainWaitForDeviceRemoval returned: event, rejection or timeout. */
void lv_device_del_end(struct step_ctx *c, int m, uint8_t dev, bool timed_out)
{
    struct libvirt_state *lv = &c->w->libvirt;
    bool cpu = c->s->scn->devices[dev].type == DEV_CPU_CORE;

    if (!timed_out && lv->unplug_status == LV_UNPLUG_OK) {
        lv->xml[m] &= (uint16_t)~(1u << dev);    /* qemuDomainRemoveVcpu / RemoveDevice */
        if (c->tr)
            trace_result_str(c->tr, "return", "removed");
    } else if (!timed_out) {
        lv->failed_report |= (uint16_t)(1u << dev);
        lv_error(c, "operation failed: unplug of device was rejected by the guest");
    } else if (cpu) {   /* qemuDomainHotplugDelVcpu: VIR_ERR_OPERATION_TIMEOUT */
        lv->failed_report |= (uint16_t)(1u << dev);
        lv_error(c, "Timed out during operation: vcpu unplug request timed out. Unplug result "
                    "must be manually inspected in the domain");
    } else if (c->tr) {   /* detach timeout = success, the device stays in the live XML */
        trace_result_str(c->tr, "return", "timed out, device kept in the live XML");
    }
    lv->unplug_dev = 0;
    lv->unplug_status = LV_UNPLUG_NONE;
}

/* qemuProcessHandleDeviceDeleted & co: the event loop gets a QMP event. */
void libvirt_qmp_event(struct world *w, int m, uint8_t ev, uint8_t dev)
{
    struct libvirt_state *lv = &w->libvirt;

    if (ev == QMP_DEVICE_DELETED && (lv->failed_report >> dev & 1))
        lv->false_unplug |= (uint16_t)(1u << dev);
    if (ev != QMP_DEVICE_DELETED)   /* a rejection reported to the management layer */
        lv->failed_report |= (uint16_t)(1u << dev);
    if (lv->nevents + lv->nworker == MAX_LV_EVENTS) {   /* one bound: handle_event moves them */
        w->machines[m].abort_reason = QEMU_ABORT_EVENT_OVERFLOW;
        return;
    }
    lv->events[lv->nevents++] = (struct lv_event){ (uint8_t)m, ev, dev, 0 };
}

void libvirt_pending(const struct sim *s, const struct world *w, struct pending *events,
                     struct pending *worker)
{
    const struct libvirt_state *lv = &w->libvirt;

    (void)s;
    *events = lv->nevents ? (struct pending){ STEP_LIBVIRT_EVENT, 0, 0, 0 } : (struct pending){ 0 };
    if (!lv->nworker)
        *worker = (struct pending){ 0 };
    else if (lv->job == LV_JOB_NONE)
        *worker = (struct pending){ STEP_LIBVIRT_WORKER, 0, 0, 1 };
    else   /* arg 1: its virDomainObjBeginJob gives up after VIR_JOB_WAIT_TIME */
        *worker = (struct pending){ STEP_LIBVIRT_WORKER, 1, LV_JOB_WAIT_MS, LV_JOB_WAIT_MS };
}

static void trace_lv(struct step_ctx *c, const char *op, int m, uint8_t dev)
{
    if (!c->tr)
        return;
    trace_step_begin(c->tr, c->step_no, c->t_ms, "libvirt", op);
    trace_arg_str(c->tr, "machine", sim_machine_name(c->s, m));
    trace_arg_str(c->tr, "id", c->s->scn->devices[dev].id);
}

/*
 * One QMP event: DEVICE_DELETED wakes the thread waiting on that alias (the
 * first event does, qemuDomainSignalDeviceRemoval clearing the alias) or
 * goes to the worker; DEVICE_UNPLUG_GUEST_ERROR wakes it with GUEST_REJECTED
 * and is reported as device-removal-failed; MEM_UNPLUG_ERROR is not handled.
 */
static void handle_event(struct step_ctx *c)
{
    struct libvirt_state *lv = &c->w->libvirt;
    struct lv_event e = lv->events[0];
    /* qemuDomainSignalDeviceRemoval resets the alias when it signals: one event per wait */
    bool waiter = lv->unplug_dev == e.dev + 1 && lv->unplug_status == LV_UNPLUG_NONE;

    memmove(&lv->events[0], &lv->events[1], (size_t)(lv->nevents - 1) * sizeof(lv->events[0]));
    memset(&lv->events[--lv->nevents], 0, sizeof(lv->events[0]));
    trace_lv(c, qmp_event_name(e.event), e.machine, e.dev);
    if (e.event == QMP_DEVICE_DELETED && waiter) {
        lv->unplug_status = LV_UNPLUG_OK;
    } else if (e.event == QMP_DEVICE_DELETED) {
        lv->worker_q[lv->nworker++] = (struct lv_deleted){ e.machine, e.dev };
    } else if (e.event == QMP_DEVICE_UNPLUG_GUEST_ERROR) {
        if (waiter)
            lv->unplug_status = LV_UNPLUG_GUEST_REJECTED;
        if (c->tr)
            trace_result_str(c->tr, "event", "device-removal-failed");
    } else if (c->tr) {
        trace_result_str(c->tr, "event", "ignored");
    }
    if (c->tr)
        trace_step_end(c->tr);
}

/*
 * processDeviceDeletedEvent: needs a MODIFY job, and drops the event when
 * virDomainObjBeginJob times out (the device stays in the live XML); an
 * inactive domain drops it too. The driver's event pool has one worker,
 * which runs its jobs in the order qemuProcessEventSubmit sent them
 * (virThreadPoolSendJob): first in, first out.
 */
static void worker(struct step_ctx *c, bool job_timed_out)
{
    struct libvirt_state *lv = &c->w->libvirt;
    struct lv_deleted e = lv->worker_q[0];
    int m = e.machine;
    uint8_t dev = e.dev;

    memmove(&lv->worker_q[0], &lv->worker_q[1],
            (size_t)(lv->nworker - 1) * sizeof(lv->worker_q[0]));
    memset(&lv->worker_q[--lv->nworker], 0, sizeof(lv->worker_q[0]));
    trace_lv(c, "processDeviceDeletedEvent", m, dev);
    if (job_timed_out)
        lv_job_timeout(c, m);
    else if (lv->domain == m)
        lv->xml[m] &= (uint16_t)~(1u << dev);
    else if (c->tr)
        trace_log(c->tr, "libvirt", "Domain is not running");
    if (c->tr)
        trace_step_end(c->tr);
}

void libvirt_apply(struct step_ctx *c, const struct step *st)
{
    if (st->kind == STEP_LIBVIRT_EVENT)
        handle_event(c);
    else
        worker(c, st->arg == 1);
}

/*
 * A machine that runs at the scenario's start booted long ago: CAS (its reboot,
 * 10f12e6450, or DRC reset, ad334d89a6) or the guest's handling of the queued
 * add made those cores what a -device gives, so the model coldplugs them.
 */
bool libvirt_adds_at_start(const struct scenario *scn, int m, uint8_t dev)
{
    const struct scn_machine *sm = &scn->machines[m];
    const struct scn_device *d = &scn->devices[dev];

    /* hotpluggable='yes' (not on -smp): the vCPU has an alias */
    return sm->guest == GUEST_LINUX && (sm->prelaunch || sm->incoming_defer) &&
           d->type == DEV_CPU_CORE && !d->on_smp;
}

/* Whether a destination gets a device of this type by device_add in INMIGRATE (and a
 * -S start its vCPUs: qemuProcessSetupHotpluggableVcpus; the real-QEMU driver for DIMMs
 * and PCI devices) rather than on its command line: libvirt.dst-vcpus/-dimms/-pci. */
bool dst_by_device_add(const struct knob_set *k, int type)
{
    switch (type) {
    case DEV_CPU_CORE: return knob_val(k, KNOB_LIBVIRT_DST_VCPUS) == DST_VCPUS_DEVICE_ADD;
    case DEV_DIMM:     return knob_val(k, KNOB_LIBVIRT_DST_DIMMS) == DST_DIMMS_DEVICE_ADD;
    case DEV_PCI:      return knob_val(k, KNOB_LIBVIRT_DST_PCI) == DST_PCI_DEVICE_ADD;
    default:           return false;
    }
}

uint32_t libvirt_start_vcpus(const struct sim *s, int m)
{
    const struct scenario *scn = s->scn;
    uint32_t adds = 0;

    if (!dst_by_device_add(&s->knobs, DEV_CPU_CORE))
        return 0;
    for (unsigned i = 0; i < scn->ncoldplug; i++)
        if (scn->coldplug[i].machine == m && libvirt_adds_at_start(scn, m, scn->coldplug[i].device))
            adds |= 1u << scn->coldplug[i].device;
    return adds;
}

/* In the order of the `device` lines (libvirt's: the vCPUs' order=), after qemu_system_reset. */
bool libvirt_setup_hotpluggable_vcpus(const struct sim *s, struct world *w, int m, uint32_t adds,
                                      char *err, size_t errlen)
{
    const struct scenario *scn = s->scn;
    char why[200];

    for (unsigned i = 0; i < scn->ncoldplug; i++) {
        uint8_t d = scn->coldplug[i].device;
        if (scn->coldplug[i].machine != m || !(adds >> d & 1) ||
            qmp_device_add(s, w, m, d, NULL, why, sizeof(why)))
            continue;
        /* qemuMonitorJSONCheckError */
        snprintf(err, errlen, "internal error: unable to execute QEMU command 'device_add': %s",
                 why);
        return false;
    }
    return true;
}

/* The domain starts where the guest starts, with every device QEMU has. */
void libvirt_start(const struct sim *s, struct world *w)
{
    struct libvirt_state *lv = &w->libvirt;

    memset(lv, 0, sizeof(*lv));
    lv->domain = (uint8_t)(sim_guest_machine(s, w) < 0 ? 0 : sim_guest_machine(s, w));
    lv->defined = (uint8_t)(1u << lv->domain);
    for (int m = 0; m < s->scn->nmachines; m++)
        for (int d = 0; d < s->scn->ndevices; d++)
            if (w->machines[m].devices[d].realized && libvirt_manages(s, m))
                lv->xml[m] |= (uint16_t)(1u << d);
}
