/**
 * @file mica/proto/proc.h
 * @brief The process manager: spawn programs from the boot archive, wait, kill, list.
 *
 * A program is a path in the boot archive (e.g. "bin/sh"). Arguments are
 * NUL-terminated strings packed one after the other in args. A process's
 * exit status is kept until its parent collects it with PROC_WAIT.
 * PROC_WAIT, PROC_KILL and PROC_LIST are idempotent; PROC_SPAWN, PROC_GIVE
 * and PROC_ADOPT are not.
 *
 * **Who is calling.** The badge of the caller's capability names it: a
 * process spawned by the process manager finds at PROC_CAP_PROC a
 * capability badged with its own pid. Badge 0 (the root task's capability)
 * and badges with PROC_BADGE_MANAGER are *managers*: they may adopt
 * processes, set the standard capabilities, spawn managers, and kill or
 * collect any process. Anyone else may kill only its own children (and
 * itself) and collect only its own children: E_PERM otherwise.
 *
 * **Life of a process.** PROC_SPAWN loads the program into a new address
 * space, gives it its capabilities (the table below), and replies with its
 * pid and a read-only capability to its main thread, which the caller can
 * join (sys_thread_join) to learn when it ends. When the main thread ends
 * (exit, fault, or a kill), the process is a *zombie*: its memory is freed
 * and its status kept until PROC_WAIT collects it (E_AGAIN before that). A
 * process whose parent ended before it is collected as soon as it ends.
 */
#ifndef MICA_PROTO_PROC_H
#define MICA_PROTO_PROC_H

#include <mica/proto/common.h>

#define PROC_PATH_MAX   64      /**< bytes of a program path, including its NUL */
#define PROC_ARGS_MAX   376     /**< bytes of packed arguments */
#define PROC_ARGC_MAX   16      /**< arguments at most */
#define PROC_NAME_MAX   16      /**< bytes of a process name in a listing */
#define PROC_LIST_MAX   6       /**< processes per PROC_LIST reply */
#define PROC_GIVE_MAX   8       /**< capabilities one caller may have staged at once */
#define PROC_MAX        32      /**< processes (running, zombie, adopted) the manager keeps */

/** @name Caller badges */
/** @{ */
#define PROC_BADGE_PID_MASK 0xffffffffULL   /**< the caller's pid (0: the root task) */
#define PROC_BADGE_MANAGER  (1ULL << 62)    /**< the holder is a manager */
/** @} */

/**
 * @name Initial capabilities of a spawned program
 *
 * A program started by the process manager finds in its table what its
 * parent staged for it with PROC_GIVE, at the slots the parent chose, and
 * the *standard set* (slots 12-17), each one the process manager holds a
 * capability for: PROC_CAP_MM and PROC_CAP_PROC badged with the new
 * process's pid, the others as the manager holds them (a staged capability
 * takes the slot instead). Nothing else: not even its own thread or space.
 *
 * | slot | name | what |
 * |------|------|------|
 * | 8  | PROC_CAP_SERVICE | a server's own endpoint, RECV only (staged) |
 * | 9  | PROC_CAP_NAMES   | name server, SEND, badged (proto/names.h) (staged) |
 * | 10, 11 | PROC_CAP_DEP, + 1 | servers it depends on (staged) |
 * | 12 | PROC_CAP_CONSOLE | console server, SEND |
 * | 13 | PROC_CAP_MM      | memory manager, SEND, badge = pid; also its fault handler |
 * | 14 | PROC_CAP_PROC    | process manager, SEND and GRANT, badge = pid |
 * | 15 | PROC_CAP_MACHINE | machine capability (the shell: staged) |
 * | 16 | PROC_CAP_RS      | reincarnation server, SEND |
 * | 17 | PROC_CAP_FS      | file server, SEND |
 * | 18, 19 | PROC_CAP_EXTRA, + 1 | per-program extras (staged) |
 *
 * The console server (bin/console) gets COM1's ports, IRQ 4 and the IRQ's
 * notification at PROC_CAP_EXTRA, + 1, + 2; the reincarnation server's
 * slots are in mica/proto/rs.h.
 *
 * The servers the root task starts itself get only what it gives them:
 *
 * | program | PROC_CAP_SERVICE | PROC_CAP_NAMES | PROC_CAP_DEP / + 1 |
 * |---------|------------------|----------------|--------------------|
 * | names   | own endpoint, RECV | -            | -                  |
 * | block   | own endpoint, RECV | -            | -                  |
 * | fs      | own endpoint, RECV | -            | block server, SEND |
 * | fstest  | -                | names, SEND, LOOKUP badge | names, SEND, badge without LOOKUP |
 *
 * and bin/proc itself (argv: "proc" and the archive's size in bytes):
 *
 * | slot | what |
 * |------|------|
 * | CAP_SELF_SPACE (2) | its own address space, all rights (its threads; mapping the archive and the pages it fills): sent with PROC_BOOT, since sys_cap_give() cannot give a space |
 * | PROC_CAP_SERVICE (8) | its endpoint, RECV |
 * | PROC_CAP_NAMES (9) | name server (optional) |
 * | PROC_CAP_ARCHIVE (10) | a copy of the boot archive: frame capability, RIGHT_READ and RIGHT_MAP |
 * | PROC_CAP_POOL (11) | the memory for programs' images: frame capability, all rights |
 * | 12, 15-17 | the standard capabilities it passes on (optional; PROC_SET_STANDARD replaces them) |
 * | PROC_CAP_MM (13) | memory manager, SEND, unbadged (optional): it mints each child's from it |
 * | PROC_CAP_PROC (14) | its own endpoint, SEND and GRANT, unbadged: it mints each child's from it |
 */
