/*
 * The scenario language (ARCHITECTURE.md "Scenario language") into struct
 * scenario, stopping at the first "path:line:col: error: message": the
 * parser's helpers, the declarations, the table of statements and the hash
 * that names a scenario's text; scenario_lines.c parses the script lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>
#include "scenario_parse.h"

/* ---- vocabulary --------------------------------------------------------- */

const char *const scn_dev_type_names[DEV_TYPE_COUNT] = { "cpu", "dimm", "phb", "pci" };
const char *const scn_guest_names[3] = { "linux", "script", "none" };
static const char *const dev_arg_names[DEV_TYPE_COUNT] = { "core-id", "size", "index", "slot" };
static const char *const cpu_names[] = { "power8", "power9" };
/* Words that would make `do`, `wait` and `expect` ambiguous as machine names. */
static const char *const reserved_words[] = {
    "guest", "libvirt", "event", "device_add", "device_del", "migrate", "cont",
    "system_reset", "setvcpus", "guest-online", "migrated", "quiescent", "stop",
};

/* ---- parser helpers ----------------------------------------------------- */

bool scn_fail(struct parser *p, unsigned col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    scn_write_error(p->err, p->errlen, p->path, p->line, col, msg);
    return false;
}

struct scn_loc scn_loc_of(const struct parser *p, int i)
{
    struct scn_loc l = { (uint16_t)p->line, p->w[i].col };
    return l;
}

/* Column of word i, or just past the last word when there is no word i. */
unsigned scn_col_of(const struct parser *p, int i)
{
    if (i < p->n)
        return p->w[i].col;
    return p->n ? p->w[p->n - 1].end : 1;
}

/* Words [0, end) number between min and max. */
bool scn_need_upto(struct parser *p, int end, int min, int max, const char *usage)
{
    if (end < min)
        return scn_fail(p, scn_col_of(p, end), "expected `%s`", usage);
    if (end > max && max < SCN_MAX_WORDS)
        return scn_fail(p, p->w[max].col, "unexpected '%s' (expected `%s`)", p->w[max].s, usage);
    return true;
}

bool scn_need_words(struct parser *p, int min, int max, const char *usage)
{
    return scn_need_upto(p, p->n, min, max, usage);
}

bool scn_get_name(struct parser *p, int i, const char *what, char out[SCN_NAME_LEN])
{
    const char *s = p->w[i].s;

    if (!scn_valid_name(s))
        return scn_fail(p, p->w[i].col, "bad %s name '%s' (a letter, then letters, digits, "
                        "'-', '_' or '.')", what, s);
    if (strlen(s) >= SCN_NAME_LEN)
        return scn_fail(p, p->w[i].col, "%s name '%s' too long (max %d bytes)", what, s,
                        SCN_NAME_LEN - 1);
    strcpy(out, s);
    return true;
}

int scn_machine_index(const struct scenario *s, const char *name)
{
    for (unsigned i = 0; i < s->nmachines; i++)
        if (strcmp(s->machines[i].name, name) == 0)
            return (int)i;
    return -1;
}

bool scn_find_machine(struct parser *p, int i, uint8_t *m)
{
    int k = scn_machine_index(p->s, p->w[i].s);

    if (k < 0)
        return scn_fail(p, p->w[i].col, "unknown machine '%s'", p->w[i].s);
    *m = (uint8_t)k;
    return true;
}

