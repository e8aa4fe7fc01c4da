/*
 * Unit tests for the QEMU pseries machine model (sim/models/spapr*.c): CAS per
 * its knobs, the hotplug IRQ and event queue, QMP refusals while migrating,
 * runstates, where a DIMM lands (ref/qemu-spapr.md §3-5), the PCI remove event,
 * a reset draining the guest's I/O, and which DRCs the fingerprint covers.
 */
#include "step_fixture.h"
#include <string.h>
#include <glib.h>
#include <stddef.h>
#include "engine.h"
#include "fingerprint.h"
#include "guest_os.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"
#include "trace.h"

#define UN SPAPR_DRC_STATE_LOGICAL_UNUSABLE
#define LC SPAPR_DRC_STATE_LOGICAL_CONFIGURED

#define CPU1_INDEX 0x10000001u
#define CPU2_INDEX 0x10000002u

/* guest=script: nothing moves unless the test makes it move. */
static const char base_scn[] =
    "scenario s\n"
    "machine m cores=3 lmbs=8 guest=script\n"
    "machine in cores=3 lmbs=8 guest=script incoming=defer\n"
    "do m device_add cpu core1 core-id=1\n"
    "do m device_add cpu core2 core-id=2\n"
    "do m device_add dimm da size=256M\n"
    "do m device_add dimm db size=256M\n"
    "do m device_add dimm dc size=512M\n"
    "do m device_add dimm dd size=256M\n"
    "do m device_add dimm huge size=2048M\n";
enum { CORE1, CORE2, DA, DB, DC, DD, HUGE };   /* device numbers, in order of mention */
enum { M, IN };                                 /* machines */

/* ---- fixture: step_fixture.h ---------------------------------------------- */


static bool cas(struct fix *f, int m)
{
    struct step_ctx c = { .s = &f->sim, .w = &f->w };

    return spapr_client_architecture_support(&c, m, OV5_CAS_HP_EVT);
}

static void assert_entry(const struct spapr_event_entry *e, uint8_t action, uint32_t index)
{
    assert_int_equal(e->hp_type, RTAS_LOG_V6_HP_TYPE_CPU);
    assert_int_equal(e->action, action);
    assert_int_equal(e->id_type, RTAS_LOG_V6_HP_ID_DRC_INDEX);
    assert_int_equal(e->index, index);
}

/* ---- CAS ---------------------------------------------------------------------- */

/* ad334d89a6: CAS resets every DRC and drops the queued hotplug events. */
static void test_cas_drc_reset_on(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    assert_int_equal(mach(f, M)->ov5_cas, 0);
    add(f, M, CORE1);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, UN);
    assert_int_equal(mach(f, M)->nr_events, 1);
    assert_false(cas(f, M));
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_HP_EVT);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, LC);
    assert_int_equal(drc(f, M, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(mach(f, M)->nr_events, 0);
    assert_int_equal(mach(f, M)->devices[CORE1].realized, 1);
    assert_int_equal(mach(f, M)->fdt_cpus, 3);
}

/* July 2017: CAS only negotiates; the DRC stays UNUSABLE with its event queued. */
static void test_cas_drc_reset_off(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob qemu.cas-drc-reset=off\n");
    add(f, M, CORE1);
    assert_false(cas(f, M));
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_HP_EVT);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, UN);
    assert_int_equal(drc(f, M, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(mach(f, M)->nr_events, 1);
    assert_entry(&mach(f, M)->events[0], RTAS_LOG_V6_HP_ACTION_ADD, CPU1_INDEX);
}

/* 10f12e6450: a transient DRC at CAS makes QEMU reset the machine instead. */
static void test_cas_reboot(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, "knob qemu.cas-drc-reset=reboot\n");
    add(f, M, CORE1);
    assert_true(cas(f, M));
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_HP_EVT);   /* a CAS reboot keeps it */
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, LC); /* reset: a device means ready */
    assert_int_equal(drc(f, M, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(mach(f, M)->nr_events, 0);
    assert_int_equal(mach(f, M)->irq_latched, 0);
    assert_int_equal(mach(f, M)->fdt_cpus, 3);
    assert_false(cas(f, M));                           /* nothing transient now */
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_HP_EVT);
}

/*
 * A pending unplug of a DRC in its ready state: transient at CAS since
 * ab8584349c (spapr_drc_transient), so the CAS reboot's reset completes it;
 * before (qemu.migrate-unplug-requested=off) CAS goes on and it stays pending.
 */
static void cas_pending_unplug(void **state, const char *knobs, bool reboot)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, knobs);
    add(f, M, CORE1);
    assert_true(cas(f, M));                            /* transient: UNUSABLE with a device */
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, LC);
    assert_true(qmp_device_del(&f->sim, &f->w, M, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(drc(f, M, CPU1_INDEX)->unplug_requested, 1);
    assert_int_equal(cas(f, M), reboot);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, reboot ? UN : LC);   /* released: empty */
    assert_int_equal(drc(f, M, CPU1_INDEX)->dev, reboot ? 0 : CORE1 + 1);
    assert_int_equal(drc(f, M, CPU1_INDEX)->unplug_requested, !reboot);
}

static void test_cas_reboot_pending_unplug(void **state)
{
    cas_pending_unplug(state, "knob qemu.cas-drc-reset=reboot\n", true);
}

static void test_cas_reboot_pending_unplug_2017(void **state)
{
    cas_pending_unplug(state, "knob qemu.cas-drc-reset=reboot\n"
                              "knob qemu.migrate-unplug-requested=off\n", false);
}

/* The same through the guest: CAS reboots it, its second CAS succeeds. */
static void test_cas_reboot_guest(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario s\nmachine m cores=2 prelaunch\ndo m device_add cpu core1 core-id=1\n"
                "knob qemu.cas-drc-reset=reboot\n", NULL);
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_PRELAUNCH);
    add(f, M, CORE1);                                  /* PRELAUNCH counts as hotplug */
    assert_int_equal(mach(f, M)->devices[CORE1].hotplugged, 1);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, UN);
    assert_int_equal(mach(f, M)->nr_events, 1);
    assert_true(qmp_cont(&f->sim, &f->w, M, f->err, sizeof(f->err)));
    sim_normalize(&f->sim, &f->w);
    fire(f, ACTOR_GUEST_BOOT);
    assert_int_equal(f->kind, STEP_GUEST_CAS);
    assert_has(f->line, "\"line\":\"prom_init: ibm,client-architecture-support requested "
                        "a reboot\"");
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, LC);
    assert_int_equal(mach(f, M)->nr_events, 0);
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_BASE | OV5_CAS_HP_EVT | OV5_CAS_XIVE);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);   /* spapr_irq_reset */
    fire(f, ACTOR_GUEST_BOOT);
    assert_int_equal(f->kind, STEP_GUEST_CAS);
    assert_has(f->line, "\"result\":{\"cpus\":2}");
    assert_int_equal(f->w.guest.phase, GUEST_KERNEL);
    assert_int_equal(f->w.guest.cpus, 3);
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_BASE | OV5_CAS_HP_EVT | OV5_CAS_XIVE);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);
}

