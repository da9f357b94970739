/*
 * mm.c: the memory manager's client side (mmclient.h). Requests of at most four
 * words go in registers (rpc_call() without a buffer); MM_INIT and MM_ADD
 * carry a capability through the caller's IPC buffer.
 */
#include <mmclient.h>
#include <rpc.h>
#include <mica/error.h>

static cap_t attached;

void mm_attach(cap_t ep)
{
    attached = ep;
}

cap_t mm_endpoint(void)
{
    return attached;
}

/* A call that sends capability `cap` along with `words`. */
static long call_with_cap(cap_t mm, struct ipc_buffer *buf, uint64_t label, const uint64_t *w,
                          unsigned len, cap_t cap)
{
    struct ipc_msg m;
    if (!buf)
        return -E_INVAL;
    buf->send_cap = cap;
    long r = ipc_call(mm, MSG_INFO(label, len, 1), w, &m);
    return r < 0 ? r : -(long)MSG_LABEL(m.info);
}

long mm_init(cap_t mm, struct ipc_buffer *buf, cap_t self_space)
{
    return call_with_cap(mm, buf, MM_INIT, NULL, 0, self_space);
}

long mm_add(cap_t mm, struct ipc_buffer *buf, uint64_t pid, cap_t space, uint64_t limit)
{
    struct mm_add rq = { pid, limit };
    return call_with_cap(mm, buf, MM_ADD, (const uint64_t *)&rq, PROTO_WORDS(rq), space);
}

long mm_remove(cap_t mm, uint64_t pid)
{
    struct mm_pid rq = { pid };
    return rpc_call(mm, NULL, MM_REMOVE, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

long mm_alloc(cap_t mm, uint64_t pid, uint64_t start, uint64_t pages, unsigned flags)
{
    struct mm_region rq = { pid, start, pages, flags };
    return rpc_call(mm, NULL, MM_ALLOC, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

long mm_free(cap_t mm, uint64_t pid, uint64_t start, uint64_t pages)
{
    struct mm_region rq = { pid, start, pages, 0 };
    return rpc_call(mm, NULL, MM_FREE, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

long mm_stat(cap_t mm, uint64_t pid, struct mm_stat *out)
{
    struct mm_pid rq = { pid };
    return rpc_call(mm, NULL, MM_STAT, &rq, PROTO_WORDS(rq), out, PROTO_WORDS(*out), NULL);
}

long mm_set_limit(cap_t mm, uint64_t pid, uint64_t frames)
{
    struct mm_limit rq = { pid, frames };
    return rpc_call(mm, NULL, MM_SET_LIMIT, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}
