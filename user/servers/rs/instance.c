/*
 * instance.c: how the reincarnation server starts an instance of a
 * service, waits for it and cleans up after it.
 *
 * INTERIM, for the lead: this is the one place to switch to the process
 * manager. Until bin/proc is on main, rs loads programs itself with
 * user/lib/spawn.c from a copy of the boot archive (RS_CAP_ARCHIVE) into
 * its memory piece (RS_CAP_MEMORY); a dead instance's pages go back to the
 * pool (frame_pool_put()), so restarts use no more memory. With
 * proc: proc_give() the capabilities below, proc_spawn(path, ...) for the
 * pid and a READ thread capability, instance_wait() joins it as now, and
 * instance_reap() has nothing left to free (proc frees the process), and a
 * console instance gets its space from proc instead of the bootstrap.
 *
 * Capabilities of an instance (mica/proto/proc.h): its endpoint with the
 * receive right at PROC_CAP_SERVICE; its dependency's endpoint, send right,
 * at PROC_CAP_DEP; the console's COM1 ports, IRQ and notification at
 * PROC_CAP_EXTRA..+2 and its own space through SELF_SPACE_BOOTSTRAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <spawn.h>
#include <archive.h>
#include <consio.h>
#include <selfspace.h>
#include <mica/error.h>
#include <mica/mem.h>
#include <mica/cap.h>
#include <mica/proto/proc.h>
#include <process.h>
#include "service.h"

#define PAGE 4096UL
#define BOOTSTRAP_TICKS 100     /* a console instance asks for its space within this */

static const void *archive;
static size_t archive_size;
static struct frame_pool pool;
static uint64_t next_pid = 100; /* rs numbers its instances until proc gives pids */

static bool use_proc;           /* the process manager starts the instances */

/* With an endpoint at RS_CAP_PROC, the process manager starts the instances;
 * else map the archive copy read-only and take the memory piece. */
long instance_init(void)
{
    struct cap_info ci;
    if (sys_cap_info(RS_CAP_PROC, (long)&ci) == 0 && ci.type == CAP_TYPE_ENDPOINT) {
        use_proc = true;
        proc_attach(RS_CAP_PROC);
        return 0;
    }
    struct frame_info fi;
    long r = sys_frame_info(RS_CAP_ARCHIVE, (long)&fi);
    for (uint64_t i = 0; r == 0 && i < fi.pages; i++)
        r = sys_frame_map(RS_CAP_ARCHIVE, (long)i, CAP_SELF_SPACE,
                          (long)(RS_ARCHIVE_ADDR + i * PAGE), RIGHT_READ);
    if (r < 0)
        return r;
    archive = (const void *)RS_ARCHIVE_ADDR;
    archive_size = fi.pages * PAGE;     /* the cpio trailer ends it before */
    return frame_pool_init(&pool, RS_CAP_MEMORY);
}

/* 0 if the archive holds path, else -E_NOENT. */
long instance_find(const char *path)
{
    struct archive_entry e;
    if (use_proc)
        return 0;                       /* proc says E_NOENT when it starts it */
    return archive_find(archive, archive_size, path, &e);
}

/* Give a console instance its own space (selfspace.h). */
static long bootstrap_space(cap_t boot_ep, struct process *p)
{
    struct ipc_buffer *buf = ipc_buffer_self();
    return buf ? self_space_grant(boot_ep, p->space, buf, BOOTSTRAP_TICKS) : -E_NOMEM;
}

