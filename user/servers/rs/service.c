/*
 * service.c: the reincarnation server's services (mica/proto/rs.h). Each
 * has an endpoint rs created and keeps, a capability with the supervisor's
 * badge, the running instance, and a watcher thread that waits for the
 * instance to end and then restarts it -- or gives up.
 *
 *   service_builtins()   console (if rs holds COM1's capabilities), block, fs
 *   service_supervise()  RS_SUPERVISE: one more service
 *   service_status/crash/stop()   RS_STATUS, RS_CRASH, RS_STOP
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <rpc.h>
#include <thread.h>
#include <consio.h>
#include <naming.h>
#include <mica/error.h>
#include <mica/cap.h>
#include "../../lib/lock.h"
#include "service.h"

#define BACKOFF_SHIFT_MAX 6      /* backoff grows to at most 64 ticks */

static struct service table[RS_SERVICES_MAX];
static struct ulock table_lock;

static struct service *find(const char *name)
{
    for (int i = 0; i < RS_SERVICES_MAX; i++)
        if (table[i].used && strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

/* Remember when the service died (the latest RS_RESTARTS_MAX + 1 deaths). */
static void record_death(struct service *s, uint64_t now)
{
    s->deaths[s->ndeaths++ % (RS_RESTARTS_MAX + 1)] = now;
}

/* Deaths within the window before now. */
static unsigned recent_deaths(const struct service *s, uint64_t now)
{
    unsigned recent = 0;
    for (unsigned i = 0; i < RS_RESTARTS_MAX + 1 && i < s->ndeaths; i++)
        if (now - s->deaths[i] < s->window_ticks)
            recent++;
    return recent;
}

/* Has the service, which just died at tick now, crashed too often to be
 * restarted again? */
static bool too_many_deaths(const struct service *s, uint64_t now)
{
    /* LAB 7 BEGIN: exercise 1: restart policy: more than max_restarts deaths within window_ticks */
    return recent_deaths(s, now) > s->max_restarts;
    /* LAB 7 STUB
    (void)s; (void)now;
    return false;
    LAB 7 END */
}

/* Ticks to wait before the next start: none after a lone death, then
 * doubling with each death in the window (a crash loop slows down). */
static uint64_t backoff(const struct service *s, uint64_t now)
{
    unsigned recent = recent_deaths(s, now);
    return recent <= 1 ? 0 : 1UL << (recent - 2 < BACKOFF_SHIFT_MAX ? recent - 2 : BACKOFF_SHIFT_MAX);
}

/* The service is over: no name, no endpoint. Callers waiting on the
 * endpoint get E_DEAD; revoking first takes the copies the name server
 * and the clients hold, so the endpoint really dies. */
static void retire(struct service *s, uint64_t state)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    if (buf)
        naming_unregister(RS_CAP_NAMES, buf, s->name);
    sys_cap_delete(s->super);
    sys_cap_revoke(s->ep);
    sys_cap_delete(s->ep);
    s->ep = s->super = 0;
    s->state = state;
}

/* Start an instance; prints "rs: <name> started pid=<p>". */
static long start(struct service *s)
{
    long r = instance_start(s);
    if (r < 0)
        printf("rs: cannot start %s: %s\n", s->name, mica_strerror(r));
    else
        printf("rs: %s started pid=%lu\n", s->name, s->inst.pid);
    return r;
}

/* After a death (status: the exit status, or the error of a failed start)
 * at tick died: restart, or retire. Returns false when the service is over. */
static bool after_death(struct service *s, long status, uint64_t died)
{
    for (;;) {
        ulock_acquire(&table_lock);
        s->last_status = status;
        record_death(s, died);
        printf("rs: %s died status=%ld restarts=%lu\n", s->name, status, s->restarts);
        if (s->stopping) {
            retire(s, RS_STOPPED);
            ulock_release(&table_lock);
            return false;
        }
        if (too_many_deaths(s, died)) {
            printf("rs: giving up on %s after %u crashes\n", s->name, s->max_restarts + 1);
            retire(s, RS_GAVE_UP);
            ulock_release(&table_lock);
            return false;
        }
        s->state = RS_RESTARTING;
        uint64_t wait = backoff(s, died);
        ulock_release(&table_lock);
        if (wait)
            sys_sleep(wait);
        ulock_acquire(&table_lock);
        long r = start(s);
        if (r == 0) {
            s->restarts++;
            s->state = RS_UP;
            printf("rs: %s restarted pid=%lu restarts=%lu latency=%lu\n", s->name, s->inst.pid,
                   s->restarts, sys_ticks() - died);
        }
        ulock_release(&table_lock);
        if (r == 0)
            return true;
        status = r;                     /* a failed start counts as a death */
        died = sys_ticks();
    }
}

/* One per service: wait for the instance to end, restart it. */
static int watcher(void *arg)
{
    struct service *s = arg;
    for (;;) {
        long status = instance_wait(&s->inst);
        uint64_t died = sys_ticks();
        ulock_acquire(&table_lock);
        instance_reap(&s->inst);
        ulock_release(&table_lock);
        if (!after_death(s, status, died))
            return 0;
    }
}

/* Make the endpoint, register it, start the first instance and its
 * watcher. The table lock is held. */
static long launch(struct service *s)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    long r = sys_endpoint_create();
    if (r < 0)
        return r;
    s->ep = r;
    if ((r = sys_cap_mint(s->ep, -1, RIGHT_SEND, PROTO_SUPERVISOR_BADGE)) < 0)
        goto fail;
    s->super = r;
    if (!buf || (r = naming_register(RS_CAP_NAMES, buf, s->name, s->ep, RIGHT_SEND)) < 0) {
        printf("rs: cannot register %s: %s\n", s->name, mica_strerror(buf ? r : -E_NOMEM));
        goto fail;
    }
    if ((r = start(s)) < 0) {
        naming_unregister(RS_CAP_NAMES, buf, s->name);
        goto fail;
    }
    s->state = RS_UP;
    if ((r = thread_spawn("rs-watch", watcher, s, PRIO_DEFAULT + 1)) < 0) {
        printf("rs: no watcher for %s: %s\n", s->name, mica_strerror(r));
        return 0;                       /* it runs, unsupervised */
    }
    s->watcher = r;
    return 0;
fail:
    if (s->super)
        sys_cap_delete(s->super);
    sys_cap_delete(s->ep);
    s->ep = s->super = 0;
    return r;
}

