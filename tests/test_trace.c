/*
 * Unit tests for sim/trace*.c: exact JSONL and text bytes, a write/read round
 * trip through a file, and the exact diagnostics of the reader on malformed
 * traces.
 */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <xxhash.h>
#include "testutil.h"
#include "trace.h"

static char *tmpdir;

/* ---- fixtures ---------------------------------------------------------- */

/*
 * The header's knobs object, built here from the knob table so that a knob
 * added to sim/knobs.c does not break these byte-exact tests.
 */
static char *knobs_json(const struct knob_set *ks)
{
    GString *g = g_string_new("{");
    char buf[64];

    for (int i = 0; i < KNOB_COUNT; i++)
        g_string_append_printf(g, "%s\"%s\":\"%s\"", i ? "," : "", knob_defs[i].name,
                               knob_format(ks, i, buf, sizeof(buf)));
    g_string_append_c(g, '}');
    return g_string_free(g, FALSE);
}

static const char *const families[] = { "expect-failed", "qemu-abort", NULL };

/* A header, two steps with every kind of entry, and a failing verdict. */
static struct trace *build_full(enum trace_format fmt, struct knob_set *ks)
{
    struct trace *t = trace_new(fmt);
    struct trace_header h = {
        .scenario_path = "scenarios/hotplug-migrate-unplug.scn",
        .scenario_name = "hotplug-migrate-unplug",
        .scenario_hash = 0x0123456789abcdefULL,
        .variant = "qemu-2.9",
        .knobs = ks,
        .has_seed = true,
        .seed = 42,
        .schedule = "0,1,0",
    };

    knobs_default(ks);
    ks->lo[KNOB_QEMU_CAS_DRC_RESET] = CAS_DRC_RESET_OFF;
    ks->lo[KNOB_LIBVIRT_UNPLUG_TIMEOUT] = 15000;
    trace_header(t, &h);

    trace_step_begin(t, 1, 0, "libvirt", "device_add");
    trace_arg_str(t, "id", "core1");
    trace_log(t, "qemu", "hotplug \"core1\" queued");
    trace_arg_int(t, "core-id", 1);
    trace_event(t, "src", "RESUME", NULL);
    trace_drc(t, "src", "spapr_drc_attach", 0x10000008, NULL);
    trace_result_str(t, "status", "ok");
    trace_arg_hex(t, "drc", 0x10000008);
    trace_step_end(t);

    trace_step_begin(t, 2, 1234, "guest@src", "set-indicator");
    trace_arg_str(t, "msg", "tab\there \"q\" back\\slash\n\x01");
    trace_drc(t, "src", "spapr_drc_set_allocation_state", 0x10000008, "LOGICAL_AVAILABLE");
    trace_result_int(t, "rc", -3);
    trace_arg_hex(t, "index", 0xABC);
    trace_event(t, "src", "DEVICE_DELETED", "core1");
    trace_drc(t, "src", "spapr_drc_set_isolation_state", 0x10000008, "LOGICAL_UNISOLATE");
    trace_result_str(t, "note", "");
    trace_log(t, "guest", "dlpar: cpu\x7f done \xc3\xa9");
    trace_step_end(t);

    trace_verdict(t, TRACE_FAIL, families, "expect-failed", 2,
                  "dst: device core1 present, expected \"absent\"");
    return t;
}

#define FULL_HEADER_PRE                                                                       \
    "{\"drcsim\":\"0.1.0\",\"scenario\":\"scenarios/hotplug-migrate-unplug.scn\","            \
    "\"name\":\"hotplug-migrate-unplug\",\"scenario_xxh3\":\"0123456789abcdef\","             \
    "\"variant\":\"qemu-2.9\",\"knobs\":"
#define FULL_HEADER_POST ",\"seed\":42,\"schedule\":\"0,1,0\"}\n"
#define FULL_STEP1_JSON                                                                       \
    "{\"step\":1,\"t_ms\":0,\"actor\":\"libvirt\",\"op\":\"device_add\","                     \
    "\"args\":{\"id\":\"core1\",\"core-id\":1,\"drc\":\"0x10000008\"},"                       \
    "\"result\":{\"status\":\"ok\"},"                                                         \
    "\"drc\":[{\"machine\":\"src\",\"trace\":\"spapr_drc_attach\",\"index\":\"0x10000008\"}],"                    \
    "\"events\":[{\"machine\":\"src\",\"event\":\"RESUME\"}],"                                \
    "\"log\":[{\"who\":\"qemu\",\"line\":\"hotplug \\\"core1\\\" queued\"}]}"
