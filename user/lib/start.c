/*
 * start.c: from crt0 to main() and back: record the startup information,
 * call main, and end the thread with main's result.
 *
 * rdi at _start says who started the program: the kernel passes the root
 * task its boot-info page (MICA_BOOTINFO_MAGIC), spawn() passes a child its
 * struct spawn_startup (SPAWN_STARTUP_MAGIC) with argc and argv.
 */
#include <stdlib.h>
#include <boot.h>
#include <spawn.h>

int main(int argc, char **argv);

const struct mica_bootinfo *boot_info;

void ulib_start(const void *startup) __attribute__((noreturn));

void ulib_start(const void *startup)
{
    static char *root_argv[] = { "root", NULL };
    const uint64_t *magic = startup;

    if (magic && *magic == SPAWN_STARTUP_MAGIC) {
        const struct spawn_startup *st = startup;
        exit(main((int)st->argc, st->argv));
    }
    boot_info = startup;
    exit(main(1, root_argv));
}
