/*
 * The Linux pseries guest around DLPAR: boot (firmware's CAS, then the late
 * initcall init_ras_hotplug_IRQ), ras_hotplug_interrupt (one check-exception
 * per interrupt, return code ignored, shared ras_log_buf), queue_hotplug_event
 * onto the ordered pseries_hp_wq, rtasd's event-scan, CPU offline by a user.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "guest_os.h"
#include "spapr.h"

#define GUEST_NONE 0xff
#define RTASD_PERIOD_MS 30000   /* rtasd: rtas-event-scan-rate, every 30 s after boot */

int sim_guest_machine(const struct sim *s, const struct world *w)
{
    (void)s;
    return w->guest.machine == GUEST_NONE ? -1 : w->guest.machine;
}

void guest_trace_begin(struct step_ctx *c, const char *op)
{
    char actor[64];

    if (!c->tr)
        return;
    snprintf(actor, sizeof(actor), "guest@%s", sim_machine_name(c->s, c->w->guest.machine));
    trace_step_begin(c->tr, c->step_no, c->t_ms, actor, op);
}

void guest_log(struct step_ctx *c, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    if (!c->tr)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    trace_log(c->tr, "guest", line);
}

/*
 * What prom_init asks for on machine m: OV5_HP_EVT (guest.hp-evt), and XIVE
 * exploitation where ibm,arch-vec-5-platform-support offers it
 * (prom_check_platform_support, prom_parse_xive_model).
 */
static uint8_t guest_ov5(const struct sim *s, int m)
{
    return (uint8_t)(OV5_CAS_BASE | (knob_on(&s->knobs, KNOB_GUEST_HP_EVT) ? OV5_CAS_HP_EVT : 0) |
                     (spapr_offers_xive(s, m) ? OV5_CAS_XIVE : 0));
}

/* CAS as prom_init asks for it; false when QEMU reset the machine instead. */
static bool boot_cas(struct step_ctx *c)
{
    struct guest_state *g = &c->w->guest;
    int m = g->machine;
    uint8_t ov5 = guest_ov5(c->s, m);

    if (spapr_client_architecture_support(c, m, ov5))
        return false;
    g->cpus = c->w->machines[m].fdt_cpus;
    g->lmbs = c->w->machines[m].fdt_lmbs;
    g->online = g->cpus;   /* SMP bringup starts every CPU of the tree */
    g->phase = GUEST_KERNEL;
    return true;
}

/*
 * The VM starts on the first machine with guest=linux that is not incoming.
 * On a machine that runs from the start the guest has booted already
 * (scenarios begin with a running guest); with prelaunch it boots after cont.
 */
void guest_start(const struct sim *s, struct world *w)
{
    struct guest_state *g = &w->guest;
    struct step_ctx c = { .s = s, .w = w };

    memset(g, 0, sizeof(*g));
    g->machine = GUEST_NONE;
    for (int m = 0; m < s->scn->nmachines; m++) {
        const struct scn_machine *cfg = &s->scn->machines[m];
        if (cfg->guest != GUEST_LINUX || cfg->incoming_defer)
            continue;
        g->machine = (uint8_t)m;
        g->phase = GUEST_OFF;
        /* booted before the scenario starts, through a CAS reboot where there is one */
        if (w->machines[m].runstate == RUN_STATE_RUNNING && (boot_cas(&c) || boot_cas(&c)))
            g->phase = GUEST_RUNNING;
        return;
    }
}

static struct pending window(uint8_t kind, uint32_t lo, uint32_t hi)
{
    return (struct pending){ .kind = kind, .lo = lo, .hi = hi };
}

/*
 * Whether rtasd's event-scan would change the latch: with none, always.
 * Under guest.rtas-lock-wait also with a delivery pending and not yet taken:
 * rtasd holds the RTAS lock with interrupts off, so the IRQ waits, and
 * QEMU's re-pulse sets Q. Not with Q already set, nor during a handler that
 * has one more delivery to come.
 */
