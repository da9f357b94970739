/*
 * sched.c: the scheduler. Fixed priorities PRIO_MIN..PRIO_MAX, round robin
 * within a level, a time slice of `timeslice` ticks (command line, default 5),
 * and an idle thread when nothing is ready.
 *
 * The ready threads of each level wait in a FIFO queue; bit p of ready_mask
 * is set when level p's queue is non-empty, so the next thread is found in
 * O(1) with one bit scan. The running thread is on no queue. Sleeping threads
 * (and joins with a timeout) wait on the timer queue, sorted by wake-up tick.
 *
 * Entry points: schedule() gives the CPU away (the caller set current's new
 * state first); sched_make_ready() wakes; sched_tick() runs every timer tick;
 * sched_preempt_point() switches if a wake-up or the slice asked for it.
 * Everything runs with interrupts off.
 */
#include "kernel.h"
#include "thread.h"
#include "arch/x86_64/x86.h"

struct cpu cpu0 = { .self = &cpu0 };

static struct list ready[PRIO_LEVELS];
static uint32_t ready_mask;         /* bit p set <=> ready[p] is not empty */
static struct list timer_queue;     /* sorted by wake_tick, earliest first */
static int timeslice = 5;
static bool tracing;

static const char *const block_names[] = {
    [BLOCK_NONE] = "none", [BLOCK_SLEEP] = "sleep", [BLOCK_JOIN] = "join",
    [BLOCK_SUSPEND] = "suspend", [BLOCK_SEND] = "send", [BLOCK_RECV] = "recv",
    [BLOCK_REPLY] = "reply", [BLOCK_NOTIFY] = "notify",
};
static const char *const wake_names[] = {
    [WAKE_START] = "start", [WAKE_SLEEP] = "sleep", [WAKE_RESUME] = "resume",
    [WAKE_JOIN] = "join", [WAKE_PRIO] = "prio", [WAKE_TIMEOUT] = "timeout",
    [WAKE_IPC] = "ipc",
};

static void idle_loop(void *arg);

/* Set up the queues and the idle thread (the first thread, id 0). */
void sched_init(void)
{
    for (int p = 0; p < PRIO_LEVELS; p++)
        list_init(&ready[p]);
    list_init(&timer_queue);
    timeslice = (int)cmdline_int("timeslice", 5, 1, 1000);
    tracing = cmdline_has("trace", "sched");
    cpu0.idle = thread_create_kernel("idle", PRIO_MIN, idle_loop, NULL);
    if (!cpu0.idle)
        panic("sched: no memory for the idle thread");
    cpu0.idle->started = true;
    cpu0.idle->state = THREAD_READY;
}

int sched_timeslice(void)
{
    return timeslice;
}

/* ---- trace (format documented in mica/trace.h) ---- */

/* One trace line: "sched: t=<tick> <event> <name>#<id> <key>=<value>". */
static void trace(const char *event, struct thread *t, const char *key, const char *value)
{
    if (tracing)
        kprintf("sched: t=%lu %s %s#%lu %s=%s\n", timer_ticks(), event, t->name, t->id,
                key, value);
}

static void trace_int(const char *event, struct thread *t, const char *key, long value)
{
    char buf[24];
    if (tracing) {
        snprintf(buf, sizeof buf, "%ld", value);
        trace(event, t, key, buf);
    }
}

void sched_trace_exit(struct thread *t)
{
    trace_int("exit", t, "status", t->exit_status);
}

/* ---- ready queues ---- */

/* Put t on its level's queue: at the back, or at the front when it was
 * preempted with time left (it resumes first, with the rest of its slice). */
static void enqueue(struct thread *t, bool front)
{
    /* LAB 3 BEGIN: enqueue a ready thread and mark its level non-empty */
    if (front)
        list_push_front(&ready[t->priority], &t->run_node);
    else
        list_push_back(&ready[t->priority], &t->run_node);
    ready_mask |= 1u << t->priority;
    /* LAB 3 STUB
    (void)front;
    list_push_back(&ready[t->priority], &t->run_node);
    LAB 3 END */
}

static void dequeue(struct thread *t)
{
    list_remove(&t->run_node);
    if (list_empty(&ready[t->priority]))
        ready_mask &= ~(1u << t->priority);
}

