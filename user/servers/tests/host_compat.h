/*
 * host_compat.h: what the Mica library has and the host's C library may
 * lack, force-included (-include) into the host builds of server logic.
 */
#include <string.h>
#include <stddef.h>

static inline size_t mica_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t m = n < size - 1 ? n : size - 1;
        memcpy(dst, src, m);
        dst[m] = '\0';
    }
    return n;
}
#define strlcpy mica_strlcpy
