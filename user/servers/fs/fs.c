/*
 * fs.c: the file system (fs.h): superblock, block bitmap, inode table,
 * direct/indirect/double-indirect data blocks, directories of fixed-size
 * entries. Write-through: every change is written to the block device before
 * the call returns; nothing is cached between calls. Writes are ordered so
 * that a file server that dies between two of them leaves at worst a leaked
 * block or inode, never a pointer to a freed one (see README.md).
 */
#include "fs.h"
#include <string.h>
#include <mica/error.h>

#define INODES_PER_BLOCK  (BLOCK_SIZE / FS_INODE_SIZE)
#define DIRENTS_PER_BLOCK (BLOCK_SIZE / FS_DIRENT_SIZE)
#define BITS_PER_BLOCK    (BLOCK_SIZE * 8)

static int bread(struct fs *fs, uint32_t b, void *buf)
{
    return fs->dev->read(fs->dev, b, buf);
}

static int bwrite(struct fs *fs, uint32_t b, const void *buf)
{
    return fs->dev->write(fs->dev, b, buf);
}

/* ---- blocks ---------------------------------------------------------------- */

/* Allocate a data block and zero it on disk. Returns its number or -E_FULL. */
static long balloc(struct fs *fs)
{
    uint8_t map[BLOCK_SIZE], zero[BLOCK_SIZE] = { 0 };
    for (uint32_t i = 0; i < fs->sb.bitmap_blocks; i++) {
        int r = bread(fs, fs->sb.bitmap_start + i, map);
        if (r < 0)
            return r;
        for (uint32_t bit = 0; bit < BITS_PER_BLOCK; bit++) {
            uint32_t b = i * BITS_PER_BLOCK + bit;
            if (b >= fs->sb.nblocks)
                return -E_FULL;
            if (b < fs->sb.data_start || (map[bit / 8] & (1 << bit % 8)))
                continue;
            map[bit / 8] |= 1 << bit % 8;
            if ((r = bwrite(fs, fs->sb.bitmap_start + i, map)) < 0 || (r = bwrite(fs, b, zero)) < 0)
                return r;
            return b;
        }
    }
    return -E_FULL;
}

static int bfree(struct fs *fs, uint32_t b)
{
    uint8_t map[BLOCK_SIZE];
    if (b < fs->sb.data_start || b >= fs->sb.nblocks)
        return -E_IO;               /* a corrupt pointer: refuse rather than free metadata */
    uint32_t mb = fs->sb.bitmap_start + b / BITS_PER_BLOCK, bit = b % BITS_PER_BLOCK;
    int r = bread(fs, mb, map);
    if (r < 0)
        return r;
    map[bit / 8] &= ~(1 << bit % 8);
    return bwrite(fs, mb, map);
}

/* ---- inodes ---------------------------------------------------------------- */

static int iget(struct fs *fs, uint32_t ino, struct fs_inode *ip)
{
    uint8_t buf[BLOCK_SIZE];
    if (ino == 0 || ino >= fs->sb.ninodes)
        return -E_NOENT;
    int r = bread(fs, fs->sb.inode_start + ino / INODES_PER_BLOCK, buf);
    if (r == 0)
        memcpy(ip, buf + ino % INODES_PER_BLOCK * FS_INODE_SIZE, FS_INODE_SIZE);
    return r;
}

static int iput(struct fs *fs, uint32_t ino, const struct fs_inode *ip)
{
    uint8_t buf[BLOCK_SIZE];
    uint32_t b = fs->sb.inode_start + ino / INODES_PER_BLOCK;
    int r = bread(fs, b, buf);
    if (r < 0)
        return r;
    memcpy(buf + ino % INODES_PER_BLOCK * FS_INODE_SIZE, ip, FS_INODE_SIZE);
    return bwrite(fs, b, buf);
}

