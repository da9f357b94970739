/*
 * main.c: the process manager (bin/proc, mica/proto/proc.h): start-up and
 * the receive loop. Every message is checked here for its length and
 * whether it may carry a capability, then handed to its handler (launch.c,
 * ops.c); a capability nobody kept is deleted again.
 *
 * Start-up (argv: "proc" [archive bytes]): wait for PROC_BOOT, which
 * brings our own space capability; map the archive copy at
 * PROC_ARCHIVE_ADDR, take the program memory at PROC_CAP_POOL as a
 * frame_pool, mint the watchers' capability to our own endpoint. Prints
 * "proc: ready archive=<bytes> pool=<pages> mm=<0|1> ret=<r>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <messaging.h>
#include <mica/cap.h>
#include <mica/mem.h>
#include <mica/error.h>
#include "procman.h"

#define FIRST_RECV_SLOT 32      /* received capabilities land from here on */

struct procman pm;
static struct ipc_buffer buf __attribute__((aligned(4096)));

/* An empty slot to receive the next capability into, or 0 if none. */
static cap_t free_slot(void)
{
    struct cap_info ci;
    for (cap_t s = FIRST_RECV_SLOT; s < PROCMAN_STD_BASE; s++)
        if (sys_cap_info(s, (long)&ci) == -E_BADCAP)
            return s;
    return 0;
}

/* Map the archive's frames read-only at PROC_ARCHIVE_ADDR; its size is
 * argv[1], or every page of the frames (the reader stops at the trailer). */
static long map_archive(int argc, char **argv)
{
    struct frame_info fi;
    long r = sys_frame_info(PROC_CAP_ARCHIVE, (long)&fi);
    if (r < 0)
        return r;
    for (uint64_t i = 0; i < fi.pages; i++) {
        r = sys_frame_map(PROC_CAP_ARCHIVE, (long)i, CAP_SELF_SPACE,
                          (long)(PROC_ARCHIVE_ADDR + i * 4096), RIGHT_READ);
        if (r < 0)
            return r;
    }
    pm.archive = (const void *)PROC_ARCHIVE_ADDR;
    pm.archive_size = fi.pages * 4096;
    if (argc > 1) {
        unsigned long n = strtoul(argv[1], NULL, 10);
        if (n > 0 && n < pm.archive_size)
            pm.archive_size = n;
    }
    return 0;
}

static long start(int argc, char **argv)
{
    long r = map_archive(argc, argv);
    if (r < 0)
        return r;
    if ((r = frame_pool_init(&pm.pool, PROC_CAP_POOL)) < 0)
        return r;
    struct cap_info ci;
    for (cap_t slot = PROC_CAP_STANDARD_FIRST; slot <= PROC_CAP_STANDARD_LAST; slot++)
        if (sys_cap_info(slot, (long)&ci) == 0 && (r = sys_cap_move(slot, STD_SLOT(slot))) < 0)
            return r;
    r = sys_cap_mint(STD_SLOT(PROC_CAP_PROC), -1, RIGHT_SEND, PROCMAN_BADGE_DIED);
    if (r < 0)
        return r;
    pm.died = r;
    pm.next_pid = 1;
    pm.use_mm = proc_mm_present();
    return 0;
}

/* The request struct of a label, and whether it comes with a capability. */
static bool expected(uint64_t label, unsigned *words, bool *cap)
{
    *cap = false;
    switch (label) {
    case PROC_SPAWN:  *words = PROTO_WORDS(struct proc_spawn); return true;
    case PROC_WAIT:   *words = PROTO_WORDS(struct proc_wait); return true;
    case PROC_KILL:
    case PROC_LIST:   *words = PROTO_WORDS(struct proc_pid); return true;
    case PROC_GIVE:
    case PROC_SET_STANDARD:
        *words = PROTO_WORDS(struct proc_give);
        *cap = true;
        return true;
    case PROC_SELF_SPACE: *words = 0; return true;
    case PROC_ADOPT:
        *words = PROTO_WORDS(struct proc_adopt);
        *cap = true;
        return true;
    }
    return false;
}

