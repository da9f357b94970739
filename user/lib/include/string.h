/**
 * @file string.h
 * @brief String and memory routines (memcpy, strlen, strcmp, strtol, ...).
 *
 * The user library links the kernel's freestanding kernel/lib/string.c, so
 * the prototypes come from the one shared header, kernel/lib/klib.h.
 */
#ifndef STRING_H
#define STRING_H

#include <klib.h>

#endif
