/*
 * ipc.c: synchronous message passing through endpoints (contracts in
 * mica/ipc.h), system calls 32-40.
 *
 * A message is staged in the kernel: the sender's decode copies its words
 * (registers and IPC buffer) into its own thread's msg; the transfer copies
 * msg to the receiver's msg (and derives the capability, if any); the
 * receiver, back in its own system call, moves msg into its registers and
 * its own IPC buffer. So user memory is only ever touched by its owner.
 *
 * Each call decodes (capabilities, info, buffers: may fail, changes nothing
 * visible) and then invokes (cannot fail). trace=ipc prints one line per
 * transfer, named by the call that completed it:
 *   ipc: t=<tick> <send|recv|call|reply> <from>#<id> -> <to>#<id> label=<n>
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "ipc.h"
#include "arch/x86_64/trap.h"

static int tracing = -1;            /* -1: not yet read from the command line */

/* trace=ipc is on (the fastpath, which prints nothing, then stays out). */
bool ipc_tracing(void)
{
    if (tracing < 0)
        tracing = cmdline_has("trace", "ipc");
    return tracing;
}

static void trace(const char *event, struct thread *from, struct thread *to, uint64_t info)
{
    if (ipc_tracing())
        kprintf("ipc: t=%lu %s %s#%lu -> %s#%lu label=%lu\n", timer_ticks(), event,
                from->name, from->id, to->name, to->id, MSG_LABEL(info));
}

/* ---- decode ---- */

#define BUF_WORD(buf, i)  ((buf) + (i) * sizeof(uint64_t))
#define BUF_SEND_CAP(buf) ((buf) + offsetof(struct ipc_buffer, send_cap))
#define BUF_RECV_SLOT(buf) ((buf) + offsetof(struct ipc_buffer, recv_slot))

/* Stage the caller's outgoing message (info, words in w[] and its IPC
 * buffer) in cur->msg. may_grant: the capability used allows MSG_CAP.
 * Returns 0, -E_INVAL, -E_FAULT, -E_NORIGHTS, -E_BADCAP. */
static int decode_message(struct thread *cur, uint64_t info, const uint64_t w[4], bool may_grant)
{
    unsigned len = MSG_LEN(info);
    if (len > IPC_MAX_WORDS || (info & MSG_RESERVED))
        return -E_INVAL;
    if ((len > IPC_REG_WORDS || MSG_HAS_CAP(info)) && !cur->ipc_buffer)
        return -E_INVAL;
    if (MSG_HAS_CAP(info)) {
        struct cap *c;
        if (!may_grant)
            return -E_NORIGHTS;
        if (copy_from_user(&cur->ipc_send_cap, BUF_SEND_CAP(cur->ipc_buffer), sizeof(cap_t)))
            return -E_FAULT;
        int err = cap_lookup_cap(cur->space, cur->ipc_send_cap, CAP_TYPE_NONE, 0, &c);
        if (err)
            return err;
    }
    if (len > IPC_REG_WORDS &&
        copy_from_user(&cur->msg.words[IPC_REG_WORDS], BUF_WORD(cur->ipc_buffer, IPC_REG_WORDS),
                       (len - IPC_REG_WORDS) * sizeof(uint64_t)))
        return -E_FAULT;
    memcpy(cur->msg.words, w, IPC_REG_WORDS * sizeof(uint64_t));
    cur->msg.info = info;
    return 0;
}

/* Note where the caller can take a message: up to 4 words without an IPC
 * buffer, 64 with one, and a capability into the buffer's recv_slot.
 * Returns 0, -E_FAULT or -E_BADCAP; the fastpath uses it too. */
int ipc_decode_receive(struct thread *cur)
{
    cur->ipc_recv_slot = 0;
    cur->ipc_recv_max = IPC_REG_WORDS;
    if (!cur->ipc_buffer)
        return 0;
    cap_t slot;
    if (copy_from_user(&slot, BUF_RECV_SLOT(cur->ipc_buffer), sizeof slot))
        return -E_FAULT;
    if (slot != 0 && !cap_slot(cur->space, slot))
        return -E_BADCAP;
    cur->ipc_recv_slot = slot;
    cur->ipc_recv_max = IPC_MAX_WORDS;
    return 0;
}

