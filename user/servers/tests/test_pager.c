/*
 * test_pager.c: host unit tests of the memory manager's logic
 * (user/servers/mm: pool.c, process.c, serve.c) over fake system calls: a
 * fake physical memory of FRAMES pages and a fake page table per space.
 * Every step is followed by pager_check() (the invariants of pager.h).
 * Built by `make hosttest` with sanitizers; CHECK() prints file:line, the
 * expression and the values seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include "../mm/pager.h"

static int failures;

#define CHECK(cond) do { if (!(cond)) { failures++; \
    fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); if (a_ != b_) { \
    failures++; fprintf(stderr, "%s:%d: FAILED: %s == %s: saw %lld, expected %lld\n", \
                        __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)
#define INVARIANTS(pg) do { const char *why_ = pager_check(pg); if (why_) { failures++; \
    fprintf(stderr, "%s:%d: FAILED: invariant: %s\n", __FILE__, __LINE__, why_); } } while (0)

#define FRAMES      512         /* pages of the fake piece */
#define META        2           /* of which the frame table takes these */
#define BASE        32          /* slot of process 0's space */
#define MAPS        256         /* fake page-table entries, over all spaces */
#define PAGE        MM_PAGE
#define MANAGER     MM_BADGE_MANAGER
#define A           0x200000000000UL
#define RW          true

/* ---- the fake system --------------------------------------------------------- */

struct mapping { bool used; cap_t space; uint64_t va; uint32_t frame; bool writable; };

static struct fake {
    uint8_t phys[FRAMES][PAGE];
    struct mapping maps[MAPS];
    uint64_t mapped_order[MAPS];    /* unmapped vas, in order */
    unsigned unmaps, zeroes, drops;
    cap_t bad_space;                /* check_space() refuses this slot */
    bool fail_map;                  /* map() fails with -E_FULL */
} sys;

static struct pool_page table[FRAMES];

static struct mapping *lookup(cap_t space, uint64_t va)
{
    for (int i = 0; i < MAPS; i++)
        if (sys.maps[i].used && sys.maps[i].space == space && sys.maps[i].va == va)
            return &sys.maps[i];
    return NULL;
}

static long f_check_space(void *ctx, cap_t space)
{
    return space == sys.bad_space ? -E_WRONGTYPE : 0;
}

static long f_zero(void *ctx, uint32_t frame)
{
    CHECK(frame >= META && frame < FRAMES);
    memset(sys.phys[frame], 0, PAGE);
    sys.zeroes++;
    return 0;
}

/* Every frame handed to a process must be all zeros at that moment. */
static long f_map(void *ctx, cap_t space, uint32_t frame, uint64_t va, bool writable)
{
    static const uint8_t zeros[PAGE];
    CHECK(va % PAGE == 0);
    CHECK(memcmp(sys.phys[frame], zeros, PAGE) == 0);
    if (sys.fail_map)
        return -E_FULL;
    if (lookup(space, va))
        return -E_EXIST;
    for (int i = 0; i < MAPS; i++)
        if (!sys.maps[i].used) {
            sys.maps[i] = (struct mapping){ true, space, va, frame, writable };
            return 0;
        }
    return -E_FULL;
}

static long f_unmap(void *ctx, cap_t space, uint64_t va)
{
    struct mapping *m = lookup(space, va);
    if (!m)
        return -E_NOENT;
    m->used = false;
    sys.mapped_order[sys.unmaps++ % MAPS] = va;
    return 0;
}

static void f_drop(void *ctx, cap_t space)
{
    sys.drops++;
}

static const struct pager_ops ops = { f_check_space, f_zero, f_map, f_unmap, f_drop };

static void fresh(struct pager *pg)
{
    memset(&sys, 0, sizeof sys);
    sys.bad_space = -1;
    memset(sys.phys, 0x5a, sizeof sys.phys);     /* the piece starts dirty */
    pager_init(pg, &ops, NULL, table, FRAMES, META, BASE);
    INVARIANTS(pg);
}

/* What a thread of the process in `space` sees at va: fault it in if needed.
 * Returns the byte, or -1 if the fault was refused (the thread would die). */
