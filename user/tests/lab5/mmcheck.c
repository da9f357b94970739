/*
 * mmcheck.c: checks of the memory manager from a program it serves
 * (mmcheck.h). Each prints what it observes:
 *   "mmtest: stat at=<when> ret=<r> frames=<n> committed=<n> limit=<n> free=<n> faults=<n>
 *    refused=<n>"                               MM_STAT of the program
 *   "mmtest: op=<name> ret=<r>"                 a request and its result
 *   "mmtest: fresh pages=<n> nonzero=<words>"   words not zero in fresh pages
 *   "mmtest: data page=<i> first=0x... last=0x..."  read back after writing
 *   "mmtest: reused pages=<n> nonzero=<words>"  the same frames after MM_FREE
 *   "mmtest: malloc what=<big|small> ptr=0x..."
 *   "mmtest: thread name=<n> ret=<r> status=<s>"
 *   "mmtest: readonly value=<v>", "mmtest: after value=0x..."
 *   "mmtest: cost pages=<n> tsc=<ticks>"        touching fresh pages, one word each
 * The grader computes what each value must be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <mica/error.h>
#include "mmcheck.h"

#define PAGE        4096UL
#define WORDS       (PAGE / 8)
#define REGION      0x0000200000000000UL    /* TOUCH pages, declared here */
#define TOUCH       8
#define READONLY    0x0000210000000000UL    /* one read-only page */
#define AFTER       0x0000220000000000UL    /* one page, declared after the kills */
#define COST        0x0000230000000000UL    /* COST_PAGES pages to time */
#define COST_PAGES  32
#define FILL        0x0000240000000000UL    /* up to the limit exactly */
#define OUTSIDE     0x0000250000000000UL    /* in no region */
#define OVER        0x0000260000000000UL

static cap_t mm;

void mmcheck_use(cap_t ep)
{
    mm = ep;
}

void mmcheck_op(const char *name, long ret)
{
    printf("mmtest: op=%s ret=%ld\n", name, ret);
}

struct mm_stat mmcheck_stat(const char *when)
{
    struct mm_stat st = { 0 };
    long r = mm_stat(mm, 0, &st);
    printf("mmtest: stat at=%s ret=%ld frames=%u committed=%u limit=%u free=%u faults=%lu "
           "refused=%lu\n", when, r, st.frames, st.committed, st.limit, st.free_frames, st.faults,
           st.refused);
    return st;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return (uint64_t)hi << 32 | lo;
}

/* Word w of page i of the test region after writing (the grader knows it too). */
static uint64_t pattern(uint64_t i, uint64_t w)
{
    return 0x6d6d000000000000UL | i << 16 | w;
}

/* Words that are not zero in `pages` pages at va (each read faults a page in). */
static uint64_t nonzero(uint64_t va, int pages)
{
    uint64_t n = 0;
    for (int i = 0; i < pages; i++)
        for (uint64_t w = 0; w < WORDS; w++)
            n += ((volatile uint64_t *)(va + i * PAGE))[w] != 0;
    return n;
}

void mmcheck_demand_zero(void)
{
    mmcheck_op("alloc", mm_alloc(mm, 0, REGION, TOUCH, MM_WRITE));
    mmcheck_stat("declared");
    printf("mmtest: fresh pages=%d nonzero=%lu\n", TOUCH, nonzero(REGION, TOUCH));
    mmcheck_stat("touched");
    for (uint64_t i = 0; i < TOUCH; i++)
        for (uint64_t w = 0; w < WORDS; w++)
            ((uint64_t *)(REGION + i * PAGE))[w] = pattern(i, w);
    for (uint64_t i = 0; i < TOUCH; i++) {
        const uint64_t *p = (const uint64_t *)(REGION + i * PAGE);
        printf("mmtest: data page=%lu first=0x%lx last=0x%lx\n", i, p[0], p[WORDS - 1]);
    }
    mmcheck_stat("written");
    /* The frames go back to the pool (most recently freed first) and come back dirty. */
    mmcheck_op("free", mm_free(mm, 0, REGION, TOUCH));
    mmcheck_stat("freed");
    mmcheck_op("realloc", mm_alloc(mm, 0, REGION, TOUCH, MM_WRITE));
    printf("mmtest: reused pages=%d nonzero=%lu\n", TOUCH, nonzero(REGION, TOUCH));
    mmcheck_stat("retouched");
}

void mmcheck_limit(void)
{
    struct mm_stat st = mmcheck_stat("limit_before");
    mmcheck_op("alloc_over", mm_alloc(mm, 0, OVER, st.limit, MM_WRITE));
    uint64_t room = st.limit - st.committed;
    mmcheck_op("alloc_fill", mm_alloc(mm, 0, FILL, room, MM_WRITE));
    mmcheck_op("alloc_one_more", mm_alloc(mm, 0, OVER, 1, MM_WRITE));
    mmcheck_stat("limit_full");
    mmcheck_op("free_fill", mm_free(mm, 0, FILL, room));
    mmcheck_stat("limit_after");
}

