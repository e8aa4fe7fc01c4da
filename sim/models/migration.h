/*
 * Live migration between two machines as QEMU performs it: QMP migrate
 * starts it, the switchover is one step (source stopped, sections whose
 * `needed` holds saved, destination loaded), the guest continues on the
 * destination. What is sent follows the knobs (DOMAIN.md "Migration").
 */
#ifndef DRCSIM_MIGRATION_H
#define DRCSIM_MIGRATION_H

#include "sim.h"
#include "trace.h"

/* QMP migrate on src to dst (migrate-incoming already done on dst). */
void migration_start(struct step_ctx *c, int src, int dst);
void migration_pending(const struct sim *s, const struct world *w, struct pending *p);
void migration_apply(struct step_ctx *c, const struct step *st);

#endif
