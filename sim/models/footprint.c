/*
 * What each step of the models touches, as object bits (footprint.h), read
 * off the model code it runs: a script line, a guest sub-step on one DRC,
 * an event-queue dequeue, a libvirt event. Generous where a step's reach is
 * wide (migration, reset, CAS touch everything). sim_changed maps a world
 * diff onto the same bits so --por-check can prove the declared sets cover it.
 */
#include <stdio.h>
#include <string.h>
#include "footprint.h"
#include "guest_os.h"
#include "libvirt.h"
#include "script.h"
#include "sim.h"
#include "spapr.h"

#define LV_JOB_WAIT_MS 30000   /* libvirt.c: qemuDomainObjBeginJob's wait */

/* Everything, OBJ_ANY included: the mark of a step that may touch anything. */
static void set_all(struct fp_set *f)
{
    memset(f, 0xff, sizeof(*f));
}

/* A machine's objects are bits 0..OBJ_MACHINE_LAST of word m. */
#define MACHINE_WORD_ALL  ((2ull << OBJ_MACHINE_LAST) - 1)
#define MACHINE_WORD_DRCS ((1ull << MAX_DRCS) - 1)

/*
 * What a wide script line (migrate, cont, stop, system_reset, setvcpus)
 * may touch: everything but the other scripts' positions, which only their
 * own steps move (script.c script_step).
 */
static void set_all_but_scripts(struct fp_set *f, int script)
{
    set_all(f);
    for (int j = 0; j < MAX_SCRIPTS; j++)
        if (j != script)
            fp_del(f, OBJ_SCRIPT(j));
}

static void add_machine(struct fp_set *f, int m)
{
    f->w[OBJ_DRC(m, 0) / 64] |= MACHINE_WORD_ALL;
}

static void add_lv_all(struct fp_set *f)
{
    fp_add(f, OBJ_LV_JOB);
    fp_add(f, OBJ_LV_UNPLUG);
    fp_add(f, OBJ_LV_EVENTS);
    for (unsigned d = 0; d < MAX_DEVICES; d++)
        fp_add(f, OBJ_LV_DEV(d));
}

static void add_guest_all(struct fp_set *f)
{
    fp_add(f, OBJ_GUEST_BOOT);
    fp_add(f, OBJ_GUEST_WQ_HEAD);
    fp_add(f, OBJ_GUEST_WQ_TAIL);
    fp_add(f, OBJ_GUEST_RASLOG);
    fp_add(f, OBJ_GUEST_OP);
    for (unsigned k = 0; k < MAX_CORES; k++)
        fp_add(f, OBJ_GUEST_CORE(k));
}

static void both(struct footprint *f, unsigned bit)
{
    fp_add(&f->rd, bit);
    fp_add(&f->wr, bit);
}

/* A device's own objects on machine m: its DRC (a DIMM: all LMBs), libvirt's bits. */
static void add_device(const struct sim *s, struct footprint *f, int m, uint8_t dev)
{
    both(f, (unsigned)OBJ_DRC(m, 0) + s->dev_obj[m][dev]);
    both(f, OBJ_LV_DEV(dev));
    if (s->scn->devices[dev].type == DEV_DIMM)
        for (int k = 0; k < s->m[m].nlmb; k++)
            both(f, OBJ_DRC(m, s->m[m].lmb_first + k));
}

/* spapr.c device_add / device_del under a libvirt job (libvirt_actions.c). */
static void device_line(const struct sim *s, const struct scn_line *l, struct footprint *f)
{
    int m = l->machine;

    add_device(s, f, m, l->device);
    both(f, OBJ_MQ(m));           /* spapr_hotplug_req_event, the IRQ pulse */
    both(f, OBJ_LV_JOB);
    both(f, OBJ_LV_UNPLUG);       /* device_del: priv->unplug */
    both(f, OBJ_LV_EVENTS);       /* a device never attached goes at once: DEVICE_DELETED */
    fp_add(&f->rd, OBJ_MRUN(m));  /* runstate (INMIGRATE: coldplug), CAS bits */
    both(f, OBJ_TCG(m));          /* a DIMM plug reads it (tcg-stale-vcpu), an unplug sets it */
    fp_add(&f->wr, OBJ_ABORT(m));   /* read by no step: an abort ends the branch */
}

