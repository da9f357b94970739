/*
 * server.c: the memory manager's system side (pager.h has the logic):
 * mm_server_run() serves an endpoint with a frame piece. bin/mm runs it as
 * its one thread (main.c); the root task's lab 5 scenario runs it as a
 * thread of its own (user/tests/lab5/mmroot.c). It needs
 *   ep                 its endpoint, receive right
 *   piece              a frame piece (RIGHT_MAP, READ, WRITE): all the memory it hands out
 *   CAP_SELF_SPACE     its own address space: there already, or else sent by MM_INIT
 * It maps the first pages of the piece at META_VA for the frame table
 * (struct pool_page per page) and serves requests and fault messages one at
 * a time; a frame is zeroed through the one-page window at WINDOW_VA before
 * it is mapped into a process. Process i's address space capability lives
 * in slot slot_base + i.
 *
 * Prints "mm: ready frames=<n> usable=<n> ret=<r>", one line per
 * MM_ADD/MM_REMOVE, and one per refused fault ("mm: refused fault pid=<p>
 * addr=0x... access=<a> err=<e>"); served faults are silent (the fast path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <messaging.h>
#include <mica/cap.h>
#include <mica/error.h>
#include "pager.h"

#define META_VA     0x0000500000000000UL
#define WINDOW_VA   0x0000580000000000UL

static struct ipc_buffer buf __attribute__((aligned(4096)));
static struct pager pg;
static cap_t service, piece;

static long check_space(void *ctx, cap_t space)
{
    struct cap_info ci;
    long r = sys_cap_info(space, (long)&ci);
    if (r < 0)
        return r;
    return ci.type == CAP_TYPE_SPACE && (ci.rights & RIGHT_MAP) ? 0 : -E_WRONGTYPE;
}

static long zero(void *ctx, uint32_t frame)
{
    long r = sys_frame_map(piece, frame, CAP_SELF_SPACE, (long)WINDOW_VA, RIGHT_READ | RIGHT_WRITE);
    if (r < 0)
        return r;
    for (uint64_t *w = (uint64_t *)WINDOW_VA; w < (uint64_t *)(WINDOW_VA + MM_PAGE); w++)
        *w = 0;                         /* by words: memset() goes byte by byte */
    return sys_frame_unmap(CAP_SELF_SPACE, (long)WINDOW_VA);
}

static long map(void *ctx, cap_t space, uint32_t frame, uint64_t va, bool writable)
{
    return sys_frame_map(piece, frame, space, (long)va,
                         RIGHT_READ | (writable ? RIGHT_WRITE : 0));
}

static long unmap(void *ctx, cap_t space, uint64_t va)
{
    return sys_frame_unmap(space, (long)va);
}

static void drop(void *ctx, cap_t space)
{
    sys_cap_delete(space);
}

static const struct pager_ops ops = { check_space, zero, map, unmap, drop };

/* Wait for MM_INIT from the manager unless the spawner gave the memory
 * manager its own space (other requests get E_AGAIN until then); then set
 * up the frame table in the first pages of the piece. Returns 0 or an error. */
static long init(cap_t slot_base)
{
    struct frame_info fi;
    struct ipc_msg m;
    bool asked = check_space(NULL, CAP_SELF_SPACE) < 0, waiting = asked;
    long r = sys_frame_info(piece, (long)&fi);
    if (r < 0 || fi.pages > POOL_NIL)
        return r < 0 ? r : -E_RANGE;
    buf.recv_slot = CAP_SELF_SPACE;
    r = waiting ? ipc_recv(service, TIMEOUT_FOREVER, &m) : 0;
    while (r == 0 && waiting) {
        waiting = !(MSG_LABEL(m.info) == MM_INIT && m.badge == MM_BADGE_MANAGER &&
                    MSG_HAS_CAP(m.info) && check_space(NULL, CAP_SELF_SPACE) == 0);
        if (waiting && MSG_HAS_CAP(m.info))
            sys_cap_delete(CAP_SELF_SPACE);
        if (waiting)
            r = ipc_reply_recv(service, MSG_INFO(E_AGAIN, 0, 0), NULL, &m);
    }
    buf.recv_slot = 0;
    uint64_t meta = (fi.pages * sizeof(struct pool_page) + MM_PAGE - 1) / MM_PAGE;
    for (uint64_t i = 0; r == 0 && i < meta; i++)
        r = sys_frame_map(piece, (long)i, CAP_SELF_SPACE, (long)(META_VA + i * MM_PAGE),
                          RIGHT_READ | RIGHT_WRITE);
    if (r == 0 && meta >= fi.pages)
        r = -E_NOMEM;
    if (r == 0)
        pager_init(&pg, &ops, NULL, (struct pool_page *)META_VA, (uint32_t)fi.pages,
                   (uint32_t)meta, slot_base);
    if (asked)
        ipc_reply(MSG_INFO(r < 0 ? -r : 0, 0, 0), NULL);
    printf("mm: ready frames=%lu usable=%lu ret=%ld\n", fi.pages, r == 0 ? fi.pages - meta : 0, r);
    return r;
}

/* Serve forever: each message is decoded by pager_handle(); a capability that
 * came with a request the memory manager did not keep is deleted. */
static long serve(void)
{
    uint64_t words[IPC_MAX_WORDS], reply[IPC_MAX_WORDS];
    struct ipc_msg m;
    long r;
    buf.recv_slot = pager_next_slot(&pg);
    r = ipc_recv(service, TIMEOUT_FOREVER, &m);
    while (r == 0) {
        unsigned len = MSG_LEN(m.info), rlen;
        uint64_t label = MSG_LABEL(m.info);
        cap_t cap = MSG_HAS_CAP(m.info) ? buf.recv_slot : 0;
        bool kept;
        for (unsigned i = 0; i < IPC_MAX_WORDS; i++)
            words[i] = i >= len ? 0 : i < IPC_REG_WORDS ? m.w[i] : buf.words[i];
        uint64_t result = pager_handle(&pg, m.badge, label, words, len, cap, &kept, reply, &rlen);
        if (cap && !kept)
            sys_cap_delete(cap);
        if (label == MM_ADD || label == MM_REMOVE)
            printf("mm: %s pid=%lu ret=%ld\n", label == MM_ADD ? "add" : "remove", words[0],
                   -(long)result);
        else if (label == IPC_LABEL_FAULT && result != 0)
            printf("mm: refused fault pid=%lu addr=0x%lx access=%lu err=%ld\n", m.badge,
                   words[FAULT_MSG_ADDR], words[FAULT_MSG_ACCESS], -(long)result);
        buf.recv_slot = pager_next_slot(&pg);
        r = ipc_reply_recv(service, MSG_INFO(result, result ? 0 : rlen, 0), reply, &m);
    }
    return r;
}

long mm_server_run(cap_t ep, cap_t frames, cap_t slot_base)
{
    if (slot_base < CAP_FIRST_FREE || slot_base > CAP_TABLE_SLOTS - PAGER_PROCS_MAX)
        return -E_INVAL;
    service = ep;
    piece = frames;
    ipc_buffer_register(&buf);
    long r = init(slot_base);
    return r < 0 ? r : serve();
}
