/*
 * One real run of a scenario on real QEMU (realdrive.h): machines mapped to
 * QEMU command lines, script lines to QMP commands and guest shell commands
 * as libvirt and a user perform them, then every observation collected.
 */
#include "realdrive.h"
#include "libvirt.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define QMP_TIMEOUT      10.0   /* one QMP command */
#define BOOT_TIMEOUT     60.0   /* kernel start to the ready marker */
#define UNPLUG_WAIT      10.0   /* libvirt's wait for DEVICE_DELETED on pseries */
#define CONSOLE_TIMEOUT  10.0   /* one guest shell command */
#define WAIT_DEFAULT     60.0   /* a wait line without timeout= */
#define MIGRATE_TIMEOUT  60.0
#define STRAGGLERS       2.0    /* after the script, before collecting */
#define READY_MARKER     "=== GUEST-READY"

/* ---- set-up and command lines ------------------------------------------ */

bool real_setup_load(const char *dir, struct real_setup *out, char *err, size_t errlen)
{
    char *path = g_build_filename(dir, "paths", NULL), *text = NULL;
    gchar **lines;

    memset(out, 0, sizeof(*out));
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        snprintf(err, errlen, "%s: missing", path);
        g_free(path);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "qemu="))
            g_strlcpy(out->qemu, lines[i] + 5, sizeof(out->qemu));
        else if (g_str_has_prefix(lines[i], "kernel="))
            g_strlcpy(out->kernel, lines[i] + 7, sizeof(out->kernel));
        else if (g_str_has_prefix(lines[i], "initrd="))
            g_strlcpy(out->initrd, lines[i] + 7, sizeof(out->initrd));
    }
    g_strfreev(lines);
    g_free(text);
    if (!out->qemu[0] || !out->kernel[0] || !out->initrd[0])
        snprintf(err, errlen, "%s: needs qemu=, kernel= and initrd= lines", path);
    g_free(path);
    return out->qemu[0] && out->kernel[0] && out->initrd[0];
}

const char *real_core_type(const struct scn_machine *m)
{
    return m->host == CPU_POWER8 ? "power8_v2.0-spapr-cpu-core" : "power9_v2.0-spapr-cpu-core";
}

/* A PCI device for a scenario's `pci` slot: the model's (drc_fdt.c, spapr.c), a NIC
 * with no netdev and no option ROM (Debian's qemu-system-ppc lacks efi-virtio.rom);
 * the guest loads no driver for it, having no modules, and no drmgr (PCI events only
 * reach its RTAS log). */
#define REAL_PCI_DRIVER "virtio-net-pci"
#define REAL_PCI_BUS    "pci.0"      /* PHB 0, the one every pseries machine has */

/* vCPU cores machine m creates over its life: device_adds, coldplug, migrations into it. */
static unsigned cpu_creations(const struct scenario *scn, int m)
{
    unsigned n = 0;

    for (unsigned i = 0; i < scn->nlines; i++) {
        const struct scn_line *l = &scn->lines[i];
        if (l->kind != LINE_DO)
            continue;
        if (l->action == DO_DEVICE_ADD && l->machine == m &&
            scn->devices[l->device].type == DEV_CPU_CORE)
            n++;
        for (unsigned j = 0; l->action == DO_MIGRATE && l->machine2 == m && j < scn->nlines; j++)
            n += scn->lines[j].kind == LINE_DO && scn->lines[j].action == DO_DEVICE_ADD &&
                 scn->lines[j].machine == l->machine &&
                 scn->devices[scn->lines[j].device].type == DEV_CPU_CORE;
    }
    for (unsigned i = 0; i < scn->ncoldplug; i++)
        n += scn->coldplug[i].machine == m &&
             scn->devices[scn->coldplug[i].device].type == DEV_CPU_CORE;
    return n;
}

/*
 * -smp maxcpus for machine m: its own cores and creations, or more when a machine it
 * migrates with needs more. libvirt starts both ends from one domain XML; the XIVE
 * and XICS state (sized by max vCPUs) only loads into a machine of the same size
 * ("Missing section footer for spapr-xive" otherwise).
 */
static unsigned real_maxcpus(const struct scenario *scn, int m)
{
    unsigned need[MAX_MACHINES] = { 0 };

    for (int i = 0; i < scn->nmachines; i++)
        need[i] = scn->machines[i].cores + cpu_creations(scn, i);
    for (int round = 0; round < scn->nmachines; round++)
        for (unsigned i = 0; i < scn->nlines; i++) {
            const struct scn_line *l = &scn->lines[i];
            unsigned both;
            if (l->kind != LINE_DO || l->action != DO_MIGRATE)
                continue;
            both = MAX(need[l->machine], need[l->machine2]);
            need[l->machine] = need[l->machine2] = both;
        }
    return need[m];
}

