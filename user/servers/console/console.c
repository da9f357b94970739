/*
 * console.c: the console server. The UART is programmed once, then three
 * kinds of thread share it:
 *
 *   console-irq   waits on the IRQ 4 notification; on each signal reads the
 *                 receive FIFO until it is empty, edits the line being typed
 *                 (backspace and DEL erase, CR, LF or CR LF end it), echoes,
 *                 queues finished lines, and acknowledges the interrupt;
 *   console (xN)  serve CONSOLE_WRITE (bytes out through the ports, '\n' as
 *                 CR LF, one write never interleaved with another) and
 *                 CONSOLE_READLINE (one reader at a time takes the oldest
 *                 finished line, waiting for one if need be).
 *
 * Output (echo and writes) goes under out_lock; a reader waits under
 * read_lock on line_ntfn, which the irq thread signals per finished line.
 */
#include <stdio.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <rpc.h>
#include <mica/error.h>
#include <mica/cap.h>
#include <mica/proto/console.h>
#include "../../lib/lock.h"
#include "console_server.h"

#define COM1        0x3F8
#define UART_DATA   0
#define UART_IER    1
#define UART_FCR    2
#define UART_MCR    4
#define UART_LSR    5
#define IER_RX      0x01        /* interrupt when received data is available */
#define LSR_DR      0x01        /* a received byte waits */
#define LSR_THRE    0x20        /* room in the transmitter */
#define IRQ_COM1    4
#define LINES       8           /* finished lines queued for readers */

static cap_t ports, irq, irq_ntfn, line_ntfn, ep;
static struct ulock out_lock, read_lock, queue_lock;

/* The line being typed, and finished lines waiting for a reader. */
static char edit[CONSOLE_IO_MAX];
static unsigned edit_len;
static bool last_cr;
static char lines[LINES][CONSOLE_IO_MAX];
static unsigned line_len[LINES], line_head, line_count;

static void uart_put(char c)
{
    while (!(sys_ioport_in(ports, COM1 + UART_LSR, 1) & LSR_THRE))
        ;
    sys_ioport_out(ports, COM1 + UART_DATA, 1, (uint8_t)c);
}

/* Write n bytes, '\n' as CR LF; the caller holds out_lock. */
static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_put('\r');
        uart_put(s[i]);
    }
}

static void echo(const char *s)
{
    ulock_acquire(&out_lock);
    uart_write(s, strlen(s));
    ulock_release(&out_lock);
}

/* The typed line is finished: queue it (dropped if LINES are waiting). */
static void line_done(void)
{
    echo("\n");
    ulock_acquire(&queue_lock);
    if (line_count < LINES) {
        unsigned i = (line_head + line_count++) % LINES;
        memcpy(lines[i], edit, edit_len);
        line_len[i] = edit_len;
    }
    ulock_release(&queue_lock);
    edit_len = 0;
    sys_notify_signal(line_ntfn);
}

/* One received byte through the line editor. */
static void input(uint8_t c)
{
    bool cr_before = last_cr;
    last_cr = c == '\r';
    if (c == '\r' || c == '\n') {
        if (c == '\n' && cr_before)
            return;                     /* the LF of a CR LF pair */
        line_done();
    } else if (c == '\b' || c == 0x7f) {
        /* LAB 5 BEGIN: backspace erases the last character on the screen too */
        if (edit_len > 0) {
            edit_len--;
            echo("\b \b");
        }
        /* LAB 5 STUB
        (void)0;
        LAB 5 END */
    } else if (c >= 0x20 && c < 0x7f && edit_len < sizeof edit) {
        char s[2] = { (char)c, '\0' };
        edit[edit_len++] = (char)c;
        echo(s);
    }
}

static int irq_thread(void *unused)
{
    for (;;) {
        sys_notify_wait(irq_ntfn);
        while (sys_ioport_in(ports, COM1 + UART_LSR, 1) & LSR_DR)
            input((uint8_t)sys_ioport_in(ports, COM1 + UART_DATA, 1));
        sys_irq_ack(irq);
    }
    return 0;
}

