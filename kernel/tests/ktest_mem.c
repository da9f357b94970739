/*
 * ktest_mem.c: self tests of the memory subsystems (lab 2), run with
 * ktest=NAME. They print what they observe as key=value lines; the grader
 * (grader/tests/test_lab2_memory.py) decides whether the values are right.
 * The fault tests end in a trap report, which is what the grader checks.
 */
#include "kernel.h"
#include "boot.h"
#include "ktest.h"
#include "vm.h"
#include "memmap.h"
#include <mica/memstat.h>

extern char boot_stack_guard[], boot_stack_top[];
void kmain(uint32_t magic, uint64_t mbi_phys);

static const char *flag_string(unsigned f)
{
    static char s[5];
    s[0] = 'r';
    s[1] = f & VM_WRITE ? 'w' : '-';
    s[2] = f & VM_EXEC ? 'x' : '-';
    s[3] = f & VM_USER ? 'u' : '-';
    s[4] = '\0';
    return s;
}

/* ---- physical memory ------------------------------------------------------ */

/* The firmware's map next to the frame allocator's totals. */
KTEST(mem, KTEST_AFTER_MEMORY)
{
    for (int i = 0; i < bootinfo.nregions; i++)
        kprintf("raw base=%#lx len=%#lx type=%u\n", bootinfo.regions[i].base,
                bootinfo.regions[i].length, bootinfo.regions[i].type);
    kprintf("frames_total=%lu frames_free=%lu\n", pmm_total_count(), pmm_free_count());
}

/* memmap_clean() on a made-up map with the awkward cases real firmware has
 * shown: unsorted entries, overlaps, reserved holes in usable memory,
 * unaligned edges, zero-length and sub-page pieces, a region past 4 GiB. */
KTEST(memmap, KTEST_AFTER_MEMORY)
{
    static const struct mem_region map[] = {
        { 0x200000, 0x600000, MEM_USABLE },
        { 0x0, 0x9fc00, MEM_USABLE },
        { 0x9fc00, 0x400, MEM_RESERVED },
        { 0x300100, 0x2000, MEM_RESERVED },         /* unaligned hole */
        { 0x700000, 0x200000, MEM_USABLE },         /* overlaps the first, extends it */
        { 0x800000, 0x1000, MEM_ACPI_RECLAIMABLE }, /* inside the extension */
        { 0xa00000, 0, MEM_USABLE },                /* zero length */
        { 0xb00800, 0x800, MEM_USABLE },            /* under a page */
        { 0xc00010, 0x3000, MEM_USABLE },           /* unaligned both ends */
        { 0x100000000, 0x10000000, MEM_USABLE },
        { 0x10ffff000, 0x2000, MEM_BAD },           /* straddles the end of the last */
    };
    struct mem_region out[2 * ARRAY_SIZE(map)];

    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        kprintf("raw base=%#lx len=%#lx type=%u\n", map[i].base, map[i].length, map[i].type);
    int n = memmap_clean(map, ARRAY_SIZE(map), out);
    for (int i = 0; i < n; i++)
        kprintf("clean base=%#lx len=%#lx\n", out[i].base, out[i].length);
}

#define PMM_BATCH   256

