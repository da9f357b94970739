/*
 * procs.c: the scenario init=procs: the process manager (bin/proc) at work.
 *
 * The root task copies the boot archive into frames, starts bin/names and
 * bin/proc itself (user/lib/spawn.c) -- proc with a read-only capability to
 * the copy and a piece of memory for programs (mica/proto/proc.h has its
 * capability table) -- adopts both, and then starts bin/ptest
 * (user/tests/lab6/ptest.c) through proc in every way the grader checks.
 * Lines, all "procs: ...":
 *   started <name> pages=<n> ret=<r>          names and proc, by the root task
 *   adopt name=<n> ret=<r> pid=<p>
 *   spawn tag=<t> ret=<r> pid=<p> thread=<0|1>
 *   wait tag=<t> ret=<r> pid=<p> status=<s>
 *   list tag=<t> pid=.. parent=.. state=.. threads=.. cpu=.. status=.. name=..
 *   pool tag=<t> free=<pages> total=<pages>
 *   kill tag=<t> ret=<r>
 *   bad <what> ret=<r>                        malformed or refused requests
 *   loop n=<n> ok=<n> status_sum=<s> first_pid=<p> last_pid=<p>
 *   leak pool_before=.. pool_after=.. threads_before=.. threads_after=..
 *        kmem_before=.. kmem_after=.. frames_before=.. frames_after=..
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <rpc.h>
#include <consio.h>
#include <process.h>
#include <spawn.h>
#include <archive.h>
#include <thread.h>
#include <scenario.h>
#include <mica/cap.h>
#include <mica/error.h>
#include <mica/proto/names.h>
#include "../tests/lab6/lab6.h"
#include "servers.h"

#define POOL_PAGES  2048                        /* proc's memory for programs: 8 MiB */
#define COPY_WINDOW 0x0000580000000000ULL       /* where the root fills the archive copy */
#define LOOPS       50

/* The arguments of the two sums (the grader reads these initializers). */
static const char *const sum_a[] = { "ptest", "sum", "7", "35", "100" };
static const char *const sum_b[] = { "ptest", "sum", "250", "-3", "12", "9", "1000" };

static struct frame_pool pool;
static const void *archive;
static size_t archive_size;

/* ---- start-up ---- */

/* Start archive program path with argv and caps; prints "started". */
static long start(const char *path, int argc, const char *const *argv, const struct spawn_cap *caps,
                  unsigned ncaps, int prio, struct process *p)
{
    struct archive_entry e;
    long r = archive_find(archive, archive_size, path, &e);
    if (r == 0) {
        struct spawn_params sp = { .name = argv[0], .argc = argc, .argv = argv, .caps = caps,
                                   .ncaps = ncaps, .priority = prio };
        r = spawn(&pool, &e, &sp, p);
    }
    printf("procs: started %s pages=%lu ret=%ld\n", argv[0], r == 0 ? p->pages : 0, r);
    return r;
}

static long adopt(const char *name, cap_t thread)
{
    uint64_t pid = 0;
    long ro = sys_cap_mint(thread, -1, RIGHT_READ, 0);
    long r = ro < 0 ? ro : proc_adopt(name, ro, &pid);
    printf("procs: adopt name=%s ret=%ld pid=%lu\n", name, r, pid);
    if (ro >= 0)
        sys_cap_delete(ro);
    return r;
}

static cap_t names_ep;
static cap_t proc_send;                 /* our capability to proc: unbadged (a manager) */

