/*
 * ipcserver.c: the other side of ipcbench's cross-address-space round trip
 * (bin/ipcserver, spawned by ipcbench). Its one capability is the endpoint
 * at PROC_CAP_SERVICE (receive right); it answers every call with word 0
 * plus one, register-only, as ipcbench's in-space server does, until a call
 * with label 0, which it answers and then exits.
 */
#include <messaging.h>
#include <mica/proto/proc.h>

int main(int argc, char **argv)
{
    struct ipc_msg m;
    long r = ipc_recv(PROC_CAP_SERVICE, TIMEOUT_FOREVER, &m);
    while (r == 0 && MSG_LABEL(m.info) != 0) {
        uint64_t w[4] = { m.w[0] + 1, m.w[1], m.w[2], m.w[3] };
        r = ipc_reply_recv(PROC_CAP_SERVICE, MSG_INFO(2, 4, 0), w, &m);
    }
    if (r == 0)
        ipc_reply(MSG_INFO(0, 0, 0), NULL);
    return r == 0 ? 0 : 1;
}