/* Forbidden ranges, a batch of frames in allocation order, free counts. */
KTEST(pmm, KTEST_AFTER_MEMORY)
{
    static uint64_t frames[PMM_BATCH];
    uint64_t bs, be;

    kprintf("forbidden lowmem=0x0-0x100000\n");
    kprintf("forbidden kernel=%#lx-%#lx\n", (uint64_t)_kernel_phys_start, (uint64_t)_kernel_phys_end);
    kprintf("forbidden mbi=%#lx-%#lx\n", bootinfo.mbi_start, bootinfo.mbi_end);
    for (int i = 0; i < bootinfo.nmodules; i++)
        kprintf("forbidden module%d=%#lx-%#lx\n", i, bootinfo.modules[i].start,
                bootinfo.modules[i].end);
    pmm_bookkeeping(&bs, &be);
    kprintf("forbidden bitmaps=%#lx-%#lx\n", bs, be);

    uint64_t before = pmm_free_count();
    kprintf("total=%lu free_before=%lu\n", pmm_total_count(), before);
    for (int i = 0; i < PMM_BATCH; i++) {
        frames[i] = pmm_alloc();
        *(uint64_t *)P2V(frames[i]) = frames[i];    /* each frame holds its address */
    }
    for (int i = 0; i < PMM_BATCH; i += 8) {
        kprintf("frames");
        for (int j = i; j < i + 8; j++)
            kprintf(" %#lx", frames[j]);
        kprintf("\n");
    }
    int mismatches = 0;
    for (int i = 0; i < PMM_BATCH; i++)
        mismatches += *(uint64_t *)P2V(frames[i]) != frames[i];
    kprintf("free_after_alloc=%lu overwritten=%d\n", pmm_free_count(), mismatches);
    for (int i = 0; i < PMM_BATCH; i++)
        pmm_free(frames[i]);
    kprintf("free_after_free=%lu\n", pmm_free_count());

    /* Interleaved cycles: free every other frame, reallocate, free all. */
    for (int cycle = 0; cycle < 10; cycle++) {
        for (int i = 0; i < PMM_BATCH; i++)
            frames[i] = pmm_alloc();
        for (int i = 0; i < PMM_BATCH; i += 2)
            pmm_free(frames[i]);
        for (int i = 0; i < PMM_BATCH; i += 2)
            frames[i] = pmm_alloc_zeroed();
        for (int i = PMM_BATCH - 1; i >= 0; i--)
            pmm_free(frames[i]);
    }
    kprintf("cycles=10 free_after_cycles=%lu\n", pmm_free_count());

    uint64_t run = pmm_alloc_run(16);
    kprintf("run16=%#lx\n", run);
    pmm_free_run(run, 16);

    /* Exhaust memory: pmm_alloc() must return 0, not panic. The frames are
     * chained through their first word, so no array is needed. */
    uint64_t chain = 0, drained = 0, pa;
    while ((pa = pmm_alloc()) != 0) {
        *(uint64_t *)P2V(pa) = chain;
        chain = pa;
        drained++;
    }
    kprintf("drained=%lu free_at_oom=%lu alloc_at_oom=%#lx\n", drained, pmm_free_count(),
            pmm_alloc());
    while (chain) {
        uint64_t next = *(uint64_t *)P2V(chain);
        pmm_free(chain);
        chain = next;
    }
    kprintf("free_after_drain=%lu\n", pmm_free_count());
}

/* Kernel bugs the allocator must catch: each ends in a panic naming the frame. */
KTEST(pmm_double_free, KTEST_AFTER_MEMORY)
{
    uint64_t pa = pmm_alloc();
    kprintf("frame=%#lx\n", pa);
    pmm_free(pa);
    pmm_free(pa);
    kprintf("survived=1\n");
}

KTEST(pmm_bad_free, KTEST_AFTER_MEMORY)
{
    uint64_t pa = KIMG2P(_text_start);
    kprintf("frame=%#lx\n", pa);
    pmm_free(pa);
    kprintf("survived=1\n");
}

/* ---- page tables ---------------------------------------------------------- */

static void show(const char *what, uint64_t va)
{
    uint64_t pa = 0;
    unsigned flags = 0;
    int rc = vm_lookup(&kernel_space, va, &pa, &flags);
    if (rc == 0)
        kprintf("%s va=%#lx rc=0 pa=%#lx flags=%s\n", what, va, pa, flag_string(flags));
    else
        kprintf("%s va=%#lx rc=%d\n", what, va, rc);
}

/* How the kernel's own page tables map the interesting addresses. */
KTEST(vmlayout, KTEST_AFTER_MEMORY)
{
    static int data_probe = 1;
    static char bss_probe[64];

    kprintf("nx=%d\n", vm_has_nx());
    show("text", (uint64_t)kmain);
    show("rodata", (uint64_t)"a string literal");
    show("data", (uint64_t)&data_probe);
    show("bss", (uint64_t)bss_probe);
    show("guard", (uint64_t)boot_stack_guard);
    show("stack", (uint64_t)boot_stack_top - 8);
    show("low_null", 0);
    show("low_1m", 0x100000);
    show("low_kernel", KIMG2P(_text_start));
    show("direct_1m", (uint64_t)P2V(0x100000));
    show("direct_text", (uint64_t)P2V(KIMG2P(kmain)));
    show("direct_top", (uint64_t)P2V(pmm_phys_top() - PAGE_SIZE));
}

/* Each of these prints an address, then touches it in a way W^X or NX
 * forbids: the trap report must show a page fault at that address. */
KTEST(wx_text, KTEST_AFTER_MEMORY)
{
    volatile char *p = (volatile char *)(uint64_t)kmain;
    kprintf("addr=%p\n", (void *)p);
    *p = 0x90;
    kprintf("wrote=1\n");
}

static const char rodata_probe[64] = "W^X: this string is read-only";

KTEST(wx_rodata, KTEST_AFTER_MEMORY)
{
    volatile char *p = (volatile char *)(uint64_t)rodata_probe;
    kprintf("addr=%p\n", (void *)p);
    *p = 'X';
    kprintf("wrote=1\n");
}