/* names, then proc (which waits for PROC_BOOT); both adopted. */
static long start_servers(void)
{
    struct process names, proc;
    long r;
    if ((r = initrd_find(&archive, &archive_size)) < 0 ||
        (r = frame_pool_init(&pool, CAP_BOOT_FRAMES)) < 0)
        return r;
    long archive_ro = archive_copy(&pool, archive, archive_size, COPY_WINDOW);
    long prog = frame_pool_take(&pool, POOL_PAGES);
    names_ep = sys_endpoint_create();
    long proc_ep = sys_endpoint_create();
    if (archive_ro < 0 || prog < 0 || names_ep < 0 || proc_ep < 0)
        return -E_NOMEM;
    long names_recv = sys_cap_mint(names_ep, -1, RIGHT_RECV, 0);
    struct spawn_cap ncaps[] = { { names_recv, PROC_CAP_SERVICE } };
    const char *nargv[] = { "names" };
    if ((r = start("bin/names", 1, nargv, ncaps, 1, PRIO_DEFAULT, &names)) < 0)
        return r;

    char size[24];
    snprintf(size, sizeof size, "%lu", archive_size);
    const char *pargv[] = { "proc", size };
    long recv = sys_cap_mint(proc_ep, -1, RIGHT_RECV, 0);
    long send = sys_cap_mint(proc_ep, -1, RIGHT_SEND | RIGHT_GRANT, 0);
    long lookup = sys_cap_mint(names_ep, -1, RIGHT_SEND, 2 << 8 | NAMES_PERM_LOOKUP);
    struct spawn_cap pcaps[] = {
        { recv, PROC_CAP_SERVICE }, { lookup, PROC_CAP_NAMES }, { archive_ro, PROC_CAP_ARCHIVE },
        { prog, PROC_CAP_POOL }, { send, PROC_CAP_PROC },
    };
    if ((r = start("bin/proc", 2, pargv, pcaps, 5, PRIO_DEFAULT + 2, &proc)) < 0)
        return r;
    proc_send = send;
    proc_attach(send);
    r = proc_boot(proc.space);
    printf("procs: boot ret=%ld\n", r);
    if (r < 0 || (r = adopt("names", names.thread)) < 0 || (r = adopt("proc", proc.thread)) < 0)
        return r;
    return 0;
}

/* ---- helpers ---- */

static long spawn_tagged(const char *tag, int argc, const char *const *argv, uint64_t *pid,
                         cap_t *thread)
{
    long r = proc_spawn("bin/ptest", argc, argv, pid, thread);
    printf("procs: spawn tag=%s ret=%ld pid=%lu thread=%d\n", tag, r, r == 0 ? *pid : 0,
           r == 0 && *thread > 0);
    return r;
}

static void wait_tagged(const char *tag, uint64_t pid, cap_t thread)
{
    int64_t status = -1;
    long r = proc_wait(pid, thread, &status);
    printf("procs: wait tag=%s ret=%ld pid=%lu status=%ld\n", tag, r, pid, (long)status);
}

static uint64_t pool_free(void)
{
    struct proc_list_reply l;
    return proc_list(1, &l) == 0 ? l.free_pages : 0;
}

static void list(const char *tag)
{
    struct proc_list_reply l;
    uint64_t from = 1;
    long r;
    while ((r = proc_list(from, &l)) == 0 && l.count > 0) {
        for (uint64_t i = 0; i < l.count; i++) {
            const struct proc_info *p = &l.procs[i];
            printf("procs: list tag=%s pid=%lu parent=%lu state=%u threads=%u cpu=%lu "
                   "status=%ld name=%s\n", tag, p->pid, p->parent, p->state, p->threads,
                   p->cpu_ticks, (long)p->status, p->name);
            from = p->pid + 1;
        }
    }
    printf("procs: pool tag=%s free=%lu total=%lu ret=%ld\n", tag, l.free_pages, l.total_pages, r);
}

/* A request as given (no client-side checks). */
static long raw(uint64_t label, const void *rq, unsigned words)
{
    uint64_t rp[IPC_MAX_WORDS];
    return rpc_call(proc_send, ipc_buffer_self(), label, rq, words, rp, IPC_MAX_WORDS, NULL);
}

/* A PROC_SPAWN of path with the first `bytes` of args and the fields given. */
static long raw_spawn(const char *path, uint32_t argc, const char *args, size_t bytes,
                      uint32_t args_len, uint64_t flags)
{
    struct proc_spawn rq = { .argc = argc, .args_len = args_len, .flags = flags };
    memcpy(rq.path, path, strnlen(path, sizeof rq.path));
    memcpy(rq.args, args, bytes);
    return raw(PROC_SPAWN, &rq, PROTO_WORDS(rq));
}

