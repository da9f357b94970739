/*
 * ipcsem.c: IPC semantics, one scenario per property (boot with
 * trace=ipc,sched so the grader can check the order of events):
 *   ipcorder  receiver first, sender first; FIFO among blocked senders of
 *             one priority, a higher-priority sender served first
 *   ipcsec    badges name clients; missing rights and bad messages fail
 *             and change nothing; a transferred capability works for the
 *             receiver; a revoked one fails wherever it was derived
 *   ipctime   receive timeouts; notification bits coalesce; a bound
 *             notification ends an endpoint receive
 * Lines are "<scenario>: <what> key=value...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>

#define MAIN_PRIO (PRIO_DEFAULT + 5)

static const char *en(long r)
{
    return r < 0 ? mica_errname(r) : "-";
}

static cap_t ep;

/* Wait until thread t is blocked (in IPC): sleeping one tick is not enough
 * under Bochs with the trace on, where printing takes ticks. A thread that
 * died instead (its IPC call failed) ends the wait too, so a broken kernel
 * shows up as wrong lines, not as a scenario that never ends. */
static void wait_blocked(cap_t t)
{
    struct thread_info ti;
    while (thread_info(t, &ti) == 0 && ti.state != THREAD_BLOCKED && ti.state != THREAD_DEAD)
        sleep_ticks(1);
}

/* ---- ipcorder ---- */

static int order_receiver(void *unused)
{
    struct ipc_msg m;
    long r = ipc_recv(ep, TIMEOUT_FOREVER, &m);
    printf("ipcorder: receiver_first ret=%ld label=%lu\n", r, MSG_LABEL(m.info));
    return 0;
}

static int order_sender(void *arg)
{
    uint64_t w[4] = { (uint64_t)arg, 0, 0, 0 };
    long r = ipc_send(ep, MSG_INFO((uint64_t)arg, 1, 0), w);
    return r == 0 ? 0 : 1;
}

SCENARIO(ipcorder, "blocking order: receiver first, sender first, FIFO senders")
{
    struct ipc_msg m;
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    ep = sys_endpoint_create();

    printf("ipcorder: part=receiver_first\n");
    cap_t r = thread_spawn("rcv", order_receiver, NULL, PRIO_DEFAULT);
    wait_blocked(r);                    /* rcv blocks in recv */
    long ret = ipc_send(ep, MSG_INFO(100, 0, 0), NULL);
    printf("ipcorder: sent ret=%ld\n", ret);
    thread_join(r, NULL);

    printf("ipcorder: part=sender_first\n");
    cap_t s = thread_spawn("snd", order_sender, (void *)200, PRIO_DEFAULT);
    wait_blocked(s);                    /* snd blocks in send */
    ret = ipc_recv(ep, TIMEOUT_FOREVER, &m);
    printf("ipcorder: sender_first ret=%ld label=%lu\n", ret, MSG_LABEL(m.info));
    thread_join(s, NULL);

    printf("ipcorder: part=fifo\n");
    static const char *names[] = { "s301", "s302", "s303", "s304" };
    cap_t t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = thread_spawn(names[i], order_sender, (void *)(long)(301 + i),
                            i == 3 ? PRIO_DEFAULT + 2 : PRIO_DEFAULT);
        wait_blocked(t[i]);             /* each blocks before the next starts */
    }
    for (int i = 0; i < 4; i++) {
        ret = ipc_recv(ep, 0, &m);
        printf("ipcorder: fifo i=%d ret=%ld label=%lu\n", i, ret, MSG_LABEL(m.info));
    }
    for (int i = 0; i < 4; i++)
        thread_join(t[i], NULL);
    return 0;
}

/* ---- ipcsec ---- */

static struct ipc_buffer main_buf, peer_buf;
static cap_t client_caps[3];

static int client(void *arg)
{
    long i = (long)arg;
    struct ipc_msg m;
    ipc_call(client_caps[i], MSG_INFO(i, 0, 0), NULL, &m);
    return 0;
}

