/*
 * Unit tests for sim/json_file.c: a JSON input file that parses, and the
 * exact one-line error, with line and column, for each way one can be bad
 * (missing, a directory, invalid UTF-8, a NUL byte, a syntax error, nesting
 * too deep, a repeated key), the member types an input object is
 * checked against, and where a value is, for errors about its content.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "testutil.h"
#include "json_file.h"

static char *tmpdir;

/* A file of n bytes in the temporary directory; its path (g_free it). */
static char *write_file(const char *name, const char *bytes, size_t n)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    assert_true(g_file_set_contents(path, bytes, (gssize)n, NULL));
    return path;
}

/* json_file_load on those bytes: its error line with the directory cut off, or "" when
 * it parsed. */
static void load(const char *name, const char *bytes, size_t n, char *out, size_t len)
{
    char *path = write_file(name, bytes, n);
    JsonParser *p = json_parser_new();
    char err[512];
    size_t cut = strlen(tmpdir) + 1;

    if (json_file_load(p, path, err, sizeof(err)))
        snprintf(out, len, "%s", "");
    else
        snprintf(out, len, "%s", strncmp(err, path, cut) ? err : err + cut);
    g_object_unref(p);
    g_unlink(path);
    g_free(path);
}

static void test_parses(void **state)
{
    const char text[] = "[{\"scenario\": \"a.scn\", \"states\": 3}]\n";
    char *path = write_file("good.json", text, sizeof(text) - 1);
    JsonParser *p = json_parser_new();
    char err[512] = "untouched";
    JsonNode *root;

    (void)state;
    assert_true(json_file_load(p, path, err, sizeof(err)));
    assert_string_equal(err, "untouched");
    root = json_parser_get_root(p);
    assert_non_null(root);
    assert_true(JSON_NODE_HOLDS_ARRAY(root));
    assert_int_equal(json_object_get_int_member(
                         json_array_get_object_element(json_node_get_array(root), 0), "states"), 3);
    g_object_unref(p);
    g_unlink(path);
    g_free(path);
}

/* A file's bytes (a string literal, its last NUL left out) and the error line they give. */
#define CASE(name, literal, want) { name, literal, sizeof(literal) - 1, want }

static const struct load_case {
    const char *name, *bytes;
    size_t len;
    const char *want;
} load_cases[] = {
    CASE("a.json", "[{\"scenario\":,}]",
         "a.json:1:14: error: unexpected character `,', expected character `}'"),
    CASE("b.json", "{\n  \"job\": 1,\n  \"scenario\" \"x\"\n}\n",
         "b.json:3:12: error: unexpected string constant \"scenario\", expected character `:'"),
    /* json-glib quotes the token it stopped after, newline and all */
    CASE("c.json", "[\"a\nb\" \"c\"]",
         "c.json:2:2: error: unexpected string constant \"a b\", expected character `,'"),
    CASE("u.json", "{\"a\":\n  \"\xff\"}", "u.json:2:4: error: invalid UTF-8"),
    CASE("n.json", "{\"a\":1}\n\0", "n.json:2:1: error: NUL byte"),
    CASE("d.json", "{\"a\":1,\n \"b\":{\"a\":2}, \"a\" :3}", "d.json:2:15: error: duplicate key \"a\""),
    CASE("e.json", "[{\"x\":1},\n {\"y\":{\"z\":[{\"z\":1,\"z\":2}]}}]",
         "e.json:2:20: error: duplicate key \"z\""),
    /* the same key in two objects, or spelt inside a string, is no repeat */
    CASE("f.json", "[{\"a\":\"{\\\"a\\\":[\"}, {\"a\":[\"a\",\"a\"]}]", ""),
    /* a key holding '/' or '~' is no repeat of a nested key or of its escaped spelling */
    CASE("g.json", "{\"a\":{\"b\":1}, \"a/b\":2, \"a~1b\":3, \"~\":4, \"~0\":5}", ""),
};

