/**
 * @file process.h
 * @brief The process manager's client side (mica/proto/proc.h).
 *
 * The calls go to the endpoint proc_attach() named, by default
 * PROC_CAP_PROC (where a program the process manager started finds its
 * capability), through the calling thread's ipc_buffer_self() buffer (so a
 * thread that registered an IPC buffer of its own must not use them).
 * Every call returns 0 or a negative error: the server's (mica/error.h) or
 * the IPC system call's.
 * @code
 * uint64_t pid;
 * cap_t t;
 * int64_t status;
 * const char *argv[] = { "ptest", "sum", "1", "2" };
 * if (proc_spawn("bin/ptest", 4, argv, &pid, &t) == 0 && proc_wait(pid, t, &status) == 0)
 *     printf("pid %lu ended with %ld\n", pid, status);
 * @endcode
 */
#ifndef PROCESS_H
#define PROCESS_H

#include <mica/types.h>
#include <mica/proto/proc.h>

/** @brief Talk to the process manager at @p ep from now on (0: PROC_CAP_PROC again). */
void proc_attach(cap_t ep);

/**
 * @brief Stage capability @p cap for the caller's next proc_spawn(), at @p slot
 *        of the child (a copy; the caller keeps @p cap).
 * @param slot CAP_FIRST_FREE..PROC_CAP_GIVE_LAST.
 * @param cap the capability to give (the endpoint capability needs RIGHT_GRANT).
 * @return 0, -E_INVAL (slot), -E_FULL (PROC_GIVE_MAX staged already).
 */
long proc_give(cap_t slot, cap_t cap);

/**
 * @brief Start archive program @p path with arguments @p argv.
 * @param path e.g. "bin/sh".
 * @param argc 1..PROC_ARGC_MAX.
 * @param argv argc strings, argv[0] the program's name; all of them together
 *        at most PROC_ARGS_MAX bytes with their NULs.
 * @param pid set to the child's pid.
 * @param thread set to a new slot holding a read-only capability to the
 *        child's main thread (join it to wait), or -1 if none came; may be NULL.
 * @return 0, -E_NOENT (no such program), -E_NOEXEC (not an executable),
 *         -E_INVAL (arguments), -E_NOMEM, -E_FULL, or an IPC error.
 */
long proc_spawn(const char *path, int argc, const char *const *argv, uint64_t *pid, cap_t *thread);

/**
 * @brief proc_spawn() with proc_spawn.flags (PROC_SPAWN_MANAGER: the child
 *        may manage processes; only a manager may ask for that).
 * @param path the program.
 * @param argc argument count.
 * @param argv the arguments.
 * @param flags PROC_SPAWN_MANAGER or 0.
 * @param pid set to the child's pid.
 * @param thread set to its main thread's capability slot, or -1 (may be NULL).
 * @return as proc_spawn(); -E_PERM for PROC_SPAWN_MANAGER from a non-manager.
 */
long proc_spawn_flags(const char *path, int argc, const char *const *argv, uint64_t flags,
                      uint64_t *pid, cap_t *thread);

/**
 * @brief Wait for child @p pid to end and collect its status.
 *
 * Joins @p thread first (which empties its slot), then asks for the status,
 * sleeping a tick and asking again while the manager has not seen the end
 * yet (E_AGAIN). Without a thread capability it asks every tick.
 * @param pid the child (0: any child, with @p thread 0).
 * @param thread the capability proc_spawn() returned, or 0.
 * @param status set to its exit status (0..255, or THREAD_STATUS_KILLED).
 * @return 0, -E_NOENT (no such child of the caller), or another error.
 */
long proc_wait(uint64_t pid, cap_t thread, int64_t *status);

/**
 * @brief PROC_WAIT once: the status of child @p pid (0: any) if it ended.
 * @param pid the child.
 * @param done set to the pid collected.
 * @param status set to its status.
 * @return 0, -E_AGAIN (still running), -E_NOENT.
 */
long proc_collect(uint64_t pid, uint64_t *done, int64_t *status);

/**
 * @brief Kill process @p pid (a child of the caller, or any for a manager).
 * @param pid the process.
 * @return 0 (also when it had ended already), -E_NOENT, -E_PERM.
 */
long proc_kill(uint64_t pid);

/**
 * @brief List up to PROC_LIST_MAX processes with pids from @p first on.
 * @param first the first pid wanted (1: from the start).
 * @param out the reply; out->count is 0 when there are no more.
 * @return 0 or an error.
 */
long proc_list(uint64_t first, struct proc_list_reply *out);

/**
 * @brief List process @p thread (started elsewhere) under @p name (managers only).
 * @param name at most PROC_NAME_MAX - 1 characters.
 * @param thread a capability to its main thread with RIGHT_READ (sent along;
 *        RIGHT_WRITE lets the manager kill it).
 * @param pid set to the pid it got.
 * @return 0, -E_PERM, -E_INVAL, -E_FULL.
 */
long proc_adopt(const char *name, cap_t thread, uint64_t *pid);

/**
 * @brief Send bin/proc its own address-space capability (PROC_BOOT: the
 *        root task, once, right after starting it) and wait for its start-up.
 * @param space the capability (sent along: a copy).
 * @return 0 or the error its start-up met.
 */
long proc_boot(cap_t space);

/**
 * @brief Make @p cap the capability every later child finds at standard
 *        slot @p slot (12, 15, 16 or 17; managers only).
 * @param slot the slot.
 * @param cap the capability (sent along: a copy).
 * @return 0, -E_PERM, -E_INVAL.
 */
long proc_set_standard(cap_t slot, cap_t cap);

#endif
