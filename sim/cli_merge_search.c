/*
 * `drcsim merge` of how the parts' searches ended: the weakest storage of
 * theirs, the chance that some part took two worlds for one (each part has
 * a visited set of its own), bitstate misses added up and the cuts united;
 * a split's missing part cuts the row as well.
 */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include "cli.h"
#include "cli_merge.h"
#include "json_file.h"

/* "cut_by" as bits, or -1 with *bad: a name no search writes. */
static long cut_bits(JsonObject *r, const char **bad)
{
    g_auto(GStrv) names = json_object_strv(r, "cut_by");
    long bits = 0;

    for (int i = 0; names && names[i]; i++) {
        int k = scn_index_of(search_cut_names, CUT_COUNT, names[i]);
        if (k < 0) {
            *bad = "\"cut_by\" names something no search is cut by";
            return -1;
        }
        bits |= 1l << k;
    }
    return bits;
}

const char *merge_search_add(struct agg *a, JsonObject *r, const char **member)
{
    bool has_stored = json_object_has_member(r, "stored");
    int stored = scn_index_of(search_stored_names, STORED_COUNT,
                            json_object_get_string_member_with_default(r, "stored", ""));
    double p = json_object_get_double_member_with_default(r, "collision_probability", 0);
    double missed = json_object_get_double_member_with_default(r, "bitstate_missed", 0);
    const char *bad = NULL;
    long cut;

    *member = "stored";
    if (!has_stored && !json_object_has_member(r, "collision_probability") &&
        !json_object_has_member(r, "cut_by") && !json_object_has_member(r, "bitstate_missed"))
        return NULL;   /* a result from before searches said how they ended */
    if (!has_stored || !json_object_has_member(r, "collision_probability") ||
        !json_object_has_member(r, "cut_by"))
        return "\"stored\", \"collision_probability\" and \"cut_by\" go together";
    if (stored < 0)
        return "\"stored\" is not lossless, fingerprints or bitstate";
    *member = "collision_probability";
    if (!isfinite(p) || p < 0 || p > 1)
        return "\"collision_probability\" is not from 0 to 1";
    *member = "bitstate_missed";
    if (json_object_has_member(r, "bitstate_missed") != (stored == STORED_BITSTATE))
        return "\"bitstate_missed\" goes with \"stored\": \"bitstate\", and only with it";
    if (!isfinite(missed) || missed < 0)
        return "\"bitstate_missed\" is negative";
    *member = "cut_by";
    if ((cut = cut_bits(r, &bad)) < 0)
        return bad;
    a->search.with++;
    a->search.stored = MAX(a->search.stored, stored);
    a->search.log_no_collision += log1p(-p);   /* exact for tiny p, as 1 - p is not */
    a->search.bitstate_missed += missed;
    a->search.cut |= (unsigned)cut;
    return NULL;
}

bool merge_search_end(const struct agg *a, struct search_end *out)
{
    if (!a->parts || a->search.with != a->parts)
        return false;
    *out = (struct search_end){
        .stored = (enum search_stored)a->search.stored,
        .collision_probability = -expm1(a->search.log_no_collision),
        .bitstate_missed = a->search.bitstate_missed,
        .cut = a->search.cut | (unsigned)a->missing_parts << CUT_MISSING_PARTS,
    };
    return true;
}

void merge_print_search(const struct agg *a)
{
    char bits[96];
    struct search_end e;
    unsigned cut;
    bool first = true;

    if (!merge_search_end(a, &e) || !(cut = e.cut & ~(1u << CUT_MISSING_PARTS)))
        return;   /* a missing part has a line of its own */
    fputs("    cut short by ", stdout);
    for (unsigned i = 0; i < CUT_COUNT; i++)
        if (cut >> i & 1) {
            printf("%s%s", first ? "" : ", ", search_cut_names[i]);
            first = false;
        }
    if (e.stored == STORED_BITSTATE)
        printf(" (%s)", bitstate_missed_text(e.bitstate_missed, bits, sizeof(bits)));
    putchar('\n');
}
