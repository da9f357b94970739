/*
 * sh.h: what the shell's files share. shell.c reads and parses lines and
 * runs the built-ins; files.c has the file commands and redirection;
 * procs.c runs programs and talks to the process manager and the
 * reincarnation server.
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <stddef.h>
#include <fsclient.h>
#include "shell.h"

#define SH_MAX_WORDS 32         /* words of one command line */

/* A parsed command line: words, at most one redirection, maybe a final '&'. */
struct command {
    int argc;
    char *argv[SH_MAX_WORDS + 1];
    const char *redirect;       /* the file after '>' or '>>', or NULL */
    bool append;                /* '>>' */
    bool background;            /* '&' ended the line */
};

extern struct shell_caps sh_caps;

/* shell.c: output of the command running now (the console, or the file of
 * its redirection), and errors, which always go to the console as one line
 * "sh: <what>". outf() cuts a line at 255 bytes. */
void out_write(const char *s, size_t n);
void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* files.c */
struct fs_client *sh_fs(const char *cmd);      /* the file server, or NULL after an error */
long path_resolve(const char *arg, char *path); /* absolute path[FS_PATH_MAX] of arg */
long redirect_open(const struct command *c);    /* output into c->redirect from now on */
long redirect_close(void);                      /* back to the console; the first write error */
bool redirect_write(const char *s, size_t n);   /* false: no redirection, write to the console */
int cmd_ls(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_mkdir(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_cd(int argc, char **argv);
int cmd_pwd(int argc, char **argv);

/* procs.c */
void program_run(const struct command *c);     /* bin/<argv[0]>, waited for unless '&' */
void jobs_reap(void);                           /* report background programs that ended */
int cmd_ps(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_crash(int argc, char **argv);
int cmd_service(int argc, char **argv);

#endif
