/*
 * vm.c: 4-level page tables, address spaces and kernel stacks.
 *
 *   vm_early_map()      before pmm_init: P2V works for the first 1 GiB
 *   vm_init()           build the kernel's own tables (layout in vm.h), switch
 *   vm_new_space(), vm_free_space(), vm_switch()          user address spaces
 *   vm_map(), vm_unmap(), vm_lookup()                     user pages
 *   kstack_alloc(), kstack_free()                         kernel stacks
 *
 * Protection: kernel text is read+execute, rodata read-only, data and bss
 * read-write and never executable (W^X); the direct map is never executable
 * and its view of text and rodata is read-only too. CR0.WP makes the kernel
 * itself obey read-only pages. The page below the boot stack and 16 KiB below
 * every kernel stack stay unmapped, so an overflow faults instead of
 * overwriting memory.
 *
 * Errors: vm_map/vm_unmap/vm_lookup validate their arguments and return
 * -E_INVAL, -E_EXIST, -E_NOENT or -E_NOMEM; they never panic on bad input.
 */
#include "kernel.h"
#include "vm.h"
#include "arch/x86_64/x86.h"

#define PTE_P           (1UL << 0)
#define PTE_W           (1UL << 1)
#define PTE_U           (1UL << 2)
#define PTE_PS          (1UL << 7)      /* 2 MiB page (in a PD entry) */
#define PTE_G           (1UL << 8)      /* global: survives CR3 writes */
#define PTE_NX          (1UL << 63)
#define PTE_ADDR        0x000FFFFFFFFFF000UL

#define HUGE_PAGE       (2UL << 20)
#define EARLY_LIMIT     (1UL << 30)     /* reach of vm_early_map() */
#define LOW_4G          (4UL << 30)     /* always direct-mapped: devices live here */

#define CR0_WP          (1UL << 16)
#define CR4_PGE         (1UL << 7)
#define EFER_NXE        (1UL << 11)

extern char boot_stack_guard[];

struct vm_space kernel_space;
static struct vm_space *current = &kernel_space;
static uint64_t nx;                     /* PTE_NX, or 0 on a CPU without NX */
static uint64_t phys_limit;             /* 2^MAXPHYADDR */
static bool ready;                      /* vm_init() is done */
static struct kmem_cache *space_cache;

static uint64_t kstack_slots[KSTACK_MAX / 64];     /* bit set: slot in use */
static uint64_t kstacks_in_use;

void vm_early_map(void)
{
    /* boot.S's PML4 is identity-mapped; entry 0 maps the first 1 GiB. */
    uint64_t *pml4 = (uint64_t *)(read_cr3() & PTE_ADDR);
    pml4[256] = pml4[0];
    write_cr3(read_cr3());
}

/* A zeroed frame for a page table, or 0. Before the switch, tables must lie
 * where vm_early_map() reaches; pmm hands out the lowest frames first, so
 * this only fails on a machine with almost no memory below 1 GiB. */
static uint64_t table_alloc(void)
{
    uint64_t pa = pmm_alloc();
    if (pa && !ready && pa >= EARLY_LIMIT)
        panic("vm: page table frame %#lx beyond the boot mapping", pa);
    if (pa)
        memset(P2V(pa), 0, PAGE_SIZE);
    return pa;
}

/* The entry that maps va at the level whose pages are 1 << stop bytes (12:
 * PT entry, 21: PD entry) in the tree under pml4. Missing tables are made
 * when alloc is set, linked with the flags inter, and counted in *made.
 * NULL if a table is missing or cannot be made, or a 2 MiB page is in the way. */
static uint64_t *walk(uint64_t pml4, uint64_t va, int stop, bool alloc, uint64_t inter,
                      uint64_t *made)
{
    uint64_t *table = P2V(pml4);
    for (int shift = 39; shift > stop; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            uint64_t pa = alloc ? table_alloc() : 0;
            if (!pa)
                return NULL;
            *e = pa | inter;
            if (made)
                (*made)++;
        } else if (*e & PTE_PS) {
            return NULL;
        }
        table = P2V(*e & PTE_ADDR);
    }
    return &table[(va >> stop) & 511];
}

