/*
 * The base device tree QEMU hands the guest at machine reset and at CAS
 * (spapr_build_fdt): /cpus with a node per present core and ibm,drc-indexes,
 * /ibm,dynamic-reconfiguration-memory with ibm,dynamic-memory flags, and
 * /event-sources/hot-plug-events when negotiated. Built with libfdt, then
 * read back as the guest reads it; the world keeps what the guest will see.
 */
#include <libfdt.h>
#include <stdio.h>
#include "drc_fdt.h"
#include "spapr.h"

/*
 * Room for the largest tree (MAX_CORES cores present, MAX_LMBS LMBs), about
 * 1.7 KiB, twice over: a core node with its three properties takes under 100
 * bytes, ibm,dynamic-memory 4 + 24 per LMB, the rest (header, reserve map,
 * /cpus, /event-sources, property names) under 1 KiB. fdt_create clears the
 * whole buffer, so it is kept near that: at 64 KiB the clearing was half of
 * a reset's or a CAS's instructions.
 */
#define FDT_SIZE (2 * (1024 + MAX_CORES * 100 + 4 + MAX_LMBS * 24))
#define SPAPR_LMB_FLAGS_ASSIGNED 0x00000008u   /* include/hw/ppc/spapr.h */

/*
 * Written with libfdt's sequential-write calls, each node's properties before
 * its subnodes, the failures of a node's calls or'ed (libfdt's errors are
 * negative, success 0). QEMU edits an open tree instead (fdt_add_subnode,
 * fdt_setprop), which finds its place by walking the tree at every call; the
 * nodes and properties come out the same, the walks (four fifths of a reset's
 * instructions) do not.
 */

/* spapr_populate_cpus_dt_node: every present vCPU core (CPU_FOREACH). */
static int dt_cpus(const struct sim *s, const struct world *w, int m, void *fdt)
{
    const struct sim_machine *sm = &s->m[m];
    uint32_t indexes[1 + MAX_CORES];
    int err = 0;

    indexes[0] = cpu_to_fdt32(sm->ncpu);
    for (int i = 0; i < sm->ncpu; i++)
        indexes[1 + i] = cpu_to_fdt32(sm->drcs[sm->cpu_first + i].index);
    err |= fdt_begin_node(fdt, "cpus");
    err |= fdt_property_u32(fdt, "#address-cells", 1);
    err |= fdt_property_u32(fdt, "#size-cells", 0);
    err |= fdt_property(fdt, "ibm,drc-indexes", indexes, (1 + sm->ncpu) * 4);
    for (int i = 0; i < sm->ncpu; i++) {
        uint32_t index = sm->drcs[sm->cpu_first + i].index;
        char name[48];
        if (!w->machines[m].drcs[sm->cpu_first + i].dev)
            continue;
        snprintf(name, sizeof(name), "%s@%x", s->scn->machines[m].host == CPU_POWER8
                 ? "PowerPC,POWER8" : "PowerPC,POWER9", index & 0x0fffffff);
        err |= fdt_begin_node(fdt, name);
        err |= fdt_property_string(fdt, "device_type", "cpu");
        err |= fdt_property_u32(fdt, "reg", index & 0x0fffffff);
        err |= fdt_property_u32(fdt, "ibm,my-drc-index", index);
        err |= fdt_end_node(fdt);
    }
    return err | fdt_end_node(fdt);
}

/* A realized DIMM covers this LMB: memory_region_present() at its address. */
static bool lmb_present(const struct sim *s, const struct world *w, int m, int k)
{
    for (int d = 0; d < s->scn->ndevices; d++) {
        const struct spapr_device *sd = &w->machines[m].devices[d];
        int first = sd->first_drc - s->m[m].lmb_first;
        if (sd->realized && s->scn->devices[d].type == DEV_DIMM && k >= first &&
            k < first + (int)(s->scn->devices[d].size_mb / 256))
            return true;
    }
    return false;
}

