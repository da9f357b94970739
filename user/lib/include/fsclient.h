/**
 * @file fsclient.h
 * @brief Calling the file server (mica/proto/fs.h) from any program.
 *
 * The client keeps the file offset (the server keeps no per-client state),
 * so a struct fs_file is just a handle and a position. Every call returns
 * >= 0 or a negative error (the server's or the IPC's).
 *
 * Across a restart of the file server (mica/proto/rs.h) the calls repeat
 * themselves where that is safe (rpc_call_retry()): open without
 * FS_O_EXCL, read, write (at the position in struct fs_file), stat,
 * readdir and close are idempotent; mkdir and unlink are repeated too, and
 * an E_EXIST (mkdir) or E_NOENT (unlink) that only a repeat sees means the
 * dead server had done the work: success. Rename and an exclusive create
 * return E_RESTARTED: the caller decides.
 * @code
 * struct fs_client c = { .ep = PROC_CAP_FS };     // buf NULL: the thread's own
 * struct fs_file f;
 * char data[100];
 * long n = fsc_open(&c, &f, "/etc/motd", 0);
 * while (n >= 0 && (n = fsc_read(&c, &f, data, sizeof data)) > 0)
 *     console_write(data, n);
 * @endcode
 */
#ifndef FSCLIENT_H
#define FSCLIENT_H

#include <rpc.h>
#include <mica/proto/fs.h>

/** A connection to a file server. */
struct fs_client {
    cap_t ep;                   /**< the file server, send right */
    struct ipc_buffer *buf;     /**< the calling thread's registered IPC buffer, or NULL for ipc_buffer_self() */
};

/** An open file: the server's handle and the client's position. */
struct fs_file {
    struct fs_handle h;         /**< from FS_OPEN */
    uint64_t offset;            /**< next byte to read or write (directories: next entry) */
};

/**
 * @brief Open @p path (FS_OPEN) and set the position to 0.
 * @param c the server. @param f filled in. @param path absolute path.
 * @param flags FS_O_CREATE, FS_O_TRUNC, FS_O_EXCL, FS_O_DIR.
 * @return 0 or -error (E_NOENT, E_ISDIR, E_NOTDIR, E_NAMETOOLONG, E_FULL, ...).
 */
long fsc_open(const struct fs_client *c, struct fs_file *f, const char *path, uint64_t flags);

/** @brief Read at most FS_IO_MAX of @p n bytes at the position and advance it. @param c the server. @param f the file. @param buf where the bytes go. @param n room in buf. @return bytes read (0 at the end) or -error. */
long fsc_read(const struct fs_client *c, struct fs_file *f, void *buf, uint64_t n);

/** @brief Write at most FS_IO_MAX of @p n bytes at the position and advance it. @param c the server. @param f the file. @param buf the bytes. @param n how many. @return bytes written or -error (E_FULL, E_RANGE). */
long fsc_write(const struct fs_client *c, struct fs_file *f, const void *buf, uint64_t n);

/** @brief Write all @p n bytes (several messages). @param c the server. @param f the file. @param buf the bytes. @param n how many. @return @p n or the first error. */
long fsc_write_all(const struct fs_client *c, struct fs_file *f, const void *buf, uint64_t n);

/** @brief The next entry of a directory opened with FS_O_DIR. @param c the server. @param f the directory. @param d filled in. @return 1 and an entry, 0 past the last, or -error. */
long fsc_readdir(const struct fs_client *c, struct fs_file *f, struct fs_dirent *d);

/** @brief Check the handle and forget it (FS_CLOSE). @param c the server. @param f the file. @return 0 or -error. */
long fsc_close(const struct fs_client *c, struct fs_file *f);

/** @brief Information about @p path (FS_STAT). @param c the server. @param path absolute path. @param st filled in. @return 0 or -error. */
long fsc_stat(const struct fs_client *c, const char *path, struct fs_stat *st);

/** @brief A request that names one path: FS_MKDIR or FS_UNLINK. @param c the server. @param label the request. @param path absolute path. @return 0 or -error. */
long fsc_path(const struct fs_client *c, uint64_t label, const char *path);

/** @brief Rename @p from to @p to (FS_RENAME; not repeated after a restart: E_RESTARTED). @param c the server. @param from existing path. @param to new path. @return 0 or -error. */
long fsc_rename(const struct fs_client *c, const char *from, const char *to);

#endif
