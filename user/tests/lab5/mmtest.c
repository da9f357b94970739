/*
 * mmtest.c: a program whose memory comes from the memory manager (bin/mmtest,
 * started by the root task's "mmproc" scenario, mmroot.c): its stack below
 * the top MMTEST_MAPPED pages is demand-zero, its malloc() heap grows
 * through the memory manager, its limit is MMTEST_LIMIT pages; PROC_CAP_MM
 * holds its capability to the memory manager, badged with its pid. It runs
 * the checks of mmcheck.c and, as only a process can, these:
 *   "mmtest: attached=<0|1>"                    the start-up code found PROC_CAP_MM
 *   "mmtest: own space ret=<r> cap=<0|1>"       the root sent it its own space
 *   "mmtest: stack depth=<n> frame=<bytes> sum=<n>"
 *   "mmtest: heap blocks=<n> size=<n> first=0x... last=0x... mismatches=<n>"
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys.h>
#include <messaging.h>
#include <mica/proto/proc.h>
#include "mmcheck.h"
#include "mmtest.h"

#define DEPTH       12                      /* stack frames of FRAME bytes: 48 KiB */
#define FRAME       4096
#define BLOCKS      40
#define BLOCK_SIZE  5000

static struct ipc_buffer buf __attribute__((aligned(4096)));

/* Use DEPTH frames of FRAME bytes of stack: most of it demand-zero. */
static uint64_t deep(int depth)
{
    volatile uint8_t frame[FRAME];
    for (int i = 0; i < FRAME; i += 512)
        frame[i] = (uint8_t)(depth + i / 512);
    uint64_t sum = depth > 1 ? deep(depth - 1) : 0;
    for (int i = 0; i < FRAME; i += 512)
        sum += frame[i];
    return sum;
}

static void heap(void)
{
    uint8_t *blocks[BLOCKS];
    uint64_t mismatches = 0;
    mmcheck_stat("heap_before");
    for (int k = 0; k < BLOCKS; k++) {
        blocks[k] = malloc(BLOCK_SIZE);
        for (int j = 0; blocks[k] && j < BLOCK_SIZE; j++)
            blocks[k][j] = (uint8_t)(k * 7 + j);
    }
    for (int k = 0; k < BLOCKS; k++)
        for (int j = 0; j < BLOCK_SIZE; j++)
            mismatches += !blocks[k] || blocks[k][j] != (uint8_t)(k * 7 + j);
    printf("mmtest: heap blocks=%d size=%d first=0x%lx last=0x%lx mismatches=%lu\n", BLOCKS,
           BLOCK_SIZE, (uint64_t)blocks[0], (uint64_t)blocks[BLOCKS - 1], mismatches);
    mmcheck_stat("heap_after");
    for (int k = 0; k < BLOCKS; k++)
        free(blocks[k]);
}

/* The root sends this program its own address space, which thread_spawn() needs. */
static void own_space(void)
{
    struct ipc_msg m = { 0 };
    ipc_buffer_register(&buf);
    buf.recv_slot = CAP_SELF_SPACE;
    long r = ipc_recv(MMTEST_GIFT, TIMEOUT_FOREVER, &m);
    buf.recv_slot = 0;
    printf("mmtest: own space ret=%ld cap=%d\n", r, MSG_HAS_CAP(m.info));
}

int main(int argc, char **argv)
{
    printf("mmtest: attached=%d\n", mm_endpoint() == PROC_CAP_MM);
    mmcheck_use(mm_endpoint());
    own_space();
    mmcheck_stat("start");
    printf("mmtest: stack depth=%d frame=%d sum=%lu\n", DEPTH, FRAME, deep(DEPTH));
    mmcheck_stat("stack");
    mmcheck_demand_zero();
    heap();
    mmcheck_limit();
    mmcheck_malloc_limit();
    mmcheck_kills();
    mmcheck_malformed();
    mmcheck_cost();
    return 0;
}