/* qemu.cas-full-fdt: the tree of CAS time, or the one of the last reset. */
static void cas_full_fdt(void **state, const char *knob, uint16_t cpus, uint16_t lmbs)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, knob);
    assert_int_equal(mach(f, M)->fdt_cpus, 1);         /* the boot core */
    assert_int_equal(mach(f, M)->fdt_lmbs, 0);
    add(f, M, CORE1);
    add(f, M, DA);
    assert_int_equal(mach(f, M)->fdt_cpus, 1);         /* a plug does not rebuild it */
    assert_int_equal(mach(f, M)->fdt_lmbs, 0);
    assert_false(cas(f, M));
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, LC);
    assert_int_equal(mach(f, M)->fdt_cpus, cpus);
    assert_int_equal(mach(f, M)->fdt_lmbs, lmbs);
}

/* The largest tree the scenario language allows (every core and LMB present, POWER8's longer
 * node names) fits spapr_build_fdt's buffer. */
static void test_fdt_largest(void **state)
{
    static const char scn[] =
        "scenario s\n"
        "machine m cores=10 lmbs=16 host=power8 guest=script\n"   /* devices: coldplugged */
        "device m cpu c1 core-id=1\ndevice m cpu c2 core-id=2\ndevice m cpu c3 core-id=3\n"
        "device m cpu c4 core-id=4\ndevice m cpu c5 core-id=5\ndevice m cpu c6 core-id=6\n"
        "device m cpu c7 core-id=7\ndevice m cpu c8 core-id=8\ndevice m cpu c9 core-id=9\n"
        "device m dimm d1 size=1024M\ndevice m dimm d2 size=1024M\n"
        "device m dimm d3 size=1024M\ndevice m dimm d4 size=1024M\n";
    struct fix *f = *state;

    fix_init(f, scn);
    assert_int_equal(mach(f, M)->abort_reason, 0);
    assert_int_equal(mach(f, M)->fdt_cpus, 0x3ff);     /* the tree of the machine reset */
    assert_int_equal(mach(f, M)->fdt_lmbs, 0xffff);
    assert_false(cas(f, M));
    assert_int_equal(mach(f, M)->abort_reason, 0);
    assert_int_equal(mach(f, M)->fdt_cpus, 0x3ff);     /* and of CAS */
    assert_int_equal(mach(f, M)->fdt_lmbs, 0xffff);
}

static void test_cas_full_fdt_on(void **state)
{
    cas_full_fdt(state, "knob qemu.cas-full-fdt=on\n", 3, 1);
}

static void test_cas_full_fdt_off(void **state)
{
    cas_full_fdt(state, "knob qemu.cas-full-fdt=off\n", 1, 0);
}

/* ---- the hotplug IRQ and the event queue ------------------------------------ */

static void test_irq_and_check_exception(void **state)
{
    struct fix *f = *state;
    struct spapr_event_entry e;
    struct rtas_ret r;

    fix_init_extra(f, base_scn, NULL);
    assert_false(cas(f, M));
    assert_int_equal(mach(f, M)->irq_latched, 0);
    add(f, M, CORE1);                                  /* spapr_hotplug_req_event pulses */
    assert_int_equal(mach(f, M)->irq_latched, 1);
    mach(f, M)->irq_latched = 0;
    add(f, M, CORE2);
    assert_int_equal(mach(f, M)->irq_latched, 1);
    assert_int_equal(mach(f, M)->nr_events, 2);
    mach(f, M)->irq_latched = 0;
    r = rtas_check_exception(&f->sim, &f->w, M, RTAS_EVENT_MASK_EPOW, &e, NULL);
    assert_int_equal(r.rc, RTAS_OUT_NO_ERRORS_FOUND);  /* HP_EVT negotiated: not EPOW */
    assert_int_equal(mach(f, M)->nr_events, 2);
    r = rtas_check_exception(&f->sim, &f->w, M, RTAS_EVENT_MASK_HOTPLUG, &e, NULL);
    assert_int_equal(r.rc, RTAS_OUT_SUCCESS);
    assert_entry(&e, RTAS_LOG_V6_HP_ACTION_ADD, CPU1_INDEX);   /* FIFO */
    assert_int_equal(mach(f, M)->nr_events, 1);
    assert_int_equal(mach(f, M)->irq_latched, 1);      /* re-pulsed: an entry remains */
    mach(f, M)->irq_latched = 0;
    r = rtas_check_exception(&f->sim, &f->w, M, RTAS_EVENT_MASK_HOTPLUG, &e, NULL);
    assert_int_equal(r.rc, RTAS_OUT_SUCCESS);
    assert_entry(&e, RTAS_LOG_V6_HP_ACTION_ADD, CPU2_INDEX);
    assert_int_equal(mach(f, M)->irq_latched, 0);      /* nothing left: no pulse */
    r = rtas_check_exception(&f->sim, &f->w, M, RTAS_EVENT_MASK_HOTPLUG, &e, NULL);
    assert_int_equal(r.rc, RTAS_OUT_NO_ERRORS_FOUND);
    assert_int_equal(e.hp_type, 0);
    assert_int_equal(e.index, 0);
}

static void test_event_scan(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    assert_int_equal(rtas_event_scan(&f->sim, &f->w, M, NULL).rc, RTAS_OUT_NO_ERRORS_FOUND);
    assert_int_equal(mach(f, M)->irq_latched, 0);      /* no entries: no pulse */
    add(f, M, CORE1);
    mach(f, M)->irq_latched = 0;
    assert_int_equal(rtas_event_scan(&f->sim, &f->w, M, NULL).rc, RTAS_OUT_NO_ERRORS_FOUND);
    assert_int_equal(mach(f, M)->irq_latched, 1);
    assert_int_equal(mach(f, M)->nr_events, 1);        /* dequeues nothing */
}

/* ---- QMP ---------------------------------------------------------------------- */

static void test_qmp_refused_while_migrating(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, NULL);
    add(f, M, CORE1);
    mach(f, M)->migration = MIGRATION_ACTIVE;
    add_refused(f, M, CORE2, "device_add not allowed while migrating");
    assert_int_equal(mach(f, M)->devices[CORE2].hotplugged, 0);
    assert_int_equal(drc(f, M, CPU2_INDEX)->dev, 0);
    assert_int_equal(mach(f, M)->nr_events, 1);
    assert_false(qmp_device_del(&f->sim, &f->w, M, CORE1, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "device_del not allowed while migrating");
    assert_int_equal(drc(f, M, CPU1_INDEX)->unplug_requested, 0);
    assert_int_equal(drc(f, M, CPU1_INDEX)->dev, CORE1 + 1);
    mach(f, M)->migration = MIGRATION_COMPLETED;       /* only a running migration blocks */
    add(f, M, CORE2);
    assert_int_equal(drc(f, M, CPU2_INDEX)->dev, CORE2 + 1);
}

