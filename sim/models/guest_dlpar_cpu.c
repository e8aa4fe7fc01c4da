/*
 * CPU DLPAR in the guest (pseries/hotplug-cpu.c): dlpar_cpu_add and
 * dlpar_cpu_remove_by_index with their checks, rollbacks and kernel log
 * lines, and dlpar_cpu's UNISOLATE hint after a failed removal (2021).
 */
#include <stdio.h>
#include "guest_dlpar.h"
#include "spapr.h"

/* hotplug-cpu.c's pr_fmt: its pr_info/pr_warn lines carry it on the console */
#define PR_FMT "pseries-hotplug-cpu: "

const char *cpu_node_name(struct dstep *d)
{
    return d->c->s->scn->machines[machine_of(d)].host == CPU_POWER8 ? "PowerPC,POWER8"
                                                                     : "PowerPC,POWER9";
}

/* The guest's core slot for a CPU DRC index, or -1 (not a CPU DRC). */
static int core_of(struct dstep *d, uint32_t idx)
{
    const struct sim_machine *sm = &d->c->s->m[machine_of(d)];
    int slot = sim_drc_by_index(d->c->s, machine_of(d), idx);

    return slot >= sm->cpu_first && slot < sm->cpu_first + sm->ncpu ? slot - sm->cpu_first : -1;
}

/* start-cpu for each thread (query-cpu-stopped-state, then start-cpu). */
static void online_cpu(struct dstep *d, int core)
{
    dlpar_begin(d, "start-cpu");
    if (d->c->tr)
        trace_arg_int(d->c->tr, "cpu", core);
    d->c->w->guest.online |= (uint16_t)(1u << core);
    d->acted = true;
}

int dlpar_cpu_add(struct dstep *d)
{
    struct dlpar_op *op = op_of(d);
    struct guest_state *g = &d->c->w->guest;
    int core;   /* core_of where a case needs it: most steps are configure-connector calls */

    switch (op->pc) {
    case 0:
        core = core_of(d, op->index);
        dlog(d, PR_FMT "Attempting to add CPU, drc index: %x", op->index);
        if (core >= 0 && (g->cpus >> core & 1)) {
            dlog(d, PR_FMT "CPU with drc index %x already exists", op->index);
            op->rc = -EINVAL;
            return OP_DONE;
        }
        if (core < 0) {
            dlog(d, PR_FMT "Cannot find CPU (drc index %x) to add.", op->index);
            op->rc = -EINVAL;
            return OP_DONE;
        }
        prim_start(op, PRIM_ACQUIRE);
        op->pc = 1;
        return OP_CONTINUE;
    case 1:
        if (dlpar_prim(d, op->index))
            return OP_YIELD;
        if (op->prim_rc) {
            dlog(d, PR_FMT "Failed to acquire DRC, rc: %d, drc index: %x", op->prim_rc, op->index);
            op->rc = -EINVAL;
            return OP_DONE;
        }
        prim_start(op, PRIM_CONFIGURE);
        op->pc = 2;
        return OP_CONTINUE;
    case 2:
        if (dlpar_prim(d, op->index))
            return OP_YIELD;
        if (op->prim_rc) {
            dlog(d, PR_FMT "Failed call to configure-connector, drc index: %x", op->index);
            op->rc = -EINVAL;
            prim_start(op, PRIM_RELEASE);
            op->pc = 4;
            return OP_CONTINUE;
        }
        core = core_of(d, op->index);
        g->cpus |= (uint16_t)(1u << core);   /* pseries_cpuhp_attach_nodes */
        op->pc = 3;
        return OP_CONTINUE;
    case 3:
        if (!may_act(d))
            return OP_YIELD;
        online_cpu(d, core_of(d, op->index));
        dlog(d, PR_FMT "Successfully added CPU %s, drc index: %x", cpu_node_name(d), op->index);
        return OP_DONE;
    default:   /* release after a failed configure-connector */
        return dlpar_prim(d, op->index) ? OP_YIELD : OP_DONE;
    }
}

