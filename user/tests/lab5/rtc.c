/*
 * rtc.c: a user-level interrupt handler (lab 5). The CMOS real-time clock is
 * programmed through an I/O-port capability for ports 0x70-0x71 to raise
 * periodic interrupts (IRQ 8) at 32 Hz; the kernel turns each into a
 * notification signal, and the handler acknowledges it by reading register
 * C (the device) and calling irq_ack (the interrupt controller).
 *
 * Lines: "rtc: <label> ret=<n> err=<name>" for the refusals, then
 * "rtc: irq n=N bits=0x... c=0x... tick=T" for each delivery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <thread.h>
#include <sys.h>
#include <messaging.h>
#include <scenario.h>

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define NMI_OFF     0x80            /* keep NMIs off while an index is selected */
#define REG_A       0x0A
#define REG_B       0x0B
#define REG_C       0x0C
#define RATE_32HZ   11              /* 32768 >> (rate - 1) Hz */
#define B_PIE       0x40
#define IRQ_RTC     8
#define BADGE       0x4
#define DELIVERIES  8

static cap_t ports;

static long op(const char *label, long r)
{
    printf("rtc: %s ret=%ld err=%s\n", label, r, r < 0 ? mica_errname(r) : "-");
    return r;
}

static long cmos_read(int reg)
{
    sys_ioport_out(ports, CMOS_INDEX, 1, NMI_OFF | reg);
    return sys_ioport_in(ports, CMOS_DATA, 1);
}

static void cmos_write(int reg, long v)
{
    sys_ioport_out(ports, CMOS_INDEX, 1, NMI_OFF | reg);
    sys_ioport_out(ports, CMOS_DATA, 1, v);
}

SCENARIO(rtc, "RTC periodic interrupts reach a user-level handler through a notification")
{
    cap_t ntfn = sys_notification_create();
    cap_t badged = sys_cap_mint(ntfn, -1, RIGHT_SEND, BADGE);
    op("bind_timer", sys_irq_bind(CAP_MACHINE, 0, badged));
    op("bind_cascade", sys_irq_bind(CAP_MACHINE, 2, badged));
    op("bind_range", sys_irq_bind(CAP_MACHINE, 16, badged));
    op("bind_not_machine", sys_irq_bind(CAP_SELF_THREAD, IRQ_RTC, badged));
    cap_t irq = op("bind", sys_irq_bind(CAP_MACHINE, IRQ_RTC, badged));
    op("bind_again", sys_irq_bind(CAP_MACHINE, IRQ_RTC, badged));

    ports = op("ports", sys_ioport_cap(CAP_MACHINE, CMOS_INDEX, 2));
    op("ports_pic", sys_ioport_cap(CAP_MACHINE, 0x1f, 4));
    op("ports_empty", sys_ioport_cap(CAP_MACHINE, 0x70, 0));
    op("ports_wrap", sys_ioport_cap(CAP_MACHINE, 0xfffe, 4));
    op("in_outside", sys_ioport_in(ports, 0x72, 1));
    op("in_straddle", sys_ioport_in(ports, 0x71, 2));
    op("out_outside", sys_ioport_out(ports, 0x60, 1, 0));
    op("in_width", sys_ioport_in(ports, 0x70, 3));
    cap_t ro = sys_cap_mint(ports, -1, RIGHT_READ, 0);
    op("out_readonly", sys_ioport_out(ro, CMOS_INDEX, 1, REG_C));

    cmos_write(REG_A, (cmos_read(REG_A) & 0xF0) | RATE_32HZ);
    cmos_write(REG_B, cmos_read(REG_B) | B_PIE);
    cmos_read(REG_C);                           /* drop a stale flag */
    for (int n = 1; n <= DELIVERIES; n++) {
        long bits = sys_notify_wait(ntfn);
        tick_t t = ticks();
        long c = cmos_read(REG_C);
        printf("rtc: irq n=%d bits=0x%lx c=0x%lx tick=%lu\n", n, bits, c, t);
        sys_irq_ack(irq);
    }
    cmos_write(REG_B, cmos_read(REG_B) & ~B_PIE);
    op("delete", sys_cap_delete(irq));
    op("ack_deleted", sys_irq_ack(irq));
    op("rebind", sys_irq_bind(CAP_MACHINE, IRQ_RTC, badged));
    return 0;
}