/* A free inode, initialised as type and written. Returns its number or -E_FULL. */
static long ialloc(struct fs *fs, uint16_t type, struct fs_inode *ip)
{
    for (uint32_t ino = FS_ROOT_INODE; ino < fs->sb.ninodes; ino++) {
        int r = iget(fs, ino, ip);
        if (r < 0)
            return r;
        if (ip->type != 0)
            continue;
        uint32_t gen = ip->generation;
        memset(ip, 0, sizeof *ip);
        ip->type = type;
        ip->links = 1;
        ip->generation = gen;
        r = iput(fs, ino, ip);
        return r < 0 ? r : (long)ino;
    }
    return -E_FULL;
}

/* The inode a handle names, if the handle is not stale. */
static int iget_handle(struct fs *fs, struct fs_handle h, struct fs_inode *ip)
{
    int r = iget(fs, h.inode, ip);
    if (r < 0)
        return r;
    return ip->type == 0 || ip->generation != h.generation ? -E_NOENT : 0;
}

/* Slot `index` of index block *slot (allocating the index block, and the
 * entry, if alloc). Returns the block number there (0: a hole) or -error. */
static long index_entry(struct fs *fs, uint32_t *slot, uint32_t index, bool alloc, bool *dirty)
{
    uint32_t table[FS_PER_INDIRECT];
    if (*slot == 0) {
        if (!alloc)
            return 0;
        long b = balloc(fs);
        if (b < 0)
            return b;
        *slot = (uint32_t)b;
        *dirty = true;
    }
    int r = bread(fs, *slot, table);
    if (r < 0)
        return r;
    if (table[index] == 0 && alloc) {
        long b = balloc(fs);
        if (b < 0)
            return b;
        table[index] = (uint32_t)b;
        if ((r = bwrite(fs, *slot, table)) < 0)
            return r;
    }
    return table[index];
}

/* The disk block holding block n of the file (0: a hole, unless alloc).
 * *dirty is set when the inode itself changed (the caller writes it). */
static long bmap(struct fs *fs, struct fs_inode *ip, uint64_t n, bool alloc, bool *dirty)
{
    if (n < FS_DIRECT) {
        if (ip->direct[n] == 0 && alloc) {
            long b = balloc(fs);
            if (b < 0)
                return b;
            ip->direct[n] = (uint32_t)b;
            *dirty = true;
        }
        return ip->direct[n];
    }
    /* LAB 6 BEGIN: fs: bmap: blocks past the direct ones, through the single- and double-indirect index blocks */
    n -= FS_DIRECT;
    if (n < FS_PER_INDIRECT)
        return index_entry(fs, &ip->indirect, (uint32_t)n, alloc, dirty);
    n -= FS_PER_INDIRECT;
    if (n >= (uint64_t)FS_PER_INDIRECT * FS_PER_INDIRECT)
        return -E_RANGE;
    bool inner_dirty = false;
    long mid = index_entry(fs, &ip->double_indirect, (uint32_t)(n / FS_PER_INDIRECT), alloc, dirty);
    if (mid <= 0)
        return mid;
    uint32_t mid_slot = (uint32_t)mid;
    return index_entry(fs, &mid_slot, (uint32_t)(n % FS_PER_INDIRECT), alloc, &inner_dirty);
    /* LAB 6 STUB
    (void)index_entry;
    return -E_RANGE;
    LAB 6 END */
}

/* Free every data and index block of the inode (the caller frees the inode). */
static int itrunc(struct fs *fs, struct fs_inode *ip)
{
    uint32_t table[FS_PER_INDIRECT], inner[FS_PER_INDIRECT];
    int r = 0;
    for (int i = 0; i < FS_DIRECT && r == 0; i++)
        if (ip->direct[i])
            r = bfree(fs, ip->direct[i]);
    if (r == 0 && ip->indirect && (r = bread(fs, ip->indirect, table)) == 0) {
        for (int i = 0; i < FS_PER_INDIRECT && r == 0; i++)
            if (table[i])
                r = bfree(fs, table[i]);
        if (r == 0)
            r = bfree(fs, ip->indirect);
    }
    if (r == 0 && ip->double_indirect && (r = bread(fs, ip->double_indirect, table)) == 0) {
        for (int i = 0; i < FS_PER_INDIRECT && r == 0; i++) {
            if (!table[i] || (r = bread(fs, table[i], inner)) < 0)
                continue;
            for (int j = 0; j < FS_PER_INDIRECT && r == 0; j++)
                if (inner[j])
                    r = bfree(fs, inner[j]);
            if (r == 0)
                r = bfree(fs, table[i]);
        }
        if (r == 0)
            r = bfree(fs, ip->double_indirect);
    }
    memset(ip->direct, 0, sizeof ip->direct);
    ip->indirect = ip->double_indirect = 0;
    ip->size = 0;
    return r;
}

