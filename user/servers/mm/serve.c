/*
 * serve.c: the memory manager's request decoder (mica/proto/mm.h). Pure:
 * one request (badge, label, words) becomes a reply label and words by
 * calling process.c, so the host tests drive it with malformed messages.
 * Each request is checked for the sender's badge, its exact length and its
 * fields before anything is done. MM_INIT is main.c's business.
 */
#include "pager.h"
#include <string.h>
#include <mica/error.h>

#define NEED(type)  do { if (len != PROTO_WORDS(type)) return E_INVAL; } while (0)
#define RESULT(r)   ((r) < 0 ? (uint64_t)-(r) : 0)

static bool is_manager(uint64_t badge)
{
    return badge == MM_BADGE_MANAGER;
}

static bool is_pid(uint64_t badge)
{
    return badge >= 1 && badge <= MM_PID_MAX;
}

/* The process a request names: the manager may name any registered pid
 * (not 0); a process only itself (0 or its own pid). */
static uint64_t target(struct pager *pg, uint64_t badge, uint64_t pid, struct pager_proc **p)
{
    if (is_manager(badge)) {
        if (pid == 0)
            return E_INVAL;
    } else if (!is_pid(badge) || (pid != 0 && pid != badge)) {
        return E_PERM;
    } else {
        pid = badge;
    }
    *p = pager_find(pg, pid);
    return *p ? 0 : E_NOENT;
}

uint64_t pager_handle(struct pager *pg, uint64_t badge, uint64_t label, const uint64_t *words,
                      unsigned len, cap_t cap, bool *kept, uint64_t *reply, unsigned *reply_len)
{
    struct pager_proc *p = NULL;
    uint64_t r;
    *reply_len = 0;
    *kept = false;
    switch (label) {
    case IPC_LABEL_FAULT:       /* fault message (mica/ipc.h) -> nothing: resume, or kill */
        if (!is_pid(badge) || len != FAULT_MSG_WORDS)
            return E_INVAL;
        return pager_fault(pg, badge, words[FAULT_MSG_ADDR], words[FAULT_MSG_ACCESS],
                        words[FAULT_MSG_VECTOR]);
    case MM_ADD: {              /* mm_add + space cap -> nothing */
        const struct mm_add *rq = (const void *)words;
        if (!is_manager(badge))
            return E_PERM;
        NEED(struct mm_add);
        if (!cap)               /* none sent, or no entry to keep it in */
            return pager_next_slot(pg) ? E_INVAL : E_FULL;
        int e = pager_add(pg, rq->pid, rq->limit, cap);
        *kept = e == 0;
        return RESULT(e);
    }
    case MM_REMOVE:             /* mm_pid -> nothing */
        if (!is_manager(badge))
            return E_PERM;
        NEED(struct mm_pid);
        return RESULT(pager_remove(pg, ((const struct mm_pid *)words)->pid));
    case MM_ALLOC:              /* mm_region -> nothing */
    case MM_FREE: {
        const struct mm_region *rq = (const void *)words;
        NEED(struct mm_region);
        if (rq->flags & ~(label == MM_ALLOC ? (uint64_t)MM_WRITE : 0))
            return E_INVAL;
        if ((r = target(pg, badge, rq->pid, &p)) != 0)
            return r;
        if (label == MM_ALLOC)
            return RESULT(pager_alloc(pg, p, rq->start, rq->pages, rq->flags & MM_WRITE));
        return RESULT(pager_free(pg, p, rq->start, rq->pages));
    }
    case MM_STAT: {             /* mm_pid -> mm_stat */
        uint64_t pid = ((const struct mm_pid *)words)->pid;
        NEED(struct mm_pid);
        if (!(is_manager(badge) && pid == 0) && (r = target(pg, badge, pid, &p)) != 0)
            return r;
        struct mm_stat st;
        pager_stat(pg, p, &st);
        memcpy(reply, &st, sizeof st);
        *reply_len = PROTO_WORDS(struct mm_stat);
        return 0;
    }
    case MM_SET_LIMIT: {        /* mm_limit -> nothing */
        const struct mm_limit *rq = (const void *)words;
        if (!is_manager(badge))
            return E_PERM;
        NEED(struct mm_limit);
        return RESULT(pager_set_limit(pg, rq->pid, rq->frames));
    }
    case MM_INIT:               /* once only, and main.c serves it before anything else */
        return is_manager(badge) ? E_EXIST : E_PERM;
    case PROTO_CRASH:           /* the memory manager is not supervised: nobody may crash it */
        return E_PERM;
    default:
        return E_INVAL;
    }
}
