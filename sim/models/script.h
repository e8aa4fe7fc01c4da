/*
 * The scenario's scripts as actors: each script runs its lines in order,
 * concurrently with the other scripts. A line is a management action
 * (libvirt*.c), a wait, a guest RTAS call the script plays
 * (script_guest.c), or an assert checkpoint.
 */
#ifndef DRCSIM_SCRIPT_H
#define DRCSIM_SCRIPT_H

#include "sim.h"
#include "trace.h"

#define PRED_WAIT 0x40   /* script_failure.field: a wait timed out */

bool script_do_supported(uint8_t action);
void script_start(const struct sim *s, struct world *w);
/*
 * Pending steps of every script, into all[ACTOR_SCRIPT0 + i] (kind 0 for
 * one with none); the entries of the scenario's other actors must be filled
 * already (`wait quiescent`).
 */
void script_pending(const struct sim *s, const struct world *w, struct pending *all);
/* The engine_model hook: pending step st keeps every `wait quiescent` waiting. */
bool sim_holds_off_quiescence(const void *ctx, const struct step *st);
void script_apply(struct step_ctx *c, const struct step *st);
/* The line a running script is at (inline: every step asks it of every script). */
static inline const struct scn_line *script_line(const struct sim *s, const struct world *w,
                                                 int script)
{
    return &s->scn->lines[s->scn->script_first[script] + w->scripts[script].pc];
}

/* Has machine mw emitted QMP event ev for dev (SCN_NO_DEVICE: for any device)? */
static inline bool script_event_emitted(const struct spapr_machine *mw, uint8_t ev, uint8_t dev)
{
    uint16_t mask = ev == QMP_DEVICE_DELETED ? mw->deleted
                  : ev == QMP_DEVICE_UNPLUG_GUEST_ERROR ? mw->unplug_guest_error
                  : mw->mem_unplug_error;

    return dev == SCN_NO_DEVICE ? mask != 0 : (mask >> dev) & 1;
}

/*
 * Does the condition of wait line l hold in w? Every wait but `quiescent`,
 * which script_pending settles after the rest. Inline: every step asks it
 * of every waiting script.
 */
static inline bool script_wait_holds(const struct sim *s, const struct world *w,
                                     const struct scn_line *l)
{
    uint16_t cores = l->cores;

    (void)s;
    switch (l->action) {
    case WAIT_GUEST_ONLINE:   /* the guest runs on l->machine (sim_guest_machine, no call) */
        return w->guest.machine == l->machine && (w->guest.online & cores) == cores;
    case WAIT_EVENT:
        return script_event_emitted(&w->machines[l->machine], l->event, l->device);
    case WAIT_MIGRATED:
        return w->migration.status == MIGRATION_COMPLETED;
    default:
        return false;
    }
}

/* Record that line l did not hold (first failure wins). */
void script_fail(struct world *w, const struct scn_line *l, uint8_t field, int32_t got);

/* script_guest.c: the script plays the guest: one rtas line. */
void script_guest_rtas(const struct sim *s, struct world *w, const struct scn_line *l,
                       struct trace *tr, uint32_t step_no, uint64_t t_ms);

#endif
