/*
 * killipc.c: sys_thread_kill on threads blocked in IPC (lab 3's scenario
 * kill covers the other states). One line per case:
 *   killipc: case=<name> before=<state> kill=R status=S <check>=R
 * status is what joining the victim returned; the check shows the victim
 * left the object it waited on:
 *   recv, recv_timeout   an ipc_nbsend finds no receiver (E_AGAIN)
 *   send, call_queued    an ipc_recv with timeout 0 finds no sender (E_AGAIN)
 *   call_replying        the victim's call was received: the reply finds no
 *                        caller (E_BADCAP)
 *   notify               a signal afterwards stays in the word (poll = 1)
 *   bound                its bound notification can be signalled and polled
 * and
 *   killipc: case=read_only kill=R status=S    a capability without RIGHT_WRITE
 *                        cannot kill (E_NORIGHTS); the thread lives on
 * and two lines about servers:
 *   killipc: case=server kill=R status=S caller=R   the caller of a killed
 *                        server (received, not replied) gets E_DEAD
 *   killipc: case=fastpath kill=R reply=R status=S fastpath_hits=N
 *                        a server running on a call (which took the IPC
 *                        fastpath when it is on) kills its caller, then
 *                        replies (E_BADCAP)
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>

#define MAIN_PRIO   (PRIO_DEFAULT + 5)
#define HIGH_PRIO   (PRIO_DEFAULT + 10)

static cap_t ep, ntfn;

static const char *state_name(int s)
{
    static const char *const names[] = { "suspended", "ready", "running", "sleeping",
                                         "blocked", "dead" };
    return s >= 0 && s <= THREAD_DEAD ? names[s] : "?";
}

/* Until t is blocked (or dead, if its call failed: then the lines show it). */
static void wait_blocked(cap_t t)
{
    struct thread_info ti;
    while (thread_info(t, &ti) == 0 && ti.state != THREAD_BLOCKED && ti.state != THREAD_DEAD)
        sleep_ticks(1);
}

static int do_recv(void *arg)
{
    struct ipc_msg m;
    return (int)-ipc_recv(ep, (tick_t)(long)arg, &m);
}

static int do_send(void *unused)
{
    return (int)-ipc_send(ep, MSG_INFO(7, 0, 0), NULL);
}

static int do_call(void *unused)
{
    struct ipc_msg m;
    return (int)-ipc_call(ep, MSG_INFO(8, 0, 0), NULL, &m);
}

static int do_wait(void *unused)
{
    return (int)-sys_notify_wait(ntfn);
}

/* Kill t (blocked by now) and join it; returns the join's status. */
static int kill_and_join(cap_t t, const char *what, long *kill_ret)
{
    struct thread_info ti = { 0 };
    thread_info(t, &ti);
    *kill_ret = sys_thread_kill(t);
    int status = -1;
    thread_join(t, &status);
    printf("killipc: case=%s before=%s", what, state_name(ti.state));
    return status;
}

static void one(const char *what, int (*fn)(void *), void *arg, tick_t timeout)
{
    long k;
    cap_t t = thread_spawn(what, fn, arg, HIGH_PRIO);   /* runs and blocks at once */
    int status = kill_and_join(t, what, &k);
    printf(" kill=%ld status=%d", k, status);
    if (timeout)
        sleep_ticks(timeout + 10);      /* past a receive timeout: nothing may fire */
    struct ipc_msg m;
    if (fn == do_recv)
        printf(" nbsend=%ld\n", ipc_nbsend(ep, MSG_INFO(1, 0, 0), NULL));
    else if (fn == do_wait) {
        sys_notify_signal(ntfn);
        printf(" poll=%ld\n", sys_notify_poll(ntfn));
    } else
        printf(" recv=%ld\n", ipc_recv(ep, 0, &m));
}

