/*
 * badsys.c: attack the system-call boundary on purpose. Every call below is
 * wrong in one way (unknown number, bad pointer, bad capability, absurd
 * argument) and prints
 *     badsys: <label> ret=<n> err=<E_NAME or ->
 * so that the grader can compare each result with the documented error.
 * Pointers: NULL, the kernel image, a non-canonical address, an unmapped
 * user address, read-only user memory (for calls that write), and a buffer
 * that starts on the last mapped page of .bss and runs into the unmapped page
 * after it ("straddle"). A few good calls show the targets are otherwise fine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys.h>
#include <thread.h>
#include <scenario.h>

#define KERNEL_ADDR         0xFFFFFFFF80100000UL
#define NONCANONICAL_ADDR   0x0000800000000000UL
#define UNMAPPED_ADDR       0x0000100000000000UL

extern char _end[];                     /* user.ld: end of .bss */

static const struct thread_info readonly_info;     /* in .rodata */

static void report(const char *label, long ret)
{
    printf("badsys: %s ret=%ld err=%s\n", label, ret, ret < 0 ? mica_errname(ret) : "-");
}

/* The last bytes of the page holding _end: mapped, with an unmapped page after. */
static char *edge(size_t n)
{
    uintptr_t page_end = ((uintptr_t)_end + 4095) & ~4095UL;
    if (page_end - (uintptr_t)_end < n) {
        printf("badsys: only %lu bytes after _end, need %lu\n", page_end - (uintptr_t)_end, n);
        return NULL;
    }
    return (char *)page_end - n;
}

/* One past the highest call number in MICA_SYSCALLS: just outside the kernel's table. */
static long past_last_syscall(void)
{
#define SYSCALL_NUMBER(num, name, nargs) num,
    static const long numbers[] = { MICA_SYSCALLS(SYSCALL_NUMBER) };
#undef SYSCALL_NUMBER
    long max = 0;
    for (unsigned i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (numbers[i] > max)
            max = numbers[i];
    return max + 1;
}

static void bad_numbers(void)
{
    report("sys_past_end", syscall0(past_last_syscall()));
    report("sys_999", syscall0(999));
    report("sys_minus1", syscall0(-1));
    report("sys_14", syscall0(14));
    report("sys_63", syscall0(63));
    report("sys_huge", syscall0(0x100000000L));
}

static void bad_debug_write(void)
{
    report("debug_write_ok", sys_debug_write((long)"badsys: good write\n", 19));
    report("debug_write_null", sys_debug_write(0, 5));
    report("debug_write_kernel", sys_debug_write(KERNEL_ADDR, 5));
    report("debug_write_noncanonical", sys_debug_write(NONCANONICAL_ADDR, 5));
    report("debug_write_unmapped", sys_debug_write(UNMAPPED_ADDR, 5));
    report("debug_write_wrap", sys_debug_write((long)"x", -1L));

    char *e = edge(8);
    if (e) {
        memcpy(e, "EDGE-OK\n", 8);
        report("debug_write_edge", sys_debug_write((long)e, 8));
        report("debug_write_straddle", sys_debug_write((long)e, 16));
    }
}

static void bad_thread_create(void)
{
    report("thread_create_null", sys_thread_create(CAP_SELF_SPACE, 0));
    report("thread_create_kernel", sys_thread_create(CAP_SELF_SPACE, KERNEL_ADDR));
    report("thread_create_unmapped", sys_thread_create(CAP_SELF_SPACE, UNMAPPED_ADDR));
    char *e = edge(sizeof(struct thread_params) / 2);
    if (e)
        report("thread_create_straddle", sys_thread_create(CAP_SELF_SPACE, (long)e));

    static char stack[4096] __attribute__((aligned(16)));
    struct thread_params p = {
        .entry = (uint64_t)exit, .stack_top = (uint64_t)stack + sizeof stack,
        .priority = PRIO_DEFAULT, .name = "badsys-bad",
    };
    p.priority = PRIO_MAX + 1;
    report("thread_create_prio_high", sys_thread_create(CAP_SELF_SPACE, (long)&p));
    p.priority = -1;
    report("thread_create_prio_negative", sys_thread_create(CAP_SELF_SPACE, (long)&p));
    p.priority = PRIO_DEFAULT;
    p.entry = KERNEL_ADDR;
    report("thread_create_kernel_entry", sys_thread_create(CAP_SELF_SPACE, (long)&p));
    p.entry = NONCANONICAL_ADDR;
    report("thread_create_noncanonical_entry", sys_thread_create(CAP_SELF_SPACE, (long)&p));
    p.entry = (uint64_t)exit;
    p.stack_top = KERNEL_ADDR;
    report("thread_create_kernel_stack", sys_thread_create(CAP_SELF_SPACE, (long)&p));
    p.stack_top = (uint64_t)stack + sizeof stack;
    report("thread_create_bad_space", sys_thread_create(CAP_SELF_THREAD, (long)&p));
    report("thread_create_empty_slot", sys_thread_create(200, (long)&p));
    report("thread_create_slot_range", sys_thread_create(1L << 40, (long)&p));
}

static void bad_thread_info(void)
{
    struct thread_info info;
    report("thread_info_ok", sys_thread_info(CAP_SELF_THREAD, (long)&info));
    report("thread_info_null", sys_thread_info(CAP_SELF_THREAD, 0));
    report("thread_info_kernel", sys_thread_info(CAP_SELF_THREAD, KERNEL_ADDR));
    report("thread_info_unmapped", sys_thread_info(CAP_SELF_THREAD, UNMAPPED_ADDR));
    report("thread_info_readonly", sys_thread_info(CAP_SELF_THREAD, (long)&readonly_info));
    report("thread_info_text", sys_thread_info(CAP_SELF_THREAD, (long)bad_thread_info));

    size_t half = sizeof(struct thread_info) / 2;
    char *e = edge(half);
    if (e) {
        memset(e, 0x5a, half);
        report("thread_info_straddle", sys_thread_info(CAP_SELF_THREAD, (long)e));
        size_t changed = 0;
        for (size_t i = 0; i < half; i++)
            changed += e[i] != 0x5a;
        printf("badsys: thread_info_straddle bytes_changed=%lu\n", changed);
    }
    report("thread_info_empty_slot", sys_thread_info(200, (long)&info));
    report("thread_info_null_slot", sys_thread_info(CAP_NULL, (long)&info));
    report("thread_info_negative_slot", sys_thread_info(-5, (long)&info));
    report("thread_info_wrong_type", sys_thread_info(CAP_SELF_SPACE, (long)&info));
}

static void bad_others(void)
{
    report("kernel_stats_null", sys_kernel_stats(0));
    report("kernel_stats_kernel", sys_kernel_stats(KERNEL_ADDR));
    report("set_priority_high", sys_thread_set_priority(CAP_SELF_THREAD, 1000));
    report("set_priority_wrong_type", sys_thread_set_priority(CAP_SELF_SPACE, PRIO_DEFAULT));
    report("thread_start_wrong_type", sys_thread_start(CAP_SELF_SPACE));
    report("thread_resume_empty_slot", sys_thread_resume(200));
    report("join_self", sys_thread_join(CAP_SELF_THREAD, 0));
    report("poweroff_wrong_type", sys_poweroff(CAP_SELF_THREAD, 0));
    report("poweroff_empty_slot", sys_poweroff(200, 0));
}

SCENARIO(badsys, "bad system call numbers, pointers and capabilities return errors")
{
    bad_numbers();
    bad_debug_write();
    bad_thread_create();
    bad_thread_info();
    bad_others();
    printf("badsys: survived=1\n");
    return 0;
}
