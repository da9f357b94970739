/*
 * print.c: printf and puts over sys_debug_write, or through the console
 * server once console_attach() named it (console.c). Each call formats into a
 * PRINTF_BUF buffer on the caller's stack and writes it when full and at the
 * end, so a short line reaches the console in one system call and lines from
 * different threads never interleave.
 */
#include <stdio.h>
#include <string.h>
#include <sys.h>
#include <consio.h>

struct printbuf {
    char buf[PRINTF_BUF];
    size_t len;
};

static void flush(struct printbuf *pb)
{
    if (pb->len > 0)
        console_write(pb->buf, pb->len);
    pb->len = 0;
}

static void buffer_char(char c, void *arg)
{
    struct printbuf *pb = arg;
    if (pb->len == sizeof pb->buf)
        flush(pb);
    pb->buf[pb->len++] = c;
}

int vprintf(const char *fmt, va_list ap)
{
    struct printbuf pb = { .len = 0 };
    int n = vformat(buffer_char, &pb, fmt, ap);
    flush(&pb);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    return printf("%s\n", s) < 0 ? -1 : 0;
}
