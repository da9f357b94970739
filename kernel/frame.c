/*
 * frame.c: memory through capabilities (contracts in mica/mem.h), system
 * calls 48-52, and the hand-over of free memory to the root task.
 *
 *   frame_give_root()        boot: free memory above the kernel's reserve
 *   sys_frame_info/split/map/unmap, sys_space_create
 *   frame_cap_cleared()      cap.c: a frame capability goes; unmap through it
 *   frame_cap_moved()        cap.c: its mappings follow it to the new slot
 *   frame_space_freed()      space.c: a space dies; forget its mappings
 *
 * Objects and invariants are described in frame.h. Each call decodes fully
 * (capabilities, arguments, limits) before it changes anything.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "vm.h"
#include "frame.h"
#include <mica/mem.h>

static struct kmem_cache *range_cache, *map_cache;

static bool caches_ready(void)
{
    if (!range_cache)
        range_cache = kmem_cache_create("frame_range", sizeof(struct frame_range));
    if (!map_cache)
        map_cache = kmem_cache_create("frame_mapping", sizeof(struct frame_mapping));
    return range_cache && map_cache;
}

/* A range with no references; NULL when memory is short. */
static struct frame_range *range_new(uint64_t base, uint64_t pages, struct frame_range *parent)
{
    struct frame_range *f = caches_ready() ? kmem_cache_alloc(range_cache) : NULL;
    if (!f)
        return NULL;
    *f = (struct frame_range){ .base = base, .pages = pages, .parent = parent };
    list_init(&f->pieces);
    list_node_init(&f->piece_node);
    list_init(&f->maps);
    if (parent) {
        frame_get(parent);
        list_push_back(&parent->pieces, &f->piece_node);
    }
    return f;
}

static uint64_t bitmap_pages(uint64_t pages)
{
    return ALIGN_UP((pages + 63) / 64 * 8, PAGE_SIZE) / PAGE_SIZE;
}

void frame_get(struct frame_range *f)
{
    f->refs++;
}

/* Drop a reference. The last one frees the range: a piece gives back its
 * reference on its parent, a boot range its frames to the kernel. */
void frame_put(struct frame_range *f)
{
    assert(f->refs > 0);
    if (--f->refs > 0)
        return;
    assert(list_empty(&f->maps) && list_empty(&f->pieces));
    struct frame_range *parent = f->parent;
    if (parent) {
        list_remove(&f->piece_node);
    } else {
        pmm_free_run(f->base, f->pages);
        pmm_free_run(V2P(f->fresh), bitmap_pages(f->pages));
    }
    kmem_cache_free(range_cache, f);
    if (parent)
        frame_put(parent);
}

/* Zero page index of f if it was never mapped since boot (the kernel may
 * have left its own data in it). */
static void zero_if_fresh(struct frame_range *f, uint64_t index)
{
    uint64_t page = f->base / PAGE_SIZE + index;
    while (f->parent)
        f = f->parent;
    page -= f->base / PAGE_SIZE;
    if (f->fresh[page / 64] >> (page % 64) & 1) {
        uint64_t *p = P2V(f->base + page * PAGE_SIZE);
        for (size_t i = 0; i < PAGE_SIZE / 8; i++)
            p[i] = 0;
        f->fresh[page / 64] &= ~(1UL << (page % 64));
    }
}

static void mapping_remove(struct frame_mapping *m, bool unmap)
{
    if (unmap && vm_unmap(m->space->vm, m->va) != 0)
        panic("frame: mapping at %#lx in %s is not in its page table", m->va, m->space->name);
    list_remove(&m->frame_node);
    list_remove(&m->space_node);
    m->space->nmappings--;
    kmem_cache_free(map_cache, m);
}

void frame_cap_cleared(struct cap *c)
{
    struct frame_range *f = c->object;
    struct list_node *n = f->maps.head.next;
    while (n != &f->maps.head) {
        struct frame_mapping *m = list_entry(n, struct frame_mapping, frame_node);
        n = n->next;
        if (m->via == c)
            mapping_remove(m, true);
    }
}

void frame_cap_moved(struct cap *from, struct cap *to)
{
    struct frame_range *f = from->object;
    list_for_each(n, &f->maps) {
        struct frame_mapping *m = list_entry(n, struct frame_mapping, frame_node);
        if (m->via == from)
            m->via = to;
    }
}

/* The page tables go with the space; only the records need freeing. */
void frame_space_freed(struct space *s)
{
    struct list_node *n;
    while ((n = list_front(&s->frame_maps)) != NULL)
        mapping_remove(list_entry(n, struct frame_mapping, space_node), false);
}

/*
 * Policy: the kernel keeps half of the free frames for its own objects and
 * the memory it provides to programs; the rest goes to the root task as up
 * to CAP_BOOT_FRAMES_MAX ranges, highest memory first. Prints one line per
 * range: "frame: boot range slot=N base=0x... pages=N".
 */
void frame_give_root(struct space *root)
{
    uint64_t want = pmm_free_count() / 2;
    for (cap_t slot = CAP_BOOT_FRAMES; slot < CAP_BOOT_FRAMES + CAP_BOOT_FRAMES_MAX && want;
         slot++) {
        uint64_t pages;
        uint64_t base = pmm_alloc_top_run(want, &pages);
        if (!base)
            break;
        uint64_t book = pmm_alloc_run(bitmap_pages(pages));
        struct frame_range *f = book ? range_new(base, pages, NULL) : NULL;
        if (!f)
            panic("frame: no kernel memory to describe the root task's memory");
        f->fresh = P2V(book);
        memset(f->fresh, 0xff, bitmap_pages(pages) * PAGE_SIZE);
        if (cap_insert(root, slot, CAP_TYPE_FRAME, RIGHTS_FRAME, f) < 0)
            panic("frame: cannot fill boot frame slot %ld", slot);
        kprintf("frame: boot range slot=%ld base=%#lx pages=%lu\n", slot, base, pages);
        want -= pages;
    }
}

