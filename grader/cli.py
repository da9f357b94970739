"""`python -m grader`: grade the current build.

Runs pytest (with xdist) over the grader's own tests (plus --extra DIR),
then prints one line per test, per-lab subtotals, the failures with the
command that reruns each, `grade: N passed, M failed` and, last,
`Score: X/Y`. Writes BUILD/grade/results.json (Gradescope), junit.xml and
classroom.json (GitHub Classroom's autograding result).

Exit status: 0 full marks; 1 some test failed; 2 the grader itself could not
run (no matching tests, no build, a pytest error) -- then no Score line is
printed, so an error can never pass for a score.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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
    p.add_argument("--timeout-scale", type=float, default=None,
                   help="multiply every timeout (default $MICA_TIMEOUT_SCALE or 1)")
    return p.parse_args(argv)


def pytest_command(a: argparse.Namespace, grade_dir: Path) -> list[str]:
    paths = [str(PACKAGE / "tests")]
    if a.extra:
        paths.append(str(a.extra.resolve()))
    cmd = [sys.executable, "-m", "pytest", *paths,
           "-p", "grader.plugin", "-p", "no:cacheprovider", "--import-mode=importlib",
           "--rootdir", str(ROOT), "-c", str(PACKAGE / "pytest.ini"),
           "--tb=short", "-rN", "-v" if a.verbose else "-q",
           "--emu", a.emu, "--build-dir", str(a.build), "--grade-dir", str(grade_dir)]
    cmd += ["-n", str(a.jobs), "--dist", "loadgroup"] if a.jobs > 1 else ["-n", "0"]
    if a.lab:
        cmd += ["--lab", a.lab]
    if a.test:
        cmd += ["--grade-test", a.test]
    if a.timeout_scale is not None:
        cmd += ["--timeout-scale", str(a.timeout_scale)]
    return cmd


def run_pytest(cmd: list[str], log: Path, verbose: bool) -> int:
    """Run pytest, its output into log (and to stdout when verbose)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        for chunk in iter(lambda: proc.stdout.readline(), b""):
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


def main(argv: list[str] | None = None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.extra and not a.extra.is_dir():
        return error(f"--extra {a.extra}: not a directory")
    if not (a.build / "mica.iso").exists():
        return error(f"{a.build / 'mica.iso'} is missing: run make first")
    grade_dir = a.build / "grade"
    shutil.rmtree(grade_dir / "transcripts", ignore_errors=True)
    for stale in ("tests.json", "results.json", "junit.xml", "classroom.json"):
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
    got, total = res.totals(found)
    return EXIT_FULL if got == total else EXIT_PARTIAL


if __name__ == "__main__":
    sys.exit(main())
