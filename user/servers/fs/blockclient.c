/*
 * blockclient.c: a struct blockdev whose blocks live in the block server
 * (mica/proto/block.h), for the file server. A write returns when the block
 * server has acknowledged it, i.e. stored it.
 */
#include "blockclient.h"
#include <string.h>
#include <crash.h>
#include <mica/error.h>

static int bc_read(struct blockdev *d, uint32_t block, void *data)
{
    struct block_client *c = d->ctx;
    struct block_number rq = { block };
    unsigned got;
    long r = rpc_call(c->ep, c->buf, BLOCK_READ, &rq, PROTO_WORDS(rq), data,
                      PROTO_WORDS(struct block_data), &got);
    if (r == 0 && got != PROTO_WORDS(struct block_data))
        return -E_IO;
    return (int)r;
}

static int bc_write(struct blockdev *d, uint32_t block, const void *data)
{
    struct block_client *c = d->ctx;
    struct block_write rq;
    if (c->crash_at_write && --c->crash_at_write == 0)
        crash_now();                    /* PROTO_CRASH: die in the middle of an operation */
    rq.block = block;
    memcpy(rq.data, data, BLOCK_SIZE);
    return (int)rpc_call(c->ep, c->buf, BLOCK_WRITE, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

int block_client_init(struct block_client *c, cap_t ep, struct ipc_buffer *buf)
{
    struct block_info info;
    c->ep = ep;
    c->buf = buf;
    c->crash_at_write = 0;
    long r = rpc_call(ep, buf, BLOCK_COUNT, NULL, 0, &info, PROTO_WORDS(info), NULL);
    if (r < 0)
        return (int)r;
    if (info.block_size != BLOCK_SIZE || info.count == 0 || info.count > UINT32_MAX)
        return -E_INVAL;
    c->dev.nblocks = (uint32_t)info.count;
    c->dev.read = bc_read;
    c->dev.write = bc_write;
    c->dev.ctx = c;
    return 0;
}
