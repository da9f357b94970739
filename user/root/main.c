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
#include <process.h>
#include <mica/cap.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include "../servers/console/console_server.h"
#include "servers.h"

/* The root task has no memory manager; its scenarios start up to THREAD_MAX threads. */
STATIC_HEAP(1024 * 1024);

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

/* The default boot (until the full system boot): names, block and fs, then
 * the process manager, which adopts them, the console server (a thread of
 * this task for now), and bin/sh through the process manager with the
 * standard capabilities (console, file server), the machine (halt) and
 * lookups at the name server; its status is the boot's. */
static int interactive(void)
{
    static struct system sys;
    uint64_t pid;
    cap_t thread;
    int64_t status = 1;
    long r;
    if (servers_start(&sys) < 0 || system_start_proc(&sys) < 0)
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
    const char *argv[] = { "sh" };
    if ((r = console < 0 ? console : proc_set_standard(PROC_CAP_CONSOLE, console)) < 0 ||
        (r = fs < 0 ? fs : proc_set_standard(PROC_CAP_FS, fs)) < 0 ||
        (r = proc_give(PROC_CAP_MACHINE, CAP_MACHINE)) < 0 ||
        (r = names < 0 ? names : proc_give(PROC_CAP_NAMES, names)) < 0 ||
        (r = proc_spawn("bin/sh", 1, argv, &pid, &thread)) < 0 ||
        (r = proc_wait(pid, thread, &status)) < 0) {
        printf("init: starting the shell: %s\n", mica_strerror(r));
        return 1;
    }
    printf("init: sh exited status=%ld\n", (long)status);
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
