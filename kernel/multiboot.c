/*
 * multiboot.c: read GRUB's Multiboot2 boot information (command line, loader
 * name, memory map, boot modules) into struct bootinfo.
 *
 * Runs before vm_init(), while boot.S's identity map of the first 1 GiB is
 * still in place, so the information is read at its physical address.
 */
#include "kernel.h"
#include "boot.h"

#define MB2_BOOT_MAGIC      0x36D76289
#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MMAP        6

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

struct mb2_mmap_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};

struct bootinfo bootinfo;

static void copy_string(char *dst, size_t size, const char *src, uint32_t maxlen)
{
    size_t n = strnlen(src, maxlen);
    if (n >= size) {
        kprintf("warning: multiboot: string of %zu bytes cut to %zu\n", n, size - 1);
        n = size - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void add_region(uint64_t base, uint64_t length, uint32_t type)
{
    if (length == 0)
        return;
    if (bootinfo.nregions == BOOT_MAX_REGIONS) {
        kprintf("warning: multiboot: more than %d memory regions, ignoring the rest\n",
                BOOT_MAX_REGIONS);
        return;
    }
    if (type < MEM_USABLE || type > MEM_BAD)
        type = MEM_RESERVED;
    bootinfo.regions[bootinfo.nregions++] = (struct mem_region){ base, length, type };
}

static void parse_mmap(const struct mb2_tag *tag)
{
    const uint8_t *p = (const uint8_t *)tag + 16;
    uint32_t entry_size = ((const uint32_t *)tag)[2];
    const uint8_t *end = (const uint8_t *)tag + tag->size;

    if (entry_size < sizeof(struct mb2_mmap_entry)) {
        kprintf("warning: multiboot: memory map entry size %u too small\n", entry_size);
        return;
    }
    for (; p + entry_size <= end; p += entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        add_region(e->base, e->length, e->type);
    }
}

static void parse_module(const struct mb2_tag *tag)
{
    const uint32_t *w = (const uint32_t *)tag;
    if (bootinfo.nmodules == BOOT_MAX_MODULES) {
        kprintf("warning: multiboot: more than %d modules, ignoring the rest\n", BOOT_MAX_MODULES);
        return;
    }
    if (w[3] < w[2]) {
        kprintf("warning: multiboot: module ends before it starts, ignored\n");
        return;
    }
    struct boot_module *m = &bootinfo.modules[bootinfo.nmodules++];
    m->start = w[2];
    m->end = w[3];
    copy_string(m->name, sizeof m->name, (const char *)&w[4], tag->size - 16);
}

void multiboot_parse(uint32_t magic, uint64_t mbi_phys)
{
    if (magic != MB2_BOOT_MAGIC)
        panic("multiboot: bad magic %#x", magic);
    if (mbi_phys == 0 || mbi_phys >= (1UL << 30))
        panic("multiboot: boot information at %#lx is outside the boot mapping", mbi_phys);

    const uint8_t *mbi = (const uint8_t *)mbi_phys;
    uint32_t total = *(const uint32_t *)mbi;
    bootinfo.mbi_start = mbi_phys;
    bootinfo.mbi_end = mbi_phys + total;

    for (const uint8_t *p = mbi + 8; p + sizeof(struct mb2_tag) <= mbi + total;) {
        const struct mb2_tag *tag = (const void *)p;
        if (tag->type == MB2_TAG_END || tag->size < sizeof(struct mb2_tag))
            break;
        switch (tag->type) {
        case MB2_TAG_CMDLINE:
            copy_string(bootinfo.cmdline, sizeof bootinfo.cmdline, (const char *)(tag + 1),
                        tag->size - sizeof *tag);
            break;
        case MB2_TAG_LOADER:
            copy_string(bootinfo.loader, sizeof bootinfo.loader, (const char *)(tag + 1),
                        tag->size - sizeof *tag);
            break;
        case MB2_TAG_MODULE:
            parse_module(tag);
            break;
        case MB2_TAG_MMAP:
            parse_mmap(tag);
            break;
        }
        p += ALIGN_UP(tag->size, 8);
    }
}
