/*
 * One step of a script's `do` line. On a libvirt-managed machine each action
 * runs under a job as libvirt runs it, possibly over several steps (device_del
 * waits for DEVICE_DELETED; migrate is Begin, Prepare, Perform, wait, Finish
 * and Confirm); elsewhere the line is one bare QMP command.
 */
#include <stdio.h>
#include <string.h>
#include "guest_os.h"
#include "libvirt.h"
#include "migration.h"
#include "spapr.h"

static const char *const migrate_phases[] = { "Begin", "Prepare", "Perform", "Finish+Confirm" };

static void trace_line(struct step_ctx *c, const struct scn_line *l, uint8_t phase)
{
    static const char *const drivers[DEV_TYPE_COUNT] = { "cpu", "dimm", "phb", "pci" };
    const struct scn_device *d;

    if (!c->tr)
        return;
    trace_step_begin(c->tr, c->step_no, c->t_ms, "libvirt", do_action_name(l->action));
    trace_arg_str(c->tr, "machine", sim_machine_name(c->s, l->machine));
    if (c->s->scn->nscripts > 1)
        trace_arg_str(c->tr, "script", c->s->scn->script_names[l->script]);
    if (l->action == DO_MIGRATE) {
        trace_arg_str(c->tr, "dst", sim_machine_name(c->s, l->machine2));
        trace_arg_str(c->tr, "phase", migrate_phases[phase < 4 ? phase : 3]);
    }
    if (l->action == DO_SETVCPUS)
        trace_arg_int(c->tr, "count", l->arg);
    if (l->action == DO_SYSTEM_RESET && phase == 1)
        trace_arg_str(c->tr, "phase", "after blk_drain");
    if (l->device == SCN_NO_DEVICE || l->action == DO_MIGRATE)
        return;
    d = &c->s->scn->devices[l->device];
    if (l->action == DO_DEVICE_ADD)
        trace_arg_str(c->tr, "driver", drivers[d->type]);
    trace_arg_str(c->tr, "id", d->id);
}

/* A bare QMP command (guest=script|none machines). */
static void direct_qmp(struct step_ctx *c, const struct scn_line *l)
{
    char err[256] = "";
    bool ok = true;

    switch (l->action) {
    case DO_DEVICE_ADD:   ok = qmp_device_add(c->s, c->w, l->machine, l->device, c->tr, err, sizeof(err)); break;
    case DO_DEVICE_DEL:   ok = qmp_device_del(c->s, c->w, l->machine, l->device, c->tr, err, sizeof(err)); break;
    case DO_CONT:         ok = qmp_cont(c->s, c->w, l->machine, err, sizeof(err)); break;
    case DO_STOP:         qmp_stop(c->s, c->w, l->machine); break;
    case DO_SYSTEM_RESET: qmp_system_reset(c->s, c->w, l->machine, c->tr); break;
    case DO_MIGRATE:      migration_start(c, l->machine, l->machine2); break;
    default:              break;
    }
    if (c->tr)
        trace_result_str(c->tr, ok ? "return" : "error", ok ? "{}" : err);
}

/* qemuMigrationDstPrepare: the source's devices the way libvirt gives them. */
/*
 * A DIMM's addr= on the destination: libvirt's live XML has the base
 * address QEMU gave it (qemuDomainAttachMemory -> qemuDomainUpdateMemoryDeviceInfo)
 * and qemuBuildMemoryDeviceStr passes it with slot=. The source still has
 * the DIMM where libvirt read it; one it has dropped since Begin goes to the
 * lowest gap (-1).
 */
static int dimm_addr_id(const struct step_ctx *c, int src, int d)
{
    const struct spapr_device *sd = &c->w->machines[src].devices[d];
    const struct sim_machine *sm = &c->s->m[src];

    if (c->s->scn->devices[d].type != DEV_DIMM || !sd->realized)
        return -1;
    return (int)sm->lmb_base_id + sd->first_drc - sm->lmb_first;   /* its address / 256M */
}

/*
 * A device the destination refuses fails Prepare (qemuProcessSetupHotpluggableVcpus'
 * "goto cleanup", or QEMU exiting on a bad -device): the job ends with the error,
 * the source runs on, and libvirt never takes the destination into its XML.
 */
