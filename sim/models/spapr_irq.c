/*
 * The interrupt controllers of a pseries machine as far as resets race with
 * them (hw/ppc/spapr_irq.c, hw/intc/xics_kvm.c): which one is active, which
 * KVM device is connected, and the guest's virtio-blk request whose
 * completion raises an interrupt through them (qemu-devel 2019-08, 25c9780d38).
 */
#include <stdio.h>
#include "knobs.h"
#include "spapr.h"
#include "trace.h"

/* A virtio-blk request completes within this many ms (the I/O actor's window). */
#define IO_COMPLETE_MS 10

/*
 * ibm,arch-vec-5-platform-support offers XIVE (spapr_dt_ov5_platform_support):
 * with the dual backend, and only to a POWER9-mode CPU: a POWER8 host or
 * max-cpu-compat=power8 gets the legacy mode (XICS).
 */
bool spapr_offers_xive(const struct sim *s, int m)
{
    const struct scn_machine *cfg = &s->scn->machines[m];

    return knob_val(&s->knobs, KNOB_QEMU_IC_MODE) == IC_MODE_DUAL && cfg->host == CPU_POWER9 &&
           cfg->max_cpu_compat != CPU_POWER8 + 1;
}

/*
 * A machine whose backend is dual has the XIVE devices, and their sections
 * go into the stream whatever CAS chose; one that spapr_irq_check forced to
 * XICS has no instance for them, and qemu_loadvm_section_start_full fails at
 * the first, "xive-source" 0 (seen on QEMU 7.2, POWER9 host to POWER8).
 */
bool spapr_irq_load(const struct sim *s, int src, int dst)
{
    return !spapr_offers_xive(s, src) || spapr_offers_xive(s, dst);
}

/* spapr_irq_dual's current backend: XIVE once CAS negotiated OV5_XIVE_EXPLOIT. */
bool spapr_irq_xive_active(const struct sim *s, const struct world *w, int m)
{
    return knob_val(&s->knobs, KNOB_QEMU_IC_MODE) == IC_MODE_DUAL &&
           (w->machines[m].ov5_cas & OV5_CAS_XIVE);
}

/*
 * spapr_irq_reset_dual disconnects both KVM devices and resets the current
 * backend, which connects its own (xics_kvm_connect, kvmppc_xive_connect);
 * post_load and, since QEMU 5.0, CAS (spapr_irq_update_active_intc) end the
 * same way. Without the KVM irqchip both controllers are emulated.
 */
void spapr_irq_update_active_intc(const struct sim *s, struct world *w, int m)
{
    uint8_t intc = spapr_irq_xive_active(s, w, m) ? KVM_INTC_XIVE : KVM_INTC_XICS;

    if (!knob_on(&s->knobs, KNOB_QEMU_KVM_IRQCHIP))
        intc = 0;
    w->machines[m].intc = (uint8_t)((w->machines[m].intc & ~KVM_INTC_MASK) | intc);
}

/* `do M guest disk-read`: the guest submits a virtio-blk request. */
void spapr_io_submit(const struct sim *s, struct world *w, int m)
{
    (void)s;
    w->machines[m].intc |= INTC_IO_IN_FLIGHT;
}

/* One I/O actor per machine: a request in flight completes, even while a reset drains it. */
void spapr_io_pending(const struct sim *s, const struct world *w, struct pending *out)
{
    for (int m = 0; m < s->scn->nmachines; m++)
        out[m] = w->machines[m].intc & INTC_IO_IN_FLIGHT
               ? (struct pending){ STEP_QEMU_IO_COMPLETE, 0, 0, IO_COMPLETE_MS }
               : (struct pending){ 0 };
}

/*
 * The request completes: virtio_notify raises the device's interrupt through
 * the active controller. Under the KVM irqchip, XICS goes to ics_kvm_set_irq,
 * which asserts kernel_xics_fd != -1: QEMU 4.1's reset cleared ov5_cas (XIVE
 * to XICS) before the devices' reset, which drains I/O with the BQL dropped,
 * and connected the XICS device only after it.
 */
void spapr_io_apply(struct step_ctx *c, const struct step *st)
{
    int m = st->actor - ACTOR_QEMU_IO0;
    struct spapr_machine *mw = &c->w->machines[m];
    bool xive = spapr_irq_xive_active(c->s, c->w, m);
    bool kvm = knob_on(&c->s->knobs, KNOB_QEMU_KVM_IRQCHIP);

    if (c->tr) {
        char actor[48];
        snprintf(actor, sizeof(actor), "qemu@%s", sim_machine_name(c->s, m));
        trace_step_begin(c->tr, c->step_no, c->t_ms, actor, "virtio-blk-complete");
        trace_arg_str(c->tr, "intc", xive ? "xive" : "xics");
        trace_arg_str(c->tr, "set_irq", !kvm ? (xive ? "xive_source_set_irq" : "ics_set_irq")
                                       : xive ? "kvmppc_xive_source_set_irq" : "ics_kvm_set_irq");
        if (mw->intc & INTC_RESETTING)
            trace_arg_str(c->tr, "during", "qemu_devices_reset");
    }
    mw->intc &= (uint8_t)~INTC_IO_IN_FLIGHT;
    if (kvm && !xive && !(mw->intc & KVM_INTC_XICS))
        spapr_abort(c->s, c->w, m, QEMU_ABORT_KVM_XICS_FD, 0, c->tr);
    if (c->tr)
        trace_step_end(c->tr);
}
