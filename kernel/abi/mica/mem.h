/**
 * @file mica/mem.h
 * @brief Physical memory through capabilities (system calls 48-63).
 *
 * **Policy split.** The kernel decides nothing about user memory beyond
 * handing it over: at boot it keeps a reserve for its own objects (thread
 * stacks, page tables, capability tables, the root task's image, stack and
 * the kernel-provided memory of programs) -- half of the free frames -- and
 * gives every other free frame to the root task as at most
 * CAP_BOOT_FRAMES_MAX frame-range capabilities in slots CAP_BOOT_FRAMES..
 * (highest memory first; unused slots stay empty). Who gets which page, and
 * what is mapped where, is then user space's business (the memory manager).
 *
 * **Frame ranges.** A frame capability names a physically contiguous range of
 * page frames, with rights RIGHT_READ, RIGHT_WRITE, RIGHT_EXEC (what a
 * mapping may allow), RIGHT_MAP (may be mapped at all) and RIGHT_GRANT. A
 * page is zeroed by the kernel the first time it is mapped after boot; after
 * that its contents are whatever user space left in it.
 *
 * - sys_frame_info(frame, struct frame_info *out): 0, a capability error, -E_FAULT.
 * - sys_frame_split(frame, offset, pages): a new capability (first free slot,
 *   same rights) for pages [offset, offset + pages) of the range, derived
 *   from `frame` (so revoking `frame` deletes it). Two pieces carved from the
 *   same range never overlap: -E_BUSY if the pages are part of a live piece
 *   already. -E_RANGE for an empty or out-of-range piece, -E_FULL, -E_NOMEM.
 *   The holder of the whole range keeps authority over all of it, as the
 *   holder of a parent capability does.
 * - sys_frame_map(frame, index, space, va, rights): map page `index` of the
 *   range at user address `va` of `space`. The frame capability needs
 *   RIGHT_MAP, the space capability RIGHT_MAP. `rights` is RIGHT_READ,
 *   optionally with RIGHT_WRITE and RIGHT_EXEC (x86 pages are always
 *   readable): -E_INVAL for other bits or without RIGHT_READ, -E_NORIGHTS for
 *   a right the frame capability does not have. -E_INVAL for an unaligned or
 *   non-user va, -E_RANGE for an index outside the range, -E_EXIST if va is
 *   mapped already, -E_FULL beyond the space's limits (below), -E_NOMEM.
 * - sys_frame_unmap(space, va): remove a mapping made by sys_frame_map
 *   (space needs RIGHT_MAP). -E_NOENT if va holds no such mapping (the
 *   kernel-provided memory of a program cannot be unmapped this way).
 * - sys_space_create(): a new empty address space (no user pages, an empty
 *   capability table) with all rights (RIGHTS_SPACE); threads are created
 *   in it with sys_thread_create(). It counts against the creator's limit of
 *   IPC_OBJECTS_MAX objects (-E_FULL).
 *
 * **Mappings belong to the capability that made them.** Deleting a frame
 * capability (sys_cap_delete, or sys_cap_revoke of one it derives from)
 * removes every mapping made through it, in every address space; touching
 * such a page afterwards faults. A space that dies drops its mappings.
 *
 * **Limits per address space.** Page-table pages for mappings are kernel
 * memory charged to the space mapped into: at most SPACE_TABLE_PAGES_MAX
 * page-table pages, and at most SPACE_MAPPINGS_MAX frame mappings.
 */
#ifndef MICA_MEM_H
#define MICA_MEM_H

#include <mica/types.h>

/** Page-table pages one address space may hold for sys_frame_map(). */
#define SPACE_TABLE_PAGES_MAX 64
/** Frame mappings one address space may hold. */
#define SPACE_MAPPINGS_MAX 4096

/** What sys_frame_info() reports about a frame capability. */
struct frame_info {
    uint64_t base;          /**< physical address of the first page */
    uint64_t pages;         /**< number of 4 KiB pages */
    uint32_t rights;        /**< the capability's RIGHT_* bits */
    uint32_t mappings;      /**< live mappings made through this capability */
};

_Static_assert(sizeof(struct frame_info) == 24, "frame_info layout");

#endif
