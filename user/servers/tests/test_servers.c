/*
 * test_servers.c: host unit tests of the server logic: the cpio reader
 * (user/lib/archive.c), the RAM disk and block protocol handler, the name
 * table, and the file system with its request decoder. Built by
 * `make hosttest` with the host compiler and sanitizers. CHECK() prints the
 * file:line, expression and the values seen on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/error.h>
#include "archive.h"
#include "../block/blockdev.h"
#include "../names/table.h"
#include "../fs/fs.h"

static int failures;

#define CHECK(cond) do { if (!(cond)) { failures++; \
    fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); if (a_ != b_) { \
    failures++; fprintf(stderr, "%s:%d: FAILED: %s == %s: saw %lld, expected %lld\n", \
                        __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)

/* ---- archive --------------------------------------------------------------- */

static size_t put_entry(uint8_t *out, const char *name, unsigned mode, const char *data, size_t n)
{
    size_t namesize = strlen(name) + 1;
    int len = sprintf((char *)out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
                      1u, mode, 0u, 0u, 1u, 0u, n, 0u, 0u, 0u, 0u, namesize, 0u);
    memcpy(out + len, name, namesize);
    size_t at = len + namesize;
    while (at % 4)
        out[at++] = 0;
    memcpy(out + at, data, n);
    at += n;
    while (at % 4)
        out[at++] = 0;
    return at;
}

static size_t build_archive(uint8_t *buf)
{
    size_t n = 0;
    n += put_entry(buf + n, "etc", 040755, "", 0);
    n += put_entry(buf + n, "etc/motd", 0100644, "hello\n", 6);
    n += put_entry(buf + n, "big", 0100644, "0123456789abc", 13);
    n += put_entry(buf + n, "TRAILER!!!", 0, "", 0);
    return n;
}

static int count_entries(const uint8_t *buf, size_t size)
{
    struct archive a;
    struct archive_entry e;
    int n = 0, r;
    archive_open(&a, buf, size);
    while ((r = archive_next(&a, &e)) > 0)
        n++;
    return r < 0 ? r : n;
}

static void test_archive(void)
{
    uint8_t buf[1024], bad[1024];
    size_t size = build_archive(buf);
    struct archive_entry e;
    CHECK_EQ(count_entries(buf, size), 3);
    CHECK_EQ(archive_find(buf, size, "etc/motd", &e), 0);
    CHECK_EQ(e.size, 6);
    CHECK(memcmp(e.data, "hello\n", 6) == 0);
    CHECK_EQ(archive_find(buf, size, "nope", &e), -E_NOENT);
    CHECK_EQ(count_entries(NULL, 0), -E_INVAL);

    /* Every truncation: an error, never a read past the end (ASan watches). */
    for (size_t cut = 0; cut < size - 4; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        int r = count_entries(copy, cut);
        CHECK(r == -E_INVAL);
        free(copy);
    }
    /* Bad magic, bad hex digit, a name without its NUL, sizes past the end. */
    memcpy(bad, buf, size);
    bad[5] = '2';
    CHECK_EQ(count_entries(bad, size), -E_INVAL);
    memcpy(bad, buf, size);
    bad[6 + 8 * 6 + 3] = 'g';                  /* filesize of the first entry */
    CHECK_EQ(count_entries(bad, size), -E_INVAL);
    memcpy(bad, buf, size);
    memcpy(bad + 6 + 8 * 11, "00000003", 8);   /* namesize 3: "et" without a NUL */
    CHECK_EQ(count_entries(bad, size), -E_INVAL);
    memcpy(bad, buf, size);
    memcpy(bad + 6 + 8 * 11, "FFFFFFFF", 8);   /* name past the end */
    CHECK_EQ(count_entries(bad, size), -E_INVAL);
    memcpy(bad, buf, size);
    memcpy(bad + 6 + 8 * 6, "7FFFFFFF", 8);    /* data past the end */
    CHECK_EQ(count_entries(bad, size), -E_INVAL);
    memcpy(bad, buf, size);
    memcpy(bad + 6 + 8 * 11, "00000000", 8);   /* empty name */
    CHECK_EQ(count_entries(bad, size), -E_INVAL);
    /* Random bytes in the headers never crash. */
    srand(1);
    for (int i = 0; i < 20000; i++) {
        memcpy(bad, buf, size);
        bad[rand() % size] = (uint8_t)rand();
        count_entries(bad, size);
    }
}

