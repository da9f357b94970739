"""Lab 4: capabilities, endpoints, synchronous IPC and notifications.

Each boot runs one scenario of the root task (user/tests/lab4/*.c), which
prints what it observed as key=value lines; the IPC scenarios boot with
trace=ipc,sched so that the order of blocking and transfer can be checked
in the trace (format in mica/trace.h and kernel/ipc.c).
"""
from __future__ import annotations

import re

from grader.abi import describe, err, scenario
from grader.api import Boot, Run, grade, key_values


MASK = (1 << 64) - 1
ROUNDS = 10000


# ---- helpers ------------------------------------------------------------------

def records(lines: list[str], prefix: str, key: str | None = None) -> list[dict]:
    """key=value dicts of the lines starting 'prefix: ' (and holding key)."""
    out = [key_values(line) for line in lines if line.startswith(prefix + ": ")]
    return [r for r in out if key is None or key in r]


def results(run: Run, lines: list[str], prefix: str) -> dict[str, int]:
    """label -> ret from lines '<prefix> <label> ret=<n> ...'."""
    out = {}
    for m in filter(None, (re.match(rf"^{prefix} (\w+) ret=(-?\d+)", s) for s in lines)):
        out[m[1]] = int(m[2])
    return out


def expect_results(run: Run, seen: dict[str, int], expected: dict[str, int | str]) -> None:
    wrong = []
    for label, want in expected.items():
        want_ret = err(want) if isinstance(want, str) else want
        if label not in seen:
            wrong.append(f"{label}: MISSING (expected {describe(want_ret)})")
        elif seen[label] != want_ret:
            wrong.append(f"{label}: expected {describe(want_ret)}, saw {describe(seen[label])}")
    if wrong:
        raise run.fail("wrong results:\n  " + "\n  ".join(wrong))


def infos(lines: list[str]) -> dict[str, dict]:
    out = {}
    for s in lines:
        m = re.match(r"^caps: info (\w+) (.*)$", s)
        if m:
            out[m[1]] = key_values(m[2])
    return out


def expect_info(run: Run, seen: dict[str, dict], label: str, **want) -> None:
    got = seen.get(label)
    if got is None:
        raise run.fail(f"MISSING 'caps: info {label} ...'")
    bad = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
    if bad:
        raise run.fail(f"cap_info of {label}: " +
                       "; ".join(f"{k} expected {v!r}, saw {g!r}" for k, (v, g) in bad.items()))


ENDPOINT, NOTIFICATION = 4, 5


# ---- caps -----------------------------------------------------------------------

CAPS = Boot(args="init=caps")


@grade(lab=4, points=10, title="copy, mint and move give the documented rights and badges", boot=CAPS)
def test_cap_ops(run):
    lines = scenario(run, "caps")
    seen = infos(lines)
    expect_info(run, seen, "ep", type=ENDPOINT, rights=7, badge=0)
    expect_info(run, seen, "copy", type=ENDPOINT, rights=7, badge=0)
    expect_info(run, seen, "mint", type=ENDPOINT, rights=2, badge=5)
    expect_info(run, seen, "mint_recv", type=ENDPOINT, rights=5, badge=0)
    expect_info(run, seen, "moved_to", type=ENDPOINT, rights=2, badge=5)
    expect_info(run, seen, "moved_from", err="E_BADCAP")


@grade(lab=4, points=10, title="refused capability operations return the documented errors "
       "and change nothing", boot=CAPS)
def test_cap_refused(run):
    lines = scenario(run, "caps")
    expect_results(run, results(run, lines, "caps:"), {
        "mint_more_rights": "E_NORIGHTS", "mint_rebadge": "E_PERM", "mint_bad_rights": "E_INVAL",
        "mint_badge_range": "E_RANGE", "mint_badge_thread": "E_INVAL", "copy_empty": "E_BADCAP",
        "copy_occupied": "E_EXIST", "copy_range": "E_BADCAP", "copy_null": "E_BADCAP",
        "move_empty": "E_BADCAP", "delete_empty": "E_BADCAP", "revoke_empty": "E_BADCAP",
        "info_range": "E_BADCAP", "info_fault": "E_FAULT",
    })
    seen = infos(lines)
    expect_info(run, seen, "untouched", err="E_BADCAP")
    expect_info(run, seen, "mint_after", type=ENDPOINT, rights=2, badge=5)


