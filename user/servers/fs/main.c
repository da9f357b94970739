/*
 * main.c: the file server process (bin/fs, mica/proto/fs.h). It formats the
 * disk the block server holds (PROC_CAP_DEP, send right only), mounts it and
 * serves its endpoint (PROC_CAP_SERVICE). It holds no other capability; the
 * root task seeds the files from the boot archive through the protocol.
 * Prints "fs: ready inodes=<n> ret=<r>" once mounted.
 */
#include <stdio.h>
#include <rpc.h>
#include <mica/proto/proc.h>
#include "fs.h"
#include "blockclient.h"

#define INODES 64

static struct ipc_buffer buf __attribute__((aligned(4096)));
static struct block_client block;
static struct fs fs;

static uint64_t serve_one(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w,
                          unsigned len, uint64_t *reply, unsigned *reply_len)
{
    return fs_handle_request(ctx, label, w, len, reply, reply_len);
}

int main(int argc, char **argv)
{
    ipc_buffer_register(&buf);
    int r = block_client_init(&block, PROC_CAP_DEP, &buf);
    if (r == 0)
        r = fs_format(&block.dev, INODES);
    if (r == 0)
        r = fs_mount(&fs, &block.dev);
    printf("fs: ready inodes=%d ret=%d\n", INODES, r);
    if (r < 0)
        return 1;
    long e = rpc_serve(PROC_CAP_SERVICE, &buf, serve_one, &fs);
    printf("fs: serve loop ended: %ld\n", e);
    return 1;
}
