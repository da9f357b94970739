/*
 * selfspace.c: a spawned program gets its own space capability from its
 * starter over a bootstrap endpoint (selfspace.h).
 */
#include <selfspace.h>
#include <mica/proto/proc.h>
#include <messaging.h>
#include <sys.h>
#include <mica/error.h>

long self_space_request(struct ipc_buffer *buf)
{
    struct cap_info ci;
    struct ipc_msg m;
    if (sys_cap_info(CAP_SELF_SPACE, (long)&ci) == 0 && ci.type == CAP_TYPE_SPACE)
        return 0;
    buf->recv_slot = CAP_SELF_SPACE;
    long r;
    if (sys_cap_info(SELF_SPACE_BOOTSTRAP, (long)&ci) == 0) {
        r = ipc_call(SELF_SPACE_BOOTSTRAP, MSG_INFO(0, 0, 0), NULL, &m);
        sys_cap_delete(SELF_SPACE_BOOTSTRAP);
    } else {
        /* Started by the process manager: it hands out our space. */
        r = ipc_call(PROC_CAP_PROC, MSG_INFO(PROC_SELF_SPACE, 0, 0), NULL, &m);
        if (r == 0 && MSG_LABEL(m.info) != 0)
            r = -(long)MSG_LABEL(m.info);
    }
    buf->recv_slot = 0;
    if (r == 0 && !MSG_HAS_CAP(m.info))
        r = -E_BADCAP;
    return r;
}

void self_space_drop(void)
{
    sys_cap_delete(CAP_SELF_SPACE);
}

long self_space_grant(cap_t ep, cap_t space, struct ipc_buffer *buf, tick_t timeout)
{
    struct ipc_msg m;
    long r = ipc_recv(ep, timeout, &m);
    if (r < 0)
        return r;
    buf->send_cap = space;
    r = ipc_reply(MSG_INFO(0, 0, 1), NULL);
    buf->send_cap = 0;
    return r;
}