/* dlpar_offline_cpu: the last online CPU is refused (RH BZ 1911414). */
static int offline_cpu(struct dstep *d, int core)
{
    struct guest_state *g = &d->c->w->guest;
    uint16_t bit = (uint16_t)(1u << core);

    if (!(g->online & bit))
        return 0;
    if (g->online == bit) {
        if (knob_on(&d->c->s->knobs, KNOB_GUEST_REFUSE_LAST_CPU))
            dlog(d, PR_FMT "Unable to remove last online CPU %s", cpu_node_name(d));
        return -EBUSY;   /* else device_offline -> cpu_down refuses it */
    }
    dlpar_begin(d, "stop-self");
    if (d->c->tr)
        trace_arg_int(d->c->tr, "cpu", core);
    g->online &= (uint16_t)~bit;
    d->acted = true;
    return 0;
}

/* dlpar_cpu: a failed removal UNISOLATEs the DRC as a hint (Linux 2021-04). */
static int remove_failed(struct dstep *d, int rc)
{
    struct dlpar_op *op = op_of(d);

    op->rc = (int16_t)rc;
    if (!knob_on(&d->c->s->knobs, KNOB_GUEST_UNISOLATE_ON_REMOVE_FAILURE))
        return OP_DONE;
    prim_start(op, PRIM_UNISOLATE);
    op->pc = 10;
    return OP_CONTINUE;
}

int dlpar_cpu_remove(struct dstep *d)
{
    struct dlpar_op *op = op_of(d);
    struct guest_state *g = &d->c->w->guest;
    int core = core_of(d, op->index), rc;

    switch (op->pc) {
    case 0:
        if (core < 0 || !(g->cpus >> core & 1)) {
            dlog(d, PR_FMT "Cannot find CPU (drc index %x) to remove", op->index);
            return remove_failed(d, -ENODEV);
        }
        if ((g->online >> core & 1) && !may_act(d))
            return OP_YIELD;
        dlog(d, PR_FMT "Attempting to remove CPU %s, drc index: %x", cpu_node_name(d), op->index);
        rc = offline_cpu(d, core);
        if (rc) {
            dlog(d, PR_FMT "Failed to offline CPU %s, rc: %d", cpu_node_name(d), rc);
            return remove_failed(d, -EINVAL);
        }
        prim_start(op, PRIM_RELEASE);
        op->pc = 1;
        return d->acted ? OP_YIELD : OP_CONTINUE;
    case 1:
        if (dlpar_prim(d, op->index))
            return OP_YIELD;
        if (op->prim_rc) {
            dlog(d, PR_FMT "Failed to release drc (%x) for CPU %s, rc: %d", op->index, cpu_node_name(d),
                 op->prim_rc);
            op->saved_rc = op->prim_rc;
            op->pc = 2;
            return OP_CONTINUE;
        }
        op->pc = 4;
        return OP_CONTINUE;
    case 4:   /* dlpar_detach_node: with guest.cpu-detach-step, a step of its own */
        if (knob_on(&d->c->s->knobs, KNOB_GUEST_CPU_DETACH_STEP) && !may_act(d))
            return OP_YIELD;
        g->cpus &= (uint16_t)~(1u << core);
        g->online &= (uint16_t)~(1u << core);
        dlog(d, PR_FMT "Successfully removed CPU, drc index: %x", op->index);
        return OP_DONE;
    case 2:   /* dlpar_online_cpu again, then fail */
        if (!may_act(d))
            return OP_YIELD;
        online_cpu(d, core);
        op->pc = 3;
        return OP_YIELD;
    case 3:
        return remove_failed(d, op->saved_rc);
    default:
        return dlpar_prim(d, op->index) ? OP_YIELD : OP_DONE;
    }
}
