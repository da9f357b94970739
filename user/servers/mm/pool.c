/*
 * pool.c: the frames of the memory manager's piece (pager.h). A free
 * frame is on the free list, most recently freed first (so a freed frame is
 * the next one handed out: its old contents must be zeroed before reuse).
 * An owned frame is on its process's list in the order it was mapped, so
 * unmapping a whole process walks the kernel's mapping list from its head.
 */
#include "pager.h"

/* Pages [first, count) are handed out, lowest first; [0, first) hold frames[]. */
void pool_init(struct page_pool *pool, struct pool_page *frames, uint32_t count, uint32_t first)
{
    *pool = (struct page_pool){ .frames = frames, .count = count, .free_head = POOL_NIL };
    for (uint32_t i = 0; i < count; i++)
        frames[i] = (struct pool_page){ .next = POOL_NIL, .prev = POOL_NIL };
    for (uint32_t i = count; i > first; i--)
        pool_give(pool, i - 1);
    pool->usable = count - first;
}

uint32_t pool_take(struct page_pool *pool)
{
    uint32_t f = pool->free_head;
    if (f != POOL_NIL) {
        pool->free_head = pool->frames[f].next;
        pool->frames[f].next = POOL_NIL;
        pool->nfree--;
    }
    return f;
}

void pool_give(struct page_pool *pool, uint32_t frame)
{
    pool->frames[frame] = (struct pool_page){ .next = pool->free_head, .prev = POOL_NIL };
    pool->free_head = frame;
    pool->nfree++;
}

/* Frame (just taken) is mapped at va for p, whose table index is owner - 1. */
void pool_own(struct page_pool *pool, struct pager_proc *p, uint32_t owner, uint32_t frame,
              uint64_t va)
{
    struct pool_page *f = &pool->frames[frame];
    *f = (struct pool_page){ .va = va, .owner = owner, .next = POOL_NIL, .prev = p->tail };
    if (p->tail != POOL_NIL)
        pool->frames[p->tail].next = frame;
    else
        p->head = frame;
    p->tail = frame;
    p->frames++;
}

/* Take frame off p's list (it stays out of the free list). */
void pool_disown(struct page_pool *pool, struct pager_proc *p, uint32_t frame)
{
    struct pool_page *f = &pool->frames[frame];
    if (f->prev != POOL_NIL)
        pool->frames[f->prev].next = f->next;
    else
        p->head = f->next;
    if (f->next != POOL_NIL)
        pool->frames[f->next].prev = f->prev;
    else
        p->tail = f->prev;
    f->owner = 0;
    f->next = f->prev = POOL_NIL;
    p->frames--;
}
