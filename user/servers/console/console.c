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
 *
 * Two ways to run it: console_server_start() makes the capabilities and
 * runs the threads in the calling program (the root task's default boot);
 * console_serve() takes them ready-made (bin/console, main.c, supervised by
 * the reincarnation server). Only a supervised console obeys PROTO_CRASH:
 * the worker that must crash sets `dying`, wakes the program's first
 * thread and exits (its caller gets E_DEAD); console_wait_crash(), run by
 * that first thread, wakes every other thread (each worker's receive is
 * ended by a notification bound to it), waits until all have ended, and
 * returns so that the first thread can take the real page fault.
 */
#include <stdio.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <rpc.h>
#include <crash.h>
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

/* Supervised only: fault injection and the orderly end of every thread. */
static bool supervised;
static volatile bool dying;
static cap_t die_ntfn;                  /* the first thread waits on it */
static cap_t irq_thread_cap, worker_caps[CONSOLE_WORKERS], stop_ntfn[CONSOLE_WORKERS];
static struct crash_plan plan;
static struct ulock plan_lock;

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

/* This worker must crash: hand the rest to the first thread and end, so
 * that the caller of the request it holds gets E_DEAD. */
static void die(void)
{
    dying = true;
    sys_notify_signal(die_ntfn);
    for (;;)
        sys_thread_exit(0);
}

static int irq_thread(void *unused)
{
    for (;;) {
        sys_notify_wait(irq_ntfn);
        if (dying)
            return 0;
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
        if (dying) {
            ulock_release(&read_lock);
            sys_thread_exit(0);         /* the caller gets E_DEAD and asks the next instance */
        }
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

/* PROTO_CRASH: only a supervised console obeys, and only its supervisor. */
static uint64_t do_crash(uint64_t badge, const uint64_t *w, unsigned len)
{
    if (!supervised)
        return E_PERM;
    ulock_acquire(&plan_lock);
    int v = crash_request(&plan, badge, w, len);
    ulock_release(&plan_lock);
    if (v == CRASH_NOW)
        die();
    return v == CRASH_ARMED ? 0 : v == CRASH_REFUSE_PERM ? E_PERM : E_INVAL;
}

/* Is this the request an armed plan dooms? */
static bool doomed(void)
{
    if (!supervised)
        return false;
    ulock_acquire(&plan_lock);
    bool due = crash_due(&plan);
    ulock_release(&plan_lock);
    return due;
}

static uint64_t handle(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w, unsigned len,
                       uint64_t *reply, unsigned *reply_len)
{
    if (dying)
        sys_thread_exit(0);             /* woken by the bound notification, or a request
                                         * that arrived meanwhile: the next instance serves it */
    switch (label) {
    case CONSOLE_WRITE:
        if (doomed())
            die();
        return do_write(w, len, reply, reply_len);
    case CONSOLE_READLINE:
        if (doomed())
            die();
        return do_readline(w, len, reply, reply_len);
    case PROTO_CRASH:
        return do_crash(badge, w, len);
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

/* Take the UART over and start the threads. */
static long serve(void)
{
    long r;
    if ((r = sys_notification_create()) < 0)
        return r;
    line_ntfn = r;
    /* From here on the UART is ours: the kernel only still writes its own
     * lines (faults, panics, power-off) and sys_debug_write's bytes. */
    sys_ioport_out(ports, COM1 + UART_FCR, 1, 0x07);    /* FIFOs on and cleared */
    sys_ioport_out(ports, COM1 + UART_MCR, 1, 0x0B);    /* DTR, RTS, OUT2 (the IRQ line) */
    sys_ioport_out(ports, COM1 + UART_IER, 1, IER_RX);
    sys_notify_signal(irq_ntfn);        /* read whatever came before */
    if ((r = thread_spawn("console-irq", irq_thread, NULL, PRIO_DEFAULT + 2)) < 0)
        return r;
    irq_thread_cap = r;
    for (int i = 0; i < CONSOLE_WORKERS; i++) {
        if (supervised && (stop_ntfn[i] = r = sys_notification_create()) < 0)
            return r;
        if ((r = thread_spawn("console", worker, NULL, PRIO_DEFAULT + 1)) < 0)
            return r;
        worker_caps[i] = r;
        if (supervised && (r = sys_notify_bind(worker_caps[i], stop_ntfn[i])) < 0)
            return r;
    }
    return ep;
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
    if ((r = sys_endpoint_create()) < 0)
        return r;
    ep = r;
    return serve();
}

long console_serve(cap_t port_cap, cap_t irq_cap, cap_t irq_ntfn_cap, cap_t ep_cap)
{
    long r = sys_notification_create();
    if (r < 0)
        return r;
    die_ntfn = r;
    ports = port_cap;
    irq = irq_cap;
    irq_ntfn = irq_ntfn_cap;
    ep = ep_cap;
    supervised = true;
    return serve();
}

void console_wait_crash(void)
{
    sys_notify_wait(die_ntfn);
    for (int i = 0; i < CONSOLE_WORKERS; i++)
        sys_notify_signal(stop_ntfn[i]);
    sys_notify_signal(line_ntfn);       /* a reader waiting for a line */
    sys_notify_signal(irq_ntfn);
    for (int i = 0; i < CONSOLE_WORKERS; i++)
        thread_join(worker_caps[i], NULL);
    thread_join(irq_thread_cap, NULL);
}
