/*
 * mmroot.c: the root task as the memory manager's manager (as the process
 * manager will be), in two scenarios:
 *
 * "mm" (lab 5; needs no program loading): the memory manager runs as a
 * thread of the root task (mm_server_run(), the code of bin/mm) with a frame
 * piece of MM_PIECE pages. The root registers its own address space as
 * process MMTEST_PID (limit MMTEST_LIMIT) and mm_attach()es the memory
 * manager (so thread_spawn() makes it new threads' fault handler; the
 * root's malloc keeps its static heap), runs the checks of mmcheck.c in a
 * thread "mmtest" (a thread it kills does not take the root task along),
 * and removes itself again (MM_REMOVE).
 *
 * "mmproc" (lab 6; spawns programs): starts bin/mm with its endpoint and a
 * piece and gives it its own space (MM_INIT); spawns bin/mmtest suspended,
 * with only its top MMTEST_MAPPED stack pages mapped and its capability at
 * PROC_CAP_MM; registers it (MM_ADD), declares the rest of an MMTEST_STACK-
 * page stack demand-zero, makes the memory manager its fault handler,
 * starts it and sends it its own space (mmtest.h). After it ends: its
 * numbers, MM_REMOVE, the pool's numbers; then mmtest's space goes.
 *
 * Both try the manager's requests that must fail. Lines (mmcheck.c and
 * mmtest.c print the rest):
 *   init: started <name> pid=<n> pages=<n>
 *   mmroot: op=<name> ret=<r>
 *   mmroot: pool at=<when> ret=<r> frames=<n> committed=<n> usable=<n> free=<n> faults=<n>
 *     refused=<n>                                  MM_STAT of the whole pool
 *   mmroot: mmtest [ret=<r>] status=<s>
 *   mmroot: stat pid=<n> ret=<r> frames=<n> committed=<n> limit=<n> faults=<n> refused=<n>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <mmclient.h>
#include <thread.h>
#include <messaging.h>
#include <spawn.h>
#include <archive.h>
#include <scenario.h>
#include <mica/cap.h>
#include <mica/error.h>
#include <mica/proto/proc.h>
#include "../lab6/lab6.h"
#include "../../servers/mm/pager.h"
#include "mmcheck.h"
#include "mmtest.h"

#define MM_PIECE      1024      /* pages the memory manager hands out (4 MiB) */
#define MM_PID        1
#define MM_SLOT_BASE  192       /* the memory manager thread's slots in the root's table */
#define PAGE          4096UL

static struct ipc_buffer buf __attribute__((aligned(4096)));

static void op(const char *name, long ret)
{
    printf("mmroot: op=%s ret=%ld\n", name, ret);
}

static void pool(cap_t mgr, const char *when)
{
    struct mm_stat st = { 0 };
    long r = mm_stat(mgr, 0, &st);
    printf("mmroot: pool at=%s ret=%ld frames=%u committed=%u usable=%u free=%u faults=%lu "
           "refused=%lu\n", when, r, st.frames, st.committed, st.limit, st.free_frames, st.faults,
           st.refused);
}

static void stat_pid(cap_t mgr, uint64_t pid)
{
    struct mm_stat st = { 0 };
    long r = mm_stat(mgr, pid, &st);
    printf("mmroot: stat pid=%lu ret=%ld frames=%u committed=%u limit=%u faults=%lu refused=%lu\n",
           pid, r, st.frames, st.committed, st.limit, st.faults, st.refused);
}

/* The manager's requests that must fail; `space` is a registered process's. */
static void manager_errors(cap_t mgr, cap_t space)
{
    struct ipc_msg m;
    struct mm_add rq = { 99, 0 };
    long r = ipc_call(mgr, MSG_INFO(MM_ADD, PROTO_WORDS(rq), 0), (uint64_t *)&rq, &m);
    op("add_nocap", r < 0 ? r : -(long)MSG_LABEL(m.info));
    op("add_again", mm_add(mgr, &buf, MMTEST_PID, space, 0));
    op("add_notspace", mm_add(mgr, &buf, 99, mgr, 0));
    op("add_pid0", mm_add(mgr, &buf, 0, space, 0));
    op("add_bigpid", mm_add(mgr, &buf, MM_PID_MAX + 1, space, 0));
    op("add_biglimit", mm_add(mgr, &buf, 99, space, MM_LIMIT_MAX + 1));
    op("alloc_pid0", mm_alloc(mgr, 0, 0x200000000000UL, 1, MM_WRITE));
    op("remove_unknown", mm_remove(mgr, 99));
    op("limit_unknown", mm_set_limit(mgr, 99, 10));
}