static bool migrate_prepare(struct step_ctx *c, int src, int dst)
{
    struct libvirt_state *lv = &c->w->libvirt;
    char err[256];

    for (int d = 0; d < c->s->scn->ndevices; d++) {
        if (!(lv->mig_xml >> d & 1) || c->w->machines[dst].devices[d].realized)
            continue;
        int addr_id = dimm_addr_id(c, src, d);
        /* a hotpluggable='no' vCPU is on -smp (qemuBuildSmpCommandLine) */
        bool by_qmp = dst_by_device_add(&c->s->knobs, c->s->scn->devices[d].type) &&
                      !c->s->scn->devices[d].on_smp;
        if (by_qmp && !qmp_device_add_at(c->s, c->w, dst, (uint8_t)d, addr_id, c->tr, err,
                                         sizeof(err))) {
            lv_qmp_error(c, "device_add", err);
            return false;
        }
        /* -device on the destination's command line: QEMU exits at start, libvirt relays
         * its stderr */
        if (!by_qmp && !spapr_coldplug(c->s, c->w, dst, (uint8_t)d, addr_id, err, sizeof(err))) {
            lv_error(c, err);
            return false;
        }
    }
    lv->xml[dst] = lv->mig_xml;
    return true;
}

/*
 * qemuMigrationSrcRestoreDomainState, when Prepare or Finish fails: a source
 * that was running at Begin and is paused now is started again, whoever
 * paused it (a virsh suspend inside the job too; only postcopy-failed stays).
 */
static void restore_domain_state(struct step_ctx *c, int src)
{
    uint8_t runstate = c->w->machines[src].runstate;
    char err[64];

    if (!c->w->libvirt.mig_was_running ||
        (runstate != RUN_STATE_PAUSED && runstate != RUN_STATE_POSTMIGRATE))
        return;
    if (c->tr)
        trace_log(c->tr, "libvirt", "Restoring pre-migration state due to migration error");
    qmp_cont(c->s, c->w, src, err, sizeof(err));
}

/*
 * A new attempt after a failed one starts a new destination QEMU, as the
 * first was started: the failed load may have written some of its DRCs
 * before it exited (process_incoming_migration_co).
 */
static void destination_relaunch(struct step_ctx *c, int dst)
{
    c->w->machines[dst] = c->s->initial.machines[dst];
    c->w->libvirt.gone &= (uint8_t)~(1u << dst);
    if (c->tr)
        trace_result_str(c->tr, "destination", "a new QEMU process");
}

/* The migration job: Begin, Prepare, Perform, (wait), Finish with cont, Confirm. */
static bool migrate_step(struct step_ctx *c, int script, const struct scn_line *l)
{
    struct script_state *sc = &c->w->scripts[script];
    struct libvirt_state *lv = &c->w->libvirt;
    int src = l->machine, dst = l->machine2;
    char err[64];

    switch (sc->phase) {
    case 0:
        job_acquire(c->w, script, LV_JOB_MIGRATION);
        lv->mig_xml = lv->xml[src];
        /* qemuMigrationSrcStoreDomainState (libvirt's PAUSED covers prelaunch too) */
        lv->mig_was_running = c->w->machines[src].runstate == RUN_STATE_RUNNING;
        break;
    case 1:
        /* qemuMigrationSrcPerformPeer2Peer3 adds VIR_MIGRATE_PAUSED when the
         * domain is paused right before Prepare; a later suspend stays behind */
        lv->mig_paused = c->w->machines[src].runstate != RUN_STATE_RUNNING;
        if (lv->gone >> dst & 1)   /* a failed attempt's QEMU is gone: qemuProcessLaunch */
            destination_relaunch(c, dst);
        if (!migrate_prepare(c, src, dst)) {
            lv->gone |= (uint8_t)(1u << dst);   /* qemuMigrationDstPrepareCleanup kills it */
            restore_domain_state(c, src);
            job_release(c->w);
            return true;
        }
        break;
    case 2:
        migration_start(c, src, dst);
        break;
    default:
        if (c->w->migration.status == MIGRATION_COMPLETED) {
            if (!lv->mig_paused)   /* Finish: a paused domain stays paused */
                qmp_cont(c->s, c->w, dst, err, sizeof(err));
            lv->domain = (uint8_t)dst;
            lv->defined |= (uint8_t)(1u << dst);   /* as virsh migrate --persistent */
            lv->xml[src] = 0;     /* Confirm: the source QEMU is killed */
            lv->gone = (uint8_t)((lv->gone | 1u << src) & ~(1u << dst));
        } else {   /* the destination QEMU exited: processMonitorEOFEvent, qemuProcessStop */
            lv_error(c, "operation failed: migration job: unexpectedly failed");
            lv->xml[dst] = 0;
            lv->gone |= (uint8_t)(1u << dst);
            restore_domain_state(c, src);   /* Confirm, cancelled */
        }
        job_release(c->w);
        return true;
    }
    sc->phase = sc->phase == 2 ? 3 : sc->phase + 1;
    return false;
}

