/*
 * The guest's DLPAR work (pseries/dlpar.c, hotplug-cpu.c, hotplug-memory.c)
 * as an interpreter: each worker step makes one RTAS call or one guest-visible
 * action (start-cpu, stop-self, offlining a memory block), so that migration
 * and management can interleave anywhere. Primitives: dlpar_acquire_drc,
 * dlpar_release_drc, dlpar_unisolate_drc, dlpar_configure_connector.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "drc_fdt.h"
#include "guest_dlpar.h"
#include "spapr.h"


/* rtas_error_rc (arch/powerpc/kernel/rtas.c) */
static int rtas_error_rc(int rc)
{
    switch (rc) {
    case -1:    return -EIO;
    case -3:    return -EINVAL;
    case -9000: return -EFAULT;
    case -9001: return -EEXIST;
    case -9002: return -ENODEV;
    default:    return -ERANGE;
    }
}

void dlpar_begin_traced(struct dstep *d, const char *op)
{
    guest_trace_begin(d->c, op);
    d->begun = true;
    for (int i = 0; i < d->npending; i++)
        guest_log(d->c, "%s", d->pending[i]);
    d->npending = 0;
}

bool may_act(struct dstep *d)
{
    if (d->acted)
        d->blocked = true;
    return !d->acted;
}