bool guest_event_scan_pulses(const struct sim *s, const struct world *w)
{
    uint8_t latched = w->machines[w->guest.machine].irq_latched;

    return !latched || (latched == 1 && !w->guest.in_irq
                        && knob_on(&s->knobs, KNOB_GUEST_RTAS_LOCK_WAIT));
}

void guest_pending(const struct sim *s, const struct world *w, struct pending *all)
{
    const struct guest_state *g = &w->guest;
    const struct spapr_machine *mw;
    uint32_t lo = s->knobs.lo[KNOB_GUEST_STEP], hi = s->knobs.hi[KNOB_GUEST_STEP];

    for (int a = ACTOR_GUEST_BOOT; a <= ACTOR_GUEST_RTASD; a++)
        all[a] = (struct pending){ 0 };
    if (g->machine == GUEST_NONE)
        return;
    mw = &w->machines[g->machine];
    if (mw->runstate != RUN_STATE_RUNNING)
        return;   /* vCPUs stopped: the guest does nothing */
    if (g->phase == GUEST_OFF || g->phase == GUEST_FIRMWARE)
        all[ACTOR_GUEST_BOOT] = window(STEP_GUEST_CAS, lo, hi);
    else if (g->phase == GUEST_KERNEL)
        all[ACTOR_GUEST_BOOT] = window(STEP_GUEST_HP_IRQ, lo, hi);
    if (g->phase != GUEST_RUNNING)
        return;
    if (g->in_irq)   /* the handler waits for the RTAS lock, then calls check-exception */
        all[ACTOR_GUEST_IRQ] = window(STEP_GUEST_IRQ_RTAS, 0, hi);
    else if (mw->irq_latched == IRQ_UNSIGNALLED)   /* taken at another IRQ's notify, if ever */
        all[ACTOR_GUEST_IRQ] = (struct pending){ .kind = STEP_GUEST_IRQ, .arg = IRQ_UNSIGNALLED,
                                                 .lo = 0, .hi = WINDOW_NEVER };
    else if (mw->irq_latched)   /* one handler at a time: a pulse meanwhile stays latched */
        all[ACTOR_GUEST_IRQ] = window(STEP_GUEST_IRQ, 0, hi);
    if (g->op.kind != DLPAR_NONE || g->nwork) {
        all[ACTOR_GUEST_WORKER] = window(STEP_GUEST_WORK, lo, hi);
        if (s->knobs.hi[KNOB_GUEST_LMB_OFFLINE] && dlpar_memory_offlines_next(s, w))
            all[ACTOR_GUEST_WORKER] = window(STEP_GUEST_WORK,   /* offline_pages first */
                window_add(lo, s->knobs.lo[KNOB_GUEST_LMB_OFFLINE]),
                window_add(hi, s->knobs.hi[KNOB_GUEST_LMB_OFFLINE]));
    }
    if (mw->nr_events && guest_event_scan_pulses(s, w))
        all[ACTOR_GUEST_RTASD] = window(STEP_GUEST_EVENT_SCAN, 0, RTASD_PERIOD_MS);
}

/*
 * prom_init asks for OV5_HP_EVT and XIVE (guest_ov5); QEMU's CAS negotiates and,
 * per its knobs, resets DRCs, drops events or asks for a reboot. The kernel
 * then reads its tree: cpu nodes and ibm,dynamic-memory, and brings up every
 * CPU in it (start-cpu during SMP bringup).
 */
