/*
 * ipc.h: endpoint and notification objects (endpoint.c, notification.c) and
 * the message transfer between threads (ipc.c). Contracts seen by user space
 * are in mica/ipc.h. Everything runs with interrupts off (single CPU).
 */
#ifndef IPC_H
#define IPC_H

#include <mica/types.h>
#include <mica/ipc.h>
#include "list.h"

struct thread;
struct space;

/* Who pays for an object: its creator's space, for IPC_OBJECTS_MAX. The
 * space forgets its objects (owner becomes NULL) when it is freed. */
struct ipc_owner {
    struct space *space;
    struct list_node node;              /* on space->ipc_objects */
};

enum endpoint_state {
    EP_IDLE,                            /* nobody waits */
    EP_SENDERS,                         /* queue holds blocked senders */
    EP_RECEIVERS,                       /* queue holds blocked receivers */
};

struct endpoint {
    int refs;                           /* capabilities naming it */
    enum endpoint_state state;
    struct list queue;                  /* threads (run_node): priority, then FIFO */
    struct ipc_owner owner;
    struct list fault_clients;          /* threads whose fault handler it is (fault.c) */
};

struct notification {
    int refs;                           /* capabilities naming it */
    uint64_t word;                      /* pending bits */
    struct list waiters;                /* threads (run_node) in notify_wait, FIFO */
    struct thread *bound;               /* its endpoint receives also end on a signal */
    struct ipc_owner owner;
};

/* A message staged in the kernel (struct thread's msg). */
struct kmsg {
    uint64_t info;
    uint64_t badge;
    uint64_t words[IPC_MAX_WORDS];
};

/* endpoint.c */
struct endpoint *endpoint_new(struct space *owner);    /* NULL: -E_NOMEM or over limit */
void endpoint_get(struct endpoint *ep);
void endpoint_put(struct endpoint *ep);
void endpoint_enqueue(struct endpoint *ep, struct thread *t, enum endpoint_state as);
struct thread *endpoint_dequeue(struct endpoint *ep, struct thread *t);
int ipc_owner_charge(struct ipc_owner *o, struct space *s);
void ipc_owner_release(struct ipc_owner *o);
void ipc_space_freed(struct space *s);

/* notification.c */
void notification_get(struct notification *n);
void notification_put(struct notification *n);
void notification_unbind(struct thread *t);
bool notification_take(struct thread *t);

/* ipc.c */
void ipc_cancel(struct thread *t, long result);
void ipc_timeout(struct thread *t);
void ipc_thread_exit(struct thread *t);
void ipc_thread_killed(struct thread *t);
bool ipc_tracing(void);
int ipc_decode_receive(struct thread *cur);
long ipc_finish_receive(struct thread *cur);

/* fastpath.c: syscall_entry.S tries ipc_fastpath_syscall() for every call
 * and reply_recv; it returns only when the general path must run, and on
 * success switches to the partner. */
bool ipc_fastpath_miss(enum ipc_fastpath_miss why);    /* count a miss; false */

#endif