static int touch(struct pager *pg, uint64_t pid, uint64_t va, bool write, uint8_t value)
{
    struct pager_proc *p = pager_find(pg, pid);
    struct mapping *m = p ? lookup(p->space, va & ~(PAGE - 1)) : NULL;
    if (!m || (write && !m->writable)) {
        uint64_t access = FAULT_USER | (write ? FAULT_WRITE : FAULT_READ) | (m ? FAULT_PRESENT : 0);
        if (pager_fault(pg, pid, va, access, 14) != 0)
            return -1;
        m = lookup(p->space, va & ~(PAGE - 1));
        if (!m)
            return -1;
    }
    uint8_t *b = &sys.phys[m->frame][va % PAGE];
    if (write)
        *b = value;
    return *b;
}

static struct mm_stat stat_of(struct pager *pg, uint64_t pid)
{
    struct mm_stat st;
    pager_stat(pg, pid ? pager_find(pg, pid) : NULL, &st);
    return st;
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_pool(void)
{
    struct pager pg;
    fresh(&pg);
    CHECK_EQ(pg.pool.usable, FRAMES - META);
    CHECK_EQ(pg.pool.nfree, FRAMES - META);
    uint32_t a = pool_take(&pg.pool), b = pool_take(&pg.pool);
    CHECK_EQ(a, META);                  /* lowest first */
    CHECK_EQ(b, META + 1);
    pool_give(&pg.pool, a);
    CHECK_EQ(pool_take(&pg.pool), a);   /* the most recently freed first */
    pool_give(&pg.pool, a);
    pool_give(&pg.pool, b);
    INVARIANTS(&pg);
    for (int i = 0; i < FRAMES - META; i++)
        CHECK(pool_take(&pg.pool) != POOL_NIL);
    CHECK_EQ(pool_take(&pg.pool), POOL_NIL);
}

static void test_add_remove(void)
{
    struct pager pg;
    fresh(&pg);
    CHECK_EQ(pager_next_slot(&pg), BASE);
    CHECK_EQ(pager_add(&pg, 0, 0, BASE), -E_INVAL);
    CHECK_EQ(pager_add(&pg, MM_PID_MAX + 1, 0, BASE), -E_INVAL);
    CHECK_EQ(pager_add(&pg, 5, MM_LIMIT_MAX + 1, BASE), -E_INVAL);
    CHECK_EQ(pager_add(&pg, 5, 0, BASE + 1), -E_INVAL);     /* not where it was received */
    sys.bad_space = BASE;
    CHECK_EQ(pager_add(&pg, 5, 0, BASE), -E_INVAL);
    sys.bad_space = -1;
    CHECK_EQ(pager_add(&pg, 5, 0, BASE), 0);
    CHECK_EQ(pager_find(&pg, 5)->limit, MM_LIMIT_DEFAULT);
    CHECK_EQ(pager_add(&pg, 5, 0, BASE + 1), -E_EXIST);
    CHECK_EQ(pager_add(&pg, MM_PID_MAX, 7, BASE + 1), 0);
    for (uint64_t pid = 100; pager_next_slot(&pg); pid++)
        CHECK_EQ(pager_add(&pg, pid, 0, pager_next_slot(&pg)), 0);
    CHECK_EQ(pager_add(&pg, 99, 0, BASE), -E_FULL);
    INVARIANTS(&pg);
    CHECK_EQ(pager_remove(&pg, 98), -E_NOENT);
    CHECK_EQ(pager_remove(&pg, 5), 0);
    CHECK_EQ(sys.drops, 1);
    CHECK_EQ(pager_next_slot(&pg), BASE);   /* the first entry is free again */
    CHECK_EQ(pager_remove(&pg, 5), -E_NOENT);
    INVARIANTS(&pg);
}

static void test_alloc(void)
{
    struct pager pg;
    fresh(&pg);
    CHECK_EQ(pager_add(&pg, 1, 20, BASE), 0);
    struct pager_proc *p = pager_find(&pg, 1);
    CHECK_EQ(pager_alloc(&pg, p, A + 8, 1, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, A, 0, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, 0, 1, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, 0xffff800000000000UL, 1, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, MM_USER_TOP - PAGE, 2, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, MM_USER_TOP - PAGE, 1, RW), 0);
    CHECK_EQ(pager_alloc(&pg, p, A, 1UL << 52, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, A, UINT64_MAX, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, A, 4, RW), 0);
    CHECK_EQ(pager_alloc(&pg, p, A + 3 * PAGE, 1, RW), -E_INVAL);  /* overlaps */
    CHECK_EQ(pager_alloc(&pg, p, A - PAGE, 2, RW), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, A + 4 * PAGE, 2, RW), 0);          /* merges after */
    CHECK_EQ(pager_alloc(&pg, p, A - 2 * PAGE, 2, RW), 0);          /* and before */
    CHECK_EQ(p->nareas, 2);
    CHECK_EQ(p->areas[0].start, A - 2 * PAGE);
    CHECK_EQ(p->areas[0].pages, 8);
    CHECK_EQ(pager_alloc(&pg, p, A + 6 * PAGE, 1, false), 0);       /* read-only: its own */
    CHECK_EQ(p->nareas, 3);
    CHECK_EQ(p->committed, 10);
    /* The limit, exactly. */
    CHECK_EQ(pager_alloc(&pg, p, A + 100 * PAGE, 11, RW), -E_NOMEM);
    CHECK_EQ(p->committed, 10);
    CHECK_EQ(pager_alloc(&pg, p, A + 100 * PAGE, 10, RW), 0);
    CHECK_EQ(pager_alloc(&pg, p, A + 200 * PAGE, 1, RW), -E_NOMEM);
    CHECK_EQ(stat_of(&pg, 1).committed, 20);
    INVARIANTS(&pg);
    /* A lowered limit keeps what is committed and refuses more. */
    CHECK_EQ(pager_set_limit(&pg, 1, 5), 0);
    CHECK_EQ(pager_set_limit(&pg, 1, MM_LIMIT_MAX + 1), -E_INVAL);
    CHECK_EQ(pager_set_limit(&pg, 2, 5), -E_NOENT);
    CHECK_EQ(pager_alloc(&pg, p, A + 300 * PAGE, 1, RW), -E_NOMEM);
    CHECK_EQ(pager_free(&pg, p, A + 100 * PAGE, 10), 0);
    CHECK_EQ(pager_set_limit(&pg, 1, MM_LIMIT_MAX), 0);
    /* The pool is the other limit: FRAMES - META pages in all. */
    CHECK_EQ(pager_add(&pg, 2, MM_LIMIT_MAX, BASE + 1), 0);
    struct pager_proc *q = pager_find(&pg, 2);
    CHECK_EQ(pager_alloc(&pg, q, A, FRAMES - META - 10 + 1, RW), -E_NOMEM);
    CHECK_EQ(pager_alloc(&pg, q, A, FRAMES - META - 10, RW), 0);
    CHECK_EQ(stat_of(&pg, 0).committed, FRAMES - META);
    INVARIANTS(&pg);
    /* The region table. */
    CHECK_EQ(pager_remove(&pg, 2), 0);
    CHECK_EQ(pager_remove(&pg, 1), 0);
    CHECK_EQ(pager_add(&pg, 3, 0, BASE), 0);
    struct pager_proc *r = pager_find(&pg, 3);
    for (int i = 0; i < PAGER_AREAS_MAX; i++)
        CHECK_EQ(pager_alloc(&pg, r, A + 2 * i * PAGE, 1, RW), 0);
    CHECK_EQ(pager_alloc(&pg, r, A + 100 * PAGE, 1, RW), -E_FULL);
    CHECK_EQ(pager_alloc(&pg, r, A + PAGE, 1, RW), 0);              /* joins two: room again */
    CHECK_EQ(r->nareas, PAGER_AREAS_MAX - 1);
    INVARIANTS(&pg);
}

