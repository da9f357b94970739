/*
 * join.c: exit statuses reach joiners, and joining goes wrong safely.
 *   statuses   threads exit with 0, 1, 42, 255 and 300 (kept: low 8 bits)
 *   waiters    two threads block joining the same sleeping thread; when it
 *              exits one gets its status and the other an error, or both
 *              the status -- never a hang or a crash
 *   timeout    joining a sleeping thread with a timeout, and polling (0)
 *   twice      a second join of a reaped thread; joining oneself
 *   killed     joining a thread the kernel killed for a fault
 *
 * Prints key=value lines, each starting "join: ".
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <scenario.h>

#define MAIN_PRIO   (PRIO_DEFAULT + 5)

static int exit_with(void *arg)
{
    return (int)(long)arg;
}

static int sleep_then_exit(void *arg)
{
    sleep_ticks(10);
    return (int)(long)arg;
}

static int crash(void *unused)
{
    volatile int *volatile p = (int *)8;    /* the first 4 MiB are never mapped */
    *p = 1;
    return 0;
}

struct waiter {
    cap_t target;
    long result;
    tick_t woke_at;
};

static int waiter(void *arg)
{
    struct waiter *w = arg;
    w->result = sys_thread_join(w->target, TIMEOUT_FOREVER);
    w->woke_at = ticks();
    return 0;
}

static void statuses(void)
{
    static const long exits[] = { 0, 1, 42, 255, 300 };
    for (unsigned i = 0; i < sizeof exits / sizeof exits[0]; i++) {
        cap_t t = thread_spawn("exiter", exit_with, (void *)exits[i], PRIO_DEFAULT);
        int status = -1;
        int r = thread_join(t, &status);
        printf("join: exited=%ld ret=%d status=%d\n", exits[i], r, status);
    }
}

static void waiters(void)
{
    cap_t target = thread_spawn("target", sleep_then_exit, (void *)7, PRIO_DEFAULT);
    struct waiter w[2] = { { target, 0, 0 }, { target, 0, 0 } };
    cap_t wt[2] = {
        thread_spawn("waiter0", waiter, &w[0], PRIO_DEFAULT),
        thread_spawn("waiter1", waiter, &w[1], PRIO_DEFAULT),
    };
    tick_t start = ticks();
    thread_join(wt[0], NULL);
    thread_join(wt[1], NULL);
    for (int i = 0; i < 2; i++)
        printf("join: waiter=%d ret=%ld err=%s waited=%lu\n", i, w[i].result,
               w[i].result < 0 ? mica_errname(w[i].result) : "-", w[i].woke_at - start);
}

static void timeouts(void)
{
    cap_t t = thread_spawn("sleeper", sleep_then_exit, (void *)9, PRIO_DEFAULT);
    tick_t start = ticks();
    long r = sys_thread_join(t, 3);
    printf("join: timeout=3 ret=%ld err=%s waited=%lu\n", r, r < 0 ? mica_errname(r) : "-",
           ticks() - start);
    r = sys_thread_join(t, 0);
    printf("join: timeout=0 ret=%ld err=%s\n", r, r < 0 ? mica_errname(r) : "-");
    int status = -1;
    int rr = thread_join(t, &status);
    printf("join: timeout=forever ret=%d status=%d\n", rr, status);

    r = sys_thread_join(t, 0);
    printf("join: again ret=%ld err=%s\n", r, r < 0 ? mica_errname(r) : "-");
    r = sys_thread_join(CAP_SELF_THREAD, 0);
    printf("join: self ret=%ld err=%s\n", r, r < 0 ? mica_errname(r) : "-");
}

static void killed(void)
{
    cap_t t = thread_spawn("crasher", crash, NULL, PRIO_DEFAULT);
    int status = -1;
    int r = thread_join(t, &status);
    printf("join: killed ret=%d status=%d\n", r, status);
}

SCENARIO(join, "exit statuses reach joiners; odd joins fail cleanly")
{
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    statuses();
    waiters();
    timeouts();
    killed();
    return 0;
}
