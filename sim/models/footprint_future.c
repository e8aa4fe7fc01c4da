/*
 * Each actor's future for partial-order reduction (engine.h actor_future):
 * a script's steps up to the next wait that may block and past it, the
 * guest's, libvirt's and the timers', mostly from per-scenario tables that
 * footprint_future_init fills, else walked from the world.
 */
#include <string.h>
#include "footprint.h"
#include "footprint_parts.h"
#include "guest_os.h"
#include "libvirt.h"
#include "script.h"
#include "sim.h"
#include "spapr.h"

/* Could a remaining script line reset, start or migrate a machine? */
static bool machine_may_restart(const struct sim *s, const struct world *w)
{
    if (w->migration.status == MIGRATION_ACTIVE)
        return true;
    for (unsigned x = s->restart_scripts; x; x &= x - 1) {
        int i = __builtin_ctz(x);
        const struct script_state *sc = &w->scripts[i];
        int at = s->scn->script_first[i] + sc->pc;
        if (sc->status == SCRIPT_RUNNING && (s->may_restart[at] >> (sc->phase == 3) & 1))
            return true;
    }
    return false;
}

static bool wait_may_block(const struct scn_line *l)
{
    return l->kind == LINE_WAIT;
}

/* Script i stopped at wait line nw: before the gate only its timeout may fire. */
static void script_blocked(const struct sim *s, int i, int nw, struct actor_future *out)
{
    both(&out->all, OBJ_SCRIPT(i));
    if (s->scn->lines[nw].timeout_ms)
        both(&out->all, OBJ_FAILURE);   /* waking up is past the gate */
    out->far = s->line_future[nw].fp;   /* this line and the rest */
    out->gate = s->wait_in[nw];
    out->quiescence_gate = s->scn->lines[nw].action == WAIT_QUIESCENT;   /* script_pending */
}

