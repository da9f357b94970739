/*
 * fuzzgen.c: random system calls for sysfuzz.
 *
 * The calls come from MICA_SYSCALLS, so a call added to the list is fuzzed
 * without touching this file. About one call in eight uses a number outside
 * the list (unused numbers, -1, a listed number with high bits set). Each
 * argument is drawn from a class of values that have broken kernels before:
 * 0, -1, small integers, capability slots 0..300, kernel and non-canonical
 * addresses, unmapped user memory, ranges straddling the end of mapped
 * memory, read-only memory, pointers into a scratch buffer, huge lengths,
 * 32-bit edges, and plain random words.
 *
 * Neutered, because they would legitimately end the run (each says why):
 *   thread_exit     the fuzzing thread never calls it (it would end the
 *                   run); children do, with random statuses.
 *   poweroff        the status is always outside 0..255 as a 64-bit value,
 *                   so the call can fail in every way but cannot succeed.
 *   thread_suspend, thread_kill
 *                   never aimed at the fuzzing thread (nobody would resume
 *                   it; it would end the run).
 *   space_kill      never aimed at a space (it may be the fuzzer's own);
 *                   every other kind of argument is tried.
 *   sleep, join, ipc_recv   at most 3 ticks (a long wait is no kernel failure).
 *   ipc_send, ipc_call, ipc_reply_recv, notify_wait
 *                   may wait forever, so only children make them; the
 *                   cleanup deletes the objects they wait on, which must
 *                   wake them with an error.
 *   cap_delete, cap_move
 *                   never take slots 1-7 away (the fuzzer needs its thread,
 *                   space and machine capabilities to clean up and finish;
 *                   4-7 hold the boot memory, which would go back to the
 *                   kernel and upset the free-frame count).
 *   ioport_cap      only for ports 0x80-0x87 (POST and DMA page registers,
 *                   harmless): other ports could power the machine off or
 *                   reset it, as the root task is entitled to.
 *   frame_map       a page-aligned user va is one of 64 pages at FUZZ_MAP_VA,
 *                   which nothing else uses ("unmapped" memory stays so).
 *   ipc_set_buffer  like every pointer: scratch or memory that cannot be
 *                   written, never the fuzzer's own data.
 *   debug_write     reads only a fixed message or memory that cannot be read,
 *                   so the transcript stays text.
 *   pointers        never into the fuzzer's own code, data or stack (the
 *                   kernel would be right to let it corrupt itself); the
 *                   scratch buffer and child stacks are fair game.
 *   thread entries  only the child functions below or addresses that fault,
 *                   never random code (which could call poweroff).
 */
#include <string.h>
#include <sys.h>
#include <boot.h>
#include <mica/ipc.h>
#include <mica/cap.h>
#include "fuzz.h"

#define KERNEL_IMAGE    0xFFFFFFFF80100000UL
#define DIRECT_MAP      0xFFFF800000000000UL
#define NONCANONICAL    0x0000800000000000UL
#define UNMAPPED        0x0000100000000000UL
#define USER_TOP_ADDR   0x00007FFFFFFFF000UL
#define PAGE            4096UL

#define FUZZ_CALL(num, name, nargs) { num, #name, nargs },
const struct fuzz_call fuzz_calls[] = { MICA_SYSCALLS(FUZZ_CALL) };
#undef FUZZ_CALL
const int fuzz_ncalls = sizeof fuzz_calls / sizeof fuzz_calls[0];
_Static_assert(sizeof fuzz_calls / sizeof fuzz_calls[0] <= FUZZ_MAX_CALLS, "raise FUZZ_MAX_CALLS");

struct fuzz_env fuzz_env;
long fuzz_child_calls;
long fuzz_child_per_call[FUZZ_MAX_CALLS];

extern char _end[];                                 /* user.ld: end of .bss */
static const char message[] = "fuzz-write\n";       /* what debug_write may print */

void rng_seed(struct rng *r, uint64_t seed)
{
    r->state = seed * 0x9E3779B97F4A7C15UL + 1;
    if (r->state == 0)
        r->state = 1;
}

