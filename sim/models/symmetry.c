/*
 * Interchangeable clients (symmetry.h). symmetry_init finds scripts equal
 * up to their own core or DIMM, checks that nothing else in the scenario or
 * knob set tells those devices apart, and records each core's
 * configure-connector digests, which sim_sym_order (symmetry_order.c) and
 * sim_sym_apply (symmetry_apply.c) use.
 */
#include <stdio.h>
#include <string.h>
#include "drc_fdt.h"
#include "sim.h"
#include "symmetry.h"

/* The only device a client line may name is its own core or DIMM (or none). */
static bool client_line(const struct scn_line *l, int *dev)
{
    int d = l->device == SCN_NO_DEVICE ? -1 : l->device;

    if (l->kind == LINE_DO && l->action != DO_DEVICE_ADD && l->action != DO_DEVICE_DEL)
        return false;
    if (l->kind != LINE_DO && l->kind != LINE_WAIT)
        return false;
    if (l->kind == LINE_WAIT && l->action == WAIT_GUEST_ONLINE && l->devices != 1u << l->device)
        return false;
    if (d < 0)
        return l->kind == LINE_WAIT;
    if (*dev >= 0 && *dev != d)
        return false;
    *dev = d;
    return true;
}

/* Script i's own core or DIMM, or -1 when it is not a client. */
static int client_device(const struct sim *s, int i)
{
    const struct scenario *scn = s->scn;
    int dev = -1;

    for (int k = 0; k < scn->script_count[i]; k++)
        if (!client_line(&scn->lines[scn->script_first[i] + k], &dev))
            return -1;
    if (dev >= 0 && scn->devices[dev].type == DEV_DIMM)
        return dev;
    if (dev < 0 || scn->devices[dev].type != DEV_CPU_CORE || scn->devices[dev].core_id == 0)
        return -1;
    return dev;
}

/* Scripts i and j (clients of devices di and dj) do the same, each to its own device. */
static bool same_client(const struct scenario *scn, int i, int j, int di, int dj)
{
    if (scn->script_count[i] != scn->script_count[j] ||
        scn->devices[di].type != scn->devices[dj].type)
        return false;
    for (int k = 0; k < scn->script_count[i]; k++) {
        struct scn_line a = scn->lines[scn->script_first[i] + k];
        struct scn_line b = scn->lines[scn->script_first[j] + k];
        if ((a.device == SCN_NO_DEVICE) != (b.device == SCN_NO_DEVICE))
            return false;
        a.device = b.device = 0;
        a.devices = b.devices = 0;
        a.cores = b.cores = 0;
        a.script = b.script = 0;
        a.loc = b.loc = (struct scn_loc){ 0 };
        if (memcmp(&a, &b, sizeof(a)))
            return false;
    }
    return true;
}

static uint16_t member_devices(const struct sim_symmetry *y)
{
    uint16_t mask = 0;

    for (int k = 0; k < y->n; k++)
        mask |= (uint16_t)(1u << y->mem[k].device);
    return mask;
}

/* Every other line names all members' devices together or none of them. */
static bool others_blind(const struct sim *s, const char **why)
{
    const struct scenario *scn = s->scn;
    uint16_t mask = member_devices(&s->sym);
    bool dimm = s->sym.dimm;
    bool member[MAX_SCRIPTS] = { false };

    for (int k = 0; k < s->sym.n; k++)
        member[s->sym.mem[k].script] = true;
    for (int i = 0; i < scn->nlines; i++) {
        const struct scn_line *l = &scn->lines[i];
        if (member[l->script])
            continue;
        if (l->kind == LINE_RTAS || l->kind == LINE_ASSERT ||
            (l->kind == LINE_DO && (l->action == DO_SETVCPUS || do_is_guest_action(l->action))))
            return *why = "another script makes RTAS calls, asserts, setvcpus or guest actions", false;
        if (l->kind == LINE_DO && l->action == DO_SYSTEM_RESET)
            return *why = "a reset completes pending unplugs in DRC order (spapr_drc_reset_all)", false;
        if (l->kind == LINE_WAIT && l->action == WAIT_GUEST_ONLINE &&
            (l->devices & mask) && (l->devices & mask) != mask)
            return *why = "another script waits for some of the clients' cores", false;
        if (l->kind != LINE_WAIT || l->action != WAIT_GUEST_ONLINE)
            if (l->device != SCN_NO_DEVICE && (mask >> l->device & 1))
                return *why = dimm ? "another script acts on a client's DIMM"
                                   : "another script acts on a client's core", false;
    }
    return true;
}