static uint32_t iblocks(struct fs *fs, struct fs_inode *ip)
{
    uint32_t n = 0, table[FS_PER_INDIRECT];
    for (int i = 0; i < FS_DIRECT; i++)
        n += ip->direct[i] != 0;
    if (ip->indirect && bread(fs, ip->indirect, table) == 0) {
        n++;
        for (int i = 0; i < FS_PER_INDIRECT; i++)
            n += table[i] != 0;
    }
    if (ip->double_indirect)
        n++;                        /* its inner blocks are counted by blocks of data */
    if (ip->double_indirect && bread(fs, ip->double_indirect, table) == 0)
        for (int i = 0; i < FS_PER_INDIRECT; i++) {
            uint32_t inner[FS_PER_INDIRECT];
            if (table[i] && bread(fs, table[i], inner) == 0) {
                n++;
                for (int j = 0; j < FS_PER_INDIRECT; j++)
                    n += inner[j] != 0;
            }
        }
    return n;
}

static void fill_stat(struct fs *fs, uint32_t ino, struct fs_inode *ip, struct fs_stat *st)
{
    st->inode = ino;
    st->type = ip->type;
    st->size = ip->size;
    st->links = ip->links;
    st->blocks = iblocks(fs, ip);
}

/* ---- file contents ---------------------------------------------------------- */

static long iread(struct fs *fs, struct fs_inode *ip, uint64_t off, void *buf, uint64_t n)
{
    uint8_t blk[BLOCK_SIZE];
    if (off >= ip->size)
        return 0;
    n = n < ip->size - off ? n : ip->size - off;
    for (uint64_t done = 0; done < n;) {
        bool dirty = false;
        long b = bmap(fs, ip, (off + done) / BLOCK_SIZE, false, &dirty);
        if (b < 0)
            return b;
        uint64_t at = (off + done) % BLOCK_SIZE, chunk = BLOCK_SIZE - at;
        chunk = chunk < n - done ? chunk : n - done;
        if (b == 0)
            memset(blk, 0, BLOCK_SIZE);
        else if (bread(fs, (uint32_t)b, blk) < 0)
            return -E_IO;
        memcpy((uint8_t *)buf + done, blk + at, chunk);
        done += chunk;
    }
    return (long)n;
}

/* Data first, then the inode (size, pointers): a crash in between loses
 * only the unacknowledged write. */
static long iwrite(struct fs *fs, uint32_t ino, struct fs_inode *ip, uint64_t off, const void *buf,
                   uint64_t n)
{
    uint8_t blk[BLOCK_SIZE];
    if (off > FS_FILE_MAX || n > FS_FILE_MAX - off)
        return -E_RANGE;
    bool dirty = false;
    long err = 0;
    uint64_t done = 0;
    while (done < n) {
        long b = bmap(fs, ip, (off + done) / BLOCK_SIZE, true, &dirty);
        if (b < 0) {
            err = b;
            break;
        }
        uint64_t at = (off + done) % BLOCK_SIZE, chunk = BLOCK_SIZE - at;
        chunk = chunk < n - done ? chunk : n - done;
        if (chunk < BLOCK_SIZE && (err = bread(fs, (uint32_t)b, blk)) < 0)
            break;
        memcpy(blk + at, (const uint8_t *)buf + done, chunk);
        if ((err = bwrite(fs, (uint32_t)b, blk)) < 0)
            break;
        done += chunk;
    }
    if (off + done > ip->size) {
        ip->size = (uint32_t)(off + done);
        dirty = true;
    }
    if (dirty) {
        int r = iput(fs, ino, ip);
        if (r < 0)
            return r;
    }
    return done > 0 ? (long)done : err;
}

/* ---- directories ----------------------------------------------------------- */

