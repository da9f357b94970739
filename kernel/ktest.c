/*
 * ktest.c: run the self test named by ktest=NAME at its boot stage, then
 * power off. Tests are defined with KTEST() next to the code they test.
 */
#include "kernel.h"
#include "ktest.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static const struct ktest *find(const char *name)
{
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

void ktest_check_name(void)
{
    const char *name = cmdline_get("ktest");
    if (name && !find(name)) {
        kprintf("warning: ktest: no test named '%s'; known:", name);
        for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
            kprintf(" %s", t->name);
        kprintf("\n");
    }
}

void ktest_stage(enum ktest_stage stage)
{
    const char *name = cmdline_get("ktest");
    const struct ktest *t = name ? find(name) : NULL;
    if (!t || t->stage != stage)
        return;
    kprintf("ktest: %s begin\n", t->name);
    t->run();
    kprintf("ktest: %s end\n", t->name);
    poweroff(0);
}

/* Whether the chosen test runs at this stage (for stages that need set-up). */
bool ktest_wanted(enum ktest_stage stage)
{
    const char *name = cmdline_get("ktest");
    const struct ktest *t = name ? find(name) : NULL;
    return t && t->stage == stage;
}
