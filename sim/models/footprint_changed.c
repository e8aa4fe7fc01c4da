/*
 * What a fired step really changed, as the object bits of footprint.h:
 * sim_changed maps a world diff onto them so that --por-check can prove
 * each step's declared write set covers it; and the objects' names.
 */
#include <stdio.h>
#include <string.h>
#include "footprint.h"
#include "sim.h"

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
    if (DIFF(runstate) || DIFF(ov5_cas) || DIFF(migration) || DIFF(intc) ||
        DIFF(autostart))
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
    if (DIFF(has_ras_log) || DIFF(ras_log_buf) || DIFF(in_irq) || DIFF(panic))
        fp_add(out, OBJ_GUEST_RASLOG);
    if (DIFF(nwork) || DIFF(work))
        work_changed(a, b, out);
    bits_changed(a->cpus, b->cpus, out, OBJ_GUEST_CORE(0));
    bits_changed(a->online, b->online, out, OBJ_GUEST_CORE(0));
    if (DIFF(lmbs) || DIFF(dlpar_errors) || DIFF(dlpar_failed) || DIFF(dt_mismatch) ||
        DIFF(dt_mismatch_drc) || DIFF(lmbs_busy) || DIFF(op))
        fp_add(out, OBJ_GUEST_OP);
}

/*
 * The worker's queue is part of the event queue's object (the QMP event
 * bound counts both); each entry that moved or changed names its device.
 */
static void worker_q_changed(const struct libvirt_state *a, const struct libvirt_state *b,
                             struct fp_set *out)
{
    fp_add(out, OBJ_LV_EVENTS);
    for (unsigned i = 0; i < MAX_LV_EVENTS; i++) {
        if (i < a->nworker && i < b->nworker && a->worker_q[i].machine == b->worker_q[i].machine &&
            a->worker_q[i].dev == b->worker_q[i].dev)
            continue;
        if (i < a->nworker)
            fp_add(out, OBJ_LV_DEV(a->worker_q[i].dev));
        if (i < b->nworker)
            fp_add(out, OBJ_LV_DEV(b->worker_q[i].dev));
    }
}

static void libvirt_changed(const struct libvirt_state *a, const struct libvirt_state *b,
                            struct fp_set *out)
{
    if (DIFF(job) || DIFF(job_owner) || DIFF(domain) || DIFF(mig_paused) ||
        DIFF(mig_was_running) || DIFF(mig_xml) || DIFF(gone) || DIFF(defined))
        fp_add(out, OBJ_LV_JOB);
    if (DIFF(unplug_dev) || DIFF(unplug_status))
        fp_add(out, OBJ_LV_UNPLUG);
    if (DIFF(nevents) || DIFF(events))
        fp_add(out, OBJ_LV_EVENTS);
    if (DIFF(nworker) || DIFF(worker_q))
        worker_q_changed(a, b, out);
    for (int m = 0; m < MAX_MACHINES; m++)
        bits_changed(a->xml[m], b->xml[m], out, OBJ_LV_DEV(0));
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
