/*
 * Script actors: each `script` of a scenario runs its lines in order. An
 * action may fire whenever its script is at it (window [0, never]: real
 * clients can be arbitrarily slow); a wait fires once its condition holds,
 * or at its timeout. Dispatches `do` lines to libvirt*.c,
 * rtas lines to script_guest.c, and evaluates assert checkpoints.
 */
#include <stdio.h>
#include "guest_os.h"
#include "libvirt.h"
#include "script.h"
#include "spapr.h"

bool script_do_supported(uint8_t action)
{
    return action < DO_ACTION_COUNT;
}

void script_start(const struct sim *s, struct world *w)
{
    for (int i = 0; i < MAX_SCRIPTS; i++)
        w->scripts[i] = (struct script_state){
            .status = i < s->scn->nscripts && s->scn->script_count[i] ? SCRIPT_RUNNING
                                                                        : SCRIPT_DONE };
}

/* The arg of the wake of a `wait quiescent`: it is no activity for the other such waits. */
#define WAKE_QUIESCENT 1

/* A script's pending step that counts against quiescence: a line, or the wake of any wait
 * but `quiescent`; not a timeout (its own, or libvirt's job wait and unplug wait). */
static bool script_step_is_activity(uint8_t kind, uint8_t arg)
{
    return kind == STEP_SCRIPT_LINE || (kind == STEP_SCRIPT_WAKE && arg != WAKE_QUIESCENT);
}

/* Nothing pending but scripts that are themselves waiting (all[]: this step's, for the
 * actors that may step; the scripts at `wait quiescent` are still idle there). */
static bool quiescent_but_scripts(const struct sim *s, const struct pending *all)
{
    for (uint64_t x = s->may_step & ~bits_below(ACTOR_GUEST_BOOT); x; x &= x - 1)
        if (all[__builtin_ctzll(x)].kind)
            return false;
    for (int i = 0; i < s->scn->nscripts; i++)
        if (script_step_is_activity(all[ACTOR_SCRIPT0 + i].kind, all[ACTOR_SCRIPT0 + i].arg))
            return false;
    return true;
}

/* A pending step that quiescent_but_scripts sees as activity, for partial-order reduction
 * (engine_model.holds_off_quiescence): any other actor's, or a script's that is activity. */
bool sim_holds_off_quiescence(const void *ctx, const struct step *st)
{
    (void)ctx;
    return st->actor >= ACTOR_GUEST_BOOT || script_step_is_activity(st->kind, st->arg);
}

/* wake: the arg of its wake (WAKE_QUIESCENT for `wait quiescent`, else 0). */
static struct pending wait_pending(const struct scn_line *l, bool holds, uint8_t wake)
{
    if (holds)
        return (struct pending){ STEP_SCRIPT_WAKE, wake, 0, 1 };
    if (l->timeout_ms)
        return (struct pending){ STEP_SCRIPT_TIMEOUT, 0, l->timeout_ms, l->timeout_ms };
    return (struct pending){ 0 };
}

void script_pending(const struct sim *s, const struct world *w, struct pending *all)
{
    struct pending *out = all + ACTOR_SCRIPT0;
    unsigned quiescent = 0;

    for (int i = 0; i < s->scn->nscripts; i++) {
        const struct scn_line *l;
        out[i] = (struct pending){ 0 };   /* done, or waiting for quiescence: settled below */
        if (w->scripts[i].status != SCRIPT_RUNNING)
            continue;
        l = script_line(s, w, i);
        if (l->kind == LINE_DO && libvirt_manages(s, l->machine))
            out[i] = libvirt_line_pending(s, w, i, l);
        else if (l->kind != LINE_WAIT)
            out[i] = (struct pending){ STEP_SCRIPT_LINE, 0, 0, WINDOW_NEVER };
        else if (l->action != WAIT_QUIESCENT)
            out[i] = wait_pending(l, script_wait_holds(s, w, l), 0);
        else
            quiescent |= 1u << i;
    }
    /* after all the rest, and all at once: every waiter sees the same quiescence, and which
     * of them runs on first is the scheduler's choice, so each may (the others' wakes go
     * once it runs a line) */
    if (quiescent) {
        bool holds = quiescent_but_scripts(s, all);
        for (unsigned x = quiescent; x; x &= x - 1) {
            int i = __builtin_ctz(x);
            out[i] = wait_pending(script_line(s, w, i), holds, WAKE_QUIESCENT);
        }
    }
}

