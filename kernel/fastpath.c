/*
 * fastpath.c: the IPC fastpath, and its counters (sys_ipc_stats, contract
 * in mica/ipc.h).
 *
 * sys_ipc_call() and sys_ipc_reply_recv() try it before the general path
 * (ipc.c). For a register-only message to a partner that already waits in
 * a plain IPC system call, with nothing to print and nobody the scheduler
 * would prefer, it hands the message over and switches straight to the
 * partner: no staging in struct kmsg, no ready queue, no schedule(). The
 * state it leaves is the one the general path would leave; anything
 * unusual returns to the general path, counted by reason.
 *
 * The switch. The partner blocked inside its IPC call, and all that call
 * had left to do was to load the message into its registers and return to
 * user mode. The fastpath does that for it (in its trapframe) and leaves
 * through the partner's trapframe, abandoning the rest of its kernel stack.
 * The current thread is parked the same way: its kernel stack is abandoned
 * and its saved context made to resume in ipc_fastpath_resume(), which
 * finishes its call as do_send()/do_recv() would once schedule() or another
 * fastpath brings it back. The address space changes (CR3) only when the
 * partner lives in another one.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "ipc.h"
#include "vm.h"
#include "arch/x86_64/trap.h"

_Static_assert(SYS_ipc_call == 35 && SYS_ipc_reply_recv == 37, "syscall_entry.S's numbers");

static struct ipc_stats stats;

/* syscall_entry.S: park prev (its saved context resumes in
 * ipc_fastpath_resume) and return to user mode through next_tf. */
void ipc_fastpath_switch(uint64_t *prev_saved_rsp, struct trapframe *prev_tf,
                         struct trapframe *next_tf) __attribute__((noreturn));
void ipc_fastpath_syscall(struct trapframe *tf);

bool ipc_fastpath_miss(enum ipc_fastpath_miss why)
{
    stats.misses[why]++;
    return false;
}

long sys_ipc_stats(uint64_t out)
{
    return copy_to_user(out, &stats, sizeof stats);
}

/* A thread the fastpath parked runs again, switched to by schedule():
 * finish its call as the general path's tail would; syscall_entry.S then
 * returns to user mode through its trapframe. */
void ipc_fastpath_resume(struct thread *prev)
{
    sched_finish_switch(prev);
    struct thread *cur = current();
    cur->tf->rax = (uint64_t)(cur->ipc_result == 0 ? ipc_finish_receive(cur) : cur->ipc_result);
    sched_preempt_point();
}

/* LAB 4 BEGIN: challenge: the IPC fastpath */

/* Why the fastpath is off for the whole boot (fastpath=0, or a trace that
 * wants a line per step), or -1 when it is on; -2 until first asked. */
static int off_reason = -2;

static inline int fastpath_off(void)
{
    if (off_reason == -2) {
        off_reason = -1;
        if (!cmdline_int("fastpath", 1, 0, 1))
            off_reason = IPC_MISS_disabled;
        else if (ipc_tracing() || sched_tracing())
            off_reason = IPC_MISS_tracing;
    }
    return off_reason;
}

/* The capability in slot of the current space, if it is an endpoint with
 * the given right: cap_lookup_cap() without the error codes. */
static inline struct cap *endpoint_cap(struct thread *cur, cap_t slot, uint32_t right)
{
    if (slot <= CAP_NULL || slot >= CAP_TABLE_SLOTS)
        return NULL;
    struct cap *c = &cur->space->caps->slots[slot];
    return c->type == CAP_TYPE_ENDPOINT && (c->rights & right) ? c : NULL;
}

/* t blocked in system call num (its trapframe still holds the number) and
 * nothing else is pending on it. Fault messages (lab 5) block threads in
 * a trap, not a system call: they are not fastpath partners. */
static inline bool waits_in(struct thread *t, uint64_t num, enum block_reason why)
{
    return t->is_user && t->state == THREAD_BLOCKED && t->blocked_on == why &&
           !t->suspend_pending && t->tf->vector == T_SYSCALL && t->tf->rax == num;
}

/* Why schedule() might not pick t next, or -1 if it surely would. */
static inline int switch_refused(struct thread *t)
{
    if (this_cpu()->need_resched)
        return IPC_MISS_resched;
    if (sched_best_ready_priority() >= t->priority)
        return IPC_MISS_priority;
    return -1;
}

/* ipc_decode_receive(), inline for the common case without an IPC buffer. */
static inline bool receive_decoded(struct thread *cur)
{
    if (cur->ipc_buffer)
        return ipc_decode_receive(cur) == 0;
    cur->ipc_recv_slot = 0;
    cur->ipc_recv_max = IPC_REG_WORDS;
    return true;
}

/* Finish t's receive as ipc_finish_receive() would: a register-only
 * message, words beyond its length zero, result 0. */
static inline void deliver(struct thread *t, uint64_t badge, uint64_t info, const uint64_t w[4])
{
    struct trapframe *tf = t->tf;
    unsigned len = MSG_LEN(info);
    tf->rax = 0;
    tf->rdi = badge;
    tf->rsi = info;
    tf->rdx = len > 0 ? w[0] : 0;
    tf->r10 = len > 1 ? w[1] : 0;
    tf->r8 = len > 2 ? w[2] : 0;
    tf->r9 = len > 3 ? w[3] : 0;
}