#define FULL_STEP2_JSON                                                                       \
    "{\"step\":2,\"t_ms\":1234,\"actor\":\"guest@src\",\"op\":\"set-indicator\","             \
    "\"args\":{\"msg\":\"tab\\u0009here \\\"q\\\" back\\\\slash\\u000a\\u0001\","             \
    "\"index\":\"0xabc\"},\"result\":{\"rc\":-3,\"note\":\"\"},"                              \
    "\"drc\":[{\"machine\":\"src\",\"trace\":\"spapr_drc_set_allocation_state\",\"index\":\"0x10000008\","        \
    "\"state\":\"LOGICAL_AVAILABLE\"},{\"machine\":\"src\",\"trace\":\"spapr_drc_set_isolation_state\","          \
    "\"index\":\"0x10000008\",\"state\":\"LOGICAL_UNISOLATE\"}],"                             \
    "\"events\":[{\"machine\":\"src\",\"event\":\"DEVICE_DELETED\",\"device\":\"core1\"}],"   \
    "\"log\":[{\"who\":\"guest\",\"line\":\"dlpar: cpu\x7f done \xc3\xa9\"}]}"
#define FULL_VERDICT_JSON                                                                     \
    "{\"verdict\":\"fail\",\"families\":[\"expect-failed\",\"qemu-abort\"],"                  \
    "\"violation\":{\"family\":\"expect-failed\",\"step\":2,"                                 \
    "\"message\":\"dst: device core1 present, expected \\\"absent\\\"\"}}"

/* ---- writer: exact bytes ----------------------------------------------- */

static void test_jsonl_full(void **state)
{
    struct knob_set ks;
    struct trace *t = build_full(TRACE_JSONL, &ks);
    char *knobs = knobs_json(&ks);
    char *want = g_strconcat(FULL_HEADER_PRE, knobs, FULL_HEADER_POST FULL_STEP1_JSON "\n"
                             FULL_STEP2_JSON "\n" FULL_VERDICT_JSON "\n", NULL);
    size_t len;
    const char *buf = trace_buffer(t, &len);

    (void)state;
    assert_non_null(strstr(knobs, "\"qemu.cas-drc-reset\":\"off\""));
    assert_non_null(strstr(knobs, "\"libvirt.unplug-timeout\":\"15s\""));
    assert_non_null(strstr(knobs, "\"guest.step\":\"0-50ms\""));
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
    g_free(want);
    g_free(knobs);
    trace_free(t);
}

static void test_text_full(void **state)
{
    struct knob_set ks;
    struct trace *t = build_full(TRACE_TEXT, &ks);
    static const char want[] =
        "# drcsim 0.1.0\n"
        "# scenario scenarios/hotplug-migrate-unplug.scn (hotplug-migrate-unplug)\n"
        "# variant qemu-2.9\n"
        "# seed 42\n"
        "# schedule 0,1,0\n"
        "# knob qemu.cas-drc-reset=off\n"
        "# knob libvirt.unplug-timeout=15s\n"
        "    1        0ms  libvirt      device_add             "
        "id=core1 core-id=1 drc=0x10000008 -> status=ok\n"
        "        drc 0x10000008 spapr_drc_attach @src\n"
        "        event RESUME @src\n"
        "        qemu: hotplug \"core1\" queued\n"
        "    2     1234ms  guest@src    set-indicator          "
        "msg=\"tab\\there \\\"q\\\" back\\\\slash\\n\\x01\" index=0xabc -> rc=-3 note=\"\"\n"
        "        drc 0x10000008 spapr_drc_set_allocation_state LOGICAL_AVAILABLE @src\n"
        "        drc 0x10000008 spapr_drc_set_isolation_state LOGICAL_UNISOLATE @src\n"
        "        event DEVICE_DELETED core1 @src\n"
        "        guest: dlpar: cpu\\x7f done \xc3\xa9\n"
        "verdict: fail expect-failed,qemu-abort "
        "(expect-failed at step 2: dst: device core1 present, expected \"absent\")\n";
    size_t len;

    (void)state;
    assert_string_equal(trace_buffer(t, &len), want);
    assert_int_equal(len, sizeof(want) - 1);
    trace_free(t);
}

