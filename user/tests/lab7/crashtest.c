/*
 * crashtest.c: crash the servers and count what is lost (bin/crashtest,
 * lab 7; started by the root task's "recover" scenario). Capabilities
 * (mica/proto/proc.h): PROC_CAP_NAMES (lookup), PROC_CAP_CONSOLE (its
 * output goes through the console server), PROC_CAP_RS, PROC_CAP_FS.
 *
 * 1. Records: RECORDS records of REC_SIZE bytes are written to /records,
 *    record i at offset i * REC_SIZE (record(): "rec <i> " and letters
 *    from i, the grader computes the same), while the file server is told
 *    again and again (RS_CRASH, after = CRASH_AFTER) to crash within its
 *    next requests -- in the middle of a write. A crash is seen as the
 *    restart count (RS_STATUS) going up; the next one is ordered PACE ticks
 *    later, so the policy's window never fills. Then one crash at once, and
 *    every record is read back (with crashes still ordered) and compared.
 *    Then a mkdir, a rename and an exclusive create, each cut off by a
 *    crash in its middle: the library repeats only the mkdir.
 * 2. Checks: PROTO_CRASH without the supervisor's badge; malformed and
 *    refused rs requests.
 * 3. The console server crashed at once, and within its next requests,
 *    while this program prints through it.
 * 4. bin/badsrv supervised (RS_SUPERVISE): it crashes at start; rs gives
 *    up on it, and a call waiting on it ends.
 * 5. A second block server supervised as "block2" and stopped (RS_STOP).
 *
 * Lines (key=value, for the grader):
 *   crashtest: start records=<M> size=<R> after=<A>
 *   crashtest: arm server=<s> after=<a> seed=<n> ret=<r>
 *   crashtest: unacked record=<i> ret=<r>             a write that failed
 *   crashtest: sum first=<i> count=<n> fnv=<hex> ret=<r>   records as read back
 *   crashtest: bad record=<i>                         differs from record(i)
 *   crashtest: op=<name> ret=<r>                      operations cut off by a crash,
 *                                                     and the checks of part 2
 *   crashtest: renamed from=<0|1> to=<0|1>            which names a cut-off rename left
 *   crashtest: crashes=<N> records=<M> lost=<L> unacked=<U> size=<bytes>
 *   crashtest: console line=<i> of=<n>                part 3
 *   crashtest: badsrv call ret=<r> state=<s> restarts=<n>
 *   crashtest: block2 state=<s> restarts=<n>
 *   crashtest: done
 */
#include <stdio.h>
#include <string.h>
#include <sys.h>
#include <rpc.h>
#include <consio.h>
#include <naming.h>
#include <fsclient.h>
#include <mica/error.h>
#include <mica/proto/proc.h>
#include <mica/proto/rs.h>

#define RECORDS      160        /* records written */
#define REC_SIZE     64         /* bytes per record */
#define SUM_RECORDS  10         /* records per checksum line */
#define CRASH_AFTER  8          /* the fs crashes within its next 8 requests */
#define PACE         25         /* ticks between a crash and the next order */
#define CONSOLE_LINES 6         /* lines printed across the console's crashes */
#define BADSRV_MAX_RESTARTS 3   /* rs gives up on bin/badsrv after 4 crashes */
#define BADSRV_WINDOW 1000
#define BADSRV_SLOT  40         /* where the badsrv lookup lands */
#define FNV_INIT     0xcbf29ce484222325UL

static struct ipc_buffer *buf;
static struct fs_client fs;
static uint64_t seed, fs_restarts, crashes;

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
    while (n--)
        h = (h ^ *p++) * 0x100000001b3UL;
    return h;
}

/* Record i: "rec 00042 " then letters from i and the column, then '\n'. */
static void record(unsigned i, char out[REC_SIZE])
{
    int n = snprintf(out, REC_SIZE, "rec %05u ", i);
    for (int j = n; j < REC_SIZE - 1; j++)
        out[j] = (char)('a' + (i * 7 + (unsigned)j * 11) % 26);
    out[REC_SIZE - 1] = '\n';
}