/* Each expectation on one member's device is made on every member's device. */
static bool expects_blind(const struct sim *s)
{
    const struct scenario *scn = s->scn;
    uint16_t mask = member_devices(&s->sym);

    for (int i = 0; i < scn->nexpects; i++) {
        struct scn_expect e = scn->expects[i];
        if (e.kind == EXPECT_DRC)
            return false;   /* a DRC named by index or core-id */
        if (e.device == SCN_NO_DEVICE || !(mask >> e.device & 1))
            continue;
        for (int k = 0; k < s->sym.n; k++) {
            bool found = false;
            e.device = s->sym.mem[k].device;   /* the same expectation on member k's device */
            for (int j = 0; j < scn->nexpects && !found; j++) {
                struct scn_expect f = scn->expects[j];
                f.loc = e.loc;
                found = !memcmp(&e, &f, sizeof(e));
            }
            if (!found)
                return false;
        }
    }
    return true;
}

/* The guest's digest after each configure-connector call; false if the walk differs from member 0's. */
static bool walk_fragment(struct sim *s, int m, int k)
{
    struct sim_symmetry *y = &s->sym;
    const struct drc_fragment *f = &s->m[m].fragments[y->cpu_first + y->mem[k].core];
    const struct drc_fragment *f0 = &s->m[m].fragments[y->cpu_first + y->mem[0].core];
    struct spapr_drc d = { .fdt = 1, .ccs_offset = (int16_t)f->start };
    struct spapr_drc d0 = { .fdt = 1, .ccs_offset = (int16_t)f0->start };
    struct drc_cc_item it, it0;
    uint64_t h = 0;
    unsigned j = 0;
    int rc;

    if (!f->fdt || !f0->fdt || f->start != f0->start)
        return false;
    do {
        rc = drc_cc_next(f, &d, &it);
        if (drc_cc_next(f0, &d0, &it0) != rc || d.ccs_offset != d0.ccs_offset || j >= SYM_MAX_CC)
            return false;
        h = drc_cc_digest(h, rc, &it);
        if (m > 0 && y->cc_prefix[k][j + 1] != h)
            return false;   /* the machines' fragments differ */
        y->cc_prefix[k][++j] = h;
    } while (drc_cc_more(rc));
    y->ncc = (uint8_t)j;
    return true;
}

/*
 * Every machine has the same DRCs and host, so that migration loads every
 * section (a failing one would stop vmstate_load in DRC order).
 */
static bool machines_alike(const struct sim *s)
{
    for (int m = 1; m < s->scn->nmachines; m++) {
        if (s->m[m].ndrcs != s->m[0].ndrcs || s->scn->machines[m].host != s->scn->machines[0].host)
            return false;
        for (int k = 0; k < s->m[0].ndrcs; k++)
            if (s->m[m].drcs[k].index != s->m[0].drcs[k].index)
                return false;
    }
    return true;
}

/* The machines are alike and the members' core DRCs walk alike. */
static bool drcs_alike(struct sim *s)
{
    struct sim_symmetry *y = &s->sym;

    if (!machines_alike(s))
        return false;
    y->cpu_first = s->m[0].cpu_first;
    for (int m = 0; m < s->scn->nmachines; m++)
        for (int k = 0; k < y->n; k++) {
            int slot = y->cpu_first + y->mem[k].core;
            if (s->m[m].cpu_first != y->cpu_first || y->mem[k].core >= s->m[m].ncpu)
                return false;
            if (m == 0)
                y->mem[k].index = s->m[0].drcs[slot].index, y->mem[k].slot = (uint8_t)slot;
            if (s->m[m].drcs[slot].index != y->mem[k].index || !walk_fragment(s, m, k))
                return false;
        }
    return true;
}

/* The largest class of equal clients, in script order. */
static void find_members(struct sim *s)
{
    const struct scenario *scn = s->scn;
    int dev[MAX_SCRIPTS], best = -1, best_n = 1;

    for (int i = 0; i < scn->nscripts; i++)
        dev[i] = client_device(s, i);
    for (int i = 0; i < scn->nscripts; i++) {
        int n = 0;
        for (int j = 0; dev[i] >= 0 && j < scn->nscripts; j++)
            n += dev[j] >= 0 && same_client(scn, i, j, dev[i], dev[j]);
        if (n > best_n)
            best = i, best_n = n;
    }
    s->sym.n = 0;
    s->sym.dimm = best >= 0 && scn->devices[dev[best]].type == DEV_DIMM;
    for (int j = 0; best >= 0 && j < scn->nscripts; j++)
        if (dev[j] >= 0 && same_client(scn, best, j, dev[best], dev[j]) &&
            s->sym.n < ENGINE_MAX_MEMBERS &&
            !(member_devices(&s->sym) >> dev[j] & 1)) {   /* one member per device */
            struct sym_member *mb = &s->sym.mem[s->sym.n++];
            mb->script = (uint8_t)j;
            mb->device = (uint8_t)dev[j];
            mb->core = s->sym.dimm ? 0 : scn->devices[dev[j]].core_id;
        }
}