/* ---- the parts ---- */

static void sums(void)
{
    uint64_t pid;
    cap_t t;
    if (spawn_tagged("sum_a", 5, sum_a, &pid, &t) == 0)
        wait_tagged("sum_a", pid, t);
    if (spawn_tagged("sum_b", 7, sum_b, &pid, &t) == 0)
        wait_tagged("sum_b", pid, t);
    static const char *const crash[] = { "ptest", "crash" };
    if (spawn_tagged("crash", 2, crash, &pid, &t) == 0)
        wait_tagged("crash", pid, t);
}

/* Staged capabilities and the standard set reach the child (ptest caps). */
static void capabilities(void)
{
    static const char *const caps[] = { "ptest", "caps" };
    uint64_t pid;
    cap_t t;
    long std = sys_endpoint_create();
    long std_send = sys_cap_mint(std, -1, RIGHT_SEND, 0);
    long staged = sys_cap_mint(std, -1, RIGHT_SEND, 77);
    long lookup = sys_cap_mint(names_ep, -1, RIGHT_SEND, 3 << 8 | NAMES_PERM_LOOKUP);
    printf("procs: set_standard slot=16 ret=%ld\n", proc_set_standard(PROC_CAP_RS, std_send));
    printf("procs: set_standard slot=17 ret=%ld\n", proc_set_standard(PROC_CAP_FS, std_send));
    printf("procs: give slot=9 ret=%ld\n", proc_give(PROC_CAP_NAMES, lookup));
    printf("procs: give slot=16 ret=%ld\n", proc_give(PROC_CAP_RS, staged));
    if (spawn_tagged("caps_staged", 2, caps, &pid, &t) == 0)
        wait_tagged("caps_staged", pid, t);
    if (spawn_tagged("caps_plain", 2, caps, &pid, &t) == 0)
        wait_tagged("caps_plain", pid, t);
    sys_cap_delete(lookup);
    sys_cap_delete(staged);
    sys_cap_delete(std_send);
}

/* A sleeping and a spinning child, listed, probed by a non-manager client,
 * killed and collected. */
static void kills(void)
{
    static const char *const sleep_argv[] = { "ptest", "sleep" };
    static const char *const spin_argv[] = { "ptest", "spin" };
    uint64_t sleeper, spinner, client;
    cap_t ts, tp, tc;
    uint64_t done;
    int64_t status;
    if (spawn_tagged("sleep", 2, sleep_argv, &sleeper, &ts) < 0 ||
        spawn_tagged("spin", 2, spin_argv, &spinner, &tp) < 0)
        return;
    sleep_ticks(5);                     /* both run a little */
    list("running");
    printf("procs: bad wait_running ret=%ld\n", proc_collect(sleeper, &done, &status));
    char pidstr[24];
    snprintf(pidstr, sizeof pidstr, "%lu", sleeper);
    const char *client_argv[] = { "ptest", "client", pidstr };
    if (spawn_tagged("client", 3, client_argv, &client, &tc) == 0)
        wait_tagged("client", client, tc);
    printf("procs: kill tag=sleep ret=%ld\n", proc_kill(sleeper));
    printf("procs: kill tag=spin ret=%ld\n", proc_kill(spinner));
    printf("procs: kill tag=again ret=%ld\n", proc_kill(spinner));
    wait_tagged("sleep", sleeper, ts);
    wait_tagged("spin", spinner, tp);
    list("after");
}