/** @{ */
#define PROC_CAP_SERVICE 8      /**< a server's own endpoint, receive right only */
#define PROC_CAP_NAMES   9      /**< the name server, badged (proto/names.h) */
#define PROC_CAP_DEP     10     /**< the first server this one depends on */
#define PROC_CAP_CONSOLE 12     /**< the console server */
#define PROC_CAP_MM      13     /**< the memory manager, badged with the pid; also the fault handler (proto/mm.h) */
#define PROC_CAP_PROC    14     /**< the process manager, badged with the pid */
#define PROC_CAP_MACHINE 15     /**< the machine (power off) */
#define PROC_CAP_RS      16     /**< the reincarnation server */
#define PROC_CAP_FS      17     /**< the file server */
#define PROC_CAP_EXTRA   18     /**< the first per-program extra */
#define PROC_CAP_ARCHIVE 10     /**< bin/proc: the boot archive's frames */
#define PROC_CAP_POOL    11     /**< bin/proc: the frames for programs */
#define PROC_CAP_STANDARD_FIRST 12  /**< the first slot of the standard set */
#define PROC_CAP_STANDARD_LAST  17  /**< the last slot of the standard set */
#define PROC_CAP_GIVE_LAST      31  /**< the last slot PROC_GIVE may fill */
/** @} */

/** Where bin/proc maps the boot archive (read-only). */
#define PROC_ARCHIVE_ADDR 0x0000500000000000ULL

/** @name Labels */
/** @{ */
#define PROC_SPAWN  (PROTO_BASE_PROC + 1) /**< proc_spawn -> proc_pid + thread cap; E_NOENT, E_NOEXEC, E_NOMEM, E_INVAL, E_PERM, E_FULL */
#define PROC_WAIT   (PROTO_BASE_PROC + 2) /**< proc_wait -> proc_status; E_NOENT (no such child), E_AGAIN (alive) */
#define PROC_KILL   (PROTO_BASE_PROC + 3) /**< proc_pid -> nothing; E_NOENT, E_PERM */
#define PROC_LIST   (PROTO_BASE_PROC + 4) /**< proc_pid (first pid wanted) -> proc_list_reply */
#define PROC_GIVE   (PROTO_BASE_PROC + 5) /**< proc_give + cap -> nothing: staged for the caller's next PROC_SPAWN; E_INVAL, E_FULL */
#define PROC_ADOPT  (PROTO_BASE_PROC + 6) /**< proc_adopt + thread cap -> proc_pid (managers only); E_INVAL, E_PERM, E_FULL */
#define PROC_SET_STANDARD (PROTO_BASE_PROC + 7) /**< proc_give + cap -> nothing: the capability every later child gets at that slot of the standard set (managers only); E_INVAL, E_PERM */
/**
 * No words + bin/proc's own space capability -> nothing: the first message
 * bin/proc takes, from the root task (badge 0); it answers the others with
 * E_AGAIN until then. The reply says whether its start-up worked.
 */
