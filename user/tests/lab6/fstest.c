/*
 * fstest.c: a client process (bin/fstest, started by the root task's
 * "servers" scenario) that finds the file server through the name server and
 * uses it. Its capabilities (mica/proto/proc.h): PROC_CAP_NAMES, a name-server
 * capability with the lookup permission, and PROC_CAP_DEP, one without.
 * Prints what it observes, for the grader to check:
 *   "fstest: argc=<n>", "fstest: argv[<i>]=<s>"
 *   "fstest: lookup name=<n> via=<lookup|nolookup> ret=<r> rights=<r>"
 *   "fstest: cap type=<t> rights=<r>"             the capability received
 *   "fstest: op=<name> ret=<r>"                    calls and their results
 *   "fstest: read path=<p> size=<n> fnv=<hex>"     whole file, 100-byte reads
 *   "fstest: big size=<n> written=<n> blocks=<n> fnv=<hex>"
 */
#include <stdio.h>
#include <string.h>
#include <sys.h>
#include <messaging.h>
#include <mica/error.h>
#include <mica/proto/names.h>
#include <mica/proto/proc.h>
#include <fsclient.h>

#define BIG_SIZE  (7 * 1024 + 77)       /* 29 blocks: direct and indirect */
#define RECV_SLOT 20                    /* where looked-up capabilities arrive */
#define FNV_INIT  0xcbf29ce484222325UL

static struct ipc_buffer buf __attribute__((aligned(4096)));

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    while (n--)
        h = (h ^ *p++) * 0x100000001b3UL;
    return h;
}

/* Byte i of the big file (the grader computes the same). */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 7 + (i >> 8) * 3 + 5);
}

/* Look name up through names capability `via`; the capability lands in RECV_SLOT. */
static long lookup(cap_t via, const char *via_name, const char *name)
{
    struct names_request rq = { .rights = 0 };
    uint64_t w[PROTO_WORDS(rq)];
    struct ipc_msg m;
    strlcpy(rq.name, name, sizeof rq.name);
    memcpy(w, &rq, sizeof rq);
    for (unsigned i = IPC_REG_WORDS; i < PROTO_WORDS(rq); i++)
        buf.words[i] = w[i];
    buf.recv_slot = RECV_SLOT;
    long r = ipc_call(via, MSG_INFO(NAMES_LOOKUP, PROTO_WORDS(rq), 0), w, &m);
    if (r == 0)
        r = -(long)MSG_LABEL(m.info);
    printf("fstest: lookup name=%s via=%s ret=%ld rights=%lu cap=%d\n", name, via_name, r,
           r == 0 ? m.w[0] : 0, MSG_HAS_CAP(m.info) ? 1 : 0);
    buf.recv_slot = 0;
    return r;
}

static void read_whole(const struct fs_client *c, const char *path)
{
    struct fs_file f;
    uint8_t data[100];
    uint64_t h = FNV_INIT, size = 0;
    long n = fsc_open(c, &f, path, 0);
    while (n >= 0 && (n = fsc_read(c, &f, data, sizeof data)) > 0) {
        h = fnv(h, data, (size_t)n);
        size += (uint64_t)n;
    }
    printf("fstest: read path=%s size=%lu fnv=0x%lx ret=%ld\n", path, size, h, n);
}

static void big_file(const struct fs_client *c)
{
    struct fs_file f;
    struct fs_stat st = { 0 };
    uint8_t data[FS_IO_MAX];
    uint64_t written = 0, h = FNV_INIT;
    long r = fsc_open(c, &f, "/tmp/big", FS_O_CREATE | FS_O_TRUNC);
    while (r >= 0 && written < BIG_SIZE) {
        uint64_t n = BIG_SIZE - written < 150 ? BIG_SIZE - written : 150;   /* straddles blocks */
        for (uint64_t i = 0; i < n; i++)
            data[i] = pattern(written + i);
        r = fsc_write(c, &f, data, n);
        written += r > 0 ? (uint64_t)r : 0;
    }
    f.offset = 0;
    while (r >= 0 && (r = fsc_read(c, &f, data, sizeof data)) > 0)
        h = fnv(h, data, (size_t)r);
    fsc_stat(c, "/tmp/big", &st);
    printf("fstest: big size=%lu written=%lu blocks=%u fnv=0x%lx\n", st.size, written, st.blocks, h);
}

int main(int argc, char **argv)
{
    struct cap_info ci = { 0 };
    ipc_buffer_register(&buf);
    printf("fstest: argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("fstest: argv[%d]=%s\n", i, argv[i]);

    lookup(PROC_CAP_DEP, "nolookup", "fs");
    lookup(PROC_CAP_NAMES, "lookup", "nosuchserver");
    if (lookup(PROC_CAP_NAMES, "lookup", "fs") < 0)
        return 1;
    long r = sys_cap_info(RECV_SLOT, (long)&ci);
    printf("fstest: cap ret=%ld type=%d rights=%u\n", r, ci.type, ci.rights);
    struct ipc_msg m;
    printf("fstest: op=recv_on_fs ret=%ld\n", ipc_recv(RECV_SLOT, 0, &m));
    printf("fstest: op=own_space ret=%ld\n", sys_thread_create(CAP_SELF_SPACE, 0));

    struct fs_client c = { RECV_SLOT, &buf };
    struct fs_file f;
    struct fs_stat st;
    static const char hello[] = "hello from a separate process\n";
    read_whole(&c, "/etc/motd");
    read_whole(&c, "/doc/lines.txt");
    printf("fstest: op=mkdir_tmp ret=%ld\n", fsc_path(&c, FS_MKDIR, "/tmp"));
    r = fsc_open(&c, &f, "/tmp/hello", FS_O_CREATE);
    printf("fstest: op=write_hello ret=%ld\n", r < 0 ? r : fsc_write(&c, &f, hello, sizeof hello - 1));
    read_whole(&c, "/tmp/hello");
    big_file(&c);
    printf("fstest: op=open_missing ret=%ld\n", fsc_open(&c, &f, "/no/such/file", 0));
    printf("fstest: op=stat_missing ret=%ld\n", fsc_stat(&c, "/tmp/missing", &st));
    printf("fstest: op=unlink_big ret=%ld\n", fsc_path(&c, FS_UNLINK, "/tmp/big"));
    printf("fstest: op=stat_unlinked ret=%ld\n", fsc_stat(&c, "/tmp/big", &st));
    return 0;
}