static void call_replying(void)
{
    struct ipc_msg m;
    long k;
    cap_t t = thread_spawn("caller", do_call, NULL, HIGH_PRIO);
    ipc_recv(ep, 0, &m);                /* main now holds its reply right */
    int status = kill_and_join(t, "call_replying", &k);
    printf(" kill=%ld status=%d reply=%ld\n", k, status, ipc_reply(MSG_INFO(0, 0, 0), NULL));
}

static void bound(void)
{
    long k;
    cap_t t = thread_spawn("bound", do_recv, (void *)TIMEOUT_FOREVER, PRIO_DEFAULT);
    sys_notify_bind(t, ntfn);
    wait_blocked(t);                    /* it runs and blocks in its receive */
    int status = kill_and_join(t, "bound", &k);
    printf(" kill=%ld status=%d signal=%ld", k, status, sys_notify_signal(ntfn));
    printf(" poll=%ld\n", sys_notify_poll(ntfn));
}

/* ---- servers ---- */

static long caller_result;

static int client(void *unused)
{
    struct ipc_msg m;
    caller_result = ipc_call(ep, MSG_INFO(9, 0, 0), NULL, &m);
    return 0;
}

/* Receives one call and sleeps on it, holding the reply right. */
static int slow_server(void *unused)
{
    struct ipc_msg m;
    if (ipc_recv(ep, TIMEOUT_FOREVER, &m) == 0)
        sleep_ticks(100000);
    return 1;
}

static void server_killed(void)
{
    caller_result = 999;
    cap_t s = thread_spawn("server", slow_server, NULL, HIGH_PRIO);
    cap_t c = thread_spawn("client", client, NULL, HIGH_PRIO);
    long k = sys_thread_kill(s);
    int status = -1;
    thread_join(s, &status);
    thread_join(c, NULL);
    printf("killipc: case=server kill=%ld status=%d caller=%ld\n", k, status, caller_result);
}

static cap_t fp_client;
static long fp_kill, fp_reply;

/* Higher than the client: the client's call switches straight to it. */
static int killing_server(void *unused)
{
    struct ipc_msg m;
    if (ipc_recv(ep, TIMEOUT_FOREVER, &m) == 0) {
        fp_kill = sys_thread_kill(fp_client);
        fp_reply = ipc_reply(MSG_INFO(0, 0, 0), NULL);
    }
    return 0;
}

static void fastpath(void)
{
    struct ipc_stats before, after;
    sys_ipc_stats((long)&before);
    fp_kill = fp_reply = 999;
    cap_t s = thread_spawn("fpserver", killing_server, NULL, HIGH_PRIO);
    fp_client = thread_spawn("fpclient", client, NULL, PRIO_DEFAULT);
    int status = -1;
    thread_join(s, NULL);               /* the client runs while we wait */
    thread_join(fp_client, &status);
    sys_ipc_stats((long)&after);
    printf("killipc: case=fastpath kill=%ld reply=%ld status=%d fastpath_hits=%lu\n", fp_kill,
           fp_reply, status, after.hits - before.hits);
}

static void read_only(void)
{
    cap_t t = thread_spawn("readonly", do_wait, NULL, HIGH_PRIO);
    cap_t ro = sys_cap_mint(t, -1, RIGHT_READ, 0);
    long k = sys_thread_kill(ro);
    struct thread_info ti = { 0 };
    thread_info(t, &ti);
    sys_cap_delete(ro);
    sys_thread_kill(t);
    int status = -1;
    thread_join(t, &status);
    printf("killipc: case=read_only kill=%ld after=%s status=%d\n", k, state_name(ti.state),
           status);
}

SCENARIO(killipc, "sys_thread_kill on threads blocked in send, receive, call and notify")
{
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    ep = sys_endpoint_create();
    ntfn = sys_notification_create();
    one("recv", do_recv, (void *)TIMEOUT_FOREVER, 0);
    one("recv_timeout", do_recv, (void *)20, 20);
    one("send", do_send, NULL, 0);
    one("call_queued", do_call, NULL, 0);
    one("notify", do_wait, NULL, 0);
    call_replying();
    bound();
    read_only();
    server_killed();
    fastpath();
    return 0;
}
