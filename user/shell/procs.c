/*
 * procs.c: programs and servers. A word that is not a built-in runs the
 * program bin/<word> through the process manager (mica/proto/proc.h) and
 * waits for it; ps, kill talk to the process manager, crash and service to
 * the reincarnation server (mica/proto/rs.h).
 *
 * A program whose output is redirected gets, at its console slot, an
 * endpoint the shell serves itself while it waits: CONSOLE_WRITE requests
 * go into the file, CONSOLE_READLINE on to the real console. (A program
 * cannot start threads of its own: it holds no capability to its space.)
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys.h>
#include <rpc.h>
#include <consio.h>
#include <process.h>
#include <mica/cap.h>
#include <mica/error.h>
#include <mica/proto/console.h>
#include <mica/proto/proc.h>
#include <mica/proto/rs.h>
#include "sh.h"

#define JOBS 8                  /* background programs at once */

static struct job {
    uint64_t pid;               /* 0: free */
    char name[PROC_NAME_MAX];
} jobs[JOBS];

/* rpc_call on cap with the calling thread's IPC buffer. */
static long call(cap_t cap, uint64_t label, const void *rq, unsigned words, void *rp, unsigned max)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    return buf ? rpc_call(cap, buf, label, rq, words, rp, max, NULL) : -E_NOMEM;
}

/* ---- the process manager (process.h) ------------------------------------------ */

/* Whether there is a process manager; the library's calls then go to it. */
static bool proc_ready(void)
{
    if (sh_caps.proc)
        proc_attach(sh_caps.proc);
    return sh_caps.proc != 0;
}

/* Start bin/<argv[0]> (or argv[0] itself if it has a '/') with the
 * arguments; *thread gets a capability to the child's main thread, or 0. */
static long spawn_argv(int argc, char *const *argv, uint64_t *pid, cap_t *thread)
{
    char path[PROC_PATH_MAX];
    const char *name = argv[0];
    size_t bytes = 0;
    int n = strchr(name, '/') ? snprintf(path, sizeof path, "%s", name + (name[0] == '/'))
                              : snprintf(path, sizeof path, "bin/%s", name);
    if (n >= (int)sizeof path)
        return -E_NAMETOOLONG;
    for (int i = 0; i < argc; i++)
        bytes += strlen(argv[i]) + 1;
    if (argc > PROC_ARGC_MAX || bytes > PROC_ARGS_MAX)
        return -E_RANGE;
    long r = proc_spawn(path, argc, (const char *const *)argv, pid, thread);
    if (r < 0 || *thread < 0)
        *thread = 0;
    return r;
}

/* A program the shell started. */
struct child {
    uint64_t pid;
    cap_t thread;               /* its main thread (read right), or 0 */
    bool collected;             /* error and status are final */
    long error;                 /* of PROC_WAIT */
    int64_t status;
};

/* PROC_WAIT once for ch: -E_AGAIN while it runs. */
static long child_collect(struct child *ch)
{
    uint64_t done;
    long r = proc_collect(ch->pid, &done, &ch->status);
    if (r != -E_AGAIN) {
        ch->collected = true;
        ch->error = r;
    }
    return r;
}

/* Has ch ended? (Joins its thread if we hold it, else asks proc.) */
static bool child_ended(struct child *ch)
{
    if (ch->collected)
        return true;
    if (ch->thread) {
        if (sys_thread_join(ch->thread, 0) == -E_TIMEOUT)
            return false;
        ch->thread = 0;                 /* the join emptied the slot */
        return true;
    }
    return child_collect(ch) != -E_AGAIN;
}

/* Wait for ch to end and collect its status; 0 or the error of PROC_WAIT. */
static long child_wait(struct child *ch)
{
    if (!ch->collected) {
        ch->error = proc_wait(ch->pid, ch->thread, &ch->status);
        ch->collected = true;
        ch->thread = 0;
    }
    return ch->error;
}

/* "sh: NAME: exit 3" or "sh: NAME: killed (why)"; nothing for exit 0 unless always. */
static void report(const char *what, int64_t status, bool always)
{
    if (status < 0)
        sh_error("%s: killed (%s)", what, mica_strerror(status));
    else if (status == THREAD_STATUS_KILLED)
        sh_error("%s: killed", what);           /* by a fault or by kill */
    else if (status != 0 || always)
        sh_error("%s: exit %ld", what, (long)status);
}

/* ---- a console for a redirected program ---------------------------------------- */

