/*
 * pit.c: the 8254 programmable interval timer, channel 0 on IRQ 0, as the
 * kernel's periodic tick. The portable side (tick count, scheduler hook)
 * is in timer.c.
 */
#include "kernel.h"
#include "arch/x86_64/x86.h"

#define PIT_HZ          1193182     /* the PIT's input clock */
#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define PIT_CH0_RATE    0x34        /* channel 0, low then high byte, mode 2 (rate generator) */

/* Interrupt hz times a second (hz in 10..1000, so the divisor fits 16 bits). */
void pit_init(long hz)
{
    /* LAB 1 BEGIN: pit: the divisor for hz interrupts a second, rounded to nearest */
    uint32_t divisor = (PIT_HZ + hz / 2) / hz;
    /* LAB 1 STUB
    uint32_t divisor = 0;
    LAB 1 END */
    outb(PIT_CMD, PIT_CH0_RATE);
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
    kprintf("timer: PIT at %ld Hz (divisor %u)\n", hz, divisor);
}
