/*
 * The ibm,configure-connector walk over a DRC's fragment, one item per call
 * (rtas_ibm_configure_connector, hw/ppc/spapr_drc.c). Each fragment keeps an
 * index of its structure block, built once, so a call is a lookup; a cursor
 * the index does not know (a migrated one, say) takes libfdt's own walk.
 */
#include <libfdt.h>
#include <string.h>
#define XXH_INLINE_ALL   /* drc_cc_digest runs on every configure-connector call */
#include <xxhash.h>
#include "drc_fdt.h"

/* The tag a call meets at one structure offset, NOPs skipped; tag 0: no tag starts there. */
struct drc_cc_tag {
    const char *name;
    const void *data;
    int32_t len;
    int16_t next;             /* the offset after it */
    uint8_t tag;              /* FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP or FDT_END */
    uint64_t hash;            /* of name and value (drc_cc_item.hash) */
};

static uint64_t item_hash(const struct drc_cc_item *it)
{
    uint64_t h = 0;

    if (it->name)
        h = XXH64(it->name, strlen(it->name) + 1, h);
    if (it->data && it->len > 0)
        h = XXH64(it->data, (size_t)it->len, h);
    return h;
}

size_t drc_cc_index_size(const void *fdt)
{
    return (fdt_size_dt_struct(fdt) / 4 + 1) * sizeof(struct drc_cc_tag);
}

/* libfdt's reading of the tag at off: its item and the offset after it. */
static uint32_t read_tag(const void *fdt, int off, int *next, struct drc_cc_item *item)
{
    uint32_t tag = fdt_next_tag(fdt, off, next);

    *item = (struct drc_cc_item){ 0 };
    if (tag == FDT_BEGIN_NODE) {
        item->name = fdt_get_name(fdt, off, NULL);
    } else if (tag == FDT_PROP) {
        const struct fdt_property *prop = fdt_get_property_by_offset(fdt, off, &item->len);
        item->name = fdt_string(fdt, fdt32_to_cpu(prop->nameoff));
        item->data = prop->data;
    }
    item->hash = item_hash(item);
    return tag;
}

void drc_cc_index(struct drc_fragment *f, void *buf)
{
    struct drc_cc_tag *t = buf;
    int n = (int)(drc_cc_index_size(f->fdt) / sizeof(*t)), off = 0, next = 0;

    for (;;) {   /* every tag, in order */
        struct drc_cc_item it;
        uint32_t tag = read_tag(f->fdt, off, &next, &it);
        if (off / 4 >= n || next <= off || next > INT16_MAX)
            break;
        t[off / 4] = (struct drc_cc_tag){ it.name, it.data, it.len, (int16_t)next,
                                          (uint8_t)tag, it.hash };
        if (tag == FDT_END)
            break;
        off = next;
    }
    for (int i = n - 1; i >= 0; i--)   /* a NOP reads on to the tag after it */
        if (t[i].tag == FDT_NOP)
            t[i] = t[i].next / 4 < n ? t[t[i].next / 4] : (struct drc_cc_tag){ 0 };
    f->tags = t;
    f->ntags = n;
}

static const struct drc_cc_tag *tag_at(const struct drc_fragment *f, int off)
{
    if (!f->tags || off < 0 || (off & 3) || off / 4 >= f->ntags || !f->tags[off / 4].tag)
        return NULL;
    return &f->tags[off / 4];
}

/* The response to the tag and the cursor after it; CONTINUE for a NOP. */
static int respond(const struct drc_fragment *f, struct spapr_drc *d, uint32_t tag, int next)
{
    int resp = SPAPR_DR_CC_RESPONSE_CONTINUE;

    switch (tag) {
    case FDT_BEGIN_NODE:
        d->ccs_depth++;
        resp = SPAPR_DR_CC_RESPONSE_NEXT_CHILD;
        break;
    case FDT_END_NODE:
        d->ccs_depth--;
        if (d->ccs_depth == 0) {
            next = f->start;
            resp = SPAPR_DR_CC_RESPONSE_SUCCESS;
        } else {
            resp = SPAPR_DR_CC_RESPONSE_PREV_PARENT;
        }
        break;
    case FDT_PROP:
        resp = SPAPR_DR_CC_RESPONSE_NEXT_PROPERTY;
        break;
    case FDT_END:
        resp = SPAPR_DR_CC_RESPONSE_ERROR;
        break;
    default:     /* FDT_NOP: keep seeking */
        break;
    }
    if (d->ccs_offset >= 0)
        d->ccs_offset = (int16_t)next;
    return resp;
}

/*
 * One ibm,configure-connector call: advance to the next actionable tag and
 * return one item. The root's END_NODE brings the depth to 0: SUCCESS, and
 * the cursor rewinds to the start.
 */
int drc_cc_next(const struct drc_fragment *f, struct spapr_drc *d, struct drc_cc_item *item)
{
    const struct drc_cc_tag *t = tag_at(f, d->ccs_offset);
    int resp = SPAPR_DR_CC_RESPONSE_CONTINUE;

    if (t) {
        *item = (struct drc_cc_item){ t->name, t->data, t->len, t->hash };
        return respond(f, d, t->tag, t->next);
    }
    while (resp == SPAPR_DR_CC_RESPONSE_CONTINUE) {
        int next = 0;
        uint32_t tag = read_tag(f->fdt, d->ccs_offset, &next, item);
        resp = respond(f, d, tag, next);
    }
    return resp;
}

uint64_t drc_cc_digest(uint64_t h, int rc, const struct drc_cc_item *it)
{
    uint64_t in[2] = { (uint64_t)(uint32_t)rc << 32 | (uint32_t)it->len, it->hash };

    return XXH3_64bits_withSeed(in, sizeof(in), h);
}

uint64_t drc_fragment_digest(const struct drc_fragment *f)
{
    struct spapr_drc d = { .fdt = 1, .ccs_offset = (int16_t)f->start, .ccs_depth = 0 };
    struct drc_cc_item it;
    uint64_t h = 0;
    int rc;

    do {
        rc = drc_cc_next(f, &d, &it);
        h = drc_cc_digest(h, rc, &it);
    } while (drc_cc_more(rc));
    return h;
}
