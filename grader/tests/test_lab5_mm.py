"""Lab 5: the memory manager (user/servers/mm), the user-level pager of every process.

One boot, init=mm (user/tests/lab5/mmroot.c): the memory manager's code runs as
a thread of the root task, which registers its own address space with it as a
process and runs the checks of user/tests/lab5/mmcheck.c on itself; they print
the memory manager's numbers (MM_STAT) around everything they do. The grader
compares them with what must follow: sizes and addresses come from the sources
and the ABI header (mica/proto/mm.h), kills from the kernel's own fault lines.
The same checks run again in lab 6 in a spawned program served by bin/mm
(test_lab6_mm.py), which imports the check_* helpers below.
"""
from __future__ import annotations

import re
from pathlib import Path

from grader.abi import describe, err, scenario
from grader.api import Boot, Run, grade, key_values
from grader.tests.test_lab5_kernel import KILLED, expect_one_kill

ROOT = Path(__file__).resolve().parents[2]
MM = Boot(args="init=mm")
__all__ = ["key_values"]    # re-exported for test_lab6_mm.py


def define(path: str, name: str) -> int:
    """The number of `#define name <number>` in a file of the tree (hex, UL suffixes ok)."""
    m = re.search(rf"#define\s+{name}\s+\(?(0x[0-9a-fA-F]+|\d+)[uUlL]*", (ROOT / path).read_text())
    assert m, f"{path} defines no number {name}"
    return int(m[1], 0)


def mmcheck(name: str) -> int:
    return define("user/tests/lab5/mmcheck.c", name)


def mmtest(name: str) -> int:
    return define("user/tests/lab5/mmtest.c", name)


def shared(name: str) -> int:
    return define("user/tests/lab5/mmtest.h", name)


def abi(name: str) -> int:
    return define("kernel/abi/mica/proto/mm.h", name)


PAGE = 4096
WORDS = PAGE // 8


def lines_of(run: Run, name: str = "mm") -> list[str]:
    return scenario(run, name)


def stats(run: Run, lines: list[str], prefix: str = "mmtest: stat ") -> dict[str, dict]:
    """at -> the numbers of each 'mmtest: stat at=<when> ...' line (each must have ret=0)."""
    out = {}
    for s in lines:
        if s.startswith(prefix):
            kv = key_values(s[len(prefix):])
            if kv.get("ret") != 0:
                raise run.fail(f"expected MM_STAT to succeed, saw: {s}")
            out[str(kv["at"])] = kv
    return out


def stat(run: Run, lines: list[str], when: str, prefix: str = "mmtest: stat ") -> dict:
    seen = stats(run, lines, prefix)
    if when not in seen:
        raise run.fail(f"MISSING: the line '{prefix}at={when} ...' (saw at= {list(seen)})")
    return seen[when]


def ops(lines: list[str], prefix: str) -> dict[str, int]:
    """name -> ret of the '<prefix> op=<name> ret=<r>' lines."""
    out = {}
    for m in filter(None, (re.match(rf"^{prefix} op=(\w+) ret=(-?\d+)$", s) for s in lines)):
        out[m[1]] = int(m[2])
    return out


def expect_ops(run: Run, lines: list[str], prefix: str, want: dict[str, int | str]) -> None:
    seen = ops(lines, prefix)
    wrong = []
    for name, w in want.items():
        ret = err(w) if isinstance(w, str) else w
        if name not in seen:
            wrong.append(f"{name}: MISSING (expected {describe(ret)})")
        elif seen[name] != ret:
            wrong.append(f"{name}: expected {describe(ret)}, saw {describe(seen[name])}")
    if wrong:
        raise run.fail(f"wrong results ({prefix}):\n  " + "\n  ".join(wrong))


def one(run: Run, lines: list[str], prefix: str) -> dict:
    """The numbers of the one line starting with prefix."""
    got = [key_values(s[len(prefix):]) for s in lines if s.startswith(prefix)]
    if len(got) != 1:
        raise run.fail(f"expected one line '{prefix}...', saw {len(got)}")
    return got[0]


def delta(a: dict, b: dict, key: str) -> int:
    return int(b[key]) - int(a[key])


def pattern(page: int, word: int) -> int:
    """mmtest.c: pattern()."""
    return 0x6D6D000000000000 | page << 16 | word


# ---- checks, shared with test_lab6_mm.py --------------------------------------------