/* Find name in directory dir: its inode number (and slot index), or -E_NOENT. */
static long dir_lookup(struct fs *fs, struct fs_inode *dir, const char *name, uint64_t *slot)
{
    struct fs_dirent_disk de;
    for (uint64_t off = 0; off < dir->size; off += FS_DIRENT_SIZE) {
        long r = iread(fs, dir, off, &de, sizeof de);
        if (r < 0)
            return r;
        if (de.inode != 0 && strncmp(de.name, name, sizeof de.name) == 0) {
            if (slot)
                *slot = off;
            return de.inode;
        }
    }
    return -E_NOENT;
}

/* Add (name -> ino) in the first free slot of dir, or at its end. */
static int dir_add(struct fs *fs, uint32_t dino, struct fs_inode *dir, const char *name, uint32_t ino)
{
    struct fs_dirent_disk de;
    uint64_t off;
    for (off = 0; off < dir->size; off += FS_DIRENT_SIZE) {
        long r = iread(fs, dir, off, &de, sizeof de);
        if (r < 0)
            return (int)r;
        if (de.inode == 0)
            break;
    }
    memset(&de, 0, sizeof de);
    de.inode = ino;
    strlcpy(de.name, name, sizeof de.name);
    long r = iwrite(fs, dino, dir, off, &de, sizeof de);
    return r < 0 ? (int)r : 0;
}

static int dir_clear(struct fs *fs, uint32_t dino, struct fs_inode *dir, uint64_t slot)
{
    struct fs_dirent_disk de;
    memset(&de, 0, sizeof de);
    long r = iwrite(fs, dino, dir, slot, &de, sizeof de);
    return r < 0 ? (int)r : 0;
}

static bool dir_empty(struct fs *fs, struct fs_inode *dir)
{
    struct fs_dirent_disk de;
    for (uint64_t off = 0; off < dir->size; off += FS_DIRENT_SIZE)
        if (iread(fs, dir, off, &de, sizeof de) == sizeof de && de.inode != 0)
            return false;
    return true;
}

/* ---- paths ------------------------------------------------------------------ */

/* 0 if path is absolute, shorter than max, made of 1..FS_NAME_MAX byte
 * components other than "." and ".."; else -E_NAMETOOLONG or -E_INVAL. */
int fs_path_check(const char *path, size_t max)
{
    size_t len = strnlen(path, max);
    if (len == max)
        return -E_NAMETOOLONG;
    if (path[0] != '/')
        return -E_INVAL;
    if (len == 1)
        return 0;
    const char *p = path + 1;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return -E_INVAL;
        if (n > FS_NAME_MAX)
            return -E_NAMETOOLONG;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
                return -E_INVAL;
        if (!end)
            return 0;
        p = end + 1;
    }
}

/* Walk path to its parent directory: the parent's inode number and the last
 * component in name (empty for "/"). */
static long walk_parent(struct fs *fs, const char *path, char name[FS_NAME_MAX + 1])
{
    int r = fs_path_check(path, FS_PATH_MAX);
    if (r < 0)
        return r;
    uint32_t ino = FS_ROOT_INODE;
    const char *p = path + 1;
    name[0] = '\0';
    while (*p) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        memcpy(name, p, n);
        name[n] = '\0';
        if (!end)
            return ino;
        struct fs_inode dir;
        if ((r = iget(fs, ino, &dir)) < 0)
            return r;
        if (dir.type != FS_TYPE_DIR)
            return -E_NOTDIR;
        long next = dir_lookup(fs, &dir, name, NULL);
        if (next < 0)
            return next;
        ino = (uint32_t)next;
        p = end + 1;
    }
    return ino;
}

/* The inode path names. */
static long walk(struct fs *fs, const char *path, struct fs_inode *ip)
{
    char name[FS_NAME_MAX + 1];
    long pino = walk_parent(fs, path, name);
    if (pino < 0)
        return pino;
    int r = iget(fs, (uint32_t)pino, ip);
    if (r < 0 || name[0] == '\0')
        return r < 0 ? r : pino;
    if (ip->type != FS_TYPE_DIR)
        return -E_NOTDIR;
    long ino = dir_lookup(fs, ip, name, NULL);
    if (ino < 0)
        return ino;
    r = iget(fs, (uint32_t)ino, ip);
    return r < 0 ? r : ino;
}