/* The endpoint in slot, needing rights; *badge and *grant from the cap. */
static int lookup_endpoint(cap_t slot, uint32_t rights, struct endpoint **ep, uint64_t *badge,
                           bool *grant)
{
    struct cap *c;
    int err = cap_lookup_cap(current()->space, slot, CAP_TYPE_ENDPOINT, rights, &c);
    if (err)
        return err;
    *ep = c->object;
    if (badge)
        *badge = c->badge;
    if (grant)
        *grant = (c->rights & RIGHT_GRANT) != 0;
    return 0;
}

/* ---- invoke ---- */

/* Copy from's staged message to to (truncated to what to can take), with
 * the capability if grant allows and to named an empty slot. */
static void transfer(struct thread *from, struct thread *to, uint64_t badge, bool grant)
{
    uint64_t info = from->msg.info;
    unsigned len = MIN(MSG_LEN(info), to->ipc_recv_max);
    bool cap = false;

    memcpy(to->msg.words, from->msg.words, len * sizeof(uint64_t));
    for (unsigned i = len; i < IPC_REG_WORDS; i++)
        to->msg.words[i] = 0;           /* no stale words in the registers */
    if (MSG_HAS_CAP(info) && grant && to->ipc_recv_slot) {
        struct cap *src = cap_slot(from->space, from->ipc_send_cap);
        struct cap *dst = cap_slot(to->space, to->ipc_recv_slot);
        if (src && src->type != CAP_TYPE_NONE && dst && dst->type == CAP_TYPE_NONE) {
            cap_derive(src, dst, src->rights, src->badge);
            cap = true;
        }
    }
    to->msg.info = MSG_INFO(MSG_LABEL(info), len, cap);
    to->msg.badge = badge;
}

/* Back in the receiver's own call: hand it the message in its registers
 * and IPC buffer. Returns 0, or -E_FAULT if the buffer went away. */
long ipc_finish_receive(struct thread *cur)
{
    struct trapframe *tf = cur->tf;
    struct kmsg *m = &cur->msg;
    tf->rdi = m->badge;
    tf->rsi = m->info;
    tf->rdx = m->words[0];
    tf->r10 = m->words[1];
    tf->r8 = m->words[2];
    tf->r9 = m->words[3];
    unsigned len = MSG_LEN(m->info);
    if (len > IPC_REG_WORDS &&
        copy_to_user(BUF_WORD(cur->ipc_buffer, IPC_REG_WORDS), &m->words[IPC_REG_WORDS],
                     (len - IPC_REG_WORDS) * sizeof(uint64_t)))
        return -E_FAULT;
    return 0;
}

/* Wake t, blocked in an IPC call, with result (0 when a message arrived). */
static void wake(struct thread *t, long result)
{
    timer_queue_remove(t);
    t->ipc_result = result;
    sched_make_ready(t, WAKE_IPC);
}

/* Take t off whatever IPC queue it waits on and wake it with result
 * (-E_TIMEOUT, -E_DEAD). */
void ipc_cancel(struct thread *t, long result)
{
    if (t->ipc_ep)
        endpoint_dequeue(t->ipc_ep, t);
    if (t->ipc_ntfn) {
        list_remove(&t->run_node);
        t->ipc_ntfn = NULL;
    }
    wake(t, result);
}

/* The receive timeout of t expired (the timer queue already dropped it). */
void ipc_timeout(struct thread *t)
{
    if (t->ipc_ep)
        endpoint_dequeue(t->ipc_ep, t);
    t->ipc_result = -E_TIMEOUT;
    sched_make_ready(t, WAKE_TIMEOUT);
}

/* Give up cur's one-shot reply right: its caller gets -E_DEAD. */
static void drop_reply(struct thread *cur)
{
    if (cur->reply_to) {
        cur->reply_to->reply_from = NULL;
        wake(cur->reply_to, -E_DEAD);
        cur->reply_to = NULL;
    }
}

/* The thread is exiting: its pending caller and bound notification. */
void ipc_thread_exit(struct thread *t)
{
    drop_reply(t);
    notification_unbind(t);
}

/* t is being killed while blocked in an IPC call (thread_kill): take it off
 * the endpoint or notification it waits on; if it waits for a reply, the
 * thread holding its reply right forgets it (that reply then has nobody to
 * go to, as if it had never been asked for). */
