/**
 * @file mica/proto/rs.h
 * @brief The reincarnation server: it keeps the other servers alive.
 *
 * **Restart keeps capabilities valid.** A supervised server does not own the
 * endpoint its clients call: the reincarnation server (rs) creates it, keeps
 * it with all rights, gives each instance of the server a receive
 * capability at PROC_CAP_SERVICE and registers a send capability with the
 * name server. A watcher thread per service waits for the instance's main
 * thread to end (exit or fault). The endpoint lives on, so clients'
 * capabilities stay valid, and rs starts the program again from the archive
 * with the same capabilities. A call the dead instance had received but not
 * answered fails with E_DEAD, which the client library repeats if the
 * operation is idempotent (mica/proto/common.h); calls still queued on the
 * endpoint are simply served by the new instance.
 *
 * rs prints, for the transcript:
 *   - "rs: <name> started pid=<p>" for every instance it starts,
 *   - "rs: <name> died status=<s> restarts=<n>" when one ends (n: restarts
 *     so far, this one not counted),
 *   - "rs: <name> restarted pid=<p> restarts=<n> latency=<ticks>" once the
 *     new instance runs (ticks from the death to the start),
 *   - "rs: giving up on <name> after <N> crashes".
 *
 * **Policy.** A server that dies more than max_restarts times within
 * window_ticks is given up on: its name is unregistered and its endpoint
 * revoked and deleted, so that callers waiting on it get E_DEAD instead of
 * waiting forever (and later calls fail: their capabilities are gone).
 *
 * **Built-in services** (started when rs starts, in this order):
 * console (bin/console, with the COM1 ports, IRQ 4 and its notification at
 * PROC_CAP_EXTRA..+2), block (bin/block), fs (bin/fs, with block's endpoint
 * at PROC_CAP_DEP). More are added with RS_SUPERVISE.
 *
 * **Requests** come from whoever holds a capability to rs (the shell, test
 * programs); every request is checked (length, terminated strings, ranges)
 * and a bad one gets E_INVAL. RS_STATUS is idempotent and retried by the
 * library; RS_SUPERVISE, RS_STOP and RS_CRASH are not.
 */
#ifndef MICA_PROTO_RS_H
#define MICA_PROTO_RS_H

#include <mica/proto/common.h>

#define RS_NAME_MAX 32          /**< bytes of a service name, including its NUL */
#define RS_PATH_MAX 64          /**< bytes of a program path, including its NUL */
#define RS_SERVICES_MAX 8       /**< services supervised at once */
#define RS_RESTARTS_MAX 32      /**< largest max_restarts accepted */

/** @name The built-in services' policy: deaths tolerated within a window */
/** @{ */
#define RS_DEFAULT_MAX_RESTARTS 5       /**< more deaths than this within the window: give up */
#define RS_DEFAULT_WINDOW_TICKS 100     /**< the window (1 s at the default 100 Hz) */
/** @} */

/**
 * @name Capabilities of the reincarnation server (slots)
 *
 * Given by whoever starts it (the root task). The archive copy and the
 * memory piece are for starting instances with user/lib/spawn.c; once the
 * process manager starts them (PROC_CAP_PROC), rs needs neither.
 */
/** @{ */
#define RS_CAP_SERVICE  8       /**< rs's own endpoint, receive right */
#define RS_CAP_NAMES    9       /**< the name server, badge with NAMES_PERM_REGISTER|LOOKUP, grant right */
#define RS_CAP_PROC     14      /**< the process manager (when it starts the instances) */
#define RS_CAP_PORTS    18      /**< COM1's I/O ports (0x3F8, 8 ports), for the console server */
#define RS_CAP_IRQ      19      /**< IRQ 4, for the console server */
#define RS_CAP_IRQ_NTFN 20      /**< the notification IRQ 4 signals, for the console server */
#define RS_CAP_ARCHIVE  21      /**< a read-only frame capability of a copy of the boot archive */
#define RS_CAP_MEMORY   22      /**< a frame piece for the instances' pages */
/** @} */

/** Where rs maps the archive copy (RS_CAP_ARCHIVE). */
#define RS_ARCHIVE_ADDR 0x0000500000000000ULL

/** @name Labels */
/** @{ */
#define RS_SUPERVISE (PROTO_BASE_RS + 1) /**< rs_supervise -> nothing; E_EXIST (name), E_NOENT (program), E_FULL, E_INVAL */
#define RS_STATUS    (PROTO_BASE_RS + 3) /**< rs_name -> rs_status; E_NOENT */
#define RS_STOP      (PROTO_BASE_RS + 4) /**< rs_name -> nothing: stop supervising, end the server; E_NOENT */
#define RS_CRASH     (PROTO_BASE_RS + 5) /**< rs_crash -> nothing, once the server obeyed; E_NOENT, E_DEAD (given up) */
/** @} */

/** Request of RS_SUPERVISE. */
struct rs_supervise {
    char name[RS_NAME_MAX];     /**< service name, registered with the name server */
    char path[RS_PATH_MAX];     /**< the program in the boot archive */
    uint32_t max_restarts;      /**< crashes tolerated within window_ticks, 0..RS_RESTARTS_MAX */
    uint32_t reserved;          /**< zero */
    uint64_t window_ticks;      /**< the window of that count, > 0 */
    uint64_t heartbeat_ticks;   /**< zero (heartbeats are a lab 7 challenge) */
};

/** Request of RS_STATUS and RS_STOP. */
struct rs_name {
    char name[RS_NAME_MAX];     /**< service name */
};

/** Request of RS_CRASH: rs sends PROTO_CRASH {after, seed} with the supervisor badge. */
struct rs_crash {
    char name[RS_NAME_MAX];     /**< service name */
    uint64_t after;             /**< 0: crash now (the reply comes once it died); n: within the next n requests */
    uint64_t seed;              /**< seed of the server's random choice */
};

/** @name Service states */
/** @{ */
#define RS_UP         1         /**< running */
#define RS_RESTARTING 2         /**< dead, being started again */
#define RS_GAVE_UP    3         /**< crashed too often; not restarted */
#define RS_STOPPED    4         /**< ended by RS_STOP */
/** @} */

/** Reply of RS_STATUS. */
struct rs_status {
    uint64_t state;             /**< RS_UP, RS_RESTARTING, RS_GAVE_UP or RS_STOPPED */
    uint64_t restarts;          /**< restarts so far */
    int64_t last_status;        /**< exit status (THREAD_STATUS_KILLED for a fault) or -E_* of the last death; 0 if none */
    uint64_t pid;               /**< the current instance's process id */
};

/** @cond */
PROTO_CHECK(struct rs_supervise);
PROTO_CHECK(struct rs_name);
PROTO_CHECK(struct rs_crash);
PROTO_CHECK(struct rs_status);
/** @endcond */

#endif
