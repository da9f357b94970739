/*
 * system.c: the default boot (no init= on the kernel command line). The
 * root task starts the system in dependency order, each server with only
 * the capabilities it needs (mica/proto/proc.h and rs.h list the slots):
 *
 *   names   the name server                       (root, user/lib/spawn.c)
 *   mm      the memory manager: a piece of memory  (root)
 *   proc    the process manager: an archive copy, a piece of memory for
 *           programs' images, an unbadged mm capability (root)
 *   rs      the reincarnation server               (through proc, a manager)
 *           which starts console, block and fs     (through proc)
 *   sh      the shell                              (through proc)
 *
 * The root adopts names, mm and proc into proc's table (so ps lists them),
 * seeds the file system from the archive (the fs process never sees it),
 * hands proc the console and fs capabilities every later program gets, and
 * waits for the shell. Its lines start with "init:".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <rpc.h>
#include <archive.h>
#include <spawn.h>
#include <process.h>
#include <mmclient.h>
#include <fsclient.h>
#include <naming.h>
#include <consio.h>
#include <mica/cap.h>
#include <mica/error.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include <mica/proto/mm.h>
#include <mica/proto/rs.h>
#include <mica/device.h>
#include "system.h"
#include "servers.h"
#include "../tests/lab6/lab6.h"


#define COPY_WINDOW 0x0000580000000000ULL   /* where the root fills the archive copy */
#define SERVICE_WAIT 200                    /* ticks to wait for rs's services */

static struct ipc_buffer *buf;               /* ipc_buffer_self(): the libraries' too */
static struct frame_pool pool;
static const void *archive;
static size_t archive_size;
static cap_t names_ep, names;               /* all rights; ours (register, lookup) */

/* Start a server from the archive ourselves: its endpoint's receive right at
 * PROC_CAP_SERVICE plus caps. Returns the endpoint (all rights) or an error. */
static long start_server(const char *name, struct spawn_cap *caps, unsigned ncaps,
                         struct process *p)
{
    char path[PROC_PATH_MAX];
    const char *argv[] = { name, NULL };
    struct archive_entry e;
    long ep = sys_endpoint_create();
    long recv = ep < 0 ? ep : sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    if (recv < 0)
        return recv;
    struct spawn_cap all[SPAWN_CAPS_MAX] = { { recv, PROC_CAP_SERVICE } };
    for (unsigned i = 0; i < ncaps && i + 1 < SPAWN_CAPS_MAX; i++)
        all[i + 1] = caps[i];
    snprintf(path, sizeof path, "bin/%s", name);
    long r = archive_find(archive, archive_size, path, &e);
    if (r == 0) {
        struct spawn_params sp = { .name = name, .argc = argv[1] ? 2 : 1, .argv = argv,
                                   .caps = all, .ncaps = ncaps + 1, .priority = PRIO_DEFAULT + 2 };
        r = spawn(&pool, &e, &sp, p);
    }
    sys_cap_delete(recv);
    if (r < 0) {
        printf("init: cannot start %s: %s\n", path, mica_strerror(r));
        return r;
    }
    return ep;
}

static long adopt(const char *name, cap_t thread)
{
    uint64_t pid = 0;
    long ro = sys_cap_mint(thread, -1, RIGHT_READ, 0);
    long r = ro < 0 ? ro : proc_adopt(name, ro, &pid);
    if (ro >= 0)
        sys_cap_delete(ro);
    if (r < 0)
        printf("init: adopt %s: %s\n", name, mica_strerror(r));
    return r;
}

/* Look a name up; returns the capability (a new slot) or an error. */
static long lookup(const char *name)
{
    struct cap_info ci;
    cap_t slot = CAP_FIRST_FREE;
    while (slot < CAP_TABLE_SLOTS && sys_cap_info(slot, (long)&ci) == 0)
        slot++;
    if (slot == CAP_TABLE_SLOTS)
        return -E_FULL;
    long r = naming_lookup(names, buf, name, slot);
    return r < 0 ? r : slot;
}