void script_fail(struct world *w, const struct scn_line *l, uint8_t field, int32_t got)
{
    if (w->failure.line)
        return;
    w->failure = (struct script_failure){ .line = l->loc.line, .field = field, .got = got };
}

static void assert_line(struct step_ctx *c, const struct scn_line *l)
{
    uint32_t index = 0;
    int slot = sim_resolve_drc(c->s, c->w, l->machine, &l->drc, &index);
    uint8_t field = 0;
    int32_t got = 0;
    bool ok = sim_drc_pred_holds(c->s, c->w, l->machine, slot, &l->pred, 0, 0, &field, &got);

    if (!ok)
        script_fail(c->w, l, field, got);
    if (!c->tr)
        return;
    trace_step_begin(c->tr, c->step_no, c->t_ms, "script", "assert");
    trace_arg_str(c->tr, "machine", sim_machine_name(c->s, l->machine));
    trace_arg_hex(c->tr, "drc", index);
    trace_result_str(c->tr, "holds", ok ? "yes" : "no");
    if (!ok)
        trace_result_str(c->tr, "failed", sim_pred_field_name(field));
    trace_step_end(c->tr);
}

static void wait_line(struct step_ctx *c, const struct scn_line *l, const struct step *st)
{
    static const char *const what[] = { "guest-online", "event", "migrated", "quiescent" };
    bool timed_out = st->kind == STEP_SCRIPT_TIMEOUT;
    char ids[MAX_DEVICES * (SCN_NAME_LEN + 1)];

    if (timed_out)
        script_fail(c->w, l, PRED_WAIT, (int32_t)l->timeout_ms);
    if (!c->tr)
        return;
    trace_step_begin(c->tr, c->step_no, c->t_ms, "script", "wait");
    if (c->s->scn->nscripts > 1)
        trace_arg_str(c->tr, "script", c->s->scn->script_names[l->script]);
    trace_arg_str(c->tr, "machine", sim_machine_name(c->s, l->machine));
    trace_arg_str(c->tr, "for", what[l->action]);
    if (l->action == WAIT_EVENT)
        trace_arg_str(c->tr, "event", qmp_event_name(l->event));
    if (l->action == WAIT_GUEST_ONLINE)
        trace_arg_str(c->tr, "id", scn_device_ids(c->s->scn, l->devices, ids, sizeof(ids)));
    else if (l->device != SCN_NO_DEVICE)
        trace_arg_str(c->tr, "id", c->s->scn->devices[l->device].id);
    trace_result_str(c->tr, "result", timed_out ? "timed out" : "holds");
    trace_step_end(c->tr);
}

void script_apply(struct step_ctx *c, const struct step *st)
{
    int i = st->actor - ACTOR_SCRIPT0;
    struct script_state *sc = &c->w->scripts[i];
    const struct scn_line *l = script_line(c->s, c->w, i);
    bool done = true;

    switch (l->kind) {
    case LINE_DO:
        done = libvirt_do_step(c, i, l, st);
        break;
    case LINE_WAIT:
        wait_line(c, l, st);
        break;
    case LINE_RTAS:
        script_guest_rtas(c->s, c->w, l, c->tr, c->step_no, c->t_ms);
        break;
    default:
        assert_line(c, l);
        break;
    }
    if (done && ++sc->pc == c->s->scn->script_count[i])
        sc->status = SCRIPT_DONE;
}
