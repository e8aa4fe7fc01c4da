/*
 * Unit tests for the DRC model (sim/models/drc.c, drc_fdt.c): index
 * encoding, every row of the transition table against ref/qemu-spapr.md
 * section 2, configure-connector walks over the real fragments, the
 * migration predicates, and one machine driven through the spapr RTAS/QMP API.
 */
#include "testutil.h"
#include <string.h>
#include <glib.h>
#include <libfdt.h>
#include "drc.h"
#include "drc_fdt.h"
#include "knobs.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"

#define UN  SPAPR_DRC_STATE_LOGICAL_UNUSABLE
#define AV  SPAPR_DRC_STATE_LOGICAL_AVAILABLE
#define LI  SPAPR_DRC_STATE_LOGICAL_UNISOLATE
#define LC  SPAPR_DRC_STATE_LOGICAL_CONFIGURED
#define PO  SPAPR_DRC_STATE_PHYSICAL_POWERON
#define PI  SPAPR_DRC_STATE_PHYSICAL_UNISOLATE
#define PC  SPAPR_DRC_STATE_PHYSICAL_CONFIGURED

#define CPU  DRC_CLASS_CPU
#define PHB  DRC_CLASS_PHB
#define PCI  DRC_CLASS_PCI
#define LMB  DRC_CLASS_LMB
#define PMEM DRC_CLASS_PMEM

#define REL  DRC_FX_RELEASED
#define REJ  DRC_FX_GUEST_REJECTED
#define RB   DRC_FX_LMB_ROLLBACK
#define CFG  DRC_FX_CONFIGURED
#define ABT  DRC_FX_ABORT

#define X_ATTACH QEMU_ABORT_DRC_ATTACH
#define X_UNISO  QEMU_ABORT_DRC_UNISOLATE_DEV
#define X_SENSE  QEMU_ABORT_DRC_SENSE_DEV
#define X_UNPLUG QEMU_ABORT_DRC_UNPLUG_NO_DEV
#define X_CC     QEMU_ABORT_CC_NO_DEV

#define NCFG SPAPR_DR_CC_RESPONSE_NOT_CONFIGURABLE
#define DEV_ARG 5            /* dev_arg passed to every op; only attach uses it */

/* ---- fragments of one DRC per class ------------------------------------ */

static const struct fragment_params frag_params[DRC_CLASS_COUNT] = {
    [CPU]  = { 0x10000001, 1, 1, 0x004e1200, true, true },
    [PHB]  = { 0x20000001, 1, 1, 0x004e1200, true, true },
    [PCI]  = { 0x40000008, 8, 8, 0x004e1200, true, true },
    [LMB]  = { 0x80000004, 4, 4, 0x004e1200, true, true },
    [PMEM] = { 0x90000000, 0, 0, 0x004e1200, true, true },
};
static struct drc_fragment frags[DRC_CLASS_COUNT];
static void *blobs[DRC_CLASS_COUNT];

static int frags_setup(void **state)
{
    (void)state;
    for (int c = 0; c < DRC_CLASS_COUNT; c++) {
        blobs[c] = drc_fragment_build((uint8_t)c, &frag_params[c], &frags[c]);
        if (!blobs[c])
            return -1;
    }
    return 0;
}

static int frags_teardown(void **state)
{
    (void)state;
    for (int c = 0; c < DRC_CLASS_COUNT; c++) {
        g_free(blobs[c]);
        blobs[c] = NULL;
    }
    return 0;
}

/* A standalone environment for class cls; knobs is filled here. */
static struct drc_env make_env(struct knob_set *ks, uint8_t cls, uint32_t *hits)
{
    knobs_default(ks);
    return (struct drc_env){ ks, &frags[cls], hits };
}

static struct drc_config cfg_of(uint8_t cls)
{
    return (struct drc_config){ .index = frag_params[cls].drc_index, .cls = cls };
}

/* ---- 1. index encoding, class facts, drc_init ------------------------- */

static void test_index_encoding(void **state)
{
    (void)state;
    assert_int_equal(drc_make_index(CPU, 8), 0x10000008);
    assert_int_equal(drc_make_index(PHB, 1), 0x20000001);
    assert_int_equal(drc_make_index(PCI, (0 << 16) | (1 << 3)), 0x40000008);
    assert_int_equal(drc_make_index(LMB, 4), 0x80000004);
    assert_int_equal(drc_make_index(PMEM, 0), 0x90000000);
    /* id & 0x0fffffff: the type nibble of the id never leaks */
    assert_int_equal(drc_make_index(CPU, 0xf0000003), 0x10000003);
    assert_int_equal(drc_make_index(LMB, 0x0fffffff), 0x8fffffff);
}

static void test_class_facts(void **state)
{
    static const uint8_t empty[] = { UN, UN, PO, UN, UN }, ready[] = { LC, LC, PC, LC, LC };
    static const char *const names[] = { "CPU", "PHB", "PCI", "LMB", "PMEM" };

    (void)state;
    for (uint8_t c = 0; c < DRC_CLASS_COUNT; c++) {
        assert_int_equal(drc_empty_state(c), empty[c]);
        assert_int_equal(drc_ready_state(c), ready[c]);
        assert_string_equal(drc_class_name(c), names[c]);
        assert_int_equal(drc_class_is_physical(c), c == PCI);
    }
}

static void test_drc_init(void **state)
{
    (void)state;
    for (uint8_t c = 0; c < DRC_CLASS_COUNT; c++) {
        struct spapr_drc d;
        memset(&d, 0xa5, sizeof(d));
        drc_init(&d, c);
        assert_int_equal(d.state, c == PCI ? PO : UN);
        assert_int_equal(d.dev, 0);
        assert_int_equal(d.unplug_requested, 0);
        assert_int_equal(d.fdt, 0);
        assert_int_equal(d.ccs_offset, -1);
        assert_int_equal(d.ccs_depth, -1);
        assert_int_equal(d.dr_indicator, 0);
    }
}

/* ---- 2. the transition table, case by case ----------------------------- */

#define KOFF_CANCEL   0x01   /* qemu.unisolate-cancels-unplug=off */
#define KOFF_ROLLBACK 0x02   /* qemu.lmb-reconfig-rollback=off */

/* A DRC before, one op, and everything expected after it. */
struct tcase {
    uint8_t cls, state, dev, unplug, fdt, op;
    uint32_t value;
    int32_t rc;
    uint32_t sense;
    uint8_t next, dev2, unplug2, fdt2, fx, abort;
    uint8_t koff;
};

/* One case; TK(koff, ...) turns knobs off for it. */
#define T(...)       { __VA_ARGS__, 0 }
#define TK(koff, ...) { __VA_ARGS__, koff }

