/*
 * Unit tests for interchangeable clients (sim/models/symmetry.c,
 * symmetry_order.c, symmetry_apply.c, sim/explore_symmetry.c): which
 * scenarios have them (core and DIMM clients) and why others do not, the
 * member order of a world, the permuted world against the one the permuted
 * history really reaches, and the key and check the search uses.
 */
#include "step_fixture.h"
#include <stddef.h>
#include "explore_symmetry.h"

#define CLIENT(i) \
    "script client" #i "\n" \
    "do src device_add cpu core" #i " core-id=" #i "\n" \
    "wait dst migrated\n" \
    "do dst device_del core" #i "\n"

static const char *const machines =
    "scenario t\n"
    "machine src cores=4\n"
    "machine dst like=src incoming=defer\n";

static const char *const three =
    CLIENT(1) CLIENT(2) CLIENT(3)
    "script migration\n"
    "wait src guest-online core1 core2 core3\n"
    "do migrate src dst\n"
    "expect guest cpu core1 absent\n"
    "expect guest cpu core2 absent\n"
    "expect guest cpu core3 absent\n";

/* A scenario of those machines (head) and body. */
static void init_scn(struct fix *f, const char *head, const char *body)
{
    char *text = g_strconcat(head, body, NULL);

    fix_init(f, text);
    g_free(text);
}

static void init(struct fix *f, const char *body)
{
    init_scn(f, machines, body);
}

static void test_members_found(void **state)
{
    struct fix *f = *state;
    const struct sim_symmetry *y;

    init(f, three);
    y = &f->sim.sym;
    assert_int_equal(y->n, 3);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(y->mem[k].script, k);
        assert_int_equal(y->mem[k].device, k);
        assert_int_equal(y->mem[k].core, k + 1);
        assert_int_equal(y->mem[k].index, 0x10000001u + (unsigned)k);
    }
    assert_string_equal(y->why_not, "");
    assert_true(y->ncc > 10);   /* a core's tree: the node, its properties, the end */
    assert_non_null(f->sim.model.sym_order);
}

/* Each digest of a member's walk is found at its call count; another core's or none is not. */
static void test_prefix_lookup(void **state)
{
    struct fix *f = *state;
    const struct sim_symmetry *y;

    init(f, three);
    y = &f->sim.sym;
    for (int a = 0; a < y->n; a++) {
        for (unsigned j = 0; j <= y->ncc; j++)
            assert_int_equal(sym_prefix_of(y, a, y->cc_prefix[a][j]), j + 1);
        assert_int_equal(sym_prefix_of(y, a, y->cc_prefix[(a + 1) % y->n][y->ncc]), 0);
        assert_int_equal(sym_prefix_of(y, a, y->cc_prefix[a][y->ncc] ^ 1), 0);
    }
}