/* vCPUs on machine m's -smp: the boot core and the hotpluggable=no cores, the online
 * non-hotpluggable vCPUs libvirt's qemuBuildSmpCommandLine counts (its test
 * cpu-hotplug-startup: -smp 1,maxcpus=6); core-ids 1..N-1 (sim.c check_smp_order). */
static unsigned smp_vcpus(const struct scenario *scn, int m)
{
    unsigned n = 1;

    for (unsigned i = 0; i < scn->ncoldplug; i++)
        n += scn->coldplug[i].machine == m && scn->devices[scn->coldplug[i].device].on_smp;
    return n;
}

static void coldplug_args(const struct scenario *scn, int m, GPtrArray *a)
{
    for (unsigned i = 0; i < scn->ncoldplug; i++) {
        const struct scn_device *d = &scn->devices[scn->coldplug[i].device];
        if (scn->coldplug[i].machine != m || d->on_smp ||   /* smp_vcpus */
            libvirt_adds_at_start(scn, m, scn->coldplug[i].device))   /* start_machines */
            continue;
        if (d->type == DEV_DIMM) {
            g_ptr_array_add(a, g_strdup("-object"));
            g_ptr_array_add(a, g_strdup_printf("memory-backend-ram,id=mem-%s,size=%uM", d->id,
                                               d->size_mb));
            g_ptr_array_add(a, g_strdup("-device"));
            g_ptr_array_add(a, g_strdup_printf("pc-dimm,id=%s,memdev=mem-%s", d->id, d->id));
        } else if (d->type == DEV_PCI) {
            g_ptr_array_add(a, g_strdup("-device"));
            g_ptr_array_add(a, g_strdup_printf(REAL_PCI_DRIVER ",id=%s,bus=" REAL_PCI_BUS
                                               ",addr=0x%x,romfile=", d->id, d->slot));
        } else {
            g_ptr_array_add(a, g_strdup("-device"));
            g_ptr_array_add(a, g_strdup_printf("%s,id=%s,core-id=%u",
                                               real_core_type(&scn->machines[m]), d->id, d->core_id));
        }
    }
}

/* The scenario's own qemu.ic-mode=xics: the pseries machine's ic-mode property
 * (spapr_set_ic_mode, hw/ppc/spapr.c), which a variant's knob cannot give a real QEMU. */
static bool scenario_xics(const struct scenario *scn)
{
    for (int i = 0; i < scn->nknobs; i++)
        if (scn->knobs[i].id == KNOB_QEMU_IC_MODE)
            return scn->knobs[i].lo == IC_MODE_XICS;
    return false;
}

void real_machine_config(const struct scenario *scn, int m, const struct real_setup *paths,
                         const char *workdir, struct real_vm_config *cfg)
{
    const struct scn_machine *sm = &scn->machines[m];
    GPtrArray *extra = g_ptr_array_new();

    memset(cfg, 0, sizeof(*cfg));
    g_strlcpy(cfg->name, sm->name, sizeof(cfg->name));
    cfg->workdir = workdir;
    cfg->qemu = paths->qemu;
    cfg->kernel = paths->kernel;
    cfg->initrd = paths->initrd;
    g_strlcpy(cfg->cpu, sm->host == CPU_POWER8 ? "POWER8" : "POWER9", sizeof(cfg->cpu));
    if (sm->max_cpu_compat)
        g_strlcpy(cfg->max_cpu_compat, sm->max_cpu_compat - 1 == CPU_POWER8 ? "power8" : "power9",
                  sizeof(cfg->max_cpu_compat));
    if (scenario_xics(scn))
        g_strlcpy(cfg->ic_mode, "xics", sizeof(cfg->ic_mode));
    cfg->smp = smp_vcpus(scn, m);
    cfg->maxcpus = real_maxcpus(scn, m);
    cfg->ram_mb = sm->ram_mb;
    cfg->slots = sm->lmbs ? sm->slots : 0;
    cfg->maxmem_mb = scn_machine_maxmem_mb(sm);
    cfg->prelaunch = sm->prelaunch;
    cfg->incoming = sm->incoming_defer;
    coldplug_args(scn, m, extra);
    g_ptr_array_add(extra, NULL);
    cfg->extra = (char **)g_ptr_array_free(extra, FALSE);
}

void real_machine_config_clear(struct real_vm_config *cfg)
{
    g_strfreev(cfg->extra);
    cfg->extra = NULL;
}

