/**
 * @file mica/ipc.h
 * @brief Messages, endpoints and notifications (system calls 32-47).
 *
 * **Endpoints.** A thread sends to an endpoint through a capability with
 * RIGHT_SEND and receives through one with RIGHT_RECV. Transfer is
 * synchronous: whichever side comes first blocks until the other arrives.
 * Blocked senders are served highest priority first, in arrival order within
 * a priority (a priority change while blocked does not reorder the queue).
 * The receiver learns the badge of the capability the sender used.
 *
 * **Registers.** Every IPC call passes
 *
 *     rdi  endpoint slot (ipc_reply: ignored; ipc_recv: the endpoint)
 *     rsi  message info (MSG_INFO(label, length, cap)); ipc_recv: timeout
 *     rdx, r10, r8, r9   message words 0..3
 *
 * and a call that receives (recv, nbrecv, call, reply_recv) returns
 *
 *     rax  0 or -error        rdi  the sender's badge (0 for a reply)
 *     rsi  the message info    rdx, r10, r8, r9  words 0..3
 *
 * Words 4..length-1 travel in the thread's IPC buffer (struct ipc_buffer,
 * registered with sys_ipc_set_buffer()): the sender's words[4..] are copied
 * into the receiver's words[4..]. A receiver without a buffer gets at most
 * 4 words; the info it receives holds the length actually delivered.
 *
 * **Capability transfer.** When the info has MSG_CAP set, the capability in
 * the sender's buffer.send_cap is copied (derived from it, same rights and
 * badge) into the receiver's buffer.recv_slot, provided the sender's endpoint
 * capability has RIGHT_GRANT (-E_NORIGHTS otherwise), the receiver named an
 * empty slot (recv_slot 0 refuses capabilities) and send_cap still holds a
 * capability at delivery. The received info has MSG_CAP set only if a
 * capability arrived. A reply may carry a capability too.
 *
 * **Call and reply.** sys_ipc_call() sends and waits for the reply; the
 * receiver gets a one-shot reply right (kept in its thread, not in a slot)
 * that sys_ipc_reply() or sys_ipc_reply_recv() uses up. If the receiver
 * receives again, or exits, before replying, the caller gets -E_DEAD.
 * sys_ipc_reply() without a pending caller returns -E_BADCAP;
 * sys_ipc_reply_recv() without one just receives.
 *
 * **Errors.** -E_BADCAP / -E_WRONGTYPE / -E_NORIGHTS for the endpoint
 * capability; -E_INVAL for a length over IPC_MAX_WORDS, reserved info bits
 * set, or words beyond 4 (or MSG_CAP) without an IPC buffer; -E_FAULT when
 * the buffer cannot be read or written; -E_AGAIN from nbsend without a
 * waiting receiver and nbrecv without a waiting sender; -E_TIMEOUT when a
 * receive's timeout (in ticks; TIMEOUT_FOREVER waits forever, 0 polls)
 * expires; -E_DEAD when the endpoint is destroyed (its last capability
 * deleted) while the thread waits. Calls that fail change nothing.
 *
 * **Notifications.** One word of bits. sys_notify_signal() ORs in the badge
 * of the capability used (1 if it is unbadged) and wakes the first waiter;
 * sys_notify_wait() blocks until the word is non-zero, returns it and clears
 * it; sys_notify_poll() returns and clears it without blocking. A
 * notification bound to a thread (sys_notify_bind()) also ends that thread's
 * endpoint receive: the receive returns label IPC_LABEL_NOTIFY, length 0,
 * and the bits as the badge.
 *
 * **Limits.** Each address space may create IPC_OBJECTS_MAX endpoints and
 * notifications that are alive at once (-E_FULL beyond).
 */
#ifndef MICA_IPC_H
#define MICA_IPC_H

#include <mica/types.h>

/** Most words in one message (4 in registers, the rest in the IPC buffer). */
#define IPC_MAX_WORDS 64
/** Words passed in registers. */
#define IPC_REG_WORDS 4
/** Endpoints and notifications one address space may have alive at once. */
#define IPC_OBJECTS_MAX 128

/** @name Message info word: label (48 bits), cap flag, length (7 bits).
 *  Bits 8..15 are reserved and must be zero. @{ */
#define MSG_LEN_MASK    0x7fUL      /**< the length field */
#define MSG_CAP         0x80UL      /**< a capability travels with the message */
#define MSG_RESERVED    0xff00UL    /**< must be zero */
#define MSG_LABEL_SHIFT 16          /**< where the label starts */
/** Build an info word. */
#define MSG_INFO(label, len, cap) \
    (((uint64_t)(label) << MSG_LABEL_SHIFT) | ((uint64_t)(len) & MSG_LEN_MASK) | ((cap) ? MSG_CAP : 0))
#define MSG_LABEL(info) ((uint64_t)(info) >> MSG_LABEL_SHIFT)     /**< the label */
#define MSG_LEN(info)   ((unsigned)((info) & MSG_LEN_MASK))      /**< the length in words */
#define MSG_HAS_CAP(info) (((info) & MSG_CAP) != 0)              /**< carries a capability */
/** @} */

/** The label of a receive ended by the bound notification. */
#define IPC_LABEL_NOTIFY 0xffffffffffffUL