/* ---- block store ----------------------------------------------------------- */

static void test_block(void)
{
    static uint8_t mem[16 * BLOCK_SIZE];
    struct ramdisk rd;
    uint64_t req[IPC_MAX_WORDS] = { 0 }, rep[IPC_MAX_WORDS];
    unsigned rlen;
    ramdisk_init(&rd, mem, 16);
    struct block_write *w = (void *)req;
    w->block = 3;
    memset(w->data, 0xab, BLOCK_SIZE);
    CHECK_EQ(block_handle(&rd.dev, BLOCK_WRITE, req, PROTO_WORDS(struct block_write), rep, &rlen), 0);
    CHECK_EQ(mem[3 * BLOCK_SIZE + 17], 0xab);
    CHECK_EQ(block_handle(&rd.dev, BLOCK_READ, req, 1, rep, &rlen), 0);
    CHECK_EQ(rlen, BLOCK_SIZE / 8);
    CHECK_EQ(((uint8_t *)rep)[255], 0xab);
    w->block = 16;
    CHECK_EQ(block_handle(&rd.dev, BLOCK_READ, req, 1, rep, &rlen), E_RANGE);
    CHECK_EQ(block_handle(&rd.dev, BLOCK_WRITE, req, PROTO_WORDS(struct block_write), rep, &rlen), E_RANGE);
    CHECK_EQ(block_handle(&rd.dev, BLOCK_READ, req, 2, rep, &rlen), E_INVAL);
    CHECK_EQ(block_handle(&rd.dev, BLOCK_WRITE, req, 5, rep, &rlen), E_INVAL);
    CHECK_EQ(block_handle(&rd.dev, 12345, req, 0, rep, &rlen), E_INVAL);
    CHECK_EQ(block_handle(&rd.dev, BLOCK_COUNT, req, 0, rep, &rlen), 0);
    CHECK_EQ(rep[0], 16);
}

/* ---- names ------------------------------------------------------------------- */

static void test_names(void)
{
    static struct names_table t;
    char name[40];
    cap_t slot;
    CHECK_EQ(names_register(&t, "fs", 10, 3, 1), 0);
    CHECK_EQ(names_register(&t, "fs", 11, 3, 2), -E_EXIST);
    CHECK_EQ(names_register(&t, "", 11, 3, 2), -E_INVAL);
    CHECK_EQ(names_register(&t, "a/b", 11, 3, 2), -E_INVAL);
    CHECK_EQ(names_register(&t, "x", 11, 0x80, 2), -E_INVAL);
    CHECK_EQ(names_register(&t, "x", 0, 1, 2), -E_INVAL);
    memset(name, 'n', sizeof name);
    CHECK_EQ(names_check(name, NAMES_NAME_MAX), -E_NAMETOOLONG);
    name[NAMES_NAME_MAX - 1] = '\0';
    CHECK_EQ(names_register(&t, name, 12, 1, 2), 0);   /* exactly the longest */
    const struct names_entry *e = names_lookup(&t, "fs");
    CHECK(e && e->slot == 10 && e->rights == 3);
    CHECK(names_lookup(&t, "nope") == NULL);
    CHECK_EQ(names_unregister(&t, "fs", 2, &slot), -E_PERM);
    CHECK_EQ(names_unregister(&t, "fs", 1, &slot), 0);
    CHECK_EQ(slot, 10);
    CHECK(names_lookup(&t, "fs") == NULL);
    CHECK_EQ(names_unregister(&t, "fs", 1, &slot), -E_NOENT);
    int ok = 0;
    for (int i = 0; i < NAMES_MAX + 5; i++) {
        snprintf(name, sizeof name, "svc%d", i);
        ok += names_register(&t, name, 100 + i, 1, 3) == 0;
    }
    CHECK_EQ(ok, NAMES_MAX - 1);                        /* one entry holds the long name */
    snprintf(name, sizeof name, "svc%d", NAMES_MAX + 1);
    CHECK_EQ(names_register(&t, name, 999, 1, 3), -E_FULL);
}

