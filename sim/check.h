/*
 * Invariant checks, apart from the models: they read the world and say
 * which invariant families (DOMAIN.md) are violated after a step and at
 * quiescence, with a one-line explanation in QEMU/guest/libvirt terms.
 */
#ifndef DRCSIM_CHECK_H
#define DRCSIM_CHECK_H

#include "explore.h"
#include "sim.h"

uint32_t check_step(const void *sim, const void *world, const struct step *st,
                    struct violation *v);
uint32_t check_quiescent(const void *sim, const void *world, struct violation *v);

/* The checker vtable for a sim. */
struct checker check_for(const struct sim *s);

/* Shared by check.c and check_quiescent.c */
uint32_t violate(struct violation *v, uint8_t fam, uint16_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *pred_expected(const struct sim *s, const struct drc_pred *p, uint8_t field, char *buf,
                          size_t len);
const char *pred_got(const struct sim *s, uint8_t field, int32_t got, char *buf, size_t len);

/* Families as "a,b" (into buf). */
const char *families_format(uint32_t fams, char *buf, size_t len);
/* A search's verdict as a verdict line spells it: "pass", "fail a,b" (into buf), or
 * "incomplete" when no family was found before the search stopped short. */
const char *verdict_format(uint32_t fams, bool incomplete, char *buf, size_t len);

#endif
