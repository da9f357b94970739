/*
 * client.c: the file server's client side (client.h): requests packed as
 * mica/proto/fs.h declares them; reads and writes of at most FS_IO_MAX
 * bytes per message (the caller loops). Each call says whether it may be
 * repeated after a restart of the server (rpc_call_retry()).
 */
#include "client.h"
#include <string.h>
#include <mica/error.h>

long fsc_open(const struct fs_client *c, struct fs_file *f, const char *path, uint64_t flags)
{
    struct fs_open rq = { .flags = flags };
    struct fs_handle_reply rp;
    strlcpy(rq.path, path, sizeof rq.path);
    enum rpc_retry how = flags & FS_O_EXCL ? RPC_ONCE : RPC_IDEMPOTENT;
    long r = rpc_call_retry(c->ep, c->buf, how, FS_OPEN, &rq, PROTO_WORDS(rq), &rp,
                            PROTO_WORDS(rp), NULL, NULL);
    if (r == 0)
        *f = (struct fs_file){ .h = rp.handle, .offset = 0 };
    return r;
}

long fsc_read(const struct fs_client *c, struct fs_file *f, void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp;
    long r = rpc_call_retry(c->ep, c->buf, RPC_IDEMPOTENT, FS_READ, &rq, FS_IO_HEADER_WORDS,
                            &rp, PROTO_WORDS(rp), NULL, NULL);
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
    long r = rpc_call_retry(c->ep, c->buf, RPC_IDEMPOTENT, FS_WRITE, &rq,
                            FS_IO_HEADER_WORDS + (rq.count + 7) / 8, &rp, 1, NULL, NULL);
    if (r < 0)
        return r;
    f->offset += rp.count;
    return (long)rp.count;
}

long fsc_close(const struct fs_client *c, struct fs_file *f)
{
    return rpc_call_retry(c->ep, c->buf, RPC_IDEMPOTENT, FS_CLOSE, &f->h, PROTO_WORDS(f->h),
                          NULL, 0, NULL, NULL);
}

long fsc_stat(const struct fs_client *c, const char *path, struct fs_stat *st)
{
    struct fs_path rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    return rpc_call_retry(c->ep, c->buf, RPC_IDEMPOTENT, FS_STAT, &rq, PROTO_WORDS(rq), st,
                          PROTO_WORDS(*st), NULL, NULL);
}

long fsc_readdir(const struct fs_client *c, struct fs_file *dir, uint64_t index,
                 struct fs_dirent *out)
{
    struct fs_io rq = { .handle = dir->h, .offset = index, .count = 0 };
    return rpc_call_retry(c->ep, c->buf, RPC_IDEMPOTENT, FS_READDIR, &rq, FS_IO_HEADER_WORDS,
                          out, PROTO_WORDS(*out), NULL, NULL);
}

long fsc_path(const struct fs_client *c, uint64_t label, const char *path)
{
    struct fs_path rq;
    unsigned repeats = 0;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    enum rpc_retry how = label == FS_MKDIR || label == FS_UNLINK ? RPC_IDEMPOTENT : RPC_ONCE;
    long r = rpc_call_retry(c->ep, c->buf, how, label, &rq, PROTO_WORDS(rq), NULL, 0, NULL,
                            &repeats);
    /* A repeat that finds the work done: the dead server did it. */
    if (repeats > 0 && ((label == FS_MKDIR && r == -E_EXIST) || (label == FS_UNLINK && r == -E_NOENT)))
        r = 0;
    return r;
}

long fsc_rename(const struct fs_client *c, const char *from, const char *to)
{
    struct fs_rename rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.from, from, sizeof rq.from);
    strlcpy(rq.to, to, sizeof rq.to);
    return rpc_call_retry(c->ep, c->buf, RPC_ONCE, FS_RENAME, &rq, PROTO_WORDS(rq), NULL, 0,
                          NULL, NULL);
}
