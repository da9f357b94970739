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
uint64_t pmm_alloc_top_run(uint64_t max, uint64_t *n);
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
void sched_tick(void);              /* sched.c: charge the tick, wake sleepers, end slices */

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

/* sched.c (struct thread, struct space, struct cpu are in thread.h) */
struct thread;
struct trapframe;
struct space;
enum wake_reason;
enum block_reason;
void sched_init(void);
void sched_start(void) __attribute__((noreturn));
void schedule(void);
void sched_preempt_point(void);
void sched_yield(void);
void sched_sleep(uint64_t ticks);
void sched_block(enum block_reason why, int state);
void sched_make_ready(struct thread *t, enum wake_reason why);
void sched_unready(struct thread *t);
void sched_set_priority(struct thread *t, int prio);
int sched_suspend(struct thread *t);
int sched_resume(struct thread *t);
int sched_timeslice(void);
void sched_finish_switch(struct thread *prev);
void sched_trace_exit(struct thread *t);
int sched_best_ready_priority(void);   /* -1 when nothing is ready */
bool sched_tracing(void);               /* trace=sched is on */
void timer_queue_add(struct thread *t, uint64_t when);
void timer_queue_remove(struct thread *t);

/* thread.c */
struct thread *thread_create_kernel(const char *name, int priority, void (*fn)(void *), void *arg);
struct thread *thread_create_user(struct space *s, const char *name, int priority,
                                  uint64_t entry, uint64_t stack_top, uint64_t arg);
int thread_start(struct thread *t);
void thread_exit(int status) __attribute__((noreturn));
int thread_join(struct thread *t, tick_t timeout);
int thread_kill(struct thread *t);
void thread_get(struct thread *t);
void thread_put(struct thread *t);
void thread_cap_dropped(struct thread *t);
void thread_reap(struct thread *t);
uint64_t thread_count(void);
const char *thread_state_name(int state);

/* space.c */
struct space *space_new(const char *name);
void space_get(struct space *s);
void space_put(struct space *s);
void space_last_thread_exited(struct space *s, int status);
int space_map_new_page(struct space *s, uint64_t va, unsigned flags, void **kva);
void space_unmap_free(struct space *s, uint64_t start, uint64_t end);

/* fault.c */
struct endpoint;
void thread_fault(struct trapframe *tf);
void fault_handler_clear(struct thread *t);
void fault_endpoint_died(struct endpoint *ep);
long sys_thread_set_fault_handler(cap_t thread, cap_t ep);

/* frame.c (objects in frame.h; contracts in mica/mem.h) */
long sys_frame_info(cap_t frame, uint64_t info);
long sys_frame_split(cap_t frame, uint64_t offset, uint64_t pages);
long sys_frame_map(cap_t frame, uint64_t index, cap_t space, uint64_t va, uint64_t rights);
long sys_frame_unmap(cap_t space, uint64_t va);
long sys_space_create(void);
long sys_space_kill(cap_t space);

/* irq.c: IRQ lines and I/O ports for user-level drivers (mica/device.h) */
struct irq_line;
struct ioport_range;
void irq_line_get(struct irq_line *l);
void irq_line_put(struct irq_line *l);
void ioport_get(struct ioport_range *r);
void ioport_put(struct ioport_range *r);
long sys_irq_bind(cap_t machine, uint64_t irq, cap_t ntfn);
long sys_irq_ack(cap_t irq);
long sys_ioport_cap(cap_t machine, uint64_t first, uint64_t count);
long sys_ioport_in(cap_t ports, uint64_t port, uint64_t width);
long sys_ioport_out(cap_t ports, uint64_t port, uint64_t width, uint64_t value);

/* usercopy.c: the only way to touch user memory; 0 or -E_FAULT */
bool user_range_ok(uint64_t va, size_t len, bool write);
int copy_from_user(void *dst, uint64_t src, size_t n);
int copy_to_user(uint64_t dst, const void *src, size_t n);
long strncpy_from_user(char *dst, uint64_t src, size_t size);
bool usercopy_fixup(struct trapframe *tf);

/* elf.c */
int elf_load(struct space *s, const void *image, size_t size, uint64_t limit,
             uint64_t *entry, const char **why);

/* root.c */
void root_task_start(void);
void root_task_ended(int status) __attribute__((noreturn));
struct space *root_space(void);

/* syscall.c, sys_thread.c: the handlers, sys_<name> for each MICA_SYSCALLS entry */
void syscall_dispatch(struct trapframe *tf);
long sys_debug_write(uint64_t buf, size_t len);
long sys_thread_exit(int status) __attribute__((noreturn));
long sys_yield(void);
long sys_sleep(tick_t ticks);
long sys_ticks(void);
long sys_thread_create(cap_t space, uint64_t params);
long sys_thread_start(cap_t thread);
long sys_thread_suspend(cap_t thread);
long sys_thread_resume(cap_t thread);
long sys_thread_set_priority(cap_t thread, long priority);
long sys_thread_info(cap_t thread, uint64_t info);
long sys_thread_join(cap_t thread, tick_t timeout);
long sys_thread_kill(cap_t thread);
long sys_kernel_stats(uint64_t stats);
long sys_poweroff(cap_t machine, long status);

/* sys_cap.c */
long sys_cap_copy(cap_t src, cap_t dst);
long sys_cap_mint(cap_t src, cap_t dst, uint64_t rights, uint64_t badge);
long sys_cap_move(cap_t src, cap_t dst);
long sys_cap_delete(cap_t slot);
long sys_cap_revoke(cap_t slot);
long sys_cap_info(cap_t slot, uint64_t info);
long sys_cap_give(cap_t space, cap_t src, cap_t dst);

/* ipc.c, notification.c (objects and transfers in ipc.h) */
struct endpoint;
struct notification;
long ipc_fault_call(struct endpoint *ep, uint64_t badge, const uint64_t w[4]);
int notification_signal(struct notification *n, uint64_t bits);
long sys_endpoint_create(void);
long sys_ipc_send(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3);
long sys_ipc_recv(cap_t ep, tick_t timeout);
long sys_ipc_call(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3);
long sys_ipc_reply(cap_t unused, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3);
long sys_ipc_reply_recv(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2,
                        uint64_t w3);
long sys_ipc_nbsend(cap_t ep, uint64_t info, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3);
long sys_ipc_nbrecv(cap_t ep);
long sys_ipc_set_buffer(uint64_t addr);
long sys_notification_create(void);
long sys_notify_signal(cap_t ntfn);
long sys_notify_wait(cap_t ntfn);
long sys_notify_poll(cap_t ntfn);
long sys_notify_bind(cap_t thread, cap_t ntfn);

/* fastpath.c (the IPC fastpath; its helpers are in ipc.h) */
long sys_ipc_stats(uint64_t out);

/* arch/x86_64/context.c */
void arch_thread_init_kernel(struct thread *t, void (*fn)(void *), void *arg);
void arch_thread_init_user(struct thread *t, uint64_t entry, uint64_t stack_top, uint64_t arg);
void arch_switch_to(struct thread *prev, struct thread *next);
void syscall_init(void);

/* arch/x86_64/serial.c */
void serial_init(void);
void serial_putc(char c);
int serial_getc(void);              /* -1 when no byte is waiting */
void serial_drain(void);            /* wait until every byte has left the UART */

/* lib/string.c and lib/format.c (also linked into the user library) */
#include "lib/klib.h"

#endif
