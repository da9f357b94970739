/*
 * malloc.c: a first-fit allocator over one contiguous heap.
 *
 * The heap is a sequence of blocks from heap_start to heap_end, each a
 * 16-byte header followed by its payload; a header's size covers both, so
 * the next header is at (char *)h + h->size. malloc() walks from the start,
 * merging runs of free blocks as it meets them, and splits the first block
 * that fits. free() only marks a block free (after checking its header),
 * leaving the merging to the next walk.
 * Invariant: every block's size is a multiple of 16 and at least 16.
 *
 * Where the heap lives: a program with a memory manager (mm_attach(), done
 * by the start-up code) grows it at USER_HEAP_BASE in steps of at least
 * HEAP_GROW bytes, each a demand-zero region declared with mm_alloc(); when
 * the memory manager refuses (the process's limit) malloc() returns NULL.
 * Other programs (the root task, programs started without one) use the
 * static heap in .bss: STATIC_HEAP_SIZE bytes unless the program defines
 * its own with STATIC_HEAP() (stdlib.h).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <mmclient.h>
#include "lock.h"

#define BLOCK_MAGIC 0x6d696361u     /* "mica" */
#define HEAP_GROW   (64 * 1024)     /* the least the heap grows by */

struct block {
    uint32_t magic;
    uint32_t free;
    uint64_t size;                  /* header included */
};

_Static_assert(sizeof(struct block) == 16, "payloads must stay 16-byte aligned");
_Static_assert(HEAP_GROW % MM_PAGE == 0, "the heap grows by whole pages");

/* The static heap; a program's STATIC_HEAP() replaces both (weak) definitions. */
__attribute__((weak, aligned(16))) char malloc_static_heap[STATIC_HEAP_SIZE];
__attribute__((weak)) const size_t malloc_static_heap_size = STATIC_HEAP_SIZE;

static char *heap_start, *heap_end;     /* [start, end) is covered by blocks */
static struct ulock heap_lock;
static size_t inuse;

static struct block *next_block(struct block *b)
{
    char *n = (char *)b + b->size;
    return n < heap_end ? (struct block *)n : NULL;
}

/* Lock held. The first call picks the heap. */
static void heap_init(void)
{
    if (heap_start)
        return;
    if (mm_endpoint()) {
        heap_start = heap_end = (char *)USER_HEAP_BASE;
        return;
    }
    heap_start = malloc_static_heap;
    heap_end = heap_start + malloc_static_heap_size;
    *(struct block *)heap_start = (struct block){ BLOCK_MAGIC, 1, malloc_static_heap_size };
}

/* Lock held. Add a free block of at least `need` bytes at the end of a
 * growable heap. Returns false when there is no memory manager, the heap
 * would pass USER_HEAP_MAX, or the memory manager refuses. */
static bool heap_grow(uint64_t need)
{
    uint64_t bytes = need > HEAP_GROW ? (need + MM_PAGE - 1) & ~(MM_PAGE - 1) : HEAP_GROW;
    uint64_t used = (uint64_t)(heap_end - heap_start);
    if (!mm_endpoint() || heap_start != (char *)USER_HEAP_BASE || bytes > USER_HEAP_MAX - used)
        return false;
    if (mm_alloc(mm_endpoint(), 0, (uint64_t)heap_end, bytes / MM_PAGE, MM_WRITE) < 0)
        return false;
    *(struct block *)heap_end = (struct block){ BLOCK_MAGIC, 1, bytes };
    heap_end += bytes;
    return true;
}

/* Lock held. The first free block that fits, split to `need`; NULL if none. */
static struct block *first_fit(uint64_t need)
{
    for (struct block *b = heap_start < heap_end ? (struct block *)heap_start : NULL; b;
         b = next_block(b)) {
        if (!b->free)
            continue;
        struct block *n;
        while ((n = next_block(b)) && n->free)
            b->size += n->size;
        if (b->size < need)
            continue;
        if (b->size - need >= 2 * sizeof(struct block)) {
            struct block *rest = (struct block *)((char *)b + need);
            *rest = (struct block){ BLOCK_MAGIC, 1, b->size - need };
            b->size = need;
        }
        return b;
    }
    return NULL;
}

void *malloc(size_t size)
{
    if (size > USER_HEAP_MAX)
        return NULL;
    uint64_t need = sizeof(struct block) + ((size + 15) & ~(uint64_t)15);

    ulock_acquire(&heap_lock);
    heap_init();
    struct block *b = first_fit(need);
    if (!b && heap_grow(need))
        b = first_fit(need);
    if (b) {
        b->free = 0;
        inuse += b->size;
    }
    ulock_release(&heap_lock);
    return b ? b + 1 : NULL;
}

void *calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void free(void *p)
{
    if (!p)
        return;
    struct block *b = (struct block *)p - 1;
    if ((char *)b < heap_start || (char *)b >= heap_end || b->magic != BLOCK_MAGIC || b->free) {
        printf("free: bad or repeated free of %p\n", p);
        abort();
    }
    ulock_acquire(&heap_lock);
    b->free = 1;
    inuse -= b->size;
    ulock_release(&heap_lock);
}

size_t malloc_inuse(void)
{
    return inuse;
}