/* No seed, default knobs (knobs == NULL), an empty step, verdicts without message. */
static struct trace *build_minimal(enum trace_format fmt)
{
    static const char *const one[] = { "drc-migration-mismatch", NULL };
    struct trace *t = trace_new(fmt);
    struct trace_header h = { .scenario_path = "a b.scn", .scenario_name = "a",
                              .variant = "upstream", .schedule = "" };

    trace_header(t, &h);
    trace_step_begin(t, 1, 5, "qemu@dst", "cas");
    trace_step_end(t);
    trace_step_begin(t, 2, 123456789, "migration", "switchover-and-then-some");
    trace_result_int(t, "rc", 0);
    trace_step_end(t);
    trace_verdict(t, TRACE_PASS, NULL, NULL, 0, NULL);
    trace_verdict(t, TRACE_FAIL, one, one[0], 3, NULL);
    trace_verdict(t, TRACE_INCOMPLETE, NULL, NULL, 2, NULL);
    return t;
}

static void test_jsonl_minimal(void **state)
{
    struct trace *t = build_minimal(TRACE_JSONL);
    struct knob_set def;
    char *knobs, *want;
    static const char pre[] =
        "{\"drcsim\":\"0.1.0\",\"scenario\":\"a b.scn\",\"name\":\"a\","
        "\"scenario_xxh3\":\"0000000000000000\",\"variant\":\"upstream\",\"knobs\":";
    static const char post[] =
        ",\"schedule\":\"\"}\n"
        "{\"step\":1,\"t_ms\":5,\"actor\":\"qemu@dst\",\"op\":\"cas\",\"args\":{},\"result\":{}}\n"
        "{\"step\":2,\"t_ms\":123456789,\"actor\":\"migration\","
        "\"op\":\"switchover-and-then-some\",\"args\":{},\"result\":{\"rc\":0}}\n"
        "{\"verdict\":\"pass\",\"families\":[]}\n"
        "{\"verdict\":\"fail\",\"families\":[\"drc-migration-mismatch\"],"
        "\"violation\":{\"family\":\"drc-migration-mismatch\",\"step\":3}}\n"
        "{\"verdict\":\"incomplete\",\"families\":[],\"stopped_after\":2}\n";

    (void)state;
    knobs_default(&def);
    knobs = knobs_json(&def);
    want = g_strconcat(pre, knobs, post, NULL);
    assert_string_equal(trace_buffer(t, NULL), want);
    g_free(want);
    g_free(knobs);
    trace_free(t);
}

static void test_text_minimal(void **state)
{
    struct trace *t = build_minimal(TRACE_TEXT);
    static const char want[] =
        "# drcsim 0.1.0\n"
        "# scenario \"a b.scn\" (a)\n"
        "# variant upstream\n"
        "# schedule \"\"\n"
        "    1        5ms  qemu@dst     cas                    ->\n"
        "    2 123456789ms  migration    switchover-and-then-some -> rc=0\n"
        "verdict: pass\n"
        "verdict: fail drc-migration-mismatch (drc-migration-mismatch at step 3)\n"
        "verdict: incomplete (stopped after step 2, before quiescence)\n";

    (void)state;
    assert_string_equal(trace_buffer(t, NULL), want);
    trace_free(t);
}

/* Ignored violations: two, one needing escapes, then the verdict. */
static struct trace *build_ignored(enum trace_format fmt)
{
    static const char *const one[] = { "drc-migration-mismatch", NULL };
    struct trace *t = trace_new(fmt);

    trace_step_begin(t, 1, 0, "libvirt", "device_del");
    trace_step_end(t);
    trace_ignored(t, "false-unplug-error", 7, "core1 was reported \"not unplugged\"");
    trace_ignored(t, "view-mismatch", 9, "a\nb");
    trace_verdict(t, TRACE_FAIL, one, one[0], 11, "m");
    return t;
}

