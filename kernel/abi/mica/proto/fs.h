/**
 * @file mica/proto/fs.h
 * @brief The file server: a hierarchical file system over the block server.
 *
 * Paths are absolute ("/etc/motd"), at most FS_PATH_MAX bytes with the NUL,
 * components of 1..FS_NAME_MAX bytes, no "." or "..", no empty component
 * (a trailing '/' is allowed only for "/"). E_NAMETOOLONG for a long path or
 * component, E_INVAL for a bad one, E_NOENT for a missing file, E_NOTDIR /
 * E_ISDIR for the wrong kind, E_FULL when the disk or inode table is full.
 *
 * **No per-client state in the server.** FS_OPEN returns a handle (inode
 * number and generation); reads and writes name the handle and an explicit
 * offset, so the file position (seek) lives in the client library and
 * every read and write is idempotent. A handle whose file was deleted is
 * stale (E_NOENT), also after a server restart, since the generation is on
 * disk. FS_CLOSE only checks the handle.
 *
 * **Across a restart** (mica/proto/common.h): FS_READ, FS_WRITE, FS_STAT,
 * FS_FSTAT, FS_READDIR, FS_OPEN without FS_O_EXCL and FS_CLOSE are
 * idempotent and the library repeats them after E_DEAD. It repeats
 * FS_MKDIR and FS_UNLINK too, and takes an E_EXIST (mkdir) or E_NOENT
 * (unlink) that only the repeat saw as success: the dead server had done
 * it. FS_RENAME and FS_OPEN with FS_O_EXCL are not repeated: E_RESTARTED.
 *
 * **Durability.** The reply to FS_WRITE (and to every operation that
 * changes the file system) is sent only after all the blocks it changed are
 * stored in the block server: the file server caches nothing.
 */
#ifndef MICA_PROTO_FS_H
#define MICA_PROTO_FS_H

#include <mica/proto/common.h>

#define FS_PATH_MAX 128         /**< bytes of a path, including its NUL */
#define FS_NAME_MAX 27          /**< bytes of one path component (a directory entry holds 28 with the NUL) */
#define FS_IO_MAX   256         /**< bytes per read or write message */

/** @name Labels */
/** @{ */
#define FS_OPEN    (PROTO_BASE_FS + 1)  /**< fs_open -> fs_handle_reply */
#define FS_CLOSE   (PROTO_BASE_FS + 2)  /**< fs_handle -> nothing */
#define FS_READ    (PROTO_BASE_FS + 3)  /**< fs_io -> fs_data (count 0: end of file) */
#define FS_WRITE   (PROTO_BASE_FS + 4)  /**< fs_io with data -> fs_data without data; E_FULL, E_RANGE (too large) */
#define FS_STAT    (PROTO_BASE_FS + 5)  /**< fs_path -> fs_stat */
#define FS_FSTAT   (PROTO_BASE_FS + 6)  /**< fs_handle -> fs_stat */
#define FS_READDIR (PROTO_BASE_FS + 7)  /**< fs_io (offset = entry index) -> fs_dirent; E_NOENT past the end */
#define FS_MKDIR   (PROTO_BASE_FS + 8)  /**< fs_path -> nothing; E_EXIST */
#define FS_UNLINK  (PROTO_BASE_FS + 9)  /**< fs_path -> nothing; E_NOTEMPTY for a non-empty directory */
#define FS_RENAME  (PROTO_BASE_FS + 10) /**< fs_rename -> nothing; E_INVAL moving a directory into itself */
/** @} */

/** @name fs_open.flags */
/** @{ */
#define FS_O_CREATE 0x1         /**< create the file if it is missing */
#define FS_O_TRUNC  0x2         /**< cut the file to length 0 */
#define FS_O_EXCL   0x4         /**< with FS_O_CREATE: E_EXIST if it exists */
#define FS_O_DIR    0x8         /**< open a directory (for FS_READDIR) */
/** @} */

/** @name File types */
/** @{ */
#define FS_TYPE_FILE 1          /**< regular file */
#define FS_TYPE_DIR  2          /**< directory */
/** @} */

/** An open file as the server knows it: it is valid while the inode keeps its generation. */
struct fs_handle {
    uint32_t inode;             /**< inode number */
    uint32_t generation;        /**< the inode's generation when opened */
};

/** Request of FS_OPEN. */
struct fs_open {
    uint64_t flags;             /**< FS_O_* */
    char path[FS_PATH_MAX];     /**< absolute path */
};

/** A path (request of FS_STAT, FS_MKDIR, FS_UNLINK). */
struct fs_path {
    char path[FS_PATH_MAX];     /**< absolute path */
};

/** Request of FS_RENAME. */
struct fs_rename {
    char from[FS_PATH_MAX];     /**< existing path */
    char to[FS_PATH_MAX];       /**< new path; an existing file there is replaced, a directory is not */
};

/** File information (reply of FS_STAT, FS_FSTAT; part of fs_handle_reply). */
struct fs_stat {
    uint32_t inode;             /**< inode number */
    uint32_t type;              /**< FS_TYPE_* */
    uint64_t size;              /**< bytes (a directory: bytes of its entries) */
    uint32_t links;             /**< directory entries naming it */
    uint32_t blocks;            /**< data and index blocks held */
};

/** Reply of FS_OPEN. */
struct fs_handle_reply {
    struct fs_handle handle;    /**< for later requests */
    struct fs_stat stat;        /**< the file as opened */
};

/** Request of FS_READ, FS_WRITE and FS_READDIR. */
struct fs_io {
    struct fs_handle handle;    /**< from FS_OPEN */
    uint64_t offset;            /**< byte offset (FS_READDIR: entry index) */
    uint64_t count;             /**< bytes wanted or given, at most FS_IO_MAX */
    uint8_t data[FS_IO_MAX];    /**< FS_WRITE: the bytes; unused otherwise (send only 3 words) */
};

/** Reply of FS_READ and FS_WRITE. */
struct fs_data {
    uint64_t count;             /**< bytes read or written */
    uint8_t data[FS_IO_MAX];    /**< FS_READ: the bytes */
};

/** Reply of FS_READDIR. */
struct fs_dirent {
    uint32_t inode;             /**< inode number */
    uint32_t type;              /**< FS_TYPE_* */
    char name[FS_NAME_MAX + 1]; /**< NUL-terminated */
    uint32_t reserved;          /**< zero */
};

/** @cond */
PROTO_CHECK(struct fs_handle);
PROTO_CHECK(struct fs_open);
PROTO_CHECK(struct fs_path);
PROTO_CHECK(struct fs_rename);
PROTO_CHECK(struct fs_stat);
PROTO_CHECK(struct fs_handle_reply);
PROTO_CHECK(struct fs_io);
PROTO_CHECK(struct fs_data);
PROTO_CHECK(struct fs_dirent);
/** @endcond */
/** Words of an fs_io request without data (FS_READ, FS_READDIR, FS_CLOSE-like uses). */
#define FS_IO_HEADER_WORDS 3

#endif
