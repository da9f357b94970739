/*
 * memmap.c: the firmware's memory map, cleaned into a list of usable regions
 * the frame allocator can trust (see memmap.h for the contract).
 *
 * Method: every region start and end is a boundary; between two neighbouring
 * boundaries the type is the same everywhere, so each such elementary piece is
 * usable exactly when some usable region covers it and no other region does.
 * With at most BOOT_MAX_REGIONS regions the quadratic loops cost nothing.
 */
#include "memmap.h"

#define MM_PAGE     4096UL

static uint64_t region_end(const struct mem_region *r)
{
    uint64_t end = r->base + r->length;
    return end < r->base ? UINT64_MAX : end;       /* wrapped past 2^64: clip */
}

static void sort_points(uint64_t *p, int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t v = p[i];
        int j = i - 1;
        for (; j >= 0 && p[j] > v; j--)
            p[j + 1] = p[j];
        p[j + 1] = v;
    }
}

/* The type of the elementary piece starting at a: 0 if no region covers it,
 * MEM_USABLE if only usable regions do, else MEM_RESERVED. */
static uint32_t piece_type(const struct mem_region *in, int n, uint64_t a)
{
    uint32_t type = 0;
    for (int i = 0; i < n; i++) {
        if (in[i].length == 0 || a < in[i].base || a >= region_end(&in[i]))
            continue;
        if (in[i].type != MEM_USABLE)
            return MEM_RESERVED;
        type = MEM_USABLE;
    }
    return type;
}

int memmap_clean(const struct mem_region *in, int n, struct mem_region *out)
{
    /* LAB 2 BEGIN: memmap: sort, resolve overlaps (reserved wins), merge, align to pages */
    uint64_t points[2 * BOOT_MAX_REGIONS];
    int npoints = 0, nout = 0;

    if (n > BOOT_MAX_REGIONS)
        n = BOOT_MAX_REGIONS;
    for (int i = 0; i < n; i++) {
        if (in[i].length == 0)
            continue;
        points[npoints++] = in[i].base;
        points[npoints++] = region_end(&in[i]);
    }
    sort_points(points, npoints);

    /* Merge consecutive usable pieces into [start, end), then align inward. */
    uint64_t start = 0, end = 0;
    bool open = false;
    for (int i = 0; i < npoints; i++) {
        bool last = (i + 1 == npoints);
        bool usable = !last && points[i] < points[i + 1] &&
                      piece_type(in, n, points[i]) == MEM_USABLE;
        if (!last && points[i] == points[i + 1])
            continue;                               /* empty piece: no change */
        if (usable && !open) {
            start = points[i];
            open = true;
        }
        if (usable) {
            end = points[i + 1];
            continue;
        }
        if (!open)
            continue;
        open = false;
        if (start > UINT64_MAX - (MM_PAGE - 1))
            continue;
        uint64_t a = (start + MM_PAGE - 1) & ~(MM_PAGE - 1);
        uint64_t b = end & ~(MM_PAGE - 1);
        if (b > MEMMAP_PHYS_LIMIT)
            b = MEMMAP_PHYS_LIMIT;
        if (a < b)
            out[nout++] = (struct mem_region){ a, b - a, MEM_USABLE };
    }
    return nout;
    /* LAB 2 STUB
    int nout = 0;
    (void)sort_points, (void)piece_type;
    if (n > BOOT_MAX_REGIONS)
        n = BOOT_MAX_REGIONS;
    for (int i = 0; i < n; i++) {
        if (in[i].type != MEM_USABLE)
            continue;
        uint64_t a = (in[i].base + MM_PAGE - 1) & ~(MM_PAGE - 1);
        uint64_t b = region_end(&in[i]) & ~(MM_PAGE - 1);
        if (b > MEMMAP_PHYS_LIMIT)
            b = MEMMAP_PHYS_LIMIT;
        if (a < b)
            out[nout++] = (struct mem_region){ a, b - a, MEM_USABLE };
    }
    return nout;
    LAB 2 END */
}

uint64_t memmap_total(const struct mem_region *regions, int n)
{
    uint64_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += regions[i].length;
    return sum;
}
