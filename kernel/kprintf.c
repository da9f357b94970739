/*
 * kprintf.c: formatted output from the kernel to the serial console.
 */
#include "kernel.h"

static void console_sink(char c, void *arg)
{
    (void)arg;
    serial_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
    return vformat(console_sink, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
