/*
 * ipcbench.c: what IPC costs (make bench boots init=ipcbench).
 *
 * First a calibration: a loop of exactly CAL_INSNS instructions timed with
 * rdtsc gives TSC ticks per guest instruction (128 under QEMU's -icount
 * shift=7, 1 under Bochs' instruction clock). Then every figure is printed
 * twice, in TSC ticks and in guest instructions, as grader/bench.py reads:
 *
 *   bench: <name>=<value> unit=insn      bench: <name>_tsc=<value> unit=tsc
 *
 *   null_syscall            sys_ticks() round trip
 *   ipc_oneway              send to a waiting (higher-priority) receiver
 *                           that receives again: half of one send+recv cycle
 *   ipc_call_roundtrip      call to a server waiting in reply_recv, and its
 *                           reply (register-only, 4 words, same space)
 *   ipc_call_roundtrip_buf  the same with IPC buffers registered on both sides
 *   ipc_call_roundtrip_xspace  the register-only round trip to a server in
 *                           another address space (bin/ipcserver, spawned)
 *   notify_signal_wake      signal to a (higher-priority) waiter that waits
 *                           again: one signal+wake+wait cycle
 *   context_switch          one switch of a yield ping-pong of two threads
 *   ipc_call_idle<N>        the round trip with N more threads blocked
 *   ipc_call_caps<N>        the round trip through a copy of the endpoint in
 *                           slot N-1, the slots below it in use
 *   fastpath_hit_rate       percent of the round-trip calls and replies the
 *                           fastpath took (ipc_stats), and fastpath_hits,
 *                           fastpath_miss_<reason> of the whole run
 *
 * Each figure is the mean over ROUNDS iterations after WARMUP untimed ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>
#include <spawn.h>
#include <mica/proto/proc.h>
#include "../lab6/lab6.h"

#define ROUNDS      1000
#define WARMUP      16
#define CAL_LOOPS   100000
#define CAL_BODY    10                  /* instructions per loop iteration */
#define CAL_INSNS   ((uint64_t)CAL_LOOPS * CAL_BODY)
#define MAIN_PRIO   PRIO_DEFAULT
#define IDLE_MAX    1000

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return (uint64_t)hi << 32 | lo;
}

/* TSC ticks of CAL_INSNS instructions: 8 dependent adds, dec, jnz. */
static uint64_t calibrate(void)
{
    uint64_t n = CAL_LOOPS, x = 0;
    uint64_t t0 = rdtsc();
    __asm__ volatile("1:\n\t"
                     "add %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\t"
                     "add %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\tadd %0, %0\n\t"
                     "dec %1\n\tjnz 1b"
                     : "+r"(x), "+r"(n));
    return rdtsc() - t0;
}

static uint64_t cal_ticks;              /* TSC ticks per CAL_INSNS instructions */

/* Print one figure: ticks per iteration, and the same in instructions. */
static void report(const char *name, uint64_t ticks, uint64_t iterations)
{
    uint64_t per = ticks / iterations;
    uint64_t insns = ticks * CAL_INSNS / cal_ticks / iterations;
    printf("bench: %s=%lu unit=insn\n", name, insns);
    printf("bench: %s_tsc=%lu unit=tsc\n", name, per);
}

/* ---- syscall ---- */

static void bench_null(void)
{
    for (int i = 0; i < WARMUP; i++)
        sys_ticks();
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++)
        sys_ticks();
    report("null_syscall", rdtsc() - t0, ROUNDS);
}

/* ---- call and reply ---- */

static cap_t ep;
static struct ipc_buffer server_buf, client_buf;

/* Answer every call with its word 0 plus one, until label 0. */
static int server(void *use_buffer)
{
    struct ipc_msg m;
    if (use_buffer)
        ipc_buffer_register(&server_buf);
    long r = ipc_recv(ep, TIMEOUT_FOREVER, &m);
    while (r == 0 && MSG_LABEL(m.info) != 0) {
        uint64_t w[4] = { m.w[0] + 1, m.w[1], m.w[2], m.w[3] };
        r = ipc_reply_recv(ep, MSG_INFO(2, 4, 0), w, &m);
    }
    if (r == 0)
        ipc_reply(MSG_INFO(0, 0, 0), NULL);
    return r == 0 ? 0 : 1;
}

/* ROUNDS timed calls on `slot`; returns the ticks, or 0 on a wrong reply. */
static uint64_t time_calls(cap_t slot)
{
    struct ipc_msg m;
    uint64_t w[4] = { 0, 1, 2, 3 };
    uint64_t t0 = 0;
    for (int i = -WARMUP; i < ROUNDS; i++) {
        if (i == 0)
            t0 = rdtsc();
        w[0] = (uint64_t)i;
        long r = ipc_call(slot, MSG_INFO(1, 4, 0), w, &m);
        if (r != 0 || m.w[0] != (uint64_t)i + 1) {
            printf("ipcbench: call %d ret=%ld word0=%lu\n", i, r, m.w[0]);
            return 0;
        }
    }
    return rdtsc() - t0;
}