static long rs_call(uint64_t label, const void *rq, unsigned words, void *rp, unsigned rp_words)
{
    return rpc_call(PROC_CAP_RS, buf, label, rq, words, rp, rp_words, NULL);
}

static long rs_status(const char *name, struct rs_status *st)
{
    struct rs_name rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.name, name, sizeof rq.name);
    return rs_call(RS_STATUS, &rq, PROTO_WORDS(rq), st, PROTO_WORDS(*st));
}

static long order_crash(const char *name, uint64_t after)
{
    struct rs_crash rq = { .after = after, .seed = ++seed };
    strlcpy(rq.name, name, sizeof rq.name);
    long r = rs_call(RS_CRASH, &rq, PROTO_WORDS(rq), NULL, 0);
    printf("crashtest: arm server=%s after=%lu seed=%lu ret=%ld\n", name, after, seed, r);
    return r;
}

/* Has the fs restarted since we last looked? Then count the crashes and,
 * if again, order the next one PACE ticks later. */
static void count_crashes(bool again)
{
    struct rs_status st;
    if (rs_status("fs", &st) < 0 || st.restarts == fs_restarts)
        return;
    crashes += st.restarts - fs_restarts;
    fs_restarts = st.restarts;
    if (again) {
        sys_sleep(PACE);
        order_crash("fs", CRASH_AFTER);
    }
}

static void keep_crashing(void)
{
    count_crashes(true);
}

/* Wait until rs has restarted the fs after a crash we ordered (RS_CRASH
 * answers when the server died; the restart comes a little later), then
 * count it; again: order the next crash. */
static void wait_restart(bool again)
{
    struct rs_status st;
    for (int i = 0; i < 100 && rs_status("fs", &st) == 0 && st.restarts == fs_restarts; i++)
        sys_sleep(1);
    count_crashes(again);
}

/* Crash the fs at once; wait for the new instance. */
static void crash_fs_now(bool again)
{
    sys_sleep(PACE);
    order_crash("fs", 0);
    wait_restart(again);
}

static unsigned write_records(struct fs_file *f)
{
    unsigned unacked = 0;
    char rec[REC_SIZE];
    for (unsigned i = 0; i < RECORDS; i++) {
        record(i, rec);
        f->offset = (uint64_t)i * REC_SIZE;
        long r = fsc_write(&fs, f, rec, REC_SIZE);
        if (r != REC_SIZE) {
            printf("crashtest: unacked record=%u ret=%ld\n", i, r);
            unacked++;
        }
        keep_crashing();
    }
    return unacked;
}

/* Read records [first, first + n) back; count those that differ. */
static unsigned read_records(struct fs_file *f, unsigned first, unsigned n)
{
    uint8_t got[SUM_RECORDS * REC_SIZE];
    size_t want = (size_t)n * REC_SIZE, have = 0;
    long r = 0;
    f->offset = (uint64_t)first * REC_SIZE;
    while (have < want && (r = fsc_read(&fs, f, got + have, want - have)) > 0) {
        have += (size_t)r;
        keep_crashing();
    }
    printf("crashtest: sum first=%u count=%u fnv=0x%lx ret=%ld\n", first, n,
           fnv(FNV_INIT, got, have), r < 0 ? r : 0);
    unsigned bad = 0;
    for (unsigned i = 0; i < n; i++) {
        char rec[REC_SIZE];
        record(first + i, rec);
        if ((i + 1) * REC_SIZE > have || memcmp(got + i * REC_SIZE, rec, REC_SIZE) != 0) {
            printf("crashtest: bad record=%u\n", first + i);
            bad++;
        }
    }
    return bad;
}

static void op(const char *name, long r);

