/*
 * Memory DLPAR in the guest (pseries/hotplug-memory.c): add by count-indexed
 * (OV5_HP_EVT) or by count, remove by count-indexed, with dlpar_add_lmb's
 * configure-connector (parent "/", only for the associativity), rollback of
 * what was added or removed, and the releases after all blocks are offline.
 */
#include "drc_fdt.h"
#include "guest_dlpar.h"
#include "spapr.h"

/* hotplug-memory.c's pr_fmt: its pr_info/pr_warn lines carry it on the console */
#define PR_FMT "pseries-hotplug-mem: "

/* The LMB (slot offset) of DRC index idx on machine m, or -1 when it is no LMB's. */
static int lmb_at(const struct sim *s, int m, uint32_t idx)
{
    const struct sim_machine *sm = &s->m[m];
    int slot = sim_drc_by_index(s, m, idx);

    return slot >= sm->lmb_first && slot < sm->lmb_first + sm->nlmb ? slot - sm->lmb_first : -1;
}

int lmb_of(struct dstep *d, uint32_t idx)
{
    return lmb_at(d->c->s, machine_of(d), idx);
}

uint64_t lmb_addr(struct dstep *d, int k)
{
    return (uint64_t)(d->c->s->m[machine_of(d)].lmb_base_id + (uint32_t)k) * SPAPR_MEMORY_BLOCK_SIZE;
}

uint32_t lmb_index(struct dstep *d, int k)
{
    const struct sim_machine *sm = &d->c->s->m[machine_of(d)];

    return sm->drcs[sm->lmb_first + k].index;
}

static bool by_ic(const struct dlpar_op *op)
{
    return op->id_type == RTAS_LOG_V6_HP_ID_DRC_COUNT_INDEXED;
}

static int lowest(uint16_t bits)
{
    return bits ? __builtin_ctz(bits) : -1;
}

/*
 * Whether the worker's next sub-step offlines an LMB (dlpar_remove_lmb:
 * dlpar_offline_lmb, then remove_memory), the step guest.lmb-offline
 * delays: a count-indexed removal in its block loop with an assigned block
 * left. (Its "Attempting to hot-remove" line came in the step before.)
 */
bool dlpar_memory_offlines_next(const struct sim *s, const struct world *w)
{
    const struct guest_state *g = &w->guest;
    int start;

    if (g->op.kind != DLPAR_MEM_REMOVE || g->op.pc != 1 || !by_ic(&g->op))
        return false;
    start = lmb_at(s, g->machine, g->op.index);
    if (start < 0 || start + g->op.count > s->m[g->machine].nlmb || g->op.cursor >= g->op.count)
        return false;
    return (g->lmbs >> (start + g->op.cursor) & bits_below(g->op.count - g->op.cursor)) != 0;
}

/* dlpar_remove_lmb: offline the block and remove it; no RTAS. */
static void remove_memory(struct dstep *d, int k)
{
    dlpar_begin(d, "remove_memory");
    if (d->c->tr)
        trace_arg_hex(d->c->tr, "index", lmb_index(d, k));
    d->c->w->guest.lmbs &= (uint16_t)~(1u << k);
    d->acted = true;
}

/* Where the next LMB to add is, or -1 when the loop is over. */
static int next_to_add(struct dstep *d, int start)
{
    struct dlpar_op *op = op_of(d);
    const struct guest_state *g = &d->c->w->guest;
    int n = by_ic(op) ? op->count : d->c->s->m[machine_of(d)].nlmb;

    if (!by_ic(op) && op->done == op->count)
        return -1;
    while (op->cursor < n && (g->lmbs >> (start + op->cursor) & 1))
        op->cursor++;
    return op->cursor < n ? start + op->cursor : -1;
}

static int add_failed(struct dstep *d)
{
    struct dlpar_op *op = op_of(d);

    if (by_ic(op))
        dlog(d, PR_FMT "Memory indexed-count-add failed, removing any added LMBs");
    else
        dlog(d, PR_FMT "Memory hot-add failed, removing any added LMBs");
    op->rc = -EINVAL;
    op->pc = 7;
    return OP_CONTINUE;
}

/*
 * After a block's acquire (pc 2), configure (3) or releases (4, 6). A failed
 * configure releases the DRC twice: dlpar_add_lmb does, then says so, and
 * its caller releases it again (hotplug-memory.c), which finds it UNUSABLE.
 */