static void test_load_errors(void **state)
{
    char out[512];

    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(load_cases); i++) {
        const struct load_case *c = &load_cases[i];
        load(c->name, c->bytes, c->len, out, sizeof(out));
        assert_string_equal(out, c->want);
    }
}

/* n brackets opened, then closed: refused past JSON_MAX_DEPTH, at the first one too deep. */
static void test_nesting(void **state)
{
    char out[512], want[64];
    const size_t deep[] = { JSON_MAX_DEPTH, JSON_MAX_DEPTH + 1, 80000 };

    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(deep); i++) {
        GString *g = g_string_new(" \n");
        for (size_t k = 0; k < deep[i]; k++)
            g_string_append(g, k % 2 ? "{\"a\":" : "[");
        g_string_append_c(g, '0');
        for (size_t k = deep[i]; k-- > 0;)
            g_string_append(g, k % 2 ? "}" : "]");
        load("deep.json", g->str, g->len, out, sizeof(out));
        snprintf(want, sizeof(want), "deep.json:2:%d: error: nesting deeper than %d",
                 1 + (JSON_MAX_DEPTH / 2) * 6, JSON_MAX_DEPTH);
        assert_string_equal(out, deep[i] > JSON_MAX_DEPTH ? want : "");
        g_string_free(g, TRUE);
    }
    assert_int_equal(json_nesting_at("[\"[[\\\"[\"]", 9), SIZE_MAX);
    assert_int_equal(json_nesting_at("[[", 2), SIZE_MAX);
}

static void test_unreadable(void **state)
{
    JsonParser *p = json_parser_new();
    char *missing = g_build_filename(tmpdir, "missing.json", NULL);
    char err[512], want[512];

    (void)state;
    assert_false(json_file_load(p, missing, err, sizeof(err)));
    snprintf(want, sizeof(want), "%s:1:1: error: No such file or directory", missing);
    assert_string_equal(err, want);
    assert_false(json_file_load(p, tmpdir, err, sizeof(err)));
    snprintf(want, sizeof(want), "%s:1:1: error: Is a directory", tmpdir);
    assert_string_equal(err, want);
    g_object_unref(p);
    g_free(missing);
}

/* json_members_check on the object of text: true, or false with its why in out and the
 * member it names in *member. */
static bool members(const char *text, char *out, size_t len, const char **member)
{
    static const struct json_member spec[] = {
        { "scenario", JSON_STRING, true }, { "states", JSON_COUNT, true },
        { "seconds", JSON_NUMBER, false }, { "holds", JSON_BOOL, false },
        { "families", JSON_STRINGS, false }, { "text", JSON_TEXT, false },
    };
    JsonParser *p = json_parser_new();
    bool ok;

    assert_true(json_parser_load_from_data(p, text, -1, NULL));
    snprintf(out, len, "%s", "");
    ok = json_members_check(json_node_get_object(json_parser_get_root(p)), spec,
                            G_N_ELEMENTS(spec), out, len, member);
    g_object_unref(p);
    return ok;
}

/* An object and what json_members_check says of it ("": it passes). */
static const struct { const char *json, *why; } member_cases[] = {
    { "{\"scenario\":\"a\",\"states\":0,\"seconds\":1,\"holds\":true,\"families\":[\"x\"],"
      "\"other\":{}}", "" },
    { "{\"scenario\":\"a\",\"states\":5,\"seconds\":0.5,\"families\":[]}", "" },
    { "{\"states\":1}", "no \"scenario\"" },
    { "{\"scenario\":7,\"states\":1}", "\"scenario\" is not a string" },
    { "{\"scenario\":null,\"states\":1}", "\"scenario\" is not a string" },
    { "{\"scenario\":\"a\",\"states\":-1}", "\"states\" is not a count (an integer from 0)" },
    { "{\"scenario\":\"a\",\"states\":1.5}", "\"states\" is not a count (an integer from 0)" },
    { "{\"scenario\":\"a\",\"states\":1,\"seconds\":\"1\"}", "\"seconds\" is not a number" },
    { "{\"scenario\":\"a\",\"states\":1,\"holds\":1}", "\"holds\" is not true or false" },
    { "{\"scenario\":\"a\",\"states\":1,\"families\":[\"x\",2]}",
      "\"families\" is not an array of strings" },
    { "{\"scenario\":\"a\\nb\",\"states\":1}", "\"scenario\" holds a control character" },
    { "{\"scenario\":\"a\",\"states\":1,\"families\":[\"x\",\"\\t\"]}",
      "\"families\" holds a control character" },
    { "{\"scenario\":\"a\",\"states\":1,\"text\":\"line 1\\n\\tline 2\\n\"}", "" },
    { "{\"scenario\":\"a\",\"states\":1,\"text\":[\"x\"]}", "\"text\" is not a string" },
};