/* What a wait's condition reads (script.c wait_holds). */
static void wait_inputs(const struct sim *s, const struct scn_line *l, struct fp_set *in)
{
    switch (l->action) {
    case WAIT_GUEST_ONLINE:
        fp_add(in, OBJ_GUEST_BOOT);
        for (unsigned x = l->cores; x; x &= x - 1)
            fp_add(in, OBJ_GUEST_CORE(__builtin_ctz(x)));
        break;
    case WAIT_EVENT:
        if (l->device == SCN_NO_DEVICE)
            add_machine(in, l->machine);
        else
            fp_add(in, (unsigned)OBJ_DRC(l->machine, 0) + s->dev_obj[l->machine][l->device]);
        break;
    case WAIT_MIGRATED:
        fp_add(in, OBJ_MIGRATION);
        break;
    default:            /* quiescent: every actor's pending step */
        set_all(in);
    }
}

/* Every step line l may cause (all its phases), and the smallest lo > 0 among them. */
static uint32_t line_footprint(const struct sim *s, int script, const struct scn_line *l,
                               struct footprint *f)
{
    uint32_t lo = WINDOW_NEVER;

    memset(f, 0, sizeof(*f));
    both(f, OBJ_SCRIPT(script));
    if (l->kind == LINE_WAIT) {
        wait_inputs(s, l, &f->rd);
        if (l->timeout_ms)
            both(f, OBJ_FAILURE);   /* script_fail: "wait did not hold" */
        return l->timeout_ms ? l->timeout_ms : WINDOW_NEVER;
    }
    if (l->kind == LINE_RTAS || l->kind == LINE_ASSERT)
        both(f, OBJ_FAILURE);
    if (l->kind == LINE_DO && (l->action == DO_DEVICE_ADD || l->action == DO_DEVICE_DEL)) {
        device_line(s, l, f);
    } else if (l->kind == LINE_DO && do_is_guest_action(l->action)) {
        add_guest_all(&f->rd);
        add_guest_all(&f->wr);
        add_machine(&f->rd, l->machine);
    } else if (l->kind == LINE_RTAS || l->kind == LINE_ASSERT) {
        add_machine(&f->rd, l->machine);
        add_lv_all(&f->rd);
        if (l->kind == LINE_RTAS) {
            add_machine(&f->wr, l->machine);
            add_lv_all(&f->wr);
        }
    } else {            /* migrate, cont, stop, system_reset, setvcpus: everything */
        set_all_but_scripts(&f->rd, script);
        set_all_but_scripts(&f->wr, script);
    }
    if (l->kind == LINE_DO && libvirt_manages(s, l->machine) && needs_job(l))
        lo = LV_JOB_WAIT_MS;
    if (l->kind == LINE_DO && (l->action == DO_DEVICE_DEL || l->action == DO_SETVCPUS)) {
        uint32_t t = knob_val(&s->knobs, KNOB_LIBVIRT_UNPLUG_TIMEOUT);
        if (t && t < lo)
            lo = t;
    }
    return lo;
}

static void dev_objects(struct sim *s)
{
    for (int m = 0; m < s->scn->nmachines; m++) {
        const struct sim_machine *sm = &s->m[m];
        for (int d = 0; d < s->scn->ndevices; d++) {
            const struct scn_device *dv = &s->scn->devices[d];
            int slot = OBJ_DIMMS(0);
            if (dv->type == DEV_CPU_CORE && dv->core_id < sm->ncpu)
                slot = sm->cpu_first + dv->core_id;
            else if (dv->type == DEV_PHB && dv->index < sm->nphb)
                slot = sm->phb_first + dv->index;
            else if (dv->type == DEV_PCI && dv->slot < sm->npci)
                slot = sm->pci_first + dv->slot;
            s->dev_obj[m][d] = (uint8_t)slot;
        }
    }
}

