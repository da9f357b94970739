/**
 * @file mica/proto/rs.h
 * @brief The reincarnation server: it keeps the other servers alive.
 *
 * **Restart keeps capabilities valid.** A supervised server does not own the
 * endpoint its clients call: the reincarnation server creates it, gives the
 * server a receive capability and registers a send capability with the name
 * server. When the server dies (exit or fault notification, or a missed
 * heartbeat) the endpoint lives on, so clients' capabilities stay valid;
 * the server is started again from the archive with the same endpoint. A
 * call the dead server had received but not answered gets E_RESTARTED (the
 * kernel's E_DEAD for a lost reply, turned into E_RESTARTED by the client
 * library while the server is being restarted), and the library repeats it
 * if the operation is idempotent; calls still queued on the endpoint are
 * simply served by the new instance.
 *
 * **Policy.** A server that dies more than max_restarts times within
 * window_ticks is given up on: "rs: giving up on <name> after N crashes",
 * and its endpoint is destroyed so that clients get E_DEAD instead of
 * waiting forever.
 */
#ifndef MICA_PROTO_RS_H
#define MICA_PROTO_RS_H

#include <mica/proto/common.h>

#define RS_NAME_MAX 32          /**< bytes of a service name, including its NUL */
#define RS_PATH_MAX 64          /**< bytes of a program path, including its NUL */

/** @name Labels */
/** @{ */
#define RS_SUPERVISE (PROTO_BASE_RS + 1) /**< rs_supervise -> nothing; E_EXIST, E_NOENT (program), E_FULL */
#define RS_HEARTBEAT (PROTO_BASE_RS + 2) /**< nothing (the badge names the server) -> nothing */
#define RS_STATUS    (PROTO_BASE_RS + 3) /**< rs_name -> rs_status; E_NOENT */
#define RS_STOP      (PROTO_BASE_RS + 4) /**< rs_name -> nothing: stop supervising and end the server */
/** @} */

/** Request of RS_SUPERVISE. */
struct rs_supervise {
    char name[RS_NAME_MAX];     /**< service name, registered with the name server */
    char path[RS_PATH_MAX];     /**< the program in the boot archive */
    uint32_t max_restarts;      /**< crashes tolerated within window_ticks */
    uint32_t reserved;          /**< zero */
    uint64_t window_ticks;      /**< the window of that count */
    uint64_t heartbeat_ticks;   /**< 0: no heartbeat; else a silent server is restarted after this long */
};

/** Request of RS_STATUS and RS_STOP. */
struct rs_name {
    char name[RS_NAME_MAX];     /**< service name */
};

/** @name Service states */
/** @{ */
#define RS_UP         1         /**< running */
#define RS_RESTARTING 2         /**< dead, being started again */
#define RS_GAVE_UP    3         /**< crashed too often; not restarted */
/** @} */

/** Reply of RS_STATUS. */
struct rs_status {
    uint64_t state;             /**< RS_UP, RS_RESTARTING or RS_GAVE_UP */
    uint64_t restarts;          /**< restarts so far */
    int64_t last_status;        /**< exit status or -E_* of the last death */
    uint64_t pid;               /**< the current instance's process id */
};

/** @cond */
PROTO_CHECK(struct rs_supervise);
PROTO_CHECK(struct rs_name);
PROTO_CHECK(struct rs_status);
/** @endcond */

#endif
