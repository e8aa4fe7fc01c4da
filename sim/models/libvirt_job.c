/*
 * libvirt's domain job (src/conf/virdomainjob.c; src/qemu/qemu_domain.c in
 * libvirt 3.x): which client holds it, and the error of a client whose wait
 * for it gives up, which names the API of the thread that holds it.
 */
#include <stdio.h>
#include "libvirt.h"
#include "script.h"

void job_acquire(struct world *w, int script, uint8_t job)
{
    w->libvirt.job = job;
    w->libvirt.job_owner = (uint8_t)script;
}

void job_release(struct world *w)
{
    w->libvirt.job = LV_JOB_NONE;
    w->libvirt.job_owner = 0;
}

/*
 * The holder's ownerAPI, or for the migration's async job its asyncOwnerAPI
 * (a MODIFY job is not in a migration's job mask): the RPC handler the job
 * began in, virThreadJobSet("remoteDispatch…") (src/rpc/gendispatch.pl).
 * The migration is peer-to-peer (qemuMigrationSrcPerformPeer2Peer3): the
 * source's job begins in Perform3, the destination's in Prepare3. A vCPU is
 * added or removed with virsh setvcpu, a DIMM or PCI device with
 * attach-device and detach-device.
 */
static const char *holder_api(const struct sim *s, const struct world *w, int m)
{
    const struct scn_line *l;
    bool vcpu;

    if (w->libvirt.job == LV_JOB_NONE || w->libvirt.job_owner >= s->scn->nscripts)
        return NULL;
    l = script_line(s, w, w->libvirt.job_owner);
    vcpu = l->device != SCN_NO_DEVICE && s->scn->devices[l->device].type == DEV_CPU_CORE;
    switch (l->action) {
    case DO_MIGRATE:
        return m == l->machine2 ? "remoteDispatchDomainMigratePrepare3Params"
                                : "remoteDispatchDomainMigratePerform3Params";
    case DO_DEVICE_ADD:
        return vcpu ? "remoteDispatchDomainSetVcpu" : "remoteDispatchDomainAttachDeviceFlags";
    case DO_DEVICE_DEL:
        return vcpu ? "remoteDispatchDomainSetVcpu" : "remoteDispatchDomainDetachDeviceFlags";
    case DO_SETVCPUS:
        return "remoteDispatchDomainSetVcpusFlags";
    case DO_CONT:
        return "remoteDispatchDomainResume";
    case DO_STOP:
        return "remoteDispatchDomainSuspend";
    case DO_SYSTEM_RESET:
        return "remoteDispatchDomainReset";
    default:
        return NULL;
    }
}

/*
 * virDomainObjBeginJobInternal: VIR_ERR_OPERATION_TIMEOUT, "cannot acquire
 * state change lock (held by monitor=API)"; libvirt 3.x's
 * qemuDomainObjBeginJobInternal said "(held by API)" (libvirt.job-lock-error).
 */
void lv_job_timeout(struct step_ctx *c, int m)
{
    const char *api;
    char msg[160];

    if (!c->tr)
        return;
    if (!(api = holder_api(c->s, c->w, m))) {
        lv_error(c, "Timed out during operation: cannot acquire state change lock");
        return;
    }
    snprintf(msg, sizeof(msg),
             "Timed out during operation: cannot acquire state change lock (held by %s%s)",
             knob_val(&c->s->knobs, KNOB_LIBVIRT_JOB_LOCK_ERROR) == JOB_LOCK_ERROR_HELD_BY
                 ? "" : "monitor=", api);
    lv_error(c, msg);
}
