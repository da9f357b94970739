/*
 * ktest.h: in-kernel self tests, for what must be tested before user space
 * exists. A test is chosen with ktest=NAME on the command line and runs at
 * the boot stage it declares; it prints key=value lines between
 * "ktest: NAME begin" and "ktest: NAME end", and the grader checks the values.
 *
 * Define one anywhere in the kernel with
 *     KTEST(pmm_distinct, KTEST_AFTER_MEMORY) { ... }
 * The linker collects them (section .ktests), so no central table is edited.
 */
#ifndef KTEST_H
#define KTEST_H

enum ktest_stage {
    KTEST_AFTER_TRAPS,          /* GDT, IDT and exception handlers are up */
    KTEST_AFTER_MEMORY,         /* frame allocator, paging, object allocator */
    KTEST_AFTER_TIMER,          /* interrupts on, timer ticking */
    KTEST_AFTER_THREADS,        /* scheduler running (the test runs in a kernel thread) */
};

struct ktest {
    const char *name;
    enum ktest_stage stage;
    void (*run)(void);
};

#define KTEST(name_, stage_)                                                  \
    static void ktest_##name_(void);                                          \
    static const struct ktest ktest_entry_##name_                             \
        __attribute__((section(".ktests"), used, aligned(8))) =               \
        { #name_, stage_, ktest_##name_ };                                    \
    static void ktest_##name_(void)

/* ktest.c */
void ktest_stage(enum ktest_stage stage);   /* run the chosen test if it belongs here */
void ktest_check_name(void);                /* warn early about an unknown ktest= name */
bool ktest_wanted(enum ktest_stage stage);  /* the chosen test runs at this stage */

#endif
