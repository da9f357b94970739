/*
 * process.c: the memory manager's process table (pager.h): who is
 * registered, which regions each declared, what they committed, and the
 * page faults. Every call checks everything first and changes nothing when
 * it returns an error.
 */
#include "pager.h"
#include <string.h>
#include <mica/error.h>
#include <mica/ipc.h>

#define PAGE        MM_PAGE
#define VECTOR_PF   14          /* the CPU's page-fault exception */

static uint64_t area_end(const struct pager_area *a)
{
    return a->start + a->pages * PAGE;
}

/* A page-aligned, non-empty range inside user space. */
static bool range_ok(uint64_t start, uint64_t pages)
{
    return start % PAGE == 0 && pages > 0 && start >= MM_USER_MIN && start < MM_USER_TOP &&
           pages <= (MM_USER_TOP - start) / PAGE;
}

static uint32_t owner_of(const struct pager *pg, const struct pager_proc *p)
{
    return (uint32_t)(p - pg->procs) + 1;
}

void pager_init(struct pager *pg, const struct pager_ops *ops, void *ctx,
                struct pool_page *frames, uint32_t count, uint32_t first, cap_t slot_base)
{
    memset(pg, 0, sizeof *pg);
    pg->ops = ops;
    pg->ctx = ctx;
    pg->slot_base = slot_base;
    pool_init(&pg->pool, frames, count, first);
}

static struct pager_proc *free_entry(const struct pager *pg)
{
    for (int i = 0; i < PAGER_PROCS_MAX; i++)
        if (pg->procs[i].pid == 0)
            return (struct pager_proc *)&pg->procs[i];
    return NULL;
}

cap_t pager_next_slot(const struct pager *pg)
{
    const struct pager_proc *p = free_entry(pg);
    return p ? pg->slot_base + (p - pg->procs) : 0;
}

struct pager_proc *pager_find(struct pager *pg, uint64_t pid)
{
    for (int i = 0; pid && i < PAGER_PROCS_MAX; i++)
        if (pg->procs[i].pid == pid)
            return &pg->procs[i];
    return NULL;
}

/* Register pid with address space capability `space` (which must be in
 * pager_next_slot()). -E_INVAL for a bad pid, limit or capability, -E_EXIST,
 * -E_FULL. */
int pager_add(struct pager *pg, uint64_t pid, uint64_t limit, cap_t space)
{
    struct pager_proc *p = free_entry(pg);
    if (pid == 0 || pid > MM_PID_MAX || limit > MM_LIMIT_MAX)
        return -E_INVAL;
    if (pager_find(pg, pid))
        return -E_EXIST;
    if (!p)
        return -E_FULL;
    if (space != pg->slot_base + (p - pg->procs) || pg->ops->check_space(pg->ctx, space) < 0)
        return -E_INVAL;
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->space = space;
    p->limit = limit ? limit : MM_LIMIT_DEFAULT;
    p->head = p->tail = POOL_NIL;
    return 0;
}

/* Unmap frame (owned by p) and put it back on the free list. The unmap
 * cannot fail: the memory manager holds both capabilities it needs. */
static void release(struct pager *pg, struct pager_proc *p, uint32_t frame)
{
    /* LAB 5 BEGIN: mm: give a frame back: unmap it, then put it on the free list */
    pg->ops->unmap(pg->ctx, p->space, pg->pool.frames[frame].va);
    pool_disown(&pg->pool, p, frame);
    pool_give(&pg->pool, frame);
    /* LAB 5 STUB
    pool_disown(&pg->pool, p, frame);
    LAB 5 END */
}

/* Forget pid: unmap and free its frames, uncommit its regions, drop its
 * space capability. -E_NOENT if it is not registered. */
int pager_remove(struct pager *pg, uint64_t pid)
{
    struct pager_proc *p = pager_find(pg, pid);
    if (!p)
        return -E_NOENT;
    while (p->head != POOL_NIL)
        release(pg, p, p->head);
    pg->pool.committed -= p->committed;
    pg->ops->drop(pg->ctx, p->space);
    memset(p, 0, sizeof *p);
    return 0;
}

/* Declare [start, start + pages) a demand-zero region of p and commit it.
 * Merges with a neighbouring region of the same kind. -E_INVAL for a bad
 * or overlapping range, -E_FULL without a free region entry, -E_NOMEM past
 * p's limit or the pool. */
