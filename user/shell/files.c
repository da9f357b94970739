/*
 * files.c: the shell's file commands and output redirection, through the
 * file server (fsclient.h). The shell keeps a current directory: a word
 * that does not start with '/' is taken relative to it, and "." and ".."
 * are resolved here (the file server accepts only absolute, plain paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mica/error.h>
#include "sh.h"

static char cwd[FS_PATH_MAX] = "/";

/* Where a redirected command's output goes. */
static struct {
    bool active;
    struct fs_file file;
    char path[FS_PATH_MAX];
    long error;                 /* the first failed write, then nothing more is written */
} redir;

struct fs_client *sh_fs(const char *cmd)
{
    static struct fs_client c;
    if (!sh_caps.fs) {
        sh_error("%s: no file server", cmd);
        return NULL;
    }
    c.ep = sh_caps.fs;
    return &c;
}

long path_resolve(const char *arg, char *path)
{
    char joined[2 * FS_PATH_MAX];
    size_t n = 0;
    if (strlen(arg) >= FS_PATH_MAX)
        return -E_NAMETOOLONG;
    strcpy(joined, arg[0] == '/' ? "" : cwd);
    strcat(joined, "/");
    strcat(joined, arg);
    for (char *p = joined; *p;) {
        while (*p == '/')
            p++;
        char *name = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        if (len == 0 || (len == 1 && name[0] == '.'))
            continue;
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            while (n > 0 && path[--n] != '/')
                ;                       /* drop the last name; "/.." stays "/" */
            continue;
        }
        if (n + 1 + len >= FS_PATH_MAX)
            return -E_NAMETOOLONG;
        path[n++] = '/';
        memcpy(path + n, name, len);
        n += len;
    }
    if (n == 0)
        path[n++] = '/';
    path[n] = '\0';
    return 0;
}

/* Resolve arg for cmd; on failure report "sh: cmd: arg: why". */
static bool resolve(const char *cmd, const char *arg, char *path)
{
    long r = path_resolve(arg, path);
    if (r < 0)
        sh_error("%s: %s: %s", cmd, arg, mica_strerror(r));
    return r == 0;
}

/* ---- redirection --------------------------------------------------------------- */

long redirect_open(const struct command *c)
{
    /* LAB 6 BEGIN: shell: redirection: open the target (create; truncate or append) */
    struct fs_client *fs = sh_fs(c->redirect);
    struct fs_stat st;
    if (!fs)
        return -E_BADCAP;
    long r = path_resolve(c->redirect, redir.path);
    if (r == 0)
        r = fsc_open(fs, &redir.file, redir.path, FS_O_CREATE | (c->append ? 0 : FS_O_TRUNC));
    if (r == 0 && c->append && (r = fsc_stat(fs, redir.path, &st)) == 0)
        redir.file.offset = st.size;
    if (r < 0)
        return r;
    redir.active = true;
    redir.error = 0;
    return 0;
    /* LAB 6 STUB
    return -E_NOSYS;
    LAB 6 END */
}

bool redirect_write(const char *s, size_t n)
{
    if (!redir.active)
        return false;
    /* LAB 6 BEGIN: shell: redirection: write the output, remember the first error */
    if (redir.error == 0) {
        long r = fsc_write_all(sh_fs("write"), &redir.file, s, n);
        if (r < 0)
            redir.error = r;
    }
    /* LAB 6 END */
    return true;
}

long redirect_close(void)
{
    redir.active = false;
    return redir.error;
}

/* ---- the commands -------------------------------------------------------------- */

static const char *kind(uint32_t type)
{
    return type == FS_TYPE_DIR ? "dir" : type == FS_TYPE_FILE ? "file" : "?";
}

