/*
 * Scenario files (ARCHITECTURE.md "Scenario language") parsed into a static
 * description: machines, devices, script lines, expectations, verdicts.
 * Parse errors are "file:line:col: error: message"; nothing is ignored.
 * Variant files (variants/NAME.var) are knob sets resolved through based-on.
 */
#ifndef DRCSIM_SCENARIO_H
#define DRCSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "knobs.h"
#include "world.h"

#define SCN_NAME_LEN   48
#define SCN_TEXT_LEN   256
#define SCN_MAX_EXPECTS  64
#define SCN_MAX_VERDICTS 24
#define SCN_MAX_KNOBS    KNOB_COUNT
#define SCN_MAX_COLDPLUG 16
#define SCN_NO_DEVICE  0xff

struct scn_loc { uint16_t line, col; };

enum guest_kind { GUEST_LINUX, GUEST_SCRIPT, GUEST_NONE };
enum cpu_model { CPU_POWER8, CPU_POWER9 };

struct scn_machine {
    char name[SCN_NAME_LEN];
    uint8_t cores;          /* CPU DRCs = core slots (maxcpus / threads); core 0 boots */
    uint8_t lmbs;           /* LMB DRCs of the hot-pluggable memory area */
    uint8_t phbs;           /* PHB DRCs; PHB 0 is the default PHB, coldplugged */
    uint8_t pci_slots;      /* PCI DRCs (function 0 of slots 0..N-1) on PHB 0 */
    uint8_t incoming_defer; /* -S -incoming defer */
    uint8_t prelaunch;      /* -S */
    uint8_t host;           /* enum cpu_model: the host's CPU */
    uint8_t max_cpu_compat; /* 0 = none, else enum cpu_model + 1 */
    uint8_t guest;          /* enum guest_kind */
    int8_t like;            /* machine it was copied from, -1 */
    uint32_t ram_mb;        /* -m: the hot-pluggable area starts above it */
    uint8_t slots;          /* -m slots=, libvirt's <maxMemory slots=>: DIMMs at once */
    struct scn_loc loc;
};
/* -m's maxmem= and libvirt's <maxMemory>: the RAM and the LMB area above it. */
static inline uint32_t scn_machine_maxmem_mb(const struct scn_machine *m)
{
    return m->ram_mb + m->lmbs * 256u;
}

#define SPAPR_MAX_RAM_SLOTS 32  /* hw/ppc/spapr.c, spapr_machine_init */

enum dev_type { DEV_CPU_CORE, DEV_DIMM, DEV_PHB, DEV_PCI, DEV_TYPE_COUNT };

/* A named device (QOM id). Its arguments are fixed by its first mention. */
struct scn_device {
    char id[SCN_NAME_LEN];
    uint8_t type;           /* enum dev_type */
    uint8_t core_id;        /* cpu: core-id= */
    uint8_t index;          /* phb: index= */
    uint8_t slot;           /* pci: slot= */
    uint32_t size_mb;       /* dimm: size= (multiple of 256) */
    uint8_t on_smp;         /* cpu: hotpluggable=no, libvirt's <vcpu hotpluggable='no'> (-smp) */
    struct scn_loc loc;
};

/* `device MACHINE TYPE ID …`: a -device on the command line (coldplug). */
struct scn_coldplug { uint8_t machine, device; struct scn_loc loc; };

/* A DRC as a scenario names it; resolved to a slot by the machine model. */
enum drc_ref_kind { DRC_REF_CPU, DRC_REF_LMB, DRC_REF_DIMM_LMB, DRC_REF_PHB, DRC_REF_PCI, DRC_REF_RAW };
struct drc_ref {
    uint8_t kind;           /* enum drc_ref_kind */
    uint8_t device;         /* DRC_REF_DIMM_LMB: the DIMM */
    uint16_t n;             /* core-id, LMB number, k-th LMB of the DIMM, PHB index, slot */
    uint32_t raw;           /* DRC_REF_RAW: the index, e.g. 0x10000008 */
};

/* Predicates over a DRC; `has` says which fields are set. */
#define PRED_STATE      0x01
#define PRED_DEV        0x02
#define PRED_UNPLUG_REQ 0x04
#define PRED_NEEDED     0x08
#define PRED_RC         0x10
#define PRED_VALUE      0x20
struct drc_pred {
    uint8_t has;
    uint8_t state;          /* enum spapr_drc_state */
    uint8_t dev;            /* device number, or SCN_NO_DEVICE for none */
    uint8_t unplug_requested;
    uint8_t needed;
    int32_t rc;
    uint32_t value;
};

