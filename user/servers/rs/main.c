/*
 * main.c: the reincarnation server (bin/rs, mica/proto/rs.h). It gets its
 * capabilities from the root task (rs.h lists the slots), starts the
 * built-in services (service.c) and then serves its endpoint:
 *
 *   RS_SUPERVISE  rs_supervise -> nothing     one more service
 *   RS_STATUS     rs_name -> rs_status
 *   RS_STOP       rs_name -> nothing          end a service for good
 *   RS_CRASH      rs_crash -> nothing         PROTO_CRASH with the supervisor's badge
 *
 * Every request is checked completely here (lengths, terminated names,
 * ranges) before service.c acts on it; anything else gets E_INVAL. rs
 * prints with sys_debug_write (never through the console server, which it
 * may be restarting).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rpc.h>
#include <consio.h>
#include <selfspace.h>
#include <mica/error.h>
#include "service.h"

#define RESULT(r) ((r) < 0 ? (uint64_t)-(r) : 0)

/* A name: terminated, non-empty, printable, no '/' (as the name server wants). */
static bool good_name(const char *s, size_t size)
{
    size_t n = strnlen(s, size);
    if (n == 0 || n == size)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/')
            return false;
    return true;
}

static uint64_t do_supervise(const uint64_t *w, unsigned len)
{
    const struct rs_supervise *rq = (const void *)w;
    if (len != PROTO_WORDS(*rq) || !good_name(rq->name, sizeof rq->name) ||
        strnlen(rq->path, sizeof rq->path) == sizeof rq->path || rq->path[0] == '\0' ||
        rq->max_restarts > RS_RESTARTS_MAX || rq->reserved != 0 || rq->window_ticks == 0 ||
        rq->heartbeat_ticks != 0)
        return E_INVAL;
    return RESULT(service_supervise(rq->name, rq->path, rq->max_restarts, rq->window_ticks));
}

static uint64_t do_status(const uint64_t *w, unsigned len, uint64_t *reply, unsigned *reply_len)
{
    const struct rs_name *rq = (const void *)w;
    if (len != PROTO_WORDS(*rq) || !good_name(rq->name, sizeof rq->name))
        return E_INVAL;
    long r = service_status(rq->name, (struct rs_status *)reply);
    if (r == 0)
        *reply_len = PROTO_WORDS(struct rs_status);
    return RESULT(r);
}

static uint64_t do_stop(const uint64_t *w, unsigned len)
{
    const struct rs_name *rq = (const void *)w;
    if (len != PROTO_WORDS(*rq) || !good_name(rq->name, sizeof rq->name))
        return E_INVAL;
    return RESULT(service_stop(rq->name));
}

static uint64_t do_crash(const uint64_t *w, unsigned len)
{
    const struct rs_crash *rq = (const void *)w;
    if (len != PROTO_WORDS(*rq) || !good_name(rq->name, sizeof rq->name))
        return E_INVAL;
    return RESULT(service_crash(rq->name, rq->after, rq->seed));
}

static uint64_t handle(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w, unsigned len,
                       uint64_t *reply, unsigned *reply_len)
{
    switch (label) {
    case RS_SUPERVISE:
        return do_supervise(w, len);
    case RS_STATUS:
        return do_status(w, len, reply, reply_len);
    case RS_STOP:
        return do_stop(w, len);
    case RS_CRASH:
        return do_crash(w, len);
    default:
        return E_INVAL;
    }
}

int main(int argc, char **argv)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    long r = buf ? self_space_request(buf) : -E_NOMEM;
    if (r == 0)
        r = instance_init();
    if (r < 0) {
        printf("rs: cannot start: %s\n", mica_strerror(r));
        return 1;
    }
    r = service_builtins();
    printf("rs: ready ret=%ld\n", r);
    r = rpc_serve(RS_CAP_SERVICE, buf, handle, NULL);
    printf("rs: serve loop ended: %s\n", mica_strerror(r));
    return 1;
}