/* The direct map's view of kernel text is read-only too. */
KTEST(wx_alias, KTEST_AFTER_MEMORY)
{
    volatile char *p = P2V(KIMG2P(kmain));
    kprintf("addr=%p\n", (void *)p);
    *p = 0x90;
    kprintf("wrote=1\n");
}

static uint8_t nx_probe[16] = { 0xC3 };           /* ret, in .data */

KTEST(nx_data, KTEST_AFTER_MEMORY)
{
    kprintf("addr=%p nx=%d\n", (void *)nx_probe, vm_has_nx());
    ((void (*)(void))(uint64_t)nx_probe)();
    kprintf("executed=1\n");
}

/* Eat stack until it runs into the guard below it. */
static __attribute__((noinline)) int recurse(int depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth > (1 << 30))                          /* never: keeps -Winfinite-recursion quiet */
        return 0;
    return recurse(depth + 1) + frame[0];
}

KTEST(guard, KTEST_AFTER_MEMORY)
{
    kprintf("guard=%p guard_end=%p\n", (void *)boot_stack_guard,
            (void *)(boot_stack_guard + PAGE_SIZE));
    recurse(0);
    kprintf("returned=1\n");
}

/* The same on a stack from kstack_alloc(), entered by switching rsp. */
KTEST(kstack_guard, KTEST_AFTER_MEMORY)
{
    char *base = kstack_alloc();
    kprintf("stack=%p stack_end=%p guard=%p guard_end=%p\n", (void *)base,
            (void *)(base + KSTACK_SIZE), (void *)(base - (KSTACK_SLOT - KSTACK_SIZE)),
            (void *)base);
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "mov %0, %%rsp\n\t"
                     "xor %%edi, %%edi\n\t"
                     "call *%1\n\t"
                     "mov %%rbx, %%rsp"
                     :: "r"(base + KSTACK_SIZE), "r"(recurse)
                     : "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                       "memory");
    kprintf("returned=1\n");
}

/* Map, look up and unmap in a fresh user space, including inputs that must
 * be refused with an error code. */
KTEST(vmmap, KTEST_AFTER_MEMORY)
{
    uint64_t frames_start = pmm_free_count();
    struct vm_space *s = vm_new_space();
    uint64_t pa = pmm_alloc_zeroed(), got = 0;
    unsigned flags = 0;
    const uint64_t va = 0x400000;

    kprintf("frame=%#lx va=%#lx\n", pa, va);
    kprintf("map=%d\n", vm_map(s, va, pa, VM_USER | VM_WRITE));
    int rc = vm_lookup(s, va + 0x123, &got, &flags);
    kprintf("lookup=%d pa=%#lx flags=%s\n", rc, got, flag_string(flags));
    kprintf("map_again=%d\n", vm_map(s, va, pa, VM_USER));
    kprintf("map_kernel_half=%d\n", vm_map(s, KERNEL_VMA, pa, VM_USER));
    kprintf("map_direct=%d\n", vm_map(s, DIRECT_MAP, pa, VM_USER));
    kprintf("map_noncanonical=%d\n", vm_map(s, 0x0000800000000000UL, pa, VM_USER));
    kprintf("map_null_page=%d\n", vm_map(s, 0, pa, VM_USER));
    kprintf("map_unaligned_va=%d\n", vm_map(s, va + 0x10000 + 8, pa, VM_USER));
    kprintf("map_unaligned_pa=%d\n", vm_map(s, va + 0x10000, pa + 8, VM_USER));
    kprintf("map_bad_flags=%d\n", vm_map(s, va + 0x10000, pa, 0x80));
    kprintf("map_huge_pa=%d\n", vm_map(s, va + 0x10000, 1UL << 62, VM_USER));
    kprintf("map_kernel_space=%d\n", vm_map(&kernel_space, va, pa, VM_USER));
    kprintf("map_no_space=%d\n", vm_map(NULL, va, pa, VM_USER));

    /* The mapping is real: write through it, read through the direct map. */
    vm_switch(s);
    *(volatile uint64_t *)va = 0x600DF00DUL;
    vm_switch(NULL);
    kprintf("through_mapping=%#lx\n", *(uint64_t *)P2V(pa));
    kprintf("kernel_sees_user_page=%d\n", vm_lookup(&kernel_space, va, NULL, NULL));

    kprintf("unmap=%d\n", vm_unmap(s, va));
    kprintf("unmap_again=%d\n", vm_unmap(s, va));
    kprintf("lookup_after_unmap=%d\n", vm_lookup(s, va, NULL, NULL));
    kprintf("unmap_kernel=%d\n", vm_unmap(s, KERNEL_VMA));
    kprintf("lookup_noncanonical=%d\n", vm_lookup(s, 0x0000800000000000UL, NULL, NULL));

    /* Many spaces with scattered mappings: everything comes back. */
    for (int i = 0; i < 100; i++) {
        struct vm_space *t = vm_new_space();
        for (uint64_t j = 0; j < 8; j++)
            vm_map(t, (j << 30) + (j << 21) + USER_MIN, pa, VM_USER | VM_EXEC);
        vm_switch(t);
        vm_free_space(t);
    }
    vm_free_space(s);
    pmm_free(pa);
    kprintf("frames_start=%lu frames_end=%lu\n", frames_start, pmm_free_count());
}