/* What script i's pending step at line at is computed from (script_pending). */
static void script_inputs(const struct sim *s, int i, int at, struct fp_set *in)
{
    const struct scn_line *l = &s->scn->lines[at];

    memset(in, 0, sizeof(*in));
    fp_add(in, OBJ_SCRIPT(i));
    if (l->kind == LINE_WAIT) {           /* the condition */
        fp_union(in, &s->wait_in[at]);
    } else if (l->kind == LINE_DO && libvirt_manages(s, l->machine)) {
        fp_add(in, OBJ_LV_JOB);    /* libvirt_line_pending: job, waiter, migration */
        fp_add(in, OBJ_LV_UNPLUG);
        fp_add(in, OBJ_MIGRATION);
        if (l->action == DO_SYSTEM_RESET)
            fp_add(in, OBJ_MRUN(l->machine));   /* the guest's I/O, drained by the reset */
        if (l->action == DO_GUEST_CPU_OFFLINE) {   /* waits for lock_device_hotplug */
            fp_add(in, OBJ_GUEST_OP);
            fp_add(in, OBJ_GUEST_BOOT);
        }
    }
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* far covers all (engine.h): made so once for the tables, not in every state's view. */
static void far_covers_all(struct actor_future *f)
{
    fp_union(&f->far.rd, &f->all.rd);
    fp_union(&f->far.wr, &f->all.wr);
}

/*
 * For each line of script i, from the last: the next wait that may block,
 * the steps before it, and the script's whole future at the line in phase 0
 * when that wait does not hold (or there is none).
 */
void footprint_script_tables(struct sim *s, int i)
{
    const struct scenario *scn = s->scn;
    struct line_future pre = { .min_lo = WINDOW_NEVER };
    int nw = -1;

    for (int at = scn->script_first[i] + scn->script_count[i] - 1; at >= scn->script_first[i];
         at--) {
        struct actor_future *f = &s->script_stop[at];
        if (wait_may_block(&scn->lines[at])) {
            nw = at;
            pre = (struct line_future){ .min_lo = WINDOW_NEVER };
        } else {
            fp_union(&pre.fp.rd, &s->line_step[at].fp.rd);
            fp_union(&pre.fp.wr, &s->line_step[at].fp.wr);
            pre.min_lo = min_u32(pre.min_lo, s->line_step[at].min_lo);
        }
        s->next_wait[at] = (int16_t)nw;
        s->wait_pre[at] = pre;
        memset(f, 0, sizeof(*f));
        f->all = pre.fp;
        f->min_lo = pre.min_lo;
        if (nw >= 0) {
            f->min_lo = min_u32(f->min_lo, s->line_step[nw].min_lo);
            script_blocked(s, i, nw, f);
            f->at_quiescence_gate = f->quiescence_gate && at == nw;   /* at the wait itself */
        }
        script_inputs(s, i, at, &f->inputs);
        fp_union(&f->all.rd, &f->inputs);
        far_covers_all(f);
    }
}

/*
 * A script runs its lines in order: up to the first wait whose condition
 * does not hold, it may do anything its lines do; past it only once the
 * wait's condition objects change (the gate), or its timeout fires. This is
 * the general case: a line under way, or a wait ahead that already holds
 * (a call of its own, which script_future's table copy does not pay for).
 */
__attribute__((noinline))
static void script_future_walk(const struct sim *s, const struct world *w, int i,
                               struct actor_future *out)
{
    const struct scenario *scn = s->scn;
    const struct script_state *sc = &w->scripts[i];
    int at = scn->script_first[i] + sc->pc, cur = at;
    int end = scn->script_first[i] + scn->script_count[i];

    memset(out, 0, sizeof(*out));
    out->min_lo = WINDOW_NEVER;
    out->inputs = s->script_stop[at].inputs;
    if (sc->phase && scn->lines[at].kind == LINE_DO) {
        out->all = *script_step(s, w, i);   /* a line under way: only its remaining phases */
        out->min_lo = s->line_step[at].min_lo;
        cur = at + 1;
    }
    while (cur < end) {
        int nw = s->next_wait[cur];
        const struct line_future *pre = &s->wait_pre[cur];
        fp_union(&out->all.rd, &pre->fp.rd);
        fp_union(&out->all.wr, &pre->fp.wr);
        out->min_lo = min_u32(out->min_lo, pre->min_lo);
        if (nw < 0)
            break;
        out->min_lo = min_u32(out->min_lo, s->line_step[nw].min_lo);
        if (!script_wait_holds(s, w, &scn->lines[nw])) {
            script_blocked(s, i, nw, out);
            break;
        }
        fp_union(&out->all.rd, &s->line_step[nw].fp.rd);
        fp_union(&out->all.wr, &s->line_step[nw].fp.wr);
        cur = nw + 1;
    }
    fp_union(&out->all.rd, &out->inputs);
    far_covers_all(out);
}

/* Mostly a line not under way whose next wait does not hold: a table entry. */
static const struct actor_future *script_future(const struct sim *s, const struct world *w, int i,
                                                struct actor_future *scratch)
{
    const struct script_state *sc = &w->scripts[i];
    int at = s->scn->script_first[i] + sc->pc, nw;

    if (sc->status != SCRIPT_RUNNING)
        return &s->fixed_future[i];
    nw = s->next_wait[at];
    if ((!sc->phase || s->scn->lines[at].kind != LINE_DO) &&
        (nw < 0 || !script_wait_holds(s, w, &s->scn->lines[nw])))
        return &s->script_stop[at];
    script_future_walk(s, w, i, scratch);
    return scratch;
}

/*
 * guest_pending: what each guest actor's next step is computed from, with
 * the guest on machine m; guest_future adds what depends on the world.
 */
static void guest_inputs(const struct sim *s, unsigned actor, int m, struct fp_set *in)
{
    fp_add(in, OBJ_GUEST_BOOT);   /* phase, machine */
    fp_add(in, OBJ_MRUN(m));      /* runstate */
    if (actor == ACTOR_GUEST_IRQ) {
        fp_add(in, OBJ_MQ(m));    /* a pulse latches */
        fp_add(in, OBJ_MQ_UNLATCH(m));
        fp_add(in, OBJ_GUEST_RASLOG);   /* in_irq: taken, its check-exception to come */
    } else if (actor == ACTOR_GUEST_RTASD) {
        fp_add(in, OBJ_MQ_UNLATCH(m));   /* latched: only taking the latch wakes it */
        if (knob_on(&s->knobs, KNOB_GUEST_RTAS_LOCK_WAIT))
            fp_add(in, OBJ_GUEST_RASLOG);   /* a handler's EOI: Q may be set again */
    } else if (actor == ACTOR_GUEST_WORKER) {
        fp_add(in, OBJ_GUEST_OP);
        fp_add(in, OBJ_GUEST_WQ_HEAD);
    }
}

/*
 * The guest's IRQ, rtasd and worker may touch the same objects on every
 * machine the guest can run on, whatever the world: fixed once per scenario.
 */
static void guest_future_fixed(const struct sim *s, unsigned actor, struct actor_future *out)
{
    bool on[MAX_MACHINES];
    uint32_t lo = s->knobs.lo[KNOB_GUEST_STEP];

    guest_machines(s, on);
    for (int m = 0; m < MAX_MACHINES; m++) {
        if (!on[m])
            continue;
        if (actor == ACTOR_GUEST_IRQ || actor == ACTOR_GUEST_RTASD)
            guest_irq(m, knob_on(&s->knobs, KNOB_GUEST_RTAS_LOCK_WAIT), &out->all);
        else
            guest_worker_wide(&out->all, m);   /* any DLPAR operation it may start */
    }
    if (actor == ACTOR_GUEST_WORKER) {
        fp_add(&out->all.rd, OBJ_GUEST_BOOT);
        both(&out->all, OBJ_GUEST_OP);
        both(&out->all, OBJ_GUEST_WQ_HEAD);
        if (lo)
            out->min_lo = lo;
        else if (s->knobs.hi[KNOB_GUEST_LMB_OFFLINE] && s->knobs.lo[KNOB_GUEST_LMB_OFFLINE])
            out->min_lo = s->knobs.lo[KNOB_GUEST_LMB_OFFLINE];   /* an LMB offline's lo */
    }
}

/* libvirt's event loop and worker, and QEMU's CPU unplug timers and virtio-blk. */
static void other_future_fixed(const struct sim *s, unsigned actor, struct actor_future *out)
{
    if (actor == ACTOR_LIBVIRT_EVENTS || actor == ACTOR_LIBVIRT_WORKER) {
        libvirt_all(&out->all);
        add_lv_all(&out->inputs);
        if (actor == ACTOR_LIBVIRT_WORKER)   /* its BeginJob's timeout (libvirt_pending) */
            out->min_lo = LV_JOB_WAIT_MS;
    } else if (actor >= ACTOR_QEMU_IO0) {   /* spapr_io_apply: the request, the controllers */
        int m = (int)actor - ACTOR_QEMU_IO0;
        if (!(s->may_step >> actor & 1))
            return;
        both(&out->all, OBJ_MRUN(m));
        fp_add(&out->all.wr, OBJ_ABORT(m));
        fp_add(&out->inputs, OBJ_MRUN(m));
    } else if (actor >= ACTOR_QEMU_TIMER0) {
        int m = (int)actor - ACTOR_QEMU_TIMER0;
        uint32_t t = knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT);
        if (!t || m >= s->scn->nmachines)
            return;
        for (int k = 0; k < s->m[m].ncpu; k++) {
            both(&out->all, OBJ_DRC(m, s->m[m].cpu_first + k));
            fp_add(&out->inputs, OBJ_DRC(m, s->m[m].cpu_first + k));
        }
        fp_add(&out->all.rd, OBJ_MRUN(m));
        fp_add(&out->inputs, OBJ_MRUN(m));
        out->min_lo = t;   /* a timer armed from now on (timer_future: one already running) */
    }
}

