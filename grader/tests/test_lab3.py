"""Lab 3: threads, user mode, system calls and the scheduler.

Each boot runs one scenario of the root task (init=NAME; the scenarios are
user/tests/lab3/*.c). A scenario prints what it observed as key=value lines
between "init: scenario NAME begin" and "init: scenario NAME end"; these
tests judge the values. Scheduling tests boot with trace=sched, check the
trace as well, and draw the timeline of the trace (grader/timeline.py) as
an SVG beside the transcript.
"""
from __future__ import annotations

import re
import statistics
from pathlib import Path

from grader import schedtrace, timeline
from grader.abi import describe, err, scenario
from grader.api import Boot, GradeFailure, Run, assert_lines_match, grade, key_values

THREAD_STATUS_KILLED = 256


# ---- reading a scenario's output --------------------------------------------

def records(lines: list[str], prefix: str, key: str | None = None) -> list[dict]:
    """key=value dicts of the lines starting 'prefix: ' (and holding key)."""
    out = [key_values(line) for line in lines if line.startswith(prefix + ": ")]
    return [r for r in out if key is None or key in r]


def one(run: Run, recs: list[dict], what: str) -> dict:
    if len(recs) != 1:
        raise run.fail(f"expected exactly one line with {what}, saw {len(recs)}")
    return recs[0]


def draw(run: Run, title: str) -> None:
    """Write the run's scheduler timeline next to its transcript (<test>.svg)."""
    if run.transcript is not None:
        timeline.write_svg(run.transcript.with_suffix(".svg"), run.text,
                           title=f"{title} ({run.emulator})")


def user_symbols(build: Path) -> dict[str, int]:
    """name -> address from build/user/root.sym (nm -n)."""
    out = {}
    for line in (build / "user/root.sym").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[2]] = int(parts[0], 16)
    return out


def trace_between(run: Run, first: str, last: str) -> list[schedtrace.Slice]:
    """The CPU slices traced between the first line matching `first` and the
    next line matching `last`."""
    lines = run.lines
    a = next((i for i, s in enumerate(lines) if re.search(first, s)), None)
    b = next((i for i in range(a or 0, len(lines)) if re.search(last, lines[i])), None)
    if a is None or b is None:
        raise run.fail(f"MISSING {first!r} or {last!r} around the trace")
    events = schedtrace.parse(lines)
    return schedtrace.between(schedtrace.slices(events), a, b)


# ---- ring3: user mode is really ring 3 ---------------------------------------

RING3 = Boot(args="init=ring3")
KERNEL_IMAGE_ADDR = 0xFFFFFFFF80100000
DIRECT_MAP_ADDR = 0xFFFF800000100000


def the_fault(run: Run, name: str) -> schedtrace.Fault:
    mine = [f for f in schedtrace.faults(run.lines) if f.name == name]
    if len(mine) != 1:
        raise run.fail(f"expected one 'fault: thread {name}#<id> killed: ...' line, saw {len(mine)}")
    return mine[0]


def check_fault(run: Run, name: str, vector: str, rip: int, addr: int) -> None:
    f = the_fault(run, name)
    problems = []
    if not f.vector.startswith(vector):
        problems.append(f"vector: expected {vector}, saw {f.vector!r}")
    if f.rip != rip:
        problems.append(f"rip: expected {rip:#x} (the faulting instruction), saw {f.rip:#x}")
    if f.addr != addr:
        problems.append(f"addr: expected {addr:#x}, saw {f.addr:#x}")
    if problems:
        raise run.fail(f"fault report for {name}: " + "; ".join(problems) +
                       f"\n  saw: {run.lines[f.line]}")


@grade(lab=3, points=5, title="user code runs at privilege level 3", boot=RING3)
def test_ring3_cpl(run):
    lines = scenario(run, "ring3")
    rec = one(run, records(lines, "ring3", "cpl"), "ring3: cpl=")
    if rec["cpl"] != 3:
        raise run.fail(f"expected the root task's CS to show CPL 3, saw cpl={rec['cpl']}")