/* Wait until rs has registered `name` (it starts its services before serving). */
static long wait_service(const char *name)
{
    for (int t = 0; t < SERVICE_WAIT; t++) {
        long c = lookup(name);
        if (c != -E_NOENT)
            return c;
        sys_sleep(1);
    }
    return -E_TIMEOUT;
}

/* names, mm and proc, started by the root itself and adopted into proc's table. */
static long start_core(cap_t *proc_mgr)
{
    struct process pn, pm, pp;
    long r;
    uint64_t total = pool.pages;
    long archive_ro = archive_copy(&pool, archive, archive_size, COPY_WINDOW);
    long mm_piece = frame_pool_take(&pool, total / 2);
    long prog = frame_pool_take(&pool, total / 4);
    if (archive_ro < 0 || mm_piece < 0 || prog < 0)
        return -E_NOMEM;

    if ((r = start_server("names", NULL, 0, &pn)) < 0)
        return r;
    names_ep = r;
    names = sys_cap_mint(names_ep, -1, RIGHT_SEND | RIGHT_GRANT,
                         1 << 8 | NAMES_PERM_REGISTER | NAMES_PERM_LOOKUP);

    struct spawn_cap mcaps[] = { { mm_piece, PROC_CAP_DEP } };
    long mm_ep = start_server("mm", mcaps, 1, &pm);
    if (mm_ep < 0)
        return mm_ep;
    sys_cap_delete(mm_piece);
    long mm_mgr = sys_cap_mint(mm_ep, -1, RIGHT_SEND | RIGHT_GRANT, MM_BADGE_MANAGER);
    if (mm_mgr < 0 || (r = mm_init(mm_mgr, buf, pm.space)) < 0)
        return mm_mgr < 0 ? mm_mgr : r;

    /* proc: argv[1] is the archive's size. */
    char size[24];
    snprintf(size, sizeof size, "%lu", archive_size);
    const char *pargv[] = { "proc", size };
    struct archive_entry e;
    long proc_ep = sys_endpoint_create();
    if (proc_ep < 0)
        return proc_ep;
    long recv = sys_cap_mint(proc_ep, -1, RIGHT_RECV, 0);
    long send = sys_cap_mint(proc_ep, -1, RIGHT_SEND | RIGHT_GRANT, 0);
    long lk = sys_cap_mint(names_ep, -1, RIGHT_SEND, 2 << 8 | NAMES_PERM_LOOKUP);
    long mm_plain = sys_cap_mint(mm_ep, -1, RIGHT_SEND | RIGHT_GRANT, 0);
    struct spawn_cap pcaps[] = {
        { recv, PROC_CAP_SERVICE }, { lk, PROC_CAP_NAMES }, { archive_ro, PROC_CAP_ARCHIVE },
        { prog, PROC_CAP_POOL }, { send, PROC_CAP_PROC }, { mm_plain, PROC_CAP_MM },
    };
    if ((r = archive_find(archive, archive_size, "bin/proc", &e)) < 0 ||
        (r = spawn(&pool, &e, &(struct spawn_params){ .name = "proc", .argc = 2, .argv = pargv,
                   .caps = pcaps, .ncaps = 6, .priority = PRIO_DEFAULT + 2 }, &pp)) < 0) {
        printf("init: cannot start bin/proc: %s\n", mica_strerror(r));
        return r;
    }
    proc_attach(send);
    *proc_mgr = send;
    if ((r = proc_boot(pp.space)) < 0 || (r = adopt("names", pn.thread)) < 0 ||
        (r = adopt("mm", pm.thread)) < 0 || (r = adopt("proc", pp.thread)) < 0)
        return r;
    return 0;
}