static void guest_cas(struct step_ctx *c)
{
    static const char *const ov5_names[] = {
        [0] = "", [OV5_CAS_HP_EVT] = "OV5_HP_EVT", [OV5_CAS_XIVE] = "OV5_XIVE_EXPLOIT",
        [OV5_CAS_HP_EVT | OV5_CAS_XIVE] = "OV5_HP_EVT OV5_XIVE_EXPLOIT" };

    guest_trace_begin(c, "ibm,client-architecture-support");
    /* The firmware's start after a vCPU unplug (-S, device_del, cont) crashed QEMU 7.2 under
     * TCG before CAS in every validation run (libvirt-start-vcpu-del): qemu.tcg-stale-vcpu */
    if (c->w->guest.phase == GUEST_OFF &&
        spapr_tcg_stale_vcpu(c->s, c->w, c->w->guest.machine, c->tr)) {
        if (c->tr)
            trace_step_end(c->tr);
        return;
    }
    if (c->tr)
        trace_arg_str(c->tr, "ov5", ov5_names[guest_ov5(c->s, c->w->guest.machine) &
                                                 (OV5_CAS_HP_EVT | OV5_CAS_XIVE)]);
    if (!boot_cas(c))   /* spapr_machine_reset ran: the guest starts over */
        guest_log(c, "prom_init: ibm,client-architecture-support requested a reboot");
    else if (c->tr)
        trace_result_int(c->tr, "cpus", __builtin_popcount(c->w->guest.cpus));
    if (c->tr)
        trace_step_end(c->tr);
}

/* init_ras_hotplug_IRQ: only if /event-sources/hot-plug-events exists. */
static void guest_hp_irq(struct step_ctx *c)
{
    struct guest_state *g = &c->w->guest;

    guest_trace_begin(c, "init_ras_hotplug_IRQ");
    g->phase = GUEST_RUNNING;   /* request_irq unmasks: a latched pulse is delivered */
    if (c->tr) {
        trace_result_str(c->tr, "source", c->w->machines[g->machine].ov5_cas & OV5_CAS_HP_EVT
                         ? "hot-plug-events" : "epow-events");
        trace_step_end(c->tr);
    }
}

/* queue_hotplug_event: copy the log (GFP_ATOMIC) onto pseries_hp_wq. */
static void queue_hotplug_event(struct step_ctx *c, const struct spapr_event_entry *e)
{
    struct guest_state *g = &c->w->guest;

    if (g->nwork == MAX_GUEST_WORK) {   /* the kernel's list has no bound; the model's ends here */
        spapr_abort(c->s, c->w, g->machine, QEMU_ABORT_WORK_OVERFLOW, 0, c->tr);
        return;
    }
    g->work[g->nwork++] = *e;
}

/*
 * log_error -> pSeries_log_error (arch/powerpc/kernel/rtasd.c): error_log_cnt++,
 * then printk_log_rtas's one-line form of ras_log_buf (a QEMU hotplug record:
 * RTAS_LOG_TYPE_HOTPLUG, RTAS_LOG_SEVERITY_EVENT; a buffer never filled: zeros).
 */
static void rtas_log_error(struct step_ctx *c)
{
    struct guest_state *g = &c->w->guest;

    if (g->error_log_cnt < UINT8_MAX)
        g->error_log_cnt++;
    if (g->has_ras_log)
        guest_log(c, "RTAS: event: %u, Type: Hotplug Event (229), Severity: 1", g->error_log_cnt);
    else
        guest_log(c, "RTAS: event: %u, Type: Unknown (0), Severity: 0", g->error_log_cnt);
}

/*
 * ras_log_buf never filled since boot: get_pseries_errorlog (kernel/rtas.c)
 * finds no v6 extended log and returns NULL, which ras_hotplug_interrupt
 * dereferences unchecked (hp_elog->resource, at 0x8): __bad_page_fault
 * (arch/powerpc/mm/fault.c), die, and oops_end in hard IRQ panics.
 */
static void ras_log_buf_empty(struct step_ctx *c)
{
    guest_log(c, "BUG: Kernel NULL pointer dereference on read at 0x00000008");
    guest_log(c, "Oops: Kernel access of bad area, sig: 11 [#1]");
    guest_log(c, "Kernel panic - not syncing: Fatal exception in interrupt");
    c->w->guest.panic = GUEST_PANIC_RAS_LOG_EMPTY;
}

/*
 * ras_hotplug_interrupt (arch/powerpc/platforms/pseries/ras.c): one
 * check-exception per interrupt; the return code is ignored, so with
 * nothing dequeued the last record in ras_log_buf is handled again. PCI and
 * PHB records go to rtas_errd (log_error), not DLPAR. Without OV5_HP_EVT
 * the events come on the EPOW source, whose handler only logs them.
 */