enum do_action {
    DO_DEVICE_ADD, DO_DEVICE_DEL, DO_MIGRATE, DO_CONT, DO_SYSTEM_RESET,
    DO_SETVCPUS, DO_GUEST_CPU_OFFLINE, DO_STOP, DO_GUEST_LMB_BUSY, DO_GUEST_DISK_READ,
    DO_ACTION_COUNT
};
/* Actions of a user inside the guest, not of the management layer. */
static inline bool do_is_guest_action(uint8_t a)
{
    return a == DO_GUEST_CPU_OFFLINE || a == DO_GUEST_LMB_BUSY || a == DO_GUEST_DISK_READ;
}
enum wait_kind { WAIT_GUEST_ONLINE, WAIT_EVENT, WAIT_MIGRATED, WAIT_QUIESCENT };
enum rtas_call {
    RTAS_CALL_GET_SENSOR_STATE,         /* get-sensor-state dr-entity-sense DRC */
    RTAS_CALL_SET_ISOLATION,            /* set-indicator isolation-state DRC isolate|unisolate|N */
    RTAS_CALL_SET_ALLOCATION,           /* set-indicator allocation-state DRC usable|unusable|N */
    RTAS_CALL_SET_DR_INDICATOR,         /* set-indicator dr-indicator DRC N */
    RTAS_CALL_CONFIGURE_CONNECTOR,      /* configure-connector DRC */
    RTAS_CALL_CONFIGURE_CONNECTOR_WALK, /* configure-connector DRC walk */
    RTAS_CALL_CHECK_EXCEPTION,
    RTAS_CALL_EVENT_SCAN,
    RTAS_CALL_COUNT
};
enum qmp_event { QMP_DEVICE_DELETED, QMP_DEVICE_UNPLUG_GUEST_ERROR, QMP_MEM_UNPLUG_ERROR,
                 QMP_EVENT_COUNT };

enum line_kind { LINE_DO, LINE_WAIT, LINE_RTAS, LINE_ASSERT };

struct scn_line {
    uint8_t kind;           /* enum line_kind */
    uint8_t machine;        /* the machine it acts on */
    uint8_t script;
    uint8_t action;         /* LINE_DO: enum do_action; LINE_WAIT: enum wait_kind;
                               LINE_RTAS: enum rtas_call */
    uint8_t device;         /* device_add/del, wait guest-online/event ID: device or SCN_NO_DEVICE */
    uint8_t machine2;       /* migrate SRC DST: DST */
    uint8_t event;          /* wait event: enum qmp_event */
    uint8_t pad;
    uint16_t devices;       /* wait guest-online ID…: bit per device, all must be online */
    uint16_t cores;         /* the same as core-ids: bit per core-id */
    uint32_t arg;           /* setvcpus N, cpu-offline N, rtas value argument */
    uint32_t timeout_ms;    /* wait: 0 = none */
    struct drc_ref drc;     /* rtas, assert */
    struct drc_pred pred;   /* rtas results, assert predicates */
    struct scn_loc loc;
};

enum expect_kind { EXPECT_DRC, EXPECT_DEVICE, EXPECT_GUEST_CPU, EXPECT_GUEST_LMB,
                   EXPECT_LIBVIRT_VCPU, EXPECT_LIBVIRT_DEVICE, EXPECT_EVENT,
                   EXPECT_GUEST_DLPAR_ERROR };   /* the guest may fail DLPAR on ID */
struct scn_expect {
    uint8_t kind;           /* enum expect_kind */
    uint8_t machine;        /* EXPECT_DRC, EXPECT_DEVICE */
    uint8_t device;         /* or SCN_NO_DEVICE (EXPECT_EVENT without ID) */
    uint8_t present;        /* present / emitted = 1, absent / not-emitted = 0 */
    uint8_t event;          /* enum qmp_event */
    struct drc_ref drc;
    struct drc_pred pred;
    struct scn_loc loc;
};

/* Invariant families (DOMAIN.md), as bits. */
enum family {
    FAM_DRC_MIGRATION_MISMATCH, FAM_VIEW_MISMATCH, FAM_LOST_UNPLUG, FAM_FALSE_UNPLUG_ERROR,
    FAM_GUEST_DLPAR_ERROR, FAM_GUEST_DT_MISMATCH, FAM_QEMU_ABORT, FAM_MIGRATION_FAILED,
    FAM_EXPECT_FAILED, FAM_GUEST_PANIC, FAM_COUNT
};
extern const char *const family_names[FAM_COUNT];
int family_lookup(const char *name);   /* -1 when unknown */

struct scn_verdict {
    char variant[SCN_NAME_LEN];
    uint8_t pass;
    uint32_t families;      /* bit per enum family, when !pass */
    struct scn_loc loc;
};