/* set-indicator isolation-state (ref 2.1) */
static const struct tcase isolation_cases[] = {
/*    cls  st  dev unp fdt op                      val  rc  sns next dev2 unp2 fdt2 fx  abort */
    T(PCI, PO, 1, 0, 0, DRC_OP_ISOLATE,           0,   0, 0, PO,  1, 0, 0, 0,   0),
    T(PCI, PO, 0, 0, 0, DRC_OP_ISOLATE,           0,   0, 0, PO,  0, 0, 0, 0,   0),
    T(PCI, PO, 1, 1, 0, DRC_OP_ISOLATE,           0,   0, 0, PO,  1, 1, 0, 0,   0),
    T(PCI, PI, 1, 0, 0, DRC_OP_ISOLATE,           0,  -3, 0, PI,  1, 0, 0, 0,   0),
    T(PCI, PC, 1, 1, 1, DRC_OP_ISOLATE,           0,   0, 0, PO,  0, 0, 0, REL, 0),
    T(PCI, PC, 1, 0, 1, DRC_OP_ISOLATE,           0,   0, 0, PO,  1, 0, 1, 0,   0),
    T(PCI, PO, 0, 0, 0, DRC_OP_UNISOLATE,         1,  -3, 0, PO,  0, 0, 0, 0,   0),
    T(PCI, PO, 1, 0, 0, DRC_OP_UNISOLATE,         1,   0, 0, PI,  1, 0, 0, 0,   0),
    T(PCI, PI, 1, 0, 1, DRC_OP_UNISOLATE,         1,   0, 0, PI,  1, 0, 1, 0,   0),
    T(PCI, PC, 1, 1, 1, DRC_OP_UNISOLATE,         1,   0, 0, PC,  1, 1, 1, 0,   0),
    T(CPU, UN, 0, 0, 0, DRC_OP_ISOLATE,           0,   0, 0, UN,  0, 0, 0, 0,   0),
    T(LMB, AV, 1, 0, 0, DRC_OP_ISOLATE,           0,   0, 0, AV,  1, 0, 0, 0,   0),
    T(PHB, LI, 1, 0, 0, DRC_OP_ISOLATE,           0,  -3, 0, LI,  1, 0, 0, 0,   0),
    T(LMB, LC, 1, 0, 1, DRC_OP_ISOLATE,           0,  -1, 0, LC,  1, 0, 1, 0,   0),
    T(LMB, LC, 1, 1, 1, DRC_OP_ISOLATE,           0,   0, 0, AV,  1, 1, 1, 0,   0),
    T(CPU, LC, 1, 0, 1, DRC_OP_ISOLATE,           0,   0, 0, AV,  1, 0, 1, 0,   0),
    T(PHB, LC, 1, 1, 1, DRC_OP_ISOLATE,           0,   0, 0, AV,  1, 1, 1, 0,   0),
    T(PMEM, LC, 1, 0, 1, DRC_OP_ISOLATE,          0,   0, 0, AV,  1, 0, 1, 0,   0),
    T(CPU, UN, 1, 0, 0, DRC_OP_UNISOLATE,         1,  -3, 0, UN,  1, 0, 0, 0,   0),
    T(CPU, AV, 0, 0, 0, DRC_OP_UNISOLATE,         1,   0, 0, AV,  0, 0, 0, ABT, X_UNISO),
    T(CPU, AV, 1, 0, 0, DRC_OP_UNISOLATE,         1,   0, 0, LI,  1, 0, 0, 0,   0),
    T(CPU, LI, 1, 1, 0, DRC_OP_UNISOLATE,         1,   0, 0, LI,  1, 0, 0, REJ, 0),
    T(LMB, LI, 1, 1, 0, DRC_OP_UNISOLATE,         1,   0, 0, LI,  1, 0, 0, REJ | RB, 0),
    T(CPU, LI, 1, 0, 0, DRC_OP_UNISOLATE,         1,   0, 0, LI,  1, 0, 0, 0,   0),
    T(CPU, LI, 0, 1, 0, DRC_OP_UNISOLATE,         1,   0, 0, LI,  0, 1, 0, 0,   0),
    T(PHB, LC, 1, 1, 1, DRC_OP_UNISOLATE,         1,   0, 0, LC,  1, 0, 1, REJ, 0),
    T(LMB, LC, 1, 1, 1, DRC_OP_UNISOLATE,         1,   0, 0, LC,  1, 0, 1, REJ | RB, 0),
    T(CPU, LC, 1, 0, 1, DRC_OP_UNISOLATE,         1,   0, 0, LC,  1, 0, 1, 0,   0),
    TK(KOFF_CANCEL, CPU, LI, 1, 1, 0, DRC_OP_UNISOLATE,         1,   0, 0, LI,  1, 1, 0, 0,   0),
    TK(KOFF_CANCEL, LMB, LC, 1, 1, 1, DRC_OP_UNISOLATE,         1,   0, 0, LC,  1, 1, 1, 0,   0),
    T(CPU, LC, 1, 0, 1, DRC_OP_ISOLATION_BAD,     2,  -3, 0, LC,  1, 0, 1, 0,   0),
    T(PCI, PO, 0, 0, 0, DRC_OP_ISOLATION_BAD,     7,  -3, 0, PO,  0, 0, 0, 0,   0),
};

/* set-indicator allocation-state and dr-indicator (ref 2.1) */
static const struct tcase allocation_cases[] = {
/*    cls  st  dev unp fdt op                      val  rc  sns next dev2 unp2 fdt2 fx  abort */
    T(PCI, PO, 1, 0, 0, DRC_OP_ALLOC_USABLE,      1,  -3, 0, PO,  1, 0, 0, 0,   0),
    T(PCI, PC, 1, 1, 1, DRC_OP_ALLOC_UNUSABLE,    0,  -3, 0, PC,  1, 1, 1, 0,   0),
    T(PCI, PI, 1, 0, 0, DRC_OP_ALLOC_BAD,         2,  -3, 0, PI,  1, 0, 0, 0,   0),
    T(CPU, UN, 1, 0, 0, DRC_OP_ALLOC_BAD,         3,  -3, 0, UN,  1, 0, 0, 0,   0),
    T(CPU, UN, 0, 0, 0, DRC_OP_ALLOC_USABLE,      1,  -3, 0, UN,  0, 0, 0, 0,   0),
    T(CPU, UN, 1, 1, 0, DRC_OP_ALLOC_USABLE,      1,  -3, 0, UN,  1, 1, 0, 0,   0),
    T(CPU, UN, 1, 0, 0, DRC_OP_ALLOC_USABLE,      1,   0, 0, AV,  1, 0, 0, 0,   0),
    T(LMB, AV, 1, 0, 0, DRC_OP_ALLOC_USABLE,      1,   0, 0, AV,  1, 0, 0, 0,   0),
    T(PHB, LI, 1, 0, 0, DRC_OP_ALLOC_USABLE,      1,   0, 0, LI,  1, 0, 0, 0,   0),
    T(CPU, LC, 1, 1, 1, DRC_OP_ALLOC_USABLE,      1,   0, 0, LC,  1, 1, 1, 0,   0),
    T(CPU, UN, 1, 1, 0, DRC_OP_ALLOC_UNUSABLE,    0,   0, 0, UN,  1, 1, 0, 0,   0),
    T(CPU, AV, 1, 1, 1, DRC_OP_ALLOC_UNUSABLE,    0,   0, 0, UN,  0, 0, 0, REL, 0),
    T(LMB, AV, 1, 1, 1, DRC_OP_ALLOC_UNUSABLE,    0,   0, 0, UN,  0, 0, 0, REL, 0),
    T(CPU, AV, 1, 0, 1, DRC_OP_ALLOC_UNUSABLE,    0,   0, 0, UN,  1, 0, 1, 0,   0),
    T(CPU, LI, 1, 1, 0, DRC_OP_ALLOC_UNUSABLE,    0,  -3, 0, LI,  1, 1, 0, 0,   0),
    T(PHB, LC, 1, 1, 1, DRC_OP_ALLOC_UNUSABLE,    0,  -3, 0, LC,  1, 1, 1, 0,   0),
    T(CPU, LC, 1, 0, 1, DRC_OP_DR_INDICATOR,      1,  -3, 0, LC,  1, 0, 1, 0,   0),
    T(LMB, UN, 0, 0, 0, DRC_OP_DR_INDICATOR_BAD,  4,  -3, 0, UN,  0, 0, 0, 0,   0),
    T(PCI, PC, 1, 0, 1, DRC_OP_DR_INDICATOR_BAD,  4,  -3, 0, PC,  1, 0, 1, 0,   0),
    T(PCI, PO, 0, 0, 0, DRC_OP_DR_INDICATOR,      2,   0, 0, PO,  0, 0, 0, 0,   0),
};

/* get-sensor-state dr-entity-sense (ref 2.2) */
static const struct tcase sense_cases[] = {
/*    cls  st  dev unp fdt op                      val  rc  sns next dev2 unp2 fdt2 fx  abort */
    T(PCI, PO, 1, 0, 0, DRC_OP_SENSE,             0,   0, 1, PO,  1, 0, 0, 0,   0),
    T(PCI, PI, 1, 0, 0, DRC_OP_SENSE,             0,   0, 1, PI,  1, 0, 0, 0,   0),
    T(PCI, PC, 1, 1, 1, DRC_OP_SENSE,             0,   0, 1, PC,  1, 1, 1, 0,   0),
    T(PCI, PO, 0, 0, 0, DRC_OP_SENSE,             0,   0, 0, PO,  0, 0, 0, 0,   0),
    T(PCI, PC, 0, 0, 0, DRC_OP_SENSE,             0,   0, 0, PC,  0, 0, 0, 0,   0),
    T(CPU, UN, 1, 0, 0, DRC_OP_SENSE,             0,   0, 2, UN,  1, 0, 0, 0,   0),
    T(LMB, UN, 0, 0, 0, DRC_OP_SENSE,             0,   0, 2, UN,  0, 0, 0, 0,   0),
    T(CPU, AV, 0, 0, 0, DRC_OP_SENSE,             0,   0, 0, AV,  0, 0, 0, ABT, X_SENSE),
    T(CPU, AV, 1, 0, 0, DRC_OP_SENSE,             0,   0, 1, AV,  1, 0, 0, 0,   0),
    T(PHB, LI, 1, 0, 0, DRC_OP_SENSE,             0,   0, 1, LI,  1, 0, 0, 0,   0),
    T(LMB, LC, 1, 1, 1, DRC_OP_SENSE,             0,   0, 1, LC,  1, 1, 1, 0,   0),
};