static void test_runstates(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario s\nmachine m cores=2 guest=script prelaunch\n"
                "machine in cores=2 guest=script incoming=defer\n", NULL);
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_PRELAUNCH);
    assert_int_equal(mach(f, IN)->runstate, RUN_STATE_INMIGRATE);
    assert_true(qmp_cont(&f->sim, &f->w, M, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_RUNNING);
    qmp_stop(&f->sim, &f->w, M);
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_PAUSED);
    assert_true(qmp_cont(&f->sim, &f->w, M, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_RUNNING);
    /* INMIGRATE: cont and stop only set autostart (qmp_cont, qmp_stop) */
    assert_int_equal(mach(f, IN)->autostart, 0);
    assert_true(qmp_cont(&f->sim, &f->w, IN, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, IN)->runstate, RUN_STATE_INMIGRATE);
    assert_int_equal(mach(f, IN)->autostart, 1);
    qmp_stop(&f->sim, &f->w, IN);
    assert_int_equal(mach(f, IN)->runstate, RUN_STATE_INMIGRATE);
    assert_int_equal(mach(f, IN)->autostart, 0);
    /* a source left in POSTMIGRATE is resumed like any paused VM */
    mach(f, M)->runstate = RUN_STATE_POSTMIGRATE;
    assert_true(qmp_cont(&f->sim, &f->w, M, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_RUNNING);
}

/* 94fd9cbaa3: device_add in INMIGRATE is a coldplug (no event, DRC ready). */
static void inmigrate_add(void **state, const char *knob, uint8_t drc_state, uint8_t events)
{
    struct fix *f = *state;

    fix_init_extra(f, base_scn, knob);
    add(f, IN, CORE1);
    assert_int_equal(mach(f, IN)->devices[CORE1].hotplugged, 1);
    assert_int_equal(drc(f, IN, CPU1_INDEX)->state, drc_state);
    assert_int_equal(drc(f, IN, CPU1_INDEX)->dev, CORE1 + 1);
    assert_int_equal(mach(f, IN)->nr_events, events);
    assert_int_equal(mach(f, IN)->irq_latched, events);
}

static void test_inmigrate_coldplug_on(void **state)
{
    inmigrate_add(state, "knob qemu.inmigrate-coldplug=on\n", LC, 0);
}

static void test_inmigrate_coldplug_off(void **state)
{
    inmigrate_add(state, "knob qemu.inmigrate-coldplug=off\n", UN, 1);
}

/* memory_device_get_free_addr: the lowest gap that fits. */
static void test_dimm_first_fit(void **state)
{
    struct fix *f = *state;
    int lmb0 = 3;                                      /* slots: 3 CPUs, then LMBs */

    fix_init_extra(f, base_scn, NULL);
    assert_int_equal(f->sim.m[M].lmb_first, lmb0);
    add(f, M, DA);
    add(f, M, DB);
    assert_int_equal(mach(f, M)->devices[DA].first_drc, lmb0);
    assert_int_equal(mach(f, M)->devices[DB].first_drc, lmb0 + 1);
    /* before CAS the guest never took it: released at the request */
    assert_true(qmp_device_del(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[DA].realized, 0);
    assert_int_equal(mach(f, M)->deleted, 1u << DA);
    add(f, M, DC);                                     /* 512M: the 256M hole is too small */
    assert_int_equal(mach(f, M)->devices[DC].first_drc, lmb0 + 2);
    assert_int_equal(drc(f, M, 0x80000006)->dev, DC + 1);
    assert_int_equal(drc(f, M, 0x80000007)->dev, DC + 1);
    assert_int_equal(drc(f, M, 0x80000004)->dev, 0);
    add(f, M, DD);                                     /* 256M fills the hole */
    assert_int_equal(mach(f, M)->devices[DD].first_drc, lmb0);
    add_refused(f, M, HUGE, "not enough space, currently 0x40000000 in use of total space "
                            "for memory devices 0x80000000");
}

/* memory_device_check_addable counts the realized DIMMs against maxram - ram before any
 * gap is searched; a DIMM that fits that total but no gap is "memory fragmented". QEMU
 * 2.10 searched the gap first (qemu.memory-device-check-addable=off). */
static const char dimm_space_scn[] =
    "scenario s\n"
    "machine m cores=1 lmbs=4 guest=script\n"
    "do m device_add dimm d1 size=256M\n"
    "do m device_add dimm d3 size=768M\n"
    "do m device_add dimm d4 size=1024M\n";
enum { D1, D3, D4 };

static void test_dimm_not_enough_space(void **state)
{
    struct fix *f = *state;
    int id0 = 4;                                       /* the first LMB's id: 1 GiB / 256M */

    fix_reinit(f, dimm_space_scn, NULL);
    assert_true(qmp_device_add_at(&f->sim, &f->w, M, D1, id0 + 1, NULL, f->err, sizeof(f->err)));
    add_refused(f, M, D4, "not enough space, currently 0x10000000 in use of total space "
                          "for memory devices 0x40000000");
    assert_false(qmp_device_add_at(&f->sim, &f->w, M, D4, id0, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "not enough space, currently 0x10000000 in use of total space "
                                "for memory devices 0x40000000");   /* before the hint's check */
    add_refused(f, M, D3, "could not find position in guest address space for memory "
                          "device - memory fragmented due to alignments");
    assert_int_equal(mach(f, M)->devices[D4].realized, 0);   /* after the hinted refusal too */

    /* QEMU 2.10: the walk steps past d1 and ends beyond the area, with its own text */
    fix_reinit(f, dimm_space_scn, "knob qemu.memory-device-check-addable=off\n");
    assert_true(qmp_device_add_at(&f->sim, &f->w, M, D1, id0 + 1, NULL, f->err, sizeof(f->err)));
    add_refused(f, M, D4, "can't add memory [0x60000000:0x40000000] beyond 0x80000000");
    add_refused(f, M, D3, "can't add memory [0x60000000:0x30000000] beyond 0x80000000");
}

/*
 * -m slots=2: pc_dimm_get_free_slot refuses a third DIMM. Today's pc_dimm_pre_plug asks
 * for the slot first; QEMU 2.10 walked the addresses and the capacity first. A DIMM
 * released gives its slot back.
 */
static const char dimm_slots_scn[] =
    "scenario s\n"
    "machine m cores=1 lmbs=4 slots=2 guest=script\n"
    "do m device_add dimm d1 size=256M\n"
    "do m device_add dimm d2 size=256M\n"
    "do m device_add dimm d3 size=256M\n"
    "do m device_add dimm d4 size=1024M\n";
enum { S1, S2, S3, S4 };

static void test_dimm_no_free_slot(void **state)
{
    struct fix *f = *state;

    fix_reinit(f, dimm_slots_scn, NULL);
    add(f, M, S1);
    add(f, M, S2);
    add_refused(f, M, S3, "no free slots available");
    add_refused(f, M, S4, "no free slots available");   /* before the capacity */
    assert_true(qmp_device_del(&f->sim, &f->w, M, S1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[S1].realized, 0);   /* before CAS: at once */
    add(f, M, S3);

    fix_reinit(f, dimm_slots_scn, "knob qemu.memory-device-check-addable=off\n");
    add(f, M, S1);
    add(f, M, S2);
    add_refused(f, M, S4, "can't add memory [0x60000000:0x40000000] beyond 0x80000000");
    add_refused(f, M, S3, "no free slots available");
}

/* With libvirt's addr= (here in LMBs, address / 256M) the DIMM goes there, or fails naming
 * the one in the way, or the range it is outside of. */
static void test_dimm_address_hint(void **state)
{
    struct fix *f = *state;
    int lmb0 = 3, id0 = 4;   /* the first LMB's slot, and its id: 1 GiB / 256M */

    fix_init_extra(f, base_scn, NULL);
    assert_true(qmp_device_add_at(&f->sim, &f->w, M, DB, id0 + 2, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[DB].first_drc, lmb0 + 2);
    assert_int_equal(drc(f, M, 0x80000006)->dev, DB + 1);
    assert_int_equal(drc(f, M, 0x80000004)->dev, 0);
    add(f, M, DA);                                     /* no address: the lowest gap */
    assert_int_equal(mach(f, M)->devices[DA].first_drc, lmb0);
    assert_false(qmp_device_add_at(&f->sim, &f->w, M, DC, id0 + 1, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "address range conflicts with memory device id='db'");
    assert_int_equal(mach(f, M)->devices[DC].realized, 0);
    assert_false(spapr_coldplug(&f->sim, &f->w, M, DD, id0 + 99, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "can't add memory device [0x670000000:0x10000000], usable range "
                                "for memory devices [0x40000000:0x80000000]");
    assert_false(spapr_coldplug(&f->sim, &f->w, M, DD, id0 - 1, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "can't add memory device [0x30000000:0x10000000], usable range "
                                "for memory devices [0x40000000:0x80000000]");   /* boot RAM */
    assert_true(spapr_coldplug(&f->sim, &f->w, M, DD, id0 + 1, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[DD].first_drc, lmb0 + 1);
}

/* QEMU 2.10's pc_dimm_get_free_addr: a hint in the way of a DIMM names it as '%s', one
 * outside the area is "[addr:size] at start" or "beyond end"; a free one is taken. */
static void test_dimm_address_hint_2_10(void **state)
{
    struct fix *f = *state;
    int lmb0 = 3, id0 = 4;

    fix_init_extra(f, base_scn, "knob qemu.memory-device-check-addable=off\n");
    assert_true(qmp_device_add_at(&f->sim, &f->w, M, DB, id0 + 2, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[DB].first_drc, lmb0 + 2);
    assert_false(qmp_device_add_at(&f->sim, &f->w, M, DC, id0 + 1, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "address range conflicts with 'db'");
    assert_false(spapr_coldplug(&f->sim, &f->w, M, DD, id0 + 99, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "can't add memory [0x670000000:0x10000000] beyond 0xc0000000");
    assert_false(spapr_coldplug(&f->sim, &f->w, M, DD, id0 - 1, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "can't add memory [0x30000000:0x10000000] at 0x40000000");
    assert_int_equal(mach(f, M)->devices[DD].realized, 0);
    add(f, M, DA);                                     /* no hint: the walk takes the lowest gap */
    assert_int_equal(mach(f, M)->devices[DA].first_drc, lmb0);
    assert_true(spapr_coldplug(&f->sim, &f->w, M, DD, id0 + 1, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[DD].first_drc, lmb0 + 1);
}

/* After a CAS without OV5_HP_EVT, memory unplug is refused (73598c75df). */
static void test_memory_unplug_after_cas_without_hp_evt(void **state)
{
    struct fix *f = *state;
    struct step_ctx c;

    fix_init_extra(f, base_scn, NULL);
    c = (struct step_ctx){ .s = &f->sim, .w = &f->w };
    assert_true(qmp_device_add(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_false(spapr_client_architecture_support(&c, M, OV5_CAS_BASE));
    assert_false(spapr_memory_hot_unplug_supported(&f->sim, &f->w, M));
    assert_false(qmp_device_del(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "Memory hot unplug not supported for this guest");
}

/* Before CAS (ov5_cas empty) a DIMM device_del is accepted since 73598c75df; QEMU 5.2 and
 * before refused it until CAS negotiated OV5_HP_EVT (qemu.memory-unplug-before-cas=off). */
static void test_memory_unplug_before_cas(void **state)
{
    struct fix *f = *state;
    struct step_ctx c;

    fix_init_extra(f, base_scn, NULL);
    assert_true(qmp_device_add(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_true(qmp_device_del(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->deleted, 1u << DA);     /* its LMBs were never taken */

    fix_reinit(f, base_scn, "knob qemu.memory-unplug-before-cas=off\n");
    c = (struct step_ctx){ .s = &f->sim, .w = &f->w };
    assert_true(qmp_device_add(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_false(qmp_device_del(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "Memory hot unplug not supported for this guest");
    assert_int_equal(mach(f, M)->deleted, 0);
    assert_int_equal(mach(f, M)->devices[DA].realized, 1);
    assert_false(spapr_client_architecture_support(&c, M, OV5_CAS_BASE | OV5_CAS_HP_EVT));
    assert_true(spapr_memory_hot_unplug_supported(&f->sim, &f->w, M));
    assert_true(qmp_device_del(&f->sim, &f->w, M, DA, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->devices[DA].dimm_pending, 1);   /* CAS made its LMBs ready */
}

/* Pre-CAS pulses went to EPOW: once HP_EVT is negotiated that latch is not the hot-plug one. */
static void test_cas_hp_evt_drops_epow_latch(void **state)
{
    struct fix *f = *state;
    struct step_ctx c;

    fix_init_extra(f, base_scn, "knob qemu.cas-drc-reset=off\n");
    c = (struct step_ctx){ .s = &f->sim, .w = &f->w };
    f->w.machines[M].ov5_cas = 0;
    assert_true(qmp_device_add(&f->sim, &f->w, M, CORE1, NULL, f->err, sizeof(f->err)));
    assert_int_equal(f->w.machines[M].irq_latched, 1);
    assert_false(spapr_client_architecture_support(&c, M, OV5_CAS_BASE | OV5_CAS_HP_EVT));
    assert_int_equal(f->w.machines[M].irq_latched, 0);
    assert_int_equal(f->w.machines[M].nr_events, 1);   /* waits for event-scan */
}

/* qemu.cpu-unplug-timeout (51254ffb32 + d1c2e3ce3d): armed by device_del of a
 * core, exactly 15 s, expiry clears unplug_requested and nothing else. */
static const char timer_scn[] =
    "scenario s\n"
    "machine m cores=2 guest=script\n"
    "device m cpu core1 core-id=1\n"
    "do m device_del core1\n"
    "do m stop\n"
    "do m cont\n";

static void test_cpu_unplug_timer(void **state)
{
    struct fix *f = *state;
    int slot;

    fix_init_extra(f, timer_scn, "knob qemu.cpu-unplug-timeout=15s\n");
    slot = sim_drc_by_index(&f->sim, M, CPU1_INDEX);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_NONE);
    fire(f, ACTOR_SCRIPT0);                       /* device_del: awaiting the guest */
    assert_int_equal(mach(f, M)->drcs[slot].unplug_requested, 1);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_QEMU_UNPLUG_TIMEOUT);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].arg, slot);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].lo, 15000);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].hi, 15000);
    assert_has(fire(f, ACTOR_QEMU_TIMER0),
               "\"actor\":\"qemu@m\",\"op\":\"unplug-timeout\",\"args\":{\"drc\":\"0x10000001\"}");
    assert_int_equal(mach(f, M)->drcs[slot].unplug_requested, 0);
    assert_int_equal(mach(f, M)->drcs[slot].state, LC);   /* the core stays */
    assert_int_equal(mach(f, M)->unplug_timed_out, 1u << CORE1);
    assert_int_equal(mach(f, M)->deleted, 0);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_NONE);
}

static void test_cpu_unplug_timer_off_and_paused(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, timer_scn, NULL);           /* default: off (reverted, d522cb52e6) */
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_NONE);
    assert_int_equal(f->w.unplug_timer_ms[M][1], 0);
    fix_reinit(f, timer_scn, "knob qemu.cpu-unplug-timeout=15s\n");
    fire(f, ACTOR_SCRIPT0);
    sim_advance(&f->sim, &f->w, 2000);            /* 13 s left */
    fire(f, ACTOR_SCRIPT0);                       /* stop: the virtual clock stands still */
    assert_int_equal(mach(f, M)->runstate, RUN_STATE_PAUSED);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_NONE);
    sim_advance(&f->sim, &f->w, 5000);
    assert_int_equal(f->w.unplug_timer_ms[M][1], 13000);
    fire(f, ACTOR_SCRIPT0);                       /* cont: the timer goes on where it stood */
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_QEMU_UNPLUG_TIMEOUT);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].lo, 13000);
}

/* d1c2e3ce3d: a repeated device_del of a core is refused while its unplug is pending,
 * with the seconds its own timer has left. */
static const char repeat_scn[] =
    "scenario s\n"
    "machine m cores=3 guest=script\n"
    "device m cpu core1 core-id=1\n"
    "device m cpu core2 core-id=2\n"
    "do m device_del core1\n"
    "do m device_del core2\n"
    "do m device_del core1\n"
    "do m device_del core2\n";

static void test_cpu_unplug_timer_refuses_repeat(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, repeat_scn, "knob qemu.cpu-unplug-timeout=15s\n");
    fire(f, ACTOR_SCRIPT0);
    sim_advance(&f->sim, &f->w, 4000);            /* core2's device_del comes 4 s later */
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(mach(f, M)->nr_events, 2);
    sim_advance(&f->sim, &f->w, 1500);            /* 9.5 s left on core1's timer, 13.5 s on core2's */
    assert_has(fire(f, ACTOR_SCRIPT0),
               "\"error\":\"core-id 1 unplug is still pending, 9 seconds timeout remaining\"");
    assert_has(fire(f, ACTOR_SCRIPT0),
               "\"error\":\"core-id 2 unplug is still pending, 13 seconds timeout remaining\"");
    assert_int_equal(mach(f, M)->nr_events, 2);   /* no event for a refused request */
    assert_int_equal(drc(f, M, CPU1_INDEX)->unplug_requested, 1);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].lo, 9500);

    fix_reinit(f, repeat_scn, NULL);              /* reverted: the repeat re-sends (2b18fc794f) */
    for (int i = 0; i < 4; i++)
        assert_has(fire(f, ACTOR_SCRIPT0), "\"return\":\"{}\"");
    assert_int_equal(mach(f, M)->nr_events, 4);
}

/* 51254ffb32: every core DRC has its own timer. Core2's, armed 10 s after core1's, gives
 * up 15 s after its own device_del, not 15 s after core1's timer fired. */
static void test_cpu_unplug_timer_per_drc(void **state)
{
    struct fix *f = *state;
    int slot1, slot2;

    fix_reinit(f, repeat_scn, "knob qemu.cpu-unplug-timeout=15s\n");
    slot1 = sim_drc_by_index(&f->sim, M, CPU1_INDEX);
    slot2 = sim_drc_by_index(&f->sim, M, CPU1_INDEX + 1);
    fire(f, ACTOR_SCRIPT0);
    sim_advance(&f->sim, &f->w, 10000);
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].arg, slot1);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].lo, 5000);
    assert_has(fire(f, ACTOR_QEMU_TIMER0), "\"drc\":\"0x10000001\"");
    assert_int_equal(f->now, 5000);
    assert_int_equal(f->w.unplug_timer_ms[M][1], 0);   /* gone with the unplug */
    assert_int_equal(f->w.unplug_timer_ms[M][2], 10000);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].arg, slot2);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].lo, 10000);
    assert_has(fire(f, ACTOR_QEMU_TIMER0), "\"drc\":\"0x10000002\"");
    assert_int_equal(f->now, 15000);                /* 25 s after core1's device_del */
    assert_int_equal(mach(f, M)->unplug_timed_out, 1u << 0 | 1u << 1);
    assert_int_equal(f->w.actors[ACTOR_QEMU_TIMER0].kind, STEP_NONE);
}

