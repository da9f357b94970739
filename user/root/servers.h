/*
 * servers.h: the root task starts the system's servers as processes
 * (servers.c) and keeps what it needs to talk to them and start programs.
 */
#ifndef ROOT_SERVERS_H
#define ROOT_SERVERS_H

#include <spawn.h>
#include <fsclient.h>

struct system {
    struct frame_pool pool;     /* memory for processes */
    const void *archive;        /* the boot archive (initrd) */
    size_t archive_size;
    cap_t names_ep;             /* the name server's endpoint, all rights */
    cap_t names;                /* the root's badged capability to it (register, lookup) */
    cap_t block_ep, fs_ep;      /* the servers' endpoints, all rights */
    uint64_t next_pid;
    cap_t proc;                 /* the process manager, SEND and GRANT, unbadged (a manager) */
};

/* Copy the archive into a piece of pool (filled through a one-page window at
 * `window` in this task); returns a read-only, mappable capability to it. */
long archive_copy(struct frame_pool *pool, const void *archive, size_t size, uint64_t window);

/* Copy every file of the archive but the programs (bin/) into the file
 * system behind fs, making directories as needed; counts them in *files. */
long seed_files(const struct fs_client *fs, const void *archive, size_t size, unsigned *files);

/* Start names, block and fs in that order, register block and fs, seed the
 * file system from the archive. Prints "init: started <name> pid=<n> ...".
 * Returns 0 or the first error. */
long servers_start(struct system *sys);


/* Start archive program path (e.g. "bin/fstest") with arguments and
 * capabilities; prints "init: started ..." and fills *p and *pid. */
long system_spawn(struct system *sys, const char *path, int argc, const char *const *argv,
                  const struct spawn_cap *caps, unsigned ncaps, struct process *p, uint64_t *pid);

#endif