static void test_members(void **state)
{
    char why[128], quoted[64];
    const char *member;

    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(member_cases); i++) {
        assert_int_equal(members(member_cases[i].json, why, sizeof(why), &member),
                         !*member_cases[i].why);
        assert_string_equal(why, member_cases[i].why);
        if (!*why)
            continue;
        snprintf(quoted, sizeof(quoted), "\"%s\"", member);   /* the member the why names */
        assert_non_null(strstr(why, quoted));
    }
}

/* json_at: where a value begins, by path; a path not in the text names what holds it. */
static void test_at(void **state)
{
    const char text[] = "[{\"scenario\": \"a.scn\", \"states\": 3},\n"
                        "  {\"scenario\":\"b\",\n   \"families\": [\"x\", \"y\"],\n"
                        "   \"knobs\": {\"a\": {\"b\": null}}, \"a/b\": 1}]\n";
    static const struct { const char *path, *want; } cases[] = {
        { "", "f.json:1:1" },          { "/", "f.json:1:1" },
        { "0", "f.json:1:2" },         { "0/states", "f.json:1:34" },
        { "1", "f.json:2:3" },         { "1/scenario", "f.json:2:15" },
        { "1/families", "f.json:3:16" }, { "1/families/1", "f.json:3:22" },
        { "1/knobs/a/b", "f.json:4:25" }, { "1/verdict", "f.json:2:3" },
        { "1/families/7", "f.json:3:16" }, { "9/states", "f.json:1:1" },
        { "1/a~1b", "f.json:4:40" },
    };
    char *path = write_file("f.json", text, sizeof(text) - 1);
    JsonParser *p = json_parser_new();
    char err[512], buf[64];

    (void)state;
    assert_true(json_file_load(p, path, err, sizeof(err)));
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_string_equal(json_at(p, "f.json", buf, sizeof(buf), "%s", cases[i].path),
                            cases[i].want);
    assert_string_equal(json_at(p, "f.json", buf, sizeof(buf), "%u/families/%u", 1u, 0u),
                        "f.json:3:17");
    g_object_unref(p);
    p = json_parser_new();   /* nothing loaded: the file's start */
    assert_string_equal(json_at(p, "g.json", buf, sizeof(buf), "0/states"), "g.json:1:1");
    g_object_unref(p);
    g_unlink(path);
    g_free(path);
}

static void test_error_where(void **state)
{
    unsigned line, col;

    (void)state;
    assert_string_equal(json_error_where("<data>:3:7: Parse error: unexpected end of file",
                                         &line, &col), "unexpected end of file");
    assert_int_equal(line, 3);
    assert_int_equal(col, 7);
    assert_string_equal(json_error_where("<data>:0:0: Parse error: x", &line, &col), "x");
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    /* no position: the message as it is, at 1:1 */
    assert_string_equal(json_error_where("<data>:x: odd", &line, &col), "<data>:x: odd");
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    assert_string_equal(json_error_where("Parse error: y", &line, &col), "y");
}

static int setup(void **state)
{
    (void)state;
    tmpdir = g_dir_make_tmp("drcsim-json-XXXXXX", NULL);
    return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    g_rmdir(tmpdir);   /* every test unlinks its files */
    g_free(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_at),
        cmocka_unit_test(test_error_where),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
