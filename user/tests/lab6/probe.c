/*
 * probe.c: bin/probe, a program for the shell's tests to run by name.
 *
 *   probe args WORD...   prints "probe: argc=<n>" and "probe: argv[<i>]=<word>"
 *   probe exit N         exits with status N
 *   probe lines N        prints N lines "line <i> of <N>" (output for redirection)
 *   probe fault          writes to address 0 (the kernel kills it)
 *   probe spin           sleeps forever (something to kill)
 *
 * Its output goes to the console server at its console slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <thread.h>
#include <consio.h>
#include <mica/cap.h>
#include <mica/proto/proc.h>

int main(int argc, char **argv)
{
    struct cap_info ci;
    const char *mode = argc > 1 ? argv[1] : "";
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    if (!console_endpoint() && sys_cap_info(PROC_CAP_CONSOLE, (long)&ci) == 0 &&
        ci.type == CAP_TYPE_ENDPOINT)
        console_attach(PROC_CAP_CONSOLE);
    if (strcmp(mode, "args") == 0) {
        printf("probe: argc=%d\n", argc);
        for (int i = 0; i < argc; i++)
            printf("probe: argv[%d]=%s\n", i, argv[i]);
        return 0;
    }
    if (strcmp(mode, "exit") == 0)
        return (int)n;
    if (strcmp(mode, "lines") == 0) {
        for (long i = 1; i <= n; i++)
            printf("line %ld of %ld\n", i, n);
        return 0;
    }
    if (strcmp(mode, "fault") == 0) {
        *(volatile int *)0 = 1;
        return 0;
    }
    if (strcmp(mode, "spin") == 0)
        for (;;)
            sleep_ticks(100);
    printf("usage: probe args WORD... | exit N | lines N | fault | spin\n");
    return 2;
}
