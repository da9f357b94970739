/*
 * launch.c: PROC_SPAWN, the watcher of each process, and a process's end.
 *
 * A spawn checks the request completely, loads the program with spawn()
 * (user/lib/spawn.c) from the archive into a piece of the frame pool, its
 * first thread still stopped; gives it the standard set and the caller's
 * staged capabilities; registers it with the memory manager (mm_register);
 * starts it; and starts a watcher thread that joins its main thread and
 * reports the status to our own endpoint. proc_died() then frees the
 * process's memory (the piece goes back to the pool) and keeps its status
 * until the parent collects it (ops.c).
 *
 * Prints "proc: spawn pid=<p> name=<n> parent=<p> pages=<n> ret=0" or
 * "proc: spawn path=<path> ret=<err>", and "proc: exit pid=<p> name=<n>
 * status=<s>".
 */
#include <stdio.h>
#include <string.h>
#include <sys.h>
#include <thread.h>
#include <archive.h>
#include <messaging.h>
#include <mica/cap.h>
#include <mica/error.h>
#include "procman.h"

#define CHILD_PRIO  PRIO_DEFAULT
#define WATCH_PRIO  (PRIO_DEFAULT + 4)  /* above the server: a death is handled first */

/* ---- the memory manager's part ---- */

/*
 * With a memory manager (an unbadged endpoint at PROC_CAP_MM), a program's image is still loaded here, but
 * only the top MM_EAGER_STACK stack pages are mapped; the rest of the stack
 * is a demand-zero region of the memory manager, which gets the program's
 * faults (the program's malloc() grows its heap there itself: start.c).
 * Without one, spawn() maps the whole stack and the heap is in the image's
 * bss. The calls are those of user/lib/mm.c (mica/proto/mm.h); this is all
 * of proc that knows of the memory manager.
 */
#include <mmclient.h>

#define MM_EAGER_STACK  4               /* stack pages spawn() maps: the arguments, and room for the
                                           buffers system calls read or write (the kernel does not
                                           page those in through the memory manager) */

static cap_t mm_manager;                /* ours, badged MM_BADGE_MANAGER */

/* An unbadged endpoint at PROC_CAP_MM (so that each child's can be badged
 * with its pid): mint our manager capability from it. */
static bool mm_present(void)
{
    struct cap_info ci;
    if (sys_cap_info(STD_SLOT(PROC_CAP_MM), (long)&ci) < 0 || ci.type != CAP_TYPE_ENDPOINT ||
        ci.badge != 0)
        return false;
    long r = sys_cap_mint(STD_SLOT(PROC_CAP_MM), -1, RIGHT_SEND | RIGHT_GRANT, MM_BADGE_MANAGER);
    mm_manager = r > 0 ? r : 0;
    return mm_manager != 0;
}

/* Register p's space, declare the rest of its stack demand-zero, send its
 * faults to the memory manager (badged with its pid). */
static long mm_register(struct proc *p)
{
    long r = mm_add(mm_manager, pm.buf, p->pid, p->space, 0);
    if (r == 0)
        r = mm_alloc(mm_manager, p->pid, SPAWN_STACK_TOP - SPAWN_STACK_PAGES * 4096UL,
                     SPAWN_STACK_PAGES - MM_EAGER_STACK, MM_WRITE);
    long f = r == 0 ? sys_cap_mint(STD_SLOT(PROC_CAP_MM), -1, RIGHT_SEND, (long)p->pid) : r;
    if (f >= 0) {
        r = sys_thread_set_fault_handler(p->thread, f);
        sys_cap_delete(f);              /* the handler does not keep the capability */
    }
    return f < 0 ? f : r;
}

static void mm_unregister(struct proc *p)
{
    mm_remove(mm_manager, p->pid);
}

/* ---- spawn ---- */

/* Check rq's path and arguments and point argv[] at the strings in
 * rq->args. Returns 0 or E_INVAL. */
static uint64_t unpack_args(const struct proc_spawn *rq, const char *argv[PROC_ARGC_MAX])
{
    /* LAB 6 BEGIN: proc: check a spawn request and unpack its arguments */
    size_t plen = strnlen(rq->path, sizeof rq->path);
    if (plen == 0 || plen == sizeof rq->path)
        return E_INVAL;
    if (rq->argc < 1 || rq->argc > PROC_ARGC_MAX || rq->args_len < 1 ||
        rq->args_len > PROC_ARGS_MAX || rq->args[rq->args_len - 1] != '\0')
        return E_INVAL;
    uint32_t n = 0;
    for (uint32_t at = 0; at < rq->args_len; at += (uint32_t)strlen(rq->args + at) + 1) {
        if (n == rq->argc)
            return E_INVAL;             /* more strings than argc */
        argv[n++] = rq->args + at;
    }
    return n == rq->argc ? 0 : E_INVAL;
    /* LAB 6 STUB
    (void)rq; (void)argv;
    return E_NOSYS;
    LAB 6 END */
}

