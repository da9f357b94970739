/*
 * kmem.c: the kernel object allocator.
 *
 *   kmem_cache_create(name, size) / kmem_cache_destroy(c)
 *   kmem_cache_alloc(c) / kmem_cache_free(c, p)     fixed-size objects
 *   kmalloc(size) / kfree(p)                        any size
 *   kmem_stat(i, &st), kmem_dump()                  counters per cache
 *
 * A cache hands out objects of one size from slabs: one 4 KiB frame each,
 * used through the direct map, with a struct slab at its start and the
 * objects after it. Free objects are chained through their first word. A slab
 * that becomes empty goes straight back to the frame allocator, so a cache's
 * page count returns to its start value when its objects are all freed.
 * kmalloc() rounds small sizes up to a power of two (16..1024 bytes, one cache
 * each) and takes larger ones as runs of whole frames with a header in front.
 * Running out of memory returns NULL; freeing something that was not
 * allocated here, or freeing twice, panics (a kernel bug).
 *
 * The kernel is not preemptible: callers run with interrupts off.
 */
#include "kernel.h"
#include <mica/memstat.h>

#define SLAB_MAGIC      0x534C4142u     /* "SLAB" */
#define BIG_MAGIC       0x42494721u     /* "BIG!" */
#define SLAB_HEADER     64              /* bytes before the first object */
#define KMEM_ALIGN      16
#define KMEM_MAX_CACHES 32
#define KMALLOC_MIN     16
#define KMALLOC_MAX     1024            /* larger: whole frames */

struct slab {
    uint32_t magic;
    uint32_t inuse;                     /* objects handed out from this slab */
    struct kmem_cache *cache;
    struct slab *prev, *next;           /* in the cache's partial or full list */
    void *free;                         /* first free object */
};
_Static_assert(sizeof(struct slab) <= SLAB_HEADER, "slab header too big");

/* A large kmalloc: frames whose first SLAB_HEADER bytes hold this. */
struct big {
    uint32_t magic;
    uint32_t pages;
};

struct kmem_cache {
    char name[MICA_KMEM_NAME_MAX];
    uint32_t size;                      /* object size, a multiple of KMEM_ALIGN */
    uint32_t per_slab;
    struct slab *partial;               /* slabs with at least one free object */
    struct slab *full;
    uint64_t inuse, allocs, frees, pages;
    bool live;
};

static struct kmem_cache caches[KMEM_MAX_CACHES];
static struct kmem_cache *kmalloc_caches[7];        /* 16, 32, ..., 1024 */
static struct kmem_cache *big_cache;                /* counters only */

