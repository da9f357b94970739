/*
 * procman.h: the process manager's state, shared by its files:
 *   main.c     start-up, the receive loop, decoding and answering messages
 *   launch.c   PROC_SPAWN, the watcher threads, a process's end
 *   ops.c      the process table, PROC_WAIT, PROC_KILL, PROC_LIST,
 *              PROC_GIVE, PROC_ADOPT, PROC_SET_STANDARD
 *
 * One thread (the server loop) changes everything below. A watcher thread
 * per spawned process only joins the process's main thread and sends the
 * status to the server's own endpoint (badge PROCMAN_BADGE_DIED), so the
 * server frees the process between two requests: no locks.
 */
#ifndef PROCMAN_H
#define PROCMAN_H

#include <spawn.h>
#include <mica/proto/proc.h>

/*
 * Where we keep the standard set (slots 12-17 of mica/proto/proc.h): at
 * start-up those capabilities move up here, since the kernel puts every new
 * capability into the lowest free slot from CAP_FIRST_FREE on, and a
 * thread or frame capability that landed in slot 12 must not be taken for
 * the console's and handed to every child.
 */
#define PROCMAN_STD_BASE    248
#define STD_SLOT(slot)      (PROCMAN_STD_BASE + (slot) - PROC_CAP_STANDARD_FIRST)

/* The badge of the watchers' capability to the server's own endpoint. */
#define PROCMAN_BADGE_DIED  (1ULL << 61)
/* A label only watchers send (with that badge): w0 = pid, w1 = status. */
#define PROCMAN_DIED        (PROTO_BASE_PROC + 0xf0)

struct proc {
    uint64_t pid;               /* 0: the entry is free */
    uint64_t parent;            /* the spawner's pid (0: the root task) */
    int state;                  /* PROC_RUNNING, PROC_ZOMBIE */
    int64_t status;             /* when PROC_ZOMBIE */
    bool adopted;               /* listed only: PROC_ADOPT, not spawned here */
    bool orphan;                /* its parent ended: collected when it ends */
    char name[PROC_NAME_MAX];
    cap_t thread;               /* its main thread (spawned: all rights) */
    cap_t space;                /* spawned: its address space; 0 once freed */
    cap_t frames;               /* spawned: its image and stack; 0 once freed */
    cap_t watcher;              /* spawned: the thread joining its main thread */
    cap_t join;                 /* the watcher's copy of `thread` (its join empties it) */
};

/* Capabilities staged with PROC_GIVE by one caller (badge). */
struct stage {
    bool used;
    uint64_t badge;
    unsigned n;
    struct spawn_cap caps[PROC_GIVE_MAX];   /* from: our slot; to: the child's */
};

struct procman {
    struct proc procs[PROC_MAX];
    struct stage stages[PROC_MAX];
    uint64_t next_pid;
    struct frame_pool pool;     /* programs' images and stacks */
    const void *archive;        /* mapped at PROC_ARCHIVE_ADDR */
    size_t archive_size;
    cap_t died;                 /* our endpoint, SEND, badge PROCMAN_BADGE_DIED */
    struct ipc_buffer *buf;     /* the server thread's IPC buffer */
    bool use_mm;                /* the memory manager pages programs (launch.c) */
};

extern struct procman pm;

/* What a handler answers: the reply words and, optionally, a capability. */
struct reply {
    uint64_t words[IPC_MAX_WORDS];
    unsigned len;
    cap_t cap;                  /* sent with the reply (then deleted), or 0 */
};

static inline uint64_t badge_pid(uint64_t badge)
{
    return badge & PROC_BADGE_PID_MASK;
}

static inline bool badge_manager(uint64_t badge)
{
    return badge == 0 || (badge & PROC_BADGE_MANAGER);
}

/* launch.c. Handlers return 0 or a positive error code (the reply label). */
uint64_t proc_spawn_request(uint64_t badge, const struct proc_spawn *rq, struct reply *rp);
void proc_died(uint64_t pid, int64_t status);
void proc_free_memory(struct proc *p);
bool proc_mm_present(void);

/* ops.c */
struct proc *proc_find(uint64_t pid);
struct proc *proc_alloc(void);
void proc_release(struct proc *p);
struct stage *stage_of(uint64_t badge, bool create);
void stage_clear(struct stage *s);
uint64_t proc_wait_request(uint64_t badge, const struct proc_wait *rq, struct reply *rp);
uint64_t proc_kill_request(uint64_t badge, const struct proc_pid *rq);
uint64_t proc_list_request(const struct proc_pid *rq, struct reply *rp);
uint64_t proc_give_request(uint64_t badge, const struct proc_give *rq, cap_t cap, bool *kept);
uint64_t proc_adopt_request(uint64_t badge, const struct proc_adopt *rq, cap_t cap, bool *kept,
                            struct reply *rp);
uint64_t proc_self_space_request(uint64_t badge, struct reply *rp);
uint64_t proc_set_standard_request(uint64_t badge, const struct proc_give *rq, cap_t cap,
                                   bool *kept);

#endif