/* ibm,configure-connector, one call (ref 2.3) */
static const struct tcase cc_cases[] = {
/*    cls  st  dev unp fdt op                      val  rc  sns next dev2 unp2 fdt2 fx  abort */
    T(CPU, UN, 1, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, NCFG, 0, UN, 1, 0, 0, 0,  0),
    T(CPU, AV, 1, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, NCFG, 0, AV, 1, 0, 0, 0,  0),
    T(PCI, PO, 1, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, NCFG, 0, PO, 1, 0, 0, 0,  0),
    T(LMB, LI, 1, 1, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LI,  1, 1, 1, RB, 0),
    T(LMB, LC, 1, 1, 1, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LC,  1, 1, 1, RB, 0),
    TK(KOFF_ROLLBACK, LMB, LI, 1, 1, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LI,  1, 1, 1, 0,  0),
    TK(KOFF_ROLLBACK, LMB, LC, 1, 1, 1, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LC,  1, 1, 1, 0,  0),
    T(LMB, LI, 1, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LI,  1, 0, 1, 0,  0),
    T(CPU, LI, 1, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LI,  1, 0, 1, 0,  0),
    T(CPU, LI, 1, 1, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LI,  1, 1, 1, 0,  0),
    T(CPU, LI, 0, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 0,   0, LI,  0, 0, 0, ABT, X_CC),
    T(PHB, LC, 1, 0, 1, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, LC,  1, 0, 1, 0,  0),
    T(PCI, PI, 1, 0, 0, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, PI,  1, 0, 1, 0,  0),
    T(PCI, PC, 1, 1, 1, DRC_OP_CONFIGURE_CONNECTOR, 0, 2,   0, PC,  1, 1, 1, 0,  0),
};

/* QEMU-side operations (ref 2.4); attach always passes DEV_ARG */
static const struct tcase qemu_cases[] = {
/*    cls  st  dev unp fdt op                      val  rc  sns next dev2 unp2 fdt2 fx  abort */
    T(CPU, UN, 0, 0, 0, DRC_OP_ATTACH,            0,   0, 0, UN,  DEV_ARG, 0, 0, 0, 0),
    T(PCI, PO, 0, 0, 0, DRC_OP_ATTACH,            0,   0, 0, PO,  DEV_ARG, 0, 0, 0, 0),
    T(CPU, UN, 1, 0, 0, DRC_OP_ATTACH,            0,   0, 0, UN,  1, 0, 0, ABT, X_ATTACH),
    T(LMB, LC, 0, 0, 0, DRC_OP_ATTACH,            0,   0, 0, LC,  0, 0, 0, ABT, X_ATTACH),
    T(PCI, PC, 0, 0, 0, DRC_OP_ATTACH,            0,   0, 0, PC,  0, 0, 0, ABT, X_ATTACH),
    T(CPU, UN, 0, 0, 0, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, UN,  0, 0, 0, ABT, X_UNPLUG),
    T(PCI, PC, 0, 0, 0, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, PC,  0, 0, 0, ABT, X_UNPLUG),
    T(CPU, UN, 1, 0, 0, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, UN,  0, 0, 0, REL, 0),
    T(LMB, UN, 1, 0, 0, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, UN,  0, 0, 0, REL, 0),
    T(PCI, PO, 1, 0, 0, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, PO,  0, 0, 0, REL, 0),
    T(CPU, LC, 1, 0, 1, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, LC,  1, 1, 1, 0,   0),
    T(LMB, AV, 1, 0, 0, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, AV,  1, 1, 0, 0,   0),
    T(PCI, PC, 1, 0, 1, DRC_OP_UNPLUG_REQUEST,    0,   0, 0, PC,  1, 1, 1, 0,   0),
    T(CPU, LC, 1, 1, 1, DRC_OP_RESET,             0,   0, 0, UN,  0, 0, 0, REL, 0),
    T(PCI, PC, 1, 1, 1, DRC_OP_RESET,             0,   0, 0, PO,  0, 0, 0, REL, 0),
    T(CPU, UN, 1, 0, 0, DRC_OP_RESET,             0,   0, 0, LC,  1, 0, 0, 0,   0),
    T(LMB, LI, 1, 0, 1, DRC_OP_RESET,             0,   0, 0, LC,  1, 0, 1, 0,   0),
    T(PCI, PO, 1, 0, 0, DRC_OP_RESET,             0,   0, 0, PC,  1, 0, 0, 0,   0),
    T(PHB, AV, 0, 0, 0, DRC_OP_RESET,             0,   0, 0, UN,  0, 0, 0, 0,   0),
    T(PCI, PI, 0, 0, 0, DRC_OP_RESET,             0,   0, 0, PO,  0, 0, 0, 0,   0),
};

#define EXPECT_EQ(name, i, what, got, exp)                                               \
    do {                                                                                 \
        long long g_ = (long long)(got), e_ = (long long)(exp);                          \
        if (g_ != e_)                                                                    \
            fail_msg("%s[%u]: %s = %lld, expected %lld", name, i, what, g_, e_);         \
    } while (0)

static struct spapr_drc drc_before(const struct tcase *c)
{
    struct spapr_drc d = { .state = c->state, .dev = c->dev, .unplug_requested = c->unplug,
                           .fdt = c->fdt, .ccs_offset = -1, .ccs_depth = -1 };
    if (c->fdt) {   /* a built fragment always comes with a cursor into it */
        d.ccs_offset = (int16_t)frags[c->cls].start;
        d.ccs_depth = 0;
    }
    return d;
}

static void check_case(const char *name, unsigned i, const struct tcase *c,
                       const struct spapr_drc *d, const struct drc_outcome *o)
{
    EXPECT_EQ(name, i, "rc", o->rc, c->rc);
    EXPECT_EQ(name, i, "value", o->value, c->sense);
    EXPECT_EQ(name, i, "state", d->state, c->next);
    EXPECT_EQ(name, i, "dev", d->dev, c->dev2);
    EXPECT_EQ(name, i, "unplug_requested", d->unplug_requested, c->unplug2);
    EXPECT_EQ(name, i, "fdt", d->fdt, c->fdt2);
    EXPECT_EQ(name, i, "effects", o->effects, c->fx);
    EXPECT_EQ(name, i, "abort_reason", o->abort_reason, c->abort);
    EXPECT_EQ(name, i, "released_dev", o->released_dev, (c->fx & REL) ? c->dev : 0);
    EXPECT_EQ(name, i, "row matched", o->row >= 0, 1);
}

static void run_cases(const char *name, const struct tcase *cases, unsigned n, uint32_t *hits)
{
    for (unsigned i = 0; i < n; i++) {
        const struct tcase *c = &cases[i];
        struct knob_set ks;
        struct drc_env env = make_env(&ks, c->cls, hits);
        struct drc_config cfg = cfg_of(c->cls);
        struct spapr_drc d = drc_before(c);
        struct drc_outcome o;

        if (c->koff & KOFF_CANCEL)
            ks.lo[KNOB_QEMU_UNISOLATE_CANCELS_UNPLUG] = 0;
        if (c->koff & KOFF_ROLLBACK)
            ks.lo[KNOB_QEMU_LMB_RECONFIG_ROLLBACK] = 0;
        drc_transition(&env, &cfg, &d, (enum drc_op)c->op, DEV_ARG, c->value, &o);
        check_case(name, i, c, &d, &o);
    }
}

#define RUN_CASES(cases, hits) run_cases(#cases, cases, G_N_ELEMENTS(cases), hits)

static void test_isolation(void **state)
{
    (void)state;
    RUN_CASES(isolation_cases, NULL);
}

static void test_allocation(void **state)
{
    (void)state;
    RUN_CASES(allocation_cases, NULL);
}

static void test_sense(void **state)
{
    (void)state;
    RUN_CASES(sense_cases, NULL);
}

static void test_configure_connector_call(void **state)
{
    (void)state;
    RUN_CASES(cc_cases, NULL);
}

static void test_qemu_ops(void **state)
{
    (void)state;
    RUN_CASES(qemu_cases, NULL);
}

/* ---- 2b. what the table rows do beyond rc/state ----------------------- */

static struct drc_outcome op_on(uint8_t cls, struct spapr_drc *d, enum drc_op op, uint32_t v)
{
    struct knob_set ks;
    struct drc_env env = make_env(&ks, cls, NULL);
    struct drc_config cfg = cfg_of(cls);
    struct drc_outcome o;

