/*
 * What each step of the models touches, as object bits (footprint.h), read
 * off the model code it runs: a script line, a guest sub-step on one DRC,
 * an event-queue dequeue, a libvirt event. Generous where a step's reach is
 * wide (migration, reset, CAS touch everything). footprint_init fills the
 * per-scenario tables, the futures' with footprint_future.c.
 */
#include <string.h>
#include "footprint.h"
#include "footprint_parts.h"
#include "guest_os.h"
#include "libvirt.h"
#include "script.h"
#include "sim.h"
#include "spapr.h"

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
        if (l->action == DO_GUEST_DISK_READ)
            fp_add(&f->wr, OBJ_MRUN(l->machine));   /* spapr_io_submit: the request in flight */
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
    footprint_fixed_futures(s);
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
        footprint_script_tables(s, i);
    }
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
    } else if (st->actor == ACTOR_LIBVIRT_EVENTS || st->actor == ACTOR_LIBVIRT_WORKER ||
               st->actor >= ACTOR_QEMU_IO0) {
        *f = s->fixed_future[st->actor].all;   /* libvirt_all; spapr_io_apply's; inputs in it */
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
