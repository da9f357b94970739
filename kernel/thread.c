/*
 * thread.c: thread objects: creation, start, exit, kill, join, and reaping.
 *
 * A thread lives while it is not dead or while a capability names it:
 * refs counts the capabilities plus one for being alive. When it exits, its
 * joiners wake with its status; the next thread to run frees its kernel
 * stack (sched_finish_switch(): one cannot free the stack one runs on), and
 * the object goes when the last capability does (thread_join reaps it).
 * A thread killed by another (thread_kill) is not running, so its stack
 * goes at once.
 */
#include "kernel.h"
#include "thread.h"
#include "arch/x86_64/x86.h"
#include "vm.h"
#include "arch/x86_64/trap.h"

static struct kmem_cache *thread_cache;
static uint64_t next_id;           /* the idle thread, created first, is 0 */
static uint64_t nthreads;           /* thread objects allocated and not freed */

static void thread_die(struct thread *t, int status);

uint64_t thread_count(void)
{
    return nthreads;
}

/* Copy a name, stopping at 19 characters, with spaces and unprintable
 * characters made '_' (the trace is split on spaces). */
static void set_name(struct thread *t, const char *name)
{
    size_t i;
    for (i = 0; i < sizeof t->name - 1 && name[i]; i++)
        t->name[i] = name[i] > ' ' && name[i] < 0x7f ? name[i] : '_';
    t->name[i] = '\0';
    if (i == 0)
        strlcpy(t->name, "thread", sizeof t->name);
}

/* A new thread object with a kernel stack, suspended and not started.
 * NULL when kernel memory is short. */
