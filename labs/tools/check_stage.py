#!/usr/bin/env python3
"""check_stage.py: prove that every ready lab's student tree works as handed out.

Instructor-only (`make check-stage [LAB=N] [EMU=qemu|bochs]`). For each lab N
whose manifest says "status": "ready", it stages the tree for N into a
temporary directory and checks that
  1. no marker text is left and lab N had marked regions to strip, each
     claimed by an exercise of the manifest, and every exercise with
     "markers" (and not "status": "planned") owns at least one region;
  2. `make` builds the staged tree;
  3. `make grade LAB=N` scores below full marks, the grader wrote
     build/grade/results.json, and every failed test carries an explanation
     (not empty, not a Python traceback);
  4. `make grade LAB=M` scores full marks for the earlier labs M < N: with
     --earlier previous (the default) only M = N - 1, so that each lab is
     checked in the tree with the most stubs in which it is solved (the next
     lab's) and graded twice in all, not N times; --earlier all checks every
     M < N in every tree (the full matrix: a third more CPU with 4 labs).
Steps 3 and 4 are one grader run (`make grade LAB=M-N`, split by lab), and
--jobs J checks J labs at once.
Without a grader in the tree (no grader/__main__.py) steps 3-4 are skipped
with a message. Exit status 1 if any check failed.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stage  # noqa: E402  (labs/tools/stage.py)


@dataclass
class Grade:
    score: float
    max_score: float
    failed: list[dict]
    seconds: float
    log: str


@dataclass
class LabReport:
    lab: int
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run(cmd: list[str], cwd: Path, timeout: int) -> tuple[int, str, float]:
    t0 = time.monotonic()
    try:
        res = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, timeout=timeout, text=True)
        return res.returncode, res.stdout, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return -1, out + f"\n(check-stage: killed after {timeout} s)", time.monotonic() - t0


def tail(text: str, n: int = 15) -> str:
    return "\n".join("      | " + line for line in text.rstrip().splitlines()[-n:])


def test_lab(t: dict) -> int | None:
    """The lab of a results.json test: its name starts "labN", or its number is "N.k"."""
    m = re.match(r"lab(\d+)(?!\d)", t.get("name", "")) or re.match(r"(\d+)\.", str(t.get("number", "")))
    return int(m.group(1)) if m else None


def grade_labs(tree: Path, labs: list[int], emu: str, timeout: int) -> dict[int, Grade] | str:
    """One `make grade LAB=a-b` run in tree for the consecutive labs given (one
    grader start, one pool of emulators); a Grade per lab, or what broke."""
    spec = str(labs[0]) if len(labs) == 1 else f"{labs[0]}-{labs[-1]}"
    results = tree / "build/grade/results.json"
    results.unlink(missing_ok=True)
    rc, log, secs = run(["make", "grade", f"LAB={spec}", f"EMU={emu}"], tree, timeout)
    if not results.exists():
        return f"make grade LAB={spec} wrote no build/grade/results.json (exit {rc}):\n{tail(log)}"
    try:
        data = json.loads(results.read_text())
        tests = data["tests"]
    except (ValueError, KeyError) as e:
        return f"make grade LAB={spec}: results.json is not valid ({e})"
    # The grader's last line, before make's own "make: *** ... Error 1".
    lines = [l for l in log.rstrip().splitlines() if not re.match(r"make(\[\d+\])?: ", l)]
    last = lines[-1] if lines else ""
    if not last.startswith("Score:"):
        return f"make grade LAB={spec}: the last line is not 'Score: X/Y' but {last!r}"
    grades = {}
    for lab in labs:
        mine = [t for t in tests if test_lab(t) == lab]
        failed = [t for t in mine if t.get("status") == "failed" or t.get("score", 0) < t.get("max_score", 0)]
        grades[lab] = Grade(sum(t.get("score", 0) for t in mine), sum(t.get("max_score", 0) for t in mine),
                            failed, secs, log)
    return grades


def grade(tree: Path, lab: int, emu: str, timeout: int) -> Grade | str:
    """Run make grade LAB=lab in tree; a Grade, or a string saying what broke."""
    g = grade_labs(tree, [lab], emu, timeout)
    return g if isinstance(g, str) else g[lab]


def marker_leftovers(tree: Path) -> list[str]:
    """Lines of the staged tree that still look like solution markers."""
    left = []
    for p in sorted(tree.rglob("*")):
        rel = p.relative_to(tree).as_posix()
        if not p.is_file() or rel.startswith(("build/", ".git/")) or stage.comment_style(rel) is None:
            continue
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            if stage.CANDIDATE.match(line):
                left.append(f"{rel}:{n}: {line.strip()}")
    return left


def check_lab(root: Path, lab: int, work: Path, emu: str, have_grader: bool,
              timeout: int, regions: dict[int, list], earlier: str = "all") -> LabReport:
    rep = LabReport(lab)
    tree = work / f"lab{lab}"
    files = stage.stage(root, lab, tree)
    mine = regions.get(lab, [])
    rep.notes.append(f"staged {len(files)} files; {len(mine)} lab-{lab} regions replaced by stubs")
    if not mine:
        rep.problems.append(f"lab {lab} has no marked regions: its student tree is the full solution")
    manifests = stage.load_manifests(root)
    problems, notes = stage.exercise_coverage(manifests.get(lab, {"lab": lab}), mine, manifests)
    rep.problems += problems
    rep.notes += notes
    for line in marker_leftovers(tree):
        rep.problems.append(f"marker left in the staged tree: {line}")

    rc, log, secs = run(["make"], tree, timeout)
    if rc != 0:
        rep.problems.append(f"`make` fails in the staged tree (exit {rc}):\n{tail(log)}")
        return rep
    rep.notes.append(f"make: ok ({secs:.1f} s)")
    if not have_grader:
        rep.notes.append("grading skipped: no grader/__main__.py in this tree yet")
        return rep

    # This lab and the earlier ones in one grader run (they share its emulator pool).
    first = max(1, lab - 1) if earlier == "previous" else 1
    graded = grade_labs(tree, list(range(first, lab + 1)), emu, timeout)
    if isinstance(graded, str):
        rep.problems.append(graded)
        return rep
    g = graded[lab]
    rep.notes.append(f"make grade LAB={lab}: {g.score:g}/{g.max_score:g}, "
                     f"{len(g.failed)} failed ({g.seconds:.1f} s)")
    if g.max_score == 0:
        rep.problems.append(f"lab {lab} has no graded tests (no test tagged lab{lab})")
    elif g.score >= g.max_score:
        rep.problems.append(f"make grade LAB={lab} gives full marks on the student tree: "
                            f"the stubs do not make any test fail")
    for t in g.failed:
        out = (t.get("output") or "").strip()
        name = t.get("name", "?")
        if not out:
            rep.problems.append(f"failed test {name!r} has no explanation in its output")
        elif "Traceback (most recent call last)" in out:
            rep.problems.append(f"failed test {name!r} reports a Python traceback, not a verdict:\n{tail(out, 8)}")

    for m in range(first, lab):
        g = graded[m]
        if g.score < g.max_score:
            names = ", ".join(t.get("name", "?") for t in g.failed)
            rep.problems.append(f"make grade LAB={m} in the lab-{lab} tree: {g.score:g}/{g.max_score:g} "
                                f"(failed: {names}); earlier labs must keep full marks")
        else:
            rep.notes.append(f"make grade LAB={m}: {g.score:g}/{g.max_score:g} (same run)")
    return rep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Check the staged student tree of every ready lab.")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--lab", type=int, help="check only this lab")
    ap.add_argument("--emu", default="qemu", choices=["qemu", "bochs"])
    ap.add_argument("--timeout", type=int, default=1800, help="seconds allowed per make command")
    ap.add_argument("--keep", type=Path, help="stage into this directory and keep the trees")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="labs checked at once (default 1)")
    ap.add_argument("--earlier", choices=["previous", "all"], default="previous",
                    help="earlier labs graded in lab N's tree: N-1 only (default) or all of 1..N-1")
    a = ap.parse_args(argv)

    root = a.root.resolve()
    manifests = stage.load_manifests(root)
    try:
        parsed = stage.parse_tree(root)
    except stage.MarkerError as e:
        print(e, file=sys.stderr)
        return 1
    regions: dict[int, list] = {}
    for segs in parsed.values():
        for s in segs:
            if s.region:
                regions.setdefault(s.region.lab, []).append(s.region)

    labs = [a.lab] if a.lab else [n for n in stage.LABS if manifests.get(n, {}).get("status") == "ready"]
    planned = [n for n in stage.LABS if manifests.get(n, {}).get("status") == "planned"]
    have_grader = (root / "grader" / "__main__.py").exists()
    if not have_grader:
        print("check-stage: no grader in this tree (grader/__main__.py); checking staging and builds only")
    if planned and not a.lab:
        print(f"check-stage: labs {', '.join(map(str, planned))} are planned (no code yet); skipped")

    failed = 0
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mica-check-stage-") as tmp:
        work = a.keep.resolve() if a.keep else Path(tmp)
        def one(lab: int) -> LabReport:
            return check_lab(root, lab, work, a.emu, have_grader, a.timeout, regions, a.earlier)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            reports = list(pool.map(one, labs)) if a.jobs > 1 else None
        for lab, rep in zip(labs, reports) if reports else ((l, one(l)) for l in labs):
            for note in rep.notes:
                print(f"check-stage: lab {lab}: {note}")
            for p in rep.problems:
                print(f"check-stage: lab {lab}: FAIL: {p}")
            failed += bool(rep.problems)
            sys.stdout.flush()
    verdict = "ok" if not failed else f"{failed} lab(s) with problems"
    print(f"check-stage: {len(labs)} lab(s) checked in {time.monotonic() - t0:.0f} s: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