@grade(lab=3, points=10, title="reading kernel memory kills the thread with a #PF report", boot=RING3)
def test_ring3_kernel_read_killed(run, grading):
    scenario(run, "ring3")
    load = user_symbols(grading.iso.parent)["ring3_load"]
    check_fault(run, "kread", "#PF", load, KERNEL_IMAGE_ADDR)
    check_fault(run, "dmread", "#PF", load, DIRECT_MAP_ADDR)
    assert_lines_match(run.lines, r"^ring3: joined=kread ret=0 status=256$",
                       r"^ring3: joined=dmread ret=0 status=256$", no=[r"^ring3: load from"])


@grade(lab=3, points=5, title="a privileged instruction kills the thread with a #GP report", boot=RING3)
def test_ring3_privileged_killed(run, grading):
    scenario(run, "ring3")
    check_fault(run, "hlt", "#GP", user_symbols(grading.iso.parent)["ring3_hlt"], 0)
    assert_lines_match(run.lines, r"^ring3: joined=hlt ret=0 status=256$",
                       no=[r"^ring3: hlt returned"])


@grade(lab=3, points=5, title="other threads keep running after the faults", boot=RING3)
def test_ring3_others_run_on(run):
    lines = scenario(run, "ring3")
    counts = [r["count"] for r in records(lines, "ring3", "count")]
    if counts != list(range(10)):
        raise run.fail(f"expected the counter thread to print count=0..9, saw {counts}")
    last_fault = max(f.line for f in schedtrace.faults(run.lines))
    after = [i for i, s in enumerate(run.lines) if s.startswith("ring3: count=") and i > last_fault]
    if not after:
        raise run.fail("expected counter output after the last fault report, saw none")
    assert_lines_match(run.lines, r"^ring3: joined=counter ret=0 status=10$")


# ---- badsys: bad system calls return the documented errors -------------------

BADSYS = Boot(args="init=badsys")

# label -> the documented result: an error name or a value (mica/syscall.h and
# the handlers' comments in kernel/syscall.c, kernel/sys_thread.c).
BADSYS_NUMBERS = {
    "sys_999": "E_NOSYS", "sys_minus1": "E_NOSYS", "sys_14": "E_NOSYS", "sys_63": "E_NOSYS",
    "sys_huge": "E_NOSYS", "sys_past_end": "E_NOSYS",
}
BADSYS_POINTERS = {
    "debug_write_ok": 19, "debug_write_null": "E_FAULT", "debug_write_kernel": "E_FAULT",
    "debug_write_noncanonical": "E_FAULT", "debug_write_unmapped": "E_FAULT",
    "debug_write_wrap": "E_INVAL", "debug_write_edge": 8, "debug_write_straddle": "E_FAULT",
    "thread_create_null": "E_FAULT", "thread_create_kernel": "E_FAULT",
    "thread_create_unmapped": "E_FAULT", "thread_create_straddle": "E_FAULT",
    "thread_info_ok": 0, "thread_info_null": "E_FAULT", "thread_info_kernel": "E_FAULT",
    "thread_info_unmapped": "E_FAULT", "thread_info_readonly": "E_FAULT",
    "thread_info_text": "E_FAULT", "thread_info_straddle": "E_FAULT",
    "kernel_stats_null": "E_FAULT", "kernel_stats_kernel": "E_FAULT",
}
BADSYS_ARGUMENTS = {
    "thread_create_prio_high": "E_RANGE", "thread_create_prio_negative": "E_RANGE",
    "thread_create_kernel_entry": "E_INVAL", "thread_create_noncanonical_entry": "E_INVAL",
    "thread_create_kernel_stack": "E_INVAL", "thread_create_bad_space": "E_WRONGTYPE",
    "thread_create_empty_slot": "E_BADCAP", "thread_create_slot_range": "E_BADCAP",
    "thread_info_empty_slot": "E_BADCAP", "thread_info_null_slot": "E_BADCAP",
    "thread_info_negative_slot": "E_BADCAP", "thread_info_wrong_type": "E_WRONGTYPE",
    "set_priority_high": "E_RANGE", "set_priority_wrong_type": "E_WRONGTYPE",
    "thread_start_wrong_type": "E_WRONGTYPE", "thread_resume_empty_slot": "E_BADCAP",
    "join_self": "E_INVAL", "poweroff_wrong_type": "E_WRONGTYPE",
    "poweroff_empty_slot": "E_BADCAP",
}


