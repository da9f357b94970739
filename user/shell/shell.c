/*
 * shell.c: the shell. Prints SHELL_PROMPT, reads a line from the console
 * server, splits it into words at blanks, and runs the built-in its first
 * word names, or else the program bin/<word> (procs.c). Errors are one
 * line, "sh: <what>", and the shell goes on, whatever the line was.
 *
 *   help  echo  halt                   here
 *   ls  cat  mkdir  rm  cd  pwd        files.c, through the file server
 *   ps  kill  crash  service           procs.c, through proc and rs
 *
 * A line is: words, at most one "> FILE" (create or truncate) or
 * ">> FILE" (append) anywhere after the first word, and an optional final
 * "&" (programs only: do not wait). "> FILE" alone creates or empties FILE.
 */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys.h>
#include <consio.h>
#include <mica/error.h>
#include <mica/proto/console.h>
#include "sh.h"

struct shell_caps sh_caps;

/* The last byte the shell wrote to the console (0: none yet), so that the
 * prompt and errors start on a line of their own. */
static char console_last;

static void console_out(const char *s, size_t n)
{
    if (n > 0) {
        console_write(s, n);
        console_last = s[n - 1];
    }
}

void out_write(const char *s, size_t n)
{
    if (!redirect_write(s, n))
        console_out(s, n);
}

void sh_error(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + 4, sizeof line - 5, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 6)
        n = sizeof line - 6;
    memcpy(line, "sh: ", 4);
    line[4 + n] = '\n';
    if (console_last != '\n' && console_last != 0)
        console_out("\n", 1);
    console_out(line, 4 + n + 1);
}

void outf(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        out_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* ---- built-ins of this file ---------------------------------------------------- */

static int cmd_help(int argc, char **argv);

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        out_write(argv[i], strlen(argv[i]));
        out_write(i + 1 < argc ? " " : "\n", 1);
    }
    if (argc == 1)
        out_write("\n", 1);
    return 0;
}

static int cmd_halt(int argc, char **argv)
{
    long r = sh_caps.machine ? sys_poweroff(sh_caps.machine, 0) : -E_BADCAP;
    sh_error("halt: %s", mica_strerror(r));
    return 1;
}

static const struct builtin {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *help;
} builtins[] = {
    { "help", cmd_help, "", "list the built-in commands" },
    { "echo", cmd_echo, "WORD...", "print the words" },
    { "ls", cmd_ls, "[PATH...]", "list directories: kind, size, name" },
    { "cat", cmd_cat, "PATH...", "print files" },
    { "mkdir", cmd_mkdir, "PATH...", "make directories" },
    { "rm", cmd_rm, "PATH...", "remove files and empty directories" },
    { "cd", cmd_cd, "[PATH]", "change the current directory (/ without PATH)" },
    { "pwd", cmd_pwd, "", "print the current directory" },
    { "ps", cmd_ps, "", "processes: pid, parent, state, threads, CPU ticks, name" },
    { "kill", cmd_kill, "PID...", "end processes" },
    { "crash", cmd_crash, "SERVER [N]", "make a server crash now, or within its next N requests" },
    { "service", cmd_service, "up|status NAME [PATH]", "supervise program PATH as NAME, or show NAME" },
    { "halt", cmd_halt, "", "power off" },
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static int cmd_help(int argc, char **argv)
{
    for (unsigned i = 0; i < NBUILTINS; i++)
        outf("%-7s %-21s %s\n", builtins[i].name, builtins[i].usage, builtins[i].help);
    outf("NAME [ARG...] runs the program bin/NAME; add '> FILE', '>> FILE' or a final '&'\n");
    return 0;
}

/* ---- reading and running lines ------------------------------------------------- */

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Split line in place into c (see the top of the file for the syntax).
 * Returns NULL, or what is wrong with the line. */
static const char *parse(char *line, struct command *c)
{
    bool want_file = false;
    memset(c, 0, sizeof *c);
    for (char *p = line;;) {
        while (blank(*p))
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (c->background)
            return "syntax error: '&' must end the line";
        if (*p == '>') {
            if (want_file)
                return "syntax error: '>' needs a file name";
            if (c->redirect)
                return "syntax error: one '>' per command";
            *p++ = '\0';
            c->append = *p == '>';
            if (c->append)
                *p++ = '\0';
            want_file = true;
        } else if (*p == '&') {
            if (want_file)
                return "syntax error: '>' needs a file name";
            *p++ = '\0';
            c->background = true;
        } else {
            char *word = p;
            while (*p && !blank(*p) && *p != '>' && *p != '&')
                p++;                    /* the next round ends the word with a NUL */
            if (want_file) {
                c->redirect = word;
                want_file = false;
            } else if (c->argc == SH_MAX_WORDS) {
                return "too many words (at most 32)";
            } else {
                c->argv[c->argc++] = word;
            }
        }
    }
    if (want_file)
        return "syntax error: '>' needs a file name";
    if (c->background && c->argc == 0)
        return "syntax error: '&' needs a command";
    return NULL;
}

static void run_builtin(const struct builtin *b, struct command *c)
{
    if (c->background) {
        sh_error("%s: a built-in cannot run in the background", b->name);
        return;
    }
    if (c->redirect) {
        long r = redirect_open(c);
        if (r < 0) {
            sh_error("%s: %s", c->redirect, mica_strerror(r));
            return;
        }
    }
    b->fn(c->argc, c->argv);
    if (c->redirect) {
        long r = redirect_close();
        if (r < 0)
            sh_error("%s: %s", c->redirect, mica_strerror(r));
    }
}

static void run_line(char *line)
{
    struct command c;
    const char *why = parse(line, &c);
    if (why) {
        sh_error("%s", why);
        return;
    }
    if (c.argc == 0) {
        if (c.redirect) {               /* "> FILE" alone: create or empty it */
            long r = redirect_open(&c);
            if (r == 0)
                r = redirect_close();
            if (r < 0)
                sh_error("%s: %s", c.redirect, mica_strerror(r));
        }
        return;
    }
    for (unsigned i = 0; i < NBUILTINS; i++)
        if (strcmp(c.argv[0], builtins[i].name) == 0) {
            run_builtin(&builtins[i], &c);
            return;
        }
    program_run(&c);
}

int shell_run(const struct shell_caps *caps)
{
    char line[CONSOLE_IO_MAX + 1];
    sh_caps = *caps;
    for (;;) {
        jobs_reap();
        if (console_last != '\n' && console_last != 0)
            console_out("\n", 1);
        console_out(SHELL_PROMPT, strlen(SHELL_PROMPT));
        long n = console_readline(line, sizeof line);
        if (n < 0) {
            printf("sh: reading the console: %s\n", mica_strerror(n));
            return (int)n;
        }
        console_last = '\n';            /* the console echoed the line and its end */
        run_line(line);
    }
}