/* List one path: a directory's entries (in the file server's order), or the file. */
static int ls_one(struct fs_client *fs, const char *arg, bool title)
{
    char path[FS_PATH_MAX], child[FS_PATH_MAX];
    struct fs_stat st;
    struct fs_file dir;
    struct fs_dirent d;
    long r;
    if (!resolve("ls", arg, path))
        return 1;
    if ((r = fsc_stat(fs, path, &st)) == 0 && st.type == FS_TYPE_DIR)
        r = fsc_open(fs, &dir, path, FS_O_DIR);
    if (r < 0) {
        sh_error("ls: %s: %s", arg, mica_strerror(r));
        return 1;
    }
    if (st.type != FS_TYPE_DIR) {
        outf("%-4s %7lu %s\n", kind(st.type), st.size, arg);
        return 0;
    }
    if (title)
        outf("%s:\n", arg);
    while ((r = fsc_readdir(fs, &dir, &d)) > 0) {
        int n = snprintf(child, sizeof child, "%s/%s", strcmp(path, "/") ? path : "", d.name);
        if (n < (int)sizeof child && fsc_stat(fs, child, &st) == 0)
            outf("%-4s %7lu %s\n", kind(d.type), st.size, d.name);
        else
            outf("%-4s %7s %s\n", kind(d.type), "?", d.name);
    }
    fsc_close(fs, &dir);
    if (r < 0) {
        sh_error("ls: %s: %s", arg, mica_strerror(r));
        return 1;
    }
    return 0;
}

int cmd_ls(int argc, char **argv)
{
    struct fs_client *fs = sh_fs("ls");
    int bad = 0;
    if (!fs)
        return 1;
    if (argc == 1)
        return ls_one(fs, ".", false);
    for (int i = 1; i < argc; i++)
        bad |= ls_one(fs, argv[i], argc > 2);
    return bad;
}

static int cat_one(struct fs_client *fs, const char *arg)
{
    char path[FS_PATH_MAX], data[FS_IO_MAX];
    struct fs_file f;
    if (!resolve("cat", arg, path))
        return 1;
    if (redir.active && strcmp(path, redir.path) == 0) {
        sh_error("cat: %s: is the output file", arg);
        return 1;
    }
    long r = fsc_open(fs, &f, path, 0);
    while (r >= 0 && redir.error == 0 && (r = fsc_read(fs, &f, data, sizeof data)) > 0)
        out_write(data, (size_t)r);         /* stops early when the output file failed */
    if (r < 0) {
        sh_error("cat: %s: %s", arg, mica_strerror(r));
        return 1;
    }
    fsc_close(fs, &f);
    return 0;
}

int cmd_cat(int argc, char **argv)
{
    struct fs_client *fs = sh_fs("cat");
    int bad = 0;
    if (!fs)
        return 1;
    if (argc == 1)
        sh_error("usage: cat PATH...");
    for (int i = 1; i < argc; i++)
        bad |= cat_one(fs, argv[i]);
    return bad || argc == 1;
}

/* mkdir and rm: one request per path. */
static int each_path(const char *cmd, uint64_t label, int argc, char **argv)
{
    struct fs_client *fs = sh_fs(cmd);
    char path[FS_PATH_MAX];
    int bad = 0;
    if (!fs)
        return 1;
    if (argc == 1) {
        sh_error("usage: %s PATH...", cmd);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!resolve(cmd, argv[i], path)) {
            bad = 1;
            continue;
        }
        long r = fsc_path(fs, label, path);
        if (r < 0) {
            sh_error("%s: %s: %s", cmd, argv[i], mica_strerror(r));
            bad = 1;
        }
    }
    return bad;
}

int cmd_mkdir(int argc, char **argv)
{
    return each_path("mkdir", FS_MKDIR, argc, argv);
}

int cmd_rm(int argc, char **argv)
{
    return each_path("rm", FS_UNLINK, argc, argv);
}

int cmd_cd(int argc, char **argv)
{
    struct fs_client *fs = sh_fs("cd");
    const char *arg = argc > 1 ? argv[1] : "/";
    char path[FS_PATH_MAX];
    struct fs_stat st;
    if (!fs || !resolve("cd", arg, path))
        return 1;
    if (argc > 2) {
        sh_error("usage: cd [PATH]");
        return 1;
    }
    long r = fsc_stat(fs, path, &st);
    if (r == 0 && st.type != FS_TYPE_DIR)
        r = -E_NOTDIR;
    if (r < 0) {
        sh_error("cd: %s: %s", arg, mica_strerror(r));
        return 1;
    }
    strcpy(cwd, path);
    return 0;
}

int cmd_pwd(int argc, char **argv)
{
    outf("%s\n", cwd);
    return 0;
}
