/*
 * mmtest.c: a program whose memory comes from the memory manager (bin/mmtest,
 * started by the root task's "mm" scenario, mmroot.c, with its stack below
 * the top two pages demand-zero and a limit of 256 pages). Its capability
 * PROC_CAP_MM is badged with its pid. Prints what it observes:
 *   "mmtest: stat at=<when> ret=<r> frames=<n> committed=<n> limit=<n> free=<n> faults=<n> refused=<n>"
 *   "mmtest: op=<name> ret=<r>"                 a request and its result
 *   "mmtest: stack depth=<n> frame=<bytes> sum=<n>"
 *   "mmtest: fresh pages=<n> nonzero=<words>"   words not zero in fresh pages
 *   "mmtest: data page=<i> first=0x... last=0x..."  read back after writing
 *   "mmtest: reused pages=<n> nonzero=<words>"  the same frames after MM_FREE
 *   "mmtest: heap blocks=<n> size=<n> first=0x... last=0x... mismatches=<n>"
 *   "mmtest: malloc what=<big|small> ptr=0x..."
 *   "mmtest: thread name=<n> status=<s>"
 *   "mmtest: readonly value=<v>", "mmtest: after value=0x..."
 *   "mmtest: cost pages=<n> tsc=<ticks>"        touching fresh pages, one word each
 * The grader computes what each value must be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <mm.h>
#include <messaging.h>
#include <mica/error.h>
#include <mica/proto/proc.h>
#include "mmtest.h"

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
#define DEPTH       12                      /* stack frames of FRAME bytes: 48 KiB */
#define FRAME       4096
#define BLOCKS      40
#define BLOCK_SIZE  5000

static cap_t mm;
static struct ipc_buffer buf __attribute__((aligned(4096)));

static void op(const char *name, long ret)
{
    printf("mmtest: op=%s ret=%ld\n", name, ret);
}

static struct mm_stat show(const char *when)
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