/* Decode and run one request; returns the reply label (0 or an error). */
static uint64_t handle(const struct ipc_msg *m, const uint64_t *w, cap_t recv, bool *kept,
                       struct reply *rp)
{
    uint64_t label = MSG_LABEL(m->info);
    unsigned words;
    bool with_cap;
    if (!expected(label, &words, &with_cap) || MSG_LEN(m->info) != words)
        return E_INVAL;
    if (with_cap && !MSG_HAS_CAP(m->info))
        return E_INVAL;
    switch (label) {
    case PROC_SPAWN:  return proc_spawn_request(m->badge, (const void *)w, rp);
    case PROC_WAIT:   return proc_wait_request(m->badge, (const void *)w, rp);
    case PROC_KILL:   return proc_kill_request(m->badge, (const void *)w);
    case PROC_LIST:   return proc_list_request((const void *)w, rp);
    case PROC_GIVE:   return proc_give_request(m->badge, (const void *)w, recv, kept);
    case PROC_ADOPT:  return proc_adopt_request(m->badge, (const void *)w, recv, kept, rp);
    case PROC_SELF_SPACE: return proc_self_space_request(m->badge, rp);
    case PROC_SET_STANDARD:
        return proc_set_standard_request(m->badge, (const void *)w, recv, kept);
    }
    return E_INVAL;
}

/* Serve nothing until the root task sends PROC_BOOT with our own space
 * capability (into CAP_SELF_SPACE); then start up and answer it. */
static long boot(int argc, char **argv)
{
    struct ipc_msg m;
    struct cap_info ci;
    for (;;) {
        buf.recv_slot = CAP_SELF_SPACE;
        long r = ipc_recv(PROC_CAP_SERVICE, TIMEOUT_FOREVER, &m);
        if (r < 0)
            return r;
        bool ok = MSG_LABEL(m.info) == PROC_BOOT && m.badge == 0 && MSG_HAS_CAP(m.info) &&
                  sys_cap_info(CAP_SELF_SPACE, (long)&ci) == 0 && ci.type == CAP_TYPE_SPACE;
        if (!ok) {
            if (MSG_HAS_CAP(m.info))
                sys_cap_delete(CAP_SELF_SPACE);
            if (m.badge != PROCMAN_BADGE_DIED)
                ipc_reply(MSG_INFO(E_AGAIN, 0, 0), NULL);
            continue;
        }
        r = start(argc, argv);
        printf("proc: ready archive=%lu pool=%lu mm=%d ret=%ld\n", pm.archive_size,
               pm.pool.pages, pm.use_mm, r);
        ipc_reply(MSG_INFO(r < 0 ? (uint64_t)-r : 0, 0, 0), NULL);
        return r;
    }
}

int main(int argc, char **argv)
{
    static uint64_t w[IPC_MAX_WORDS];
    static struct reply rp;
    struct ipc_msg m;
    ipc_buffer_register(&buf);
    pm.buf = &buf;
    long r = boot(argc, argv);
    if (r < 0)
        return 1;
    cap_t recv = 0;
    for (;;) {
        struct cap_info ci;
        if (!recv || sys_cap_info(recv, (long)&ci) == 0)
            recv = free_slot();         /* a request's own allocations may have taken it */
        buf.recv_slot = recv;
        r = ipc_recv(PROC_CAP_SERVICE, TIMEOUT_FOREVER, &m);
        if (r < 0) {
            printf("proc: receive failed: %s\n", mica_strerror(r));
            return 1;
        }
        if (m.badge == PROCMAN_BADGE_DIED) {        /* a watcher; it sent, not called */
            if (MSG_LABEL(m.info) == PROCMAN_DIED)
                proc_died(m.w[0], (int64_t)m.w[1]);
            continue;
        }
        unsigned len = MSG_LEN(m.info);
        for (unsigned i = 0; i < IPC_MAX_WORDS; i++)
            w[i] = i >= len ? 0 : i < IPC_REG_WORDS ? m.w[i] : buf.words[i];
        bool kept = false;
        memset(&rp, 0, sizeof rp);
        uint64_t result = handle(&m, w, recv, &kept, &rp);
        if (MSG_HAS_CAP(m.info) && !kept)
            sys_cap_delete(recv);   /* a capability nobody asked for */
        if (MSG_HAS_CAP(m.info) && kept)
            recv = 0;
        if (result != 0) {
            if (rp.cap)
                sys_cap_delete(rp.cap);
            rp.len = 0;
            rp.cap = 0;
        }
        for (unsigned i = IPC_REG_WORDS; i < rp.len; i++)
            buf.words[i] = rp.words[i];
        buf.send_cap = rp.cap;
        ipc_reply(MSG_INFO(result, rp.len, rp.cap != 0), rp.words);
        if (rp.cap)
            sys_cap_delete(rp.cap);             /* the caller has its copy now */
    }
}
