/*
 * table.c: the name table (table.h). A name is 1..NAMES_NAME_MAX-1
 * printable bytes without '/' or spaces, NUL-terminated within its array.
 */
#include "table.h"
#include <string.h>
#include <mica/error.h>
#include <mica/cap.h>

/* 0 if name (an array of size bytes) holds a valid name; -E_NAMETOOLONG or -E_INVAL. */
int names_check(const char *name, size_t size)
{
    size_t n = strnlen(name, size);
    if (n == size)
        return -E_NAMETOOLONG;
    if (n == 0)
        return -E_INVAL;
    for (size_t i = 0; i < n; i++)
        if (name[i] <= ' ' || name[i] == '/' || name[i] >= 0x7f)
            return -E_INVAL;
    return 0;
}

static struct names_entry *find(const struct names_table *t, const char *name)
{
    for (int i = 0; i < NAMES_MAX; i++)
        if (t->e[i].slot && strcmp(t->e[i].name, name) == 0)
            return (struct names_entry *)&t->e[i];
    return NULL;
}

int names_register(struct names_table *t, const char *name, cap_t slot, uint64_t rights, uint64_t owner)
{
    int r = names_check(name, NAMES_NAME_MAX);
    if (r < 0)
        return r;
    if (slot <= 0 || (rights & ~(uint64_t)RIGHTS_ALL))
        return -E_INVAL;
    if (find(t, name))
        return -E_EXIST;
    for (int i = 0; i < NAMES_MAX; i++) {
        struct names_entry *e = &t->e[i];
        if (e->slot == 0) {
            strlcpy(e->name, name, sizeof e->name);
            e->slot = slot;
            e->rights = rights;
            e->owner = owner;
            return 0;
        }
    }
    return -E_FULL;
}

const struct names_entry *names_lookup(const struct names_table *t, const char *name)
{
    return names_check(name, NAMES_NAME_MAX) == 0 ? find(t, name) : NULL;
}

/* Remove name if owner registered it; *slot gets the capability to delete. */
int names_unregister(struct names_table *t, const char *name, uint64_t owner, cap_t *slot)
{
    int r = names_check(name, NAMES_NAME_MAX);
    if (r < 0)
        return r;
    struct names_entry *e = find(t, name);
    if (!e)
        return -E_NOENT;
    if (e->owner != owner)
        return -E_PERM;
    *slot = e->slot;
    memset(e, 0, sizeof *e);
    return 0;
}