/* Both formats of build_ignored. */
static void test_ignored(void **state)
{
    struct trace *jsonl = build_ignored(TRACE_JSONL), *text = build_ignored(TRACE_TEXT);
    static const char want_jsonl[] =
        "{\"step\":1,\"t_ms\":0,\"actor\":\"libvirt\",\"op\":\"device_del\",\"args\":{},"
        "\"result\":{}}\n"
        "{\"verdict\":\"fail\",\"families\":[\"drc-migration-mismatch\"],"
        "\"violation\":{\"family\":\"drc-migration-mismatch\",\"step\":11,\"message\":\"m\"},"
        "\"ignored\":[{\"family\":\"false-unplug-error\",\"step\":7,"
        "\"message\":\"core1 was reported \\\"not unplugged\\\"\"},"
        "{\"family\":\"view-mismatch\",\"step\":9,\"message\":\"a\\u000ab\"}]}\n";
    static const char want_text[] =
        "    1        0ms  libvirt      device_del             ->\n"
        "ignored: false-unplug-error at step 7: core1 was reported \"not unplugged\"\n"
        "ignored: view-mismatch at step 9: a\\nb\n"
        "verdict: fail drc-migration-mismatch (drc-migration-mismatch at step 11: m)\n";

    (void)state;
    assert_string_equal(trace_buffer(jsonl, NULL), want_jsonl);
    assert_string_equal(trace_buffer(text, NULL), want_text);
    trace_free(jsonl);
    trace_free(text);
}

/* Every control character, both escapes, DEL and UTF-8 pass through as specified. */
static void test_json_escaping(void **state)
{
    struct trace *t = trace_new(TRACE_JSONL);
    char all[33];
    GString *want = g_string_new("{\"step\":7,\"t_ms\":0,\"actor\":\"a\\\"\\\\\",\"op\":\"o\","
                                 "\"args\":{\"k\\u000a\":\"");

    (void)state;
    for (int i = 1; i < 32; i++) {
        all[i - 1] = (char)i;
        g_string_append_printf(want, "\\u%04x", i);
    }
    all[31] = '\0';
    g_string_append(want, "\",\"u\":\"\x7f\xe2\x82\xac/\",\"x\":\"0xffffffff\"},"
                          "\"result\":{\"min\":-9223372036854775808}}\n");
    trace_step_begin(t, 7, 0, "a\"\\", "o");
    trace_arg_str(t, "k\n", all);
    trace_arg_str(t, "u", "\x7f\xe2\x82\xac/");
    trace_arg_hex(t, "x", 0xffffffff);
    trace_result_int(t, "min", INT64_MIN);
    trace_step_end(t);
    assert_string_equal(trace_buffer(t, NULL), want->str);
    g_string_free(want, TRUE);
    trace_free(t);
}

/* Result files' strings: UTF-8 kept, quote and backslash escaped, a byte that is not UTF-8
 * (a Latin-1 path) as U+FFFD, so that the file stays JSON. */
#define FFFD "\xef\xbf\xbd"

static void test_json_string_append(void **state)
{
    GString *g = g_string_new("x");

    (void)state;
    json_string_append(g, "sc\xc3\xa9 \"q\"\\t\n\x1b|l\xe9.scn|\xe2\x82|\xf0");
    assert_string_equal(g->str, "x\"sc\xc3\xa9 \\\"q\\\"\\\\t\\u000a\\u001b|l" FFFD ".scn|"
                                FFFD FFFD "|" FFFD "\"");
    g_string_truncate(g, 0);
    json_string_append(g, NULL);
    json_string_append(g, "");
    assert_string_equal(g->str, "\"\"\"\"");
    g_string_free(g, TRUE);
}

/* Error lines: one line, valid UTF-8; a byte that is not UTF-8 as \xNN, backslashes bare. */
static void test_text_escaped(void **state)
{
    char *line = trace_text_escaped("a\n\t\r\x1b\x7f \\ \"caf\xc3\xa9\" l\xe9.scn \xe2\x82");

    (void)state;
    assert_string_equal(line, "a\\n\\t\\r\\x1b\\x7f \\ \"caf\xc3\xa9\" l\\xe9.scn \\xe2\\x82");
    g_free(line);
}

