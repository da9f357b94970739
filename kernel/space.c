/*
 * space.c: address-space objects: page tables (vm.c) plus a capability table,
 * reference counted. Threads and capabilities hold references.
 */
#include "kernel.h"
#include "thread.h"
#include "cap.h"
#include "vm.h"
#include "frame.h"

static struct kmem_cache *space_cache;

/* A new, empty space with one reference; NULL when memory is short. */
struct space *space_new(const char *name)
{
    if (!space_cache && !(space_cache = kmem_cache_create("space", sizeof(struct space))))
        return NULL;
    struct space *s = kmem_cache_alloc(space_cache);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->vm = vm_new_space();
    s->caps = s->vm ? cap_table_new() : NULL;
    if (!s->caps) {
        if (s->vm)
            vm_free_space(s->vm);
        kmem_cache_free(space_cache, s);
        return NULL;
    }
    s->refs = 1;
    list_init(&s->ipc_objects);
    list_init(&s->frame_maps);
    list_init(&s->threads);
    strlcpy(s->name, name, sizeof s->name);
    return s;
}

void space_get(struct space *s)
{
    s->refs++;
}

/* Drop a reference. The last one deletes the capabilities and the page
 * tables; user frames mapped in it belong to whoever mapped them. */
void space_put(struct space *s)
{
    assert(s->refs > 0);
    if (--s->refs > 0)
        return;
    cap_table_free(s->caps);
    s->caps = NULL;
    ipc_space_freed(s);
    ipc_owner_release(&s->owner);
    frame_space_freed(s);
    vm_free_space(s->vm);
    kmem_cache_free(space_cache, s);
}

/* The last thread of s died with status. The root task's end is the
 * system's end (until lab 6 gives it a parent). */
void space_last_thread_exited(struct space *s, int status)
{
    if (s == root_space())
        root_task_ended(status);
}

/* Allocate a zeroed frame and map it at user address va with flags.
 * Returns 0, -E_NOMEM, or vm_map's error. */
int space_map_new_page(struct space *s, uint64_t va, unsigned flags, void **kva)
{
    uint64_t pa = pmm_alloc_zeroed();
    if (!pa)
        return -E_NOMEM;
    int err = vm_map(s->vm, va, pa, flags);
    if (err) {
        pmm_free(pa);
        return err;
    }
    if (kva)
        *kva = P2V(pa);
    return 0;
}

/* Unmap [start, end) and free the frames mapped there. */
void space_unmap_free(struct space *s, uint64_t start, uint64_t end)
{
    for (uint64_t va = ALIGN_DOWN(start, PAGE_SIZE); va < end; va += PAGE_SIZE) {
        uint64_t pa;
        if (vm_lookup(s->vm, va, &pa, NULL) == 0 && vm_unmap(s->vm, va) == 0)
            pmm_free(ALIGN_DOWN(pa, PAGE_SIZE));
    }
}