/* spapr_pci_unplug_request: a remove event only for a function whose DRC still senses
 * PRESENT after the request. The slot the guest never took is released at once and
 * gets none; the configured one keeps its device until the guest isolates it. */
static const char pci_scn[] =
    "scenario s\n"
    "machine m cores=2 pci-slots=4 guest=script\n"
    "do m device_add pci net0 slot=1\n"
    "do m device_del net0\n"
    "do m device_add pci net1 slot=2\n"
    "rtas m set-indicator isolation-state PCI:2 unisolate -> rc=0\n"
    "rtas m configure-connector PCI:2 walk -> rc=0 state=PHYSICAL_CONFIGURED\n"
    "do m device_del net1\n";
enum { NET0, NET1 };

static void test_pci_remove_event_only_while_present(void **state)
{
    struct fix *f = *state;

    fix_reinit(f, pci_scn, NULL);
    fire(f, ACTOR_SCRIPT0);
    fire(f, ACTOR_SCRIPT0);
    assert_int_equal(drc(f, M, 0x40000008)->dev, 0);
    assert_int_equal(mach(f, M)->deleted, 1u << NET0);
    assert_int_equal(mach(f, M)->nr_events, 1);          /* the add only */
    assert_int_equal(mach(f, M)->events[0].action, RTAS_LOG_V6_HP_ACTION_ADD);
    for (int i = 0; i < 4; i++)
        fire(f, ACTOR_SCRIPT0);
    assert_int_equal(drc(f, M, 0x40000010)->dev, NET1 + 1);
    assert_int_equal(drc(f, M, 0x40000010)->unplug_requested, 1);
    assert_int_equal(mach(f, M)->nr_events, 3);
    assert_int_equal(mach(f, M)->events[2].hp_type, RTAS_LOG_V6_HP_TYPE_PCI);
    assert_int_equal(mach(f, M)->events[2].action, RTAS_LOG_V6_HP_ACTION_REMOVE);
    assert_int_equal(mach(f, M)->events[2].index, 0x40000010);
}

