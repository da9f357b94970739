/*
 * timer.c: the periodic tick. timer_init() starts the hardware timer at hz
 * interrupts a second; each tick counts one in timer_ticks() and calls
 * sched_tick(), which the scheduler defines (lab 3) to charge the running
 * thread and preempt it when its slice is used up.
 */
#include "kernel.h"
#include "arch/x86_64/trap.h"

static volatile uint64_t ticks;
static long hz;

/* Until there is a scheduler, a tick does nothing more. */
__attribute__((weak)) void sched_tick(void)
{
}

static void timer_interrupt(struct trapframe *tf)
{
    ticks++;
    sched_tick();
}

void timer_init(long rate)
{
    hz = rate;
    pit_init(rate);
    irq_register(IRQ_TIMER, timer_interrupt);
}

/* Ticks since timer_init(). */
uint64_t timer_ticks(void)
{
    return ticks;
}

/* Ticks per second. */
long timer_hz(void)
{
    return hz;
}