def check_results(run: Run, expected: dict[str, int | str]) -> None:
    lines = scenario(run, "badsys")
    seen: dict[str, list[int]] = {}
    for m in filter(None, (re.match(r"^badsys: (\w+) ret=(-?\d+) ", s) for s in lines)):
        seen.setdefault(m[1], []).append(int(m[2]))
    wrong = []
    for label, want in expected.items():
        want_ret = err(want) if isinstance(want, str) else want
        got = seen.get(label, [])
        if len(got) != 1:
            wrong.append(f"{label}: expected one result line, saw {len(got)}")
        elif got[0] != want_ret:
            wrong.append(f"{label}: expected {describe(want_ret)}, saw {describe(got[0])}")
    if wrong:
        raise run.fail("system calls returned the wrong results:\n  " + "\n  ".join(wrong))
    assert_lines_match(lines, r"^badsys: survived=1$")


@grade(lab=3, points=5, title="unknown system call numbers return E_NOSYS", boot=BADSYS)
def test_badsys_numbers(run):
    check_results(run, BADSYS_NUMBERS)


@grade(lab=3, points=10, title="bad user pointers return E_FAULT and copy nothing", boot=BADSYS)
def test_badsys_pointers(run):
    check_results(run, BADSYS_POINTERS)
    lines = scenario(run, "badsys")
    edge = [s for s in lines if s == "EDGE-OK"]
    if len(edge) != 1:
        raise run.fail(f"expected the 8 bytes before the unmapped page printed once (the good "
                       f"write) and not by the straddling write, saw them {len(edge)} times")
    rec = one(run, records(lines, "badsys", "bytes_changed"), "bytes_changed=")
    if rec["bytes_changed"] != 0:
        raise run.fail(f"thread_info into a straddling buffer failed but changed "
                       f"{rec['bytes_changed']} bytes of it (check the range before copying)")


@grade(lab=3, points=5, title="bad capabilities and arguments return the documented errors",
       boot=BADSYS)
def test_badsys_arguments(run):
    check_results(run, BADSYS_ARGUMENTS)


# ---- rr: round robin among equal priorities ----------------------------------

RR = Boot(args="init=rr trace=sched")


@grade(lab=3, points=10, title="equal-priority threads share the CPU equally", boot=RR)
def test_rr_fair_shares(run):
    lines = scenario(run, "rr")
    draw(run, "rr")
    head = one(run, records(lines, "rr", "threads"), "rr: threads=")
    n, window, slice_ = head["threads"], head["ticks"], head["timeslice"]
    workers = records(lines, "rr", "worker")
    if len(workers) != n:
        raise run.fail(f"expected {n} worker lines, saw {len(workers)}")
    fair = window / n
    cpu = [w["cpu_ticks"] for w in workers]
    counts = [w["count"] for w in workers]
    problems = []
    for w in workers:
        if abs(w["cpu_ticks"] - fair) > slice_ + 1:
            problems.append(f"{w['name']}: cpu_ticks={w['cpu_ticks']}, expected {fair:.1f} "
                            f"+/- {slice_ + 1} (one time slice and a tick)")
    if not window - 3 <= sum(cpu) <= window + 1:
        problems.append(f"the workers' cpu_ticks add up to {sum(cpu)}, expected about {window} "
                        f"(the main thread slept that long)")
    mean = statistics.mean(counts)
    if mean <= 0 or any(abs(c - mean) > 0.15 * mean for c in counts):
        problems.append(f"loop counts {counts}: expected each within 15% of their mean {mean:.0f}")
    if problems:
        raise run.fail("unequal shares:\n  " + "\n  ".join(problems))