/* spapr_dt_dynamic_reconfiguration_memory, ibm,dynamic-memory (v1). */
static int dt_memory(const struct sim *s, const struct world *w, int m, void *fdt)
{
    const struct sim_machine *sm = &s->m[m];
    uint32_t cells[1 + MAX_LMBS * 6];
    int err = 0;

    cells[0] = cpu_to_fdt32(sm->nlmb);
    for (int k = 0; k < sm->nlmb; k++) {
        uint64_t addr = (uint64_t)(sm->lmb_base_id + k) * SPAPR_MEMORY_BLOCK_SIZE;
        uint32_t *e = &cells[1 + k * 6];
        e[0] = cpu_to_fdt32((uint32_t)(addr >> 32));
        e[1] = cpu_to_fdt32((uint32_t)addr);
        e[2] = cpu_to_fdt32(sm->drcs[sm->lmb_first + k].index);
        e[3] = 0;
        e[4] = 0;   /* aa_index: node 0 */
        e[5] = cpu_to_fdt32(lmb_present(s, w, m, k) ? SPAPR_LMB_FLAGS_ASSIGNED : 0);
    }
    err |= fdt_begin_node(fdt, "ibm,dynamic-reconfiguration-memory");
    err |= fdt_property_u64(fdt, "ibm,lmb-size", SPAPR_MEMORY_BLOCK_SIZE);
    err |= fdt_property(fdt, "ibm,dynamic-memory", cells, (1 + sm->nlmb * 6) * 4);
    return err | fdt_end_node(fdt);
}

static int dt_event_sources(const struct world *w, int m, void *fdt)
{
    int err = fdt_begin_node(fdt, "event-sources");

    err |= fdt_begin_node(fdt, "epow-events");
    err |= fdt_end_node(fdt);
    if (w->machines[m].ov5_cas & OV5_CAS_HP_EVT) {
        err |= fdt_begin_node(fdt, "hot-plug-events");
        err |= fdt_end_node(fdt);
    }
    return err | fdt_end_node(fdt);
}

/* What the guest reads: cpu nodes by ibm,my-drc-index, LMB flags. */
static void read_back(const struct sim *s, struct world *w, int m, const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
    const fdt32_t *dm;
    struct spapr_machine *mw = &w->machines[m];

    mw->fdt_cpus = 0;
    mw->fdt_lmbs = 0;
    fdt_for_each_subnode(node, fdt, cpus) {
        const fdt32_t *idx = fdt_getprop(fdt, node, "ibm,my-drc-index", &len);
        int slot = idx ? sim_drc_by_index(s, m, fdt32_to_cpu(*idx)) : -1;
        if (slot >= 0)
            mw->fdt_cpus |= (uint16_t)(1u << (slot - s->m[m].cpu_first));
    }
    node = fdt_path_offset(fdt, "/ibm,dynamic-reconfiguration-memory");
    dm = node >= 0 ? fdt_getprop(fdt, node, "ibm,dynamic-memory", &len) : NULL;
    for (uint32_t k = 0; dm && k < fdt32_to_cpu(dm[0]); k++)
        if (fdt32_to_cpu(dm[1 + k * 6 + 5]) & SPAPR_LMB_FLAGS_ASSIGNED)
            mw->fdt_lmbs |= (uint16_t)(1u << k);
}

void spapr_build_fdt(const struct sim *s, struct world *w, int m)
{
    uint64_t fdt[FDT_SIZE / sizeof(uint64_t)];   /* libfdt wants 8-byte alignment */
    int err = fdt_create(fdt, sizeof(fdt));   /* each call a statement: | leaves the order open */

    err |= fdt_finish_reservemap(fdt);
    err |= fdt_begin_node(fdt, "");
    err |= dt_cpus(s, w, m, fdt);
    err |= dt_memory(s, w, m, fdt);
    err |= dt_event_sources(w, m, fdt);
    err |= fdt_end_node(fdt);
    err |= fdt_finish(fdt);
    if (err == 0)
        read_back(s, w, m, fdt);
    else
        spapr_abort(s, w, m, QEMU_ABORT_FDT, 0, NULL);  /* _FDT() exits QEMU */
}
