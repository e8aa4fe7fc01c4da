/*
 * Knobs: every behaviour that changed in history or is under proposal, by
 * the names DOMAIN.md gives them, with values, defaults (= upstream) and the
 * commit or thread that introduced each. A knob set is plain data.
 */
#ifndef DRCSIM_KNOBS_H
#define DRCSIM_KNOBS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

enum knob_id {
    KNOB_QEMU_INMIGRATE_COLDPLUG,
    KNOB_QEMU_MIGRATE_PENDING_EVENTS,
    KNOB_QEMU_MIGRATE_UNPLUG_REQUESTED,
    KNOB_QEMU_CAS_DRC_RESET,
    KNOB_QEMU_RESET_ORDER,
    KNOB_QEMU_COMPAT_ALL_ON_RESET,
    KNOB_QEMU_CPU_UNPLUG_TIMEOUT,
    KNOB_QEMU_UNISOLATE_CANCELS_UNPLUG,
    KNOB_QEMU_LMB_RECONFIG_ROLLBACK,
    KNOB_QEMU_UNPLUG_ERROR_EVENT,
    KNOB_QEMU_CPU_UNPLUG_RESEND_EVENT,
    KNOB_QEMU_KVM_IRQCHIP,
    KNOB_QEMU_IC_MODE,
    KNOB_QEMU_XIVE_CAS_REBOOT,
    KNOB_QEMU_MIGRATE_CCS,
    KNOB_QEMU_DRC_RESET_PRE_LOAD,
    KNOB_QEMU_VSMT,
    KNOB_QEMU_CAS_FULL_FDT,
    KNOB_QEMU_TCG_STALE_VCPU,
    KNOB_QEMU_DUPLICATE_ID_ERROR,
    KNOB_QEMU_PCI_BUSY_SLOT_ERROR,
    KNOB_QEMU_MEMORY_UNPLUG_BEFORE_CAS,
    KNOB_QEMU_REPEAT_UNPLUG_ERROR,
    KNOB_QEMU_MEMORY_DEVICE_CHECK_ADDABLE,
    KNOB_QEMU_CPU_POST_LOAD_ERRNO,
    KNOB_GUEST_HP_EVT,
    KNOB_GUEST_REFUSE_LAST_CPU,
    KNOB_GUEST_UNISOLATE_ON_REMOVE_FAILURE,
    KNOB_GUEST_STEP,
    KNOB_GUEST_LMB_OFFLINE,
    KNOB_GUEST_RTAS_LOCK_WAIT,
    KNOB_GUEST_CPU_DETACH_STEP,
    KNOB_LIBVIRT_UNPLUG_TIMEOUT,
    KNOB_LIBVIRT_DST_VCPUS,
    KNOB_LIBVIRT_DST_DIMMS,
    KNOB_LIBVIRT_DST_PCI,
    KNOB_LIBVIRT_DETACH_MISSING,
    KNOB_LIBVIRT_JOB_LOCK_ERROR,
    KNOB_COUNT
};

enum knob_kind { KNOB_BOOL, KNOB_ENUM, KNOB_MS, KNOB_MS_RANGE };

/* qemu.cas-drc-reset */
enum { CAS_DRC_RESET_ON, CAS_DRC_RESET_REBOOT, CAS_DRC_RESET_OFF };
/* qemu.reset-order */
enum { RESET_ORDER_DEVICES_FIRST, RESET_ORDER_CAS_FIRST };
/* qemu.unplug-error-event */
enum { UNPLUG_ERROR_EVENT_DEVICE_UNPLUG_GUEST_ERROR, UNPLUG_ERROR_EVENT_MEM_UNPLUG_ERROR,
       UNPLUG_ERROR_EVENT_NONE };
/* qemu.ic-mode */
enum { IC_MODE_DUAL, IC_MODE_XICS };
/* qemu.vsmt */
enum { VSMT_SMP_THREADS, VSMT_8 };
/* qemu.duplicate-id-error */
enum { DUPLICATE_ID_ERROR_QDEV_SET_ID, DUPLICATE_ID_ERROR_QEMU_OPTS };
/* qemu.pci-busy-slot-error */
enum { PCI_BUSY_SLOT_ERROR_PRE_PLUG, PCI_BUSY_SLOT_ERROR_REGISTER };
/* qemu.cpu-post-load-errno */
enum { CPU_POST_LOAD_ERRNO_EINVAL, CPU_POST_LOAD_ERRNO_EPERM };
/* libvirt.dst-vcpus */
enum { DST_VCPUS_DEVICE_ADD, DST_VCPUS_COMMAND_LINE };
/* libvirt.dst-dimms */
enum { DST_DIMMS_COMMAND_LINE, DST_DIMMS_DEVICE_ADD };
/* libvirt.dst-pci */
enum { DST_PCI_COMMAND_LINE, DST_PCI_DEVICE_ADD };
/* libvirt.detach-missing */
enum { DETACH_MISSING_REMOVE, DETACH_MISSING_REMOVE_DEVICE, DETACH_MISSING_WAIT,
       DETACH_MISSING_ERROR };
/* libvirt.job-lock-error */
enum { JOB_LOCK_ERROR_HELD_BY_MONITOR, JOB_LOCK_ERROR_HELD_BY };

struct knob_def {
    const char *name;
    enum knob_kind kind;
    const char *const *values;   /* KNOB_ENUM: NULL-terminated, default first */
    const char *default_value;   /* as a user writes it */
    const char *provenance;      /* commit or thread */
    const char *help;
};

/* bool: 0/1; enum: index; ms: lo (hi = lo); range: lo..hi */
struct knob_set {
    uint32_t lo[KNOB_COUNT];
    uint32_t hi[KNOB_COUNT];
};

extern const struct knob_def knob_defs[KNOB_COUNT];

void knobs_default(struct knob_set *ks);
int knob_lookup(const char *name);                    /* -1 when unknown */
/* Parse VALUE for knob id; on error returns false and sets *why (static). */
bool knob_parse_value(int id, const char *value, uint32_t *lo, uint32_t *hi, const char **why);
/* Format a knob's value as a user writes it, into buf. */
const char *knob_format(const struct knob_set *ks, int id, char *buf, unsigned len);

static inline bool knob_on(const struct knob_set *ks, enum knob_id id)
{
    return ks->lo[id] != 0;
}

static inline uint32_t knob_val(const struct knob_set *ks, enum knob_id id)
{
    return ks->lo[id];
}

#endif
