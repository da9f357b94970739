/**
 * @file mica/bootinfo.h
 * @brief What the kernel tells the root task at start.
 *
 * The kernel maps one read-only page holding struct mica_bootinfo at
 * MICA_BOOTINFO_ADDR in the root task's address space and passes that address
 * in rdi to the root task's entry point. The root task's stack is mapped
 * below MICA_ROOT_STACK_TOP (MICA_ROOT_STACK_SIZE bytes, read-write, no
 * execute); rsp starts at MICA_ROOT_STACK_TOP, 16-byte aligned.
 */
#ifndef MICA_BOOTINFO_H
#define MICA_BOOTINFO_H

#include <mica/types.h>

#define MICA_BOOTINFO_MAGIC     0x4F464E4943494D00ULL   /**< "\0MICINFO" */
#define MICA_BOOTINFO_VERSION   1                       /**< layout version of this header */
#define MICA_BOOTINFO_ADDR      0x00007FFFFFF00000ULL   /**< where the page is mapped */
#define MICA_ROOT_STACK_TOP     0x00007FFFFFFFF000ULL   /**< initial rsp of the root task */
#define MICA_ROOT_STACK_SIZE    0x10000ULL              /**< 64 KiB */
#define MICA_BOOTINFO_MODULES   16                      /**< at most this many modules listed */

/** One Multiboot2 boot module, as GRUB loaded it (physical addresses). */
struct mica_bootinfo_module {
    uint64_t start;             /**< first byte, physical */
    uint64_t end;               /**< one past the last byte, physical */
    char name[48];              /**< the module's command line, NUL-terminated */
};

/** The boot-information page (read-only for the root task). */
struct mica_bootinfo {
    uint64_t magic;             /**< MICA_BOOTINFO_MAGIC */
    uint32_t version;           /**< MICA_BOOTINFO_VERSION */
    uint32_t hz;                /**< timer ticks per second */
    uint32_t timeslice;         /**< scheduler time slice, in ticks */
    uint32_t nmodules;          /**< entries used in modules[]; modules[0] is the root task */
    uint64_t page_size;         /**< 4096 */
    uint64_t total_frames;      /**< usable physical page frames at boot */
    uint64_t free_frames;       /**< free page frames when the root task started */
    struct mica_bootinfo_module modules[MICA_BOOTINFO_MODULES]; /**< the boot modules, in GRUB order */
    char cmdline[512];          /**< the whole kernel command line, NUL-terminated */
    char init[64];              /**< the value of init= on the command line, or "" */
};

_Static_assert(sizeof(struct mica_bootinfo) <= 4096, "bootinfo fits in one page");

#endif