@grade(lab=3, points=5, title="the trace shows the workers taking turns, one time slice each",
       boot=RR)
def test_rr_trace_round_robin(run):
    lines = scenario(run, "rr")
    draw(run, "rr")
    head = one(run, records(lines, "rr", "threads"), "rr: threads=")
    n, slice_ = head["threads"], head["timeslice"]
    window = one(run, records(lines, "rr", "window_start"), "rr: window_start=")
    names = [f"rr{i}" for i in range(n)]
    # The workers' turns while the main thread slept (not their exits afterwards).
    slices = [s for s in trace_between(run, r"^init: scenario rr begin$", r"^rr: worker=")
              if s.name in names and window["window_start"] <= s.start < window["window_end"]]
    if len(slices) < 3 * n:
        raise run.fail(f"expected at least {3 * n} trace runs of {names} (trace=sched), "
                       f"saw {len(slices)}")
    order = [s.name for s in slices]
    for i in range(len(order) - n + 1):
        if len(set(order[i:i + n])) != n:
            raise run.fail(f"expected the workers to take turns in a fixed rotation, "
                           f"saw the order {' '.join(order[max(0, i - 3):i + n + 3])} "
                           f"(run {i + 1} of {len(order)})")
    inner = [s.ticks for s in slices[1:-1]]
    odd = [t for t in inner if t != slice_]
    if odd:
        raise run.fail(f"expected every turn between the first and the last to last "
                       f"timeslice={slice_} ticks, saw lengths {inner}")


# ---- prio: a higher priority runs until it blocks ----------------------------

PRIO = Boot(args="init=prio trace=sched")


@grade(lab=3, points=10, title="a higher-priority thread runs to the exclusion of lower ones",
       boot=PRIO)
def test_prio_exclusive(run):
    lines = scenario(run, "prio")
    draw(run, "prio")
    snap = {r["snap"]: r for r in records(lines, "prio", "snap")}
    need = ["start", "busy1_begin", "busy1_end", "sleep_end", "busy2_end"]
    if sorted(snap) != sorted(need):
        raise run.fail(f"expected snapshots {need}, saw {sorted(snap)}")

    def moved(a: str, b: str) -> list[int]:
        return [snap[b][f"low{i}"] - snap[a][f"low{i}"] for i in (0, 1)]

    problems = []
    if min(snap["start"]["low0"], snap["start"]["low1"]) <= 0:
        problems.append(f"the low threads never ran before the high one started: {snap['start']}")
    for a, b, why in (("busy1_begin", "busy1_end", "while the high thread computed"),
                      ("sleep_end", "busy2_end", "while the high thread computed again")):
        if moved(a, b) != [0, 0]:
            problems.append(f"the low threads counted {moved(a, b)} {why} (expected [0, 0])")
    if min(moved("busy1_end", "sleep_end")) <= 0:
        problems.append(f"the low threads counted {moved('busy1_end', 'sleep_end')} while the "
                        f"high thread slept (expected both > 0)")
    hi = one(run, records(lines, "prio", "cpu_ticks"), "prio: high cpu_ticks=")
    if not 44 <= hi["cpu_ticks"] <= 47:
        problems.append(f"the high thread's cpu_ticks={hi['cpu_ticks']}, expected 45 "
                        f"(busy 30 + 15 ticks) +/- 1..2")
    if problems:
        raise run.fail("priorities not respected:\n  " + "\n  ".join(problems))


@grade(lab=3, points=5, title="raising a thread's priority above the caller's preempts at once",
       boot=PRIO)
