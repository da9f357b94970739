/*
 * thread.h: threads, address spaces and the per-CPU area.
 *
 * Lock legend: Mica runs on one CPU and the kernel runs with interrupts off
 * (except in the idle thread and kernel test threads, which touch none of
 * this between their own cli/sti), so every field below is protected by
 * "interrupts off". Fields marked [i] never change after creation.
 */
#ifndef THREAD_H
#define THREAD_H

#include <mica/types.h>
#include <mica/syscall.h>
#include "list.h"
#include "ipc.h"

struct trapframe;
struct cap_table;
struct vm_space;

/* Why a thread in THREAD_SLEEPING, THREAD_BLOCKED or THREAD_SUSPENDED waits
 * (the trace's on=<what>). */
enum block_reason {
    BLOCK_NONE,
    BLOCK_SLEEP,
    BLOCK_JOIN,
    BLOCK_SUSPEND,
    BLOCK_SEND,         /* queued on an endpoint as a sender (send or call) */
    BLOCK_RECV,         /* queued on an endpoint as a receiver */
    BLOCK_REPLY,        /* a call was received; waiting for the reply */
    BLOCK_NOTIFY,       /* in notify_wait */
};

/* Why a thread became ready (the trace's by=<reason>). */
enum wake_reason {
    WAKE_START,
    WAKE_SLEEP,
    WAKE_RESUME,
    WAKE_JOIN,
    WAKE_PRIO,
    WAKE_TIMEOUT,
    WAKE_IPC,           /* a message, reply or signal arrived (or the object died) */
};

struct thread {
    uint64_t saved_rsp;         /* kernel rsp while switched out; switch.S uses offset 0 */
    uint64_t id;                /* [i] unique until reboot; the idle thread is 0 */
    char name[20];              /* [i] NUL-terminated, no spaces */
    enum thread_state state;
    enum block_reason blocked_on;
    bool suspend_pending;       /* suspended while sleeping or blocked: stop when woken */
    bool started;               /* thread_start() has run */
    bool is_user;               /* [i] returns to ring 3 through tf */
    int priority;               /* PRIO_MIN..PRIO_MAX */
    int slice_left;             /* ticks left of the current time slice */
    uint64_t cpu_ticks;         /* timer ticks that found this thread on the CPU */
    uint64_t wake_tick;         /* when on the timer queue: the tick to wake at */
    void *kstack;               /* [i] from kstack_alloc(); freed when the thread dies */
    uint64_t kstack_top;        /* [i] */
    struct trapframe *tf;       /* [i] user registers at the top of the kernel stack */
    struct space *space;        /* [i] holds a reference; kernel threads: NULL */
    int exit_status;            /* valid when DEAD */
    int refs;                   /* capabilities naming this thread, +1 while not dead */
    struct list_node run_node;  /* on a ready queue, or on a joined thread's joiners */
    struct list_node timer_node;/* on the timer queue (sleep, join timeout) */
    struct list joiners;        /* threads blocked in thread_join on this one */
    struct thread *joining;     /* the thread this one waits for in thread_join */
    int join_result;            /* what thread_join returns when woken */
    struct thread *join_ref;    /* sys_thread_join's reference on the joined thread, held
                                 * across the wait (thread_kill drops it) */

    /* IPC (ipc.c). While blocked on an endpoint or notification, run_node
     * is on its queue. */
    struct endpoint *ipc_ep;    /* the endpoint whose queue holds this thread */
    struct notification *ipc_ntfn; /* the notification this thread waits on */
    struct notification *bound_ntfn; /* ends this thread's endpoint receives too */
    struct thread *reply_to;    /* one-shot reply right: the caller to answer */
    struct thread *reply_from;  /* while in BLOCK_REPLY: the thread holding our reply right */
    uint64_t ipc_buffer;        /* user address of its struct ipc_buffer, or 0 */
    long ipc_result;            /* what the blocked IPC call returns */
    uint64_t ipc_badge;         /* a queued sender's badge */
    bool ipc_is_call;           /* a queued sender waits for a reply */
    bool ipc_grant;             /* a queued sender may transfer a capability */
    cap_t ipc_send_cap;         /* slot to transfer with MSG_CAP */
    cap_t ipc_recv_slot;        /* where a received capability goes; 0: none */
    unsigned ipc_recv_max;      /* words it can receive: 4, or 64 with a buffer */
    struct kmsg msg;            /* the message being sent or received */

    /* Faults (fault.c): where this thread's CPU exceptions go as messages. */
    struct endpoint *fault_ep;  /* weak: cleared when it dies; NULL: killed on a fault */
    uint64_t fault_badge;       /* the badge of the capability it was set with */
    struct list_node fault_node;/* on fault_ep->fault_clients */
    struct list_node space_node;/* on space->threads while not dead */
};

/*
 * An address space: a page-table root, a capability table, and the count of
 * live threads in it. Freed when the last reference (threads, capabilities)
 * goes.
 */
struct space {
    struct vm_space *vm;        /* [i] page tables (vm.c) */
    int refs;
    int live_threads;           /* threads in this space that are not dead */
    struct list threads;        /* those threads (thread.space_node) */
    uint64_t cpu_ticks;         /* timer ticks its threads ran, the dead ones' included */
    struct cap_table *caps;     /* [i] */
    char name[20];              /* [i] for messages */
    struct list ipc_objects;    /* endpoints and notifications it created (ipc_owner) */
    int ipc_count;              /* their number, at most IPC_OBJECTS_MAX */
    struct ipc_owner owner;     /* made by sys_space_create: charged to its creator */
    struct list frame_maps;     /* frame mappings in it (frame.c) */
    int nmappings;              /* their number, at most SPACE_MAPPINGS_MAX */
};

/*
 * The per-CPU area. While the CPU runs kernel code GS_BASE points here; while
 * it runs user code KERNEL_GS_BASE does (swapgs exchanges them on every entry
 * from and exit to ring 3). syscall_entry.S uses the first two fields by
 * offset, so they must stay first.
 */
struct cpu {
    uint64_t kernel_rsp;        /* top of the current thread's kernel stack (CPU_KERNEL_RSP) */
    uint64_t user_rsp;          /* scratch: user rsp during syscall entry (CPU_USER_RSP) */
    struct cpu *self;           /* this struct's own address (CPU_SELF) */
    struct thread *current;     /* the thread on the CPU */
    struct thread *idle;        /* runs when no thread is ready */
    bool need_resched;          /* switch at the next preemption point */
    uint64_t context_switches;
};

#define CPU_KERNEL_RSP  0
#define CPU_USER_RSP    8

extern struct cpu cpu0;

static inline struct cpu *this_cpu(void) { return &cpu0; }
static inline struct thread *current(void) { return cpu0.current; }

#endif
