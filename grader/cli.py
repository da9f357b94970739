"""`python -m grader`: grade the current build.

Runs pytest (with xdist) over the grader's own tests (plus --extra DIR),
then prints one line per test, per-lab subtotals, the failures with the
command that reruns each, `grade: N passed, M failed` and, last,
`Score: X/Y`. Writes BUILD/grade/results.json (Gradescope), junit.xml,
classroom.json (GitHub Classroom's autograding result) and report.html.

The tests are always this package's own grader/tests (plus --extra DIR);
with --grader-dir DIR (or $MICA_GRADER_DIR) the grading is handed to the
grader package in DIR instead -- a pristine copy outside the student's tree,
so edits to the tree's grader/ (tests, plugin, a conftest.py) change nothing.

Exit status: 0 full marks; 1 some test failed; 2 the grader itself could not
run (no matching tests, no build, a pytest error) -- then no Score line is
printed, so an error can never pass for a score.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from grader import report
from grader import results as res

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent

EXIT_FULL, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2
PYTEST_OK, PYTEST_FAILED, PYTEST_NO_TESTS = 0, 1, 5


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m grader", description="Grade a Mica build.")
    p.add_argument("--lab", help="only these labs: 2, 1,2 or 1-3")
    p.add_argument("--test", help="only these tests (names as printed; commas, globs)")
    p.add_argument("--emu", default="qemu", choices=["qemu", "bochs"])
    p.add_argument("--verbose", "-v", action="store_true", help="show pytest's own output")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="tests in parallel (default: one per CPU)")
    p.add_argument("--extra", type=Path, help="a directory of additional test files")
    p.add_argument("--build", type=Path, default=ROOT / "build", help="the build directory")
    p.add_argument("--grader-dir", type=Path, default=os.environ.get("MICA_GRADER_DIR") or None,
                   help="grade with the (pristine) grader package in this directory, or in "
                        "DIR/grader (default $MICA_GRADER_DIR, else this one)")
    p.add_argument("--timeout-scale", type=float, default=None,
                   help="multiply every timeout (default $MICA_TIMEOUT_SCALE or 1)")
    return p.parse_args(argv)


GRADE_DECORATOR = re.compile(r"^@grade\(\s*lab\s*=\s*(\d+).*?\n\s*def (test_\w+)", re.M | re.S)
XDIST_WORTH_IT = 3      # fewer tests than this: run them in one process (xdist costs ~1 s)


def estimate_tests(paths: list[str], lab: str | None, test: str | None) -> int:
    """About how many tests the selection holds, read from the @grade lines
    of the test files (without importing them), to skip xdist's start-up
    for a handful of tests. Large (no shortcut) when unsure."""
    import fnmatch
    found = []
    for d in paths:
        for f in sorted(Path(d).rglob("test_*.py")):
            found += GRADE_DECORATOR.findall(f.read_text(errors="replace"))
    if not found:
        return 1 << 10
    if lab:
        try:
            from grader.plugin import parse_labs
            labs = parse_labs(lab)
        except Exception:
            return 1 << 10
        found = [(n, name) for n, name in found if int(n) in labs]
    if test:
        pats = [t.strip().removeprefix("test_") for t in test.split(",") if t.strip()]
        found = [(n, name) for n, name in found
                 if any(fnmatch.fnmatchcase(name.removeprefix("test_"), p) for p in pats)]
    return len(found) if len(found) >= XDIST_WORTH_IT else 1


def pytest_command(a: argparse.Namespace, grade_dir: Path) -> list[str]:
    paths = [str(PACKAGE / "tests")]
    if a.extra:
        paths.append(str(a.extra.resolve()))
    cmd = [sys.executable, "-m", "pytest", *paths,
           "-p", "grader.plugin", "-p", "no:cacheprovider", "--import-mode=importlib",
           "--rootdir", str(ROOT), "-c", str(PACKAGE / "pytest.ini"),
           "--confcutdir", str(PACKAGE),       # no conftest.py from the tree above grader/
           *(["--extra-dir", str(a.extra.resolve())] if a.extra else []),
           "--tb=short", "-rN", "-v" if a.verbose else "-q",
           "--emu", a.emu, "--build-dir", str(a.build), "--grade-dir", str(grade_dir)]
    jobs = min(a.jobs, max(1, estimate_tests(paths, a.lab, a.test)))
    cmd += ["-n", str(jobs), "--dist", "loadgroup"] if jobs > 1 else ["-n", "0"]
    if a.lab:
        cmd += ["--lab", a.lab]
    if a.test:
        cmd += ["--grade-test", a.test]
    if a.timeout_scale is not None:
        cmd += ["--timeout-scale", str(a.timeout_scale)]
    return cmd


XDIST_HEADER = re.compile(rb"^\[gw\d+\] \S+ -- Python ")


def run_pytest(cmd: list[str], log: Path, verbose: bool) -> int:
    """Run pytest, its output into log (and to stdout when verbose), without
    xdist's `[gwN] linux -- Python ...` lines."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        for chunk in iter(lambda: proc.stdout.readline(), b""):
            if XDIST_HEADER.match(chunk):
                continue
            out.write(chunk)
            if verbose:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
        return proc.wait()


