/*
 * ops.c: the process table and the requests that read or end its entries:
 * PROC_WAIT, PROC_KILL, PROC_LIST, and the capability requests PROC_GIVE,
 * PROC_ADOPT, PROC_SET_STANDARD. Each handler returns 0 or a positive error
 * code (the reply label) and changes nothing when it fails.
 */
#include <stdio.h>
#include <string.h>
#include <sys.h>
#include <thread.h>
#include <mica/cap.h>
#include <mica/error.h>
#include "procman.h"

/* ---- the table ---- */

struct proc *proc_find(uint64_t pid)
{
    for (int i = 0; pid && i < PROC_MAX; i++)
        if (pm.procs[i].pid == pid)
            return &pm.procs[i];
    return NULL;
}

/* A free entry, zeroed (its pid still 0), or NULL when the table is full. */
struct proc *proc_alloc(void)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (pm.procs[i].pid == 0) {
            memset(&pm.procs[i], 0, sizeof pm.procs[i]);
            return &pm.procs[i];
        }
    return NULL;
}

/* Forget an ended process (its memory is freed already): the entry goes. */
void proc_release(struct proc *p)
{
    if (p->thread)
        sys_cap_delete(p->thread);
    memset(p, 0, sizeof *p);
}

/* The state of p, and its status when it ended. An adopted process is not
 * watched: its main thread's state says. */
static int proc_state(const struct proc *p, int64_t *status)
{
    struct thread_info ti;
    if (p->adopted && sys_thread_info(p->thread, (long)&ti) == 0 && ti.state == THREAD_DEAD) {
        *status = ti.exit_status;
        return PROC_ZOMBIE;
    }
    *status = p->status;
    return p->state;
}

/* ---- staged capabilities ---- */

/* The stage of the caller with `badge` (created if asked and room), or NULL. */
struct stage *stage_of(uint64_t badge, bool create)
{
    struct stage *free = NULL;
    for (int i = 0; i < PROC_MAX; i++) {
        if (pm.stages[i].used && pm.stages[i].badge == badge)
            return &pm.stages[i];
        if (!pm.stages[i].used && !free)
            free = &pm.stages[i];
    }
    if (!create || !free)
        return NULL;
    *free = (struct stage){ .used = true, .badge = badge };
    return free;
}

void stage_clear(struct stage *s)
{
    for (unsigned i = 0; i < s->n; i++)
        sys_cap_delete(s->caps[i].from);
    memset(s, 0, sizeof *s);
}

/* PROC_GIVE {slot} + cap: keep cap for the caller's next spawn, at slot. */
uint64_t proc_give_request(uint64_t badge, const struct proc_give *rq, cap_t cap, bool *kept)
{
    if (rq->slot < CAP_FIRST_FREE || rq->slot > PROC_CAP_GIVE_LAST)
        return E_INVAL;
    struct stage *s = stage_of(badge, true);
    if (!s)
        return E_FULL;
    for (unsigned i = 0; i < s->n; i++)
        if (s->caps[i].to == (cap_t)rq->slot) {     /* given again: the new one counts */
            sys_cap_delete(s->caps[i].from);
            s->caps[i].from = cap;
            *kept = true;
            return 0;
        }
    if (s->n == PROC_GIVE_MAX)
        return E_FULL;
    s->caps[s->n++] = (struct spawn_cap){ cap, (cap_t)rq->slot };
    *kept = true;
    return 0;
}

/* ---- wait, kill, list ---- */

/*
 * PROC_WAIT {pid, flags} -> {pid, status}: collect an ended child (pid 0:
 * any). Managers may collect any process by its pid. E_AGAIN while the
 * child (every child, for pid 0) runs; E_NOENT if there is none.
 */
uint64_t proc_wait_request(uint64_t badge, const struct proc_wait *rq, struct reply *rp)
{
    if (rq->flags & ~(uint64_t)PROC_WAIT_NOHANG)
        return E_INVAL;
    /* LAB 6 BEGIN: proc: wait: collect an ended child, E_AGAIN while it runs */
    uint64_t me = badge_pid(badge);
    bool alive = false;
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc *p = &pm.procs[i];
        int64_t status;
        if (p->pid == 0 || (rq->pid != 0 && p->pid != rq->pid))
            continue;
        if (p->parent != me && !(badge_manager(badge) && rq->pid != 0))
            continue;
        if (proc_state(p, &status) != PROC_ZOMBIE) {
            alive = true;
            continue;
        }
        struct proc_status out = { p->pid, status };
        memcpy(rp->words, &out, sizeof out);
        rp->len = PROTO_WORDS(out);
        proc_release(p);
        return 0;
    }
    return alive ? E_AGAIN : E_NOENT;
    /* LAB 6 STUB
    (void)badge; (void)rp;
    return E_NOSYS;
    LAB 6 END */
}

/*
 * PROC_KILL {pid}: kill the process's main thread (its watcher then frees
 * it). A manager may kill anything, a process its children and itself.
 * Killing a process that has ended already is no error.
 */