JsonNode *real_device_add_args(const struct scenario *scn, int m, int dev)
{
    const struct scn_device *d = &scn->devices[dev];
    JsonBuilder *b = json_builder_new();
    JsonNode *n;
    char memdev[SCN_NAME_LEN + 8];

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "driver");
    json_builder_add_string_value(b, d->type == DEV_DIMM  ? "pc-dimm"
                                     : d->type == DEV_PCI ? REAL_PCI_DRIVER
                                                          : real_core_type(&scn->machines[m]));
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, d->id);
    if (d->type == DEV_PCI) {
        g_autofree char *addr = g_strdup_printf("0x%x", d->slot);
        json_builder_set_member_name(b, "bus");
        json_builder_add_string_value(b, REAL_PCI_BUS);
        json_builder_set_member_name(b, "addr");
        json_builder_add_string_value(b, addr);
        json_builder_set_member_name(b, "romfile");
        json_builder_add_string_value(b, "");
    } else if (d->type == DEV_DIMM) {
        snprintf(memdev, sizeof(memdev), "mem-%s", d->id);
        json_builder_set_member_name(b, "memdev");
        json_builder_add_string_value(b, memdev);
    } else {
        json_builder_set_member_name(b, "core-id");
        json_builder_add_int_value(b, d->core_id);
    }
    json_builder_end_object(b);
    n = json_builder_get_root(b);
    g_object_unref(b);
    return n;
}

JsonNode *real_object_add_args(const struct scn_device *d)
{
    JsonBuilder *b = json_builder_new();
    JsonNode *n;
    char id[SCN_NAME_LEN + 8];

    snprintf(id, sizeof(id), "mem-%s", d->id);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "qom-type");
    json_builder_add_string_value(b, "memory-backend-ram");
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, id);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64)d->size_mb << 20);
    json_builder_end_object(b);
    n = json_builder_get_root(b);
    g_object_unref(b);
    return n;
}

/* A one-member object {"key": "value"}. */
static JsonNode *str_args(const char *key, const char *value)
{
    JsonObject *o = json_object_new();
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_object_set_string_member(o, key, value);
    json_node_take_object(n, o);
    return n;
}

/* ---- what can be driven ------------------------------------------------ */

static bool line_drivable(const struct scenario *scn, const struct scn_line *l, char *why, size_t len)
{
    const char *what = NULL;

    if (l->kind == LINE_RTAS || l->kind == LINE_ASSERT)
        what = l->kind == LINE_RTAS ? "rtas lines (the script playing the guest)"
                                    : "assert lines (QEMU's internal DRC state)";
    else if (l->kind == LINE_DO && l->action == DO_SETVCPUS)
        what = "setvcpus";
    else if (l->kind == LINE_DO && l->action == DO_MIGRATE &&
             !scn->machines[l->machine2].incoming_defer)
        what = "migrate to a machine without incoming=defer";
    if (what)
        snprintf(why, len, "%s:%u: %s cannot be driven on real QEMU", scn->path, l->loc.line, what);
    return what == NULL;
}

bool real_scenario_drivable(const struct scenario *scn, char *why, size_t len)
{
    for (unsigned m = 0; m < scn->nmachines; m++)
        if (scn->machines[m].guest != GUEST_LINUX) {
            snprintf(why, len, "%s:%u: machine %s: only guest=linux runs on real QEMU", scn->path,
                     scn->machines[m].loc.line, scn->machines[m].name);
            return false;
        }
    for (unsigned i = 0; i < scn->ncoldplug; i++)
        if (scn->devices[scn->coldplug[i].device].type == DEV_PHB) {
            snprintf(why, len, "%s:%u: PHB devices cannot be driven on real QEMU", scn->path,
                     scn->coldplug[i].loc.line);
            return false;
        }
    for (unsigned i = 0; i < scn->nlines; i++)
        if (!line_drivable(scn, &scn->lines[i], why, len))
            return false;
    return true;
}

/* ---- the run's state ---------------------------------------------------- */

struct drive_machine {
    struct real_vm *vm;
    bool running, booted, gone;    /* gone: migrated away and quit, or the destination of a
                                    * failed migration, killed: as libvirt does */
    bool cpu_unplugged;            /* a vCPU unplug was requested in this process */
    uint32_t present;              /* devices plugged (bit per scenario device) */
    unsigned deleted_seen[MAX_DEVICES];
};

struct pending_del {               /* a device_del whose script waits for the outcome */
    bool active;
    uint8_t machine, device;
    unsigned deleted, errors;      /* events counted when it was sent */
    double deadline;
};

struct drive {
    const struct scenario *scn;
    const struct real_setup *paths;
    const char *workdir;
    struct drive_machine m[MAX_MACHINES];
    struct pending_del pending[MAX_SCRIPTS];
    bool migrated;
    char *reason;
    size_t reason_len;
};

static double mono(void)
{
    return (double)g_get_monotonic_time() / 1e6;
}

static const char *dev_id(const struct drive *d, int dev)
{
    return d->scn->devices[dev].id;
}

/* The run is not a valid reference (first reason kept); false to stop the script. */
static bool G_GNUC_PRINTF(2, 3) invalid(struct drive *d, const char *fmt, ...)
{
    va_list ap;
    char msg[400];

    if (d->reason[0])
        return false;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(d->reason, d->reason_len, REAL_INVALID "%s", msg);
    return false;
}

