/**
 * @file stdlib.h
 * @brief Memory allocation, program exit and error names.
 */
#ifndef STDLIB_H
#define STDLIB_H

#include <stddef.h>
#include <klib.h>           /* strtol, strtoul */

/**
 * @brief Allocate @p size bytes, 16-byte aligned, from the program's heap.
 *
 * First fit; safe to call from several threads. A program with a memory
 * manager (mmclient.h: mm_attach()) has a heap at USER_HEAP_BASE that grows
 * through mm_alloc(); others have a fixed heap in .bss (STATIC_HEAP_SIZE
 * bytes, or their own STATIC_HEAP()).
 * @param size bytes wanted (0 gives a unique pointer).
 * @return the memory, or NULL when the heap has no free block large enough
 *         (and, with a memory manager, cannot grow: past the process's limit).
 */
void *malloc(size_t size);

/**
 * @brief Allocate zeroed memory for @p n objects of @p size bytes.
 * @param n number of objects.
 * @param size size of one object.
 * @return the memory, or NULL on overflow or when the heap is full.
 */
void *calloc(size_t n, size_t size);

/**
 * @brief Give back memory from malloc() or calloc().
 * @param p the pointer malloc() returned, or NULL (which does nothing).
 */
void free(void *p);

/**
 * @brief Bytes of the heap currently handed out (for leak checks in tests).
 * @return the sum of the sizes of the live blocks, headers included.
 */
size_t malloc_inuse(void);

/** Size of the static heap of programs without a memory manager, unless they define STATIC_HEAP(). */
#define STATIC_HEAP_SIZE (128 * 1024)

/**
 * Give the program a static heap of @p bytes instead (at file scope, once;
 * e.g. the root task, whose scenarios run many threads).
 */
#define STATIC_HEAP(bytes)                                                  \
    __attribute__((aligned(16))) char malloc_static_heap[bytes];            \
    const size_t malloc_static_heap_size = (bytes)

/**
 * @brief End the calling thread with an exit status that thread_join() reports.
 *
 * Returning from main() calls exit() with main's result. Mica has no process
 * exit yet: other threads of the program keep running.
 * @param status the exit status.
 */
void exit(int status) __attribute__((noreturn));

/**
 * @brief Report an unrecoverable error and stop.
 *
 * The root task powers the machine off with status 1 (it holds CAP_MACHINE);
 * any other program ends the calling thread with status 134.
 */
void abort(void) __attribute__((noreturn));

/**
 * @brief The message for an error code, e.g. "bad user pointer" for E_FAULT.
 * @param err an error code or its negation, as system calls return it.
 * @return a constant string; "unknown error" for numbers outside the list.
 */
const char *mica_strerror(long err);

/**
 * @brief The name of an error code, e.g. "E_FAULT".
 * @param err an error code or its negation.
 * @return a constant string; "E_?" for numbers outside the list.
 */
const char *mica_errname(long err);

#endif
