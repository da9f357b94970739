"""Lab 7: fault tolerance. The reincarnation server (user/servers/rs) restarts
crashed servers on the endpoints their clients hold, and the client library
repeats the idempotent calls a dead server was holding.

init=recover (user/root/recover.c) starts names and bin/rs, which starts the
console, block and file servers; bin/crashtest (user/tests/lab7/crashtest.c)
then writes numbered records while it has the file server crashed again and
again in the middle of its writes, reads every record back, cuts a mkdir,
a rename and an exclusive create off with crashes, crashes the console
server while printing through it, sends refused and malformed
requests, and has rs supervise bin/badsrv, which crashes as it starts.

The tests count what the kernel and rs printed (fault lines, deaths,
restarts) and recompute every record themselves: the record layout and the
counts come from crashtest.c's source, the error numbers and rs's states
from the ABI headers.
"""
from __future__ import annotations

import re

from grader.abi import describe, err
from grader.api import Boot, grade, key_values
from grader.tests.test_lab6_fs import ROOT, fnv, header_int

RECOVER = Boot(args="init=recover", timeout=45)
CRASHTEST = "user/tests/lab7/crashtest.c"
MIN_CRASHES = 20


def crashtest_int(name: str) -> int:
    return header_int(CRASHTEST, name)


def record(i: int) -> bytes:
    """Record i as crashtest.c's record() makes it: "rec %05u " then letters."""
    size = crashtest_int("REC_SIZE")
    head = f"rec {i:05d} ".encode()
    body = bytes(ord("a") + (i * 7 + j * 11) % 26 for j in range(len(head), size - 1))
    return head + body + b"\n"


def lines_of(run) -> list[str]:
    """The scenario's lines, to its end line or the end of the transcript: each
    test checks its own part, so one missing piece (say, rs never giving up,
    which the root task stops after a while) does not fail the others."""
    lines = run.lines
    begin = next((i for i, s in enumerate(lines) if s == "init: scenario recover begin"), None)
    if begin is None:
        raise run.fail("MISSING 'init: scenario recover begin'")
    end = next((i for i in range(begin + 1, len(lines))
                if lines[i].startswith("init: scenario recover end ")), len(lines))
    return lines[begin + 1:end]


def kv(lines: list[str], prefix: str) -> list[dict]:
    return [key_values(s) for s in lines if s.startswith(prefix)]


def the_one(run, lines: list[str], prefix: str) -> dict:
    found = kv(lines, prefix)
    if len(found) != 1:
        raise run.fail(f"expected one line '{prefix} ...', saw {len(found)}")
    return found[0]


def faults(lines: list[str], thread: str) -> list[str]:
    return [s for s in lines if re.match(rf"^fault: thread {thread}#\d+ killed: ", s)]


def deaths_and_restarts(run, lines: list[str], name: str) -> tuple[int, int]:
    """Every death of `name` rs reports is followed by its restart with the
    count one higher; returns (deaths, restarts)."""
    died = [key_values(s) for s in lines if s.startswith(f"rs: {name} died ")]
    restarted = [key_values(s) for s in lines if s.startswith(f"rs: {name} restarted ")]
    want = list(range(len(died)))
    seen = [d.get("restarts") for d in died]
    if seen != want:
        raise run.fail(f"rs: {name} died ... restarts=N: expected N = {want[:8]}..., "
                       f"saw {seen[:8]}...")
    seen = [r.get("restarts") for r in restarted]
    if seen != [n + 1 for n in range(len(restarted))]:
        raise run.fail(f"rs: {name} restarted ... restarts=N: expected 1, 2, 3 ..., saw {seen[:8]}")
    return len(died), len(restarted)


@grade(lab=7, points=10, title="the file server, crashed again and again in the middle of its "
       "writes, is restarted by rs every time", boot=RECOVER)
def test_fs_restarted(run):
    lines = lines_of(run)
    killed = faults(lines, "fs")
    if len(killed) < MIN_CRASHES:
        raise run.fail(f"expected at least {MIN_CRASHES} kernel fault lines for fs threads, "
                       f"saw {len(killed)}")
    died, restarted = deaths_and_restarts(run, lines, "fs")
    if died != len(killed) or restarted != len(killed):
        raise run.fail(f"{len(killed)} fs threads killed, but rs reports {died} deaths and "
                       f"{restarted} restarts")
    kept = [r for r in kv(lines, "fs: ready") if r.get("ret") == 0 and r.get("disk") == "kept"]
    if len(kept) != len(killed):
        raise run.fail(f"expected {len(killed)} new fs instances to mount the old disk "
                       f"('fs: ready ... disk=kept'), saw {len(kept)}")
    total = the_one(run, lines, "crashtest: crashes=")
    if total.get("crashes") != len(killed):
        raise run.fail(f"crashtest counted {total.get('crashes')} crashes, the kernel killed "
                       f"{len(killed)} fs threads")


