/*
 * exit.c: ending threads and programs: exit(), abort() and assert()'s report.
 */
#include <stdlib.h>
#include <stdio.h>
#include <assert.h>
#include <sys.h>

void exit(int status)
{
    for (;;)
        sys_thread_exit(status);
}

/* Only the root task holds CAP_MACHINE; elsewhere the power-off call fails
 * with an error and the thread just ends. */
void abort(void)
{
    sys_poweroff(CAP_MACHINE, 1);
    exit(134);
}

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
    printf("assert: %s at %s:%d in %s()\n", expr, file, line, func);
    abort();
}