/* Start the server at the main thread's priority, time the calls, stop it. */
static void bench_calls(const char *name, cap_t slot, bool buffers)
{
    struct ipc_msg m;
    cap_t t = thread_spawn("server", server, buffers ? (void *)1 : NULL, MAIN_PRIO);
    ipc_buffer_register(buffers ? &client_buf : NULL);
    uint64_t ticks = time_calls(slot);
    ipc_call(slot, MSG_INFO(0, 0, 0), NULL, &m);
    thread_join(t, NULL);
    ipc_buffer_register(NULL);
    if (ticks)
        report(name, ticks, ROUNDS);
}

/* The round trip, and how much of it the fastpath took. */
static void bench_roundtrip(void)
{
    struct ipc_stats before, after;
    sys_ipc_stats((long)&before);
    bench_calls("ipc_call_roundtrip", ep, false);
    sys_ipc_stats((long)&after);
    uint64_t hits = after.hits - before.hits, all = hits;
    for (int i = 0; i < IPC_MISS_SLOTS; i++)
        all += after.misses[i] - before.misses[i];
    printf("bench: fastpath_hit_rate=%lu.%lu unit=percent\n", hits * 100 / all,
           hits * 1000 / all % 10);
    bench_calls("ipc_call_roundtrip_buf", ep, true);
}

/* The round trip to bin/ipcserver in its own address space: each call and
 * reply switches page tables. */
static void bench_cross_space(void)
{
    const void *base;
    size_t size;
    struct archive_entry e;
    struct frame_pool pool;
    struct process p;
    struct ipc_msg m;
    long r = initrd_find(&base, &size);
    if (r == 0)
        r = archive_find(base, size, "bin/ipcserver", &e);
    if (r == 0)
        r = frame_pool_init(&pool, CAP_BOOT_FRAMES);
    long xep = sys_endpoint_create(), recv = sys_cap_mint(xep, -1, RIGHT_RECV, 0);
    const char *argv[] = { "ipcserver" };
    struct spawn_cap caps[] = { { recv, PROC_CAP_SERVICE } };
    if (r == 0)
        r = spawn(&pool, &e, &(struct spawn_params){ .name = "ipcserver", .argc = 1, .argv = argv,
                  .caps = caps, .ncaps = 1, .priority = MAIN_PRIO }, &p);
    if (r < 0 || xep < 0 || recv < 0) {
        printf("ipcbench: cannot start bin/ipcserver: %ld\n", r);
        return;
    }
    uint64_t ticks = time_calls(xep);
    ipc_call(xep, MSG_INFO(0, 0, 0), NULL, &m);
    sys_thread_join(p.thread, TIMEOUT_FOREVER);
    sys_cap_delete(p.space);
    sys_cap_delete(p.frames);
    sys_cap_delete(recv);
    sys_cap_delete(xep);
    if (ticks)
        report("ipc_call_roundtrip_xspace", ticks, ROUNDS);
}

/* ---- one-way send ---- */

static int receiver(void *unused)
{
    struct ipc_msg m;
    while (ipc_recv(ep, TIMEOUT_FOREVER, &m) == 0 && MSG_LABEL(m.info) != 0)
        ;
    return 0;
}

static void bench_oneway(void)
{
    uint64_t w[4] = { 1, 2, 3, 4 };
    cap_t t = thread_spawn("receiver", receiver, NULL, MAIN_PRIO + 1);
    uint64_t t0 = 0;
    for (int i = -WARMUP; i < ROUNDS; i++) {
        if (i == 0)
            t0 = rdtsc();
        ipc_send(ep, MSG_INFO(1, 4, 0), w);
    }
    uint64_t ticks = rdtsc() - t0;
    ipc_send(ep, MSG_INFO(0, 0, 0), NULL);
    thread_join(t, NULL);
    report("ipc_oneway", ticks / 2, ROUNDS);
}

/* ---- notification ---- */

static cap_t ntfn;

static int waiter(void *unused)
{
    while (sys_notify_wait(ntfn) == 1)
        ;
    return 0;
}

static void bench_notify(void)
{
    cap_t stop;
    ntfn = sys_notification_create();
    cap_t t = thread_spawn("waiter", waiter, NULL, MAIN_PRIO + 1);
    uint64_t t0 = 0;
    for (int i = -WARMUP; i < ROUNDS; i++) {
        if (i == 0)
            t0 = rdtsc();
        sys_notify_signal(ntfn);
    }
    uint64_t ticks = rdtsc() - t0;
    stop = sys_cap_mint(ntfn, -1, RIGHT_SEND, 2);      /* badge 2 ends the waiter */
    sys_notify_signal(stop);
    thread_join(t, NULL);
    sys_cap_delete(stop);
    sys_cap_delete(ntfn);
    report("notify_signal_wake", ticks, ROUNDS);
}

