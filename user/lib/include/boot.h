/**
 * @file boot.h
 * @brief The startup information crt0 received.
 *
 * The kernel starts the root task with a pointer to its read-only boot-info
 * page (struct mica_bootinfo: the kernel command line, the value of init=,
 * timer rate, time slice, boot modules, memory). Programs started with
 * spawn() get NULL here and their arguments as main(argc, argv) (spawn.h).
 */
#ifndef BOOT_H
#define BOOT_H

#include <mica/bootinfo.h>

/** The boot-info page, or NULL if this program was not started by the kernel. */
extern const struct mica_bootinfo *boot_info;

#endif
