/*
 * One real run of a scenario (guest=linux machines) on real QEMU: a fresh
 * qemu-system-ppc64 per machine, the script lines in file order (one
 * interleaving), management actions as libvirt performs them, observations
 * collected from every machine. A QEMU that crashes or hangs makes the run
 * "reference invalid", never a model failure.
 */
#ifndef DRCSIM_REALDRIVE_H
#define DRCSIM_REALDRIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "realqemu.h"
#include "scenario.h"

/* What validate/setup produced (its DIR/paths file: qemu=, kernel=, initrd=). */
struct real_setup {
    char qemu[256], kernel[256], initrd[256];
};
bool real_setup_load(const char *dir, struct real_setup *out, char *err, size_t errlen);

/* QEMU 7.2's core type for the machine's host CPU (power9_v2.0-spapr-cpu-core). */
const char *real_core_type(const struct scn_machine *m);

/*
 * Machine m as a QEMU configuration: -smp S,maxcpus=cores + vCPU creations (S: the
 * boot core and the hotpluggable=no ones; TCG never reuses a vCPU context),
 * -m RAM,slots=N,maxmem=RAM+lmbs*256M (N: the machine's slots=; plain -m without lmbs),
 * -S for prelaunch, -S -incoming defer, coldplugged devices as -object/-device.
 * cfg->extra is allocated: real_machine_config_clear().
 */
void real_machine_config(const struct scenario *scn, int m, const struct real_setup *paths,
                         const char *workdir, struct real_vm_config *cfg);
void real_machine_config_clear(struct real_vm_config *cfg);

/* QMP arguments (json_node_unref): device_add of a CPU core or DIMM, object-add of its backend. */
JsonNode *real_device_add_args(const struct scenario *scn, int m, int dev);
JsonNode *real_object_add_args(const struct scn_device *d);

/* Can this scenario run on real QEMU? false with the reason (rtas/assert lines, guest=script…). */
bool real_scenario_drivable(const struct scenario *scn, char *why, size_t len);

/* How invalid_reason starts; for a QEMU's death it goes on "MACHINE: " and the death's text. */
#define REAL_INVALID "reference invalid: "

/*
 * One real run in workdir (its files stay there). Returns false, with the
 * reason in invalid_reason, when the scenario cannot be driven at all; true
 * when the run happened: invalid_reason is then "" or "reference invalid:
 * …" (QEMU crashed or hung, or the run left what QEMU under TCG survives).
 * obs_out (struct real_obs) gets every machine's observations; kinds are
 * realqemu.h's plus "step" (the driver's own outcomes: waits, migration).
 */
bool real_drive_scenario(const struct scenario *scn, const char *workdir,
                         const struct real_setup *paths, GArray *obs_out, double *seconds,
                         char *invalid_reason, size_t len);

#endif
