/*
 * ktest_elf.c: the ELF loader against hand-made good and bad images.
 *
 *   ktest=elf   one line per case: "case=<name> ret=<n> why=<reason>"; the
 *               good image loads (ret=0) and every bad one is refused with
 *               ret=-16 (E_NOEXEC) and a reason; then frames_leaked=0.
 */
#include "kernel.h"
#include "ktest.h"
#include "thread.h"
#include "vm.h"
#include "arch/x86_64/x86.h"

struct image {
    struct {
        unsigned char ident[16];
        uint16_t type, machine;
        uint32_t version;
        uint64_t entry, phoff, shoff;
        uint32_t flags;
        uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
    } eh;
    struct {
        uint32_t type, flags;
        uint64_t offset, vaddr, paddr, filesz, memsz, align;
    } ph[2];
    uint8_t code[4096];
};

/* A valid image: one read-execute segment at 0x400000 holding the code,
 * and a read-write one (bss included) at 0x401000. */
static void good(struct image *im)
{
    memset(im, 0, sizeof *im);
    memcpy(im->eh.ident, "\177ELF\2\1\1", 7);
    im->eh.type = 2;
    im->eh.machine = 62;
    im->eh.version = 1;
    im->eh.entry = 0x400000 + offsetof(struct image, code);
    im->eh.phoff = offsetof(struct image, ph);
    im->eh.ehsize = sizeof im->eh;
    im->eh.phentsize = sizeof im->ph[0];
    im->eh.phnum = 2;
    im->ph[0].type = 1;
    im->ph[0].flags = 5;                        /* R X */
    im->ph[0].vaddr = 0x400000;
    im->ph[0].filesz = im->ph[0].memsz = offsetof(struct image, code) + 16;
    im->ph[1].type = 1;
    im->ph[1].flags = 6;                        /* R W */
    im->ph[1].offset = offsetof(struct image, code);
    im->ph[1].vaddr = 0x401000;
    im->ph[1].filesz = 64;
    im->ph[1].memsz = 3 * PAGE_SIZE;
    im->code[0] = 0xEB;                         /* jmp . */
    im->code[1] = 0xFE;
}

static void try(const char *name, struct image *im, size_t size)
{
    struct space *s = space_new("elftest");
    assert(s);
    uint64_t entry = 0;
    const char *why = "-";
    int ret = elf_load(s, im, size, USER_TOP, &entry, &why);
    kprintf("case=%s ret=%d why=%s\n", name, ret, ret == 0 ? "-" : why);
    if (ret == 0) {
        kprintf("case=%s entry=%#lx\n", name, entry);
        space_unmap_free(s, 0x400000, 0x404000);
    }
    space_put(s);
}

KTEST(elf, KTEST_AFTER_THREADS)
{
    static struct image im;
    uint64_t frames = pmm_free_count();

    cli();
    good(&im); try("good", &im, sizeof im);
    good(&im); try("short", &im, 10);
    good(&im); im.eh.ident[1] = 'X'; try("magic", &im, sizeof im);
    good(&im); im.eh.ident[4] = 1; try("class32", &im, sizeof im);
    good(&im); im.eh.type = 3; try("dyn", &im, sizeof im);
    good(&im); im.eh.machine = 3; try("machine", &im, sizeof im);
    good(&im); im.eh.phoff = ~0UL - 8; try("phoff_wrap", &im, sizeof im);
    good(&im); im.eh.phoff = sizeof im - 8; try("phoff_beyond", &im, sizeof im);
    good(&im); im.eh.phnum = 1000; try("phnum_huge", &im, sizeof im);
    good(&im); im.ph[1].filesz = im.ph[1].memsz + 1; try("filesz_gt_memsz", &im, sizeof im);
    good(&im); im.ph[1].offset = sizeof im - 8; try("offset_beyond", &im, sizeof im);
    good(&im); im.ph[1].offset = ~0UL - 8; try("offset_wrap", &im, sizeof im);
    good(&im); im.ph[1].vaddr = 0xFFFF800000000000UL; try("vaddr_kernel", &im, sizeof im);
    good(&im); im.ph[1].vaddr = ~0UL - 0x1000; try("vaddr_wrap", &im, sizeof im);
    good(&im); im.ph[1].vaddr = 0; try("vaddr_null", &im, sizeof im);
    good(&im); im.ph[1].vaddr = USER_TOP - PAGE_SIZE; try("vaddr_top", &im, sizeof im);
    good(&im); im.ph[1].vaddr = 0x400800; try("overlap", &im, sizeof im);
    good(&im); im.eh.entry = 0x401000; try("entry_not_exec", &im, sizeof im);
    good(&im); im.ph[0].type = im.ph[1].type = 4; try("no_load", &im, sizeof im);
    sti();
    kprintf("frames_leaked=%ld\n", (long)(frames - pmm_free_count()));
}
