/*
 * pmm.c: the physical frame allocator.
 *
 *   pmm_init()              clean the memory map, set up the bitmaps
 *   pmm_alloc(), pmm_alloc_zeroed(), pmm_free(pa)        one 4 KiB frame
 *   pmm_alloc_run(n), pmm_free_run(pa, n)                 n contiguous frames
 *   pmm_free_count(), pmm_total_count()
 *
 * Why bitmaps rather than a free list: two bits per frame (32 KiB per GiB
 * each) cost little; "is this frame free?" is a bit test, so a double free or
 * the free of a frame that was never ours is caught at once; contiguous runs
 * (DMA buffers, big kmalloc) are a scan; and the lowest free frame is always
 * handed out first, so the order is the same on every boot.
 *
 *   usable_map: bit set = the frame may ever be handed out (usable RAM, minus
 *               the first 1 MiB, the kernel image, boot modules, the
 *               Multiboot2 information and these bitmaps);
 *   free_map:   bit set = the frame is free now (implies usable).
 *
 * The kernel is not preemptible: callers run with interrupts off.
 */
#include "kernel.h"
#include "boot.h"
#include "memmap.h"

#define LOW_MEMORY      0x100000UL      /* BIOS data, EBDA, VGA, option ROMs */
#define EARLY_LIMIT     (1UL << 30)     /* P2V reaches this far before vm_init() */

static uint64_t *usable_map, *free_map;
static uint64_t nwords;                 /* words in each bitmap */
static uint64_t first_free_word;        /* no free frame below this word */
static uint64_t total_frames, free_frames;
static uint64_t book_start, book_end;   /* the bitmaps, physical */

static struct mem_region mem_usable[2 * BOOT_MAX_REGIONS];     /* the cleaned map */
static int mem_nusable;

static inline bool test_bit(const uint64_t *map, uint64_t f) { return map[f / 64] >> (f % 64) & 1; }
static inline void set_bit(uint64_t *map, uint64_t f) { map[f / 64] |= 1UL << (f % 64); }
static inline void clear_bit(uint64_t *map, uint64_t f) { map[f / 64] &= ~(1UL << (f % 64)); }

/* The ranges pmm never hands out besides non-usable memory: [start, end). */
static int forbidden_ranges(uint64_t *start, uint64_t *end, int max)
{
    int n = 0;
    start[n] = 0, end[n++] = LOW_MEMORY;
    start[n] = (uint64_t)_kernel_phys_start, end[n++] = (uint64_t)_kernel_phys_end;
    start[n] = bootinfo.mbi_start, end[n++] = bootinfo.mbi_end;
    for (int i = 0; i < bootinfo.nmodules && n < max; i++)
        start[n] = bootinfo.modules[i].start, end[n++] = bootinfo.modules[i].end;
    return n;
}

/* First page-aligned address >= a in some usable region below limit where
 * size bytes fit without touching a forbidden range; 0 if none. */
static uint64_t find_space(uint64_t size, uint64_t limit)
{
    uint64_t fs[BOOT_MAX_MODULES + 3], fe[BOOT_MAX_MODULES + 3];
    int nf = forbidden_ranges(fs, fe, ARRAY_SIZE(fs));

    for (int r = 0; r < mem_nusable; r++) {
        uint64_t a = mem_usable[r].base, end = a + mem_usable[r].length;
        for (bool moved = true; moved;) {
            moved = false;
            for (int i = 0; i < nf; i++) {
                if (a < fe[i] && fs[i] < a + size) {
                    a = ALIGN_UP(fe[i], PAGE_SIZE);
                    moved = true;
                }
            }
        }
        if (a + size <= end && a + size <= limit)
            return a;
    }
    return 0;
}

/* Mark [start, end) never allocatable (rounded outward to whole frames). */
static void forbid(uint64_t start, uint64_t end)
{
    uint64_t last = MIN(ALIGN_UP(end, PAGE_SIZE) / PAGE_SIZE, nwords * 64);
    for (uint64_t f = start / PAGE_SIZE; f < last; f++)
        clear_bit(usable_map, f);
}

