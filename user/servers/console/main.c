/*
 * main.c: the console server as a process (bin/console), started by the
 * reincarnation server with its endpoint (receive right) at
 * PROC_CAP_SERVICE and COM1's ports, IRQ 4 and the IRQ's notification at
 * PROC_CAP_EXTRA, +1 and +2: the same capabilities for every instance, so
 * a restarted console takes the UART over where the dead one left it.
 *
 * The first thread starts the server's threads (console.c) and waits for a
 * crash order; when one comes it waits until the other threads have ended,
 * drops its own space capability (so the dead process can be freed) and
 * takes a real page fault: the kernel's fault line, then the reincarnation
 * server's restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <crash.h>
#include <selfspace.h>
#include <messaging.h>
#include <mica/proto/proc.h>
#include "console_server.h"

static struct ipc_buffer buf __attribute__((aligned(1024)));

int main(int argc, char **argv)
{
    ipc_buffer_register(&buf);
    long r = self_space_request(&buf);      /* threads need it (selfspace.h) */
    if (r == 0)
        r = console_serve(PROC_CAP_EXTRA, PROC_CAP_EXTRA + 1, PROC_CAP_EXTRA + 2,
                          PROC_CAP_SERVICE);
    if (r < 0) {
        printf("console: cannot start: %s\n", mica_strerror(r));
        return 1;
    }
    console_wait_crash();
    self_space_drop();
    crash_now();
}
