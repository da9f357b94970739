/*
 * pager.c: a user-level pager (lab 5). The main thread names a pager thread's
 * endpoint as its own fault handler and touches PAGES fresh pages of an
 * unmapped region; each fault arrives as a message, the pager maps a fresh
 * frame from a piece of the boot memory and replies, and the main thread
 * goes on. Then it reads its data back.
 *
 * Lines:
 *   pager: piece slot=N pages=N
 *   pager: fault n=N addr=0x... access=N vector=N badge=N rip=0x... map=<ret>
 *   pager: read page=N value=0x...
 *   pager: done faults=N mappings=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>
#include <mica/mem.h>

#define REGION  0x0000300000000000UL
#define PAGE    4096UL
#define PAGES   8
#define BADGE   42
#define LABEL_STOP 1

static cap_t ep, piece;
static int faults;

/* Serve faults until a message with LABEL_STOP arrives. */
static int pager(void *unused)
{
    struct ipc_msg m;
    uint64_t next = 0;
    while (ipc_recv(ep, TIMEOUT_FOREVER, &m) == 0 && MSG_LABEL(m.info) == IPC_LABEL_FAULT) {
        uint64_t addr = m.w[FAULT_MSG_ADDR];
        long r = sys_frame_map(piece, (long)next++, CAP_SELF_SPACE, (long)(addr & ~(PAGE - 1)),
                               RIGHT_READ | RIGHT_WRITE);
        printf("pager: fault n=%d addr=0x%lx access=%lu vector=%lu badge=%lu rip=0x%lx map=%ld\n",
               ++faults, addr, m.w[FAULT_MSG_ACCESS], m.w[FAULT_MSG_VECTOR], m.badge,
               m.w[FAULT_MSG_RIP], r);
        ipc_reply(MSG_INFO(r == 0 ? 0 : 1, 0, 0), NULL);
    }
    return 0;
}

SCENARIO(pager, "a user-level pager maps fresh frames for the faults of another thread")
{
    ep = sys_endpoint_create();
    piece = sys_frame_split(CAP_BOOT_FRAMES, 0, 16);
    printf("pager: piece slot=%ld pages=16\n", piece);
    cap_t badged = sys_cap_mint(ep, -1, RIGHT_SEND, BADGE);
    cap_t t = thread_spawn("pager", pager, NULL, PRIO_DEFAULT + 1);
    sys_thread_set_fault_handler(CAP_SELF_THREAD, badged);

    volatile uint64_t *region = (volatile uint64_t *)REGION;
    uint64_t first = region[0];                     /* a read fault: a zeroed page */
    for (int i = 0; i < PAGES; i++)
        region[i * PAGE / 8 + i] = first + 0x1111UL * (i + 1);    /* page 0 mapped already */
    for (int i = 0; i < PAGES; i++)
        printf("pager: read page=%d value=0x%lx\n", i, region[i * PAGE / 8 + i]);

    sys_thread_set_fault_handler(CAP_SELF_THREAD, 0);
    ipc_send(ep, MSG_INFO(LABEL_STOP, 0, 0), NULL);
    thread_join(t, NULL);
    struct frame_info fi;
    sys_frame_info(piece, (long)&fi);
    printf("pager: done faults=%d mappings=%u\n", faults, fi.mappings);
    return 0;
}