/* spapr_pci_pre_plug (QEMU 6.0): a slot whose DRC has a device refuses another; before,
 * do_pci_register_device (qemu.pci-busy-slot-error=register). */
static void test_pci_slot_occupied(void **state)
{
    struct fix *f = *state;

    fix_reinit(f, "scenario s\nmachine m cores=2 pci-slots=4 guest=script\n"
                  "do m device_add pci net0 slot=1\ndo m device_add pci net1 slot=1\n", NULL);
    fire(f, ACTOR_SCRIPT0);
    assert_has(fire(f, ACTOR_SCRIPT0),
               "\"error\":\"PCI: slot 1 already occupied by virtio-net-pci\"");
    assert_int_equal(mach(f, M)->devices[NET1].realized, 0);
    assert_int_equal(mach(f, M)->nr_events, 1);
    /* before 9e4dc0a1c2: do_pci_register_device, the device still on the bus */
    fix_reinit(f, "scenario s\nmachine m cores=2 pci-slots=4 guest=script\n"
                  "knob qemu.pci-busy-slot-error=register\n"
                  "do m device_add pci net0 slot=1\ndo m device_add pci net1 slot=1\n", NULL);
    fire(f, ACTOR_SCRIPT0);
    assert_has(fire(f, ACTOR_SCRIPT0), "\"error\":\"PCI: slot 1 function 0 not available for "
                                       "virtio-net-pci, in use by virtio-net-pci\"");
    assert_int_equal(mach(f, M)->devices[NET1].realized, 0);
    assert_int_equal(mach(f, M)->nr_events, 1);
}

