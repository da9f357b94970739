/*
 * rr.c: round robin among equal priorities. RR_THREADS CPU-bound workers at
 * one priority count loop iterations while the main thread, at a higher
 * priority, sleeps RR_TICKS ticks; when it wakes it preempts them and reads
 * every worker's count and CPU time before stopping them. With equal shares
 * each worker ran about RR_TICKS / RR_THREADS ticks.
 *
 * Prints: rr: threads=N ticks=T timeslice=S hz=H
 *         rr: worker=I name=NAME cpu_ticks=C count=K   (one per worker)
 *         rr: window_start=T0 window_end=T1
 */
#include <stdio.h>
#include <thread.h>
#include <boot.h>
#include <scenario.h>

#define RR_THREADS  3
#define RR_TICKS    150
#define RR_PRIO     PRIO_DEFAULT
#define MAIN_PRIO   (PRIO_DEFAULT + 10)

static volatile unsigned long count[RR_THREADS];
static volatile int stop;

static int worker(void *arg)
{
    volatile unsigned long *c = arg;
    while (!stop)
        (*c)++;
    return 0;
}

SCENARIO(rr, "equal-priority CPU-bound threads share the CPU")
{
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    printf("rr: threads=%d ticks=%d timeslice=%u hz=%u\n", RR_THREADS, RR_TICKS,
           boot_info->timeslice, boot_info->hz);

    cap_t cap[RR_THREADS];
    char name[RR_THREADS][8];
    for (int i = 0; i < RR_THREADS; i++) {
        snprintf(name[i], sizeof name[i], "rr%d", i);
        cap[i] = thread_spawn(name[i], worker, (void *)&count[i], RR_PRIO);
    }

    tick_t start = ticks();
    sleep_ticks(RR_TICKS);
    tick_t end = ticks();

    /* Snapshot before printing: printing takes time, the workers are frozen now. */
    struct thread_info info[RR_THREADS];
    unsigned long seen[RR_THREADS];
    for (int i = 0; i < RR_THREADS; i++) {
        seen[i] = count[i];
        if (thread_info(cap[i], &info[i]) < 0)
            info[i].cpu_ticks = (uint64_t)-1;
    }
    stop = 1;
    for (int i = 0; i < RR_THREADS; i++)
        thread_join(cap[i], NULL);

    for (int i = 0; i < RR_THREADS; i++)
        printf("rr: worker=%d name=%s cpu_ticks=%lu count=%lu\n",
               i, name[i], info[i].cpu_ticks, seen[i]);
    printf("rr: window_start=%lu window_end=%lu\n", start, end);
    return 0;
}