/* The thread to run next, taken off its queue; the idle thread if none. */
static struct thread *pick_next(void)
{
    /* LAB 3 BEGIN: O(1) choice of the highest-priority ready thread */
    if (ready_mask == 0)
        return cpu0.idle;
    int p = 31 - __builtin_clz(ready_mask);
    struct thread *t = list_entry(list_front(&ready[p]), struct thread, run_node);
    dequeue(t);
    return t;
    /* LAB 3 STUB
    for (int p = PRIO_LEVELS - 1; p >= 0; p--) {
        if (!list_empty(&ready[p])) {
            struct thread *t = list_entry(list_front(&ready[p]), struct thread, run_node);
            dequeue(t);
            return t;
        }
    }
    return cpu0.idle;
    LAB 3 END */
}

/* The priority of the best ready thread, or -1. */
static int best_ready_priority(void)
{
    return ready_mask ? 31 - __builtin_clz(ready_mask) : -1;
}

/* For the IPC fastpath, which switches without schedule() only when
 * schedule() would have picked the same thread and no trace line is due. */
int sched_best_ready_priority(void)
{
    return best_ready_priority();
}

bool sched_tracing(void)
{
    return tracing;
}

/* ---- switching ---- */

/*
 * Give the CPU to the best ready thread. If current is still RUNNING it was
 * preempted or yielded and goes back on its queue (at the front when it has
 * slice left); otherwise the caller has already made it sleep, block or die.
 */
void schedule(void)
{
    struct thread *cur = cpu0.current;

    cpu0.need_resched = false;
    if (cur->state == THREAD_RUNNING) {
        cur->state = THREAD_READY;
        if (cur != cpu0.idle) {
            bool front = cur->slice_left > 0;
            if (!front)
                cur->slice_left = timeslice;
            enqueue(cur, front);
        }
    }
    struct thread *next = pick_next();
    next->state = THREAD_RUNNING;
    if (next->slice_left <= 0)
        next->slice_left = timeslice;
    if (next == cur)
        return;

    trace_int("run", next, "prio", next->priority);
    cpu0.context_switches++;
    cpu0.current = next;
    arch_switch_to(cur, next);
}

/* Called from trap() after an interrupt, and at the end of every system
 * call: switch if a wake-up or the end of the slice asked for it. */
void sched_preempt_point(void)
{
    if (cpu0.need_resched)
        schedule();
}

/* Make t ready (it must be on no queue) and ask for a switch if it outranks
 * the running thread. A pending suspend turns the wake-up into a stop. */
void sched_make_ready(struct thread *t, enum wake_reason why)
{
    if (t->suspend_pending) {
        t->suspend_pending = false;
        t->state = THREAD_SUSPENDED;
        t->blocked_on = BLOCK_SUSPEND;
        return;
    }
    t->state = THREAD_READY;
    t->blocked_on = BLOCK_NONE;
    t->slice_left = timeslice;
    enqueue(t, false);
    trace("wake", t, "by", wake_names[why]);
    if (!cpu0.current || cpu0.current == cpu0.idle || t->priority > cpu0.current->priority)
        cpu0.need_resched = true;
}

/* Take a READY thread off its queue (suspend, priority change). */
void sched_unready(struct thread *t)
{
    assert(t->state == THREAD_READY);
    dequeue(t);
}

/* Change t's priority, moving it between queues if it is ready, and ask for
 * a switch if the change lets a ready thread outrank the running one. */
void sched_set_priority(struct thread *t, int prio)
{
    if (t->state == THREAD_READY) {
        dequeue(t);
        t->priority = prio;
        enqueue(t, false);
    } else {
        t->priority = prio;
    }
    if (best_ready_priority() > cpu0.current->priority) {
        cpu0.need_resched = true;
        if (t->state == THREAD_READY)
            trace("wake", t, "by", wake_names[WAKE_PRIO]);
    }
}

/* The running thread stops for reason why; schedule() picks another. */
void sched_block(enum block_reason why, int state)
{
    struct thread *cur = cpu0.current;
    cur->state = state;
    cur->blocked_on = why;
    trace("block", cur, "on", block_names[why]);
    schedule();
}

void sched_yield(void)
{
    cpu0.current->slice_left = 0;
    schedule();
}

/* ---- the timer queue ---- */

/* Wake t at tick `when` (t is blocked and on no timer queue). Equal wake-up
 * ticks keep their order of arrival, so wake-ups are deterministic. */
void timer_queue_add(struct thread *t, uint64_t when)
{
    t->wake_tick = when;
    /* LAB 3 BEGIN: insert into the timer queue, sorted by wake-up tick */
    struct list_node *pos = timer_queue.head.prev;
    while (pos != &timer_queue.head &&
           list_entry(pos, struct thread, timer_node)->wake_tick > when)
        pos = pos->prev;
    list_insert_after(pos, &t->timer_node);
    /* LAB 3 STUB
    list_push_back(&timer_queue, &t->timer_node);
    LAB 3 END */
}