static int cap_receiver(void *unused)
{
    struct ipc_msg m;
    struct cap_info ci = { 0 };
    ipc_buffer_register(&peer_buf);
    peer_buf.recv_slot = 200;
    long r = ipc_recv(ep, TIMEOUT_FOREVER, &m);
    long ir = sys_cap_info(200, (long)&ci);
    long sr = sys_notify_signal(200);
    printf("ipcsec: transfer ret=%ld label=%lu cap=%d info=%ld type=%d rights=%u signal=%ld\n", r,
           MSG_LABEL(m.info), MSG_HAS_CAP(m.info), ir, ci.type, ci.rights, sr);
    return 0;
}

static int first_label(void *unused)
{
    struct ipc_msg m;
    long r = ipc_recv(ep, 50, &m);
    printf("ipcsec: waiting_receiver ret=%ld label=%lu len=%u\n", r, MSG_LABEL(m.info),
           MSG_LEN(m.info));
    return 0;
}

static void badges(void)
{
    struct ipc_msg m;
    cap_t t[3];
    for (long i = 0; i < 3; i++) {
        client_caps[i] = sys_cap_mint(ep, -1, RIGHT_SEND, 11 * (i + 1));
        t[i] = thread_spawn("client", client, (void *)i, PRIO_DEFAULT);
    }
    for (int i = 0; i < 3; i++)
        wait_blocked(t[i]);
    for (int i = 0; i < 3; i++) {
        long r = ipc_recv(ep, 0, &m);
        printf("ipcsec: badge ret=%ld client=%lu badge=%lu\n", r, MSG_LABEL(m.info), m.badge);
        ipc_reply(MSG_INFO(0, 0, 0), NULL);
    }
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL);
}

static void refused(void)
{
    struct ipc_msg m;
    cap_t recv_only = sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    cap_t send_only = sys_cap_mint(ep, -1, RIGHT_SEND, 0);
    cap_t n = sys_notification_create();
    cap_t t = thread_spawn("waiter", first_label, NULL, PRIO_DEFAULT);
    wait_blocked(t);                        /* waiter blocks in recv */
    struct { const char *what; long r; } res[] = {
        { "long_no_buffer", ipc_send(ep, MSG_INFO(1, 8, 0), NULL) },
        { "send_recv_only", ipc_send(recv_only, MSG_INFO(2, 0, 0), NULL) },
        { "recv_send_only", ipc_recv(send_only, 0, &m) },
        { "send_empty", ipc_send(150, MSG_INFO(3, 0, 0), NULL) },
        { "send_thread", ipc_send(CAP_SELF_THREAD, MSG_INFO(4, 0, 0), NULL) },
        { "send_notification", ipc_send(n, MSG_INFO(5, 0, 0), NULL) },
        { "reply_none", ipc_reply(MSG_INFO(6, 0, 0), NULL) },
        { "wait_endpoint", sys_notify_wait(ep) },
        { "signal_recv_only", sys_notify_signal(sys_cap_mint(n, -1, RIGHT_RECV, 0)) },
        { "set_buffer_kernel", sys_ipc_set_buffer(0xffffffff80100000L) },
        { "set_buffer_unmapped", sys_ipc_set_buffer(0x1000) },
    };
    ipc_buffer_register(&main_buf);
    main_buf.send_cap = n;
    struct { const char *what; long r; } res2[] = {
        { "too_long", ipc_send(ep, MSG_INFO(7, 65, 0), NULL) },
        { "reserved_bits", ipc_send(ep, MSG_INFO(8, 0, 0) | 0x100, NULL) },
        { "grant_without_right", ipc_send(send_only, MSG_INFO(9, 0, 1), NULL) },
    };
    for (unsigned i = 0; i < sizeof res / sizeof res[0]; i++)
        printf("ipcsec: refused %s ret=%ld err=%s\n", res[i].what, res[i].r, en(res[i].r));
    for (unsigned i = 0; i < sizeof res2 / sizeof res2[0]; i++)
        printf("ipcsec: refused %s ret=%ld err=%s\n", res2[i].what, res2[i].r, en(res2[i].r));
    /* Nothing above reached the waiting receiver: this is its first message. */
    long r = ipc_send(ep, MSG_INFO(42, 0, 0), NULL);
    printf("ipcsec: good_send ret=%ld\n", r);
    thread_join(t, NULL);
    printf("ipcsec: nothing_queued nbrecv=%s nbsend=%s poll=%ld\n", en(ipc_recv(ep, 0, &m)),
           en(ipc_nbsend(ep, MSG_INFO(1, 0, 0), NULL)), sys_notify_poll(n));
    sys_cap_delete(n);
}