def test_prio_raise_preempts(run):
    lines = scenario(run, "prio")
    assert_lines_match(lines, r"^prio: raised low0 ran=1$")


# ---- sleep: wake-ups on time ------------------------------------------------

SLEEP = Boot(args="init=sleep")
SLEEP_TRACE = Boot(args="init=sleep trace=sched")


@grade(lab=3, points=10, title="sleep(n) wakes after n ticks (within one)", boot=SLEEP)
def test_sleep_wakes_on_time(run):
    # Without the trace: in Bochs each trace line costs a third of a tick of
    # serial output, which would delay the sleepers behind one another.
    lines = scenario(run, "sleep")
    recs = records(lines, "sleep", "asked")
    if len(recs) != 15:
        raise run.fail(f"expected 15 sleeps (5 sleepers, 3 rounds), saw {len(recs)}")
    late = [r for r in recs if not 0 <= r["woke_at"] - r["slept_at"] - r["asked"] <= 1]
    if late:
        shown = ", ".join(f"{r['name']} asked {r['asked']} slept {r['woke_at'] - r['slept_at']}"
                          for r in late)
        raise run.fail(f"expected each sleep to last n or n+1 ticks: {shown}")
    exact = sum(r["woke_at"] - r["slept_at"] == r["asked"] for r in recs)
    if exact < len(recs) * 2 // 3:
        raise run.fail(f"only {exact} of {len(recs)} sleeps lasted exactly n ticks; a tick "
                       f"rarely falls between reading ticks() and sleeping, so wake-ups are late")


@grade(lab=3, points=5, title="the trace shows each sleeper woken exactly n ticks after it blocked",
       boot=SLEEP_TRACE)
def test_sleep_trace_wakes_on_tick(run):
    scenario(run, "sleep")
    draw(run, "sleep")
    blocks: dict[str, int] = {}
    wakes = 0
    for e in schedtrace.parse(run.lines):
        if not re.fullmatch(r"s\d+", e.name):
            continue
        if e.kind == "block" and e.detail == "sleep":
            blocks[e.thread] = e.tick
        elif e.kind == "wake" and e.detail == "sleep" and e.thread in blocks:
            want = int(e.name[1:])
            got = e.tick - blocks.pop(e.thread)
            wakes += 1
            if got != want:
                raise run.fail(f"trace: {e.thread} blocked in sleep({want}) and was woken "
                               f"{got} ticks later\n  line: {run.lines[e.line]}")
    if wakes != 15:
        raise run.fail(f"expected 15 'wake s<n>#<id> by=sleep' trace lines after blocks, saw {wakes}")


# ---- timeslice: the command line changes the interleaving --------------------

@grade(lab=3, points=10, title="timeslice=1 and timeslice=10 give runs of 1 and 10 ticks")
def test_timeslice_changes_interleaving(boot):
    found = {}
    for ts in (1, 10):
        run = boot(args=f"init=timeslice trace=sched timeslice={ts}")
        lines = scenario(run, "timeslice")
        draw(run, f"timeslice={ts}")
        head = one(run, records(lines, "timeslice", "timeslice"), "timeslice: timeslice=")
        if head["timeslice"] != ts:
            raise run.fail(f"booted with timeslice={ts}, the root task saw {head['timeslice']}")
        slices = trace_between(run, r"^init: scenario timeslice begin$", r"^timeslice: worker=")
        runs = schedtrace.run_lengths(slices, ["ts0", "ts1"])[1:-1]
        if len(runs) < 3:
            raise run.fail(f"timeslice={ts}: expected the two workers to alternate at least "
                           f"3 times in the trace, saw runs {runs}")
        if statistics.median(runs) != ts:
            raise run.fail(f"timeslice={ts}: expected runs of {ts} ticks in the trace, "
                           f"saw lengths {runs}")
        found[ts] = sum(w["turns"] for w in records(lines, "timeslice", "turns"))
    if found[1] < 3 * found[10]:
        raise GradeFailure(f"the workers counted {found[1]} turns with timeslice=1 and "
                           f"{found[10]} with timeslice=10: expected many more with the short slice")


