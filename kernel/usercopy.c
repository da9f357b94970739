/*
 * usercopy.c: moving bytes between the kernel and the current thread's
 * address space. The kernel never dereferences a user pointer itself: every
 * access goes through these functions, which check the whole range against
 * the page tables first (user-accessible, and writable when writing) and
 * recover from a fault during the copy (usercopy.S). They return 0 or
 * -E_FAULT.
 */
#include "kernel.h"
#include "thread.h"
#include "vm.h"
#include "arch/x86_64/trap.h"

long user_memcpy(void *dst, const void *src, size_t n);
extern char user_memcpy_insn[], user_memcpy_fault[];

/* Whether [va, va + len) lies in user space and every page of it is mapped
 * for user access (and writable, when write is set). */
bool user_range_ok(uint64_t va, size_t len, bool write)
{
    struct space *s = current()->space;
    if (!s)
        return false;
    /* LAB 3 BEGIN: check a user range: bounds, overflow, and the page tables */
    if (len == 0)
        return va <= USER_TOP;
    if (va < USER_MIN || va + len < va || va + len > USER_TOP)
        return false;
    for (uint64_t page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len; page += PAGE_SIZE) {
        unsigned flags;
        if (vm_lookup(s->vm, page, NULL, &flags) != 0)
            return false;
        if (!(flags & VM_USER) || (write && !(flags & VM_WRITE)))
            return false;
    }
    return true;
    /* LAB 3 STUB
    return len == 0 || va >= USER_MIN;
    LAB 3 END */
}

int copy_from_user(void *dst, uint64_t src, size_t n)
{
    if (!user_range_ok(src, n, false))
        return -E_FAULT;
    return (int)user_memcpy(dst, (const void *)src, n);
}

int copy_to_user(uint64_t dst, const void *src, size_t n)
{
    if (!user_range_ok(dst, n, true))
        return -E_FAULT;
    return (int)user_memcpy((void *)dst, src, n);
}

/* Copy a NUL-terminated string of at most size - 1 characters into dst
 * (always terminated). Returns its length, -E_FAULT, or -E_NAMETOOLONG
 * when no NUL comes within size - 1 characters. */
long strncpy_from_user(char *dst, uint64_t src, size_t size)
{
    size_t done = 0;
    if (size == 0)
        return -E_NAMETOOLONG;
    while (done < size) {
        /* Copy up to the end of the page, then look for the NUL. */
        size_t chunk = MIN(size - done, PAGE_SIZE - (src + done) % PAGE_SIZE);
        if (copy_from_user(dst + done, src + done, chunk) != 0)
            return -E_FAULT;
        size_t n = strnlen(dst + done, chunk);
        if (n < chunk)
            return (long)(done + n);
        done += chunk;
    }
    dst[size - 1] = '\0';
    return -E_NAMETOOLONG;
}

/* Called by trap() for a kernel-mode page fault: if the copy above faulted,
 * resume at its error exit and return true. */
bool usercopy_fixup(struct trapframe *tf)
{
    if (tf->rip != (uint64_t)user_memcpy_insn)
        return false;
    tf->rip = (uint64_t)user_memcpy_fault;
    return true;
}