def error(msg: str, log: Path | None = None) -> int:
    print(f"grade: error: {msg}")
    if log and log.exists():
        lines = log.read_text(errors="replace").strip().splitlines()[-25:]
        print("pytest said:\n" + "\n".join("  " + line for line in lines))
        print(f"(full log: {log})")
    return EXIT_ERROR


def pristine_package(d: Path) -> Path | None:
    """The grader package a --grader-dir names: DIR itself or DIR/grader."""
    for p in (d, d / "grader"):
        if p.name == "grader" and (p / "cli.py").is_file() and (p / "tests").is_dir():
            return p.resolve()
    return None


def hand_over(a: argparse.Namespace, package: Path) -> int:
    """Run `python -m grader` of the other package on this build, from a
    directory outside the graded tree (so nothing in the tree can be imported)."""
    argv = ["--emu", a.emu, "-j", str(a.jobs), "--build", str(a.build.resolve())]
    for flag, value in (("--lab", a.lab), ("--test", a.test), ("--timeout-scale", a.timeout_scale),
                        ("--extra", a.extra and a.extra.resolve())):
        if value is not None:
            argv += [flag, str(value)]
    argv += ["--verbose"] if a.verbose else []
    env = dict(os.environ, PYTHONPATH=str(package.parent), MICA_GRADER_DIR=str(package))
    return subprocess.run([sys.executable, "-m", "grader", *argv], cwd=package.parent,
                          env=env, stdin=subprocess.DEVNULL).returncode


def main(argv: list[str] | None = None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.grader_dir is not None:
        package = pristine_package(a.grader_dir)
        if package is None:
            return error(f"--grader-dir {a.grader_dir}: no grader package (grader/cli.py, grader/tests) there")
        if package != PACKAGE:
            return hand_over(a, package)
    if a.extra and not a.extra.is_dir():
        return error(f"--extra {a.extra}: not a directory")
    if not (a.build / "mica.iso").exists():
        return error(f"{a.build / 'mica.iso'} is missing: run make first")
    grade_dir = a.build / "grade"
    shutil.rmtree(grade_dir / "transcripts", ignore_errors=True)
    for stale in ("tests.json", "results.json", "junit.xml", "classroom.json", "report.html"):
        (grade_dir / stale).unlink(missing_ok=True)
    grade_dir.mkdir(parents=True, exist_ok=True)
    log = grade_dir / "pytest.log"

    started = time.monotonic()
    try:
        rc = run_pytest(pytest_command(a, grade_dir), log, a.verbose)
    except KeyboardInterrupt:
        return error("interrupted")
    seconds = time.monotonic() - started

    try:
        found = res.load_results(grade_dir / "tests.json")
    except (OSError, ValueError, TypeError, KeyError) as e:
        return error(f"pytest exited with status {rc} and left no results ({e})", log)
    if rc == PYTEST_NO_TESTS or (rc == PYTEST_OK and not found):
        what = " ".join(f"{k}={v}" for k, v in (("LAB", a.lab), ("T", a.test)) if v)
        return error(f"no tests match {what or 'the selection'}"
                     " (test names are listed by `make grade`)")
    if rc not in (PYTEST_OK, PYTEST_FAILED):
        return error(f"pytest exited with status {rc} (not a test failure)", log)
    undeclared = [r.nodeid for r in found if r.lab == 0]
    if undeclared:
        return error("tests without @grade(lab=..., points=..., title=...): " + ", ".join(undeclared))
    if rc == PYTEST_FAILED and all(r.passed for r in found):
        return error("pytest failed outside the graded tests (a test file that does not "
                     "import or collect?)", log)

    lines = res.summary_lines(found)
    print("\n".join(lines))
    res.write_json(grade_dir / "results.json", res.gradescope(found, seconds, "\n".join(lines)))
    (grade_dir / "junit.xml").write_text(res.junit_xml(found, seconds))
    res.write_json(grade_dir / "classroom.json", res.classroom(found))
    report.write_report(grade_dir / "report.html", found, grade_dir, seconds)
    got, total = res.totals(found)
    return EXIT_FULL if got == total else EXIT_PARTIAL


if __name__ == "__main__":
    sys.exit(main())
