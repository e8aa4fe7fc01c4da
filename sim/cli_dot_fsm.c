/*
 * `drcsim dot fsm [CLASS]`: runs drc.c's transition on every state a DRC of
 * the class can reach, every operation that can move it, with and without a
 * device and unplug_requested, and draws what each does (under a variant's knobs).
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "drc.h"
#include "drc_fdt.h"

/* The operations that can move a DRC; the rest (indicators, sensing, bad values) leave it. */
static const uint8_t fsm_ops[] = { DRC_OP_ISOLATE, DRC_OP_UNISOLATE, DRC_OP_ALLOC_USABLE,
                                   DRC_OP_ALLOC_UNUSABLE, DRC_OP_CONFIGURE_CONNECTOR,
                                   DRC_OP_ATTACH, DRC_OP_UNPLUG_REQUEST, DRC_OP_RESET };

/* One call, or for configure-connector the guest's whole walk (it calls until done). */
static int fsm_call(const struct drc_env *env, const struct drc_config *cfg, struct spapr_drc *d,
                    uint8_t op, struct drc_outcome *out)
{
    int rc = drc_transition(env, cfg, d, op, 1, 0, out);
    uint8_t fx = out->effects;

    for (int i = 0; op == DRC_OP_CONFIGURE_CONNECTOR && drc_cc_more(rc) && i < 100000; i++) {
        rc = drc_configure_connector(env, cfg, d, out);
        fx |= out->effects;
    }
    out->effects = fx;
    return rc;
}

/* Which of the four conditions (bit dev * 2 + unplug_requested) an edge holds under:
 * "" for all, else the literal, the pair, or "not" the one pair left out. */
static void fsm_condition(unsigned mask, char *buf, size_t len)
{
    static const char *const pair[4] = { "!dev, !unplug_requested", "!dev, unplug_requested",
                                         "dev, !unplug_requested", "dev, unplug_requested" };
    static const char *const literal[16] = { [0xc] = "dev", [0x3] = "!dev",
                                             [0xa] = "unplug_requested",
                                             [0x5] = "!unplug_requested" };

    if (mask == 0xf)
        snprintf(buf, len, "%s", "");
    else if (literal[mask])
        snprintf(buf, len, " [%s]", literal[mask]);
    else if (__builtin_popcount(mask) == 1)
        snprintf(buf, len, " [%s]", pair[__builtin_ctz(mask)]);
    else if (__builtin_popcount(mask) == 3)
        snprintf(buf, len, " [not (%s)]", pair[__builtin_ctz(~mask & 0xf)]);
    else   /* two pairs that share no literal */
        snprintf(buf, len, " [%s | %s]", pair[__builtin_ctz(mask)], pair[31 - __builtin_clz(mask)]);
}

#define FSM_ATTACHED 0x80   /* beside DRC_FX_*: the DRC took the device */

struct fsm_edge { uint8_t from, to, op, fx; int32_t rc; unsigned cond; };

static void fsm_add(GArray *edges, const struct fsm_edge *e)
{
    for (guint i = 0; i < edges->len; i++) {
        struct fsm_edge *x = &g_array_index(edges, struct fsm_edge, i);
        if (x->from == e->from && x->to == e->to && x->op == e->op && x->rc == e->rc &&
            x->fx == e->fx) {
            x->cond |= e->cond;
            return;
        }
    }
    g_array_append_val(edges, *e);
}

/* Every transition out of each state of cls, from the states a DRC can reach. */
static GArray *fsm_edges(uint8_t cls, const struct drc_env *env, uint16_t *reached)
{
    GArray *edges = g_array_new(FALSE, FALSE, sizeof(struct fsm_edge));
    struct drc_config cfg = { .cls = cls };
    uint8_t queue[SPAPR_DRC_STATE_COUNT + 1], n = 0;

    queue[n++] = drc_empty_state(cls);
    *reached = 1u << queue[0];
    for (uint8_t q = 0; q < n; q++)
        for (size_t o = 0; o < G_N_ELEMENTS(fsm_ops); o++)
            for (unsigned c = 0; c < 4; c++) {
                struct spapr_drc d;
                struct drc_outcome out;
                struct fsm_edge e = { .from = queue[q], .op = fsm_ops[o], .cond = 1u << c };
                drc_init(&d, cls);
                d.state = queue[q], d.dev = c >> 1, d.unplug_requested = c & 1;
                e.rc = fsm_call(env, &cfg, &d, fsm_ops[o], &out);
                e.to = out.effects & DRC_FX_ABORT ? SPAPR_DRC_STATE_COUNT : d.state;
                e.fx = (out.effects & (DRC_FX_RELEASED | DRC_FX_GUEST_REJECTED |
                                       DRC_FX_LMB_ROLLBACK)) |
                       (!(c >> 1) && d.dev ? FSM_ATTACHED : 0);
                if (e.to < SPAPR_DRC_STATE_COUNT && !(*reached >> e.to & 1)) {
                    *reached |= 1u << e.to;
                    queue[n++] = e.to;
                }
                fsm_add(edges, &e);
            }
    return edges;
}

