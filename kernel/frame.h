/*
 * frame.h: frame-range objects and their mappings (frame.c); the user's
 * view is mica/mem.h. Everything runs with interrupts off (single CPU).
 *
 * A frame range is physically contiguous. A range carved from another
 * (frame_split) holds a reference on it and sits on its pieces list, so two
 * live pieces of one range never overlap. A boot range (parent NULL) owns
 * its frames: they go back to the kernel's allocator when it dies.
 *
 * Each mapping records the capability slot it was made through (via), on
 * two lists: the range's and the space's. Clearing the capability, or the
 * death of the space, removes the record (and, for the capability, the page
 * table entry).
 */
#ifndef FRAME_H
#define FRAME_H

#include <mica/types.h>
#include "list.h"

struct cap;
struct space;

struct frame_range {
    int refs;                   /* capabilities naming it + pieces carved from it */
    uint64_t base;              /* physical, page-aligned */
    uint64_t pages;
    struct frame_range *parent; /* carved from (holds a reference); NULL: a boot range */
    struct list pieces;         /* ranges carved from this one (piece_node) */
    struct list_node piece_node;
    struct list maps;           /* struct frame_mapping (frame_node) */
    uint64_t *fresh;            /* boot range: bit set = page not yet zeroed */
};

struct frame_mapping {
    struct frame_range *range;
    struct cap *via;            /* the capability slot it was made through */
    struct space *space;
    uint64_t va;
    struct list_node frame_node;
    struct list_node space_node;
};

void frame_get(struct frame_range *f);
void frame_put(struct frame_range *f);
void frame_cap_cleared(struct cap *c);
void frame_cap_moved(struct cap *from, struct cap *to);
void frame_space_freed(struct space *s);
void frame_give_root(struct space *root);

#endif