static void fixed_futures(struct sim *s);
static void script_tables(struct sim *s, int i);
static void line_later(struct sim *s, int i, int at);

/*
 * Could script i, at line at, still reset, start or migrate a machine: its
 * future writes everything. In phase 3 of a migrate line (Finish+Confirm)
 * the guest already runs on the destination: only the lines after it count.
 */
static uint8_t line_may_restart(const struct sim *s, int i, int at)
{
    const struct scenario *scn = s->scn;
    bool now = fp_has(&s->line_future[at].fp.wr, OBJ_ANY), phase3 = now;

    if (scn->lines[at].action == DO_MIGRATE)
        phase3 = at + 1 < scn->script_first[i] + scn->script_count[i] &&
                 fp_has(&s->line_future[at + 1].fp.wr, OBJ_ANY);
    return (uint8_t)(now | phase3 << 1);
}

void footprint_init(struct sim *s)
{
    const struct scenario *scn = s->scn;

    dev_objects(s);
    fixed_futures(s);
    s->restart_scripts = 0;
    for (int i = 0; i < scn->nscripts; i++) {
        struct line_future acc = { .min_lo = WINDOW_NEVER };
        for (int k = scn->script_count[i] - 1; k >= 0; k--) {
            int at = scn->script_first[i] + k;
            struct footprint f;
            uint32_t lo = line_footprint(s, i, &scn->lines[at], &f);
            s->line_step[at] = (struct line_future){ .fp = f, .min_lo = lo };
            line_later(s, i, at);
            fp_union(&acc.fp.rd, &f.rd);
            fp_union(&acc.fp.wr, &f.wr);
            if (lo < acc.min_lo)
                acc.min_lo = lo;
            s->line_future[at] = acc;
            memset(&s->wait_in[at], 0, sizeof(s->wait_in[at]));
            if (scn->lines[at].kind == LINE_WAIT)
                wait_inputs(s, &scn->lines[at], &s->wait_in[at]);
            s->may_restart[at] = line_may_restart(s, i, at);
            if (s->may_restart[at])
                s->restart_scripts |= 1u << i;
        }
        script_tables(s, i);
    }
}

/* The guest's machines: where it runs now and where a migration may take it. */
static void guest_machines(const struct sim *s, bool *on)
{
    for (int m = 0; m < MAX_MACHINES; m++)
        on[m] = m < s->scn->nmachines && s->scn->machines[m].guest == GUEST_LINUX;
}

/*
 * ras_hotplug_interrupt / rtasd: take the latch, check-exception or
 * event-scan, queue the work at the tail (queue_hotplug_event). Taking the
 * head (the worker) and adding at the tail commute: the kernel's list has no
 * bound, and the model's MAX_GUEST_WORK ends the branch when reached.
 */
static void guest_irq(int g, struct footprint *f)
{
    fp_add(&f->rd, OBJ_GUEST_BOOT);
    fp_add(&f->rd, OBJ_MRUN(g));
    both(f, OBJ_MQ(g));
    both(f, OBJ_MQ_UNLATCH(g));
    both(f, OBJ_GUEST_WQ_TAIL);
    both(f, OBJ_GUEST_RASLOG);
    fp_add(&f->wr, OBJ_ABORT(g));
}

/* What the worker may touch on machine m: its DRCs and devices, never the event queue. */
static void worker_machine(struct footprint *f, int m)
{
    f->rd.w[OBJ_DRC(m, 0) / 64] |= MACHINE_WORD_DRCS;
    f->wr.w[OBJ_DRC(m, 0) / 64] |= MACHINE_WORD_DRCS;
    both(f, OBJ_DIMMS(m));
    both(f, OBJ_TCG(m));
    fp_add(&f->wr, OBJ_ABORT(m));
    fp_add(&f->rd, OBJ_MRUN(m));
}

