/*
 * client.h: calling the file server (mica/proto/fs.h) from another
 * process. The client keeps the file offset (the server keeps no per-client
 * state). Every call returns >= 0 or -error.
 *
 * Across a restart of the file server (mica/proto/rs.h) the calls repeat
 * themselves where that is safe (rpc_call_retry()): open without
 * FS_O_EXCL, read, write (at the offset in struct fs_file), stat, readdir
 * and close are idempotent; mkdir and unlink are repeated too, and an
 * E_EXIST (mkdir) or E_NOENT (unlink) that only a repeat sees means the
 * dead server had done the work: success. Rename and an exclusive create
 * return E_RESTARTED: the caller decides.
 */
#ifndef FS_CLIENT_H
#define FS_CLIENT_H

#include <rpc.h>
#include <mica/proto/fs.h>

struct fs_client {
    cap_t ep;                   /* the file server, send right */
    struct ipc_buffer *buf;     /* the calling thread's registered IPC buffer */
};

struct fs_file {
    struct fs_handle h;
    uint64_t offset;
};

long fsc_open(const struct fs_client *c, struct fs_file *f, const char *path, uint64_t flags);
long fsc_read(const struct fs_client *c, struct fs_file *f, void *buf, uint64_t n);
long fsc_write(const struct fs_client *c, struct fs_file *f, const void *buf, uint64_t n);
long fsc_close(const struct fs_client *c, struct fs_file *f);
long fsc_stat(const struct fs_client *c, const char *path, struct fs_stat *st);
long fsc_readdir(const struct fs_client *c, struct fs_file *dir, uint64_t index,
                 struct fs_dirent *out);
long fsc_path(const struct fs_client *c, uint64_t label, const char *path);   /* mkdir, unlink */
long fsc_rename(const struct fs_client *c, const char *from, const char *to);

#endif
