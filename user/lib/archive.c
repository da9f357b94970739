/*
 * archive.c: the cpio "newc" reader (archive.h). Format in
 * user/tools/mkcpio.py. Every offset is checked against the archive's size
 * before it is used, in a way that cannot overflow (compare with what is
 * left, never add to an offset first).
 */
#include "archive.h"
#include <string.h>
#include <mica/error.h>

#define HEADER_SIZE 110
#define FIELDS      13
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

static const char TRAILER[] = "TRAILER!!!";

/* Parse 8 hex digits; returns false on anything else. */
static bool hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t pad4(size_t n)
{
    return (4 - n % 4) % 4;
}

void archive_open(struct archive *a, const void *base, size_t size)
{
    a->base = base;
    a->size = base ? size : 0;
    a->next = 0;
    a->done = false;
}

int archive_next(struct archive *a, struct archive_entry *e)
{
    if (a->done)
        return 0;
    size_t at = a->next, left = a->size - at;
    uint32_t f[FIELDS];
    if (left < HEADER_SIZE || memcmp(a->base + at, "070701", 6) != 0)
        return -E_INVAL;
    for (int i = 0; i < FIELDS; i++)
        if (!hex8(a->base + at + 6 + 8 * i, &f[i]))
            return -E_INVAL;
    /* The name (namesize bytes including its NUL) and its padding. */
    size_t namesize = f[F_NAMESIZE], name_end = HEADER_SIZE + (size_t)namesize;
    if (namesize < 2 || namesize > left - HEADER_SIZE)
        return -E_INVAL;
    const char *name = (const char *)a->base + at + HEADER_SIZE;
    if (name[namesize - 1] != '\0' || strlen(name) != namesize - 1)
        return -E_INVAL;
    size_t data_at = name_end + pad4(name_end);
    if (data_at > left)
        return -E_INVAL;
    /* The data and its padding (the archive may end right after the data). */
    size_t filesize = f[F_FILESIZE];
    if (filesize > left - data_at)
        return -E_INVAL;
    size_t after = data_at + filesize, pad = pad4(filesize);
    if (pad > left - after)
        pad = left - after;
    if (strcmp(name, TRAILER) == 0) {
        a->done = true;
        return 0;
    }
    a->next = at + after + pad;
    e->name = name;
    e->mode = f[F_MODE];
    e->data = a->base + at + data_at;
    e->size = filesize;
    return 1;
}

int archive_find(const void *base, size_t size, const char *name, struct archive_entry *e)
{
    struct archive a;
    int r;
    archive_open(&a, base, size);
    while ((r = archive_next(&a, e)) > 0)
        if (strcmp(e->name, name) == 0)
            return 0;
    return r < 0 ? r : -E_NOENT;
}
