/*
 * The device-tree fragment each DRC class hands the guest through
 * ibm,configure-connector, built with libfdt in the order QEMU's dt_populate
 * callbacks build it (libfdt puts each new property first, so the walk sees
 * them reversed, as with QEMU); drc_cc.c walks it.
 */
#include <glib.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include "drc_fdt.h"

#define FRAGMENT_SIZE (32 * 1024)  /* offsets must fit the world's int16 cursor */

static void setprop_u32(void *fdt, int node, const char *name, uint32_t v)
{
    fdt_setprop_u32(fdt, node, name, v);
}

static void setprop_cells(void *fdt, int node, const char *name, const uint32_t *v, int n)
{
    uint32_t be[64];

    g_assert(n >= 0 && n <= 64);
    for (int i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(v[i]);
    fdt_setprop(fdt, node, name, be, n * (int)sizeof(uint32_t));
}

/* spapr_dt_cpu (hw/ppc/spapr.c), for threads[0] of a POWER8/POWER9 core. */
static void dt_cpu(void *fdt, int node, const struct fragment_params *p)
{
    uint32_t id = p->vcpu_id;
    uint32_t seg[] = { 28, 40, 0xffffffff, 0xffffffff };
    uint32_t pft[] = { 0, 24 };                  /* {0, spapr->htab_shift} */
    uint32_t servers[8], gservers[16];
    uint8_t pa_features[2 + 66] = { 66, 0 };     /* ISA 3.00 table length */
    uint32_t sps[] = { 12, 0, 1, 12, 0, 24, 0x100, 1, 24, 0 }; /* 4K, 16M base pages */
    uint32_t ap[] = { 0x0000000c, 0xa0000010, 0x20000015, 0x4000001e };
    int nthreads = 1;

    if (p->has_drc)
        setprop_u32(fdt, node, "ibm,my-drc-index", p->drc_index);
    setprop_u32(fdt, node, "reg", id);
    fdt_setprop_string(fdt, node, "device_type", "cpu");
    setprop_u32(fdt, node, "cpu-version", p->pvr);
    setprop_u32(fdt, node, "d-cache-block-size", 128);
    setprop_u32(fdt, node, "d-cache-line-size", 128);
    setprop_u32(fdt, node, "i-cache-block-size", 128);
    setprop_u32(fdt, node, "i-cache-line-size", 128);
    setprop_u32(fdt, node, "d-cache-size", 0x8000);
    setprop_u32(fdt, node, "i-cache-size", 0x8000);
    setprop_u32(fdt, node, "timebase-frequency", 512000000);  /* SPAPR_TIMEBASE_FREQ */
    setprop_u32(fdt, node, "clock-frequency", 1000000000);
    setprop_u32(fdt, node, "slb-size", 32);
    setprop_u32(fdt, node, "ibm,slb-size", 32);
    fdt_setprop_string(fdt, node, "status", "okay");
    fdt_setprop(fdt, node, "64-bit", NULL, 0);
    setprop_u32(fdt, node, "ibm,purr", 1);
    setprop_u32(fdt, node, "ibm,spurr", 1);
    setprop_cells(fdt, node, "ibm,processor-segment-sizes", seg, 4);
    setprop_u32(fdt, node, "ibm,vmx", 2);
    setprop_u32(fdt, node, "ibm,dfp", 1);
    setprop_cells(fdt, node, "ibm,segment-page-sizes", sps, 10);
    fdt_setprop(fdt, node, "ibm,pa-features", pa_features, sizeof(pa_features));
    setprop_u32(fdt, node, "ibm,chip-id", 0);
    setprop_cells(fdt, node, "ibm,pft-size", pft, 2);
    for (int i = 0; i < nthreads; i++) {
        servers[i] = id + i;
        gservers[2 * i] = id + i;
        gservers[2 * i + 1] = 0;
    }
    setprop_cells(fdt, node, "ibm,ppc-interrupt-server#s", servers, nthreads);
    setprop_cells(fdt, node, "ibm,ppc-interrupt-gserver#s", gservers, 2 * nthreads);
    if (p->power9)
        setprop_cells(fdt, node, "ibm,processor-radix-AP-encodings", ap, 4);
    setprop_u32(fdt, node, "ibm,dec-bits", 56);
}

/* spapr_core_dt_populate: node "PowerPC,POWER9@<vcpu id>", then "name". */
static int build_cpu(void *fdt, const struct fragment_params *p)
{
    char name[64];
    int node;

    snprintf(name, sizeof(name), "%s@%x", p->power9 ? "PowerPC,POWER9" : "PowerPC,POWER8",
             p->vcpu_id);
    node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    dt_cpu(fdt, node, p);
    fdt_setprop_string(fdt, node, "name", name);
    return node;
}

/*
 * spapr_lmb_dt_populate -> spapr_dt_memory_node. QEMU computes the address
 * from the whole DRC index (type bits included), so the node is named
 * "memory@800000040000000" for 0x80000004; kept as QEMU does it.
 */
static int build_lmb(void *fdt, const struct fragment_params *p)
{
    uint64_t addr = (uint64_t)p->drc_index * SPAPR_MEMORY_BLOCK_SIZE;
    uint64_t reg[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(SPAPR_MEMORY_BLOCK_SIZE) };
    uint32_t assoc[] = { 4, 0, 0, 0, 0 };   /* FORM1, node 0 */
    char name[64];
    int node;

    snprintf(name, sizeof(name), "memory@%" G_GINT64_MODIFIER "x", addr);
    node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    fdt_setprop_string(fdt, node, "device_type", "memory");
    fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
    setprop_cells(fdt, node, "ibm,associativity", assoc, 5);
    return node;
}

/* spapr_dt_pci_bus's ibm,drc-* lists for the 256 DRCs of a PHB's root bus. */
static void dt_pci_bus_drcs(void *fdt, int node, uint32_t phb_index)
{
    uint32_t idx[257], pd[257];
    GString *names = g_string_sized_new(2048), *types = g_string_sized_new(1024);
    uint32_t count = cpu_to_fdt32(256);

    idx[0] = pd[0] = 256;
    g_string_append_len(names, (const char *)&count, 4);
    g_string_append_len(types, (const char *)&count, 4);
    for (uint32_t devfn = 0; devfn < 256; devfn++) {
        uint32_t id = (phb_index << 16) | devfn;    /* drc_id_from_devfn, chassis 0 */
        idx[devfn + 1] = (4u << 28) | id;
        pd[devfn + 1] = 0xffffffff;
        g_string_append_printf(names, "C%u", id);
        g_string_append_len(names, "", 1);
        g_string_append_len(types, "28", 3);
    }
    setprop_cells(fdt, node, "#address-cells", (uint32_t[]){ 3 }, 1);
    setprop_cells(fdt, node, "#size-cells", (uint32_t[]){ 2 }, 1);
    for (int i = 0; i < 257; i++) {
        idx[i] = cpu_to_fdt32(idx[i]);
        pd[i] = cpu_to_fdt32(pd[i]);
    }
    fdt_setprop(fdt, node, "ibm,drc-indexes", idx, sizeof(idx));
    fdt_setprop(fdt, node, "ibm,drc-power-domains", pd, sizeof(pd));
    fdt_setprop(fdt, node, "ibm,drc-names", names->str, (int)names->len);
    fdt_setprop(fdt, node, "ibm,drc-types", types->str, (int)types->len);
    g_string_free(names, TRUE);
    g_string_free(types, TRUE);
}

/* spapr_phb_dt_populate -> spapr_dt_phb: "pci@<buid>", no devices below it. */
static int build_phb(void *fdt, const struct fragment_params *p)
{
    uint64_t buid = 0x800000020000000ULL + p->id;   /* spapr_phb_placement */
    uint32_t bus_range[] = { 0, 0xff }, dma_window[] = { 0x80000000u, 0, 0, 0, 0x40000000u };
    uint64_t reg[2] = { cpu_to_fdt64(buid), 0 };
    static uint32_t imap[32 * 4 * 7];              /* interrupt-map: 32 slots x 4 pins */
    uint32_t imask[] = { 0xf800, 0, 0, 7 };
    char name[64];
    int node;

    snprintf(name, sizeof(name), "pci@%" G_GINT64_MODIFIER "x", buid);
    node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    fdt_setprop_string(fdt, node, "device_type", "pci");
    fdt_setprop_string(fdt, node, "compatible", "IBM,Logical_PHB");
    setprop_u32(fdt, node, "#interrupt-cells", 1);
    fdt_setprop(fdt, node, "used-by-rtas", NULL, 0);
    setprop_cells(fdt, node, "bus-range", bus_range, 2);
    fdt_setprop(fdt, node, "ranges", imap, 3 * 7 * 4);   /* io, mem32, mem64 */
    fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
    setprop_u32(fdt, node, "ibm,pci-config-space-type", 1);
    setprop_u32(fdt, node, "ibm,pe-total-#msi", 1024);
    setprop_cells(fdt, node, "interrupt-map-mask", imask, 4);
    fdt_setprop(fdt, node, "interrupt-map", imap, sizeof(imap));
    setprop_u32(fdt, node, "ibm,#dma-address-cells", 2);
    setprop_u32(fdt, node, "ibm,#dma-size-cells", 2);
    setprop_cells(fdt, node, "ibm,dma-window", dma_window, 5);
    setprop_u32(fdt, node, "ibm,my-drc-index", p->drc_index);
    setprop_u32(fdt, node, "qemu,phb-enumerated", 1);
    dt_pci_bus_drcs(fdt, node, p->id);
    fdt_setprop_string(fdt, node, "name", "pci");
    return node;
}

/* spapr_pci_dt_populate -> spapr_dt_pci_device, for a virtio-net-pci at slot N. */
static int build_pci(void *fdt, const struct fragment_params *p)
{
    uint32_t slot = (p->id & 0xff) >> 3;
    uint32_t reg[5] = { (p->id & 0xff) << 8, 0, 0, 0, 0 };
    char name[64], loc[64];
    int node;

    snprintf(name, sizeof(name), "ethernet@%x", slot);
    snprintf(loc, sizeof(loc), "pci@800000020000000/ethernet@%x", slot);
    node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    setprop_u32(fdt, node, "vendor-id", 0x1af4);
    setprop_u32(fdt, node, "device-id", 0x1000);
    setprop_u32(fdt, node, "revision-id", 0);
    setprop_u32(fdt, node, "class-code", 0x020000);
    setprop_u32(fdt, node, "interrupts", 1);
    setprop_u32(fdt, node, "subsystem-id", 1);
    setprop_u32(fdt, node, "subsystem-vendor-id", 0x1af4);
    setprop_u32(fdt, node, "cache-line-size", 0);
    setprop_u32(fdt, node, "devsel-speed", 0);
    fdt_setprop_string(fdt, node, "ibm,loc-code", loc);
    setprop_u32(fdt, node, "ibm,my-drc-index", p->drc_index);
    setprop_u32(fdt, node, "ibm,req#msi-x", 3);
    setprop_cells(fdt, node, "reg", reg, 5);
    fdt_setprop(fdt, node, "assigned-addresses", NULL, 0);
    setprop_u32(fdt, node, "min-grant", 0);
    setprop_u32(fdt, node, "max-latency", 0);
    return node;
}

/* spapr_pmem_dt_populate -> spapr_dt_nvdimm (hw/ppc/spapr_nvdimm.c). */
static int build_pmem(void *fdt, const struct fragment_params *p)
{
    uint32_t assoc[] = { 4, 0, 0, 0, 0 };
    char name[64];
    int node;

    snprintf(name, sizeof(name), "ibm,pmemory@%x", p->drc_index);
    node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    setprop_u32(fdt, node, "reg", p->drc_index);
    fdt_setprop_string(fdt, node, "compatible", "ibm,pmemory");
    fdt_setprop_string(fdt, node, "device_type", "ibm,pmemory");
    setprop_cells(fdt, node, "ibm,associativity", assoc, 5);
    fdt_setprop_string(fdt, node, "ibm,unit-guid", "00000000-0000-0000-0000-000000000000");
    setprop_u32(fdt, node, "ibm,my-drc-index", p->drc_index);
    fdt_setprop_u64(fdt, node, "ibm,block-size", SPAPR_MEMORY_BLOCK_SIZE);
    fdt_setprop_u64(fdt, node, "ibm,number-of-blocks", 1);
    fdt_setprop_u64(fdt, node, "ibm,metadata-size", 0);
    fdt_setprop_string(fdt, node, "ibm,pmem-application", "operating-system");
    fdt_setprop(fdt, node, "ibm,cache-flush-required", NULL, 0);
    return node;
}

void *drc_fragment_build(uint8_t cls, const struct fragment_params *p, struct drc_fragment *out)
{
    static int (*const builders[DRC_CLASS_COUNT])(void *, const struct fragment_params *) = {
        [DRC_CLASS_CPU] = build_cpu, [DRC_CLASS_PHB] = build_phb, [DRC_CLASS_PCI] = build_pci,
        [DRC_CLASS_LMB] = build_lmb, [DRC_CLASS_PMEM] = build_pmem,
    };
    void *fdt = g_malloc0(FRAGMENT_SIZE), *blob;
    size_t size;
    int node;

    /* create_device_tree(): an empty root, then dt_populate adds one subnode */
    if (fdt_create_empty_tree(fdt, FRAGMENT_SIZE) != 0 ||
        (node = builders[cls](fdt, p)) < 0 || node > INT16_MAX || fdt_pack(fdt) != 0) {
        g_free(fdt);
        return NULL;
    }
    /* one buffer: the packed tree, then the index of its walk (drc_cc.c) */
    size = (fdt_totalsize(fdt) + 7) & ~(size_t)7;
    blob = g_malloc0(size + drc_cc_index_size(fdt));
    memcpy(blob, fdt, fdt_totalsize(fdt));
    g_free(fdt);
    out->fdt = blob;
    out->start = node;
    drc_cc_index(out, (char *)blob + size);
    return blob;
}
