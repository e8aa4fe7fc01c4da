/*
 * The fixture of the actor tests (QEMU machine, guest, migration, libvirt):
 * a scenario text built into a sim, its world, and a JSONL trace; fire() runs
 * one actor's fireable step and returns the trace line it wrote.
 */
#ifndef DRCSIM_STEP_FIXTURE_H
#define DRCSIM_STEP_FIXTURE_H

#include "testutil.h"
#include <string.h>
#include <glib.h>
#include "engine.h"
#include "knobs.h"
#include "scenario.h"
#include "sim.h"
#include "spapr.h"
#include "trace.h"

struct fix {
    struct scenario scn;
    struct sim sim;
    struct world w;
    struct trace *tr;
    uint32_t step_no;
    uint64_t now;
    uint8_t kind;                       /* kind of the step fired last */
    char err[256];
    char line[16384];                   /* its trace line */
};

static inline int fix_setup(void **state)
{
    *state = g_new0(struct fix, 1);
    return 0;
}

static inline int fix_teardown(void **state)
{
    struct fix *f = *state;

    sim_free(&f->sim);
    trace_free(f->tr);
    g_free(f);
    return 0;
}

/* Parse text plus extra lines (may be NULL), apply its knob lines over the
 * defaults, build the initial world. */
static inline void fix_init_extra(struct fix *f, const char *text, const char *extra)
{
    char *all = g_strconcat(text, extra ? extra : "", NULL);
    struct knob_set ks;
    bool ok = scenario_parse_string("t.scn", all, &f->scn, f->err, sizeof(f->err));

    g_free(all);
    if (!ok)
        fail_msg("parse: %s", f->err);
    knobs_default(&ks);
    for (int i = 0; i < f->scn.nknobs; i++) {
        ks.lo[f->scn.knobs[i].id] = f->scn.knobs[i].lo;
        ks.hi[f->scn.knobs[i].id] = f->scn.knobs[i].hi;
    }
    if (!sim_init(&f->sim, &f->scn, &ks, "upstream", f->err, sizeof(f->err)))
        fail_msg("sim_init: %s", f->err);
    f->w = f->sim.initial;
    f->tr = trace_new(TRACE_JSONL);
}

static inline void fix_init(struct fix *f, const char *text)
{
    fix_init_extra(f, text, NULL);
}

/* fix_init_extra on a fixture that may already hold a sim and its trace: both go first. */
static inline void fix_reinit(struct fix *f, const char *text, const char *extra)
{
    if (f->tr) {
        sim_free(&f->sim);
        trace_free(f->tr);
        memset(f, 0, sizeof(*f));
    }
    fix_init_extra(f, text, extra);
}

/* Fire the fireable step of that actor (the test fails if there is none). */
static inline const char *fire(struct fix *f, uint8_t actor)
{
    struct step st[ENGINE_MAX_STEPS];
    unsigned n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS);
    size_t before;

    for (unsigned i = 0; i < n; i++) {
        if (st[i].actor != actor)
            continue;
        trace_buffer(f->tr, &before);
        f->kind = st[i].kind;
        engine_fire(&f->sim.model, &f->w, &st[i], f->tr, ++f->step_no, &f->now);
        g_strlcpy(f->line, trace_buffer(f->tr, NULL) + before, sizeof(f->line));
        return f->line;
    }
    fail_msg("no fireable step of actor %u", actor);
    return NULL;
}

static inline struct spapr_machine *mach(struct fix *f, int m) { return &f->w.machines[m]; }

/* Machine m's DRC with that index (the test fails if there is none). */
static inline struct spapr_drc *drc(struct fix *f, int m, uint32_t index)
{
    int slot = sim_drc_by_index(&f->sim, m, index);

    assert_true(slot >= 0);
    return &f->w.machines[m].drcs[slot];
}

/* qmp_device_add on machine m, which must succeed. */
static inline void add(struct fix *f, int m, uint8_t dev)
{
    if (!qmp_device_add(&f->sim, &f->w, m, dev, NULL, f->err, sizeof(f->err)))
        fail_msg("device_add: %s", f->err);
}

/* qmp_device_add on machine m, which must fail with exactly that error and leave the
 * device unrealized. */
static inline void add_refused(struct fix *f, int m, uint8_t dev, const char *want)
{
    assert_false(qmp_device_add(&f->sim, &f->w, m, dev, NULL, f->err, sizeof(f->err)));
    assert_string_equal(f->err, want);
    assert_int_equal(f->w.machines[m].devices[dev].realized, 0);
}

#define assert_has(hay, needle)                                                   \
    do {                                                                          \
        if (!strstr((hay), (needle)))                                             \
            fail_msg("expected <%s> in <%s>", (needle), (hay));                   \
    } while (0)
#define assert_lacks(hay, needle)                                                 \
    do {                                                                          \
        if (strstr((hay), (needle)))                                              \
            fail_msg("unexpected <%s> in <%s>", (needle), (hay));                 \
    } while (0)

#endif
