/*
 * recover.c: the "recover" scenario (lab 7): the servers under the
 * reincarnation server, then bin/crashtest crashes them.
 *
 * The root task starts names, then bin/rs with (mica/proto/rs.h): its
 * endpoint, a name-server capability that may register, COM1's ports, IRQ 4
 * and the IRQ's notification (for the console server), a read-only copy of
 * the boot archive and a memory piece to start programs from, and -- over
 * the bootstrap endpoint -- its own space. rs starts console, block and fs
 * and registers them; the root waits until rs answers, looks the servers
 * up and starts bin/crashtest with capabilities to names (lookup), console,
 * rs and fs. Prints "init: started ...", "init: rs fs state=<s> ret=<r>",
 * "init: crashtest exited status=<s>" and the servers' final states.
 *
 * Interim: once the process manager is on main, rs starts its services
 * through it and needs neither the archive copy nor the memory piece.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <rpc.h>
#include <naming.h>
#include <selfspace.h>
#include <scenario.h>
#include <boot.h>
#include <mica/error.h>
#include <mica/mem.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include <mica/proto/rs.h>
#include "../tests/lab6/lab6.h"
#include "servers.h"

#define COM1            0x3F8
#define IRQ_COM1        4
#define RS_MEMORY_PAGES 2048            /* 8 MiB for the services rs starts */
#define COPY_WINDOW     0x0000610000000000UL
#define PAGE            4096UL
#define CRASHTEST_SECONDS 60            /* a run takes about 30 s (virtual); longer: it hangs
                                         * (e.g. rs restarts a server forever) */

static struct ipc_buffer buf __attribute__((aligned(4096)));

/* A server started by the root: its endpoint (all rights) or an error. */
static long start_names(struct system *sys)
{
    const char *argv[] = { "names" };
    struct process p;
    uint64_t pid;
    long ep = sys_endpoint_create(), recv = ep < 0 ? ep : sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    if (recv < 0)
        return recv;
    struct spawn_cap caps[] = { { recv, PROC_CAP_SERVICE } };
    long r = system_spawn(sys, "bin/names", 1, argv, caps, 1, &p, &pid);
    sys_cap_delete(recv);
    return r < 0 ? r : ep;
}

/* Start bin/rs with everything rs.h lists; returns its endpoint (all rights). */
static long start_rs(struct system *sys)
{
    const char *argv[] = { "rs" };
    struct process p;
    uint64_t pid;
    long ep = sys_endpoint_create();
    long recv = sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    long names = sys_cap_mint(sys->names_ep, -1, RIGHT_SEND | RIGHT_GRANT,
                              2 << 8 | NAMES_PERM_REGISTER | NAMES_PERM_LOOKUP);
    long ports = sys_ioport_cap(CAP_MACHINE, COM1, 8);
    long ntfn = sys_notification_create();
    long irq = ntfn < 0 ? ntfn : sys_irq_bind(CAP_MACHINE, IRQ_COM1, ntfn);
    long archive = archive_copy(&sys->pool, sys->archive, sys->archive_size, COPY_WINDOW);
    long memory = frame_pool_take(&sys->pool, RS_MEMORY_PAGES);
    long boot = sys_endpoint_create();
    long boot_send = boot < 0 ? boot : sys_cap_mint(boot, -1, RIGHT_SEND, 0);
    long made[] = { recv, names, ports, ntfn, irq, archive, memory, boot_send };
    for (unsigned i = 0; i < sizeof made / sizeof made[0]; i++)
        if (made[i] < 0 || ep < 0)
            return made[i] < 0 ? made[i] : ep;
    struct spawn_cap caps[] = {
        { recv, RS_CAP_SERVICE }, { names, RS_CAP_NAMES }, { ports, RS_CAP_PORTS },
        { irq, RS_CAP_IRQ }, { ntfn, RS_CAP_IRQ_NTFN }, { archive, RS_CAP_ARCHIVE },
        { memory, RS_CAP_MEMORY }, { boot_send, SELF_SPACE_BOOTSTRAP },
    };
    long r = system_spawn(sys, "bin/rs", 1, argv, caps, sizeof caps / sizeof caps[0], &p, &pid);
    if (r == 0)
        r = self_space_grant(boot, p.space, &buf, 100);
    for (unsigned i = 0; i < sizeof made / sizeof made[0]; i++)
        sys_cap_delete(made[i]);            /* rs has its copies */
    sys_cap_delete(boot);
    return r < 0 ? r : ep;
}