/* ---- file round trip --------------------------------------------------- */

static char *tmp_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static void test_round_trip(void **state)
{
    struct knob_set ks;
    struct trace *t = build_full(TRACE_JSONL, &ks);
    char *path = tmp_path("full.jsonl"), err[256] = "";
    struct trace_file f;
    char **want = g_strsplit(trace_buffer(t, NULL), "\n", -1);

    (void)state;
    assert_true(trace_write_file(t, path, err, sizeof(err)));
    assert_true(trace_read_file(path, &f, err, sizeof(err)));
    assert_string_equal(err, "");
    assert_string_equal(f.scenario_path, "scenarios/hotplug-migrate-unplug.scn");
    assert_string_equal(f.variant, "qemu-2.9");
    assert_true(f.scenario_hash == 0x0123456789abcdefULL);
    assert_true(f.has_seed);
    assert_true(f.seed == 42);
    assert_string_equal(f.schedule, "0,1,0");
    for (int i = 0; i < KNOB_COUNT; i++) {
        char buf[64];

        assert_non_null(f.knob_names[i]);
        assert_string_equal(f.knob_names[i], knob_defs[i].name);
        assert_string_equal(f.knob_values[i], knob_format(&ks, i, buf, sizeof(buf)));
    }
    assert_null(f.knob_names[KNOB_COUNT]);
    assert_null(f.knob_values[KNOB_COUNT]);
    assert_int_equal(f.nlines, 4);
    assert_int_equal(g_strv_length(want), 5);   /* the text ends with '\n' */
    for (unsigned i = 0; i < 4; i++)
        assert_string_equal(f.lines[i], want[i]);
    assert_null(f.lines[4]);
    trace_file_clear(&f);
    assert_null(f.lines);
    assert_int_equal(f.nlines, 0);
    g_strfreev(want);
    g_free(path);
    trace_free(t);
}

/* No final newline, no seed; then the largest seed survives exactly. */
static void test_round_trip_seed(void **state)
{
    static const char body[] =
        "{\"drcsim\":\"0.1.0\",\"scenario\":\"s.scn\",\"scenario_xxh3\":\"FFFFFFFFFFFFFFFE\","
        "\"variant\":\"v\",\"knobs\":{},\"schedule\":\"\"}\n{\"verdict\":\"pass\"}";
    struct trace *t = trace_new(TRACE_JSONL);
    struct trace_header h = { "s.scn", "s", 1, "v", NULL, true, UINT64_MAX, "1", NULL };
    char *path = tmp_path("seed.jsonl"), err[256] = "";
    struct trace_file f;

    (void)state;
    assert_true(g_file_set_contents(path, body, -1, NULL));
    assert_true(trace_read_file(path, &f, err, sizeof(err)));
    assert_false(f.has_seed);
    assert_true(f.scenario_hash == 0xfffffffffffffffeULL);
    assert_null(f.knob_names[0]);
    assert_int_equal(f.nlines, 2);
    assert_string_equal(f.lines[1], "{\"verdict\":\"pass\"}");
    trace_file_clear(&f);

    trace_header(t, &h);
    trace_verdict(t, TRACE_PASS, NULL, NULL, 0, NULL);
    assert_true(trace_write_file(t, path, err, sizeof(err)));
    assert_true(trace_read_file(path, &f, err, sizeof(err)));
    assert_true(f.has_seed);
    assert_true(f.seed == UINT64_MAX);
    assert_true(f.scenario_hash == 1);
    assert_string_equal(f.schedule, "1");
    trace_file_clear(&f);
    trace_file_clear(&f);   /* clearing twice is harmless */
    g_free(path);
    trace_free(t);
}

/* The scenario's bytes ride in the header, escaped, and come back exactly; bytes that are
 * not UTF-8 cannot be JSON and are left out. */