/* Anything that tells the clients' cores apart leaves the symmetry out, and says why. */
static void test_why_not(void **state)
{
    static const struct { const char *body, *why; int alike; } cases[] = {
        { CLIENT(1) CLIENT(2) "script x\ndo dst device_del core1\n",
          "another script acts on a client's core", 2 },
        { CLIENT(1) CLIENT(2) "script x\nwait src guest-online core2\n",
          "another script waits for some of the clients' cores", 2 },
        { CLIENT(1) CLIENT(2) "script x\ndo src guest cpu-offline 1\n",
          "another script makes RTAS calls, asserts, setvcpus or guest actions", 2 },
        { CLIENT(1) CLIENT(2) "script x\ndo src system_reset\n",
          "a reset completes pending unplugs in DRC order (spapr_drc_reset_all)", 2 },
        { CLIENT(1) CLIENT(2) "expect guest cpu core1 absent\n",
          "an expect line tells the clients' cores apart", 2 },
        { "device dst cpu other core-id=1\n" CLIENT(1) CLIENT(2),
          "another core has a client's core-id", 2 },
        { CLIENT(1) CLIENT(2) "script x\ndo src device_add cpu other core-id=2\n",
          "another core has a client's core-id", 2 },
        { CLIENT(1) CLIENT(2) "knob qemu.cpu-unplug-timeout=5s\n",
          "qemu.cpu-unplug-timeout fires the lowest of equally due cores first", 2 },
        { CLIENT(1) CLIENT(2) "knob qemu.inmigrate-coldplug=off\n",
          "the destination's hotplug events for the migrated cores queue in core order", 2 },
        { CLIENT(1) CLIENT(2) "knob qemu.drc-reset-pre-load=on\n",
          "qemu.drc-reset-pre-load resets the destination's DRCs in order", 2 },
        { "script a\ndo src device_add cpu core1 core-id=1\nwait src quiescent\n"
          "script b\ndo src device_add cpu core2 core-id=2\nwait dst migrated\n",
          "no two scripts do the same to their own cores or DIMMs", 0 },
        { "script a\ndo src device_add cpu core1 core-id=1\n"
          "script b\ndo src device_add cpu core2 core-id=2\ndo dst device_del core2\n",
          "no two scripts do the same to their own cores or DIMMs", 0 },
        { "script a\ndo src device_add cpu core1 core-id=1\n"
          "script b\ndo src device_add cpu core3 core-id=3\n"
          "script c\ndo src device_add cpu core3 core-id=3\n",
          "another script acts on a client's core", 2 },   /* one member per core */
    };
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sim_free(&f->sim);
        trace_free(f->tr);
        init(f, cases[i].body);
        assert_int_equal(f->sim.sym.n, 0);
        assert_null(f->sim.model.sym_order);
        assert_string_equal(f->sim.sym.why_not, cases[i].why);
        assert_int_equal(f->sim.sym.alike, cases[i].alike);
    }
}

/* Clients that wait for quiescence are alike: every waiter wakes at once (script_pending). */
static const char *const quiescent_waiters =
    "script a\ndo src device_add cpu core1 core-id=1\nwait src quiescent\n"
    "do dst device_del core1\n"
    "script b\ndo src device_add cpu core2 core-id=2\nwait src quiescent\n"
    "do dst device_del core2\n";

static void test_quiescent_waiters_are_members(void **state)
{
    struct fix *f = *state;
    const struct sim_symmetry *y = &f->sim.sym;

    init(f, quiescent_waiters);
    assert_int_equal(y->n, 2);
    assert_string_equal(y->why_not, "");
    for (int a = 0; a < 2; a++) {   /* script a: core1, script b: core2 */
        assert_int_equal(y->mem[a].script, a);
        assert_int_equal(y->mem[a].core, a + 1);
    }
    assert_non_null(f->sim.model.sym_order);
}

/* Machines that differ in host or DRCs: migration could fail on one section first. */
static void test_machines_must_match(void **state)
{
    struct fix *f = *state;
    char *text = g_strconcat("scenario t\nmachine src cores=4\n"
                             "machine dst cores=4 host=power8 incoming=defer\n",
                             CLIENT(1) CLIENT(2), NULL);

    fix_init(f, text);
    g_free(text);
    assert_int_equal(f->sim.sym.n, 0);
    assert_string_equal(f->sim.sym.why_not,
                        "the machines' DRCs or hosts differ, or the clients' cores' device trees do");
}

/* Core members sort by descending key (symmetry_order.c): client2 plugged first, put
 * in order, is the world where client1 plugged first. */
static void test_order_and_apply(void **state)
{
    struct fix *f = *state;
    struct world one_first, two_first, out;
    uint8_t perm[ENGINE_MAX_MEMBERS];
    int slot1, slot2;

    init(f, three);
    slot1 = f->sim.m[0].cpu_first + 1;
    slot2 = f->sim.m[0].cpu_first + 2;
    fire(f, ACTOR_SCRIPT0 + 1);
    two_first = f->w;
    f->w = f->sim.initial;
    fire(f, ACTOR_SCRIPT0 + 0);
    one_first = f->w;
    assert_int_equal(sim_sym_order(&f->sim, &one_first, perm), 0);   /* already in order */
    assert_int_equal(sim_sym_order(&f->sim, &two_first, perm), 3);
    assert_int_equal(perm[0], 1);
    assert_int_equal(perm[1], 0);
    assert_int_equal(perm[2], 2);
    assert_true(sim_sym_apply(&f->sim, perm, &two_first, &out));
    assert_int_equal(out.machines[0].drcs[slot1].dev, 1);   /* core1's device, attached */
    assert_int_equal(out.machines[0].drcs[slot2].dev, 0);
    assert_int_equal(out.machines[0].events[0].index, 0x10000001);
    assert_int_equal(out.scripts[0].pc, 1);
    assert_int_equal(out.scripts[1].pc, 0);
    assert_memory_equal(&out, &one_first, sizeof(out));
}