/* Use DEPTH frames of FRAME bytes of stack: most of it demand-zero. */
static uint64_t deep(int depth)
{
    volatile uint8_t frame[FRAME];
    for (int i = 0; i < FRAME; i += 512)
        frame[i] = (uint8_t)(depth + i / 512);
    uint64_t sum = depth > 1 ? deep(depth - 1) : 0;
    for (int i = 0; i < FRAME; i += 512)
        sum += frame[i];
    return sum;
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

static void demand_zero(void)
{
    op("alloc", mm_alloc(mm, 0, REGION, TOUCH, MM_WRITE));
    show("declared");
    printf("mmtest: fresh pages=%d nonzero=%lu\n", TOUCH, nonzero(REGION, TOUCH));
    show("touched");
    for (uint64_t i = 0; i < TOUCH; i++)
        for (uint64_t w = 0; w < WORDS; w++)
            ((uint64_t *)(REGION + i * PAGE))[w] = pattern(i, w);
    for (uint64_t i = 0; i < TOUCH; i++) {
        const uint64_t *p = (const uint64_t *)(REGION + i * PAGE);
        printf("mmtest: data page=%lu first=0x%lx last=0x%lx\n", i, p[0], p[WORDS - 1]);
    }
    show("written");
    /* The frames go back to the pool (most recently freed first) and come back dirty. */
    op("free", mm_free(mm, 0, REGION, TOUCH));
    show("freed");
    op("realloc", mm_alloc(mm, 0, REGION, TOUCH, MM_WRITE));
    printf("mmtest: reused pages=%d nonzero=%lu\n", TOUCH, nonzero(REGION, TOUCH));
    show("retouched");
}

static void heap(void)
{
    uint8_t *blocks[BLOCKS];
    uint64_t mismatches = 0;
    show("heap_before");
    for (int k = 0; k < BLOCKS; k++) {
        blocks[k] = malloc(BLOCK_SIZE);
        for (int j = 0; blocks[k] && j < BLOCK_SIZE; j++)
            blocks[k][j] = (uint8_t)(k * 7 + j);
    }
    for (int k = 0; k < BLOCKS; k++)
        for (int j = 0; j < BLOCK_SIZE; j++)
            mismatches += !blocks[k] || blocks[k][j] != (uint8_t)(k * 7 + j);
    printf("mmtest: heap blocks=%d size=%d first=0x%lx last=0x%lx mismatches=%lu\n", BLOCKS,
           BLOCK_SIZE, (uint64_t)blocks[0], (uint64_t)blocks[BLOCKS - 1], mismatches);
    show("heap_after");
    for (int k = 0; k < BLOCKS; k++)
        free(blocks[k]);
}

static void limit(void)
{
    struct mm_stat st = show("limit_before");
    op("alloc_over", mm_alloc(mm, 0, OVER, st.limit, MM_WRITE));
    uint64_t room = st.limit - st.committed;
    op("alloc_fill", mm_alloc(mm, 0, FILL, room, MM_WRITE));
    op("alloc_one_more", mm_alloc(mm, 0, OVER, 1, MM_WRITE));
    show("limit_full");
    op("free_fill", mm_free(mm, 0, FILL, room));
    void *big = malloc(2 * 1024 * 1024);
    printf("mmtest: malloc what=big ptr=0x%lx\n", (uint64_t)big);
    void *small = malloc(64);
    printf("mmtest: malloc what=small ptr=0x%lx\n", (uint64_t)small);
    free(small);
    show("limit_after");
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

static void kills(void)
{
    show("kill_before");
    run_thread("outside", touch_outside);
    op("alloc_readonly", mm_alloc(mm, 0, READONLY, 1, 0));
    run_thread("rowriter", write_readonly);
    show("killed");
    op("alloc_after", mm_alloc(mm, 0, AFTER, 1, MM_WRITE));
    *(volatile uint64_t *)AFTER = 0xa5a5;
    printf("mmtest: after value=0x%lx\n", *(volatile uint64_t *)AFTER);
    show("after");
}

/* A raw request: the reply label (negated) or the IPC error. */
static long raw(uint64_t label, unsigned len, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
    uint64_t w[4] = { w0, w1, w2, w3 };
    struct ipc_msg m;
    long r = ipc_call(mm, MSG_INFO(label, len, 0), w, &m);
    return r < 0 ? r : -(long)MSG_LABEL(m.info);
}

static void malformed(void)
{
    op("short_alloc", raw(MM_ALLOC, 2, 0, OVER, 1, MM_WRITE));
    op("long_stat", raw(MM_STAT, 3, 0, 0, 0, 0));
    op("unaligned", mm_alloc(mm, 0, OVER + 8, 1, MM_WRITE));
    op("kernel_half", mm_alloc(mm, 0, 0xffff800000000000UL, 1, MM_WRITE));
    op("past_top", mm_alloc(mm, 0, MM_USER_TOP - PAGE, 2, MM_WRITE));
    op("wraps", mm_alloc(mm, 0, OVER, 1UL << 52, MM_WRITE));
    op("zero_pages", mm_alloc(mm, 0, OVER, 0, MM_WRITE));
    op("page_zero", mm_alloc(mm, 0, 0, 1, MM_WRITE));
    op("overlap", mm_alloc(mm, 0, REGION + PAGE, 1, MM_WRITE));
    op("bad_flags", mm_alloc(mm, 0, OVER, 1, 0x80));
    op("free_undeclared", mm_free(mm, 0, OVER, 1));
    op("free_partly", mm_free(mm, 0, REGION, TOUCH + 1));
    op("unknown_label", raw(0x6ff, 1, 0, 0, 0, 0));
    op("fake_fault", raw(IPC_LABEL_FAULT, 2, REGION, 0, 0, 0));
    op("crash", raw(PROTO_CRASH, 2, 0, 0, 0, 0));
    op("other_pid", mm_alloc(mm, 1, OVER, 1, MM_WRITE));
    op("stat_other", mm_stat(mm, 1, &(struct mm_stat){ 0 }));
    op("add", raw(MM_ADD, 2, 5, 0, 0, 0));
    op("remove", mm_remove(mm, 2));
    op("set_limit", mm_set_limit(mm, 2, MM_LIMIT_MAX));
    op("init", raw(MM_INIT, 0, 0, 0, 0, 0));
    show("end");
}

static void cost(void)
{
    op("alloc_cost", mm_alloc(mm, 0, COST, COST_PAGES, MM_WRITE));
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < COST_PAGES; i++)
        *(volatile uint64_t *)(COST + i * PAGE) = i;
    uint64_t t1 = rdtsc();
    printf("mmtest: cost pages=%d tsc=%lu\n", COST_PAGES, t1 - t0);
    op("free_cost", mm_free(mm, 0, COST, COST_PAGES));
}

/* The root sends this program its own address space, which thread_spawn() needs. */
static void own_space(void)
{
    struct ipc_msg m = { 0 };
    ipc_buffer_register(&buf);
    buf.recv_slot = CAP_SELF_SPACE;
    long r = ipc_recv(MMTEST_GIFT, TIMEOUT_FOREVER, &m);
    buf.recv_slot = 0;
    printf("mmtest: own space ret=%ld cap=%d\n", r, MSG_HAS_CAP(m.info));
}

int main(int argc, char **argv)
{
    mm = mm_endpoint();
    printf("mmtest: attached=%d\n", mm == PROC_CAP_MM);
    own_space();
    show("start");
    printf("mmtest: stack depth=%d frame=%d sum=%lu\n", DEPTH, FRAME, deep(DEPTH));
    show("stack");
    demand_zero();
    heap();
    limit();
    kills();
    malformed();
    cost();
    return 0;
}
