/*
 * cap.c: capability tables (see cap.h). Slot 0 (CAP_NULL) is always empty.
 * A slot's object holds one reference, dropped when the slot is emptied.
 *
 * Derivation: a copied or minted capability is a child of its source. The
 * children of a capability form a singly linked list (children, sibling);
 * parent points back. Deleting a capability hands its children to its
 * parent; revoking one deletes all its descendants, in any table.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "ipc.h"
#include "frame.h"

#define TABLE_PAGES ((sizeof(struct cap_table) + PAGE_SIZE - 1) / PAGE_SIZE)

/* A table of empty slots, from whole frames (it is larger than a page). */
struct cap_table *cap_table_new(void)
{
    uint64_t pa = pmm_alloc_run(TABLE_PAGES);
    if (!pa)
        return NULL;
    struct cap_table *t = P2V(pa);
    memset(t, 0, TABLE_PAGES * PAGE_SIZE);
    return t;
}

static void drop_object(enum cap_type type, void *object)
{
    switch (type) {
    case CAP_TYPE_THREAD:
        thread_cap_dropped(object);
        break;
    case CAP_TYPE_SPACE:
        space_put(object);
        break;
    case CAP_TYPE_ENDPOINT:
        endpoint_put(object);
        break;
    case CAP_TYPE_NOTIFICATION:
        notification_put(object);
        break;
    case CAP_TYPE_FRAME:
        frame_put(object);
        break;
    case CAP_TYPE_IRQ:
        irq_line_put(object);
        break;
    case CAP_TYPE_IOPORT:
        ioport_put(object);
        break;
    default:                        /* the machine is not counted */
        break;
    }
}

static void take_object(enum cap_type type, void *object)
{
    switch (type) {
    case CAP_TYPE_THREAD:
        thread_get(object);
        break;
    case CAP_TYPE_SPACE:
        space_get(object);
        break;
    case CAP_TYPE_ENDPOINT:
        endpoint_get(object);
        break;
    case CAP_TYPE_NOTIFICATION:
        notification_get(object);
        break;
    case CAP_TYPE_FRAME:
        frame_get(object);
        break;
    case CAP_TYPE_IRQ:
        irq_line_get(object);
        break;
    case CAP_TYPE_IOPORT:
        ioport_get(object);
        break;
    default:
        break;
    }
}

void cap_table_free(struct cap_table *t)
{
    for (int i = 0; i < CAP_TABLE_SLOTS; i++)
        cap_clear(&t->slots[i]);
    pmm_free_run(V2P(t), TABLE_PAGES);
}

struct cap *cap_slot(struct space *s, cap_t slot)
{
    if (slot <= CAP_NULL || slot >= CAP_TABLE_SLOTS)
        return NULL;
    return &s->caps->slots[slot];
}

/*
 * Find the capability in slot of s's table, checking that it is of the given
 * type (CAP_TYPE_NONE: any type) and carries all the given rights. Returns 0
 * and sets *cap, or -E_BADCAP (empty or out-of-range slot), -E_WRONGTYPE,
 * -E_NORIGHTS. Changes nothing.
 */
int cap_lookup_cap(struct space *s, cap_t slot, enum cap_type type, uint32_t rights,
                   struct cap **cap)
{
    struct cap *c = cap_slot(s, slot);
    if (!c || c->type == CAP_TYPE_NONE)
        return -E_BADCAP;
    if (type != CAP_TYPE_NONE && c->type != type)
        return -E_WRONGTYPE;
    if ((c->rights & rights) != rights)
        return -E_NORIGHTS;
    *cap = c;
    return 0;
}

/* cap_lookup_cap() for callers that want only the object. */
int cap_lookup(struct space *s, cap_t slot, enum cap_type type, uint32_t rights, void **object)
{
    struct cap *c;
    int err = cap_lookup_cap(s, slot, type, rights, &c);
    if (!err)
        *object = c->object;
    return err;
}

/*
 * Put a root capability (derived from nothing) into slot (or, when slot is
 * -1, the first free slot from CAP_FIRST_FREE) and take a reference on the
 * object. Returns the slot, or -E_FULL, -E_BADCAP (bad slot), -E_EXIST.
 */