/* A bit map of the world that names members by device, core or DRC slot. */
struct member_bits { size_t off; char by; };   /* by: 'd' device, 'c' core, 's' slot (64 bits) */

#define BITS(field, by) { offsetof(struct world, field), by }

static void set_member_bit(struct world *w, const struct member_bits *b, const struct sym_member *mb)
{
    uint8_t *p = (uint8_t *)w + b->off;

    if (b->by == 's') {
        uint64_t v;
        memcpy(&v, p, sizeof(v));
        v |= 1ull << mb->slot;
        memcpy(p, &v, sizeof(v));
    } else {
        uint16_t v;
        memcpy(&v, p, sizeof(v));
        v |= (uint16_t)(1u << (b->by == 'd' ? mb->device : mb->core));
        memcpy(p, &v, sizeof(v));
    }
}

/* Each bit map sorts the member it names first, and the maps of one key byte rank in bit order. */
static void test_order_bit_maps(void **state)
{
    static const struct member_bits groups[][8] = {
        { BITS(machines[0].deleted, 'd'), BITS(machines[0].unplug_guest_error, 'd'),
          BITS(machines[0].mem_unplug_error, 'd'), BITS(machines[0].unplug_timed_out, 'd'),
          BITS(machines[0].fdt_cpus, 'c'), BITS(machines[0].vcpu_compat, 'c') },
        { BITS(machines[1].deleted, 'd'), BITS(machines[1].unplug_guest_error, 'd'),
          BITS(machines[1].mem_unplug_error, 'd'), BITS(machines[1].unplug_timed_out, 'd'),
          BITS(machines[1].fdt_cpus, 'c'), BITS(machines[1].vcpu_compat, 'c') },
        { BITS(guest.cpus, 'c'), BITS(guest.online, 'c'), BITS(guest.dlpar_failed, 's') },
        { BITS(libvirt.xml[0], 'd'), BITS(libvirt.xml[1], 'd'), BITS(libvirt.mig_xml, 'd'),
          BITS(libvirt.failed_report, 'd'), BITS(libvirt.false_unplug, 'd') },
    };
    struct fix *f = *state;
    const struct sim_symmetry *y;
    uint8_t perm[ENGINE_MAX_MEMBERS];
    struct world w;

    init(f, three);
    y = &f->sim.sym;
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
        for (int i = 0; i < 8 && groups[g][i].by; i++) {
            w = f->sim.initial;
            set_member_bit(&w, &groups[g][i], &y->mem[2]);
            assert_int_equal(sim_sym_order(&f->sim, &w, perm), 3);
            assert_memory_equal(perm, ((uint8_t[]){ 2, 0, 1 }), 3);
            if (i == 7 || !groups[g][i + 1].by)
                continue;
            set_member_bit(&w, &groups[g][i + 1], &y->mem[1]);
            assert_int_equal(sim_sym_order(&f->sim, &w, perm), 3);
            assert_memory_equal(perm, ((uint8_t[]){ 1, 2, 0 }), 3);
        }
}

/* Three members out of order in w: sim_sym_order picks want, sim_sym_apply renames w into out. */
static void assert_renamed(struct fix *f, const struct world *w, const uint8_t *want,
                           struct world *out)
{
    uint8_t perm[ENGINE_MAX_MEMBERS];

    assert_int_equal(sim_sym_order(&f->sim, w, perm), 3);
    assert_memory_equal(perm, want, 3);
    assert_true(sim_sym_apply(&f->sim, perm, w, out));
}

/* The world with DEVICE_DELETED of members a then b waiting for libvirt's worker on dst. */
static struct world worker_waits(struct fix *f, int a, int b)
{
    struct world w = f->sim.initial;
    const struct sym_member *mem = f->sim.sym.mem;