static void irq_check_exception(struct step_ctx *c)
{
    struct guest_state *g = &c->w->guest;
    int m = g->machine;
    bool hp = c->w->machines[m].ov5_cas & OV5_CAS_HP_EVT;
    struct spapr_event_entry e;
    struct rtas_ret r;
    char buf[96];

    r = rtas_check_exception(c->s, c->w, m, hp ? RTAS_EVENT_MASK_HOTPLUG : RTAS_EVENT_MASK_EPOW,
                             &e, c->tr);
    g->in_irq = 0;   /* the EOI: a pulse during the handler is delivered next */
    if (c->tr) {
        trace_result_int(c->tr, "rc", r.rc);
        if (r.rc == RTAS_OUT_SUCCESS)
            trace_result_str(c->tr, "event", spapr_event_describe(&e, buf, sizeof(buf)));
    }
    if (r.rc == RTAS_OUT_SUCCESS) {
        g->ras_log_buf = e;
        g->has_ras_log = 1;
    }
    if (!hp) {
        rtas_log_error(c);   /* ras_epow_interrupt: log_error, rtas_parse_epow_errlog */
    } else if (!g->has_ras_log) {
        ras_log_buf_empty(c);
    } else if (g->ras_log_buf.hp_type == RTAS_LOG_V6_HP_TYPE_CPU ||
               g->ras_log_buf.hp_type == RTAS_LOG_V6_HP_TYPE_MEMORY) {
        if (r.rc != RTAS_OUT_SUCCESS && c->tr)   /* the kernel says nothing of it */
            trace_result_str(c->tr, "ras_log_buf", "the previous record, handled again");
        queue_hotplug_event(c, &g->ras_log_buf);
    } else {
        rtas_log_error(c);   /* PCI and PHB records: for rtas_errd */
    }
    if (c->tr)
        trace_step_end(c->tr);
}

static const char *irq_handler(const struct step_ctx *c)
{
    return c->w->machines[c->w->guest.machine].ov5_cas & OV5_CAS_HP_EVT
           ? "ras_hotplug_interrupt" : "ras_epow_interrupt";
}

/*
 * The interrupt is taken (the latch clears; a Q bit stays for after the
 * EOI). With guest.rtas-lock-wait and two CPUs online the handler's
 * check-exception is a step of its own: rtas_call (arch/powerpc/kernel/
 * rtas.c) waits for the RTAS lock while rtasd's event-scan holds it on the
 * other CPU, and QEMU's event_scan re-pulses the source for the very entry
 * this handler is about to dequeue. With one CPU the same re-pulse comes
 * before the IRQ is taken (guest_event_scan_pulses).
 */
static void guest_irq(struct step_ctx *c)
{
    uint8_t *latched = &c->w->machines[c->w->guest.machine].irq_latched;

    guest_trace_begin(c, irq_handler(c));
    *latched = *latched == 2;   /* taken; Q stays for after the EOI */
    c->w->guest.in_irq = 1;
    if (!knob_on(&c->s->knobs, KNOB_GUEST_RTAS_LOCK_WAIT)
        || __builtin_popcount(c->w->guest.online) < 2) {
        irq_check_exception(c);
        return;
    }
    if (c->tr) {
        trace_result_str(c->tr, "check-exception", "waits for the RTAS lock");
        trace_step_end(c->tr);
    }
}

/* The waiting handler gets the RTAS lock: its check-exception. */
static void guest_irq_rtas(struct step_ctx *c)
{
    guest_trace_begin(c, "check-exception");
    if (c->tr)
        trace_arg_str(c->tr, "fn", irq_handler(c));
    irq_check_exception(c);
}

/* rtasd: event-scan dequeues nothing; QEMU re-pulses sources with entries. */
static void guest_event_scan(struct step_ctx *c)
{
    struct rtas_ret r;

    guest_trace_begin(c, "event-scan");
    r = rtas_event_scan(c->s, c->w, c->w->guest.machine, c->tr);
    if (c->tr) {
        trace_result_int(c->tr, "rc", r.rc);
        trace_step_end(c->tr);
    }
}