/* A second device_del of a PCI device or PHB whose unplug is pending: an error since the
 * ppc-for-6.0 "unplug already in progress" messages; before, spapr_pci_unplug_request and
 * spapr_phb_unplug_request skipped the DRC and returned success (qemu.repeat-unplug-error). */
static const char pci_phb_repeat_scn[] =
    "scenario s\n"
    "machine m cores=2 phbs=2 pci-slots=4 guest=script\n"
    "device m pci net0 slot=1\n"
    "device m phb phb1 index=1\n";
enum { NET0_COLD, PHB1_COLD };

static void test_repeat_unplug(void **state)
{
    struct fix *f = *state;

    fix_reinit(f, pci_phb_repeat_scn, NULL);
    assert_true(qmp_device_del(&f->sim, &f->w, M, NET0_COLD, NULL, f->err, sizeof(f->err)));
    assert_true(qmp_device_del(&f->sim, &f->w, M, PHB1_COLD, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->nr_events, 2);
    assert_false(qmp_device_del(&f->sim, &f->w, M, NET0_COLD, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "PCI device unplug already in progress for device net0");
    assert_false(qmp_device_del(&f->sim, &f->w, M, PHB1_COLD, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, "PCI Host Bridge unplug already in progress for device phb1");
    assert_int_equal(mach(f, M)->nr_events, 2);

    fix_reinit(f, pci_phb_repeat_scn, "knob qemu.repeat-unplug-error=off\n");
    assert_true(qmp_device_del(&f->sim, &f->w, M, NET0_COLD, NULL, f->err, sizeof(f->err)));
    assert_true(qmp_device_del(&f->sim, &f->w, M, PHB1_COLD, NULL, f->err, sizeof(f->err)));
    assert_true(qmp_device_del(&f->sim, &f->w, M, NET0_COLD, NULL, f->err, sizeof(f->err)));
    assert_true(qmp_device_del(&f->sim, &f->w, M, PHB1_COLD, NULL, f->err, sizeof(f->err)));
    assert_int_equal(mach(f, M)->nr_events, 2);          /* no second remove event */
    assert_int_equal(drc(f, M, 0x40000008)->unplug_requested, 1);
    assert_int_equal(mach(f, M)->deleted, 0);
}

/* The compat PVR per vCPU (ref/qemu-spapr.md §5): which vCPUs machine reset,
 * CAS and core plug leave with one, and the "cpu" sections of migration. */
static const char compat_scn[] =
    "scenario s\n"
    "machine a cores=3 host=power8 max-cpu-compat=power8 guest=script\n"
    "machine b cores=3 host=power9 max-cpu-compat=power8 guest=script incoming=defer\n"
    "device a cpu core1 core-id=1\n"
    "device b cpu core1 core-id=1\n";

static void test_compat_at_reset(void **state)
{
    struct fix *f = *state;
    struct step_ctx c;

    fix_reinit(f, compat_scn, NULL);                       /* ce03a193e1: every vCPU */
    assert_int_equal(mach(f, M)->vcpu_compat, 0x3);
    fix_reinit(f, compat_scn, "knob qemu.compat-all-on-reset=off\n");   /* 25c9780d38 alone: CPU0 */
    assert_int_equal(mach(f, M)->vcpu_compat, 0x1);
    qmp_system_reset(&f->sim, &f->w, M, NULL);             /* CPU0's is copied now */
    assert_int_equal(mach(f, M)->vcpu_compat, 0x3);
    fix_reinit(f, compat_scn,
               "knob qemu.compat-all-on-reset=off\nknob qemu.reset-order=cas-first\n");
    assert_int_equal(mach(f, M)->vcpu_compat, 0x3);        /* before 25c9780d38 */
    fix_reinit(f, compat_scn, "knob qemu.compat-all-on-reset=off\n");
    c = (struct step_ctx){ .s = &f->sim, .w = &f->w };
    spapr_client_architecture_support(&c, M, OV5_CAS_BASE);
    assert_int_equal(mach(f, M)->vcpu_compat, 0x1);        /* CPU0 has cas_pvr: no change */
    fix_reinit(f, "scenario s\nmachine a cores=3 host=power9 guest=script\n"
                  "device a cpu core1 core-id=1\n", NULL);
    assert_int_equal(mach(f, M)->vcpu_compat, 0);          /* no max-cpu-compat: raw */
    c = (struct step_ctx){ .s = &f->sim, .w = &f->w };
    spapr_client_architecture_support(&c, M, OV5_CAS_BASE);
    assert_int_equal(mach(f, M)->vcpu_compat, 0x3);        /* ppc_set_compat_all(cas_pvr) */
}

static void test_compat_migration(void **state)
{
    struct fix *f = *state;
    struct step_ctx c;

    fix_reinit(f, compat_scn, "knob qemu.compat-all-on-reset=off\n");
    c = (struct step_ctx){ .s = &f->sim, .w = &f->w };
    f->w.migration = (struct migration_state){ MIGRATION_ACTIVE, M, IN, 0xff, 0xff };
    assert_false(spapr_compat_load(&f->sim, &f->w, M, IN));
    assert_int_equal(f->w.migration.load_failed_cpu, 1);   /* vCPU 1: raw POWER8 PVR */
    spapr_client_architecture_support(&c, M, OV5_CAS_BASE);
    f->w.migration.load_failed_cpu = 0xff;
    assert_false(spapr_compat_load(&f->sim, &f->w, M, IN));   /* CAS did not set it */
    assert_int_equal(f->w.migration.load_failed_cpu, 1);
    qmp_system_reset(&f->sim, &f->w, M, NULL);             /* the reboot copies CPU0's */
    f->w.migration.load_failed_cpu = 0xff;
    assert_true(spapr_compat_load(&f->sim, &f->w, M, IN));
    assert_int_equal(mach(f, IN)->vcpu_compat, 0x3);
    assert_int_equal(f->w.migration.load_failed_cpu, 0xff);
}

/* ---- what the fingerprint covers --------------------------------------------- */

/* Slots: 8 CPUs, 16 LMBs, 2 PHBs, 8 PCI. The boot core's DRC, the last LMB and the
 * last PCI slot each start in a 32-byte block of their own with core7's. */
static const char plan_scn[] =
    "scenario s\n"
    "machine m cores=8 lmbs=16 phbs=2 pci-slots=8 guest=script\n"
    "do m device_add cpu core7 core-id=7\n";

static bool drc_hashed(const struct fix *f, int slot)
{
    size_t at = offsetof(struct world, machines[M].drcs[slot]);

    return f->sim.model.hash.blocks >> (at / FINGERPRINT_BLOCK) & 1;
}

/* Only the DRCs the scenario's devices can sit on: the others keep their reset state. */
static void test_fingerprint_drcs_of_the_devices(void **state)
{
    struct fix *f = *state;

    fix_init(f, plan_scn);
    assert_true(drc_hashed(f, f->sim.m[M].cpu_first + 7));
    assert_false(drc_hashed(f, f->sim.m[M].cpu_first));   /* the boot core: no device */
    assert_false(drc_hashed(f, f->sim.m[M].lmb_first + 15));
    assert_false(drc_hashed(f, f->sim.m[M].pci_first + 7));
}

static void test_fingerprint_drcs_of_a_dimm(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, plan_scn, "do m device_add dimm d0 size=256M\n");
    assert_true(drc_hashed(f, f->sim.m[M].lmb_first + 15));
    assert_false(drc_hashed(f, f->sim.m[M].pci_first + 7));
}

/* An rtas line may name any DRC: all of them count. */
static void test_fingerprint_drcs_of_rtas_lines(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, plan_scn, "rtas m get-sensor-state dr-entity-sense 0x10000001 -> rc=0\n");
    assert_true(drc_hashed(f, f->sim.m[M].cpu_first));
    assert_true(drc_hashed(f, f->sim.m[M].lmb_first + 15));
    assert_true(drc_hashed(f, f->sim.m[M].pci_first + 7));
}

/* ---- reset with the guest's I/O in flight (catalogue 3, 25c9780d38) -------------- */

static const char io_scn[] =
    "scenario s\n"
    "machine m cores=1\n"
    "script io\n"
    "do m guest disk-read\n"
    "script reset\n"
    "do m system_reset\n";
enum { IO_SCRIPT = ACTOR_SCRIPT0, RESET_SCRIPT };

static void assert_guest_stopped(struct fix *f)
{
    for (int a = ACTOR_GUEST_BOOT; a <= ACTOR_GUEST_RTASD; a++)
        assert_int_equal(f->w.actors[a].kind, STEP_NONE);
}

/* disk-read, then system_reset: the reset waits in qemu_devices_reset. */
static void read_then_reset(struct fix *f)
{
    assert_int_equal(f->w.actors[ACTOR_QEMU_IO0].kind, STEP_NONE);
    assert_has(fire(f, IO_SCRIPT), "\"op\":\"disk-read\",\"args\":{},"
                                   "\"result\":{\"result\":\"virtio-blk request in flight\"}");
    assert_int_equal(mach(f, M)->intc & INTC_IO_IN_FLIGHT, INTC_IO_IN_FLIGHT);
    assert_int_equal(f->w.actors[ACTOR_QEMU_IO0].kind, STEP_QEMU_IO_COMPLETE);
    assert_int_equal(f->w.actors[ACTOR_QEMU_IO0].lo, 0);
    assert_int_equal(f->w.actors[ACTOR_QEMU_IO0].hi, 10);
    assert_has(fire(f, RESET_SCRIPT),
               "\"result\":{\"qemu_devices_reset\":\"blk_drain: BQL dropped\"}");
    assert_int_equal(mach(f, M)->intc & INTC_RESETTING, INTC_RESETTING);
    assert_int_equal(f->w.actors[RESET_SCRIPT].kind, STEP_NONE);   /* until blk_drain returns */
    assert_guest_stopped(f);
}

static void test_reset_drains_io_cas_first(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, io_scn, "knob qemu.reset-order=cas-first\n");
    assert_int_equal(mach(f, M)->ov5_cas & OV5_CAS_XIVE, OV5_CAS_XIVE);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);
    read_then_reset(f);
    assert_int_equal(mach(f, M)->ov5_cas, 0);   /* XICS is active, its KVM device not connected */
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);
    assert_has(fire(f, ACTOR_QEMU_IO0), "\"actor\":\"qemu@m\",\"op\":\"virtio-blk-complete\","
               "\"args\":{\"intc\":\"xics\",\"set_irq\":\"ics_kvm_set_irq\","
               "\"during\":\"qemu_devices_reset\"}");
    assert_has(f->line, "ics_kvm_set_irq: Assertion `kernel_xics_fd != -1' failed");
    assert_int_equal(mach(f, M)->abort_reason, QEMU_ABORT_KVM_XICS_FD);
    assert_int_equal(mach(f, M)->intc & INTC_IO_IN_FLIGHT, 0);
}