/*
 * The guest's actors on each machine m, and the boot actor and the
 * migration thread while a machine may restart (their future: everything).
 */
static void guest_futures(struct sim *s)
{
    uint32_t lo = s->knobs.lo[KNOB_GUEST_STEP];

    for (unsigned a = ACTOR_GUEST_BOOT; a <= ACTOR_GUEST_RTASD; a++) {
        struct actor_future base = { .min_lo = WINDOW_NEVER };
        if (a == ACTOR_GUEST_BOOT && lo)
            base.min_lo = lo;
        else if (a != ACTOR_GUEST_BOOT)
            guest_future_fixed(s, a, &base);
        for (int m = 0; m < MAX_MACHINES; m++) {
            struct actor_future *f = &s->guest_future[a - ACTOR_GUEST_BOOT][m];
            *f = base;
            guest_inputs(s, a, m, &f->inputs);
            fp_union(&f->all.rd, &f->inputs);
        }
    }
    for (int m = 0; m <= MAX_MACHINES; m++) {
        struct actor_future *f = &s->restart_future[m];
        *f = m < MAX_MACHINES ? s->guest_future[0][m] : s->fixed_future[ACTOR_MIGRATION];
        set_all(&f->all.rd);
        set_all(&f->all.wr);
    }
}

/*
 * The futures the scenario alone decides, inputs included (the guest's
 * actors: with no guest, none), the guest's per machine, and what the
 * interrupt handler and rtasd touch on each machine.
 */
