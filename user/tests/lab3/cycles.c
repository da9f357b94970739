/*
 * cycles.c: thread exit gives back everything thread creation took.
 * CYCLES times: spawn a thread, let it exit, join it. Even cycles yield
 * first, so the child is already dead at the join; odd cycles join at once,
 * so the join blocks until the child exits. The kernel's counters and the
 * heap's use must be back at their start values afterwards.
 *
 * Prints: cycles: when=before|after threads=N kmem_inuse=K free_frames=F heap=H
 *         cycles: done=N failed=F status_sum=S   (S: the sum of i % 256)
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <scenario.h>

#define CYCLES  1000

static int child(void *arg)
{
    return (int)((long)arg % 256);
}

static void stats(const char *when)
{
    struct kernel_stats ks = { 0 };
    long r = sys_kernel_stats((long)&ks);
    if (r < 0)
        printf("cycles: kernel_stats failed: %s\n", mica_errname(r));
    printf("cycles: when=%s threads=%lu kmem_inuse=%lu free_frames=%lu heap=%lu\n",
           when, ks.threads, ks.kmem_inuse, ks.free_frames, malloc_inuse());
}

/* One cycle; returns the child's exit status or a negative error. */
static int cycle(long i)
{
    cap_t t = thread_spawn("cyc", child, (void *)i, PRIO_DEFAULT);
    if (t < 0)
        return t;
    if (i % 2 == 0)
        yield();
    int status;
    int r = thread_join(t, &status);
    return r < 0 ? r : status;
}

SCENARIO(cycles, "1000 thread create/exit/join cycles give back every resource")
{
    thread_set_priority(CAP_SELF_THREAD, PRIO_DEFAULT);
    cycle(0);                       /* warm-up: lazily made kernel caches */
    stats("before");
    long done = 0, failed = 0, sum = 0;
    for (long i = 0; i < CYCLES; i++) {
        int r = cycle(i);
        if (r < 0) {
            if (failed++ < 5)
                printf("cycles: cycle %ld failed: %s\n", i, mica_errname(r));
        } else {
            done++;
            sum += r;
        }
    }
    stats("after");
    printf("cycles: done=%ld failed=%ld status_sum=%ld\n", done, failed, sum);
    return 0;
}