/* The fs crashes in the middle of its very next request (after = 1). */
static void crash_next_request(void)
{
    sys_sleep(PACE);
    order_crash("fs", 1);
}

/* Operations cut off by a crash: mkdir is repeated (an E_EXIST only the
 * repeat sees is success); rename and an exclusive create are not
 * (E_RESTARTED), and rename leaves the file under one name or both. */
static void not_idempotent(void)
{
    struct fs_file f;
    struct fs_stat st;
    crash_next_request();
    op("mkdir_crashed", fsc_path(&fs, FS_MKDIR, "/crashdir"));
    wait_restart(false);
    op("stat_crashdir", fsc_stat(&fs, "/crashdir", &st));
    op("create_ren_a", fsc_open(&fs, &f, "/ren-a", FS_O_CREATE));
    crash_next_request();
    op("rename_crashed", fsc_rename(&fs, "/ren-a", "/ren-b"));
    wait_restart(false);
    printf("crashtest: renamed from=%d to=%d\n", fsc_stat(&fs, "/ren-a", &st) == 0,
           fsc_stat(&fs, "/ren-b", &st) == 0);
    crash_next_request();
    op("excl_crashed", fsc_open(&fs, &f, "/excl", FS_O_CREATE | FS_O_EXCL));
    wait_restart(false);
}

static void records_part(void)
{
    struct fs_file f;
    struct fs_stat st = { 0 };
    struct rs_status rs;
    printf("crashtest: start records=%d size=%d after=%d\n", RECORDS, REC_SIZE, CRASH_AFTER);
    long r = fsc_open(&fs, &f, "/records", FS_O_CREATE | FS_O_TRUNC);
    if (r < 0) {
        printf("crashtest: open /records ret=%ld\n", r);
        return;
    }
    if (rs_status("fs", &rs) == 0)
        fs_restarts = rs.restarts;
    order_crash("fs", CRASH_AFTER);
    unsigned unacked = write_records(&f);

    /* Once more at once: the reads start on a fresh instance. */
    crash_fs_now(true);
    unsigned lost = 0;
    for (unsigned first = 0; first < RECORDS; first += SUM_RECORDS)
        lost += read_records(&f, first, RECORDS - first < SUM_RECORDS ? RECORDS - first : SUM_RECORDS);

    /* Disarm: a crash ordered but not yet due would hit the next part. */
    crash_fs_now(false);
    not_idempotent();
    r = fsc_stat(&fs, "/records", &st);
    printf("crashtest: crashes=%lu records=%d lost=%u unacked=%u size=%lu ret=%ld\n", crashes,
           RECORDS, lost, unacked, st.size, r);
}

static void op(const char *name, long r)
{
    printf("crashtest: op=%s ret=%ld\n", name, r);
}

static struct rs_supervise supervise_request(const char *name, const char *path)
{
    struct rs_supervise rq;
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.name, name, sizeof rq.name);
    strlcpy(rq.path, path, sizeof rq.path);
    rq.max_restarts = BADSRV_MAX_RESTARTS;
    rq.window_ticks = BADSRV_WINDOW;
    return rq;
}

