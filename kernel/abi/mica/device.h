/**
 * @file mica/device.h
 * @brief Interrupts and I/O ports for user-level drivers (system calls 65-69).
 *
 * **Interrupts.** sys_irq_bind(machine, irq, ntfn) binds ISA interrupt line
 * `irq` (0..15) to a notification and returns an IRQ capability (first free
 * slot). The machine capability needs RIGHT_WRITE, the notification
 * capability RIGHT_SEND. When the line fires, the kernel masks it and signals
 * the notification with the badge of the capability given to irq_bind (1 if
 * unbadged), so several lines can share one notification with distinct bits.
 * The driver handles the device, then calls sys_irq_ack(irq_cap) (RIGHT_WRITE)
 * to unmask the line. Deleting the IRQ capability's last copy unbinds and
 * masks the line. Errors: -E_RANGE (no such line), -E_BUSY (the kernel's
 * timer on line 0, the cascade line 2, or a line bound already), -E_FULL.
 *
 * **I/O ports.** sys_ioport_cap(machine, first, count) returns a capability
 * for ports [first, first + count) (machine needs RIGHT_WRITE; -E_RANGE for
 * an empty range or one past 0xffff; -E_BUSY when it touches the ports of the
 * interrupt controllers 0x20-0x21, 0xa0-0xa1 or the timer 0x40-0x43, which
 * the kernel drives). sys_ioport_in(ports, port, width) (RIGHT_READ) returns
 * the value read; sys_ioport_out(ports, port, width, value) (RIGHT_WRITE)
 * writes. `width` is 1, 2 or 4 bytes (-E_INVAL otherwise); every byte of the
 * access must lie in the capability's range (-E_RANGE otherwise).
 */
#ifndef MICA_DEVICE_H
#define MICA_DEVICE_H

#include <mica/types.h>

/** Interrupt lines of the two 8259 controllers. */
#define IRQ_LINES 16

#endif