/* Map one kernel page during vm_init(); running out of memory here is fatal. */
static void boot_map(uint64_t pml4, uint64_t va, uint64_t pte, int stop)
{
    uint64_t *e = walk(pml4, va, stop, true, PTE_P | PTE_W, NULL);
    if (!e)
        panic("vm: out of memory building the kernel page tables");
    *e = pte;
}

/* All physical memory below top at DIRECT_MAP: 2 MiB pages where a whole
 * aligned 2 MiB fits, else 4 KiB pages. Text and rodata stay read-only here. */
static void map_direct(uint64_t pml4, uint64_t top)
{
    uint64_t ro_start = KIMG2P(_text_start), ro_end = KIMG2P(_rodata_end);
    uint64_t pa = 0;
    while (pa < top) {
        uint64_t va = (uint64_t)P2V(pa);
        bool touches_ro = pa < ro_end && ro_start < pa + HUGE_PAGE;
        if (pa % HUGE_PAGE == 0 && pa + HUGE_PAGE <= top && !touches_ro) {
            boot_map(pml4, va, pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx, 21);
            pa += HUGE_PAGE;
        } else {
            uint64_t w = (pa >= ro_start && pa < ro_end) ? 0 : PTE_W;
            boot_map(pml4, va, pa | PTE_P | w | PTE_G | nx, 12);
            pa += PAGE_SIZE;
        }
    }
}

/* The kernel image at KERNEL_VMA, 4 KiB pages, W^X, minus the guard page. */
static void map_kernel_image(uint64_t pml4)
{
    for (uint64_t va = (uint64_t)_text_start; va < (uint64_t)_kernel_end; va += PAGE_SIZE) {
        uint64_t flags = PTE_P | PTE_G;
        /* LAB 2 BEGIN: guard: leave the page under the boot stack unmapped */
        if (va == (uint64_t)boot_stack_guard)
            continue;
        /* LAB 2 END */
        /* LAB 2 BEGIN: vm: W^X flags for each kernel section */
        if (va >= (uint64_t)_rodata_end)
            flags |= PTE_W | nx;                    /* data, bss */
        else if (va >= (uint64_t)_text_end)
            flags |= nx;                            /* rodata */
        /* LAB 2 STUB
        flags |= PTE_W;
        LAB 2 END */
        boot_map(pml4, va, KIMG2P(va) | flags, 12);
    }
}

static void detect_cpu(void)
{
    uint32_t r[4];
    cpuid(0x80000000, 0, r);
    uint32_t max_ext = r[0];
    cpuid(0x80000001, 0, r);
    if (r[3] & (1u << 20)) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
        nx = PTE_NX;
    } else {
        kprintf("vm: CPU has no NX bit: data pages stay executable\n");
    }
    phys_limit = 1UL << 36;
    if (max_ext >= 0x80000008) {
        cpuid(0x80000008, 0, r);
        phys_limit = 1UL << (r[0] & 0xFF);
    }
}

void vm_init(void)
{
    detect_cpu();
    uint64_t pml4 = table_alloc();
    if (!pml4)
        panic("vm: no frame for the kernel PML4");
    map_direct(pml4, MAX(LOW_4G, pmm_phys_top()));
    map_kernel_image(pml4);

    /* Every kernel-half top-level entry exists now and never changes, so
     * address spaces can share the kernel half by copying entries 256..511. */
    uint64_t *top = P2V(pml4);
    for (int i = 256; i < 512; i++) {
        if (top[i] & PTE_P)
            continue;
        uint64_t pa = table_alloc();
        if (!pa)
            panic("vm: out of memory for the kernel half");
        top[i] = pa | PTE_P | PTE_W;
    }

    kernel_space.pml4 = pml4;
    write_cr4(read_cr4() | CR4_PGE);
    __asm__ volatile("mov %0, %%cr0" :: "r"(read_cr0() | CR0_WP) : "memory");
    write_cr3(pml4);
    ready = true;
    kprintf("vm: kernel page tables at %#lx, direct map of %lu MiB, nx=%d\n",
            pml4, MAX(LOW_4G, pmm_phys_top()) >> 20, nx != 0);
}

