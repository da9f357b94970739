"""Lab 4: the system-call fuzzer (user/tests/fuzz/sysfuzz.c).

The root task makes fuzzcount random system calls from fuzzseed (random
numbers from the one list in mica/syscall.h and outside it, arguments biased
towards bad pointers, bad slots and edge values), cleans up the threads it
made, and then shows the kernel still answers: a new thread is created and
joined, and kernel_stats is read again. These tests judge what the fuzzer
observed; a failure names the seed, so `make run ARGS="init=sysfuzz
fuzzseed=N fuzzcount=N"` replays it.

The fuzzregress scenario repeats, one call each, the bugs the fuzzer found.
"""
from __future__ import annotations

import re
from pathlib import Path

from grader import schedtrace
from grader.api import Boot, Run, grade, key_values

SYSCALL_H = Path(__file__).resolve().parents[2] / "kernel/abi/mica/syscall.h"
ERROR_H = Path(__file__).resolve().parents[2] / "kernel/abi/mica/error.h"

STORM = Boot(args="init=sysfuzz fuzzseed=20240601 fuzzcount=100000", timeout=120)
QUICK = Boot(args="init=sysfuzz fuzzseed=7 fuzzcount=10000", timeout=60)
REGRESS = Boot(args="init=fuzzregress")

# Calls the fuzzing thread never makes itself, only its children (see
# user/tests/fuzz/fuzzgen.c): thread_exit would end it, the others may wait
# forever.
NOT_FROM_MAIN = {"thread_exit", "ipc_send", "ipc_call", "ipc_reply_recv", "notify_wait"}
# Slack for kernel page-table pages made on the way (kernel-stack slots).
FRAME_SLACK = 16


def syscall_names() -> list[str]:
    """Every call in MICA_SYSCALLS, in list order."""
    return re.findall(r"X\(\s*\d+,\s*(\w+),", SYSCALL_H.read_text())


def error_names() -> set[str]:
    return set(re.findall(r"X\((E_\w+),", ERROR_H.read_text()))


def fuzz_lines(run: Run) -> list[str]:
    """The fuzzer's own lines, after checking the run reached its end."""
    lines = run.section(r"^init: scenario sysfuzz begin$", r"^init: scenario sysfuzz end status=")
    run.assert_poweroff(0)
    return [line for line in lines if line.startswith("fuzz: ")]


def record(run: Run, lines: list[str], prefix: str) -> dict:
    """key=value pairs of the one line starting 'fuzz: <prefix>'."""
    found = [key_values(line) for line in lines if line.startswith("fuzz: " + prefix)]
    if len(found) != 1:
        raise run.fail(f"expected one line starting 'fuzz: {prefix}', saw {len(found)}")
    return found[0]


def requested(run: Run) -> tuple[int, int]:
    args = key_values(run.boot.args)
    return args["fuzzseed"], args["fuzzcount"]


def check_storm(run: Run) -> None:
    """All calls made, none hung, the fuzzing thread never killed."""
    seed, want = requested(run)
    lines = fuzz_lines(run)
    head = record(run, lines, "seed=")
    if (head["seed"], head["count"]) != (seed, want):
        raise run.fail(f"expected 'fuzz: seed={seed} count={want}', saw seed={head['seed']} "
                       f"count={head['count']}")
    tail = record(run, lines, "calls=")
    if tail["calls"] != want:
        raise run.fail(f"expected calls={want} (the requested count), saw {tail['calls']}")
    progress = [key_values(l)["calls"] for l in lines if l.startswith("fuzz: progress ")]
    expected = list(range(10000, want + 1, 10000))
    if progress != expected:
        raise run.fail(f"expected progress lines at calls={expected}, saw {progress}")
    killed = [f for f in schedtrace.faults(run.lines) if f.tid == head["tid"]]
    if killed:
        raise run.fail(f"the fuzzing thread (id {head['tid']}) was killed (seed {seed}):\n  "
                       + run.lines[killed[0].line])
    if tail["stuck"] != 0:
        raise run.fail(f"{tail['stuck']} threads made by the storm never ended (seed {seed}); "
                       "see the 'fuzz: stuck' lines")


def check_tally(run: Run, coverage: bool) -> None:
    """The result histogram and the per-call counts both add up to the count;
    with coverage, every listed call was made (by the fuzzing thread, or for
    NOT_FROM_MAIN by its children)."""
    seed, want = requested(run)
    lines = fuzz_lines(run)
    results = record(run, lines, "results ")
    unknown = set(results) - error_names() - {"ok", "unknown"}
    if unknown:
        raise run.fail(f"results line names no error codes {sorted(unknown)}")
    if results.get("unknown", 0):
        raise run.fail(f"{results['unknown']} calls returned a negative value that is no "
                       f"error code (seed {seed})")
    if sum(results.values()) != want:
        raise run.fail(f"the results histogram sums to {sum(results.values())}, expected {want}")

    calls = {r["name"]: r for r in (key_values(l) for l in lines if l.startswith("fuzz: call "))}
    names = syscall_names()
    if set(calls) != set(names):
        raise run.fail(f"expected one 'fuzz: call' line per listed call {names}, saw {sorted(calls)}")
    other = record(run, lines, "calls=")["other_numbers"]
    if sum(r["n"] for r in calls.values()) + other != want:
        raise run.fail(f"per-call counts plus other_numbers={other} do not add up to {want}")
    from_main = [n for n in NOT_FROM_MAIN & set(names) if calls[n]["n"] != 0]
    if from_main:
        raise run.fail(f"the fuzzing thread made calls it must leave to children: {from_main}")
    missed = [n for n in names if calls[n]["n"] + calls[n]["child"] == 0]
    if coverage and missed:
        raise run.fail(f"the storm never made these calls: {missed}")
    if calls["thread_create"]["ok"] == 0:
        raise run.fail("no thread_create succeeded: the storm made no threads to fuzz")


