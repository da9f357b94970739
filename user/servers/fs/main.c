/*
 * main.c: the file server process (bin/fs, mica/proto/fs.h). It mounts the
 * disk the block server holds (PROC_CAP_DEP, send right only), formatting
 * it first if it holds no file system yet, and serves its endpoint
 * (PROC_CAP_SERVICE). It holds no other capability; whoever starts the
 * system seeds the files from the boot archive through the protocol.
 * Prints "fs: ready inodes=<n> ret=<r> disk=<new|kept>" once mounted.
 *
 * Restart: the server keeps nothing between requests (README.md), so a new
 * instance started by the reincarnation server on the same endpoint mounts
 * the same blocks ("disk=kept") and goes on. PROTO_CRASH from the
 * supervisor makes it crash at once, or in the middle of one of its next
 * requests: before one of that request's block writes (or before the reply
 * if it writes fewer blocks), to test recovery where it is hardest.
 */
#include <stdio.h>
#include <rpc.h>
#include <crash.h>
#include <mica/error.h>
#include <mica/proto/proc.h>
#include "fs.h"
#include "blockclient.h"

#define INODES 64
#define CRASH_WRITES 4          /* the doomed request crashes before one of its first 4 block writes */

static struct ipc_buffer buf __attribute__((aligned(4096)));
static struct block_client block;
static struct fs fs;
static struct crash_plan plan;

static uint64_t serve_one(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w,
                          unsigned len, uint64_t *reply, unsigned *reply_len)
{
    if (label == PROTO_CRASH)
        return crash_serve(&plan, badge, w, len);
    if (crash_due(&plan))
        block.crash_at_write = 1 + (unsigned)crash_random(&plan, CRASH_WRITES);
    uint64_t result = fs_handle_request(ctx, label, w, len, reply, reply_len);
    if (block.crash_at_write)
        crash_now();                    /* fewer writes than drawn: die before replying */
    return result;
}

int main(int argc, char **argv)
{
    const char *disk = "kept";
    ipc_buffer_register(&buf);
    int r = block_client_init(&block, PROC_CAP_DEP, &buf);
    if (r == 0 && fs_mount(&fs, &block.dev) == -E_INVAL) {
        disk = "new";
        r = fs_format(&block.dev, INODES);
        if (r == 0)
            r = fs_mount(&fs, &block.dev);
    }
    printf("fs: ready inodes=%d ret=%d disk=%s\n", INODES, r, disk);
    if (r < 0)
        return 1;
    long e = rpc_serve(PROC_CAP_SERVICE, &buf, serve_one, &fs);
    printf("fs: serve loop ended: %ld\n", e);
    return 1;
}
