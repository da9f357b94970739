/*
 * switch.S: kernel context switch, and the first instructions of new threads.
 *
 * struct thread *context_switch(struct thread *prev, struct thread *next)
 *   saves the callee-saved registers on prev's kernel stack, stores rsp in
 *   prev->saved_rsp (offset 0), loads next->saved_rsp and pops next's
 *   registers. It returns, on next's stack, the thread it came from.
 *
 * A new thread's stack is laid out (context.c) as if it had called
 * context_switch: r15 r14 r13 r12 rbx rbp, then a return address pointing at
 * one of the trampolines below.
 */
        .text
        .global context_switch
context_switch:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        mov     %rsp, (%rdi)
        mov     (%rsi), %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        mov     %rdi, %rax
        ret

/* A kernel thread starts here with r12 = fn, r13 = arg, rax = previous thread. */
        .global kthread_trampoline
kthread_trampoline:
        mov     %rax, %rdi
        call    sched_finish_switch
        sti
        mov     %r13, %rdi
        call    *%r12
        xor     %edi, %edi
        call    thread_exit
1:      hlt
        jmp     1b

/* A user thread starts here with rax = previous thread and its trapframe
 * at rsp: leave through trap_return's iretq into ring 3. */
        .global uthread_trampoline
uthread_trampoline:
        mov     %rax, %rdi
        call    sched_finish_switch
        jmp     trap_return

        .section .note.GNU-stack, "", @progbits
