/*
 * irq.c: interrupt lines and I/O ports for user-level drivers (contracts in
 * mica/device.h), system calls 65-69.
 *
 * An IRQ capability names one of the 16 static struct irq_line; binding a
 * line installs irq_user() as its kernel handler, which masks the line and
 * signals the bound notification. The driver's irq_ack unmasks it, so a
 * device cannot interrupt again before its driver has dealt with it.
 *
 * I/O ports: a capability names a range, and every in/out is a system call
 * that checks the port against it. That is simpler and safer than granting
 * ring-3 port access through the TSS's I/O permission bitmap (IOPL stays 0,
 * the TSS needs no per-process bitmap, and each access is checked where it is
 * made), at the cost of a system call per access -- fine for slow ISA
 * devices such as the RTC and the UART.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "ipc.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include <mica/device.h>

struct irq_line {
    int refs;                       /* IRQ capabilities naming it; 0: unbound */
    struct notification *ntfn;      /* holds a reference while bound */
    uint64_t bits;                  /* what a firing ORs into it */
};

struct ioport_range {
    int refs;
    uint32_t first, count;          /* ports [first, first + count) */
};

static struct irq_line lines[IRQ_LINES];
static struct kmem_cache *ioport_cache;

/* The kernel handler of every bound line: interrupts are off, the PIC has
 * had its EOI (pic.c). */
static void irq_user(struct trapframe *tf)
{
    int irq = (int)(tf->vector - T_IRQ0);
    /* LAB 5 BEGIN: IRQ delivery: mask the line, signal the driver's notification */
    irq_mask(irq);
    notification_signal(lines[irq].ntfn, lines[irq].bits);
    /* LAB 5 STUB
    (void)irq;
    LAB 5 END */
}

void irq_line_get(struct irq_line *l)
{
    l->refs++;
}

/* The last capability unbinds: mask the line, release the notification. */
void irq_line_put(struct irq_line *l)
{
    assert(l->refs > 0);
    if (--l->refs > 0)
        return;
    irq_register((int)(l - lines), NULL);
    notification_put(l->ntfn);
    l->ntfn = NULL;
}

long sys_irq_bind(cap_t machine, uint64_t irq, cap_t ntfn)
{
    struct space *s = current()->space;
    struct cap *nc;
    void *m;
    int err = cap_lookup(s, machine, CAP_TYPE_MACHINE, RIGHT_WRITE, &m);
    if (!err)
        err = cap_lookup_cap(s, ntfn, CAP_TYPE_NOTIFICATION, RIGHT_SEND, &nc);
    if (err)
        return err;
    if (irq >= IRQ_LINES)
        return -E_RANGE;
    if (irq == IRQ_TIMER || irq == 2 || lines[irq].refs > 0)
        return -E_BUSY;             /* the kernel's timer, the cascade, or bound */
    bool room = false;
    for (cap_t i = CAP_FIRST_FREE; i < CAP_TABLE_SLOTS && !room; i++)
        room = cap_slot(s, i)->type == CAP_TYPE_NONE;
    if (!room)
        return -E_FULL;
    struct irq_line *l = &lines[irq];
    l->ntfn = nc->object;
    notification_get(l->ntfn);
    l->bits = nc->badge ? nc->badge : 1;
    cap_t slot = cap_insert(s, -1, CAP_TYPE_IRQ, RIGHTS_ALL, l);
    irq_register((int)irq, irq_user);   /* unmasks it */
    return slot;
}

long sys_irq_ack(cap_t slot)
{
    struct irq_line *l;
    int err = cap_lookup(current()->space, slot, CAP_TYPE_IRQ, RIGHT_WRITE, (void **)&l);
    if (err)
        return err;
    /* LAB 5 BEGIN: IRQ acknowledgement: let the line interrupt again */
    irq_unmask((int)(l - lines));
    /* LAB 5 STUB
    (void)l;
    LAB 5 END */
    return 0;
}

void ioport_get(struct ioport_range *r)
{
    r->refs++;
}

void ioport_put(struct ioport_range *r)
{
    assert(r->refs > 0);
    if (--r->refs == 0)
        kmem_cache_free(ioport_cache, r);
}

/* Does [first, end) touch a port the kernel drives (PICs, PIT)? */
static bool kernel_ports(uint64_t first, uint64_t end)
{
    static const uint16_t ranges[][2] = { { 0x20, 0x22 }, { 0xa0, 0xa2 }, { 0x40, 0x44 } };
    for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
        if (first < ranges[i][1] && ranges[i][0] < end)
            return true;
    return false;
}

long sys_ioport_cap(cap_t machine, uint64_t first, uint64_t count)
{
    struct space *s = current()->space;
    void *m;
    int err = cap_lookup(s, machine, CAP_TYPE_MACHINE, RIGHT_WRITE, &m);
    if (err)
        return err;
    if (count == 0 || first > 0xffff || count > 0x10000 - first)
        return -E_RANGE;
    if (kernel_ports(first, first + count))
        return -E_BUSY;
    bool room = false;
    for (cap_t i = CAP_FIRST_FREE; i < CAP_TABLE_SLOTS && !room; i++)
        room = cap_slot(s, i)->type == CAP_TYPE_NONE;
    if (!room)
        return -E_FULL;
    if (!ioport_cache && !(ioport_cache = kmem_cache_create("ioport", sizeof(struct ioport_range))))
        return -E_NOMEM;
    struct ioport_range *r = kmem_cache_alloc(ioport_cache);
    if (!r)
        return -E_NOMEM;
    *r = (struct ioport_range){ .first = (uint32_t)first, .count = (uint32_t)count };
    return cap_insert(s, -1, CAP_TYPE_IOPORT, RIGHTS_ALL, r);
}

/* Decode an access: the range capability with rights, a width of 1, 2 or
 * 4, and every byte of port..port+width-1 inside the range. */
static int check_access(cap_t slot, uint32_t rights, uint64_t port, uint64_t width)
{
    struct ioport_range *r;
    int err = cap_lookup(current()->space, slot, CAP_TYPE_IOPORT, rights, (void **)&r);
    if (err)
        return err;
    if (width != 1 && width != 2 && width != 4)
        return -E_INVAL;
    if (port < r->first || port >= r->first + r->count || width > r->first + r->count - port)
        return -E_RANGE;
    return 0;
}

long sys_ioport_in(cap_t slot, uint64_t port, uint64_t width)
{
    int err = check_access(slot, RIGHT_READ, port, width);
    if (err)
        return err;
    uint16_t p = (uint16_t)port;
    return width == 1 ? inb(p) : width == 2 ? inw(p) : (long)inl(p);
}

long sys_ioport_out(cap_t slot, uint64_t port, uint64_t width, uint64_t value)
{
    int err = check_access(slot, RIGHT_WRITE, port, width);
    if (err)
        return err;
    uint16_t p = (uint16_t)port;
    if (width == 1)
        outb(p, (uint8_t)value);
    else if (width == 2)
        outw(p, (uint16_t)value);
    else
        outl(p, (uint32_t)value);
    return 0;
}
