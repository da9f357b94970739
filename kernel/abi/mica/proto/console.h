/**
 * @file mica/proto/console.h
 * @brief The console server: the serial line in user space.
 *
 * Several clients may write at once; each write's bytes appear together (a
 * write is never interleaved with another). Input is edited a line at a
 * time (backspace erases); a read waits for a whole line, and readers are
 * served one line each in the order they asked. Across a restart of the
 * server the library repeats both writes and line reads: a write the dead
 * server had taken may then appear twice, and the line being typed when it
 * died is lost (the new instance starts with an empty line).
 *
 * Who owns COM1 when: the kernel from boot (serial_init, polled output of
 * kprintf and sys_debug_write, no input) until the console server takes the
 * ports 0x3F8-0x3FF and IRQ 4 as capabilities and turns the receive
 * interrupt on; from then on the server alone reads input and programs the
 * UART, and user output goes through it. The kernel still writes its own
 * lines (faults, panics, the power-off line) and sys_debug_write's bytes
 * (debugging) with polled output, and at power-off swallows pending input.
 */
#ifndef MICA_PROTO_CONSOLE_H
#define MICA_PROTO_CONSOLE_H

#include <mica/proto/common.h>

#define CONSOLE_IO_MAX  240     /**< bytes per write or read message */

/** @name Labels */
/** @{ */
#define CONSOLE_WRITE    (PROTO_BASE_CONSOLE + 1) /**< console_io -> console_count; E_INVAL */
#define CONSOLE_READLINE (PROTO_BASE_CONSOLE + 2) /**< console_read -> console_io; a longer line is cut to max */
/** @} */

/** Bytes to write (request of CONSOLE_WRITE) or a line read (reply of CONSOLE_READLINE). */
struct console_io {
    uint64_t len;               /**< bytes used in data, at most CONSOLE_IO_MAX */
    char data[CONSOLE_IO_MAX];  /**< the bytes; a line read ends without its newline */
};

/** Request of CONSOLE_READLINE. */
struct console_read {
    uint64_t max;               /**< longest line wanted, 1..CONSOLE_IO_MAX */
};

/** Reply of CONSOLE_WRITE. */
struct console_count {
    uint64_t count;             /**< bytes written */
};

/** @cond */
PROTO_CHECK(struct console_io);
PROTO_CHECK(struct console_read);
PROTO_CHECK(struct console_count);
/** @endcond */

#endif
