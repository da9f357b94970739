/*
 * spawn.c: load an ELF64 program into a new address space and start it
 * (spawn.h). The file is checked completely before anything is made; then
 * one frame piece holds every page of the image and the stack, each page is
 * filled through the window at SPAWN_WINDOW in the caller and mapped into
 * the child. Any failure deletes the space, the thread and the piece again.
 */
#include <spawn.h>
#include <elf64.h>
#include <string.h>
#include <stdio.h>
#include <sys.h>
#include <mica/cap.h>
#include <mica/error.h>
#include <mica/mem.h>

#define PAGE        4096UL
#define PAGE_DOWN(x) ((x) & ~(PAGE - 1))
#define PAGE_UP(x)  (((x) + PAGE - 1) & ~(PAGE - 1))

#define PHDRS_MAX   16

long frame_pool_init(struct frame_pool *pool, cap_t range)
{
    struct frame_info fi;
    long r = sys_frame_info(range, (long)&fi);
    if (r < 0)
        return r;
    *pool = (struct frame_pool){ .range = range, .base = fi.base, .pages = fi.pages };
    return 0;
}

long frame_pool_take(struct frame_pool *pool, uint64_t pages)
{
    if (pages == 0)
        return -E_NOMEM;
    for (unsigned i = 0; i < pool->nholes; i++) {
        struct frame_pool_hole *h = &pool->holes[i];
        if (h->pages < pages)
            continue;
        long slot = sys_frame_split(pool->range, (long)h->page, (long)pages);
        if (slot < 0)
            return slot;
        h->page += pages;
        h->pages -= pages;
        if (h->pages == 0) {
            memmove(h, h + 1, (pool->nholes - i - 1) * sizeof *h);
            pool->nholes--;
        }
        return slot;
    }
    if (pages > pool->pages - pool->next)
        return -E_NOMEM;
    long slot = sys_frame_split(pool->range, (long)pool->next, (long)pages);
    if (slot >= 0)
        pool->next += pages;
    return slot;
}

/* Record the free run [page, page + pages): merge it with the holes it
 * touches, or give it back to the never-used end. */
static long pool_free_run(struct frame_pool *pool, uint64_t page, uint64_t pages)
{
    unsigned i = 0;
    while (i < pool->nholes && pool->holes[i].page < page)
        i++;
    struct frame_pool_hole *prev = i > 0 ? &pool->holes[i - 1] : NULL;
    struct frame_pool_hole *next = i < pool->nholes ? &pool->holes[i] : NULL;
    if (prev && prev->page + prev->pages == page) {
        prev->pages += pages;
        if (next && prev->page + prev->pages == next->page) {
            prev->pages += next->pages;
            memmove(next, next + 1, (pool->nholes - i - 1) * sizeof *next);
            pool->nholes--;
        }
    } else if (next && page + pages == next->page) {
        next->page = page;
        next->pages += pages;
    } else {
        if (pool->nholes == FRAME_POOL_HOLES)
            return -E_FULL;
        memmove(&pool->holes[i + 1], &pool->holes[i], (pool->nholes - i) * sizeof pool->holes[0]);
        pool->holes[i] = (struct frame_pool_hole){ page, pages };
        pool->nholes++;
    }
    /* The last hole may now reach the never-used end: move the end down. */
    struct frame_pool_hole *last = pool->nholes ? &pool->holes[pool->nholes - 1] : NULL;
    if (last && last->page + last->pages == pool->next) {
        pool->next = last->page;
        pool->nholes--;
    }
    return 0;
}

long frame_pool_put(struct frame_pool *pool, cap_t piece)
{
    struct frame_info fi;
    long r = sys_frame_info(piece, (long)&fi);
    if (r < 0)
        return r;
    uint64_t page = (fi.base - pool->base) / PAGE;
    if (fi.base < pool->base || fi.base % PAGE || page >= pool->next ||
        fi.pages > pool->next - page || piece == pool->range)
        return -E_INVAL;
    r = sys_cap_delete(piece);
    return r < 0 ? r : pool_free_run(pool, page, fi.pages);
}

uint64_t frame_pool_free(const struct frame_pool *pool)
{
    uint64_t n = pool->pages - pool->next;
    for (unsigned i = 0; i < pool->nholes; i++)
        n += pool->holes[i].pages;
    return n;
}

/* The i-th program header (copied: the file need not be aligned). */
static struct elf64_phdr phdr(const uint8_t *file, const struct elf64_ehdr *eh, int i)
{
    struct elf64_phdr p;
    memcpy(&p, file + eh->e_phoff + (uint64_t)i * sizeof p, sizeof p);
    return p;
}

static bool loadable(const struct elf64_phdr *p)
{
    return p->p_type == PT_LOAD && p->p_memsz != 0;
}

