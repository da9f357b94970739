/*
 * gdt.c: the global descriptor table and the task state segment.
 *
 * Long mode ignores segment bases and limits, but still needs code segments
 * for the privilege level, a TSS for the stack the CPU switches to on an
 * interrupt from ring 3 (RSP0) and for the interrupt stack table (IST), and
 * a fixed selector order for syscall/sysret (see trap.h).
 *
 * Entry points: gdt_init() once at boot; tss_set_rsp0() on every switch to a
 * thread that may run in ring 3 (its kernel stack top).
 */
#include "kernel.h"
#include "arch/x86_64/trap.h"

#define IST_STACK_SIZE  8192

/* The 64-bit TSS (Intel SDM vol. 3, 8.7). No I/O permission bitmap: the
 * bitmap offset points past the end, so ring 3 may use no I/O port. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];        /* stack for an entry from ring 3 (rsp[0]) */
    uint64_t ist[8];        /* ist[1..7]; ist[0] is the reserved slot before IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS size");

/* Segment descriptors, as the CPU reads them: base 0, limit 4 GiB, and
 * access byte | flags. L (long) marks 64-bit code; DPL 3 makes a segment
 * usable from user mode. */
#define SEG_KCODE   0x00AF9A000000FFFFUL    /* present, DPL 0, code, L */
#define SEG_KDATA   0x00CF92000000FFFFUL    /* present, DPL 0, data, writable */
#define SEG_UDATA   0x00CFF2000000FFFFUL    /* present, DPL 3, data, writable */
#define SEG_UCODE   0x00AFFA000000FFFFUL    /* present, DPL 3, code, L */
#define TSS_TYPE    0x89UL                  /* present, DPL 0, available 64-bit TSS */

static struct tss tss;
static uint64_t gdt[7];
/* One stack per IST slot in use (IST_DF, IST_NMI, IST_MC = 1..3). */
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
extern char boot_stack_top[];

/* The TSS descriptor takes two slots: base, limit and type, then base[63:32]. */
static void set_tss_descriptor(int slot, uint64_t base, uint32_t limit)
{
    gdt[slot] = (limit & 0xFFFFUL) | ((base & 0xFFFFFFUL) << 16) | (TSS_TYPE << 40) |
                ((uint64_t)(limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
    gdt[slot + 1] = base >> 32;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[KERNEL_CS / 8] = SEG_KCODE;
    gdt[KERNEL_DS / 8] = SEG_KDATA;
    gdt[USER_DS / 8] = SEG_UDATA;
    gdt[USER_CS / 8] = SEG_UCODE;
    set_tss_descriptor(TSS_SEL / 8, (uint64_t)&tss, sizeof tss - 1);

    /* LAB 1 BEGIN: tss: the ring-0 stack and one IST stack per slot in use */
    tss.rsp[0] = (uint64_t)boot_stack_top;
    for (int i = IST_DF; i <= IST_MC; i++)
        tss.ist[i] = (uint64_t)ist_stacks[i - 1] + IST_STACK_SIZE;
    /* LAB 1 STUB
    (void)ist_stacks;
    LAB 1 END */
    tss.iomap_base = sizeof tss;

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint64_t)gdt };

    /* Load the table, then every segment register: CS through a far return,
     * the data segments directly (FS and GS get the null selector; their
     * bases live in MSRs). Finally the task register. */
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ds\n\t"
        "movw %w2, %%es\n\t"
        "movw %w2, %%ss\n\t"
        "movw %w3, %%fs\n\t"
        "movw %w3, %%gs\n\t"
        "ltr %w4"
        :: "m"(gdtr), "i"((uint64_t)KERNEL_CS), "r"(KERNEL_DS), "r"(0), "r"(TSS_SEL)
        : "rax", "memory");
}

/* The stack the CPU switches to when an interrupt or exception arrives in
 * ring 3. The scheduler sets it to the top of the next thread's kernel stack. */
void tss_set_rsp0(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