/* An LMB operation (or a DRC index QEMU does not know): any DRC of the machine. */
static void guest_worker_wide(struct footprint *f, int m)
{
    worker_machine(f, m);
    both(f, OBJ_LV_EVENTS);
    for (unsigned d = 0; d < MAX_DEVICES; d++)
        both(f, OBJ_LV_DEV(d));
    for (unsigned k = 0; k < MAX_CORES; k++)
        both(f, OBJ_GUEST_CORE(k));
}

/*
 * One pseries_hp_wq sub-step (guest_dlpar.c): the operation's DRC and core;
 * a removal also counts the online CPUs (dlpar_offline_cpu) and may end the
 * unplug in QEMU (DEVICE_DELETED, the vCPU unrealized) or report a failure.
 * A function of its own, so that sim_footprint's table copies save no registers.
 */
__attribute__((noinline))
static void guest_worker(const struct sim *s, const struct world *w, struct footprint *f)
{
    const struct guest_state *g = &w->guest;
    int m = g->machine, slot;
    uint8_t kind = g->op.kind;
    uint32_t index = g->op.index;

    if (kind == DLPAR_NONE) {   /* start_op takes work[0] */
        const struct spapr_event_entry *e = &g->work[0];
        both(f, OBJ_GUEST_WQ_HEAD);
        kind = e->hp_type != RTAS_LOG_V6_HP_TYPE_CPU || e->id_type != RTAS_LOG_V6_HP_ID_DRC_INDEX
             ? DLPAR_MEM_ADD : e->action == RTAS_LOG_V6_HP_ACTION_ADD ? DLPAR_CPU_ADD
             : DLPAR_CPU_REMOVE;
        index = e->index;
    }
    fp_add(&f->rd, OBJ_GUEST_BOOT);
    fp_add(&f->rd, OBJ_MRUN(m));
    both(f, OBJ_GUEST_OP);
    fp_add(&f->wr, OBJ_ABORT(m));
    slot = sim_drc_by_index(s, m, index);
    if ((kind != DLPAR_CPU_ADD && kind != DLPAR_CPU_REMOVE) || slot < 0 ||
        slot >= s->m[m].cpu_first + s->m[m].ncpu) {
        guest_worker_wide(f, m);
        return;
    }
    both(f, OBJ_DRC(m, slot));
    both(f, OBJ_GUEST_CORE(slot - s->m[m].cpu_first));
    if (kind == DLPAR_CPU_ADD)
        return;
    both(f, OBJ_TCG(m));
    both(f, OBJ_LV_EVENTS);
    for (unsigned k = 0; k < MAX_CORES; k++)   /* dlpar_offline_cpu counts online CPUs */
        both(f, OBJ_GUEST_CORE(k));
    for (int d = 0; d < s->scn->ndevices; d++)   /* DEVICE_DELETED / UNPLUG_GUEST_ERROR */
        if (s->dev_obj[m][d] == slot)
            both(f, OBJ_LV_DEV(d));
}

static void libvirt_all(struct footprint *f)
{
    add_lv_all(&f->rd);
    add_lv_all(&f->wr);
    for (int m = 0; m < MAX_MACHINES; m++)
        fp_add(&f->wr, OBJ_ABORT(m));   /* libvirt_qmp_event: event overflow */
}

/*
 * A line's steps in the phases where they differ from line_step: the
 * waiter of a libvirt-managed device_del or setvcpus wakes
 * (lv_device_del_end); Finish+Confirm of a migrate reads the status, never
 * sets it.
 */
static void line_later(struct sim *s, int i, int at)
{
    const struct scn_line *l = &s->scn->lines[at];
    struct footprint *f = &s->line_later[at];

    s->line_later_from[at] = 0;
    s->line_later_to[at] = 0;
    memset(f, 0, sizeof(*f));
    if (l->kind == LINE_DO && libvirt_manages(s, l->machine) &&
        (l->action == DO_DEVICE_DEL || l->action == DO_SETVCPUS)) {
        s->line_later_from[at] = 1;
        s->line_later_to[at] = UINT8_MAX;
        both(f, OBJ_SCRIPT(i));
        libvirt_all(f);
    } else if (l->kind == LINE_DO && l->action == DO_MIGRATE) {
        s->line_later_from[at] = 3;
        s->line_later_to[at] = 3;
        *f = s->line_step[at].fp;
        fp_del(&f->wr, OBJ_MIGRATION);
    }
}

