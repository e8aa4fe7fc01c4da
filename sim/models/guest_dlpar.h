/*
 * Inside the guest's DLPAR interpreter: one worker step (struct dstep), the
 * DRC primitives (guest_dlpar.c) and the operations that use them
 * (guest_dlpar_cpu.c, guest_dlpar_mem.c).
 */
#ifndef DRCSIM_GUEST_DLPAR_H
#define DRCSIM_GUEST_DLPAR_H

#include "guest_os.h"

#define PPC_END 0xff
enum { DR_ENTITY_PRESENT = 1, DR_ENTITY_UNUSABLE = 2 };
enum { EINVAL = 22, ENODEV = 19, EBUSY = 16, EIO = 5, EFAULT = 14, EEXIST = 17, ERANGE = 34 };

/*
 * One worker step: whether its trace step was begun (named after the RTAS
 * call it makes, else after the kernel function), whether it acted, and the
 * kernel log lines printed before the step was named.
 */
struct dstep {
    struct step_ctx *c;
    bool begun, acted, blocked;
    const char *fn;
    int npending;
    char pending[4][160];
};

static inline int machine_of(struct dstep *d) { return d->c->w->guest.machine; }
static inline struct dlpar_op *op_of(struct dstep *d) { return &d->c->w->guest.op; }

void dlpar_begin_traced(struct dstep *d, const char *op);

/* Name the trace step after op (once) and print the log lines kept until then.
 * Untraced there is nothing to name and dlog keeps nothing: no call. */
static inline void dlpar_begin(struct dstep *d, const char *op)
{
    if (!d->begun && d->c->tr)
        dlpar_begin_traced(d, op);
}
/* May this step still act? After its one action it may not: blocked. */
bool may_act(struct dstep *d);
void dlog(struct dstep *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void prim_start(struct dlpar_op *op, uint8_t prim);
/* true while the primitive owes calls (this step made one); false when done */
bool dlpar_prim(struct dstep *d, uint32_t idx);

/* Operations: advance until this step acted or the operation ended. */
enum { OP_CONTINUE, OP_YIELD, OP_DONE };
int dlpar_cpu_add(struct dstep *d);
int dlpar_cpu_remove(struct dstep *d);
int dlpar_memory_add(struct dstep *d);
int dlpar_memory_remove(struct dstep *d);

/* "PowerPC,POWER9": the node name %pOFn prints, from the host's CPU model. */
const char *cpu_node_name(struct dstep *d);

/* LMB helpers: slot offset of an index, and its address. */
int lmb_of(struct dstep *d, uint32_t idx);
uint64_t lmb_addr(struct dstep *d, int k);
uint32_t lmb_index(struct dstep *d, int k);

#endif
