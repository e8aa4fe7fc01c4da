/*
 * Real QEMU pseries machines (realqemu.h): the process (own process group,
 * killed with its parent), QMP over GSocket with json-glib, the hvc0 console
 * over a unix socket, and what they show, with the -D trace; one poll loop
 * (real_pump) serves every machine. realqemu_text.c reads the text.
 */#include "realqemu.h"
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <gio/gio.h>

struct real_event {
    char name[40];
    char device[48];
    double t;
};

struct real_vm {
    char name[16];
    char qmp_path[256], con_path[256], log_path[256], trace_path[256], err_path[256];
    GPid pid;
    bool reaped, quitting;
    GSocket *qmp, *con;
    GString *qmp_in;        /* QMP bytes after the last complete line */
    GString *con_line;      /* the console line being received */
    char con_prev[320];     /* the last complete one (a kernel line the prompt may cut) */
    GString *console;       /* everything the console printed */
    size_t con_pos;         /* consumed by real_console_wait */
    GArray *events;         /* struct real_event */
    GArray *obs;            /* struct real_obs */
    char want_id[24];
    JsonNode *reply;
    unsigned next_id, run_id;
    char death[300];
    bool exit_allowed;      /* real_vm_allow_exit */
    char exited[300];       /* the exit it allowed, with QEMU's last words */
};

static gint64 epoch_us;
static GPtrArray *live;     /* struct real_vm *, started and not stopped */

void real_set_epoch(gint64 us)
{
    epoch_us = us;
}

static double now_s(void)
{
    return (double)(g_get_real_time() - epoch_us) / 1e6;
}

static double mono_s(void)
{
    return (double)g_get_monotonic_time() / 1e6;
}

const char *real_vm_name(const struct real_vm *vm)
{
    return vm->name;
}

const char *real_vm_exited(const struct real_vm *vm)
{
    return vm->exited[0] ? vm->exited : NULL;
}

void real_vm_allow_exit(struct real_vm *vm, bool allow)
{
    vm->exit_allowed = allow;
}

const char *real_vm_death(const struct real_vm *vm)
{
    return vm->death[0] ? vm->death : NULL;
}

/* ---- observations ------------------------------------------------------- */

static void obs_vat(struct real_vm *vm, const char *kind, double t, const char *fmt, va_list ap)
{
    struct real_obs o = { .t = t };

    g_strlcpy(o.machine, vm->name, sizeof(o.machine));
    g_strlcpy(o.kind, kind, sizeof(o.kind));
    vsnprintf(o.text, sizeof(o.text), fmt, ap);
    g_array_append_val(vm->obs, o);
}

static void G_GNUC_PRINTF(4, 5) obs_at(struct real_vm *vm, const char *kind, double t,
                                       const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    obs_vat(vm, kind, t, fmt, ap);
    va_end(ap);
}

void real_obs_add(struct real_vm *vm, const char *kind, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    obs_vat(vm, kind, now_s(), fmt, ap);
    va_end(ap);
}

/* The last lines of QEMU's stderr worth showing (not TCG's capability warnings). */
static void stderr_tail(const struct real_vm *vm, char *out, size_t len)
{
    char *text = NULL;
    gchar **lines;
    int n, shown = 0;

    out[0] = 0;
    if (!g_file_get_contents(vm->err_path, &text, NULL, NULL))
        return;
    lines = g_strsplit(text, "\n", -1);
    n = (int)g_strv_length(lines);
    for (int i = n - 1; i >= 0 && shown < 2; i--) {
        char *l = g_strstrip(lines[i]);
        if (!*l || strstr(l, "TCG doesn't support requested feature"))
            continue;
        if (shown++)
            g_strlcat(out, " | ", len);
        g_strlcat(out, l, len);
    }
    g_strfreev(lines);
    g_free(text);
}

/* The console's last non-blank line, kernel messages included. */
static void console_tail(const struct real_vm *vm, char *out, size_t len)
{
    char *copy = g_strdup(vm->console->str), *end;

    g_strchomp(copy);
    end = strrchr(copy, '\n');
    real_strip_escapes(end ? end + 1 : copy, out, len);
    g_strstrip(out);
    g_free(copy);
}