static void fsm_print_edge(const struct fsm_edge *e)
{
    char cond[64];
    bool moves = e->to != e->from, fails = e->rc != 0;

    if (!moves && !fails && !e->fx)
        return;   /* an operation that changes nothing */
    fsm_condition(e->cond, cond, sizeof(cond));
    printf("  \"%s\" -> \"%s\" [label=\"%s%s%s%s", drc_state_name(e->from),
           e->to == SPAPR_DRC_STATE_COUNT ? "QEMU abort" : drc_state_name(e->to),
           drc_op_name(e->op), cond, e->fx & DRC_FX_RELEASED ? "\\nspapr_drc_release" : "",
           e->fx & FSM_ATTACHED ? "\\ntakes the device" : "");
    if (e->fx & DRC_FX_GUEST_REJECTED)
        printf("\\nunplug cancelled");
    if (e->fx & DRC_FX_LMB_ROLLBACK)
        printf("\\nspapr_memory_unplug_rollback");
    if (e->rc)
        printf("\\nrc=%d", e->rc);
    printf("\"%s];\n", !moves && fails ? ", style=dashed, color=gray40, fontcolor=gray40"
                       : e->to == SPAPR_DRC_STATE_COUNT ? ", color=red, fontcolor=red" : "");
}

int dot_fsm(const char *what, const char *variant, const struct knob_set *knobs)
{
    uint8_t cls = DRC_CLASS_COUNT;
    struct drc_fragment frag;
    struct fragment_params p = { .drc_index = 0x10000001, .id = 1, .vcpu_id = 1,
                                 .pvr = 0x004e1200, .power9 = true, .has_drc = true };
    g_autofree void *blob = NULL;
    uint16_t reached;
    GArray *edges;

    for (uint8_t c = 0; c < DRC_CLASS_COUNT; c++)
        if (!strcmp(what, drc_class_name(c)))
            cls = c;
    cls = !strcmp(what, "logical") ? DRC_CLASS_CPU : !strcmp(what, "physical") ? DRC_CLASS_PCI : cls;
    if (cls == DRC_CLASS_COUNT) {
        cli_errorf("drcsim dot fsm: unknown DRC class '%s' (logical, physical, CPU, PHB, "
                   "PCI, LMB, PMEM)", what);
        return EXIT_USAGE;
    }
    p.drc_index = drc_make_index(cls, 1);
    if (!(blob = drc_fragment_build(cls, &p, &frag))) {
        cli_errorf("drcsim dot fsm: cannot build a %s fragment", drc_class_name(cls));
        return EXIT_INTERNAL;
    }
    edges = fsm_edges(cls, &(struct drc_env){ .knobs = knobs, .fragment = &frag }, &reached);
    printf("digraph \"drc-%s\" {\n  label=\"%s DRC (hw/ppc/spapr_drc.c) under %s; dashed: "
           "refused\";\n  rankdir=LR;\n  node [shape=box, fontname=monospace];\n"
           "  edge [fontname=monospace, fontsize=10];\n", drc_class_name(cls), drc_class_name(cls),
           variant);
    for (uint8_t s = 0; s < SPAPR_DRC_STATE_COUNT; s++)
        if (reached >> s & 1)
            printf("  \"%s\"%s;\n", drc_state_name(s),
                   s == drc_empty_state(cls) ? " [style=bold]" : "");
    for (guint i = 0; i < edges->len; i++)
        fsm_print_edge(&g_array_index(edges, struct fsm_edge, i));
    printf("}\n");
    g_array_free(edges, TRUE);
    return EXIT_OK;
}
