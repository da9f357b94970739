/*
 * rpc.c: protocol calls and the server loop (rpc.h). Words 0..3 of a
 * message go in registers, the rest through the thread's IPC buffer.
 */
#include <rpc.h>
#include <string.h>
#include <sys.h>
#include <mica/cap.h>
#include <mica/error.h>

long rpc_call(cap_t ep, struct ipc_buffer *buf, uint64_t label, const void *req, unsigned req_words,
              void *rep, unsigned rep_max, unsigned *rep_words)
{
    uint64_t w[IPC_REG_WORDS] = { 0 };
    struct ipc_msg m;
    if (req_words > IPC_MAX_WORDS)
        return -E_INVAL;
    memcpy(w, req, (req_words < IPC_REG_WORDS ? req_words : IPC_REG_WORDS) * 8);
    if (req_words > IPC_REG_WORDS)
        memcpy(&buf->words[IPC_REG_WORDS], (const uint64_t *)req + IPC_REG_WORDS,
               (req_words - IPC_REG_WORDS) * 8);
    long r = ipc_call(ep, MSG_INFO(label, req_words, 0), w, &m);
    if (r < 0)
        return r;
    unsigned len = MSG_LEN(m.info), n = len < rep_max ? len : rep_max;
    for (unsigned i = 0; i < n; i++)
        ((uint64_t *)rep)[i] = i < IPC_REG_WORDS ? m.w[i] : buf->words[i];
    if (rep_words)
        *rep_words = n;
    return -(long)MSG_LABEL(m.info);
}

/* Is ep still an endpoint capability? (A supervisor that gives up revokes it.) */
static bool endpoint_alive(cap_t ep)
{
    struct cap_info ci;
    return sys_cap_info(ep, (long)&ci) == 0 && ci.type == CAP_TYPE_ENDPOINT;
}

long rpc_call_retry(cap_t ep, struct ipc_buffer *buf, enum rpc_retry how, uint64_t label,
                    const void *req, unsigned req_words, void *rep, unsigned rep_max,
                    unsigned *rep_words, unsigned *repeats)
{
    long r = rpc_call(ep, buf, label, req, req_words, rep, rep_max, rep_words);
    unsigned n = 0;
    /* LAB 7 BEGIN: exercise 2: retry: repeat an idempotent call the dead server held, E_RESTARTED for the others */
    while (r == -E_DEAD && endpoint_alive(ep)) {
        if (how != RPC_IDEMPOTENT || n == RPC_RETRIES) {
            r = -E_RESTARTED;       /* it may have happened; or it keeps dying under us */
            break;
        }
        sys_sleep(RPC_RETRY_TICKS);
        n++;
        r = rpc_call(ep, buf, label, req, req_words, rep, rep_max, rep_words);
    }
    if (r == -E_BADCAP && n > 0)
        r = -E_DEAD;                /* revoked while we waited to repeat */
    /* LAB 7 STUB
    (void)how;
    (void)endpoint_alive;
    LAB 7 END */
    if (repeats)
        *repeats = n;
    return r;
}

long rpc_serve(cap_t ep, struct ipc_buffer *buf, rpc_handler fn, void *ctx)
{
    uint64_t req[IPC_MAX_WORDS], reply[IPC_MAX_WORDS];
    struct ipc_msg m;
    long r = ipc_recv(ep, TIMEOUT_FOREVER, &m);
    while (r == 0) {
        unsigned len = MSG_LEN(m.info), rlen = 0;
        for (unsigned i = 0; i < len; i++)
            req[i] = i < IPC_REG_WORDS ? m.w[i] : buf->words[i];
        memset(&req[len], 0, (IPC_MAX_WORDS - len) * 8);
        memset(reply, 0, IPC_REG_WORDS * 8);    /* short replies send no stale words */
        uint64_t result = fn(ctx, m.badge, MSG_LABEL(m.info), req, len, reply, &rlen);
        if (result != 0 || rlen > IPC_MAX_WORDS)
            rlen = 0;
        for (unsigned i = IPC_REG_WORDS; i < rlen; i++)
            buf->words[i] = reply[i];
        r = ipc_reply_recv(ep, MSG_INFO(result, rlen, 0), reply, &m);
    }
    return r;
}