void dlog(struct dstep *d, const char *fmt, ...)
{
    va_list ap;

    if (!d->c->tr)
        return;
    if (d->begun || d->npending == 4) {
        char line[160];
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        dlpar_begin(d, d->fn);
        guest_log(d->c, "%s", line);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(d->pending[d->npending++], sizeof(d->pending[0]), fmt, ap);
    va_end(ap);
}

static const char *const prim_fn[] = {
    "", "dlpar_acquire_drc", "dlpar_release_drc", "dlpar_unisolate_drc", "dlpar_configure_connector" };


static struct rtas_ret do_sense(struct dstep *d, uint32_t idx)
{
    struct rtas_ret r;

    dlpar_begin(d, "get-sensor-state");
    if (d->c->tr) {
        trace_arg_str(d->c->tr, "fn", prim_fn[op_of(d)->prim]);
        trace_arg_str(d->c->tr, "type", "dr-entity-sense");
        trace_arg_hex(d->c->tr, "index", idx);
    }
    r = rtas_get_sensor_state(d->c->s, d->c->w, machine_of(d), RTAS_SENSOR_TYPE_ENTITY_SENSE, idx,
                              d->c->tr);
    if (d->c->tr) {
        trace_result_int(d->c->tr, "rc", r.rc);
        trace_result_int(d->c->tr, "value", r.value);
    }
    d->acted = true;
    return r;
}

static int do_set(struct dstep *d, uint32_t type, uint32_t idx, uint32_t value)
{
    static const char *const names[2][2] = { { "isolate", "unisolate" }, { "unusable", "usable" } };
    bool iso = type == RTAS_SENSOR_TYPE_ISOLATION_STATE;
    struct rtas_ret r;

    dlpar_begin(d, "set-indicator");
    if (d->c->tr) {
        trace_arg_str(d->c->tr, "fn", prim_fn[op_of(d)->prim]);
        trace_arg_str(d->c->tr, "type", iso ? "isolation-state" : "allocation-state");
        trace_arg_hex(d->c->tr, "index", idx);
        trace_arg_str(d->c->tr, "value", names[!iso][value]);
    }
    r = rtas_set_indicator(d->c->s, d->c->w, machine_of(d), type, idx, value, d->c->tr);
    if (d->c->tr)
        trace_result_int(d->c->tr, "rc", r.rc);
    d->acted = true;
    return r.rc;
}

void prim_start(struct dlpar_op *op, uint8_t prim)
{
    op->prim = prim;
    op->ppc = 0;
    op->cc_depth = 0;
    op->cc_digest = 0;
}

static void prim_end(struct dlpar_op *op, int rc)
{
    op->ppc = PPC_END;
    op->prim_rc = (int16_t)rc;
}

/*
 * dlpar_acquire_drc and dlpar_release_drc (arch/powerpc/platforms/pseries/
 * dlpar.c) have one shape: dr-entity-sense must read a value, then two
 * set-indicator calls; when the second fails, the first is undone.
 */
struct drc_primitive {
    uint32_t sense_want;
    uint32_t first_sensor, first_value, second_sensor, second_value;
};

/* acquire: UNUSABLE, then allocation USABLE, then UNISOLATE. */
static const struct drc_primitive acquire_drc = {
    DR_ENTITY_UNUSABLE, RTAS_SENSOR_TYPE_ALLOCATION_STATE, 1, RTAS_SENSOR_TYPE_ISOLATION_STATE, 1 };
/* release: PRESENT, then ISOLATE, then allocation UNUSABLE. */
static const struct drc_primitive release_drc = {
    DR_ENTITY_PRESENT, RTAS_SENSOR_TYPE_ISOLATION_STATE, 0, RTAS_SENSOR_TYPE_ALLOCATION_STATE, 0 };

static void run_primitive(struct dstep *d, uint32_t idx, const struct drc_primitive *p)
{
    struct dlpar_op *op = op_of(d);
    struct rtas_ret r;
    int rc;

    switch (op->ppc) {
    case 0:
        r = do_sense(d, idx);
        if (r.rc || r.value != p->sense_want)
            prim_end(op, -1);
        else
            op->ppc = 1;
        break;
    case 1:
        rc = do_set(d, p->first_sensor, idx, p->first_value);
        if (rc)
            prim_end(op, rtas_error_rc(rc));
        else
            op->ppc = 2;
        break;
    case 2:
        rc = do_set(d, p->second_sensor, idx, p->second_value);
        if (!rc) {
            prim_end(op, 0);
        } else {
            op->saved_rc = (int16_t)rtas_error_rc(rc);
            op->ppc = 3;
        }
        break;
    default:   /* roll back the first indicator */
        do_set(d, p->first_sensor, idx, !p->first_value);
        prim_end(op, op->saved_rc);
        break;
    }
}

/* dlpar_unisolate_drc: a hint; the set-indicator result is ignored. */
static void unisolate_hint(struct dstep *d, uint32_t idx)
{
    struct dlpar_op *op = op_of(d);

    if (op->ppc == 0) {
        struct rtas_ret r = do_sense(d, idx);
        if (r.rc || r.value != DR_ENTITY_PRESENT)
            prim_end(op, -1);
        else
            op->ppc = 1;
    } else {
        do_set(d, RTAS_SENSOR_TYPE_ISOLATION_STATE, idx, 1);
        prim_end(op, 0);
    }
}

/* The guest's view of one item: folded into the digest of its tree. */
static void assemble(struct dlpar_op *op, int rc, const struct drc_cc_item *it)
{
    op->cc_digest = drc_cc_digest(op->cc_digest, rc, it);
}

/*
 * dlpar_configure_connector: one call per step. NEXT_CHILD opens a node
 * under the last one, PREV_PARENT closes it, COMPLETE returns the tree;
 * anything else is "Unexpected Error". The tree must equal QEMU's fragment.
 */
static void configure(struct dstep *d, uint32_t idx)
{
    struct dlpar_op *op = op_of(d);
    struct guest_state *g = &d->c->w->guest;
    struct drc_cc_item it;
    struct rtas_ret r;

    dlpar_begin(d, "ibm,configure-connector");
    if (d->c->tr) {
        trace_arg_str(d->c->tr, "fn", prim_fn[PRIM_CONFIGURE]);
        trace_arg_hex(d->c->tr, "index", idx);
    }
    r = rtas_ibm_configure_connector(d->c->s, d->c->w, machine_of(d), idx, d->c->tr, &it);
    d->acted = true;
    if (d->c->tr) {
        trace_result_int(d->c->tr, "rc", r.rc);
        if (it.name)
            trace_result_str(d->c->tr, "name", it.name);
    }
    assemble(op, r.rc, &it);
    if (r.rc == SPAPR_DR_CC_RESPONSE_NEXT_CHILD)
        op->cc_depth++;
    else if (r.rc == SPAPR_DR_CC_RESPONSE_PREV_PARENT)
        op->cc_depth--;
    if (r.rc == SPAPR_DR_CC_RESPONSE_SUCCESS) {
        int slot = sim_drc_by_index(d->c->s, machine_of(d), idx);
        if (slot >= 0 && (op->cc_digest != d->c->s->cc_digest[machine_of(d)][slot] ||
                          op->cc_depth != 1) && !g->dt_mismatch) {
            g->dt_mismatch = 1;
            g->dt_mismatch_drc = (uint8_t)slot;
        }
        prim_end(op, 0);
    } else if (!drc_cc_more(r.rc)) {
        guest_log(d->c, "Unexpected Error (%d) returned from configure-connector", r.rc);
        prim_end(op, -1);
    }
}

/*
 * Run the primitive in hand. Returns true while it still owes calls (this
 * step made one); false once it has finished, with op->prim_rc set.
 */
bool dlpar_prim(struct dstep *d, uint32_t idx)
{
    struct dlpar_op *op = op_of(d);

    if (op->ppc == PPC_END) {
        op->prim = PRIM_NONE;
        op->ppc = 0;
        return false;
    }
    if (!may_act(d))
        return true;
    switch (op->prim) {
    case PRIM_ACQUIRE:   run_primitive(d, idx, &acquire_drc); break;
    case PRIM_RELEASE:   run_primitive(d, idx, &release_drc); break;
    case PRIM_UNISOLATE: unisolate_hint(d, idx); break;
    default:             configure(d, idx); break;
    }
    /* this step acted: a primitive still owing calls would only block when entered again */
    if (op->ppc != PPC_END)
        d->blocked = true;
    return true;
}

/* handle_dlpar_errorlog: the next work item becomes the operation. */
static void start_op(struct dstep *d)
{
    struct guest_state *g = &d->c->w->guest;
    struct spapr_event_entry e = g->work[0];
    struct dlpar_op *op = &g->op;
    bool add = e.action == RTAS_LOG_V6_HP_ACTION_ADD;

    memmove(&g->work[0], &g->work[1], (size_t)(g->nwork - 1) * sizeof(g->work[0]));
    memset(&g->work[--g->nwork], 0, sizeof(g->work[0]));
    *op = (struct dlpar_op){ .index = e.index, .id_type = e.id_type, .count = e.count };
    if (e.hp_type == RTAS_LOG_V6_HP_TYPE_CPU && e.id_type == RTAS_LOG_V6_HP_ID_DRC_INDEX)
        op->kind = add ? DLPAR_CPU_ADD : DLPAR_CPU_REMOVE;
    else if (e.hp_type == RTAS_LOG_V6_HP_TYPE_MEMORY)
        op->kind = add ? DLPAR_MEM_ADD : DLPAR_MEM_REMOVE;
    else
        op->rc = -EINVAL;   /* "Invalid action … specified": nothing to run */
    d->fn = op->kind == DLPAR_CPU_ADD ? "dlpar_cpu_add"
          : op->kind == DLPAR_CPU_REMOVE ? "dlpar_cpu_remove_by_index"
          : op->kind == DLPAR_MEM_ADD ? "dlpar_memory_add"
          : op->kind == DLPAR_MEM_REMOVE ? "dlpar_memory_remove_by_ic" : "handle_dlpar_errorlog";
}

static int run_op(struct dstep *d)
{
    switch (op_of(d)->kind) {
    case DLPAR_CPU_ADD:    return dlpar_cpu_add(d);
    case DLPAR_CPU_REMOVE: return dlpar_cpu_remove(d);
    case DLPAR_MEM_ADD:    return dlpar_memory_add(d);
    case DLPAR_MEM_REMOVE: return dlpar_memory_remove(d);
    default:               return OP_DONE;
    }
}

static const char *op_fn(uint8_t kind)
{
    static const char *const names[] = { "handle_dlpar_errorlog", "dlpar_cpu_add",
        "dlpar_cpu_remove_by_index", "dlpar_memory_add", "dlpar_memory_remove_by_ic" };
    return names[kind];
}

/*
 * One step of pseries_hp_wq: start the next work item if none is running,
 * then advance the operation until it makes one call or ends. An operation
 * that ends with an error counts in dlpar_errors (guest-dlpar-error).
 */
void dlpar_step(struct step_ctx *c)
{
    struct dstep d;   /* pending[] is written before it is read: not cleared */
    struct guest_state *g = &c->w->guest;
    int r = OP_CONTINUE;

    d.c = c;
    d.begun = d.acted = d.blocked = false;
    d.fn = NULL;
    d.npending = 0;

    if (g->op.kind == DLPAR_NONE)
        start_op(&d);
    else
        d.fn = op_fn(g->op.kind);
    /* after its one action the operation runs on until it would act again */
    while (r != OP_DONE && !d.blocked)
        r = run_op(&d);
    if (r == OP_DONE && g->op.rc) {
        int slot = sim_drc_by_index(c->s, g->machine, g->op.index);
        if (g->dlpar_errors < UINT16_MAX)
            g->dlpar_errors++;
        g->dlpar_failed |= 1ull << (slot >= 0 ? slot : 63);
    }
    if (r == OP_DONE) {
        memset(&g->op, 0, sizeof(g->op));
    }
    dlpar_begin(&d, d.fn);
    if (c->tr)
        trace_step_end(c->tr);
}
