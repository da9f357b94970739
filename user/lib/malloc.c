/*
 * malloc.c: a first-fit allocator over a fixed heap in .bss.
 *
 * The heap is a sequence of blocks, each a 16-byte header followed by its
 * payload; a header's size covers both, so the next header is at
 * (char *)h + h->size and the last block ends at heap + HEAP_SIZE.
 * malloc() walks from the start, merging runs of free blocks as it meets
 * them, and splits the first block that fits. free() only marks a block free
 * (after checking its header), leaving the merging to the next walk.
 * Invariant: every block's size is a multiple of 16 and at least 16.
 * A memory-manager server (lab 5) will later give programs growable heaps.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include "lock.h"

#define BLOCK_MAGIC 0x6d696361u     /* "mica" */

struct block {
    uint32_t magic;
    uint32_t free;
    uint64_t size;                  /* header included */
};

_Static_assert(sizeof(struct block) == 16, "payloads must stay 16-byte aligned");

static char heap[HEAP_SIZE] __attribute__((aligned(16)));
static struct ulock heap_lock;
static size_t inuse;

static struct block *next_block(struct block *b)
{
    char *n = (char *)b + b->size;
    return n < heap + HEAP_SIZE ? (struct block *)n : NULL;
}

void *malloc(size_t size)
{
    if (size > HEAP_SIZE)
        return NULL;
    uint64_t need = sizeof(struct block) + ((size + 15) & ~(uint64_t)15);
    void *result = NULL;

    ulock_acquire(&heap_lock);
    struct block *first = (struct block *)heap;
    if (first->magic != BLOCK_MAGIC)
        *first = (struct block){ BLOCK_MAGIC, 1, HEAP_SIZE };
    for (struct block *b = first; b; b = next_block(b)) {
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
        b->free = 0;
        inuse += b->size;
        result = b + 1;
        break;
    }
    ulock_release(&heap_lock);
    return result;
}

void *calloc(size_t n, size_t size)
{
    if (size && n > HEAP_SIZE / size)
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
    if ((char *)b < heap || (char *)b >= heap + HEAP_SIZE || b->magic != BLOCK_MAGIC || b->free) {
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