/* An endpoint and a piece of MM_PIECE pages for a memory manager. */
static long prepare(struct frame_pool *fp, cap_t *ep, cap_t *piece)
{
    long r = frame_pool_init(fp, CAP_BOOT_FRAMES);
    if (r == 0 && (r = sys_endpoint_create()) >= 0)
        *ep = r;
    if (r >= 0 && (r = frame_pool_take(fp, MM_PIECE)) >= 0)
        *piece = r;
    return r < 0 ? r : 0;
}

/* ---- "mm": the memory manager as a thread of the root task ---------------------- */

static cap_t thread_ep, thread_piece;

static int mm_thread(void *unused)
{
    long r = mm_server_run(thread_ep, thread_piece, MM_SLOT_BASE);
    printf("mmroot: memory manager stopped: %s\n", mica_strerror(r));
    return 1;
}

/* The checks, in a thread whose faults go to the memory manager. */
static int checks(void *unused)
{
    mmcheck_stat("start");
    mmcheck_demand_zero();
    mmcheck_limit();
    mmcheck_kills();
    mmcheck_malformed();
    mmcheck_cost();
    return 0;
}

SCENARIO(mm, "the memory manager (bin/mm's code, as a thread) pages the root task itself")
{
    struct frame_pool fp;
    ipc_buffer_register(&buf);
    free(malloc(1));                    /* the root keeps its static heap (see mm_attach) */
    long r = prepare(&fp, &thread_ep, &thread_piece);
    long t = r < 0 ? r : thread_spawn("mm", mm_thread, NULL, PRIO_DEFAULT + 1);
    long mgr = t < 0 ? t : sys_cap_mint(thread_ep, -1, RIGHT_SEND | RIGHT_GRANT,
                                        MM_BADGE_MANAGER);
    long mine = mgr < 0 ? mgr : sys_cap_mint(thread_ep, -1, RIGHT_SEND, MMTEST_PID);
    if (mine < 0) {
        printf("mmroot: no memory manager: %s\n", mica_strerror(mine));
        return 1;
    }
    op("init", mm_init(mgr, &buf, CAP_SELF_SPACE));    /* it has CAP_SELF_SPACE already */
    pool(mgr, "start");
    op("add", mm_add(mgr, &buf, MMTEST_PID, CAP_SELF_SPACE, MMTEST_LIMIT));
    manager_errors(mgr, CAP_SELF_SPACE);
    mm_attach(mine);
    mmcheck_use(mine);
    int status = -1;
    t = thread_spawn("mmtest", checks, NULL, PRIO_DEFAULT);
    r = t < 0 ? t : thread_join(t, &status);
    mm_attach(0);
    printf("mmroot: mmtest ret=%ld status=%d\n", r, status);

    stat_pid(mgr, MMTEST_PID);
    pool(mgr, "exited");
    op("remove", mm_remove(mgr, MMTEST_PID));
    op("remove_again", mm_remove(mgr, MMTEST_PID));
    stat_pid(mgr, MMTEST_PID);
    pool(mgr, "removed");
    return 0;
}

/* ---- "mmproc": bin/mm serving bin/mmtest ---------------------------------------- */

