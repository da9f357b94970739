/*
 * vectors.S: the 256 interrupt entry stubs and the common path into trap().
 *
 * Each stub makes the stack look the same whatever the vector: it pushes a
 * zero where the CPU pushed no error code, then the vector number, and jumps
 * to trap_common, which saves the general registers to complete a struct
 * trapframe (see trap.h), calls trap(tf) and returns through trap_return.
 *
 * GS: the kernel keeps its per-CPU block in GS (lab 3 sets the base), the user
 * keeps its own GS; swapgs exchanges them on entry from ring 3 and on the way
 * back. Until lab 3 both bases are 0 and the swap is harmless.
 *
 * trap_return pops a trapframe at %rsp and irets. Lab 3 starts a new thread
 * by building a trapframe on its kernel stack and jumping here.
 */

/* Vectors for which the CPU pushes an error code. */
#include "arch/x86_64/frame.h"

#define HAS_ERR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

#define TF_CS_FROM_STUB 0x18    /* trapframe.cs - trapframe.vector */

        .altmacro

        .macro vector_stub n
        .balign 16
vector\n:
        .if HAS_ERR(\n)
        .else
        pushq   $0
        .endif
        pushq   $\n
        jmp     trap_common
        .endm

        .macro vector_addr n
        .quad   vector\n
        .endm

        .text
        .balign 16
        .global trap_stubs
trap_stubs:
        .set    i, 0
        .rept   256
        vector_stub %i
        .set    i, i + 1
        .endr

trap_common:
        testb   $3, TF_CS_FROM_STUB(%rsp)
        jz      1f
        swapgs
1:      push_gprs
        mov     %rsp, %rdi                      /* trap(tf) */

        /* A frame record (saved rbp, then the interrupted rip) so that a
         * backtrace taken inside trap() walks on into the interrupted code. */
        pushq   TF_RIP(%rdi)
        pushq   %rbp
        mov     %rsp, %rbp
        cld                                     /* the C ABI wants DF clear */
        call    trap
        add     $16, %rsp

        .global trap_return
trap_return:
        pop_gprs
        add     $16, %rsp                       /* vector and error code */
        testb   $3, 8(%rsp)                     /* the CPU frame's cs */
        jz      2f
        swapgs
2:      iretq

        /* The stubs' addresses, for idt_init(). */
        .section .rodata
        .balign 8
        .global trap_vectors
trap_vectors:
        .set    i, 0
        .rept   256
        vector_addr %i
        .set    i, i + 1
        .endr

        .section .note.GNU-stack, "", @progbits
