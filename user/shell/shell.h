/*
 * shell.h: the shell (lab 6), run as a thread of the root task for now.
 */
#ifndef SHELL_H
#define SHELL_H

#include <mica/types.h>

/** The prompt the shell prints before each line (the grader waits for it). */
#define SHELL_PROMPT "mica$ "

/**
 * @brief Read lines from the console server and run them until `halt`.
 * @param machine the machine capability (for halt's power-off).
 * @return only if the console fails: its error.
 */
int shell_run(cap_t machine);

#endif