/* The steps of script i's line from its phase on. */
static const struct footprint *script_step(const struct sim *s, const struct world *w, int i)
{
    int at = s->scn->script_first[i] + w->scripts[i].pc;
    uint8_t phase = w->scripts[i].phase;

    if (phase && phase >= s->line_later_from[at] && phase <= s->line_later_to[at])
        return &s->line_later[at];
    return &s->line_step[at].fp;   /* line_footprint */
}

void sim_footprint(const void *ctx, const void *world, const struct step *st,
                   struct footprint *f)
{
    const struct sim *s = ctx;
    const struct world *w = world;

    if (st->actor < ACTOR_SCRIPT0 + MAX_SCRIPTS) {
        *f = *script_step(s, w, st->actor - ACTOR_SCRIPT0);
    } else if (st->actor == ACTOR_GUEST_IRQ || st->actor == ACTOR_GUEST_RTASD) {
        *f = s->irq_step[w->guest.machine];   /* guest_irq */
    } else if (st->actor == ACTOR_GUEST_WORKER) {
        memset(f, 0, sizeof(*f));
        guest_worker(s, w, f);
    } else if (st->actor == ACTOR_LIBVIRT_EVENTS || st->actor == ACTOR_LIBVIRT_WORKER) {
        *f = s->fixed_future[st->actor].all;   /* libvirt_all, its inputs in it */
    } else if (st->actor >= ACTOR_QEMU_TIMER0) {
        int m = st->actor - ACTOR_QEMU_TIMER0;
        memset(f, 0, sizeof(*f));
        both(f, OBJ_DRC(m, st->arg));
        fp_add(&f->rd, OBJ_MRUN(m));
    } else {    /* CAS and boot, the switchover */
        set_all(&f->rd);
        set_all(&f->wr);
    }
}

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
    return l->kind == LINE_WAIT && l->action != WAIT_QUIESCENT;
}

/* Script i stopped at wait line nw: before the gate only its timeout may fire. */
static void script_blocked(const struct sim *s, int i, int nw, struct actor_future *out)
{
    both(&out->all, OBJ_SCRIPT(i));
    if (s->scn->lines[nw].timeout_ms)
        both(&out->all, OBJ_FAILURE);   /* waking up is past the gate */
    out->far = s->line_future[nw].fp;   /* this line and the rest */
    out->gate = s->wait_in[nw];
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
    }
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/*
 * For each line of script i, from the last: the next wait that may block,
 * the steps before it, and the script's whole future at the line in phase 0
 * when that wait does not hold (or there is none).
 */
static void script_tables(struct sim *s, int i)
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
        }
        script_inputs(s, i, at, &f->inputs);
        fp_union(&f->all.rd, &f->inputs);
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
}

/* Mostly a line not under way whose next wait does not hold: a table entry. */
__attribute__((noinline))
static void script_future(const struct sim *s, const struct world *w, int i,
                          struct actor_future *out)
{
    const struct script_state *sc = &w->scripts[i];
    int at = s->scn->script_first[i] + sc->pc, nw;

    if (sc->status != SCRIPT_RUNNING) {
        *out = s->fixed_future[i];
        return;
    }
    nw = s->next_wait[at];
    if ((!sc->phase || s->scn->lines[at].kind != LINE_DO) &&
        (nw < 0 || !script_wait_holds(s, w, &s->scn->lines[nw]))) {
        *out = s->script_stop[at];
        return;
    }
    script_future_walk(s, w, i, out);
}

/*
 * guest_pending: what each guest actor's next step is computed from, with
 * the guest on machine m; guest_future adds what depends on the world.
 */
