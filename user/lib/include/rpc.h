/**
 * @file rpc.h
 * @brief Calling servers and serving calls with the protocol conventions of
 *        mica/proto/common.h (request struct in words, result in the reply label).
 *
 * Both sides need the calling thread's registered IPC buffer (words 4 and up
 * travel there), passed explicitly.
 */
#ifndef RPC_H
#define RPC_H

#include <messaging.h>

/**
 * @brief Call @p ep with request @p req (@p req_words words) and copy at most
 *        @p rep_max words of the reply into @p rep.
 * @param ep endpoint capability.
 * @param buf the calling thread's registered IPC buffer.
 * @param label the operation.
 * @param req request words (may be NULL when req_words is 0).
 * @param req_words words to send (<= IPC_MAX_WORDS).
 * @param rep where the reply goes (may be NULL when rep_max is 0).
 * @param rep_max room in @p rep, in words.
 * @param rep_words set to the words received (may be NULL).
 * @return 0, minus the error code the server put in the reply label, or the
 *         IPC error.
 */
long rpc_call(cap_t ep, struct ipc_buffer *buf, uint64_t label, const void *req, unsigned req_words,
              void *rep, unsigned rep_max, unsigned *rep_words);

/** @name Repeating calls across a server restart (mica/proto/common.h) */
/** @{ */
#define RPC_RETRIES     5       /**< repeats of an idempotent call after E_DEAD */
#define RPC_RETRY_TICKS 1       /**< ticks slept before each repeat */
/** @} */

/** May a call be repeated if its server died holding it? */
enum rpc_retry {
    RPC_ONCE = 0,               /**< no (the server may have done it): -E_RESTARTED */
    RPC_IDEMPOTENT = 1,         /**< yes: doing it twice is doing it once */
};

/**
 * @brief rpc_call() that survives a restart of the server behind @p ep.
 *
 * If the call fails with -E_DEAD (the server died holding it, or the
 * endpoint went away), an RPC_IDEMPOTENT call is made again, at most
 * RPC_RETRIES times, RPC_RETRY_TICKS ticks apart: the endpoint outlives
 * the server, so the repeat waits for the next instance. An RPC_ONCE call
 * returns -E_RESTARTED instead, since the server may have done the work
 * before it died; so does an idempotent call whose repeats ran out. If the
 * endpoint itself is gone (@p ep is no longer a capability: the
 * supervisor gave up on the server), the result is -E_DEAD.
 * @param ep endpoint capability.
 * @param buf the calling thread's registered IPC buffer.
 * @param how RPC_ONCE or RPC_IDEMPOTENT.
 * @param label the operation.
 * @param req request words.
 * @param req_words words to send.
 * @param rep where the reply goes.
 * @param rep_max room in @p rep, in words.
 * @param rep_words set to the words received (may be NULL).
 * @param repeats set to the number of repeats made (may be NULL).
 * @return as rpc_call(), or -E_RESTARTED, or -E_DEAD.
 */
long rpc_call_retry(cap_t ep, struct ipc_buffer *buf, enum rpc_retry how, uint64_t label,
                    const void *req, unsigned req_words, void *rep, unsigned rep_max,
                    unsigned *rep_words, unsigned *repeats);

/**
 * @brief A request handler: read @p len words of the request with @p label,
 *        fill @p reply and *@p reply_len; return 0 or a positive error code.
 */
typedef uint64_t (*rpc_handler)(void *ctx, uint64_t badge, uint64_t label, const uint64_t *words,
                                unsigned len, uint64_t *reply, unsigned *reply_len);

/**
 * @brief Serve @p ep forever: receive, call @p fn, reply with its result.
 * @param ep endpoint capability with RIGHT_RECV.
 * @param buf the serving thread's registered IPC buffer.
 * @param fn the handler.
 * @param ctx passed to @p fn.
 * @return the IPC error that ended the loop.
 */
long rpc_serve(cap_t ep, struct ipc_buffer *buf, rpc_handler fn, void *ctx);

#endif
