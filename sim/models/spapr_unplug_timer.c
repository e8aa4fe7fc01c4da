/*
 * The CPU unplug timers of QEMU 6.0-rc0 (qemu.cpu-unplug-timeout): device_del
 * of a core armed its DRC's own timer on the virtual clock (51254ffb32; CPU
 * class 15 s, d1c2e3ce3d) whose expiry just cleared unplug_requested, and a
 * repeated device_del was refused with the seconds left. It was reverted
 * before 6.0.0 (d522cb52e6). Each core DRC keeps its ms left; one actor per
 * machine fires the timer due first.
 */
#include <stdio.h>
#include "knobs.h"
#include "spapr.h"
#include "trace.h"

/* A core DRC whose timer runs: an unplug is pending of a device with an id (the boot core
 * has none, and no device_del reaches it). */
static bool timer_armed(const struct spapr_drc *d)
{
    return d->unplug_requested && d->dev && d->dev != DRC_DEV_BUILTIN;
}

/* spapr_drc_start_unplug_timeout_timer: from device_del (spapr_drc_unplug_request) and from
 * the destination's post_load of a DRC with an unplug pending. Core DRCs only. */
void spapr_unplug_timer_arm(const struct sim *s, struct world *w, int m, int slot)
{
    int k = slot - s->m[m].cpu_first;

    if (k >= 0 && k < s->m[m].ncpu)
        w->unplug_timer_ms[m][k] = knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT);
}

/* Time passes: QEMU_CLOCK_VIRTUAL runs only while the VM does. A count is a relative
 * bound like a step's window, and shifts as one. */
void spapr_unplug_timer_advance(const struct sim *s, struct world *w, uint32_t ms)
{
    for (int m = 0; m < s->scn->nmachines; m++) {
        if (w->machines[m].runstate != RUN_STATE_RUNNING)
            continue;
        for (int k = 0; k < s->m[m].ncpu; k++)
            w->unplug_timer_ms[m][k] = window_shift(w->unplug_timer_ms[m][k], ms);
    }
}

/* A timer with no unplug pending is gone (the unplug completed, was cancelled or timed
 * out): its count is zero, so that equal states compare equal. */
void spapr_unplug_timer_settle(const struct sim *s, struct world *w)
{
    for (int m = 0; m < s->scn->nmachines; m++)
        for (int k = 0; k < s->m[m].ncpu; k++)
            if (!timer_armed(&w->machines[m].drcs[s->m[m].cpu_first + k]))
                w->unplug_timer_ms[m][k] = 0;
}

/* The armed core DRC whose timer is due first (the lowest slot of equals), or -1. */
static int due_slot(const struct sim *s, const struct world *w, int m)
{
    const struct sim_machine *sm = &s->m[m];
    const struct spapr_machine *mw = &w->machines[m];
    int due = -1;

    for (int k = 0; k < sm->ncpu; k++)
        if (timer_armed(&mw->drcs[sm->cpu_first + k]) &&
            (due < 0 || w->unplug_timer_ms[m][k] < w->unplug_timer_ms[m][due - sm->cpu_first]))
            due = sm->cpu_first + k;
    return due;
}

void spapr_unplug_timer_pending(const struct sim *s, const struct world *w, struct pending *out)
{
    for (int m = 0; m < s->scn->nmachines; m++) {
        int slot = w->machines[m].runstate == RUN_STATE_RUNNING ? due_slot(s, w, m) : -1;
        uint32_t left = slot >= 0 ? w->unplug_timer_ms[m][slot - s->m[m].cpu_first] : 0;
        out[m] = slot >= 0 ? (struct pending){ STEP_QEMU_UNPLUG_TIMEOUT, (uint8_t)slot, left, left }
                           : (struct pending){ 0 };
    }
}

uint32_t spapr_unplug_timer_min_lo(const struct sim *s, const struct world *w, int m)
{
    const struct sim_machine *sm = &s->m[m];
    const struct spapr_machine *mw = &w->machines[m];
    uint32_t lo = knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT);

    for (int k = 0; k < sm->ncpu; k++)
        if (timer_armed(&mw->drcs[sm->cpu_first + k]) && w->unplug_timer_ms[m][k] &&
            w->unplug_timer_ms[m][k] < lo)
            lo = w->unplug_timer_ms[m][k];
    return lo;
}

/* spapr_drc_unplug_timeout_remaining_sec: whole seconds to the expiry of slot's timer. */
int spapr_unplug_timer_remaining_sec(const struct sim *s, const struct world *w, int m, int slot)
{
    return (int)(w->unplug_timer_ms[m][slot - s->m[m].cpu_first] / 1000);
}

/* The timer fires: QEMU gives up on the unplug; the guest is not told. */
void spapr_unplug_timer_apply(struct step_ctx *c, const struct step *st)
{
    int m = st->actor - ACTOR_QEMU_TIMER0;
    struct spapr_drc *d = &c->w->machines[m].drcs[st->arg];

    if (c->tr) {
        char actor[48];
        snprintf(actor, sizeof(actor), "qemu@%s", sim_machine_name(c->s, m));
        trace_step_begin(c->tr, c->step_no, c->t_ms, actor, "unplug-timeout");
        trace_arg_hex(c->tr, "drc", c->s->m[m].drcs[st->arg].index);
        trace_result_int(c->tr, "unplug_requested", 0);
        trace_step_end(c->tr);
    }
    d->unplug_requested = 0;
    c->w->machines[m].unplug_timed_out |= (uint16_t)(1u << (d->dev - 1));
}
