/*
 * console.c: the console server with several clients (lab 5). Two threads
 * write through the server at once, then the scenario reads three lines the
 * grader types (with backspaces, and ended by LF, CR LF and CR).
 *
 * Lines: "console: client=<c> line=<i> of=<n>" from each writer,
 * "console: client=<c> wrote=<bytes>" (the server's counts, summed),
 * "console: waiting for input", then "console: read n=<i> len=<n> text=[<line>]".
 */
#include <stdio.h>
#include <string.h>
#include <thread.h>
#include <sys.h>
#include <consio.h>
#include <scenario.h>
#include "../../servers/console/console_server.h"

#define WRITES 3

static int writer(void *arg)
{
    const char *who = arg;
    long total = 0;
    char line[64];
    for (int i = 1; i <= WRITES; i++) {
        int n = snprintf(line, sizeof line, "console: client=%s line=%d of=%d\n", who, i, WRITES);
        long r = console_write(line, (size_t)n);
        total += r > 0 ? r : 0;
        yield();
    }
    printf("console: client=%s wrote=%ld\n", who, total);
    return 0;
}

SCENARIO(console, "the console server: two writers, then lines typed at the console")
{
    long ep = console_server_start(CAP_MACHINE);
    if (ep < 0) {
        printf("console: start ret=%ld\n", ep);
        return 1;
    }
    console_attach(ep);
    cap_t a = thread_spawn("writer-a", writer, "a", PRIO_DEFAULT);
    cap_t b = thread_spawn("writer-b", writer, "b", PRIO_DEFAULT);
    thread_join(a, NULL);
    thread_join(b, NULL);
    printf("console: waiting for input\n");
    for (int i = 1; i <= 3; i++) {
        char line[128];
        long n = console_readline(line, sizeof line);
        printf("console: read n=%d len=%ld text=[%s]\n", i, n, n >= 0 ? line : "");
    }
    return 0;
}
