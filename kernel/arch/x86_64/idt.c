/*
 * idt.c: the interrupt descriptor table. Every one of the 256 vectors points
 * at its stub in vectors.S, so anything the CPU delivers ends in trap().
 *
 * All gates are interrupt gates (the CPU clears IF on entry), so the kernel
 * never takes an interrupt inside a handler. Only int3 may be raised from
 * ring 3; a user `int $n` for any other n is a #GP. The double fault, NMI
 * and machine check run on their own IST stacks (gdt.c), because they may
 * arrive when the current kernel stack cannot be trusted.
 */
#include "kernel.h"
#include "arch/x86_64/trap.h"

struct gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;            /* IST slot, or 0 to stay on the current stack */
    uint8_t type;           /* present, DPL, gate type */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct gate) == 16, "IDT gate size");

#define GATE_PRESENT    0x80
#define GATE_DPL3       0x60
#define GATE_INTR       0x0E    /* 64-bit interrupt gate */

static struct gate idt[256];
extern const uint64_t trap_vectors[256];   /* vectors.S */

static void set_gate(int vector, uint64_t handler, int ist, int dpl3)
{
    struct gate *g = &idt[vector];
    g->offset_lo = handler & 0xFFFF;
    g->offset_mid = handler >> 16 & 0xFFFF;
    g->offset_hi = handler >> 32;
    g->selector = KERNEL_CS;
    /* LAB 1 BEGIN: idt: the gate's IST slot, type and privilege level */
    g->ist = ist;
    g->type = GATE_PRESENT | GATE_INTR | (dpl3 ? GATE_DPL3 : 0);
    /* LAB 1 STUB
    g->ist = 0;
    g->type = GATE_PRESENT | GATE_INTR;
    LAB 1 END */
    g->reserved = 0;
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        set_gate(v, trap_vectors[v], 0, v == T_BP);
    /* LAB 1 BEGIN: idt: double fault, NMI and machine check on their own IST stacks */
    idt[T_DF].ist = IST_DF;
    idt[T_NMI].ist = IST_NMI;
    idt[T_MC].ist = IST_MC;
    /* LAB 1 END */

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

/* Mark a gate present or not. A not-present gate turns `int $vector` into
 * a #NP fault; the segment-not-present self test uses this. */
void idt_set_present(int vector, bool present)
{
    if (present)
        idt[vector].type |= GATE_PRESENT;
    else
        idt[vector].type &= ~GATE_PRESENT;
}
