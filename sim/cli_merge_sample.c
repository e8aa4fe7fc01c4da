/*
 * `drcsim merge` of sampled runs (explore --sample, run as seed ranges on
 * several hosts): runs and violating runs added up, families united, seed
 * ranges that overlap refused (the same seed is the same run: counted twice
 * it would inflate the PCT bound), and PCT's bound over all the runs.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cli_merge.h"
#include "json_file.h"

struct seed_range {
    uint64_t lo, hi;             /* seeds lo..hi, both run */
    guint file;                  /* the file they came from */
};

struct merge_sample {
    char mode[8];                /* random or pct */
    unsigned depth;              /* PCT's d; 0 for random */
    uint64_t runs, violating, cut, bound;
    double miss;                 /* PCT: the product over the parts of 1 - their bound */
    double run_bound;            /* PCT: the smallest per-run bound of the parts */
    GArray *ranges;              /* struct seed_range, in the order read */
};

/* What merge reads of a sampled result (json_sample in cli_load.c writes them). */
static const struct json_member sample_members[] = {
    { "scenario", JSON_STRING, true },   { "variant", JSON_STRING, true },
    { "families", JSON_STRINGS, true },  { "sample", JSON_STRING, true },
    { "runs", JSON_COUNT, true },        { "seed", JSON_COUNT, true },
    { "violating_runs", JSON_COUNT, true }, { "cut_runs", JSON_COUNT, true },
    { "bound_runs", JSON_COUNT, true },  { "transitions", JSON_COUNT, false },
    { "max_depth", JSON_COUNT, false },  { "seconds", JSON_NUMBER, false },
    { "replay", JSON_STRING, false },    { "verdict", JSON_STRING, false },
    { "counterexample", JSON_STRING, false },
    { "knobs", JSON_STRINGS, false },    { "pct_depth", JSON_COUNT, false },
    { "pct_run_bound", JSON_NUMBER, false }, { "pct_total_bound", JSON_NUMBER, false },
    { "peak_rss_kb", JSON_COUNT, false }, { "ignored", JSON_STRINGS, false },
};

void merge_sample_free(struct merge_sample *s)
{
    if (!s)
        return;
    g_array_free(s->ranges, TRUE);
    g_free(s);
}

static bool probability(JsonObject *r, const char *name)
{
    double p = json_object_get_double_member_with_default(r, name, -1);
    return isfinite(p) && p >= 0 && p <= 1;
}

/* What the member types do not say of a sampled result, and the member; NULL: sound. */
static const char *sample_values(JsonObject *r, const char **member)
{
    const char *mode = json_object_get_string_member(r, "sample");
    const char *verdict = json_object_get_string_member_with_default(r, "verdict", "fail");
    gint64 runs = json_object_get_int_member(r, "runs");
    gint64 violating = json_object_get_int_member(r, "violating_runs");

    *member = "sample";
    if (strcmp(mode, "random") && strcmp(mode, "pct"))
        return "\"sample\" is not random or pct";
    *member = "part";
    if (json_object_has_member(r, "part"))
        return "sampled runs are split by seeds, not into parts";
    *member = "runs";
    if (runs < 1 || json_object_get_int_member(r, "seed") > G_MAXINT64 - runs)
        return "\"runs\" is not 1 or more, or the seeds run past 2^63";
    *member = "violating_runs";
    if (violating > runs || json_object_get_int_member(r, "cut_runs") > runs ||
        json_object_get_int_member(r, "bound_runs") > runs)
        return "more violating, cut or bounded runs than \"runs\"";
    *member = "families";
    if (!violating != !json_array_get_length(json_object_get_array_member(r, "families")))
        return "violating runs without families, or families without violating runs";
    *member = "verdict";
    if (strcmp(verdict, violating ? "fail" : "incomplete"))
        return violating ? "\"verdict\" is not fail, with violating runs"
                         : "\"verdict\" is not incomplete: sampled runs never pass";
    *member = "pct_depth";
    if (!strcmp(mode, "pct") && (!json_object_has_member(r, "pct_depth") ||
                                 !probability(r, "pct_run_bound") ||
                                 !probability(r, "pct_total_bound")))
        return "a pct sample without \"pct_depth\" and its bounds in [0, 1]";
    return NULL;
}

/* The row's sampling, made on its first part; NULL with the error printed when the row
 * holds a search, or another mode or PCT depth. */
static struct merge_sample *row_sample(struct merge *m, struct agg *a, JsonObject *r)
{
    const char *mode = json_object_get_string_member(r, "sample");
    unsigned depth = (unsigned)json_object_get_int_member_with_default(r, "pct_depth", 0);
    char where[512];

