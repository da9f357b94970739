/*
 * vm.h: address spaces and the kernel's virtual memory layout (vm.c).
 *
 * Virtual layout (4-level paging, 48-bit addresses):
 *   0x0000000000001000 .. USER_TOP      user space, one per process
 *   DIRECT_MAP = 0xFFFF800000000000     all physical memory, RW+NX
 *   KSTACK_BASE = 0xFFFFFF0000000000    kernel stacks, each above a guard gap
 *   KERNEL_VMA = 0xFFFFFFFF80000000     the kernel image (text RX, rodata R,
 *                                       data/bss RW+NX)
 * The kernel half (PML4 entries 256..511) is built once by vm_init(); every
 * address space copies those 256 top-level entries, so a change below them
 * (a new kernel stack) is seen by all spaces at once.
 */
#ifndef VM_H
#define VM_H

#include <mica/types.h>

/* Lowest and one-past-highest user address. The last page below the
 * canonical hole is left out: returning to a non-canonical RIP with sysret
 * faults in ring 0 on Intel CPUs. */
#define USER_MIN        0x1000UL
#define USER_TOP        0x00007FFFFFFFF000UL

#define KSTACK_BASE     0xFFFFFF0000000000UL
#define KSTACK_SIZE     (16 * 1024UL)   /* mapped, at the top of each slot */
#define KSTACK_SLOT     (32 * 1024UL)   /* the lower 16 KiB stay unmapped: the guard */
#define KSTACK_MAX      4096

/* vm_map / vm_lookup flags. Every mapping is readable. */
#define VM_WRITE        0x1
#define VM_EXEC         0x2
#define VM_USER         0x4             /* reachable from ring 3 */
#define VM_FLAGS_ALL    (VM_WRITE | VM_EXEC | VM_USER)

struct vm_space {
    uint64_t pml4;                      /* physical address of the top table */
    uint64_t table_pages;               /* user-half page-table pages held */
    uint64_t mapped_pages;              /* user pages mapped now */
};

extern struct vm_space kernel_space;    /* the kernel half only; no user pages */

struct vm_space *vm_new_space(void);
void vm_free_space(struct vm_space *s);
int vm_map(struct vm_space *s, uint64_t va, uint64_t pa, unsigned flags);
int vm_unmap(struct vm_space *s, uint64_t va);
int vm_lookup(struct vm_space *s, uint64_t va, uint64_t *pa, unsigned *flags);
void vm_switch(struct vm_space *s);
struct vm_space *vm_current(void);
bool vm_has_nx(void);

void *kstack_alloc(void);
void kstack_free(void *base);
uint64_t kstack_count(void);

#endif