def check_demand_zero(run: Run, lines: list[str]) -> None:
    n = mmcheck("TOUCH")
    expect_ops(run, lines, "mmtest:", {"alloc": 0})
    declared, touched, written = (stat(run, lines, w) for w in ("declared", "touched", "written"))
    if delta(declared, touched, "faults") != n or delta(declared, touched, "frames") != n:
        raise run.fail(f"expected touching {n} fresh pages to take {n} faults and {n} frames, "
                       f"saw faults +{delta(declared, touched, 'faults')} and frames "
                       f"+{delta(declared, touched, 'frames')}")
    if delta(declared, touched, "free") != -n or touched["committed"] != declared["committed"]:
        raise run.fail(f"expected the pool's free frames to drop by {n} and the commitment to "
                       f"stay, saw {declared} then {touched}")
    if delta(touched, written, "faults") != 0:
        raise run.fail("expected no more faults when writing pages a read fault mapped in a "
                       f"writable region (map them writable), saw "
                       f"+{delta(touched, written, 'faults')}")
    fresh = one(run, lines, "mmtest: fresh ")
    if fresh.get("nonzero") != 0:
        raise run.fail(f"expected fresh pages to read all zeros, saw {fresh.get('nonzero')} "
                       "words that were not")
    data = [key_values(s) for s in lines if s.startswith("mmtest: data ")]
    want = [{"page": i, "first": pattern(i, 0), "last": pattern(i, WORDS - 1)} for i in range(n)]
    if data != want:
        raise run.fail(f"expected the written data back, first/last words {want}, saw {data}")


def check_reuse_zeroed(run: Run, lines: list[str]) -> None:
    n = mmcheck("TOUCH")
    expect_ops(run, lines, "mmtest:", {"free": 0, "realloc": 0})
    written, freed, retouched = (stat(run, lines, w) for w in ("written", "freed", "retouched"))
    if (delta(written, freed, "frames"), delta(written, freed, "committed"),
            delta(written, freed, "free")) != (-n, -n, n):
        raise run.fail(f"expected MM_FREE of {n} touched pages to give back {n} frames and "
                       f"{n} committed pages, saw {written} then {freed}")
    if retouched["free"] != written["free"] or delta(freed, retouched, "faults") != n:
        raise run.fail(f"expected touching the region again to take {n} faults and the same "
                       f"number of frames from the pool, saw {freed} then {retouched}")
    reused = one(run, lines, "mmtest: reused ")
    if reused.get("nonzero") != 0:
        raise run.fail(f"expected reused frames to be zeroed before they are mapped again, saw "
                       f"{reused.get('nonzero')} words left over from before")


def check_limit(run: Run, lines: list[str]) -> None:
    limit = shared("MMTEST_LIMIT")
    expect_ops(run, lines, "mmtest:", {"alloc_over": "E_NOMEM", "alloc_fill": 0,
                                       "alloc_one_more": "E_NOMEM", "free_fill": 0})
    before, full, after = (stat(run, lines, w) for w in ("limit_before", "limit_full",
                                                         "limit_after"))
    if before["limit"] != limit or full["committed"] != limit:
        raise run.fail(f"expected limit {limit} and exactly {limit} pages committed when full, "
                       f"saw {before} and {full}")
    if after["committed"] != before["committed"] or after["frames"] != before["frames"]:
        raise run.fail(f"expected refused requests to change nothing, saw {before} then {after}")


def check_kill(run: Run, lines: list[str]) -> None:
    expect_one_kill(run, lines, "outside", "#PF", mmcheck("OUTSIDE"))
    expect_one_kill(run, lines, "rowriter", "#PF", mmcheck("READONLY"))
    threads = {str(r["name"]): (r.get("ret"), r.get("status")) for r in
               (key_values(s) for s in lines if s.startswith("mmtest: thread "))}
    if threads != {"outside": (0, KILLED), "rowriter": (0, KILLED)}:
        raise run.fail(f"expected both threads joined with status {KILLED}, saw {threads}")
    if one(run, lines, "mmtest: readonly ").get("value") != 0:
        raise run.fail("expected a read of the read-only region to see a zero page")
    others = [s for s in lines if s.startswith("fault: thread") and not
              re.match(r"^fault: thread (outside|rowriter)#", s)]
    if others:
        raise run.fail(f"expected no other thread to die, saw {others}")
    before, killed, after = (stat(run, lines, w) for w in ("kill_before", "killed", "after"))
    if delta(before, killed, "refused") != 2:
        raise run.fail(f"expected the memory manager to count 2 refused faults, saw {before} "
                       f"then {killed}")
    expect_ops(run, lines, "mmtest:", {"alloc_readonly": 0, "alloc_after": 0})
    value = one(run, lines, "mmtest: after ").get("value")
    if value != 0xA5A5 or delta(killed, after, "faults") != 1:
        raise run.fail(f"expected the memory manager to serve a new region's fault after the "
                       f"kills (value 0xa5a5, one fault), saw value={value} {killed} {after}")
    if one(run, lines, "mmroot: mmtest ").get("status") != 0:
        raise run.fail("expected mmtest's checks to go on to the end (status 0) after the kills")