/* ---- file system --------------------------------------------------------------- */

#define DISK_BLOCKS 512
static uint8_t disk[DISK_BLOCKS * BLOCK_SIZE];

static void fresh(struct fs *fs, struct ramdisk *rd, uint32_t nblocks, uint32_t ninodes)
{
    memset(disk, 0x5a, sizeof disk);
    ramdisk_init(rd, disk, nblocks);
    CHECK_EQ(fs_format(&rd->dev, ninodes), 0);
    CHECK_EQ(fs_mount(fs, &rd->dev), 0);
}

static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 131 + (i >> 8) * 7 + 1);
}

static void test_fs_basic(void)
{
    struct fs fs;
    struct ramdisk rd;
    struct fs_handle h, h2;
    struct fs_stat st;
    struct fs_dirent d;
    char buf[64];
    fresh(&fs, &rd, DISK_BLOCKS, 64);
    CHECK_EQ(fs_open(&fs, "/a", 0, &h, &st), -E_NOENT);
    CHECK_EQ(fs_open(&fs, "/a", FS_O_CREATE, &h, &st), 0);
    CHECK_EQ(fs_write(&fs, h, 0, "hello", 5), 5);
    CHECK_EQ(fs_read(&fs, h, 1, buf, sizeof buf), 4);
    CHECK(memcmp(buf, "ello", 4) == 0);
    CHECK_EQ(fs_read(&fs, h, 5, buf, sizeof buf), 0);
    CHECK_EQ(fs_open(&fs, "/a", FS_O_CREATE | FS_O_EXCL, &h2, NULL), -E_EXIST);
    CHECK_EQ(fs_mkdir(&fs, "/d"), 0);
    CHECK_EQ(fs_mkdir(&fs, "/d"), -E_EXIST);
    CHECK_EQ(fs_mkdir(&fs, "/"), -E_EXIST);
    CHECK_EQ(fs_mkdir(&fs, "/d/e"), 0);
    CHECK_EQ(fs_mkdir(&fs, "/x/e"), -E_NOENT);
    CHECK_EQ(fs_mkdir(&fs, "/a/e"), -E_NOTDIR);
    CHECK_EQ(fs_open(&fs, "/d", 0, &h2, NULL), -E_ISDIR);
    CHECK_EQ(fs_open(&fs, "/a", FS_O_DIR, &h2, NULL), -E_NOTDIR);
    CHECK_EQ(fs_open(&fs, "/", FS_O_DIR, &h2, NULL), 0);
    CHECK_EQ(fs_readdir(&fs, h2, 0, &d), 1);
    CHECK(strcmp(d.name, "a") == 0 && d.type == FS_TYPE_FILE);
    CHECK_EQ(fs_readdir(&fs, h2, 1, &d), 1);
    CHECK(strcmp(d.name, "d") == 0 && d.type == FS_TYPE_DIR);
    CHECK_EQ(fs_readdir(&fs, h2, 2, &d), 0);
    CHECK_EQ(fs_unlink(&fs, "/d"), -E_NOTEMPTY);
    CHECK_EQ(fs_unlink(&fs, "/d/e"), 0);
    CHECK_EQ(fs_unlink(&fs, "/d"), 0);
    CHECK_EQ(fs_unlink(&fs, "/d"), -E_NOENT);
    CHECK_EQ(fs_unlink(&fs, "/"), -E_PERM);
    /* A handle goes stale when its file is deleted, also if the inode is reused. */
    CHECK_EQ(fs_unlink(&fs, "/a"), 0);
    CHECK_EQ(fs_read(&fs, h, 0, buf, 1), -E_NOENT);
    CHECK_EQ(fs_open(&fs, "/b", FS_O_CREATE, &h2, &st), 0);
    CHECK_EQ(st.inode, h.inode);
    CHECK_EQ(fs_write(&fs, h, 0, "x", 1), -E_NOENT);
    CHECK_EQ(fs_close(&fs, h), -E_NOENT);
    CHECK_EQ(fs_close(&fs, h2), 0);
    /* O_TRUNC */
    CHECK_EQ(fs_write(&fs, h2, 0, "0123456789", 10), 10);
    CHECK_EQ(fs_open(&fs, "/b", FS_O_TRUNC, &h2, &st), 0);
    CHECK_EQ(st.size, 0);
    CHECK_EQ(fs_open(&fs, "/b", 0x100, &h2, &st), -E_INVAL);
}

