/*
 * kernel.h: the kernel's cross-file declarations, grouped by the file that
 * defines them (as in xv6's defs.h). Headers for one subsystem's data
 * structures (thread.h, vm.h, ...) sit beside their .c files.
 */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <mica/types.h>
#include <mica/error.h>

#define MICA_VERSION    "0.1"

/* Where the kernel image is linked, and where all physical memory is mapped. */
#define KERNEL_VMA      0xFFFFFFFF80000000UL
#define DIRECT_MAP      0xFFFF800000000000UL
#define PAGE_SIZE       4096UL

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)  (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

/* Physical address of a direct-mapped kernel pointer, and back. */
#define P2V(pa)         ((void *)((uint64_t)(pa) + DIRECT_MAP))
#define V2P(va)         ((uint64_t)(va) - DIRECT_MAP)
/* Physical address of a symbol in the kernel image. */
#define KIMG2P(va)      ((uint64_t)(va) - KERNEL_VMA)

/* Symbols from kernel.ld. */
extern char _kernel_phys_start[], _kernel_phys_end[];
extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _data_end[], _kernel_end[];

/* kprintf.c */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* panic.c */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void backtrace_from(uint64_t rbp);
void poweroff(int status) __attribute__((noreturn));
#define assert(e) \
    ((e) ? (void)0 : panic("assert: %s at %s:%d in %s()", #e, __FILE__, __LINE__, __func__))

/* pmm.c: physical frames; addresses are physical, 0 means out of memory */
void pmm_init(void);
uint64_t pmm_alloc(void);
uint64_t pmm_alloc_zeroed(void);
void pmm_free(uint64_t pa);
uint64_t pmm_alloc_run(uint64_t n);
void pmm_free_run(uint64_t pa, uint64_t n);
uint64_t pmm_free_count(void);
uint64_t pmm_total_count(void);
uint64_t pmm_phys_top(void);
void pmm_bookkeeping(uint64_t *start, uint64_t *end);

/* vm.c: see vm.h for address spaces, vm_map() and kernel stacks */
void vm_early_map(void);
void vm_init(void);

/* kmem.c: kernel objects; NULL means out of memory */
#define KMEM_MAX_OBJECT 2016                /* largest object of a cache */
struct kmem_cache;
struct mica_kmem_stat;
void kmem_init(void);
struct kmem_cache *kmem_cache_create(const char *name, size_t size);
int kmem_cache_destroy(struct kmem_cache *c);
void *kmem_cache_alloc(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);
void *kmalloc(size_t size);
void kfree(void *p);
int kmem_stat(int index, struct mica_kmem_stat *st);
int kmem_stat_by_name(const char *name, struct mica_kmem_stat *st);
void kmem_dump(void);

/* cmdline.c */
void cmdline_parse(const char *s);
const char *cmdline_get(const char *key);
long cmdline_int(const char *key, long def, long min, long max);
bool cmdline_has(const char *key, const char *item);

/* timer.c */
void timer_init(long hz);
uint64_t timer_ticks(void);
long timer_hz(void);
void sched_tick(void);              /* weak no-op in timer.c; the scheduler defines it */

/* arch/x86_64/gdt.c */
void gdt_init(void);
void tss_set_rsp0(uint64_t rsp0);

/* arch/x86_64/idt.c */
void idt_init(void);
void idt_set_present(int vector, bool present);

/* arch/x86_64/trap.c (struct trapframe is in arch/x86_64/trap.h) */
struct trapframe;
void trap(struct trapframe *tf);
void trap_dump(const struct trapframe *tf);
void trap_user_fault(struct trapframe *tf);
const char *trap_name(uint64_t vector);

/* arch/x86_64/pic.c */
void pic_init(void);
void irq_register(int irq, void (*handler)(struct trapframe *tf));
void irq_mask(int irq);
void irq_unmask(int irq);
void irq_dispatch(struct trapframe *tf);
uint64_t irq_spurious_count(void);

/* arch/x86_64/pit.c */
void pit_init(long hz);

/* arch/x86_64/serial.c */
void serial_init(void);
void serial_putc(char c);
int serial_getc(void);              /* -1 when no byte is waiting */
void serial_drain(void);            /* wait until every byte has left the UART */

/* lib/string.c and lib/format.c (also linked into the user library) */
#include "lib/klib.h"

#endif
