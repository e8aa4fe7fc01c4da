/*
 * The scenario's scripts as actors: each script runs its lines in order,
 * one line per step, concurrently with the other scripts. A line is a
 * management action (libvirt.c), a guest RTAS call the script plays
 * (script_guest.c), or an assert checkpoint.
 */
#ifndef DRCSIM_SCRIPT_H
#define DRCSIM_SCRIPT_H

#include "sim.h"
#include "trace.h"

enum { STEP_SCRIPT_LINE = 1 };

bool script_do_supported(uint8_t action);
void script_start(const struct sim *s, struct world *w);
unsigned script_enabled(const struct sim *s, const struct world *w, struct step *out,
                        unsigned max);
void script_apply(const struct sim *s, struct world *w, const struct step *st, struct trace *tr,
                  uint32_t step_no, uint64_t t_ms);

/* Record that line l did not hold (first failure wins). */
void script_fail(struct world *w, const struct scn_line *l, uint8_t field, int32_t got);

/* libvirt.c: perform a `do` line as libvirt would. */
bool libvirt_do_supported(uint8_t action);
void libvirt_do(const struct sim *s, struct world *w, const struct scn_line *l, struct trace *tr,
                uint32_t step_no, uint64_t t_ms);

/* script_guest.c: the script plays the guest: one rtas line. */
void script_guest_rtas(const struct sim *s, struct world *w, const struct scn_line *l,
                       struct trace *tr, uint32_t step_no, uint64_t t_ms);

#endif