static void test_faults(void)
{
    struct pager pg;
    fresh(&pg);
    CHECK_EQ(pager_add(&pg, 7, 0, BASE), 0);
    struct pager_proc *p = pager_find(&pg, 7);
    CHECK_EQ(pager_alloc(&pg, p, A, 4, RW), 0);
    CHECK_EQ(pager_alloc(&pg, p, A + 8 * PAGE, 1, false), 0);
    CHECK_EQ(touch(&pg, 7, A + 100, false, 0), 0);                  /* zeroed though dirty */
    CHECK_EQ(stat_of(&pg, 7).faults, 1);
    CHECK_EQ(stat_of(&pg, 7).frames, 1);
    CHECK_EQ(touch(&pg, 7, A + 200, true, 9), 9);                   /* mapped: no fault */
    CHECK_EQ(stat_of(&pg, 7).faults, 1);
    CHECK_EQ(touch(&pg, 7, A + 3 * PAGE + 5, true, 3), 3);
    CHECK_EQ(stat_of(&pg, 7).faults, 2);
    CHECK_EQ(touch(&pg, 7, A + 4 * PAGE, false, 0), -1);            /* just past the region */
    CHECK_EQ(touch(&pg, 7, A - 1, true, 1), -1);
    CHECK_EQ(stat_of(&pg, 7).refused, 2);
    /* Read-only: a read maps a zero page read-only, a write is refused. */
    CHECK_EQ(touch(&pg, 7, A + 8 * PAGE, false, 0), 0);
    struct mapping *ro = lookup(BASE, A + 8 * PAGE);
    CHECK(ro && !ro->writable);
    CHECK_EQ(touch(&pg, 7, A + 8 * PAGE, true, 1), -1);
    /* Not missing pages, or not page faults: refused. */
    CHECK_EQ(pager_fault(&pg, 7, A + PAGE, FAULT_USER | FAULT_EXEC, 14), E_FAULT);
    CHECK_EQ(pager_fault(&pg, 7, A + PAGE, FAULT_USER | FAULT_WRITE | FAULT_PRESENT, 14), E_FAULT);
    CHECK_EQ(pager_fault(&pg, 7, 0, FAULT_USER, 13), E_FAULT);
    CHECK_EQ(pager_fault(&pg, 8, A, FAULT_USER | FAULT_READ, 14), E_NOENT);
    CHECK_EQ(stat_of(&pg, 7).frames, 3);
    INVARIANTS(&pg);
    /* Two threads fault on the same page: the second finds it mapped. */
    uint64_t before = pg.pool.nfree;
    CHECK_EQ(pager_fault(&pg, 7, A + PAGE, FAULT_USER | FAULT_READ, 14), 0);
    CHECK_EQ(pager_fault(&pg, 7, A + PAGE + 8, FAULT_USER | FAULT_WRITE, 14), 0);
    CHECK_EQ(pg.pool.nfree, before - 1);
    /* A map the kernel refuses: the frame goes back, the thread dies. */
    sys.fail_map = true;
    CHECK_EQ(pager_fault(&pg, 7, A + 2 * PAGE, FAULT_USER | FAULT_READ, 14), E_FULL);
    sys.fail_map = false;
    CHECK_EQ(pg.pool.nfree, before - 1);
    INVARIANTS(&pg);
}

