/*
 * shell.c: the shell. Prints SHELL_PROMPT, reads a line from the console
 * server, splits it into words at spaces and runs the built-in its first
 * word names. Errors are one line, "sh: <what>", and the shell goes on.
 *
 *   help              the built-ins
 *   echo WORD...      the words, separated by one space
 *   ps                every thread this process holds a capability to:
 *                     id, state, priority, CPU ticks, name; then kernel totals
 *   crash SERVER      fault injection (lab 7): needs the reincarnation server
 *   halt              power off cleanly (status 0) through the machine capability
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys.h>
#include <consio.h>
#include <mica/cap.h>
#include <mica/error.h>
#include <mica/proto/console.h>
#include "shell.h"

#define MAX_WORDS 16

static cap_t machine_cap;

static int cmd_help(int argc, char **argv);

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    printf("\n");
    return 0;
}

static const char *state_name(int32_t s)
{
    static const char *const names[] = { "suspended", "ready", "running", "sleeping",
                                         "blocked", "dead" };
    return s >= 0 && s < (int32_t)(sizeof names / sizeof names[0]) ? names[s] : "?";
}

static int cmd_ps(int argc, char **argv)
{
    uint64_t seen[CAP_TABLE_SLOTS];
    unsigned nseen = 0;
    struct kernel_stats ks;
    printf("%4s %-9s %4s %6s %s\n", "ID", "STATE", "PRIO", "TICKS", "NAME");
    for (cap_t slot = 0; slot < CAP_TABLE_SLOTS; slot++) {
        struct cap_info ci;
        struct thread_info ti;
        if (sys_cap_info(slot, (long)&ci) < 0 || ci.type != CAP_TYPE_THREAD)
            continue;
        if (sys_thread_info(slot, (long)&ti) < 0)
            continue;
        bool dup = false;
        for (unsigned i = 0; i < nseen; i++)
            dup |= seen[i] == ti.id;
        if (dup)
            continue;
        seen[nseen++] = ti.id;
        printf("%4lu %-9s %4d %6lu %s\n", ti.id, state_name(ti.state), ti.priority, ti.cpu_ticks,
               ti.name);
    }
    if (sys_kernel_stats((long)&ks) == 0)
        printf("ticks=%lu threads=%lu free_frames=%lu switches=%lu\n", ks.ticks, ks.threads,
               ks.free_frames, ks.context_switches);
    return 0;
}

static int cmd_crash(int argc, char **argv)
{
    if (argc != 2) {
        printf("sh: usage: crash SERVER\n");
        return 1;
    }
    printf("sh: crash %s: not available yet: no reincarnation server (lab 7)\n", argv[1]);
    return 1;
}

static int cmd_halt(int argc, char **argv)
{
    long r = sys_poweroff(machine_cap, 0);
    printf("sh: halt: %s\n", mica_strerror(r));
    return 1;
}

static const struct builtin {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} builtins[] = {
    { "help", cmd_help, "list the built-in commands" },
    { "echo", cmd_echo, "print the arguments" },
    { "ps", cmd_ps, "threads with state, priority and CPU ticks" },
    { "crash", cmd_crash, "make a server crash (lab 7)" },
    { "halt", cmd_halt, "power off" },
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static int cmd_help(int argc, char **argv)
{
    for (unsigned i = 0; i < NBUILTINS; i++)
        printf("%-6s %s\n", builtins[i].name, builtins[i].help);
    return 0;
}

/* Split line in place at spaces; returns the number of words. */
static int split(char *line, char **argv)
{
    int argc = 0;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == MAX_WORDS)
            return -1;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

static void run_line(char *line)
{
    char *argv[MAX_WORDS + 1];
    int argc = split(line, argv);
    if (argc < 0) {
        printf("sh: too many words (at most %d)\n", MAX_WORDS);
        return;
    }
    if (argc == 0)
        return;
    for (unsigned i = 0; i < NBUILTINS; i++)
        if (strcmp(argv[0], builtins[i].name) == 0) {
            builtins[i].fn(argc, argv);
            return;
        }
    printf("sh: %s: command not found (try help)\n", argv[0]);
}

int shell_run(cap_t machine)
{
    char line[CONSOLE_IO_MAX + 1];
    machine_cap = machine;
    for (;;) {
        console_write(SHELL_PROMPT, strlen(SHELL_PROMPT));
        long n = console_readline(line, sizeof line);
        if (n < 0) {
            printf("sh: reading the console: %s\n", mica_strerror(n));
            return (int)n;
        }
        run_line(line);
    }
}