/**
 * @name Fault messages
 *
 * A thread with a fault handler (sys_thread_set_fault_handler(thread, ep):
 * the thread capability needs RIGHT_WRITE, the endpoint RIGHT_SEND; ep 0
 * removes the handler) that takes a CPU exception in user mode is blocked
 * and made to call that endpoint, as if it had called sys_ipc_call(): the
 * handler receives label IPC_LABEL_FAULT, length FAULT_MSG_WORDS, the badge
 * of the endpoint capability given to set_fault_handler, and the words
 * below. A reply with label 0 resumes the thread at the faulting instruction
 * (retrying it, e.g. after a page was mapped); a reply with any other label,
 * or the handler receiving again or dying before it replies, kills the
 * thread with the usual "fault:" line. A thread without a handler is killed
 * at once. @{
 */
#define IPC_LABEL_FAULT 0xfffffffffffeUL  /**< the label of a fault message */
#define FAULT_MSG_ADDR    0     /**< word 0: the faulting address (CR2), 0 if not a page fault */
#define FAULT_MSG_ACCESS  1     /**< word 1: FAULT_* bits */
#define FAULT_MSG_RIP     2     /**< word 2: the faulting instruction */
#define FAULT_MSG_VECTOR  3     /**< word 3: the CPU exception vector (14: page fault) */
#define FAULT_MSG_WORDS   4     /**< the message's length */
#define FAULT_READ    (1 << 0)  /**< a data read (page faults) */
#define FAULT_WRITE   (1 << 1)  /**< a data write */
#define FAULT_EXEC    (1 << 2)  /**< an instruction fetch */
#define FAULT_USER    (1 << 3)  /**< raised in user mode (always set) */
#define FAULT_PRESENT (1 << 4)  /**< the page was mapped: a protection fault */
/** @} */

/**
 * @name Fastpath statistics (sys_ipc_stats())
 *
 * sys_ipc_call() and sys_ipc_reply_recv() with a register-only message (at
 * most IPC_REG_WORDS words, no capability) to a partner that already waits
 * switch straight to it: the fastpath. Its effect is exactly the general
 * path's; only the cost differs. Every IPC system call counts once: as a
 * hit, or as a miss under the first reason it met. The counters are
 * kernel-wide and only grow (compare two readings).
 *
 * @{
 */
/** The miss reasons, as X(number, name). */
#define IPC_FASTPATH_MISSES(X)                                                \
    X(0,  not_call)       /* send, recv, nbsend, nbrecv or reply */          \
    X(1,  invalid)        /* refused (bad capability, rights, reserved bits) */ \
    X(2,  long_message)   /* more than IPC_REG_WORDS words */                \
    X(3,  cap_transfer)   /* MSG_CAP set */                                  \
    X(4,  no_receiver)    /* call: nobody waits on the endpoint */           \
    X(5,  no_caller)      /* reply_recv: no caller to answer */              \
    X(6,  sender_queued)  /* reply_recv: a sender already waits */           \
    X(7,  notification)   /* reply_recv: bound notification bits pending */  \
    X(8,  partner)        /* partner not in a plain IPC wait (suspended, fault) */ \
    X(9,  priority)       /* a ready thread would run before the partner */  \
    X(10, tracing)        /* trace=ipc or trace=sched prints every step */   \
    X(11, buffer)         /* the caller's IPC buffer cannot be read */       \
    X(12, resched)        /* a switch was already pending */                 \
    X(13, disabled)       /* the kernel has no fastpath */

/** Miss reasons: IPC_MISS_not_call, ... and their count. */
enum ipc_fastpath_miss {
/** @cond */
#define IPC_MISS_ENUM(num, name) IPC_MISS_##name = num,
    IPC_FASTPATH_MISSES(IPC_MISS_ENUM)
#undef IPC_MISS_ENUM
#define IPC_MISS_ONE(num, name) + 1
    IPC_MISS_COUNT = 0 IPC_FASTPATH_MISSES(IPC_MISS_ONE),
#undef IPC_MISS_ONE
/** @endcond */
};

/** Room for miss reasons in struct ipc_stats. */
#define IPC_MISS_SLOTS 16

/** What sys_ipc_stats() fills in. */
struct ipc_stats {
    uint64_t hits;                      /**< calls the fastpath completed */
    uint64_t misses[IPC_MISS_SLOTS];    /**< general-path calls, by enum ipc_fastpath_miss */
};
/** @} */

_Static_assert(IPC_MISS_COUNT <= IPC_MISS_SLOTS, "miss reasons fit struct ipc_stats");
_Static_assert(sizeof(struct ipc_stats) == 136, "ipc_stats layout");

/**
 * A thread's IPC buffer, at a user address the thread registers with
 * sys_ipc_set_buffer() (writable, within one page: page-aligned is simplest).
 * words[0..3] are unused (those words travel in registers).
 */
struct ipc_buffer {
    uint64_t words[IPC_MAX_WORDS];  /**< message words; 4.. are used */
    cap_t send_cap;                 /**< slot of the capability to send with MSG_CAP */
    cap_t recv_slot;                /**< empty slot to receive a capability into; 0: none */
};

_Static_assert(sizeof(struct ipc_buffer) == 528, "ipc_buffer layout");
_Static_assert(sizeof(struct ipc_buffer) <= 4096, "an ipc_buffer fits in a page");
_Static_assert(IPC_MAX_WORDS <= MSG_LEN_MASK, "the length field holds IPC_MAX_WORDS");

#endif
