/*
 * blockclient.h: the block server seen as a struct blockdev (blockclient.c).
 * block_client_init() asks the server for its size: 0 or -error.
 */
#ifndef BLOCKCLIENT_H
#define BLOCKCLIENT_H

#include <rpc.h>
#include "../block/blockdev.h"

struct block_client {
    struct blockdev dev;
    cap_t ep;
    struct ipc_buffer *buf;     /* the calling thread's IPC buffer */
    unsigned crash_at_write;    /* fault injection: > 0: crash before the n-th next write */
};

int block_client_init(struct block_client *c, cap_t ep, struct ipc_buffer *buf);

#endif