/* ---- system calls ---- */

static int lookup_frame(cap_t slot, uint32_t rights, struct cap **c)
{
    return cap_lookup_cap(current()->space, slot, CAP_TYPE_FRAME, rights, c);
}

long sys_frame_info(cap_t slot, uint64_t out)
{
    struct cap *c;
    int err = lookup_frame(slot, 0, &c);
    if (err)
        return err;
    struct frame_range *f = c->object;
    struct frame_info info = { .base = f->base, .pages = f->pages, .rights = c->rights };
    list_for_each(n, &f->maps)
        info.mappings += list_entry(n, struct frame_mapping, frame_node)->via == c;
    return copy_to_user(out, &info, sizeof info);
}

long sys_frame_split(cap_t slot, uint64_t offset, uint64_t pages)
{
    struct space *s = current()->space;
    struct cap *c;
    int err = lookup_frame(slot, 0, &c);
    if (err)
        return err;
    struct frame_range *f = c->object;
    if (pages == 0 || offset >= f->pages || pages > f->pages - offset)
        return -E_RANGE;
    uint64_t base = f->base + offset * PAGE_SIZE, end = base + pages * PAGE_SIZE;
    list_for_each(n, &f->pieces) {
        struct frame_range *p = list_entry(n, struct frame_range, piece_node);
        if (base < p->base + p->pages * PAGE_SIZE && p->base < end)
            return -E_BUSY;
    }
    cap_t d = CAP_FIRST_FREE;
    while (d < CAP_TABLE_SLOTS && cap_slot(s, d)->type != CAP_TYPE_NONE)
        d++;
    if (d == CAP_TABLE_SLOTS)
        return -E_FULL;
    struct frame_range *piece = range_new(base, pages, f);
    if (!piece)
        return -E_NOMEM;
    cap_derive_object(c, cap_slot(s, d), c->rights, piece);
    return d;
}

/* Worst case of new page-table pages for one mapping (PDPT, PD, PT). */
#define TABLES_PER_MAP 3

long sys_frame_map(cap_t frame, uint64_t index, cap_t space, uint64_t va, uint64_t rights)
{
    struct cap *fc, *sc;
    int err = lookup_frame(frame, RIGHT_MAP, &fc);
    if (!err)
        err = cap_lookup_cap(current()->space, space, CAP_TYPE_SPACE, RIGHT_MAP, &sc);
    if (err)
        return err;
    struct frame_range *f = fc->object;
    struct space *s = sc->object;
    /* LAB 5 BEGIN: frame_map: the mapping's rights within the frame capability's */
    if ((rights & ~(uint64_t)(RIGHT_READ | RIGHT_WRITE | RIGHT_EXEC)) || !(rights & RIGHT_READ))
        return -E_INVAL;
    if ((rights & fc->rights) != rights)
        return -E_NORIGHTS;
    /* LAB 5 STUB
    (void)fc;
    LAB 5 END */
    if (va % PAGE_SIZE || va < USER_MIN || va >= USER_TOP)
        return -E_INVAL;
    if (index >= f->pages)
        return -E_RANGE;
    if (vm_lookup(s->vm, va, NULL, NULL) == 0)
        return -E_EXIST;
    if (s->nmappings >= SPACE_MAPPINGS_MAX ||
        s->vm->table_pages + TABLES_PER_MAP > SPACE_TABLE_PAGES_MAX)
        return -E_FULL;
    struct frame_mapping *m = caches_ready() ? kmem_cache_alloc(map_cache) : NULL;
    if (!m)
        return -E_NOMEM;
    unsigned flags = VM_USER | (rights & RIGHT_WRITE ? VM_WRITE : 0) |
                     (rights & RIGHT_EXEC ? VM_EXEC : 0);
    err = vm_map(s->vm, va, f->base + index * PAGE_SIZE, flags);
    if (err) {
        kmem_cache_free(map_cache, m);
        return err;
    }
    zero_if_fresh(f, index);
    *m = (struct frame_mapping){ .range = f, .via = fc, .space = s, .va = va };
    list_push_back(&f->maps, &m->frame_node);
    list_push_back(&s->frame_maps, &m->space_node);
    s->nmappings++;
    return 0;
}

long sys_frame_unmap(cap_t space, uint64_t va)
{
    struct space *s;
    int err = cap_lookup(current()->space, space, CAP_TYPE_SPACE, RIGHT_MAP, (void **)&s);
    if (err)
        return err;
    list_for_each(n, &s->frame_maps) {
        struct frame_mapping *m = list_entry(n, struct frame_mapping, space_node);
        if (m->va == va) {
            mapping_remove(m, true);
            return 0;
        }
    }
    return -E_NOENT;
}

long sys_space_create(void)
{
    struct space *cur = current()->space;
    bool room = false;
    for (cap_t i = CAP_FIRST_FREE; i < CAP_TABLE_SLOTS && !room; i++)
        room = cap_slot(cur, i)->type == CAP_TYPE_NONE;
    if (!room || cur->ipc_count >= IPC_OBJECTS_MAX)
        return -E_FULL;
    struct space *s = space_new("space");
    if (!s)
        return -E_NOMEM;
    ipc_owner_charge(&s->owner, cur);
    cap_t slot = cap_insert(cur, -1, CAP_TYPE_SPACE, RIGHTS_SPACE, s);
    space_put(s);                   /* the capability holds it now */
    return slot;
}