@grade(lab=4, points=10, title="revoke deletes every derived capability, through moves and "
       "deletions", boot=CAPS)
def test_cap_revoke(run):
    lines = scenario(run, "caps")
    # ep -> copy(deleted) -> mint(moved to 100) -> copy_of_moved; ep -> mint_recv
    expect_results(run, results(run, lines, "caps:"),
                   {"delete_middle": 0, "revoke": 3, "revoke_again": 0})
    seen = infos(lines)
    for label in ("revoked_moved", "revoked_copy", "revoked_mint_recv"):
        expect_info(run, seen, label, err="E_BADCAP")
    expect_info(run, seen, "revoke_keeps", type=ENDPOINT, rights=7, badge=0)


@grade(lab=4, points=5, title="objects die with their last capability; waiters get E_DEAD; "
       "memory returns; the per-process limit holds", boot=CAPS)
def test_cap_death(run):
    lines = scenario(run, "caps")
    expect_results(run, results(run, lines, "caps: death"), {"recv": "E_DEAD"})
    kmem = records(lines, "caps", "before")
    if len(kmem) != 1 or kmem[0]["before"] != kmem[0]["after"]:
        raise run.fail(f"expected kernel objects in use to come back after deleting the "
                       f"endpoints and notifications, saw {kmem}")
    limit = records(lines, "caps", "made")
    if len(limit) != 1 or limit[0]["ret"] != err("E_FULL") or not 64 <= limit[0]["made"] <= 200:
        raise run.fail(f"expected endpoint_create to stop with E_FULL at the per-process "
                       f"limit, saw {limit}")


# ---- pingpong ---------------------------------------------------------------------

PINGPONG = Boot(args="init=pingpong")


def fold(c: int, w: int) -> int:
    return ((c ^ w) * 0x100000001B3) & MASK


def pingpong_checksums(count: int) -> tuple[int, int]:
    """What server and client must print for `count` messages (pingpong.c)."""
    server = client = 0xCBF29CE484222325
    for i in range(count):
        words = [i, 3 * i + 1, ~i & MASK, (i << 32 | i) & MASK]
        if i % 100 == 0:
            words += [i + 7 * j for j in range(4, 16)]
        for w in words:
            server = fold(server, w)
        client = fold(fold(client, i + 1), words[1] ^ words[2])
    return server, client


@grade(lab=4, points=15, title="10,000 calls and replies arrive intact and in order", boot=PINGPONG)
def test_pingpong(run):
    lines = scenario(run, "pingpong")
    sides = {r["side"]: r for r in records(lines, "pingpong", "side")}
    want_server, want_client = pingpong_checksums(ROUNDS)
    for side, want in (("server", want_server), ("client", want_client)):
        r = sides.get(side)
        if r is None:
            raise run.fail(f"MISSING 'pingpong: side={side} ...'")
        if r["count"] != ROUNDS or r["order_errors"] != 0:
            raise run.fail(f"{side}: expected count={ROUNDS} order_errors=0, saw {r}")
        got = int(str(r["checksum"]), 16) if isinstance(r["checksum"], str) else r["checksum"]
        if got != want:
            raise run.fail(f"{side}: checksum expected {want:#x}, saw {got:#x}")


# ---- ipcorder ------------------------------------------------------------------------

ORDER = Boot(args="init=ipcorder trace=ipc,sched")


def index_of(run: Run, lines: list[str], pattern: str, after: int = -1) -> int:
    i = next((i for i in range(after + 1, len(lines)) if re.search(pattern, lines[i])), None)
    if i is None:
        raise run.fail(f"MISSING {pattern!r}" + (f" after line {after}" if after >= 0 else ""))
    return i