static void test_reset_drains_io_devices_first(void **state)
{
    struct fix *f = *state;

    fix_init(f, io_scn);
    read_then_reset(f);
    assert_int_equal(mach(f, M)->ov5_cas & OV5_CAS_XIVE, OV5_CAS_XIVE);   /* still XIVE */
    assert_has(fire(f, ACTOR_QEMU_IO0), "\"args\":{\"intc\":\"xive\","
               "\"set_irq\":\"kvmppc_xive_source_set_irq\",\"during\":\"qemu_devices_reset\"}");
    assert_int_equal(mach(f, M)->abort_reason, 0);
    assert_int_equal(f->w.actors[RESET_SCRIPT].kind, STEP_SCRIPT_LINE);
    assert_int_equal(f->w.actors[RESET_SCRIPT].hi, 1);
    assert_has(fire(f, RESET_SCRIPT), "\"phase\":\"after blk_drain\"");
    assert_int_equal(mach(f, M)->intc & INTC_RESETTING, 0);
    assert_int_equal(mach(f, M)->ov5_cas, 0);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XICS);   /* spapr_irq_reset */
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_int_equal(f->w.actors[ACTOR_GUEST_BOOT].kind, STEP_GUEST_CAS);
    assert_int_equal(f->w.scripts[1].status, SCRIPT_DONE);
}