/* Freed frames come back dirty and are zeroed before they are mapped again. */
static void test_free_and_reuse(void)
{
    struct pager pg;
    fresh(&pg);
    CHECK_EQ(pager_add(&pg, 1, 0, BASE), 0);
    struct pager_proc *p = pager_find(&pg, 1);
    CHECK_EQ(pager_alloc(&pg, p, A, 6, RW), 0);
    for (int i = 0; i < 6; i++)
        CHECK_EQ(touch(&pg, 1, A + i * PAGE + 7, true, 0xee), 0xee);
    CHECK_EQ(pager_free(&pg, p, A + 2 * PAGE, 2), 0);               /* splits the region */
    CHECK_EQ(p->nareas, 2);
    CHECK_EQ(p->frames, 4);
    CHECK_EQ(p->committed, 4);
    CHECK_EQ(touch(&pg, 1, A + 2 * PAGE, false, 0), -1);            /* no longer declared */
    CHECK_EQ(pager_free(&pg, p, A + PAGE, 2), -E_INVAL);            /* a hole in the range */
    CHECK_EQ(pager_free(&pg, p, A + 5 * PAGE, 2), -E_INVAL);        /* runs past the end */
    CHECK_EQ(pager_free(&pg, p, A + 9 * PAGE, 1), -E_INVAL);
    CHECK_EQ(pager_alloc(&pg, p, A + 2 * PAGE, 2, RW), 0);          /* joins both again */
    CHECK_EQ(p->nareas, 1);
    unsigned zeroes = sys.zeroes;
    CHECK_EQ(touch(&pg, 1, A + 2 * PAGE + 7, false, 0), 0);         /* a reused frame */
    CHECK_EQ(touch(&pg, 1, A + 3 * PAGE + 7, false, 0), 0);
    CHECK_EQ(sys.zeroes, zeroes + 2);
    CHECK_EQ(touch(&pg, 1, A + 7, false, 0), 0xee);                 /* kept pages keep data */
    INVARIANTS(&pg);
    /* Splitting a region needs an entry. */
    CHECK_EQ(pager_add(&pg, 2, 0, BASE + 1), 0);
    struct pager_proc *q = pager_find(&pg, 2);
    for (int i = 0; i < PAGER_AREAS_MAX; i++)
        CHECK_EQ(pager_alloc(&pg, q, A + 4 * i * PAGE, 3, RW), 0);
    CHECK_EQ(pager_free(&pg, q, A + PAGE, 1), -E_FULL);
    CHECK_EQ(pager_free(&pg, q, A, 1), 0);                          /* trims: no entry needed */
    CHECK_EQ(pager_free(&pg, q, A + 4 * PAGE, 3), 0);
    CHECK_EQ(q->nareas, PAGER_AREAS_MAX - 1);
    INVARIANTS(&pg);
    /* MM_REMOVE unmaps oldest first and gives everything back. */
    unsigned unmaps = sys.unmaps;
    CHECK_EQ(pager_remove(&pg, 1), 0);
    CHECK_EQ(sys.unmaps - unmaps, 6);
    CHECK_EQ(sys.mapped_order[unmaps], A);
    CHECK_EQ(sys.mapped_order[unmaps + 1], A + PAGE);
    CHECK_EQ(pager_remove(&pg, 2), 0);
    CHECK_EQ(pg.pool.nfree, FRAMES - META);
    CHECK_EQ(pg.pool.committed, 0);
    for (int i = 0; i < MAPS; i++)
        CHECK(!sys.maps[i].used);
    INVARIANTS(&pg);
}

