/*
 * test_memmap.c: host unit tests for memmap_clean() (kernel/memmap.c).
 * Built and run by `make hosttest`; each case lists the firmware's regions
 * and the usable regions expected, and a failure prints both.
 */
#include <stdio.h>
#include <string.h>
#include "memmap.h"

#define U MEM_USABLE
#define R MEM_RESERVED
#define KiB 1024UL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

static int failures;

static void check(const char *name, const struct mem_region *in, int n,
                  const struct mem_region *want, int nwant)
{
    struct mem_region out[2 * BOOT_MAX_REGIONS];
    int nout = memmap_clean(in, n, out);
    int ok = nout == nwant;
    for (int i = 0; ok && i < nout; i++)
        ok = out[i].base == want[i].base && out[i].length == want[i].length &&
             out[i].type == MEM_USABLE;
    printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    if (ok)
        return;
    failures++;
    for (int i = 0; i < nwant; i++)
        printf("   expected base=%#lx len=%#lx\n", want[i].base, want[i].length);
    for (int i = 0; i < nout; i++)
        printf("   got      base=%#lx len=%#lx\n", out[i].base, out[i].length);
}

#define CHECK(name, in, want) \
    check(name, in, sizeof in / sizeof in[0], want, sizeof want / sizeof want[0])

int main(void)
{
    /* What QEMU's BIOS reports for -m 128M. */
    struct mem_region qemu128[] = {
        { 0, 0x9fc00, U }, { 0x9fc00, 0x400, R }, { 0xf0000, 0x10000, R },
        { 0x100000, 0x7ee0000, U }, { 0x7fe0000, 0x20000, R }, { 0xfffc0000, 0x40000, R },
    };
    struct mem_region qemu128_want[] = { { 0, 0x9f000, U }, { 0x100000, 0x7ee0000, U } };
    CHECK("qemu 128M", qemu128, qemu128_want);

    /* -m 4G: the PCI hole between 3 GiB and 4 GiB, the rest above 4 GiB. */
    struct mem_region qemu4g[] = {
        { 0x100000, 3 * GiB - 0x100000, U }, { 4 * GiB, 1 * GiB, U }, { 0, 0x9fc00, U },
        { 0xfffc0000, 0x40000, R },
    };
    struct mem_region qemu4g_want[] = {
        { 0, 0x9f000, U }, { 0x100000, 3 * GiB - 0x100000, U }, { 4 * GiB, 1 * GiB, U },
    };
    CHECK("pci hole, unsorted", qemu4g, qemu4g_want);

    /* Reserved inside usable splits it; a reserved region wins wherever it overlaps. */
    struct mem_region overlap[] = {
        { 1 * MiB, 16 * MiB, U }, { 4 * MiB + 100, 8 * KiB, R }, { 16 * MiB, 2 * MiB, R },
    };
    struct mem_region overlap_want[] = {
        { 1 * MiB, 3 * MiB, U }, { 4 * MiB + 12 * KiB, 12 * MiB - 12 * KiB, U },
    };
    CHECK("reserved wins over usable", overlap, overlap_want);

    /* Overlapping and adjacent usable regions merge; duplicates are harmless. */
    struct mem_region merge[] = {
        { 1 * MiB, 2 * MiB, U }, { 2 * MiB, 2 * MiB, U }, { 4 * MiB, 1 * MiB, U },
        { 1 * MiB, 2 * MiB, U },
    };
    struct mem_region merge_want[] = { { 1 * MiB, 4 * MiB, U } };
    CHECK("usable regions merge", merge, merge_want);

    /* Zero-length, sub-page and unaligned pieces. */
    struct mem_region small[] = {
        { 0x1000, 0, U }, { 0x2100, 0x800, U }, { 0x10010, 0x3000, U }, { 0x20000, 0x1000, R },
    };
    struct mem_region small_want[] = { { 0x11000, 0x2000, U } };
    CHECK("zero-length and sub-page pieces dropped", small, small_want);

    /* A region that wraps past 2^64 and one beyond the physical limit. */
    struct mem_region huge[] = {
        { 0x100000, 0x100000, U }, { UINT64_MAX - 0xfff, 0x2000, U },
        { MEMMAP_PHYS_LIMIT - 0x1000, 0x10000, U },
    };
    struct mem_region huge_want[] = { { 0x100000, 0x100000, U }, { MEMMAP_PHYS_LIMIT - 0x1000, 0x1000, U } };
    CHECK("wrapping and too-high regions", huge, huge_want);

    /* ACPI and bad memory are not usable either. */
    struct mem_region types[] = {
        { 0, 8 * MiB, U }, { 1 * MiB, 1 * MiB, MEM_ACPI_RECLAIMABLE }, { 3 * MiB, 1 * MiB, MEM_BAD },
    };
    struct mem_region types_want[] = { { 0, 1 * MiB, U }, { 2 * MiB, 1 * MiB, U }, { 4 * MiB, 4 * MiB, U } };
    CHECK("acpi and bad memory excluded", types, types_want);

    /* More regions than the table holds: the first BOOT_MAX_REGIONS count. */
    struct mem_region many[BOOT_MAX_REGIONS + 8];
    for (int i = 0; i < BOOT_MAX_REGIONS + 8; i++)
        many[i] = (struct mem_region){ (uint64_t)i * 2 * MiB, 1 * MiB, U };
    struct mem_region many_want[BOOT_MAX_REGIONS];
    for (int i = 0; i < BOOT_MAX_REGIONS; i++)
        many_want[i] = (struct mem_region){ (uint64_t)i * 2 * MiB, 1 * MiB, U };
    CHECK("more regions than the table", many, many_want);

    struct mem_region none[] = { { 0, 0x800, U } };
    check("nothing usable", none, 1, NULL, 0);

    printf("memmap: %d failure(s)\n", failures);
    return failures != 0;
}
