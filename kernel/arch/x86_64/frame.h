/*
 * frame.h: the trapframe as assembly sees it. vectors.S and syscall_entry.S
 * both build and unwind a struct trapframe (trap.h) with these offsets and
 * these two macros, so the register order lives in one place; trap.h checks
 * the offsets against the C struct with _Static_assert.
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define TF_RAX          0x70
#define TF_VECTOR       0x78
#define TF_ERR          0x80
#define TF_RIP          0x88
#define TF_CS           0x90
#define TF_RFLAGS       0x98
#define TF_RSP          0xa0
#define TF_SS           0xa8
#define TF_SIZE         0xb0

#ifdef __ASSEMBLER__
/* Save the general registers below an {vector, err, iret frame} on the stack. */
        .macro push_gprs
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        .endm

/* Restore them, leaving %rsp at the vector field. */
        .macro pop_gprs
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
        .endm
#endif

#endif
