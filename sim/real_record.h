/*
 * A real run kept as a file (`validate --keep DIR` writes DIR/run-N/real-run.json):
 * every machine's observations with their times (less the DRC reset and
 * realize trace points QEMU prints for every DRC), why the run was reference
 * invalid if it was, so that `validate --recorded FILE` can judge it
 * again against a changed model without QEMU.
 */
#ifndef DRCSIM_REAL_RECORD_H
#define DRCSIM_REAL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include "scenario.h"

#define REAL_RECORD_FORMAT 1

struct real_record {
    char scenario[256];     /* the scenario file's name (no directory) it was recorded from */
    char invalid[512];      /* "" or the driver's "reference invalid: …" */
    double seconds;
    GArray *obs;            /* struct real_obs, time order */
};

/* Write rec as FILE; false with one line in err. */
bool real_record_write(const char *file, const struct real_record *rec, char *err, size_t len);

/*
 * Read FILE written by real_record_write, for scn (recorded from a scenario file of the
 * same name, observations of its machines only); false with "FILE:LINE:COL: error: …"
 * in err. rec->obs is allocated: real_record_clear().
 */
bool real_record_read(const char *file, const struct scenario *scn, const char *scn_path,
                      struct real_record *rec, char *err, size_t len);
void real_record_clear(struct real_record *rec);

#endif