void pmm_init(void)
{
    mem_nusable = memmap_clean(bootinfo.regions, bootinfo.nregions, mem_usable);
    for (int i = 0; i < mem_nusable; i++)
        kprintf("mem: region base=%#lx len=%#lx type=usable\n",
                mem_usable[i].base, mem_usable[i].length);
    kprintf("mem: usable=%lu KiB total in %d regions\n",
            memmap_total(mem_usable, mem_nusable) / 1024, mem_nusable);
    if (mem_nusable == 0)
        panic("pmm: no usable memory");

    const struct mem_region *top = &mem_usable[mem_nusable - 1];
    uint64_t nframes = (top->base + top->length) / PAGE_SIZE;
    nwords = (nframes + 63) / 64;
    uint64_t bytes = ALIGN_UP(2 * nwords * 8, PAGE_SIZE);
    book_start = find_space(bytes, EARLY_LIMIT);
    if (book_start == 0)
        panic("pmm: no room below 1 GiB for %lu bytes of bitmaps", bytes);
    book_end = book_start + bytes;
    usable_map = P2V(book_start);
    free_map = usable_map + nwords;
    memset(usable_map, 0, bytes);

    for (int i = 0; i < mem_nusable; i++) {
        uint64_t f = mem_usable[i].base / PAGE_SIZE;
        for (uint64_t n = mem_usable[i].length / PAGE_SIZE; n > 0; n--, f++)
            set_bit(usable_map, f);
    }
    uint64_t fs[BOOT_MAX_MODULES + 3], fe[BOOT_MAX_MODULES + 3];
    int nf = forbidden_ranges(fs, fe, ARRAY_SIZE(fs));
    for (int i = 0; i < nf; i++)
        forbid(fs[i], fe[i]);
    forbid(book_start, book_end);

    for (uint64_t w = 0; w < nwords; w++) {
        free_map[w] = usable_map[w];
        for (uint64_t bits = usable_map[w]; bits; bits &= bits - 1)
            total_frames++;
    }
    free_frames = total_frames;
    kprintf("pmm: %lu frames free (%lu KiB), bitmaps at %#lx-%#lx\n",
            free_frames, free_frames * PAGE_SIZE / 1024, book_start, book_end);
}

/* Return the physical address of a free frame, now allocated, or 0 when
 * memory is exhausted. Always the lowest free frame. */
uint64_t pmm_alloc(void)
{
    for (uint64_t w = first_free_word; w < nwords; w++) {
        if (free_map[w] == 0)
            continue;
        uint64_t f = w * 64 + __builtin_ctzl(free_map[w]);
        clear_bit(free_map, f);
        free_frames--;
        first_free_word = w;
        return f * PAGE_SIZE;
    }
    first_free_word = nwords;
    return 0;
}

uint64_t pmm_alloc_zeroed(void)
{
    uint64_t pa = pmm_alloc();
    if (pa)
        memset(P2V(pa), 0, PAGE_SIZE);
    return pa;
}

/* Give back a frame from pmm_alloc(). Freeing a frame twice, or one pmm never
 * handed out, is a kernel bug and panics. */
void pmm_free(uint64_t pa)
{
    uint64_t f = pa / PAGE_SIZE;
    /* LAB 2 BEGIN: pmm: refuse a double free and the free of a frame pmm never handed out */
    if (pa % PAGE_SIZE || f >= nwords * 64 || !test_bit(usable_map, f))
        panic("pmm: free of %#lx, a frame that is not allocatable", pa);
    if (test_bit(free_map, f))
        panic("pmm: double free of frame %#lx", pa);
    /* LAB 2 END */
    set_bit(free_map, f);
    free_frames++;
    if (f / 64 < first_free_word)
        first_free_word = f / 64;
}

/* n physically contiguous frames, lowest first; 0 if no such run is free. */
uint64_t pmm_alloc_run(uint64_t n)
{
    if (n == 0 || n > free_frames)
        return 0;
    uint64_t run = 0;
    for (uint64_t f = first_free_word * 64; f < nwords * 64; f++) {
        if (f % 64 == 0 && run == 0 && free_map[f / 64] == 0) {
            f += 63;                    /* skip a full word of used frames */
            continue;
        }
        run = test_bit(free_map, f) ? run + 1 : 0;
        if (run == n) {
            uint64_t first = f + 1 - n;
            for (uint64_t g = first; g <= f; g++)
                clear_bit(free_map, g);
            free_frames -= n;
            return first * PAGE_SIZE;
        }
    }
    return 0;
}

/* The highest run of free frames, at most max long, now allocated: its
 * address and *n, or 0 when no frame is free. (Memory for the root task:
 * the kernel's own allocations come from the bottom.) */
uint64_t pmm_alloc_top_run(uint64_t max, uint64_t *n)
{
    uint64_t f = nwords * 64;
    while (f > 0 && !test_bit(free_map, f - 1))
        f--;
    if (f == 0 || max == 0)
        return 0;
    uint64_t end = f;
    while (f > 0 && end - f < max && test_bit(free_map, f - 1))
        clear_bit(free_map, --f);
    *n = end - f;
    free_frames -= *n;
    return f * PAGE_SIZE;
}

void pmm_free_run(uint64_t pa, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        pmm_free(pa + i * PAGE_SIZE);
}

uint64_t pmm_free_count(void) { return free_frames; }
uint64_t pmm_total_count(void) { return total_frames; }

/* One past the highest usable physical address. */
uint64_t pmm_phys_top(void)
{
    return nwords * 64 * PAGE_SIZE;
}

/* The bitmaps' physical range (the pmm test prints it as forbidden). */
void pmm_bookkeeping(uint64_t *start, uint64_t *end)
{
    *start = book_start;
    *end = book_end;
}
