/**
 * @file selfspace.h
 * @brief A spawned program asks its starter for its own address-space capability.
 *
 * A program started with spawn() has an empty capability table: not even
 * its own space (CAP_SELF_SPACE), which thread_spawn() needs to create
 * threads. sys_cap_give() refuses spaces (a table holding its own space
 * would keep it alive forever), so a program that needs threads gets it by
 * IPC: its starter gives it a send capability to a bootstrap endpoint at
 * SELF_SPACE_BOOTSTRAP, the program calls it first thing, and the starter
 * replies with the space capability, which lands in CAP_SELF_SPACE. The
 * program must delete it again before its last thread ends (or the space
 * never dies); self_space_drop() does that.
 *
 * Interim: the process manager (bin/proc) will hand programs their
 * space when it starts them; until then the reincarnation server and the
 * root task's scenarios use this.
 */
#ifndef SELFSPACE_H
#define SELFSPACE_H

#include <mica/types.h>
#include <mica/ipc.h>

/** The slot of the bootstrap endpoint in the child (empty in spawned programs). */
#define SELF_SPACE_BOOTSTRAP 7

/**
 * @brief Child side: get CAP_SELF_SPACE from the starter, then delete the
 *        bootstrap capability. Returns 0 at once if CAP_SELF_SPACE holds a
 *        space already.
 * @param buf the calling thread's registered IPC buffer.
 * @return 0 or a negative error (no bootstrap capability: -E_BADCAP).
 */
long self_space_request(struct ipc_buffer *buf);

/** @brief Child side: delete CAP_SELF_SPACE (before the last thread ends). */
void self_space_drop(void);

/**
 * @brief Starter side: wait at most @p timeout ticks for the child's
 *        request on @p ep (receive right) and answer it with @p space.
 * @param ep the bootstrap endpoint.
 * @param space the child's space capability (all rights).
 * @param buf the calling thread's registered IPC buffer.
 * @param timeout ticks.
 * @return 0, -E_TIMEOUT if the child did not ask, or another error.
 */
long self_space_grant(cap_t ep, cap_t space, struct ipc_buffer *buf, tick_t timeout);

#endif