static uint64_t req(struct pager *pg, uint64_t badge, uint64_t label, unsigned len,
                    uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3, cap_t cap, bool *kept,
                    uint64_t *reply, unsigned *rlen)
{
    uint64_t w[IPC_MAX_WORDS] = { w0, w1, w2, w3 };
    uint64_t r[IPC_MAX_WORDS];
    unsigned n;
    bool k;
    uint64_t e = pager_handle(pg, badge, label, w, len, cap, kept ? kept : &k, reply ? reply : r,
                              rlen ? rlen : &n);
    INVARIANTS(pg);
    return e;
}

#define REQ(badge, label, len, ...) req(&pg, badge, label, len, __VA_ARGS__, 0, NULL, NULL, NULL)

static void test_requests(void)
{
    struct pager pg;
    uint64_t reply[IPC_MAX_WORDS];
    unsigned rlen;
    bool kept;
    fresh(&pg);
    /* MM_ADD: the manager only, with a capability, exact length. */
    CHECK_EQ(req(&pg, 5, MM_ADD, 2, 5, 0, 0, 0, BASE, &kept, NULL, NULL), E_PERM);
    CHECK(!kept);
    CHECK_EQ(req(&pg, MANAGER, MM_ADD, 2, 5, 0, 0, 0, 0, &kept, NULL, NULL), E_INVAL);
    CHECK_EQ(req(&pg, MANAGER, MM_ADD, 3, 5, 0, 0, 0, BASE, &kept, NULL, NULL), E_INVAL);
    CHECK_EQ(req(&pg, MANAGER | 5, MM_ADD, 2, 5, 0, 0, 0, BASE, &kept, NULL, NULL), E_PERM);
    CHECK_EQ(req(&pg, MANAGER, MM_ADD, 2, 5, 40, 0, 0, BASE, &kept, NULL, NULL), 0);
    CHECK(kept);
    CHECK_EQ(req(&pg, MANAGER, MM_ADD, 2, 5, 40, 0, 0, BASE + 1, &kept, NULL, NULL), E_EXIST);
    CHECK(!kept);
    /* MM_ALLOC / MM_FREE: who may name whom, lengths and flags. */
    CHECK_EQ(REQ(5, MM_ALLOC, 4, 0, A, 2, MM_WRITE), 0);
    CHECK_EQ(REQ(5, MM_ALLOC, 3, 0, A + 8 * PAGE, 2, MM_WRITE), E_INVAL);
    CHECK_EQ(REQ(5, MM_ALLOC, 5, 0, A + 8 * PAGE, 2, MM_WRITE), E_INVAL);
    CHECK_EQ(REQ(5, MM_ALLOC, 4, 0, A + 8 * PAGE, 2, 2), E_INVAL);
    CHECK_EQ(REQ(5, MM_ALLOC, 4, 6, A + 8 * PAGE, 2, MM_WRITE), E_PERM);
    CHECK_EQ(REQ(5, MM_ALLOC, 4, 5, A + 8 * PAGE, 2, MM_WRITE), 0);   /* its own pid */
    CHECK_EQ(REQ(6, MM_ALLOC, 4, 0, A, 2, MM_WRITE), E_NOENT);        /* not registered */
    CHECK_EQ(REQ(0, MM_ALLOC, 4, 0, A, 2, MM_WRITE), E_PERM);         /* unbadged */
    CHECK_EQ(REQ(MM_PID_MAX + 1, MM_ALLOC, 4, 0, A, 2, MM_WRITE), E_PERM);
    CHECK_EQ(REQ(MANAGER, MM_ALLOC, 4, 0, A, 2, MM_WRITE), E_INVAL);  /* the manager names one */
    CHECK_EQ(REQ(MANAGER, MM_ALLOC, 4, 5, A + 16 * PAGE, 1, 0), 0);
    CHECK_EQ(REQ(5, MM_FREE, 4, 0, A, 2, MM_WRITE), E_INVAL);         /* no flags */
    CHECK_EQ(REQ(5, MM_FREE, 4, 0, A, 2, 0), 0);
    /* MM_STAT: four words in registers. */
    CHECK_EQ(req(&pg, 5, MM_STAT, 1, 0, 0, 0, 0, 0, NULL, reply, &rlen), 0);
    CHECK_EQ(rlen, 4);
    struct mm_stat st;
    memcpy(&st, reply, sizeof st);
    CHECK_EQ(st.committed, 3);
    CHECK_EQ(st.limit, 40);
    CHECK_EQ(st.free_frames, FRAMES - META);
    CHECK_EQ(req(&pg, MANAGER, MM_STAT, 1, 0, 0, 0, 0, 0, NULL, reply, &rlen), 0);
    memcpy(&st, reply, sizeof st);
    CHECK_EQ(st.limit, FRAMES - META);                                /* the pool's */
    CHECK_EQ(req(&pg, 5, MM_STAT, 2, 0, 0, 0, 0, 0, NULL, reply, &rlen), E_INVAL);
    CHECK_EQ(rlen, 0);
    CHECK_EQ(REQ(5, MM_STAT, 1, 6, 0, 0, 0), E_PERM);
    CHECK_EQ(REQ(MANAGER, MM_STAT, 1, 6, 0, 0, 0), E_NOENT);
    /* Manager-only requests. */
    CHECK_EQ(REQ(5, MM_SET_LIMIT, 2, 5, 100, 0, 0), E_PERM);
    CHECK_EQ(REQ(MANAGER, MM_SET_LIMIT, 1, 5, 100, 0, 0), E_INVAL);
    CHECK_EQ(REQ(MANAGER, MM_SET_LIMIT, 2, 5, 100, 0, 0), 0);
    CHECK_EQ(REQ(5, MM_REMOVE, 1, 5, 0, 0, 0), E_PERM);
    CHECK_EQ(REQ(MANAGER, MM_INIT, 0, 0, 0, 0, 0), E_EXIST);
    CHECK_EQ(REQ(5, MM_INIT, 0, 0, 0, 0, 0), E_PERM);
    CHECK_EQ(REQ(MANAGER, PROTO_CRASH, 2, 0, 0, 0, 0), E_PERM);
    CHECK_EQ(REQ(5, 0x6ff, 1, 0, 0, 0, 0), E_INVAL);
    CHECK_EQ(REQ(5, 0, 0, 0, 0, 0, 0), E_INVAL);
    /* Fault messages: a pid badge and exactly FAULT_MSG_WORDS words. */
    CHECK_EQ(REQ(5, IPC_LABEL_FAULT, 4, A + 16 * PAGE, FAULT_USER | FAULT_READ, 0x401000, 14), 0);
    CHECK_EQ(REQ(5, IPC_LABEL_FAULT, 3, A + 16 * PAGE, FAULT_USER | FAULT_READ, 0x401000, 14),
             E_INVAL);
    CHECK_EQ(REQ(MANAGER, IPC_LABEL_FAULT, 4, A, FAULT_USER | FAULT_READ, 0, 14), E_INVAL);
    CHECK_EQ(REQ(5, IPC_LABEL_FAULT, 4, A, FAULT_USER | FAULT_READ, 0, 14), E_FAULT);  /* freed */
    CHECK_EQ(REQ(MANAGER, MM_REMOVE, 1, 5, 0, 0, 0), 0);
    CHECK_EQ(REQ(MANAGER, MM_REMOVE, 1, 5, 0, 0, 0), E_NOENT);
    CHECK_EQ(pg.pool.nfree, FRAMES - META);
}

