/*
 * main.c: the root task, the first user program. The kernel starts it in
 * ring 3 with the boot-info page (see <mica/bootinfo.h>).
 *
 * For now it runs the built-in scenario that init=NAME on the kernel command
 * line names (scenarios register themselves with SCENARIO(), see scenario.h),
 * (init=list lists them); without init= it starts the servers, the
 * console server and the shell bin/sh (lab 6). A scenario run then powers
 * the machine off with the scenario's result as the status, so that every
 * transcript ends with the kernel's power-off line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <boot.h>
#include <scenario.h>
#include <sys.h>
#include <consio.h>
#include <mica/cap.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include "../servers/console/console_server.h"
#include "servers.h"

static const struct scenario *scenario_find(const char *name)
{
    for (const struct scenario *s = __scenarios_start; s < __scenarios_end; s++)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

static void scenario_list(void)
{
    printf("init: built-in scenarios (boot with init=NAME):\n");
    for (const struct scenario *s = __scenarios_start; s < __scenarios_end; s++)
        printf("init:   %-10s %s\n", s->name, s->help);
}

static void power_off(int status)
{
    long r = sys_poweroff(CAP_MACHINE, status);
    printf("init: sys_poweroff failed: %s\n", mica_strerror(r));
    exit(status);
}

/* Slots of bin/sh (the round-3 table of mica/proto/proc.h). */
#define SH_CAP_CONSOLE 12
#define SH_CAP_MACHINE 15
#define SH_CAP_FS      17

/* The default boot: names, block and fs as processes, the console server
 * (a thread of this task for now), then bin/sh with the console, the file
 * server, the machine (halt) and lookups at the name server; its status is
 * the boot's. */
static int interactive(void)
{
    static struct system sys;
    struct process p;
    uint64_t pid;
    if (servers_start(&sys) < 0)
        return 1;
    long ep = console_server_start(CAP_MACHINE);
    if (ep < 0) {
        printf("init: console server: %s\n", mica_strerror(ep));
        return 1;
    }
    console_attach(ep);
    long console = sys_cap_mint(ep, -1, RIGHT_SEND, 0);
    long fs = sys_cap_mint(sys.fs_ep, -1, RIGHT_SEND, 0);
    long names = sys_cap_mint(sys.names_ep, -1, RIGHT_SEND, sys.next_pid << 8 | NAMES_PERM_LOOKUP);
    if (console < 0 || fs < 0 || names < 0)
        return 1;
    const char *argv[] = { "sh" };
    struct spawn_cap caps[] = { { console, SH_CAP_CONSOLE }, { fs, SH_CAP_FS },
                                { CAP_MACHINE, SH_CAP_MACHINE }, { names, PROC_CAP_NAMES } };
    if (system_spawn(&sys, "bin/sh", 1, argv, caps, 4, &p, &pid) < 0)
        return 1;
    long status = sys_thread_join(p.thread, TIMEOUT_FOREVER);
    printf("init: sh exited status=%ld\n", status);
    return status == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (!boot_info || boot_info->magic != MICA_BOOTINFO_MAGIC) {
        printf("init: no boot information (rdi=%p)\n", (void *)boot_info);
        power_off(1);
    }
    const char *name = boot_info->init;
    if (name[0] == '\0')
        power_off(interactive());
    if (strcmp(name, "list") == 0) {
        scenario_list();
        power_off(0);
    }
    const struct scenario *s = scenario_find(name);
    if (!s) {
        printf("init: no scenario '%s'\n", name);
        scenario_list();
        power_off(1);
    }
    printf("init: scenario %s begin\n", s->name);
    int status = s->run();
    printf("init: scenario %s end status=%d\n", s->name, status);
    power_off(status);
    return status;
}