    drc_transition(&env, &cfg, d, op, DEV_ARG, v, &o);
    return o;
}

static void test_dr_indicator(void **state)
{
    struct spapr_drc d;
    struct drc_outcome o;

    (void)state;
    drc_init(&d, PCI);
    for (uint32_t v = 0; v <= 3; v++) {
        o = op_on(PCI, &d, DRC_OP_DR_INDICATOR, v);
        assert_int_equal(o.rc, 0);
        assert_int_equal(d.dr_indicator, v);
        assert_string_equal(o.tracepoint, "spapr_drc_set_dr_indicator");
    }
    o = op_on(PCI, &d, DRC_OP_DR_INDICATOR_BAD, 4);
    assert_int_equal(o.rc, -3);
    assert_int_equal(d.dr_indicator, 3);
    assert_null(o.tracepoint);
    drc_init(&d, CPU);
    o = op_on(CPU, &d, DRC_OP_DR_INDICATOR, 1);
    assert_int_equal(o.rc, -3);
    assert_int_equal(d.dr_indicator, 0);
    assert_null(o.tracepoint);
}

static void test_unisolate_cursor(void **state)
{
    struct spapr_drc d = { .state = PO, .dev = 1, .ccs_offset = -1, .ccs_depth = -1 };

    (void)state;
    op_on(PCI, &d, DRC_OP_UNISOLATE, 1);        /* fdt_start_offset is 0 without fdt */
    assert_int_equal(d.ccs_offset, 0);
    assert_int_equal(d.ccs_depth, 0);
    d = (struct spapr_drc){ .state = AV, .dev = 1, .fdt = 1, .ccs_offset = 7, .ccs_depth = 3 };
    op_on(CPU, &d, DRC_OP_UNISOLATE, 1);
    assert_int_equal(d.state, LI);
    assert_int_equal(d.ccs_offset, frags[CPU].start);
    assert_int_equal(d.ccs_depth, 0);
}

static void test_unplug_request_trace(void **state)
{
    struct spapr_drc d = { .state = LC, .dev = 3, .fdt = 1, .ccs_offset = 0 };
    struct drc_outcome o;

    (void)state;
    o = op_on(CPU, &d, DRC_OP_UNPLUG_REQUEST, 0);
    assert_string_equal(o.tracepoint, "spapr_drc_unplug_request");
    assert_string_equal(o.tracepoint2, "spapr_drc_awaiting_quiesce");
    assert_int_equal(o.effects, 0);
    assert_int_equal(d.unplug_requested, 1);
    assert_int_equal(d.dev, 3);
    d = (struct spapr_drc){ .state = UN, .dev = 3, .ccs_offset = -1, .ccs_depth = -1 };
    o = op_on(LMB, &d, DRC_OP_UNPLUG_REQUEST, 0);
    assert_null(o.tracepoint2);
    assert_int_equal(o.effects, REL);
    assert_int_equal(o.released_dev, 3);
    assert_int_equal(d.unplug_requested, 0);
}

static void test_release_tracepoints(void **state)
{
    struct spapr_drc d = { .state = PC, .dev = 2, .unplug_requested = 1, .fdt = 1 };
    struct drc_outcome o;

    (void)state;
    o = op_on(PCI, &d, DRC_OP_ISOLATE, 0);
    assert_string_equal(o.tracepoint, "spapr_drc_set_isolation_state");
    assert_string_equal(o.tracepoint2, "spapr_drc_set_isolation_state_finalizing");
    d = (struct spapr_drc){ .state = AV, .dev = 2, .unplug_requested = 1, .fdt = 1 };
    o = op_on(CPU, &d, DRC_OP_ALLOC_UNUSABLE, 0);
    assert_string_equal(o.tracepoint, "spapr_drc_set_allocation_state");
    assert_string_equal(o.tracepoint2, "spapr_drc_set_allocation_state_finalizing");
    d = (struct spapr_drc){ .state = PC, .dev = 2 };
    o = op_on(PCI, &d, DRC_OP_ALLOC_USABLE, 1);   /* not traced for physical DRCs */
    assert_null(o.tracepoint);
}

static void test_reset_cursor(void **state)
{
    struct spapr_drc d = { .state = LC, .dev = 4, .unplug_requested = 1, .fdt = 1,
                           .ccs_offset = 40, .ccs_depth = 1 };
    struct drc_outcome o;

    (void)state;
    o = op_on(PHB, &d, DRC_OP_RESET, 0);
    assert_string_equal(o.tracepoint, "spapr_drc_reset");
    assert_int_equal(o.effects, REL);
    assert_int_equal(o.released_dev, 4);
    assert_int_equal(d.state, UN);
    assert_int_equal(d.ccs_offset, -1);
    assert_int_equal(d.ccs_depth, -1);
    d = (struct spapr_drc){ .state = UN, .dev = 4, .fdt = 1, .ccs_offset = 40, .ccs_depth = 1 };
    op_on(PHB, &d, DRC_OP_RESET, 0);
    assert_int_equal(d.state, LC);
    assert_int_equal(d.ccs_offset, frags[PHB].start);
    assert_int_equal(d.ccs_depth, 0);
    d = (struct spapr_drc){ .state = UN, .dev = 4, .ccs_offset = -1, .ccs_depth = -1 };
    op_on(PHB, &d, DRC_OP_RESET, 0);
    assert_int_equal(d.ccs_offset, 0);
    assert_int_equal(d.ccs_depth, 0);
}

/* ---- 3. no dead rows ---------------------------------------------------- */

static void test_every_row_hit(void **state)
{
    uint32_t *hits = g_new0(uint32_t, drc_table_len * DRC_CLASS_COUNT);

    (void)state;
    RUN_CASES(isolation_cases, hits);
    RUN_CASES(allocation_cases, hits);
    RUN_CASES(sense_cases, hits);
    RUN_CASES(cc_cases, hits);
    RUN_CASES(qemu_cases, hits);
    for (unsigned r = 0; r < drc_table_len; r++) {
        uint32_t n = 0;
        for (unsigned c = 0; c < DRC_CLASS_COUNT; c++)
            if (drc_table[r].classes & (1u << c))
                n += hits[r * DRC_CLASS_COUNT + c];
            else if (hits[r * DRC_CLASS_COUNT + c])
                fail_msg("row %u (%s) hit for class %u outside its classes", r,
                         drc_table[r].source, c);
        if (n == 0)
            fail_msg("row %u (%s, %s) is never hit", r, drc_table[r].source,
                     drc_op_name(drc_table[r].op));
    }
    g_free(hits);
}

/* ---- 4. configure-connector walks --------------------------------------- */

#define WALK_MAX 64

struct walk {
    unsigned n;
    int rc[WALK_MAX];
    uint8_t fx[WALK_MAX];
    struct drc_cc_item item[WALK_MAX];
};

/* Call configure-connector until it returns something other than 2/3/4. */
static void do_walk(uint8_t cls, struct spapr_drc *d, struct walk *w)
{
    w->n = 0;
    while (w->n < WALK_MAX) {
        struct drc_outcome o = op_on(cls, d, DRC_OP_CONFIGURE_CONNECTOR, 0);
        w->rc[w->n] = o.rc;
        w->fx[w->n] = o.effects;
        w->item[w->n++] = o.cc;
        if (o.rc < 2 || o.rc > 4)
            return;
    }
}

static struct spapr_drc unisolated(uint8_t cls)
{
    struct spapr_drc d = { .state = drc_class_is_physical(cls) ? PI : LI, .dev = 1,
                           .ccs_offset = 0, .ccs_depth = 0 };
    return d;
}

static uint32_t be32_at(const void *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return fdt32_to_cpu(v);
}

/* Property names in walk order: libfdt puts the last-set property first. */
static const char *const cpu_props[] = {
    "name", "ibm,dec-bits", "ibm,processor-radix-AP-encodings", "ibm,ppc-interrupt-gserver#s",
    "ibm,ppc-interrupt-server#s", "ibm,pft-size", "ibm,chip-id", "ibm,pa-features",
    "ibm,segment-page-sizes", "ibm,dfp", "ibm,vmx", "ibm,processor-segment-sizes",
    "ibm,spurr", "ibm,purr", "64-bit", "status", "ibm,slb-size", "slb-size",
    "clock-frequency", "timebase-frequency", "i-cache-size", "d-cache-size",
    "i-cache-line-size", "i-cache-block-size", "d-cache-line-size", "d-cache-block-size",
    "cpu-version", "device_type", "reg", "ibm,my-drc-index",
};

