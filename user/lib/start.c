/*
 * start.c: from crt0 to main() and back: record the startup information,
 * call main, and end the thread with main's result.
 *
 * rdi at _start says who started the program: the kernel passes the root
 * task its boot-info page (MICA_BOOTINFO_MAGIC), spawn() passes a child its
 * struct spawn_startup (SPAWN_STARTUP_MAGIC) with argc and argv.
 *
 * A spawned program whose slot PROC_CAP_MM holds a badged endpoint (badge =
 * its pid) has a memory manager: its heap grows through it (mm_attach(),
 * before main). The process manager's own, unbadged one is only for minting.
 */
#include <stdlib.h>
#include <boot.h>
#include <spawn.h>
#include <mmclient.h>
#include <sys.h>
#include <mica/cap.h>
#include <mica/proto/proc.h>

int main(int argc, char **argv);

const struct mica_bootinfo *boot_info;

void ulib_start(const void *startup) __attribute__((noreturn));

void ulib_start(const void *startup)
{
    static char *root_argv[] = { "root", NULL };
    const uint64_t *magic = startup;

    if (magic && *magic == SPAWN_STARTUP_MAGIC) {
        const struct spawn_startup *st = startup;
        struct cap_info ci;
        if (sys_cap_info(PROC_CAP_MM, (long)&ci) == 0 && ci.type == CAP_TYPE_ENDPOINT &&
            ci.badge != 0)                  /* unbadged: bin/proc's, to mint from */
            mm_attach(PROC_CAP_MM);
        exit(main((int)st->argc, st->argv));
    }
    boot_info = startup;
    exit(main(1, root_argv));
}