@grade(lab=7, points=15, title="every record written across the crashes reads back intact "
       "(recomputed by the grader)", boot=RECOVER)
def test_records_intact(run):
    lines = lines_of(run)
    n, size, per = (crashtest_int(k) for k in ("RECORDS", "REC_SIZE", "SUM_RECORDS"))
    sums = {r.get("first"): r for r in kv(lines, "crashtest: sum ")}
    wrong, lost = [], 0
    for first in range(0, n, per):
        count = min(per, n - first)
        want = fnv(b"".join(record(i) for i in range(first, first + count)))
        got = sums.get(first)
        if got is None:
            wrong.append(f"records {first}..{first + count - 1}: MISSING")
            lost += count
        elif got.get("count") != count or got.get("fnv") != want or got.get("ret") != 0:
            seen = got.get("fnv")
            seen = f"{seen:#x}" if isinstance(seen, int) else seen
            wrong.append(f"records {first}..{first + count - 1}: expected fnv={want:#x} ret=0, "
                         f"saw fnv={seen} ret={describe(got.get('ret'))}")
            lost += count
    total = the_one(run, lines, "crashtest: crashes=")
    if wrong:
        raise run.fail(f"{lost} records lost or damaged:\n  " + "\n  ".join(wrong[:10]))
    if total.get("records") != n or total.get("lost") != 0 or total.get("size") != n * size:
        raise run.fail(f"expected records={n} lost=0 size={n * size}, saw {total}")


@grade(lab=7, points=10, title="the library repeats the writes a dead file server held: every "
       "write is acknowledged", boot=RECOVER)
def test_writes_acknowledged(run):
    lines = lines_of(run)
    unacked = [s for s in lines if s.startswith("crashtest: unacked ")]
    total = the_one(run, lines, "crashtest: crashes=")
    if unacked or total.get("unacked") != 0:
        raise run.fail(f"expected every record write to succeed despite the crashes, "
                       f"{len(unacked)} failed:\n  " + "\n  ".join(unacked[:5]) +
                       "\n(a call that fails with E_DEAD must be repeated if it is idempotent)")


@grade(lab=7, points=5, title="the console server restarts after a crash and the client's "
       "output goes on", boot=RECOVER)
def test_console_restarted(run):
    lines = lines_of(run)
    killed = faults(lines, "console")
    died, restarted = deaths_and_restarts(run, lines, "console")
    if len(killed) < 2 or died != len(killed) or restarted != len(killed):
        raise run.fail(f"expected two console crashes, each restarted: saw {len(killed)} "
                       f"console fault lines, {died} deaths, {restarted} restarts")
    want = crashtest_int("CONSOLE_LINES")
    first_fault = lines.index(killed[0])
    seen = [r.get("line") for r in kv(lines[first_fault:], "crashtest: console line=")]
    if seen != list(range(1, want + 1)):
        raise run.fail(f"expected crashtest's lines 1..{want} once each after the console's "
                       f"first crash, saw {seen}")


@grade(lab=7, points=10, title="a server that crashes at start is given up on, and a client "
       "waiting on it gets E_DEAD", boot=RECOVER)
def test_give_up(run):
    lines = lines_of(run)
    limit = crashtest_int("BADSRV_MAX_RESTARTS") + 1
    gave_up = [s for s in lines if s.startswith("rs: giving up on ")]
    if gave_up != [f"rs: giving up on badsrv after {limit} crashes"]:
        raise run.fail(f"expected one 'rs: giving up on badsrv after {limit} crashes', "
                       f"saw {gave_up}")
    starts = sum(1 for s in lines if s.startswith("badsrv: up "))
    killed = faults(lines, "badsrv")
    if starts != limit or len(killed) != limit:
        raise run.fail(f"expected bin/badsrv started and killed {limit} times, saw "
                       f"{starts} starts and {len(killed)} fault lines")
    run.assert_poweroff(0)
    call = the_one(run, lines, "crashtest: badsrv call")
    gave_up_state = header_int("kernel/abi/mica/proto/rs.h", "RS_GAVE_UP")
    if call.get("ret") != err("E_DEAD"):
        raise run.fail(f"expected the call waiting on badsrv to end with "
                       f"{describe(err('E_DEAD'))}, saw {describe(call.get('ret'))}")
    if call.get("state") != gave_up_state or call.get("restarts") != limit - 1:
        raise run.fail(f"expected RS_STATUS state={gave_up_state} restarts={limit - 1}, saw {call}")