/* cur has blocked; run next (woken) in its place, as schedule() would. */
static void __attribute__((noreturn)) switch_to(struct thread *cur, struct thread *next)
{
    struct cpu *cpu = this_cpu();
    next->state = THREAD_RUNNING;
    next->blocked_on = BLOCK_NONE;
    next->slice_left = sched_timeslice();
    cpu->context_switches++;
    cpu->current = next;
    cpu->kernel_rsp = next->kstack_top;
    tss_set_rsp0(next->kstack_top);
    if (next->space != cur->space)
        vm_switch(next->space->vm);
    stats.hits++;
    ipc_fastpath_switch(&cur->saved_rsp, cur->tf, next->tf);
}

/* The message is register-only and well formed, else the reason. */
static inline int message_refused(uint64_t info)
{
    if (info & MSG_RESERVED)
        return IPC_MISS_invalid;
    if (MSG_HAS_CAP(info))
        return IPC_MISS_cap_transfer;
    if (MSG_LEN(info) > IPC_REG_WORDS)
        return IPC_MISS_long_message;
    return -1;
}

/* sys_ipc_call(): the receiver first in the endpoint's queue gets the
 * message and the reply right; the caller waits for the reply. */
static bool fastpath_call(cap_t slot, uint64_t info, const uint64_t w[4])
{
    struct thread *cur = current();
    if (fastpath_off() >= 0)
        return ipc_fastpath_miss(fastpath_off());
    struct cap *c = endpoint_cap(cur, slot, RIGHT_SEND);
    if (!c)
        return ipc_fastpath_miss(IPC_MISS_invalid);
    int why = message_refused(info);
    if (why >= 0)
        return ipc_fastpath_miss(why);
    struct endpoint *ep = c->object;
    if (ep->state != EP_RECEIVERS)
        return ipc_fastpath_miss(IPC_MISS_no_receiver);
    struct thread *r = list_entry(list_front(&ep->queue), struct thread, run_node);
    if ((!waits_in(r, SYS_ipc_recv, BLOCK_RECV) && !waits_in(r, SYS_ipc_reply_recv, BLOCK_RECV)) ||
        r->reply_to)
        return ipc_fastpath_miss(IPC_MISS_partner);
    if ((why = switch_refused(r)) >= 0)
        return ipc_fastpath_miss(why);
    if (!receive_decoded(cur))                  /* where the reply may put a capability */
        return ipc_fastpath_miss(IPC_MISS_buffer);

    endpoint_dequeue(ep, r);
    timer_queue_remove(r);                      /* a receive with a timeout */
    deliver(r, c->badge, info, w);
    r->reply_to = cur;
    cur->reply_from = r;
    cur->state = THREAD_BLOCKED;
    cur->blocked_on = BLOCK_REPLY;
    switch_to(cur, r);
}

/* sys_ipc_reply_recv(): the pending caller gets the reply; the current
 * thread waits on the endpoint for the next message. */
static bool fastpath_reply_recv(cap_t slot, uint64_t info, const uint64_t w[4])
{
    struct thread *cur = current();
    struct thread *caller = cur->reply_to;
    if (fastpath_off() >= 0)
        return ipc_fastpath_miss(fastpath_off());
    struct cap *c = endpoint_cap(cur, slot, RIGHT_RECV);
    if (!c)
        return ipc_fastpath_miss(IPC_MISS_invalid);
    if (!caller)
        return ipc_fastpath_miss(IPC_MISS_no_caller);
    int why = message_refused(info);
    if (why >= 0)
        return ipc_fastpath_miss(why);
    struct endpoint *ep = c->object;
    if (ep->state == EP_SENDERS)
        return ipc_fastpath_miss(IPC_MISS_sender_queued);
    if (cur->bound_ntfn && cur->bound_ntfn->word)
        return ipc_fastpath_miss(IPC_MISS_notification);
    if (!waits_in(caller, SYS_ipc_call, BLOCK_REPLY))
        return ipc_fastpath_miss(IPC_MISS_partner);
    if ((why = switch_refused(caller)) >= 0)
        return ipc_fastpath_miss(why);
    if (!receive_decoded(cur))
        return ipc_fastpath_miss(IPC_MISS_buffer);

    cur->reply_to = NULL;
    caller->reply_from = NULL;
    deliver(caller, 0, info, w);
    endpoint_enqueue(ep, cur, EP_RECEIVERS);
    cur->state = THREAD_BLOCKED;
    cur->blocked_on = BLOCK_RECV;
    switch_to(cur, caller);
}

/* syscall_entry.S, for SYS_ipc_call and SYS_ipc_reply_recv with the
 * trapframe just built: switch to the partner, or return (the miss counted)
 * for the general path. The words are read in place from the trapframe. */
void ipc_fastpath_syscall(struct trapframe *tf)
{
    const uint64_t w[4] = { tf->rdx, tf->r10, tf->r8, tf->r9 };
    if (tf->rax == SYS_ipc_call)
        fastpath_call((cap_t)tf->rdi, tf->rsi, w);
    else
        fastpath_reply_recv((cap_t)tf->rdi, tf->rsi, w);
}
/* LAB 4 STUB
void ipc_fastpath_syscall(struct trapframe *tf)
{
    ipc_fastpath_miss(IPC_MISS_disabled);
}
LAB 4 END */
