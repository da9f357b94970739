/*
 * ktest_sched.c: scheduler self tests with kernel threads, before user space.
 *
 *   ktest=sched   three CPU-bound threads at one priority share the CPU round
 *                 robin: prints each one's cpu_ticks over a fixed window, the
 *                 number of context switches, and a sleep's length in ticks.
 *                 The grader checks the shares are within one slice of each
 *                 other and the sleep is exact.
 */
#include "kernel.h"
#include "ktest.h"
#include "thread.h"
#include "arch/x86_64/x86.h"

#define SPINNERS    3
#define WINDOW      60          /* ticks the spinners run */

static volatile uint64_t stop_at;

static void spin(void *arg)
{
    while (timer_ticks() < stop_at)
        __asm__ volatile("pause");
}

KTEST(sched, KTEST_AFTER_THREADS)
{
    struct thread *t[SPINNERS];
    char name[16];

    cli();
    uint64_t switches = this_cpu()->context_switches;
    stop_at = timer_ticks() + WINDOW;
    for (int i = 0; i < SPINNERS; i++) {
        snprintf(name, sizeof name, "spin%d", i);
        t[i] = thread_create_kernel(name, PRIO_DEFAULT, spin, NULL);
        assert(t[i]);
        thread_get(t[i]);       /* keep the object to read it after its death */
        thread_start(t[i]);
    }
    for (int i = 0; i < SPINNERS; i++)
        thread_join(t[i], TIMEOUT_FOREVER);
    kprintf("timeslice=%d window=%d\n", sched_timeslice(), WINDOW);
    for (int i = 0; i < SPINNERS; i++) {
        kprintf("thread=%s cpu_ticks=%lu status=%d\n", t[i]->name, t[i]->cpu_ticks,
                t[i]->exit_status);
        thread_put(t[i]);
    }
    kprintf("context_switches=%lu\n", this_cpu()->context_switches - switches);

    uint64_t before = timer_ticks();
    sched_sleep(10);
    kprintf("sleep asked=10 slept=%lu\n", timer_ticks() - before);
    kprintf("threads_left=%lu\n", thread_count());
    sti();
}

static void nothing(void *arg)
{
}

/* Create kernel threads until creation fails, run them to their end, and
 * return how many there were. */
static int fill_and_drain(struct thread **t, int max)
{
    int n = 0;
    while (n < max && (t[n] = thread_create_kernel("filler", PRIO_DEFAULT, nothing, NULL)))
        n++;
    for (int i = 0; i < n; i++) {
        thread_get(t[i]);
        thread_start(t[i]);
    }
    for (int i = 0; i < n; i++) {
        thread_join(t[i], TIMEOUT_FOREVER);
        thread_put(t[i]);
    }
    return n;
}

/*
 *   ktest=threads_nomem   create kernel threads until memory or kernel stacks
 *                 run out (creation must fail cleanly, not panic), run them
 *                 all to their end, twice; the second round must give back
 *                 every thread and frame (the first may keep page tables and
 *                 cache slabs for later).
 */
KTEST(threads_nomem, KTEST_AFTER_THREADS)
{
    enum { MAX = 8192 };
    struct thread **t = kmalloc(MAX * sizeof *t);
    assert(t);
    cli();
    int first = fill_and_drain(t, MAX);
    uint64_t threads = thread_count(), frames = pmm_free_count();
    int second = fill_and_drain(t, MAX);
    kprintf("created_first=%d created_second=%d limited=%d\n", first, second, second < MAX);
    kprintf("threads_leaked=%ld frames_leaked=%ld\n", (long)(thread_count() - threads),
            (long)(frames - pmm_free_count()));
    sti();
    kfree(t);
}
