/*
 * fault.c: what happens to a user thread that takes a CPU exception
 * (page fault, #GP, #UD, privileged instruction, ...). trap() calls
 * thread_fault() for every exception raised in ring 3.
 *
 * A thread with a fault handler (sys_thread_set_fault_handler, number 15)
 * calls it with a fault message (layout in mica/ipc.h) and, on a reply with
 * label 0, returns to the faulting instruction. Otherwise -- no handler, any
 * other reply, the handler gone -- it is killed with a register dump and
 *   fault: thread <name>#<id> killed: <vector name> at rip=0x... addr=0x...
 * (addr is CR2 for a page fault, 0 otherwise) and the others run on.
 *
 * The handler is a weak reference: it does not keep the endpoint alive (an
 * object dies with its last capability); endpoint.c calls
 * fault_endpoint_died() and every thread using it loses its handler.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "ipc.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"

static void kill(struct thread *t, struct trapframe *tf, uint64_t addr)
{
    trap_dump(tf);
    kprintf("fault: thread %s#%lu killed: %s at rip=0x%lx addr=0x%lx\n", t->name, t->id,
            trap_name(tf->vector), tf->rip, addr);
    thread_exit(THREAD_STATUS_KILLED);
}

/* The FAULT_* bits for an exception (mica/ipc.h). */
static uint64_t access_bits(const struct trapframe *tf)
{
    if (tf->vector != T_PF)
        return FAULT_USER;
    return FAULT_USER | (tf->err & PF_PRESENT ? FAULT_PRESENT : 0) |
           (tf->err & PF_FETCH ? FAULT_EXEC : tf->err & PF_WRITE ? FAULT_WRITE : FAULT_READ);
}

/* Returns only when the handler resumed the thread. */
void thread_fault(struct trapframe *tf)
{
    struct thread *t = current();
    uint64_t addr = tf->vector == T_PF ? read_cr2() : 0;

    /* LAB 5 BEGIN: fault messages: call the handler, resume on a reply with label 0 */
    if (t->fault_ep) {
        const uint64_t w[FAULT_MSG_WORDS] = {
            [FAULT_MSG_ADDR] = addr, [FAULT_MSG_ACCESS] = access_bits(tf),
            [FAULT_MSG_RIP] = tf->rip, [FAULT_MSG_VECTOR] = tf->vector,
        };
        struct trapframe saved = *tf;           /* the reply lands in the registers */
        long r = ipc_fault_call(t->fault_ep, t->fault_badge, w);
        *tf = saved;
        if (r == 0 && MSG_LABEL(t->msg.info) == 0)
            return;
    }
    /* LAB 5 STUB
    (void)access_bits;
    LAB 5 END */
    kill(t, tf, addr);
}

/* Forget t's handler (t is dying, or gets another one). */
void fault_handler_clear(struct thread *t)
{
    if (t->fault_ep) {
        list_remove(&t->fault_node);
        t->fault_ep = NULL;
        t->fault_badge = 0;
    }
}

/* ep's last capability went: no thread sends its faults there any more. */
void fault_endpoint_died(struct endpoint *ep)
{
    struct list_node *n;
    while ((n = list_front(&ep->fault_clients)) != NULL)
        fault_handler_clear(list_entry(n, struct thread, fault_node));
}

/* Set (ep != 0) or remove (ep == 0) the fault handler of the thread. The
 * thread capability needs RIGHT_WRITE, the endpoint RIGHT_SEND. Returns 0,
 * a capability error, or -E_DEAD for a dead thread. */
long sys_thread_set_fault_handler(cap_t thread, cap_t ep)
{
    struct space *s = current()->space;
    struct thread *t;
    struct cap *c = NULL;
    int err = cap_lookup(s, thread, CAP_TYPE_THREAD, RIGHT_WRITE, (void **)&t);
    if (!err && ep != 0)
        err = cap_lookup_cap(s, ep, CAP_TYPE_ENDPOINT, RIGHT_SEND, &c);
    if (err)
        return err;
    if (t->state == THREAD_DEAD)
        return -E_DEAD;
    fault_handler_clear(t);
    if (c) {
        struct endpoint *e = c->object;
        t->fault_ep = e;
        t->fault_badge = c->badge;
        list_push_back(&e->fault_clients, &t->fault_node);
    }
    return 0;
}
