/*
 * main.c: the block server process (bin/block, mica/proto/block.h): a RAM
 * disk of DISK_BLOCKS blocks in its own memory, served on its endpoint
 * (PROC_CAP_SERVICE). Its only capability is that endpoint.
 *
 * PROTO_CRASH from the supervisor makes it crash at once or at one of its
 * next requests, before doing it. The disk is in its own memory, so a
 * restarted block server starts empty (keeping the blocks in frames the
 * reincarnation server holds is a lab 7 challenge).
 */
#include <stdio.h>
#include <rpc.h>
#include <crash.h>
#include <mica/proto/proc.h>
#include "blockdev.h"

#define DISK_BLOCKS 2048        /* 512 KiB */

static uint8_t disk[DISK_BLOCKS * BLOCK_SIZE];
static struct ramdisk ramdisk;
static struct ipc_buffer buf __attribute__((aligned(4096)));
static struct crash_plan plan;

static uint64_t serve_one(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w,
                          unsigned len, uint64_t *reply, unsigned *reply_len)
{
    if (label == PROTO_CRASH)
        return crash_serve(&plan, badge, w, len);
    if (crash_due(&plan))
        crash_now();
    return block_handle(ctx, label, w, len, reply, reply_len);
}

int main(int argc, char **argv)
{
    ipc_buffer_register(&buf);
    ramdisk_init(&ramdisk, disk, DISK_BLOCKS);
    long r = rpc_serve(PROC_CAP_SERVICE, &buf, serve_one, &ramdisk.dev);
    printf("block: serve loop ended: %ld\n", r);
    return 1;
}