/* rs through proc, as a manager, with what the console server needs. */
static long start_rs(cap_t *rs_send)
{
    long ep = sys_endpoint_create();
    long ntfn = sys_notification_create();
    if (ep < 0 || ntfn < 0)
        return -E_NOMEM;
    long irq = sys_irq_bind(CAP_MACHINE, 4, ntfn);
    long ports = sys_ioport_cap(CAP_MACHINE, 0x3F8, 8);
    long recv = sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    long reg = sys_cap_mint(names_ep, -1, RIGHT_SEND | RIGHT_GRANT,
                            3 << 8 | NAMES_PERM_REGISTER | NAMES_PERM_LOOKUP);
    if (irq < 0 || ports < 0 || recv < 0 || reg < 0)
        return -E_NOMEM;
    const struct { cap_t cap, slot; } give[] = {
        { recv, RS_CAP_SERVICE }, { reg, RS_CAP_NAMES }, { ports, RS_CAP_PORTS },
        { irq, RS_CAP_IRQ }, { ntfn, RS_CAP_IRQ_NTFN },
    };
    long r = 0;
    for (unsigned i = 0; r == 0 && i < sizeof give / sizeof give[0]; i++)
        r = proc_give(give[i].slot, give[i].cap);
    const char *argv[] = { "rs" };
    uint64_t pid;
    cap_t thread;
    if (r == 0)
        r = proc_spawn_flags("bin/rs", 1, argv, PROC_SPAWN_MANAGER, &pid, &thread);
    if (r < 0) {
        printf("init: cannot start bin/rs: %s\n", mica_strerror(r));
        return r;
    }
    *rs_send = sys_cap_mint(ep, -1, RIGHT_SEND, 0);
    return *rs_send < 0 ? *rs_send : 0;
}

int system_boot(void)
{
    cap_t proc_mgr, rs;
    long r;
    unsigned files = 0;
    if (!(buf = ipc_buffer_self()))
        return 1;
    if ((r = initrd_find(&archive, &archive_size)) < 0 ||
        (r = frame_pool_init(&pool, CAP_BOOT_FRAMES)) < 0) {
        printf("init: no boot archive or memory: %s\n", mica_strerror(r));
        return 1;
    }
    if ((r = start_core(&proc_mgr)) < 0 || (r = start_rs(&rs)) < 0) {
        printf("init: start-up failed: %s\n", mica_strerror(r));
        return 1;
    }
    long console = wait_service("console");
    long fs = wait_service("fs");
    if (console < 0 || fs < 0) {
        printf("init: services not up: console %s, fs %s\n", mica_strerror(console),
               mica_strerror(fs));
        return 1;
    }
    r = seed_files(&(struct fs_client){ fs, buf }, archive, archive_size, &files);
    printf("init: seeded files=%u ret=%ld\n", files, r);
    const struct { cap_t slot, cap; } std[] = {
        { PROC_CAP_CONSOLE, console }, { PROC_CAP_FS, fs }, { PROC_CAP_RS, rs },
    };
    for (unsigned i = 0; i < sizeof std / sizeof std[0]; i++)
        if ((r = proc_set_standard(std[i].slot, std[i].cap)) < 0) {
            printf("init: standard capability %ld (our %ld): %s\n", (long)std[i].slot, (long)std[i].cap,
                   mica_strerror(r));
            return 1;
        }
    /* The shell: the machine capability for halt, a name-server lookup capability;
     * a manager at proc, so that its kill reaches any process (the operator's shell). */
    long lk = sys_cap_mint(names_ep, -1, RIGHT_SEND, 4 << 8 | NAMES_PERM_LOOKUP);
    const char *argv[] = { "sh" };
    uint64_t pid;
    cap_t thread;
    int64_t status = 1;
    if ((r = proc_give(PROC_CAP_MACHINE, CAP_MACHINE)) < 0 ||
        (r = proc_give(PROC_CAP_NAMES, lk)) < 0 ||
        (r = proc_spawn_flags("bin/sh", 1, argv, PROC_SPAWN_MANAGER, &pid, &thread)) < 0 ||
        (r = proc_wait(pid, thread, &status)) < 0) {
        printf("init: shell: %s\n", mica_strerror(r));
        return 1;
    }
    printf("init: shell exited status=%ld\n", (long)status);
    return (int)status;
}
