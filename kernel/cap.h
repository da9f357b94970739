/*
 * cap.h: capability tables. Each address space owns one table of
 * CAP_TABLE_SLOTS slots; a slot holds a type, rights, a badge and a counted
 * reference to a kernel object. The derivation links (parent, children,
 * siblings) are for lab 4's copy/mint/revoke: a copied or minted capability
 * becomes a child of its source, and revoke deletes the whole subtree.
 *
 * Lookups decode only (they change nothing); cap_insert() and cap_delete()
 * change the table. All run with interrupts off (single CPU).
 */
#ifndef CAP_H
#define CAP_H

#include <mica/types.h>
#include <mica/cap.h>

struct cap {
    enum cap_type type;         /* CAP_TYPE_NONE: the slot is empty */
    uint32_t rights;            /* RIGHT_* */
    uint64_t badge;             /* lab 4: given to receivers of messages */
    void *object;               /* struct thread, struct space, ... (holds one reference) */
    struct cap *parent;         /* lab 4: the capability this one was derived from */
    struct cap *children;       /* lab 4: first capability derived from this one */
    struct cap *sibling;        /* lab 4: next child of the same parent */
};

struct cap_table {
    struct cap slots[CAP_TABLE_SLOTS];
};

struct space;

/* cap.c */
struct cap_table *cap_table_new(void);                  /* NULL when out of memory */
void cap_table_free(struct cap_table *t);               /* deletes every capability */
int cap_lookup(struct space *s, cap_t slot, enum cap_type type, uint32_t rights, void **object);
cap_t cap_insert(struct space *s, cap_t slot, enum cap_type type, uint32_t rights, void *object);
void cap_delete(struct space *s, cap_t slot);
struct cap *cap_slot(struct space *s, cap_t slot);     /* NULL if slot out of range */
int cap_lookup_cap(struct space *s, cap_t slot, enum cap_type type, uint32_t rights,
                   struct cap **cap);
void cap_derive(struct cap *src, struct cap *dst, uint32_t rights, uint64_t badge);
void cap_derive_object(struct cap *src, struct cap *dst, uint32_t rights, void *object);
uint32_t cap_rights_valid(enum cap_type type);
void cap_move(struct cap *src, struct cap *dst);
void cap_clear(struct cap *c);
int cap_revoke(struct cap *c);

#endif
