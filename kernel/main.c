/*
 * main.c: the boot sequence. boot.S calls kmain() in the higher half with the
 * Multiboot2 magic and the physical address of GRUB's boot information; each
 * line below brings up one subsystem, in dependency order.
 */
#include "kernel.h"

void kmain(uint32_t magic, uint64_t mbi_phys)
{
    serial_init();              /* COM1, so that everything after can print */
    kprintf("Mica %s (x86_64) booting\n", MICA_VERSION);
    (void)magic;
    (void)mbi_phys;
    poweroff(0);
}
