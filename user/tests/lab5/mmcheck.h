/*
 * mmcheck.h: checks of the memory manager that run in any program it
 * serves (mmcheck.c): in bin/mmtest (the process the root task's "mmproc"
 * scenario starts) and in the root task itself ("mm" scenario, lab 5, where
 * the memory manager is a thread of the root task). Each prints lines with
 * the prefix "mmtest: " for the grader.
 */
#ifndef MMCHECK_H
#define MMCHECK_H

#include <mmclient.h>

void mmcheck_use(cap_t mm);                 /* the capability to use (badged with the pid) */
struct mm_stat mmcheck_stat(const char *when);
void mmcheck_op(const char *name, long ret);
void mmcheck_demand_zero(void);
void mmcheck_limit(void);
void mmcheck_malloc_limit(void);            /* programs whose malloc() uses the memory manager */
void mmcheck_kills(void);                   /* needs thread_spawn() to set the fault handler */
void mmcheck_malformed(void);
void mmcheck_cost(void);

#endif
