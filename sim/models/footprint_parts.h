/*
 * What footprint.c (each step's footprint) and footprint_future.c (each
 * actor's future) share: object sets (everything, a machine's, libvirt's,
 * the guest's), the footprints of the steps a future is built from, and
 * the tables footprint_init has footprint_future.c fill.
 */
#ifndef DRCSIM_FOOTPRINT_PARTS_H
#define DRCSIM_FOOTPRINT_PARTS_H

#include <string.h>
#include "footprint.h"
#include "sim.h"

/* Everything, OBJ_ANY included: the mark of a step that may touch anything. */
static inline void set_all(struct fp_set *f)
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
static inline void set_all_but_scripts(struct fp_set *f, int script)
{
    set_all(f);
    for (int j = 0; j < MAX_SCRIPTS; j++)
        if (j != script)
            fp_del(f, OBJ_SCRIPT(j));
}

static inline void add_machine(struct fp_set *f, int m)
{
    f->w[OBJ_DRC(m, 0) / 64] |= MACHINE_WORD_ALL;
}

static inline void add_lv_all(struct fp_set *f)
{
    fp_add(f, OBJ_LV_JOB);
    fp_add(f, OBJ_LV_UNPLUG);
    fp_add(f, OBJ_LV_EVENTS);
    for (unsigned d = 0; d < MAX_DEVICES; d++)
        fp_add(f, OBJ_LV_DEV(d));
}

static inline void add_guest_all(struct fp_set *f)
{
    fp_add(f, OBJ_GUEST_BOOT);
    fp_add(f, OBJ_GUEST_WQ_HEAD);
    fp_add(f, OBJ_GUEST_WQ_TAIL);
    fp_add(f, OBJ_GUEST_RASLOG);
    fp_add(f, OBJ_GUEST_OP);
    for (unsigned k = 0; k < MAX_CORES; k++)
        fp_add(f, OBJ_GUEST_CORE(k));
}

static inline void both(struct footprint *f, unsigned bit)
{
    fp_add(&f->rd, bit);
    fp_add(&f->wr, bit);
}

/* The guest's machines: where it runs now and where a migration may take it. */
static inline void guest_machines(const struct sim *s, bool *on)
{
    for (int m = 0; m < MAX_MACHINES; m++)
        on[m] = m < s->scn->nmachines && s->scn->machines[m].guest == GUEST_LINUX;
}

/*
 * ras_hotplug_interrupt / rtasd: take the latch (and, with
 * guest.rtas-lock-wait and another CPU online, wait for the RTAS lock
 * until the next step), check-exception or event-scan, queue the work at
 * the tail (queue_hotplug_event). Taking the head (the worker) and adding
 * at the tail commute: the kernel's list has no bound, and the model's
 * MAX_GUEST_WORK ends the branch when reached.
 */
static inline void guest_irq(int g, bool rtas_lock_wait, struct footprint *f)
{
    if (rtas_lock_wait)   /* whether another CPU is online to hold the RTAS lock */
        for (unsigned k = 0; k < MAX_CORES; k++)
            fp_add(&f->rd, OBJ_GUEST_CORE(k));
    fp_add(&f->rd, OBJ_GUEST_BOOT);
    fp_add(&f->rd, OBJ_MRUN(g));
    both(f, OBJ_MQ(g));
    both(f, OBJ_MQ_UNLATCH(g));
    both(f, OBJ_GUEST_WQ_TAIL);
    both(f, OBJ_GUEST_RASLOG);
    fp_add(&f->wr, OBJ_ABORT(g));
}

/* What the worker may touch on machine m: its DRCs and devices, never the event queue. */
static inline void worker_machine(struct footprint *f, int m)
{
    f->rd.w[OBJ_DRC(m, 0) / 64] |= MACHINE_WORD_DRCS;
    f->wr.w[OBJ_DRC(m, 0) / 64] |= MACHINE_WORD_DRCS;
    both(f, OBJ_DIMMS(m));
    both(f, OBJ_TCG(m));
    fp_add(&f->wr, OBJ_ABORT(m));
    fp_add(&f->rd, OBJ_MRUN(m));
}

/* An LMB operation (or a DRC index QEMU does not know): any DRC of the machine. */
static inline void guest_worker_wide(struct footprint *f, int m)
{
    worker_machine(f, m);
    both(f, OBJ_LV_EVENTS);
    for (unsigned d = 0; d < MAX_DEVICES; d++)
        both(f, OBJ_LV_DEV(d));
    for (unsigned k = 0; k < MAX_CORES; k++)
        both(f, OBJ_GUEST_CORE(k));
}

static inline void libvirt_all(struct footprint *f)
{
    add_lv_all(&f->rd);
    add_lv_all(&f->wr);
    for (int m = 0; m < MAX_MACHINES; m++)
        fp_add(&f->wr, OBJ_ABORT(m));   /* libvirt_qmp_event: event overflow */
}

/* The steps of script i's line from its phase on. */
static inline const struct footprint *script_step(const struct sim *s, const struct world *w, int i)
{
    int at = s->scn->script_first[i] + w->scripts[i].pc;
    uint8_t phase = w->scripts[i].phase;

    if (phase && phase >= s->line_later_from[at] && phase <= s->line_later_to[at])
        return &s->line_later[at];
    return &s->line_step[at].fp;   /* line_footprint */
}

/* footprint_future.c: the futures the scenario alone decides (the guest's, libvirt's,
 * the timers'), and script i's per-line future tables (after its line tables). */
void footprint_fixed_futures(struct sim *s);
void footprint_script_tables(struct sim *s, int i);

#endif
