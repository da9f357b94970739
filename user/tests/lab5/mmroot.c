/*
 * mmroot.c: the root task's side of the memory manager test (init=mm,
 * lab 5). The root acts as the manager, as the process manager will:
 *   1. starts bin/mm with its endpoint and a frame piece of MM_PIECE pages,
 *      and gives it its own address space (MM_INIT);
 *   2. spawns bin/mmtest suspended, with only the top MMTEST_MAPPED stack
 *      pages mapped and a capability to the memory manager badged with its
 *      pid at PROC_CAP_MM; registers it (MM_ADD, limit MMTEST_LIMIT),
 *      declares the rest of an MMTEST_STACK-page stack demand-zero, makes
 *      the memory manager its fault handler and starts it; then sends it
 *      its own address space (see mmtest.h: MMTEST_GIFT);
 *   3. after it ends: its numbers, MM_REMOVE, and the pool's numbers; then
 *      it revokes and deletes mmtest's space.
 * It also tries the manager's requests that must fail.
 *
 * Lines (values for the grader; mmtest.c prints the rest):
 *   init: started <name> pid=<n> pages=<n>
 *   mmroot: op=<name> ret=<r>
 *   mmroot: pool at=<when> frames=<n> committed=<n> usable=<n> free=<n> faults=<n> refused=<n>
 *   mmroot: mmtest status=<s>
 *   mmroot: stat pid=<n> ret=<r> frames=<n> committed=<n> limit=<n> faults=<n> refused=<n>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <mm.h>
#include <messaging.h>
#include <mica/cap.h>
#include <spawn.h>
#include <archive.h>
#include <scenario.h>
#include <mica/error.h>
#include <mica/proto/proc.h>
#include "../lab6/lab6.h"
#include "mmtest.h"

#define MM_PIECE      1024      /* pages the memory manager hands out (4 MiB) */
#define MM_PID        1
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

/* Spawn archive program `path` (argv[0] = its name) with the given caps. */
static long start(struct frame_pool *fp, const void *archive, size_t size, const char *path,
                  const struct spawn_cap *caps, unsigned ncaps, unsigned stack, unsigned flags,
                  uint64_t pid, struct process *p)
{
    struct archive_entry e;
    const char *name = strrchr(path, '/') + 1;
    long r = archive_find(archive, size, path, &e);
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

/* Start bin/mm with endpoint ep; returns the manager's capability to it, or an error. */
static long start_mm(struct frame_pool *fp, const void *archive, size_t size, cap_t ep)
{
    struct process p;
    long recv = sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    long piece = recv < 0 ? recv : frame_pool_take(fp, MM_PIECE);
    if (piece < 0)
        return piece;
    struct spawn_cap caps[] = { { recv, PROC_CAP_SERVICE }, { piece, PROC_CAP_DEP } };
    long r = start(fp, archive, size, "bin/mm", caps, 2, 0, 0, MM_PID, &p);
    sys_cap_delete(recv);
    sys_cap_delete(piece);              /* the memory manager's copy stays */
    long mgr = r < 0 ? r : sys_cap_mint(ep, -1, RIGHT_SEND | RIGHT_GRANT, MM_BADGE_MANAGER);
    if (mgr < 0)
        return mgr;
    op("init", mm_init(mgr, &buf, p.space));
    op("init_again", mm_init(mgr, &buf, p.space));
    return mgr;
}

/* The manager's requests that must fail. */
static void manager_errors(cap_t mgr, const struct process *p)
{
    struct ipc_msg m;
    struct mm_add rq = { 99, 0 };
    long r = ipc_call(mgr, MSG_INFO(MM_ADD, PROTO_WORDS(rq), 0), (uint64_t *)&rq, &m);
    op("add_nocap", r < 0 ? r : -(long)MSG_LABEL(m.info));
    op("add_again", mm_add(mgr, &buf, MMTEST_PID, p->space, 0));
    op("add_notspace", mm_add(mgr, &buf, 99, mgr, 0));
    op("add_pid0", mm_add(mgr, &buf, 0, p->space, 0));
    op("add_bigpid", mm_add(mgr, &buf, MM_PID_MAX + 1, p->space, 0));
    op("add_biglimit", mm_add(mgr, &buf, 99, p->space, MM_LIMIT_MAX + 1));
    op("alloc_pid0", mm_alloc(mgr, 0, 0x200000000000UL, 1, MM_WRITE));
    op("remove_unknown", mm_remove(mgr, 99));
    op("limit_unknown", mm_set_limit(mgr, 99, 10));
}

static void stat_pid(cap_t mgr, uint64_t pid)
{
    struct mm_stat st = { 0 };
    long r = mm_stat(mgr, pid, &st);
    printf("mmroot: stat pid=%lu ret=%ld frames=%u committed=%u limit=%u faults=%lu refused=%lu\n",
           pid, r, st.frames, st.committed, st.limit, st.faults, st.refused);
}

SCENARIO(mm, "the memory manager as every process's pager: bin/mm serves bin/mmtest")
{
    struct frame_pool fp;
    struct process p;
    const void *archive;
    size_t size;
    ipc_buffer_register(&buf);
    long r = initrd_find(&archive, &size);
    long ep = r < 0 ? r : sys_endpoint_create();
    if (ep >= 0)
        r = frame_pool_init(&fp, CAP_BOOT_FRAMES);
    long mgr = ep < 0 ? ep : r < 0 ? r : start_mm(&fp, archive, size, ep);
    long mine = mgr < 0 ? mgr : sys_cap_mint(ep, -1, RIGHT_SEND, MMTEST_PID);
    if (mine < 0) {
        printf("mmroot: no memory manager: %s\n", mica_strerror(mine));
        return 1;
    }
    pool(mgr, "start");

    long gift = sys_endpoint_create();
    long gift_recv = gift < 0 ? gift : sys_cap_mint(gift, -1, RIGHT_RECV, 0);
    if (gift_recv < 0)
        return 1;
    struct spawn_cap caps[] = { { mine, PROC_CAP_MM }, { gift_recv, MMTEST_GIFT } };
    if (start(&fp, archive, size, "bin/mmtest", caps, 2, MMTEST_MAPPED, SPAWN_SUSPENDED,
              MMTEST_PID, &p) < 0)
        return 1;
    op("add", mm_add(mgr, &buf, MMTEST_PID, p.space, MMTEST_LIMIT));
    op("alloc_stack", mm_alloc(mgr, MMTEST_PID, SPAWN_STACK_TOP - MMTEST_STACK * PAGE,
                               MMTEST_STACK - MMTEST_MAPPED, MM_WRITE));
    op("fault_handler", sys_thread_set_fault_handler(p.thread, mine));
    manager_errors(mgr, &p);
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