@grade(lab=4, points=10, title="receiver first and sender first block in the right order", boot=ORDER)
def test_ipc_blocking_order(run):
    lines = scenario(run, "ipcorder")
    a = index_of(run, lines, r"^ipcorder: part=receiver_first$")
    blocked = index_of(run, lines, r"^sched: t=\d+ block rcv#\d+ on=recv$", a)
    index_of(run, lines, r"^ipc: t=\d+ send root#1 -> rcv#\d+ label=100$", blocked)
    index_of(run, lines, r"^ipcorder: receiver_first ret=0 label=100$", blocked)
    b = index_of(run, lines, r"^ipcorder: part=sender_first$", blocked)
    blocked = index_of(run, lines, r"^sched: t=\d+ block snd#\d+ on=send$", b)
    index_of(run, lines, r"^ipc: t=\d+ recv snd#\d+ -> root#1 label=200$", blocked)
    index_of(run, lines, r"^ipcorder: sender_first ret=0 label=200$", blocked)


@grade(lab=4, points=10, title="blocked senders are served by priority, FIFO within one", boot=ORDER)
def test_ipc_fifo(run):
    lines = scenario(run, "ipcorder")
    got = [r["label"] for r in records(lines, "ipcorder", "label") if "i" in r]
    if got != [304, 301, 302, 303]:
        raise run.fail(f"expected labels 304 (higher priority) then 301, 302, 303 (arrival "
                       f"order), saw {got}")


# ---- ipcsec ---------------------------------------------------------------------------

SEC = Boot(args="init=ipcsec trace=ipc")


@grade(lab=4, points=5, title="badges identify clients", boot=SEC)
def test_ipc_badges(run):
    lines = scenario(run, "ipcsec")
    got = [(r["client"], r["badge"]) for r in records(lines, "ipcsec", "badge")]
    if sorted(got) != [(0, 11), (1, 22), (2, 33)]:
        raise run.fail(f"expected client 0/1/2 with badges 11/22/33, saw {got}")


@grade(lab=4, points=10, title="no capability or wrong rights: documented error, nothing sent",
       boot=SEC)
def test_ipc_refused(run):
    lines = scenario(run, "ipcsec")
    expect_results(run, results(run, lines, "ipcsec: refused"), {
        "long_no_buffer": "E_INVAL", "send_recv_only": "E_NORIGHTS",
        "recv_send_only": "E_NORIGHTS", "send_empty": "E_BADCAP", "send_thread": "E_WRONGTYPE",
        "send_notification": "E_WRONGTYPE", "reply_none": "E_BADCAP",
        "wait_endpoint": "E_WRONGTYPE", "signal_recv_only": "E_NORIGHTS",
        "set_buffer_kernel": "E_FAULT", "set_buffer_unmapped": "E_FAULT",
        "too_long": "E_INVAL", "reserved_bits": "E_INVAL", "grant_without_right": "E_NORIGHTS",
    })
    first = [r for r in records(lines, "ipcsec", "label") if "len" in r]
    if len(first) != 1 or first[0]["ret"] != 0 or first[0]["label"] != 42:
        raise run.fail(f"the waiting receiver's first message should be the good one "
                       f"(label 42), saw {first}")
    q = records(lines, "ipcsec", "nbrecv")
    if len(q) != 1 or (q[0]["nbrecv"], q[0]["nbsend"], q[0]["poll"]) != ("E_AGAIN", "E_AGAIN", 0):
        raise run.fail(f"expected nothing queued after the refused calls, saw {q}")


@grade(lab=4, points=10, title="a transferred capability works for the receiver; a revoked one "
       "fails wherever it was derived", boot=SEC)