    w.libvirt.worker_q[0] = (struct lv_deleted){ 1, mem[a].device };
    w.libvirt.worker_q[1] = (struct lv_deleted){ 1, mem[b].device };
    w.libvirt.nworker = 2;
    return w;
}

/*
 * The worker's queue orders members by where their device waits (the
 * second entry first, then the head, none last); renaming keeps each entry
 * in its place, so the two swapped worlds become one.
 */
static void test_order_worker_queue(void **state)
{
    struct fix *f = *state;
    const struct sym_member *mem;
    struct world zero_second, zero_first, out;
    uint8_t perm[ENGINE_MAX_MEMBERS];

    init(f, three);
    mem = f->sim.sym.mem;
    zero_second = worker_waits(f, 1, 0);
    zero_first = worker_waits(f, 0, 1);
    assert_int_equal(sim_sym_order(&f->sim, &zero_second, perm), 0);   /* already in order */
    assert_renamed(f, &zero_first, (uint8_t[]){ 1, 0, 2 }, &out);
    assert_int_equal(out.libvirt.nworker, 2);
    assert_int_equal(out.libvirt.worker_q[0].machine, 1);
    assert_int_equal(out.libvirt.worker_q[0].dev, mem[1].device);
    assert_int_equal(out.libvirt.worker_q[1].machine, 1);
    assert_int_equal(out.libvirt.worker_q[1].dev, mem[0].device);
    assert_int_equal(out.libvirt.worker_q[2].dev, 0);
    assert_memory_equal(&out, &zero_second, sizeof(out));
}

/* client2 plugged, the guest part way through configure-connector on its DRC. */
static void mid_configure(struct fix *f)
{
    init(f, three);
    fire(f, ACTOR_SCRIPT0 + 1);
    fire(f, ACTOR_GUEST_IRQ);
    for (int k = 0; k < 8; k++)
        fire(f, ACTOR_GUEST_WORKER);
    assert_int_not_equal(f->w.guest.op.cc_digest, 0);
}

/* Deep in a run (the guest configuring core2), a permutation and its inverse undo each other. */
static void test_apply_inverse(void **state)
{
    static const uint8_t swap[] = { 1, 0, 2 }, rotate[] = { 1, 2, 0 }, back[] = { 2, 0, 1 };
    struct fix *f = *state;
    struct world once, twice;

    mid_configure(f);
    assert_true(sim_sym_apply(&f->sim, swap, &f->w, &once));
    assert_int_equal(once.guest.op.index, 0x10000001);
    assert_int_equal(once.guest.online, f->w.guest.online);   /* core2 is not online yet */
    assert_true(sim_sym_apply(&f->sim, swap, &once, &twice));
    assert_memory_equal(&twice, &f->w, sizeof(twice));
    assert_true(sim_sym_apply(&f->sim, rotate, &f->w, &once));
    assert_true(sim_sym_apply(&f->sim, back, &once, &twice));
    assert_memory_equal(&twice, &f->w, sizeof(twice));
}

/* A digest that is no prefix of the core's own tree cannot be renamed. */
static void test_apply_refuses_foreign_digest(void **state)
{
    static const uint8_t swap[] = { 1, 0, 2 };
    struct fix *f = *state;
    struct world out;

    mid_configure(f);
    f->w.guest.op.cc_digest ^= 1;
    assert_false(sim_sym_apply(&f->sim, swap, &f->w, &out));
}

static uint32_t no_violation(const void *ctx, const void *w, const struct step *st,
                             struct violation *v)
{
    (void)ctx, (void)w, (void)st, (void)v;
    return 0;
}

