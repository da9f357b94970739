/*
 * ring3.c: user code really runs in ring 3. Three threads misbehave, each
 * from a one-instruction routine whose address the grader finds in root.sym:
 *   kread   loads from the kernel image       (ring3_load at 0xffffffff80100000)
 *   dmread  loads from the direct map         (ring3_load at 0xffff800000100000)
 *   hlt     executes a privileged instruction (ring3_hlt)
 * The kernel must kill each with a fault report naming it, while a fourth
 * thread, counter, keeps running and printing before and after the faults.
 *
 * Prints: ring3: cpl=N, ring3: count=I tick=T (counter),
 *         ring3: joined=NAME status=S for each thread.
 */
#include <stdio.h>
#include <stdint.h>
#include <thread.h>
#include <scenario.h>

#define KERNEL_IMAGE_ADDR   0xFFFFFFFF80100000UL
#define DIRECT_MAP_ADDR     0xFFFF800000100000UL
#define COUNTER_ROUNDS      10

/* Stand-alone routines, so that the faulting rip is a known symbol. */
__asm__(".text\n"
        ".globl ring3_load\n"
        "ring3_load:\n"
        "    movq (%rdi), %rax\n"
        "    ret\n"
        ".globl ring3_hlt\n"
        "ring3_hlt:\n"
        "    hlt\n"
        "    ret\n");
uint64_t ring3_load(uint64_t addr);
void ring3_hlt(void);

static int load(void *addr)
{
    uint64_t v = ring3_load((uint64_t)addr);
    printf("ring3: load from %p returned 0x%lx\n", addr, v);
    return 0;
}

static int privileged(void *unused)
{
    ring3_hlt();
    printf("ring3: hlt returned\n");
    return 0;
}

static int counter(void *unused)
{
    for (int i = 0; i < COUNTER_ROUNDS; i++) {
        printf("ring3: count=%d tick=%lu\n", i, ticks());
        sleep_ticks(2);
    }
    return COUNTER_ROUNDS;
}

SCENARIO(ring3, "faults in user threads kill only the faulting thread")
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    printf("ring3: cpl=%d\n", cs & 3);

    struct { const char *name; int (*fn)(void *); void *arg; cap_t cap; } t[] = {
        { "counter", counter, NULL, -1 },
        { "kread", load, (void *)KERNEL_IMAGE_ADDR, -1 },
        { "dmread", load, (void *)DIRECT_MAP_ADDR, -1 },
        { "hlt", privileged, NULL, -1 },
    };
    for (int i = 0; i < 4; i++) {
        t[i].cap = thread_spawn(t[i].name, t[i].fn, t[i].arg, PRIO_DEFAULT);
        if (t[i].cap < 0)
            printf("ring3: spawn %s failed: %ld\n", t[i].name, t[i].cap);
    }
    for (int i = 0; i < 4; i++) {
        int status = -1;
        int r = thread_join(t[i].cap, &status);
        printf("ring3: joined=%s ret=%d status=%d\n", t[i].name, r, status);
    }
    return 0;
}
