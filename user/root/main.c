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
#include "system.h"

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

int main(int argc, char **argv)
{
    if (!boot_info || boot_info->magic != MICA_BOOTINFO_MAGIC) {
        printf("init: no boot information (rdi=%p)\n", (void *)boot_info);
        power_off(1);
    }
    const char *name = boot_info->init;
    if (name[0] == '\0')
        power_off(system_boot());
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