static void check_cpu_walk(const struct walk *w)
{
    const unsigned nprops = G_N_ELEMENTS(cpu_props);

    assert_int_equal(nprops, 30);
    assert_int_equal(w->n, nprops + 2);
    assert_int_equal(w->rc[0], SPAPR_DR_CC_RESPONSE_NEXT_CHILD);
    assert_string_equal(w->item[0].name, "PowerPC,POWER9@1");
    for (unsigned i = 0; i < nprops; i++) {
        assert_int_equal(w->rc[i + 1], SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY);
        assert_string_equal(w->item[i + 1].name, cpu_props[i]);
        assert_int_equal(w->fx[i], 0);
    }
    assert_int_equal(w->item[1].len, (int)sizeof("PowerPC,POWER9@1"));
    assert_string_equal(w->item[1].data, "PowerPC,POWER9@1");
    assert_int_equal(w->item[nprops].len, 4);
    assert_int_equal(be32_at(w->item[nprops].data), 0x10000001);
    assert_int_equal(w->rc[nprops + 1], SPAPR_DR_CC_RESPONSE_SUCCESS);
    assert_null(w->item[nprops + 1].name);
    assert_int_equal(w->fx[nprops + 1], CFG);
}

static void assert_same_walk(const struct walk *a, const struct walk *b)
{
    assert_int_equal(a->n, b->n);
    for (unsigned i = 0; i < a->n; i++) {
        assert_int_equal(a->rc[i], b->rc[i]);
        assert_int_equal(a->item[i].len, b->item[i].len);
        if (a->item[i].name)
            assert_string_equal(a->item[i].name, b->item[i].name);
        else
            assert_null(b->item[i].name);
        if (a->item[i].len)
            assert_memory_equal(a->item[i].data, b->item[i].data, a->item[i].len);
    }
}

static void test_walk_cpu(void **state)
{
    struct spapr_drc d = unisolated(CPU);
    struct walk *w1 = g_new0(struct walk, 1), *w2 = g_new0(struct walk, 1);

    (void)state;
    do_walk(CPU, &d, w1);
    check_cpu_walk(w1);
    assert_int_equal(d.state, LC);
    assert_int_equal(d.fdt, 1);
    assert_int_equal(d.ccs_depth, 0);
    assert_int_equal(d.ccs_offset, frags[CPU].start);
    do_walk(CPU, &d, w2);          /* CONFIGURED: QEMU rewound, the guest may walk again */
    assert_same_walk(w1, w2);
    assert_int_equal(d.state, LC);
    g_free(w1);
    g_free(w2);
}

static void test_walk_lmb(void **state)
{
    static const uint8_t reg[16] = { 0x08, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0 };
    struct spapr_drc d = unisolated(LMB);
    struct walk *w = g_new0(struct walk, 1);

    (void)state;
    do_walk(LMB, &d, w);
    assert_int_equal(w->n, 5);
    assert_int_equal(w->rc[0], SPAPR_DR_CC_RESPONSE_NEXT_CHILD);
    assert_string_equal(w->item[0].name, "memory@800000040000000");
    assert_string_equal(w->item[1].name, "ibm,associativity");
    assert_int_equal(w->item[1].len, 20);
    assert_int_equal(be32_at(w->item[1].data), 4);
    assert_string_equal(w->item[2].name, "reg");
    assert_int_equal(w->item[2].len, 16);
    assert_memory_equal(w->item[2].data, reg, 16);
    assert_string_equal(w->item[3].name, "device_type");
    assert_string_equal(w->item[3].data, "memory");
    assert_int_equal(w->rc[4], SPAPR_DR_CC_RESPONSE_SUCCESS);
    assert_int_equal(d.state, LC);
    g_free(w);
}

static const struct drc_cc_item *find_prop(const struct walk *w, const char *name)
{
    for (unsigned i = 0; i < w->n; i++)
        if (w->rc[i] == SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY && !strcmp(w->item[i].name, name))
            return &w->item[i];
    fail_msg("property %s not in the walk", name);
    return NULL;
}

static void test_walk_phb(void **state)
{
    struct spapr_drc d = unisolated(PHB);
    struct walk *w = g_new0(struct walk, 1);
    const struct drc_cc_item *p;
    const uint8_t *cells;

    (void)state;
    do_walk(PHB, &d, w);
    assert_int_equal(w->n, 23 + 2);
    assert_string_equal(w->item[0].name, "pci@800000020000001");
    assert_string_equal(w->item[1].name, "name");
    assert_string_equal(w->item[1].data, "pci");
    p = find_prop(w, "ibm,drc-indexes");
    cells = p->data;
    assert_int_equal(p->len, 257 * 4);
    assert_int_equal(be32_at(cells), 256);
    assert_int_equal(be32_at(cells + 4), 0x40010000);      /* PHB 1, devfn 0 */
    assert_int_equal(be32_at(cells + 256 * 4), 0x400100ff);
    assert_int_equal(be32_at(find_prop(w, "ibm,my-drc-index")->data), 0x20000001);
    assert_int_equal(w->rc[w->n - 1], SPAPR_DR_CC_RESPONSE_SUCCESS);
    g_free(w);
}

static void test_walk_pci(void **state)
{
    struct spapr_drc d = unisolated(PCI);
    struct walk *w = g_new0(struct walk, 1);

    (void)state;
    do_walk(PCI, &d, w);
    assert_int_equal(w->n, 16 + 2);
    assert_string_equal(w->item[0].name, "ethernet@1");
    assert_string_equal(w->item[1].name, "max-latency");
    assert_int_equal(be32_at(find_prop(w, "ibm,my-drc-index")->data), 0x40000008);
    assert_string_equal(find_prop(w, "ibm,loc-code")->data, "pci@800000020000000/ethernet@1");
    assert_int_equal(w->rc[w->n - 1], SPAPR_DR_CC_RESPONSE_SUCCESS);
    assert_int_equal(w->fx[w->n - 1], CFG);
    assert_int_equal(d.state, PC);
    g_free(w);
}

/* A guard by its listed name ("", "dev", "!dev", …), as the table documents it. */
static bool guard_by_name(const char *g, const struct spapr_drc *d)
{
    bool dev = d->dev != 0, req = d->unplug_requested != 0;

    if (!strcmp(g, "dev"))
        return dev;
    if (!strcmp(g, "!dev"))
        return !dev;
    if (!strcmp(g, "unplug_requested"))
        return req;
    if (!strcmp(g, "!unplug_requested"))
        return !req;
    if (!strcmp(g, "unplug_requested && dev"))
        return req && dev;
    assert_string_equal(g, "");
    return true;
}

/*
 * Every (class, state, operation) with and without a device and an unplug
 * request takes the first row of the table that matches: the lookup built
 * once from the table answers what a scan of the whole table would.
 */
static void test_first_matching_row(void **state)
{
    struct knob_set ks;

    (void)state;
    for (uint8_t c = 0; c < DRC_CLASS_COUNT; c++)
        for (uint8_t st = 1; st < SPAPR_DRC_STATE_COUNT; st++)
            for (uint8_t op = 0; op < DRC_OP_COUNT; op++)
                for (int bits = 0; bits < 4; bits++) {
                    struct drc_env env = make_env(&ks, c, NULL);
                    struct drc_config cfg = cfg_of(c);
                    struct spapr_drc d = { .state = st, .dev = (uint8_t)(bits & 1),
                                           .unplug_requested = (uint8_t)(bits >> 1),
                                           .ccs_offset = -1, .ccs_depth = -1 };
                    int want = -1;
                    for (unsigned i = 0; i < drc_table_len && want < 0; i++) {
                        const struct drc_row *r = &drc_table[i];
                        if (r->op == op && (r->classes >> c & 1) &&
                            (r->state == DRC_ANY_STATE || r->state == st) &&
                            guard_by_name(drc_guard_name(r->guard), &d))
                            want = (int)i;
                    }
                    struct drc_outcome o;
                    drc_transition(&env, &cfg, &d, op, 1, 0, &o);
                    assert_int_equal(o.row, want);
                }
}

static void expect_same_outcome(const struct drc_outcome *a, const struct drc_outcome *b)
{
    assert_int_equal(a->rc, b->rc);
    assert_int_equal(a->value, b->value);
    assert_int_equal(a->effects, b->effects);
    assert_int_equal(a->released_dev, b->released_dev);
    assert_int_equal(a->abort_reason, b->abort_reason);
    assert_int_equal(a->row, b->row);
    assert_ptr_equal(a->tracepoint, b->tracepoint);
    assert_ptr_equal(a->tracepoint2, b->tracepoint2);
    assert_ptr_equal(a->cc.name, b->cc.name);
    assert_ptr_equal(a->cc.data, b->cc.data);
    assert_int_equal(a->cc.len, b->cc.len);
    assert_int_equal(a->cc.hash, b->cc.hash);
}