/* The search's key folds mirror worlds; its check accepts real steps and rejects a wrong child. */
static void test_key_and_check(void **state)
{
    struct fix *f = *state;
    const struct checker c = { .step = no_violation };
    const struct engine_model *m;
    struct world one_first, two_first, scratch, child;
    struct step st[ENGINE_MAX_STEPS];
    const void *stored;
    uint64_t key;
    unsigned n;

    init(f, three);
    m = &f->sim.model;
    fire(f, ACTOR_SCRIPT0 + 0);
    one_first = f->w;
    f->w = f->sim.initial;
    fire(f, ACTOR_SCRIPT0 + 1);
    two_first = f->w;
    assert_int_equal(sym_key(m, true, &one_first, &scratch, &stored),
                     sym_key(m, true, &two_first, &scratch, &stored));
    key = sym_key(m, false, &one_first, &scratch, &stored);
    assert_ptr_equal(stored, &one_first);   /* off: every world is stored as itself */
    assert_int_not_equal(key, sym_key(m, false, &two_first, &scratch, &stored));
    sym_key(m, true, &two_first, &scratch, &stored);
    assert_ptr_equal(stored, &scratch);     /* on: client2-first is stored in order */
    n = engine_fireable(m, &two_first, st, ENGINE_MAX_STEPS);
    assert_true(n >= 2);
    for (unsigned i = 0; i < n; i++) {
        child = two_first;
        engine_fire(m, &child, &st[i], NULL, 0, NULL);
        assert_true(sym_check(m, &c, &two_first, &st[i], &child));
    }
    assert_false(sym_check(m, &c, &two_first, &st[0], &two_first));
}

/* The member whose DRC index the guest's DLPAR operation names, as a bit (0: none). */
static uint32_t op_owner(const struct sim_symmetry *y, const struct world *w)
{
    for (unsigned k = 0; k < y->n; k++)
        if (y->mem[k].index == w->guest.op.index)
            return 1u << k;
    return 0;
}

/*
 * A walk through three to quiescence (the last fireable step each time, so
 * that the clients interleave): the keys carried from each world's parent
 * are byte for byte those keyed afresh, with the same order; a DLPAR
 * sub-step re-keys only the member whose core it configures; a device_add
 * (an event queued where every key places its own) re-keys all three.
 */
static void test_keys_carried(void **state)
{
    struct fix *f = *state;
    const struct sim_symmetry *y;
    uint8_t perm[ENGINE_MAX_MEMBERS], fresh_perm[ENGINE_MAX_MEMBERS];
    unsigned steps = 0, one = 0, all = 0, cc = 0, queued = 0;
    uint8_t *parent, *keys, *fresh;
    size_t size;

    init(f, three);
    y = &f->sim.sym;
    size = f->sim.model.sym_keys;
    assert_int_equal(y->key_len, 4 + 12 + 2 * 18 + 3 + 4 + 1 + 1);   /* member_key's bytes */
    assert_int_equal(size, 3 * y->key_len);
    parent = g_malloc(size), keys = g_malloc(size), fresh = g_malloc(size);
    sim_sym_order_from(&f->sim, NULL, NULL, NULL, &f->w, parent, perm);
    for (;;) {
        struct step st[ENGINE_MAX_STEPS];
        unsigned n = engine_fireable(&f->sim.model, &f->w, st, ENGINE_MAX_STEPS);
        struct world before = f->w;
        uint32_t changed;
        if (!n)
            break;
        engine_fire(&f->sim.model, &f->w, &st[n - 1], NULL, 0, NULL);
        changed = sym_members_changed(&f->sim, &before, &st[n - 1], &f->w);
        assert_int_equal(sim_sym_order_from(&f->sim, &before, &st[n - 1], parent, &f->w, keys, perm),
                         sim_sym_order_from(&f->sim, NULL, NULL, NULL, &f->w, fresh, fresh_perm));
        assert_memory_equal(keys, fresh, size);
        assert_memory_equal(perm, fresh_perm, y->n);
        if (st[n - 1].actor == ACTOR_GUEST_WORKER && before.guest.op.index &&
            before.guest.op.index == f->w.guest.op.index &&
            before.guest.op.cc_digest != f->w.guest.op.cc_digest) {
            assert_int_equal(changed, op_owner(y, &f->w));   /* ibm,configure-connector */
            cc++;
        }
        if (f->w.machines[0].nr_events > before.machines[0].nr_events) {
            assert_int_equal(changed, 7);   /* device_add: an event every key places */
            queued++;
        }
        one += __builtin_popcount(changed) == 1;
        all += changed == 7;
        memcpy(parent, keys, size);
        steps++;
    }
    assert_int_equal(cc, 3 * y->ncc);   /* each core's walk once: at its hotplug */
    assert_int_equal(queued, 3);
    /* of the walk's 147 steps, 105 re-key one member and 41 all three (a queue or an owner
     * moved, or every client woke at once): keyed afresh, each would key three */
    assert_int_equal(steps, 147);
    assert_int_equal(one, 105);
    assert_int_equal(all, 41);
    g_free(parent), g_free(keys), g_free(fresh);
}