uint64_t rng_next(struct rng *r)
{
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545F4914F6CDD1DUL;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

static uint64_t pick(struct rng *r, const uint64_t *v, int n)
{
    return v[rng_below(r, n)];
}

/* ---- children: the only code threads created by the fuzzer run ---- */

#define CHILD_STACKS        16
#define CHILD_STACK_SIZE    1024
#define STORM_STACKS        8
#define STORM_STACK_SIZE    4096
#define STORM_CALLS         16

static char child_stacks[CHILD_STACKS][CHILD_STACK_SIZE] __attribute__((aligned(16)));
static char storm_stacks[STORM_STACKS][STORM_STACK_SIZE] __attribute__((aligned(16)));
static int storm_busy[STORM_STACKS];    /* claimed until fuzz_children_reset() */

/* Exits at once with its argument (statuses above 255 check the masking). */
static void __attribute__((noreturn)) child_exit(long status)
{
    for (;;)
        sys_thread_exit(status);
}

/* Yields a few times, then exits. */
static void __attribute__((noreturn)) child_yield(long n)
{
    for (long i = 0; i < (n & 3); i++)
        sys_yield();
    child_exit(n);
}

/* Dies of a page fault at NULL. */
static void __attribute__((noreturn)) child_fault(long unused)
{
    volatile long *volatile p = (long *)8;     /* the first 4 MiB are never mapped */
    *p = 1;
    child_exit(0);
}

/* Makes STORM_CALLS random calls of its own (on a stack of its own), then exits. */
static void __attribute__((noreturn)) child_storm(long seed)
{
    struct rng r;
    struct fuzz_req req;
    rng_seed(&r, (uint64_t)seed);
    for (int i = 0; i < STORM_CALLS; i++) {
        fuzz_make(&r, &req, false);
        /* Counted first: thread_exit does not come back. */
        __atomic_fetch_add(&fuzz_child_calls, 1, __ATOMIC_RELAXED);
        if (req.call >= 0)
            __atomic_fetch_add(&fuzz_child_per_call[req.call], 1, __ATOMIC_RELAXED);
        fuzz_issue(&req);
    }
    child_exit(seed);
}

/* Every thread the fuzzer made is gone: the storm stacks are free again. */
void fuzz_children_reset(void)
{
    memset(storm_busy, 0, sizeof storm_busy);
}

/* ---- argument classes ---- */

/* Somewhere mapped that ends exactly where the mapping ends (or begins
 * exactly where it begins), so that a range of 8 bytes or more at the
 * returned address straddles mapped and unmapped memory. */
static uint64_t straddle(struct rng *r)
{
    uint64_t k = 1 + rng_below(r, 7);
    uint64_t bss_end = ((uint64_t)_end + PAGE - 1) & ~(PAGE - 1);
    switch (rng_below(r, 4)) {
    case 0:  return bss_end - k;                            /* padding after .bss */
    case 1:  return MICA_BOOTINFO_ADDR + PAGE - k;          /* read-only page */
    case 2:  return USER_TOP_ADDR - k;                      /* the top of user space */
    default: return MICA_ROOT_STACK_TOP - MICA_ROOT_STACK_SIZE - k;   /* below the stack */
    }
}

/* A capability slot: half the time one that is likely to be in use (the
 * initial capabilities, or the first slots new threads land in). */
static uint64_t slot(struct rng *r)
{
    if (rng_next(r) & 1)
        return rng_below(r, 301);
    return rng_next(r) & 1 ? 1 + rng_below(r, 3) : CAP_FIRST_FREE + rng_below(r, 16);
}

/* Room after a scratch pointer: the largest structure in the ABI (struct
 * ipc_buffer, 528 bytes) fits. */
#define SCRATCH_ROOM 1024

static uint64_t scratch_ptr(struct rng *r)
{
    return (uint64_t)fuzz_env.scratch +
           (rng_below(r, fuzz_env.scratch_size - SCRATCH_ROOM) & ~7UL);
}

static bool is_scratch(uint64_t p)
{
    return p >= (uint64_t)fuzz_env.scratch &&
           p < (uint64_t)fuzz_env.scratch + fuzz_env.scratch_size - SCRATCH_ROOM;
}

static uint64_t random_arg(struct rng *r)
{
    static const uint64_t huge[] = {
        1UL << 63, (1UL << 63) - 1, 1UL << 32, 1UL << 31, 65536, 65537, ~0UL - 7, 1UL << 47,
    };
    static const uint64_t edges[] = {
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x10000000a, 0xffffffff80000000,
        255, 256, 31, 32, 8,
    };
    switch (rng_below(r, 16)) {
    case 0:  return 0;
    case 1:  return ~0UL;
    case 2:
    case 3:  return 1 + rng_below(r, 16);
    case 4:
    case 5:  return slot(r);
    case 6:
    case 7:  return scratch_ptr(r);
    case 8:  return (rng_next(r) & 1 ? KERNEL_IMAGE : DIRECT_MAP) + rng_below(r, 1 << 24);
    case 9:  return NONCANONICAL + (rng_next(r) & 0x7fff800000000000UL) + rng_below(r, PAGE);
    case 10: return UNMAPPED + rng_below(r, 1UL << 32);
    case 11: return straddle(r);
    case 12: {
        const uint64_t ro[] = { (uint64_t)child_exit, (uint64_t)message, MICA_BOOTINFO_ADDR };
        return pick(r, ro, 3) + rng_below(r, 64);
    }
    case 13: return pick(r, huge, sizeof huge / sizeof huge[0]);
    case 14: return pick(r, edges, sizeof edges / sizeof edges[0]);
    default: return rng_next(r);
    }
}

/* A plausible-or-not thread_params at p (inside the scratch buffer). */
static void fill_params(struct rng *r, struct thread_params *p)
{
    static const char names[][8] = { "fz", "fz child", "", "fz\x01\x7f" };
    uint64_t bad_addr[] = {
        0, KERNEL_IMAGE, NONCANONICAL, UNMAPPED, USER_TOP_ADDR, USER_TOP_ADDR + 1,
        MICA_BOOTINFO_ADDR, rng_next(r),
    };
    int nbad = sizeof bad_addr / sizeof bad_addr[0];
    memset(p, 0, sizeof *p);
    p->arg = random_arg(r);
    p->priority = rng_next(r) & 1 ? (int)rng_below(r, PRIO_LEVELS) : (int)random_arg(r);
    memcpy(p->name, names[rng_below(r, 4)], 8);
    if (rng_below(r, 8) == 0)
        for (unsigned i = 0; i < sizeof p->name; i++)
            p->name[i] = (char)rng_next(r);

    unsigned stack = rng_below(r, CHILD_STACKS);
    p->stack_top = rng_below(r, 4) == 0 ? pick(r, bad_addr, nbad)
                                        : (uint64_t)child_stacks[stack] + CHILD_STACK_SIZE;
    switch (rng_below(r, 6)) {
    case 0:  p->entry = (uint64_t)child_exit; break;
    case 1:  p->entry = (uint64_t)child_yield; break;
    case 2:  p->entry = (uint64_t)child_fault; break;
    case 3:  p->entry = pick(r, bad_addr, nbad); break;
    default: {
        /* A storm child needs a stack nobody else uses; else it just exits. */
        int i = (int)rng_below(r, STORM_STACKS);
        p->entry = (uint64_t)child_exit;
        if (__atomic_exchange_n(&storm_busy[i], 1, __ATOMIC_SEQ_CST) == 0) {
            p->entry = (uint64_t)child_storm;
            p->stack_top = (uint64_t)storm_stacks[i] + STORM_STACK_SIZE;
        }
    }
    }
}

/* Whether slot names the fuzzing thread, or a thread we may not look at. */
static bool names_main_thread(long slot)
{
    struct thread_info info;
    long r = sys_thread_info(slot, (long)&info);
    return r == -E_NORIGHTS || (r == 0 && info.id == fuzz_env.main_tid);
}

/* ---- one call ---- */

/* Calls that may wait forever: only children make them. */
static bool may_wait_forever(long num)
{
    return num == SYS_ipc_send || num == SYS_ipc_call || num == SYS_ipc_reply_recv ||
           num == SYS_notify_wait;
}

/* A message info word: often well formed, else whatever random_arg gave. */
static long message_info(struct rng *r, long arg)
{
    if (rng_next(r) & 1)
        return arg;
    return (long)MSG_INFO(rng_below(r, 1000), rng_below(r, IPC_MAX_WORDS + 3), rng_below(r, 4) == 0);
}

static long random_number(struct rng *r)
{
    long listed = fuzz_calls[rng_below(r, fuzz_ncalls)].num;
    switch (rng_below(r, 5)) {
    case 0:  return (long)rng_below(r, 128);
    case 1:  return -1 - (long)rng_below(r, 4);
    case 2:  return listed | (1L << 32);
    case 3:  return listed | (1L << 63);
    default: return (long)rng_next(r);
    }
}

static int call_index(long num)
{
    for (int i = 0; i < fuzz_ncalls; i++)
        if (fuzz_calls[i].num == num)
            return i;
    return -1;
}

void fuzz_make(struct rng *r, struct fuzz_req *req, bool main_thread)
{
    do {
        req->num = rng_below(r, 8) == 0 ? random_number(r)
                                        : fuzz_calls[rng_below(r, fuzz_ncalls)].num;
    } while (main_thread && (req->num == SYS_thread_exit || may_wait_forever(req->num)));
    req->call = call_index(req->num);
    for (int i = 0; i < 6; i++)
        req->arg[i] = (long)random_arg(r);

    switch (req->num) {
    case SYS_debug_write:
        if (rng_below(r, 4) == 0) {
            req->arg[0] = (long)message;
            req->arg[1] = rng_next(r) & 1 ? 0 : (long)sizeof message - 1;
        } else if (rng_below(r, 2) == 0) {
            req->arg[0] = (long)straddle(r);        /* always runs past the edge */
            req->arg[1] = 8 + (long)rng_below(r, 64);
        } else if (req->arg[0] >= (long)PAGE && req->arg[0] < (long)NONCANONICAL) {
            /* Might be readable: make it certainly unmapped. */
            req->arg[0] = (long)(UNMAPPED + rng_below(r, 1UL << 32));
        }
        break;
    case SYS_poweroff:
        while (req->arg[1] >= 0 && req->arg[1] <= 255)
            req->arg[1] = (long)random_arg(r);
        break;
    case SYS_thread_suspend:
    case SYS_thread_kill:
        if (names_main_thread(req->arg[0]))
            req->arg[0] = CAP_NULL;
        break;
    case SYS_space_kill: {
        struct cap_info ci;
        if (sys_cap_info(req->arg[0], (long)&ci) == 0 && ci.type == CAP_TYPE_SPACE)
            req->arg[0] = CAP_NULL;
        break;
    }
    case SYS_sleep:
        req->arg[0] = (long)rng_below(r, 4);
        break;
    case SYS_thread_join:
        req->arg[1] = (long)rng_below(r, 4);
        break;
    case SYS_ipc_recv:
        req->arg[1] = (long)rng_below(r, 4);
        break;
    case SYS_ipc_send:
    case SYS_ipc_call:
    case SYS_ipc_reply:
    case SYS_ipc_reply_recv:
    case SYS_ipc_nbsend:
        req->arg[1] = message_info(r, req->arg[1]);
        break;
    case SYS_cap_delete:
    case SYS_cap_move:
        if (req->arg[0] >= CAP_SELF_THREAD && req->arg[0] < CAP_FIRST_FREE)
            req->arg[0] = CAP_NULL;
        break;
    case SYS_ioport_cap:
        req->arg[1] = 0x80 + (long)rng_below(r, 4);
        req->arg[2] = (long)rng_below(r, 5);
        break;
    case SYS_frame_map:
        if (rng_next(r) & 1)
            req->arg[3] = (long)(FUZZ_MAP_VA + rng_below(r, FUZZ_MAP_PAGES) * PAGE);
        else if (req->arg[3] % PAGE == 0 && req->arg[3] > 0 && req->arg[3] < (long)NONCANONICAL)
            req->arg[3] += 8;
        break;
    case SYS_thread_create:
        /* Often a good space and a readable thread_params, so threads get made. */
        if (rng_next(r) & 1)
            req->arg[0] = CAP_SELF_SPACE;
        if (rng_next(r) & 1)
            req->arg[1] = (long)scratch_ptr(r);
        if (is_scratch(req->arg[1]))
            fill_params(r, (struct thread_params *)req->arg[1]);
        break;
    }
}

/* Not syscall6(): calls that receive return words in rdi, rsi, rdx, r10,
 * r8 and r9 too (mica/ipc.h), so every argument register is an output. */
long fuzz_issue(const struct fuzz_req *req)
{
    long ret = req->num;
    register long a0 __asm__("rdi") = req->arg[0];
    register long a1 __asm__("rsi") = req->arg[1];
    register long a2 __asm__("rdx") = req->arg[2];
    register long a3 __asm__("r10") = req->arg[3];
    register long a4 __asm__("r8") = req->arg[4];
    register long a5 __asm__("r9") = req->arg[5];
    __asm__ volatile("syscall"
                     : "+a"(ret), "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                     :: "rcx", "r11", "memory");
    return ret;
}
