/*
 * console.c: the console server's client side (consio.h). Writes and line
 * reads are repeated after a restart of the console server
 * (rpc_call_retry()): a write the dead server had taken may then show
 * twice, and a line being typed when it died is lost.
 */
#include <consio.h>
#include <stdlib.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <rpc.h>
#include <mica/error.h>
#include <mica/proto/console.h>

static cap_t console_ep;

/* The buffer lives in the thread's thread_local() word. */
struct ipc_buffer *ipc_buffer_self(void)
{
    void **slot = thread_local();
    if (!*slot && (*slot = calloc(1, sizeof(struct ipc_buffer))) != NULL)
        ipc_buffer_register(*slot);
    return *slot;
}

void console_attach(cap_t ep)
{
    console_ep = ep;
}

cap_t console_endpoint(void)
{
    return console_ep;
}

long console_write(const char *s, size_t n)
{
    struct ipc_buffer *buf = console_ep ? ipc_buffer_self() : NULL;
    if (!buf)
        return sys_debug_write((long)s, n);
    for (size_t done = 0; done < n;) {
        struct console_io rq;
        struct console_count rp;
        rq.len = n - done < CONSOLE_IO_MAX ? n - done : CONSOLE_IO_MAX;
        memcpy(rq.data, s + done, rq.len);
        long r = rpc_call_retry(console_ep, buf, RPC_IDEMPOTENT, CONSOLE_WRITE, &rq,
                                1 + (rq.len + 7) / 8, &rp, 1, NULL, NULL);
        if (r < 0)
            return r;
        done += rq.len;
    }
    return (long)n;
}

long console_readline(char *line, size_t size)
{
    struct ipc_buffer *buf = console_ep ? ipc_buffer_self() : NULL;
    struct console_read rq = { .max = size - 1 < CONSOLE_IO_MAX ? size - 1 : CONSOLE_IO_MAX };
    struct console_io rp;
    if (!buf || size < 2)
        return -E_NOSYS;
    long r = rpc_call_retry(console_ep, buf, RPC_IDEMPOTENT, CONSOLE_READLINE, &rq,
                            PROTO_WORDS(rq), &rp, PROTO_WORDS(rp), NULL, NULL);
    if (r < 0)
        return r;
    memcpy(line, rp.data, rp.len);
    line[rp.len] = '\0';
    return (long)rp.len;
}