void ipc_thread_killed(struct thread *t)
{
    if (t->ipc_ep)
        endpoint_dequeue(t->ipc_ep, t);
    if (t->ipc_ntfn) {
        list_remove(&t->run_node);
        t->ipc_ntfn = NULL;
    }
    if (t->reply_from) {
        t->reply_from->reply_to = NULL;
        t->reply_from = NULL;
    }
}

/* A sender (call or send) meets a waiting or arriving receiver. */
static void deliver_send(struct thread *s, struct thread *r, struct thread *cur)
{
    transfer(s, r, s->ipc_badge, s->ipc_grant);
    trace(cur == r ? "recv" : s->ipc_is_call ? "call" : "send", s, r, s->msg.info);
    drop_reply(r);
    if (s->ipc_is_call) {
        r->reply_to = s;
        s->reply_from = r;
        s->blocked_on = BLOCK_REPLY;
    }
}

/* Send cur's staged message on ep; block (if allowed) until received and,
 * for a call, until replied. */
static long do_send(struct endpoint *ep, uint64_t badge, bool grant, bool block, bool call)
{
    struct thread *cur = current();
    cur->ipc_badge = badge;
    cur->ipc_grant = grant;
    cur->ipc_is_call = call;

    /* LAB 4 BEGIN: the send side of the rendezvous */
    if (ep->state == EP_RECEIVERS) {
        struct thread *r = endpoint_dequeue(ep, NULL);
        deliver_send(cur, r, cur);
        wake(r, 0);
        if (!call)
            return 0;
        sched_block(BLOCK_REPLY, THREAD_BLOCKED);
    } else {
        if (!block)
            return -E_AGAIN;
        endpoint_enqueue(ep, cur, EP_SENDERS);
        sched_block(BLOCK_SEND, THREAD_BLOCKED);
    }
    /* LAB 4 STUB
    (void)ep; (void)block; (void)deliver_send;
    return -E_NOSYS;
    LAB 4 END */
    if (call && cur->ipc_result == 0)
        return ipc_finish_receive(cur);
    return cur->ipc_result;
}

/* Receive on ep into cur (whose receive side is decoded), waiting at most
 * timeout ticks. */
static long do_recv(struct endpoint *ep, tick_t timeout)
{
    struct thread *cur = current();

    if (notification_take(cur))
        return ipc_finish_receive(cur);
    /* LAB 4 BEGIN: the receive side of the rendezvous */
    if (ep->state == EP_SENDERS) {
        struct thread *s = endpoint_dequeue(ep, NULL);
        deliver_send(s, cur, cur);
        if (!s->ipc_is_call)
            wake(s, 0);
        return ipc_finish_receive(cur);
    }
    if (timeout == 0)
        return -E_AGAIN;
    drop_reply(cur);
    endpoint_enqueue(ep, cur, EP_RECEIVERS);
    if (timeout != TIMEOUT_FOREVER) {
        uint64_t now = timer_ticks();
        timer_queue_add(cur, now + timeout < now ? UINT64_MAX : now + timeout);
    }
    sched_block(BLOCK_RECV, THREAD_BLOCKED);
    /* LAB 4 STUB
    (void)ep; (void)timeout;
    return -E_NOSYS;
    LAB 4 END */
    return cur->ipc_result == 0 ? ipc_finish_receive(cur) : cur->ipc_result;
}

/* Answer cur's pending caller with cur's staged message. */
static void do_reply(struct thread *cur)
{
    struct thread *caller = cur->reply_to;
    cur->reply_to = NULL;
    caller->reply_from = NULL;
    /* A reply may carry a capability: the caller opted in with recv_slot. */
    transfer(cur, caller, 0, true);
    trace("reply", cur, caller, cur->msg.info);
    wake(caller, 0);
}

/* ---- system calls ---- */

