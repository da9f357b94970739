"""Lab 6: the process manager (bin/proc, mica/proto/proc.h).

init=procs (user/root/procs.c) starts names and proc, adopts both, and
spawns bin/ptest (user/tests/lab6/ptest.c) through proc: sums of arguments
whose exit statuses the grader computes from the arguments in the source,
a crash, a sleeper and a spinner that it lists and kills, a non-manager
client, malformed requests, and 50 spawn/exit cycles after which the
program memory and the kernel's objects must be back where they began.
"""
from __future__ import annotations

import re
from pathlib import Path

from grader.abi import describe, err, scenario
from grader.api import Boot, Run, grade, key_values

ROOT = Path(__file__).resolve().parents[2]
PROCS = Boot(args="init=procs")
KILLED = 256                                    # THREAD_STATUS_KILLED
PROC_RUNNING = 1
RIGHT_SEND, RIGHT_GRANT = 2, 4                  # mica/cap.h (RIGHT_WRITE, RIGHT_GRANT)
ENDPOINT = 4


def initializer(path: str, name: str) -> list[str]:
    """The strings of `name[] = { ... }` in a source file."""
    m = re.search(rf"{name}\[\]\s*=\s*\{{([^}}]*)\}}", (ROOT / path).read_text())
    assert m, f"{path} has no {name}[]"
    return re.findall(r'"((?:[^"\\]|\\.)*)"', m[1])


def sum_status(argv: list[str]) -> int:
    """What ptest sum exits with: (argc + sum of i * argv[i + 1] for i >= 1) % 256."""
    return (len(argv) + sum(i * int(a) for i, a in enumerate(argv[2:], start=1))) % 256


def recs(lines: list[str], prefix: str) -> list[dict]:
    """key=value dicts of the lines starting with prefix."""
    return [key_values(s) for s in lines if s.startswith(prefix)]


def one(run: Run, lines: list[str], prefix: str, **match) -> dict:
    found = [r for r in recs(lines, prefix) if all(r.get(k) == v for k, v in match.items())]
    if len(found) != 1:
        raise run.fail(f"expected one line '{prefix} ...' with {match}, saw {len(found)}")
    return found[0]


def shown(key: str, value) -> str:
    """A value as a message shows it: results with their error names."""
    return describe(value) if key == "ret" and isinstance(value, int) else str(value)


def check(run: Run, what: str, got: dict, want: dict) -> None:
    bad = [f"{k} expected {shown(k, v)}, saw {shown(k, got[k]) if k in got else 'nothing'}"
           for k, v in want.items() if got.get(k) != v]
    if bad:
        raise run.fail(f"{what}: " + "; ".join(bad))


def argv_runs(lines: list[str]) -> list[list[str]]:
    """The argv each ptest printed ("ptest: argc=N" then N "ptest: argv[i]=..." lines)."""
    runs: list[list[str]] = []
    for s in lines:
        if s.startswith("ptest: argc="):
            runs.append([])
        m = re.match(r"^ptest: argv\[(\d+)\]=(.*)$", s)
        if m and runs and int(m[1]) == len(runs[-1]):
            runs[-1].append(m[2])
    return runs


@grade(lab=6, points=10, title="spawned programs get their arguments; their exit statuses "
       "(computed from the arguments) reach the parent", boot=PROCS)
def test_proc_spawn_args_status(run):
    lines = scenario(run, "procs")
    one(run, lines, "procs: boot", ret=0)
    one(run, lines, "procs: adopt", name="names", ret=0, pid=1)
    one(run, lines, "procs: adopt", name="proc", ret=0, pid=2)
    seen = argv_runs(lines)
    for pid, tag in ((3, "sum_a"), (4, "sum_b")):
        argv = initializer("user/root/procs.c", tag)
        check(run, f"spawn {tag}", one(run, lines, "procs: spawn", tag=tag),
              {"ret": 0, "pid": pid, "thread": 1})
        if argv not in seen:
            raise run.fail(f"{tag}: no ptest printed the arguments {argv}; saw {seen}")
        check(run, f"wait {tag}", one(run, lines, "procs: wait", tag=tag),
              {"ret": 0, "pid": pid, "status": sum_status(argv)})


@grade(lab=6, points=5, title="a program that faults ends with THREAD_STATUS_KILLED",
       boot=PROCS)
def test_proc_crash(run):
    lines = scenario(run, "procs")
    pid = one(run, lines, "procs: spawn", tag="crash", ret=0)["pid"]
    check(run, "wait crash", one(run, lines, "procs: wait", tag="crash"),
          {"ret": 0, "pid": pid, "status": KILLED})
    if not any(re.match(r"^fault: thread ptest#\d+ killed: #PF", s) for s in lines):
        raise run.fail("MISSING the kernel's 'fault: thread ptest#<id> killed: #PF ...' line")


