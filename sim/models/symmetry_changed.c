/*
 * Which core members' keys (symmetry_order.c) a step may have changed: those
 * whose own objects its footprint writes (--por-check proves it covers every
 * change), all where it writes a queue or owner every key reads or moves an
 * abort, and those whose pending step sim_normalize moved. (A DIMM member's
 * LMB DRCs move with its address: sim.c keys those from scratch.)
 */
#include <string.h>
#include "footprint.h"
#include "sim.h"
#include "symmetry.h"

/* What member k's key reads of its own: its DRC (device, bits) on each machine, its core in
 * the guest, its device in libvirt, its script. The rest of what keys read is shared. */
static void own_objects(const struct sim *s, const struct sym_member *mb, struct fp_set *own)
{
    memset(own, 0, sizeof(*own));
    for (int m = 0; m < s->scn->nmachines; m++) {
        fp_add(own, (unsigned)OBJ_DRC(m, mb->slot));
        fp_add(own, (unsigned)OBJ_DRC(m, 0) + s->dev_obj[m][mb->device]);
    }
    fp_add(own, OBJ_GUEST_CORE(mb->core));
    fp_add(own, OBJ_LV_DEV(mb->device));
    fp_add(own, OBJ_SCRIPT(mb->script));
}

void sym_changed_init(struct sim *s)
{
    static const unsigned shared[] = { OBJ_GUEST_WQ_HEAD, OBJ_GUEST_WQ_TAIL, OBJ_GUEST_RASLOG,
        OBJ_LV_JOB, OBJ_LV_UNPLUG, OBJ_LV_EVENTS, OBJ_FAILURE, OBJ_MIGRATION };
    struct sim_symmetry *y = &s->sym;

    memset(&y->shared, 0, sizeof(y->shared));
    for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
        fp_add(&y->shared, shared[i]);
    fp_add(&y->shared, OBJ_ANY);
    for (int m = 0; m < MAX_MACHINES; m++)   /* positions in the queue */
        fp_add(&y->shared, (unsigned)OBJ_MQ(m));
    for (int k = 0; k < y->n; k++)
        own_objects(s, &y->mem[k], &y->own[k]);
}

/*
 * The DLPAR operation (OBJ_GUEST_OP) is every key's where it changes hands
 * or moves the tree-mismatch DRC, else its owner's and the cores whose
 * dlpar_failed bit changed.
 */
static uint32_t op_changed(const struct sim *s, const struct guest_state *a,
                           const struct guest_state *b, uint32_t all)
{
    uint32_t changed = 0;
    uint64_t failed = (a->dlpar_failed ^ b->dlpar_failed) >> s->sym.cpu_first;

    if (a->op.index != b->op.index || a->dt_mismatch_drc != b->dt_mismatch_drc)
        return all;
    for (unsigned k = 0; k < s->sym.n; k++) {
        const struct sym_member *mb = &s->sym.mem[k];
        if (mb->index == b->op.index || (failed >> mb->core & 1))
            changed |= 1u << k;
    }
    return changed;
}

uint32_t sym_members_changed(const struct sim *s, const struct world *before,
                             const struct step *st, const struct world *after)
{
    const struct sim_symmetry *y = &s->sym;
    uint32_t all = (1u << y->n) - 1, changed = 0;
    struct footprint f;

    for (int m = 0; m < s->scn->nmachines; m++) {   /* the CPU unplug timer's DRC, the abort's */
        const struct actor *a = &before->actors[ACTOR_QEMU_TIMER0 + m];
        const struct actor *b = &after->actors[ACTOR_QEMU_TIMER0 + m];
        if (a->kind != b->kind || a->arg != b->arg ||
            before->machines[m].abort_drc != after->machines[m].abort_drc)
            return all;
    }
    sim_footprint(s, before, st, &f);
    if (fp_meets(&f.wr, &y->shared))
        return all;
    if (fp_has(&f.wr, OBJ_GUEST_OP))
        changed = op_changed(s, &before->guest, &after->guest, all);
    for (unsigned k = 0; k < y->n; k++) {
        const struct sym_member *mb = &y->mem[k];
        if (fp_meets(&f.wr, &y->own[k]) ||
            memcmp(&before->actors[ACTOR_SCRIPT0 + mb->script],
                   &after->actors[ACTOR_SCRIPT0 + mb->script], sizeof(struct actor)))
            changed |= 1u << k;
    }
    return changed;
}
