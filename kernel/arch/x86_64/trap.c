/*
 * trap.c: where every interrupt and exception lands (vectors.S calls trap()).
 *
 *   IRQ 0..15 (vectors 32..47)   -> irq_dispatch() in pic.c
 *   #BP (int3)                   -> register dump, then resume after the int3
 *   any other CPU exception:
 *       in ring 3                -> trap_user_fault(): the thread's problem
 *       in ring 0                -> register dump and panic: a kernel bug
 *   any other vector             -> panic (nothing in the kernel raises them)
 *
 * The dump is a block of lines starting "trap: " (the grader reads them):
 *   trap: vector 14 (#PF page fault) err=0x2 rip=0x... cs=0x8 rflags=0x... rsp=0x... ss=0x10
 *   trap: cr2=0x... (not present, write, kernel, data)        <- #PF only
 *   trap: rax=0x0000000000000013 rbx=0x... rcx=0x... rdx=0x...  <- all registers, and cr3
 *   trap: frame at tf=0x...                                    <- where the trapframe is
 */
#include "kernel.h"
#include "thread.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/trap.h"

static const char *const exception_names[T_NEXCEPTIONS] = {
    [T_DE] = "#DE divide error",
    [T_DB] = "#DB debug",
    [T_NMI] = "NMI non-maskable interrupt",
    [T_BP] = "#BP breakpoint",
    [T_OF] = "#OF overflow",
    [T_BR] = "#BR bound range exceeded",
    [T_UD] = "#UD invalid opcode",
    [T_NM] = "#NM device not available",
    [T_DF] = "#DF double fault",
    [9] = "coprocessor segment overrun",
    [T_TS] = "#TS invalid TSS",
    [T_NP] = "#NP segment not present",
    [T_SS] = "#SS stack-segment fault",
    [T_GP] = "#GP general protection",
    [T_PF] = "#PF page fault",
    [T_MF] = "#MF x87 floating-point error",
    [T_AC] = "#AC alignment check",
    [T_MC] = "#MC machine check",
    [T_XM] = "#XM SIMD floating-point",
    [T_VE] = "#VE virtualization",
    [T_CP] = "#CP control protection",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security",
};

/* A human name for a vector: "#PF page fault", "IRQ 0", "interrupt". */
const char *trap_name(uint64_t vector)
{
    static const char *const irq_names[NIRQS] = {
        "IRQ 0", "IRQ 1", "IRQ 2", "IRQ 3", "IRQ 4", "IRQ 5", "IRQ 6", "IRQ 7",
        "IRQ 8", "IRQ 9", "IRQ 10", "IRQ 11", "IRQ 12", "IRQ 13", "IRQ 14", "IRQ 15",
    };
    if (vector < T_NEXCEPTIONS)
        return exception_names[vector] ? exception_names[vector] : "reserved exception";
    if (vector >= T_IRQ0 && vector < T_IRQ0 + NIRQS)
        return irq_names[vector - T_IRQ0];
    return "interrupt";
}

/* Print the frame as "trap: " lines; see the top of this file. */
void trap_dump(const struct trapframe *tf)
{
    kprintf("trap: vector %lu (%s) err=%#lx rip=%#lx cs=%#lx rflags=%#lx rsp=%#lx ss=%#lx\n",
            tf->vector, trap_name(tf->vector), tf->err, tf->rip, tf->cs, tf->rflags,
            tf->rsp, tf->ss);
    /* LAB 1 BEGIN: trap: a page fault's CR2 and its error code decoded */
    if (tf->vector == T_PF)
        kprintf("trap: cr2=%#lx (%s, %s, %s, %s%s)\n", read_cr2(),
                tf->err & PF_PRESENT ? "protection violation" : "not present",
                tf->err & PF_WRITE ? "write" : "read",
                tf->err & PF_USER ? "user" : "kernel",
                tf->err & PF_FETCH ? "instruction fetch" : "data",
                tf->err & PF_RSVD ? ", reserved bit set" : "");
    /* LAB 1 STUB
    if (tf->vector == T_PF)
        kprintf("trap: cr2=? (page fault not decoded yet)\n");
    LAB 1 END */
    kprintf("trap: rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
    kprintf("trap: rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx r8=0x%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
    kprintf("trap: r9=0x%016lx r10=0x%016lx r11=0x%016lx r12=0x%016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
    kprintf("trap: r13=0x%016lx r14=0x%016lx r15=0x%016lx cr3=0x%016lx\n", tf->r13, tf->r14, tf->r15, read_cr3());
    kprintf("trap: frame at tf=%p\n", (void *)tf);    /* which stack the CPU switched to */
}

/*
 * A CPU exception in user mode: the thread's problem, never the kernel's.
 * fault.c decides what becomes of the thread (lab 3: it is killed with a
 * register dump and a report; lab 5: its fault handler gets a message).
 */
void trap_user_fault(struct trapframe *tf)
{
    struct thread *t = current();
    if (!t || !t->space) {          /* ring 3 entered by hand, before any user thread */
        trap_dump(tf);
        kprintf("trap: user-mode fault with no user thread to blame\n");
        poweroff(3);
    }
    thread_fault(tf);
}

/* A CPU exception in the kernel is always a kernel bug. panic()'s backtrace
 * walks through the frame record vectors.S left, so it shows the faulting
 * function and its callers after trap's own frames. */
static void __attribute__((noreturn)) trap_kernel_fault(struct trapframe *tf)
{
    trap_dump(tf);
    panic("trap: vector %lu (%s) in kernel mode at rip %#lx",
          tf->vector, trap_name(tf->vector), tf->rip);
}

void trap(struct trapframe *tf)
{
    if (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + NIRQS) {
        irq_dispatch(tf);
        sched_preempt_point();      /* the timer may have ended a slice or woken someone */
        return;
    }
    if (tf->vector == T_BP) {       /* rip is already past the int3 */
        trap_dump(tf);
        kprintf("trap: breakpoint, resuming at rip=%#lx\n", tf->rip);
        return;
    }
    if (tf->vector < T_NEXCEPTIONS && trap_from_user(tf)) {
        trap_user_fault(tf);
        return;
    }
    if (tf->vector == T_PF && usercopy_fixup(tf))
        return;                     /* copy_from_user/copy_to_user hit a vanished page */
    trap_kernel_fault(tf);
}