def check_malformed(run: Run, lines: list[str]) -> None:
    expect_ops(run, lines, "mmtest:", {
        "short_alloc": "E_INVAL", "long_stat": "E_INVAL", "unaligned": "E_INVAL",
        "kernel_half": "E_INVAL", "past_top": "E_INVAL", "wraps": "E_INVAL",
        "zero_pages": "E_INVAL", "page_zero": "E_INVAL", "overlap": "E_INVAL",
        "bad_flags": "E_INVAL", "free_undeclared": "E_INVAL", "free_partly": "E_INVAL",
        "unknown_label": "E_INVAL", "fake_fault": "E_INVAL", "crash": "E_PERM",
        "other_pid": "E_PERM", "stat_other": "E_PERM", "add": "E_PERM", "remove": "E_PERM",
        "set_limit": "E_PERM", "init": "E_PERM",
    })
    after, end = stat(run, lines, "after"), stat(run, lines, "end")
    keys = ("frames", "committed", "limit", "free", "faults")
    if any(after[k] != end[k] for k in keys):
        raise run.fail(f"expected refused requests to change nothing, saw {after} then {end}")


def check_manager(run: Run, lines: list[str], init: int | str) -> None:
    expect_ops(run, lines, "mmroot:", {
        "init": init, "add": 0, "add_nocap": "E_INVAL",
        "add_again": "E_EXIST", "add_notspace": "E_INVAL", "add_pid0": "E_INVAL",
        "add_bigpid": "E_INVAL", "add_biglimit": "E_INVAL", "alloc_pid0": "E_INVAL",
        "remove_unknown": "E_NOENT", "limit_unknown": "E_NOENT", "remove": 0,
        "remove_again": "E_NOENT",
    })
    start, exited, removed = (stat(run, lines, w, "mmroot: pool ") for w in
                              ("start", "exited", "removed"))
    if start["free"] != start["usable"] or start["committed"] != 0:
        raise run.fail(f"expected an untouched pool at the start, saw {start}")
    end = stat(run, lines, "end")
    if exited["frames"] != end["frames"] or exited["committed"] != end["committed"]:
        raise run.fail(f"expected the process's frames and commitment at its end ({end}) in the "
                       f"pool's numbers, saw {exited}")
    if (removed["free"], removed["frames"], removed["committed"]) != (removed["usable"], 0, 0):
        raise run.fail(f"expected every frame back in the pool after MM_REMOVE, saw {removed}")
    gone = [key_values(s) for s in lines if s.startswith("mmroot: stat pid=")]
    if [g.get("ret") for g in gone] != [0, err("E_NOENT")]:
        raise run.fail(f"expected MM_STAT of the process to work before MM_REMOVE and fail with "
                       f"E_NOENT after, saw {gone}")


# ---- lab 5: the memory manager as a thread of the root task --------------------------

@grade(lab=5, points=10, title="touching N fresh pages of a region takes N faults and N frames; "
       "they read zero and keep what is written", boot=MM)
def test_mm_demand_zero(run):
    check_demand_zero(run, lines_of(run))


@grade(lab=5, points=10, title="freed pages go back to the pool and come back zeroed when "
       "touched again", boot=MM)
def test_mm_reuse_zeroed(run):
    check_reuse_zeroed(run, lines_of(run))


@grade(lab=5, points=10, title="allocations past the limit fail with E_NOMEM, exactly at the "
       "limit, and change nothing", boot=MM)
def test_mm_limit(run):
    check_limit(run, lines_of(run))


@grade(lab=5, points=10, title="a fault outside every region, or a write to a read-only one, "
       "kills only that thread; the memory manager serves on", boot=MM)
def test_mm_kill(run):
    check_kill(run, lines_of(run))


@grade(lab=5, points=5, title="malformed or unauthorised requests get E_INVAL or E_PERM and "
       "change nothing", boot=MM)
def test_mm_malformed(run):
    check_malformed(run, lines_of(run))


@grade(lab=5, points=5, title="the manager registers and removes processes; MM_REMOVE gives "
       "every frame and page of commitment back", boot=MM)
def test_mm_manager(run):
    check_manager(run, lines_of(run), init="E_EXIST")
