/*
 * syscall_entry.S: the syscall instruction's way into the kernel and sysret's
 * way out.
 *
 * syscall leaves rip in rcx and rflags in r11, clears IF, DF, TF and AC
 * (SFMASK), and switches neither stack nor GS. We swapgs to reach the per-CPU
 * area (struct cpu in thread.h), park the user rsp there, load the current
 * thread's kernel stack top and build the same struct trapframe an interrupt
 * from ring 3 builds (trap.h), with vector = T_SYSCALL. So a thread's user
 * state is always the trapframe at the top of its kernel stack, whichever way
 * it entered. syscall_dispatch(tf) runs with interrupts off.
 *
 * The way out is sysret when the frame still holds what sysret can restore
 * (user code and stack selectors, a user rip below USER_TOP: sysret to a
 * non-canonical rip would fault in ring 0 on Intel CPUs); otherwise the
 * general iretq path, trap_return.
 */
#include "arch/x86_64/frame.h"

#define CPU_KERNEL_RSP  0
#define CPU_USER_RSP    8
#define USER_DS         0x1b
#define USER_CS         0x23
#define T_SYSCALL       256
#define SYS_IPC_CALL    35                      /* mica/syscall.h; fastpath.c checks */
#define SYS_IPC_REPLY_RECV 37
#define USER_TOP        0x00007FFFFFFFF000

        .text
        .global syscall_entry
syscall_entry:
        swapgs
        mov     %rsp, %gs:CPU_USER_RSP
        mov     %gs:CPU_KERNEL_RSP, %rsp
        pushq   $USER_DS                        /* ss */
        pushq   %gs:CPU_USER_RSP                /* rsp */
        pushq   %r11                            /* rflags */
        pushq   $USER_CS                        /* cs */
        pushq   %rcx                            /* rip */
        pushq   $0                              /* err */
        pushq   $T_SYSCALL                      /* vector */
        push_gprs
        mov     %rsp, %rdi

        pushq   TF_RIP(%rdi)                    /* frame record, as in vectors.S */
        pushq   $0
        mov     %rsp, %rbp
        cmp     $SYS_IPC_CALL, %rax             /* the IPC fastpath first (fastpath.c): */
        je      1f                              /* it returns only when it cannot help */
        cmp     $SYS_IPC_REPLY_RECV, %rax
        jne     2f
1:      call    ipc_fastpath_syscall
        lea     16(%rsp), %rdi
2:      call    syscall_dispatch
        add     $16, %rsp

        .global syscall_return
syscall_return:
        cmpq    $USER_CS, TF_CS(%rsp)
        jne     trap_return
        cmpq    $USER_DS, TF_SS(%rsp)
        jne     trap_return
        movabs  $USER_TOP, %rax
        cmp     %rax, TF_RIP(%rsp)
        jae     trap_return
        pop_gprs                                /* rcx and r11 are overwritten below */
        mov     TF_RIP - TF_VECTOR(%rsp), %rcx
        mov     TF_RFLAGS - TF_VECTOR(%rsp), %r11
        mov     TF_RSP - TF_VECTOR(%rsp), %rsp
        swapgs
        sysretq

/*
 * void ipc_fastpath_switch(uint64_t *prev_saved_rsp, struct trapframe *prev_tf,
 *                          struct trapframe *next_tf)   (fastpath.c; no return)
 * Leave to user mode through next_tf, on next's kernel stack, and park prev:
 * below its trapframe goes a switch frame (as context.c lays out for a new
 * thread) whose return address is ipc_fastpath_resumed, so that the
 * context_switch() that one day resumes prev finishes its IPC call there.
 * Only rbp of the popped registers matters (0 ends backtraces).
 */
        .global ipc_fastpath_switch
ipc_fastpath_switch:
        mov     %rdx, %rsp                      /* off prev's stack first */
        leaq    ipc_fastpath_resumed(%rip), %rax
        mov     %rax, -8(%rsi)                  /* return address */
        movq    $0, -16(%rsi)                   /* rbp */
        lea     -56(%rsi), %rax                 /* r15 r14 r13 r12 rbx rbp ret */
        mov     %rax, (%rdi)
        jmp     syscall_return

/* context_switch() returns here with rax = the previous thread and rsp at
 * the parked thread's trapframe. */
ipc_fastpath_resumed:
        mov     %rax, %rdi
        call    ipc_fastpath_resume
        jmp     syscall_return

        .section .note.GNU-stack, "", @progbits
