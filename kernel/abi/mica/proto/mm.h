/**
 * @file mica/proto/mm.h
 * @brief The memory manager: the user-level pager of every process.
 *
 * The kernel turns a page fault of a thread into an MM_FAULT message to the
 * fault endpoint of its process (which the process manager points at the
 * memory manager); the faulting thread waits for the reply. The memory
 * manager maps a zeroed frame (demand-zero heap and stack regions it knows
 * of) and replies 0 to resume the thread, or replies an error, and the
 * kernel then kills the thread. Every process has an accounted frame count
 * and a limit: a fault or MM_ALLOC past the limit fails with E_NOMEM, never
 * a crash of the memory manager. MM_STAT is idempotent; MM_ALLOC of the same
 * range again is harmless.
 */
#ifndef MICA_PROTO_MM_H
#define MICA_PROTO_MM_H

#include <mica/proto/common.h>

/** @name Labels */
/** @{ */
#define MM_FAULT     (PROTO_BASE_MM + 1) /**< mm_fault (from the kernel) -> nothing: resume; E_NOMEM, E_FAULT: kill */
#define MM_ALLOC     (PROTO_BASE_MM + 2) /**< mm_region -> nothing: a demand-zero region; E_NOMEM, E_INVAL */
#define MM_FREE      (PROTO_BASE_MM + 3) /**< mm_region -> nothing: unmap and give frames back */
#define MM_STAT      (PROTO_BASE_MM + 4) /**< mm_pid -> mm_stat */
#define MM_SET_LIMIT (PROTO_BASE_MM + 5) /**< mm_limit -> nothing (process manager only: E_PERM) */
/** @} */

/** @name mm_fault.access bits */
/** @{ */
#define MM_ACCESS_WRITE 0x1     /**< the access was a write */
#define MM_ACCESS_EXEC  0x2     /**< an instruction fetch */
#define MM_ACCESS_PRESENT 0x4   /**< the page was mapped (a protection fault) */
/** @} */

/** A page fault, as the kernel reports it. */
struct mm_fault {
    uint64_t addr;              /**< the faulting address (CR2) */
    uint64_t ip;                /**< the faulting instruction */
    uint64_t access;            /**< MM_ACCESS_* */
    uint64_t pid;               /**< the process (the badge of the fault endpoint) */
};

/** A range of a process's address space (MM_ALLOC, MM_FREE). */
struct mm_region {
    uint64_t start;             /**< page-aligned user address */
    uint64_t pages;             /**< length in pages, > 0 */
    uint64_t writable;          /**< 1: read-write, 0: read-only */
};

/** Request of MM_STAT. */
struct mm_pid {
    uint64_t pid;               /**< the process; 0: the caller */
};

/** Reply of MM_STAT. */
struct mm_stat {
    uint64_t frames;            /**< frames mapped for the process now */
    uint64_t limit;             /**< its limit in frames */
    uint64_t faults;            /**< faults served for it so far */
    uint64_t free_frames;       /**< frames the memory manager has left */
};

/** Request of MM_SET_LIMIT. */
struct mm_limit {
    uint64_t pid;               /**< the process */
    uint64_t frames;            /**< the new limit */
};

/** @cond */
PROTO_CHECK(struct mm_fault);
PROTO_CHECK(struct mm_region);
PROTO_CHECK(struct mm_pid);
PROTO_CHECK(struct mm_stat);
PROTO_CHECK(struct mm_limit);
/** @endcond */

#endif
