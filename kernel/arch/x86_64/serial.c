/*
 * serial.c: the COM1 UART (16550), the kernel's console until the user-space
 * console server takes the device over. Polled output, 115200 baud 8N1.
 */
#include "kernel.h"
#include "arch/x86_64/x86.h"

#define COM1        0x3F8
#define UART_DATA   0
#define UART_IER    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_DATA_READY  0x01
#define LSR_THR_EMPTY   0x20
#define LSR_TX_IDLE     0x40

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);        /* no interrupts yet */
    outb(COM1 + UART_LCR, 0x80);        /* DLAB: set the divisor */
    outb(COM1 + UART_DATA, 0x01);       /* 115200 / 1 */
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x03);        /* 8 bits, no parity, one stop bit */
    outb(COM1 + UART_FCR, 0x07);        /* enable and clear the FIFOs */
    outb(COM1 + UART_MCR, 0x0B);        /* DTR, RTS, OUT2 */
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

int serial_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_DATA);
}

/*
 * Before power-off: wait for the transmitter to be idle (Bochs sends serial
 * bytes in virtual time, so the last bytes would be lost), then swallow any
 * input still arriving until the line has been quiet for a while. The
 * emulator reads typed bytes from its host connection only as the UART's
 * receive FIFO has room; if it exits with bytes unread, the host's TCP stack
 * resets the connection and throws away the emulator's own unsent output,
 * which cut transcripts when someone typed during a boot that never reads
 * the console. A boot without input finds no byte waiting and skips this.
 */
#define RX_QUIET_POLLS  20000   /* ~2 ms of Bochs's 10 MIPS, >10 byte times at 115200 */

void serial_drain(void)
{
    for (int i = 0; i < 10000000 && !(inb(COM1 + UART_LSR) & LSR_TX_IDLE); i++)
        ;
    if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return;
    for (int quiet = 0, i = 0; quiet < RX_QUIET_POLLS && i < 10000000; i++) {
        if (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
            inb(COM1 + UART_DATA);
            quiet = 0;
        } else {
            quiet++;
        }
    }
}