# ---- cycles: resources come back ---------------------------------------------

CYCLES = Boot(args="init=cycles", timeout=60)


@grade(lab=3, points=10, title="1000 create/exit/join cycles give back every resource", boot=CYCLES)
def test_cycles_resources_return(run):
    lines = scenario(run, "cycles")
    when = {r["when"]: r for r in records(lines, "cycles", "when")}
    if sorted(when) != ["after", "before"]:
        raise run.fail(f"expected 'cycles: when=before' and 'when=after' lines, saw {sorted(when)}")
    leaks = [f"{k}: {when['before'][k]} before, {when['after'][k]} after"
             for k in ("threads", "kmem_inuse", "free_frames", "heap")
             if when["before"][k] != when["after"][k]]
    done = one(run, records(lines, "cycles", "done"), "cycles: done=")
    want_sum = sum(i % 256 for i in range(1000))
    if done["done"] != 1000 or done["failed"] != 0:
        leaks.append(f"expected 1000 cycles done and 0 failed, saw done={done['done']} "
                     f"failed={done['failed']}")
    if done["status_sum"] != want_sum:
        leaks.append(f"the exit statuses add up to {done['status_sum']}, expected {want_sum}")
    if leaks:
        raise run.fail("resources not given back:\n  " + "\n  ".join(leaks))


# ---- join: exit statuses and waiting -----------------------------------------

JOIN = Boot(args="init=join")


@grade(lab=3, points=5, title="thread_join returns the exit status", boot=JOIN)
def test_join_statuses(run):
    lines = scenario(run, "join")
    got = [(r["exited"], r["ret"], r["status"]) for r in records(lines, "join", "exited")]
    want = [(e, 0, e & 0xff) for e in (0, 1, 42, 255, 300)]
    if got != want:
        raise run.fail(f"(exited, ret, status) expected {want}, saw {got}")
    assert_lines_match(lines, rf"^join: killed ret=0 status={THREAD_STATUS_KILLED}$")


@grade(lab=3, points=5, title="waiters wake on exit; timeouts, self and second joins fail cleanly",
       boot=JOIN)
def test_join_waiters_and_errors(run):
    lines = scenario(run, "join")
    waiters = records(lines, "join", "waiter")
    problems = []
    if len(waiters) != 2:
        problems.append(f"expected two waiter lines, saw {len(waiters)}")
    elif 7 not in [w["ret"] for w in waiters] or any(w["ret"] not in (7,) and w["ret"] >= 0
                                                     for w in waiters):
        problems.append(f"expected a waiter to get status 7 (and the other 7 or an error), "
                        f"saw {[describe(w['ret']) for w in waiters]}")
    elif any(not 9 <= w["waited"] <= 11 for w in waiters):
        problems.append(f"expected the waiters to wait until the target exited (10 ticks), "
                        f"saw waited={[w['waited'] for w in waiters]}")
    expect = {"timeout=3": err("E_TIMEOUT"), "timeout=0": err("E_TIMEOUT"),
              "timeout=forever": 0, "again": err("E_BADCAP"), "self": err("E_INVAL")}
    for key, want in expect.items():
        m = [s for s in lines if s.startswith(f"join: {key} ret=")]
        got = key_values(m[0])["ret"] if len(m) == 1 else None
        if got != want:
            problems.append(f"join {key}: expected {describe(want)}, saw "
                            f"{describe(got) if got is not None else 'no line'}")
    t3 = [key_values(s) for s in lines if s.startswith("join: timeout=3 ")]
    if t3 and not 3 <= t3[0].get("waited", -1) <= 4:
        problems.append(f"join with timeout 3 waited {t3[0].get('waited')} ticks, expected 3")
    assert_lines_match(lines, r"^join: timeout=forever ret=0 status=9$")
    if problems:
        raise run.fail("join misbehaved:\n  " + "\n  ".join(problems))