/* NULL if the file is loadable (and *eh filled), else why not. */
static const char *elf_check(const uint8_t *file, size_t size, struct elf64_ehdr *eh)
{
    if (size < sizeof *eh)
        return "file smaller than an ELF header";
    memcpy(eh, file, sizeof *eh);
    if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
        return "no ELF magic";
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_ident[EI_VERSION] != EV_CURRENT)
        return "not 64-bit little-endian ELF version 1";
    if (eh->e_type != ET_EXEC || eh->e_version != EV_CURRENT)
        return "not an executable (ET_EXEC)";
    if (eh->e_machine != EM_X86_64)
        return "not for x86_64";
    if (eh->e_ehsize != sizeof *eh || eh->e_phentsize != sizeof(struct elf64_phdr))
        return "unexpected header sizes";
    if (eh->e_phnum == 0 || eh->e_phnum > PHDRS_MAX)
        return "no or too many program headers";
    if (eh->e_phoff > size || size - eh->e_phoff < (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr))
        return "program headers beyond the end of the file";
    bool entry_ok = false;
    int loads = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr p = phdr(file, eh, i);
        if (!loadable(&p))
            continue;
        loads++;
        if (p.p_filesz > p.p_memsz)
            return "segment file size larger than memory size";
        if (p.p_offset > size || size - p.p_offset < p.p_filesz)
            return "segment beyond the end of the file";
        if (p.p_vaddr < PAGE || p.p_vaddr + p.p_memsz < p.p_vaddr ||
            p.p_vaddr + p.p_memsz > SPAWN_LIMIT)
            return "segment outside user space";
        uint64_t lo = PAGE_DOWN(p.p_vaddr), hi = PAGE_UP(p.p_vaddr + p.p_memsz);
        for (int j = 0; j < i; j++) {
            struct elf64_phdr q = phdr(file, eh, j);
            if (loadable(&q) && lo < PAGE_UP(q.p_vaddr + q.p_memsz) && PAGE_DOWN(q.p_vaddr) < hi)
                return "segments share a page";
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

long spawn_check(const void *image, size_t size, const char **why)
{
    struct elf64_ehdr eh;
    const char *reason = elf_check(image, size, &eh);
    if (why)
        *why = reason;
    return reason ? -E_NOEXEC : 0;
}

/* Map page `index` of frames at the window, zero it, copy len bytes of src
 * to offset in it, unmap it. Returns 0 or the system call's error. */
static long fill_page(cap_t frames, uint64_t index, const uint8_t *src, uint64_t offset,
                      uint64_t len)
{
    long r = sys_frame_map(frames, (long)index, CAP_SELF_SPACE, (long)SPAWN_WINDOW,
                           RIGHT_READ | RIGHT_WRITE);
    if (r < 0)
        return r;
    uint8_t *page = (uint8_t *)SPAWN_WINDOW;
    /* String instructions: a program's pages are filled at every start and
     * restart, and a byte loop over 1 MiB of bss costs a restart ~0.5 s
     * under QEMU's instruction counting (one rep counts as one step). */
    uint64_t words = PAGE / 8, zero = 0;
    __asm__ volatile("rep stosq" : "+D"(page), "+c"(words) : "a"(zero) : "memory");
    page = (uint8_t *)SPAWN_WINDOW + offset;
    __asm__ volatile("rep movsb" : "+D"(page), "+S"(src), "+c"(len) : : "memory");
    return sys_frame_unmap(CAP_SELF_SPACE, (long)SPAWN_WINDOW);
}

/* Fill and map every page of every segment, from page 0 of frames on.
 * Returns the number of pages used, or an error. */
static long map_segments(const uint8_t *file, const struct elf64_ehdr *eh, cap_t frames,
                         cap_t space)
{
    uint64_t index = 0;
    /* LAB 6 BEGIN: spawn: copy each segment page by page and map it with the segment's rights */
    for (int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr p = phdr(file, eh, i);
        if (!loadable(&p))
            continue;
        uint64_t rights = RIGHT_READ | (p.p_flags & PF_W ? RIGHT_WRITE : 0) |
                          (p.p_flags & PF_X ? RIGHT_EXEC : 0);
        uint64_t end = p.p_vaddr + p.p_memsz;
        for (uint64_t va = PAGE_DOWN(p.p_vaddr); va < end; va += PAGE, index++) {
            /* The part of [va, va + PAGE) the file backs. */
            uint64_t from = va > p.p_vaddr ? va : p.p_vaddr;
            uint64_t to = va + PAGE < p.p_vaddr + p.p_filesz ? va + PAGE : p.p_vaddr + p.p_filesz;
            uint64_t len = from < to ? to - from : 0;
            long r = fill_page(frames, index, file + p.p_offset + (from - p.p_vaddr), from - va, len);
            if (r == 0)
                r = sys_frame_map(frames, (long)index, space, (long)va, (long)rights);
            if (r < 0)
                return r;
        }
    }
    /* LAB 6 STUB
    (void)file; (void)eh; (void)frames; (void)space;
    return -E_NOSYS;
    LAB 6 END */
    return (long)index;
}

/* Pages the segments need. */
static uint64_t image_pages(const uint8_t *file, const struct elf64_ehdr *eh)
{
    uint64_t n = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr p = phdr(file, eh, i);
        if (loadable(&p))
            n += (PAGE_UP(p.p_vaddr + p.p_memsz) - PAGE_DOWN(p.p_vaddr)) / PAGE;
    }
    return n;
}