/* The core slot's device (declared, or the implicit "vcpuN"). */
static int core_device(const struct sim *s, int core)
{
    for (int d = 0; d < s->scn->ndevices; d++)
        if (s->scn->devices[d].type == DEV_CPU_CORE && s->scn->devices[d].core_id == core)
            return d;
    return -1;
}

/*
 * qemuDomainSetVcpusInternal: one core per step, grow with the lowest
 * disabled core, shrink with the highest hot-plugged one (vCPU 0 never),
 * stop at the first failure. qemuDomainSelectHotplugVcpuEntities picks the
 * cores before any is touched: a shrink passes over cores without an alias
 * (those on -smp) and fails at once when the others cannot reach the count.
 * The job holds the XML still, so checking at every step is the same check.
 */
static bool setvcpus_step(struct step_ctx *c, int script, const struct scn_line *l,
                          const struct step *st)
{
    struct script_state *sc = &c->w->scripts[script];
    int m = l->machine, ncpu = c->s->m[m].ncpu, online = 1, removable = 0, d;

    if (sc->phase == 1) {   /* qemuDomainHotplugDelVcpu's wait ended */
        bool timed_out = st->kind == STEP_SCRIPT_TIMEOUT;
        bool ok = !timed_out && c->w->libvirt.unplug_status == LV_UNPLUG_OK;
        lv_device_del_end(c, m, (uint8_t)(c->w->libvirt.unplug_dev - 1), timed_out);
        sc->phase = 0;
        return !ok;
    }
    for (int core = 1; core < ncpu; core++)
        if ((d = core_device(c->s, core)) >= 0 && (c->w->libvirt.xml[m] >> d & 1)) {
            online++;
            removable += !c->s->scn->devices[d].on_smp;
        }
    if (online - removable > (int)l->arg) {   /* VIR_ERR_CONFIG_UNSUPPORTED */
        lv_error(c, "unsupported configuration: failed to find appropriate hotpluggable vcpus "
                    "to reach the desired target vcpu count");
        return true;
    }
    for (int core = 1; core < ncpu && online < (int)l->arg; core++)
        if ((d = core_device(c->s, core)) >= 0 && !(c->w->libvirt.xml[m] >> d & 1))
            return !lv_device_add(c, m, (uint8_t)d);
    for (int core = ncpu - 1; core > 0 && online > (int)l->arg; core--)
        if ((d = core_device(c->s, core)) >= 0 && (c->w->libvirt.xml[m] >> d & 1) &&
            !c->s->scn->devices[d].on_smp) {
            enum lv_del r = lv_device_del_start(c, m, (uint8_t)d);
            if (r == LV_DEL_WAIT)
                sc->phase = 1;
            return r == LV_DEL_FAILED;
        }
    return true;
}

/* virDomainReset: under way while the reset drains the guest's I/O (phase 1). */
static bool system_reset_step(struct step_ctx *c, struct script_state *sc, int m)
{
    if (sc->phase == 0 && !spapr_system_reset_begin(c->s, c->w, m, c->tr)) {
        if (c->tr)
            trace_result_str(c->tr, "qemu_devices_reset", "blk_drain: BQL dropped");
        sc->phase = 1;
        return false;
    }
    if (sc->phase == 1)
        spapr_system_reset_finish(c->s, c->w, m, c->tr);
    guest_machine_reset(c, m);
    return true;
}

/*
 * The checks before device_del: a PHB is refused (libvirt_refuses_hotplug),
 * a vCPU, DIMM or PCI device looked up in libvirt's live XML (libvirt_detach_refused),
 * with their errors; vCPU ids are core-id x threads, one thread here.
 */
