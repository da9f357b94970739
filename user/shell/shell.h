/*
 * shell.h: the shell (lab 6). bin/sh (main.c) runs it as a program with the
 * capabilities mica/proto/proc.h lists for it; the root task could run it as
 * a thread too, with the capabilities it holds.
 */
#ifndef SHELL_H
#define SHELL_H

#include <mica/types.h>

/** The prompt the shell prints before each line (the grader waits for it). */
#define SHELL_PROMPT "mica$ "

/** What the shell can reach; 0 for what it was not given (its commands then say so). */
struct shell_caps {
    cap_t machine;              /* halt: a machine capability */
    cap_t fs;                   /* ls, cat, mkdir, rm, cd, redirection: the file server */
    cap_t proc;                 /* programs, ps, kill: the process manager */
    cap_t rs;                   /* crash, service: the reincarnation server */
};

/**
 * @brief Read lines from the console server and run them until `halt`.
 * @param caps the servers the commands use.
 * @return only if the console fails: its error.
 */
int shell_run(const struct shell_caps *caps);

#endif