int pager_alloc(struct pager *pg, struct pager_proc *p, uint64_t start, uint64_t pages,
                bool writable)
{
    if (!range_ok(start, pages))
        return -E_INVAL;
    uint64_t end = start + pages * PAGE;
    unsigned at = 0;                    /* where it goes in the sorted list */
    for (unsigned i = 0; i < p->nareas; i++) {
        const struct pager_area *a = &p->areas[i];
        if (start < area_end(a) && a->start < end)
            return -E_INVAL;
        if (a->start < start)
            at = i + 1;
    }
    struct pager_area *prev = at > 0 ? &p->areas[at - 1] : NULL;
    struct pager_area *next = at < p->nareas ? &p->areas[at] : NULL;
    bool join_prev = prev && area_end(prev) == start && prev->writable == writable;
    bool join_next = next && next->start == end && next->writable == writable;
    if (!join_prev && !join_next && p->nareas == PAGER_AREAS_MAX)
        return -E_FULL;
    /* LAB 5 BEGIN: mm: commit the region against the process's limit and the pool */
    if (p->committed + pages > p->limit || pg->pool.committed + pages > pg->pool.usable)
        return -E_NOMEM;
    p->committed += pages;
    pg->pool.committed += pages;
    /* LAB 5 END */

    if (join_prev && join_next) {
        prev->pages += pages + next->pages;
        memmove(next, next + 1, (p->nareas - at - 1) * sizeof *next);
        p->nareas--;
    } else if (join_prev) {
        prev->pages += pages;
    } else if (join_next) {
        next->start = start;
        next->pages += pages;
    } else {
        memmove(&p->areas[at + 1], &p->areas[at], (p->nareas - at) * sizeof *next);
        p->areas[at] = (struct pager_area){ start, pages, writable };
        p->nareas++;
    }
    return 0;
}

/* Undeclare [start, start + pages), which must lie wholly in p's regions:
 * unmap and free its frames, cut the regions, uncommit the pages.
 * -E_INVAL for a bad range or one that is not all declared, -E_FULL if
 * cutting a region in two needs an entry there is no room for. */
int pager_free(struct pager *pg, struct pager_proc *p, uint64_t start, uint64_t pages)
{
    if (!range_ok(start, pages))
        return -E_INVAL;
    uint64_t end = start + pages * PAGE, covered = start;
    bool split = false;
    for (unsigned i = 0; i < p->nareas; i++) {
        const struct pager_area *a = &p->areas[i];
        if (area_end(a) <= start || a->start >= end)
            continue;
        if (a->start > covered)
            return -E_INVAL;            /* a hole in the range */
        covered = area_end(a);
        split |= a->start < start && area_end(a) > end;
    }
    if (covered < end)
        return -E_INVAL;
    if (split && p->nareas == PAGER_AREAS_MAX)
        return -E_FULL;

    for (uint32_t f = p->head, next; f != POOL_NIL; f = next) {
        next = pg->pool.frames[f].next;
        if (pg->pool.frames[f].va >= start && pg->pool.frames[f].va < end)
            release(pg, p, f);
    }
    struct pager_area kept[PAGER_AREAS_MAX + 1];
    unsigned n = 0;
    for (unsigned i = 0; i < p->nareas; i++) {
        const struct pager_area *a = &p->areas[i];
        if (area_end(a) <= start || a->start >= end) {
            kept[n++] = *a;
            continue;
        }
        if (a->start < start)
            kept[n++] = (struct pager_area){ a->start, (start - a->start) / PAGE, a->writable };
        if (area_end(a) > end)
            kept[n++] = (struct pager_area){ end, (area_end(a) - end) / PAGE, a->writable };
    }
    memcpy(p->areas, kept, n * sizeof kept[0]);
    p->nareas = n;
    /* LAB 5 BEGIN: mm: give the freed pages' commitment back */
    p->committed -= pages;
    pg->pool.committed -= pages;
    /* LAB 5 END */
    return 0;
}

int pager_set_limit(struct pager *pg, uint64_t pid, uint64_t frames)
{
    struct pager_proc *p = pager_find(pg, pid);
    if (!p)
        return -E_NOENT;
    if (frames > MM_LIMIT_MAX)
        return -E_INVAL;
    p->limit = frames;
    return 0;
}

/* p's numbers, or the pool's (p NULL: frames in use, committed and usable). */
void pager_stat(const struct pager *pg, const struct pager_proc *p, struct mm_stat *out)
{
    const struct page_pool *pool = &pg->pool;
    if (p)
        *out = (struct mm_stat){ (uint32_t)p->frames, (uint32_t)p->committed, (uint32_t)p->limit,
                                 pool->nfree, p->faults, p->refused };
    else
        *out = (struct mm_stat){ pool->usable - pool->nfree, (uint32_t)pool->committed,
                                 pool->usable, pool->nfree, pg->faults, pg->refused };
}