/* Any QEMU dead or hung makes the run invalid. */
static bool all_alive(struct drive *d)
{
    for (int i = 0; i < d->scn->nmachines; i++) {
        const char *why = d->m[i].vm ? real_vm_death(d->m[i].vm) : NULL;
        if (why)
            return invalid(d, "%s: %s%s", d->scn->machines[i].name, why,
                           d->m[i].cpu_unplugged ? " [after a vCPU unplug: QEMU 7.2 under TCG "
                           "leaves the freed vCPU behind; memory plug, migration, reset and "
                           "the firmware's start then crash]" : "");
    }
    return true;
}

/* libvirt's DEVICE_DELETED handling: the device leaves the domain, a DIMM's backend goes too. */
static void sync_deleted(struct drive *d)
{
    for (int m = 0; m < d->scn->nmachines; m++) {
        struct drive_machine *dm = &d->m[m];
        for (int dev = 0; dm->vm && !dm->gone && dev < d->scn->ndevices; dev++) {
            unsigned n = real_event_count(dm->vm, "DEVICE_DELETED", dev_id(d, dev));
            if (n <= dm->deleted_seen[dev])
                continue;
            dm->deleted_seen[dev] = n;
            dm->present &= ~(1u << dev);
            if (d->scn->devices[dev].type == DEV_DIMM) {
                char id[SCN_NAME_LEN + 8];
                snprintf(id, sizeof(id), "mem-%s", dev_id(d, dev));
                JsonNode *a = str_args("id", id);
                real_qmp(dm->vm, "object-del", a, NULL, NULL, QMP_TIMEOUT);
                json_node_unref(a);
            }
        }
    }
}

/* ---- machines ------------------------------------------------------------ */

static bool wait_ready(struct drive *d, int m)
{
    struct drive_machine *dm = &d->m[m];

    if (!real_console_wait(dm->vm, READY_MARKER, BOOT_TIMEOUT))
        return all_alive(d) &&
               invalid(d, "%s: the guest did not boot within %.0f s", d->scn->machines[m].name,
                       BOOT_TIMEOUT);
    dm->booted = true;
    return true;
}

static bool add_device(struct drive *d, int m, int dev, int like);

static bool start_machines(struct drive *d)
{
    char err[400];

    for (int m = 0; m < d->scn->nmachines; m++) {
        struct real_vm_config cfg;
        const struct scn_machine *sm = &d->scn->machines[m];
        real_machine_config(d->scn, m, d->paths, d->workdir, &cfg);
        d->m[m].vm = real_vm_start(&cfg, err, sizeof(err));
        real_machine_config_clear(&cfg);
        if (!d->m[m].vm)
            return invalid(d, "%s: %s", sm->name, err);
        d->m[m].running = !sm->prelaunch && !sm->incoming_defer;
        for (unsigned i = 0; i < d->scn->ncoldplug; i++) {
            uint8_t dev = d->scn->coldplug[i].device;
            if (d->scn->coldplug[i].machine != m)
                continue;
            /* libvirt's qemuProcessSetupHotpluggableVcpus, as the model's libvirt_start_vcpus */
            if (libvirt_adds_at_start(d->scn, m, dev) && !add_device(d, m, dev, -1))
                return invalid(d, "%s: device_add %s at start failed", sm->name,
                               d->scn->devices[dev].id);
            d->m[m].present |= 1u << dev;
        }
    }
    for (int m = 0; m < d->scn->nmachines; m++)
        if (d->m[m].running && !wait_ready(d, m))
            return false;
    return true;
}

/* ---- device_add / device_del ---------------------------------------------- */

/* device_add as libvirt does it (a DIMM: object-add of its backend first). */
/* A DIMM's base address on machine m (query-memory-devices), false if it has none there. */
static bool dimm_addr(struct drive *d, int m, const char *id, gint64 *addr)
{
    JsonNode *ret = NULL;
    bool found = false;

    if (real_qmp(d->m[m].vm, "query-memory-devices", NULL, &ret, NULL, QMP_TIMEOUT) &&
        JSON_NODE_HOLDS_ARRAY(ret)) {
        JsonArray *a = json_node_get_array(ret);
        for (guint i = 0; i < json_array_get_length(a) && !found; i++) {
            JsonObject *o = json_array_get_object_element(a, i);
            JsonObject *data = o && json_object_has_member(o, "data")
                             ? json_object_get_object_member(o, "data") : NULL;
            if (data && json_object_has_member(data, "id") && json_object_has_member(data, "addr") &&
                !g_strcmp0(json_object_get_string_member(data, "id"), id)) {
                *addr = json_object_get_int_member(data, "addr");
                found = true;
            }
        }
    }
    if (ret)
        json_node_unref(ret);
    return found;
}

