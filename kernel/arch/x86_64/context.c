/*
 * context.c: x86_64 thread contexts. A new thread's kernel stack is laid out
 * so that the first context_switch() into it "returns" into a trampoline
 * (switch.S); a user thread's stack also holds its trapframe at the top,
 * which the trampoline leaves through with iretq.
 *
 * arch_switch_to() is the one place that changes the CPU's notion of the
 * current thread: the kernel stack for the next entry from ring 3 (TSS rsp0
 * for interrupts, the per-CPU area for syscall) and the address space.
 */
#include "kernel.h"
#include "thread.h"
#include "vm.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"

struct thread *context_switch(struct thread *prev, struct thread *next);
extern char kthread_trampoline[], uthread_trampoline[];

/* What context_switch() pops, lowest address first. */
struct switch_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp;
    uint64_t ret;
};

void arch_thread_init_kernel(struct thread *t, void (*fn)(void *), void *arg)
{
    /* After the pops and ret, rsp = top - 16: 16-byte aligned for the call. */
    struct switch_frame *f = (struct switch_frame *)(t->kstack_top - 16) - 1;
    *f = (struct switch_frame){ .r12 = (uint64_t)fn, .r13 = (uint64_t)arg,
                                .ret = (uint64_t)kthread_trampoline };
    t->saved_rsp = (uint64_t)f;
}

void arch_thread_init_user(struct thread *t, uint64_t entry, uint64_t stack_top, uint64_t arg)
{
    struct trapframe *tf = (struct trapframe *)t->kstack_top - 1;
    *tf = (struct trapframe){
        .rip = entry, .cs = USER_CS, .rflags = RFLAGS_IF | 0x2,
        .rsp = stack_top, .ss = USER_DS, .rdi = arg,
    };
    t->tf = tf;
    struct switch_frame *f = (struct switch_frame *)tf - 1;
    *f = (struct switch_frame){ .ret = (uint64_t)uthread_trampoline };
    t->saved_rsp = (uint64_t)f;
}

/* Switch the CPU from prev to next (interrupts off). Returns on prev's stack
 * when some later switch comes back to prev. */
void arch_switch_to(struct thread *prev, struct thread *next)
{
    struct cpu *cpu = this_cpu();
    cpu->kernel_rsp = next->kstack_top;
    tss_set_rsp0(next->kstack_top);
    /* Kernel threads run in the kernel's own tables, so that a space can be
     * freed while no thread of it runs. */
    vm_switch(next->space ? next->space->vm : NULL);
    struct thread *from = context_switch(prev, next);
    sched_finish_switch(from);
}

/* ---- the syscall instruction ---- */

void syscall_entry(void);

#define EFER_SCE        (1UL << 0)
#define RFLAGS_TF       (1UL << 8)
#define RFLAGS_DF       (1UL << 10)
#define RFLAGS_NT       (1UL << 14)
#define RFLAGS_AC       (1UL << 18)

/* syscall_entry.S hard-codes these. */
_Static_assert(offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "cpu.kernel_rsp");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "cpu.user_rsp");
_Static_assert(offsetof(struct thread, saved_rsp) == 0, "thread.saved_rsp");
_Static_assert(offsetof(struct trapframe, rsp) == 0xa0, "trapframe rsp");
_Static_assert(offsetof(struct trapframe, rflags) == 0x98, "trapframe rflags");
_Static_assert(USER_CS == 0x23 && USER_DS == 0x1b, "selectors in syscall_entry.S");
_Static_assert(USER_TOP == 0x00007FFFFFFFF000UL, "USER_TOP in syscall_entry.S");

/* Enable syscall/sysret and point GS at the per-CPU area. */
void syscall_init(void)
{
    wrmsr(MSR_GS_BASE, (uint64_t)this_cpu());      /* kernel GS: the per-CPU area */
    wrmsr(MSR_KERNEL_GS_BASE, 0);                   /* user GS, swapped in on exit */
    wrmsr(MSR_STAR, ((uint64_t)KERNEL_DS << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