static void guest_inputs(unsigned actor, int m, struct fp_set *in)
{
    fp_add(in, OBJ_GUEST_BOOT);   /* phase, machine */
    fp_add(in, OBJ_MRUN(m));      /* runstate */
    if (actor == ACTOR_GUEST_IRQ) {
        fp_add(in, OBJ_MQ(m));    /* a pulse latches */
        fp_add(in, OBJ_MQ_UNLATCH(m));
    } else if (actor == ACTOR_GUEST_RTASD) {
        fp_add(in, OBJ_MQ_UNLATCH(m));   /* latched: only taking the latch wakes it */
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
            guest_irq(m, &out->all);
        else
            guest_worker_wide(&out->all, m);   /* any DLPAR operation it may start */
    }
    if (actor == ACTOR_GUEST_WORKER) {
        fp_add(&out->all.rd, OBJ_GUEST_BOOT);
        both(&out->all, OBJ_GUEST_OP);
        both(&out->all, OBJ_GUEST_WQ_HEAD);
        if (lo)
            out->min_lo = lo;
    }
}

/* libvirt's event loop and worker, and QEMU's CPU unplug timers. */
static void other_future_fixed(const struct sim *s, unsigned actor, struct actor_future *out)
{
    if (actor == ACTOR_LIBVIRT_EVENTS || actor == ACTOR_LIBVIRT_WORKER) {
        libvirt_all(&out->all);
        add_lv_all(&out->inputs);
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
        out->min_lo = t;
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
            guest_inputs(a, m, &f->inputs);
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
static void fixed_futures(struct sim *s)
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
        guest_irq(m, &s->irq_step[m]);
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
 * guest; the migration thread: its switchover, or everything. Kept out of
 * sim_future, as script_future is, so that the plain table copies there
 * need no saved registers.
 */
__attribute__((noinline))
static void restart_future(const struct sim *s, const struct world *w, unsigned actor,
                           struct actor_future *out)
{
    int m = guest_machine(s, w);

    if (actor == ACTOR_MIGRATION)
        *out = machine_may_restart(s, w) ? s->restart_future[MAX_MACHINES]
                                         : s->fixed_future[ACTOR_MIGRATION];
    else if (m < 0)
        *out = s->fixed_future[actor];
    else
        *out = w->guest.phase != GUEST_RUNNING || machine_may_restart(s, w) ? s->restart_future[m]
                                                                            : s->guest_future[0][m];
}

/* The guest's interrupt handler, worker and rtasd (none without a guest). */
static void guest_future(const struct sim *s, const struct world *w, unsigned actor,
                         struct actor_future *out)
{
    const struct guest_state *g = &w->guest;
    int m = guest_machine(s, w);
    unsigned more;

    if (m < 0) {
        *out = s->fixed_future[actor];
        return;
    }
    *out = s->guest_future[actor - ACTOR_GUEST_BOOT][m];
    if (actor == ACTOR_GUEST_RTASD && !w->machines[m].irq_latched)
        more = OBJ_MQ(m);
    else if (actor == ACTOR_GUEST_WORKER && g->op.kind == DLPAR_NONE && !g->nwork)
        more = OBJ_GUEST_WQ_TAIL;   /* idle: an entry added wakes it */
    else
        return;
    fp_add(&out->inputs, more);
    fp_add(&out->all.rd, more);
}

void sim_future(const void *ctx, const void *world, unsigned actor, struct actor_future *out)
{
    const struct sim *s = ctx;
    const struct world *w = world;

    if (actor < s->scn->nscripts)   /* ACTOR_SCRIPT0 + i, nscripts <= MAX_SCRIPTS */
        script_future(s, w, (int)actor, out);
    else if (actor == ACTOR_GUEST_BOOT || actor == ACTOR_MIGRATION)
        restart_future(s, w, actor, out);
    else if (actor >= ACTOR_GUEST_IRQ && actor <= ACTOR_GUEST_RTASD)
        guest_future(s, w, actor, out);
    else
        *out = s->fixed_future[actor];
}

/* Bits set in a ^ b, each mapped to an object by obj(bit). */
static void bits_changed(uint64_t a, uint64_t b, struct fp_set *out, unsigned base)
{
    for (uint64_t x = a ^ b; x; x &= x - 1)
        fp_add(out, base + (unsigned)__builtin_ctzll(x));
}

static void device_bits(const struct sim *s, int m, uint16_t a, uint16_t b, struct fp_set *out)
{
    for (unsigned x = (unsigned)(a ^ b); x; x &= x - 1)
        fp_add(out, (unsigned)OBJ_DRC(m, 0) + s->dev_obj[m][__builtin_ctz(x)]);
}

#define DIFF(field) (memcmp(&a->field, &b->field, sizeof(a->field)) != 0)

static void machine_changed(const struct sim *s, int m, const struct spapr_machine *a,
                            const struct spapr_machine *b, struct fp_set *out)
{
    const struct sim_machine *sm = &s->m[m];

    for (int k = 0; k < MAX_DRCS; k++)
        if (DIFF(drcs[k]))
            fp_add(out, OBJ_DRC(m, k));
    for (int d = 0; d < MAX_DEVICES; d++)
        if (DIFF(devices[d]))
            fp_add(out, (unsigned)OBJ_DRC(m, 0) + s->dev_obj[m][d]);
    device_bits(s, m, a->deleted, b->deleted, out);
    device_bits(s, m, a->unplug_guest_error, b->unplug_guest_error, out);
    device_bits(s, m, a->mem_unplug_error, b->mem_unplug_error, out);
    device_bits(s, m, a->unplug_timed_out, b->unplug_timed_out, out);
    bits_changed(a->fdt_cpus, b->fdt_cpus, out, (unsigned)OBJ_DRC(m, sm->cpu_first));
    bits_changed(a->vcpu_compat, b->vcpu_compat, out, (unsigned)OBJ_DRC(m, sm->cpu_first));
    bits_changed(a->fdt_lmbs, b->fdt_lmbs, out, (unsigned)OBJ_DRC(m, sm->lmb_first));
    if (DIFF(events) || DIFF(nr_events) || b->irq_latched > a->irq_latched)
        fp_add(out, OBJ_MQ(m));
    if (b->irq_latched < a->irq_latched)
        fp_add(out, OBJ_MQ_UNLATCH(m));
    if (DIFF(abort_reason) || DIFF(abort_drc))
        fp_add(out, OBJ_ABORT(m));
    if (DIFF(vcpu_unplugged))
        fp_add(out, OBJ_TCG(m));
    if (DIFF(runstate) || DIFF(ov5_cas) || DIFF(migration) || DIFF(pad0) || DIFF(autostart))
        fp_add(out, OBJ_MRUN(m));
}

/* Taken from the head, added at the tail, or anything else (both). */
static void work_changed(const struct guest_state *a, const struct guest_state *b,
                         struct fp_set *out)
{
    size_t e = sizeof(a->work[0]);

    if (b->nwork + 1 == a->nwork && !memcmp(b->work, a->work + 1, b->nwork * e)) {
        fp_add(out, OBJ_GUEST_WQ_HEAD);
    } else if (b->nwork == a->nwork + 1 && !memcmp(b->work, a->work, a->nwork * e)) {
        fp_add(out, OBJ_GUEST_WQ_TAIL);
    } else {
        fp_add(out, OBJ_GUEST_WQ_HEAD);
        fp_add(out, OBJ_GUEST_WQ_TAIL);
    }
}

static void guest_changed(const struct guest_state *a, const struct guest_state *b,
                          struct fp_set *out)
{
    if (DIFF(machine) || DIFF(phase))
        fp_add(out, OBJ_GUEST_BOOT);
    if (DIFF(has_ras_log) || DIFF(ras_log_buf))
        fp_add(out, OBJ_GUEST_RASLOG);
    if (DIFF(nwork) || DIFF(work))
        work_changed(a, b, out);
    bits_changed(a->cpus, b->cpus, out, OBJ_GUEST_CORE(0));
    bits_changed(a->online, b->online, out, OBJ_GUEST_CORE(0));
    if (DIFF(lmbs) || DIFF(dlpar_errors) || DIFF(dlpar_failed) || DIFF(dt_mismatch) ||
        DIFF(dt_mismatch_drc) || DIFF(lmbs_busy) || DIFF(op))
        fp_add(out, OBJ_GUEST_OP);
}

static void libvirt_changed(const struct libvirt_state *a, const struct libvirt_state *b,
                            struct fp_set *out)
{
    if (DIFF(job) || DIFF(job_owner) || DIFF(domain) || DIFF(mig_paused) || DIFF(mig_xml) ||
        DIFF(pad))
        fp_add(out, OBJ_LV_JOB);
    if (DIFF(unplug_dev) || DIFF(unplug_status))
        fp_add(out, OBJ_LV_UNPLUG);
    if (DIFF(nevents) || DIFF(events))
        fp_add(out, OBJ_LV_EVENTS);
    for (int m = 0; m < MAX_MACHINES; m++) {
        bits_changed(a->xml[m], b->xml[m], out, OBJ_LV_DEV(0));
        bits_changed(a->deferred[m], b->deferred[m], out, OBJ_LV_DEV(0));
    }
    bits_changed(a->failed_report, b->failed_report, out, OBJ_LV_DEV(0));
    bits_changed(a->false_unplug, b->false_unplug, out, OBJ_LV_DEV(0));
}

void sim_changed(const void *ctx, const void *before, const void *after, struct fp_set *out)
{
    const struct sim *s = ctx;
    const struct world *a = before, *b = after;

    memset(out, 0, sizeof(*out));
    for (int m = 0; m < MAX_MACHINES; m++)
        machine_changed(s, m, &a->machines[m], &b->machines[m], out);
    guest_changed(&a->guest, &b->guest, out);
    if (DIFF(migration))
        fp_add(out, OBJ_MIGRATION);
    libvirt_changed(&a->libvirt, &b->libvirt, out);
    for (int i = 0; i < MAX_SCRIPTS; i++)
        if (DIFF(scripts[i]))
            fp_add(out, OBJ_SCRIPT(i));
    if (DIFF(failure))
        fp_add(out, OBJ_FAILURE);
}

const char *footprint_object_name(const struct sim *s, unsigned bit, char *buf, size_t len)
{
    static const char *const global[] = { "guest boot", "guest work queue head", "guest DLPAR operation",
        "migration", "libvirt job", "libvirt unplug waiter", "libvirt event queue",
        "script failure" };
    static const char *const machine[] = { "pending events", "runstate", "DIMMs", "vCPU unrealized",
                                           "abort", "IRQ latch taken" };
    unsigned m = bit / 64, k = bit % 64;

    if (bit < 128 && m < s->scn->nmachines && k < 40 && k < s->m[m].ndrcs)
        snprintf(buf, len, "DRC %s/0x%x", sim_machine_name(s, (int)m), s->m[m].drcs[k].index);
    else if (bit < 128 && m < s->scn->nmachines && k >= 40 && k <= OBJ_MACHINE_LAST)
        snprintf(buf, len, "%s %s", sim_machine_name(s, (int)m), machine[k - 40]);
    else if (bit >= OBJ_GUEST_BOOT && bit <= OBJ_FAILURE)
        snprintf(buf, len, "%s", global[bit - OBJ_GUEST_BOOT]);
    else if (bit >= OBJ_SCRIPT(0) && bit < OBJ_GUEST_CORE(0))
        snprintf(buf, len, "script %u", bit - OBJ_SCRIPT(0));
    else if (bit == OBJ_GUEST_WQ_TAIL || bit == OBJ_GUEST_RASLOG)
        snprintf(buf, len, "%s", bit == OBJ_GUEST_WQ_TAIL ? "guest work queue tail" : "ras_log_buf");
    else if (bit >= OBJ_GUEST_CORE(0) && bit < OBJ_GUEST_CORE(MAX_CORES))
        snprintf(buf, len, "guest core %u", bit - OBJ_GUEST_CORE(0));
    else if (bit >= OBJ_LV_DEV(0) && bit < OBJ_COUNT)
        snprintf(buf, len, "libvirt device %u", bit - OBJ_LV_DEV(0));
    else
        snprintf(buf, len, "object %u", bit);
    return buf;
}