cap_t cap_insert(struct space *s, cap_t slot, enum cap_type type, uint32_t rights, void *object)
{
    if (slot == -1) {
        for (slot = CAP_FIRST_FREE; slot < CAP_TABLE_SLOTS; slot++)
            if (s->caps->slots[slot].type == CAP_TYPE_NONE)
                break;
        if (slot == CAP_TABLE_SLOTS)
            return -E_FULL;
    }
    struct cap *c = cap_slot(s, slot);
    if (!c)
        return -E_BADCAP;
    if (c->type != CAP_TYPE_NONE)
        return -E_EXIST;
    *c = (struct cap){ .type = type, .rights = rights, .object = object };
    take_object(type, object);
    return slot;
}

static void link_child(struct cap *parent, struct cap *c)
{
    c->parent = parent;
    c->sibling = parent->children;
    parent->children = c;
}

/* Fill the empty slot dst with a child of src with the given rights and
 * badge (the caller checked they are allowed). Cannot fail. */
void cap_derive(struct cap *src, struct cap *dst, uint32_t rights, uint64_t badge)
{
    assert(dst->type == CAP_TYPE_NONE && src->type != CAP_TYPE_NONE);
    *dst = (struct cap){ .type = src->type, .rights = rights, .badge = badge,
                         .object = src->object };
    take_object(dst->type, dst->object);
    link_child(src, dst);
}

/* Like cap_derive(), but the child names another object of the same type
 * (a piece of src's object: frame_split). */
void cap_derive_object(struct cap *src, struct cap *dst, uint32_t rights, void *object)
{
    assert(dst->type == CAP_TYPE_NONE && src->type != CAP_TYPE_NONE);
    *dst = (struct cap){ .type = src->type, .rights = rights, .object = object };
    take_object(dst->type, dst->object);
    link_child(src, dst);
}

/* The rights a capability of this type can have (mint refuses other bits). */
uint32_t cap_rights_valid(enum cap_type type)
{
    return type == CAP_TYPE_FRAME ? RIGHTS_FRAME : type == CAP_TYPE_SPACE ? RIGHTS_SPACE
                                                                           : RIGHTS_ALL;
}

/* Move the capability in src to the empty slot dst, links and all. */
void cap_move(struct cap *src, struct cap *dst)
{
    assert(dst->type == CAP_TYPE_NONE && src->type != CAP_TYPE_NONE);
    if (src->type == CAP_TYPE_FRAME)
        frame_cap_moved(src, dst);  /* its mappings are recorded by slot address */
    *dst = *src;
    if (dst->parent) {
        struct cap **pp = &dst->parent->children;
        while (*pp != src)
            pp = &(*pp)->sibling;
        *pp = dst;
    }
    for (struct cap *k = dst->children; k; k = k->sibling)
        k->parent = dst;
    *src = (struct cap){ .type = CAP_TYPE_NONE };
}

/* Take c out of the derivation tree; its children go to its parent (or
 * become roots). */
static void unlink_cap(struct cap *c)
{
    struct cap *p = c->parent;
    if (p) {
        struct cap **pp = &p->children;
        while (*pp != c)
            pp = &(*pp)->sibling;
        *pp = c->sibling;
    }
    struct cap *k = c->children;
    while (k) {
        struct cap *next = k->sibling;
        k->parent = NULL;
        k->sibling = NULL;
        if (p)
            link_child(p, k);
        k = next;
    }
}

/* Empty a slot (no-op if empty) and drop its reference, which may destroy
 * the object. The slot is empty before the object goes. */
void cap_clear(struct cap *c)
{
    if (c->type == CAP_TYPE_NONE)
        return;
    enum cap_type type = c->type;
    void *object = c->object;
    if (type == CAP_TYPE_FRAME)
        frame_cap_cleared(c);       /* unmap what was mapped through it */
    unlink_cap(c);
    *c = (struct cap){ .type = CAP_TYPE_NONE };
    drop_object(type, object);
}

/* Delete every capability derived from c, recursively; returns how many.
 * Deleting leaves first keeps the walk free of recursion. */
int cap_revoke(struct cap *c)
{
    int n = 0;
    /* LAB 4 BEGIN: revoke: delete the whole subtree below c, leaves first */
    while (c->children) {
        struct cap *leaf = c->children;
        while (leaf->children)
            leaf = leaf->children;
        cap_clear(leaf);
        n++;
    }
    /* LAB 4 STUB
    (void)c;
    LAB 4 END */
    return n;
}

/* Empty slot of s's table (no-op if already empty). */
void cap_delete(struct space *s, cap_t slot)
{
    struct cap *c = cap_slot(s, slot);
    if (c)
        cap_clear(c);
}