/* A free table entry (a retired one may be reused), or NULL. */
static struct service *take_entry(const char *name)
{
    struct service *s = find(name);
    if (s && s->state != RS_GAVE_UP && s->state != RS_STOPPED)
        return NULL;
    for (int i = 0; !s && i < RS_SERVICES_MAX; i++)
        if (!table[i].used)
            s = &table[i];
    if (s) {
        if (s->watcher)
            thread_join(s->watcher, NULL);      /* it ended when the service did */
        memset(s, 0, sizeof *s);
        s->used = true;
    }
    return s;
}

static long add(const char *name, const char *path, struct service *dep, bool console,
                uint32_t max_restarts, uint64_t window_ticks)
{
    if (instance_find(path) < 0)
        return -E_NOENT;
    ulock_acquire(&table_lock);
    struct service *old = find(name);
    long r = old && old->state != RS_GAVE_UP && old->state != RS_STOPPED ? -E_EXIST : -E_FULL;
    struct service *s = r == -E_EXIST ? NULL : take_entry(name);
    if (s) {
        strlcpy(s->name, name, sizeof s->name);
        strlcpy(s->path, path, sizeof s->path);
        s->dep = dep;
        s->console = console;
        s->max_restarts = max_restarts;
        s->window_ticks = window_ticks;
        r = launch(s);
        if (r < 0)
            s->used = false;
    }
    ulock_release(&table_lock);
    return r;
}

long service_builtins(void)
{
    struct cap_info ci;
    long r = 0;
    if (sys_cap_info(RS_CAP_PORTS, (long)&ci) == 0 && ci.type == CAP_TYPE_IOPORT)
        r = add("console", "bin/console", NULL, true, RS_DEFAULT_MAX_RESTARTS,
                RS_DEFAULT_WINDOW_TICKS);
    if (r == 0)
        r = add("block", "bin/block", NULL, false, RS_DEFAULT_MAX_RESTARTS,
                RS_DEFAULT_WINDOW_TICKS);
    if (r == 0)
        r = add("fs", "bin/fs", find("block"), false, RS_DEFAULT_MAX_RESTARTS,
                RS_DEFAULT_WINDOW_TICKS);
    return r;
}

long service_supervise(const char *name, const char *path, uint32_t max_restarts,
                       uint64_t window_ticks)
{
    return add(name, path, NULL, false, max_restarts, window_ticks);
}

long service_status(const char *name, struct rs_status *out)
{
    ulock_acquire(&table_lock);
    struct service *s = find(name);
    if (s)
        *out = (struct rs_status){ .state = s->state, .restarts = s->restarts,
                                   .last_status = s->last_status, .pid = s->inst.pid };
    ulock_release(&table_lock);
    return s ? 0 : -E_NOENT;
}

/* Send PROTO_CRASH {after, seed} with the supervisor's badge; stop: set
 * stopping first (the watcher then retires the service). */
static long order_crash(const char *name, uint64_t after, uint64_t seed, bool stop)
{
    struct proto_crash rq = { .after = after, .seed = seed };
    struct ipc_buffer *buf = ipc_buffer_self();
    cap_t super = 0;
    ulock_acquire(&table_lock);
    struct service *s = find(name);
    if (s && (s->state == RS_UP || s->state == RS_RESTARTING)) {
        super = s->super;
        s->stopping |= stop;
    }
    ulock_release(&table_lock);
    if (!super)
        return -E_NOENT;
    long r = rpc_call(super, buf, PROTO_CRASH, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
    return r == -E_DEAD && after == 0 ? 0 : r;     /* it died holding the order: done */
}

long service_crash(const char *name, uint64_t after, uint64_t seed)
{
    return order_crash(name, after, seed, false);
}

long service_stop(const char *name)
{
    return order_crash(name, 0, 0, true);
}
