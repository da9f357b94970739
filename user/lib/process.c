/*
 * process.c: the process manager's client side (process.h). Requests go
 * through the calling thread's ipc_buffer_self(); capabilities travel in
 * its send_cap and recv_slot.
 */
#include <process.h>
#include <consio.h>
#include <messaging.h>
#include <string.h>
#include <sys.h>
#include <thread.h>
#include <mica/cap.h>
#include <mica/error.h>

static cap_t proc_ep = PROC_CAP_PROC;

void proc_attach(cap_t ep)
{
    proc_ep = ep ? ep : PROC_CAP_PROC;
}

/* An empty slot of ours, or 0. */
static cap_t empty_slot(void)
{
    struct cap_info ci;
    for (cap_t s = CAP_FIRST_FREE; s < CAP_TABLE_SLOTS; s++)
        if (sys_cap_info(s, (long)&ci) == -E_BADCAP)
            return s;
    return 0;
}

/*
 * Call the manager with `label` and req (words), sending capability `send`
 * (0: none) and taking one into *got (NULL: none wanted; -1 if none came).
 * Copies at most rep_max reply words to rep. Returns 0 or -error.
 */
static long call(uint64_t label, const void *req, unsigned words, cap_t send, cap_t *got,
                 void *rep, unsigned rep_max)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    uint64_t w[IPC_REG_WORDS] = { 0 };
    struct ipc_msg m;
    if (!buf)
        return -E_NOMEM;
    memcpy(w, req, (words < IPC_REG_WORDS ? words : IPC_REG_WORDS) * sizeof(uint64_t));
    if (words > IPC_REG_WORDS)
        memcpy(&buf->words[IPC_REG_WORDS], (const uint64_t *)req + IPC_REG_WORDS,
               (words - IPC_REG_WORDS) * sizeof(uint64_t));
    cap_t slot = got ? empty_slot() : 0;
    if (got && !slot)
        return -E_FULL;
    buf->send_cap = send;
    buf->recv_slot = slot;
    long r = ipc_call(proc_ep, MSG_INFO(label, words, send != 0), w, &m);
    buf->recv_slot = 0;
    if (got)
        *got = r == 0 && MSG_HAS_CAP(m.info) ? slot : -1;
    if (r < 0)
        return r;
    if (MSG_LABEL(m.info) != 0)
        return -(long)MSG_LABEL(m.info);
    unsigned len = MSG_LEN(m.info) < rep_max ? MSG_LEN(m.info) : rep_max;
    for (unsigned i = 0; i < len; i++)
        ((uint64_t *)rep)[i] = i < IPC_REG_WORDS ? m.w[i] : buf->words[i];
    return 0;
}

long proc_give(cap_t slot, cap_t cap)
{
    struct proc_give rq = { (uint64_t)slot };
    return cap > 0 ? call(PROC_GIVE, &rq, PROTO_WORDS(rq), cap, NULL, NULL, 0) : -E_BADCAP;
}

long proc_boot(cap_t space)
{
    return space > 0 ? call(PROC_BOOT, NULL, 0, space, NULL, NULL, 0) : -E_BADCAP;
}

long proc_set_standard(cap_t slot, cap_t cap)
{
    struct proc_give rq = { (uint64_t)slot };
    return cap > 0 ? call(PROC_SET_STANDARD, &rq, PROTO_WORDS(rq), cap, NULL, NULL, 0)
                   : -E_BADCAP;
}

long proc_spawn_flags(const char *path, int argc, const char *const *argv, uint64_t flags,
                      uint64_t *pid, cap_t *thread)
{
    struct proc_spawn rq = { .argc = (uint32_t)argc, .flags = flags };
    struct proc_pid rp;
    cap_t got;
    if (thread)
        *thread = -1;
    if (strlen(path) >= sizeof rq.path || argc < 1 || argc > PROC_ARGC_MAX)
        return -E_INVAL;
    strlcpy(rq.path, path, sizeof rq.path);
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        if (n > sizeof rq.args - rq.args_len)
            return -E_INVAL;
        memcpy(rq.args + rq.args_len, argv[i], n);
        rq.args_len += (uint32_t)n;
    }
    long r = call(PROC_SPAWN, &rq, PROTO_WORDS(rq), 0, &got, &rp, PROTO_WORDS(rp));
    if (r < 0)
        return r;
    *pid = rp.pid;
    if (thread)
        *thread = got;
    else if (got > 0)
        sys_cap_delete(got);
    return 0;
}

long proc_spawn(const char *path, int argc, const char *const *argv, uint64_t *pid, cap_t *thread)
{
    return proc_spawn_flags(path, argc, argv, 0, pid, thread);
}

long proc_collect(uint64_t pid, uint64_t *done, int64_t *status)
{
    struct proc_wait rq = { pid, PROC_WAIT_NOHANG };
    struct proc_status rp;
    long r = call(PROC_WAIT, &rq, PROTO_WORDS(rq), 0, NULL, &rp, PROTO_WORDS(rp));
    if (r == 0) {
        *done = rp.pid;
        *status = rp.status;
    }
    return r;
}

long proc_wait(uint64_t pid, cap_t thread, int64_t *status)
{
    uint64_t done;
    if (thread > 0)
        sys_thread_join(thread, TIMEOUT_FOREVER);
    long r;
    while ((r = proc_collect(pid, &done, status)) == -E_AGAIN)
        sleep_ticks(1);                 /* the manager's watcher has not reported yet */
    return r;
}

long proc_kill(uint64_t pid)
{
    struct proc_pid rq = { pid };
    return call(PROC_KILL, &rq, PROTO_WORDS(rq), 0, NULL, NULL, 0);
}

long proc_list(uint64_t first, struct proc_list_reply *out)
{
    struct proc_pid rq = { first };
    memset(out, 0, sizeof *out);
    return call(PROC_LIST, &rq, PROTO_WORDS(rq), 0, NULL, out, PROTO_WORDS(*out));
}

long proc_adopt(const char *name, cap_t thread, uint64_t *pid)
{
    struct proc_adopt rq = { { 0 } };
    struct proc_pid rp;
    if (strlen(name) >= sizeof rq.name)
        return -E_INVAL;
    strlcpy(rq.name, name, sizeof rq.name);
    long r = call(PROC_ADOPT, &rq, PROTO_WORDS(rq), thread, NULL, &rp, PROTO_WORDS(rp));
    if (r == 0)
        *pid = rp.pid;
    return r;
}