static int add_block_done(struct dstep *d, int k)
{
    struct dlpar_op *op = op_of(d);

    if (op->pc == 2 && !op->prim_rc) {
        prim_start(op, PRIM_CONFIGURE);
        op->pc = 3;
    } else if (op->pc == 3 && !op->prim_rc) {   /* __add_memory, online */
        d->c->w->guest.lmbs |= (uint16_t)(1u << k);
        op->reserved |= (uint16_t)(1u << k);
        op->done++;
        op->cursor++;
        op->pc = 1;
    } else if (op->pc == 3) {                   /* dlpar_add_lmb's release */
        prim_start(op, PRIM_RELEASE);
        op->pc = 4;
    } else if (op->pc == 4) {                   /* then the caller's */
        dlog(d, PR_FMT "Failed to configure LMB 0x%x", lmb_index(d, k));
        prim_start(op, PRIM_RELEASE);
        op->pc = 6;
    } else if (by_ic(op)) {                     /* acquire failed, or released */
        return add_failed(d);
    } else {                                    /* by count: skip this LMB */
        op->cursor++;
        op->pc = 1;
    }
    return OP_CONTINUE;
}

/*
 * dlpar_memory_add_by_count's check before any RTAS call: a count of 0, or
 * more than the LMBs not assigned to the guest (none is reserved between
 * operations), is -EINVAL with nothing logged after "Attempting to hot-add".
 */
static bool lmbs_available(struct dstep *d)
{
    const struct dlpar_op *op = op_of(d);
    unsigned n = d->c->s->m[machine_of(d)].nlmb;

    return op->count &&
           n - (unsigned)__builtin_popcount(d->c->w->guest.lmbs & bits_below(n)) >= op->count;
}

int dlpar_memory_add(struct dstep *d)
{
    struct dlpar_op *op = op_of(d);
    int start = by_ic(op) ? lmb_of(d, op->index) : 0, k;

    switch (op->pc) {
    case 0:
        if (by_ic(op))
            dlog(d, PR_FMT "Attempting to hot-add %u LMB(s) at index %x", op->count, op->index);
        else
            dlog(d, PR_FMT "Attempting to hot-add %u LMB(s)", op->count);
        if (start < 0 || (by_ic(op) && start + op->count > d->c->s->m[machine_of(d)].nlmb) ||
            (!by_ic(op) && !lmbs_available(d))) {
            op->rc = -EINVAL;   /* get_lmb_range; by count, fewer LMBs free than asked */
            return OP_DONE;
        }
        op->pc = 1;
        return OP_CONTINUE;
    case 1:
        k = next_to_add(d, start);
        if (k < 0 && !by_ic(op) && op->done < op->count)
            return add_failed(d);   /* not enough LMBs could be added */
        if (k < 0) {
            op->pc = 5;
            return OP_CONTINUE;
        }
        prim_start(op, PRIM_ACQUIRE);
        op->pc = 2;
        return OP_CONTINUE;
    case 2: case 3: case 4: case 6:
        k = start + op->cursor;
        if (dlpar_prim(d, lmb_index(d, k)))
            return OP_YIELD;
        return add_block_done(d, k);
    case 5:
        for (k = 0; k < 16; k++)
            if (op->reserved >> k & 1)
                dlog(d, PR_FMT "Memory at %llx (drc index %x) was hot-added",
                     (unsigned long long)lmb_addr(d, k), lmb_index(d, k));
        return OP_DONE;
    case 7:   /* remove what was added: dlpar_remove_lmb, then release */
        k = lowest(op->reserved);
        if (k < 0)
            return OP_DONE;
        if (!may_act(d))
            return OP_YIELD;
        remove_memory(d, k);
        prim_start(op, PRIM_RELEASE);
        op->pc = 8;
        return OP_YIELD;
    default:
        k = lowest(op->reserved);
        if (dlpar_prim(d, lmb_index(d, k)))
            return OP_YIELD;
        op->reserved &= (uint16_t)~(1u << k);
        op->pc = 7;
        return OP_CONTINUE;
    }
}

/*
 * The failed removal's rollback, per block removed so far: the UNISOLATE
 * hint (dlpar_unisolate_drc, with guest.unisolate-on-remove-failure: Linux
 * 2021-04, "Set UNISOLATE on dlpar_memory_remove_by_ic() error"), then
 * dlpar_add_lmb, whose update_lmb_associativity_index runs configure-connector
 * on the DRC still CONFIGURED (what fe1831eff8 reads as the guest's refusal
 * where the hint is missing). Then -EINVAL.
 */
