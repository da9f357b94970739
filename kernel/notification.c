/*
 * notification.c: notification objects, system calls 41-45 (contracts in
 * mica/ipc.h). A notification is a word of bits: signals OR bits in,
 * a wait takes them all. Signals never block; several signals before a
 * wait coalesce into one wake-up.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "ipc.h"
#include "arch/x86_64/trap.h"

static struct kmem_cache *ntfn_cache;

void notification_get(struct notification *n)
{
    n->refs++;
}

/* Drop a reference; the last one wakes the waiters with -E_DEAD, unbinds
 * the bound thread, and frees. */
void notification_put(struct notification *n)
{
    assert(n->refs > 0);
    if (--n->refs > 0)
        return;
    struct list_node *node;
    while ((node = list_front(&n->waiters)) != NULL)
        ipc_cancel(list_entry(node, struct thread, run_node), -E_DEAD);
    if (n->bound)
        n->bound->bound_ntfn = NULL;
    ipc_owner_release(&n->owner);
    kmem_cache_free(ntfn_cache, n);
}

void notification_unbind(struct thread *t)
{
    if (t->bound_ntfn) {
        t->bound_ntfn->bound = NULL;
        t->bound_ntfn = NULL;
    }
}

/* If t's bound notification has bits, stage them in t->msg as a
 * notification message, clear them and return true. */
bool notification_take(struct thread *t)
{
    struct notification *n = t->bound_ntfn;
    if (!n || !n->word)
        return false;
    t->msg.info = MSG_INFO(IPC_LABEL_NOTIFY, 0, 0);
    t->msg.badge = n->word;
    n->word = 0;
    return true;
}

static int lookup_ntfn(cap_t slot, uint32_t rights, struct cap **c)
{
    return cap_lookup_cap(current()->space, slot, CAP_TYPE_NOTIFICATION, rights, c);
}

long sys_notification_create(void)
{
    struct space *s = current()->space;
    bool room = false;
    for (cap_t i = CAP_FIRST_FREE; i < CAP_TABLE_SLOTS && !room; i++)
        room = cap_slot(s, i)->type == CAP_TYPE_NONE;
    if (!room || s->ipc_count >= IPC_OBJECTS_MAX)
        return -E_FULL;
    if (!ntfn_cache && !(ntfn_cache = kmem_cache_create("notification", sizeof(struct notification))))
        return -E_NOMEM;
    struct notification *n = kmem_cache_alloc(ntfn_cache);
    if (!n)
        return -E_NOMEM;
    memset(n, 0, sizeof *n);
    list_init(&n->waiters);
    ipc_owner_charge(&n->owner, s);
    return cap_insert(s, -1, CAP_TYPE_NOTIFICATION, RIGHTS_ALL, n);
}

/* OR bits into the word; wake the first waiter, or end the bound thread's
 * endpoint receive. Also called from interrupt handlers (irq.c). Returns 0. */
int notification_signal(struct notification *n, uint64_t bits)
{
    /* LAB 4 BEGIN: signal: OR in the badge, wake a waiter or the bound receiver */
    n->word |= bits;
    struct list_node *node = list_front(&n->waiters);
    struct thread *b = n->bound;
    if (node) {
        struct thread *t = list_entry(node, struct thread, run_node);
        uint64_t word = n->word;
        n->word = 0;
        ipc_cancel(t, (long)word);
    } else if (b && b->state == THREAD_BLOCKED && b->blocked_on == BLOCK_RECV) {
        notification_take(b);
        ipc_cancel(b, 0);
    }
    /* LAB 4 STUB
    (void)n; (void)bits;
    return -E_NOSYS;
    LAB 4 END */
    return 0;
}

/* Signal with the capability's badge (1 if none). */
long sys_notify_signal(cap_t slot)
{
    struct cap *c;
    int err = lookup_ntfn(slot, RIGHT_SEND, &c);
    if (err)
        return err;
    return notification_signal(c->object, c->badge ? c->badge : 1);
}

/* Block until the word is non-zero; return it and clear it. */
long sys_notify_wait(cap_t slot)
{
    struct cap *c;
    int err = lookup_ntfn(slot, RIGHT_RECV, &c);
    if (err)
        return err;
    struct notification *n = c->object;
    struct thread *cur = current();
    if (n->word) {
        uint64_t bits = n->word;
        n->word = 0;
        return (long)bits;
    }
    list_push_back(&n->waiters, &cur->run_node);
    cur->ipc_ntfn = n;
    sched_block(BLOCK_NOTIFY, THREAD_BLOCKED);
    return cur->ipc_result;
}

long sys_notify_poll(cap_t slot)
{
    struct cap *c;
    int err = lookup_ntfn(slot, RIGHT_RECV, &c);
    if (err)
        return err;
    struct notification *n = c->object;
    uint64_t bits = n->word;
    n->word = 0;
    return (long)bits;
}

/* Bind the notification (receive right) to the thread (write right), or
 * unbind with ntfn 0. -E_BUSY if either is bound already. */
long sys_notify_bind(cap_t thread, cap_t ntfn)
{
    struct thread *t;
    struct cap *c = NULL;
    int err = cap_lookup(current()->space, thread, CAP_TYPE_THREAD, RIGHT_WRITE, (void **)&t);
    if (!err && ntfn != 0)
        err = lookup_ntfn(ntfn, RIGHT_RECV, &c);
    if (err)
        return err;
    if (!c) {
        notification_unbind(t);
        return 0;
    }
    struct notification *n = c->object;
    if (t->bound_ntfn || n->bound)
        return -E_BUSY;
    if (t->state == THREAD_DEAD)
        return -E_DEAD;
    t->bound_ntfn = n;
    n->bound = t;
    return 0;
}