/* Each member's digests hashed by their low bits (open addressing), the first j of equal ones. */
static void index_digests(struct sim_symmetry *y)
{
    for (int k = 0; k < y->n; k++)
        for (unsigned j = 0; j <= y->ncc; j++) {
            unsigned i = y->cc_prefix[k][j] & (SYM_CC_SLOTS - 1);
            while (y->cc_at[k][i] && y->cc_prefix[k][y->cc_at[k][i] - 1] != y->cc_prefix[k][j])
                i = (i + 1) & (SYM_CC_SLOTS - 1);
            if (!y->cc_at[k][i])
                y->cc_at[k][i] = (uint8_t)(j + 1);
        }
}

/* The scenario's devices of that type that are no client's, a bit each. */
static uint64_t others_of_type(const struct sim *s, uint8_t type)
{
    uint64_t others = 0;

    for (int d = 0; d < s->scn->ndevices; d++)
        if (s->scn->devices[d].type == type && !(member_devices(&s->sym) >> d & 1))
            others |= 1ull << d;
    return others;
}

/*
 * Whether a core that is no client's has a client's core-id: that client's
 * device_add, or the migration's Prepare placing its core, may then fail
 * ("core 1 already populated", spapr_core_pre_plug) where the others' succeed.
 */
static bool other_core_on_client_id(const struct sim *s)
{
    uint64_t ids = 0, others = others_of_type(s, DEV_CPU_CORE);

    for (int k = 0; k < s->sym.n; k++)
        ids |= 1ull << s->sym.mem[k].core;
    for (int d = 0; d < s->scn->ndevices; d++)
        if ((others >> d & 1) && s->scn->devices[d].core_id < 64 &&
            (ids >> s->scn->devices[d].core_id & 1))
            return true;
    return false;
}

/* What tells core clients apart: a command line, another core at a client's core-id, or a
 * knob under which QEMU or libvirt walks the cores in order. */
static const char *core_refusal(struct sim *s)
{
    for (int c = 0; c < s->scn->ncoldplug; c++)
        if (member_devices(&s->sym) >> s->scn->coldplug[c].device & 1)
            return "a client's core is also on a command line";
    if (other_core_on_client_id(s))
        return "another core has a client's core-id";
    if (knob_val(&s->knobs, KNOB_QEMU_CPU_UNPLUG_TIMEOUT))
        return "qemu.cpu-unplug-timeout fires the lowest of equally due cores first";
    if (knob_val(&s->knobs, KNOB_LIBVIRT_DST_VCPUS) == DST_VCPUS_DEVICE_ADD &&
        !knob_on(&s->knobs, KNOB_QEMU_INMIGRATE_COLDPLUG))   /* libvirt_actions.c migrate_prepare */
        return "the destination's hotplug events for the migrated cores queue in core order";
    if (knob_on(&s->knobs, KNOB_QEMU_DRC_RESET_PRE_LOAD))
        return "qemu.drc-reset-pre-load resets the destination's DRCs in order";
    return NULL;
}

/* The machines a migration leaves (or, destination: reaches). */
static uint16_t migration_ends(const struct scenario *scn, bool destination)
{
    uint16_t ends = 0;

    for (int i = 0; i < scn->nlines; i++)
        if (scn->lines[i].kind == LINE_DO && scn->lines[i].action == DO_MIGRATE)
            ends |= (uint16_t)(1u << (destination ? scn->lines[i].machine2 : scn->lines[i].machine));
    return ends;
}

/*
 * Whether a line does action on one of devices (a bit each) on a machine
 * a migration leaves (a device_del there: libvirt_actions.c dimm_addr_id) or
 * reaches (a device_add there takes that host's own lowest gap).
 */
static bool action_on_migration(const struct sim *s, uint8_t action, bool destination,
                                uint64_t devices)
{
    const struct scenario *scn = s->scn;
    uint16_t acts = 0;

    for (int i = 0; i < scn->nlines; i++) {
        const struct scn_line *l = &scn->lines[i];
        if (l->kind == LINE_DO && l->action == action &&
            l->device != SCN_NO_DEVICE && (devices >> l->device & 1))
            acts |= (uint16_t)(1u << l->machine);
    }
    return migration_ends(scn, destination) & acts;
}

