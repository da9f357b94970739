/**
 * @file thread.h
 * @brief Threads within one program, time, and scheduling.
 *
 * Threads are named by capabilities (cap_t). thread_spawn() allocates a stack
 * from the heap, creates and starts a kernel thread in the caller's address
 * space that runs fn(arg), and returns the new thread's capability;
 * thread_join() waits for it, returns its exit status and frees the stack.
 *
 * The kernel does not save FPU/SSE registers: all user code is compiled with
 * -mgeneral-regs-only (see user/user.mk).
 */
#ifndef THREAD_H
#define THREAD_H

#include <mica/syscall.h>

/** Stack size thread_spawn() allocates for each thread. */
#define THREAD_STACK_SIZE (16 * 1024)

/** Most threads thread_spawn() can track at once (spawned and not yet joined). */
#define THREAD_MAX 64


/**
 * @brief Start a thread running fn(arg) in this program.
 *
 * When fn returns, its result becomes the thread's exit status.
 * @param name for traces and thread_info (at most 19 characters are kept).
 * @param fn the thread's body.
 * @param arg passed to fn.
 * @param prio priority, PRIO_MIN..PRIO_MAX (higher runs first).
 * @return the new thread's capability (>= 0), or a negative error:
 *         -E_NOMEM (no stack), -E_FULL (THREAD_MAX threads not joined), or
 *         what sys_thread_create/sys_thread_start returned.
 */
cap_t thread_spawn(const char *name, int (*fn)(void *), void *arg, int prio);

/**
 * @brief Wait for a thread from thread_spawn() to end, then free its stack.
 *
 * The kernel reaps the thread and empties its capability slot.
 * @param thread its capability.
 * @param status where to store its exit status: 0..255 as it exited, or
 *        THREAD_STATUS_KILLED if the kernel killed it for a fault (may be NULL).
 * @return 0, or a negative error from sys_thread_join.
 */
int thread_join(cap_t thread, int *status);

/**
 * @brief thread_join() giving up after @p timeout ticks.
 * @param thread its capability.
 * @param timeout ticks to wait, or TIMEOUT_FOREVER (0 only polls).
 * @param status where to store its exit status (may be NULL).
 * @return 0, -E_TIMEOUT, or another negative error from sys_thread_join.
 */
int thread_join_timeout(cap_t thread, tick_t timeout, int *status);

/**
 * @brief Read a thread's id, state, priority, CPU time and name.
 * @param thread its capability (CAP_SELF_THREAD: the program's first thread).
 * @param info filled in on success.
 * @return 0 or a negative error.
 */
int thread_info(cap_t thread, struct thread_info *info);

/**
 * @brief Change a thread's priority; may preempt the caller.
 * @param thread its capability.
 * @param prio PRIO_MIN..PRIO_MAX.
 * @return 0 or a negative error (-E_RANGE or -E_INVAL for a bad priority).
 */
int thread_set_priority(cap_t thread, int prio);

/**
 * @brief Block the calling thread for @p n timer ticks.
 * @param n ticks to sleep; 0 just yields.
 */
void sleep_ticks(tick_t n);

/**
 * @brief Timer ticks since boot.
 * @return the tick count.
 */
tick_t ticks(void);

/** @brief Give the CPU to another ready thread of the same priority, if any. */
void yield(void);

/**
 * @brief The calling thread's one word of thread-local storage (NULL at
 *        first); a spawned thread's word is passed to free() when the thread
 *        is joined.
 * @return where the word is kept.
 */
void **thread_local(void);

#endif