#define POLL_TICKS 2            /* how often a redirecting shell checks whether its program ended */

/* One console request (mica/proto/console.h) of the program: writes go into
 * the redirection, reads to the real console. Returns the reply's label. */
static uint64_t console_request(uint64_t label, const uint64_t *w, unsigned len, uint64_t *reply,
                                unsigned *reply_len)
{
    if (label == CONSOLE_WRITE) {
        const struct console_io *rq = (const void *)w;
        if (len < 1 || rq->len > CONSOLE_IO_MAX || len < 1 + (rq->len + 7) / 8)
            return E_INVAL;
        out_write(rq->data, rq->len);
        ((struct console_count *)reply)->count = rq->len;
        *reply_len = 1;
        return 0;
    }
    if (label == CONSOLE_READLINE) {
        const struct console_read *rq = (const void *)w;
        struct console_io *rp = (void *)reply;
        char line[CONSOLE_IO_MAX + 1];
        if (len != PROTO_WORDS(*rq) || rq->max < 1 || rq->max > CONSOLE_IO_MAX)
            return E_INVAL;
        long n = console_readline(line, rq->max + 1);
        if (n < 0)
            return (uint64_t)-n;
        memcpy(rp->data, line, (size_t)n);
        rp->len = (uint64_t)n;
        *reply_len = 1 + (unsigned)(n + 7) / 8;
        return 0;
    }
    return E_INVAL;
}

/* Serve one request on ep, waiting at most timeout ticks; 0 or the receive's error. */
static long console_serve_one(cap_t ep, tick_t timeout)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    uint64_t req[IPC_MAX_WORDS], reply[IPC_MAX_WORDS] = { 0 };
    struct ipc_msg m;
    unsigned rlen = 0;
    long r = buf ? ipc_recv(ep, timeout, &m) : -E_NOMEM;
    if (r < 0)
        return r;
    unsigned len = MSG_LEN(m.info);
    for (unsigned i = 0; i < len; i++)
        req[i] = i < IPC_REG_WORDS ? m.w[i] : buf->words[i];
    uint64_t result = console_request(MSG_LABEL(m.info), req, len, reply, &rlen);
    if (result != 0)
        rlen = 0;
    for (unsigned i = IPC_REG_WORDS; i < rlen; i++)
        buf->words[i] = reply[i];
    ipc_reply(MSG_INFO(result, rlen, 0), reply);
    return 0;
}

/* Start c's program with an endpoint the shell serves at its console slot;
 * *ep gets the shell's end. */
static long spawn_redirected(const struct command *c, struct child *ch, cap_t *ep)
{
    long r = sys_endpoint_create();
    if (r < 0)
        return r;
    *ep = r;
    long child = sys_cap_mint(*ep, -1, RIGHT_SEND, 0);
    r = child < 0 ? child : proc_give(PROC_CAP_CONSOLE, child);
    if (r >= 0)
        r = spawn_argv(c->argc, c->argv, &ch->pid, &ch->thread);
    if (child >= 0)
        sys_cap_delete(child);          /* proc and the child hold their copies */
    if (r < 0) {
        sys_cap_delete(*ep);
        *ep = 0;
    }
    return r;
}

/* Serve ep until ch ends (checking every POLL_TICKS), then what is left. */
static void serve_until_ended(cap_t ep, struct child *ch)
{
    while (!child_ended(ch))
        console_serve_one(ep, POLL_TICKS);
    while (console_serve_one(ep, 0) == 0)
        ;
    sys_cap_delete(ep);
}

/* ---- running programs ---------------------------------------------------------- */

static void job_add(uint64_t pid, const char *name)
{
    for (int i = 0; i < JOBS; i++)
        if (jobs[i].pid == 0) {
            jobs[i].pid = pid;
            strlcpy(jobs[i].name, name, sizeof jobs[i].name);
            printf("[%lu] %s\n", pid, name);
            return;
        }
    printf("[%lu] %s (not tracked: %d jobs already)\n", pid, name, JOBS);
}

void jobs_reap(void)
{
    char what[PROC_NAME_MAX + 24];
    for (int i = 0; i < JOBS; i++) {
        struct child ch = { .pid = jobs[i].pid };
        if (jobs[i].pid == 0 || !proc_ready() || child_collect(&ch) == -E_AGAIN)
            continue;
        snprintf(what, sizeof what, "[%lu] %s", jobs[i].pid, jobs[i].name);
        if (ch.error < 0)
            sh_error("%s: %s", what, mica_strerror(ch.error));
        else
            report(what, ch.status, true);
        jobs[i].pid = 0;
    }
}