def test_ipc_transfer_revoke(run):
    lines = scenario(run, "ipcsec")
    t = records(lines, "ipcsec", "cap")
    if len(t) != 1 or (t[0]["ret"], t[0]["label"], t[0]["cap"], t[0]["info"], t[0]["type"],
                       t[0]["signal"]) != (0, 77, 1, 0, NOTIFICATION, 0):
        raise run.fail(f"expected the receiver to get label 77 with a notification "
                       f"capability it can signal, saw {t}")
    s = records(lines, "ipcsec", "bits")
    if len(s) != 1 or s[0]["bits"] != 1:
        raise run.fail(f"expected the receiver's signal to reach the sender (bits=1), saw {s}")
    r = records(lines, "ipcsec", "original")
    if len(r) != 1 or (r[0]["ret"], r[0]["copy"], r[0]["received"], r[0]["original"]) != \
            (2, "E_BADCAP", "E_BADCAP", 0):
        raise run.fail(f"expected revoke to delete the copy and the transferred capability "
                       f"(ret=2, both E_BADCAP) and keep the original, saw {r}")


# ---- ipctime ---------------------------------------------------------------------------

TIME = Boot(args="init=ipctime")


@grade(lab=4, points=5, title="receive timeouts fire at the right tick", boot=TIME)
def test_ipc_timeouts(run):
    lines = scenario(run, "ipctime")
    got = {r["timeout"]: r for r in records(lines, "ipctime", "timeout")}
    for t in (1, 5, 10):
        r = got.get(t)
        if r is None or r["err"] != "E_TIMEOUT" or r["waited"] != t:
            raise run.fail(f"recv with timeout {t}: expected E_TIMEOUT after {t} ticks, saw {r}")
    r = got.get(0)
    if r is None or r["err"] != "E_AGAIN" or r["waited"] != 0:
        raise run.fail(f"recv with timeout 0: expected E_AGAIN at once, saw {r}")


@grade(lab=4, points=10, title="notification bits coalesce; wait blocks; a bound notification "
       "ends a receive", boot=TIME)
def test_notifications(run):
    lines = scenario(run, "ipctime")
    c = records(lines, "ipctime", "poll")
    if len(c) != 1 or (c[0]["poll"], c[0]["again"]) != (7, 0):
        raise run.fail(f"expected badges 1, 2, 4, 2 to coalesce into 7 and clear, saw {c}")
    w = records(lines, "ipctime", "wait")
    if len(w) != 1 or w[0]["wait"] != 2:
        raise run.fail(f"expected two signals of badge 2 to give one wait of 2, saw {w}")
    timed = records(lines, "ipctime", "at")
    if len(timed) != 2:
        raise run.fail(f"expected two 'ipctime: ... at=' lines (signal, then wake), saw {timed}")
    sig, woke = timed
    if woke.get("bits") != 4 or woke["at"] != sig["at"]:
        raise run.fail(f"expected the blocked waiter to wake with bits=4 at the signal's tick, "
                       f"saw {sig} {woke}")
    b = [(r["notify"], r["label"], r["badge"]) for r in records(lines, "ipctime", "notify")]
    if b != [(1, 0xFFFF, 1), (1, 0xFFFF, 4), (0, 9, 0)]:
        raise run.fail(f"expected the bound receive to return the signals (badges 1, 4) and "
                       f"then the message (label 9), saw {b}")


# ---- fastpath -----------------------------------------------------------------------

FASTPATH = Boot(args="init=fastpath")
FASTPATH_ROUNDS = 1000


def fastpath_checksums(part: str, count: int) -> tuple[int, int]:
    """What server and client must print for `count` calls of a part (fastpath.c)."""
    server = client = 0xCBF29CE484222325
    for i in range(count):
        words = [i, 5 * i + 3, ~i & MASK, i ^ 0x5A5A]
        reply = [i + 1, (7 * i) & MASK]
        if part == "regs":
            words = words[:1 + i % 4]
        elif part == "long":
            words += [i * j for j in range(4, 8)]
            reply += [0, 0, i + 100, i + 200]
        for w in words:
            server = fold(server, w)
        for w in reply:
            client = fold(client, w)
    return server, client


