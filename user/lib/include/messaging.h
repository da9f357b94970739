/**
 * @file messaging.h
 * @brief Endpoints, messages and notifications from user code.
 *
 * Typed wrappers of system calls 32-45 (mica/ipc.h has the contracts and the
 * register layout). A received message lands in a struct ipc_msg; words 4
 * and up are in the thread's IPC buffer (ipc_buffer_register()).
 */
#ifndef MESSAGING_H
#define MESSAGING_H

#include <mica/ipc.h>
#include <mica/cap.h>
#include <mica/syscall.h>

/** What a receive returns in registers. */
struct ipc_msg {
    uint64_t badge;     /**< badge of the sender's capability (0 for replies) */
    uint64_t info;      /**< MSG_LABEL(), MSG_LEN(), MSG_HAS_CAP() */
    uint64_t w[4];      /**< words 0..3 */
};

/**
 * @brief The raw IPC system call: number @p num with a slot, an info word
 *        and four words; the registers that come back fill @p out.
 * @param num SYS_ipc_*.
 * @param slot endpoint slot (ignored by ipc_reply); for ipc_recv the endpoint.
 * @param info MSG_INFO(...) (for ipc_recv: the timeout).
 * @param w words 0..3 (may be NULL: zeros).
 * @param out the received message (may be NULL).
 * @return 0 or a negative error.
 */
long ipc_syscall(long num, cap_t slot, uint64_t info, const uint64_t *w, struct ipc_msg *out);

/** @brief Send (blocks until received). @param ep endpoint. @param info MSG_INFO(). @param w words 0..3 or NULL. @return 0 or -error. */
static inline long ipc_send(cap_t ep, uint64_t info, const uint64_t *w)
{ return ipc_syscall(SYS_ipc_send, ep, info, w, NULL); }
/** @brief Send if a receiver waits, else -E_AGAIN. @param ep endpoint. @param info MSG_INFO(). @param w words or NULL. @return 0 or -error. */
static inline long ipc_nbsend(cap_t ep, uint64_t info, const uint64_t *w)
{ return ipc_syscall(SYS_ipc_nbsend, ep, info, w, NULL); }
/** @brief Receive, waiting at most @p timeout ticks. @param ep endpoint. @param timeout ticks, TIMEOUT_FOREVER, or 0 to poll. @param out the message. @return 0 or -error. */
static inline long ipc_recv(cap_t ep, tick_t timeout, struct ipc_msg *out)
{ return ipc_syscall(SYS_ipc_recv, ep, timeout, NULL, out); }
/** @brief Send and wait for the reply. @param ep endpoint. @param info MSG_INFO(). @param w words or NULL. @param reply the reply. @return 0 or -error. */
static inline long ipc_call(cap_t ep, uint64_t info, const uint64_t *w, struct ipc_msg *reply)
{ return ipc_syscall(SYS_ipc_call, ep, info, w, reply); }
/** @brief Reply to the last call received. @param info MSG_INFO(). @param w words or NULL. @return 0 or -error. */
static inline long ipc_reply(uint64_t info, const uint64_t *w)
{ return ipc_syscall(SYS_ipc_reply, 0, info, w, NULL); }
/** @brief Reply (if a call is pending) then receive. @param ep endpoint. @param info MSG_INFO(). @param w words or NULL. @param out the next message. @return 0 or -error. */
static inline long ipc_reply_recv(cap_t ep, uint64_t info, const uint64_t *w, struct ipc_msg *out)
{ return ipc_syscall(SYS_ipc_reply_recv, ep, info, w, out); }

/**
 * @brief Give the calling thread an IPC buffer (from a static per-thread pool
 *        is the caller's business; the buffer must stay valid).
 * @param buf the buffer, or NULL for none.
 * @return 0 or -E_FAULT.
 */
long ipc_buffer_register(struct ipc_buffer *buf);

#endif