/* ---- format and mount ------------------------------------------------------- */

int fs_format(struct blockdev *dev, uint32_t ninodes)
{
    struct fs fs = { .dev = dev };
    uint8_t zero[BLOCK_SIZE] = { 0 };
    struct fs_super *sb = &fs.sb;
    sb->magic = FS_MAGIC;
    sb->nblocks = dev->nblocks;
    sb->ninodes = ninodes;
    sb->bitmap_start = 1;
    sb->bitmap_blocks = (dev->nblocks + BITS_PER_BLOCK - 1) / BITS_PER_BLOCK;
    sb->inode_start = sb->bitmap_start + sb->bitmap_blocks;
    sb->inode_blocks = (ninodes + INODES_PER_BLOCK - 1) / INODES_PER_BLOCK;
    sb->data_start = sb->inode_start + sb->inode_blocks;
    if (ninodes < 2 || sb->data_start + 8 > dev->nblocks)
        return -E_RANGE;
    for (uint32_t b = 1; b < sb->data_start; b++)
        if (bwrite(&fs, b, zero) < 0)
            return -E_IO;
    struct fs_inode root;
    if (ialloc(&fs, FS_TYPE_DIR, &root) != FS_ROOT_INODE)
        return -E_IO;
    memcpy(zero, sb, sizeof *sb);
    return bwrite(&fs, 0, zero);
}

int fs_mount(struct fs *fs, struct blockdev *dev)
{
    uint8_t buf[BLOCK_SIZE];
    fs->dev = dev;
    int r = dev->read(dev, 0, buf);
    if (r < 0)
        return r;
    memcpy(&fs->sb, buf, sizeof fs->sb);
    const struct fs_super *sb = &fs->sb;
    if (sb->magic != FS_MAGIC || sb->nblocks != dev->nblocks || sb->bitmap_start != 1 ||
        sb->inode_start != sb->bitmap_start + sb->bitmap_blocks ||
        sb->data_start != sb->inode_start + sb->inode_blocks || sb->data_start >= sb->nblocks ||
        (uint64_t)sb->bitmap_blocks * BITS_PER_BLOCK < sb->nblocks ||
        (uint64_t)sb->inode_blocks * INODES_PER_BLOCK < sb->ninodes)
        return -E_INVAL;
    return 0;
}

/* ---- operations --------------------------------------------------------------- */

int fs_open(struct fs *fs, const char *path, unsigned flags, struct fs_handle *h, struct fs_stat *st)
{
    struct fs_inode ip;
    if (flags & ~(FS_O_CREATE | FS_O_TRUNC | FS_O_EXCL | FS_O_DIR))
        return -E_INVAL;
    long ino = walk(fs, path, &ip);
    if (ino == -E_NOENT && (flags & FS_O_CREATE) && !(flags & FS_O_DIR)) {
        char name[FS_NAME_MAX + 1];
        struct fs_inode dir;
        long pino = walk_parent(fs, path, name);
        if (pino < 0)
            return (int)pino;
        int r = iget(fs, (uint32_t)pino, &dir);
        if (r < 0)
            return r;
        if (dir.type != FS_TYPE_DIR)
            return -E_NOTDIR;
        if ((ino = ialloc(fs, FS_TYPE_FILE, &ip)) < 0)
            return (int)ino;
        if ((r = dir_add(fs, (uint32_t)pino, &dir, name, (uint32_t)ino)) < 0) {
            ip.type = 0;            /* give the inode back */
            ip.generation++;
            iput(fs, (uint32_t)ino, &ip);
            return r;
        }
    } else if (ino < 0) {
        return (int)ino;
    } else if ((flags & (FS_O_CREATE | FS_O_EXCL)) == (FS_O_CREATE | FS_O_EXCL)) {
        return -E_EXIST;
    }
    if ((flags & FS_O_DIR) && ip.type != FS_TYPE_DIR)
        return -E_NOTDIR;
    if (!(flags & FS_O_DIR) && ip.type == FS_TYPE_DIR)
        return -E_ISDIR;
    if ((flags & FS_O_TRUNC) && ip.size > 0) {
        int r = itrunc(fs, &ip);
        if (r < 0 || (r = iput(fs, (uint32_t)ino, &ip)) < 0)
            return r;
    }
    h->inode = (uint32_t)ino;
    h->generation = ip.generation;
    if (st)
        fill_stat(fs, (uint32_t)ino, &ip, st);
    return 0;
}

