/*
 * trap.h: the trap frame and the x86_64 segment and vector numbers.
 *
 * Every interrupt, exception and (from lab 3) system call enters the kernel
 * through vectors.S, which saves the interrupted context as one struct
 * trapframe on the kernel stack and calls trap(tf). Returning from trap()
 * restores the frame with iretq, to ring 0 or ring 3 alike, so a thread's
 * saved user state is simply the trapframe at the top of its kernel stack.
 *
 * Layout, lowest address first (the order vectors.S pushes, reversed):
 *
 *   0x00 r15  0x08 r14  0x10 r13  0x18 r12  0x20 r11  0x28 r10  0x30 r9
 *   0x38 r8   0x40 rbp  0x48 rdi  0x50 rsi  0x58 rdx  0x60 rcx  0x68 rbx
 *   0x70 rax                                    <- pushed by trap_common
 *   0x78 vector  0x80 err                       <- pushed by the vector stub
 *   0x88 rip  0x90 cs  0x98 rflags  0xa0 rsp  0xa8 ss   <- pushed by the CPU
 *
 * 176 bytes, a multiple of 16, so the stack stays 16-byte aligned for C.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include "arch/x86_64/frame.h"
#include <stdint.h>
#include <stddef.h>

/* GDT selectors. The order kernel code, kernel data, user data, user code
 * is what syscall/sysret require: STAR[47:32] = KERNEL_CS (SS = +8) and
 * STAR[63:48] = KERNEL_DS (sysret loads SS = +8, CS = +16, RPL 3). */
#define KERNEL_CS       0x08
#define KERNEL_DS       0x10
#define USER_DS         (0x18 | 3)
#define USER_CS         (0x20 | 3)
#define TSS_SEL         0x28        /* 16 bytes: slots 0x28 and 0x30 */

/* Interrupt stack table slots (the TSS's IST1..IST7; 0 = no switch). */
#define IST_DF          1           /* double fault: the kernel stack may be bad */
#define IST_NMI         2
#define IST_MC          3

/* CPU exception vectors. */
#define T_DE    0       /* divide error */
#define T_DB    1       /* debug */
#define T_NMI   2       /* non-maskable interrupt */
#define T_BP    3       /* breakpoint (int3) */
#define T_OF    4       /* overflow */
#define T_BR    5       /* bound range exceeded */
#define T_UD    6       /* invalid opcode */
#define T_NM    7       /* device not available */
#define T_DF    8       /* double fault */
#define T_TS    10      /* invalid TSS */
#define T_NP    11      /* segment not present */
#define T_SS    12      /* stack-segment fault */
#define T_GP    13      /* general protection */
#define T_PF    14      /* page fault */
#define T_MF    16      /* x87 floating-point error */
#define T_AC    17      /* alignment check */
#define T_MC    18      /* machine check */
#define T_XM    19      /* SIMD floating-point */
#define T_VE    20      /* virtualization */
#define T_CP    21      /* control protection */
#define T_NEXCEPTIONS 32

/* Hardware interrupts: the 8259 PICs deliver IRQ 0..15 at these vectors. */
#define T_IRQ0  32
#define NIRQS   16
#define IRQ_TIMER   0
#define IRQ_SERIAL  4

/* Not a vector: the trapframe of a system call (syscall_entry.S) says this. */
#define T_SYSCALL   256

/* Page-fault error code bits. */
#define PF_PRESENT  (1 << 0)    /* protection violation (else: page not present) */
#define PF_WRITE    (1 << 1)
#define PF_USER     (1 << 2)
#define PF_RSVD     (1 << 3)    /* reserved bit set in a page-table entry */
#define PF_FETCH    (1 << 4)    /* instruction fetch */

struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;        /* which vector (0..255) brought us here */
    uint64_t err;           /* the CPU's error code, or 0 */
    uint64_t rip, cs, rflags, rsp, ss;      /* the CPU's interrupt frame */
};

/* vectors.S hard-codes these offsets. */
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe size (frame.h)");
_Static_assert(offsetof(struct trapframe, rax) == TF_RAX, "trapframe rax (frame.h)");
_Static_assert(offsetof(struct trapframe, vector) == TF_VECTOR, "trapframe vector (frame.h)");
_Static_assert(offsetof(struct trapframe, err) == TF_ERR, "trapframe err (frame.h)");
_Static_assert(offsetof(struct trapframe, rip) == TF_RIP, "trapframe rip (frame.h)");
_Static_assert(offsetof(struct trapframe, cs) == TF_CS, "trapframe cs (frame.h)");
_Static_assert(offsetof(struct trapframe, rflags) == TF_RFLAGS, "trapframe rflags (frame.h)");
_Static_assert(offsetof(struct trapframe, rsp) == TF_RSP, "trapframe rsp (frame.h)");
_Static_assert(offsetof(struct trapframe, ss) == TF_SS, "trapframe ss (frame.h)");

static inline int trap_from_user(const struct trapframe *tf)
{
    return (tf->cs & 3) == 3;
}

#endif