static void test_round_trip_scenario_text(void **state)
{
    static const char text[] = "scenario s \"q\\\"\n\tmachine m\x01\n";
    struct trace *t = trace_new(TRACE_JSONL);
    struct trace_header h = { .scenario_path = "s.scn", .scenario_name = "s",
                              .scenario_hash = XXH3_64bits(text, strlen(text)),
                              .variant = "v", .schedule = "", .scenario_text = text };
    char *path = tmp_path("text.jsonl"), err[256] = "";
    struct trace_file f;

    (void)state;
    trace_header(t, &h);
    trace_verdict(t, TRACE_PASS, NULL, NULL, 0, NULL);
    assert_non_null(strstr(trace_buffer(t, NULL),
                           ",\"scenario_text\":\"scenario s \\\"q\\\\\\\"\\u000a\\u0009machine m"
                           "\\u0001\\u000a\"}\n"));
    assert_true(trace_write_file(t, path, err, sizeof(err)));
    assert_true(trace_read_file(path, &f, err, sizeof(err)));
    assert_string_equal(f.scenario_text, text);
    trace_file_clear(&f);
    trace_free(t);

    t = trace_new(TRACE_JSONL);
    h.scenario_text = "scenario \xff\n";
    trace_header(t, &h);
    assert_null(strstr(trace_buffer(t, NULL), "scenario_text"));
    trace_free(t);
    g_free(path);
}

static void test_io_errors(void **state)
{
    struct trace *t = trace_new(TRACE_JSONL);
    struct trace_file f;
    char err[256];

    (void)state;
    assert_false(trace_write_file(t, "/nonexistent-drcsim-dir/t.jsonl", err, sizeof(err)));
    assert_string_equal(err,
                        "cannot write /nonexistent-drcsim-dir/t.jsonl: No such file or directory");
    assert_false(trace_read_file("/nonexistent-drcsim-dir/t.jsonl", &f, err, sizeof(err)));
    assert_string_equal(err,
                        "cannot read /nonexistent-drcsim-dir/t.jsonl: No such file or directory");
    assert_null(f.lines);
    assert_false(trace_read_file(tmpdir, &f, err, sizeof(err)));
    assert_true(g_str_has_suffix(err, ": Is a directory"));
    trace_free(t);
}

/* ---- reader: malformed input ------------------------------------------- */

struct bad {
    const char *data;
    size_t len;           /* bytes of data (it may hold NUL) */
    const char *want;     /* the error after the path */
};

#define BAD(lit, want) { lit, sizeof(lit) - 1, want }

#define HPRE "{\"drcsim\":\"0.1.0\",\"scenario\":\"s.scn\",\"name\":\"s\""
#define HHASH ",\"scenario_xxh3\":\"0123456789abcdef\""
#define HVAR ",\"variant\":\"upstream\""
#define HKNOBS ",\"knobs\":{\"qemu.kvm-irqchip\":\"on\"}"
#define HSCHED ",\"schedule\":\"0,1\"}"
#define H HPRE HHASH HVAR HKNOBS HSCHED "\n"
#define S1 "{\"step\":1,\"t_ms\":0,\"actor\":\"libvirt\",\"op\":\"device_add\"," \
           "\"args\":{},\"result\":{}}\n"
#define S2 "{\"step\":2,\"t_ms\":7,\"actor\":\"guest@src\",\"op\":\"rtas\"}\n"
#define V "{\"verdict\":\"pass\",\"families\":[]}\n"

static void expect_bad(const struct bad *cases, size_t n)
{
    char *path = tmp_path("bad.jsonl");

    for (size_t i = 0; i < n; i++) {
        struct trace_file f;
        char err[512] = "";
        char *want = g_strconcat(path, cases[i].want, NULL);

        assert_true(g_file_set_contents(path, cases[i].data, (gssize)cases[i].len, NULL));
        if (trace_read_file(path, &f, err, sizeof(err)))
            fail_msg("case %zu was accepted", i);
        assert_string_equal(err, want);
        assert_null(f.lines);
        assert_null(f.scenario_path);
        assert_int_equal(f.nlines, 0);
        g_free(want);
    }
    g_free(path);
}

