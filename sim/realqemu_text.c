/*
 * The text real QEMU and the guest print, as the validation compares it
 * (realqemu.h "pure helpers"): -D trace lines normalized to "name values",
 * pseries hotplug lines from the console without stamps, prefixes, prompts
 * or terminal escapes, and command output cleaned of kernel messages.
 */
#include "realqemu.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "[   12.345678] " at s: its length, or 0. */
static size_t kernel_stamp(const char *s)
{
    const char *p = s;

    if (*p++ != '[')
        return 0;
    while (*p == ' ')
        p++;
    if (!g_ascii_isdigit(*p))
        return 0;
    while (g_ascii_isdigit(*p))
        p++;
    if (*p++ != '.' || !g_ascii_isdigit(*p))
        return 0;
    while (g_ascii_isdigit(*p))
        p++;
    if (*p++ != ']')
        return 0;
    return (size_t)(p - s) + (*p == ' ');
}

void real_strip_escapes(const char *in, char *out, size_t outlen)
{
    size_t k = 0;

    for (const char *p = in; *p && k + 1 < outlen; p++) {
        if (*p == '\033') {
            if (p[1] == '[') {
                p += 2;
                while (*p && !(*p >= '@' && *p <= '~'))
                    p++;
                if (!*p)
                    break;
            } else if (p[1]) {
                p++;
            }
            continue;
        }
        if (*p != '\r')
            out[k++] = *p;
    }
    out[k] = 0;
}

void real_clean_output(char *text)
{
    gchar **lines = g_strsplit(text, "\n", -1);
    GString *out = g_string_new(NULL);

    for (int i = 0; lines[i]; i++) {
        char *l = g_malloc(strlen(lines[i]) + 1);
        real_strip_escapes(lines[i], l, strlen(lines[i]) + 1);
        for (char *p = l; *p; p++)
            if (kernel_stamp(p)) {  /* a kernel message, maybe in the middle of output */
                *p = 0;
                break;
            }
        if (*l)             /* blank lines, and lines that were kernel messages, go */
            g_string_append_printf(out, "%s\n", l);
        g_free(l);
    }
    g_strfreev(lines);
    g_strchomp(out->str);
    strcpy(text, out->str);     /* never longer than text */
    g_string_free(out, TRUE);
}

/* The shell's prompt, printed into the middle of a kernel line on the same
 * console ("[ 1.3] p/ # series-hotplug-cpu: …"), cut out wherever it is. */
static void drop_prompts(char *buf)
{
    char *q;

    while ((q = strstr(buf, "/ # ")))
        memmove(q, q + 4, strlen(q + 4) + 1);
}

bool real_guest_line(const char *line, char *out, size_t outlen)
{
    static const char *const keys[] = {
        "pseries-hotplug-cpu:", "pseries-hotplug-mem:", "dlpar:", "Failed to acquire DRC",
        "Cannot find CPU", "Unable to remove last online CPU", "Attempting to", "Successfully",
        "was hot-added", "was hot-removed", "RTAS: event:", NULL };
    char buf[1024], *p = buf;
    bool hit = false;

    real_strip_escapes(line, buf, sizeof(buf));
    drop_prompts(buf);
    for (char *q = buf; *q; q++)
        if (kernel_stamp(q)) {
            p = q + kernel_stamp(q);
            break;
        }
    for (int i = 0; keys[i] && !hit; i++)
        hit = strstr(p, keys[i]) != NULL;
    if (!hit)
        return false;
    g_strstrip(p);
    g_strlcpy(out, p, outlen);
    return true;
}

bool real_guest_line_cont(const char *prev, const char *line, char *out, size_t outlen)
{
    char head[320], rest[700], joined[1024];
    bool stamped = false;

    real_strip_escapes(prev, head, sizeof(head));
    real_strip_escapes(line, rest, sizeof(rest));
    for (const char *q = head; *q && !stamped; q++)   /* maybe after the shell's output */
        stamped = kernel_stamp(q) > 0;
    if (!stamped || !g_str_has_prefix(line, "/ # ") || real_guest_line(prev, out, outlen))
        return false;
    for (const char *q = rest; *q; q++)
        if (kernel_stamp(q))
            return false;   /* a kernel line of its own after the prompt */
    snprintf(joined, sizeof(joined), "%s%s", head, line);   /* drop_prompts cuts the prompt */
    return real_guest_line(joined, out, outlen);
}

/* "pid@sec.usec:" at the start of a trace line: its epoch time and length. */
static size_t trace_prefix(const char *line, double *epoch_s)
{
    const char *p = line, *colon;

    while (g_ascii_isdigit(*p))
        p++;
    if (p == line || *p != '@' || !(colon = strchr(p, ':')))
        return 0;
    *epoch_s = g_ascii_strtod(p + 1, NULL);
    return (size_t)(colon + 1 - line);
}

/* One "key: value" / "key=value" field: the value, "state" in decimal. */
static void trace_field(GString *out, const char *field)
{
    const char *sep = strstr(field, ": "), *eq = strchr(field, '=');
    const char *v = sep ? sep + 2 : eq ? eq + 1 : field;
    size_t klen = sep ? (size_t)(sep - field) : eq ? (size_t)(eq - field) : 0;

    g_string_append_c(out, ' ');
    if (klen == 5 && strncmp(field, "state", 5) == 0 && g_str_has_prefix(v, "0x"))
        g_string_append_printf(out, "%" G_GINT64_FORMAT, g_ascii_strtoll(v, NULL, 16));
    else
        g_string_append(out, v);
}

bool real_trace_normalize(const char *line, char *out, size_t outlen, double *epoch_s)
{
    double epoch = 0;
    const char *p = line + trace_prefix(line, &epoch);
    const char *sp = strchr(p, ' ');
    size_t nlen = sp ? (size_t)(sp - p) : strlen(p);
    GString *s;

    if (!g_str_has_prefix(p, "spapr_") || g_str_has_prefix(p, "spapr_drc_realize"))
        return false;
    for (size_t i = 0; i < nlen; i++)
        if (!g_ascii_isalnum(p[i]) && p[i] != '_')
            return false;
    s = g_string_new_len(p, (gssize)nlen);
    if (sp) {
        char *rest = g_strstrip(g_strdup(sp + 1));
        gchar **fields = g_strsplit(rest, ", ", -1);
        for (int i = 0; fields[i]; i++)
            if (*fields[i])
                trace_field(s, fields[i]);
        g_strfreev(fields);
        g_free(rest);
    }
    g_strlcpy(out, s->str, outlen);
    g_string_free(s, TRUE);
    if (epoch_s)
        *epoch_s = epoch;
    return true;
}
