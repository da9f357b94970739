/*
 * klib.h: freestanding string and formatting routines shared by the kernel
 * and the user library (both link lib/string.c and lib/format.c).
 */
#ifndef KLIB_H
#define KLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
char *strcpy(char *dst, const char *src);
char *strcat(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);

/*
 * format: printf-style formatting into a sink. Understands %d %i %u %x %X %o
 * %p %s %c %% with the l, ll, z and h length modifiers, a width (or *), a
 * precision for strings and integers, and the flags - 0 + space #.
 * Returns the number of characters produced.
 */
typedef void (*format_sink)(char c, void *arg);
int vformat(format_sink sink, void *arg, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
