/*
 * libvirt's QEMU driver inside drcsim: the job, the unplug waiter, the live
 * XML per domain, the QMP event loop and the deferred worker (libvirt.c),
 * and each script action performed as libvirt performs it (libvirt_actions.c).
 */
#ifndef DRCSIM_LIBVIRT_H
#define DRCSIM_LIBVIRT_H

#include "sim.h"
#include "trace.h"

/* virDomainObjBeginJob gives up after VIR_JOB_WAIT_TIME (src/conf/virdomainjob.c). */
#define LV_JOB_WAIT_MS 30000

/* Does libvirt manage machine m (a Linux guest)? Inline: every step asks it of every script. */
static inline bool libvirt_manages(const struct sim *s, int m)
{
    return s->scn->machines[m].guest == GUEST_LINUX;
}
/*
 * Does an attach find the device in libvirt's live XML (bit per scenario
 * device) and stop before QMP? A vCPU of that id online already
 * (qemuDomainFilterHotplugVcpuEntities: vCPU id = core-id, one thread), or
 * any other device's alias taken (virDomainDeviceValidateAliasForHotplug),
 * then a PCI device's address another holds (virDomainPCIAddressEnsureAddr),
 * or the live XML's DIMMs and this one beyond machine m's hotplug space
 * (qemuDomainDefValidateMemoryHotplug). The text, as virsh prints it, into
 * err. The model and the real driver ask.
 */
bool libvirt_attach_refused(const struct scenario *scn, int m, uint32_t live, uint8_t dev,
                            char *err, size_t errlen);
/*
 * Does a detach miss the vCPU, DIMM or PCI device in libvirt's live XML and
 * stop before QMP (qemuDomainFilterHotplugVcpuEntities,
 * qemuDomainDetachPrepMemory, qemuDomainDetachPrepNet)? The text into err, as above.
 */
bool libvirt_detach_refused(const struct scenario *scn, uint32_t live, uint8_t dev, char *err,
                            size_t errlen);

/*
 * A PHB is a <controller type='pci'>, and libvirt hot(un)plugs SCSI
 * controllers only (qemuDomainAttachControllerDevice,
 * qemuDomainDetachPrepController): refused before QMP, in the model and by
 * the real driver.
 */
static inline bool libvirt_refuses_hotplug(uint8_t type)
{
    return type == DEV_PHB;
}
/*
 * qemuProcessSetupHotpluggableVcpus (src/qemu/qemu_process.c): on a QEMU
 * started with -S or -incoming defer, libvirt device_adds the online
 * hotpluggable vCPUs after machine creation. Is device dev of machine m's
 * `device` lines one (the real driver adds it so)? The model's set (bit per
 * scenario device: none with libvirt.dst-vcpus=command-line), and the adds of that set.
 */
bool libvirt_adds_at_start(const struct scenario *scn, int m, uint8_t dev);
uint32_t libvirt_start_vcpus(const struct sim *s, int m);
bool libvirt_setup_hotpluggable_vcpus(const struct sim *s, struct world *w, int m, uint32_t adds,
                                      char *err, size_t errlen);
void libvirt_start(const struct sim *s, struct world *w);
/* QEMU emitted a QMP event on machine m (called by the QEMU model). */
void libvirt_qmp_event(struct world *w, int m, uint8_t ev, uint8_t dev);
void libvirt_pending(const struct sim *s, const struct world *w, struct pending *events,
                     struct pending *worker);
void libvirt_apply(struct step_ctx *c, const struct step *st);
/* The pending step of a script at a `do` line of a managed machine. */
struct pending libvirt_line_pending(const struct sim *s, const struct world *w, int script,
                                    const struct scn_line *l);

/* Shared with libvirt_actions.c */
/* Every management action takes the domain's job; a user inside the guest takes none. */
static inline bool needs_job(const struct scn_line *l)
{
    return !do_is_guest_action(l->action);
}
void job_acquire(struct world *w, int script, uint8_t job);
void job_release(struct world *w);
/* A wait for the job on machine m gave up: the error, naming the API that holds it. */
void lv_job_timeout(struct step_ctx *c, int m);
void lv_error(struct step_ctx *c, const char *msg);
/* libvirt.dst-vcpus/-dimms/-pci: a device of this type by device_add, not the command line. */
bool dst_by_device_add(const struct knob_set *k, int type);
/* QEMU refused a QMP command libvirt sent: the error libvirt reports. */
void lv_qmp_error(struct step_ctx *c, const char *cmd, const char *desc);
bool lv_device_add(struct step_ctx *c, int m, uint8_t dev);
/* What qemuDomainDeleteDevice leaves its caller with. */
enum lv_del { LV_DEL_FAILED, LV_DEL_WAIT, LV_DEL_REMOVED };
enum lv_del lv_device_del_start(struct step_ctx *c, int m, uint8_t dev);
void lv_device_del_end(struct step_ctx *c, int m, uint8_t dev, bool timed_out);

/* libvirt_actions.c: one step of a `do` line; true when the line is finished. */
bool libvirt_do_step(struct step_ctx *c, int script, const struct scn_line *l,
                     const struct step *st);

#endif
