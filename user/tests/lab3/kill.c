/*
 * kill.c: sys_thread_kill ends a thread in any state (the IPC states are
 * lab 4's scenario killipc). For each state a victim is put in, two joiner
 * threads block joining it (each through its own copy of the capability),
 * then the main thread kills it and reports
 *   kill: victim=<case> before=<state> ret=R after=<state> exit=S joiner0=J joiner1=J
 *         waited=T join=S space_before=N space_after=N
 * (states as thread_info reports them; waited: ticks from the kill to the
 * first joiner's wake-up; join: the main thread's own join; space: live
 * threads of the address space). Then:
 *   kill: self joiner0=J joiner1=J          a thread that kills itself
 *   kill: joined_target ret=R status=S      the thread a killed joiner was joining
 *   kill: err <what> ret=R                  refused kills (a read-only capability:
 *                                           lab 4's killipc, which can mint one)
 *   kill: resources threads_before=N threads_after=N kmem_before=N kmem_after=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <scenario.h>
#include <mica/cap.h>

#define MAIN_PRIO   (PRIO_DEFAULT + 5)
#define HIGH_PRIO   (PRIO_DEFAULT + 10)     /* runs at once when started, then blocks */
#define LONG_SLEEP  60                      /* outlives each case; shorter than LIMIT */
#define LIMIT       100                     /* ticks any join may take (a kill that failed) */

static const char *state_name(int s)
{
    static const char *const names[] = { "suspended", "ready", "running", "sleeping",
                                         "blocked", "dead" };
    return s >= 0 && s <= THREAD_DEAD ? names[s] : "?";
}

static int spin(void *unused)
{
    for (;;)
        ;
    return 0;
}

static int sleep_long(void *unused)
{
    sleep_ticks(LONG_SLEEP);
    return 1;
}

struct join_arg {
    cap_t target;
    tick_t timeout;
    long result;
    tick_t woke_at;
};

static int joiner(void *arg)
{
    struct join_arg *j = arg;
    j->result = sys_thread_join(j->target, j->timeout);
    j->woke_at = ticks();
    return 0;
}

static cap_t self_cap;

static int kill_self(void *unused)
{
    long r = sys_thread_kill(self_cap);
    printf("kill: self survived ret=%ld\n", r);
    return 1;
}

/* Start two joiners on victim (higher priority: they block at once). */
static void start_joiners(cap_t victim, struct join_arg j[2], cap_t jt[2])
{
    for (int i = 0; i < 2; i++) {
        j[i] = (struct join_arg){ sys_cap_copy(victim, -1), LIMIT, 999, 0 };
        jt[i] = thread_spawn("joiner", joiner, &j[i], HIGH_PRIO);
    }
}

/* Kill victim with two joiners waiting on it and print what happened.
 * spawned: victim came from thread_spawn (its stack goes with its join). */
static void kill_case(const char *what, cap_t victim, bool spawned)
{
    struct join_arg j[2];
    cap_t jt[2];
    struct thread_info before = { 0 }, after = { 0 };
    start_joiners(victim, j, jt);
    thread_info(victim, &before);
    tick_t t0 = ticks();
    long r = sys_thread_kill(victim);
    thread_info(victim, &after);
    thread_join(jt[0], NULL);
    thread_join(jt[1], NULL);
    int status = -1;
    if (spawned)
        thread_join_timeout(victim, LIMIT, &status);
    else
        status = (int)sys_thread_join(victim, 0);
    printf("kill: victim=%s before=%s ret=%ld after=%s exit=%d joiner0=%ld joiner1=%ld "
           "waited=%lu join=%d space_before=%u space_after=%u\n", what, state_name(before.state),
           r, state_name(after.state), after.exit_status, j[0].result, j[1].result,
           j[0].woke_at - t0, status, before.space_threads, after.space_threads);
}