bool vm_has_nx(void) { return nx != 0; }

/* ---- user address spaces ------------------------------------------------ */

/* A fresh address space: no user pages, the kernel half shared. NULL when
 * memory is short. */
struct vm_space *vm_new_space(void)
{
    if (!space_cache && !(space_cache = kmem_cache_create("vm_space", sizeof(struct vm_space))))
        return NULL;
    struct vm_space *s = kmem_cache_alloc(space_cache);
    uint64_t pml4 = s ? pmm_alloc_zeroed() : 0;
    if (!pml4) {
        if (s)
            kmem_cache_free(space_cache, s);
        return NULL;
    }
    memcpy((uint64_t *)P2V(pml4) + 256, (uint64_t *)P2V(kernel_space.pml4) + 256, 256 * 8);
    *s = (struct vm_space){ .pml4 = pml4 };
    return s;
}

/* Free the table pages of one user-half table at the given level (3 = PDPT). */
static void free_tables(uint64_t table, int level)
{
    uint64_t *e = P2V(table);
    for (int i = 0; level > 1 && i < 512; i++)
        if (e[i] & PTE_P)
            free_tables(e[i] & PTE_ADDR, level - 1);
    pmm_free(table);
}

/* Destroy an address space and its page tables. The frames it mapped are
 * not freed: they belong to whoever mapped them. */
void vm_free_space(struct vm_space *s)
{
    if (!s || s == &kernel_space)
        panic("vm_free_space: %p is not a user address space", s);
    if (current == s)
        vm_switch(&kernel_space);
    uint64_t *top = P2V(s->pml4);
    for (int i = 0; i < 256; i++)
        if (top[i] & PTE_P)
            free_tables(top[i] & PTE_ADDR, 3);
    pmm_free(s->pml4);
    kmem_cache_free(space_cache, s);
}

static bool user_page(struct vm_space *s, uint64_t va)
{
    return s && s != &kernel_space && va % PAGE_SIZE == 0 && va >= USER_MIN && va < USER_TOP;
}

/* Map the frame at pa at user address va. Returns 0, -E_INVAL (not a user
 * space, va not a page-aligned user address, pa unaligned or beyond the CPU's
 * physical range, unknown flags), -E_EXIST (va already mapped) or -E_NOMEM. */
int vm_map(struct vm_space *s, uint64_t va, uint64_t pa, unsigned flags)
{
    if (!user_page(s, va) || pa % PAGE_SIZE || pa >= phys_limit || (flags & ~VM_FLAGS_ALL))
        return -E_INVAL;
    uint64_t *pte = walk(s->pml4, va, 12, true, PTE_P | PTE_W | PTE_U, &s->table_pages);
    if (!pte)
        return -E_NOMEM;
    if (*pte & PTE_P)
        return -E_EXIST;
    *pte = pa | PTE_P | (flags & VM_WRITE ? PTE_W : 0) | (flags & VM_USER ? PTE_U : 0) |
           (flags & VM_EXEC ? 0 : nx);
    s->mapped_pages++;
    return 0;
}

/* Remove the mapping at user address va. Returns 0, -E_INVAL or -E_NOENT. */
int vm_unmap(struct vm_space *s, uint64_t va)
{
    /* LAB 2 BEGIN: vm_unmap: walk to the page's entry, clear it, flush the TLB entry */
    if (!user_page(s, va))
        return -E_INVAL;
    uint64_t *pte = walk(s->pml4, va, 12, false, 0, NULL);
    if (!pte || !(*pte & PTE_P))
        return -E_NOENT;
    *pte = 0;
    s->mapped_pages--;
    if (s == current)
        invlpg(va);
    return 0;
    /* LAB 2 STUB
    return -E_NOSYS;
    LAB 2 END */
}

/* Translate any canonical va in space s (kernel half included): *pa gets the
 * physical address, *flags the effective VM_* rights over all levels.
 * Returns 0, -E_INVAL (no space, non-canonical va) or -E_NOENT. */