uint64_t proc_kill_request(uint64_t badge, const struct proc_pid *rq)
{
    struct proc *p = proc_find(rq->pid);
    long r = -E_NOENT;
    /* LAB 6 BEGIN: proc: kill: only a manager, the parent or the process itself */
    uint64_t me = badge_pid(badge);
    int64_t status;
    if (!p)
        r = -E_NOENT;
    else if (!badge_manager(badge) && p->parent != me && p->pid != me)
        r = -E_PERM;
    else if (proc_state(p, &status) == PROC_ZOMBIE)
        r = 0;
    else if (p->space && (r = sys_space_kill(p->space)) >= 0)
        r = 0;                      /* every thread of it, the main one included */
    else if ((r = sys_thread_kill(p->thread)) == -E_DEAD)
        r = 0;
    else if (r == -E_NORIGHTS)      /* an adopted process we may only watch */
        r = -E_PERM;
    /* LAB 6 STUB
    (void)badge;
    r = p ? -E_NOSYS : -E_NOENT;
    LAB 6 END */
    printf("proc: kill pid=%lu by=%lu ret=%ld\n", rq->pid, badge_pid(badge), r);
    return (uint64_t)-r;
}

static void list_entry(const struct proc *p, struct proc_info *out)
{
    struct thread_info ti = { 0 };
    int64_t status;
    sys_thread_info(p->thread, (long)&ti);
    *out = (struct proc_info){ .pid = p->pid, .parent = p->parent,
                               .state = (uint32_t)proc_state(p, &status),
                               .threads = ti.space_threads, .cpu_ticks = ti.space_cpu_ticks };
    out->status = out->state == PROC_ZOMBIE ? status : 0;
    memcpy(out->name, p->name, sizeof out->name);
}

/* PROC_LIST {pid} -> up to PROC_LIST_MAX processes from pid on, in pid order. */
uint64_t proc_list_request(const struct proc_pid *rq, struct reply *rp)
{
    struct proc_list_reply out = { .free_pages = frame_pool_free(&pm.pool),
                                   .total_pages = pm.pool.pages };
    uint64_t from = rq->pid;
    while (out.count < PROC_LIST_MAX) {
        const struct proc *next = NULL;
        for (int i = 0; i < PROC_MAX; i++)
            if (pm.procs[i].pid >= from && pm.procs[i].pid != 0 &&
                (!next || pm.procs[i].pid < next->pid))
                next = &pm.procs[i];
        if (!next)
            break;
        list_entry(next, &out.procs[out.count++]);
        from = next->pid + 1;
    }
    memcpy(rp->words, &out, sizeof out);
    rp->len = PROTO_WORDS(out);
    return 0;
}

/* ---- capabilities from managers ---- */

/* PROC_ADOPT {name} + thread cap -> {pid}: list a process started elsewhere. */
uint64_t proc_adopt_request(uint64_t badge, const struct proc_adopt *rq, cap_t cap, bool *kept,
                            struct reply *rp)
{
    struct cap_info ci;
    if (!badge_manager(badge))
        return E_PERM;
    size_t n = strnlen(rq->name, sizeof rq->name);
    if (n == 0 || n == sizeof rq->name)
        return E_INVAL;
    if (sys_cap_info(cap, (long)&ci) < 0 || ci.type != CAP_TYPE_THREAD || !(ci.rights & RIGHT_READ))
        return E_INVAL;
    struct proc *p = proc_alloc();
    if (!p)
        return E_FULL;
    *p = (struct proc){ .pid = pm.next_pid++, .parent = badge_pid(badge), .state = PROC_RUNNING,
                        .adopted = true, .thread = cap };
    memcpy(p->name, rq->name, n + 1);
    *kept = true;
    rp->words[0] = p->pid;
    rp->len = 1;
    printf("proc: adopt pid=%lu name=%s\n", p->pid, p->name);
    return 0;
}

/* PROC_SELF_SPACE: a copy of the caller's own space capability. The copy we
 * reply with is deleted after the reply; the caller's is derived from our
 * p->space, which proc_free_memory() revokes. */
uint64_t proc_self_space_request(uint64_t badge, struct reply *rp)
{
    struct proc *p = proc_find(badge & PROC_BADGE_PID_MASK);
    if (!p || p->adopted || !p->space)
        return E_NOENT;
    long c = sys_cap_copy(p->space, -1);
    if (c < 0)
        return (uint64_t)-c;
    rp->cap = c;
    return 0;
}

/* PROC_SET_STANDARD {slot} + cap: every later child gets cap at slot. */
uint64_t proc_set_standard_request(uint64_t badge, const struct proc_give *rq, cap_t cap,
                                   bool *kept)
{
    if (!badge_manager(badge))
        return E_PERM;
    if (rq->slot < PROC_CAP_STANDARD_FIRST || rq->slot > PROC_CAP_STANDARD_LAST ||
        rq->slot == PROC_CAP_MM || rq->slot == PROC_CAP_PROC)
        return E_INVAL;
    sys_cap_delete(STD_SLOT((long)rq->slot));
    long r = sys_cap_move(cap, STD_SLOT((long)rq->slot));
    if (r < 0)
        return (uint64_t)-r;
    *kept = true;
    return 0;
}