/*
 * drc_configure_connector is drc_transition's configure-connector: the same
 * outcome and DRC from every class, state, device, unplug request and
 * cursor, call after call through a whole walk, with the LMB rollback
 * knob on and off.
 */
static void test_configure_connector_entry(void **state)
{
    struct knob_set ks;

    (void)state;
    for (uint8_t c = 0; c < DRC_CLASS_COUNT; c++)
        for (uint8_t st = 0; st < SPAPR_DRC_STATE_COUNT; st++)
            for (int bits = 0; bits < 16; bits++) {
                struct drc_env env = make_env(&ks, c, NULL);
                struct drc_config cfg = cfg_of(c);
                struct spapr_drc a = { .state = st, .dev = (uint8_t)(bits & 1),
                                       .unplug_requested = (uint8_t)(bits >> 1 & 1),
                                       .ccs_offset = -1, .ccs_depth = -1 }, b;
                if (bits & 4) {
                    a.fdt = 1;
                    a.ccs_offset = (int16_t)frags[c].start;
                    a.ccs_depth = 0;
                }
                if (bits & 8)
                    ks.lo[KNOB_QEMU_LMB_RECONFIG_ROLLBACK] = 0;
                b = a;
                for (int k = 0; k < 64; k++) {   /* the longest walk is shorter */
                    struct drc_outcome oa, ob;
                    int ra = drc_transition(&env, &cfg, &a, DRC_OP_CONFIGURE_CONNECTOR, 0, 0,
                                            &oa);
                    assert_int_equal(drc_configure_connector(&env, &cfg, &b, &ob), ra);
                    expect_same_outcome(&oa, &ob);
                    assert_memory_equal(&a, &b, sizeof(a));
                    if (!drc_cc_more(ra))
                        break;
                }
            }
}

/* Only NEXT_CHILD, NEXT_PROPERTY and PREV_PARENT ask for another call. */
static void test_cc_more(void **state)
{
    (void)state;
    assert_true(drc_cc_more(SPAPR_DR_CC_RESPONSE_NEXT_CHILD));
    assert_true(drc_cc_more(SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY));
    assert_true(drc_cc_more(SPAPR_DR_CC_RESPONSE_PREV_PARENT));
    assert_false(drc_cc_more(SPAPR_DR_CC_RESPONSE_SUCCESS));
    assert_false(drc_cc_more(SPAPR_DR_CC_RESPONSE_NEXT_SIB));
    assert_false(drc_cc_more(SPAPR_DR_CC_RESPONSE_ERROR));
    assert_false(drc_cc_more(SPAPR_DR_CC_RESPONSE_CONTINUE));
    assert_false(drc_cc_more(SPAPR_DR_CC_RESPONSE_NOT_CONFIGURABLE));
}

/* drc_cc_next alone: a cursor on FDT_END is an error, not a loop. */
static void test_cc_next_end(void **state)
{
    const void *fdt = frags[LMB].fdt;
    struct spapr_drc d = { .state = LI, .dev = 1, .fdt = 1, .ccs_depth = 1 };
    struct drc_cc_item item;
    int next = 0;

    (void)state;
    d.ccs_offset = (int16_t)(fdt_size_dt_struct(fdt) - 4);
    assert_int_equal(fdt_next_tag(fdt, d.ccs_offset, &next), FDT_END);
    assert_int_equal(drc_cc_next(&frags[LMB], &d, &item), SPAPR_DR_CC_RESPONSE_ERROR);
    assert_null(item.name);
    assert_int_equal(d.ccs_depth, 1);
}

/*
 * The walk's index gives what libfdt's own walk gives, from every cursor
 * the structure block has: the same response, item, depth and next cursor,
 * including cursors inside a property (not a tag: libfdt decides).
 */
static void test_cc_index_matches_libfdt(void **state)
{
    (void)state;
    for (int c = 0; c < DRC_CLASS_COUNT; c++) {
        struct drc_fragment plain = frags[c];
        int tags = 0;
        plain.tags = NULL;
        assert_non_null(frags[c].tags);
        for (int off = 0; off < (int)fdt_size_dt_struct(frags[c].fdt); off += 4) {
            struct spapr_drc a = { .state = LI, .dev = 1, .fdt = 1, .ccs_depth = 2 };
            struct spapr_drc b;
            struct drc_cc_item ia, ib;
            int next;
            uint32_t tag = fdt_next_tag(frags[c].fdt, off, &next);
            if (tag != FDT_BEGIN_NODE && tag != FDT_END_NODE && tag != FDT_PROP &&
                tag != FDT_NOP)
                continue;   /* a cell inside a property or name: libfdt alone reads it */
            tags++;
            a.ccs_offset = (int16_t)off;
            b = a;
            assert_int_equal(drc_cc_next(&frags[c], &a, &ia), drc_cc_next(&plain, &b, &ib));
            assert_memory_equal(&a, &b, sizeof(a));
            assert_true(ia.name == ib.name && ia.data == ib.data);
            assert_int_equal(ia.len, ib.len);
            assert_true(ia.hash == ib.hash);
        }
        assert_true(tags > 3);
        assert_true(drc_fragment_digest(&frags[c]) == drc_fragment_digest(&plain));
    }
}

/* ---- 5. migration predicates ------------------------------------------- */

static void test_drc_needed(void **state)
{
    /* needed: with the pending unplug counted (ab8584349c), then without (before it) */
    static const struct { uint8_t cls, state, dev, unplug; bool needed, before; } t[] = {
        { CPU, UN, 0, 0, false, false }, { CPU, LC, 0, 1, false, false },
        { CPU, AV, 0, 0, false, false }, { CPU, LC, 1, 0, false, false },
        { PCI, PC, 1, 0, false, false }, { LMB, LC, 2, 0, false, false },
        { CPU, UN, 1, 0, true, true },   { CPU, AV, 1, 0, true, true },
        { CPU, LI, 1, 0, true, true },   { CPU, LC, 1, 1, true, false },
        { PCI, PO, 1, 0, true, true },   { PCI, PI, 1, 0, true, true },
        { PCI, PC, 1, 1, true, false },  { LMB, LC, 3, 1, true, false },
        { CPU, LI, 1, 1, true, true },
    };

    (void)state;
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        struct drc_config cfg = cfg_of(t[i].cls);
        struct spapr_drc d = { .state = t[i].state, .dev = t[i].dev,
                               .unplug_requested = t[i].unplug };
        EXPECT_EQ("needed", i, "spapr_drc_needed", spapr_drc_needed(&cfg, &d, true),
                  t[i].needed);
        EXPECT_EQ("needed before ab8584349c", i, "spapr_drc_needed",
                  spapr_drc_needed(&cfg, &d, false), t[i].before);
    }
}

static void test_physical_needed(void **state)
{
    static const struct { uint8_t dev, ind; bool needed; } t[] = {
        { 1, SPAPR_DR_INDICATOR_ACTIVE, false }, { 0, SPAPR_DR_INDICATOR_INACTIVE, false },
        { 1, SPAPR_DR_INDICATOR_INACTIVE, true }, { 0, SPAPR_DR_INDICATOR_ACTIVE, true },
        { 1, SPAPR_DR_INDICATOR_IDENTIFY, true }, { 0, SPAPR_DR_INDICATOR_ACTION, true },
    };

    (void)state;
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        struct spapr_drc d = { .state = PC, .dev = t[i].dev, .dr_indicator = t[i].ind };
        EXPECT_EQ("physical", i, "drc_physical_needed", drc_physical_needed(&d), t[i].needed);
    }
}

/* ---- 6. one machine through the spapr API ------------------------------- */

static const char machine_scn[] =
    "scenario t\n"
    "machine m cores=2 lmbs=4 phbs=2 pci-slots=2 guest=script\n"
    "do m device_add cpu core1 core-id=1\n"
    "do m device_add dimm dimm0 size=512M\n"
    "do m device_add cpu core1b core-id=1\n";

enum { CORE1, DIMM0, CORE1B };            /* device numbers, in order of mention */
#define CPU1_INDEX 0x10000001u
#define LMB0_INDEX 0x80000004u
#define LMB1_INDEX 0x80000005u

struct mfix {
    struct scenario scn;
    struct sim sim;
    struct world w;                       /* a copy of sim.initial */
    char err[256];
};

