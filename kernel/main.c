/*
 * main.c: the boot sequence. boot.S calls kmain() in the higher half with the
 * Multiboot2 magic and the physical address of GRUB's boot information; each
 * line below brings up one subsystem, in dependency order.
 */
#include "kernel.h"
#include "boot.h"
#include "ktest.h"
#include <mica/syscall.h>
#include "arch/x86_64/x86.h"

static void run_thread_ktest(void *arg)
{
    ktest_stage(KTEST_AFTER_THREADS);   /* powers off at its end */
}

static void start_thread_ktest(void)
{
    struct thread *t = thread_create_kernel("ktest", PRIO_DEFAULT, run_thread_ktest, NULL);
    if (!t)
        panic("main: no memory for the ktest thread");
    thread_start(t);
}

void kmain(uint32_t magic, uint64_t mbi_phys)
{
    serial_init();                      /* COM1, so that everything after can print */
    kprintf("Mica %s (x86_64) booting\n", MICA_VERSION);
    multiboot_parse(magic, mbi_phys);   /* command line, memory map, modules */
    kprintf("cmdline: %s\n", bootinfo.cmdline);
    cmdline_parse(bootinfo.cmdline);    /* key=value words; warns about unknown ones */
    ktest_check_name();
    gdt_init();                         /* segments and the TSS (kernel stack, IST stacks) */
    idt_init();                         /* all 256 vectors into trap() */

    ktest_stage(KTEST_AFTER_TRAPS);
    vm_early_map();                     /* P2V reaches the first 1 GiB from here */
    pmm_init();                         /* cleaned memory map, frame allocator */
    vm_init();                          /* kernel page tables: direct map, W^X, guards */
    kmem_init();                        /* object caches and kmalloc */
    ktest_stage(KTEST_AFTER_MEMORY);
    pic_init();                         /* IRQ 0..15 at vectors 32..47, all masked */
    timer_init(cmdline_int("hz", 100, 10, 1000));  /* periodic tick on IRQ 0 */
    sti();                              /* interrupts on from here */

    ktest_stage(KTEST_AFTER_TIMER);
    syscall_init();                     /* syscall/sysret, the per-CPU area in GS */
    sched_init();                       /* ready queues, timer queue, the idle thread */
    if (ktest_wanted(KTEST_AFTER_THREADS))
        start_thread_ktest();           /* the chosen test runs in a kernel thread */
    else
        root_task_start();              /* the first module, as the first user program */
    sched_start();                      /* to the first thread; never returns */
}

/* Echo the parsed command line back, so the grader can check the parser. */
KTEST(cmdline, KTEST_AFTER_TRAPS)
{
    const char *keys[] = { "hz", "ktest", "trace", "timeslice", "init" };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        const char *v = cmdline_get(keys[i]);
        if (v)
            kprintf("arg %s=%s\n", keys[i], v);
    }
    kprintf("hz=%ld\n", cmdline_int("hz", 100, 10, 1000));
}
