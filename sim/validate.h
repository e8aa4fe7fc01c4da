/*
 * Trace validation against real QEMU: model steps and real observations are
 * projected onto the same observables (DRC trace points per machine, QMP
 * replies and events, the guest's DLPAR log lines, how a migration ended, a
 * QEMU crash); a real run
 * is admitted when some interleaving of the model produces exactly its
 * observables and then none for as long as the real run went on.
 */
#ifndef DRCSIM_VALIDATE_H
#define DRCSIM_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>
#include "sim.h"

/* Separate streams: their relative order differs between QEMU's trace file,
   its QMP socket and the guest console, so only the order within one counts. */
enum obs_stream { OBS_DRC, OBS_QMP, OBS_EVENT, OBS_GUEST, OBS_MIGRATION, OBS_CRASH, OBS_STREAMS };

/* A QEMU process killed by a signal (SIGSEGV, or SIGABRT from an assertion), as the
   real driver sees it and as the model's aborts are: the message is not compared. */
#define OBS_CRASH_TEXT "QEMU killed by a signal"

struct observation {
    uint8_t stream;          /* enum obs_stream */
    uint8_t machine;
    char text[200];          /* e.g. "spapr_drc_set_allocation_state 0x10000001 1" */
};

/* The observables one model step produced (its JSONL trace line). */
unsigned model_observations(const struct sim *s, const char *json_line, struct observation *out,
                            unsigned max);
/*
 * The machines a step aborted (a QEMU abort, not a model bound): out[0..n) are the
 * step's observables; each such machine's QMP reply goes (QEMU died in the command)
 * and an OBS_CRASH is added. Returns the new count.
 */
unsigned model_crash_observations(const struct world *before, const struct world *after,
                                  int nmachines, struct observation *out, unsigned n,
                                  unsigned max);
/*
 * A real observation (kind "drc", "qmp", "event", "guest", "step" for the driver's
 * "migrate SRC DST -> STATUS", or "death" when QEMU was killed by a signal) of
 * machine, as text normalized by the real-QEMU driver; false when it is not observable.
 */
bool real_observation(const struct sim *s, const char *machine, const char *kind,
                      const char *text, struct observation *out);

struct inclusion {
    bool admitted;
    unsigned matched;        /* real observables matched on the deepest branch */
    unsigned total;
    uint64_t states;
    char divergence[640];    /* the first real observable the model cannot produce */
};

/*
 * Is the real sequence one of the behaviours the model admits? All of it, and then
 * quiet_ms (how long the real run was watched after its last observable) without
 * another: the model at rest, or every step it has pending able to wait that long.
 * A run that crashed (its last observable OBS_CRASH) ended there: the driver ran
 * no further line and watched no longer, so all of it is enough.
 */
void validate_inclusion(const struct sim *s, const struct observation *real, unsigned n,
                        uint32_t quiet_ms, bool crashed, struct inclusion *out);

#endif
