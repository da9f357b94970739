/*
 * list.h: intrusive circular doubly linked lists. A struct list is the head;
 * a struct list_node sits inside the linked object, and list_entry() finds
 * the object from its node. An unlinked node points at itself, so
 * list_linked() tells whether a node is on some list.
 */
#ifndef LIST_H
#define LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_node {
    struct list_node *next, *prev;
};

struct list {
    struct list_node head;
};

#define list_entry(node, type, member) \
    ((type *)((char *)(node) - offsetof(type, member)))

static inline void list_init(struct list *l) { l->head.next = l->head.prev = &l->head; }
static inline void list_node_init(struct list_node *n) { n->next = n->prev = n; }
static inline bool list_empty(const struct list *l) { return l->head.next == &l->head; }
static inline bool list_linked(const struct list_node *n) { return n->next != n; }

static inline void list_insert_after(struct list_node *pos, struct list_node *n)
{
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}

static inline void list_push_back(struct list *l, struct list_node *n) { list_insert_after(l->head.prev, n); }
static inline void list_push_front(struct list *l, struct list_node *n) { list_insert_after(&l->head, n); }

static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_node_init(n);
}

/* The first node, or NULL when the list is empty. */
static inline struct list_node *list_front(const struct list *l)
{
    return list_empty(l) ? NULL : l->head.next;
}

#define list_for_each(n, l) \
    for (struct list_node *n = (l)->head.next; n != &(l)->head; n = n->next)

#endif