/* ---- context switch ---- */

static volatile int yielding;

static int yielder(void *unused)
{
    while (yielding)
        sys_yield();
    return 0;
}

static void bench_switch(void)
{
    yielding = 1;
    cap_t t = thread_spawn("yielder", yielder, NULL, MAIN_PRIO);
    for (int i = 0; i < WARMUP; i++)
        sys_yield();
    uint64_t t0 = rdtsc();
    for (int i = 0; i < ROUNDS; i++)
        sys_yield();
    uint64_t ticks = rdtsc() - t0;
    yielding = 0;
    thread_join(t, NULL);
    report("context_switch", ticks / 2, ROUNDS);
}

/* ---- idle threads ---- */

/* The idle threads block in recv on their own endpoint, on no stack of
 * their own (they never touch it), and exit when it dies. */
extern char idle_entry[];
_Static_assert(SYS_ipc_recv == 34 && SYS_thread_exit == 1, "idle_entry's call numbers");
__asm__(".text\n"
        "idle_entry:\n\t"
        "mov $34, %eax\n\t"            /* ipc_recv(rdi = the endpoint, forever) */
        "mov $-1, %rsi\n\t"
        "syscall\n\t"
        "mov $1, %eax\n\t"             /* thread_exit(0) */
        "xor %edi, %edi\n\t"
        "syscall\n\t"
        "ud2\n");

static char idle_stack[64] __attribute__((aligned(16)));

/* Start n threads blocked on idle_ep (their capabilities are dropped). */
static int spawn_idle(cap_t idle_ep, int n)
{
    for (int i = 0; i < n; i++) {
        struct thread_params p = {
            .entry = (uint64_t)idle_entry, .stack_top = (uint64_t)(idle_stack + 64),
            .arg = (uint64_t)idle_ep, .priority = MAIN_PRIO, .name = "idle",
        };
        long t = sys_thread_create(CAP_SELF_SPACE, (long)&p);
        if (t < 0 || sys_thread_start(t) < 0) {
            printf("ipcbench: idle thread %d: %s\n", i, mica_errname(t));
            return -1;
        }
        sys_cap_delete(t);
    }
    sys_yield();                        /* let them block */
    return 0;
}

static void bench_idle(void)
{
    static const int counts[] = { 1, 10, 100, 1000 };
    cap_t idle_ep = sys_endpoint_create();
    int running = 0;
    for (unsigned i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        char name[32];
        if (spawn_idle(idle_ep, counts[i] - running) < 0)
            break;
        running = counts[i];
        snprintf(name, sizeof name, "ipc_call_idle%d", counts[i]);
        bench_calls(name, ep, false);
    }
    sys_cap_delete(idle_ep);            /* they all wake with E_DEAD and exit */
    sys_yield();
}

/* ---- capability table sizes ---- */

static void bench_caps(void)
{
    static const int used[] = { 16, 64, 128, CAP_TABLE_SLOTS - 1 };  /* one left for the server */
    for (unsigned i = 0; i < sizeof used / sizeof used[0]; i++) {
        char name[32];
        /* Copy ep into free slots until one lands in the table's top used[i]. */
        long slot;
        do
            slot = sys_cap_copy(ep, -1);
        while (slot >= 0 && slot < used[i] - 1);
        if (slot < 0) {
            printf("ipcbench: cap_copy: %s\n", mica_errname(slot));
            return;
        }
        snprintf(name, sizeof name, "ipc_call_caps%d", used[i]);
        bench_calls(name, slot, false);
    }
}

/* ---- statistics ---- */

static void report_stats(void)
{
    static const char *const names[] = {
#define MISS_NAME(num, name) [num] = #name,
        IPC_FASTPATH_MISSES(MISS_NAME)
#undef MISS_NAME
    };
    struct ipc_stats st;
    if (sys_ipc_stats((long)&st) != 0)
        return;
    printf("bench: fastpath_hits=%lu unit=calls\n", st.hits);
    for (int i = 0; i < IPC_MISS_COUNT; i++)
        printf("bench: fastpath_miss_%s=%lu unit=calls\n", names[i], st.misses[i]);
}

SCENARIO(ipcbench, "IPC costs in TSC ticks and guest instructions (make bench)")
{
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    cal_ticks = calibrate();
    printf("bench: tsc_per_insn=%lu.%03lu unit=ratio\n", cal_ticks / CAL_INSNS,
           cal_ticks * 1000 / CAL_INSNS % 1000);
    ep = sys_endpoint_create();
    bench_null();
    bench_oneway();
    bench_roundtrip();
    bench_cross_space();
    bench_notify();
    bench_switch();
    bench_idle();
    bench_caps();
    report_stats();
    return 0;
}
