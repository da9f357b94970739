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
 * understood by every server (the fault injector of lab 7).
 *
 * A call in flight when its server dies is answered with E_RESTARTED by the
 * reincarnation design (mica/proto/rs.h); the client library retries the
 * operations each header marks idempotent.
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
 * Any server: crash (fault injection). Request struct proto_crash; no reply
 * if the server obeys. Servers refuse it with E_PERM from callers whose
 * badge is not the supervisor's.
 */
#define PROTO_CRASH         0xff

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