static void list_push(struct slab **head, struct slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void list_remove(struct slab **head, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
}

/* A new cache of objects of size bytes (1..KMEM_MAX_OBJECT), or NULL when the
 * size is out of range or the cache table is full. name is copied (cut to 15
 * characters). */
struct kmem_cache *kmem_cache_create(const char *name, size_t size)
{
    if (size == 0 || size > KMEM_MAX_OBJECT)
        return NULL;
    for (int i = 0; i < KMEM_MAX_CACHES; i++) {
        struct kmem_cache *c = &caches[i];
        if (c->live)
            continue;
        memset(c, 0, sizeof *c);
        strlcpy(c->name, name, sizeof c->name);
        c->size = ALIGN_UP(size, KMEM_ALIGN);
        c->per_slab = (PAGE_SIZE - SLAB_HEADER) / c->size;
        c->live = true;
        return c;
    }
    return NULL;
}

/* Retire a cache. Returns -E_BUSY, changing nothing, while objects are in use. */
int kmem_cache_destroy(struct kmem_cache *c)
{
    if (c->inuse)
        return -E_BUSY;
    c->live = false;
    return 0;
}

static struct slab *slab_new(struct kmem_cache *c)
{
    uint64_t pa = pmm_alloc();
    if (!pa)
        return NULL;
    struct slab *s = P2V(pa);
    *s = (struct slab){ .magic = SLAB_MAGIC, .cache = c };
    char *obj = (char *)s + SLAB_HEADER + (c->per_slab - 1) * c->size;
    for (uint32_t i = 0; i < c->per_slab; i++, obj -= c->size) {
        *(void **)obj = s->free;            /* pushed last to first: handed out in order */
        s->free = obj;
    }
    c->pages++;
    return s;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
    struct slab *s = c->partial;
    if (!s) {
        if (!(s = slab_new(c)))
            return NULL;
        list_push(&c->partial, s);
    }
    void *obj = s->free;
    s->free = *(void **)obj;
    if (++s->inuse == c->per_slab) {
        list_remove(&c->partial, s);
        list_push(&c->full, s);
    }
    c->inuse++;
    c->allocs++;
    return obj;
}

/* The slab holding obj, after checking obj is an object boundary of it. */
static struct slab *slab_of(void *obj)
{
    struct slab *s = (struct slab *)ALIGN_DOWN((uint64_t)obj, PAGE_SIZE);
    uint64_t off = (uint64_t)obj - (uint64_t)s;
    if ((uint64_t)obj < DIRECT_MAP || V2P(obj) >= pmm_phys_top() || s->magic != SLAB_MAGIC ||
        off < SLAB_HEADER || (off - SLAB_HEADER) % s->cache->size ||
        (off - SLAB_HEADER) / s->cache->size >= s->cache->per_slab)
        panic("kmem: free of %p, which no cache handed out", obj);
    return s;
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    struct slab *s = slab_of(obj);
    /* LAB 2 BEGIN: kmem: free an object back to its slab, and an empty slab's page */
    if (s->cache != c)
        panic("kmem: %p freed to cache %s but belongs to %s", obj, c->name, s->cache->name);
    for (void *f = s->free; f; f = *(void **)f)
        if (f == obj)
            panic("kmem: double free of %p in cache %s", obj, c->name);
    *(void **)obj = s->free;
    s->free = obj;
    if (s->inuse-- == c->per_slab) {
        list_remove(&c->full, s);
        list_push(&c->partial, s);
    }
    c->inuse--;
    c->frees++;
    if (s->inuse == 0) {
        list_remove(&c->partial, s);
        s->magic = 0;
        pmm_free(V2P(s));
        c->pages--;
    }
    /* LAB 2 STUB
    (void)s;
    LAB 2 END */
}

/* size bytes, 16-byte aligned, or NULL (size 0, or out of memory). */
void *kmalloc(size_t size)
{
    if (size == 0)
        return NULL;
    if (size <= KMALLOC_MAX) {
        int i = 0;
        while ((size_t)KMALLOC_MIN << i < size)
            i++;
        return kmem_cache_alloc(kmalloc_caches[i]);
    }
    if (size > (1UL << 30))
        return NULL;
    uint64_t pages = (size + SLAB_HEADER + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t pa = pmm_alloc_run(pages);
    if (!pa)
        return NULL;
    struct big *b = P2V(pa);
    *b = (struct big){ BIG_MAGIC, pages };
    big_cache->inuse++, big_cache->allocs++, big_cache->pages += pages;
    return (char *)b + SLAB_HEADER;
}

void kfree(void *p)
{
    if (!p)
        return;
    struct big *b = (struct big *)((uint64_t)p - SLAB_HEADER);
    if ((uint64_t)p % PAGE_SIZE == SLAB_HEADER && (uint64_t)p >= DIRECT_MAP &&
        V2P(p) < pmm_phys_top() && b->magic == BIG_MAGIC) {
        b->magic = 0;
        big_cache->inuse--, big_cache->frees++, big_cache->pages -= b->pages;
        pmm_free_run(V2P(b), b->pages);
        return;
    }
    struct slab *s = slab_of(p);
    kmem_cache_free(s->cache, p);
}

void kmem_init(void)
{
    static char names[7][MICA_KMEM_NAME_MAX];
    for (int i = 0; i < 7; i++) {
        snprintf(names[i], sizeof names[i], "kmalloc-%d", KMALLOC_MIN << i);
        kmalloc_caches[i] = kmem_cache_create(names[i], KMALLOC_MIN << i);
    }
    big_cache = kmem_cache_create("kmalloc-big", KMEM_ALIGN);   /* counters only */
    big_cache->size = PAGE_SIZE;
    big_cache->per_slab = 0;
}

/* Counters of the index-th live cache; -E_NOENT past the last one. */
int kmem_stat(int index, struct mica_kmem_stat *st)
{
    for (int i = 0; i < KMEM_MAX_CACHES; i++) {
        struct kmem_cache *c = &caches[i];
        if (!c->live || index-- > 0)
            continue;
        memset(st, 0, sizeof *st);
        memcpy(st->name, c->name, sizeof st->name);
        st->object_size = c->size;
        st->pages = c->pages;
        st->inuse = c->inuse;
        st->allocs = c->allocs;
        st->frees = c->frees;
        return 0;
    }
    return -E_NOENT;
}

/* The counters of one cache by name; -E_NOENT if there is none. */
int kmem_stat_by_name(const char *name, struct mica_kmem_stat *st)
{
    for (int i = 0; kmem_stat(i, st) == 0; i++)
        if (strcmp(st->name, name) == 0)
            return 0;
    return -E_NOENT;
}

void kmem_dump(void)
{
    struct mica_kmem_stat st;
    for (int i = 0; kmem_stat(i, &st) == 0; i++)
        kprintf("kmem: cache=%s size=%u inuse=%lu allocs=%lu frees=%lu pages=%u\n",
                st.name, st.object_size, st.inuse, st.allocs, st.frees, st.pages);
}