static int machine_setup(void **state)
{
    struct mfix *f = g_new0(struct mfix, 1);
    struct knob_set ks;
    char err[256];

    knobs_default(&ks);
    if (!scenario_parse_string("t.scn", machine_scn, &f->scn, err, sizeof(err)) ||
        !sim_init(&f->sim, &f->scn, &ks, "upstream", err, sizeof(err))) {
        print_error("setup: %s\n", err);
        g_free(f);
        return -1;
    }
    f->w = f->sim.initial;
    *state = f;
    return 0;
}

static int machine_teardown(void **state)
{
    struct mfix *f = *state;

    sim_free(&f->sim);
    g_free(f);
    return 0;
}

static struct spapr_machine *M(struct mfix *f) { return &f->w.machines[0]; }

static struct spapr_drc *drc_at(struct mfix *f, uint32_t index)
{
    int slot = sim_drc_by_index(&f->sim, 0, index);

    assert_true(slot >= 0);
    return &M(f)->drcs[slot];
}

static struct rtas_ret seti(struct mfix *f, uint32_t type, uint32_t index, uint32_t v)
{
    return rtas_set_indicator(&f->sim, &f->w, 0, type, index, v, NULL);
}

/* ibm,configure-connector until it stops returning 2/3/4; the call count. */
static unsigned cc_walk(struct mfix *f, uint32_t index, int32_t *last)
{
    struct drc_cc_item item;
    unsigned n = 0;

    do {
        *last = rtas_ibm_configure_connector(&f->sim, &f->w, 0, index, NULL, &item).rc;
        n++;
    } while (*last >= 2 && *last <= 4 && n < 100);
    return n;
}

static void assert_event(const struct spapr_event_entry *e, uint8_t type, uint8_t action,
                         uint8_t id_type, uint8_t count, uint32_t index)
{
    assert_int_equal(e->hp_type, type);
    assert_int_equal(e->action, action);
    assert_int_equal(e->id_type, id_type);
    assert_int_equal(e->count, count);
    assert_int_equal(e->index, index);
}

/* The guest side of a logical add: sense, usable, unisolate, walk. */
static void guest_add(struct mfix *f, uint32_t index, unsigned calls)
{
    struct rtas_ret r = rtas_get_sensor_state(&f->sim, &f->w, 0, 9003, index, NULL);
    int32_t last;

    assert_int_equal(r.rc, 0);
    assert_int_equal(r.value, SPAPR_DR_ENTITY_SENSE_UNUSABLE);
    assert_int_equal(seti(f, 9003, index, 1).rc, 0);
    assert_int_equal(drc_at(f, index)->state, AV);
    assert_int_equal(seti(f, 9001, index, 1).rc, 0);
    assert_int_equal(drc_at(f, index)->state, LI);
    assert_int_equal(cc_walk(f, index, &last), calls);
    assert_int_equal(last, 0);
    assert_int_equal(drc_at(f, index)->state, LC);
}

static void test_machine_initial(void **state)
{
    struct mfix *f = *state;

    assert_string_equal(f->scn.devices[CORE1].id, "core1");
    assert_string_equal(f->scn.devices[DIMM0].id, "dimm0");
    assert_string_equal(f->scn.devices[CORE1B].id, "core1b");
    assert_int_equal(sim_drc_by_index(&f->sim, 0, CPU1_INDEX), 1);
    assert_int_equal(sim_drc_by_index(&f->sim, 0, LMB0_INDEX), 2);
    assert_int_equal(sim_drc_by_index(&f->sim, 0, 0x20000001), 7);
    assert_int_equal(sim_drc_by_index(&f->sim, 0, 0x40000008), 9);
    assert_int_equal(sim_drc_by_index(&f->sim, 0, 0x10000002), -1);
    assert_int_equal(M(f)->drcs[0].state, LC);             /* boot core */
    assert_int_equal(M(f)->drcs[0].dev, DRC_DEV_BUILTIN);
    assert_int_equal(M(f)->drcs[6].dev, DRC_DEV_BUILTIN);  /* default PHB */
    assert_int_equal(drc_at(f, CPU1_INDEX)->state, UN);
    assert_int_equal(M(f)->ov5_cas, 0);
    assert_int_equal(M(f)->nr_events, 0);
}