long sys_endpoint_create(void)
{
    struct space *s = current()->space;
    struct cap *dst = NULL;
    for (cap_t i = CAP_FIRST_FREE; i < CAP_TABLE_SLOTS && !dst; i++)
        if (cap_slot(s, i)->type == CAP_TYPE_NONE)
            dst = cap_slot(s, i);
    if (!dst)
        return -E_FULL;
    if (s->ipc_count >= IPC_OBJECTS_MAX)
        return -E_FULL;
    struct endpoint *ep = endpoint_new(s);
    if (!ep)
        return -E_NOMEM;
    return cap_insert(s, -1, CAP_TYPE_ENDPOINT, RIGHTS_ALL, ep);
}

static long send_common(cap_t slot, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2,
                        uint64_t w3, bool block, bool call)
{
    struct thread *cur = current();
    const uint64_t w[4] = { w0, w1, w2, w3 };
    struct endpoint *ep;
    uint64_t badge;
    bool grant;
    if (!call)                  /* calls tried the fastpath on entry (fastpath.c) */
        ipc_fastpath_miss(IPC_MISS_not_call);
    int err = lookup_endpoint(slot, RIGHT_SEND, &ep, &badge, &grant);
    if (!err)
        err = decode_message(cur, info, w, grant);
    if (!err && call)
        err = ipc_decode_receive(cur);
    if (err)
        return err;
    return do_send(ep, badge, grant, block, call);
}

long sys_ipc_send(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    return send_common(ep, info, w0, w1, w2, w3, true, false);
}

long sys_ipc_nbsend(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    return send_common(ep, info, w0, w1, w2, w3, false, false);
}

long sys_ipc_call(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    return send_common(ep, info, w0, w1, w2, w3, true, true);
}

long sys_ipc_recv(cap_t slot, tick_t timeout)
{
    struct endpoint *ep;
    ipc_fastpath_miss(IPC_MISS_not_call);
    int err = lookup_endpoint(slot, RIGHT_RECV, &ep, NULL, NULL);
    if (!err)
        err = ipc_decode_receive(current());
    return err ? err : do_recv(ep, timeout);
}

long sys_ipc_nbrecv(cap_t slot)
{
    return sys_ipc_recv(slot, 0);
}

long sys_ipc_reply(cap_t unused, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    struct thread *cur = current();
    const uint64_t w[4] = { w0, w1, w2, w3 };
    ipc_fastpath_miss(IPC_MISS_not_call);
    if (!cur->reply_to)
        return -E_BADCAP;
    int err = decode_message(cur, info, w, true);
    if (err)
        return err;
    do_reply(cur);
    return 0;
}

long sys_ipc_reply_recv(cap_t slot, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2,
                        uint64_t w3)
{
    struct thread *cur = current();
    const uint64_t w[4] = { w0, w1, w2, w3 };
    struct endpoint *ep;
    int err = lookup_endpoint(slot, RIGHT_RECV, &ep, NULL, NULL);
    if (!err && cur->reply_to)
        err = decode_message(cur, info, w, true);
    if (!err)
        err = ipc_decode_receive(cur);
    if (err)
        return err;
    if (cur->reply_to)
        do_reply(cur);
    return do_recv(ep, TIMEOUT_FOREVER);
}

/* Register the calling thread's IPC buffer (0: none). It must be a
 * writable user range; it is checked again at every use. */
long sys_ipc_set_buffer(uint64_t addr)
{
    if (addr != 0 && (addr % sizeof(uint64_t) != 0 ||
                      !user_range_ok(addr, sizeof(struct ipc_buffer), true)))
        return -E_FAULT;
    current()->ipc_buffer = addr;
    return 0;
}

/* ---- fault messages (fault.c) ---- */

/* Make the current thread call ep with the fault message w (mica/ipc.h), as
 * sys_ipc_call() would, and wait for the reply. Returns 0 with the reply in
 * cur->msg, or -E_DEAD (the endpoint died, the handler would not reply).
 * The reply's words land in the thread's registers: fault.c restores them. */
long ipc_fault_call(struct endpoint *ep, uint64_t badge, const uint64_t w[4])
{
    struct thread *cur = current();
    memcpy(cur->msg.words, w, IPC_REG_WORDS * sizeof(uint64_t));
    cur->msg.info = MSG_INFO(IPC_LABEL_FAULT, FAULT_MSG_WORDS, 0);
    cur->ipc_recv_slot = 0;
    cur->ipc_recv_max = IPC_REG_WORDS;
    return do_send(ep, badge, false, true, true);
}