# ---- kill: sys_thread_kill in every state ------------------------------------

KILL = Boot(args="init=kill")

# case -> the state thread_info reported before the kill (user/tests/lab3/kill.c)
KILL_CASES = {"ready": "ready", "sleeping": "sleeping", "suspended": "suspended",
              "suspend_pending": "sleeping", "unstarted": "suspended",
              "joining": "blocked", "joining_timeout": "blocked"}


@grade(lab=3, points=10, title="thread_kill ends a ready, sleeping, suspended, unstarted or "
       "joining thread at once; its joiners get THREAD_STATUS_KILLED", boot=KILL)
def test_kill_states(run):
    lines = scenario(run, "kill")
    seen = {r["victim"]: r for r in records(lines, "kill", "victim")}
    problems = []
    for case, state in KILL_CASES.items():
        r = seen.get(case)
        if r is None:
            problems.append(f"{case}: MISSING 'kill: victim={case} ...'")
            continue
        want = {"before": state, "ret": 0, "after": "dead", "exit": THREAD_STATUS_KILLED,
                "joiner0": THREAD_STATUS_KILLED, "joiner1": THREAD_STATUS_KILLED,
                "join": THREAD_STATUS_KILLED}
        bad = [f"{k} expected {v}, saw {describe(r.get(k)) if isinstance(r.get(k), int) else r.get(k)}"
               for k, v in want.items() if r.get(k) != v]
        if not 0 <= r.get("waited", -1) <= 1:
            bad.append(f"the joiners woke {r.get('waited')} ticks after the kill, expected at once")
        # the victim and its two joiners (which ran at once) are gone from the space
        if r.get("space_after") != r.get("space_before", 0) - 3:
            bad.append(f"live threads of the space went from {r.get('space_before')} to "
                       f"{r.get('space_after')}, expected {r.get('space_before', 0) - 3}")
        if bad:
            problems.append(f"{case}: " + "; ".join(bad))
    if problems:
        raise run.fail("thread_kill misbehaved:\n  " + "\n  ".join(problems))


@grade(lab=3, points=5, title="a thread can kill itself; refused kills return the documented "
       "errors; killed joiners give back every reference", boot=KILL)
def test_kill_self_and_errors(run):
    lines = scenario(run, "kill")
    k = THREAD_STATUS_KILLED
    assert_lines_match(lines, rf"^kill: self joiner0={k} joiner1={k} join={k}$",
                       no=[r"^kill: self survived"])
    for case in ("joining", "joining_timeout"):
        assert_lines_match(lines, rf"^kill: joined_target case={case} ret=0 status={k}$")
    want = {"empty_slot": err("E_BADCAP"),
            "null_slot": err("E_BADCAP"), "wrong_type": err("E_WRONGTYPE"), "first": 0,
            "dead": err("E_DEAD"), "reaped": err("E_BADCAP")}
    got = {m[1]: int(m[2]) for m in (re.match(r"^kill: err (\w+) ret=(-?\d+)$", s) for s in lines)
           if m}
    wrong = [f"{w}: expected {describe(v)}, saw {describe(got[w]) if w in got else 'no line'}"
             for w, v in want.items() if got.get(w) != v]
    if wrong:
        raise run.fail("refused kills:\n  " + "\n  ".join(wrong))
    res = one(run, records(lines, "kill", "threads_before"), "kill: resources")
    if res["threads_after"] != res["threads_before"] or res["kmem_after"] != res["kmem_before"]:
        raise run.fail(f"kernel objects not given back: threads {res['threads_before']} -> "
                       f"{res['threads_after']}, kmem_inuse {res['kmem_before']} -> "
                       f"{res['kmem_after']}")
