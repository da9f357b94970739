/*
 * mmtest.h: what the root task's "mm" scenario (mmroot.c) and the program
 * it tests (bin/mmtest, mmtest.c) agree on; the grader reads these numbers
 * too (grader/tests/test_lab5_mm.py).
 */
#ifndef MMTEST_H
#define MMTEST_H

#define MMTEST_PID      2
#define MMTEST_LIMIT    256     /* pages mmtest may commit (1 MiB) */
#define MMTEST_STACK    64      /* pages of its stack (256 KiB) ... */
#define MMTEST_MAPPED   2       /* ... of which spawn maps the top ones; the rest is demand-zero */
#define MMTEST_GIFT     18      /* its slot with an endpoint (receive) on which the root sends
                                   mmtest its own address space, for thread_spawn() */

#endif
