/**
 * @file mica/proto/proc.h
 * @brief The process manager: spawn programs from the boot archive, wait, kill, list.
 *
 * A program is a path in the boot archive (e.g. "bin/sh"). Arguments are
 * NUL-terminated strings packed one after the other in args. A process's
 * exit status is kept until its parent waits for it. PROC_WAIT, PROC_KILL
 * and PROC_LIST are idempotent; PROC_SPAWN is not.
 */
#ifndef MICA_PROTO_PROC_H
#define MICA_PROTO_PROC_H

#include <mica/proto/common.h>

#define PROC_PATH_MAX   64      /**< bytes of a program path, including its NUL */
#define PROC_ARGS_MAX   376     /**< bytes of packed arguments */
#define PROC_ARGC_MAX   16      /**< arguments at most */
#define PROC_NAME_MAX   16      /**< bytes of a process name in a listing */
#define PROC_LIST_MAX   6       /**< processes per PROC_LIST reply */

/**
 * @name Initial capabilities of a spawned program
 *
 * A program started by the root task (user/lib/spawn.c) finds in its table
 * only what its parent gave it with sys_cap_give(), at these slots; the rest
 * of the table is empty (not even its own thread or space).
 *
 * | program | PROC_CAP_SERVICE      | PROC_CAP_NAMES            | PROC_CAP_DEP / + 1 |
 * |---------|-----------------------|---------------------------|--------------------|
 * | names   | own endpoint, RECV    | -                         | -                  |
 * | block   | own endpoint, RECV    | -                         | -                  |
 * | fs      | own endpoint, RECV    | -                         | block server, SEND |
 * | fstest  | -                     | names, SEND, LOOKUP badge | names, SEND, badge without LOOKUP |
 */
/** @{ */
#define PROC_CAP_SERVICE 8      /**< a server's own endpoint, receive right only */
#define PROC_CAP_NAMES   9      /**< the name server, badged (proto/names.h) */
#define PROC_CAP_DEP     10     /**< the first server this one depends on */
#define PROC_CAP_MM      13     /**< the memory manager, badged with the pid; also the fault handler (proto/mm.h) */
/** @} */

/** @name Labels */
/** @{ */
#define PROC_SPAWN  (PROTO_BASE_PROC + 1) /**< proc_spawn -> proc_pid; E_NOENT, E_NOEXEC, E_NOMEM, E_INVAL */
#define PROC_WAIT   (PROTO_BASE_PROC + 2) /**< proc_wait -> proc_status; E_NOENT (no such child), E_AGAIN (nohang) */
#define PROC_KILL   (PROTO_BASE_PROC + 3) /**< proc_pid -> nothing; E_NOENT, E_PERM */
#define PROC_LIST   (PROTO_BASE_PROC + 4) /**< proc_pid (first pid wanted) -> proc_list_reply */
/** @} */

/** Request of PROC_SPAWN. */
struct proc_spawn {
    char path[PROC_PATH_MAX];   /**< the program's archive path */
    uint32_t argc;              /**< strings in args (argv[0] included), 1..PROC_ARGC_MAX */
    uint32_t args_len;          /**< bytes used in args; the last is a NUL */
    char args[PROC_ARGS_MAX];   /**< argc NUL-terminated strings */
};

/** A process id (request of PROC_KILL and PROC_LIST, reply of PROC_SPAWN). */
struct proc_pid {
    uint64_t pid;               /**< process id, > 0 */
};

#define PROC_WAIT_NOHANG 1      /**< proc_wait.flags: E_AGAIN instead of waiting */

/** Request of PROC_WAIT. */
struct proc_wait {
    uint64_t pid;               /**< the child; 0: any child */
    uint64_t flags;             /**< PROC_WAIT_NOHANG or 0 */
};

/** Reply of PROC_WAIT. */
struct proc_status {
    uint64_t pid;               /**< the child that ended */
    int64_t status;             /**< its exit status, or -E_* if it was killed or faulted */
};

/** @name Process states */
/** @{ */
#define PROC_RUNNING 1          /**< has a runnable or blocked thread */
#define PROC_ZOMBIE  2          /**< ended, status not yet collected */
/** @} */

/** One process in a listing. */
struct proc_info {
    uint64_t pid;               /**< process id */
    uint64_t parent;            /**< parent's id (0 for the servers the root task started) */
    uint32_t state;             /**< PROC_RUNNING or PROC_ZOMBIE */
    uint32_t threads;           /**< live threads */
    uint64_t cpu_ticks;         /**< timer ticks its threads ran */
    char name[PROC_NAME_MAX];   /**< program name, NUL-terminated */
};

/** Reply of PROC_LIST: processes with pid >= the requested one, in pid order. */
struct proc_list_reply {
    uint64_t count;             /**< entries used, 0..PROC_LIST_MAX; 0: no more */
    struct proc_info procs[PROC_LIST_MAX]; /**< the entries */
};

/** @cond */
PROTO_CHECK(struct proc_spawn);
PROTO_CHECK(struct proc_pid);
PROTO_CHECK(struct proc_wait);
PROTO_CHECK(struct proc_status);
PROTO_CHECK(struct proc_list_reply);
_Static_assert(sizeof(struct proc_info) == 48, "proc_info layout");
/** @endcond */

#endif