static void test_machine_cpu_add(void **state)
{
    struct mfix *f = *state;
    struct spapr_event_entry e;

    assert_true(qmp_device_add(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(drc_at(f, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(drc_at(f, CPU1_INDEX)->state, UN);
    assert_int_equal(M(f)->nr_events, 1);
    assert_event(&M(f)->events[0], RTAS_LOG_V6_HP_TYPE_CPU, RTAS_LOG_V6_HP_ACTION_ADD,
                 RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, CPU1_INDEX);
    /* before CAS (ov5_cas == 0) hotplug events come from the EPOW source */
    assert_int_equal(rtas_check_exception(&f->sim, &f->w, 0, RTAS_EVENT_MASK_HOTPLUG, &e,
                                          NULL).rc, 1);
    assert_int_equal(rtas_check_exception(&f->sim, &f->w, 0, RTAS_EVENT_MASK_EPOW, &e,
                                          NULL).rc, 0);
    assert_event(&e, RTAS_LOG_V6_HP_TYPE_CPU, RTAS_LOG_V6_HP_ACTION_ADD,
                 RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, CPU1_INDEX);
    assert_int_equal(M(f)->nr_events, 0);
    guest_add(f, CPU1_INDEX, 32);
    assert_int_equal(drc_at(f, CPU1_INDEX)->fdt, 1);
    assert_false(spapr_drc_needed(&f->sim.m[0].drcs[1], drc_at(f, CPU1_INDEX), true));
}

static void test_machine_cpu_remove(void **state)
{
    struct mfix *f = *state;

    assert_true(qmp_device_add(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    guest_add(f, CPU1_INDEX, 32);
    spapr_clear_pending_events(&f->w, 0);
    assert_true(qmp_device_del(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(drc_at(f, CPU1_INDEX)->unplug_requested, 1);
    assert_int_equal(drc_at(f, CPU1_INDEX)->state, LC);
    assert_int_equal(seti(f, 9001, CPU1_INDEX, 0).rc, 0);
    assert_int_equal(drc_at(f, CPU1_INDEX)->state, AV);
    assert_int_equal(M(f)->devices[CORE1].realized, 1);
    assert_int_equal(seti(f, 9003, CPU1_INDEX, 0).rc, 0);
    assert_int_equal(drc_at(f, CPU1_INDEX)->state, UN);
    assert_int_equal(drc_at(f, CPU1_INDEX)->dev, 0);
    assert_int_equal(drc_at(f, CPU1_INDEX)->unplug_requested, 0);
    assert_int_equal(M(f)->devices[CORE1].realized, 0);
    assert_int_equal(M(f)->deleted, 1u << CORE1);
    assert_int_equal(M(f)->nr_events, 1);
    assert_event(&M(f)->events[0], RTAS_LOG_V6_HP_TYPE_CPU, RTAS_LOG_V6_HP_ACTION_REMOVE,
                 RTAS_LOG_V6_HP_ID_DRC_INDEX, 0, CPU1_INDEX);
}

static void test_machine_core_populated(void **state)
{
    struct mfix *f = *state;

    assert_true(qmp_device_add(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_false(qmp_device_add(&f->sim, &f->w, 0, CORE1B, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "core 1 already populated");
    assert_int_equal(M(f)->devices[CORE1B].realized, 0);
    assert_int_equal(M(f)->devices[CORE1B].hotplugged, 0);
    assert_int_equal(drc_at(f, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(M(f)->nr_events, 1);
    assert_false(qmp_device_add(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "Duplicate device ID 'core1'");   /* as QEMU 7.2.22 replies */
    f->sim.knobs.lo[KNOB_QEMU_DUPLICATE_ID_ERROR] = DUPLICATE_ID_ERROR_QEMU_OPTS;   /* <= 6.1 */
    assert_false(qmp_device_add(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "Duplicate ID 'core1' for device");
    assert_false(spapr_coldplug(&f->sim, &f->w, 0, CORE1, -1, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "Duplicate ID 'core1' for device");
    assert_int_equal(M(f)->devices[CORE1].realized, 1);   /* the first one stays */
    assert_int_equal(M(f)->nr_events, 1);
}

/* DIMM added by count before CAS, both LMBs configured, then device_del. */
static void dimm_added_and_removing(struct mfix *f)
{
    assert_true(qmp_device_add(&f->sim, &f->w, 0, DIMM0, NULL, f->err, sizeof(f->err)));
    assert_int_equal(M(f)->devices[DIMM0].first_drc, 2);
    assert_int_equal(drc_at(f, LMB0_INDEX)->dev, DIMM0 + 1);
    assert_int_equal(drc_at(f, LMB1_INDEX)->dev, DIMM0 + 1);
    assert_int_equal(sim_drc_by_index(&f->sim, 0, 0x80000006), 4);
    assert_int_equal(M(f)->drcs[4].dev, 0);
    assert_int_equal(M(f)->nr_events, 1);
    assert_event(&M(f)->events[0], RTAS_LOG_V6_HP_TYPE_MEMORY, RTAS_LOG_V6_HP_ACTION_ADD,
                 RTAS_LOG_V6_HP_ID_DRC_COUNT, 2, 0);
    guest_add(f, LMB0_INDEX, 5);
    guest_add(f, LMB1_INDEX, 5);
    M(f)->ov5_cas = OV5_CAS_HP_EVT;
    assert_true(qmp_device_del(&f->sim, &f->w, 0, DIMM0, NULL, f->err, sizeof(f->err)));
    assert_int_equal(M(f)->nr_events, 2);
    assert_event(&M(f)->events[1], RTAS_LOG_V6_HP_TYPE_MEMORY, RTAS_LOG_V6_HP_ACTION_REMOVE,
                 RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED, 2, LMB0_INDEX);
    assert_int_equal(drc_at(f, LMB0_INDEX)->unplug_requested, 1);
    assert_int_equal(drc_at(f, LMB1_INDEX)->unplug_requested, 1);
    assert_int_equal(M(f)->devices[DIMM0].dimm_pending, 1);
    assert_int_equal(M(f)->devices[DIMM0].dimm_nr_lmbs, 2);
}

static void test_machine_dimm_remove(void **state)
{
    struct mfix *f = *state;

    dimm_added_and_removing(f);
    assert_false(qmp_device_del(&f->sim, &f->w, 0, DIMM0, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "Memory unplug already in progress for device dimm0");
    assert_int_equal(M(f)->nr_events, 2);
    assert_int_equal(seti(f, 9001, LMB0_INDEX, 0).rc, 0);
    assert_int_equal(seti(f, 9003, LMB0_INDEX, 0).rc, 0);
    assert_int_equal(drc_at(f, LMB0_INDEX)->dev, 0);
    assert_int_equal(M(f)->devices[DIMM0].realized, 1);     /* one LMB left */
    assert_int_equal(M(f)->devices[DIMM0].dimm_nr_lmbs, 1);
    assert_int_equal(M(f)->deleted, 0);
    assert_int_equal(seti(f, 9001, LMB1_INDEX, 0).rc, 0);
    assert_int_equal(seti(f, 9003, LMB1_INDEX, 0).rc, 0);
    assert_int_equal(M(f)->devices[DIMM0].realized, 0);
    assert_int_equal(M(f)->devices[DIMM0].dimm_pending, 0);
    assert_int_equal(M(f)->deleted, 1u << DIMM0);
}

static void test_machine_dimm_add_indexed(void **state)
{
    struct mfix *f = *state;

    M(f)->ov5_cas = OV5_CAS_HP_EVT;
    assert_true(qmp_device_add(&f->sim, &f->w, 0, DIMM0, NULL, f->err, sizeof(f->err)));
    assert_int_equal(M(f)->nr_events, 1);
    assert_event(&M(f)->events[0], RTAS_LOG_V6_HP_TYPE_MEMORY, RTAS_LOG_V6_HP_ACTION_ADD,
                 RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED, 2, LMB0_INDEX);
}

/* The guest re-configures an LMB it was asked to drop: the unplug is rolled back. */
static void test_machine_lmb_rollback(void **state)
{
    struct mfix *f = *state;
    struct drc_cc_item item;

    dimm_added_and_removing(f);
    assert_int_equal(rtas_ibm_configure_connector(&f->sim, &f->w, 0, LMB1_INDEX, NULL,
                                                  &item).rc, SPAPR_DR_CC_RESPONSE_NEXT_CHILD);
    assert_string_equal(item.name, "memory@800000050000000");
    assert_int_equal(drc_at(f, LMB0_INDEX)->unplug_requested, 0);
    assert_int_equal(drc_at(f, LMB1_INDEX)->unplug_requested, 0);
    assert_int_equal(M(f)->devices[DIMM0].dimm_pending, 0);
    assert_int_equal(M(f)->unplug_guest_error, 1u << DIMM0);
    assert_int_equal(M(f)->abort_reason, QEMU_ABORT_NONE);
    assert_int_equal(M(f)->devices[DIMM0].realized, 1);
}

static void test_machine_lmb_rollback_no_ds(void **state)
{
    struct mfix *f = *state;
    struct drc_cc_item item;
    struct step steps[ENGINE_MAX_STEPS];

    dimm_added_and_removing(f);
    M(f)->devices[DIMM0].dimm_pending = 0;     /* as on a migration destination */
    rtas_ibm_configure_connector(&f->sim, &f->w, 0, LMB1_INDEX, NULL, &item);
    assert_int_equal(M(f)->abort_reason, QEMU_ABORT_LMB_ROLLBACK_NO_DS);
    assert_int_equal(M(f)->abort_drc, 2);      /* the DIMM's first LMB */
    assert_int_equal(M(f)->unplug_guest_error, 0);
    /* QEMU is gone: nothing may happen any more */
    assert_int_equal(sim_enabled(&f->sim, &f->w, steps, ENGINE_MAX_STEPS), 0);
}

static void test_machine_reset_releases(void **state)
{
    struct mfix *f = *state;
    struct spapr_drc *d;

    assert_true(qmp_device_add(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    guest_add(f, CPU1_INDEX, 32);
    assert_true(qmp_device_del(&f->sim, &f->w, 0, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(M(f)->nr_events, 2);
    qmp_system_reset(&f->sim, &f->w, 0, NULL);
    d = drc_at(f, CPU1_INDEX);
    assert_int_equal(M(f)->deleted, 1u << CORE1);
    assert_int_equal(M(f)->devices[CORE1].realized, 0);
    assert_int_equal(d->state, UN);
    assert_int_equal(d->dev, 0);
    assert_int_equal(d->unplug_requested, 0);
    assert_int_equal(d->fdt, 0);
    assert_int_equal(d->ccs_offset, -1);
    assert_int_equal(d->ccs_depth, -1);
    assert_int_equal(M(f)->nr_events, 0);
    assert_int_equal(M(f)->drcs[0].state, LC);             /* the boot core stays */
}

#define MACHINE_TEST(fn) cmocka_unit_test_setup_teardown(fn, machine_setup, machine_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_encoding),
        cmocka_unit_test(test_class_facts),
        cmocka_unit_test(test_drc_init),
        cmocka_unit_test(test_isolation),
        cmocka_unit_test(test_allocation),
        cmocka_unit_test(test_sense),
        cmocka_unit_test(test_configure_connector_call),
        cmocka_unit_test(test_qemu_ops),
        cmocka_unit_test(test_dr_indicator),
        cmocka_unit_test(test_unisolate_cursor),
        cmocka_unit_test(test_unplug_request_trace),
        cmocka_unit_test(test_release_tracepoints),
        cmocka_unit_test(test_reset_cursor),
        cmocka_unit_test(test_every_row_hit),
        cmocka_unit_test(test_walk_cpu),
        cmocka_unit_test(test_walk_lmb),
        cmocka_unit_test(test_walk_phb),
        cmocka_unit_test(test_walk_pci),
        cmocka_unit_test(test_cc_next_end),
        cmocka_unit_test(test_cc_more),
        cmocka_unit_test(test_first_matching_row),
        cmocka_unit_test(test_configure_connector_entry),
        cmocka_unit_test(test_cc_index_matches_libfdt),
        cmocka_unit_test(test_drc_needed),
        cmocka_unit_test(test_physical_needed),
        MACHINE_TEST(test_machine_initial),
        MACHINE_TEST(test_machine_cpu_add),
        MACHINE_TEST(test_machine_cpu_remove),
        MACHINE_TEST(test_machine_core_populated),
        MACHINE_TEST(test_machine_dimm_remove),
        MACHINE_TEST(test_machine_dimm_add_indexed),
        MACHINE_TEST(test_machine_lmb_rollback),
        MACHINE_TEST(test_machine_lmb_rollback_no_ds),
        MACHINE_TEST(test_machine_reset_releases),
    };

    return cmocka_run_group_tests(tests, frags_setup, frags_teardown);
}