@grade(lab=7, points=5, title="crash orders without the supervisor's badge and malformed rs "
       "requests are refused", boot=RECOVER)
def test_refused(run):
    lines = lines_of(run)
    want = {
        "crash_fs_direct": "E_PERM", "crash_console_direct": "E_PERM",
        "status_short": "E_INVAL", "status_unterminated": "E_INVAL", "status_unknown": "E_NOENT",
        "unknown_label": "E_INVAL", "crash_unknown": "E_NOENT", "crash_short": "E_INVAL",
        "supervise_bad_name": "E_INVAL", "supervise_bad_max": "E_INVAL",
        "supervise_zero_window": "E_INVAL", "supervise_missing_program": "E_NOENT",
        "supervise_existing": "E_EXIST", "supervise_badsrv": 0, "lookup_badsrv": 0,
    }
    seen = {r["op"]: r.get("ret") for r in kv(lines, "crashtest: op=")}
    wrong = []
    for op, name in want.items():
        ret = err(name) if isinstance(name, str) else name
        if seen.get(op) != ret:
            got = "MISSING" if op not in seen else describe(seen[op])
            wrong.append(f"{op}: expected {describe(ret)}, saw {got}")
    if wrong:
        raise run.fail("wrong results:\n  " + "\n  ".join(wrong))


@grade(lab=7, points=5, title="a mkdir cut off by a crash is repeated; a rename and an "
       "exclusive create report E_RESTARTED", boot=RECOVER)
def test_not_idempotent(run):
    lines = lines_of(run)
    want = {"mkdir_crashed": 0, "stat_crashdir": 0, "create_ren_a": 0,
            "rename_crashed": "E_RESTARTED", "excl_crashed": "E_RESTARTED"}
    wrong = []
    for op, name in want.items():
        ret = err(name) if isinstance(name, str) else name
        at = [i for i, s in enumerate(lines) if s.startswith(f"crashtest: op={op} ")]
        got = key_values(lines[at[0]]).get("ret") if at else None
        if got != ret:
            wrong.append(f"{op}: expected {describe(ret)}, saw "
                         f"{'MISSING' if not at else describe(got)}")
        elif op.endswith("_crashed"):
            # The crash must have hit this operation: a fault after the order to crash.
            armed = max((i for i in range(at[0]) if lines[i].startswith(
                "crashtest: arm server=fs after=1 ")), default=None)
            if armed is None or not faults(lines[armed:at[0]], "fs"):
                wrong.append(f"{op}: no fs crash between the order (after=1) and the result")
    renamed = the_one(run, lines, "crashtest: renamed ")
    if renamed.get("from") != 1 and renamed.get("to") != 1:
        wrong.append(f"the cut-off rename left the file under neither name: {renamed}")
    if wrong:
        raise run.fail("operations cut off by a crash:\n  " + "\n  ".join(wrong))


@grade(lab=7, points=3, title="RS_STOP ends a service for good", boot=RECOVER)
def test_stop(run):
    lines = lines_of(run)
    ops = {r["op"]: r.get("ret") for r in kv(lines, "crashtest: op=")}
    stopped = header_int("kernel/abi/mica/proto/rs.h", "RS_STOPPED")
    block2 = the_one(run, lines, "crashtest: block2 ")
    wrong = [f"{op}: expected {describe(want)}, saw {describe(ops[op]) if op in ops else 'MISSING'}"
             for op, want in (("supervise_block2", 0), ("stop_block2", 0),
                              ("stop_block2_again", err("E_NOENT"))) if ops.get(op) != want]
    if block2.get("state") != stopped or block2.get("restarts") != 0:
        wrong.append(f"RS_STATUS block2: expected state={stopped} restarts=0, saw {block2}")
    if sum(1 for s in lines if s.startswith("rs: block2 started ")) != 1:
        wrong.append("expected block2 started once and never again")
    if wrong:
        raise run.fail("\n".join(wrong))