static void test_bad_file(void **state)
{
    static const struct bad cases[] = {
        BAD("", ":1:1: error: empty file"),
        BAD("\n", ":1:1: error: empty line"),
        BAD(H "\n" V, ":2:1: error: empty line"),
        BAD(H S1 "\n" S2 V, ":3:1: error: empty line"),
        BAD(H S1 V "\n", ":3:1: error: verdict before the last line"),
        BAD("\xff\xfe\x00\x01", ":1:1: error: invalid UTF-8"),
        BAD(H "{\"step\xc3\":1}\n" V, ":2:7: error: invalid UTF-8"),
        BAD("{\"a\0\":1}\n", ":1:4: error: NUL byte"),
        BAD("# drcsim 0.1.0\n# scenario a.scn\n    1        0ms  libvirt      x ->\n",
            ":1:1: error: a text trace (--format text); only JSONL traces can be read back"),
    };

    (void)state;
    expect_bad(cases, G_N_ELEMENTS(cases));
}

static void test_bad_json(void **state)
{
    static const struct bad cases[] = {
        BAD("{\"drcsim\":", ":1:10: error: unexpected end of file, expected character `}'"),
        BAD("drcsim 0.1.0\n", ":1:6: error: unexpected identifier `drcsim', expected value"),
        BAD(H S1 "{\"verdict\":\"pa", ":3:15: error: scanner: unterminated string constant"),
        BAD(H "{\"step\":tru}\n" V, ":2:11: error: unexpected identifier `tru', expected value"),
        BAD(H "{\"step\":1,\"t_ms\":0,\"actor\":\"a\",\"op\":\"b\"} {}\n" V,
            ":2:42: error: unexpected text after the JSON object"),
        BAD("\xef\xbb\xbf" H V, ":1:1: error: unexpected text before the JSON object"),
        BAD(H "[1,2]\n" V, ":2:1: error: expected a JSON object"),
        BAD(H "  \"step\"\n" V, ":2:3: error: expected a JSON object"),
        BAD("   \n" V, ":1:1: error: no JSON value on this line"),
    };

    (void)state;
    expect_bad(cases, G_N_ELEMENTS(cases));
}

static void test_bad_header(void **state)
{
    static const struct bad cases[] = {
        BAD(S1 V, ":1:1: error: missing header: line 1 has no \"drcsim\""),
        BAD(HPRE HHASH HVAR HKNOBS "}\n" V, ":1:1: error: header has no \"schedule\""),
        BAD("{\"drcsim\":0.1}\n" V, ":1:11: error: \"drcsim\" must be a string"),
        BAD(HPRE HHASH ",\"variant\":3" HKNOBS HSCHED "\n" V,
            ":1:94: error: \"variant\" must be a string"),
        BAD(HPRE ",\"scenario_xxh3\":\"0123\"" HVAR HKNOBS HSCHED "\n" V,
            ":1:65: error: \"scenario_xxh3\" must be 16 hex digits"),
        BAD(HPRE ",\"scenario_xxh3\":\"0123456789abcdeg\"" HVAR HKNOBS HSCHED "\n" V,
            ":1:65: error: \"scenario_xxh3\" must be 16 hex digits"),
        BAD(HPRE HHASH HVAR ",\"knobs\":[\"on\"]" HSCHED "\n" V,
            ":1:113: error: \"knobs\" must be an object"),
        BAD(HPRE HHASH HVAR ",\"knobs\":{\"qemu.kvm-irqchip\":true}" HSCHED "\n" V,
            ":1:113: error: knob \"qemu.kvm-irqchip\" must be a string"),
        BAD(HPRE HHASH HVAR HKNOBS ",\"seed\":-1" HSCHED "\n" V,
            ":1:146: error: \"seed\" must not be negative"),
        BAD(HPRE HHASH HVAR HKNOBS ",\"seed\":1.5" HSCHED "\n" V,
            ":1:146: error: \"seed\" must be an integer"),
        BAD(HPRE HHASH HVAR HKNOBS ",\"seed\":18446744073709551616" HSCHED "\n" V,
            ":1:146: error: \"seed\" is out of range"),
        BAD(HPRE HHASH HVAR HKNOBS ",\"schedule\":\"0,1\",\"scenario_text\":\"x\"}\n" V,
            ":1:172: error: \"scenario_text\" is not the scenario \"scenario_xxh3\" names"),
        BAD(HPRE HHASH HVAR HKNOBS ",\"schedule\":\"0,1\",\"scenario_text\":[]}\n" V,
            ":1:172: error: \"scenario_text\" must be a string"),
    };

    (void)state;
    expect_bad(cases, G_N_ELEMENTS(cases));
}