/* The capabilities p gets: the standard set we hold (PROC_CAP_MM and
 * PROC_CAP_PROC minted with its pid; a staged one takes the slot instead),
 * then the staged ones. Minted capabilities go to minted[] (deleted after
 * the spawn). Returns how many, or a negative error. */
static long child_caps(const struct proc *p, uint64_t flags, const struct stage *st,
                       struct spawn_cap caps[SPAWN_CAPS_MAX], cap_t minted[2], unsigned *nminted)
{
    struct cap_info ci;
    unsigned n = 0;
    *nminted = 0;
    for (cap_t slot = PROC_CAP_STANDARD_FIRST; slot <= PROC_CAP_STANDARD_LAST; slot++) {
        bool staged = false;
        for (unsigned i = 0; st && i < st->n; i++)
            staged |= st->caps[i].to == slot;
        long from = STD_SLOT(slot);
        if (staged || sys_cap_info(from, (long)&ci) < 0 || (slot == PROC_CAP_MM && !pm.use_mm))
            continue;
        if (slot == PROC_CAP_MM)
            from = sys_cap_mint(from, -1, RIGHT_SEND, (long)p->pid);
        else if (slot == PROC_CAP_PROC)
            from = sys_cap_mint(from, -1, RIGHT_SEND | RIGHT_GRANT,
                                (long)(p->pid | (flags & PROC_SPAWN_MANAGER ? PROC_BADGE_MANAGER : 0)));
        if (from < 0)
            return from;
        if (from != STD_SLOT(slot))
            minted[(*nminted)++] = from;
        caps[n++] = (struct spawn_cap){ from, slot };
    }
    for (unsigned i = 0; st && i < st->n; i++)
        caps[n++] = st->caps[i];
    return n;
}

static int watch(void *arg);

/* Load, equip and start the program for p (its pid set). Returns 0 or an
 * error code; on error nothing of p is left. */
static uint64_t launch(struct proc *p, const struct archive_entry *e, const struct proc_spawn *rq,
                       const char **argv, const struct stage *st)
{
    struct spawn_cap caps[SPAWN_CAPS_MAX];
    cap_t minted[2];
    unsigned nminted;
    long r = child_caps(p, rq->flags, st, caps, minted, &nminted);
    struct process child;
    if (r >= 0) {
        struct spawn_params sp = { .name = p->name, .argc = (int)rq->argc, .argv = argv,
                                   .caps = caps, .ncaps = (unsigned)r, .priority = CHILD_PRIO,
                                   .flags = SPAWN_SUSPENDED,
                                   .stack_mapped = pm.use_mm ? MM_EAGER_STACK : 0 };
        r = spawn(&pm.pool, e, &sp, &child);
    }
    for (unsigned i = 0; i < nminted; i++)
        sys_cap_delete(minted[i]);
    if (r < 0)
        return (uint64_t)-r;
    p->thread = child.thread;
    p->space = child.space;
    p->frames = child.frames;
    p->state = PROC_RUNNING;
    if (pm.use_mm && (r = mm_register(p)) < 0)
        goto fail;
    if ((r = sys_thread_start(p->thread)) < 0)
        goto fail;
    p->join = sys_cap_copy(p->thread, -1);
    p->watcher = p->join < 0 ? p->join : thread_spawn("watch", watch, p, WATCH_PRIO);
    if (p->watcher >= 0)
        return 0;
    r = p->watcher;
    sys_thread_kill(p->thread);         /* nobody would notice its end */
    if (p->join >= 0)
        sys_cap_delete(p->join);
fail:
    proc_free_memory(p);
    sys_cap_delete(p->thread);
    return (uint64_t)-r;
}

/* The last path component: the process's name in listings. */
static void set_name(struct proc *p, const char *path)
{
    const char *base = strrchr(path, '/');
    strlcpy(p->name, base ? base + 1 : path, sizeof p->name);
}

