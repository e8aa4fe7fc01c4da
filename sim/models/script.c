/*
 * Script actors: each `script` of a scenario runs its lines in order, one
 * line per step, and may fire whenever it has a line left (window [0,
 * never]): real management clients can be arbitrarily slow. Dispatches each
 * line to libvirt.c or script_guest.c, and evaluates assert checkpoints.
 */
#include <stdio.h>
#include "script.h"
#include "spapr.h"

bool script_do_supported(uint8_t action)
{
    return libvirt_do_supported(action);
}

void script_start(const struct sim *s, struct world *w)
{
    for (int i = 0; i < MAX_SCRIPTS; i++)
        w->scripts[i] = (struct script_state){
            .status = i < s->scn->nscripts && s->scn->script_count[i] ? SCRIPT_RUNNING
                                                                        : SCRIPT_DONE };
}

unsigned script_enabled(const struct sim *s, const struct world *w, struct step *out,
                        unsigned max)
{
    unsigned n = 0;

    for (int i = 0; i < s->scn->nscripts && n < max; i++)
        if (w->scripts[i].status == SCRIPT_RUNNING)
            out[n++] = (struct step){ .actor = (uint8_t)i, .kind = STEP_SCRIPT_LINE,
                                      .lo = 0, .hi = WINDOW_NEVER };
    return n;
}

void script_fail(struct world *w, const struct scn_line *l, uint8_t field, int32_t got)
{
    if (w->failure.line)
        return;
    w->failure = (struct script_failure){ .line = l->loc.line, .field = field, .got = got };
}

static void assert_line(const struct sim *s, struct world *w, const struct scn_line *l,
                        struct trace *tr, uint32_t step_no, uint64_t t_ms)
{
    uint32_t index = 0;
    int slot = sim_resolve_drc(s, w, l->machine, &l->drc, &index);
    uint8_t field = 0;
    int32_t got = 0;
    bool ok = sim_drc_pred_holds(s, w, l->machine, slot, &l->pred, 0, 0, &field, &got);

    if (!ok)
        script_fail(w, l, field, got);
    if (!tr)
        return;
    trace_step_begin(tr, step_no, t_ms, "script", "assert");
    trace_arg_str(tr, "machine", sim_machine_name(s, l->machine));
    trace_arg_hex(tr, "drc", index);
    trace_result_str(tr, "holds", ok ? "yes" : "no");
    if (!ok)
        trace_result_str(tr, "failed", sim_pred_field_name(field));
    trace_step_end(tr);
}

void script_apply(const struct sim *s, struct world *w, const struct step *st, struct trace *tr,
                  uint32_t step_no, uint64_t t_ms)
{
    struct script_state *sc = &w->scripts[st->actor];
    const struct scn_line *l = &s->scn->lines[s->scn->script_first[st->actor] + sc->pc];

    switch (l->kind) {
    case LINE_DO:
        libvirt_do(s, w, l, tr, step_no, t_ms);
        break;
    case LINE_RTAS:
        script_guest_rtas(s, w, l, tr, step_no, t_ms);
        break;
    case LINE_ASSERT:
        assert_line(s, w, l, tr, step_no, t_ms);
        break;
    default:
        break;
    }
    if (++sc->pc == s->scn->script_count[st->actor])
        sc->status = SCRIPT_DONE;
}