/* device_add on m; a DIMM at the address it has on machine like (-1: anywhere), as
 * libvirt's addr= does on a migration destination (qemuBuildMemoryDeviceStr). */
static bool add_device(struct drive *d, int m, int dev, int like)
{
    struct drive_machine *dm = &d->m[m];
    const struct scn_device *sd = &d->scn->devices[dev];
    JsonNode *args;
    gint64 addr;
    bool ok;

    if (sd->type == DEV_DIMM) {
        args = real_object_add_args(sd);
        ok = real_qmp(dm->vm, "object-add", args, NULL, NULL, QMP_TIMEOUT);
        json_node_unref(args);
        if (!ok)
            return all_alive(d);
    }
    args = real_device_add_args(d->scn, m, dev);
    if (sd->type == DEV_DIMM && like >= 0 && dimm_addr(d, like, sd->id, &addr))
        json_object_set_int_member(json_node_get_object(args), "addr", addr);
    ok = real_qmp(dm->vm, "device_add", args, NULL, NULL, QMP_TIMEOUT);
    json_node_unref(args);
    if (ok)
        dm->present |= 1u << dev;
    if (!ok && sd->type == DEV_DIMM && all_alive(d)) {
        char id[SCN_NAME_LEN + 8];
        snprintf(id, sizeof(id), "mem-%s", sd->id);
        args = str_args("id", id);
        real_qmp(dm->vm, "object-del", args, NULL, NULL, QMP_TIMEOUT);
        json_node_unref(args);
    }
    return all_alive(d);
}

/* device_del; the script then waits (up to 10 s) for the outcome before its next line. */
static bool del_device(struct drive *d, const struct scn_line *l)
{
    char err[128];
    struct real_vm *vm = d->m[l->machine].vm;
    const char *id = dev_id(d, l->device);
    JsonNode *args = str_args("id", id);
    struct pending_del p = { true, l->machine, l->device,
                             real_event_count(vm, "DEVICE_DELETED", id),
                             real_event_count(vm, "DEVICE_UNPLUG_GUEST_ERROR", id),
                             mono() + UNPLUG_WAIT };

    /* libvirt refuses before QMP a PHB, and what its live XML lacks (libvirt_actions.c detach_prep) */
    if (libvirt_refuses_hotplug(d->scn->devices[l->device].type) ||
        libvirt_detach_refused(d->scn, d->m[l->machine].present, l->device, err, sizeof(err))) {
        json_node_unref(args);
        return all_alive(d);
    }
    if (real_qmp(vm, "device_del", args, NULL, NULL, QMP_TIMEOUT)) {
        d->pending[l->script] = p;
        d->m[l->machine].cpu_unplugged |= d->scn->devices[l->device].type == DEV_CPU_CORE;
    }
    json_node_unref(args);
    return all_alive(d);
}

/* The wait a device_del left to its script: which event came, or a timeout. */
static bool resolve_pending(struct drive *d, int script)
{
    struct pending_del *p = &d->pending[script];
    struct real_vm *vm;
    const char *id, *what = "timeout";

    if (!p->active)
        return true;
    p->active = false;
    vm = d->m[p->machine].vm;
    id = dev_id(d, p->device);
    for (;;) {
        if (real_event_count(vm, "DEVICE_DELETED", id) > p->deleted)
            what = "DEVICE_DELETED";
        else if (real_event_count(vm, "DEVICE_UNPLUG_GUEST_ERROR", id) > p->errors)
            what = "DEVICE_UNPLUG_GUEST_ERROR";
        else if (mono() < p->deadline && !real_vm_death(vm)) {
            real_pump(0.05);
            continue;
        }
        break;
    }
    real_obs_add(vm, "step", "device_del %s -> %s", id, what);
    sync_deleted(d);
    return all_alive(d);
}

/* ---- migration --------------------------------------------------------- */

/* A string member of a QMP command's return, "" when absent or on error. */
static void qmp_status(struct real_vm *vm, const char *cmd, char *out, size_t len)
{
    JsonNode *ret = NULL;

    out[0] = 0;
    if (real_qmp(vm, cmd, NULL, &ret, NULL, QMP_TIMEOUT) && JSON_NODE_HOLDS_OBJECT(ret) &&
        json_object_has_member(json_node_get_object(ret), "status"))
        g_strlcpy(out, json_object_get_string_member(json_node_get_object(ret), "status"), len);
    if (ret)
        json_node_unref(ret);
}

/* Poll until the status leaves every state in busy[] (false: timeout or death). */
static bool poll_status(struct drive *d, struct real_vm *vm, const char *cmd,
                        const char *const *busy, char *status, size_t len, double timeout)
{
    double end = mono() + timeout;

    for (;;) {
        bool waiting = false;
        qmp_status(vm, cmd, status, len);
        if (!all_alive(d))
            return false;
        for (int i = 0; busy[i]; i++)
            waiting |= strcmp(status, busy[i]) == 0;
        if (!waiting)
            return true;
        if (mono() > end)
            return invalid(d, "%s: %s still '%s' after %.0f s", real_vm_name(vm), cmd, status, timeout);
        real_sleep(0.1);
    }
}

