/*
 * ptest.c: bin/ptest, the program the process-manager scenario (init=procs,
 * user/root/procs.c) spawns. argv[1] picks what it does:
 *   sum N...     exits with (argc + sum of i * N_i over the numbers) % 256,
 *                where the numbers are argv[2], argv[3], ... and i counts
 *                from 1; prints "ptest: argc=<n>" and "ptest: argv[i]=<s>"
 *   exit N       exits with N at once
 *   crash        writes to address 8 (killed: THREAD_STATUS_KILLED)
 *   sleep        sleeps a tick at a time forever
 *   spin         loops forever without a system call
 *   caps         prints "ptest: cap slot=<n> type=<t> rights=<r> badge=<b>"
 *                for every capability in slots 0-31
 *   client PID   talks to the process manager with its own (non-manager)
 *                capability: lists, tries to kill PID (not its child) and
 *                pid 999, waits for pid 999, adopts itself, spawns
 *                "ptest sum 5 6" and waits for it; one "ptest: client
 *                <what> ret=<r> ..." line each
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <thread.h>
#include <process.h>
#include <mica/cap.h>
#include <mica/error.h>

static int sum(int argc, char **argv)
{
    long s = argc;
    printf("ptest: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("ptest: argv[%d]=%s\n", i, argv[i]);
    for (int i = 2; i < argc; i++)
        s += (i - 1) * strtol(argv[i], NULL, 10);
    return (int)(s % 256);
}

static int client(uint64_t sibling)
{
    struct proc_list_reply l;
    long r = proc_list(1, &l);
    printf("ptest: client list ret=%ld count=%lu\n", r, l.count);
    printf("ptest: client kill_sibling ret=%ld\n", proc_kill(sibling));
    printf("ptest: client kill_unknown ret=%ld\n", proc_kill(999));
    int64_t status = -1;
    printf("ptest: client wait_unknown ret=%ld\n", proc_wait(999, 0, &status));
    uint64_t pid = 0;
    printf("ptest: client adopt ret=%ld\n", proc_adopt("me", PROC_CAP_PROC, &pid));
    static const char *const argv[] = { "ptest", "sum", "5", "6" };
    cap_t t = -1;
    r = proc_spawn("bin/ptest", 4, argv, &pid, &t);
    printf("ptest: client spawn ret=%ld thread=%d\n", r, t > 0);
    if (r == 0) {
        r = proc_wait(pid, t, &status);
        printf("ptest: client wait ret=%ld status=%ld\n", r, (long)status);
    }
    r = proc_spawn_flags("bin/ptest", 4, argv, PROC_SPAWN_MANAGER, &pid, &t);
    printf("ptest: client spawn_manager ret=%ld\n", r);
    return 0;
}

static int caps(void)
{
    struct cap_info ci;
    for (cap_t s = 0; s < 32; s++)
        if (sys_cap_info(s, (long)&ci) == 0)
            printf("ptest: cap slot=%ld type=%d rights=%u badge=%lu\n", (long)s, ci.type,
                   ci.rights, ci.badge);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "sum") == 0)
        return sum(argc, argv);
    if (strcmp(mode, "exit") == 0 && argc > 2)
        return (int)strtol(argv[2], NULL, 10);
    if (strcmp(mode, "crash") == 0) {
        volatile int *volatile p = (int *)8;
        *p = 1;
        return 0;
    }
    if (strcmp(mode, "sleep") == 0)
        for (;;)
            sleep_ticks(1);
    if (strcmp(mode, "spin") == 0)
        for (volatile unsigned long n = 0;; n++)
            ;
    if (strcmp(mode, "caps") == 0)
        return caps();
    if (strcmp(mode, "client") == 0 && argc > 2)
        return client((uint64_t)strtoul(argv[2], NULL, 10));
    printf("ptest: unknown mode '%s'\n", mode);
    return 1;
}