static struct thread *thread_alloc(const char *name, int priority, struct space *s)
{
    if (!thread_cache && !(thread_cache = kmem_cache_create("thread", sizeof(struct thread))))
        return NULL;
    struct thread *t = kmem_cache_alloc(thread_cache);
    if (!t)
        return NULL;
    void *stack = kstack_alloc();
    if (!stack) {
        kmem_cache_free(thread_cache, t);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    t->id = next_id++;
    set_name(t, name);
    t->state = THREAD_SUSPENDED;
    t->priority = priority;
    t->kstack = stack;
    t->kstack_top = (uint64_t)stack + KSTACK_SIZE;
    t->refs = 1;
    list_node_init(&t->run_node);
    list_node_init(&t->timer_node);
    list_node_init(&t->fault_node);
    list_node_init(&t->space_node);
    list_init(&t->joiners);
    if (s) {
        t->space = s;
        space_get(s);
        s->live_threads++;
        list_push_back(&s->threads, &t->space_node);
    }
    nthreads++;
    return t;
}

/* A kernel thread that will run fn(arg) with interrupts on, then exit(0). */
struct thread *thread_create_kernel(const char *name, int priority, void (*fn)(void *), void *arg)
{
    struct thread *t = thread_alloc(name, priority, NULL);
    if (t)
        arch_thread_init_kernel(t, fn, arg);
    return t;
}

/* A user thread in space s starting at entry with rsp = stack_top and
 * rdi = arg. The caller has checked that entry and stack_top are user
 * addresses. NULL when kernel memory is short. */
struct thread *thread_create_user(struct space *s, const char *name, int priority,
                                  uint64_t entry, uint64_t stack_top, uint64_t arg)
{
    struct thread *t = thread_alloc(name, priority, s);
    if (t) {
        t->is_user = true;
        arch_thread_init_user(t, entry, stack_top, arg);
    }
    return t;
}

void thread_get(struct thread *t)
{
    t->refs++;
}

/* Drop a reference; the last one frees the object (the thread is dead and
 * its stack already gone by then). */
void thread_put(struct thread *t)
{
    assert(t->refs > 0);
    if (--t->refs > 0)
        return;
    assert(t->state == THREAD_DEAD && t->kstack == NULL);
    fault_handler_clear(t);
    struct space *s = t->space;
    kmem_cache_free(thread_cache, t);
    nthreads--;
    if (s)
        space_put(s);
}

/*
 * A capability naming t is being deleted. If it was the last reference
 * besides t's own (no other capability, no joiner) and t can never run
 * again -- never started, or suspended -- nobody could ever start, resume or
 * join it, and it would keep its kernel stack forever: it dies now, with
 * THREAD_STATUS_KILLED, and is freed. (A running, ready or waiting thread
 * lives on without capabilities until it exits.)
 */
void thread_cap_dropped(struct thread *t)
{
    bool stopped = !t->started || (t->state == THREAD_SUSPENDED && !t->suspend_pending);
    if (t->refs != 2 || t->state == THREAD_DEAD || !stopped || t == current()) {
        thread_put(t);
        return;
    }
    t->refs--;                      /* the capability's reference */
    thread_die(t, THREAD_STATUS_KILLED);
    thread_reap(t);                 /* not on the CPU: free its stack and the thread */
}

/* Called on the next thread's stack after a dead thread switched away. */
void thread_reap(struct thread *t)
{
    kstack_free(t->kstack);
    t->kstack = NULL;
    t->tf = NULL;
    thread_put(t);          /* the reference for being alive */
}

/* Make a created thread ready for the first time. */
int thread_start(struct thread *t)
{
    if (t->state == THREAD_DEAD)
        return -E_DEAD;
    if (t->started)
        return -E_BUSY;
    t->started = true;
    sched_make_ready(t, WAKE_START);
    return 0;
}

/* Wake every thread blocked in thread_join on t with t's exit status. */
static void wake_joiners(struct thread *t, int status)
{
    /* LAB 3 BEGIN: wake every thread waiting in thread_join with the status */
    struct list_node *n;
    while ((n = list_front(&t->joiners)) != NULL) {
        struct thread *j = list_entry(n, struct thread, run_node);
        list_remove(n);
        timer_queue_remove(j);
        j->joining = NULL;
        j->join_result = status;
        sched_make_ready(j, WAKE_JOIN);
    }
    /* LAB 3 STUB
    struct list_node *n;
    while ((n = list_front(&t->joiners)) != NULL) {
        struct thread *j = list_entry(n, struct thread, run_node);
        list_remove(n);
        timer_queue_remove(j);
        j->joining = NULL;
        sched_make_ready(j, WAKE_JOIN);
    }
    LAB 3 END */
}

/* t, which is on no queue, dies with status: its joiners wake, its IPC
 * partners learn of it, its space counts one live thread less. The caller
 * then switches away (t is running) or reaps it (t is not). */
static void thread_die(struct thread *t, int status)
{
    t->exit_status = status;
    t->state = THREAD_DEAD;
    sched_trace_exit(t);
    wake_joiners(t, status);
    ipc_thread_exit(t);
    if (list_linked(&t->space_node))
        list_remove(&t->space_node);
    if (t->space && --t->space->live_threads == 0)
        space_last_thread_exited(t->space, status);
}

/* The running thread dies with status: its joiners wake, and it gives the
 * CPU away for good. */
void thread_exit(int status)
{
    struct thread *t = current();
    assert(t != this_cpu()->idle);
    cli();
    thread_die(t, status);
    schedule();
    panic("thread_exit: dead thread %s#%lu was scheduled", t->name, t->id);
}

/*
 * Kill t with THREAD_STATUS_KILLED, whatever it is doing; the caller itself
 * does not return. A thread that is not running is taken off the queue it
 * is on -- ready, timer, a joined thread's joiners, an endpoint's or a
 * notification's (ipc_thread_killed) -- and never runs again: its kernel
 * stack is freed with whatever call it was in. The one thing such a stack
 * holds is sys_thread_join's reference (join_ref), dropped here. Returns 0,
 * or -E_DEAD when t is dead already.
 */
int thread_kill(struct thread *t)
{
    if (t->state == THREAD_DEAD)
        return -E_DEAD;
    if (t == current())
        thread_exit(THREAD_STATUS_KILLED);
    /* LAB 3 BEGIN: thread_kill: take the thread off its queue, let it die (exit and join) */
    switch (t->state) {
    case THREAD_READY:
        sched_unready(t);
        break;
    case THREAD_SLEEPING:
        timer_queue_remove(t);
        break;
    case THREAD_BLOCKED:
        timer_queue_remove(t);          /* a join or receive with a timeout */
        if (t->blocked_on == BLOCK_JOIN) {
            list_remove(&t->run_node);  /* off the joined thread's joiners */
            t->joining = NULL;
        } else {
            ipc_thread_killed(t);
        }
        break;
    default:                            /* suspended or never started: on no queue */
        break;
    }
    if (t->join_ref) {
        thread_put(t->join_ref);
        t->join_ref = NULL;
    }
    t->suspend_pending = false;
    thread_die(t, THREAD_STATUS_KILLED);
    thread_reap(t);                     /* not on the CPU: free its stack now */
    return 0;
    /* LAB 3 STUB
    return -E_NOSYS;
    LAB 3 END */
}

/* Wait until t is dead, at most timeout ticks (TIMEOUT_FOREVER: no limit,
 * 0: do not wait). The caller holds a reference to t. Returns t's exit
 * status, -E_TIMEOUT, or -E_INVAL when t is the caller. */
int thread_join(struct thread *t, tick_t timeout)
{
    struct thread *cur = current();
    if (t == cur)
        return -E_INVAL;
    if (t->state == THREAD_DEAD)
        return t->exit_status;
    if (timeout == 0)
        return -E_TIMEOUT;

    cur->joining = t;
    cur->join_result = -E_TIMEOUT;
    list_push_back(&t->joiners, &cur->run_node);
    if (timeout != TIMEOUT_FOREVER) {
        uint64_t now = timer_ticks();
        timer_queue_add(cur, now + timeout < now ? UINT64_MAX : now + timeout);
    }
    sched_block(BLOCK_JOIN, THREAD_BLOCKED);
    return cur->join_result;
}

const char *thread_state_name(int s)
{
    static const char *const names[] = {
        [THREAD_SUSPENDED] = "suspended", [THREAD_READY] = "ready",
        [THREAD_RUNNING] = "running", [THREAD_SLEEPING] = "sleeping",
        [THREAD_BLOCKED] = "blocked", [THREAD_DEAD] = "dead",
    };
    return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}
