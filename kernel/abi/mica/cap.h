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

/** What kind of object a capability names. */
enum cap_type {
    CAP_TYPE_NONE = 0,      /**< empty slot */
    CAP_TYPE_THREAD = 1,    /**< a thread */
    CAP_TYPE_SPACE = 2,     /**< an address space (and its capability table) */
    CAP_TYPE_MACHINE = 3,   /**< the machine: power off, I/O, IRQs */
    CAP_TYPE_COUNT          /**< number of types; not a type */
};

/** Rights, a bit mask. */
enum cap_rights {
    RIGHT_READ = 1 << 0,    /**< observe: thread_info, thread_join */
    RIGHT_WRITE = 1 << 1,   /**< control: start, suspend, resume, set priority, create threads in */
    RIGHT_GRANT = 1 << 2,   /**< pass on to others (lab 4) */
    RIGHTS_ALL = 0x7,
};

/** Number of slots in a capability table. */
#define CAP_TABLE_SLOTS 256

#endif