/* libvirt's Prepare: the destination device_adds what the source has and it lacks
 * (libvirt puts DIMMs on the command line, at the source's address; a running QEMU
 * can only hot-add them, which in INMIGRATE is a coldplug all the same), then
 * migrate-incoming. */
static bool migrate_prepare(struct drive *d, int src, int dst, const char *uri)
{
    uint32_t missing = d->m[src].present & ~d->m[dst].present;
    JsonNode *args;
    bool ok;

    for (int dev = 0; dev < d->scn->ndevices; dev++)
        if ((missing >> dev & 1) && !add_device(d, dst, dev, src))
            return false;
    args = str_args("uri", uri);
    ok = real_qmp(d->m[dst].vm, "migrate-incoming", args, NULL, NULL, QMP_TIMEOUT);
    json_node_unref(args);
    return all_alive(d) && ok;
}

/*
 * After the source's "completed": the destination leaves INMIGRATE, or exits
 * because its load failed (process_incoming_migration_co), which libvirt's
 * Finish sees. false: the run is invalid (a death, or the load outlasting
 * the wait).
 */
static bool migrate_loaded(struct drive *d, int dst, bool *load_failed)
{
    static const char *const loading[] = { "inmigrate", NULL };
    char status[32];

    if (!poll_status(d, d->m[dst].vm, "query-status", loading, status, sizeof(status),
                     MIGRATE_TIMEOUT))
        return false;
    *load_failed = real_vm_exited(d->m[dst].vm) != NULL;
    return true;
}

/* Finish (cont if the domain was running) and Confirm (the source QEMU quits). */
static bool migrate_finish(struct drive *d, int src, int dst)
{
    struct drive_machine *s = &d->m[src], *t = &d->m[dst];

    real_vm_allow_exit(t->vm, false);
    if (s->running && !real_qmp(t->vm, "cont", NULL, NULL, NULL, QMP_TIMEOUT))
        return all_alive(d);
    t->running = s->running;
    t->booted = s->booted;
    real_vm_quit(s->vm, 5);
    s->gone = true;
    s->running = s->booted = false;
    d->migrated = true;
    return all_alive(d);
}

/*
 * A failed migration: libvirt kills the destination (gone already when its
 * load failed) and Confirm resumes a source that was running and that QEMU
 * left in postmigrate (qemuMigrationSrcRestoreDomainState); a source that saw
 * the failure itself runs already.
 */
static bool migrate_cancel(struct drive *d, int src, int dst, bool source_completed)
{
    real_vm_quit(d->m[dst].vm, 5);   /* its exit stays allowed: it may be exiting now */
    d->m[dst].gone = true;
    if (source_completed && d->m[src].running)
        real_qmp(d->m[src].vm, "cont", NULL, NULL, NULL, QMP_TIMEOUT);
    return all_alive(d);
}

/* Perform: migrate, wait for the source's outcome and the destination's load, then
 * Finish and Confirm. The outcome is an observable: "completed" or "failed". */
static bool do_migrate(struct drive *d, const struct scn_line *l)
{
    static const char *const active[] = { "", "setup", "active", "pre-switchover", "device",
                                          "postcopy-active", "cancelling", "wait-unplug", NULL };
    int src = l->machine, dst = l->machine2;
    bool load_failed = false, completed;
    char uri[300], status[32];
    JsonNode *args;
    bool ok;

    snprintf(uri, sizeof(uri), "unix:%s/mig-%s.sock", d->workdir, d->scn->machines[dst].name);
    if (d->m[src].gone || d->m[dst].gone) {
        real_obs_add(d->m[src].vm, "step", "migrate %s %s -> machine gone",
                     d->scn->machines[src].name, d->scn->machines[dst].name);
        return true;
    }
    if (!migrate_prepare(d, src, dst, uri))
        return all_alive(d);
    real_vm_allow_exit(d->m[dst].vm, true);
    args = str_args("uri", uri);
    ok = real_qmp(d->m[src].vm, "migrate", args, NULL, NULL, QMP_TIMEOUT);
    json_node_unref(args);
    if (!ok || !poll_status(d, d->m[src].vm, "query-migrate", active, status, sizeof(status),
                            MIGRATE_TIMEOUT)) {
        real_vm_allow_exit(d->m[dst].vm, false);
        return all_alive(d);
    }
    completed = strcmp(status, "completed") == 0;
    if (completed && !migrate_loaded(d, dst, &load_failed))
        return false;
    real_obs_add(d->m[src].vm, "step", "migrate %s %s -> %s", d->scn->machines[src].name,
                 d->scn->machines[dst].name, completed && !load_failed ? "completed" : "failed");
    if (completed && !load_failed)
        return migrate_finish(d, src, dst);
    return migrate_cancel(d, src, dst, completed);
}

