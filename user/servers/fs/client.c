/*
 * client.c: the file server's client side (client.h): requests packed as
 * mica/proto/fs.h declares them; reads and writes of at most FS_IO_MAX
 * bytes per message (the caller loops).
 */
#include "client.h"
#include <string.h>

long fsc_open(const struct fs_client *c, struct fs_file *f, const char *path, uint64_t flags)
{
    struct fs_open rq = { .flags = flags };
    struct fs_handle_reply rp;
    strlcpy(rq.path, path, sizeof rq.path);
    long r = rpc_call(c->ep, c->buf, FS_OPEN, &rq, PROTO_WORDS(rq), &rp, PROTO_WORDS(rp), NULL);
    if (r == 0)
        *f = (struct fs_file){ .h = rp.handle, .offset = 0 };
    return r;
}

long fsc_read(const struct fs_client *c, struct fs_file *f, void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp;
    long r = rpc_call(c->ep, c->buf, FS_READ, &rq, FS_IO_HEADER_WORDS, &rp, PROTO_WORDS(rp), NULL);
    if (r < 0)
        return r;
    memcpy(buf, rp.data, rp.count);
    f->offset += rp.count;
    return (long)rp.count;
}

long fsc_write(const struct fs_client *c, struct fs_file *f, const void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp;
    memcpy(rq.data, buf, rq.count);
    long r = rpc_call(c->ep, c->buf, FS_WRITE, &rq, FS_IO_HEADER_WORDS + (rq.count + 7) / 8,
                      &rp, 1, NULL);
    if (r < 0)
        return r;
    f->offset += rp.count;
    return (long)rp.count;
}

long fsc_stat(const struct fs_client *c, const char *path, struct fs_stat *st)
{
    struct fs_path rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    return rpc_call(c->ep, c->buf, FS_STAT, &rq, PROTO_WORDS(rq), st, PROTO_WORDS(*st), NULL);
}

long fsc_path(const struct fs_client *c, uint64_t label, const char *path)
{
    struct fs_path rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    return rpc_call(c->ep, c->buf, label, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}