static bool detach_prep(struct step_ctx *c, int m, uint8_t dev)
{
    char err[128];

    if (libvirt_refuses_hotplug(c->s->scn->devices[dev].type)) {   /* before any lookup */
        lv_error(c, "Operation not supported: 'pci' controller cannot be hot unplugged.");
        return false;
    }
    if (!libvirt_detach_refused(c->s->scn, c->w->libvirt.xml[m], dev, err, sizeof(err)))
        return true;
    lv_error(c, err);
    return false;
}

static bool managed_step(struct step_ctx *c, int script, const struct scn_line *l,
                         const struct step *st)
{
    struct script_state *sc = &c->w->scripts[script];
    char err[64];

    switch (l->action) {
    case DO_DEVICE_ADD:
        lv_device_add(c, l->machine, l->device);
        return true;
    case DO_DEVICE_DEL:
        if (sc->phase == 0) {
            if (!detach_prep(c, l->machine, l->device))
                return true;
            sc->phase = 1;
            return lv_device_del_start(c, l->machine, l->device) != LV_DEL_WAIT;
        }
        lv_device_del_end(c, l->machine, l->device, st->kind == STEP_SCRIPT_TIMEOUT);
        return true;
    case DO_MIGRATE:
        return migrate_step(c, script, l);
    case DO_SETVCPUS:
        return setvcpus_step(c, script, l, st);
    case DO_CONT:            /* virDomainResume */
        qmp_cont(c->s, c->w, l->machine, err, sizeof(err));
        return true;
    case DO_STOP:            /* virDomainSuspend */
        qmp_stop(c->s, c->w, l->machine);
        return true;
    case DO_SYSTEM_RESET:
        return system_reset_step(c, sc, l->machine);
    default:
        return true;
    }
}

/* A `do M guest …` line, where the guest runs on M. */
static void guest_action(struct step_ctx *c, const struct scn_line *l)
{
    if (sim_guest_machine(c->s, c->w) != l->machine) {
        if (c->tr) {
            trace_line(c, l, 0);
            trace_result_str(c->tr, "error", "the guest does not run on this machine");
            trace_step_end(c->tr);
        }
    } else if (l->action == DO_GUEST_CPU_OFFLINE) {
        guest_cpu_offline(c, (int)l->arg);
    } else if (l->action == DO_GUEST_DISK_READ) {
        guest_disk_read(c);
    } else {
        guest_lmb_busy(c, l->device, (int)l->arg);
    }
}

/*
 * A live change on a host the domain no longer runs on: where it stays
 * defined (it left at Confirm), virDomainObjCheckActive (src/conf/domain_conf.c);
 * where the incoming QEMU exited, the transient domain is gone with it and the
 * lookup by name fails (qemuDomainLookupByName).
 */
static void domain_not_here(struct step_ctx *c, int m)
{
    char err[sizeof(c->s->scn->name) + 64];

    if (c->w->libvirt.defined >> m & 1) {
        lv_error(c, "Requested operation is not valid: domain is not running");
        return;
    }
    snprintf(err, sizeof(err), "Domain not found: no domain with matching name '%s'",
             c->s->scn->name);
    lv_error(c, err);
}

bool libvirt_do_step(struct step_ctx *c, int script, const struct scn_line *l,
                     const struct step *st)
{
    struct script_state *sc = &c->w->scripts[script];
    bool done;

    if (do_is_guest_action(l->action)) {   /* a user inside the guest */
        guest_action(c, l);
        return true;
    }
    trace_line(c, l, sc->phase);
    if (st->kind == STEP_SCRIPT_JOB_TIMEOUT) {
        lv_job_timeout(c, l->machine);
        done = true;
    } else if (!libvirt_manages(c->s, l->machine)) {
        direct_qmp(c, l);
        done = true;
    } else if (sc->phase == 0 && c->w->libvirt.gone >> l->machine & 1) {
        domain_not_here(c, l->machine);
        done = true;
    } else {
        /* a suspend inside the migration job leaves that job in place */
        if (sc->phase == 0 && needs_job(l) && l->action != DO_MIGRATE &&
            c->w->libvirt.job == LV_JOB_NONE)
            job_acquire(c->w, script, LV_JOB_MODIFY);
        done = managed_step(c, script, l, st);
        if (done && l->action != DO_MIGRATE && c->w->libvirt.job == LV_JOB_MODIFY &&
            c->w->libvirt.job_owner == script)
            job_release(c->w);
    }
    if (done)
        sc->phase = 0;
    if (c->tr)
        trace_step_end(c->tr);
    return done;
}