int fs_close(struct fs *fs, struct fs_handle h)
{
    struct fs_inode ip;
    return iget_handle(fs, h, &ip);
}

long fs_read(struct fs *fs, struct fs_handle h, uint64_t off, void *buf, uint64_t n)
{
    struct fs_inode ip;
    int r = iget_handle(fs, h, &ip);
    if (r < 0)
        return r;
    if (ip.type != FS_TYPE_FILE)
        return -E_ISDIR;
    return iread(fs, &ip, off, buf, n);
}

long fs_write(struct fs *fs, struct fs_handle h, uint64_t off, const void *buf, uint64_t n)
{
    struct fs_inode ip;
    int r = iget_handle(fs, h, &ip);
    if (r < 0)
        return r;
    if (ip.type != FS_TYPE_FILE)
        return -E_ISDIR;
    return iwrite(fs, h.inode, &ip, off, buf, n);
}

int fs_stat(struct fs *fs, const char *path, struct fs_stat *st)
{
    struct fs_inode ip;
    long ino = walk(fs, path, &ip);
    if (ino < 0)
        return (int)ino;
    fill_stat(fs, (uint32_t)ino, &ip, st);
    return 0;
}

int fs_fstat(struct fs *fs, struct fs_handle h, struct fs_stat *st)
{
    struct fs_inode ip;
    int r = iget_handle(fs, h, &ip);
    if (r == 0)
        fill_stat(fs, h.inode, &ip, st);
    return r;
}

/* The index-th live entry of the directory (1), or 0 past the end. */
int fs_readdir(struct fs *fs, struct fs_handle h, uint64_t index, struct fs_dirent *out)
{
    struct fs_inode dir, ip;
    struct fs_dirent_disk de;
    int r = iget_handle(fs, h, &dir);
    if (r < 0)
        return r;
    if (dir.type != FS_TYPE_DIR)
        return -E_NOTDIR;
    for (uint64_t off = 0; off < dir.size; off += FS_DIRENT_SIZE) {
        long n = iread(fs, &dir, off, &de, sizeof de);
        if (n < 0)
            return (int)n;
        if (de.inode == 0 || index-- > 0)
            continue;
        memset(out, 0, sizeof *out);
        out->inode = de.inode;
        out->type = iget(fs, de.inode, &ip) == 0 ? ip.type : 0;
        strlcpy(out->name, de.name, sizeof out->name);
        return 1;
    }
    return 0;
}

int fs_mkdir(struct fs *fs, const char *path)
{
    char name[FS_NAME_MAX + 1];
    struct fs_inode dir, ip;
    long pino = walk_parent(fs, path, name);
    if (pino < 0)
        return (int)pino;
    if (name[0] == '\0')
        return -E_EXIST;            /* "/" */
    int r = iget(fs, (uint32_t)pino, &dir);
    if (r < 0)
        return r;
    if (dir.type != FS_TYPE_DIR)
        return -E_NOTDIR;
    if (dir_lookup(fs, &dir, name, NULL) >= 0)
        return -E_EXIST;
    long ino = ialloc(fs, FS_TYPE_DIR, &ip);
    if (ino < 0)
        return (int)ino;
    if ((r = dir_add(fs, (uint32_t)pino, &dir, name, (uint32_t)ino)) < 0) {
        ip.type = 0;
        ip.generation++;
        iput(fs, (uint32_t)ino, &ip);
    }
    return r;
}

/* Remove the entry first, then free the blocks and the inode: a crash in
 * between leaks them but leaves no entry naming a freed inode. */
