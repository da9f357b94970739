/*
 * fsdemo.c: the file system over the real protocols, between threads of the
 * root task: a block server thread (RAM disk, mica/proto/block.h), a file
 * server thread (user/servers/fs over the block server, seeded from the boot
 * archive, mica/proto/fs.h) and this client, which keeps the file offset
 * (seek) itself. Prints what it observes:
 *   "fsdemo: seeded files=<n> ret=<r>"
 *   "fsdemo: stat path=<p> ret=<r> type=<t> size=<n>"      each archive file
 *   "fsdemo: read path=<p> size=<n> fnv=<hex>"             whole file via 100-byte reads
 *   "fsdemo: seek path=<p> offset=<o> count=<c> got=<n> fnv=<hex>"
 *   "fsdemo: big size=<n> written=<n> blocks=<n> fnv=<hex>"  pattern file, see pattern()
 *   "fsdemo: op=<name> ret=<r>"                             error cases
 *   "fsdemo: ls / <name> type=<t>"                          the root directory
 *   "fsdemo: full written=<n> ret=<r> size=<n>"             until the disk is full
 */
#include <stdio.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <rpc.h>
#include <archive.h>
#include <scenario.h>
#include <mica/error.h>
#include <mica/proto/fs.h>
#include "../../servers/fs/fs.h"
#include "../../servers/fs/blockclient.h"
#include "lab6.h"

#define DISK_BLOCKS 4096        /* 1 MiB: the archive, programs included, and room to spare */
#define INODES      64
#define BIG_SIZE    (40 * 1024 + 123)

static uint8_t disk[DISK_BLOCKS * BLOCK_SIZE];
static struct ipc_buffer block_buf, fs_buf, client_buf;
static cap_t block_ep, fs_ep;
static struct ramdisk ramdisk;
static struct block_client block_client;
static struct fs fs;

static uint64_t block_serve_one(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w,
                                unsigned len, uint64_t *reply, unsigned *reply_len)
{
    return block_handle(ctx, label, w, len, reply, reply_len);
}

static int block_server(void *unused)
{
    ipc_buffer_register(&block_buf);
    ramdisk_init(&ramdisk, disk, DISK_BLOCKS);
    return (int)rpc_serve(block_ep, &block_buf, block_serve_one, &ramdisk.dev);
}

static uint64_t fs_serve_one(void *ctx, uint64_t badge, uint64_t label, const uint64_t *w,
                             unsigned len, uint64_t *reply, unsigned *reply_len)
{
    return fs_handle_request(ctx, label, w, len, reply, reply_len);
}

static int fs_server(void *unused)
{
    const void *base;
    size_t size;
    unsigned files = 0;
    ipc_buffer_register(&fs_buf);
    int r = block_client_init(&block_client, block_ep, &fs_buf);
    if (r == 0)
        r = fs_format(&block_client.dev, INODES);
    if (r == 0)
        r = fs_mount(&fs, &block_client.dev);
    if (r == 0 && (r = initrd_find(&base, &size)) == 0)
        r = fs_seed(&fs, base, size, &files);
    printf("fsdemo: seeded files=%u ret=%d\n", files, r);
    return (int)rpc_serve(fs_ep, &fs_buf, fs_serve_one, &fs);
}

/* ---- the client side: an open file is a handle and an offset ---- */

struct file {
    struct fs_handle h;
    uint64_t offset;
};

static long f_open(struct file *f, const char *path, uint64_t flags, struct fs_stat *st)
{
    struct fs_open rq = { .flags = flags };
    struct fs_handle_reply rp;
    strlcpy(rq.path, path, sizeof rq.path);
    long r = rpc_call(fs_ep, &client_buf, FS_OPEN, &rq, PROTO_WORDS(rq), &rp, PROTO_WORDS(rp), NULL);
    if (r == 0) {
        f->h = rp.handle;
        f->offset = 0;
        if (st)
            *st = rp.stat;
    }
    return r;
}

static long f_read(struct file *f, void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp;
    long r = rpc_call(fs_ep, &client_buf, FS_READ, &rq, FS_IO_HEADER_WORDS, &rp, PROTO_WORDS(rp), NULL);
    if (r < 0)
        return r;
    memcpy(buf, rp.data, rp.count);
    f->offset += rp.count;
    return (long)rp.count;
}

