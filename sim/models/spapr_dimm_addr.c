/*
 * A DIMM's LMBs and memory slot: how many, where they go, and the errors when they
 * cannot, as the pre-plug of the QEMU release the knobs describe: today's pc_dimm_pre_plug
 * and memory_device_pre_plug (hw/mem/), or QEMU 2.10's pc_dimm_memory_plug
 * (hw/mem/pc-dimm.c) with qemu.memory-device-check-addable=off.
 */
#include <stdio.h>
#include "drc_fdt.h"
#include "spapr.h"

#define BLK SPAPR_MEMORY_BLOCK_SIZE

int spapr_dimm_lmbs(const struct sim *s, uint8_t dev)
{
    return (int)(s->scn->devices[dev].size_mb / 256);
}

/* owner[k]: the realized DIMM on the k-th LMB of the device-memory area, or -1; the
 * number of LMBs in use, and in *dimms the number of realized DIMMs. */
static int lmb_owners(const struct sim *s, const struct world *w, int m, int owner[MAX_LMBS],
                      int *dimms)
{
    const struct sim_machine *sm = &s->m[m];
    int in_use = 0;

    *dimms = 0;
    for (int i = 0; i < MAX_LMBS; i++)
        owner[i] = -1;
    for (int d = 0; d < s->scn->ndevices; d++) {
        const struct spapr_device *sd = &w->machines[m].devices[d];
        if (!sd->realized || s->scn->devices[d].type != DEV_DIMM)
            continue;
        ++*dimms;
        for (int k = 0; k < spapr_dimm_lmbs(s, (uint8_t)d); k++, in_use++)
            owner[sd->first_drc - sm->lmb_first + k] = d;
    }
    return in_use;
}

/*
 * memory_device_pre_plug: memory_device_check_addable (the realized memory
 * devices' size against maxram - ram), then memory_device_get_free_addr: the
 * lowest gap in the device-memory area, or with an address hint (libvirt's
 * addr=) that range if it is free.
 */
static int memory_device_find(const struct sim *s, int m, const int *owner, int in_use, int need,
                              int addr_id, char *err, size_t errlen)
{
    const struct sim_machine *sm = &s->m[m];
    int run = 0;

    if (in_use + need > sm->nlmb) {
        snprintf(err, errlen, "not enough space, currently 0x%llx in use of total space for "
                 "memory devices 0x%llx", in_use * BLK, sm->nlmb * BLK);
        return -1;
    }
    if (addr_id >= 0) {
        int first = addr_id - (int)sm->lmb_base_id;
        if (first < 0 || first + need > sm->nlmb) {   /* [start:size], as QEMU 7.2.22 replies */
            snprintf(err, errlen, "can't add memory device [0x%llx:0x%llx], "
                     "usable range for memory devices [0x%llx:0x%llx]", addr_id * BLK,
                     need * BLK, sm->lmb_base_id * BLK, sm->nlmb * BLK);
            return -1;
        }
        for (int k = first; k < first + need; k++)
            if (owner[k] >= 0) {
                snprintf(err, errlen, "address range conflicts with memory device id='%s'",
                         s->scn->devices[owner[k]].id);
                return -1;
            }
        return sm->lmb_first + first;
    }
    for (int i = 0; i < sm->nlmb; i++) {
        run = owner[i] >= 0 ? 0 : run + 1;
        if (run == need)
            return sm->lmb_first + i - need + 1;
    }
    snprintf(err, errlen, "could not find position in guest address space for memory "
             "device - memory fragmented due to alignments");
    return -1;
}

/*
 * QEMU 2.10's pc_dimm_memory_plug: pc_dimm_get_free_addr walks the realized
 * DIMMs by address from the hint (or the area's start), stepping past each
 * one in the way (with a hint, the first in the way is the error), then
 * checks the range it ended at; only then pc_existing_dimms_capacity against
 * maxram - ram, with the text of its day.
 */
static int pc_dimm_find(const struct sim *s, int m, const int *owner, int in_use, int need,
                        int addr_id, char *err, size_t errlen)
{
    const struct sim_machine *sm = &s->m[m];
    unsigned long long start = sm->lmb_base_id * BLK, end = start + sm->nlmb * BLK;
    unsigned long long size = need * BLK, addr = addr_id >= 0 ? addr_id * BLK : start;

    for (int k = 0; k < sm->nlmb;) {
        unsigned long long at = start + k * BLK, len;
        if (owner[k] < 0) {
            k++;
            continue;
        }
        len = spapr_dimm_lmbs(s, (uint8_t)owner[k]) * BLK;
        if (at < addr + size && addr < at + len) {   /* ranges_overlap */
            if (addr_id >= 0) {
                snprintf(err, errlen, "address range conflicts with '%s'",
                         s->scn->devices[owner[k]].id);
                return -1;
            }
            addr = at + len;
        }
        k += spapr_dimm_lmbs(s, (uint8_t)owner[k]);
    }
    if (addr < start || addr + size > end) {
        snprintf(err, errlen, "can't add memory [0x%llx:0x%llx] %s 0x%llx", addr, size,
                 addr < start ? "at" : "beyond", addr < start ? start : end);
        return -1;
    }
    if (in_use + need > sm->nlmb) {
        snprintf(err, errlen, "not enough space, currently 0x%llx in use of total hot "
                 "pluggable 0x%llx", in_use * BLK, sm->nlmb * BLK);
        return -1;
    }
    return sm->lmb_first + (int)((addr - start) / BLK);
}

/*
 * pc_dimm_get_free_slot (hw/mem/pc-dimm.c) without a slot hint: the realized
 * DIMMs against -m slots=. Through libvirt, whose hint is a slot its own
 * count left free (libvirt_attach_refused), this never fails.
 */
static bool ram_slot_free(const struct sim *s, int m, int dimms, char *err, size_t errlen)
{
    if (dimms < s->scn->machines[m].slots)
        return true;
    snprintf(err, errlen, "no free slots available");
    return false;
}

/* Today's pc_dimm_pre_plug takes a slot before memory_device_pre_plug; QEMU 2.10's
 * pc_dimm_memory_plug took it after the address and the capacity. */
int spapr_dimm_find_slot(const struct sim *s, const struct world *w, int m, uint8_t dev,
                         int addr_id, char *err, size_t errlen)
{
    int owner[MAX_LMBS], dimms, in_use = lmb_owners(s, w, m, owner, &dimms);
    int need = spapr_dimm_lmbs(s, dev), slot;

    if (knob_on(&s->knobs, KNOB_QEMU_MEMORY_DEVICE_CHECK_ADDABLE))
        return ram_slot_free(s, m, dimms, err, errlen)
                   ? memory_device_find(s, m, owner, in_use, need, addr_id, err, errlen) : -1;
    slot = pc_dimm_find(s, m, owner, in_use, need, addr_id, err, errlen);
    return slot >= 0 && !ram_slot_free(s, m, dimms, err, errlen) ? -1 : slot;
}
