/**
 * @file mica/bootinfo.h
 * @brief What the kernel tells the root task at start.
 *
 * The kernel maps one read-only page holding struct mica_bootinfo at
 * MICA_BOOTINFO_ADDR in the root task's address space and passes that address
 * in rdi to the root task's entry point. The root task's stack is mapped
 * below MICA_ROOT_STACK_TOP (MICA_ROOT_STACK_SIZE bytes, read-write, no
 * execute); rsp starts at MICA_ROOT_STACK_TOP, 16-byte aligned.
 *
 * **Boot modules.** Every module after the first (the root task's ELF) is
 * mapped read-only and non-executable into the root task at a fixed address:
 * module i at MICA_MODULE_ADDR(i) plus the module's offset within its first
 * page, so its bytes are at modules[i].user_addr .. user_addr + size. The
 * parts of the first and last page outside the module read as zero. A module
 * larger than MICA_MODULE_SLOT is not mapped (user_addr 0). The kernel
 * decides nothing else about modules: what they hold (e.g. the cpio boot
 * archive named "initrd") is the root task's business.
 */
#ifndef MICA_BOOTINFO_H
#define MICA_BOOTINFO_H

#include <mica/types.h>

#define MICA_BOOTINFO_MAGIC     0x4F464E4943494D00ULL   /**< "\0MICINFO" */
#define MICA_BOOTINFO_VERSION   2                       /**< layout version of this header */
#define MICA_BOOTINFO_ADDR      0x00007FFFFFF00000ULL   /**< where the page is mapped */
#define MICA_ROOT_STACK_TOP     0x00007FFFFFFFF000ULL   /**< initial rsp of the root task */
#define MICA_ROOT_STACK_SIZE    0x10000ULL              /**< 64 KiB */
#define MICA_BOOTINFO_MODULES   16                      /**< at most this many modules listed */
#define MICA_MODULE_BASE        0x0000700000000000ULL   /**< where module 1's slot starts */
#define MICA_MODULE_SLOT        0x10000000ULL           /**< 256 MiB of address space per module */
/** The page-aligned start of module @p i's slot (i >= 1; module 0 is not mapped). */
#define MICA_MODULE_ADDR(i)     (MICA_MODULE_BASE + ((uint64_t)(i) - 1) * MICA_MODULE_SLOT)

/** One Multiboot2 boot module, as GRUB loaded it (physical addresses). */
struct mica_bootinfo_module {
    uint64_t start;             /**< first byte, physical */
    uint64_t end;               /**< one past the last byte, physical */
    char name[48];              /**< the module's command line, NUL-terminated */
    uint64_t user_addr;         /**< where its first byte is mapped in the root task; 0: not mapped */
    uint64_t size;              /**< end - start, in bytes */
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

_Static_assert(sizeof(struct mica_bootinfo_module) == 80, "bootinfo module layout");
_Static_assert(sizeof(struct mica_bootinfo) <= 4096, "bootinfo fits in one page");

#endif
