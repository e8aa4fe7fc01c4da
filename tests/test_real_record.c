/*
 * Unit tests for sim/real_record.c: a kept real run written and read back
 * exactly (less the per-reset DRC trace points), and the one-line error, with
 * line and column, for each way a file can fail to be a real run of the scenario.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "testutil.h"
#include "real_record.h"
#include "realqemu.h"

static char *tmpdir;
static struct scenario *scn;

static const char scn_text[] =
    "scenario two\n"
    "machine src cores=2\n"
    "machine dst like=src incoming=defer\n"
    "do src device_add cpu core1 core-id=1\n";

static void add(GArray *a, const char *machine, const char *kind, double t, const char *text)
{
    struct real_obs o = { .t = t };

    g_strlcpy(o.machine, machine, sizeof(o.machine));
    g_strlcpy(o.kind, kind, sizeof(o.kind));
    g_strlcpy(o.text, text, sizeof(o.text));
    g_array_append_val(a, o);
}

static void test_round_trip(void **state)
{
    struct real_record rec = { .seconds = 4.25, .obs = g_array_new(FALSE, FALSE, sizeof(struct real_obs)) };
    struct real_record back;
    g_autofree char *file = g_build_filename(tmpdir, "real-run.json", NULL);
    char err[512];

    (void)state;
    g_strlcpy(rec.scenario, "two.scn", sizeof(rec.scenario));
    add(rec.obs, "src", "drc", 0.1, "spapr_drc_reset 0x10000001");
    add(rec.obs, "src", "qmp", 0.2, "device_add core1 -> ok");
    add(rec.obs, "src", "drc", 0.3, "spapr_drc_realize 0x10000002");
    add(rec.obs, "dst", "guest", 0.4, "a \"quoted\" \\ line \xc3\xa9");
    add(rec.obs, "dst", "step", 0.4, "wait migrated -> holds");
    assert_true(real_record_write(file, &rec, err, sizeof(err)));
    assert_true(real_record_read(file, scn, "/x/y/two.scn", &back, err, sizeof(err)));
    assert_string_equal(back.scenario, "two.scn");
    assert_string_equal(back.invalid, "");
    assert_true(back.seconds == 4.25);
    assert_int_equal(back.obs->len, 3);
    assert_memory_equal(&g_array_index(back.obs, struct real_obs, 0),
                        &g_array_index(rec.obs, struct real_obs, 1), sizeof(struct real_obs));
    assert_memory_equal(&g_array_index(back.obs, struct real_obs, 1),
                        &g_array_index(rec.obs, struct real_obs, 3), sizeof(struct real_obs));
    assert_memory_equal(&g_array_index(back.obs, struct real_obs, 2),
                        &g_array_index(rec.obs, struct real_obs, 4), sizeof(struct real_obs));
    real_record_clear(&back);
    real_record_clear(&rec);
    g_unlink(file);
}

/* real_record_read of bytes: its error with the directory cut off ("" when it reads). */
static void read_error(const char *bytes, const char *scn_path, char *out, size_t len)
{
    g_autofree char *file = g_build_filename(tmpdir, "r.json", NULL);
    struct real_record rec;
    char err[512];

    assert_true(g_file_set_contents(file, bytes, -1, NULL));
    if (real_record_read(file, scn, scn_path, &rec, err, sizeof(err))) {
        real_record_clear(&rec);
        snprintf(out, len, "%s", "");
    } else {
        assert_null(rec.obs);
        snprintf(out, len, "%s", err + strlen(tmpdir) + 1);
    }
    g_unlink(file);
}

#define HEAD "{\"drcsim_real_run\":1,\"scenario\":\"two.scn\",\"invalid\":\"\",\"seconds\":1,"
#define OBS(m, k, t) "\n{\"t\":" t ",\"machine\":\"" m "\",\"kind\":\"" k "\",\"text\":\"x\"}"

static void test_errors(void **state)
{
    static const struct { const char *bytes, *want; } cases[] = {
        { HEAD "\"observations\":[" OBS("src", "qmp", "1") "]}", "" },
        { HEAD "\"observations\":[" OBS("src", "qmp", "1") ",]}",
          "r.json:2:48: error: unexpected character `,', expected character `]'" },
        { "[]", "r.json:1:1: error: not a drcsim real run (not a JSON object)" },
        { "{\"drcsim_real_run\":2,\"scenario\":\"two.scn\",\"invalid\":\"\",\"seconds\":1,"
          "\"observations\":[]}",
          "r.json:1:20: error: unknown format of a real run (this drcsim reads 1)" },
        { "{\"drcsim_real_run\":1,\"scenario\":\"one.scn\",\"invalid\":\"\",\"seconds\":1,"
          "\"observations\":[]}",
          "r.json:1:33: error: recorded from another scenario (two.scn)" },
        { "{\"drcsim_real_run\":1,\"scenario\":\"two.scn\",\"seconds\":1,\"observations\":[]}",
          "r.json:1:1: error: not a drcsim real run (no \"invalid\")" },
        { HEAD "\"observations\":{}}", "r.json:1:83: error: \"observations\" is not an array" },
        { HEAD "\"observations\":[" OBS("src", "qmp", "1") "," OBS("mid", "qmp", "2") "]}",
          "r.json:3:18: error: no machine of the scenario has this name" },
        { HEAD "\"observations\":[" OBS("src", "trace", "1") "]}",
          "r.json:2:31: error: not an observation kind (qmp, event, drc, guest, death, exit or step)" },
        { HEAD "\"observations\":[" OBS("src", "qmp", "2") "," OBS("src", "qmp", "1") "]}",
          "r.json:3:1: error: observations out of time order" },
        { HEAD "\"observations\":[\n{\"t\":\"1\",\"machine\":\"src\",\"kind\":\"qmp\",\"text\":\"x\"}]}",
          "r.json:2:6: error: \"t\" is not a number" },
        { HEAD "\"observations\":[7]}", "r.json:1:84: error: an observation is an object" },
    };
    char got[512];

    (void)state;
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        read_error(cases[i].bytes, "scenarios/two.scn", got, sizeof(got));
        assert_string_equal(got, cases[i].want);
    }
}

static int setup(void **state)
{
    char err[256];

    (void)state;
    tmpdir = g_dir_make_tmp("drcsim-record-XXXXXX", NULL);
    scn = g_new0(struct scenario, 1);
    return tmpdir && scenario_parse_string("two.scn", scn_text, scn, err, sizeof(err)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    g_rmdir(tmpdir);   /* every test unlinks its files */
    g_free(tmpdir);
    g_free(scn);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