/* The machine is dead (or hung): say why once, with its last words. */
static void G_GNUC_PRINTF(2, 3) vm_death(struct real_vm *vm, const char *fmt, ...)
{
    char why[160], err[200], con[120];
    va_list ap;

    if (vm->death[0])
        return;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    stderr_tail(vm, err, sizeof(err));
    console_tail(vm, con, sizeof(con));
    snprintf(vm->death, sizeof(vm->death), "%s%s%s%s%s", why, err[0] ? ": " : "", err,
             con[0] ? "; console: " : "", con);
    real_obs_add(vm, "death", "%s", vm->death);
}

/* ---- the process ---------------------------------------------------------- */

char **real_vm_argv(const struct real_vm_config *c)
{
    GPtrArray *a = g_ptr_array_new();
    const char *w = c->workdir, *n = c->name;

    g_ptr_array_add(a, g_strdup(c->qemu));
    g_ptr_array_add(a, g_strdup("-M"));
    g_ptr_array_add(a, g_strdup_printf("pseries,x-vof=on%s%s%s%s",
                                       c->max_cpu_compat[0] ? ",max-cpu-compat=" : "",
                                       c->max_cpu_compat, c->ic_mode[0] ? ",ic-mode=" : "",
                                       c->ic_mode));
    g_ptr_array_add(a, g_strdup("-cpu"));
    g_ptr_array_add(a, g_strdup(c->cpu[0] ? c->cpu : "POWER9"));
    g_ptr_array_add(a, g_strdup("-smp"));
    g_ptr_array_add(a, g_strdup_printf("%u,maxcpus=%u", c->smp, c->maxcpus));
    g_ptr_array_add(a, g_strdup("-m"));
    g_ptr_array_add(a, c->slots ? g_strdup_printf("%uM,slots=%u,maxmem=%uM", c->ram_mb, c->slots,
                                                  c->maxmem_mb)
                                : g_strdup_printf("%uM", c->ram_mb));
    static const char *const fixed[] = { "-nodefaults", "-display", "none", "-monitor", "none", NULL };
    for (int i = 0; fixed[i]; i++)
        g_ptr_array_add(a, g_strdup(fixed[i]));
    g_ptr_array_add(a, g_strdup("-chardev"));
    g_ptr_array_add(a, g_strdup_printf("socket,id=con0,path=%s/%s.con,server=on,wait=off,"
                                       "logfile=%s/%s.console.log", w, n, w, n));
    g_ptr_array_add(a, g_strdup("-serial"));
    g_ptr_array_add(a, g_strdup("chardev:con0"));
    g_ptr_array_add(a, g_strdup("-kernel"));
    g_ptr_array_add(a, g_strdup(c->kernel));
    g_ptr_array_add(a, g_strdup("-initrd"));
    g_ptr_array_add(a, g_strdup(c->initrd));
    g_ptr_array_add(a, g_strdup("-append"));
    g_ptr_array_add(a, g_strdup("console=hvc0 memhp_default_state=online_movable"));
    g_ptr_array_add(a, g_strdup("-qmp"));
    g_ptr_array_add(a, g_strdup_printf("unix:%s/%s.qmp,server=on,wait=off", w, n));
    static const char *const trace[] = { "-msg", "timestamp=on", "-trace", "spapr_drc*",
                                         "-trace", "spapr_rtas*", "-trace", "spapr_cas*", "-D", NULL };
    for (int i = 0; trace[i]; i++)
        g_ptr_array_add(a, g_strdup(trace[i]));
    g_ptr_array_add(a, g_strdup_printf("%s/%s.trace", w, n));
    if (c->prelaunch || c->incoming)
        g_ptr_array_add(a, g_strdup("-S"));
    if (c->incoming) {
        g_ptr_array_add(a, g_strdup("-incoming"));
        g_ptr_array_add(a, g_strdup("defer"));
    }
    for (int i = 0; c->extra && c->extra[i]; i++)
        g_ptr_array_add(a, g_strdup(c->extra[i]));
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}

