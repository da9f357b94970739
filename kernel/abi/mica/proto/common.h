/**
 * @file mica/proto/common.h
 * @brief Conventions every server protocol follows.
 *
 * A request is an IPC call whose label names the operation and whose words
 * hold the request struct of that operation (word 0 = the struct's first 8
 * bytes; words 0..3 travel in registers, the rest in the IPC buffer). The
 * reply's label is the result: 0 for success, else a positive error code
 * from mica/error.h (the client library returns it negated); its words hold
 * the reply struct, which is meaningful only on success. Every struct is a
 * whole number of words, at most IPC_MAX_WORDS, checked by PROTO_CHECK().
 * Strings are fixed-size char arrays that must hold a NUL; a server answers
 * a malformed request (wrong length, unknown label, string not terminated,
 * count out of range) with E_INVAL and never acts on it.
 *
 * Each server owns a range of 256 labels (PROTO_BASE_*); PROTO_CRASH is
 * understood by every supervised server (the fault injector of lab 7).
 *
 * **Calls across a restart.** A supervised server's endpoint outlives the
 * server (mica/proto/rs.h). A call the dead server had received but not
 * answered fails with the kernel's E_DEAD; calls still queued are served by
 * the next instance. The client library (rpc_call_retry() in rpc.h) repeats
 * an operation that failed with E_DEAD a bounded number of times
 * (RPC_RETRIES, RPC_RETRY_TICKS apart) when the operation is idempotent,
 * and reports E_RESTARTED for the others (and when the repeats run out):
 * the caller cannot know whether the dead server did the work. Each header
 * says which of its operations are repeated. When the endpoint itself went
 * away (the supervisor gave up on the server), the call fails with E_DEAD.
 */
#ifndef MICA_PROTO_COMMON_H
#define MICA_PROTO_COMMON_H

#include <mica/types.h>
#include <mica/ipc.h>

/** @name Label ranges, one per server. */
/** @{ */
#define PROTO_BASE_NAMES    0x100   /**< name server (proto/names.h) */
#define PROTO_BASE_CONSOLE  0x200   /**< console server (proto/console.h) */
#define PROTO_BASE_PROC     0x300   /**< process manager (proto/proc.h) */
#define PROTO_BASE_BLOCK    0x400   /**< block server (proto/block.h) */
#define PROTO_BASE_FS       0x500   /**< file server (proto/fs.h) */
#define PROTO_BASE_MM       0x600   /**< memory manager (proto/mm.h) */
#define PROTO_BASE_RS       0x700   /**< reincarnation server (proto/rs.h) */
/** @} */

/**
 * Any supervised server: crash (fault injection). Request struct
 * proto_crash. Obeyed only from callers whose badge is
 * PROTO_SUPERVISOR_BADGE (E_PERM otherwise; E_INVAL for a malformed
 * request). after = 0: the server takes a real page fault at once, so the
 * call gets no reply (E_DEAD). after = n: the reply is 0 and the server
 * crashes while serving one of its next n requests, chosen with the seed
 * (deterministic); the file server crashes at one of that request's block
 * writes, in the middle of the operation.
 */
#define PROTO_CRASH         0xff

/**
 * The badge of the reincarnation server's capability to each server it
 * supervises: the only badge PROTO_CRASH is obeyed from. A high bit, so
 * no other badge scheme (names' permissions, pids) collides with it.
 */
#define PROTO_SUPERVISOR_BADGE (1ULL << 61)

/** Request of PROTO_CRASH. */
struct proto_crash {
    uint64_t after;     /**< 0: crash now; n: at a random point of the next n requests */
    uint64_t seed;      /**< seed of that random choice */
};

/** Words a message struct occupies. */
#define PROTO_WORDS(type)   (sizeof(type) / sizeof(uint64_t))

/** Check at compile time that @p type is a whole number of words that fits a message. */
#define PROTO_CHECK(type)                                                       \
    _Static_assert(sizeof(type) % sizeof(uint64_t) == 0, #type " is whole words"); \
    _Static_assert(PROTO_WORDS(type) <= IPC_MAX_WORDS, #type " fits one message")

/** @cond */
PROTO_CHECK(struct proto_crash);
/** @endcond */

#endif
