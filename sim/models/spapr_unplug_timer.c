/*
 * The CPU unplug timer of QEMU 6.0-rc0 (qemu.cpu-unplug-timeout): device_del
 * of a core armed a per-DRC timer on the virtual clock (51254ffb32; CPU
 * class 15 s, d1c2e3ce3d) whose expiry just cleared unplug_requested, and a
 * repeated device_del was refused with the seconds left. It was reverted
 * before 6.0.0 (d522cb52e6). One timer actor per machine.
 */
#include <stdio.h>
#include "knobs.h"
#include "spapr.h"
#include "trace.h"

/* The first core DRC with an unplug pending: its timer runs while the VM runs. */
static int timed_slot(const struct sim *s, const struct world *w, int m)
{
    const struct sim_machine *sm = &s->m[m];

    if (w->machines[m].runstate != RUN_STATE_RUNNING)   /* QEMU_CLOCK_VIRTUAL stands still */
        return -1;
    for (int k = sm->cpu_first; k < sm->cpu_first + sm->ncpu; k++)
        if (w->machines[m].drcs[k].unplug_requested && w->machines[m].drcs[k].dev &&
            w->machines[m].drcs[k].dev != DRC_DEV_BUILTIN)   /* the boot core has no id */
            return k;
    return -1;
}

void spapr_unplug_timer_pending(const struct sim *s, const struct world *w, struct pending *out)
{
    uint32_t t = knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT);

    for (int m = 0; m < s->scn->nmachines; m++) {
        int slot = t ? timed_slot(s, w, m) : -1;
        /* (re)armed when the pending unplug appears, as post_load did */
        out[m] = slot >= 0 ? (struct pending){ STEP_QEMU_UNPLUG_TIMEOUT, (uint8_t)slot, t, t }
                           : (struct pending){ 0 };
    }
}

/*
 * spapr_drc_unplug_timeout_remaining_sec: whole seconds to the expiry of
 * slot's timer (timer_deadline_ms / 1000). The model times one DRC per
 * machine and no DRC while the VM is paused; for any other DRC with an
 * unplug pending it counts the full timeout, as it will arm it so.
 */
int spapr_unplug_timer_remaining_sec(const struct sim *s, const struct world *w, int m, int slot)
{
    const struct actor *timer = &w->actors[ACTOR_QEMU_TIMER0 + m];

    if (timer->kind == STEP_QEMU_UNPLUG_TIMEOUT && timer->arg == slot)
        return (int)(timer->lo / 1000);
    return (int)(knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT) / 1000);
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