def fastpath_part(run: Run, part: str) -> dict:
    """The part's record, with its messages checked against the checksums."""
    recs = [r for r in records(scenario(run, "fastpath"), "fastpath", "part") if r["part"] == part]
    if len(recs) != 1:
        raise run.fail(f"MISSING 'fastpath: part={part} calls=...' (saw {recs})")
    r = recs[0]
    if r.get("calls") != FASTPATH_ROUNDS:
        raise run.fail(f"part={part}: expected calls={FASTPATH_ROUNDS}, saw {r}")
    for side, want in zip(("server", "client"), fastpath_checksums(part, FASTPATH_ROUNDS)):
        got = r.get(f"{side}_sum")
        got = int(got, 16) if isinstance(got, str) else got
        if got != want:
            seen = f"{got:#x}" if isinstance(got, int) else repr(got)
            raise run.fail(f"part={part}: {side} checksum expected {want:#x}, saw {seen}: "
                           f"messages were changed on the way")
    return r


@grade(lab=4, points=5, title="challenge: register-only calls and replies take the fastpath, "
       "intact", boot=FASTPATH)
def test_fastpath_taken(run):
    r = fastpath_part(run, "regs")
    want = 2 * FASTPATH_ROUNDS - 10
    if r.get("hits", 0) < want:
        misses = {k: v for k, v in r.items() if k not in ("part", "calls", "hits")
                  and not k.endswith("_sum")}
        raise run.fail(f"expected at least {want} fastpath hits for {FASTPATH_ROUNDS} calls and "
                       f"their replies (ipc_stats), saw hits={r.get('hits')}, misses {misses}")


@grade(lab=4, points=5, title="challenge: long messages and capability transfers stay off "
       "the fastpath, counted by reason", boot=FASTPATH)
def test_fastpath_refused(run):
    for part, reason in (("long", "long_message"), ("cap", "cap_transfer")):
        r = fastpath_part(run, part)
        if r.get("hits") != 0 or r.get(reason, 0) < 2 * FASTPATH_ROUNDS - 10:
            raise run.fail(f"part={part}: expected hits=0 and about {2 * FASTPATH_ROUNDS} "
                           f"misses with reason {reason}, saw {r}")


# ---- killipc: sys_thread_kill on threads blocked in IPC -------------------------

KILLIPC = Boot(args="init=killipc")
KILLED = 256        # THREAD_STATUS_KILLED (mica/syscall.h)


@grade(lab=4, points=10, title="a thread killed in send, receive, call or notify leaves the "
       "object's queue; the caller of a killed server gets E_DEAD", boot=KILLIPC)
def test_kill_blocked_in_ipc(run):
    lines = scenario(run, "killipc")
    seen = {r["case"]: r for r in records(lines, "killipc", "case")}
    want = {
        "recv": {"nbsend": err("E_AGAIN")},
        "recv_timeout": {"nbsend": err("E_AGAIN")},
        "send": {"recv": err("E_AGAIN")},
        "call_queued": {"recv": err("E_AGAIN")},
        "notify": {"poll": 1},
        "call_replying": {"reply": err("E_BADCAP")},
        "bound": {"signal": 0, "poll": 1},
        "read_only": {"kill": err("E_NORIGHTS"), "after": "blocked"},
        "server": {"caller": err("E_DEAD")},
        "fastpath": {"reply": err("E_BADCAP")},
    }
    problems = []
    for case, checks in want.items():
        r = seen.get(case)
        if r is None:
            problems.append(f"{case}: MISSING 'killipc: case={case} ...'")
            continue
        checks = {"kill": 0, "status": KILLED, **checks}     # read_only: killed afterwards
        if "before" in r:
            checks["before"] = "blocked"
        for k, v in checks.items():
            if r.get(k) != v:
                shown = describe(r[k]) if isinstance(r.get(k), int) else r.get(k, "nothing")
                problems.append(f"{case}: {k} expected {describe(v) if isinstance(v, int) else v}, "
                                f"saw {shown}")
    if problems:
        raise run.fail("killing threads blocked in IPC:\n  " + "\n  ".join(problems))