#define PROC_BOOT   (PROTO_BASE_PROC + 8)
/** nothing -> nothing, with a capability to the caller's own address space
 *  (all rights), for creating threads. The process manager revokes it when the
 *  process ends, so the space does not keep itself alive. E_NOENT for a caller
 *  it did not spawn. */
#define PROC_SELF_SPACE (PROTO_BASE_PROC + 9)
/** @} */

/** proc_spawn.flags: the child's PROC_CAP_PROC carries PROC_BADGE_MANAGER (managers only). */
#define PROC_SPAWN_MANAGER 1

/** Request of PROC_SPAWN. */
struct proc_spawn {
    char path[PROC_PATH_MAX];   /**< the program's archive path, NUL-terminated */
    uint32_t argc;              /**< strings in args (argv[0] included), 1..PROC_ARGC_MAX */
    uint32_t args_len;          /**< bytes used in args; the last is a NUL */
    uint64_t flags;             /**< PROC_SPAWN_MANAGER or 0 */
    char args[PROC_ARGS_MAX];   /**< argc NUL-terminated strings, nothing else */
};

/** A process id (request of PROC_KILL and PROC_LIST, reply of PROC_SPAWN and PROC_ADOPT). */
struct proc_pid {
    uint64_t pid;               /**< process id, > 0 (PROC_LIST: the first one wanted) */
};

/**
 * Request of PROC_GIVE and PROC_SET_STANDARD; the capability travels with it
 * (MSG_CAP, so the caller's capability needs RIGHT_GRANT).
 */
struct proc_give {
    uint64_t slot;              /**< PROC_GIVE: CAP_FIRST_FREE..PROC_CAP_GIVE_LAST;
                                     PROC_SET_STANDARD: 12, 15, 16 or 17 */
};

/** Request of PROC_ADOPT; a capability to the process's main thread travels with it. */
struct proc_adopt {
    char name[PROC_NAME_MAX];   /**< its name in listings, NUL-terminated, not empty */
};

#define PROC_WAIT_NOHANG 1      /**< proc_wait.flags: accepted; PROC_WAIT never blocks */

/** Request of PROC_WAIT. */
struct proc_wait {
    uint64_t pid;               /**< the child; 0: any child that ended */
    uint64_t flags;             /**< PROC_WAIT_NOHANG or 0 */
};

/** Reply of PROC_WAIT. */
struct proc_status {
    uint64_t pid;               /**< the child that ended */
    int64_t status;             /**< its exit status 0..255, or THREAD_STATUS_KILLED */
};

/** @name Process states */
/** @{ */
#define PROC_RUNNING 1          /**< its main thread has not ended */
#define PROC_ZOMBIE  2          /**< ended, status not yet collected */
/** @} */

/** One process in a listing. */
struct proc_info {
    uint64_t pid;               /**< process id */
    uint64_t parent;            /**< parent's id (0 for the root task) */
    uint32_t state;             /**< PROC_RUNNING or PROC_ZOMBIE */
    uint32_t threads;           /**< live threads in its address space */
    uint64_t cpu_ticks;         /**< timer ticks its threads ran */
    int64_t status;             /**< exit status when PROC_ZOMBIE, else 0 */
    char name[PROC_NAME_MAX];   /**< program name, NUL-terminated */
};

/** Reply of PROC_LIST: processes with pid >= the requested one, in pid order. */
struct proc_list_reply {
    uint64_t count;             /**< entries used, 0..PROC_LIST_MAX; 0: no more */
    uint64_t free_pages;        /**< pages of the manager's program memory not in use */
    uint64_t total_pages;       /**< pages of the manager's program memory */
    struct proc_info procs[PROC_LIST_MAX]; /**< the entries */
};

/** @cond */
PROTO_CHECK(struct proc_spawn);
PROTO_CHECK(struct proc_pid);
PROTO_CHECK(struct proc_give);
PROTO_CHECK(struct proc_adopt);
PROTO_CHECK(struct proc_wait);
PROTO_CHECK(struct proc_status);
PROTO_CHECK(struct proc_list_reply);
_Static_assert(sizeof(struct proc_info) == 56, "proc_info layout");
/** @endcond */

#endif