/* In the child: its own process group, and killed when drcsim dies. */
static void child_setup(gpointer data)
{
    (void)data;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static bool spawn(struct real_vm *vm, const struct real_vm_config *cfg, char *err, size_t errlen)
{
    char **argv = real_vm_argv(cfg);
    GError *e = NULL;
    int fd = open(vm->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok;

    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", vm->err_path, g_strerror(errno));
        g_strfreev(argv);
        return false;
    }
    ok = g_spawn_async_with_pipes_and_fds(NULL, (const gchar *const *)argv, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
                                          G_SPAWN_STDIN_FROM_DEV_NULL,
                                          child_setup, NULL, -1, fd, fd, NULL, NULL, 0,
                                          &vm->pid, NULL, NULL, NULL, &e);
    close(fd);
    if (!ok) {
        snprintf(err, errlen, "cannot start %s: %s", cfg->qemu, e->message);
        g_error_free(e);
    }
    g_strfreev(argv);
    return ok;
}

static const char *signal_name(int sig)
{
    const char *s = strsignal(sig);
    return s ? s : "?";
}

/* Reap QEMU if it exited; an exit nobody asked for is a death. */
static void check_exit(struct real_vm *vm)
{
    int st = 0;

    if (vm->reaped || waitpid(vm->pid, &st, WNOHANG) != vm->pid)
        return;
    vm->reaped = true;
    if (WIFEXITED(st) && WEXITSTATUS(st) && vm->exit_allowed) {   /* a quit then too */
        char err[200];
        stderr_tail(vm, err, sizeof(err));
        snprintf(vm->exited, sizeof(vm->exited), "qemu exited with status %d%s%s",
                 WEXITSTATUS(st), err[0] ? ": " : "", err);
        real_obs_add(vm, "exit", "%s", vm->exited);
        return;
    }
    if (vm->quitting)
        return;
    if (WIFSIGNALED(st))
        vm_death(vm, REAL_DEATH_BY_SIGNAL "%d (%s)", WTERMSIG(st), signal_name(WTERMSIG(st)));
    else
        vm_death(vm, "qemu exited with status %d", WEXITSTATUS(st));
}

static void kill_and_reap(struct real_vm *vm)
{
    if (vm->reaped)
        return;
    kill(-vm->pid, SIGKILL);
    kill(vm->pid, SIGKILL);
    waitpid(vm->pid, NULL, 0);
    vm->reaped = true;
}

/* ---- sockets --------------------------------------------------------------- */

static GSocket *unix_connect(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    GSocketAddress *addr;
    GSocket *s;

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    s = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
    if (!s)
        return NULL;
    addr = g_socket_address_new_from_native(&sun, sizeof(sun));
    if (!g_socket_connect(s, addr, NULL, NULL)) {
        g_object_unref(s);
        s = NULL;
    } else {
        g_socket_set_blocking(s, FALSE);
    }
    g_object_unref(addr);
    return s;
}

static bool send_all(GSocket *s, const char *buf, size_t len)
{
    while (len) {
        gssize n = g_socket_send_with_blocking(s, buf, len, TRUE, NULL, NULL);
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static void close_socket(GSocket **s)
{
    if (*s) {
        g_socket_close(*s, NULL);
        g_object_unref(*s);
        *s = NULL;
    }
}

/* ---- QMP input ------------------------------------------------------------ */

static void qmp_event(struct real_vm *vm, JsonObject *o)
{
    struct real_event ev = { .t = now_s() };
    JsonObject *data = json_object_has_member(o, "data") ? json_object_get_object_member(o, "data")
                                                        : NULL;
    const char *dev = data && json_object_has_member(data, "device")
                      ? json_object_get_string_member(data, "device") : NULL;

    g_strlcpy(ev.name, json_object_get_string_member(o, "event"), sizeof(ev.name));
    if (json_object_has_member(o, "timestamp")) {
        JsonObject *ts = json_object_get_object_member(o, "timestamp");
        gint64 us = json_object_get_int_member(ts, "seconds") * G_USEC_PER_SEC +
                    json_object_get_int_member(ts, "microseconds");
        ev.t = (double)(us - epoch_us) / 1e6;
    }
    /* a device's QOM children (threads, ICPs) are deleted with it: only named devices */
    if ((strcmp(ev.name, "DEVICE_DELETED") == 0 && !dev) || vm->quitting)
        return;
    g_strlcpy(ev.device, dev ? dev : "", sizeof(ev.device));
    g_array_append_val(vm->events, ev);
    obs_at(vm, "event", ev.t, "%s%s%s", ev.name, dev ? " " : "", dev ? dev : "");
}

static void qmp_line(struct real_vm *vm, const char *line)
{
    JsonParser *p = json_parser_new();
    JsonNode *root;
    JsonObject *o;

    if (!json_parser_load_from_data(p, line, -1, NULL) || !(root = json_parser_get_root(p)) ||
        !JSON_NODE_HOLDS_OBJECT(root)) {
        g_object_unref(p);
        return;
    }
    o = json_node_get_object(root);
    if (json_object_has_member(o, "event")) {
        qmp_event(vm, o);
    } else if (json_object_has_member(o, "id") && vm->want_id[0] &&
               g_strcmp0(json_object_get_string_member(o, "id"), vm->want_id) == 0) {
        if (vm->reply)
            json_node_unref(vm->reply);
        vm->reply = json_node_copy(root);
    }
    g_object_unref(p);
}

/* Cut complete lines off buf and hand them to fn. */
static void split_lines(struct real_vm *vm, GString *buf, void (*fn)(struct real_vm *, const char *))
{
    char *nl;

    while ((nl = memchr(buf->str, '\n', buf->len))) {
        *nl = 0;
        fn(vm, buf->str);
        g_string_erase(buf, 0, nl - buf->str + 1);
    }
}

/* ---- console input ------------------------------------------------------ */

static void console_line(struct real_vm *vm, const char *line)
{
    char text[320];

    if (real_guest_line_cont(vm->con_prev, line, text, sizeof(text)) ||
        real_guest_line(line, text, sizeof(text)))
        real_obs_add(vm, "guest", "%s", text);
    g_strlcpy(vm->con_prev, line, sizeof(vm->con_prev));
}

static void console_feed(struct real_vm *vm, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i]) {
            g_string_append_c(vm->console, buf[i]);
            g_string_append_c(vm->con_line, buf[i]);
        }
    split_lines(vm, vm->con_line, console_line);
}

static void sock_read(struct real_vm *vm, bool qmp)
{
    GSocket **s = qmp ? &vm->qmp : &vm->con;
    char buf[8192];

    while (*s) {
        GError *e = NULL;
        gssize n = g_socket_receive(*s, buf, sizeof(buf), NULL, &e);
        if (n > 0 && qmp) {
            g_string_append_len(vm->qmp_in, buf, n);
            split_lines(vm, vm->qmp_in, qmp_line);
            continue;
        }
        if (n > 0) {
            console_feed(vm, buf, (size_t)n);
            continue;
        }
        bool again = e && g_error_matches(e, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
        if (e)
            g_error_free(e);
        if (!again)
            close_socket(s);    /* EOF or error: QEMU went away */
        break;
    }
}

void real_pump(double timeout_s)
{
    guint n = live ? live->len : 0, k = 0;
    GPollFD fds[2 * n + 1];
    struct real_vm *owner[2 * n + 1];
    gint ms = timeout_s > 0 ? (gint)(timeout_s * 1000 + 0.999) : 0;

    for (guint i = 0; i < n; i++) {
        struct real_vm *vm = g_ptr_array_index(live, i);
        GSocket *socks[2] = { vm->qmp, vm->con };
        for (int j = 0; j < 2; j++)
            if (socks[j]) {
                fds[k] = (GPollFD){ .fd = g_socket_get_fd(socks[j]), .events = G_IO_IN | G_IO_HUP };
                owner[k++] = vm;
            }
    }
    if (k)
        g_poll(fds, k, ms);
    else if (ms)
        g_usleep((gulong)ms * 1000);
    for (guint i = 0; i < k; i++)
        if (fds[i].revents) {
            struct real_vm *vm = owner[i];
            sock_read(vm, vm->qmp && fds[i].fd == g_socket_get_fd(vm->qmp));
        }
    for (guint i = 0; i < n; i++)
        check_exit(g_ptr_array_index(live, i));
}

void real_sleep(double seconds)
{
    double end = mono_s() + seconds;

    for (double rem = seconds; rem > 0; rem = end - mono_s())
        real_pump(rem < 0.1 ? rem : 0.1);
}

/* Pump until cond holds (true), the deadline passes or the machine dies (false). */
static bool pump_until(struct real_vm *vm, bool (*cond)(struct real_vm *, const void *),
                       const void *arg, double timeout_s)
{
    double end = mono_s() + timeout_s;

    for (;;) {
        double rem;
        if (cond(vm, arg))
            return true;
        if (vm->death[0] || vm->exited[0] || vm->reaped)
            return false;
        rem = end - mono_s();
        if (rem <= 0)
            return false;
        real_pump(rem < 0.1 ? rem : 0.1);
    }
}

/* ---- QMP commands ---------------------------------------------------------- */

static char *qmp_command_text(const char *execute, JsonNode *args, const char *id)
{
    JsonBuilder *b = json_builder_new();
    JsonNode *root;
    char *text, *line;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "execute");
    json_builder_add_string_value(b, execute);
    if (args) {
        json_builder_set_member_name(b, "arguments");
        json_builder_add_value(b, json_node_copy(args));
    }
    json_builder_set_member_name(b, "id");
    json_builder_add_string_value(b, id);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    text = json_to_string(root, FALSE);
    line = g_strconcat(text, "\n", NULL);
    g_free(text);
    json_node_unref(root);
    g_object_unref(b);
    return line;
}

/* How a command is named in observations: "device_add core1", "migrate unix:…". */
static const char *qmp_label(JsonNode *args)
{
    JsonObject *o = args && JSON_NODE_HOLDS_OBJECT(args) ? json_node_get_object(args) : NULL;
    static const char *const keys[] = { "id", "uri", NULL };

    for (int i = 0; o && keys[i]; i++)
        if (json_object_has_member(o, keys[i]) &&
            json_node_get_value_type(json_object_get_member(o, keys[i])) == G_TYPE_STRING)
            return json_object_get_string_member(o, keys[i]);
    return NULL;
}

static bool have_reply(struct real_vm *vm, const void *arg)
{
    (void)arg;
    return vm->reply != NULL;
}

/* The reply's outcome: "return" into *ret, or "error"'s desc into *desc. */
static bool reply_outcome(JsonNode *reply, JsonNode **ret, char **desc)
{
    JsonObject *o = json_node_get_object(reply);

    if (json_object_has_member(o, "return")) {
        if (ret)
            *ret = json_node_copy(json_object_get_member(o, "return"));
        return true;
    }
    if (json_object_has_member(o, "error")) {
        JsonObject *e = json_object_get_object_member(o, "error");
        *desc = g_strdup(json_object_has_member(e, "desc") ? json_object_get_string_member(e, "desc")
                                                            : "error");
    } else {
        *desc = g_strdup("malformed reply");
    }
    return false;
}

static bool qmp_exec(struct real_vm *vm, const char *execute, JsonNode *args, JsonNode **ret,
                     char **error_desc, double timeout_s, bool record)
{
    const char *label = qmp_label(args);
    char *line, *desc = NULL;
    double t = now_s();
    bool ok = false;

    if (ret)
        *ret = NULL;
    snprintf(vm->want_id, sizeof(vm->want_id), "drcsim-%u", ++vm->next_id);
    line = qmp_command_text(execute, args, vm->want_id);
    if (vm->death[0] || vm->exited[0] || !vm->qmp)
        desc = g_strdup_printf("QEMU is gone: %s", vm->death[0] ? vm->death
                               : vm->exited[0] ? vm->exited : "no QMP socket");
    else if (!send_all(vm->qmp, line, strlen(line)))
        vm_death(vm, "QMP send failed (%s)", execute);
    else if (!pump_until(vm, have_reply, NULL, timeout_s) && !vm->death[0] && !vm->exited[0] &&
             !vm->reaped)   /* reaped: quit, or an exit QEMU was allowed, before its reply */
        vm_death(vm, "hang: no QMP reply to %s within %.0f s", execute, timeout_s);
    if (vm->reply)
        ok = reply_outcome(vm->reply, ret, &desc);
    else if (!desc)
        desc = g_strdup_printf("no reply (%s)", vm->death[0] ? vm->death : vm->exited);
    if (record)
        obs_at(vm, "qmp", t, "%s%s%s -> %s%s", execute, label ? " " : "", label ? label : "",
               ok ? "ok" : "error: ", ok ? "" : desc);
    if (vm->reply)
        json_node_unref(vm->reply);
    vm->reply = NULL;
    vm->want_id[0] = 0;
    if (error_desc)
        *error_desc = desc;
    else
        g_free(desc);
    g_free(line);
    return ok;
}

bool real_qmp(struct real_vm *vm, const char *execute, JsonNode *arguments, JsonNode **ret,
              char **error_desc, double timeout_s)
{
    return qmp_exec(vm, execute, arguments, ret, error_desc, timeout_s,
                    !g_str_has_prefix(execute, "query-"));
}

/* ---- events ---------------------------------------------------------------- */

unsigned real_event_count(const struct real_vm *vm, const char *event, const char *device)
{
    unsigned n = 0;

    for (guint i = 0; i < vm->events->len; i++) {
        const struct real_event *e = &g_array_index(vm->events, struct real_event, i);
        n += strcmp(e->name, event) == 0 && (!device || strcmp(e->device, device) == 0);
    }
    return n;
}

struct event_want { const char *event, *device; };

static bool have_event(struct real_vm *vm, const void *arg)
{
    const struct event_want *w = arg;
    return real_event_count(vm, w->event, w->device) > 0;
}

bool real_wait_event(struct real_vm *vm, const char *event, const char *device, double timeout_s)
{
    struct event_want w = { event, device };
    return pump_until(vm, have_event, &w, timeout_s);
}

/* ---- console ---------------------------------------------------------------- */

static bool have_marker(struct real_vm *vm, const void *arg)
{
    const char *m = arg;
    const char *at = strstr(vm->console->str + vm->con_pos, m);

    if (at)
        vm->con_pos = (size_t)(at - vm->console->str) + strlen(m);
    return at != NULL;
}

bool real_console_wait(struct real_vm *vm, const char *marker, double timeout_s)
{
    return pump_until(vm, have_marker, marker, timeout_s);
}

bool real_console_run(struct real_vm *vm, const char *cmd, char **output, double timeout_s)
{
    unsigned n = ++vm->run_id;
    /* the echoed command line shows "@@""B1@@", only the output shows @@B1@@ */
    char *line = g_strdup_printf("echo \"@@\"\"B%u@@\"; %s; echo \"@@\"\"E%u@@\"\n", n, cmd, n);
    char begin[32], end[32];
    double t0 = mono_s();
    size_t start;
    bool ok;

    if (output)
        *output = NULL;
    snprintf(begin, sizeof(begin), "@@B%u@@", n);
    snprintf(end, sizeof(end), "@@E%u@@", n);
    ok = vm->con && send_all(vm->con, line, strlen(line)) &&
         real_console_wait(vm, begin, timeout_s);
    start = vm->con_pos;
    ok = ok && real_console_wait(vm, end, timeout_s - (mono_s() - t0));
    if (ok && output) {
        *output = g_strndup(vm->console->str + start, vm->con_pos - strlen(end) - start);
        real_clean_output(*output);
    }
    g_free(line);
    return ok;
}

/* ---- start and stop ------------------------------------------------------ */

static bool vm_paths(struct real_vm *vm, const struct real_vm_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_un sun;
    const char *w = cfg->workdir, *n = cfg->name;

    snprintf(vm->qmp_path, sizeof(vm->qmp_path), "%s/%s.qmp", w, n);
    snprintf(vm->con_path, sizeof(vm->con_path), "%s/%s.con", w, n);
    snprintf(vm->log_path, sizeof(vm->log_path), "%s/%s.console.log", w, n);
    snprintf(vm->trace_path, sizeof(vm->trace_path), "%s/%s.trace", w, n);
    snprintf(vm->err_path, sizeof(vm->err_path), "%s/%s.stderr", w, n);
    if (strlen(vm->qmp_path) >= sizeof(sun.sun_path) || strlen(vm->log_path) + 1 >= sizeof(vm->log_path)) {
        snprintf(err, errlen, "work directory path too long for a unix socket: %s", w);
        return false;
    }
    if (g_mkdir_with_parents(w, 0755) < 0) {
        snprintf(err, errlen, "%s: %s", w, g_strerror(errno));
        return false;
    }
    const char *old[] = { vm->qmp_path, vm->con_path, vm->log_path, vm->trace_path };
    for (size_t i = 0; i < G_N_ELEMENTS(old); i++)
        unlink(old[i]);
    return true;
}

/* Connect to QEMU's listening sockets as soon as they exist (QEMU still starting). */
static bool vm_connect(struct real_vm *vm, char *err, size_t errlen)
{
    double end = mono_s() + 15;

    while (!vm->qmp || !vm->con) {
        if (!vm->qmp)
            vm->qmp = unix_connect(vm->qmp_path);
        if (!vm->con)
            vm->con = unix_connect(vm->con_path);
        check_exit(vm);
        if (vm->death[0] || mono_s() > end) {
            vm_death(vm, "QEMU did not open its sockets");
            snprintf(err, errlen, "%s", vm->death);
            return false;
        }
        if (!vm->qmp || !vm->con)
            g_usleep(20000);
    }
    if (!qmp_exec(vm, "qmp_capabilities", NULL, NULL, NULL, 10, false)) {
        snprintf(err, errlen, "qmp_capabilities: %s", vm->death[0] ? vm->death : "refused");
        return false;
    }
    return true;
}

struct real_vm *real_vm_start(const struct real_vm_config *cfg, char *err, size_t errlen)
{
    struct real_vm *vm = g_new0(struct real_vm, 1);

    if (!epoch_us)
        epoch_us = g_get_real_time();
    g_strlcpy(vm->name, cfg->name, sizeof(vm->name));
    vm->qmp_in = g_string_new(NULL);
    vm->con_line = g_string_new(NULL);
    vm->console = g_string_new(NULL);
    vm->events = g_array_new(FALSE, TRUE, sizeof(struct real_event));
    vm->obs = g_array_new(FALSE, TRUE, sizeof(struct real_obs));
    vm->reaped = true;
    if (!vm_paths(vm, cfg, err, errlen) || !spawn(vm, cfg, err, errlen)) {
        real_vm_stop(vm);
        return NULL;
    }
    vm->reaped = false;
    if (!live)
        live = g_ptr_array_new();
    g_ptr_array_add(live, vm);
    if (!vm_connect(vm, err, errlen)) {
        real_vm_stop(vm);
        return NULL;
    }
    return vm;
}

void real_vm_quit(struct real_vm *vm, double timeout_s)
{
    double end = mono_s() + timeout_s;

    if (vm->reaped)
        return;
    vm->quitting = true;
    if (!vm->death[0] && !vm->exited[0] && vm->qmp)
        qmp_exec(vm, "quit", NULL, NULL, NULL, timeout_s, false);
    while (!vm->reaped && !vm->death[0] && mono_s() < end)
        real_pump(0.05);
    kill_and_reap(vm);      /* hung, or slow to exit */
}

/* The -D trace file, parsed now, as "drc" observations. */
static void collect_trace(struct real_vm *vm, GArray *out)
{
    char *text = NULL, *line, *save = NULL;

    if (!g_file_get_contents(vm->trace_path, &text, NULL, NULL))
        return;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct real_obs o = { 0 };
        double epoch = 0;
        if (!real_trace_normalize(line, o.text, sizeof(o.text), &epoch))
            continue;
        g_strlcpy(o.machine, vm->name, sizeof(o.machine));
        g_strlcpy(o.kind, "drc", sizeof(o.kind));
        o.t = epoch - (double)epoch_us / 1e6;
        g_array_append_val(out, o);
    }
    g_free(text);
}