/*
 * Whether a DIMM that is no client's is on a migration's destination, by
 * its command line or a device_add: it may hold a range a client's DIMM has
 * on the source, and Prepare (libvirt_actions.c migrate_prepare) then fails
 * at the first such client in device order, having placed those before it.
 */
static bool other_dimm_on_destination(const struct sim *s)
{
    const struct scenario *scn = s->scn;
    uint16_t ends = migration_ends(scn, true);
    uint64_t others = others_of_type(s, DEV_DIMM);

    for (int c = 0; c < scn->ncoldplug; c++)
        if ((others >> scn->coldplug[c].device & 1) && (ends >> scn->coldplug[c].machine & 1))
            return true;
    return action_on_migration(s, DO_DEVICE_ADD, true, others);
}

/*
 * A DIMM gets the lowest free LMB range (dimm_find_slot) or the source's
 * (migrate_prepare), both a function of the ranges in use, not of the
 * device order; what does walk the DIMMs in order is refused here.
 */
static const char *dimm_refusal(struct sim *s)
{
    const struct sim_symmetry *y = &s->sym;

    for (int c = 0; c < s->scn->ncoldplug; c++)
        if (member_devices(y) >> s->scn->coldplug[c].device & 1)
            return "a client's DIMM is also on a command line";
    for (int k = 1; k < y->n; k++)
        if (s->scn->devices[y->mem[k].device].size_mb != s->scn->devices[y->mem[0].device].size_mb)
            return "the clients' DIMMs differ in size";
    if (knob_val(&s->knobs, KNOB_LIBVIRT_DST_DIMMS) == DST_DIMMS_DEVICE_ADD &&
        !knob_on(&s->knobs, KNOB_QEMU_INMIGRATE_COLDPLUG))   /* libvirt_actions.c migrate_prepare */
        return "the destination's hotplug events for the migrated DIMMs queue in device order";
    /* to the lowest gap, in order */
    if (action_on_migration(s, DO_DEVICE_DEL, false, member_devices(y)))
        return "a client unplugs its DIMM on a migration source, "
               "whose Prepare places such DIMMs in order";
    /* the load maps DRCs by index */
    if (action_on_migration(s, DO_DEVICE_ADD, true, member_devices(y)))
        return "a client plugs its DIMM on a migration destination, "
               "where it may sit elsewhere than on the source";
    if (other_dimm_on_destination(s))
        return "another DIMM is on a migration destination, where it may hold a client's range, "
               "and Prepare places the clients' DIMMs in order";
    return NULL;
}

/* Why the members found cannot be taken as interchangeable, or NULL. */
static const char *refusal(struct sim *s)
{
    const char *why = s->sym.dimm ? dimm_refusal(s) : core_refusal(s);

    if (why)
        return why;
    if (!others_blind(s, &why))
        return why;
    if (!expects_blind(s))
        return s->sym.dimm ? "an expect line tells the clients' DIMMs apart"
                           : "an expect line tells the clients' cores apart";
    if (s->sym.dimm)
        return machines_alike(s) ? NULL : "the machines' DRCs or hosts differ";
    if (!drcs_alike(s))
        return "the machines' DRCs or hosts differ, or the clients' cores' device trees do";
    return NULL;
}

void symmetry_init(struct sim *s)
{
    struct sim_symmetry *y = &s->sym;
    const char *why;

    memset(y, 0, sizeof(*y));
    find_members(s);
    y->alike = y->n;
    why = y->n < 2 ? "no two scripts do the same to their own cores or DIMMs" : refusal(s);
    if (why) {
        snprintf(y->why_not, sizeof(y->why_not), "%s", why);
        y->n = 0;
    }
    if (y->dimm && y->n)
        y->nlmb = (uint8_t)(s->scn->devices[y->mem[0].device].size_mb / 256);
    else
        index_digests(y);
    for (int k = 0; k < y->n; k++) {
        const struct sym_member *mb = &y->mem[k];
        y->scripts |= 1ull << mb->script, y->devices |= 1ull << mb->device;
        if (!y->dimm)
            y->cores |= 1ull << mb->core, y->slots |= 1ull << mb->slot;
    }
    if (y->n) {
        y->key_len = (uint16_t)sym_key_length(s);
        sym_changed_init(s);
    }
}
