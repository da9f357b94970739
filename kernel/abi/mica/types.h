/**
 * @file mica/types.h
 * @brief Scalar types of the Mica ABI, shared by the kernel, the user library
 *        and the grader. Freestanding: includes only compiler headers.
 */
#ifndef MICA_TYPES_H
#define MICA_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/** A capability slot index in the calling process's capability table. */
typedef int64_t cap_t;

/** A time in timer ticks since boot. */
typedef uint64_t tick_t;

#endif
