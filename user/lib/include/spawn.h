/**
 * @file spawn.h
 * @brief Starting a program in a new address space, from user space.
 *
 * spawn() loads an ELF64 executable (x86_64, ET_EXEC, e.g. a file of the
 * boot archive) into a space made with sys_space_create(): it checks every
 * header field first, takes one contiguous piece of physical memory from a
 * frame_pool for all the program's pages and its stack, fills each page
 * through a temporary mapping in the caller (copy from the file, zero the
 * rest), maps it into the child with the segment's rights (text R-X, rodata
 * R--, data and bss RW-, stack RW-), writes the argument block at the top of
 * the stack, gives the child the capabilities the caller lists
 * (sys_cap_give()) and starts its first thread.
 *
 * **The child's start.** Its first thread starts at the ELF entry with rsp
 * below the argument block and rdi pointing at a struct spawn_startup, which
 * crt0 turns into main(argc, argv). The child's capability table holds only
 * what the parent gave: not even its own thread or space (least authority).
 *
 * **Memory.** The child's pages belong to the frame capability in
 * struct process.frames, held by the parent: deleting it unmaps every page of
 * the child; frame_pool_put() does that and lets the pages be reused.
 * @code
 * struct frame_pool pool;
 * struct process p;
 * struct spawn_cap caps[] = { { .from = my_ep, .to = CAP_FIRST_FREE } };
 * const char *argv[] = { "hello", "world" };
 * frame_pool_init(&pool, CAP_BOOT_FRAMES);
 * spawn(&pool, &entry, &(struct spawn_params){ .name = "hello", .argc = 2, .argv = argv,
 *       .caps = caps, .ncaps = 1, .priority = PRIO_DEFAULT }, &p);
 * @endcode
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <mica/types.h>
#include <archive.h>

#define SPAWN_STARTUP_MAGIC 0x5452415453434D00ULL   /**< "\0MCSTART" */
#define SPAWN_STACK_TOP     0x00007FFFFFFFF000ULL   /**< the child's initial stack top */
#define SPAWN_STACK_PAGES   16                      /**< 64 KiB of stack, argument block included */
#define SPAWN_ARGS_MAX      2048                    /**< bytes of argument strings and argv[] */
#define SPAWN_ARGC_MAX      32                      /**< arguments at most (argv[0] included) */
#define SPAWN_CAPS_MAX      16                      /**< capabilities given at most */
#define SPAWN_LIMIT         0x0000700000000000ULL   /**< segments end below this address */
/** Where spawn() maps a page of the child into the caller to fill it (one page). */
#define SPAWN_WINDOW        0x0000600000000000ULL

/** What a spawned program's first thread finds at rdi (on its stack). */
struct spawn_startup {
    uint64_t magic;             /**< SPAWN_STARTUP_MAGIC */
    uint64_t argc;              /**< number of arguments, argv[0] the program name */
    char **argv;                /**< argc strings, then NULL */
};

/** Freed pieces a frame_pool remembers at most (merged with their neighbours). */
#define FRAME_POOL_HOLES 64

/**
 * Physical memory to take processes' pages from: a frame range, handed out
 * as pieces (frame capabilities split from it). A piece given back with
 * frame_pool_put() is reused: first fit among the freed pieces, else the
 * never-used end of the range.
 */
struct frame_pool {
    cap_t range;                /**< the frame capability (e.g. CAP_BOOT_FRAMES) */
    uint64_t base;              /**< physical address of its first page */
    uint64_t next;              /**< first page never handed out */
    uint64_t pages;             /**< pages of the range */
    unsigned nholes;            /**< entries used in holes[] */
    /** Freed runs below next, sorted by page, none adjacent to another or to next. */
    struct frame_pool_hole {
        uint64_t page;          /**< first page of the run (index in the range) */
        uint64_t pages;         /**< its length */
    } holes[FRAME_POOL_HOLES];  /**< the freed runs */
};

/** One capability for the child: a slot of the caller, copied to a slot of the child. */
struct spawn_cap {
    cap_t from;                 /**< the caller's slot */
    cap_t to;                   /**< the child's slot (>= 1) */
};