static void kill_states(void)
{
    /* Ready: lower priority than main, so it has not run yet. */
    kill_case("ready", thread_spawn("spinner", spin, NULL, PRIO_DEFAULT), true);

    /* Sleeping: ran at once and went to sleep. */
    kill_case("sleeping", thread_spawn("sleeper", sleep_long, NULL, HIGH_PRIO), true);

    /* Suspended while ready. */
    cap_t t = thread_spawn("suspended", spin, NULL, PRIO_DEFAULT);
    sys_thread_suspend(t);
    kill_case("suspended", t, true);

    /* Suspended while sleeping: the stop is pending until it would wake. */
    t = thread_spawn("pending", sleep_long, NULL, HIGH_PRIO);
    sys_thread_suspend(t);
    kill_case("suspend_pending", t, true);

    /* Never started. */
    static char stack[4096] __attribute__((aligned(16)));
    struct thread_params p = { .entry = (uint64_t)spin, .stack_top = (uint64_t)stack + sizeof stack,
                               .priority = PRIO_DEFAULT, .name = "unstarted" };
    t = sys_thread_create(CAP_SELF_SPACE, (long)&p);
    kill_case("unstarted", t, false);
}

/* A thread blocked joining another (with and without a timeout) is killed;
 * the thread it was joining must not notice, and dies normally later. */
static void kill_joining(tick_t timeout, const char *what)
{
    cap_t target = thread_spawn("target", sleep_long, NULL, HIGH_PRIO);
    struct join_arg ja = { sys_cap_copy(target, -1), timeout, 999, 0 };
    cap_t victim = thread_spawn("joining", joiner, &ja, HIGH_PRIO);
    kill_case(what, victim, true);
    if (timeout != TIMEOUT_FOREVER)
        sleep_ticks(timeout + 10);      /* past the join's timeout: nothing may fire */
    sys_cap_delete(ja.target);
    long r = sys_thread_kill(target);
    int status = -1;
    thread_join_timeout(target, LIMIT, &status);
    printf("kill: joined_target case=%s ret=%ld status=%d\n", what, r, status);
}

static void kill_itself(void)
{
    struct join_arg j[2];
    cap_t jt[2];
    self_cap = thread_spawn("selfkill", kill_self, NULL, PRIO_DEFAULT);
    start_joiners(self_cap, j, jt);
    int status = -1;
    thread_join_timeout(self_cap, LIMIT, &status);  /* lets it run: it kills itself */
    thread_join(jt[0], NULL);
    thread_join(jt[1], NULL);
    printf("kill: self joiner0=%ld joiner1=%ld join=%d\n", j[0].result, j[1].result, status);
}

static void kill_refused(void)
{
    cap_t t = thread_spawn("refused", sleep_long, NULL, HIGH_PRIO);
    printf("kill: err empty_slot ret=%ld\n", sys_thread_kill(200));
    printf("kill: err null_slot ret=%ld\n", sys_thread_kill(CAP_NULL));
    printf("kill: err wrong_type ret=%ld\n", sys_thread_kill(CAP_SELF_SPACE));
    printf("kill: err first ret=%ld\n", sys_thread_kill(t));
    printf("kill: err dead ret=%ld\n", sys_thread_kill(t));
    thread_join_timeout(t, LIMIT, NULL);
    printf("kill: err reaped ret=%ld\n", sys_thread_kill(t));
}

SCENARIO(kill, "sys_thread_kill ends threads in every state; joiners get THREAD_STATUS_KILLED")
{
    struct kernel_stats before, after;
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    sys_kernel_stats((long)&before);
    kill_states();
    kill_joining(TIMEOUT_FOREVER, "joining");
    kill_joining(20, "joining_timeout");
    kill_itself();
    kill_refused();
    sys_kernel_stats((long)&after);
    printf("kill: resources threads_before=%lu threads_after=%lu kmem_before=%lu kmem_after=%lu\n",
           before.threads, after.threads, before.kmem_inuse, after.kmem_inuse);
    return 0;
}
