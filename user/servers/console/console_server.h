/*
 * console_server.h: the console server (mica/proto/console.h), the COM1 driver in
 * user space. console_server_start() takes the UART over from the kernel:
 * it gets the ports 0x3F8-0x3FF and IRQ 4 as capabilities, turns on the
 * receive interrupt and starts the server's threads in the calling address
 * space: "console-irq" (input: line editing and echo) and CONSOLE_WORKERS
 * threads named "console" that serve the endpoint. console_serve() does the
 * same with capabilities given to the program (bin/console, supervised by
 * the reincarnation server, which may make it crash: PROTO_CRASH).
 */
#ifndef CONSOLE_SERVER_H
#define CONSOLE_SERVER_H

#include <mica/types.h>

/** Threads serving requests: one may wait for a line while the others write. */
#define CONSOLE_WORKERS 2

/**
 * @brief Take COM1 over and serve it.
 * @param machine a machine capability with RIGHT_WRITE.
 * @return the server's endpoint capability, or a negative error.
 */
long console_server_start(cap_t machine);

/**
 * @brief Serve COM1 with ready-made capabilities, supervised (PROTO_CRASH obeyed).
 * @param ports COM1's 8 I/O ports.
 * @param irq IRQ 4, bound to @p irq_ntfn.
 * @param irq_ntfn the notification IRQ 4 signals.
 * @param ep the server's endpoint (receive right).
 * @return @p ep, or a negative error.
 */
long console_serve(cap_t ports, cap_t irq, cap_t irq_ntfn, cap_t ep);

/**
 * @brief Wait until a worker must crash (PROTO_CRASH), then end every other
 *        thread of the server; returns when only the caller is left. For
 *        the program's first thread after console_serve().
 */
void console_wait_crash(void);

#endif
