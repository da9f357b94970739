/**
 * @file mmclient.h
 * @brief The memory manager's client side (protocol: mica/proto/mm.h).
 *
 * Every call takes the capability to the memory manager it goes through:
 * a process uses its own (PROC_CAP_MM, badged with its pid: see
 * mm_endpoint()) and names itself with pid 0; the process manager uses its
 * capability badged MM_BADGE_MANAGER and names the process. Each call
 * returns 0 (or what it says) or a negative error: the memory manager's
 * (the reply label, negated) or the IPC error of the call.
 *
 * Only mm_init() and mm_add() need the calling thread's registered IPC
 * buffer (a capability travels with them); the other calls fit in
 * registers, so malloc() can use them from any thread.
 *
 * How the process manager starts a program with a demand-zero stack:
 * @code
 * spawn(&pool, &prog, &(struct spawn_params){ ..., .stack_mapped = 2,
 *       .flags = SPAWN_SUSPENDED }, &p);
 * mm_add(mm_manager, buf, pid, p.space, 0);                  // default limit
 * mm_alloc(mm_manager, pid, SPAWN_STACK_TOP - 64 * 4096, 62, MM_WRITE);  // below the 2 mapped
 * sys_thread_set_fault_handler(p.thread, mm_for_pid);         // minted with badge pid
 * sys_thread_start(p.thread);
 * @endcode
 */
#ifndef MMCLIENT_H
#define MMCLIENT_H

#include <mica/types.h>
#include <mica/ipc.h>
#include <mica/proto/mm.h>

/**
 * @brief Use @p ep as this program's memory manager: from then on malloc()
 *        grows its heap at USER_HEAP_BASE through mm_alloc() and
 *        thread_spawn() makes @p ep the fault handler of new threads.
 *
 * The start-up code calls it when slot PROC_CAP_MM holds an endpoint; it
 * must come before the first malloc() (a heap already in use stays).
 * @param ep the memory manager capability (badged with the pid), or 0.
 */
void mm_attach(cap_t ep);

/** @brief The capability mm_attach() was given, or 0 (the program has a static heap). */
cap_t mm_endpoint(void);

/**
 * @brief Give the memory manager its own address space (MM_INIT; manager only, once).
 * @param mm the manager's capability (badge MM_BADGE_MANAGER, RIGHT_GRANT).
 * @param buf the calling thread's registered IPC buffer.
 * @param self_space the memory manager's address space capability (RIGHT_MAP).
 * @return 0, -E_PERM, -E_EXIST (given already), or the IPC error.
 */
long mm_init(cap_t mm, struct ipc_buffer *buf, cap_t self_space);

/**
 * @brief Register process @p pid (MM_ADD; manager only).
 * @param mm the manager's capability (badge MM_BADGE_MANAGER, RIGHT_GRANT).
 * @param buf the calling thread's registered IPC buffer (the capability travels there).
 * @param pid the process, 1..MM_PID_MAX.
 * @param space its address space capability (RIGHT_MAP); the memory manager keeps a copy.
 * @param limit most pages it may commit, <= MM_LIMIT_MAX; 0 for MM_LIMIT_DEFAULT.
 * @return 0, -E_PERM, -E_INVAL, -E_EXIST (registered already), -E_FULL.
 */
long mm_add(cap_t mm, struct ipc_buffer *buf, uint64_t pid, cap_t space, uint64_t limit);

/**
 * @brief Forget process @p pid: unmap and free its frames, drop its space
 *        (MM_REMOVE; manager only).
 * @param mm the manager's capability.
 * @param pid the process.
 * @return 0, -E_PERM, -E_NOENT.
 */
long mm_remove(cap_t mm, uint64_t pid);

/**
 * @brief Declare and commit a demand-zero region (MM_ALLOC): its pages are
 *        mapped, zeroed, when first touched.
 * @param mm the capability to use.
 * @param pid the process (manager), or 0 (a process: itself).
 * @param start page-aligned user address.
 * @param pages length in pages (> 0).
 * @param flags MM_WRITE for a writable region, 0 for a read-only one.
 * @return 0; -E_NOMEM past the process's limit or the memory manager's
 *         memory; -E_INVAL for a bad range or one that overlaps a region;
 *         -E_FULL (too many regions), -E_PERM, -E_NOENT.
 */
long mm_alloc(cap_t mm, uint64_t pid, uint64_t start, uint64_t pages, unsigned flags);

/**
 * @brief Undeclare a range of regions (MM_FREE): unmap and free its frames
 *        and give its commitment back.
 * @param mm the capability to use.
 * @param pid the process (manager), or 0 (itself).
 * @param start page-aligned; the range must lie wholly inside declared regions.
 * @param pages length in pages.
 * @return 0, -E_INVAL, -E_FULL (a region would split with no room), -E_PERM, -E_NOENT.
 */
long mm_free(cap_t mm, uint64_t pid, uint64_t start, uint64_t pages);

/**
 * @brief A process's numbers (MM_STAT); the manager's pid 0 gives the whole pool's.
 * @param mm the capability to use.
 * @param pid the process, or 0.
 * @param out filled on success.
 * @return 0, -E_PERM, -E_NOENT.
 */
long mm_stat(cap_t mm, uint64_t pid, struct mm_stat *out);

/**
 * @brief Set a process's limit (MM_SET_LIMIT; manager only).
 * @param mm the manager's capability.
 * @param pid the process.
 * @param frames the new limit, <= MM_LIMIT_MAX (regions committed already stay).
 * @return 0, -E_PERM, -E_NOENT, -E_INVAL.
 */
long mm_set_limit(cap_t mm, uint64_t pid, uint64_t frames);

#endif