@grade(lab=6, points=10, title="PROC_LIST shows running children with CPU time; PROC_KILL "
       "ends them with THREAD_STATUS_KILLED and the listing drops them", boot=PROCS)
def test_proc_kill_and_list(run):
    lines = scenario(run, "procs")
    sleeper = one(run, lines, "procs: spawn", tag="sleep", ret=0)["pid"]
    spinner = one(run, lines, "procs: spawn", tag="spin", ret=0)["pid"]
    running = {r["pid"]: r for r in recs(lines, "procs: list tag=running ")}
    want_pids = [1, 2, sleeper, spinner]
    if sorted(running) != want_pids:
        raise run.fail(f"listing while they run: expected pids {want_pids}, saw {sorted(running)}")
    for pid, name in ((1, "names"), (2, "proc"), (sleeper, "ptest"), (spinner, "ptest")):
        check(run, f"listing of pid {pid}", running[pid],
              {"state": PROC_RUNNING, "parent": 0, "name": name, "status": 0})
    if running[spinner]["cpu"] <= 0 or running[spinner]["threads"] != 1:
        raise run.fail(f"the spinner should have run on one thread: {running[spinner]}")
    pool = one(run, lines, "procs: pool", tag="running")
    if not 0 < pool["free"] < pool["total"]:
        raise run.fail(f"two programs run, yet their memory is not in use: {pool}")
    one(run, lines, "procs: bad wait_running", ret=err("E_AGAIN"))
    for tag in ("sleep", "spin", "again"):
        one(run, lines, "procs: kill", tag=tag, ret=0)
    for tag, pid in (("sleep", sleeper), ("spin", spinner)):
        check(run, f"wait {tag}", one(run, lines, "procs: wait", tag=tag),
              {"ret": 0, "pid": pid, "status": KILLED})
    after = sorted(r["pid"] for r in recs(lines, "procs: list tag=after "))
    if after != [1, 2]:
        raise run.fail(f"after the kills and waits expected pids [1, 2] listed, saw {after}")
    pool = one(run, lines, "procs: pool", tag="after")
    if pool["free"] != pool["total"]:
        raise run.fail(f"memory not back after the kills: {pool}")


@grade(lab=6, points=5, title="a process may not kill or collect what is not its child, "
       "adopt, or spawn a manager; its own child works", boot=PROCS)
def test_proc_permissions(run):
    lines = scenario(run, "procs")
    client = one(run, lines, "procs: spawn", tag="client", ret=0)["pid"]
    got = {m[1]: int(m[2]) for m in (re.match(r"^ptest: client (\w+) ret=(-?\d+)", s)
                                     for s in lines) if m}
    want = {"list": 0, "kill_sibling": err("E_PERM"), "kill_unknown": err("E_NOENT"),
            "wait_unknown": err("E_NOENT"), "adopt": err("E_PERM"), "spawn": 0, "wait": 0,
            "spawn_manager": err("E_PERM")}
    wrong = [f"{k}: expected {describe(v)}, saw {describe(got[k]) if k in got else 'no line'}"
             for k, v in want.items() if got.get(k) != v]
    if wrong:
        raise run.fail("the non-manager client:\n  " + "\n  ".join(wrong))
    argv = initializer("user/tests/lab6/ptest.c", "argv")
    one(run, lines, "ptest: client wait", status=sum_status(argv))
    grandchild = [r for r in recs(lines, "proc: spawn pid=") if r.get("parent") == client]
    if len(grandchild) != 1:
        raise run.fail(f"expected proc to record one child of pid {client}, saw {grandchild}")
    check(run, "wait client", one(run, lines, "procs: wait", tag="client"),
          {"ret": 0, "pid": client, "status": 0})


BAD = {
    "missing": "E_NOENT", "not_elf": "E_NOEXEC", "argc_zero": "E_INVAL", "argc_17": "E_INVAL",
    "argc_more": "E_INVAL", "argc_fewer": "E_INVAL", "args_unterminated": "E_INVAL",
    "args_empty": "E_INVAL", "args_too_long": "E_INVAL", "path_unterminated": "E_INVAL",
    "path_empty": "E_INVAL", "flags": "E_INVAL", "short": "E_INVAL", "label": "E_INVAL",
    "give_no_cap": "E_INVAL", "wait_flags": "E_INVAL", "give_slot": "E_INVAL",
    "standard_slot": "E_INVAL", "adopt_not_thread": "E_INVAL", "wait_unknown": "E_NOENT",
    "kill_unknown": "E_NOENT", "kill_adopted": "E_PERM", "wait_running": "E_AGAIN",
}


