/*
 * elf64.h: the parts of the ELF64 format (System V gABI, x86-64 psABI) that
 * both loaders use: the kernel's (kernel/elf.c, the root task) and the user
 * library's (user/lib/spawn.c, every other program). Freestanding, like
 * klib.h. Each loader keeps its own checks and limits.
 */
#ifndef ELF64_H
#define ELF64_H

#include <mica/types.h>

#define EI_NIDENT   16          /* bytes of e_ident */
#define EI_CLASS    4           /* e_ident[]: ELFCLASS64 */
#define EI_DATA     5           /* e_ident[]: ELFDATA2LSB */
#define EI_VERSION  6           /* e_ident[]: EV_CURRENT */
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1
#define PF_X        1
#define PF_W        2

struct elf64_ehdr {
    unsigned char e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF program header");

#endif