/* The argument block for the top stack page: strings at the top, argv[]
 * below them, struct spawn_startup below that. Fills block (one page, as
 * the child will see it at SPAWN_STACK_TOP - PAGE) and *startup_va. */
static long build_args(const struct spawn_params *sp, uint8_t *block, uint64_t *startup_va)
{
    uint64_t base = SPAWN_STACK_TOP - PAGE, strings = 0;
    if (sp->argc < 1 || sp->argc > SPAWN_ARGC_MAX || !sp->argv)
        return -E_INVAL;
    for (int i = 0; i < sp->argc; i++)
        strings += strnlen(sp->argv[i], SPAWN_ARGS_MAX) + 1;
    uint64_t argv_bytes = ((uint64_t)sp->argc + 1) * sizeof(char *);
    if (strings + argv_bytes > SPAWN_ARGS_MAX)
        return -E_INVAL;
    uint64_t str_va = (SPAWN_STACK_TOP - strings) & ~15UL;
    uint64_t argv_va = (str_va - argv_bytes) & ~15UL;
    uint64_t start_va = (argv_va - sizeof(struct spawn_startup)) & ~15UL;
    memset(block, 0, PAGE);
    uint64_t *argv = (uint64_t *)(block + (argv_va - base));
    uint64_t at = str_va;
    for (int i = 0; i < sp->argc; i++) {
        size_t n = strlen(sp->argv[i]) + 1;
        memcpy(block + (at - base), sp->argv[i], n);
        argv[i] = at;
        at += n;
    }
    argv[sp->argc] = 0;
    struct spawn_startup st = { SPAWN_STARTUP_MAGIC, (uint64_t)sp->argc, (char **)argv_va };
    memcpy(block + (start_va - base), &st, sizeof st);
    *startup_va = start_va;
    return 0;
}

static uint8_t arg_block[PAGE] __attribute__((aligned(16)));

long spawn(struct frame_pool *pool, const struct archive_entry *prog,
           const struct spawn_params *sp, struct process *out)
{
    struct elf64_ehdr eh;
    uint64_t startup_va;
    const char *why = elf_check(prog->data, prog->size, &eh);
    if (why) {
        printf("spawn: %s: bad ELF: %s\n", sp->name, why);
        return -E_NOEXEC;
    }
    uint64_t stack = sp->stack_mapped ? sp->stack_mapped : SPAWN_STACK_PAGES;
    if (sp->ncaps > SPAWN_CAPS_MAX || (sp->ncaps && !sp->caps) || stack > SPAWN_STACK_PAGES ||
        (sp->flags & ~SPAWN_SUSPENDED) || build_args(sp, arg_block, &startup_va) < 0)
        return -E_INVAL;

    uint64_t pages = image_pages(prog->data, &eh) + stack;
    *out = (struct process){ .space = -1, .thread = -1, .frames = -1, .entry = eh.e_entry,
                             .pages = pages };
    long r = frame_pool_take(pool, pages);
    if (r < 0)
        return r;
    out->frames = r;
    r = sys_space_create();
    if (r < 0)
        goto fail;
    out->space = r;

    r = map_segments(prog->data, &eh, out->frames, out->space);
    for (uint64_t i = 0; r >= 0 && i < stack; i++) {
        uint64_t index = pages - stack + i;
        uint64_t va = SPAWN_STACK_TOP - (stack - i) * PAGE;
        bool top = i == stack - 1;
        r = fill_page(out->frames, index, arg_block, 0, top ? PAGE : 0);
        if (r == 0)
            r = sys_frame_map(out->frames, (long)index, out->space, (long)va,
                              RIGHT_READ | RIGHT_WRITE);
    }
    for (unsigned i = 0; r >= 0 && i < sp->ncaps; i++)
        r = sys_cap_give(out->space, sp->caps[i].from, sp->caps[i].to);
    if (r < 0)
        goto fail;

    struct thread_params tp = { .entry = eh.e_entry, .stack_top = startup_va, .arg = startup_va,
                                .priority = sp->priority };
    strncpy(tp.name, sp->name, sizeof tp.name);
    r = sys_thread_create(out->space, (long)&tp);
    if (r < 0)
        goto fail;
    out->thread = r;
    r = sp->flags & SPAWN_SUSPENDED ? 0 : sys_thread_start(out->thread);
    if (r < 0)
        goto fail;
    return 0;

fail:
    if (out->thread >= 0)
        sys_cap_delete(out->thread);    /* a thread that never ran dies with its last capability */
    if (out->space >= 0)
        sys_cap_delete(out->space);
    frame_pool_put(pool, out->frames);  /* unmaps what was mapped through it */
    return r;
}
