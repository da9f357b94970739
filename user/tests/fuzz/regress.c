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
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys.h>
#include <scenario.h>

static void report(const char *bug, long ret)
{
    printf("regress: %s ret=%ld err=%s\n", bug, ret, ret < 0 ? mica_errname(ret) : "-");
}

SCENARIO(fuzzregress, "the kernel bugs sysfuzz found stay fixed")
{
    report("poweroff_status_high_bits", sys_poweroff(CAP_MACHINE, 1L << 32));
    report("poweroff_status_high_bits_3", sys_poweroff(CAP_MACHINE, (1L << 32) | 3));
    report("set_priority_high_bits",
           sys_thread_set_priority(CAP_SELF_THREAD, (1L << 32) | PRIO_DEFAULT));
    return 0;
}