static uint64_t do_write(const uint64_t *w, unsigned len, uint64_t *reply, unsigned *reply_len)
{
    const struct console_io *rq = (const void *)w;
    struct console_count *rp = (void *)reply;
    if (len < 1 || rq->len > CONSOLE_IO_MAX || len < 1 + (rq->len + 7) / 8)
        return E_INVAL;
    ulock_acquire(&out_lock);
    uart_write(rq->data, rq->len);
    ulock_release(&out_lock);
    rp->count = rq->len;
    *reply_len = PROTO_WORDS(*rp);
    return 0;
}

static uint64_t do_readline(const uint64_t *w, unsigned len, uint64_t *reply, unsigned *reply_len)
{
    const struct console_read *rq = (const void *)w;
    struct console_io *rp = (void *)reply;
    if (len != PROTO_WORDS(*rq) || rq->max < 1 || rq->max > CONSOLE_IO_MAX)
        return E_INVAL;
    ulock_acquire(&read_lock);
    for (;;) {
        ulock_acquire(&queue_lock);
        if (line_count > 0)
            break;
        ulock_release(&queue_lock);
        sys_notify_wait(line_ntfn);
    }
    unsigned n = line_len[line_head] < rq->max ? line_len[line_head] : (unsigned)rq->max;
    memcpy(rp->data, lines[line_head], n);
    rp->len = n;
    line_head = (line_head + 1) % LINES;
    line_count--;
    ulock_release(&queue_lock);
    ulock_release(&read_lock);
    *reply_len = 1 + (n + 7) / 8;
    return 0;
}

static uint64_t handle(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w, unsigned len,
                       uint64_t *reply, unsigned *reply_len)
{
    switch (label) {
    case CONSOLE_WRITE:
        return do_write(w, len, reply, reply_len);
    case CONSOLE_READLINE:
        return do_readline(w, len, reply, reply_len);
    case PROTO_CRASH:
        return E_PERM;                  /* no supervisor yet (lab 7) */
    default:
        return E_INVAL;
    }
}

static int worker(void *unused)
{
    static struct ipc_buffer bufs[CONSOLE_WORKERS];
    static int next;
    struct ipc_buffer *buf = &bufs[__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED)];
    ipc_buffer_register(buf);
    return (int)rpc_serve(ep, buf, handle, NULL);
}

long console_server_start(cap_t machine)
{
    long r;
    if ((r = sys_ioport_cap(machine, COM1, 8)) < 0)
        return r;
    ports = r;
    if ((r = sys_notification_create()) < 0)
        return r;
    irq_ntfn = r;
    if ((r = sys_irq_bind(machine, IRQ_COM1, irq_ntfn)) < 0)
        return r;
    irq = r;
    if ((r = sys_notification_create()) < 0)
        return r;
    line_ntfn = r;
    if ((r = sys_endpoint_create()) < 0)
        return r;
    ep = r;
    /* From here on the UART is ours: the kernel only still writes its own
     * lines (faults, panics, power-off) and sys_debug_write's bytes. */
    sys_ioport_out(ports, COM1 + UART_FCR, 1, 0x07);    /* FIFOs on and cleared */
    sys_ioport_out(ports, COM1 + UART_MCR, 1, 0x0B);    /* DTR, RTS, OUT2 (the IRQ line) */
    sys_ioport_out(ports, COM1 + UART_IER, 1, IER_RX);
    sys_notify_signal(irq_ntfn);        /* read whatever came before */
    thread_spawn("console-irq", irq_thread, NULL, PRIO_DEFAULT + 2);
    for (int i = 0; i < CONSOLE_WORKERS; i++)
        thread_spawn("console", worker, NULL, PRIO_DEFAULT + 1);
    return ep;
}