static const struct pager_area *area_of(const struct pager_proc *p, uint64_t addr)
{
    for (unsigned i = 0; i < p->nareas; i++)
        if (addr >= p->areas[i].start && addr < area_end(&p->areas[i]))
            return &p->areas[i];
    return NULL;
}

/* Serve one page fault of p: 0 when a frame is mapped (or another thread's
 * fault mapped the page first), else the positive error to reply. */
static uint64_t serve_fault(struct pager *pg, struct pager_proc *p, uint64_t addr,
                            uint64_t access, uint64_t vector)
{
    /* LAB 5 BEGIN: mm: demand paging: find the region, zero a frame and install it */
    if (vector != VECTOR_PF || (access & (FAULT_PRESENT | FAULT_EXEC)))
        return E_FAULT;                 /* not a missing page: no pager can help */
    const struct pager_area *a = area_of(p, addr);
    if (!a || ((access & FAULT_WRITE) && !a->writable))
        return E_FAULT;
    uint32_t f = pool_take(&pg->pool);
    if (f == POOL_NIL)
        return E_NOMEM;                 /* cannot happen: the region's pages were committed */
    uint64_t va = addr & ~(PAGE - 1);
    long r = pg->ops->zero(pg->ctx, f);
    if (r == 0)
        r = pg->ops->map(pg->ctx, p->space, f, va, a->writable);
    if (r < 0) {
        pool_give(&pg->pool, f);
        return r == -E_EXIST ? 0 : (uint64_t)-r;
    }
    pool_own(&pg->pool, p, owner_of(pg, p), f, va);
    return 0;
    /* LAB 5 STUB
    (void)area_of; (void)owner_of; (void)addr; (void)access; (void)vector;
    return E_FAULT;
    LAB 5 END */
}

/* A fault message of pid: 0 (resume the thread) or the error to reply
 * (the kernel kills the thread). Counted as served or refused. */
uint64_t pager_fault(struct pager *pg, uint64_t pid, uint64_t addr, uint64_t access,
                     uint64_t vector)
{
    struct pager_proc *p = pager_find(pg, pid);
    uint64_t r = p ? serve_fault(pg, p, addr, access, vector) : E_NOENT;
    if (r == 0) {
        p->faults++;
        pg->faults++;
    } else {
        if (p)
            p->refused++;
        pg->refused++;
    }
    return r;
}

/* ---- invariants (the host tests call this after every step) ---- */

const char *pager_check(const struct pager *pg)
{
    const struct page_pool *pool = &pg->pool;
    uint64_t owned = 0, committed = 0, walked = 0;
    for (uint32_t f = pool->free_head; f != POOL_NIL; f = pool->frames[f].next) {
        if (f >= pool->count || f < pool->count - pool->usable || pool->frames[f].owner)
            return "a frame on the free list is out of range or owned";
        if (++walked > pool->usable)
            return "the free list loops";
    }
    if (walked != pool->nfree)
        return "nfree is not the length of the free list";
    for (int i = 0; i < PAGER_PROCS_MAX; i++) {
        const struct pager_proc *p = &pg->procs[i];
        if (!p->pid)
            continue;
        uint64_t n = 0, pages = 0;
        uint32_t prev = POOL_NIL;
        for (uint32_t f = p->head; f != POOL_NIL; prev = f, f = pool->frames[f].next) {
            if (pool->frames[f].owner != (uint32_t)i + 1 || pool->frames[f].prev != prev)
                return "a process's frame list is broken";
            if (!area_of(p, pool->frames[f].va))
                return "a frame is mapped outside its process's regions";
            if (++n > pool->usable)
                return "a process's frame list loops";
        }
        for (unsigned j = 0; j < p->nareas; j++) {
            pages += p->areas[j].pages;
            if (j && p->areas[j].start < area_end(&p->areas[j - 1]))
                return "regions overlap or are out of order";
        }
        if (n != p->frames || p->frames > p->committed || pages != p->committed)
            return "a process's frames or commitment do not add up";
        owned += n;
        committed += p->committed;
    }
    if (owned + pool->nfree != pool->usable)
        return "frames are lost: neither free nor owned";
    if (committed != pool->committed || pool->committed > pool->usable)
        return "the pool's commitment does not add up";
    return NULL;
}
