/*
 * sys_thread.c: the thread and time system calls (mica/syscall.h numbers
 * 1-13). Each handler first decodes (looks up capabilities, copies and checks
 * arguments) and changes nothing until everything is known to be valid.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "vm.h"

/* The thread named by slot, needing rights. */
static int lookup_thread(cap_t slot, uint32_t rights, struct thread **t)
{
    return cap_lookup(current()->space, slot, CAP_TYPE_THREAD, rights, (void **)t);
}

long sys_thread_exit(int status)
{
    thread_exit(status & 0xff);
}

long sys_yield(void)
{
    sched_yield();
    return 0;
}

long sys_sleep(tick_t ticks)
{
    sched_sleep(ticks);
    return 0;
}

/*
 * Create a suspended thread in the space named by space_cap (write right)
 * from the struct thread_params at user address uparams. Returns a new
 * capability slot (all rights) for the thread, or -E_BADCAP/-E_WRONGTYPE/
 * -E_NORIGHTS, -E_FAULT, -E_RANGE (priority), -E_INVAL (entry or stack not
 * a user address), -E_FULL (no free slot), -E_NOMEM.
 */
long sys_thread_create(cap_t space_cap, uint64_t uparams)
{
    struct space *caller = current()->space, *s;
    struct thread_params p;
    char name[sizeof p.name + 1];

    int err = cap_lookup(caller, space_cap, CAP_TYPE_SPACE, RIGHT_WRITE, (void **)&s);
    if (err)
        return err;
    if (copy_from_user(&p, uparams, sizeof p) != 0)
        return -E_FAULT;
    if (p.priority < PRIO_MIN || p.priority > PRIO_MAX)
        return -E_RANGE;
    if (p.entry < USER_MIN || p.entry >= USER_TOP || p.stack_top < USER_MIN ||
        p.stack_top > USER_TOP)
        return -E_INVAL;
    memcpy(name, p.name, sizeof p.name);
    name[sizeof p.name] = '\0';

    struct cap *free_slot = NULL;
    for (cap_t i = CAP_FIRST_FREE; i < CAP_TABLE_SLOTS && !free_slot; i++)
        if (cap_slot(caller, i)->type == CAP_TYPE_NONE)
            free_slot = cap_slot(caller, i);
    if (!free_slot)
        return -E_FULL;

    struct thread *t = thread_create_user(s, name, p.priority, p.entry, p.stack_top, p.arg);
    if (!t)
        return -E_NOMEM;
    return cap_insert(caller, -1, CAP_TYPE_THREAD, RIGHTS_ALL, t);
}

long sys_thread_start(cap_t slot)
{
    struct thread *t;
    int err = lookup_thread(slot, RIGHT_WRITE, &t);
    return err ? err : thread_start(t);
}

long sys_thread_suspend(cap_t slot)
{
    struct thread *t;
    int err = lookup_thread(slot, RIGHT_WRITE, &t);
    return err ? err : sched_suspend(t);
}

long sys_thread_resume(cap_t slot)
{
    struct thread *t;
    int err = lookup_thread(slot, RIGHT_WRITE, &t);
    return err ? err : sched_resume(t);
}

/* Returns 0, a capability error, -E_RANGE, or -E_DEAD. The priority is
 * checked as the full register (a 64-bit value that merely ends in a valid
 * int is out of range). */
long sys_thread_set_priority(cap_t slot, long priority)
{
    struct thread *t;
    int err = lookup_thread(slot, RIGHT_WRITE, &t);
    if (err)
        return err;
    if (priority < PRIO_MIN || priority > PRIO_MAX)
        return -E_RANGE;
    if (t->state == THREAD_DEAD)
        return -E_DEAD;
    sched_set_priority(t, (int)priority);
    return 0;
}

long sys_thread_info(cap_t slot, uint64_t out)
{
    struct thread *t;
    int err = lookup_thread(slot, RIGHT_READ, &t);
    if (err)
        return err;
    struct thread_info info = {
        .id = t->id, .cpu_ticks = t->cpu_ticks, .state = t->state,
        .priority = t->priority, .exit_status = t->exit_status,
        .space_threads = t->space ? (uint32_t)t->space->live_threads : 0,
        .space_cpu_ticks = t->space ? t->space->cpu_ticks : 0,
    };
    memcpy(info.name, t->name, sizeof info.name);
    return copy_to_user(out, &info, sizeof info);
}

/* Wait for the thread's death (see mica/syscall.h); on success the slot is
 * emptied and the thread reaped. The reference that keeps t while we wait
 * is recorded in join_ref, so that thread_kill can drop it if we are
 * killed waiting. */
long sys_thread_join(cap_t slot, tick_t timeout)
{
    struct thread *cur = current(), *t;
    int err = lookup_thread(slot, RIGHT_READ, &t);
    if (err)
        return err;
    thread_get(t);
    cur->join_ref = t;
    int status = thread_join(t, timeout);
    cur->join_ref = NULL;
    struct cap *c = cap_slot(cur->space, slot);
    if (status >= 0 && c->type == CAP_TYPE_THREAD && c->object == t)
        cap_delete(cur->space, slot);
    thread_put(t);
    return status;
}

/* Kill the thread (see mica/syscall.h): needs RIGHT_WRITE. Returns 0, a
 * capability error, or -E_DEAD; killing oneself does not return. */
long sys_thread_kill(cap_t slot)
{
    struct thread *t;
    int err = lookup_thread(slot, RIGHT_WRITE, &t);
    return err ? err : thread_kill(t);
}

/* Kill every thread of a space (mica/syscall.h): the caller's own last, if
 * it is one of them. Returns how many others died. Needs RIGHT_WRITE. */
long sys_space_kill(cap_t slot)
{
    struct space *s;
    int err = cap_lookup(current()->space, slot, CAP_TYPE_SPACE, RIGHT_WRITE, (void **)&s);
    if (err)
        return err;
    long killed = 0;
    bool self = false;
    struct list_node *n;
    space_get(s);                   /* the last thread's death must not free it under us */
    while ((n = list_front(&s->threads)) != NULL) {
        struct thread *t = list_entry(n, struct thread, space_node);
        if (t == current()) {       /* move ourselves to the back and go on */
            list_remove(n);
            self = true;
            if (list_empty(&s->threads)) {
                list_push_back(&s->threads, n);
                break;
            }
            list_push_back(&s->threads, n);
            continue;
        }
        int r = thread_kill(t);
        if (r < 0) {                /* cannot happen with a working thread_kill */
            space_put(s);
            return r;
        }
        killed++;
    }
    space_put(s);
    if (self)
        thread_exit(THREAD_STATUS_KILLED);
    return killed;
}
