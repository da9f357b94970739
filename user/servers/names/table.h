/*
 * table.h: the name server's table (table.c), pure logic. An entry maps a
 * name to the capability slot the server holds, the rights lookups get and
 * the registrant's badge (only it may unregister). The IPC loop moves the
 * capabilities; the table only decides.
 */
#ifndef NAMES_TABLE_H
#define NAMES_TABLE_H

#include <mica/types.h>
#include <mica/proto/names.h>

struct names_entry {
    char name[NAMES_NAME_MAX];
    cap_t slot;                 /* 0: a free entry */
    uint64_t rights;
    uint64_t owner;             /* the registrant's badge */
};

struct names_table {
    struct names_entry e[NAMES_MAX];
};

int names_check(const char *name, size_t size);
int names_register(struct names_table *t, const char *name, cap_t slot, uint64_t rights, uint64_t owner);
const struct names_entry *names_lookup(const struct names_table *t, const char *name);
int names_unregister(struct names_table *t, const char *name, uint64_t owner, cap_t *slot);

#endif
