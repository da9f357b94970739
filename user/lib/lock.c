/* lock.c: see lock.h for why a waiter sleeps. */
#include "lock.h"
#include <sys.h>

void ulock_acquire(struct ulock *l)
{
    int tries = 0;
    while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE)) {
        if (++tries < 4)
            sys_yield();
        else
            sys_sleep(1);
    }
}

void ulock_release(struct ulock *l)
{
    __atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}
