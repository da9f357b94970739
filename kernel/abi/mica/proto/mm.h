/**
 * @file mica/proto/mm.h
 * @brief The memory manager (bin/mm): the user-level pager of every process.
 *
 * The memory manager holds a piece of physical memory (a frame capability)
 * and hands it out one page at a time. A process tells it which ranges of
 * its address space are *regions*: demand-zero memory (heap, stack) that is
 * mapped page by page when a thread first touches it. Each region is
 * *committed* when it is declared: its pages count against the process's
 * limit and are set aside in the memory manager's pool, so declaring too
 * much fails cleanly with E_NOMEM, and a fault inside a declared region
 * never runs out of frames.
 *
 * **Start.** The memory manager gets its endpoint (receive right) and the
 * frame piece at spawn (PROC_CAP_SERVICE, PROC_CAP_DEP). It zeroes frames
 * through a window in its own address space, so it needs its own space
 * capability in CAP_SELF_SPACE. sys_cap_give() cannot place that one; if
 * the spawner did not put it there otherwise, the manager sends it with
 * MM_INIT, the first request the memory manager then serves (others get
 * E_AGAIN until then; a later MM_INIT gets E_EXIST).
 *
 * **Who may do what.** The badge of the capability a request arrives on
 * says who sent it:
 * - MM_BADGE_MANAGER: the process manager (or the root task), which
 *   registers processes (MM_ADD, with the process's address space
 *   capability), forgets them (MM_REMOVE), sets limits and may name any
 *   registered pid;
 * - a pid, 1..MM_PID_MAX: a process, which may act on itself only (pid 0
 *   or its own pid in a request; E_PERM otherwise). Its capability to the
 *   memory manager (PROC_CAP_MM) is also the fault handler of its threads.
 *
 * **Faults.** A thread's page fault reaches the memory manager as a fault
 * message (label IPC_LABEL_FAULT, mica/ipc.h) whose badge is the pid. A
 * fault on a page of one of its regions, with an access the region allows,
 * is answered by mapping a zeroed frame there (read-write, or read-only for
 * a read-only region) and replying label 0: the thread retries the access.
 * Any other fault (outside every region, a write to a read-only region, an
 * instruction fetch, a protection fault on a mapped page, not a page fault)
 * gets an error reply and the kernel kills the thread; the memory manager
 * and the process's other threads go on.
 *
 * **Limits of the design.** The kernel copies to and from user memory on a
 * system call's behalf without raising faults: a buffer handed to the
 * kernel must already be mapped (touch it first). A process's frames are
 * also bounded by the kernel's SPACE_MAPPINGS_MAX.
 *
 * Every request is checked for its exact length, its fields and the
 * sender's badge before anything changes. MM_STAT is idempotent; MM_ALLOC
 * and MM_FREE are not (a second MM_ALLOC of the same range is E_INVAL).
 */
#ifndef MICA_PROTO_MM_H
#define MICA_PROTO_MM_H

#include <mica/proto/common.h>
#include <mica/mem.h>

/**
 * @name Labels
 * Request -> reply, then the errors besides E_INVAL for a malformed request
 * and E_PERM for a sender the request is not for.
 */
/** @{ */
/** nothing + the memory manager's own space capability -> nothing (manager, once); E_EXIST */
#define MM_INIT      (PROTO_BASE_MM + 1)
/** mm_add + the process's space capability -> nothing (manager); E_EXIST, E_FULL */
#define MM_ADD       (PROTO_BASE_MM + 2)
/** mm_pid -> nothing: unmap and free the process's frames, forget it (manager); E_NOENT */
#define MM_REMOVE    (PROTO_BASE_MM + 3)
/** mm_region -> nothing: declare and commit a demand-zero region; E_NOMEM, E_FULL, E_NOENT */
#define MM_ALLOC     (PROTO_BASE_MM + 4)
/** mm_region -> nothing: unmap, free and uncommit a declared range; E_FULL, E_NOENT */
#define MM_FREE      (PROTO_BASE_MM + 5)
/** mm_pid -> mm_stat; E_NOENT */
#define MM_STAT      (PROTO_BASE_MM + 6)
/** mm_limit -> nothing (manager); E_NOENT */
#define MM_SET_LIMIT (PROTO_BASE_MM + 7)
/** @} */

/** The badge of the manager's capability (the process manager's); pids stay below it. */
#define MM_BADGE_MANAGER (1UL << 62)
/** The largest pid (pids are 1..MM_PID_MAX; a pid is the badge of a process's capability). */
#define MM_PID_MAX       (1UL << 32)

/** The limit in frames of a process registered with limit 0. */
#define MM_LIMIT_DEFAULT 1024
/** The largest limit MM_ADD and MM_SET_LIMIT accept (the kernel maps no more frames per space). */
#define MM_LIMIT_MAX     SPACE_MAPPINGS_MAX

/** @name User address space, as regions may use it */
/** @{ */
#define MM_PAGE          4096UL                  /**< page size */
#define MM_USER_MIN      0x1000UL                /**< the lowest user page */
#define MM_USER_TOP      0x00007FFFFFFFF000UL    /**< user space ends below this address */
/** @} */

/** @name The heap the user library's malloc() grows through MM_ALLOC */
/** @{ */
#define USER_HEAP_BASE   0x0000100000000000UL    /**< where the heap starts */
#define USER_HEAP_MAX    0x40000000UL            /**< the most it grows to: 1 GiB */
/** @} */

/** mm_region.flags: the region is writable (else read-only). */
#define MM_WRITE 0x1

/** Request of MM_ADD; the process's address space capability (RIGHT_MAP) travels with it. */
struct mm_add {
    uint64_t pid;               /**< the process, 1..MM_PID_MAX, not registered yet */
    uint64_t limit;             /**< its limit in frames, <= MM_LIMIT_MAX; 0: MM_LIMIT_DEFAULT */
};

/** Request of MM_REMOVE and MM_STAT. */
struct mm_pid {
    uint64_t pid;               /**< the process; 0: the caller (the manager's MM_STAT: the pool) */
};

/** Request of MM_ALLOC and MM_FREE. */
struct mm_region {
    uint64_t pid;               /**< the process; 0: the caller */
    uint64_t start;             /**< page-aligned, >= MM_USER_MIN */
    uint64_t pages;             /**< > 0; the range ends at or below MM_USER_TOP */
    uint64_t flags;             /**< MM_ALLOC: MM_WRITE or 0; MM_FREE: 0 */
};

/** Reply of MM_STAT (four words: it needs no IPC buffer). */
struct mm_stat {
    uint32_t frames;            /**< frames mapped for the process now */
    uint32_t committed;         /**< pages of its regions */
    uint32_t limit;             /**< most pages it may commit */
    uint32_t free_frames;       /**< frames of the pool mapped to nobody */
    uint64_t faults;            /**< faults served for it (a frame mapped, thread resumed) */
    uint64_t refused;           /**< faults refused (thread killed) */
};

/** Request of MM_SET_LIMIT. */
struct mm_limit {
    uint64_t pid;               /**< the process */
    uint64_t frames;            /**< its new limit, <= MM_LIMIT_MAX; committed regions stay */
};

/** @cond */
PROTO_CHECK(struct mm_add);
PROTO_CHECK(struct mm_pid);
PROTO_CHECK(struct mm_region);
PROTO_CHECK(struct mm_stat);
PROTO_CHECK(struct mm_limit);
_Static_assert(sizeof(struct mm_region) == 4 * 8, "mm_region fits the registers");
_Static_assert(sizeof(struct mm_stat) == 4 * 8, "mm_stat fits the registers");
/** @endcond */

#endif
