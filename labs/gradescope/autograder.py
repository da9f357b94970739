#!/usr/bin/env python3
"""autograder.py: grade one Gradescope submission of a Mica lab.

Runs inside Gradescope's image (source/ holds this file, config.json, the
pristine staged tree mica/ and optional hidden tests extra/). Steps:
  1. copy the submission (a repository upload, or a `make handin` archive)
     into a work directory, without its build/ and .git/;
  2. replace its grader/ with the pristine copy, so edited tests count for nothing;
  3. `make all` with the student's Makefile, then remove any build/grade/ the
     build left behind, and run the pristine grader (`python3 -m grader`) on
     the lab, with the hidden tests when present, under a time budget;
  4. write results/results.json in Gradescope's format with the visibility
     settings from config.json; when the build or the grader fails, a result
     with score 0 and the reason, never nothing.
Paths: $AUTOGRADER_ROOT (default /autograder); $MICA_WORK for the work directory.
Python 3.10 or later, standard library only.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HIDDEN_TAGS = {"hidden", "extra"}
SKIP = shutil.ignore_patterns("build", ".git", "__pycache__", ".pytest_cache", "*.lock")


def tail(text: str, n: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-n:])


def unpack_archives(sub: Path, into: Path) -> Path:
    """The submission's files; a lone uploaded archive is unpacked first."""
    files = [p for p in sub.iterdir() if not p.name.startswith(".")] if sub.exists() else []
    archives = [p for p in files if p.name.endswith((".tar.gz", ".tgz", ".zip"))]
    if len(archives) == 1 and not any((p / "Makefile").exists() or p.name == "Makefile" for p in files):
        into.mkdir(parents=True, exist_ok=True)
        a = archives[0]
        if a.name.endswith(".zip"):
            with zipfile.ZipFile(a) as z:
                z.extractall(into)
        else:
            with tarfile.open(a) as t:
                t.extractall(into, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(into)
        return into
    return sub


def find_tree(top: Path) -> Path | None:
    """The directory holding Makefile and kernel/, at most two levels down."""
    for depth in range(3):
        for d in sorted([top] if depth == 0 else top.glob("/".join(["*"] * depth))):
            if d.is_dir() and (d / "Makefile").is_file() and (d / "kernel").is_dir():
                return d
    return None


def prepare(sub: Path, work: Path, pristine: Path) -> Path | str:
    """Copy the student's tree into work/tree with the pristine grader; the
    tree, or a message saying why there is none."""
    top = find_tree(unpack_archives(sub, work / "unpacked"))
    if top is None:
        return ("No Mica tree found in the submission: upload your repository, or the "
                "mica-labN-USER.tar.gz that `make handin` writes (it must contain Makefile and kernel/).")
    tree = work / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(top, tree, ignore=SKIP, symlinks=True)
    if (pristine / "grader").is_dir():
        shutil.rmtree(tree / "grader", ignore_errors=True)
        shutil.copytree(pristine / "grader", tree / "grader", ignore=SKIP)
    return tree


def run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    try:
        res = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, timeout=timeout, text=True, errors="replace")
        return res.returncode, res.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return -1, out + f"\n(stopped after {timeout:.0f} s)"


def zero(config: dict, why: str, log: str = "") -> dict:
    """A result that gives no points and says why."""
    text = why + ("\n\n" + tail(log) if log else "")
    return {"score": 0, "output": text, "visibility": config["visibility"],
            "stdout_visibility": config["stdout_visibility"], "tests": []}


def hidden_names(extra: Path) -> set[str]:
    """Names of the test functions in the hidden test files (without test_)."""
    names = set()
    for p in extra.rglob("*.py") if extra.is_dir() else []:
        names |= set(re.findall(r"^\s*def test_(\w+)\s*\(", p.read_text(errors="replace"), re.M))
    return names


def finish(data: dict, config: dict, seconds: float, log: str, hidden_tests: set[str]) -> dict:
    """Gradescope settings on the grader's results. A test is hidden when the
    grader tagged it "extra"/"hidden" or it is defined in the hidden test files."""
    for t in data.get("tests", []):
        name = (t.get("extra_data") or {}).get("test") or t.get("name", "")
        hidden = HIDDEN_TAGS & set(t.get("tags", [])) or name.removeprefix("test_") in hidden_tests
        t["visibility"] = config["hidden_tests"] if hidden else config["visibility"]
    data["visibility"] = config["visibility"]
    data["stdout_visibility"] = config["stdout_visibility"]
    data["execution_time"] = round(seconds, 1)
    score_line = next((l for l in reversed(log.splitlines()) if l.startswith("Score:")), "")
    if not data.get("output"):
        data["output"] = (f"Lab {config['lab']}: {score_line or 'graded'} "
                          f"(staged from {config.get('source', 'the course tree')}).")
    return data


def main() -> int:
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    src, sub, out = root / "source", root / "submission", root / "results"
    config = json.loads((src / "config.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    work = Path(os.environ.get("MICA_WORK") or tempfile.mkdtemp(prefix="mica-grade-"))
    budget = config["timeout_minutes"] * 60 - 45          # leave time to write results
    t0 = time.monotonic()

    def write(result: dict) -> int:
        (out / "results.json").write_text(json.dumps(result, indent=2))
        print(result.get("output", ""))
        return 0

    tree = prepare(sub, work, src / "mica")
    if isinstance(tree, str):
        return write(zero(config, tree))
    rc, log = run(["make", "all"], tree, budget)
    if rc != 0:
        return write(zero(config, f"The build failed (make exited with {rc}); no tests were run.", log))
    shutil.rmtree(tree / "build" / "grade", ignore_errors=True)

    cmd = [sys.executable, "-m", "grader", "--lab", str(config["lab"]), "--emu", config["emu"]]
    if (src / "extra").is_dir():
        cmd += ["--extra", str(src / "extra")]
    rc, glog = run(cmd, tree, budget - (time.monotonic() - t0))
    print(tail(glog, 200))
    results = tree / "build" / "grade" / "results.json"
    try:
        data = json.loads(results.read_text())
    except (OSError, ValueError):
        return write(zero(config, f"The grader wrote no results (exit {rc}).", glog))
    return write(finish(data, config, time.monotonic() - t0, glog, hidden_names(src / "extra")))


if __name__ == "__main__":
    sys.exit(main())
