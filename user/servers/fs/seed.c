/*
 * seed.c: fill a fresh file system from the boot archive: each directory
 * entry becomes a directory, each file a file, at "/" + its archive path.
 * Entries of other types are skipped; a malformed archive stops the seeding
 * with -E_INVAL (what was copied so far stays).
 */
#include "fs.h"
#include "archive.h"
#include <string.h>
#include <mica/error.h>

int fs_seed(struct fs *fs, const void *base, size_t size, unsigned *files)
{
    struct archive a;
    struct archive_entry e;
    char path[FS_PATH_MAX];
    int r;
    *files = 0;
    archive_open(&a, base, size);
    while ((r = archive_next(&a, &e)) > 0) {
        if (strlen(e.name) + 2 > sizeof path)
            continue;
        path[0] = '/';
        strlcpy(path + 1, e.name, sizeof path - 1);
        uint32_t type = e.mode & ARCHIVE_TYPE_MASK;
        if (type == ARCHIVE_TYPE_DIR) {
            r = fs_mkdir(fs, path);
            if (r < 0 && r != -E_EXIST)
                return r;
        } else if (type == ARCHIVE_TYPE_FILE) {
            struct fs_handle h;
            if ((r = fs_open(fs, path, FS_O_CREATE | FS_O_TRUNC, &h, NULL)) < 0)
                return r;
            long n = fs_write(fs, h, 0, e.data, e.size);
            if (n < 0)
                return (int)n;
            if ((size_t)n != e.size)
                return -E_FULL;
            (*files)++;
        }
    }
    return r;
}
