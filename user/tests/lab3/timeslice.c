/*
 * timeslice.c: the time slice from the command line shapes the interleaving.
 * Two equal-priority CPU-bound workers run for TS_TICKS ticks while the main
 * thread sleeps above them. Each worker counts its turns on the CPU: a
 * turn starts whenever it sees ticks() jump by more than one since it last
 * looked (it was off the CPU in between). With timeslice=S each turn lasts
 * about S ticks, so a worker gets about TS_TICKS / (2 S) turns.
 * The grader boots this twice (timeslice=1 and timeslice=10, trace=sched)
 * and compares the run lengths in the trace as well.
 *
 * Prints: timeslice: timeslice=S ticks=T
 *         timeslice: worker=I name=NAME turns=N cpu_ticks=C
 */
#include <stdio.h>
#include <thread.h>
#include <boot.h>
#include <scenario.h>

#define TS_THREADS  2
#define TS_TICKS    60
#define TS_PRIO     PRIO_DEFAULT
#define MAIN_PRIO   (PRIO_DEFAULT + 10)

static volatile int stop;
static unsigned long turns[TS_THREADS];

static int worker(void *arg)
{
    long i = (long)arg;
    tick_t last = ticks();
    turns[i] = 1;
    while (!stop) {
        tick_t now = ticks();
        if (now > last + 1)
            turns[i]++;
        last = now;
    }
    return 0;
}

SCENARIO(timeslice, "the timeslice= argument changes how threads interleave")
{
    char names[TS_THREADS][8];
    cap_t cap[TS_THREADS];
    struct thread_info info[TS_THREADS];

    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    printf("timeslice: timeslice=%u ticks=%d\n", boot_info->timeslice, TS_TICKS);
    for (long i = 0; i < TS_THREADS; i++) {
        snprintf(names[i], sizeof names[i], "ts%ld", i);
        cap[i] = thread_spawn(names[i], worker, (void *)i, TS_PRIO);
    }
    sleep_ticks(TS_TICKS);
    for (int i = 0; i < TS_THREADS; i++)
        thread_info(cap[i], &info[i]);
    stop = 1;
    for (int i = 0; i < TS_THREADS; i++)
        thread_join(cap[i], NULL);
    for (int i = 0; i < TS_THREADS; i++)
        printf("timeslice: worker=%d name=%s turns=%lu cpu_ticks=%lu\n",
               i, names[i], turns[i], info[i].cpu_ticks);
    return 0;
}