    if (a->whole || a->split) {
        cli_errorf("%s: error: %s under %s: sampled runs mixed with a search",
                   merge_at(m, "sample", where, sizeof(where)), a->scenario, a->variant);
        return NULL;
    }
    if (!a->sample) {
        a->sample = g_new0(struct merge_sample, 1);
        g_strlcpy(a->sample->mode, mode, sizeof(a->sample->mode));
        a->sample->depth = depth;
        a->sample->miss = 1;
        a->sample->run_bound = 1;
        a->sample->ranges = g_array_new(FALSE, FALSE, sizeof(struct seed_range));
    } else if (strcmp(a->sample->mode, mode)) {
        cli_errorf("%s: error: %s under %s: %s runs mixed with %s runs",
                   merge_at(m, "sample", where, sizeof(where)), a->scenario, a->variant, mode,
                   a->sample->mode);
        return NULL;
    } else if (a->sample->depth != depth) {   /* PCT's bound is for one bug depth */
        cli_errorf("%s: error: %s under %s: PCT runs for d = %u mixed with d = %u",
                   merge_at(m, "pct_depth", where, sizeof(where)), a->scenario, a->variant, depth,
                   a->sample->depth);
        return NULL;
    }
    return a->sample;
}

/* Seeds lo..hi added to s; false with the error printed when they overlap earlier ones. */
static bool add_seeds(struct merge *m, struct merge_sample *s, uint64_t lo, uint64_t hi)
{
    char where[512];

    for (guint i = 0; i < s->ranges->len; i++) {
        const struct seed_range *o = &g_array_index(s->ranges, struct seed_range, i);
        if (lo <= o->hi && o->lo <= hi) {
            cli_errorf("%s: error: seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                       " overlap seeds %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT " from %s: the "
                       "same runs would count twice", merge_at(m, "seed", where, sizeof(where)),
                       lo, hi, o->lo, o->hi, m->files[o->file]);
            return false;
        }
    }
    g_array_append_val(s->ranges, ((struct seed_range){ lo, hi, m->file }));
    return true;
}

/* The pair [lo, hi] of counts, lo <= hi, at element i of seeds; false if not one. */
static bool seed_pair(JsonArray *seeds, guint i, uint64_t *lo, uint64_t *hi)
{
    JsonNode *n = json_array_get_element(seeds, i);
    JsonArray *p = JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;

    if (!p || json_array_get_length(p) != 2)
        return false;
    for (guint k = 0; k < 2; k++) {
        JsonNode *e = json_array_get_element(p, k);
        if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_INT64 ||
            json_node_get_int(e) < 0)
            return false;
        *(k ? hi : lo) = (uint64_t)json_node_get_int(e);
    }
    return *lo <= *hi;
}

/* The seeds r ran: its "seeds" ranges (a merged result), or "runs" from "seed". */
static bool add_result_seeds(struct merge *m, struct merge_sample *s, JsonObject *r)
{
    uint64_t seed = (uint64_t)json_object_get_int_member(r, "seed"), lo, hi, n = 0;
    uint64_t runs = (uint64_t)json_object_get_int_member(r, "runs");
    JsonNode *node = json_object_get_member(r, "seeds");
    JsonArray *seeds = node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
    char where[512];

    if (!node)
        return add_seeds(m, s, seed, seed + runs - 1);
    for (guint i = 0; seeds && i < json_array_get_length(seeds); i++) {
        char member[32];
        snprintf(member, sizeof(member), "seeds/%u", i);
        if (!seed_pair(seeds, i, &lo, &hi) || hi - lo >= runs - n) {
            cli_errorf("%s: error: not a drcsim result: seed range %u is not [first, last] "
                       "within \"runs\"", merge_at(m, member, where, sizeof(where)), i);
            return false;
        }
        n += hi - lo + 1;
        if (!add_seeds(m, s, lo, hi))
            return false;
    }
    if (!seeds || n != runs) {
        cli_errorf("%s: error: not a drcsim result: \"seeds\" hold %" G_GUINT64_FORMAT
                   " runs, not \"runs\"", merge_at(m, "seeds", where, sizeof(where)), n);
        return false;
    }
    return true;
}

