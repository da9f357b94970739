/*
 * regress.c: one call per kernel bug the syscall fuzzer found, named after
 * the bug, so that it stays fixed. Each prints
 *     regress: <bug> ret=<n> err=<E_NAME or ->
 * and the grader compares the result with the documented one.
 *
 *   poweroff_status_high_bits   sys_poweroff took its status as an int, so
 *                               status 1<<32 (low half 0) powered the
 *                               machine off with status 0 instead of
 *                               returning -E_RANGE.
 *   set_priority_high_bits      likewise sys_thread_set_priority accepted
 *                               (1<<32)|10 as priority 10.
 *   unstarted_thread_last_cap_deleted, suspended_thread_last_cap_deleted
 *                               deleting the last capability of a thread
 *                               that can never run again (never started,
 *                               or suspended) left it alive with its kernel
 *                               stack forever; it must die and be freed.
 *                               These print threads= and free_frames= from
 *                               kernel_stats before the thread was created
 *                               and after its capability was deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys.h>
#include <scenario.h>

static void report(const char *bug, long ret)
{
    printf("regress: %s ret=%ld err=%s\n", bug, ret, ret < 0 ? mica_errname(ret) : "-");
}

static void stats(struct kernel_stats *ks)
{
    if (sys_kernel_stats((long)ks) < 0)
        *ks = (struct kernel_stats){ 0 };
}

static void __attribute__((noreturn)) spin(long unused)
{
    for (;;)
        sys_yield();
}

static char spin_stack[4096] __attribute__((aligned(16)));

/* Create a thread, maybe start and suspend it, delete its only capability. */
static void thread_last_cap_deleted(const char *bug, bool start)
{
    struct kernel_stats before, after;
    struct thread_params p = {
        .entry = (uint64_t)spin, .stack_top = (uint64_t)spin_stack + sizeof spin_stack,
        .priority = PRIO_MIN + 1, .name = "regress",
    };
    stats(&before);
    long t = sys_thread_create(CAP_SELF_SPACE, (long)&p);
    long r = t;
    if (t >= 0 && start && (r = sys_thread_start(t)) == 0)
        r = sys_thread_suspend(t);      /* ready, below our priority: stops at once */
    if (t >= 0)
        sys_cap_delete(t);
    stats(&after);
    printf("regress: %s ret=%ld threads_before=%lu threads_after=%lu "
           "free_frames_before=%lu free_frames_after=%lu\n", bug, r < 0 ? r : 0,
           before.threads, after.threads, before.free_frames, after.free_frames);
}

SCENARIO(fuzzregress, "the kernel bugs sysfuzz found stay fixed")
{
    report("poweroff_status_high_bits", sys_poweroff(CAP_MACHINE, 1L << 32));
    report("poweroff_status_high_bits_3", sys_poweroff(CAP_MACHINE, (1L << 32) | 3));
    report("set_priority_high_bits",
           sys_thread_set_priority(CAP_SELF_THREAD, (1L << 32) | PRIO_DEFAULT));
    thread_last_cap_deleted("unstarted_thread_last_cap_deleted", false);
    thread_last_cap_deleted("suspended_thread_last_cap_deleted", true);
    return 0;
}
