/*
 * ramdisk.c: the RAM-disk block store and the block server's request
 * handler (mica/proto/block.h). A write is stored when it returns, so the
 * block server may acknowledge it at once.
 */
#include "blockdev.h"
#include <string.h>
#include <mica/error.h>

static int rd_read(struct blockdev *d, uint32_t block, void *buf)
{
    struct ramdisk *rd = d->ctx;
    if (block >= d->nblocks)
        return -E_RANGE;
    memcpy(buf, rd->mem + (uint64_t)block * BLOCK_SIZE, BLOCK_SIZE);
    rd->reads++;
    return 0;
}

static int rd_write(struct blockdev *d, uint32_t block, const void *buf)
{
    struct ramdisk *rd = d->ctx;
    if (block >= d->nblocks)
        return -E_RANGE;
    if (rd->fail_after == 0)
        return -E_IO;
    if (rd->fail_after > 0)
        rd->fail_after--;
    memcpy(rd->mem + (uint64_t)block * BLOCK_SIZE, buf, BLOCK_SIZE);
    rd->writes++;
    return 0;
}

void ramdisk_init(struct ramdisk *rd, void *mem, uint32_t nblocks)
{
    rd->dev.nblocks = nblocks;
    rd->dev.read = rd_read;
    rd->dev.write = rd_write;
    rd->dev.ctx = rd;
    rd->mem = mem;
    rd->reads = rd->writes = 0;
    rd->fail_after = -1;
}

/* BLOCK_READ reads block_number, replies block_data; BLOCK_WRITE reads
 * block_write, replies nothing once stored; BLOCK_COUNT reads nothing,
 * replies block_info. Wrong lengths and unknown labels: E_INVAL. */
uint64_t block_handle(struct blockdev *d, uint64_t label, const uint64_t *words, unsigned len,
                      uint64_t *reply, unsigned *reply_len)
{
    *reply_len = 0;
    switch (label) {
    case BLOCK_READ: {
        if (len != PROTO_WORDS(struct block_number))
            return E_INVAL;
        const struct block_number *rq = (const void *)words;
        if (rq->block >= d->nblocks)
            return E_RANGE;
        int r = d->read(d, (uint32_t)rq->block, reply);
        if (r < 0)
            return -r;
        *reply_len = PROTO_WORDS(struct block_data);
        return 0;
    }
    case BLOCK_WRITE: {
        if (len != PROTO_WORDS(struct block_write))
            return E_INVAL;
        const struct block_write *rq = (const void *)words;
        if (rq->block >= d->nblocks)
            return E_RANGE;
        int r = d->write(d, (uint32_t)rq->block, rq->data);
        return r < 0 ? (uint64_t)-r : 0;
    }
    case BLOCK_COUNT: {
        if (len != 0)
            return E_INVAL;
        struct block_info *rp = (void *)reply;
        rp->count = d->nblocks;
        rp->block_size = BLOCK_SIZE;
        *reply_len = PROTO_WORDS(struct block_info);
        return 0;
    }
    default:
        return E_INVAL;
    }
}
