/*
 * The vCPUs' compat PVR (hw/ppc/spapr.c, spapr_cpu_core.c, target/ppc/
 * compat.c): set by machine reset, by CAS and on core plug, and carried by
 * each vCPU's "cpu" vmstate. A vCPU without one migrates its raw PVR, which a
 * host of the other generation refuses (ref/qemu-spapr.md §5).
 */
#include <stdio.h>
#include "knobs.h"
#include "spapr.h"
#include "trace.h"

/* Core slots with a vCPU core: the boot core and every plugged one. */
static uint16_t present_cores(const struct sim *s, const struct world *w, int m)
{
    uint16_t bits = 0;

    for (int k = 0; k < s->m[m].ncpu; k++)
        if (w->machines[m].drcs[s->m[m].cpu_first + k].dev)
            bits |= (uint16_t)(1u << k);
    return bits;
}

/*
 * spapr_machine_reset sets max_compat_pvr (none without max-cpu-compat).
 * Before 25c9780d38 it set CPU0's before the device reset, whose
 * spapr_cpu_reset copied CPU0's to every other vCPU; after it, that copy
 * ran first and took CPU0's old value, until ce03a193e1 set every vCPU.
 */
void spapr_compat_reset(const struct sim *s, struct world *w, int m)
{
    struct spapr_machine *mw = &w->machines[m];
    uint16_t all = present_cores(s, w, m);

    if (!s->scn->machines[m].max_cpu_compat)
        mw->vcpu_compat = 0;
    else if (knob_on(&s->knobs, KNOB_QEMU_COMPAT_ALL_ON_RESET) ||
             knob_val(&s->knobs, KNOB_QEMU_RESET_ORDER) == RESET_ORDER_CAS_FIRST)
        mw->vcpu_compat = all;
    else
        mw->vcpu_compat = (uint16_t)((mw->vcpu_compat & 1 ? all : 0) | 1);
}

/* do_client_architecture_support (spapr_hcall.c): ppc_set_compat_all(cas_pvr) only when
 * the calling CPU's compat_pvr differs from it. cas_check_pvr picks the best logical PVR
 * the guest lists (Linux lists them all), capped by max-cpu-compat: the boot CPU, which
 * machine reset gave that mode, already has it, and the other vCPUs keep theirs. */
void spapr_compat_cas(const struct sim *s, struct world *w, int m)
{
    if (!(w->machines[m].vcpu_compat & 1))
        w->machines[m].vcpu_compat = present_cores(s, w, m);
}

/* spapr_core_plug: a hot-plugged core takes the boot CPU's mode (b1e8156743);
 * one added during INMIGRATE gets its state from the stream. */
void spapr_compat_core_plug(const struct sim *s, struct world *w, int m, int core)
{
    struct spapr_machine *mw = &w->machines[m];

    (void)s;
    if (mw->runstate != RUN_STATE_INMIGRATE && (mw->vcpu_compat & 1))
        mw->vcpu_compat |= (uint16_t)(1u << core);
}

/* The mode CAS gives the vCPUs (cas_check_pvr's best logical PVR the guest lists, which
 * Linux lists them all): max-cpu-compat, or without it the host's own generation. */
static int cas_level(const struct scn_machine *cfg)
{
    return cfg->max_cpu_compat ? cfg->max_cpu_compat - 1 : cfg->host;
}

/*
 * The "cpu" sections (cpu_post_load, target/ppc/machine.c): false, with the
 * first failing vCPU in load_failed_cpu, when the destination host refuses a
 * raw PVR of the other generation (pvr_match) or a compat mode above its own
 * CPU (ppc_set_compat: "Compatibility PVR ... not valid for CPU").
 */
bool spapr_compat_load(const struct sim *s, struct world *w, int src, int dst)
{
    const struct scn_machine *from = &s->scn->machines[src], *to = &s->scn->machines[dst];
    uint16_t present = present_cores(s, w, src), compat = w->machines[src].vcpu_compat;
    uint16_t raw = from->host != to->host ? (uint16_t)(present & ~compat) : 0;
    uint16_t above = cas_level(from) > (int)to->host ? (uint16_t)(present & compat) : 0;

    if (raw | above) {
        w->migration.load_failed_cpu = (uint8_t)__builtin_ctz(raw | above);
        return false;
    }
    w->machines[dst].vcpu_compat = compat;
    return true;
}

uint32_t spapr_compat_refused(const struct sim *s, const struct world *w, int src, int vcpu)
{
    if (!(w->machines[src].vcpu_compat >> vcpu & 1))
        return 0;
    return cpu_logical_pvr(cas_level(&s->scn->machines[src]));
}
