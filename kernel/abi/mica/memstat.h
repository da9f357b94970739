/**
 * @file mica/memstat.h
 * @brief Memory counters the kernel exposes: the frame allocator's totals and
 *        one record per kernel object cache. Shared by kernel, user library
 *        and grader; fixed sizes so they can be copied out as they are.
 */
#ifndef MICA_MEMSTAT_H
#define MICA_MEMSTAT_H

#include <mica/types.h>

/** Length of a cache name, including the terminating NUL. */
#define MICA_KMEM_NAME_MAX 16

/** Counters of one kernel object cache (e.g. "thread", "kmalloc-64"). */
struct mica_kmem_stat {
    char name[MICA_KMEM_NAME_MAX];  /**< cache name, NUL-terminated */
    uint32_t object_size;           /**< bytes per object as allocated */
    uint32_t pages;                 /**< 4 KiB frames the cache holds now */
    uint64_t inuse;                 /**< objects allocated and not yet freed */
    uint64_t allocs;                /**< successful allocations since boot */
    uint64_t frees;                 /**< frees since boot */
};
_Static_assert(sizeof(struct mica_kmem_stat) == 48, "mica_kmem_stat layout");

/** Physical memory and kernel-stack totals. */
struct mica_mem_stat {
    uint64_t frames_total;          /**< 4 KiB frames the allocator manages */
    uint64_t frames_free;           /**< of which free now */
    uint64_t kstacks;               /**< kernel stacks allocated now */
};
_Static_assert(sizeof(struct mica_mem_stat) == 24, "mica_mem_stat layout");

#endif
