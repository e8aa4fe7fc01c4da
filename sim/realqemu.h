/*
 * Real QEMU pseries machines for `drcsim validate`: start qemu-system-ppc64
 * under TCG, talk QMP (GSocket + json-glib) and the guest's serial console,
 * and record what is observable: QMP replies and events, spapr_drc_* trace
 * points, the guest's hotplug log lines, and a QEMU that dies or hangs.
 */
#ifndef DRCSIM_REALQEMU_H
#define DRCSIM_REALQEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>
#include <json-glib/json-glib.h>

struct real_vm_config {
    char name[16];          /* machine name: observations, file names */
    const char *workdir;    /* NAME.qmp, NAME.con, NAME.console.log, NAME.trace, NAME.stderr */
    const char *qemu;       /* qemu-system-ppc64 */
    const char *kernel, *initrd;
    char cpu[16];           /* -cpu, "POWER9" when empty */
    char max_cpu_compat[16];/* -machine max-cpu-compat=, none when empty */
    char ic_mode[8];        /* -machine ic-mode=, QEMU's default (dual) when empty */
    unsigned smp, maxcpus;  /* -smp S,maxcpus=N: vCPUs on -smp, and all */
    unsigned ram_mb, slots, maxmem_mb;  /* -m RAM[,slots=S,maxmem=M] (slots 0: plain -m) */
    bool prelaunch;         /* -S */
    bool incoming;          /* -S -incoming defer */
    char **extra;           /* more arguments (NULL-terminated), or NULL */
};

/* How a "death" observation starts when QEMU was killed by a signal (not an exit or a hang). */
#define REAL_DEATH_BY_SIGNAL "qemu killed by signal "

/* One observation. kind: "qmp", "event", "drc", "guest", "death" (and the driver's "step"). */
struct real_obs {
    char machine[16];
    char kind[8];
    double t;               /* seconds since real_set_epoch() */
    char text[320];
};

/* Observation times count from here (g_get_real_time() units); default: first start. */
void real_set_epoch(gint64 epoch_us);

/* The exact argv (NULL-terminated, g_strfreev) QEMU is started with. */
char **real_vm_argv(const struct real_vm_config *cfg);

/* Start QEMU, connect QMP (capabilities negotiated) and the console. NULL + err on failure. */
struct real_vm *real_vm_start(const struct real_vm_config *cfg, char *err, size_t errlen);

/*
 * One QMP command; arguments may be NULL and stay the caller's. On success
 * *ret (if given) gets a copy of "return" (json_node_unref it); on a QMP
 * error *error_desc (g_free) gets its "desc". False also when QEMU is dead or
 * the reply does not come within timeout_s (QEMU is then taken as hung).
 * Recorded as a "qmp" observation, except query-* commands.
 */
bool real_qmp(struct real_vm *vm, const char *execute, JsonNode *arguments, JsonNode **ret,
              char **error_desc, double timeout_s);

/* Has EVENT (for device ID, or any when device is NULL) been received since start? */
bool real_wait_event(struct real_vm *vm, const char *event, const char *device, double timeout_s);
/* How many such events have been received so far. */
unsigned real_event_count(const struct real_vm *vm, const char *event, const char *device);

/* Wait for marker in console output not consumed yet; consumes up to it. */
bool real_console_wait(struct real_vm *vm, const char *marker, double timeout_s);
/* Run a shell command in the guest; *output (g_free) is what it printed, kernel lines cut. */
bool real_console_run(struct real_vm *vm, const char *cmd, char **output, double timeout_s);

/* Read every live machine's sockets for up to timeout_s (at least one poll). */
void real_pump(double timeout_s);
/* Pump for seconds. */
void real_sleep(double seconds);

/* NULL while QEMU runs and answers; else why it is dead ("exited with …"). */
const char *real_vm_death(const struct real_vm *vm);
const char *real_vm_name(const struct real_vm *vm);
/*
 * While allowed, QEMU exiting with a status is no death but an "exit"
 * observation (a destination whose load failed: libvirt's Finish expects
 * it); real_vm_exited then says how, NULL before.
 */
void real_vm_allow_exit(struct real_vm *vm, bool allow);
const char *real_vm_exited(const struct real_vm *vm);
/* Record an observation of this machine now (the driver's own, e.g. "wait"). */
void real_obs_add(struct real_vm *vm, const char *kind, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* QMP quit, wait for the exit (killed after timeout_s); an exit then is no death. */
void real_vm_quit(struct real_vm *vm, double timeout_s);
/* Append this machine's observations (trace file parsed now) to obs, in time order. */
void real_vm_collect(struct real_vm *vm, GArray *obs);
/* Kill QEMU (its whole process group) if it still runs, and free everything. */
void real_vm_stop(struct real_vm *vm);

/*
 * Pure helpers (unit-tested). A -D trace line "pid@sec.usec:name a: x, b: y"
 * -> "name x y" (field names dropped, "state" values in decimal), with its
 * epoch time; false for lines that are not trace points or are noise
 * (spapr_drc_realize*).
 */
bool real_trace_normalize(const char *line, char *out, size_t outlen, double *epoch_s);
/* A console line from pseries hotplug, without its timestamp; its pr_fmt prefix
 * ("pseries-hotplug-cpu: ") stays, as the model prints it. */
bool real_guest_line(const char *line, char *out, size_t outlen);
/* The same for a kernel line prev that the shell's prompt cut short at its end: line,
 * starting with the prompt, carries its rest ("[ 1.6] p", "/ # \e[6nseries-hotplug-…").
 * False when line does not continue prev that way. */
bool real_guest_line_cont(const char *prev, const char *line, char *out, size_t outlen);
/* Remove kernel log lines, '\r' and escape sequences from command output (in place). */
void real_clean_output(char *text);
/* Copy in without '\r' and terminal escape sequences (ESC [ … final byte). */
void real_strip_escapes(const char *in, char *out, size_t outlen);

#endif