/** spawn_params.flags: create the first thread but do not start it (the caller
 *  starts it with sys_thread_start(), e.g. after registering it with the memory manager). */
#define SPAWN_SUSPENDED 0x1

/** What to start. */
struct spawn_params {
    const char *name;           /**< thread name (traces, ps) */
    int argc;                   /**< 1..SPAWN_ARGC_MAX */
    const char *const *argv;    /**< argc strings */
    const struct spawn_cap *caps; /**< given before the thread starts */
    unsigned ncaps;             /**< 0..SPAWN_CAPS_MAX */
    int priority;               /**< of the first thread */
    /** Stack pages to map, from SPAWN_STACK_TOP down: 1..SPAWN_STACK_PAGES, 0 for all
     *  SPAWN_STACK_PAGES. The caller may declare the stack below them demand-zero
     *  (mm_alloc() of the pages below SPAWN_STACK_TOP - stack_mapped pages). */
    unsigned stack_mapped;
    unsigned flags;             /**< SPAWN_SUSPENDED or 0 */
};

/** A started process, as its parent holds it. */
struct process {
    cap_t space;                /**< the address space (all rights) */
    cap_t thread;               /**< the first thread (all rights: join it for the exit status) */
    cap_t frames;               /**< the memory of all its pages */
    uint64_t entry;             /**< the ELF entry point */
    uint64_t pages;             /**< pages it was given (image and stack) */
};

/**
 * @brief Use the frame range in slot @p range for processes' memory.
 * @param pool filled in.
 * @param range a frame capability with RIGHT_MAP.
 * @return 0 or the error of sys_frame_info().
 */
long frame_pool_init(struct frame_pool *pool, cap_t range);

/**
 * @brief Take @p pages contiguous pages from @p pool.
 * @param pool the pool.
 * @param pages how many.
 * @return a new frame capability slot for them, -E_NOMEM when no free run
 *         is long enough, or the error of sys_frame_split().
 */
long frame_pool_take(struct frame_pool *pool, uint64_t pages);

/**
 * @brief Give a piece from frame_pool_take() back: delete the capability
 *        @p piece (which unmaps every page mapped through it) and let its
 *        pages be taken again.
 * @param pool the pool it came from.
 * @param piece its capability (no copies of it may be left, or the pages
 *        stay in use and the next split of them fails with -E_BUSY).
 * @return 0; -E_INVAL if @p piece is no piece of this pool; -E_FULL if the
 *         pool cannot remember one more freed run (the pages are lost to it).
 */
long frame_pool_put(struct frame_pool *pool, cap_t piece);

/**
 * @brief Pages of @p pool not handed out (the never-used end and the freed runs).
 * @param pool the pool.
 * @return the count.
 */
uint64_t frame_pool_free(const struct frame_pool *pool);

/**
 * @brief Check that @p image (@p size bytes) is an ELF64 x86_64 executable
 *        spawn() can load.
 * @param image the file's first byte.
 * @param size its length in bytes.
 * @param why set to the reason when it is not (may be NULL).
 * @return 0, or -E_NOEXEC with *why set.
 */
long spawn_check(const void *image, size_t size, const char **why);

/**
 * @brief Load @p prog into a new address space and start it (see the file comment).
 * @param pool where the pages come from.
 * @param prog the program's file (e.g. from archive_find()).
 * @param sp name, arguments, capabilities and priority.
 * @param out the process, filled on success.
 * @return 0; -E_NOEXEC for a bad file (prints why), -E_INVAL for bad
 *         arguments (argc, strings too long, too many caps, stack_mapped,
 *         flags), -E_NOMEM when
 *         the pool is exhausted, or the error of the system call that
 *         failed. On failure everything made so far is deleted again.
 *         Not reentrant: it uses the one page at SPAWN_WINDOW.
 */
long spawn(struct frame_pool *pool, const struct archive_entry *prog,
           const struct spawn_params *sp, struct process *out);

#endif
