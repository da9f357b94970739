/*
 * archive.c: the boot archive as the root task sees it. Finds the boot
 * module named "initrd" (mapped by the kernel, mica/bootinfo.h) and lists
 * every entry:
 *   "init: module name=<n> addr=0x... size=<n>"   each boot module
 *   "init: archive <name> <size>"                 each entry, in order
 *   "archive: entries=<n> ret=<r>"                r: 0 at the trailer, else -error
 */
#include <stdio.h>
#include <string.h>
#include <boot.h>
#include <archive.h>
#include <scenario.h>
#include <mica/error.h>
#include "lab6.h"

int initrd_find(const void **base, size_t *size)
{
    for (uint32_t i = 0; i < boot_info->nmodules; i++) {
        const struct mica_bootinfo_module *m = &boot_info->modules[i];
        if (strcmp(m->name, "initrd") == 0 && m->user_addr) {
            *base = (const void *)m->user_addr;
            *size = m->size;
            return 0;
        }
    }
    return -E_NOENT;
}

SCENARIO(archive, "list the boot archive GRUB loaded as the initrd module")
{
    const void *base;
    size_t size;
    for (uint32_t i = 0; i < boot_info->nmodules; i++)
        printf("init: module name=%s addr=0x%lx size=%lu\n", boot_info->modules[i].name,
               boot_info->modules[i].user_addr, boot_info->modules[i].size);
    if (initrd_find(&base, &size) < 0) {
        printf("archive: no initrd module\n");
        return 1;
    }
    struct archive a;
    struct archive_entry e;
    int r, n = 0;
    archive_open(&a, base, size);
    while ((r = archive_next(&a, &e)) > 0) {
        printf("init: archive %s %lu\n", e.name, e.size);
        n++;
    }
    printf("archive: entries=%d ret=%d\n", n, r);
    return r < 0;
}