void program_run(const struct command *c)
{
    const char *name = c->argv[0];
    struct child ch = { 0 };
    cap_t console = 0;
    long r;
    if (!proc_ready()) {
        sh_error("%s: unknown command; no process manager to run programs (try help)", name);
        return;
    }
    if (c->redirect && c->background) {
        sh_error("%s: '&' and '>' together are not supported", name);
        return;
    }
    /* LAB 6 BEGIN: shell: running programs by name (output into the redirection), wait, report */
    if (c->redirect) {
        if ((r = redirect_open(c)) < 0) {
            sh_error("%s: %s", c->redirect, mica_strerror(r));
            return;
        }
        r = spawn_redirected(c, &ch, &console);
    } else {
        r = spawn_argv(c->argc, c->argv, &ch.pid, &ch.thread);
    }
    if (r == -E_NOENT)
        sh_error("%s: command not found", name);
    else if (r < 0)
        sh_error("%s: %s", name, r == -E_RANGE ? "too many arguments" : mica_strerror(r));
    if (r < 0 || c->background) {
        if (c->redirect)
            redirect_close();
        if (ch.thread)
            sys_cap_delete(ch.thread);
        if (r == 0)
            job_add(ch.pid, name);
        return;
    }
    if (console)
        serve_until_ended(console, &ch);
    r = child_wait(&ch);
    long w = c->redirect ? redirect_close() : 0;
    if (w < 0)
        sh_error("%s: %s", c->redirect, mica_strerror(w));
    if (r < 0)
        sh_error("%s: waiting: %s", name, mica_strerror(r));
    else
        report(name, ch.status, false);
    /* LAB 6 STUB
    (void)ch; (void)console; (void)r; (void)spawn_redirected; (void)serve_until_ended;
    (void)child_wait; (void)job_add;
    sh_error("%s: command not found (running programs: lab 6)", name);
    LAB 6 END */
}

/* ---- ps, kill ------------------------------------------------------------------ */

static const char *thread_state(int32_t s)
{
    static const char *const names[] = { "suspended", "ready", "running", "sleeping",
                                         "blocked", "dead" };
    return s >= 0 && s < (int32_t)(sizeof names / sizeof names[0]) ? names[s] : "?";
}

/* Without a process manager: the threads this process holds capabilities to. */
static void ps_threads(void)
{
    uint64_t seen[CAP_TABLE_SLOTS];
    unsigned nseen = 0;
    for (cap_t slot = 0; slot < CAP_TABLE_SLOTS; slot++) {
        struct cap_info ci;
        struct thread_info ti;
        bool dup = false;
        if (sys_cap_info(slot, (long)&ci) < 0 || ci.type != CAP_TYPE_THREAD ||
            sys_thread_info(slot, (long)&ti) < 0)
            continue;
        for (unsigned i = 0; i < nseen; i++)
            dup |= seen[i] == ti.id;
        if (dup)
            continue;
        if (nseen == 0)
            outf("%4s %-9s %4s %6s %s\n", "ID", "STATE", "PRIO", "TICKS", "NAME");
        seen[nseen++] = ti.id;
        outf("%4lu %-9s %4d %6lu %.20s\n", ti.id, thread_state(ti.state), ti.priority,
             ti.cpu_ticks, ti.name);
    }
    if (nseen == 0)
        outf("(no process manager: no processes to list)\n");
}

/* PROC_LIST, a page of PROC_LIST_MAX processes at a time, in pid order. */
static long ps_procs(void)
{
    struct proc_pid rq = { .pid = 1 };
    struct proc_list_reply rp;
    outf("%5s %5s %-7s %7s %7s %s\n", "PID", "PARENT", "STATE", "THREADS", "TICKS", "NAME");
    for (;;) {
        long r = proc_list(rq.pid, &rp);
        if (r < 0)
            return r;
        if (rp.count == 0 || rp.count > PROC_LIST_MAX)
            return 0;
        for (unsigned i = 0; i < rp.count; i++) {
            const struct proc_info *p = &rp.procs[i];
            if (p->pid < rq.pid)
                return -E_IO;           /* not in pid order: stop rather than loop */
            outf("%5lu %5lu %-7s %7u %7lu %.*s\n", p->pid, p->parent,
                 p->state == PROC_RUNNING ? "running" : p->state == PROC_ZOMBIE ? "zombie" : "?",
                 p->threads, p->cpu_ticks, PROC_NAME_MAX, p->name);
            rq.pid = p->pid + 1;
        }
    }
}