/* ---- other actions ----------------------------------------------------- */

static bool do_cont(struct drive *d, int m)
{
    struct drive_machine *dm = &d->m[m];

    if (!real_qmp(dm->vm, "cont", NULL, NULL, NULL, QMP_TIMEOUT))
        return all_alive(d);
    dm->running = true;
    return dm->booted || wait_ready(d, m);
}

static bool do_simple(struct drive *d, int m, const char *cmd)
{
    struct drive_machine *dm = &d->m[m];
    bool ok = real_qmp(dm->vm, cmd, NULL, NULL, NULL, QMP_TIMEOUT);

    if (ok && strcmp(cmd, "stop") == 0)
        dm->running = false;
    if (ok && strcmp(cmd, "system_reset") == 0) {
        dm->booted = false;     /* the guest boots again (now if running, else at cont) */
        if (dm->running)
            return wait_ready(d, m);
    }
    return all_alive(d);
}

/* A guest shell command; a guest that stops answering invalidates the run. */
static bool guest_run(struct drive *d, int m, const char *cmd, char **out)
{
    if (real_console_run(d->m[m].vm, cmd, out, CONSOLE_TIMEOUT))
        return true;
    return all_alive(d) && invalid(d, "%s: the guest console stopped answering (%s)",
                                   d->scn->machines[m].name, cmd);
}

static bool do_cpu_offline(struct drive *d, const struct scn_line *l)
{
    char cmd[96], *out = NULL;

    if (!d->m[l->machine].booted) {
        real_obs_add(d->m[l->machine].vm, "step", "guest cpu-offline %u -> no guest", l->arg);
        return true;
    }
    snprintf(cmd, sizeof(cmd), "echo 0 > /sys/devices/system/cpu/cpu%u/online", l->arg);
    if (!guest_run(d, l->machine, cmd, &out))
        return false;
    real_obs_add(d->m[l->machine].vm, "step", "guest cpu-offline %u -> %s", l->arg,
                 *out ? out : "ok");
    g_free(out);
    return true;
}

/* ---- waits ------------------------------------------------------------------ */

/* Is cpu in a sysfs CPU list such as "0-1,3"? */
static bool cpu_listed(const char *list, unsigned cpu)
{
    const char *p = list;

    while (g_ascii_isdigit(*p)) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (*end == '-')
            hi = strtoul(end + 1, &end, 10);
        if (cpu >= lo && cpu <= hi)
            return true;
        p = *end == ',' ? end + 1 : end;
    }
    return false;
}

static double line_timeout(const struct scn_line *l)
{
    return l->timeout_ms ? l->timeout_ms / 1000.0 : WAIT_DEFAULT;
}

/* Every core of the line's mask is listed in the guest's online CPUs (one thread per core). */
static bool all_listed(const struct scn_line *l, const char *online)
{
    for (unsigned x = l->cores; x; x &= x - 1)
        if (!cpu_listed(online, (unsigned)__builtin_ctz(x)))
            return false;
    return true;
}

static bool wait_guest_online(struct drive *d, const struct scn_line *l)
{
    struct drive_machine *dm = &d->m[l->machine];
    double end = mono() + line_timeout(l);
    bool holds = false;
    char ids[MAX_DEVICES * (SCN_NAME_LEN + 1)];

    while (dm->booted && !dm->gone) {
        char *out = NULL;
        if (!guest_run(d, l->machine, "cat /sys/devices/system/cpu/online", &out))
            return false;
        holds = all_listed(l, out);
        g_free(out);
        if (holds || mono() >= end)
            break;
        real_sleep(0.2);
    }
    real_obs_add(dm->vm, "step", "wait guest-online %s -> %s",
                 scn_device_ids(d->scn, l->devices, ids, sizeof(ids)), holds ? "holds" : "timeout");
    return all_alive(d);
}

static bool wait_line(struct drive *d, const struct scn_line *l)
{
    struct real_vm *vm = d->m[l->machine].vm;
    const char *id = l->device == SCN_NO_DEVICE ? NULL : dev_id(d, l->device);
    bool holds;

    switch (l->action) {
    case WAIT_GUEST_ONLINE:
        return wait_guest_online(d, l);
    case WAIT_EVENT:
        holds = real_wait_event(vm, qmp_event_name(l->event), id, line_timeout(l));
        real_obs_add(vm, "step", "wait event %s%s%s -> %s", qmp_event_name(l->event),
                     id ? " " : "", id ? id : "", holds ? "holds" : "timeout");
        break;
    case WAIT_MIGRATED:      /* migrate is synchronous here */
        real_obs_add(vm, "step", "wait migrated -> %s", d->migrated ? "holds" : "timeout");
        break;
    default:                 /* quiescent: give the guest and QEMU time */
        real_sleep(STRAGGLERS);
        real_obs_add(vm, "step", "wait quiescent -> holds");
        break;
    }
    return all_alive(d);
}