static void test_fs_paths(void)
{
    struct fs fs;
    struct ramdisk rd;
    struct fs_handle h;
    char path[FS_PATH_MAX + 8], name[FS_NAME_MAX + 2];
    fresh(&fs, &rd, DISK_BLOCKS, 64);
    CHECK_EQ(fs_path_check("relative", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("//a", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("/a/", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("/a/../b", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("/./b", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("/a\nb", FS_PATH_MAX), -E_INVAL);
    CHECK_EQ(fs_path_check("/...", FS_PATH_MAX), 0);
    /* A component of exactly FS_NAME_MAX bytes works, one more does not. */
    memset(name, 'n', sizeof name);
    name[FS_NAME_MAX] = '\0';
    snprintf(path, sizeof path, "/%s", name);
    CHECK_EQ(fs_open(&fs, path, FS_O_CREATE, &h, NULL), 0);
    CHECK_EQ(fs_stat(&fs, path, &(struct fs_stat){ 0 }), 0);
    name[FS_NAME_MAX] = 'n';
    name[FS_NAME_MAX + 1] = '\0';
    snprintf(path, sizeof path, "/%s", name);
    CHECK_EQ(fs_open(&fs, path, FS_O_CREATE, &h, NULL), -E_NAMETOOLONG);
    /* A path of FS_PATH_MAX - 1 bytes is fine, FS_PATH_MAX is too long. */
    CHECK_EQ(fs_mkdir(&fs, "/d"), 0);
    size_t n = 2;
    strcpy(path, "/d");
    while (n + 21 < FS_PATH_MAX - 1) {
        strcat(path, "/dddddddddddddddddddd");
        n += 21;
        CHECK_EQ(fs_mkdir(&fs, path), 0);
    }
    size_t pad = FS_PATH_MAX - 1 - n - 1;
    strcat(path, "/");
    memset(path + n + 1, 'f', pad);
    path[n + 1 + pad] = '\0';
    CHECK_EQ(strlen(path), FS_PATH_MAX - 1);
    CHECK_EQ(fs_open(&fs, path, FS_O_CREATE, &h, NULL), 0);
    strcat(path, "f");
    CHECK_EQ(fs_open(&fs, path, FS_O_CREATE, &h, NULL), -E_NAMETOOLONG);
}

/* A file through direct, indirect and double-indirect blocks, written in
 * odd-sized pieces, read back after a fresh mount. */
static void test_fs_large(void)
{
    struct fs fs, fs2;
    struct ramdisk rd;
    struct fs_handle h;
    struct fs_stat st;
    const uint64_t size = (uint64_t)(FS_DIRECT + FS_PER_INDIRECT + 20) * BLOCK_SIZE + 77;
    uint8_t *in = malloc(size), *out = malloc(size);
    for (uint64_t i = 0; i < size; i++)
        in[i] = pattern(i);
    fresh(&fs, &rd, DISK_BLOCKS, 64);
    CHECK_EQ(fs_open(&fs, "/big", FS_O_CREATE, &h, NULL), 0);
    for (uint64_t off = 0; off < size;) {
        uint64_t n = size - off < 253 ? size - off : 253;
        CHECK_EQ(fs_write(&fs, h, off, in + off, n), n);
        off += n;
    }
    CHECK_EQ(fs_mount(&fs2, &rd.dev), 0);
    CHECK_EQ(fs_stat(&fs2, "/big", &st), 0);
    CHECK_EQ(st.size, size);
    CHECK_EQ(st.blocks, (size + BLOCK_SIZE - 1) / BLOCK_SIZE + 1 + 1 + 1);
    CHECK_EQ(fs_read(&fs2, h, 0, out, size), size);
    CHECK(memcmp(in, out, size) == 0);
    /* A write far past the end leaves a hole that reads as zeros. */
    CHECK_EQ(fs_write(&fs2, h, size + 5000, "z", 1), 1);
    CHECK_EQ(fs_read(&fs2, h, size + 10, out, 10), 10);
    CHECK(out[0] == 0 && out[9] == 0);
    CHECK_EQ(fs_write(&fs2, h, FS_FILE_MAX, "z", 1), -E_RANGE);
    CHECK_EQ(fs_write(&fs2, h, UINT64_MAX - 2, "zzzz", 4), -E_RANGE);
    /* Unlink gives every block back: the same file fits again. */
    CHECK_EQ(fs_unlink(&fs2, "/big"), 0);
    uint64_t before = rd.writes;
    CHECK_EQ(fs_open(&fs2, "/big2", FS_O_CREATE, &h, NULL), 0);
    CHECK_EQ(fs_write(&fs2, h, 0, in, size), size);
    CHECK(rd.writes > before);
    free(in);
    free(out);
}

static void test_fs_full(void)
{
    struct fs fs;
    struct ramdisk rd;
    struct fs_handle h;
    static uint8_t chunk[4096];
    fresh(&fs, &rd, 64, 16);
    CHECK_EQ(fs_open(&fs, "/fill", FS_O_CREATE, &h, NULL), 0);
    long total = 0, n;
    while ((n = fs_write(&fs, h, (uint64_t)total, chunk, sizeof chunk)) > 0)
        total += n;
    CHECK_EQ(n, -E_FULL);
    CHECK(total > 0 && total < 64 * BLOCK_SIZE);
    struct fs_stat st;
    CHECK_EQ(fs_stat(&fs, "/fill", &st), 0);
    CHECK_EQ(st.size, total);                /* what was acknowledged is there */
    struct fs_handle h2;                     /* an empty file needs no block, its data does */
    CHECK_EQ(fs_open(&fs, "/more", FS_O_CREATE, &h2, NULL), 0);
    CHECK_EQ(fs_write(&fs, h2, 0, chunk, 1), -E_FULL);
    CHECK_EQ(fs_unlink(&fs, "/more"), 0);
    /* Inodes run out too: 16 inodes, root and /fill used. */
    CHECK_EQ(fs_unlink(&fs, "/fill"), 0);
    char path[32];
    int made = 0, r = 0;
    for (int i = 0; i < 20 && r == 0; i++) {
        snprintf(path, sizeof path, "/f%d", i);
        r = fs_open(&fs, path, FS_O_CREATE, &h, NULL);
        made += r == 0;
    }
    CHECK_EQ(r, -E_FULL);
    CHECK_EQ(made, 16 - 1 - 1);             /* inode 0 unused, 1 is the root */
    /* A failing block device: the error comes back, nothing crashes. */
    CHECK_EQ(fs_unlink(&fs, "/f0"), 0);
    rd.fail_after = 0;
    CHECK_EQ(fs_mkdir(&fs, "/io"), -E_IO);
}

static void test_fs_many_and_rename(void)
{
    struct fs fs;
    struct ramdisk rd;
    struct fs_handle h;
    struct fs_stat st;
    char path[64], buf[32];
    fresh(&fs, &rd, DISK_BLOCKS, 256);
    CHECK_EQ(fs_mkdir(&fs, "/m"), 0);
    for (int i = 0; i < 150; i++) {
        snprintf(path, sizeof path, "/m/file%03d", i);
        CHECK_EQ(fs_open(&fs, path, FS_O_CREATE, &h, NULL), 0);
        CHECK_EQ(fs_write(&fs, h, 0, path, strlen(path)), strlen(path));
    }
    for (int i = 0; i < 150; i += 2) {
        snprintf(path, sizeof path, "/m/file%03d", i);
        CHECK_EQ(fs_unlink(&fs, path), 0);
    }
    CHECK_EQ(fs_open(&fs, "/m", FS_O_DIR, &h, NULL), 0);
    struct fs_dirent d;
    int live = 0;
    while (fs_readdir(&fs, h, (uint64_t)live, &d) == 1)
        live++;
    CHECK_EQ(live, 75);
    CHECK_EQ(fs_open(&fs, "/m/file001", 0, &h, NULL), 0);
    CHECK_EQ(fs_read(&fs, h, 0, buf, sizeof buf), 10);
    CHECK(memcmp(buf, "/m/file001", 10) == 0);

    /* rename: move, replace, into itself, onto a directory. */
    CHECK_EQ(fs_mkdir(&fs, "/a"), 0);
    CHECK_EQ(fs_mkdir(&fs, "/a/b"), 0);
    CHECK_EQ(fs_rename(&fs, "/m/file001", "/a/moved"), 0);
    CHECK_EQ(fs_stat(&fs, "/m/file001", &st), -E_NOENT);
    CHECK_EQ(fs_open(&fs, "/a/moved", 0, &h, &st), 0);
    CHECK_EQ(st.size, 10);
    CHECK_EQ(fs_rename(&fs, "/m/file003", "/a/moved"), 0);   /* replaces */
    CHECK_EQ(fs_read(&fs, h, 0, buf, 1), -E_NOENT);          /* the old file is gone */
    CHECK_EQ(fs_open(&fs, "/a/moved", 0, &h, NULL), 0);
    CHECK_EQ(fs_read(&fs, h, 0, buf, sizeof buf), 10);
    CHECK(memcmp(buf, "/m/file003", 10) == 0);
    CHECK_EQ(fs_rename(&fs, "/a", "/a/b/c"), -E_INVAL);      /* into itself */
    CHECK_EQ(fs_rename(&fs, "/a", "/a/c"), -E_INVAL);
    CHECK_EQ(fs_rename(&fs, "/a/moved", "/a/b"), -E_ISDIR);
    CHECK_EQ(fs_rename(&fs, "/a/b", "/a/moved"), -E_NOTDIR);
    CHECK_EQ(fs_rename(&fs, "/", "/z"), -E_INVAL);
    CHECK_EQ(fs_rename(&fs, "/nope", "/z"), -E_NOENT);
    CHECK_EQ(fs_rename(&fs, "/a/moved", "/a/moved"), 0);
    CHECK_EQ(fs_rename(&fs, "/a/b", "/m/b2"), 0);           /* a directory moves */
    CHECK_EQ(fs_stat(&fs, "/m/b2", &st), 0);
    CHECK_EQ(st.type, FS_TYPE_DIR);
}

/* The decoder refuses malformed requests before acting. */
static void test_fs_requests(void)
{
    struct fs fs;
    struct ramdisk rd;
    uint64_t req[IPC_MAX_WORDS], rep[IPC_MAX_WORDS];
    unsigned rlen;
    fresh(&fs, &rd, DISK_BLOCKS, 64);
    struct fs_open *op = (void *)req;
    memset(req, 0, sizeof req);
    op->flags = FS_O_CREATE;
    strcpy(op->path, "/r");
    CHECK_EQ(fs_handle_request(&fs, FS_OPEN, req, PROTO_WORDS(struct fs_open) - 1, rep, &rlen), E_INVAL);
    CHECK_EQ(fs_handle_request(&fs, FS_OPEN, req, PROTO_WORDS(struct fs_open), rep, &rlen), 0);
    CHECK_EQ(rlen, PROTO_WORDS(struct fs_handle_reply));
    struct fs_handle h = ((struct fs_handle_reply *)rep)->handle;
    memset(op->path, 'p', sizeof op->path);                  /* no NUL */
    CHECK_EQ(fs_handle_request(&fs, FS_OPEN, req, PROTO_WORDS(struct fs_open), rep, &rlen), E_NAMETOOLONG);
    op->flags = 1ULL << 40;
    strcpy(op->path, "/r");
    CHECK_EQ(fs_handle_request(&fs, FS_OPEN, req, PROTO_WORDS(struct fs_open), rep, &rlen), E_INVAL);

    struct fs_io *io = (void *)req;
    memset(req, 0, sizeof req);
    io->handle = h;
    io->count = 5;
    memcpy(io->data, "abcde", 5);
    CHECK_EQ(fs_handle_request(&fs, FS_WRITE, req, FS_IO_HEADER_WORDS + 1, rep, &rlen), 0);
    CHECK_EQ(rep[0], 5);
    CHECK_EQ(fs_handle_request(&fs, FS_WRITE, req, FS_IO_HEADER_WORDS + 2, rep, &rlen), E_INVAL);
    io->count = FS_IO_MAX + 1;
    CHECK_EQ(fs_handle_request(&fs, FS_WRITE, req, IPC_MAX_WORDS, rep, &rlen), E_INVAL);
    CHECK_EQ(fs_handle_request(&fs, FS_READ, req, FS_IO_HEADER_WORDS, rep, &rlen), E_INVAL);
    io->count = FS_IO_MAX;
    CHECK_EQ(fs_handle_request(&fs, FS_READ, req, FS_IO_HEADER_WORDS, rep, &rlen), 0);
    CHECK_EQ(rep[0], 5);
    CHECK(memcmp(&rep[1], "abcde", 5) == 0);
    io->handle.generation++;
    CHECK_EQ(fs_handle_request(&fs, FS_READ, req, FS_IO_HEADER_WORDS, rep, &rlen), E_NOENT);
    io->handle.inode = 0xffffffff;
    CHECK_EQ(fs_handle_request(&fs, FS_READ, req, FS_IO_HEADER_WORDS, rep, &rlen), E_NOENT);
    CHECK_EQ(fs_handle_request(&fs, FS_READDIR, req, FS_IO_HEADER_WORDS, rep, &rlen), E_NOENT);
    CHECK_EQ(fs_handle_request(&fs, 0, req, 0, rep, &rlen), E_INVAL);
    CHECK_EQ(fs_handle_request(&fs, FS_RENAME, req, 3, rep, &rlen), E_INVAL);
    struct fs_rename *rn = (void *)req;
    memset(req, 0, sizeof req);
    strcpy(rn->from, "/r");
    memset(rn->to, 'x', sizeof rn->to);
    CHECK_EQ(fs_handle_request(&fs, FS_RENAME, req, PROTO_WORDS(struct fs_rename), rep, &rlen), E_NAMETOOLONG);
    /* Random requests: no crash (ASan and UBSan watch), and the disk stays mountable. */
    srand(2);
    for (int i = 0; i < 20000; i++) {
        for (int w = 0; w < IPC_MAX_WORDS; w++)
            req[w] = (uint64_t)rand() << 33 ^ (uint64_t)rand();
        if (i % 2)
            ((char *)req)[8 + rand() % 40] = 0;
        fs_handle_request(&fs, PROTO_BASE_FS + rand() % 12, req, rand() % (IPC_MAX_WORDS + 1),
                          rep, &rlen);
    }
    CHECK_EQ(fs_mount(&fs, &rd.dev), 0);
}

/* Seeding from an archive, then a "restart": a new mount sees everything. */
static void test_fs_seed(void)
{
    struct fs fs, fs2;
    struct ramdisk rd;
    struct fs_stat st;
    uint8_t buf[1024];
    unsigned files;
    size_t size = build_archive(buf);
    fresh(&fs, &rd, DISK_BLOCKS, 64);
    CHECK_EQ(fs_seed(&fs, buf, size, &files), 0);
    CHECK_EQ(files, 2);
    CHECK_EQ(fs_mount(&fs2, &rd.dev), 0);
    CHECK_EQ(fs_stat(&fs2, "/etc/motd", &st), 0);
    CHECK_EQ(st.size, 6);
    CHECK_EQ(fs_stat(&fs2, "/big", &st), 0);
    CHECK_EQ(st.size, 13);
    buf[0] = 'X';
    CHECK_EQ(fs_seed(&fs, buf, size, &files), -E_INVAL);
    /* A damaged superblock is refused, not trusted. */
    disk[8] ^= 1;
    CHECK_EQ(fs_mount(&fs2, &rd.dev), -E_INVAL);
}

int main(void)
{
    test_archive();
    test_block();
    test_names();
    test_fs_basic();
    test_fs_paths();
    test_fs_large();
    test_fs_full();
    test_fs_many_and_rename();
    test_fs_requests();
    test_fs_seed();
    if (failures) {
        fprintf(stderr, "test_servers: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_servers: all checks passed\n");
    return 0;
}
