/*
 * start.c: from crt0 to main() and back: record the startup information,
 * call main, and end the thread with main's result.
 */
#include <stdlib.h>
#include <boot.h>

int main(int argc, char **argv);

const struct mica_bootinfo *boot_info;

void ulib_start(const void *startup) __attribute__((noreturn));

void ulib_start(const void *startup)
{
    static char *argv[] = { "root", NULL };

    boot_info = startup;
    exit(main(1, argv));
}
