/*
 * crt0.S: where every user program and every thread starts.
 *
 * The kernel enters _start in ring 3 with rsp at the top of a fresh stack and
 * rdi pointing at the startup information (for the root task: the read-only
 * boot-info page). thread_entry is where threads from thread_spawn() start,
 * with their struct in rdi. Both clear rbp, which ends the frame-pointer
 * chain for debuggers, and call into C so that the C function sees the stack
 * alignment the ABI promises (rsp + 8 a multiple of 16 at entry).
 */
    .section .text.start, "ax"
    .globl _start
_start:
    xor     %ebp, %ebp
    and     $-16, %rsp
    call    ulib_start          /* (const void *startup): does not return */
    ud2

    .text
    .globl thread_entry
thread_entry:
    xor     %ebp, %ebp
    and     $-16, %rsp
    call    thread_body         /* (struct uthread *): does not return */
    ud2

    .section .note.GNU-stack, "", @progbits