static void bad_requests(void)
{
    static const char *const one[] = { "ptest" };
    uint64_t pid, done;
    int64_t status;
    cap_t t;
    char longpath[PROC_PATH_MAX];
    memset(longpath, 'a', sizeof longpath);
    printf("procs: bad missing ret=%ld\n", proc_spawn("bin/nosuch", 1, one, &pid, &t));
    printf("procs: bad not_elf ret=%ld\n", proc_spawn("etc/motd", 1, one, &pid, &t));
    printf("procs: bad argc_zero ret=%ld\n", raw_spawn("bin/ptest", 0, "ptest", 6, 6, 0));
    printf("procs: bad argc_17 ret=%ld\n",
           raw_spawn("bin/ptest", 17, "a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a\0a", 34, 34, 0));
    printf("procs: bad argc_more ret=%ld\n", raw_spawn("bin/ptest", 3, "ptest\0sum", 10, 10, 0));
    printf("procs: bad argc_fewer ret=%ld\n", raw_spawn("bin/ptest", 1, "ptest\0sum", 10, 10, 0));
    printf("procs: bad args_unterminated ret=%ld\n", raw_spawn("bin/ptest", 1, "ptest", 5, 5, 0));
    printf("procs: bad args_empty ret=%ld\n", raw_spawn("bin/ptest", 1, "", 0, 0, 0));
    printf("procs: bad args_too_long ret=%ld\n",
           raw_spawn("bin/ptest", 1, "ptest", 6, PROC_ARGS_MAX + 1, 0));
    printf("procs: bad path_unterminated ret=%ld\n", raw_spawn(longpath, 1, "ptest", 6, 6, 0));
    printf("procs: bad path_empty ret=%ld\n", raw_spawn("", 1, "ptest", 6, 6, 0));
    printf("procs: bad flags ret=%ld\n", raw_spawn("bin/ptest", 1, "ptest", 6, 6, 2));
    uint64_t w[2] = { 0, 4 };
    printf("procs: bad short ret=%ld\n", raw(PROC_SPAWN, w, 2));
    printf("procs: bad label ret=%ld\n", raw(PROTO_BASE_PROC + 99, w, 1));
    printf("procs: bad give_no_cap ret=%ld\n", raw(PROC_GIVE, w, 1));
    printf("procs: bad wait_flags ret=%ld\n", raw(PROC_WAIT, w, 2));
    printf("procs: bad give_slot ret=%ld\n", proc_give(3, names_ep));
    printf("procs: bad standard_slot ret=%ld\n", proc_set_standard(PROC_CAP_MM, names_ep));
    printf("procs: bad adopt_not_thread ret=%ld\n", proc_adopt("x", names_ep, &pid));
    printf("procs: bad wait_unknown ret=%ld\n", proc_collect(999, &done, &status));
    printf("procs: bad kill_unknown ret=%ld\n", proc_kill(999));
    printf("procs: bad kill_adopted ret=%ld\n", proc_kill(1));
}

/* Spawn and collect LOOPS programs; the pool and the kernel end as they began. */
static void no_leak(void)
{
    struct kernel_stats kb, ka;
    uint64_t first = 0, last = 0;
    long ok = 0, sum = 0;
    uint64_t before = pool_free();
    sys_kernel_stats((long)&kb);
    for (int i = 0; i < LOOPS; i++) {
        char n[8];
        snprintf(n, sizeof n, "%d", i * 5);
        const char *argv[] = { "ptest", "exit", n };
        uint64_t pid;
        cap_t t;
        int64_t status = -1;
        if (proc_spawn("bin/ptest", 3, argv, &pid, &t) < 0 || proc_wait(pid, t, &status) < 0)
            continue;
        first = first ? first : pid;
        last = pid;
        ok += status == ((i * 5) & 0xff);
        sum += status;
    }
    uint64_t after = pool_free();
    sys_kernel_stats((long)&ka);
    printf("procs: loop n=%d ok=%ld status_sum=%ld first_pid=%lu last_pid=%lu\n", LOOPS, ok, sum,
           first, last);
    printf("procs: leak pool_before=%lu pool_after=%lu threads_before=%lu threads_after=%lu "
           "kmem_before=%lu kmem_after=%lu frames_before=%lu frames_after=%lu\n", before, after,
           kb.threads, ka.threads, kb.kmem_inuse, ka.kmem_inuse, kb.free_frames, ka.free_frames);
}

SCENARIO(procs, "the process manager: spawn with arguments, wait, kill, list, bad requests, no leaks")
{
    long r = start_servers();
    if (r < 0) {
        printf("procs: start failed: %s\n", mica_strerror(r));
        return 1;
    }
    list("start");
    sums();
    capabilities();
    kills();
    bad_requests();
    no_leak();
    list("end");
    return 0;
}