bool merge_add_sample(struct merge *m, JsonObject *r)
{
    char why[128], where[512];
    const char *member = NULL, *bad = NULL;
    struct merge_sample *s;
    struct agg *a;
    uint64_t runs;

    if (!json_members_check(r, sample_members, G_N_ELEMENTS(sample_members), why, sizeof(why),
                            &member) || (bad = sample_values(r, &member))) {
        cli_errorf("%s: error: not a drcsim result: %s",
                   merge_at(m, member, where, sizeof(where)), bad ? bad : why);
        return false;
    }
    a = find_agg(m->rows, r);
    runs = (uint64_t)json_object_get_int_member(r, "runs");
    if (!(s = row_sample(m, a, r)) || !add_result_seeds(m, s, r) || !add_families(m, a, r))
        return false;
    if (s->runs + runs > G_MAXUINT) {
        cli_errorf("%s: error: more than %u runs in all",
                   merge_at(m, "runs", where, sizeof(where)), G_MAXUINT);
        return false;
    }
    s->runs += runs;
    s->violating += (uint64_t)json_object_get_int_member(r, "violating_runs");
    s->cut += (uint64_t)json_object_get_int_member(r, "cut_runs");
    s->bound += (uint64_t)json_object_get_int_member(r, "bound_runs");
    if (s->depth) {
        s->miss *= 1 - json_object_get_double_member(r, "pct_total_bound");
        s->run_bound = MIN(s->run_bound, json_object_get_double_member(r, "pct_run_bound"));
    }
    merge_add_figures(a, r);
    a->incomplete = true;   /* sampling never shows that no interleaving violates */
    return true;
}

static int compare_ranges(const void *x, const void *y)
{
    const struct seed_range *a = x, *b = y;

    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The seed ranges, sorted, those that meet joined: "0..9, 20..29" or as JSON pairs. */
static char *seeds_text(const struct merge_sample *s, bool json)
{
    GArray *r = g_array_copy(s->ranges);
    GString *g = g_string_new(json ? "[" : "");

    g_array_sort(r, compare_ranges);
    for (guint i = 0; i < r->len; i++) {
        uint64_t lo = g_array_index(r, struct seed_range, i).lo;
        uint64_t hi = g_array_index(r, struct seed_range, i).hi;
        while (i + 1 < r->len && g_array_index(r, struct seed_range, i + 1).lo == hi + 1)
            hi = g_array_index(r, struct seed_range, ++i).hi;
        g_string_append_printf(g, json ? "%s[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]"
                                       : "%s%" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT,
                               g->len > (json ? 1u : 0u) ? (json ? "," : ", ") : "", lo, hi);
    }
    if (json)
        g_string_append_c(g, ']');
    g_array_free(r, TRUE);
    return g_string_free(g, FALSE);
}

void merge_print_sample(const struct agg *a)
{
    const struct merge_sample *s = a->sample;
    g_autofree char *seeds = seeds_text(s, false);

    printf("    %s sampling: %" G_GUINT64_FORMAT " runs (seeds %s), %" G_GUINT64_FORMAT
           " violating, %" G_GUINT64_FORMAT " cut, %" G_GUINT64_FORMAT " at a model bound\n",
           s->mode, s->runs, seeds, s->violating, s->cut, s->bound);
    if (s->depth)
        printf("    PCT: a depth-%u bug is found with probability >= %.3g per run, >= %.3g in "
               "the %" G_GUINT64_FORMAT " runs\n", s->depth, s->run_bound, 1 - s->miss, s->runs);
}

void merge_sample_json(GString *res, const struct agg *a)
{
    const struct merge_sample *s = a->sample;
    g_autofree char *seeds = seeds_text(s, true);
    uint64_t first = UINT64_MAX;
    struct sample_result sr = {
        .runs = (unsigned)s->runs, .violating_runs = (unsigned)s->violating,   /* merge_add_sample: */
        .cut_runs = (unsigned)s->cut, .bound_runs = (unsigned)s->bound,      /* <= G_MAXUINT */
        .pct_run_bound = s->run_bound, .pct_total_bound = 1 - s->miss };

    for (guint i = 0; i < s->ranges->len; i++)
        first = MIN(first, g_array_index(s->ranges, struct seed_range, i).lo);
    json_result_append(res, &(struct json_result){ .scenario = a->scenario,
        .variant = a->variant, .pass = !a->families, .incomplete = true,
        .families = a->families, .ignored = a->ignored, .sample = &sr, .sample_mode = s->mode,
        .sample_seed = first,
        .sample_depth = s->depth, .seeds = seeds, .transitions = a->transitions,
        .max_depth = a->max_depth, .seconds = a->seconds, .replay = a->replay,
        .counterexample = a->counterexample, .knobs = a->knobs, .peak_rss_kb = a->peak_rss_kb });
}