/* Keys come from the parent only for core members, and only from three on (sim.c). */
static void test_keys_carried_where(void **state)
{
    struct fix *f = *state;

    init(f, CLIENT(1) CLIENT(2) "script migration\nwait src guest-online core1 core2\n"
            "do migrate src dst\n");
    assert_int_equal(f->sim.sym.n, 2);
    assert_non_null(f->sim.model.sym_order);
    assert_null(f->sim.model.sym_order_from);
    assert_int_equal(f->sim.model.sym_keys, 0);
    fix_reinit(f, machines, three);
    assert_non_null(f->sim.model.sym_order_from);
}

#define DIMM_CLIENT(i, size) \
    "script client" #i "\n" \
    "do src device_add dimm dimm" #i " size=" size "\n" \
    "wait dst migrated\n" \
    "do dst device_del dimm" #i "\n"

static const char *const dimm_machines =
    "scenario t\n"
    "machine src cores=2 lmbs=4\n"
    "machine dst like=src incoming=defer\n";

static const char *const three_dimms =
    DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M") DIMM_CLIENT(3, "256M")
    "script migration\n"
    "wait src quiescent\n"
    "do migrate src dst\n";

static void init_dimms(struct fix *f, const char *body)
{
    init_scn(f, dimm_machines, body);
}

/* Three clients of a 256M DIMM each: members with no core, slot or index of their own. */
static void test_dimm_members_found(void **state)
{
    struct fix *f = *state;
    const struct sim_symmetry *y;

    init_dimms(f, three_dimms);
    y = &f->sim.sym;
    assert_int_equal(y->n, 3);
    assert_int_equal(y->dimm, 1);
    assert_int_equal(y->nlmb, 1);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(y->mem[k].script, k);
        assert_int_equal(y->mem[k].device, k);
        assert_int_equal(y->mem[k].core, 0);
        assert_int_equal(y->mem[k].index, 0);
    }
    assert_int_equal(y->devices, 0x7);
    assert_int_equal(y->cores, 0);
    assert_int_equal(y->slots, 0);
    assert_string_equal(y->why_not, "");
    assert_non_null(f->sim.model.sym_order);
    assert_null(f->sim.model.sym_order_from);   /* their LMB DRCs move: keyed afresh */
}

/* What tells DIMM clients apart, or walks their DIMMs in device order. */
static void test_dimm_why_not(void **state)
{
    static const struct { const char *body, *why; } cases[] = {
        { DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "512M"), "the clients' DIMMs differ in size" },
        { "device src dimm dimm1 size=256M\n" DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M"),
          "a client's DIMM is also on a command line" },
        { DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M")
          "knob libvirt.dst-dimms=device-add\nknob qemu.inmigrate-coldplug=off\n",
          "the destination's hotplug events for the migrated DIMMs queue in device order" },
        { DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M") "script x\ndo src device_del dimm1\n",
          "another script acts on a client's DIMM" },
        { DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M") "expect guest lmb dimm2 absent\n",
          "an expect line tells the clients' DIMMs apart" },
        { "script a\ndo src device_add dimm dimm1 size=256M\ndo src device_del dimm1\n"
          "script b\ndo src device_add dimm dimm2 size=256M\ndo src device_del dimm2\n"
          "script m\ndo migrate src dst\n",
          "a client unplugs its DIMM on a migration source, whose Prepare places such DIMMs in order" },
        { "script a\ndo src device_add dimm dimm1 size=256M\ndo dst device_add dimm dimm1 size=256M\n"
          "script b\ndo src device_add dimm dimm2 size=256M\ndo dst device_add dimm dimm2 size=256M\n"
          "script m\ndo migrate src dst\n",
          "a client plugs its DIMM on a migration destination, where it may sit elsewhere than on "
          "the source" },
        { "device dst dimm other size=256M\n" DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M")
          "script m\ndo migrate src dst\n",
          "another DIMM is on a migration destination, where it may hold a client's range, and "
          "Prepare places the clients' DIMMs in order" },
        { DIMM_CLIENT(1, "256M") DIMM_CLIENT(2, "256M")
          "script x\ndo dst device_add dimm other size=256M\ndo migrate src dst\n",
          "another DIMM is on a migration destination, where it may hold a client's range, and "
          "Prepare places the clients' DIMMs in order" },
    };
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sim_free(&f->sim);
        trace_free(f->tr);
        init_dimms(f, cases[i].body);
        assert_int_equal(f->sim.sym.n, 0);
        assert_null(f->sim.model.sym_order);
        assert_string_equal(f->sim.sym.why_not, cases[i].why);
        assert_int_equal(f->sim.sym.alike, 2);
    }
}

