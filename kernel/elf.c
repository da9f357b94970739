/*
 * elf.c: load an ELF64 executable (x86_64, ET_EXEC) from memory into an
 * address space. Everything about the file is checked before anything is
 * mapped (decode, then invoke); a bad file is refused with a reason, never
 * trusted: every offset and size is checked against the file and every
 * address against user space, and segments may not share pages.
 */
#include "kernel.h"
#include "thread.h"
#include "vm.h"
#include "lib/elf64.h"

#define ELF_MAX_PHDRS 32

/* Check the file; on success fill *eh and return NULL, else return why. */
static const char *elf_check(const uint8_t *file, size_t size, uint64_t limit,
                             struct elf64_ehdr *eh)
{
    if (size < sizeof *eh)
        return "file smaller than an ELF header";
    memcpy(eh, file, sizeof *eh);
    if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
        return "no ELF magic";
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return "not 64-bit little-endian";
    if (eh->e_type != ET_EXEC)
        return "not an executable (ET_EXEC)";
    if (eh->e_machine != EM_X86_64)
        return "not for x86_64";
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return "unexpected program header size";
    if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
        return "no or too many program headers";
    if (eh->e_phoff > size || size - eh->e_phoff < (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr))
        return "program headers beyond the end of the file";

    const struct elf64_phdr *ph = (const void *)(file + eh->e_phoff);
    bool entry_ok = false;
    int loads = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr p;
        memcpy(&p, &ph[i], sizeof p);
        if (p.p_type != PT_LOAD || p.p_memsz == 0)
            continue;
        loads++;
        if (p.p_filesz > p.p_memsz)
            return "segment file size larger than memory size";
        if (p.p_offset > size || size - p.p_offset < p.p_filesz)
            return "segment beyond the end of the file";
        if (p.p_vaddr < USER_MIN || p.p_vaddr + p.p_memsz < p.p_vaddr ||
            p.p_vaddr + p.p_memsz > limit)
            return "segment outside user space";
        uint64_t lo = ALIGN_DOWN(p.p_vaddr, PAGE_SIZE), hi = ALIGN_UP(p.p_vaddr + p.p_memsz, PAGE_SIZE);
        for (int j = 0; j < i; j++) {
            struct elf64_phdr q;
            memcpy(&q, &ph[j], sizeof q);
            if (q.p_type != PT_LOAD || q.p_memsz == 0)
                continue;
            uint64_t qlo = ALIGN_DOWN(q.p_vaddr, PAGE_SIZE), qhi = ALIGN_UP(q.p_vaddr + q.p_memsz, PAGE_SIZE);
            if (lo < qhi && qlo < hi)
                return "segments overlap";
        }
        if ((p.p_flags & PF_X) && eh->e_entry >= p.p_vaddr && eh->e_entry < p.p_vaddr + p.p_memsz)
            entry_ok = true;
    }
    if (loads == 0)
        return "no loadable segment";
    if (!entry_ok)
        return "entry point not in an executable segment";
    return NULL;
}

/* Undo a partial load: unmap and free every page of every segment. */
static void elf_unload(struct space *s, const uint8_t *file, const struct elf64_ehdr *eh)
{
    const struct elf64_phdr *ph = (const void *)(file + eh->e_phoff);
    for (int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr p;
        memcpy(&p, &ph[i], sizeof p);
        if (p.p_type == PT_LOAD && p.p_memsz != 0)
            space_unmap_free(s, p.p_vaddr, p.p_vaddr + p.p_memsz);
    }
}

/*
 * Load the ELF image file[0..size) into space s, below limit. Returns 0 and
 * sets *entry, -E_NOEXEC with *why set for a bad file, or -E_NOMEM (what
 * was mapped is unmapped and freed again).
 */
int elf_load(struct space *s, const void *image, size_t size, uint64_t limit,
             uint64_t *entry, const char **why)
{
    const uint8_t *file = image;
    struct elf64_ehdr eh;

    *why = elf_check(file, size, limit, &eh);
    if (*why)
        return -E_NOEXEC;

    const struct elf64_phdr *ph = (const void *)(file + eh.e_phoff);
    for (int i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr p;
        memcpy(&p, &ph[i], sizeof p);
        if (p.p_type != PT_LOAD || p.p_memsz == 0)
            continue;
        unsigned flags = VM_USER | (p.p_flags & PF_W ? VM_WRITE : 0) | (p.p_flags & PF_X ? VM_EXEC : 0);
        uint64_t end = p.p_vaddr + p.p_memsz;
        for (uint64_t va = ALIGN_DOWN(p.p_vaddr, PAGE_SIZE); va < end; va += PAGE_SIZE) {
            uint8_t *kva;
            int err = space_map_new_page(s, va, flags, (void **)&kva);
            if (err) {
                *why = "out of memory";
                elf_unload(s, file, &eh);
                return -E_NOMEM;
            }
            /* The part of [va, va + PAGE_SIZE) backed by the file. */
            uint64_t from = MAX(va, p.p_vaddr), to = MIN(va + PAGE_SIZE, p.p_vaddr + p.p_filesz);
            if (from < to)
                memcpy(kva + (from - va), file + p.p_offset + (from - p.p_vaddr), to - from);
        }
    }
    *entry = eh.e_entry;
    return 0;
}
