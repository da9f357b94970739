/**
 * @file mica/cap.h
 * @brief Capability types and rights.
 *
 * A capability slot holds a type, a set of rights and a reference to a kernel
 * object. A system call that takes a slot fails with -E_BADCAP if the slot is
 * empty or out of range, -E_WRONGTYPE if it names the wrong kind of object and
 * -E_NORIGHTS if it lacks a right the call needs.
 */
#ifndef MICA_CAP_H
#define MICA_CAP_H

#include <mica/types.h>

/** What kind of object a capability names. */
enum cap_type {
    CAP_TYPE_NONE = 0,      /**< empty slot */
    CAP_TYPE_THREAD = 1,    /**< a thread */
    CAP_TYPE_SPACE = 2,     /**< an address space (and its capability table) */
    CAP_TYPE_MACHINE = 3,   /**< the machine: power off, I/O, IRQs */
    CAP_TYPE_ENDPOINT = 4,  /**< an IPC endpoint (mica/ipc.h) */
    CAP_TYPE_NOTIFICATION = 5, /**< a notification word (mica/ipc.h) */
    CAP_TYPE_FRAME = 6,     /**< a range of physical page frames (mica/mem.h) */
    CAP_TYPE_IRQ = 7,       /**< an interrupt line bound to a notification (mica/device.h) */
    CAP_TYPE_IOPORT = 8,    /**< a range of I/O ports (mica/device.h) */
    CAP_TYPE_COUNT          /**< number of types; not a type */
};

/** Rights, a bit mask. */
enum cap_rights {
    RIGHT_READ = 1 << 0,    /**< observe: thread_info, thread_join */
    RIGHT_WRITE = 1 << 1,   /**< control: start, suspend, resume, set priority, create threads in */
    RIGHT_GRANT = 1 << 2,   /**< pass on to others (lab 4) */
    RIGHTS_ALL = 0x7,       /**< every right of threads, endpoints, notifications, IRQs, ports */
    RIGHTS_SPACE = 0x17,    /**< every right of a space: RIGHTS_ALL and RIGHT_MAP */
    RIGHTS_FRAME = 0x1f,    /**< every right of a frame range: the above and RIGHT_EXEC */
    RIGHT_EXEC = 1 << 3,    /**< frames: may be mapped executable */
    RIGHT_MAP = 1 << 4,     /**< frames: may be mapped; spaces: may have frames mapped in */
    RIGHT_RECV = RIGHT_READ,    /**< endpoints: receive; notifications: wait and poll */
    RIGHT_SEND = RIGHT_WRITE,   /**< endpoints: send and call; notifications: signal */
};

/** Largest badge sys_cap_mint() accepts (badges are 63-bit, so a
 *  notification word returned in rax is never negative). */
#define CAP_BADGE_MAX ((uint64_t)INT64_MAX)

/**
 * What sys_cap_info() reports about a slot.
 *
 * Capability calls (numbers 16-31):
 * - sys_cap_copy(src, dst): a copy of src (same rights and badge) in dst,
 *   derived from src. dst = -1 takes the first free slot from CAP_FIRST_FREE.
 *   Returns the slot, -E_BADCAP (src empty, slot out of range), -E_EXIST (dst
 *   in use), -E_FULL.
 * - sys_cap_mint(src, dst, rights, badge): like copy, with rights reduced to
 *   `rights` (which must be a subset of src's: -E_NORIGHTS otherwise, -E_INVAL
 *   for bits the type does not know: RIGHTS_FRAME for frames, RIGHTS_SPACE
 *   for spaces, RIGHTS_ALL for the others) and, when badge != 0, the badge set (only endpoints and
 *   notifications carry badges, -E_INVAL otherwise; only an unbadged
 *   capability can be badged, -E_PERM otherwise; -E_RANGE above CAP_BADGE_MAX).
 * - sys_cap_move(src, dst): moves the capability with its derivation links.
 * - sys_cap_delete(slot): empties the slot; capabilities derived from it
 *   remain, now derived from its parent. The object dies with its last
 *   capability, waking its waiters with -E_DEAD.
 * - sys_cap_revoke(slot): deletes every capability derived from slot,
 *   recursively, in every table; keeps slot itself. Returns how many went.
 * - sys_cap_info(slot, struct cap_info *out): 0, -E_BADCAP, -E_FAULT.
 * - sys_cap_give(space, src, dst): a copy of src (same rights and badge,
 *   derived from src, so revoking src takes it back) in slot dst of the
 *   capability table of the address space named by `space`, which needs
 *   RIGHT_WRITE (the right to create threads in it). dst = -1 takes that
 *   table's first free slot from CAP_FIRST_FREE. Threads and spaces cannot
 *   be given (-E_WRONGTYPE): each holds its address space, so a table
 *   holding one could keep its own space alive forever. Returns the slot
 *   there, -E_BADCAP (src empty, a slot out of range), -E_WRONGTYPE /
 *   -E_NORIGHTS (space), -E_EXIST (dst in use), -E_FULL. This is how a parent hands a
 *   new process (sys_space_create() makes its table empty) its initial
 *   capabilities before it starts the first thread: nothing else can place
 *   a capability into a table that has no endpoint to receive on yet.
 */
struct cap_info {
    int32_t type;           /**< enum cap_type */
    uint32_t rights;        /**< RIGHT_* bits */
    uint64_t badge;         /**< 0 when unbadged */
};

/** Number of slots in a capability table. */
#define CAP_TABLE_SLOTS 256

_Static_assert(sizeof(struct cap_info) == 16, "cap_info layout");

#endif
