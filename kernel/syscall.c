/*
 * syscall.c: system-call dispatch, and the calls that belong to no object.
 *
 * syscall_entry.S saves the caller's registers as a trapframe and calls
 * syscall_dispatch(). The call number is in rax, the arguments in rdi, rsi,
 * rdx, r10, r8, r9 (mica/syscall.h); the result goes back in rax. The table
 * is expanded from MICA_SYSCALLS, so a call is added in one place.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include <mica/memstat.h>
#include "arch/x86_64/trap.h"

/* Handlers have their natural signatures (integers and user addresses, at
 * most six); the x86_64 calling convention passes the first six integer
 * arguments in registers, so calling any of them with six is sound. */
typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define SYSCALL_ENTRY(num, name, nargs) [num] = (syscall_fn)(void (*)(void))sys_##name,
static const syscall_fn syscall_table[] = {
    MICA_SYSCALLS(SYSCALL_ENTRY)
};
#undef SYSCALL_ENTRY

void syscall_dispatch(struct trapframe *tf)
{
    uint64_t num = tf->rax;
    long ret;

    /* LAB 3 BEGIN: find the handler for the call number and run it */
    if (num < ARRAY_SIZE(syscall_table) && syscall_table[num])
        ret = syscall_table[num](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
    else
        ret = -E_NOSYS;
    /* LAB 3 STUB
    if (num < ARRAY_SIZE(syscall_table))
        ret = syscall_table[num](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
    else
        ret = -E_NOSYS;
    LAB 3 END */
    tf->rax = (uint64_t)ret;
    sched_preempt_point();          /* a wake-up may have outranked us */
}

#define DEBUG_WRITE_MAX (64 * 1024)

/* Print len bytes from buf on the console. Returns len, -E_FAULT, or
 * -E_INVAL when len is over 64 KiB. */
long sys_debug_write(uint64_t buf, size_t len)
{
    char chunk[256];
    if (len > DEBUG_WRITE_MAX)
        return -E_INVAL;
    if (!user_range_ok(buf, len, false))
        return -E_FAULT;
    for (size_t done = 0; done < len;) {
        size_t n = MIN(len - done, sizeof chunk);
        if (copy_from_user(chunk, buf + done, n) != 0)
            return -E_FAULT;
        for (size_t i = 0; i < n; i++)
            serial_putc(chunk[i]);
        done += n;
    }
    return (long)len;
}

long sys_ticks(void)
{
    return (long)timer_ticks();
}

/* Objects allocated from all kernel caches and not freed. */
static uint64_t kmem_inuse(void)
{
    struct mica_kmem_stat st;
    uint64_t n = 0;
    for (int i = 0; kmem_stat(i, &st) == 0; i++)
        n += st.inuse;
    return n;
}

/* Fill a struct kernel_stats at the user address out. */
long sys_kernel_stats(uint64_t out)
{
    struct kernel_stats ks = {
        .ticks = timer_ticks(),
        .free_frames = pmm_free_count(),
        .threads = thread_count(),
        .kmem_inuse = kmem_inuse(),
        .context_switches = this_cpu()->context_switches,
    };
    return copy_to_user(out, &ks, sizeof ks);
}

/* Power the machine off with status 0..255 (the whole register: a value
 * whose low 32 bits are 0..255 is still out of range); needs the machine
 * capability with the write right. */
long sys_poweroff(cap_t machine, long status)
{
    void *obj;
    int err = cap_lookup(current()->space, machine, CAP_TYPE_MACHINE, RIGHT_WRITE, &obj);
    if (err)
        return err;
    if (status < 0 || status > 255)
        return -E_RANGE;
    poweroff((int)status);
}