int cmd_ps(int argc, char **argv)
{
    struct kernel_stats ks;
    if (proc_ready()) {
        long r = ps_procs();
        if (r < 0)
            sh_error("ps: %s", mica_strerror(r));
    } else {
        ps_threads();
    }
    if (sys_kernel_stats((long)&ks) == 0)
        outf("ticks=%lu threads=%lu free_frames=%lu switches=%lu\n", ks.ticks, ks.threads,
             ks.free_frames, ks.context_switches);
    return 0;
}

int cmd_kill(int argc, char **argv)
{
    uint64_t pids[SH_MAX_WORDS];
    int bad = 0;
    if (argc == 1) {
        sh_error("usage: kill PID...");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        char *end;
        pids[i] = strtoul(argv[i], &end, 10);
        if (*end || end == argv[i] || pids[i] == 0) {
            sh_error("kill: %s: not a process id", argv[i]);
            return 1;
        }
    }
    if (!proc_ready()) {
        sh_error("kill: no process manager");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        long r = proc_kill(pids[i]);
        if (r < 0) {
            sh_error("kill: %s: %s", argv[i], r == -E_NOENT ? "no such process" : mica_strerror(r));
            bad = 1;
        }
    }
    return bad;
}

/* ---- crash, service ------------------------------------------------------------ */

int cmd_crash(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        sh_error("usage: crash SERVER [N]");
        return 1;
    }
#ifdef RS_CRASH
    static uint64_t seed;
    char *end = NULL;
    struct rs_crash rq = { .after = argc == 3 ? strtoul(argv[2], &end, 10) : 0, .seed = ++seed };
    if (end && (*end || end == argv[2])) {
        sh_error("crash: %s: not a number", argv[2]);
        return 1;
    }
    if (sh_caps.rs) {
        strlcpy(rq.name, argv[1], sizeof rq.name);
        long r = call(sh_caps.rs, RS_CRASH, &rq, PROTO_WORDS(rq), NULL, 0);
        if (r < 0)
            sh_error("crash: %s: %s", argv[1], mica_strerror(r));
        return r < 0;
    }
#endif
    sh_error("crash %s: not available: no reincarnation server", argv[1]);
    return 1;
}

static const char *service_state(uint64_t s)
{
    return s == RS_UP ? "up" : s == RS_RESTARTING ? "restarting" : s == RS_GAVE_UP ? "gave-up" : "?";
}

int cmd_service(int argc, char **argv)
{
    long r;
    bool up = argc == 4 && strcmp(argv[1], "up") == 0;
    bool status = argc == 3 && strcmp(argv[1], "status") == 0;
    if (!up && !status) {
        sh_error("usage: service up NAME PATH | service status NAME");
        return 1;
    }
    if (!sh_caps.rs) {
        sh_error("service: no reincarnation server");
        return 1;
    }
    if (strlen(argv[2]) >= RS_NAME_MAX || (up && strlen(argv[3]) >= RS_PATH_MAX)) {
        sh_error("service: %s: %s", argv[2], mica_strerror(-E_NAMETOOLONG));
        return 1;
    }
    if (up) {
        struct rs_supervise rq = { .max_restarts = 5, .window_ticks = 1000 };
        strlcpy(rq.name, argv[2], sizeof rq.name);
        strlcpy(rq.path, argv[3], sizeof rq.path);
        r = call(sh_caps.rs, RS_SUPERVISE, &rq, PROTO_WORDS(rq), NULL, 0);
    } else {
        struct rs_name rq;
        struct rs_status rp;
        memset(&rq, 0, sizeof rq);
        strlcpy(rq.name, argv[2], sizeof rq.name);
        r = call(sh_caps.rs, RS_STATUS, &rq, PROTO_WORDS(rq), &rp, PROTO_WORDS(rp));
        if (r == 0)
            outf("%s: %s restarts=%lu last_status=%ld pid=%lu\n", argv[2], service_state(rp.state),
                 rp.restarts, (long)rp.last_status, rp.pid);
    }
    if (r < 0)
        sh_error("service: %s: %s", argv[2], mica_strerror(r));
    return r < 0;
}
