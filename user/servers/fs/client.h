/*
 * client.h: calling the file server (mica/proto/fs.h) from another
 * process. The client keeps the file offset (the server keeps no per-client
 * state). Every call returns >= 0 or -error.
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
long fsc_stat(const struct fs_client *c, const char *path, struct fs_stat *st);
long fsc_path(const struct fs_client *c, uint64_t label, const char *path);   /* mkdir, unlink */

#endif