/* Spawn archive program `path` (argv[0] = its name) with the given caps. */
static long start(struct frame_pool *fp, const char *path, const struct spawn_cap *caps,
                  unsigned ncaps, unsigned stack, unsigned flags, uint64_t pid,
                  struct process *p)
{
    struct archive_entry e;
    const void *archive;
    size_t size;
    const char *name = strrchr(path, '/') + 1;
    long r = initrd_find(&archive, &size);
    if (r == 0)
        r = archive_find(archive, size, path, &e);
    if (r == 0)
        r = spawn(fp, &e, &(struct spawn_params){ .name = name, .argc = 1, .argv = &name,
                  .caps = caps, .ncaps = ncaps, .priority = PRIO_DEFAULT, .stack_mapped = stack,
                  .flags = flags }, p);
    if (r < 0)
        printf("mmroot: cannot start %s: %s\n", path, mica_strerror(r));
    else
        printf("init: started %s pid=%lu pages=%lu\n", name, pid, p->pages);
    return r;
}

/* Start bin/mm on ep with piece; returns the manager's capability, or an error. */
static long start_mm(struct frame_pool *fp, cap_t ep, cap_t piece)
{
    struct process p;
    long recv = sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    if (recv < 0)
        return recv;
    struct spawn_cap caps[] = { { recv, PROC_CAP_SERVICE }, { piece, PROC_CAP_DEP } };
    long r = start(fp, "bin/mm", caps, 2, 0, 0, MM_PID, &p);
    sys_cap_delete(recv);
    sys_cap_delete(piece);              /* the memory manager's copy stays */
    long mgr = r < 0 ? r : sys_cap_mint(ep, -1, RIGHT_SEND | RIGHT_GRANT, MM_BADGE_MANAGER);
    if (mgr < 0)
        return mgr;
    op("init", mm_init(mgr, &buf, p.space));
    op("init_again", mm_init(mgr, &buf, p.space));
    return mgr;
}

SCENARIO(mmproc, "bin/mm pages bin/mmtest: demand-zero stack and heap, limits, kills")
{
    struct frame_pool fp;
    struct process p;
    cap_t ep = 0, piece = 0;
    ipc_buffer_register(&buf);
    long r = prepare(&fp, &ep, &piece);
    long mgr = r < 0 ? r : start_mm(&fp, ep, piece);
    long mine = mgr < 0 ? mgr : sys_cap_mint(ep, -1, RIGHT_SEND, MMTEST_PID);
    long gift = mine < 0 ? mine : sys_endpoint_create();
    long gift_recv = gift < 0 ? gift : sys_cap_mint(gift, -1, RIGHT_RECV, 0);
    if (gift_recv < 0) {
        printf("mmroot: no memory manager: %s\n", mica_strerror(gift_recv));
        return 1;
    }
    pool(mgr, "start");

    struct spawn_cap caps[] = { { mine, PROC_CAP_MM }, { gift_recv, MMTEST_GIFT } };
    if (start(&fp, "bin/mmtest", caps, 2, MMTEST_MAPPED, SPAWN_SUSPENDED, MMTEST_PID, &p) < 0)
        return 1;
    op("add", mm_add(mgr, &buf, MMTEST_PID, p.space, MMTEST_LIMIT));
    op("alloc_stack", mm_alloc(mgr, MMTEST_PID, SPAWN_STACK_TOP - MMTEST_STACK * PAGE,
                               MMTEST_STACK - MMTEST_MAPPED, MM_WRITE));
    op("fault_handler", sys_thread_set_fault_handler(p.thread, mine));
    manager_errors(mgr, p.space);
    pool(mgr, "added");
    op("start", sys_thread_start(p.thread));
    buf.send_cap = p.space;
    op("gift", ipc_send(gift, MSG_INFO(0, 0, 1), NULL));
    long status = sys_thread_join(p.thread, TIMEOUT_FOREVER);
    printf("mmroot: mmtest status=%ld\n", status);

    stat_pid(mgr, MMTEST_PID);
    pool(mgr, "exited");
    op("remove", mm_remove(mgr, MMTEST_PID));
    op("remove_again", mm_remove(mgr, MMTEST_PID));
    stat_pid(mgr, MMTEST_PID);
    pool(mgr, "removed");
    op("revoke_space", sys_cap_revoke(p.space));
    op("delete_space", sys_cap_delete(p.space));
    return 0;
}