static void test_bad_steps(void **state)
{
    static const struct bad cases[] = {
        BAD(H S1 "{\"step\":3,\"t_ms\":7,\"actor\":\"a\",\"op\":\"b\"}\n" V,
            ":3:9: error: step 3 out of sequence (expected 2)"),
        BAD(H "{\"step\":0,\"t_ms\":7,\"actor\":\"a\",\"op\":\"b\"}\n" V,
            ":2:9: error: step 0 out of sequence (expected 1)"),
        BAD(H "{\"step\":\"1\"}\n" V, ":2:9: error: \"step\" must be an integer"),
        BAD(H "{\"t_ms\":1}\n" V, ":2:1: error: step line has no \"step\""),
        BAD(H "{\"step\":1,\"t_ms\":\"5\",\"actor\":\"a\",\"op\":\"b\"}\n" V,
            ":2:18: error: \"t_ms\" must be an integer"),
        BAD(H "{\"step\":1, \"t_ms\" : -5,\"actor\":\"a\",\"op\":\"b\"}\n" V,
            ":2:21: error: \"t_ms\" must not be negative"),
        BAD(H "{\"step\":1,\"t_ms\":0,\"op\":\"b\"}\n" V, ":2:1: error: step line has no \"actor\""),
        BAD(H "{\"step\":1,\"t_ms\":0,\"actor\":\"a\",\"op\":{\"op\":1}}\n" V,
            ":2:37: error: \"op\" must be a string"),
        BAD(H S1 V S2 V, ":3:1: error: verdict before the last line"),
    };

    (void)state;
    expect_bad(cases, G_N_ELEMENTS(cases));
}

static void test_bad_verdict(void **state)
{
    static const struct bad cases[] = {
        BAD(H, ":1:1: error: missing verdict: the trace ends after its header"),
        BAD(H S1 S2, ":3:1: error: missing verdict: the last line has no \"verdict\""),
        BAD(H S1 "{\"verdict\":\"maybe\"}", ":3:12: error: \"verdict\" must be \"pass\", \"fail\" or \"incomplete\""),
        BAD(H "{\"verdict\":true}\n", ":2:12: error: \"verdict\" must be \"pass\", \"fail\" or \"incomplete\""),
        BAD(H "{\"families\":[],\"verdict\":null}",
            ":2:26: error: \"verdict\" must be \"pass\", \"fail\" or \"incomplete\""),
    };

    (void)state;
    expect_bad(cases, G_N_ELEMENTS(cases));
}

/* A message never spans lines, and a short buffer truncates it safely. */
static void test_error_hygiene(void **state)
{
    static const char data[] = HPRE HHASH HVAR ",\"knobs\":{\"a\\nb\":1}" HSCHED "\n" V;
    char *path = tmp_path("hygiene.jsonl"), err[512], small[12];
    struct trace_file f;

    (void)state;
    assert_true(g_file_set_contents(path, data, -1, NULL));
    assert_false(trace_read_file(path, &f, err, sizeof(err)));
    assert_true(g_str_has_suffix(err, ":1:113: error: knob \"a?b\" must be a string"));
    assert_false(trace_read_file(path, &f, small, sizeof(small)));
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_false(trace_read_file(path, &f, NULL, 0));
    g_free(path);
}

/* ---- main -------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    tmpdir = g_dir_make_tmp("drcsim-trace-XXXXXX", NULL);
    return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
    const char *name;
    GDir *d = g_dir_open(tmpdir, 0, NULL);

    (void)state;
    while (d && (name = g_dir_read_name(d))) {
        char *p = tmp_path(name);

        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_full),
        cmocka_unit_test(test_text_full),
        cmocka_unit_test(test_jsonl_minimal),
        cmocka_unit_test(test_text_minimal),
        cmocka_unit_test(test_ignored),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_string_append),
        cmocka_unit_test(test_text_escaped),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_seed),
        cmocka_unit_test(test_round_trip_scenario_text),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_bad_file),
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_steps),
        cmocka_unit_test(test_bad_verdict),
        cmocka_unit_test(test_error_hygiene),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
