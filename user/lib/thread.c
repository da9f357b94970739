/*
 * thread.c: threads of one program on top of the thread system calls.
 *
 * thread_spawn() takes a stack from the heap, puts fn and arg at its top,
 * and creates a kernel thread that enters crt0's thread_entry with rdi
 * pointing at them; thread_body() calls fn and exits with its result.
 * A table maps each spawned thread's capability to its stack so that
 * thread_join() can free the stack once the thread is gone. In a program
 * with a memory manager (mmclient.h) the new thread's page faults go to it, as
 * the first thread's do.
 */
#include <thread.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <mmclient.h>
#include "lock.h"

struct thread_start {
    int (*fn)(void *);
    void *arg;
};

struct spawned {
    bool used;
    cap_t cap;                  /* -1 while thread_spawn() is filling it in */
    void *stack;
    void *local;                /* thread_local(): freed with the stack */
};

static struct spawned table[THREAD_MAX];
static struct ulock table_lock;

void thread_entry(void);        /* crt0.S */
void thread_body(struct thread_start *s) __attribute__((noreturn));

void thread_body(struct thread_start *s)
{
    exit(s->fn(s->arg));
}

static struct spawned *table_reserve(void)
{
    struct spawned *e = NULL;
    ulock_acquire(&table_lock);
    for (int i = 0; i < THREAD_MAX && !e; i++)
        if (!table[i].used) {
            e = &table[i];
            *e = (struct spawned){ .used = true, .cap = -1 };
        }
    ulock_release(&table_lock);
    return e;
}

static struct spawned *table_find(cap_t cap)
{
    struct spawned *e = NULL;
    ulock_acquire(&table_lock);
    for (int i = 0; i < THREAD_MAX && !e; i++)
        if (table[i].used && table[i].cap == cap)
            e = &table[i];
    ulock_release(&table_lock);
    return e;
}

static void table_release(struct spawned *e)
{
    free(e->stack);
    free(e->local);
    ulock_acquire(&table_lock);
    e->used = false;
    ulock_release(&table_lock);
}

cap_t thread_spawn(const char *name, int (*fn)(void *), void *arg, int prio)
{
    struct spawned *e = table_reserve();
    if (!e)
        return -E_FULL;
    e->stack = malloc(THREAD_STACK_SIZE);
    if (!e->stack) {
        table_release(e);
        return -E_NOMEM;
    }

    /* The start record sits at the top of the stack; the stack grows below it. */
    struct thread_start *s = (struct thread_start *)((char *)e->stack + THREAD_STACK_SIZE) - 1;
    s->fn = fn;
    s->arg = arg;
    struct thread_params p = {
        .entry = (uint64_t)thread_entry,
        .stack_top = (uint64_t)s & ~15UL,
        .arg = (uint64_t)s,
        .priority = prio,
    };
    strncpy(p.name, name, sizeof p.name - 1);

    long cap = sys_thread_create(CAP_SELF_SPACE, (long)&p);
    if (cap < 0) {
        table_release(e);
        return cap;
    }
    e->cap = cap;
    long r = mm_endpoint() ? sys_thread_set_fault_handler(cap, mm_endpoint()) : 0;
    if (r == 0)
        r = sys_thread_start(cap);
    if (r < 0) {
        /* Never started, so it never touches its stack. */
        sys_cap_delete(cap);
        table_release(e);
        return r;
    }
    return cap;
}

int thread_join_timeout(cap_t thread, tick_t timeout, int *status)
{
    long r = sys_thread_join(thread, timeout);
    if (r < 0)
        return r;
    if (status)
        *status = (int)r;
    struct spawned *e = table_find(thread);
    if (e)
        table_release(e);
    return 0;
}

int thread_join(cap_t thread, int *status)
{
    return thread_join_timeout(thread, TIMEOUT_FOREVER, status);
}

int thread_info(cap_t thread, struct thread_info *info)
{
    return sys_thread_info(thread, (long)info);
}

int thread_set_priority(cap_t thread, int prio)
{
    return sys_thread_set_priority(thread, prio);
}

void sleep_ticks(tick_t n)
{
    sys_sleep(n);
}

tick_t ticks(void)
{
    return sys_ticks();
}

void yield(void)
{
    sys_yield();
}

/* The spawned thread whose stack holds our stack pointer: its slot; the
 * program's first thread (whose stack is not from the heap) gets main_local. */
void **thread_local(void)
{
    static void *main_local;
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    void **slot = &main_local;
    ulock_acquire(&table_lock);
    for (int i = 0; i < THREAD_MAX; i++)
        if (table[i].used && table[i].stack && sp - (uintptr_t)table[i].stack < THREAD_STACK_SIZE)
            slot = &table[i].local;
    ulock_release(&table_lock);
    return slot;
}
