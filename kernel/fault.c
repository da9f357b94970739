/*
 * fault.c: what happens to a user thread that takes a CPU exception
 * (page fault, #GP, #UD, privileged instruction, ...). trap() calls
 * thread_fault() for every exception raised in ring 3.
 *
 * Lab 3: the thread is killed with a report line and the others run on:
 *   fault: thread <name>#<id> killed: <vector name> at rip=0x... addr=0x...
 * (addr is CR2 for a page fault, 0 otherwise). Lab 4 turns this decision
 * into a message to the thread's fault handler.
 */
#include "kernel.h"
#include "thread.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"

void thread_fault(struct trapframe *tf)
{
    struct thread *t = current();
    uint64_t addr = tf->vector == T_PF ? read_cr2() : 0;
    kprintf("fault: thread %s#%lu killed: %s at rip=0x%lx addr=0x%lx\n", t->name, t->id,
            trap_name(tf->vector), tf->rip, addr);
    thread_exit(THREAD_STATUS_KILLED);
}
