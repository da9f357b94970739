/*
 * faults.c: fault messages that do not resume the thread (lab 5).
 *   nohandler     a thread without a handler is killed; the others run on
 *   badreply      the handler answers a #UD with label 7: the thread dies
 *   handlerdeath  the handler exits without replying: the thread dies
 *   deadendpoint  the handler's endpoint is deleted while the thread waits
 *
 * Lines: "faults: <case> status=N" (THREAD_STATUS_KILLED is 256),
 * "faults: <case> got label=N addr=0x... access=N vector=N", and the
 * kernel's own "fault: thread <name>#<id> killed: ..." lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>

#define MAIN_PRIO (PRIO_DEFAULT + 5)
#define BAD_ADDR  0x0000310000000000UL

static cap_t ep;

static int touch(void *unused)
{
    *(volatile int *)BAD_ADDR = 1;
    return 0;
}

static int undefined(void *unused)
{
    __asm__ volatile("ud2");
    return 0;
}

static void got(const char *which, const struct ipc_msg *m)
{
    printf("faults: %s got label=0x%lx addr=0x%lx access=%lu vector=%lu\n", which,
           MSG_LABEL(m->info), m->w[FAULT_MSG_ADDR], m->w[FAULT_MSG_ACCESS],
           m->w[FAULT_MSG_VECTOR]);
}

/* Receives one fault and exits without replying. */
static int vanishing_handler(void *unused)
{
    struct ipc_msg m;
    if (ipc_recv(ep, TIMEOUT_FOREVER, &m) == 0)
        got("handlerdeath", &m);
    return 0;
}

/* A thread that runs fn once the main thread blocks, with ep as its handler
 * (when handled). */
static cap_t faulter(const char *name, int (*fn)(void *), bool handled)
{
    cap_t t = thread_spawn(name, fn, NULL, PRIO_DEFAULT);
    if (handled)
        sys_thread_set_fault_handler(t, ep);
    return t;
}

static void report(const char *which, cap_t t)
{
    int status = -1;
    thread_join(t, &status);
    printf("faults: %s status=%d\n", which, status);
}

SCENARIO(faults, "faults without a handler, refused by the handler, or orphaned kill the thread")
{
    thread_set_priority(CAP_SELF_THREAD, MAIN_PRIO);
    ep = sys_endpoint_create();
    struct ipc_msg m;

    report("nohandler", faulter("nohandler", touch, false));
    printf("faults: main alive\n");

    cap_t t = faulter("badreply", undefined, true);
    if (ipc_recv(ep, TIMEOUT_FOREVER, &m) == 0)
        got("badreply", &m);
    ipc_reply(MSG_INFO(7, 0, 0), NULL);
    report("badreply", t);

    cap_t h = thread_spawn("vanisher", vanishing_handler, NULL, MAIN_PRIO + 1);
    report("handlerdeath", faulter("handlerdeath", touch, true));
    thread_join(h, NULL);

    cap_t dying = sys_endpoint_create();
    t = thread_spawn("deadendpoint", touch, NULL, PRIO_DEFAULT);
    printf("faults: set ret=%ld\n", sys_thread_set_fault_handler(t, dying));
    printf("faults: set_bad_ep ret=%ld\n", sys_thread_set_fault_handler(t, CAP_SELF_THREAD));
    sleep_ticks(2);                             /* it faults and waits on dying */
    struct thread_info ti;
    thread_info(t, &ti);
    printf("faults: deadendpoint state=%d\n", ti.state);
    sys_cap_delete(dying);
    report("deadendpoint", t);
    return 0;
}
