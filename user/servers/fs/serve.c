/*
 * serve.c: the file server's request decoder (mica/proto/fs.h). Pure: it
 * turns one request (label and words) into a reply (label and words) by
 * calling fs.c, so the host tests drive it with malformed messages and the
 * IPC loop (fs_serve) only moves words. Every request is checked for its
 * exact length and terminated strings before anything is done.
 */
#include "fs.h"
#include <string.h>
#include <mica/error.h>

static bool terminated(const char *s, size_t size)
{
    return strnlen(s, size) < size;
}

#define NEED(type) do { if (len != PROTO_WORDS(type)) return E_INVAL; } while (0)
#define RESULT(r)  ((r) < 0 ? (uint64_t)-(r) : 0)

uint64_t fs_handle_request(struct fs *fs, uint64_t label, const uint64_t *words, unsigned len,
                           uint64_t *reply, unsigned *reply_len)
{
    *reply_len = 0;
    switch (label) {
    case FS_OPEN: {             /* fs_open -> fs_handle_reply */
        NEED(struct fs_open);
        const struct fs_open *rq = (const void *)words;
        struct fs_handle_reply *rp = (void *)reply;
        if (!terminated(rq->path, sizeof rq->path))
            return E_NAMETOOLONG;
        if (rq->flags >> 32)
            return E_INVAL;
        int r = fs_open(fs, rq->path, (unsigned)rq->flags, &rp->handle, &rp->stat);
        if (r == 0)
            *reply_len = PROTO_WORDS(struct fs_handle_reply);
        return RESULT(r);
    }
    case FS_CLOSE: {            /* fs_handle -> nothing */
        NEED(struct fs_handle);
        return RESULT(fs_close(fs, *(const struct fs_handle *)words));
    }
    case FS_READ: {             /* fs_io header -> fs_data */
        if (len != FS_IO_HEADER_WORDS)
            return E_INVAL;
        const struct fs_io *rq = (const void *)words;
        struct fs_data *rp = (void *)reply;
        if (rq->count > FS_IO_MAX)
            return E_INVAL;
        long n = fs_read(fs, rq->handle, rq->offset, rp->data, rq->count);
        if (n < 0)
            return RESULT(n);
        rp->count = (uint64_t)n;
        *reply_len = 1 + (unsigned)(n + 7) / 8;
        return 0;
    }
    case FS_WRITE: {            /* fs_io with count bytes -> fs_data count */
        const struct fs_io *rq = (const void *)words;
        if (len < FS_IO_HEADER_WORDS || rq->count > FS_IO_MAX ||
            len != FS_IO_HEADER_WORDS + (rq->count + 7) / 8)
            return E_INVAL;
        long n = fs_write(fs, rq->handle, rq->offset, rq->data, rq->count);
        if (n < 0)
            return RESULT(n);
        ((struct fs_data *)reply)->count = (uint64_t)n;
        *reply_len = 1;
        return 0;
    }
    case FS_STAT: {             /* fs_path -> fs_stat */
        NEED(struct fs_path);
        const struct fs_path *rq = (const void *)words;
        if (!terminated(rq->path, sizeof rq->path))
            return E_NAMETOOLONG;
        int r = fs_stat(fs, rq->path, (struct fs_stat *)reply);
        if (r == 0)
            *reply_len = PROTO_WORDS(struct fs_stat);
        return RESULT(r);
    }
    case FS_FSTAT: {            /* fs_handle -> fs_stat */
        NEED(struct fs_handle);
        int r = fs_fstat(fs, *(const struct fs_handle *)words, (struct fs_stat *)reply);
        if (r == 0)
            *reply_len = PROTO_WORDS(struct fs_stat);
        return RESULT(r);
    }
    case FS_READDIR: {          /* fs_io header (offset = index) -> fs_dirent */
        if (len != FS_IO_HEADER_WORDS)
            return E_INVAL;
        const struct fs_io *rq = (const void *)words;
        int r = fs_readdir(fs, rq->handle, rq->offset, (struct fs_dirent *)reply);
        if (r == 0)
            return E_NOENT;
        if (r > 0)
            *reply_len = PROTO_WORDS(struct fs_dirent);
        return RESULT(r < 0 ? r : 0);
    }
    case FS_MKDIR:              /* fs_path -> nothing */
    case FS_UNLINK: {
        NEED(struct fs_path);
        const struct fs_path *rq = (const void *)words;
        if (!terminated(rq->path, sizeof rq->path))
            return E_NAMETOOLONG;
        return RESULT(label == FS_MKDIR ? fs_mkdir(fs, rq->path) : fs_unlink(fs, rq->path));
    }
    case FS_RENAME: {           /* fs_rename -> nothing */
        NEED(struct fs_rename);
        const struct fs_rename *rq = (const void *)words;
        if (!terminated(rq->from, sizeof rq->from) || !terminated(rq->to, sizeof rq->to))
            return E_NAMETOOLONG;
        return RESULT(fs_rename(fs, rq->from, rq->to));
    }
    default:
        return E_INVAL;
    }
}