void footprint_fixed_futures(struct sim *s)
{
    for (unsigned a = 0; a < ACTOR_COUNT; a++) {
        struct actor_future *f = &s->fixed_future[a];
        memset(f, 0, sizeof(*f));
        f->min_lo = WINDOW_NEVER;
        if (a < ACTOR_GUEST_BOOT && a < s->scn->nscripts)
            fp_add(&f->inputs, OBJ_SCRIPT(a));   /* a script that no longer runs */
        else if (a == ACTOR_MIGRATION)
            fp_add(&f->inputs, OBJ_MIGRATION);
        else if (a >= ACTOR_LIBVIRT_EVENTS)
            other_future_fixed(s, a, f);
        fp_union(&f->all.rd, &f->inputs);
    }
    guest_futures(s);
    for (int m = 0; m < MAX_MACHINES; m++) {
        memset(&s->irq_step[m], 0, sizeof(s->irq_step[m]));
        guest_irq(m, knob_on(&s->knobs, KNOB_GUEST_RTAS_LOCK_WAIT), &s->irq_step[m]);
    }
    for (unsigned a = 0; a < ACTOR_COUNT; a++)
        far_covers_all(&s->fixed_future[a]);
    for (int m = 0; m <= MAX_MACHINES; m++) {
        far_covers_all(&s->restart_future[m]);
        for (unsigned a = 0; m < MAX_MACHINES && a <= ACTOR_GUEST_RTASD - ACTOR_GUEST_BOOT; a++)
            far_covers_all(&s->guest_future[a][m]);
    }
}

/*
 * sim_guest_machine without the call: where there is no guest, guest_os.c
 * marks it with a machine number past the last (GUEST_NONE).
 */
static int guest_machine(const struct sim *s, const struct world *w)
{
    return w->guest.machine < s->scn->nmachines ? w->guest.machine : -1;
}

/*
 * The boot actor: nothing once booted, unless a line may reboot or move the
 * guest; the migration thread: its switchover, or everything.
 */
static const struct actor_future *restart_future(const struct sim *s, const struct world *w,
                                                 unsigned actor)
{
    int m = guest_machine(s, w);

    if (actor == ACTOR_MIGRATION)
        return machine_may_restart(s, w) ? &s->restart_future[MAX_MACHINES]
                                         : &s->fixed_future[ACTOR_MIGRATION];
    if (m < 0)
        return &s->fixed_future[actor];
    return w->guest.phase != GUEST_RUNNING || machine_may_restart(s, w) ? &s->restart_future[m]
                                                                        : &s->guest_future[0][m];
}

/* The guest's interrupt handler, worker and rtasd (none without a guest). */
static const struct actor_future *guest_future(const struct sim *s, const struct world *w,
                                               unsigned actor, struct actor_future *scratch)
{
    const struct guest_state *g = &w->guest;
    int m = guest_machine(s, w);
    unsigned more;

    if (m < 0)
        return &s->fixed_future[actor];
    if (actor == ACTOR_GUEST_RTASD && guest_event_scan_pulses(s, w))
        more = OBJ_MQ(m);   /* an entry queued, or a pulse that sets Q, changes it */
    else if (actor == ACTOR_GUEST_WORKER && g->op.kind == DLPAR_NONE && !g->nwork)
        more = OBJ_GUEST_WQ_TAIL;   /* idle: an entry added wakes it */
    else
        return &s->guest_future[actor - ACTOR_GUEST_BOOT][m];
    *scratch = s->guest_future[actor - ACTOR_GUEST_BOOT][m];
    fp_add(&scratch->inputs, more);
    fp_add(&scratch->all.rd, more);
    fp_add(&scratch->far.rd, more);
    return scratch;
}

/* A CPU unplug timer's future: the fixed one, but sooner where a timer already counts down
 * (it may wait with the VM paused, no step pending, and fire that soon after the resume). */
static const struct actor_future *timer_future(const struct sim *s, const struct world *w,
                                               unsigned actor, struct actor_future *scratch)
{
    const struct actor_future *f = &s->fixed_future[actor];
    uint32_t lo;

    if (!(s->may_step >> actor & 1))
        return f;
    lo = spapr_unplug_timer_min_lo(s, w, (int)actor - ACTOR_QEMU_TIMER0);
    if (lo >= f->min_lo)
        return f;
    *scratch = *f;
    scratch->min_lo = lo;
    return scratch;
}

const struct actor_future *sim_future(const void *ctx, const void *world, unsigned actor,
                                      struct actor_future *scratch)
{
    const struct sim *s = ctx;
    const struct world *w = world;

    if (actor < s->scn->nscripts)   /* ACTOR_SCRIPT0 + i, nscripts <= MAX_SCRIPTS */
        return script_future(s, w, (int)actor, scratch);
    if (actor == ACTOR_GUEST_BOOT || actor == ACTOR_MIGRATION)
        return restart_future(s, w, actor);
    if (actor >= ACTOR_GUEST_IRQ && actor <= ACTOR_GUEST_RTASD)
        return guest_future(s, w, actor, scratch);
    if (actor >= ACTOR_QEMU_TIMER0 && actor < ACTOR_QEMU_IO0)
        return timer_future(s, w, actor, scratch);
    return &s->fixed_future[actor];
}
