/*
 * The base device tree QEMU hands the guest at machine reset and at CAS
 * (spapr_build_fdt): /cpus with a node per present core and ibm,drc-indexes,
 * /ibm,dynamic-reconfiguration-memory with ibm,dynamic-memory flags, and
 * /event-sources/hot-plug-events when negotiated. Built with libfdt, then
 * read back as the guest reads it; the world keeps what the guest will see.
 */
#include <glib.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include "drc_fdt.h"
#include "spapr.h"

#define FDT_SIZE (64 * 1024)
#define SPAPR_LMB_FLAGS_ASSIGNED 0x00000008u   /* include/hw/ppc/spapr.h */

/* spapr_populate_cpus_dt_node: every present vCPU core (CPU_FOREACH). */
static int dt_cpus(const struct sim *s, const struct world *w, int m, void *fdt)
{
    const struct sim_machine *sm = &s->m[m];
    uint32_t indexes[1 + MAX_CORES];
    int cpus = fdt_add_subnode(fdt, 0, "cpus");

    if (cpus < 0)
        return cpus;
    fdt_setprop_u32(fdt, cpus, "#address-cells", 1);
    fdt_setprop_u32(fdt, cpus, "#size-cells", 0);
    indexes[0] = cpu_to_fdt32(sm->ncpu);
    for (int i = sm->ncpu - 1; i >= 0; i--) {
        const struct drc_config *cfg = &sm->drcs[sm->cpu_first + i];
        char name[48];
        int node;
        indexes[1 + i] = cpu_to_fdt32(cfg->index);
        if (!w->machines[m].drcs[sm->cpu_first + i].dev)
            continue;
        snprintf(name, sizeof(name), "%s@%x", s->scn->machines[m].host == CPU_POWER8
                 ? "PowerPC,POWER8" : "PowerPC,POWER9", cfg->index & 0x0fffffff);
        node = fdt_add_subnode(fdt, cpus, name);
        if (node < 0)
            return node;
        fdt_setprop_string(fdt, node, "device_type", "cpu");
        fdt_setprop_u32(fdt, node, "reg", cfg->index & 0x0fffffff);
        fdt_setprop_u32(fdt, node, "ibm,my-drc-index", cfg->index);
    }
    return fdt_setprop(fdt, cpus, "ibm,drc-indexes", indexes, (1 + sm->ncpu) * 4);
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
    int node = fdt_add_subnode(fdt, 0, "ibm,dynamic-reconfiguration-memory");

    if (node < 0)
        return node;
    fdt_setprop_u64(fdt, node, "ibm,lmb-size", SPAPR_MEMORY_BLOCK_SIZE);
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
    return fdt_setprop(fdt, node, "ibm,dynamic-memory", cells, (1 + sm->nlmb * 6) * 4);
}

static int dt_event_sources(const struct world *w, int m, void *fdt)
{
    int es = fdt_add_subnode(fdt, 0, "event-sources");

    if (es < 0)
        return es;
    if (fdt_add_subnode(fdt, es, "epow-events") < 0)
        return -1;
    if ((w->machines[m].ov5_cas & OV5_CAS_HP_EVT) && fdt_add_subnode(fdt, es, "hot-plug-events") < 0)
        return -1;
    return 0;
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
    void *fdt = g_malloc0(FDT_SIZE);

    if (fdt_create_empty_tree(fdt, FDT_SIZE) == 0 && dt_cpus(s, w, m, fdt) >= 0 &&
        dt_memory(s, w, m, fdt) >= 0 && dt_event_sources(w, m, fdt) >= 0)
        read_back(s, w, m, fdt);
    else
        spapr_abort(s, w, m, QEMU_ABORT_FDT, 0, NULL);  /* _FDT() exits QEMU */
    g_free(fdt);
}