void guest_apply(struct step_ctx *c, const struct step *st)
{
    switch (st->kind) {
    case STEP_GUEST_CAS:        guest_cas(c); break;
    case STEP_GUEST_HP_IRQ:     guest_hp_irq(c); break;
    case STEP_GUEST_IRQ:        guest_irq(c); break;
    case STEP_GUEST_IRQ_RTAS:   guest_irq_rtas(c); break;
    case STEP_GUEST_EVENT_SCAN: guest_event_scan(c); break;
    case STEP_GUEST_WORK:       dlpar_step(c); break;
    default:                    break;
    }
}

void guest_paused_by_reset(const struct world *w, struct pending *all)
{
    if (w->guest.machine != GUEST_NONE && (w->machines[w->guest.machine].intc & INTC_RESETTING))
        for (int a = ACTOR_GUEST_BOOT; a <= ACTOR_GUEST_RTASD; a++)
            all[a] = (struct pending){ 0 };
}

void guest_machine_reset(struct step_ctx *c, int m)
{
    struct guest_state *g = &c->w->guest;
    uint8_t machine = g->machine;

    if (machine != m)
        return;
    memset(g, 0, sizeof(*g));
    g->machine = machine;
    g->phase = GUEST_OFF;
}

void guest_moved(struct step_ctx *c, int m)
{
    c->w->guest.machine = (uint8_t)m;
}

void guest_lmb_busy(struct step_ctx *c, uint8_t dimm, int n)
{
    const struct world *w = c->w;
    const struct spapr_device *dv = &w->machines[w->guest.machine].devices[dimm];
    int k = dv->first_drc - c->s->m[w->guest.machine].lmb_first + n;

    guest_trace_begin(c, "lmb-busy");
    if (c->tr)
        trace_arg_str(c->tr, "dimm", sim_dev_id(c->s, (uint8_t)(dimm + 1)));
    if (!dv->realized) {
        if (c->tr)
            trace_result_str(c->tr, "result", "no such memory");
    } else {
        c->w->guest.lmbs_busy |= (uint16_t)(1u << k);
        if (c->tr)
            trace_arg_hex(c->tr, "index", c->s->m[w->guest.machine].drcs[dv->first_drc + n].index);
    }
    if (c->tr)
        trace_step_end(c->tr);
}

/* echo 0 > /sys/devices/system/cpu/cpuN/online; cpu_down refuses the last CPU. The
 * write waits while a DLPAR operation holds lock_device_hotplug (libvirt_line_pending). */
void guest_cpu_offline(struct step_ctx *c, int core)
{
    struct guest_state *g = &c->w->guest;
    uint16_t bit = (uint16_t)(1u << core);

    guest_trace_begin(c, "cpu-offline");
    if (c->tr)
        trace_arg_int(c->tr, "cpu", core);
    if (!(g->online & bit)) {
        if (c->tr)
            trace_result_str(c->tr, "result", g->cpus & bit ? "already offline" : "no such cpu");
    } else if (g->online == bit) {
        if (c->tr)
            trace_result_int(c->tr, "errno", -16);   /* cpu_down: -EBUSY */
    } else {
        g->online &= (uint16_t)~bit;
        if (c->tr)
            trace_result_str(c->tr, "result", "offline");
    }
    if (c->tr)
        trace_step_end(c->tr);
}

/* A process reads its disk: virtio-blk queues a request, QEMU completes it later. */
void guest_disk_read(struct step_ctx *c)
{
    int m = c->w->guest.machine;

    guest_trace_begin(c, "disk-read");
    if (c->w->guest.phase != GUEST_RUNNING) {
        if (c->tr)
            trace_result_str(c->tr, "result", "the guest is not running");
    } else {
        spapr_io_submit(c->s, c->w, m);
        if (c->tr)
            trace_result_str(c->tr, "result", "virtio-blk request in flight");
    }
    if (c->tr)
        trace_step_end(c->tr);
}
