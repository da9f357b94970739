/*
 * lock.h: the user library's internal lock (malloc, the thread table).
 * Mica has one CPU and preemptive priorities, so a waiter first yields and
 * then sleeps a tick: sleeping lets a lower-priority holder run, which a
 * spinning or yielding high-priority waiter would starve forever.
 */
#ifndef ULIB_LOCK_H
#define ULIB_LOCK_H

struct ulock {
    volatile int held;
};

void ulock_acquire(struct ulock *l);
void ulock_release(struct ulock *l);

#endif