/* Through the process manager: stage the capabilities, spawn. */
static long instance_start_proc(struct service *s)
{
    cap_t made[2] = { 0 };
    long r = sys_cap_mint(s->ep, -1, RIGHT_RECV, 0);
    if (r < 0)
        return r;
    made[0] = r;
    r = proc_give(PROC_CAP_SERVICE, made[0]);
    if (r == 0 && s->dep) {
        if ((r = sys_cap_mint(s->dep->ep, -1, RIGHT_SEND, 0)) >= 0) {
            made[1] = r;
            r = proc_give(PROC_CAP_DEP, made[1]);
        }
    }
    if (r == 0 && s->console && (r = proc_give(PROC_CAP_EXTRA, RS_CAP_PORTS)) == 0 &&
        (r = proc_give(PROC_CAP_EXTRA + 1, RS_CAP_IRQ)) == 0)
        r = proc_give(PROC_CAP_EXTRA + 2, RS_CAP_IRQ_NTFN);
    const char *argv[] = { s->name };
    cap_t thread = 0;
    uint64_t pid = 0;
    if (r == 0 && (r = proc_spawn(s->path, 1, argv, &pid, &thread)) == 0) {
        s->inst.thread = thread;
        s->inst.space = s->inst.frames = 0;
        s->inst.pid = pid;
    }
    for (int i = 0; i < 2; i++)
        if (made[i] > 0)
            sys_cap_delete(made[i]);
    return r;
}

long instance_start(struct service *s)
{
    if (use_proc)
        return instance_start_proc(s);

    struct spawn_cap caps[8];
    unsigned n = 0;
    cap_t made[3] = { 0 };              /* copies to delete once the child has its own */
    struct archive_entry e;
    struct process p;
    long r = archive_find(archive, archive_size, s->path, &e);
    if (r < 0)
        return r;
    if ((r = sys_cap_mint(s->ep, -1, RIGHT_RECV, 0)) < 0)
        return r;
    made[0] = r;
    caps[n++] = (struct spawn_cap){ r, PROC_CAP_SERVICE };
    if (s->dep) {
        if ((r = sys_cap_mint(s->dep->ep, -1, RIGHT_SEND, 0)) < 0)
            goto out;
        made[1] = r;
        caps[n++] = (struct spawn_cap){ r, PROC_CAP_DEP };
    }
    if (s->console) {
        caps[n++] = (struct spawn_cap){ RS_CAP_PORTS, PROC_CAP_EXTRA };
        caps[n++] = (struct spawn_cap){ RS_CAP_IRQ, PROC_CAP_EXTRA + 1 };
        caps[n++] = (struct spawn_cap){ RS_CAP_IRQ_NTFN, PROC_CAP_EXTRA + 2 };
        if ((r = sys_endpoint_create()) < 0)
            goto out;
        made[2] = r;
        caps[n++] = (struct spawn_cap){ r, SELF_SPACE_BOOTSTRAP };
    }

    const char *argv[] = { s->name };
    struct spawn_params sp = { .name = s->name, .argc = 1, .argv = argv, .caps = caps,
                               .ncaps = n, .priority = PRIO_DEFAULT };
    r = spawn(&pool, &e, &sp, &p);
    if (r < 0)
        goto out;
    s->inst.thread = p.thread;
    s->inst.space = p.space;
    s->inst.frames = p.frames;
    s->inst.pid = next_pid++;
    if (s->console && (r = bootstrap_space(made[2], &p)) < 0)
        printf("rs: %s did not ask for its space: %s\n", s->name, mica_strerror(r));
    r = 0;
out:
    for (int i = 0; i < 3; i++)
        if (made[i] > 0)
            sys_cap_delete(made[i]);
    return r;
}

long instance_wait(struct instance *in)
{
    return sys_thread_join(in->thread, TIMEOUT_FOREVER);
}

void instance_reap(struct instance *in)
{
    if (use_proc) {                     /* proc freed it; collect its status */
        uint64_t done;
        int64_t status;
        for (int i = 0; i < 100 && proc_collect(in->pid, &done, &status) == -E_AGAIN; i++)
            sys_sleep(1);
        in->thread = in->space = in->frames = 0;
        return;
    }
    frame_pool_put(&pool, in->frames);  /* unmaps every page of the dead process */
    sys_cap_delete(in->space);
    in->thread = in->space = in->frames = 0;
}