def check_alive(run: Run) -> None:
    """After the storm a thread runs and joins, and resources came back."""
    lines = fuzz_lines(run)
    live = record(run, lines, "live ")
    if (live["ret"], live["status"]) != (0, 42):
        raise run.fail(f"expected the new thread to be joined with ret=0 status=42, saw "
                       f"ret={live['ret']} status={live['status']}")
    before, after = record(run, lines, "before "), record(run, lines, "after ")
    problems = []
    if after["threads"] != before["threads"]:
        problems.append(f"threads: {before['threads']} before, {after['threads']} after")
    if not 0 <= before["free_frames"] - after["free_frames"] <= FRAME_SLACK:
        problems.append(f"free_frames: {before['free_frames']} before, {after['free_frames']} "
                        f"after (at most {FRAME_SLACK} may stay in use)")
    if after["kmem_inuse"] != before["kmem_inuse"]:
        problems.append(f"kmem_inuse: {before['kmem_inuse']} before, {after['kmem_inuse']} after")
    if not after["ticks"] > before["ticks"]:
        problems.append(f"ticks did not advance ({before['ticks']} -> {after['ticks']})")
    if not after["context_switches"] > before["context_switches"]:
        problems.append("no context switches were counted during the storm")
    if problems:
        raise run.fail("after the storm: " + "; ".join(problems))


@grade(lab=4, points=4, title="100,000 random system calls: no panic, no hang, fuzzer alive",
       boot=STORM)
def test_sysfuzz_storm(run: Run) -> None:
    check_storm(run)


@grade(lab=4, points=2, title="fuzz results add up and cover every system call", boot=STORM)
def test_sysfuzz_tally(run: Run) -> None:
    check_tally(run, coverage=True)


@grade(lab=4, points=4, title="after the storm threads run and resources come back", boot=STORM)
def test_sysfuzz_alive(run: Run) -> None:
    check_alive(run)


@grade(lab=4, points=2, title="10,000 calls from another seed (quick; also for Bochs)", boot=QUICK)
def test_sysfuzz_quick(run: Run) -> None:
    check_storm(run)
    check_tally(run, coverage=False)
    check_alive(run)


# label -> what the fixed kernel returns (see user/tests/fuzz/regress.c)
REGRESSIONS = {
    "poweroff_status_high_bits": "E_RANGE",
    "poweroff_status_high_bits_3": "E_RANGE",
    "set_priority_high_bits": "E_RANGE",
}


def regress_lines(run: Run) -> list[str]:
    return run.section(r"^init: scenario fuzzregress begin$",
                       r"^init: scenario fuzzregress end status=")


@grade(lab=4, points=2, title="bugs the fuzzer found stay fixed (64-bit arguments)", boot=REGRESS)
def test_fuzz_regressions(run: Run) -> None:
    lines = regress_lines(run)
    seen = {m[1]: m[2] for m in (re.match(r"^regress: (\w+) ret=-?\d+ err=(\S+)", l)
                                 for l in lines) if m}
    wrong = [f"{bug}: expected {want}, saw {seen.get(bug, 'MISSING')}"
             for bug, want in REGRESSIONS.items() if seen.get(bug) != want]
    if wrong:
        raise run.fail("regressions:\n  " + "\n  ".join(wrong))
    run.assert_poweroff(0)


UNREACHABLE_THREADS = ["unstarted_thread_last_cap_deleted", "suspended_thread_last_cap_deleted"]


@grade(lab=4, points=2, title="a thread that can never run dies with its last capability",
       boot=REGRESS)
def test_fuzz_regression_thread_leak(run: Run) -> None:
    recs = {line.split()[1]: key_values(line) for line in regress_lines(run)
            if line.startswith("regress: ")}
    wrong = []
    for bug in UNREACHABLE_THREADS:
        r = recs.get(bug)
        if r is None:
            wrong.append(f"{bug}: MISSING")
        elif r["ret"] != 0:
            wrong.append(f"{bug}: setting up failed with {r['ret']}")
        elif (r["threads_after"], r["free_frames_after"]) != (r["threads_before"],
                                                               r["free_frames_before"]):
            wrong.append(f"{bug}: expected threads={r['threads_before']} "
                         f"free_frames={r['free_frames_before']} after deleting the capability, "
                         f"saw threads={r['threads_after']} free_frames={r['free_frames_after']}")
    if wrong:
        raise run.fail("leaked threads:\n  " + "\n  ".join(wrong))
    run.assert_poweroff(0)