static long f_write(struct file *f, const void *buf, uint64_t n)
{
    struct fs_io rq = { .handle = f->h, .offset = f->offset, .count = n > FS_IO_MAX ? FS_IO_MAX : n };
    struct fs_data rp;
    memcpy(rq.data, buf, rq.count);
    long r = rpc_call(fs_ep, &client_buf, FS_WRITE, &rq, FS_IO_HEADER_WORDS + (rq.count + 7) / 8,
                      &rp, 1, NULL);
    if (r < 0)
        return r;
    f->offset += rp.count;
    return (long)rp.count;
}

static long path_call(uint64_t label, const char *path)
{
    struct fs_path rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    return rpc_call(fs_ep, &client_buf, label, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

static long f_stat(const char *path, struct fs_stat *st)
{
    struct fs_path rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.path, path, sizeof rq.path);
    return rpc_call(fs_ep, &client_buf, FS_STAT, &rq, PROTO_WORDS(rq), st, PROTO_WORDS(*st), NULL);
}

static long f_rename(const char *from, const char *to)
{
    struct fs_rename rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.from, from, sizeof rq.from);
    strlcpy(rq.to, to, sizeof rq.to);
    return rpc_call(fs_ep, &client_buf, FS_RENAME, &rq, PROTO_WORDS(rq), NULL, 0, NULL);
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    while (n--)
        h = (h ^ *p++) * 0x100000001b3UL;
    return h;
}
#define FNV_INIT 0xcbf29ce484222325UL

/* Byte i of the big file (the grader computes the same). */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 131 + (i >> 8) * 7 + 1);
}

static void read_whole(const char *path)
{
    struct file f;
    uint8_t buf[100];
    uint64_t h = FNV_INIT, size = 0;
    long n;
    if (f_open(&f, path, 0, NULL) < 0)
        return;
    while ((n = f_read(&f, buf, sizeof buf)) > 0) {
        h = fnv(h, buf, (size_t)n);
        size += (uint64_t)n;
    }
    printf("fsdemo: read path=%s size=%lu fnv=0x%lx\n", path, size, h);
}

static void seek_read(const char *path, uint64_t offset, uint64_t count)
{
    struct file f;
    uint8_t buf[FS_IO_MAX];
    if (f_open(&f, path, 0, NULL) < 0)
        return;
    f.offset = offset;                  /* seek: the offset is the client's */
    long n = f_read(&f, buf, count);
    printf("fsdemo: seek path=%s offset=%lu count=%lu got=%ld fnv=0x%lx\n", path, offset, count, n,
           n > 0 ? fnv(FNV_INIT, buf, (size_t)n) : FNV_INIT);
}

static void big_file(void)
{
    struct file f;
    struct fs_stat st;
    uint8_t buf[FS_IO_MAX];
    uint64_t written = 0;
    long r = f_open(&f, "/tmp/big", FS_O_CREATE | FS_O_TRUNC, NULL);
    while (r >= 0 && written < BIG_SIZE) {
        uint64_t n = BIG_SIZE - written < 200 ? BIG_SIZE - written : 200;   /* straddles blocks */
        for (uint64_t i = 0; i < n; i++)
            buf[i] = pattern(written + i);
        r = f_write(&f, buf, n);
        written += r > 0 ? (uint64_t)r : 0;
    }
    uint64_t h = FNV_INIT;
    long n;
    f.offset = 0;
    while ((n = f_read(&f, buf, sizeof buf)) > 0)
        h = fnv(h, buf, (size_t)n);
    f_stat("/tmp/big", &st);
    printf("fsdemo: big size=%lu written=%lu blocks=%u fnv=0x%lx\n", st.size, written, st.blocks, h);
}

