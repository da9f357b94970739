/*
 * fsclient.c: the file server's client side (fsclient.h): requests packed
 * as mica/proto/fs.h declares them; reads and writes of at most FS_IO_MAX
 * bytes per message (the caller loops, or fsc_write_all does). Each call
 * says whether it may be repeated after a restart of the server
 * (rpc_call_retry()).
 */
#include <fsclient.h>
#include <consio.h>
#include <string.h>
#include <mica/error.h>

/* rpc_call_retry with c's IPC buffer (its own, or the calling thread's);
 * *repeats (may be NULL): how often it was repeated after a restart. */
static long call_how(const struct fs_client *c, enum rpc_retry how, uint64_t label,
                     const void *req, unsigned req_words, void *rep, unsigned rep_max,
                     unsigned *repeats)
{
    struct ipc_buffer *buf = c->buf ? c->buf : ipc_buffer_self();
    if (!buf)
        return -E_NOMEM;
    return rpc_call_retry(c->ep, buf, how, label, req, req_words, rep, rep_max, NULL, repeats);
}

/* An idempotent request: repeated after a restart of the server. */
static long call(const struct fs_client *c, uint64_t label, const void *req, unsigned req_words,
                 void *rep, unsigned rep_max)
{
    return call_how(c, RPC_IDEMPOTENT, label, req, req_words, rep, rep_max, NULL);
}

long fsc_open(const struct fs_client *c, struct fs_file *f, const char *path, uint64_t flags)
{
    struct fs_open rq = { .flags = flags };
    struct fs_handle_reply rp;
    strlcpy(rq.path, path, sizeof rq.path);
    enum rpc_retry how = flags & FS_O_EXCL ? RPC_ONCE : RPC_IDEMPOTENT;
    long r = call_how(c, how, FS_OPEN, &rq, PROTO_WORDS(rq), &rp, PROTO_WORDS(rp), NULL);
    if (r == 0)
        *f = (struct fs_file){ .h = rp.handle, .offset = 0 };
    return r;
}

long fsc_read(const struct fs_client *c, struct fs_file *f, void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp = { .count = 0 };      /* a reply without words reads as 0 bytes */
    long r = call(c, FS_READ, &rq, FS_IO_HEADER_WORDS, &rp, PROTO_WORDS(rp));
    if (r < 0)
        return r;
    if (rp.count > rq.count)
        return -E_IO;                   /* more than asked for: not a file server */
    memcpy(buf, rp.data, rp.count);
    f->offset += rp.count;
    return (long)rp.count;
}

long fsc_write(const struct fs_client *c, struct fs_file *f, const void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp = { .count = 0 };      /* a reply without words reads as 0 bytes */
    memcpy(rq.data, buf, rq.count);
    long r = call(c, FS_WRITE, &rq, FS_IO_HEADER_WORDS + (rq.count + 7) / 8, &rp, 1);
    if (r < 0)
        return r;
    if (rp.count > rq.count)
        return -E_IO;
    f->offset += rp.count;
    return (long)rp.count;
}

long fsc_stat(const struct fs_client *c, const char *path, struct fs_stat *st)
{
    struct fs_path rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    return call(c, FS_STAT, &rq, PROTO_WORDS(rq), st, PROTO_WORDS(*st));
}

long fsc_path(const struct fs_client *c, uint64_t label, const char *path)
{
    struct fs_path rq;
    unsigned repeats = 0;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    enum rpc_retry how = label == FS_MKDIR || label == FS_UNLINK ? RPC_IDEMPOTENT : RPC_ONCE;
    long r = call_how(c, how, label, &rq, PROTO_WORDS(rq), NULL, 0, &repeats);
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
    return call_how(c, RPC_ONCE, FS_RENAME, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

long fsc_write_all(const struct fs_client *c, struct fs_file *f, const void *buf, uint64_t n)
{
    for (uint64_t done = 0; done < n;) {
        long r = fsc_write(c, f, (const uint8_t *)buf + done, n - done);
        if (r < 0)
            return r;
        if (r == 0)
            return -E_IO;               /* the server took nothing: do not spin */
        done += (uint64_t)r;
    }
    return (long)n;
}

long fsc_readdir(const struct fs_client *c, struct fs_file *f, struct fs_dirent *d)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = 0 };
    long r = call(c, FS_READDIR, &rq, FS_IO_HEADER_WORDS, d, PROTO_WORDS(*d));
    if (r == -E_NOENT) {
        /* Past the last entry, or a stale handle: FS_FSTAT tells them apart. */
        struct fs_stat st;
        r = call(c, FS_FSTAT, &f->h, PROTO_WORDS(f->h), &st, PROTO_WORDS(st));
        return r < 0 ? r : 0;
    }
    if (r < 0)
        return r;
    d->name[sizeof d->name - 1] = '\0';
    f->offset++;
    return 1;
}

long fsc_close(const struct fs_client *c, struct fs_file *f)
{
    return call(c, FS_CLOSE, &f->h, PROTO_WORDS(f->h), NULL, 0);
}
