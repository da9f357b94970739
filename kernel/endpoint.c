/*
 * endpoint.c: endpoint objects. An endpoint is a queue of threads waiting to
 * send or to receive (never both at once); ipc.c does the transfers. It lives
 * while capabilities name it; when the last one goes, every queued thread
 * wakes with -E_DEAD. Also the per-space limit on IPC objects.
 */
#include "kernel.h"
#include "thread.h"
#include "ipc.h"

static struct kmem_cache *endpoint_cache;

/* Charge one IPC object to s: 0, or -E_FULL at IPC_OBJECTS_MAX. */
int ipc_owner_charge(struct ipc_owner *o, struct space *s)
{
    if (s->ipc_count >= IPC_OBJECTS_MAX)
        return -E_FULL;
    s->ipc_count++;
    o->space = s;
    list_push_back(&s->ipc_objects, &o->node);
    return 0;
}

void ipc_owner_release(struct ipc_owner *o)
{
    if (o->space) {
        o->space->ipc_count--;
        list_remove(&o->node);
        o->space = NULL;
    }
}

/* s is being freed: its objects that live on are charged to nobody. */
void ipc_space_freed(struct space *s)
{
    struct list_node *n;
    while ((n = list_front(&s->ipc_objects)) != NULL) {
        list_remove(n);
        list_entry(n, struct ipc_owner, node)->space = NULL;
    }
    s->ipc_count = 0;
}

/* A new idle endpoint with no references, charged to owner. NULL when
 * memory is short or owner is at its limit. */
struct endpoint *endpoint_new(struct space *owner)
{
    if (!endpoint_cache && !(endpoint_cache = kmem_cache_create("endpoint", sizeof(struct endpoint))))
        return NULL;
    if (owner->ipc_count >= IPC_OBJECTS_MAX)
        return NULL;
    struct endpoint *ep = kmem_cache_alloc(endpoint_cache);
    if (!ep)
        return NULL;
    memset(ep, 0, sizeof *ep);
    ep->state = EP_IDLE;
    list_init(&ep->queue);
    list_init(&ep->fault_clients);
    ipc_owner_charge(&ep->owner, owner);
    return ep;
}

void endpoint_get(struct endpoint *ep)
{
    ep->refs++;
}

/* Drop a reference; the last one wakes the queue with -E_DEAD and frees. */
void endpoint_put(struct endpoint *ep)
{
    assert(ep->refs > 0);
    if (--ep->refs > 0)
        return;
    struct list_node *n;
    while ((n = list_front(&ep->queue)) != NULL)
        ipc_cancel(list_entry(n, struct thread, run_node), -E_DEAD);
    fault_endpoint_died(ep);
    ipc_owner_release(&ep->owner);
    kmem_cache_free(endpoint_cache, ep);
}

/* Queue t (blocking as a sender or a receiver) behind the threads of its
 * priority and ahead of lower ones. */
void endpoint_enqueue(struct endpoint *ep, struct thread *t, enum endpoint_state as)
{
    assert(ep->state == EP_IDLE || ep->state == as);
    /* LAB 4 BEGIN: queue blocked threads by priority, FIFO within one */
    struct list_node *pos = ep->queue.head.prev;
    while (pos != &ep->queue.head &&
           list_entry(pos, struct thread, run_node)->priority < t->priority)
        pos = pos->prev;
    list_insert_after(pos, &t->run_node);
    /* LAB 4 STUB
    list_push_back(&ep->queue, &t->run_node);
    LAB 4 END */
    ep->state = as;
    t->ipc_ep = ep;
}

/* Take t (NULL: the first thread) off the queue; returns it. */
struct thread *endpoint_dequeue(struct endpoint *ep, struct thread *t)
{
    if (!t)
        t = list_entry(list_front(&ep->queue), struct thread, run_node);
    list_remove(&t->run_node);
    t->ipc_ep = NULL;
    if (list_empty(&ep->queue))
        ep->state = EP_IDLE;
    return t;
}
