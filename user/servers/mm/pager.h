/*
 * pager.h: the memory manager's logic (mica/proto/mm.h), pure C: the
 * system calls it needs come through struct pager_ops, so the host tests
 * (user/servers/tests/test_pager.c) drive the same code with fakes.
 *
 *   pool.c     the frames of the piece: a free list, and each process's
 *              frames on a list in the order they were mapped
 *   process.c  the process table: regions, commitment, limits, faults
 *   serve.c    one request (label, badge, words) -> reply label and words
 *   server.c   the system calls and the IPC loop (not in the host tests)
 *   main.c     bin/mm: runs the server
 *
 * Invariants (checked by pager_check()): a frame is free or owned by exactly
 * one process; a process's `frames` is the length of its frame list, each
 * of those frames lies in one of its regions, and frames <= committed;
 * committed is the sum of its regions' pages and may exceed the limit only
 * if MM_SET_LIMIT lowered it; the pool's committed is the sum over the
 * processes and never exceeds the pool's usable frames.
 */
#ifndef PAGER_H
#define PAGER_H

#include <mica/types.h>
#include <mica/proto/mm.h>

#define PAGER_PROCS_MAX 64          /* processes registered at once */
#define PAGER_AREAS_MAX 16          /* regions per process (adjacent ones merge) */
#define POOL_NIL        0xffffffffu /* ends a frame list */

/* One page of the piece. */
struct pool_page {
    uint64_t va;                /* where it is mapped (owned frames) */
    uint32_t owner;             /* index + 1 of the owning process; 0: free */
    uint32_t next, prev;        /* free list (next only), or the owner's list */
    uint32_t unused;
};

struct page_pool {
    struct pool_page *frames;   /* frames[i] describes page i of the piece */
    uint32_t count;             /* pages of the piece */
    uint32_t usable;            /* pages the pool hands out (the rest hold frames[]) */
    uint32_t free_head;         /* the free list; the most recently freed first */
    uint32_t nfree;
    uint64_t committed;         /* pages committed to processes, <= usable */
};

struct pager_area {
    uint64_t start, pages;      /* page-aligned; regions of a process never overlap */
    bool writable;
};

struct pager_proc {
    uint64_t pid;               /* 0: a free entry */
    cap_t space;                /* its address space (RIGHT_MAP), held by the memory manager */
    uint64_t limit, committed, frames, faults, refused;
    uint32_t head, tail;        /* its frames, oldest mapping first */
    unsigned nareas;
    struct pager_area areas[PAGER_AREAS_MAX];   /* sorted by start */
};

/* What the memory manager asks of the system; each returns 0 or -error. */
struct pager_ops {
    long (*check_space)(void *ctx, cap_t space);    /* a space capability with RIGHT_MAP? */
    long (*zero)(void *ctx, uint32_t frame);        /* fill page `frame` with zeros */
    long (*map)(void *ctx, cap_t space, uint32_t frame, uint64_t va, bool writable);
    long (*unmap)(void *ctx, cap_t space, uint64_t va);
    void (*drop)(void *ctx, cap_t space);           /* delete the capability */
};

struct pager {
    struct page_pool pool;
    const struct pager_ops *ops;
    void *ctx;
    cap_t slot_base;            /* process i's space capability lives in slot_base + i */
    uint64_t faults, refused;   /* over all processes, removed ones included */
    struct pager_proc procs[PAGER_PROCS_MAX];
};

/* pool.c */
void pool_init(struct page_pool *pool, struct pool_page *frames, uint32_t count, uint32_t first);
uint32_t pool_take(struct page_pool *pool);                 /* POOL_NIL when empty */
void pool_give(struct page_pool *pool, uint32_t frame);
void pool_own(struct page_pool *pool, struct pager_proc *p, uint32_t owner, uint32_t frame,
              uint64_t va);
void pool_disown(struct page_pool *pool, struct pager_proc *p, uint32_t frame);

/* process.c: each returns 0 or a negative error and changes nothing on error. */
void pager_init(struct pager *pg, const struct pager_ops *ops, void *ctx,
                struct pool_page *frames, uint32_t count, uint32_t first, cap_t slot_base);
cap_t pager_next_slot(const struct pager *pg);  /* where MM_ADD's capability goes; 0: full */
struct pager_proc *pager_find(struct pager *pg, uint64_t pid);
int pager_add(struct pager *pg, uint64_t pid, uint64_t limit, cap_t space);
int pager_remove(struct pager *pg, uint64_t pid);
int pager_alloc(struct pager *pg, struct pager_proc *p, uint64_t start, uint64_t pages,
                bool writable);
int pager_free(struct pager *pg, struct pager_proc *p, uint64_t start, uint64_t pages);
int pager_set_limit(struct pager *pg, uint64_t pid, uint64_t frames);
void pager_stat(const struct pager *pg, const struct pager_proc *p, struct mm_stat *out);
uint64_t pager_fault(struct pager *pg, uint64_t pid, uint64_t addr, uint64_t access,
                     uint64_t vector);
const char *pager_check(const struct pager *pg);    /* NULL, or the broken invariant */

/* serve.c: one request -> the reply label (0 or a positive error) and words.
 * words has room for IPC_MAX_WORDS (len used, the rest zero).
 * cap is the slot a capability arrived in (0: none); *kept says whether the
 * memory manager keeps it (else the caller deletes it). */
uint64_t pager_handle(struct pager *pg, uint64_t badge, uint64_t label, const uint64_t *words,
                      unsigned len, cap_t cap, bool *kept, uint64_t *reply, unsigned *reply_len);

/* server.c: serve endpoint ep with frame piece `frames`, keeping process
 * i's space capability in slot slot_base + i; returns only on an error. */
long mm_server_run(cap_t ep, cap_t frames, cap_t slot_base);

#endif
