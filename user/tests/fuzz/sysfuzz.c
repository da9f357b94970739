/*
 * sysfuzz.c: random system calls from a seed, then proof that the kernel
 * still works. Boot with
 *     init=sysfuzz fuzzseed=N fuzzcount=N
 * (defaults: seed 1, 100000 calls). The same seed replays the same storm.
 *
 * Transcript, every line starting "fuzz: ":
 *   seed=N count=N tid=<the fuzzing thread's id>
 *   before ticks=N free_frames=N threads=N kmem_inuse=N context_switches=N
 *   progress calls=N tick=T threads=N free_frames=N     (every 10,000 calls)
 *   call name=<syscall> n=N ok=N child=N                 (one per listed call;
 *                                                        child: made by children)
 *   results ok=N E_INVAL=N ...                           (every result, by error)
 *   calls=N other_numbers=N child_calls=N stuck=N
 *   live join ret=R status=S                             (a fresh thread, joined)
 *   after ticks=N free_frames=N threads=N kmem_inuse=N context_switches=N
 * Every CLEANUP_EVERY calls the storm's objects are deleted and the threads
 * it created started, resumed and joined, so that memory and capability
 * slots do not run out; "stuck" counts threads that would not end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <boot.h>
#include <thread.h>
#include <scenario.h>
#include <mica/cap.h>
#include "fuzz.h"

#define DEFAULT_COUNT   100000
#define PROGRESS_EVERY  10000
#define CLEANUP_EVERY   2000
#define JOIN_LIMIT      20              /* ticks a cleaned-up child may take to end */
#define CLEANUP_SWEEPS  20
#define FIRST_STORM_SLOT (CAP_MACHINE + 1)  /* slots 1-3 are never taken away */
#define SCRATCH_SIZE    (16 * 1024)

static char scratch[SCRATCH_SIZE] __attribute__((aligned(64)));

struct tally {
    long calls, other_numbers, stuck;
    long ok;
    long by_error[E_COUNT];             /* -result, for results in -E_COUNT+1..-1 */
    long unknown_error;                 /* negative results that are no error code */
    long per_call[FUZZ_MAX_CALLS], per_call_ok[FUZZ_MAX_CALLS];
};

static struct tally tally;
static bool boot_frames[CAP_FIRST_FREE];    /* slots 4-7 holding boot memory: kept */

/* The value of key=value on the kernel command line, or def. */
static long boot_arg(const char *key, long def)
{
    size_t len = strlen(key);
    for (const char *p = boot_info->cmdline; *p; p++) {
        bool word_start = p == boot_info->cmdline || p[-1] == ' ';
        if (word_start && strncmp(p, key, len) == 0 && p[len] == '=')
            return strtol(p + len + 1, NULL, 0);
    }
    return def;
}

static void count(const struct fuzz_req *req, long ret)
{
    tally.calls++;
    if (req->call < 0)
        tally.other_numbers++;
    else {
        tally.per_call[req->call]++;
        tally.per_call_ok[req->call] += ret >= 0;
    }
    if (ret >= 0)
        tally.ok++;
    else if (ret > -E_COUNT)
        tally.by_error[-ret]++;
    else
        tally.unknown_error++;
}

/* Whether slot holds a thread other than the fuzzing thread. */
static bool child_in(long slot, struct thread_info *info)
{
    return sys_thread_info(slot, (long)info) == 0 && info->id != fuzz_env.main_tid;
}

/* Delete every capability the storm made except those naming its children
 * (joining reaps those): endpoints and notifications die with their last
 * capability and must wake the children waiting on them. */
static void delete_objects(void)
{
    struct cap_info ci;
    struct thread_info info;
    for (long slot = FIRST_STORM_SLOT; slot < CAP_TABLE_SLOTS; slot++)
        if (sys_cap_info(slot, (long)&ci) == 0 && !child_in(slot, &info) &&
            !(slot < CAP_FIRST_FREE && boot_frames[slot]))
            sys_cap_delete(slot);
}

/* Delete the storm's objects, then start, resume and join every child;
 * sweep again while any is left, since children still running may create
 * threads and objects (in slots already swept) or suspend each other.
 * Afterwards the storm's children are all gone; "stuck" counts those that
 * would not go. */