/* ---- the script ------------------------------------------------------------ */

static bool do_line(struct drive *d, const struct scn_line *l)
{
    char err[128];

    switch (l->action) {
    case DO_DEVICE_ADD:        /* libvirt refuses a PHB, or what its live XML has, before QMP */
        return libvirt_refuses_hotplug(d->scn->devices[l->device].type) ||
               libvirt_attach_refused(d->scn, l->machine, d->m[l->machine].present, l->device,
                                      err, sizeof(err)) ? all_alive(d)
               : add_device(d, l->machine, l->device, -1);
    case DO_DEVICE_DEL:        return del_device(d, l);
    case DO_MIGRATE:           return do_migrate(d, l);
    case DO_CONT:              return do_cont(d, l->machine);
    case DO_STOP:              return do_simple(d, l->machine, "stop");
    case DO_SYSTEM_RESET:      return do_simple(d, l->machine, "system_reset");
    case DO_GUEST_CPU_OFFLINE: return do_cpu_offline(d, l);
    default:                   return invalid(d, "line %u: not drivable", l->loc.line);
    }
}

static bool run_line(struct drive *d, const struct scn_line *l)
{
    bool ok;

    if (!resolve_pending(d, l->script))
        return false;
    if (d->m[l->machine].gone && !(l->kind == LINE_DO && l->action == DO_MIGRATE)) {
        real_obs_add(d->m[l->machine].vm, "step",
                     "line %u -> machine gone (migrated away or killed)", l->loc.line);
        return true;
    }
    ok = l->kind == LINE_WAIT ? wait_line(d, l) : do_line(d, l);
    sync_deleted(d);
    return ok && all_alive(d);
}

/* CPU (0x1…), PCI (0x4…) and LMB (0x8…) DRCs: PHB DRCs (0x2…) are never driven. */
static bool drc_relevant(const struct real_obs *o)
{
    const char *x = strstr(o->text, " 0x");
    unsigned long idx;

    if (strcmp(o->kind, "drc") != 0 || !x)
        return true;
    idx = strtoul(x + 1, NULL, 16);
    return (idx >> 28) == 1 || (idx >> 28) == 4 || (idx >> 28) == 8;
}

static gint obs_by_time(gconstpointer a, gconstpointer b)
{
    double ta = ((const struct real_obs *)a)->t, tb = ((const struct real_obs *)b)->t;
    return ta < tb ? -1 : ta > tb;
}

/* Quit every QEMU, collect, stop: nothing is left running. */
static void finish(struct drive *d, GArray *obs)
{
    GArray *all = g_array_new(FALSE, TRUE, sizeof(struct real_obs));

    for (int m = 0; m < d->scn->nmachines; m++)
        if (d->m[m].vm)
            real_vm_quit(d->m[m].vm, 5);
    for (int m = 0; m < d->scn->nmachines; m++)
        if (d->m[m].vm)
            real_vm_collect(d->m[m].vm, all);
    for (guint i = 0; i < all->len; i++)
        if (drc_relevant(&g_array_index(all, struct real_obs, i)))
            g_array_append_val(obs, g_array_index(all, struct real_obs, i));
    g_array_sort(obs, obs_by_time);   /* stable: each machine's order is kept at equal times */
    for (int m = 0; m < d->scn->nmachines; m++) {
        real_vm_stop(d->m[m].vm);
        d->m[m].vm = NULL;
    }
    g_array_free(all, TRUE);
}

bool real_drive_scenario(const struct scenario *scn, const char *workdir,
                         const struct real_setup *paths, GArray *obs_out, double *seconds,
                         char *invalid_reason, size_t len)
{
    struct drive d = { .scn = scn, .paths = paths, .workdir = workdir,
                       .reason = invalid_reason, .reason_len = len };
    double t0 = mono();
    bool ok;

    invalid_reason[0] = 0;
    *seconds = 0;
    if (!real_scenario_drivable(scn, invalid_reason, len))
        return false;
    real_set_epoch(g_get_real_time());
    ok = start_machines(&d);
    for (unsigned i = 0; ok && i < scn->nlines; i++)
        ok = run_line(&d, &scn->lines[i]);
    for (int s = 0; ok && s < scn->nscripts; s++)
        ok = resolve_pending(&d, s);
    if (ok) {
        real_sleep(STRAGGLERS);
        sync_deleted(&d);
        all_alive(&d);
    }
    finish(&d, obs_out);
    *seconds = mono() - t0;
    return true;
}