static gint obs_by_time(gconstpointer a, gconstpointer b)
{
    double ta = ((const struct real_obs *)a)->t, tb = ((const struct real_obs *)b)->t;
    return ta < tb ? -1 : ta > tb;
}

void real_vm_collect(struct real_vm *vm, GArray *obs)
{
    GArray *all = g_array_new(FALSE, TRUE, sizeof(struct real_obs));

    if (vm->con_line->len) {
        console_line(vm, vm->con_line->str);
        g_string_truncate(vm->con_line, 0);
    }
    g_array_append_vals(all, vm->obs->data, vm->obs->len);
    collect_trace(vm, all);
    g_array_sort(all, obs_by_time);     /* stable: equal times keep their order */
    g_array_append_vals(obs, all->data, all->len);
    g_array_free(all, TRUE);
}

void real_vm_stop(struct real_vm *vm)
{
    if (!vm)
        return;
    kill_and_reap(vm);
    if (vm->pid)
        g_spawn_close_pid(vm->pid);
    if (live)
        g_ptr_array_remove(live, vm);
    close_socket(&vm->qmp);
    close_socket(&vm->con);
    if (vm->reply)
        json_node_unref(vm->reply);
    g_string_free(vm->qmp_in, TRUE);
    g_string_free(vm->con_line, TRUE);
    g_string_free(vm->console, TRUE);
    g_array_free(vm->events, TRUE);
    g_array_free(vm->obs, TRUE);
    g_free(vm);
}