/* A client that has plugged its DIMM sorts after those that have not (its script is further on). */
static void test_dimm_order_plugged_last(void **state)
{
    struct fix *f = *state;
    uint8_t perm[ENGINE_MAX_MEMBERS];

    init_dimms(f, three_dimms);
    assert_int_equal(sim_sym_order(&f->sim, &f->w, perm), 0);
    fire(f, ACTOR_SCRIPT0 + 0);   /* client1 plugs dimm1 */
    assert_int_equal(sim_sym_order(&f->sim, &f->w, perm), 3);
    assert_memory_equal(perm, ((uint8_t[]){ 1, 2, 0 }), 3);
}

/*
 * dimm2 plugged before dimm1 sits at the first LMB, dimm1 at the second;
 * with the two swapped it is the world where dimm1 went first: the DIMMs'
 * devices swap, the LMB DRCs stay where they are and name the other device.
 * Both sort the same way: client3 (nothing plugged) first, then the DIMM at
 * the lower address.
 */
static void test_dimm_apply_keeps_slots(void **state)
{
    static const uint8_t swap[] = { 1, 0, 2 };
    struct fix *f = *state;
    struct world one_first, two_first, out, rep;
    int lmb0, lmb1;

    init_dimms(f, three_dimms);
    lmb0 = f->sim.m[0].lmb_first;
    lmb1 = lmb0 + 1;
    fire(f, ACTOR_SCRIPT0 + 0);
    fire(f, ACTOR_SCRIPT0 + 1);
    one_first = f->w;
    f->w = f->sim.initial;
    fire(f, ACTOR_SCRIPT0 + 1);
    fire(f, ACTOR_SCRIPT0 + 0);
    two_first = f->w;
    assert_int_equal(two_first.machines[0].drcs[lmb0].dev, 2);   /* dimm2 + 1 */
    assert_int_equal(two_first.machines[0].devices[0].first_drc, lmb1);
    assert_true(sim_sym_apply(&f->sim, swap, &two_first, &out));
    assert_int_equal(out.machines[0].drcs[lmb0].dev, 1);         /* dimm1 + 1 */
    assert_int_equal(out.machines[0].drcs[lmb1].dev, 2);
    assert_int_equal(out.machines[0].drcs[lmb0].state, two_first.machines[0].drcs[lmb0].state);
    assert_int_equal(out.machines[0].devices[0].first_drc, lmb0);
    assert_int_equal(out.machines[0].events[0].index, two_first.machines[0].events[0].index);
    assert_memory_equal(&out, &one_first, sizeof(out));
    assert_renamed(f, &one_first, (uint8_t[]){ 2, 0, 1 }, &rep);
    assert_renamed(f, &two_first, (uint8_t[]){ 2, 1, 0 }, &out);
    assert_memory_equal(&out, &rep, sizeof(out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_members_found, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_prefix_lookup, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_why_not, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_quiescent_waiters_are_members, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(test_machines_must_match, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_order_and_apply, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_order_bit_maps, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_order_worker_queue, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_apply_inverse, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_apply_refuses_foreign_digest, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_key_and_check, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_keys_carried, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_keys_carried_where, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dimm_members_found, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dimm_why_not, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dimm_order_plugged_last, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(test_dimm_apply_keeps_slots, fix_setup, fix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