int vm_lookup(struct vm_space *s, uint64_t va, uint64_t *pa, unsigned *flags)
{
    if (!s || ((int64_t)va >> 47 != 0 && (int64_t)va >> 47 != -1))
        return -E_INVAL;
    uint64_t *table = P2V(s->pml4), all = PTE_W | PTE_U, any_nx = 0;
    for (int shift = 39; shift >= 12; shift -= 9) {
        uint64_t e = table[(va >> shift) & 511];
        if (!(e & PTE_P))
            return -E_NOENT;
        all &= e;
        any_nx |= e & PTE_NX;
        if (shift == 12 || (shift < 39 && (e & PTE_PS))) {
            uint64_t mask = (1UL << shift) - 1;
            if (pa)
                *pa = (e & PTE_ADDR & ~mask) | (va & mask);
            if (flags)
                *flags = (all & PTE_W ? VM_WRITE : 0) | (all & PTE_U ? VM_USER : 0) |
                         (any_nx ? 0 : VM_EXEC);
            return 0;
        }
        table = P2V(e & PTE_ADDR);
    }
    return -E_NOENT;
}

/* Make s the current address space (NULL: the kernel's). CR3 is written only
 * when the space changes, since every write flushes the non-global TLB. */
void vm_switch(struct vm_space *s)
{
    if (!s)
        s = &kernel_space;
    if (s != current) {
        write_cr3(s->pml4);
        current = s;
    }
}

struct vm_space *vm_current(void) { return current; }

/* ---- kernel stacks -------------------------------------------------------- */

static uint64_t slot_stack(uint64_t slot)
{
    return KSTACK_BASE + slot * KSTACK_SLOT + (KSTACK_SLOT - KSTACK_SIZE);
}

/* Unmap the kernel page at va and free its frame, if mapped. */
static void kernel_unmap(uint64_t va)
{
    uint64_t *pte = walk(kernel_space.pml4, va, 12, false, 0, NULL);
    if (pte && (*pte & PTE_P)) {
        uint64_t pa = *pte & PTE_ADDR;
        *pte = 0;
        invlpg(va);
        pmm_free(pa);
    }
}

/* A kernel stack of KSTACK_SIZE bytes with at least 16 KiB unmapped below it.
 * Returns its lowest address (the stack pointer starts at base +
 * KSTACK_SIZE), or NULL when stacks or memory run out. */
void *kstack_alloc(void)
{
    for (uint64_t slot = 0; slot < KSTACK_MAX; slot++) {
        if (kstack_slots[slot / 64] >> (slot % 64) & 1)
            continue;
        uint64_t base = slot_stack(slot);
        for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
            uint64_t pa = pmm_alloc();
            uint64_t *pte = pa ? walk(kernel_space.pml4, base + off, 12, true,
                                      PTE_P | PTE_W, NULL) : NULL;
            if (!pte) {
                if (pa)
                    pmm_free(pa);
                for (uint64_t o = 0; o < off; o += PAGE_SIZE)
                    kernel_unmap(base + o);
                return NULL;
            }
            *pte = pa | PTE_P | PTE_W | PTE_G | nx;
        }
        kstack_slots[slot / 64] |= 1UL << (slot % 64);
        kstacks_in_use++;
        return (void *)base;
    }
    return NULL;
}

/* Free a stack from kstack_alloc(); anything else is a kernel bug. */
void kstack_free(void *stack)
{
    uint64_t base = (uint64_t)stack, slot = (base - KSTACK_BASE) / KSTACK_SLOT;
    if (base < KSTACK_BASE || slot >= KSTACK_MAX || base != slot_stack(slot) ||
        !(kstack_slots[slot / 64] >> (slot % 64) & 1))
        panic("kstack_free: %p is not an allocated kernel stack", stack);
    for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE)
        kernel_unmap(base + off);
    kstack_slots[slot / 64] &= ~(1UL << (slot % 64));
    kstacks_in_use--;
}

uint64_t kstack_count(void) { return kstacks_in_use; }