static void cleanup(void)
{
    struct thread_info info;
    bool left = true;
    for (int sweep = 0; sweep < CLEANUP_SWEEPS && left; sweep++) {
        left = false;
        delete_objects();
        for (long slot = FIRST_STORM_SLOT; slot < CAP_TABLE_SLOTS; slot++)
            if (child_in(slot, &info)) {
                sys_thread_start(slot);
                sys_thread_resume(slot);
                sys_thread_join(slot, JOIN_LIMIT);
                left = true;
            }
    }
    delete_objects();
    for (long i = 0; i < FUZZ_MAP_PAGES; i++)   /* mappings through the boot frames */
        sys_frame_unmap(CAP_SELF_SPACE, (long)(FUZZ_MAP_VA + i * 4096));
    for (long slot = FIRST_STORM_SLOT; slot < CAP_TABLE_SLOTS; slot++)
        if (child_in(slot, &info)) {
            tally.stuck++;
            printf("fuzz: stuck slot=%ld id=%lu state=%d\n", slot, info.id, info.state);
        }
    fuzz_children_reset();
}

static void print_stats(const char *when)
{
    struct kernel_stats ks;
    long r = sys_kernel_stats((long)&ks);
    if (r < 0) {
        printf("fuzz: %s kernel_stats failed: %s\n", when, mica_errname(r));
        return;
    }
    printf("fuzz: %s ticks=%lu free_frames=%lu threads=%lu kmem_inuse=%lu context_switches=%lu\n",
           when, ks.ticks, ks.free_frames, ks.threads, ks.kmem_inuse, ks.context_switches);
}

static void print_results(void)
{
    for (int i = 0; i < fuzz_ncalls; i++)
        printf("fuzz: call name=%s n=%ld ok=%ld child=%ld\n", fuzz_calls[i].name,
               tally.per_call[i], tally.per_call_ok[i], fuzz_child_per_call[i]);
    printf("fuzz: results ok=%ld", tally.ok);
    for (int e = 1; e < E_COUNT; e++)
        if (tally.by_error[e])
            printf(" %s=%ld", mica_errname(-e), tally.by_error[e]);
    if (tally.unknown_error)
        printf(" unknown=%ld", tally.unknown_error);
    printf("\n");
    printf("fuzz: calls=%ld other_numbers=%ld child_calls=%ld stuck=%ld\n", tally.calls,
           tally.other_numbers, fuzz_child_calls, tally.stuck);
}

static int live_child(void *arg)
{
    return (int)(long)arg;
}

/* After the storm: a new thread can be made, run and joined. */
static void liveness(void)
{
    int status = -1;
    cap_t t = thread_spawn("fz-live", live_child, (void *)42, PRIO_DEFAULT);
    long r = t < 0 ? t : thread_join(t, &status);
    printf("fuzz: live join ret=%ld status=%d\n", r, status);
}

SCENARIO(sysfuzz, "random system calls from fuzzseed=N, fuzzcount=N of them; then a liveness check")
{
    uint64_t seed = (uint64_t)boot_arg("fuzzseed", 1);
    long n = boot_arg("fuzzcount", DEFAULT_COUNT);
    struct thread_info self;
    if (sys_thread_info(CAP_SELF_THREAD, (long)&self) != 0) {
        printf("fuzz: cannot read the fuzzing thread's info\n");
        return 1;
    }
    fuzz_env = (struct fuzz_env){ self.id, scratch, sizeof scratch };
    printf("fuzz: seed=%lu count=%ld tid=%lu\n", seed, n, self.id);
    struct cap_info ci;
    for (long slot = CAP_BOOT_FRAMES; slot < CAP_FIRST_FREE; slot++)
        boot_frames[slot] = sys_cap_info(slot, (long)&ci) == 0;
    print_stats("before");

    struct rng rng;
    struct fuzz_req req;
    rng_seed(&rng, seed);
    for (long i = 1; i <= n; i++) {
        fuzz_make(&rng, &req, true);
        count(&req, fuzz_issue(&req));
        if (i % CLEANUP_EVERY == 0)
            cleanup();
        if (i % PROGRESS_EVERY == 0) {
            struct kernel_stats ks = { 0 };
            sys_kernel_stats((long)&ks);
            printf("fuzz: progress calls=%ld tick=%lu threads=%lu free_frames=%lu\n", i, ks.ticks,
                   ks.threads, ks.free_frames);
        }
    }
    cleanup();
    sys_thread_set_priority(CAP_SELF_THREAD, PRIO_DEFAULT);
    print_results();
    liveness();
    print_stats("after");
    return 0;
}
