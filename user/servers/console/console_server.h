/*
 * console_server.h: the console server (mica/proto/console.h), the COM1 driver in
 * user space. console_server_start() takes the UART over from the kernel:
 * it gets the ports 0x3F8-0x3FF and IRQ 4 as capabilities, turns on the
 * receive interrupt and starts the server's threads in the calling address
 * space: "console-irq" (input: line editing and echo) and CONSOLE_WORKERS
 * threads named "console" that serve the endpoint.
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

#endif