void timer_queue_remove(struct thread *t)
{
    if (list_linked(&t->timer_node))
        list_remove(&t->timer_node);
}

/* Wake the threads whose time has come: sleepers, and joins that time out. */
static void timer_queue_expire(uint64_t now)
{
    struct list_node *n;
    while ((n = list_front(&timer_queue)) != NULL) {
        struct thread *t = list_entry(n, struct thread, timer_node);
        if (t->wake_tick > now)
            break;
        list_remove(n);
        if (t->state == THREAD_BLOCKED && t->blocked_on == BLOCK_JOIN) {
            list_remove(&t->run_node);          /* off the joined thread's joiners */
            t->joining = NULL;
            t->join_result = -E_TIMEOUT;
            sched_make_ready(t, WAKE_TIMEOUT);
        } else if (t->state == THREAD_BLOCKED && t->blocked_on == BLOCK_RECV) {
            ipc_timeout(t);             /* a receive with a timeout */
        } else {
            sched_make_ready(t, WAKE_SLEEP);
        }
    }
}

/* Sleep for `ticks` timer ticks (0 just yields); returns when woken. */
void sched_sleep(uint64_t ticks)
{
    if (ticks == 0) {
        sched_yield();
        return;
    }
    uint64_t now = timer_ticks();
    uint64_t when = now + ticks < now ? UINT64_MAX : now + ticks;
    timer_queue_add(cpu0.current, when);
    sched_block(BLOCK_SLEEP, THREAD_SLEEPING);
}

/* Every timer tick, interrupts off: charge the tick to the running thread,
 * wake sleepers, and end the slice. The switch itself waits for
 * sched_preempt_point() at the end of the interrupt (after the EOI). */
void sched_tick(void)
{
    struct thread *cur = cpu0.current;
    if (!cur)
        return;
    cur->cpu_ticks++;
    if (cur->space)
        cur->space->cpu_ticks++;
    if (cur != cpu0.idle && --cur->slice_left <= 0)
        cpu0.need_resched = true;
    timer_queue_expire(timer_ticks());
}

/* ---- suspend and resume ---- */

/* Stop t until sched_resume(). A sleeping or blocked thread finishes its
 * wait first and stops when it would have woken. Returns 0 or -E_DEAD. */
int sched_suspend(struct thread *t)
{
    switch (t->state) {
    case THREAD_DEAD:
        return -E_DEAD;
    case THREAD_SUSPENDED:
        return 0;
    case THREAD_SLEEPING:
    case THREAD_BLOCKED:
        t->suspend_pending = true;
        return 0;
    case THREAD_READY:
        dequeue(t);
        t->state = THREAD_SUSPENDED;
        t->blocked_on = BLOCK_SUSPEND;
        trace("block", t, "on", block_names[BLOCK_SUSPEND]);
        return 0;
    case THREAD_RUNNING:
        sched_block(BLOCK_SUSPEND, THREAD_SUSPENDED);
        return 0;
    }
    return -E_INVAL;
}

/* Let a suspended thread run again. Returns 0, -E_DEAD, or -E_INVAL when t
 * was never started (that is thread_start's job). */
int sched_resume(struct thread *t)
{
    if (t->state == THREAD_DEAD)
        return -E_DEAD;
    if (!t->started)
        return -E_INVAL;
    t->suspend_pending = false;
    if (t->state == THREAD_SUSPENDED)
        sched_make_ready(t, WAKE_RESUME);
    return 0;
}

/* ---- start-up and the idle thread ---- */

/* Runs first on the new thread's stack after every switch: reap the thread
 * we came from if it died. */
void sched_finish_switch(struct thread *prev)
{
    if (prev->state == THREAD_DEAD && prev->kstack)
        thread_reap(prev);
}

static void idle_loop(void *arg)
{
    for (;;)
        __asm__ volatile("sti; hlt" ::: "memory");
}

/* The boot code's context: switched away from once, never resumed. */
static struct thread boot_context = { .name = "boot", .state = THREAD_SUSPENDED };

/* Switch from the boot code to the best ready thread (or idle). Does not
 * return: the boot stack is abandoned. */
void sched_start(void)
{
    cpu0.current = &boot_context;
    cli();
    schedule();
    panic("sched: the boot context was resumed");
}