/* Nothing in flight: the reset is one step, and a read after it finds the guest booting. */
static void test_reset_without_io(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, io_scn, "knob qemu.reset-order=cas-first\n");
    assert_lacks(fire(f, RESET_SCRIPT), "qemu_devices_reset");
    assert_int_equal(mach(f, M)->intc & INTC_RESETTING, 0);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XICS);
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_has(fire(f, IO_SCRIPT), "\"result\":{\"result\":\"the guest is not running\"}");
    assert_int_equal(mach(f, M)->intc & INTC_IO_IN_FLIGHT, 0);
    assert_int_equal(f->w.actors[ACTOR_QEMU_IO0].kind, STEP_NONE);
}

/* No KVM irqchip (TCG), or no XIVE (ic-mode=xics): the completion goes through. */
static void test_reset_drains_io_no_kvm_or_xics(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, io_scn, "knob qemu.reset-order=cas-first\nknob qemu.kvm-irqchip=off\n");
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, 0);
    read_then_reset(f);
    assert_has(fire(f, ACTOR_QEMU_IO0), "\"set_irq\":\"ics_set_irq\"");
    assert_int_equal(mach(f, M)->abort_reason, 0);
    fix_reinit(f, io_scn, "knob qemu.reset-order=cas-first\nknob qemu.ic-mode=xics\n");
    assert_int_equal(mach(f, M)->ov5_cas & OV5_CAS_XIVE, 0);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XICS);
    read_then_reset(f);
    assert_has(fire(f, ACTOR_QEMU_IO0),
               "\"args\":{\"intc\":\"xics\",\"set_irq\":\"ics_kvm_set_irq\"");
    assert_int_equal(mach(f, M)->abort_reason, 0);
}

/* spapr_dt_ov5_platform_support offers XIVE only to a POWER9-mode CPU. */
static void test_xive_only_in_power9_mode(void **state)
{
    static const char *const machines[] = {
        "machine m cores=1\n", "machine m cores=1 host=power8\n",
        "machine m cores=1 max-cpu-compat=power8\n" };
    struct fix *f = *state;

    for (unsigned i = 0; i < 3; i++) {
        char *text = g_strconcat("scenario s\n", machines[i], NULL);
        fix_reinit(f, text, NULL);
        g_free(text);
        assert_int_equal(mach(f, M)->ov5_cas & OV5_CAS_XIVE, i ? 0 : OV5_CAS_XIVE);
        assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, i ? KVM_INTC_XICS : KVM_INTC_XIVE);
    }
}

/* QEMU 4.0-4.2 (qemu.xive-cas-reboot): the switch to XIVE takes a CAS reboot, which keeps
 * ov5_cas; the second CAS finds nothing to update. */
static void test_xive_cas_reboot(void **state)
{
    struct fix *f = *state;

    fix_init_extra(f, "scenario s\nmachine m cores=2 prelaunch\n"
                "do m device_add cpu core1 core-id=1\n"
                "knob qemu.xive-cas-reboot=on\nknob qemu.cas-drc-reset=off\n", NULL);
    add(f, M, CORE1);
    assert_int_equal(mach(f, M)->nr_events, 1);
    assert_true(qmp_cont(&f->sim, &f->w, M, f->err, sizeof(f->err)));
    sim_normalize(&f->sim, &f->w);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XICS);   /* it starts in XICS */
    assert_has(fire(f, ACTOR_GUEST_BOOT), "\"line\":\"prom_init: ibm,client-architecture-support "
                                          "requested a reboot\"");
    assert_int_equal(f->w.guest.phase, GUEST_OFF);
    assert_int_equal(mach(f, M)->ov5_cas, OV5_CAS_BASE | OV5_CAS_HP_EVT | OV5_CAS_XIVE);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);
    assert_int_equal(drc(f, M, CPU1_INDEX)->state, LC);   /* spapr_drc_reset_all */
    assert_int_equal(mach(f, M)->nr_events, 0);            /* spapr_clear_pending_events */
    assert_lacks(fire(f, ACTOR_GUEST_BOOT), "requested a reboot");
    assert_int_equal(f->w.guest.phase, GUEST_KERNEL);
    assert_int_equal(mach(f, M)->intc & KVM_INTC_MASK, KVM_INTC_XIVE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_memory_unplug_after_cas_without_hp_evt),
        T(test_memory_unplug_before_cas),
        T(test_cas_hp_evt_drops_epow_latch),
        T(test_cpu_unplug_timer),
        T(test_cpu_unplug_timer_off_and_paused),
        T(test_cpu_unplug_timer_refuses_repeat),
        T(test_cpu_unplug_timer_per_drc),
        T(test_pci_remove_event_only_while_present),
        T(test_pci_slot_occupied),
        T(test_repeat_unplug),
        T(test_compat_at_reset),
        T(test_reset_drains_io_cas_first),
        T(test_reset_drains_io_devices_first),
        T(test_reset_without_io),
        T(test_reset_drains_io_no_kvm_or_xics),
        T(test_xive_only_in_power9_mode),
        T(test_xive_cas_reboot),
        T(test_compat_migration),
        T(test_cas_drc_reset_on),
        T(test_cas_drc_reset_off),
        T(test_cas_reboot),
        T(test_cas_reboot_guest),
        T(test_cas_reboot_pending_unplug),
        T(test_cas_reboot_pending_unplug_2017),
        T(test_fdt_largest),
        T(test_cas_full_fdt_on),
        T(test_cas_full_fdt_off),
        T(test_irq_and_check_exception),
        T(test_event_scan),
        T(test_qmp_refused_while_migrating),
        T(test_runstates),
        T(test_inmigrate_coldplug_on),
        T(test_inmigrate_coldplug_off),
        T(test_dimm_first_fit),
        T(test_dimm_not_enough_space),
        T(test_dimm_no_free_slot),
        T(test_dimm_address_hint),
        T(test_dimm_address_hint_2_10),
        T(test_fingerprint_drcs_of_the_devices),
        T(test_fingerprint_drcs_of_a_dimm),
        T(test_fingerprint_drcs_of_rtas_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
