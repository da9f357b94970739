/*
 * pic.c: the two cascaded 8259 interrupt controllers and the IRQ table.
 *
 * The PICs are remapped so IRQ 0..15 arrive at vectors 32..47 (out of the way
 * of CPU exceptions) and every line starts masked; irq_register() unmasks a
 * line when a handler is installed. Entry points:
 *   pic_init()                    once at boot, interrupts still off
 *   irq_register(irq, handler)    handler(tf) runs on each IRQ, interrupts off
 *   irq_mask(irq), irq_unmask(irq)
 *   irq_dispatch(tf)              called by trap() for vectors 32..47
 *
 * A user-level driver (lab 5) gets its IRQ as a message: its kernel handler
 * masks the line and signals a notification; the driver's acknowledgement
 * unmasks it.
 */
#include "kernel.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/trap.h"

#define PIC1_CMD    0x20        /* master: IRQ 0..7 */
#define PIC1_DATA   0x21
#define PIC2_CMD    0xA0        /* slave: IRQ 8..15, cascaded on master IRQ 2 */
#define PIC2_DATA   0xA1
#define IRQ_CASCADE 2

#define ICW1_INIT   0x11        /* initialise, edge triggered, ICW4 follows */
#define ICW4_8086   0x01
#define OCW3_READ_ISR 0x0B
#define PIC_EOI     0x20

static void (*irq_handlers[NIRQS])(struct trapframe *);
static uint16_t irq_masked = 0xFFFF;    /* bit n set: IRQ n masked */
static uint64_t irq_spurious;

/* The PIC needs a moment between init words on old hardware; a write to
 * the unused port 0x80 is the customary delay. */
static void pic_out(uint16_t port, uint8_t v)
{
    outb(port, v);
    outb(0x80, 0);
}

static void pic_write_masks(void)
{
    uint16_t m = irq_masked;
    if ((m & 0xFF00) != 0xFF00)
        m &= ~(1 << IRQ_CASCADE);       /* the slave's lines pass through IRQ 2 */
    outb(PIC1_DATA, m & 0xFF);
    outb(PIC2_DATA, m >> 8);
}

void pic_init(void)
{
    pic_out(PIC1_CMD, ICW1_INIT);
    pic_out(PIC2_CMD, ICW1_INIT);
    pic_out(PIC1_DATA, T_IRQ0);             /* ICW2: vector base */
    pic_out(PIC2_DATA, T_IRQ0 + 8);
    pic_out(PIC1_DATA, 1 << IRQ_CASCADE);   /* ICW3: slave on IRQ 2 */
    pic_out(PIC2_DATA, IRQ_CASCADE);        /*       slave's cascade identity */
    pic_out(PIC1_DATA, ICW4_8086);
    pic_out(PIC2_DATA, ICW4_8086);
    irq_masked = 0xFFFF;
    pic_write_masks();
}

void irq_mask(int irq)
{
    irq_masked |= 1 << irq;
    pic_write_masks();
}

void irq_unmask(int irq)
{
    irq_masked &= ~(1 << irq);
    pic_write_masks();
}

/* Install handler for irq and unmask the line; a NULL handler masks it. */
void irq_register(int irq, void (*handler)(struct trapframe *))
{
    assert(irq >= 0 && irq < NIRQS && irq != IRQ_CASCADE);
    irq_handlers[irq] = handler;
    if (handler)
        irq_unmask(irq);
    else
        irq_mask(irq);
}

static uint8_t pic_isr(uint16_t cmd)
{
    outb(cmd, OCW3_READ_ISR);
    return inb(cmd);
}

/* A line that drops before the CPU acknowledges it shows up as IRQ 7 (or 15)
 * with its in-service bit clear. It must not get an EOI from the PIC that
 * raised it (that would end some other IRQ); a spurious 15 still needs one
 * at the master, which did see the cascade line. */
static bool pic_spurious(int irq)
{
    if (irq == 7 && !(pic_isr(PIC1_CMD) & 0x80))
        return true;
    if (irq == 15 && !(pic_isr(PIC2_CMD) & 0x80)) {
        outb(PIC1_CMD, PIC_EOI);
        return true;
    }
    return false;
}

void irq_dispatch(struct trapframe *tf)
{
    int irq = tf->vector - T_IRQ0;

    if ((irq == 7 || irq == 15) && pic_spurious(irq)) {
        irq_spurious++;
        return;
    }
    /* End the interrupt before the handler runs: the handler may switch to
     * another thread (the timer does, from lab 3), and the PIC must not stay
     * blocked until this one runs again. Interrupts stay off until iretq. */
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);

    if (irq_handlers[irq]) {
        irq_handlers[irq](tf);
    } else {
        kprintf("warning: irq: IRQ %d has no handler, masking it\n", irq);
        irq_mask(irq);
    }
}

/* How many spurious IRQ 7/15 were seen (for tests and statistics). */
uint64_t irq_spurious_count(void)
{
    return irq_spurious;
}
