/*
 * Inclusion of a real run in the model: DFS over (world, position in each
 * real stream), firing each step with a trace to read its observables and
 * pruning a branch as soon as one differs from the next real observable of
 * its stream, or comes after the last. The deepest branch's first mismatch is
 * the reported divergence.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>
#include "trace.h"
#include "validate.h"
#include "visited.h"

#define KEYS (OBS_STREAMS * MAX_MACHINES)
#define MAX_STEP_OBS 32

struct vframe {
    struct world w;
    uint16_t pos[KEYS];
    uint32_t silent_ms;   /* model time since the step of the last observable consumed */
    struct step steps[ENGINE_MAX_STEPS];
    unsigned n, next;
};

struct search {
    const struct sim *s;
    const struct observation *const *seq[KEYS];   /* real observables per key */
    unsigned len[KEYS], total, best;
    uint32_t quiet_ms;    /* how long the real run went on after its last observable */
    bool crashed;         /* it ended at a QEMU crash: the driver stopped there */
    struct visited vis;
    struct inclusion *out;
};

static unsigned key_of(const struct observation *o)
{
    return o->stream * MAX_MACHINES + o->machine;
}

static unsigned consumed(const uint16_t *pos)
{
    unsigned n = 0;

    for (int k = 0; k < KEYS; k++)
        n += pos[k];
    return n;
}

static void note_divergence(struct search *se, const uint16_t *pos, const struct observation *got)
{
    unsigned at = consumed(pos), k = got ? key_of(got) : 0;

    if (at < se->best || (at == se->best && se->out->divergence[0]))
        return;
    se->best = at;
    for (k = got ? k : 0; !got && k < KEYS && pos[k] == se->len[k]; k++)
        ;
    if (got && pos[k] < se->len[k])
        snprintf(se->out->divergence, sizeof(se->out->divergence), "after %u of %u observables, "
                 "real QEMU shows \"%s\" where the model allows \"%s\"", at, se->total,
                 se->seq[k][pos[k]]->text, got->text);
    else if (got)
        snprintf(se->out->divergence, sizeof(se->out->divergence), "after %u of %u observables, "
                 "the model produces \"%s\", which the real run never shows", at, se->total, got->text);
    else if (k < KEYS)
        snprintf(se->out->divergence, sizeof(se->out->divergence), "after %u of %u observables, "
                 "the model stops while real QEMU still shows \"%s\"", at, se->total,
                 se->seq[k][pos[k]]->text);
}

/* Fire st on fr's world into child; false when an observable diverges. */
static bool advance(struct search *se, const struct vframe *fr, const struct step *st,
                    struct vframe *child)
{
    struct trace *tr = trace_new(TRACE_JSONL);
    struct observation obs[MAX_STEP_OBS];
    size_t len;
    unsigned n;
    bool ok = true;

    *child = (struct vframe){ .w = fr->w };
    memcpy(child->pos, fr->pos, sizeof(child->pos));
    engine_fire(&se->s->model, &child->w, st, tr, 1, NULL);
    n = model_observations(se->s, trace_buffer(tr, &len), obs, MAX_STEP_OBS);
    n = model_crash_observations(&fr->w, &child->w, se->s->scn->nmachines, obs, n, MAX_STEP_OBS);
    /* engine_fire: the step fires at its lo (time in the model moves no further) */
    child->silent_ms = n ? 0 : (uint32_t)MIN((uint64_t)fr->silent_ms + st->lo, UINT32_MAX);
    for (unsigned i = 0; i < n && ok; i++) {
        unsigned k = key_of(&obs[i]);
        ok = child->pos[k] < se->len[k] && strcmp(se->seq[k][child->pos[k]]->text, obs[i].text) == 0;
        if (ok)
            child->pos[k]++;
        else
            note_divergence(se, child->pos, &obs[i]);
    }
    trace_free(tr);
    return ok;
}

static uint64_t vframe_fingerprint(const struct vframe *f)
{
    return XXH3_64bits(&f->w, sizeof(f->w)) ^ XXH3_64bits(f->pos, sizeof(f->pos)) * 31 ^
           XXH3_64bits(&f->silent_ms, sizeof(f->silent_ms)) * 17;
}

/*
 * Can the model end as the real run did? Its scripts done, since the driver ran
 * every line, and silent for as long as the run went on after its last
 * observable: nothing left to fire, or every pending step may still wait what
 * is left of that time once the silent steps since then have taken theirs (a
 * script's timeouts, say; its window's hi; the step with the smallest hi is
 * always fireable). A run that ended at a QEMU crash asks neither: the driver
 * stopped there.
 */
static bool quiet_enough(const struct search *se, const struct vframe *fr)
{
    uint32_t left = se->quiet_ms > fr->silent_ms ? se->quiet_ms - fr->silent_ms : 0;

    if (se->crashed)
        return true;
    for (int i = 0; i < se->s->scn->nscripts; i++)
        if (fr->w.scripts[i].status != SCRIPT_DONE)
            return false;
    for (unsigned i = 0; i < fr->n; i++)
        if (fr->steps[i].hi < left)
            return false;
    return true;
}

/*
 * DFS; true as soon as one branch consumed every real observable and then came to
 * rest without another: the driver watched the real run for quiet_ms more, so
 * what the model must show within that time must not be missing from it. Past
 * the last observable only silent steps survive advance().
 */
static bool search(struct search *se, GPtrArray *stack)
{
    while (stack->len) {
        struct vframe *fr = g_ptr_array_index(stack, stack->len - 1), *child;
        if (consumed(fr->pos) == se->total && quiet_enough(se, fr))
            return true;
        if (fr->next == fr->n) {
            if (fr->n == 0)
                note_divergence(se, fr->pos, NULL);
            g_ptr_array_set_size(stack, stack->len - 1);
            continue;
        }
        child = g_new(struct vframe, 1);
        if (!advance(se, fr, &fr->steps[fr->next++], child) ||
            !visited_insert(&se->vis, vframe_fingerprint(child))) {
            g_free(child);
            continue;
        }
        se->out->states++;
        child->n = engine_fireable(&se->s->model, &child->w, child->steps, ENGINE_MAX_STEPS);
        g_ptr_array_add(stack, child);
    }
    return false;
}

void validate_inclusion(const struct sim *s, const struct observation *real, unsigned n,
                        uint32_t quiet_ms, bool crashed, struct inclusion *out)
{
    struct search se = { .s = s, .total = n, .quiet_ms = quiet_ms, .crashed = crashed, .out = out };
    GPtrArray *stack = g_ptr_array_new_with_free_func(g_free);
    struct vframe *root = g_new0(struct vframe, 1);

    memset(out, 0, sizeof(*out));
    out->total = n;
    for (int k = 0; k < KEYS; k++)
        se.seq[k] = g_new0(const struct observation *, n + 1);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = key_of(&real[i]);
        ((const struct observation **)se.seq[k])[se.len[k]++] = &real[i];
    }
    visited_init(&se.vis, 1u << 12);
    root->w = s->initial;
    root->n = engine_fireable(&s->model, &root->w, root->steps, ENGINE_MAX_STEPS);
    g_ptr_array_add(stack, root);
    out->admitted = search(&se, stack);
    out->matched = out->admitted ? n : se.best;
    if (out->admitted)
        out->divergence[0] = '\0';   /* dead branches on the way do not matter */
    visited_free(&se.vis);
    for (int k = 0; k < KEYS; k++)
        g_free((void *)se.seq[k]);
    g_ptr_array_free(stack, TRUE);
}