static int remove_rollback(struct dstep *d)
{
    struct dlpar_op *op = op_of(d);
    int k = lowest(op->reserved);

    switch (op->pc) {
    case 10:
        if (k < 0) {
            op->rc = -EINVAL;
            return OP_DONE;
        }
        if (knob_on(&d->c->s->knobs, KNOB_GUEST_UNISOLATE_ON_REMOVE_FAILURE)) {
            prim_start(op, PRIM_UNISOLATE);
            op->pc = 12;
            return OP_CONTINUE;
        }
        break;
    case 12:   /* the hint's result is ignored */
        if (dlpar_prim(d, lmb_index(d, k)))
            return OP_YIELD;
        break;
    case 13:   /* dlpar_add_lmb released the DRC after its configure failed */
        if (dlpar_prim(d, lmb_index(d, k)))
            return OP_YIELD;
        dlog(d, PR_FMT "Failed to configure LMB 0x%x", lmb_index(d, k));
        dlog(d, PR_FMT "Failed to add LMB, drc index %x", lmb_index(d, k));
        op->reserved &= (uint16_t)~(1u << k);
        op->pc = 10;
        return OP_CONTINUE;
    default:   /* 11: dlpar_add_lmb's configure-connector */
        if (dlpar_prim(d, lmb_index(d, k)))
            return OP_YIELD;
        if (op->prim_rc) {
            prim_start(op, PRIM_RELEASE);
            op->pc = 13;
            return OP_CONTINUE;
        }
        d->c->w->guest.lmbs |= (uint16_t)(1u << k);   /* __add_memory, online */
        op->reserved &= (uint16_t)~(1u << k);
        op->pc = 10;
        return OP_CONTINUE;
    }
    prim_start(op, PRIM_CONFIGURE);
    op->pc = 11;
    return OP_CONTINUE;
}

/*
 * dlpar_memory_remove_by_ic: offline and remove every assigned block of the
 * range (no RTAS), then release each DRC, ignoring the result.
 */
int dlpar_memory_remove(struct dstep *d)
{
    struct dlpar_op *op = op_of(d);
    int start = lmb_of(d, op->index), k;

    switch (op->pc) {
    case 0:
        dlog(d, PR_FMT "Attempting to hot-remove %u LMB(s) at %x", op->count, op->index);
        if (!by_ic(op) || start < 0 || start + op->count > d->c->s->m[machine_of(d)].nlmb) {
            op->rc = -EINVAL;
            return OP_DONE;
        }
        op->pc = 1;
        /* pr_info comes before the block loop, whose offline_pages takes guest.lmb-offline:
         * with that modelled, the line is seen while the first offline still runs (one
         * real run: 42 s without the block's isolate after it, validate/dimm-base-migration) */
        if (d->c->s->knobs.hi[KNOB_GUEST_LMB_OFFLINE]) {
            d->blocked = true;
            return OP_YIELD;
        }
        return OP_CONTINUE;
    case 1:
        while (op->cursor < op->count && !(d->c->w->guest.lmbs >> (start + op->cursor) & 1))
            op->cursor++;
        if (op->cursor == op->count) {
            op->pc = 2;
            return OP_CONTINUE;
        }
        if (!may_act(d))
            return OP_YIELD;
        k = start + op->cursor++;
        if (d->c->w->guest.lmbs_busy >> k & 1) {   /* dlpar_offline_lmb: -EBUSY */
            dlpar_begin(d, "remove_memory");
            if (d->c->tr) {
                trace_arg_hex(d->c->tr, "index", lmb_index(d, k));
                trace_result_int(d->c->tr, "errno", -16);
            }
            dlog(d, PR_FMT "Memory indexed-count-remove failed, adding any removed LMBs");
            d->acted = true;
            op->pc = 10;
            return OP_YIELD;
        }
        remove_memory(d, k);
        op->reserved |= (uint16_t)(1u << k);
        return OP_YIELD;
    case 2:
        k = lowest(op->reserved);
        if (k < 0)
            return OP_DONE;
        prim_start(op, PRIM_RELEASE);
        op->pc = 3;
        return OP_CONTINUE;
    case 10: case 11: case 12: case 13:
        return remove_rollback(d);
    default:
        k = lowest(op->reserved);
        if (dlpar_prim(d, lmb_index(d, k)))
            return OP_YIELD;
        dlog(d, PR_FMT "Memory at %llx (drc index %x) was hot-removed",
             (unsigned long long)lmb_addr(d, k), lmb_index(d, k));
        op->reserved &= (uint16_t)~(1u << k);
        op->pc = 2;
        return OP_CONTINUE;
    }
}
