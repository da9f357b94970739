/**
 * @file archive.h
 * @brief Reading the boot archive: a cpio "newc" archive in memory.
 *
 * The root task finds the archive as the boot module named "initrd" (mapped
 * read-only, see mica/bootinfo.h); user/tools/mkcpio.py writes it. The reader
 * trusts nothing: every header field is checked (magic, hex digits, name
 * terminated inside the archive, data inside the archive), and a bad archive
 * gives an error, never a read outside [base, base + size).
 * @code
 * struct archive a;
 * struct archive_entry e;
 * archive_open(&a, base, size);
 * while ((r = archive_next(&a, &e)) > 0)
 *     printf("%s %zu\n", e.name, e.size);
 * @endcode
 * Pure logic: no system calls, so it is also built and tested on the host.
 */
#ifndef ARCHIVE_H
#define ARCHIVE_H

#include <mica/types.h>

/** cpio mode bits: the file type field and its two values Mica uses. @{ */
#define ARCHIVE_TYPE_MASK 0170000   /**< file type bits */
#define ARCHIVE_TYPE_DIR  0040000   /**< a directory */
#define ARCHIVE_TYPE_FILE 0100000   /**< a regular file */
/** @} */

/** An archive being read: where it is and how far the reader got. */
struct archive {
    const uint8_t *base;        /**< first byte */
    size_t size;                /**< bytes */
    size_t next;                /**< offset of the next header */
    bool done;                  /**< the trailer was seen */
};

/** One entry; name and data point into the archive. */
struct archive_entry {
    const char *name;           /**< NUL-terminated path, no leading '/' */
    uint32_t mode;              /**< type and permission bits */
    const uint8_t *data;        /**< the contents (size bytes) */
    size_t size;                /**< bytes of data */
};

/**
 * @brief Start reading the archive at @p base (@p size bytes).
 * @param a the reader state to fill.
 * @param base first byte of the archive.
 * @param size its length.
 */
void archive_open(struct archive *a, const void *base, size_t size);

/**
 * @brief Read the next entry.
 * @param a the reader.
 * @param e filled with the entry on success.
 * @return 1 and an entry, 0 at the trailer (and after it), or -E_INVAL for a
 *         malformed header (bad magic or digit, name not terminated or empty,
 *         data or padding past the end, archive ending without a trailer).
 */
int archive_next(struct archive *a, struct archive_entry *e);

/**
 * @brief Find the entry named @p name (exact match, no leading '/').
 * @param base the archive.
 * @param size its length.
 * @param name the path to look for.
 * @param e filled with the entry on success.
 * @return 0, -E_NOENT if there is none, or -E_INVAL if the archive is
 *         malformed before it.
 */
int archive_find(const void *base, size_t size, const char *name, struct archive_entry *e);

#endif