struct scn_knob { uint8_t id; uint32_t lo, hi; struct scn_loc loc; };

struct scenario {
    char path[SCN_TEXT_LEN];
    char name[SCN_NAME_LEN];
    char title[SCN_TEXT_LEN];
    char source[SCN_TEXT_LEN];
    uint8_t nmachines, ndevices, nscripts, ncoldplug;
    uint16_t nlines, nexpects, nverdicts, nknobs;
    struct scn_machine machines[MAX_MACHINES];
    struct scn_device devices[MAX_DEVICES];
    struct scn_coldplug coldplug[SCN_MAX_COLDPLUG];
    char script_names[MAX_SCRIPTS][SCN_NAME_LEN];
    uint16_t script_first[MAX_SCRIPTS];   /* first line of each script */
    uint16_t script_count[MAX_SCRIPTS];
    struct scn_line lines[MAX_LINES];
    struct scn_expect expects[SCN_MAX_EXPECTS];
    struct scn_verdict verdicts[SCN_MAX_VERDICTS];
    struct scn_knob knobs[SCN_MAX_KNOBS];
    /* `ignore`: families whose violations neither end a branch nor count */
    uint32_t ignore_families;
    struct scn_loc ignore_loc;
};

/*
 * Parse a scenario file. On error returns false and writes one line
 * "path:line:col: error: message" into err (no newline).
 */
bool scenario_parse_file(const char *path, struct scenario *out, char *err, unsigned errlen);
bool scenario_parse_string(const char *path, const char *text, struct scenario *out,
                           char *err, unsigned errlen);
/* The index of the machine named name, or -1. */
int scn_machine_index(const struct scenario *s, const char *name);
/* The hash by which traces and job files name a scenario's text ("scenario_xxh3"). */
uint64_t scenario_xxh3(const char *text);
/* The error of a trace or job whose carried "scenario_text" does not have that hash. */
#define SCENARIO_TEXT_CHANGED "\"scenario_text\" is not the scenario \"scenario_xxh3\" names"

/* Names as the scenario language spells them. */
int scn_index_of(const char *const *names, unsigned count, const char *s);   /* -1: none */
const char *drc_state_name(uint8_t state);        /* "LOGICAL_UNUSABLE"… */
int drc_state_lookup(const char *name);           /* -1 when unknown */
const char *qmp_event_name(uint8_t ev);
const char *do_action_name(uint8_t a);
const char *rtas_call_name(uint8_t c);

/* A device mask (bit per device, as scn_line.devices): its IDs comma-separated in
 * scenario order, into buf. */
const char *scn_device_ids(const struct scenario *scn, unsigned mask, char *buf, size_t len);

/* Variants: `variant NAME`, `title "…"`, `based-on V`, `knob K=V`. */
struct variant {
    char name[SCN_NAME_LEN];
    char title[SCN_TEXT_LEN];
    char path[SCN_TEXT_LEN];
    struct knob_set knobs;  /* defaults, then based-on chain, then own knobs */
};

/*
 * Load variant NAME from directory dir (file dir/NAME.var), following
 * based-on (cycles are errors). "upstream" with no file = all defaults.
 */
bool variant_load(const char *dir, const char *name, struct variant *out, char *err, unsigned errlen);

/*
 * The lexer shared by the scenario and variant parsers (defined in
 * scenario.c); other modules have no use for it.
 */
#define SCN_LINE_MAX  4096     /* bytes in one line */
#define SCN_MAX_WORDS 32       /* words in one line */
struct scn_word {
    const char *s;          /* the word; a string without its quotes, unescaped */
    uint16_t col, end;      /* 1-based column of its first byte, and just past it */
    uint8_t quoted;         /* it was a "string" */
};
/* Split one line (len bytes, no newline) into w[]; buf holds len + 1 bytes.
 * Returns the number of words, or -1 with *msg and *col (1-based) set. */
int scn_split_words(const char *line, size_t len, char *buf, struct scn_word *w,
                    const char **msg, unsigned *col);
/* A name: a letter, then letters, digits, '-', '_' or '.'. */
bool scn_valid_name(const char *s);
/* "NAME=VALUE" for knob_lookup/knob_parse_value; on error a message in msg. */
bool scn_parse_knob(const char *word, uint8_t *id, uint32_t *lo, uint32_t *hi,
                    char *msg, unsigned msglen);
/* Read a whole file (g_free it); NULL with *errnum (0: a NUL byte) and
 * "path:line:col: error: …" in err. */
char *scn_read_file(const char *path, int *errnum, char *err, unsigned errlen);

#endif
