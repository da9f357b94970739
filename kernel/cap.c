/*
 * cap.c: capability tables (see cap.h). Slot 0 (CAP_NULL) is always empty.
 * A slot's object holds one reference, dropped when the slot is emptied.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"

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
        thread_put(object);
        break;
    case CAP_TYPE_SPACE:
        space_put(object);
        break;
    default:                        /* the machine is not counted */
        break;
    }
}

static void take_object(enum cap_type type, void *object)
{
    if (type == CAP_TYPE_THREAD)
        thread_get(object);
    else if (type == CAP_TYPE_SPACE)
        space_get(object);
}

void cap_table_free(struct cap_table *t)
{
    for (int i = 0; i < CAP_TABLE_SLOTS; i++) {
        struct cap *c = &t->slots[i];
        if (c->type != CAP_TYPE_NONE)
            drop_object(c->type, c->object);
    }
    pmm_free_run(V2P(t), TABLE_PAGES);
}

struct cap *cap_slot(struct space *s, cap_t slot)
{
    if (slot <= CAP_NULL || slot >= CAP_TABLE_SLOTS)
        return NULL;
    return &s->caps->slots[slot];
}

/*
 * Find the object in slot of s's table, checking that it is of the given
 * type and carries all the given rights. Returns 0 and sets *object, or
 * -E_BADCAP (empty or out-of-range slot), -E_WRONGTYPE, -E_NORIGHTS.
 */
int cap_lookup(struct space *s, cap_t slot, enum cap_type type, uint32_t rights, void **object)
{
    struct cap *c = cap_slot(s, slot);
    if (!c || c->type == CAP_TYPE_NONE)
        return -E_BADCAP;
    if (c->type != type)
        return -E_WRONGTYPE;
    if ((c->rights & rights) != rights)
        return -E_NORIGHTS;
    *object = c->object;
    return 0;
}

/*
 * Put a capability into slot (or, when slot is -1, the first free slot from
 * CAP_FIRST_FREE) and take a reference on the object. Returns the slot, or
 * -E_FULL, -E_BADCAP (bad slot), -E_EXIST (slot in use).
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
    s->caps->used++;
    return slot;
}

/* Empty slot (no-op if already empty) and drop its reference. */
void cap_delete(struct space *s, cap_t slot)
{
    struct cap *c = cap_slot(s, slot);
    if (!c || c->type == CAP_TYPE_NONE)
        return;
    enum cap_type type = c->type;
    void *object = c->object;
    *c = (struct cap){ .type = CAP_TYPE_NONE };
    s->caps->used--;
    drop_object(type, object);
}
