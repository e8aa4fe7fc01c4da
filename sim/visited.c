/*
 * Open-addressing set of 64-bit fingerprints for the explorer; a zero
 * fingerprint is stored as 1 so that 0 can mark an empty slot.
 */
#include <glib.h>
#include "visited.h"

void visited_init(struct visited *v, size_t cap)
{
    size_t c = 16;

    while (c < cap)
        c <<= 1;
    v->slots = g_new0(uint64_t, c);
    v->cap = c;
    v->count = 0;
}

static bool insert_slot(uint64_t *slots, size_t cap, uint64_t fp)
{
    size_t i = (size_t)(fp ^ (fp >> 32)) & (cap - 1);

    while (slots[i]) {
        if (slots[i] == fp)
            return false;
        i = (i + 1) & (cap - 1);
    }
    slots[i] = fp;
    return true;
}

static void grow(struct visited *v)
{
    size_t cap = v->cap * 2;
    uint64_t *slots = g_new0(uint64_t, cap);

    for (size_t i = 0; i < v->cap; i++)
        if (v->slots[i])
            insert_slot(slots, cap, v->slots[i]);
    g_free(v->slots);
    v->slots = slots;
    v->cap = cap;
}

bool visited_insert(struct visited *v, uint64_t fp)
{
    if (fp == 0)
        fp = 1;
    if (2 * (v->count + 1) > v->cap)
        grow(v);
    if (!insert_slot(v->slots, v->cap, fp))
        return false;
    v->count++;
    return true;
}

bool visited_contains(const struct visited *v, uint64_t fp)
{
    size_t i;

    if (fp == 0)
        fp = 1;
    i = (size_t)(fp ^ (fp >> 32)) & (v->cap - 1);
    while (v->slots[i]) {
        if (v->slots[i] == fp)
            return true;
        i = (i + 1) & (v->cap - 1);
    }
    return false;
}

size_t visited_bytes(const struct visited *v)
{
    return v->cap * sizeof(uint64_t);
}

void visited_free(struct visited *v)
{
    g_free(v->slots);
    *v = (struct visited){ 0 };
}
