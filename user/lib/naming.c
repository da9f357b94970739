/*
 * naming.c: the name server's client side (naming.h).
 */
#include <naming.h>
#include <rpc.h>
#include <string.h>
#include <sys.h>
#include <mica/error.h>
#include <mica/proto/names.h>

static struct names_request request(const char *name, uint64_t rights)
{
    struct names_request rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.name, name, sizeof rq.name);
    rq.rights = rights;
    return rq;
}

long naming_register(cap_t names, struct ipc_buffer *buf, const char *name, cap_t ep,
                    uint64_t rights)
{
    struct names_request rq = request(name, rights);
    uint64_t w[PROTO_WORDS(rq)];
    struct ipc_msg m;
    memcpy(w, &rq, sizeof rq);
    for (unsigned i = IPC_REG_WORDS; i < PROTO_WORDS(rq); i++)
        buf->words[i] = w[i];
    buf->send_cap = ep;
    long r = ipc_call(names, MSG_INFO(NAMES_REGISTER, PROTO_WORDS(rq), 1), w, &m);
    buf->send_cap = 0;
    return r < 0 ? r : -(long)MSG_LABEL(m.info);
}

long naming_lookup(cap_t names, struct ipc_buffer *buf, const char *name, cap_t slot)
{
    struct names_request rq = request(name, 0);
    struct names_lookup_reply rp;
    buf->recv_slot = slot;
    long r = rpc_call_retry(names, buf, RPC_IDEMPOTENT, NAMES_LOOKUP, &rq, PROTO_WORDS(rq),
                            &rp, PROTO_WORDS(rp), NULL, NULL);
    buf->recv_slot = 0;
    struct cap_info ci;
    if (r == 0 && sys_cap_info(slot, (long)&ci) < 0)
        r = -E_BADCAP;              /* answered, but no capability came */
    return r;
}

long naming_unregister(cap_t names, struct ipc_buffer *buf, const char *name)
{
    struct names_request rq = request(name, 0);
    return rpc_call_retry(names, buf, RPC_ONCE, NAMES_UNREGISTER, &rq, PROTO_WORDS(rq), NULL, 0,
                          NULL, NULL);
}