static int device_index(const struct scenario *s, const char *id)
{
    for (unsigned i = 0; i < s->ndevices; i++)
        if (strcmp(s->devices[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* The device named id (word i, or part of it): defined by an earlier line. */
bool scn_find_device(struct parser *p, int i, const char *id, uint8_t *d)
{
    int k = device_index(p->s, id);

    if (k < 0)
        return scn_fail(p, p->w[i].col, "unknown device '%s' (no earlier line defines it)", id);
    *d = (uint8_t)k;
    return true;
}

/* Word i names a device of the given type (-1: any). */
bool scn_typed_device(struct parser *p, int i, int type, uint8_t *d)
{
    uint8_t t;

    if (!scn_find_device(p, i, p->w[i].s, d))
        return false;
    t = p->s->devices[*d].type;
    if (type >= 0 && t != type)
        return scn_fail(p, p->w[i].col, "device '%s' is a %s, not a %s", p->w[i].s,
                        scn_dev_type_names[t], scn_dev_type_names[type]);
    return true;
}

/* Word i is yes_word (1) or no_word (0). */
bool scn_choice(struct parser *p, int i, const char *yes_word, const char *no_word,
                uint8_t *out)
{
    const char *w = p->w[i].s;

    if (strcmp(w, yes_word) && strcmp(w, no_word))
        return scn_fail(p, p->w[i].col, "expected %s or %s, got '%s'", yes_word, no_word, w);
    *out = strcmp(w, yes_word) == 0;
    return true;
}

/* Value v of word i ("key=v") is a number in [min, max]. */
bool scn_range_arg(struct parser *p, int i, const char *v, uint32_t min, uint32_t max,
                   uint32_t *out)
{
    if (!scn_parse_u32(v, false, out))
        return scn_fail(p, p->w[i].col, "%s: expected a number", p->w[i].s);
    if (*out < min || *out > max)
        return scn_fail(p, p->w[i].col, "%s out of range (%u..%u)", p->w[i].s, min, max);
    return true;
}

/* Value v of word i is a size, a positive multiple of 256M. */
static bool size_arg(struct parser *p, int i, const char *v, uint32_t *mb)
{
    if (!scn_parse_size(v, mb))
        return scn_fail(p, p->w[i].col, "%s: expected a size such as 512M or 1G", p->w[i].s);
    if (*mb == 0 || *mb % 256)
        return scn_fail(p, p->w[i].col, "%s: not a positive multiple of 256M", p->w[i].s);
    return true;
}

/* ---- scenario, title, source, knob, script ---------------------------- */

static bool once(struct parser *p, unsigned *seen, const char *stmt)
{
    if (*seen)
        return scn_fail(p, p->w[0].col, "duplicate `%s` statement (first on line %u)", stmt, *seen);
    *seen = p->line;
    return true;
}

static bool st_scenario(struct parser *p)
{
    return scn_need_words(p, 2, 2, "scenario NAME") && once(p, &p->scenario_line, "scenario") &&
           scn_get_name(p, 1, "scenario", p->s->name);
}

static bool text_statement(struct parser *p, unsigned *seen, const char *stmt, char *out)
{
    char usage[32];

    snprintf(usage, sizeof(usage), "%s \"TEXT\"", stmt);
    if (!scn_need_words(p, 2, 2, usage) || !once(p, seen, stmt))
        return false;
    if (!p->w[1].quoted)
        return scn_fail(p, p->w[1].col, "expected a quoted string, got '%s'", p->w[1].s);
    if (strlen(p->w[1].s) >= SCN_TEXT_LEN)
        return scn_fail(p, p->w[1].col, "%s too long (max %d bytes)", stmt, SCN_TEXT_LEN - 1);
    strcpy(out, p->w[1].s);
    return true;
}

static bool st_title(struct parser *p)
{
    return text_statement(p, &p->title_line, "title", p->s->title);
}

static bool st_source(struct parser *p)
{
    return text_statement(p, &p->source_line, "source", p->s->source);
}

static bool st_knob(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_knob k = { .loc = scn_loc_of(p, 0) };
    char msg[256];

    if (!scn_need_words(p, 2, 2, "knob NAME=VALUE"))
        return false;
    if (!scn_parse_knob(p->w[1].s, &k.id, &k.lo, &k.hi, msg, sizeof(msg)))
        return scn_fail(p, p->w[1].col, "%s", msg);
    for (unsigned i = 0; i < s->nknobs; i++)
        if (s->knobs[i].id == k.id)
            return scn_fail(p, p->w[1].col, "knob %s already set on line %u",
                            knob_defs[k.id].name, s->knobs[i].loc.line);
    s->knobs[s->nknobs++] = k;   /* at most KNOB_COUNT distinct knobs */
    return true;
}

static bool add_script(struct parser *p, const char *name, unsigned col)
{
    struct scenario *s = p->s;

    for (unsigned i = 0; i < s->nscripts; i++)
        if (strcmp(s->script_names[i], name) == 0)
            return scn_fail(p, col, "duplicate script '%s'", name);
    if (s->nscripts == MAX_SCRIPTS)
        return scn_fail(p, col, "too many scripts (max %d)", MAX_SCRIPTS);
    strcpy(s->script_names[s->nscripts], name);
    s->script_first[s->nscripts] = s->nlines;
    s->script_count[s->nscripts] = 0;
    p->script = s->nscripts++;
    return true;
}

static bool st_script(struct parser *p)
{
    char name[SCN_NAME_LEN];

    return scn_need_words(p, 2, 2, "script NAME") && scn_get_name(p, 1, "script", name) &&
           add_script(p, name, p->w[1].col);
}

/* A new script line; the implicit script "main" starts with the first. */
struct scn_line *scn_new_line(struct parser *p, uint8_t kind)
{
    struct scenario *s = p->s;
    struct scn_line *l;

    if (s->nlines == MAX_LINES) {
        scn_fail(p, p->w[0].col, "too many script lines (max %d)", MAX_LINES);
        return NULL;
    }
    if (p->script < 0 && !add_script(p, "main", p->w[0].col))
        return NULL;
    l = &s->lines[s->nlines++];
    memset(l, 0, sizeof(*l));
    l->kind = kind;
    l->script = (uint8_t)p->script;
    l->machine = l->device = l->machine2 = l->event = NONE;
    l->loc = scn_loc_of(p, 0);
    s->script_count[p->script]++;
    return l;
}

/* ---- machine ---------------------------------------------------------- */

enum { MO_LIKE, MO_CORES, MO_LMBS, MO_PHBS, MO_PCI_SLOTS, MO_RAM, MO_INCOMING,
       MO_PRELAUNCH, MO_HOST, MO_COMPAT, MO_GUEST, MO_SLOTS, MO_COUNT };
static const char *const machine_opts[MO_COUNT] = {
    "like", "cores", "lmbs", "phbs", "pci-slots", "ram", "incoming", "prelaunch", "host",
    "max-cpu-compat", "guest", "slots",
};

static bool enum_arg(struct parser *p, int i, const char *v, const char *const *names,
                     unsigned count, const char *expected, uint8_t *out)
{
    int k = scn_index_of(names, count, v);

    if (k < 0)
        return scn_fail(p, p->w[i].col, "%s: expected %s", p->w[i].s, expected);
    *out = (uint8_t)k;
    return true;
}

static bool machine_value(struct parser *p, int i, int o, const char *v, struct scn_machine *m)
{
    uint32_t n = 0;
    bool ok = true;

    switch (o) {
    case MO_CORES:     ok = scn_range_arg(p, i, v, 1, MAX_CORES, &n); m->cores = (uint8_t)n; break;
    case MO_LMBS:      ok = scn_range_arg(p, i, v, 0, MAX_LMBS, &n); m->lmbs = (uint8_t)n; break;
    case MO_PHBS:      ok = scn_range_arg(p, i, v, 1, MAX_PHBS, &n); m->phbs = (uint8_t)n; break;
    case MO_PCI_SLOTS: ok = scn_range_arg(p, i, v, 0, MAX_PCI_SLOTS, &n); m->pci_slots = (uint8_t)n; break;
    case MO_RAM:       ok = size_arg(p, i, v, &m->ram_mb); break;
    case MO_SLOTS:     ok = scn_range_arg(p, i, v, 1, SPAPR_MAX_RAM_SLOTS, &n); m->slots = (uint8_t)n; break;
    case MO_HOST:      return enum_arg(p, i, v, cpu_names, 2, "power8 or power9", &m->host);
    case MO_GUEST:     return enum_arg(p, i, v, scn_guest_names, 3, "linux, script or none", &m->guest);
    case MO_COMPAT:
        if (!enum_arg(p, i, v, cpu_names, 2, "power8 or power9", &m->max_cpu_compat))
            return false;
        m->max_cpu_compat++;
        break;
    case MO_INCOMING:
        if (strcmp(v, "defer"))
            return scn_fail(p, p->w[i].col, "%s: expected incoming=defer", p->w[i].s);
        m->incoming_defer = 1;
        break;
    }
    return ok;
}

static bool machine_option(struct parser *p, int i, struct scn_machine *m, unsigned *seen)
{
    const char *w = p->w[i].s, *eq = strchr(w, '=');
    int o = scn_key_index(w, machine_opts, MO_COUNT);

    if (o < 0)
        return scn_fail(p, p->w[i].col, "unknown machine option '%s'", w);
    if (*seen & 1u << o)
        return scn_fail(p, p->w[i].col, "machine option '%s' given twice", machine_opts[o]);
    *seen |= 1u << o;
    if (o == MO_PRELAUNCH) {
        if (eq)
            return scn_fail(p, p->w[i].col, "prelaunch takes no value");
        m->prelaunch = 1;
        return true;
    }
    if (!eq)
        return scn_fail(p, p->w[i].col, "expected %s=VALUE", w);
    return o == MO_LIKE || machine_value(p, i, o, eq + 1, m);
}

/*
 * max-cpu-compat above the host CPU: QEMU exits at its first machine reset
 * (ppc_set_compat_all -> ppc_set_compat, target/ppc/compat.c: "Compatibility
 * PVR 0x0f000005 not valid for CPU"; seen on QEMU 7.2 with -cpu POWER8).
 */
static bool compat_within_host(struct parser *p, const struct scn_machine *m)
{
    int at = 0;

    if (!m->max_cpu_compat || m->max_cpu_compat - 1 <= m->host)
        return true;
    for (int i = 2; i < p->n && !at; i++)
        if (scn_value_of(p->w[i].s, "max-cpu-compat") || scn_value_of(p->w[i].s, "host"))
            at = i;
    return scn_fail(p, p->w[at ? at : 1].col, "max-cpu-compat=power9 needs host=power9: QEMU "
                    "exits at start (\"Compatibility PVR 0x0f000005 not valid for CPU\")");
}

/* Defaults, or a copy of the machine that a like= option names. */
static bool machine_base(struct parser *p, struct scn_machine *m)
{
    static const struct scn_machine defaults = {
        .cores = 2, .lmbs = 8, .phbs = 2, .pci_slots = 4, .host = CPU_POWER9,
        .guest = GUEST_LINUX, .like = -1, .ram_mb = 1024, .slots = SPAPR_MAX_RAM_SLOTS,
    };
    *m = defaults;
    for (int i = 2; i < p->n; i++) {
        const char *v = scn_value_of(p->w[i].s, "like");
        int k;
        if (!v)
            continue;
        k = scn_machine_index(p->s, v);
        if (k < 0)
            return scn_fail(p, p->w[i].col, "unknown machine '%s'", v);
        *m = p->s->machines[k];
        m->like = (int8_t)k;
        return true;
    }
    return true;
}

static bool st_machine(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_machine m;
    char name[SCN_NAME_LEN];
    unsigned seen = 0;
    int k;

    if (!scn_need_words(p, 2, SCN_MAX_WORDS, "machine NAME [OPTION=VALUE]…") ||
        !scn_get_name(p, 1, "machine", name))
        return false;
    if (scn_index_of(reserved_words, G_N_ELEMENTS(reserved_words), name) >= 0)
        return scn_fail(p, p->w[1].col, "'%s' is a keyword and cannot name a machine", name);
    k = scn_machine_index(s, name);
    if (k >= 0)
        return scn_fail(p, p->w[1].col, "duplicate machine '%s' (first defined on line %u)", name,
                        s->machines[k].loc.line);
    if (s->nmachines == MAX_MACHINES)
        return scn_fail(p, p->w[1].col, "too many machines (max %d)", MAX_MACHINES);
    if (!machine_base(p, &m))
        return false;
    for (int i = 2; i < p->n; i++)
        if (!machine_option(p, i, &m, &seen))
            return false;
    if (!compat_within_host(p, &m))
        return false;
    strcpy(m.name, name);
    m.loc = scn_loc_of(p, 0);
    s->machines[s->nmachines++] = m;
    return true;
}

/* ---- devices ------------------------------------------------------------ */

static const char *describe_device(const struct scn_device *d, char *buf, size_t len)
{
    uint32_t v = d->type == DEV_CPU_CORE ? d->core_id : d->type == DEV_PHB ? d->index : d->slot;

    if (d->type == DEV_DIMM)
        snprintf(buf, len, "dimm size=%uM", (unsigned)d->size_mb);
    else
        snprintf(buf, len, "%s %s=%u%s", scn_dev_type_names[d->type], dev_arg_names[d->type],
                 (unsigned)v, d->on_smp ? " hotpluggable=no" : "");
    return buf;
}

/* Word i is the argument of device d's type, checked against machine m. */
static bool device_arg(struct parser *p, int i, uint8_t m, struct scn_device *d)
{
    const struct scn_machine *mc = &p->s->machines[m];
    static const char *const limit_names[] = { "cores", "", "phbs", "pci-slots" };
    const uint8_t limits[] = { mc->cores, 0, mc->phbs, mc->pci_slots };
    const char *w = p->w[i].s, *v = scn_value_of(w, dev_arg_names[d->type]);
    uint32_t n;

    if (!v)
        return scn_fail(p, p->w[i].col, "unknown option '%s' for a %s device (expected %s=%s)", w,
                        scn_dev_type_names[d->type], dev_arg_names[d->type],
                        d->type == DEV_DIMM ? "SIZE" : "N");
    if (d->type == DEV_DIMM)
        return size_arg(p, i, v, &d->size_mb);
    if (!scn_parse_u32(v, false, &n))
        return scn_fail(p, p->w[i].col, "%s: expected a number", w);
    if (n >= limits[d->type])
        return scn_fail(p, p->w[i].col, "%s out of range: machine '%s' has %s=%u", w, mc->name,
                        limit_names[d->type], limits[d->type]);
    if (d->type == DEV_CPU_CORE)
        d->core_id = (uint8_t)n;
    else if (d->type == DEV_PHB)
        d->index = (uint8_t)n;
    else
        d->slot = (uint8_t)n;
    return true;
}

/* The first mention of an ID defines the device; later ones must agree. */
static bool define_device(struct parser *p, const struct scn_device *d, uint8_t *out)
{
    struct scenario *s = p->s;
    int k = device_index(s, d->id);
    char buf[64];

    if (k >= 0) {
        const struct scn_device *e = &s->devices[k];
        if (e->type != d->type || e->core_id != d->core_id || e->index != d->index ||
            e->slot != d->slot || e->size_mb != d->size_mb || e->on_smp != d->on_smp)
            return scn_fail(p, d->loc.col,
                            "device '%s' differs from its definition on line %u (%s)", d->id,
                            e->loc.line, describe_device(e, buf, sizeof(buf)));
        *out = (uint8_t)k;
        return true;
    }
    if (s->ndevices == MAX_DEVICES)
        return scn_fail(p, d->loc.col, "too many devices (max %d)", MAX_DEVICES);
    s->devices[s->ndevices] = *d;
    *out = s->ndevices++;
    return true;
}

/*
 * `hotpluggable=yes|no` after a coldplugged vCPU core: libvirt's <vcpu
 * hotpluggable='no'> puts it on -smp (qemuBuildSmpCommandLine) rather than
 * adding it by device_add (qemuProcessSetupHotpluggableVcpus); only a
 * libvirt-managed machine has the distinction.
 */
static bool vcpu_hotpluggable(struct parser *p, int i, uint8_t m, struct scn_device *d)
{
    const char *v = scn_value_of(p->w[i].s, "hotpluggable");
    const struct scn_machine *mc = &p->s->machines[m];

    if (!v)
        return scn_fail(p, p->w[i].col, "unknown option '%s' for a `device` line (expected "
                        "hotpluggable=yes|no)", p->w[i].s);
    if (d->type != DEV_CPU_CORE)
        return scn_fail(p, p->w[i].col, "hotpluggable= is a vCPU's: a %s device has none",
                        scn_dev_type_names[d->type]);
    if (strcmp(v, "yes") && strcmp(v, "no"))
        return scn_fail(p, p->w[i].col, "%s: expected hotpluggable=yes or hotpluggable=no",
                        p->w[i].s);
    if (mc->guest != GUEST_LINUX)
        return scn_fail(p, p->w[i].col, "hotpluggable= is libvirt's, and libvirt manages only "
                        "guest=linux machines ('%s' is not)", mc->name);
    d->on_smp = strcmp(v, "no") == 0;
    return true;
}

/* Words i, i+1, i+2 (and i+3 on a `device` line): TYPE ID ARG [hotpluggable=…], on machine m. */
static bool parse_device(struct parser *p, int i, uint8_t m, bool coldplug, uint8_t *out)
{
    struct scn_device d;
    int t = scn_index_of(scn_dev_type_names, DEV_TYPE_COUNT, p->w[i].s);

    memset(&d, 0, sizeof(d));
    if (t < 0)
        return scn_fail(p, p->w[i].col, "unknown device type '%s' (expected cpu, dimm, phb or pci)",
                        p->w[i].s);
    d.type = (uint8_t)t;
    if (!scn_get_name(p, i + 1, "device", d.id))
        return false;
    d.loc = scn_loc_of(p, i + 1);
    if (!device_arg(p, i + 2, m, &d))
        return false;
    if (coldplug && p->n > i + 3 && !vcpu_hotpluggable(p, i + 3, m, &d))
        return false;
    return define_device(p, &d, out);
}

bool scn_parse_device(struct parser *p, int i, uint8_t m, uint8_t *out)
{
    return parse_device(p, i, m, false, out);
}

static bool st_device(struct parser *p)
{
    struct scenario *s = p->s;
    struct scn_coldplug c = { .loc = scn_loc_of(p, 0) };

    if (!scn_need_words(p, 5, 6, "device MACHINE TYPE ID ARG [hotpluggable=yes|no]") ||
        !scn_find_machine(p, 1, &c.machine) || !parse_device(p, 2, c.machine, true, &c.device))
        return false;
    for (unsigned i = 0; i < s->ncoldplug; i++)
        if (s->coldplug[i].machine == c.machine && s->coldplug[i].device == c.device)
            return scn_fail(p, p->w[3].col, "device '%s' is already on machine '%s' (line %u)",
                            p->w[3].s, p->w[1].s, s->coldplug[i].loc.line);
    if (s->ncoldplug == SCN_MAX_COLDPLUG)
        return scn_fail(p, p->w[0].col, "too many `device` lines (max %d)", SCN_MAX_COLDPLUG);
    s->coldplug[s->ncoldplug++] = c;
    return true;
}

/* ---- lines and files -------------------------------------------------- */

static const struct statement {
    const char *keyword;
    bool (*parse)(struct parser *p);
    bool strings;               /* takes a quoted string */
} statements[] = {
    { "scenario", st_scenario, false }, { "title", st_title, true },
    { "source", st_source, true },      { "machine", st_machine, false },
    { "device", st_device, false },     { "knob", st_knob, false },
    { "script", st_script, false },     { "do", scn_st_do, false },
    { "wait", scn_st_wait, false },         { "rtas", scn_st_rtas, false },
    { "assert", scn_st_assert, false },     { "expect", scn_st_expect, false },
    { "verdict", scn_st_verdict, false },   { "ignore", scn_st_ignore, false },
};

static bool parse_line(struct parser *p, const char *line, size_t len)
{
    const char *msg;
    unsigned col;

    p->n = scn_split_words(line, len, p->buf, p->w, &msg, &col);
    if (p->n < 0)
        return scn_fail(p, col, "%s", msg);
    if (p->n == 0)
        return true;
    if (p->line > UINT16_MAX)
        return scn_fail(p, 1, "file too long (max %d lines)", UINT16_MAX);
    if (p->w[0].quoted)
        return scn_fail(p, p->w[0].col, "expected a statement, got a string");
    for (size_t k = 0; k < G_N_ELEMENTS(statements); k++) {
        if (strcmp(statements[k].keyword, p->w[0].s))
            continue;
        for (int i = 1; i < p->n && !statements[k].strings; i++)
            if (p->w[i].quoted)
                return scn_fail(p, p->w[i].col, "unexpected string \"%s\"", p->w[i].s);
        return statements[k].parse(p);
    }
    return scn_fail(p, p->w[0].col, "unknown statement '%s'", p->w[0].s);
}

static bool finish(struct parser *p)
{
    p->line = 1;
    if (!p->scenario_line)
        return scn_fail(p, 1, "missing `scenario` statement");
    if (!p->s->nmachines)
        return scn_fail(p, 1, "missing `machine` statement");
    return scn_check_ignored(p);
}

bool scenario_parse_string(const char *path, const char *text, struct scenario *out,
                           char *err, unsigned errlen)
{
    struct parser *p = g_new0(struct parser, 1);
    const char *ln = text;
    bool ok = true;

    memset(out, 0, sizeof(*out));
    g_strlcpy(out->path, path, sizeof(out->path));
    if (err && errlen)
        err[0] = '\0';
    *p = (struct parser){ .path = path, .s = out, .err = err, .errlen = errlen, .script = -1 };
    for (p->line = 1; ok; p->line++) {
        const char *nl = strchr(ln, '\n');
        ok = parse_line(p, ln, nl ? (size_t)(nl - ln) : strlen(ln));
        if (!nl)
            break;
        ln = nl + 1;
    }
    ok = ok && finish(p);
    g_free(p);
    return ok;
}

bool scenario_parse_file(const char *path, struct scenario *out, char *err, unsigned errlen)
{
    int errnum;
    char *text = scn_read_file(path, &errnum, err, errlen);
    bool ok;

    if (!text) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    ok = scenario_parse_string(path, text, out, err, errlen);
    g_free(text);
    return ok;
}

uint64_t scenario_xxh3(const char *text)
{
    return XXH3_64bits(text, strlen(text));
}