void mmcheck_malloc_limit(void)
{
    void *big = malloc(2 * 1024 * 1024);
    printf("mmtest: malloc what=big ptr=0x%lx\n", (uint64_t)big);
    void *small = malloc(64);
    printf("mmtest: malloc what=small ptr=0x%lx\n", (uint64_t)small);
    free(small);
    mmcheck_stat("malloc_after");
}

static int touch_outside(void *unused)
{
    *(volatile uint64_t *)OUTSIDE = 1;
    return 0;
}

static int write_readonly(void *unused)
{
    printf("mmtest: readonly value=%lu\n", *(volatile uint64_t *)READONLY);
    *(volatile uint64_t *)READONLY = 1;
    return 0;
}

static void run_thread(const char *name, int (*fn)(void *))
{
    int status = -1;
    cap_t t = thread_spawn(name, fn, NULL, PRIO_DEFAULT);
    long r = t < 0 ? t : thread_join(t, &status);
    printf("mmtest: thread name=%s ret=%ld status=%d\n", name, r, status);
}

void mmcheck_kills(void)
{
    mmcheck_stat("kill_before");
    run_thread("outside", touch_outside);
    mmcheck_op("alloc_readonly", mm_alloc(mm, 0, READONLY, 1, 0));
    run_thread("rowriter", write_readonly);
    mmcheck_stat("killed");
    mmcheck_op("alloc_after", mm_alloc(mm, 0, AFTER, 1, MM_WRITE));
    *(volatile uint64_t *)AFTER = 0xa5a5;
    printf("mmtest: after value=0x%lx\n", *(volatile uint64_t *)AFTER);
    mmcheck_stat("after");
}

/* A raw request: the reply label (negated) or the IPC error. */
static long raw(uint64_t label, unsigned len, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    uint64_t w[4] = { w0, w1, w2, w3 };
    struct ipc_msg m;
    long r = ipc_call(mm, MSG_INFO(label, len, 0), w, &m);
    return r < 0 ? r : -(long)MSG_LABEL(m.info);
}

void mmcheck_malformed(void)
{
    mmcheck_op("short_alloc", raw(MM_ALLOC, 2, 0, OVER, 1, MM_WRITE));
    mmcheck_op("long_stat", raw(MM_STAT, 3, 0, 0, 0, 0));
    mmcheck_op("unaligned", mm_alloc(mm, 0, OVER + 8, 1, MM_WRITE));
    mmcheck_op("kernel_half", mm_alloc(mm, 0, 0xffff800000000000UL, 1, MM_WRITE));
    mmcheck_op("past_top", mm_alloc(mm, 0, MM_USER_TOP - PAGE, 2, MM_WRITE));
    mmcheck_op("wraps", mm_alloc(mm, 0, OVER, 1UL << 52, MM_WRITE));
    mmcheck_op("zero_pages", mm_alloc(mm, 0, OVER, 0, MM_WRITE));
    mmcheck_op("page_zero", mm_alloc(mm, 0, 0, 1, MM_WRITE));
    mmcheck_op("overlap", mm_alloc(mm, 0, REGION + PAGE, 1, MM_WRITE));
    mmcheck_op("bad_flags", mm_alloc(mm, 0, OVER, 1, 0x80));
    mmcheck_op("free_undeclared", mm_free(mm, 0, OVER, 1));
    mmcheck_op("free_partly", mm_free(mm, 0, REGION, TOUCH + 1));
    mmcheck_op("unknown_label", raw(0x6ff, 1, 0, 0, 0, 0));
    mmcheck_op("fake_fault", raw(IPC_LABEL_FAULT, 2, REGION, 0, 0, 0));
    mmcheck_op("crash", raw(PROTO_CRASH, 2, 0, 0, 0, 0));
    mmcheck_op("other_pid", mm_alloc(mm, 1, OVER, 1, MM_WRITE));
    mmcheck_op("stat_other", mm_stat(mm, 1, &(struct mm_stat){ 0 }));
    mmcheck_op("add", raw(MM_ADD, 2, 5, 0, 0, 0));
    mmcheck_op("remove", mm_remove(mm, 2));
    mmcheck_op("set_limit", mm_set_limit(mm, 2, MM_LIMIT_MAX));
    mmcheck_op("init", raw(MM_INIT, 0, 0, 0, 0, 0));
    mmcheck_stat("end");
}

void mmcheck_cost(void)
{
    mmcheck_op("alloc_cost", mm_alloc(mm, 0, COST, COST_PAGES, MM_WRITE));
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < COST_PAGES; i++)
        *(volatile uint64_t *)(COST + i * PAGE) = i;
    uint64_t t1 = rdtsc();
    printf("mmtest: cost pages=%d tsc=%lu\n", COST_PAGES, t1 - t0);
    mmcheck_op("free_cost", mm_free(mm, 0, COST, COST_PAGES));
}