/*
 * PROC_SPAWN {path, argc, args, flags} -> {pid} + a read-only capability to
 * the child's main thread. The caller's staged capabilities are used (and
 * dropped) whatever the outcome.
 */
uint64_t proc_spawn_request(uint64_t badge, const struct proc_spawn *rq, struct reply *rp)
{
    const char *argv[PROC_ARGC_MAX];
    struct archive_entry e;
    struct stage *st = stage_of(badge, false);
    struct proc *p = NULL;
    uint64_t err = unpack_args(rq, argv);
    if (!err && (rq->flags & ~(uint64_t)PROC_SPAWN_MANAGER))
        err = E_INVAL;
    if (!err && (rq->flags & PROC_SPAWN_MANAGER) && !badge_manager(badge))
        err = E_PERM;
    if (!err && archive_find(pm.archive, pm.archive_size, rq->path, &e) < 0)
        err = E_NOENT;
    if (!err && spawn_check(e.data, e.size, NULL) < 0)
        err = E_NOEXEC;
    if (!err && !(p = proc_alloc()))
        err = E_FULL;
    if (!err) {
        p->pid = pm.next_pid++;
        p->parent = badge_pid(badge);
        set_name(p, rq->path);
        err = launch(p, &e, rq, argv, st);
        if (err) {
            memset(p, 0, sizeof *p);
            pm.next_pid--;              /* nobody saw that pid */
        }
    }
    if (st)
        stage_clear(st);
    if (err) {
        int plen = err == E_INVAL ? 0 : (int)strnlen(rq->path, sizeof rq->path);
        printf("proc: spawn path=%.*s ret=%ld\n", plen, rq->path, -(long)err);
        return err;
    }
    printf("proc: spawn pid=%lu name=%s parent=%lu ret=0\n", p->pid, p->name, p->parent);
    long ro = sys_cap_mint(p->thread, -1, RIGHT_READ, 0);
    rp->words[0] = p->pid;
    rp->len = 1;
    rp->cap = ro > 0 ? ro : 0;
    return 0;
}

/* ---- the end of a process ---- */

/* Joins the main thread of the process it was started for (arg) and sends
 * its status to the server; the server joins this thread in turn. */
static int watch(void *arg)
{
    const struct proc *p = arg;
    uint64_t w[4] = { p->pid, 0, 0, 0 };        /* p stays until we have reported */
    w[1] = (uint64_t)sys_thread_join(p->join, TIMEOUT_FOREVER);
    ipc_send(pm.died, MSG_INFO(PROCMAN_DIED, 2, 0), w);
    return 0;
}

/* Unmap and free p's memory (its pages go back to the pool). */
void proc_free_memory(struct proc *p)
{
    if (p->space)
        sys_space_kill(p->space);       /* threads the main one left behind */
    if (pm.use_mm)
        mm_unregister(p);
    if (p->frames)
        frame_pool_put(&pm.pool, p->frames);
    if (p->space) {
        sys_cap_revoke(p->space);       /* the process's own copy (PROC_SELF_SPACE) */
        sys_cap_delete(p->space);
    }
    p->frames = p->space = 0;
}

/* A watcher reports: p's main thread ended with status. */
void proc_died(uint64_t pid, int64_t status)
{
    struct proc *p = proc_find(pid);
    if (!p || p->adopted || p->state != PROC_RUNNING)
        return;
    thread_join(p->watcher, NULL);      /* it ends right after its send */
    p->watcher = 0;
    p->join = 0;
    printf("proc: exit pid=%lu name=%s status=%ld\n", p->pid, p->name, (long)status);
    /* LAB 6 BEGIN: proc: a process ended: free its memory, keep its status, orphans */
    proc_free_memory(p);
    p->state = PROC_ZOMBIE;
    p->status = status;
    for (int i = 0; i < PROC_MAX; i++)     /* what it staged and never used */
        if (pm.stages[i].used && pm.stages[i].badge != 0 && badge_pid(pm.stages[i].badge) == pid)
            stage_clear(&pm.stages[i]);
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc *c = &pm.procs[i];
        if (c->pid == 0 || c->parent != pid)
            continue;
        c->orphan = true;               /* nobody will collect it: we do */
        if (c->state == PROC_ZOMBIE)
            proc_release(c);
    }
    if (p->orphan)
        proc_release(p);
    /* LAB 6 STUB
    p->state = PROC_ZOMBIE;
    p->status = status;
    LAB 6 END */
}

/* Whether the memory manager is there (main.c, at start-up). */
bool proc_mm_present(void)
{
    return mm_present();
}
