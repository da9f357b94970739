/*
 * main.c: bin/sh, the shell as a program. It finds its servers at the slots
 * mica/proto/proc.h gives a program (console, file server, process manager,
 * machine, reincarnation server); a missing one only disables the commands
 * that need it.
 */
#include <stdio.h>
#include <sys.h>
#include <consio.h>
#include <mica/cap.h>
#include <mica/proto/proc.h>
#include "sh.h"

/* slot if it holds a capability of that type, else 0. */
static cap_t held(cap_t slot, int32_t type)
{
    struct cap_info ci;
    return sys_cap_info(slot, (long)&ci) == 0 && ci.type == type ? slot : 0;
}

int main(int argc, char **argv)
{
    struct shell_caps caps = {
        .machine = held(PROC_CAP_MACHINE, CAP_TYPE_MACHINE),
        .fs = held(PROC_CAP_FS, CAP_TYPE_ENDPOINT),
        .proc = held(PROC_CAP_PROC, CAP_TYPE_ENDPOINT),
        .rs = held(PROC_CAP_RS, CAP_TYPE_ENDPOINT),
    };
    if (!console_endpoint() && held(PROC_CAP_CONSOLE, CAP_TYPE_ENDPOINT))
        console_attach(PROC_CAP_CONSOLE);
    if (!console_endpoint()) {
        printf("sh: no console server at slot %d\n", PROC_CAP_CONSOLE);
        return 1;
    }
    return shell_run(&caps) < 0;
}
