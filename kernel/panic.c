/*
 * panic.c: the end of the line. panic() reports a broken kernel invariant
 * with a backtrace and stops the machine with a failure status; poweroff()
 * is the clean way out that tests and the shell's halt use.
 *
 * Transcript contract (the grader reads these lines):
 *   panic: <message>
 *   backtrace:
 *     #0 0xffffffff80101234
 *   mica: power off (status N)
 */
#include "kernel.h"
#include "arch/x86_64/x86.h"

#define BACKTRACE_MAX   16

static int panicking;

/* Walk the frame-pointer chain starting at rbp. Every frame holds the caller's
 * rbp at [rbp] and the return address at [rbp+8]; stop at a null or
 * implausible frame so a corrupt stack cannot fault the walk. */
void backtrace_from(uint64_t rbp)
{
    kprintf("backtrace:\n");
    /* LAB 1 BEGIN: backtrace: walk the frame-pointer chain, one return address a line */
    for (int i = 0; i < BACKTRACE_MAX; i++) {
        if (rbp < KERNEL_VMA || (rbp & 7))
            break;
        uint64_t *frame = (uint64_t *)rbp;
        uint64_t ret = frame[1];
        if (ret < KERNEL_VMA)
            break;
        kprintf("  #%d %p\n", i, (void *)ret);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
    /* LAB 1 STUB
    (void)rbp;
    LAB 1 END */
}

void panic(const char *fmt, ...)
{
    va_list ap;

    cli();
    if (panicking++) {          /* a panic while panicking: just stop */
        kprintf("panic: nested panic\n");
        poweroff(3);
    }
    kprintf("panic: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    backtrace_from((uint64_t)__builtin_frame_address(0));
    poweroff(3);
}

/*
 * Stop the emulator with a status. QEMU's isa-debug-exit device (port 0xF4)
 * exits with (status << 1) | 1; Bochs stops on "Shutdown" written to port
 * 0x8900; QEMU's ACPI PM1a control port powers off a PC without the device.
 * Writes to devices a machine lacks are ignored, so we try them in turn.
 */
void poweroff(int status)
{
    cli();
    kprintf("mica: power off (status %d)\n", status);
    serial_drain();
    outl(0xF4, (uint32_t)status);
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);
    outw(0x604, 0x2000);
    for (;;)
        hlt();
}
