/*
 * service.h: the reincarnation server's table of services (service.c) and
 * how it starts an instance of one (instance.c). mica/proto/rs.h has the
 * protocol and the policy.
 *
 * Locking: table_lock guards every field of every service and the starting
 * of instances (spawn() is not reentrant); nothing blocks on IPC with it
 * held except the name-server calls of retire().
 */
#ifndef RS_SERVICE_H
#define RS_SERVICE_H

#include <mica/types.h>
#include <mica/proto/rs.h>

/* The running instance of a service, as rs holds it. */
struct instance {
    cap_t thread;               /* its main thread (joined by the watcher) */
    cap_t space, frames;        /* interim (spawn.c): its space and all its pages */
    uint64_t pid;
};

struct service {
    bool used;
    char name[RS_NAME_MAX];
    char path[RS_PATH_MAX];
    struct service *dep;        /* given at PROC_CAP_DEP, or NULL */
    bool console;               /* gets COM1's capabilities and its own space */
    uint32_t max_restarts;
    uint64_t window_ticks;
    cap_t ep;                   /* all rights; the same for every instance */
    cap_t super;                /* send right, PROTO_SUPERVISOR_BADGE: for PROTO_CRASH */
    uint64_t state;             /* RS_UP, RS_RESTARTING, RS_GAVE_UP, RS_STOPPED */
    uint64_t restarts;
    int64_t last_status;
    bool stopping;              /* RS_STOP asked: do not restart */
    uint64_t deaths[RS_RESTARTS_MAX + 1]; /* ticks of the latest deaths, a ring */
    unsigned ndeaths;           /* deaths recorded in all */
    struct instance inst;
    cap_t watcher;              /* the thread that waits for the instance to end */
};

/* service.c */
long service_builtins(void);
long service_supervise(const char *name, const char *path, uint32_t max_restarts,
                       uint64_t window_ticks);
long service_status(const char *name, struct rs_status *out);
long service_crash(const char *name, uint64_t after, uint64_t seed);
long service_stop(const char *name);

/* instance.c: start an instance of s (its caps as mica/proto/proc.h and
 * rs.h say), wait for its main thread, free what is left of it. */
long instance_init(void);
long instance_find(const char *path);
long instance_start(struct service *s);
long instance_wait(struct instance *in);
void instance_reap(struct instance *in);

#endif
