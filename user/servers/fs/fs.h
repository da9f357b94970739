/*
 * fs.h: the file system logic of the file server (fs.c), over a struct
 * blockdev. Pure C, no system calls: the IPC loop (serve.c) and the host
 * tests (user/servers/tests/test_fs.c) call the same functions. Design,
 * disk layout and restart story: README.md in this folder.
 *
 * Every function returns 0 (or a count) or a negative E_* code, and has
 * written every block it changed to the device before it returns.
 */
#ifndef FS_H
#define FS_H

#include <mica/types.h>
#include <mica/proto/fs.h>
#include "../block/blockdev.h"

#define FS_MAGIC        0x3153464143494dULL  /* "MICAFS1" */
#define FS_DIRECT       11                  /* direct block pointers in an inode */
#define FS_PER_INDIRECT (BLOCK_SIZE / 4)    /* block numbers in an index block */
#define FS_INODE_SIZE   64
#define FS_DIRENT_SIZE  32
#define FS_ROOT_INODE   1
/* Largest file: direct, single- and double-indirect blocks. */
#define FS_FILE_MAX     ((uint64_t)(FS_DIRECT + FS_PER_INDIRECT + FS_PER_INDIRECT * FS_PER_INDIRECT) * BLOCK_SIZE)

/* Block 0. */
struct fs_super {
    uint64_t magic;
    uint32_t nblocks, ninodes;
    uint32_t bitmap_start, bitmap_blocks;
    uint32_t inode_start, inode_blocks;
    uint32_t data_start, reserved;
};

/* An inode on disk; type 0 = free. generation grows each time it is freed. */
struct fs_inode {
    uint16_t type, links;
    uint32_t generation;
    uint32_t size;
    uint32_t direct[FS_DIRECT];
    uint32_t indirect;
    uint32_t double_indirect;
};

/* A directory entry on disk; inode 0 = a free slot. */
struct fs_dirent_disk {
    uint32_t inode;
    char name[FS_NAME_MAX + 1];
};

_Static_assert(sizeof(struct fs_inode) == FS_INODE_SIZE, "inode layout");
_Static_assert(sizeof(struct fs_dirent_disk) == FS_DIRENT_SIZE, "dirent layout");
_Static_assert(sizeof(struct fs_super) <= BLOCK_SIZE, "superblock fits a block");

struct fs {
    struct blockdev *dev;
    struct fs_super sb;
};

int fs_format(struct blockdev *dev, uint32_t ninodes);
int fs_mount(struct fs *fs, struct blockdev *dev);

int fs_open(struct fs *fs, const char *path, unsigned flags, struct fs_handle *h, struct fs_stat *st);
int fs_close(struct fs *fs, struct fs_handle h);
long fs_read(struct fs *fs, struct fs_handle h, uint64_t off, void *buf, uint64_t n);
long fs_write(struct fs *fs, struct fs_handle h, uint64_t off, const void *buf, uint64_t n);
int fs_stat(struct fs *fs, const char *path, struct fs_stat *st);
int fs_fstat(struct fs *fs, struct fs_handle h, struct fs_stat *st);
int fs_readdir(struct fs *fs, struct fs_handle h, uint64_t index, struct fs_dirent *out);
int fs_mkdir(struct fs *fs, const char *path);
int fs_unlink(struct fs *fs, const char *path);
int fs_rename(struct fs *fs, const char *from, const char *to);
int fs_path_check(const char *path, size_t max);

/* seed.c: copy the boot archive's directories and files into the file system. */
int fs_seed(struct fs *fs, const void *archive, size_t size, unsigned *files);

/* serve.c (pure): one request -> reply label and words, as block_handle. */
uint64_t fs_handle_request(struct fs *fs, uint64_t label, const uint64_t *words, unsigned len,
                           uint64_t *reply, unsigned *reply_len);

#endif
