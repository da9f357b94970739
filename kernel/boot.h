/*
 * boot.h: what the kernel keeps from GRUB's Multiboot2 information. The
 * boot information itself lives in memory the frame allocator will reuse,
 * so multiboot_parse() copies everything later code needs into bootinfo.
 */
#ifndef BOOT_H
#define BOOT_H

#include <mica/types.h>

#define BOOT_MAX_REGIONS    64
#define BOOT_MAX_MODULES    16
#define BOOT_CMDLINE_MAX    512

/* Memory region types, as Multiboot2 numbers them. */
enum {
    MEM_USABLE = 1,
    MEM_RESERVED = 2,
    MEM_ACPI_RECLAIMABLE = 3,
    MEM_ACPI_NVS = 4,
    MEM_BAD = 5,
};

struct mem_region {
    uint64_t base;
    uint64_t length;
    uint32_t type;
};

struct boot_module {
    uint64_t start;             /* physical, inclusive */
    uint64_t end;               /* physical, exclusive */
    char name[64];              /* the module's command line */
};

struct bootinfo {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[64];
    struct mem_region regions[BOOT_MAX_REGIONS];    /* as the firmware gave them */
    int nregions;
    struct boot_module modules[BOOT_MAX_MODULES];
    int nmodules;
    uint64_t mbi_start, mbi_end;                    /* the boot information, physical */
};

extern struct bootinfo bootinfo;

/* multiboot.c */
void multiboot_parse(uint32_t magic, uint64_t mbi_phys);

#endif
