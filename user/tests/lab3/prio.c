/*
 * prio.c: a higher priority runs to the exclusion of lower ones until it
 * blocks. Two low-priority workers count; after they have run a while, a
 * high-priority thread busy-waits PRIO_BUSY ticks (the low counts must not
 * move), sleeps PRIO_SLEEP ticks (they must move), then busy-waits again
 * (they must not move). Last, the main thread raises one low worker above
 * everything: the raise must let it run at once (it then lowers itself).
 *
 * Prints snapshots, the grader computes the differences:
 *   prio: snap=NAME tick=T low0=C0 low1=C1
 * with NAME in start, busy1_begin, busy1_end, sleep_end, busy2_end;
 *   prio: raised low0 ran=0|1 (whether low0 ran before main ran again)
 *   prio: high cpu_ticks=C state=S (S: enum thread_state, 5 = dead)
 */
#include <stdio.h>
#include <thread.h>
#include <scenario.h>

#define LOW_PRIO    5
#define HIGH_PRIO   15
#define MAIN_PRIO   20
#define PRIO_BUSY   30
#define PRIO_SLEEP  20

static volatile unsigned long low_count[2];
static volatile int stop;
static volatile cap_t demote = -1;      /* the raised worker lowers this thread */
static volatile int raised_ran;         /* low0 saw demote: it ran after the raise */

static int low(void *arg)
{
    volatile unsigned long *c = arg;
    while (!stop) {
        (*c)++;
        if (demote >= 0) {
            cap_t self = demote;
            if (c == &low_count[0])
                raised_ran = 1;
            demote = -1;
            (*c)++;     /* counts even if it was preempted just after the count above */
            thread_set_priority(self, LOW_PRIO);
        }
    }
    return 0;
}

struct snap {
    tick_t tick;
    unsigned long low[2];
};

static struct snap snaps[5];

static void take(struct snap *s)
{
    s->low[0] = low_count[0];
    s->low[1] = low_count[1];
    s->tick = ticks();
}

static void busy_wait(tick_t n)
{
    tick_t end = ticks() + n;
    while (ticks() < end)
        ;
}

static int high(void *unused)
{
    take(&snaps[1]);
    busy_wait(PRIO_BUSY);
    take(&snaps[2]);
    sleep_ticks(PRIO_SLEEP);
    take(&snaps[3]);
    busy_wait(PRIO_BUSY / 2);
    take(&snaps[4]);
    return 0;
}

SCENARIO(prio, "a higher-priority thread runs until it blocks")
{
    static const char *names[] = { "start", "busy1_begin", "busy1_end", "sleep_end", "busy2_end" };

    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    cap_t lows[2] = {
        thread_spawn("low0", low, (void *)&low_count[0], LOW_PRIO),
        thread_spawn("low1", low, (void *)&low_count[1], LOW_PRIO),
    };
    sleep_ticks(20);                    /* let the low ones run */
    take(&snaps[0]);
    cap_t hi = thread_spawn("high", high, NULL, HIGH_PRIO);
    sleep_ticks(2 * PRIO_BUSY + PRIO_SLEEP);     /* high is done long before */
    struct thread_info hinfo = { 0 };
    thread_info(hi, &hinfo);
    thread_join(hi, NULL);

    /* Raise low0 above main: it must run before main's next instruction.
     * (Not judged by low0's count: preempted just before its demote check,
     * low0 lowers itself again without counting.) */
    demote = lows[0];
    thread_set_priority(lows[0], MAIN_PRIO + 1);
    int ran = raised_ran;

    stop = 1;
    thread_join(lows[0], NULL);
    thread_join(lows[1], NULL);

    for (int i = 0; i < 5; i++)
        printf("prio: snap=%s tick=%lu low0=%lu low1=%lu\n",
               names[i], snaps[i].tick, snaps[i].low[0], snaps[i].low[1]);
    printf("prio: raised low0 ran=%d\n", ran);
    printf("prio: high cpu_ticks=%lu state=%d\n", hinfo.cpu_ticks, hinfo.state);
    return 0;
}
