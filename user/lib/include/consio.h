/**
 * @file consio.h
 * @brief The console server's client side (mica/proto/console.h).
 *
 * After console_attach(), printf() and puts() write through the console
 * server instead of sys_debug_write (which stays for early and debug
 * output). Each thread that talks to the server needs an IPC buffer (a
 * write is up to 31 words); ipc_buffer_self() gives every thread one.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <mica/types.h>
#include <mica/ipc.h>

/** @brief Send printf()'s output to the console server at @p ep from now on (0: back to the kernel). */
void console_attach(cap_t ep);

/** @brief The console endpoint console_attach() was given, or 0. */
cap_t console_endpoint(void);

/**
 * @brief Write @p n bytes through the console server (in messages of
 *        CONSOLE_IO_MAX bytes), or with sys_debug_write before console_attach().
 * @return bytes written or a negative error.
 */
long console_write(const char *s, size_t n);

/**
 * @brief Read one edited line (without its newline) into @p buf, NUL-terminated.
 * @return its length or a negative error (-E_NOSYS when not attached).
 */
long console_readline(char *buf, size_t size);

/**
 * @brief The calling thread's IPC buffer, allocated and registered on first
 *        use and kept in its thread_local() word; NULL when out of memory.
 *        A thread that registers a buffer of its own must not use this.
 */
struct ipc_buffer *ipc_buffer_self(void);

#endif
