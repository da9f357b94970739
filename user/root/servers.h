/*
 * servers.h: the root task starts the system's servers as processes
 * (servers.c) and keeps what it needs to talk to them and start programs.
 */
#ifndef ROOT_SERVERS_H
#define ROOT_SERVERS_H

#include <spawn.h>

#define SYSTEM_PROCS 8          /* processes started here that the process manager adopts */

struct system {
    struct frame_pool pool;     /* memory for processes */
    const void *archive;        /* the boot archive (initrd) */
    size_t archive_size;
    cap_t names_ep;             /* the name server's endpoint, all rights */
    cap_t names;                /* the root's badged capability to it (register, lookup) */
    cap_t block_ep, fs_ep;      /* the servers' endpoints, all rights */
    uint64_t next_pid;
    struct process procs[SYSTEM_PROCS]; /* the first ones system_spawn() started, in order */
    const char *proc_names[SYSTEM_PROCS]; /* and their names */
    unsigned nprocs;
    cap_t proc;                 /* the process manager, SEND and GRANT, unbadged (a manager) */
};

/* Start names, block and fs in that order, register block and fs, seed the
 * file system from the archive. Prints "init: started <name> pid=<n> ...".
 * Returns 0 or the first error. */
long servers_start(struct system *sys);

/* Start bin/proc (its own memory for programs, a copy of the archive),
 * then let it adopt every process started so far. Sets sys->proc. */
long system_start_proc(struct system *sys);

/* Start archive program path (e.g. "bin/fstest") with arguments and
 * capabilities; prints "init: started ..." and fills *p and *pid. */
long system_spawn(struct system *sys, const char *path, int argc, const char *const *argv,
                  const struct spawn_cap *caps, unsigned ncaps, struct process *p, uint64_t *pid);

#endif