static uint64_t rng_state = 12345;

static uint64_t rng(uint64_t n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (rng_state >> 33) % n;
}

/* Mostly plausible values, sometimes anything. */
static uint64_t any(uint64_t plausible)
{
    return rng(8) ? plausible : rng(2) ? rng_state : rng(3);
}

/* Random requests and faults from random badges, mostly well-formed: never
 * a broken invariant, never a sanitizer report; everything comes back. */
static void test_random(void)
{
    static const uint64_t labels[] = { MM_INIT, MM_ADD, MM_REMOVE, MM_ALLOC, MM_FREE, MM_STAT,
                                       MM_SET_LIMIT, IPC_LABEL_FAULT, IPC_LABEL_FAULT,
                                       IPC_LABEL_FAULT, PROTO_CRASH, 0x6ff };
    static const unsigned lens[] = { 0, 2, 1, 4, 4, 1, 2, 4, 4, 4, 2, 1 };
    unsigned served = 0, allocs = 0, frees = 0;
    struct pager pg;
    fresh(&pg);
    for (int step = 0; step < 100000; step++) {
        unsigned k = (unsigned)rng(sizeof labels / sizeof labels[0]);
        if (labels[k] == MM_REMOVE && rng(16))
            k = 3;                      /* processes live a while: MM_ALLOC instead */
        uint64_t badge = rng(4) == 0 ? MANAGER : any(1 + rng(2));
        unsigned len = (unsigned)(rng(16) ? lens[k] : rng(8));
        uint64_t pid = badge != MANAGER && rng(2) ? 0 : 1 + rng(2);
        uint64_t va = A + rng(16) * 8 * PAGE;
        uint64_t w[4] = { any(pid), any(va), any(1 + rng(8)), any(rng(2)) };
        if (labels[k] == MM_FREE) {
            w[1] = any(va + rng(2) * PAGE);
            w[2] = any(1 + rng(2));
            w[3] = rng(8) == 0;
        }
        if (labels[k] == MM_ADD || labels[k] == MM_SET_LIMIT)
            w[1] = any(rng(40));
        if (labels[k] == IPC_LABEL_FAULT) {
            w[0] = va + rng(8) * PAGE + (rng(4) == 0 ? rng(PAGE) : 0);
            w[1] = FAULT_USER | (rng(2) ? FAULT_WRITE : FAULT_READ) | (rng(16) ? 0 : FAULT_EXEC);
            w[3] = rng(10) ? 14 : 13;
        }
        cap_t cap = labels[k] == MM_ADD && rng(8) ? pager_next_slot(&pg) : 0;
        bool kept = false;
        uint64_t e = req(&pg, badge, labels[k], len, w[0], w[1], w[2], w[3], cap, &kept, NULL,
                         NULL);
        if (labels[k] == IPC_LABEL_FAULT && e == 0) {
            struct mapping *m = lookup(pager_find(&pg, badge)->space, w[0] & ~(PAGE - 1));
            CHECK(m);
            if (m)
                sys.phys[m->frame][rng(PAGE)] = 0xff;   /* the process uses it */
            served++;
        }
        allocs += labels[k] == MM_ALLOC && e == 0;
        frees += labels[k] == MM_FREE && e == 0;
        if (failures > 20)
            return;
    }
    CHECK(served > 1000 && allocs > 1000 && frees > 500);   /* it reached the logic */
    for (uint64_t pid = 1; pid <= 4; pid++)
        pager_remove(&pg, pid);
    CHECK_EQ(pg.pool.nfree, FRAMES - META);
    CHECK_EQ(pg.pool.committed, 0);
    INVARIANTS(&pg);
}

int main(void)
{
    test_pool();
    test_add_remove();
    test_alloc();
    test_faults();
    test_free_and_reuse();
    test_requests();
    test_random();
    if (failures) {
        fprintf(stderr, "test_pager: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_pager: all checks passed\n");
    return 0;
}