static void checks_part(void)
{
    struct proto_crash crash = { .after = 0, .seed = 1 };
    struct rs_name name;
    struct rs_crash rc;
    struct rs_status st;
    struct rs_supervise sv;

    op("crash_fs_direct", rpc_call(PROC_CAP_FS, buf, PROTO_CRASH, &crash, PROTO_WORDS(crash),
                                   NULL, 0, NULL));
    op("crash_console_direct", rpc_call(PROC_CAP_CONSOLE, buf, PROTO_CRASH, &crash,
                                        PROTO_WORDS(crash), NULL, 0, NULL));
    memset(&name, 0, sizeof name);
    op("status_short", rs_call(RS_STATUS, &name, 1, &st, PROTO_WORDS(st)));
    memset(name.name, 'x', sizeof name.name);
    op("status_unterminated", rs_call(RS_STATUS, &name, PROTO_WORDS(name), &st, PROTO_WORDS(st)));
    strlcpy(name.name, "nosuch", sizeof name.name);
    op("status_unknown", rs_call(RS_STATUS, &name, PROTO_WORDS(name), &st, PROTO_WORDS(st)));
    op("unknown_label", rs_call(PROTO_BASE_RS + 99, &name, PROTO_WORDS(name), NULL, 0));
    memset(&rc, 0, sizeof rc);
    strlcpy(rc.name, "nosuch", sizeof rc.name);
    op("crash_unknown", rs_call(RS_CRASH, &rc, PROTO_WORDS(rc), NULL, 0));
    op("crash_short", rs_call(RS_CRASH, &rc, PROTO_WORDS(rc) - 1, NULL, 0));
    sv = supervise_request("bad/name", "bin/badsrv");
    op("supervise_bad_name", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
    sv = supervise_request("x", "bin/badsrv");
    sv.max_restarts = RS_RESTARTS_MAX + 1;
    op("supervise_bad_max", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
    sv = supervise_request("x", "bin/badsrv");
    sv.window_ticks = 0;
    op("supervise_zero_window", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
    sv = supervise_request("x", "bin/nosuch");
    op("supervise_missing_program", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
    sv = supervise_request("fs", "bin/fs");
    op("supervise_existing", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
}

static void console_part(void)
{
    order_crash("console", 0);
    for (int i = 1; i <= CONSOLE_LINES / 2; i++)
        printf("crashtest: console line=%d of=%d\n", i, CONSOLE_LINES);
    order_crash("console", CONSOLE_LINES / 2);
    for (int i = CONSOLE_LINES / 2 + 1; i <= CONSOLE_LINES; i++)
        printf("crashtest: console line=%d of=%d\n", i, CONSOLE_LINES);
}

static void badsrv_part(void)
{
    struct rs_supervise sv = supervise_request("badsrv", "bin/badsrv");
    struct rs_status st = { 0 };
    op("supervise_badsrv", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
    long r = naming_lookup(PROC_CAP_NAMES, buf, "badsrv", BADSRV_SLOT);
    op("lookup_badsrv", r);
    if (r == 0)
        r = rpc_call_retry(BADSRV_SLOT, buf, RPC_IDEMPOTENT, 1, NULL, 0, NULL, 0, NULL, NULL);
    long s = rs_status("badsrv", &st);
    printf("crashtest: badsrv call ret=%ld state=%lu restarts=%lu status_ret=%ld\n", r, st.state,
           st.restarts, s);
}

/* RS_STOP: a second block server, supervised and then stopped for good. */
static void stop_part(void)
{
    struct rs_supervise sv = supervise_request("block2", "bin/block");
    struct rs_name rq;
    struct rs_status st = { 0 };
    op("supervise_block2", rs_call(RS_SUPERVISE, &sv, PROTO_WORDS(sv), NULL, 0));
    memset(&rq, 0, sizeof rq);
    strlcpy(rq.name, "block2", sizeof rq.name);
    op("stop_block2", rs_call(RS_STOP, &rq, PROTO_WORDS(rq), NULL, 0));
    for (int i = 0; i < 100 && rs_status("block2", &st) == 0 && st.state != RS_STOPPED; i++)
        sys_sleep(1);
    op("stop_block2_again", rs_call(RS_STOP, &rq, PROTO_WORDS(rq), NULL, 0));
    printf("crashtest: block2 state=%lu restarts=%lu\n", st.state, st.restarts);
}

int main(int argc, char **argv)
{
    buf = ipc_buffer_self();
    if (!buf)
        return 1;
    console_attach(PROC_CAP_CONSOLE);
    fs = (struct fs_client){ PROC_CAP_FS, buf };
    records_part();
    checks_part();
    console_part();
    badsrv_part();
    stop_part();
    printf("crashtest: done\n");
    return 0;
}
