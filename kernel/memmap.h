/*
 * memmap.h: cleaning the firmware's memory map (memmap.c). Pure logic with no
 * kernel dependencies, so the host unit tests compile it too.
 */
#ifndef MEMMAP_H
#define MEMMAP_H

#include "boot.h"

/* Usable memory above this physical address is ignored (the direct map and
 * the frame allocator's bitmaps are sized for at most this much). */
#define MEMMAP_PHYS_LIMIT   (1UL << 40)

/*
 * Turn the regions in[0..n) as the firmware gave them (unsorted, maybe
 * overlapping, maybe zero-length) into the usable memory only: sorted,
 * disjoint, merged where adjacent, page-aligned inward, no piece smaller than
 * a page, nothing at or above MEMMAP_PHYS_LIMIT. Where a usable region
 * overlaps any other type, the other type wins. out must hold 2*n entries.
 * Returns the number of regions written to out.
 */
int memmap_clean(const struct mem_region *in, int n, struct mem_region *out);

/* Sum of the lengths of regions[0..n), in bytes. */
uint64_t memmap_total(const struct mem_region *regions, int n);

#endif
