/*
 * sleep.c: sleep(n) wakes at the right tick. Sleepers at a high priority ask
 * for different tick counts, several times each, while a low-priority thread
 * keeps the CPU busy, so a wake-up must also preempt it. Nothing is printed
 * until every sleeper is done, since console output takes time.
 *
 * Prints per sleep: sleep: name=NAME asked=N slept_at=T0 woke_at=T1
 * (T0 read just before the call, T1 just after); the grader checks that
 * T1 - T0 is N or N + 1.
 */
#include <stdio.h>
#include <thread.h>
#include <scenario.h>

#define SLEEPER_PRIO    15
#define HOG_PRIO        5
#define MAIN_PRIO       20
#define ROUNDS          3

static const tick_t asked[] = { 1, 2, 5, 13, 30 };
#define SLEEPERS (int)(sizeof asked / sizeof asked[0])

static tick_t at[SLEEPERS][ROUNDS][2];
static volatile int stop;

static int hog(void *unused)
{
    while (!stop)
        ;
    return 0;
}

static int sleeper(void *arg)
{
    long i = (long)arg;
    for (int r = 0; r < ROUNDS; r++) {
        at[i][r][0] = ticks();
        sleep_ticks(asked[i]);
        at[i][r][1] = ticks();
    }
    return 0;
}

SCENARIO(sleep, "sleep(n) wakes after n ticks, preempting a busy thread")
{
    char names[SLEEPERS][8];
    cap_t s[SLEEPERS];

    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    cap_t h = thread_spawn("hog", hog, NULL, HOG_PRIO);
    for (long i = 0; i < SLEEPERS; i++) {
        snprintf(names[i], sizeof names[i], "s%lu", asked[i]);
        s[i] = thread_spawn(names[i], sleeper, (void *)i, SLEEPER_PRIO);
    }
    for (int i = 0; i < SLEEPERS; i++)
        thread_join(s[i], NULL);
    stop = 1;
    thread_join(h, NULL);

    for (int i = 0; i < SLEEPERS; i++)
        for (int r = 0; r < ROUNDS; r++)
            printf("sleep: name=%s asked=%lu slept_at=%lu woke_at=%lu\n",
                   names[i], asked[i], at[i][r][0], at[i][r][1]);
    return 0;
}