static void transfer(void)
{
    cap_t n = sys_notification_create();
    cap_t copy = sys_cap_copy(n, -1);
    main_buf.send_cap = copy;
    cap_t t = thread_spawn("capper", cap_receiver, NULL, PRIO_DEFAULT);
    wait_blocked(t);
    long r = ipc_send(ep, MSG_INFO(77, 0, 1), NULL);
    thread_join(t, NULL);
    printf("ipcsec: sent_cap ret=%ld bits=%ld\n", r, sys_notify_poll(n));
    long revoked = sys_cap_revoke(n);
    printf("ipcsec: revoke ret=%ld copy=%s received=%s original=%ld\n", revoked,
           en(sys_notify_signal(copy)), en(sys_notify_signal(200)), sys_notify_signal(n));
}

SCENARIO(ipcsec, "badges, rights, refused messages, capability transfer, revocation")
{
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    ep = sys_endpoint_create();
    badges();
    refused();
    transfer();
    return 0;
}

/* ---- ipctime ---- */

static cap_t ntfn;

static int ntfn_waiter(void *unused)
{
    long r = sys_notify_wait(ntfn);
    printf("ipctime: waiter bits=%ld at=%lu\n", r, ticks());
    return 0;
}

static int bound_server(void *unused)
{
    struct ipc_msg m;
    for (int i = 0; i < 3; i++) {
        long r = ipc_recv(ep, TIMEOUT_FOREVER, &m);
        printf("ipctime: bound ret=%ld notify=%d label=%lu badge=%lu\n", r,
               MSG_LABEL(m.info) == IPC_LABEL_NOTIFY, MSG_LABEL(m.info) & 0xffff, m.badge);
    }
    return 0;
}

SCENARIO(ipctime, "receive timeouts, notification coalescing and binding")
{
    struct ipc_msg m;
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    ep = sys_endpoint_create();
    static const tick_t timeouts[] = { 1, 5, 10, 0 };
    for (unsigned i = 0; i < 4; i++) {
        sleep_ticks(1);                     /* start at a tick boundary */
        tick_t start = ticks();
        long r = ipc_recv(ep, timeouts[i], &m);
        printf("ipctime: timeout=%lu ret=%ld err=%s waited=%lu\n", timeouts[i], r, en(r),
               ticks() - start);
    }

    ntfn = sys_notification_create();
    cap_t b[3];
    for (int i = 0; i < 3; i++)
        b[i] = sys_cap_mint(ntfn, -1, RIGHT_SEND, 1UL << i);
    for (int i = 0; i < 3; i++) {
        long r = sys_notify_signal(b[i]);
        if (r < 0) {                        /* every wait below would block forever */
            printf("ipctime: signal ret=%ld err=%s: stopping here\n", r, en(r));
            return 0;
        }
    }
    sys_notify_signal(b[1]);
    long first = sys_notify_poll(ntfn);
    printf("ipctime: coalesce poll=%ld again=%ld\n", first, sys_notify_poll(ntfn));
    sys_notify_signal(b[1]);
    sys_notify_signal(b[1]);
    printf("ipctime: coalesce wait=%ld\n", sys_notify_wait(ntfn));

    cap_t w = thread_spawn("nwaiter", ntfn_waiter, NULL, PRIO_DEFAULT);
    wait_blocked(w);
    printf("ipctime: signal at=%lu\n", ticks());
    sys_notify_signal(b[2]);
    thread_join(w, NULL);

    cap_t s = thread_spawn("bound", bound_server, NULL, PRIO_DEFAULT);
    long br = sys_notify_bind(s, ntfn);
    long again = sys_notify_bind(s, ntfn);
    printf("ipctime: bind ret=%ld again=%s\n", br, en(again));
    wait_blocked(s);                        /* bound blocks in recv */
    sys_notify_signal(b[0]);
    sys_notify_signal(b[2]);
    wait_blocked(s);
    ipc_send(ep, MSG_INFO(9, 0, 0), NULL);
    thread_join(s, NULL);
    return 0;
}