@grade(lab=6, points=10, title="malformed and refused requests get the documented errors "
       "and start nothing", boot=PROCS)
def test_proc_bad_requests(run):
    lines = scenario(run, "procs")
    got = {m[1]: int(m[2]) for m in (re.match(r"^procs: bad (\w+) ret=(-?\d+)$", s)
                                     for s in lines) if m}
    wrong = [f"{k}: expected {describe(err(v))}, saw {describe(got[k]) if k in got else 'no line'}"
             for k, v in BAD.items() if got.get(k) != err(v)]
    if wrong:
        raise run.fail("wrong results:\n  " + "\n  ".join(wrong))
    # Nothing started in between: the next spawn gets the next pid.
    client = one(run, lines, "procs: spawn", tag="client")["pid"]
    first = one(run, lines, "procs: loop")["first_pid"]
    if first != client + 2:             # the client's own child took client + 1
        raise run.fail(f"the first spawn after the bad requests got pid {first}, expected "
                       f"{client + 2}: a refused request used a pid")


def output_of(run: Run, lines: list[str], pid: int) -> list[str]:
    """What ran between proc's 'spawn pid=<pid>' and 'exit pid=<pid>' lines."""
    idx = [i for i, s in enumerate(lines)
           if re.match(rf"^proc: (spawn|exit) pid={pid} ", s)]
    if len(idx) != 2:
        raise run.fail(f"expected proc's spawn and exit lines of pid {pid}, saw {len(idx)} lines")
    return lines[idx[0] + 1:idx[1]]


def caps_of(run: Run, lines: list[str], pid: int) -> dict[int, dict]:
    """slot -> what ptest caps (pid) printed about it."""
    return {r["slot"]: r for r in (key_values(s) for s in output_of(run, lines, pid)
                                   if s.startswith("ptest: cap "))}


@grade(lab=6, points=5, title="a child gets the standard set (its own badge) and the staged "
       "capabilities, and nothing else", boot=PROCS)
def test_proc_capabilities(run):
    lines = scenario(run, "procs")
    for what in ("set_standard slot=16", "set_standard slot=17", "give slot=9", "give slot=16"):
        if not any(s == f"procs: {what} ret=0" for s in lines):
            raise run.fail(f"MISSING 'procs: {what} ret=0'")
    for tag, want_slots in (("caps_staged", [9, 14, 16, 17]), ("caps_plain", [14, 16, 17])):
        pid = one(run, lines, "procs: spawn", tag=tag, ret=0)["pid"]
        caps = caps_of(run, lines, pid)
        if sorted(caps) != want_slots:
            raise run.fail(f"{tag}: expected capabilities in slots {want_slots}, saw {sorted(caps)}")
        check(run, f"{tag} slot 14 (process manager)", caps[14],
              {"type": ENDPOINT, "rights": RIGHT_SEND | RIGHT_GRANT, "badge": pid})
        check(run, f"{tag} slot 17 (standard)", caps[17],
              {"type": ENDPOINT, "rights": RIGHT_SEND, "badge": 0})
        staged = tag == "caps_staged"
        check(run, f"{tag} slot 16", caps[16],
              {"type": ENDPOINT, "rights": RIGHT_SEND, "badge": 77 if staged else 0})
        if staged:
            check(run, f"{tag} slot 9 (names, staged)", caps[9],
                  {"type": ENDPOINT, "rights": RIGHT_SEND, "badge": 3 << 8 | 2})


@grade(lab=6, points=10, title="50 spawn/exit cycles: right statuses, and the program memory "
       "and kernel objects all come back", boot=PROCS)
def test_proc_no_leak(run):
    lines = scenario(run, "procs")
    loop = one(run, lines, "procs: loop")
    want_sum = sum((i * 5) & 0xFF for i in range(loop["n"]))
    check(run, "the loop", loop, {"n": 50, "ok": 50, "status_sum": want_sum,
                                  "last_pid": loop.get("first_pid", 0) + 49})
    leak = one(run, lines, "procs: leak")
    total = one(run, lines, "procs: pool", tag="start")["total"]
    problems = [f"{what}: {leak[f'{what}_before']} before, {leak[f'{what}_after']} after"
                for what in ("pool", "threads", "kmem", "frames")
                if leak[f"{what}_before"] != leak[f"{what}_after"]]
    if leak["pool_before"] != total:
        problems.append(f"pool: {leak['pool_before']} pages free before the loop, of {total}")
    if problems:
        raise run.fail("resources not given back:\n  " + "\n  ".join(problems))