int fs_unlink(struct fs *fs, const char *path)
{
    char name[FS_NAME_MAX + 1];
    struct fs_inode dir, ip;
    uint64_t slot;
    long pino = walk_parent(fs, path, name);
    if (pino < 0)
        return (int)pino;
    if (name[0] == '\0')
        return -E_PERM;             /* "/" */
    int r = iget(fs, (uint32_t)pino, &dir);
    if (r < 0)
        return r;
    if (dir.type != FS_TYPE_DIR)
        return -E_NOTDIR;
    long ino = dir_lookup(fs, &dir, name, &slot);
    if (ino < 0)
        return (int)ino;
    if ((r = iget(fs, (uint32_t)ino, &ip)) < 0)
        return r;
    if (ip.type == FS_TYPE_DIR && !dir_empty(fs, &ip))
        return -E_NOTEMPTY;
    if ((r = dir_clear(fs, (uint32_t)pino, &dir, slot)) < 0)
        return r;
    if (ip.links > 1) {
        ip.links--;
        return iput(fs, (uint32_t)ino, &ip);
    }
    if ((r = itrunc(fs, &ip)) < 0)
        return r;
    ip.type = 0;
    ip.links = 0;
    ip.generation++;
    return iput(fs, (uint32_t)ino, &ip);
}

/* Is inode `ancestor` on the path from the root to `path`'s parent? */
static bool path_passes(struct fs *fs, const char *path, uint32_t ancestor)
{
    struct fs_inode ip;
    char prefix[FS_PATH_MAX];
    strlcpy(prefix, path, sizeof prefix);
    for (char *slash = strrchr(prefix, '/'); slash && slash != prefix; slash = strrchr(prefix, '/')) {
        *slash = '\0';
        if (walk(fs, prefix, &ip) == ancestor)
            return true;
    }
    return false;
}

/* Add the new name, then remove the old one: a crash in between leaves the
 * file under both names, never under none. */
int fs_rename(struct fs *fs, const char *from, const char *to)
{
    char fname[FS_NAME_MAX + 1], tname[FS_NAME_MAX + 1];
    struct fs_inode fdir, tdir, ip, old;
    uint64_t fslot, tslot;
    long fpino = walk_parent(fs, from, fname), tpino = walk_parent(fs, to, tname);
    if (fpino < 0 || tpino < 0)
        return (int)(fpino < 0 ? fpino : tpino);
    if (fname[0] == '\0' || tname[0] == '\0')
        return -E_INVAL;            /* renaming "/" or onto it */
    int r = iget(fs, (uint32_t)fpino, &fdir);
    if (r < 0 || (r = iget(fs, (uint32_t)tpino, &tdir)) < 0)
        return r;
    if (fdir.type != FS_TYPE_DIR || tdir.type != FS_TYPE_DIR)
        return -E_NOTDIR;
    long ino = dir_lookup(fs, &fdir, fname, &fslot);
    if (ino < 0)
        return (int)ino;
    if ((r = iget(fs, (uint32_t)ino, &ip)) < 0)
        return r;
    if (ip.type == FS_TYPE_DIR && ((uint32_t)tpino == ino || path_passes(fs, to, (uint32_t)ino)))
        return -E_INVAL;            /* a directory into itself */
    long existing = dir_lookup(fs, &tdir, tname, &tslot);
    if (existing == ino)
        return 0;                   /* same file */
    if (existing >= 0) {
        if ((r = iget(fs, (uint32_t)existing, &old)) < 0)
            return r;
        if (old.type == FS_TYPE_DIR || ip.type == FS_TYPE_DIR)
            return old.type == FS_TYPE_DIR ? -E_ISDIR : -E_NOTDIR;
        if ((r = fs_unlink(fs, to)) < 0 || (r = iget(fs, (uint32_t)tpino, &tdir)) < 0)
            return r;
    }
    if ((r = dir_add(fs, (uint32_t)tpino, &tdir, tname, (uint32_t)ino)) < 0)
        return r;
    /* The source directory may be the target one, changed by dir_add. */
    if ((r = iget(fs, (uint32_t)fpino, &fdir)) < 0)
        return r;
    return dir_clear(fs, (uint32_t)fpino, &fdir, fslot);
}
