"""`python -m grader batch SUBMISSIONS [--lab N] [-j N] [--out scores.csv]`

Grades many submissions: each subdirectory of SUBMISSIONS is one student's
tree. For each, `make -C TREE all` (with a time limit), then this grader --
its own pristine tests, never the student's grader/ -- on TREE/build, the
output in TREE/build/grade/ as for `make grade`. Up to -j submissions at
once (each graded with one test at a time, so -j is the number of
emulators running). Writes a CSV, one row per submission:

    student,lab,score,max,status,seconds,failed

status is graded (the grader ran: see score), build-failed, build-timeout,
grader-error or grader-timeout; failed lists the failed tests' names.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

FIELDS = ["student", "lab", "score", "max", "status", "seconds", "failed"]


@dataclass
class Row:
    student: str
    lab: str
    score: float = 0
    max: float = 0
    status: str = ""
    seconds: float = 0.0
    failed: str = ""


def run(cmd: list[str], cwd: Path, timeout: float, log: Path, env: dict | None = None) -> int | None:
    """Run cmd with its output into log; None if it ran out of time."""
    with open(log, "wb") as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            return p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            return None


def grade_one(tree: Path, a: argparse.Namespace) -> Row:
    row = Row(tree.name, a.lab or "all")
    t0 = time.monotonic()
    logs = tree / "build"
    logs.mkdir(exist_ok=True)
    rc = run(["make", "-C", str(tree), "all"], tree, a.build_timeout, logs / "batch-make.log")
    if rc != 0:
        row.status = "build-timeout" if rc is None else "build-failed"
    else:
        grade_dir = tree / "build" / "grade"
        (grade_dir / "results.json").unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "grader", "--build", str(tree / "build"), "--emu", a.emu,
               "-j", str(a.test_jobs)]
        cmd += ["--lab", a.lab] if a.lab else []
        cmd += ["--extra", str(a.extra.resolve())] if a.extra else []
        env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
        env.pop("MICA_GRADER_DIR", None)
        rc = run(cmd, PACKAGE.parent, a.grade_timeout, logs / "batch-grade.log", env)
        try:
            data = json.loads((grade_dir / "results.json").read_text())
            tests = data["tests"]
        except (OSError, ValueError, KeyError):
            data, tests = None, []
        if rc is None:
            row.status = "grader-timeout"
        elif rc not in (0, 1) or data is None:
            row.status = "grader-error"
        else:
            row.status = "graded"
        row.score = data["score"] if data else 0
        row.max = sum(t["max_score"] for t in tests)
        row.failed = " ".join(t["extra_data"]["test"] for t in tests if t["status"] != "passed")
    row.seconds = round(time.monotonic() - t0, 1)
    return row


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m grader batch",
                                description="Grade every submission (subdirectory) in a directory.")
    p.add_argument("submissions", type=Path)
    p.add_argument("--lab", help="only these labs (as for python -m grader)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at once (default: one per CPU)")
    p.add_argument("--out", type=Path, default=Path("scores.csv"))
    p.add_argument("--emu", default="qemu", choices=["qemu", "bochs"])
    p.add_argument("--extra", type=Path, help="hidden tests for every submission")
    p.add_argument("--build-timeout", type=float, default=300.0, help="seconds for make all")
    p.add_argument("--grade-timeout", type=float, default=900.0, help="seconds for the grader")
    p.add_argument("--test-jobs", type=int, default=1,
                   help="tests in parallel within one submission (default 1)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if not a.submissions.is_dir():
        print(f"batch: {a.submissions}: not a directory")
        return 2
    trees = sorted(d for d in a.submissions.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not trees:
        print(f"batch: no submissions (subdirectories) in {a.submissions}")
        return 2
    rows: list[Row] = []
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for row in pool.map(lambda t: grade_one(t.resolve(), a), trees):
            rows.append(row)
            print(f"{row.student}: {row.status} {row.score:g}/{row.max:g} {row.seconds:.1f}s"
                  + (f"  failed: {row.failed}" if row.failed else ""), flush=True)
    most = max((r.max for r in rows if r.status == "graded"), default=0)
    for r in rows:                      # an ungraded submission is out of the same total
        r.max = r.max or most
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for r in rows:
            w.writerow([r.student, r.lab, f"{r.score:g}", f"{r.max:g}", r.status,
                        f"{r.seconds:.1f}", r.failed])
    print(f"batch: {len(rows)} submissions, scores in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