/* Kernel stacks come back too. The first stack also creates the page tables
 * of the stack region, which stay, so it is taken before the count. */
KTEST(kstack, KTEST_AFTER_MEMORY)
{
    kstack_free(kstack_alloc());
    uint64_t frames_start = pmm_free_count(), stacks_start = kstack_count();
    static void *stacks[64];
    for (int round = 0; round < 1000 / 64 + 1; round++) {
        for (int i = 0; i < 64; i++) {
            stacks[i] = kstack_alloc();
            ((volatile char *)stacks[i])[KSTACK_SIZE - 1] = 1;
            ((volatile char *)stacks[i])[0] = 1;
        }
        for (int i = 0; i < 64; i++)
            kstack_free(stacks[i]);
    }
    kprintf("first=%p second=%p\n", stacks[0], stacks[1]);
    kprintf("stacks_start=%lu stacks_end=%lu\n", stacks_start, kstack_count());
    kprintf("frames_start=%lu frames_end=%lu\n", frames_start, pmm_free_count());
}

/* ---- kernel objects ------------------------------------------------------- */

static void print_cache(const char *when, const char *name)
{
    struct mica_kmem_stat st;
    if (kmem_stat_by_name(name, &st) < 0) {
        kprintf("%s cache=%s missing\n", when, name);
        return;
    }
    kprintf("%s cache=%s size=%u inuse=%lu allocs=%lu frees=%lu pages=%u\n", when, st.name,
            st.object_size, st.inuse, st.allocs, st.frees, st.pages);
}

#define KMEM_OBJECTS 1000

KTEST(kmem, KTEST_AFTER_MEMORY)
{
    static uint64_t *objs[KMEM_OBJECTS];
    uint64_t frames_start = pmm_free_count();
    struct kmem_cache *c = kmem_cache_create("ktest", 200);

    print_cache("start", "ktest");
    for (int i = 0; i < KMEM_OBJECTS; i++) {
        objs[i] = kmem_cache_alloc(c);
        for (int w = 0; w < 200 / 8; w++)
            objs[i][w] = i;                         /* fill: overlaps would show */
    }
    int overwritten = 0;
    for (int i = 0; i < KMEM_OBJECTS; i++)
        for (int w = 0; w < 200 / 8; w++)
            overwritten += objs[i][w] != (uint64_t)i;
    print_cache("allocated", "ktest");
    kprintf("overwritten=%d\n", overwritten);
    for (int i = 0; i < KMEM_OBJECTS; i += 2)
        kmem_cache_free(c, objs[i]);
    print_cache("half_freed", "ktest");
    for (int i = 1; i < KMEM_OBJECTS; i += 2)
        kmem_cache_free(c, objs[i]);
    print_cache("freed", "ktest");

    /* kmalloc over its size classes and the whole-frame path. */
    static const size_t sizes[] = { 1, 16, 17, 100, 512, 1000, 1024, 1025, 5000, 70000 };
    void *p[ARRAY_SIZE(sizes)];
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        p[i] = kmalloc(sizes[i]);
        memset(p[i], (int)i, sizes[i]);
    }
    kprintf("kmalloc_zero=%p kmalloc_huge=%p\n", kmalloc(0), kmalloc(1UL << 40));
    kmem_dump();
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        kfree(p[i]);
    kprintf("destroy=%d\n", kmem_cache_destroy(c));
    kprintf("frames_start=%lu frames_end=%lu\n", frames_start, pmm_free_count());
    kmem_dump();
}

KTEST(kmem_double_free, KTEST_AFTER_MEMORY)
{
    void *keep = kmalloc(64);                       /* keeps the slab alive */
    void *p = kmalloc(64);
    kprintf("object=%p\n", p);
    kfree(p);
    kfree(p);
    kprintf("survived=1 %p\n", keep);
}
