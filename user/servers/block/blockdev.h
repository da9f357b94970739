/*
 * blockdev.h: the block device interface the file system is written
 * against: read or write one BLOCK_SIZE block by number. Implemented by the
 * RAM disk (ramdisk.c) directly, or by a client of the block server
 * (mica/proto/block.h) over IPC. write returns only when the block is stored.
 * Both return 0 or -E_RANGE (block out of range) / -E_IO.
 */
#ifndef BLOCKDEV_H
#define BLOCKDEV_H

#include <mica/types.h>
#include <mica/proto/block.h>

struct blockdev {
    uint32_t nblocks;
    int (*read)(struct blockdev *d, uint32_t block, void *buf);
    int (*write)(struct blockdev *d, uint32_t block, const void *buf);
    void *ctx;
};

/* ramdisk.c: a block store in memory the caller provides (nblocks * BLOCK_SIZE bytes). */
struct ramdisk {
    struct blockdev dev;
    uint8_t *mem;
    uint64_t reads, writes;     /* counters, for tests */
    int64_t fail_after;         /* test hook: writes left before -E_IO; < 0: never fail */
};

void ramdisk_init(struct ramdisk *rd, void *mem, uint32_t nblocks);

/* The block server's request handler (pure: no IPC). Reads one request
 * (label, words) and fills the reply words; returns the reply label
 * (0 or a positive E_* code) and the reply length in words in *reply_len. */
uint64_t block_handle(struct blockdev *d, uint64_t label, const uint64_t *words, unsigned len,
                      uint64_t *reply, unsigned *reply_len);

#endif