static void errors(void)
{
    struct file f;
    char longpath[FS_PATH_MAX + 16];
    memset(longpath, 'a', sizeof longpath);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    printf("fsdemo: op=open_missing ret=%ld\n", f_open(&f, "/no/such/file", 0, NULL));
    printf("fsdemo: op=mkdir_exists ret=%ld\n", path_call(FS_MKDIR, "/etc"));
    printf("fsdemo: op=open_too_long ret=%ld\n", f_open(&f, longpath, FS_O_CREATE, NULL));
    printf("fsdemo: op=mkdir_bad_component ret=%ld\n", path_call(FS_MKDIR, "/etc/../x"));
    printf("fsdemo: op=unlink_nonempty ret=%ld\n", path_call(FS_UNLINK, "/etc"));
    printf("fsdemo: op=rename_into_self ret=%ld\n", f_rename("/tmp", "/tmp/inner"));
    printf("fsdemo: op=open_dir_as_file ret=%ld\n", f_open(&f, "/etc", 0, NULL));
    printf("fsdemo: op=rename ret=%ld\n", f_rename("/etc/motd", "/tmp/motd"));
    printf("fsdemo: op=open_renamed_old ret=%ld\n", f_open(&f, "/etc/motd", 0, NULL));
    printf("fsdemo: op=unlink ret=%ld\n", path_call(FS_UNLINK, "/tmp/motd"));
    printf("fsdemo: op=open_unlinked ret=%ld\n", f_open(&f, "/tmp/motd", 0, NULL));
    uint64_t junk[4] = { 1, 2, 3, 4 };
    printf("fsdemo: op=malformed ret=%ld\n",
           rpc_call(fs_ep, &client_buf, FS_STAT, junk, 4, NULL, 0, NULL));
    printf("fsdemo: op=unknown_label ret=%ld\n",
           rpc_call(fs_ep, &client_buf, PROTO_BASE_FS + 99, NULL, 0, NULL, 0, NULL));
}

static void list_root(void)
{
    struct file d;
    if (f_open(&d, "/", FS_O_DIR, NULL) < 0)
        return;
    for (uint64_t i = 0;; i++) {
        struct fs_io rq = { .handle = d.h, .offset = i };
        struct fs_dirent de;
        if (rpc_call(fs_ep, &client_buf, FS_READDIR, &rq, FS_IO_HEADER_WORDS, &de, PROTO_WORDS(de),
                     NULL) < 0)
            break;
        printf("fsdemo: ls / %s type=%u\n", de.name, de.type);
    }
}

static void fill_disk(void)
{
    struct file f;
    struct fs_stat st;
    uint8_t buf[FS_IO_MAX];
    uint64_t written = 0;
    long r = f_open(&f, "/tmp/fill", FS_O_CREATE, NULL);
    memset(buf, 'F', sizeof buf);
    while (r >= 0 && (r = f_write(&f, buf, sizeof buf)) > 0)
        written += (uint64_t)r;
    long s = f_stat("/tmp/fill", &st);
    printf("fsdemo: full written=%lu ret=%ld size=%lu stat=%ld\n", written, r, st.size, s);
    printf("fsdemo: op=unlink_fill ret=%ld\n", path_call(FS_UNLINK, "/tmp/fill"));
    printf("fsdemo: op=create_after_free ret=%ld\n", f_open(&f, "/tmp/again", FS_O_CREATE, NULL));
}

SCENARIO(fsdemo, "the file server over the block server, seeded from the boot archive")
{
    const void *base;
    size_t size;
    struct archive a;
    struct archive_entry e;
    char path[FS_PATH_MAX];
    ipc_buffer_register(&client_buf);
    block_ep = sys_endpoint_create();
    fs_ep = sys_endpoint_create();
    thread_spawn("block", block_server, NULL, PRIO_DEFAULT);
    thread_spawn("fs", fs_server, NULL, PRIO_DEFAULT);
    if (initrd_find(&base, &size) < 0) {
        printf("fsdemo: no initrd module\n");
        return 1;
    }
    archive_open(&a, base, size);
    while (archive_next(&a, &e) > 0) {
        struct fs_stat st = { 0 };
        snprintf(path, sizeof path, "/%s", e.name);
        long r = f_stat(path, &st);
        printf("fsdemo: stat path=%s ret=%ld type=%u size=%lu\n", path, r, st.type, st.size);
    }
    read_whole("/etc/motd");
    read_whole("/doc/lines.txt");
    seek_read("/doc/lines.txt", 1000, 100);
    seek_read("/doc/lines.txt", 3600, 200);         /* crosses the end of the file */
    printf("fsdemo: op=mkdir_tmp ret=%ld\n", path_call(FS_MKDIR, "/tmp"));
    big_file();
    errors();
    list_root();
    fill_disk();
    return 0;
}
