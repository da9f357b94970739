/**
 * @file stdio.h
 * @brief Formatted output to the kernel's debug console.
 *
 * Until the console server exists, output goes through sys_debug_write().
 * Each call formats into a buffer on the caller's stack and writes it with as
 * few system calls as possible: a line shorter than PRINTF_BUF characters is
 * written in one call, so lines from different threads do not mix.
 * The format language is the kernel's (kernel/lib/format.c): %d %i %u %x %X
 * %o %p %s %c %% with l, ll, z, h, a width, a precision and the flags - 0 + #
 * and space. There is no floating point (see user/user.mk).
 */
#ifndef STDIO_H
#define STDIO_H

#include <stdarg.h>
#include <stddef.h>

/** Longest output printf() writes in a single system call. */
#define PRINTF_BUF 256

/**
 * @brief Print formatted text to the console.
 * @param fmt printf-style format.
 * @return the number of characters printed.
 */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief printf() with a va_list.
 * @param fmt printf-style format.
 * @param ap the arguments.
 * @return the number of characters printed.
 */
int vprintf(const char *fmt, va_list ap);

/**
 * @brief Print a string and a newline.
 * @param s the string.
 * @return 0, or a negative error code if the kernel refused the write.
 */
int puts(const char *s);

/**
 * @brief Format into a buffer, truncating to @p size - 1 characters plus a NUL.
 * @param buf destination.
 * @param size bytes available at @p buf (0 writes nothing).
 * @param fmt printf-style format.
 * @return the length the full output would have had.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * @brief snprintf() with a va_list.
 * @param buf destination.
 * @param size bytes available at @p buf.
 * @param fmt printf-style format.
 * @param ap the arguments.
 * @return the length the full output would have had.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
