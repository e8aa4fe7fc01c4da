/*
 * Building the libfdt fragment of one DRC (what dt_populate produces) and
 * walking it with ibm,configure-connector (declared in drc.h).
 */
#ifndef DRCSIM_DRC_FDT_H
#define DRCSIM_DRC_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drc.h"

#define SPAPR_MEMORY_BLOCK_SIZE (256ULL * 1024 * 1024)

struct fragment_params {
    uint32_t drc_index;
    uint32_t id;          /* DRC id: vcpu id, LMB id, PHB index, PCI devfn id, PMEM slot */
    uint32_t vcpu_id;     /* CPU: vcpu id of thread 0 */
    uint32_t pvr;         /* CPU: cpu-version (the compat PVR when one is set) */
    bool power9;
    bool has_drc;
};

/* The walk's index of a built fragment: its size, and filling it in at buf (8-aligned). */
size_t drc_cc_index_size(const void *fdt);
void drc_cc_index(struct drc_fragment *f, void *buf);

/* Fold one configure-connector item into a digest (the guest's assembled tree). */
uint64_t drc_cc_digest(uint64_t h, int rc, const struct drc_cc_item *it);
/* The digest of a whole uninterrupted walk of a fragment. */
uint64_t drc_fragment_digest(const struct drc_fragment *f);

/* Returns the owned blob (g_free it) and fills out; NULL on failure. */
void *drc_fragment_build(uint8_t cls, const struct fragment_params *p, struct drc_fragment *out);

#endif