/* An empty slot of the root's table (from 100 up), or 0. */
static cap_t free_slot(void)
{
    struct cap_info ci;
    for (cap_t s = 100; s < CAP_TABLE_SLOTS; s++)
        if (sys_cap_info(s, (long)&ci) == -E_BADCAP)
            return s;
    return 0;
}

static long rs_status(cap_t rs, const char *name, struct rs_status *st)
{
    struct rs_name rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.name, name, sizeof rq.name);
    return rpc_call(rs, &buf, RS_STATUS, &rq, PROTO_WORDS(rq), st, PROTO_WORDS(*st), NULL);
}

SCENARIO(recover, "names, then rs with console, block and fs; bin/crashtest crashes them")
{
    static struct system sys;
    struct rs_status st = { 0 };
    struct process p;
    uint64_t pid;
    long r;
    memset(&sys, 0, sizeof sys);
    sys.next_pid = 1;
    ipc_buffer_register(&buf);
    if ((r = initrd_find(&sys.archive, &sys.archive_size)) < 0 ||
        (r = frame_pool_init(&sys.pool, CAP_BOOT_FRAMES)) < 0 ||
        (r = start_names(&sys)) < 0)
        goto fail;
    sys.names_ep = r;
    if ((r = sys_cap_mint(sys.names_ep, -1, RIGHT_SEND, 1 << 8 | NAMES_PERM_LOOKUP)) < 0)
        goto fail;
    sys.names = r;
    if ((r = start_rs(&sys)) < 0)
        goto fail;
    cap_t rs = r;
    r = rs_status(rs, "fs", &st);
    printf("init: rs fs state=%lu ret=%ld\n", st.state, r);

    /* crashtest: names (lookup), console, rs, fs. */
    cap_t fs = free_slot(), console;
    if ((r = naming_lookup(sys.names, &buf, "fs", fs)) < 0 || !(console = free_slot()) ||
        (r = naming_lookup(sys.names, &buf, "console", console)) < 0)
        goto fail;
    long lookup = sys_cap_mint(sys.names_ep, -1, RIGHT_SEND, 3 << 8 | NAMES_PERM_LOOKUP);
    long rs_send = sys_cap_mint(rs, -1, RIGHT_SEND, 0);
    if ((r = lookup) < 0 || (r = rs_send) < 0)
        goto fail;
    struct spawn_cap caps[] = { { lookup, PROC_CAP_NAMES }, { console, PROC_CAP_CONSOLE },
                                { rs_send, PROC_CAP_RS }, { fs, PROC_CAP_FS } };
    const char *argv[] = { "crashtest" };
    if ((r = system_spawn(&sys, "bin/crashtest", 1, argv, caps, 4, &p, &pid)) < 0)
        goto fail;
    tick_t limit = (tick_t)CRASHTEST_SECONDS * boot_info->hz;
    long status = sys_thread_join(p.thread, limit);
    printf("init: crashtest exited status=%ld ticks=%lu\n", status, sys_ticks());
    if (status < 0) {
        printf("init: crashtest still running after %lu ticks: stopping\n", limit);
        return 1;
    }
    static const char *const names[] = { "console", "block", "fs", "badsrv" };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        memset(&st, 0, sizeof st);
        r = rs_status(rs, names[i], &st);
        printf("init: rs %s state=%lu restarts=%lu last=%ld ret=%ld\n", names[i], st.state,
               st.restarts, st.last_status, r);
    }
    return status == 0 ? 0 : 1;
fail:
    printf("init: recover setup failed: %s\n", mica_strerror(r));
    return 1;
}
