"""`python -m grader` end to end, against a scratch build directory."""
import json
import subprocess
import sys

from conftest import BUILD, ROOT, need_build

FAILING = '''
from grader.api import Boot, grade

@grade(lab=9, points=3, title="a test that must fail", boot=Boot(args="x=1 init=list"))
def test_must_fail(run):
    run.assert_poweroff(0)
    raise run.fail("expected the impossible")

@grade(lab=9, points=2, title="shares the boot above", boot=Boot(args="x=1 init=list"),
       visibility="after_published")
def test_shares(run):
    run.assert_poweroff(0)
'''


def grade(tmp_path, *args):
    need_build()
    build = tmp_path / "build"
    build.mkdir(exist_ok=True)
    for f in ("mica.iso", "kernel.sym", "kernel.elf"):
        if not (build / f).exists():
            (build / f).symlink_to(BUILD / f)
    return subprocess.run([sys.executable, "-m", "grader", "--build", str(build), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_no_matching_tests(tmp_path):
    p = grade(tmp_path, "--test", "no_such_test")
    assert p.returncode == 2
    assert "no tests match T=no_such_test" in p.stdout
    assert "Score:" not in p.stdout


def test_failing_extra_test(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "test_hidden.py").write_text(FAILING)
    p = grade(tmp_path, "--lab", "9", "--extra", str(extra))
    assert p.returncode == 1, p.stdout + p.stderr
    lines = p.stdout.strip().splitlines()
    assert lines[-1] == "Score: 2/5" and lines[-2] == "grade: 1 passed, 1 failed"
    assert "expected the impossible" in p.stdout
    assert "rerun: make grade T=must_fail" in p.stdout
    assert "Traceback" not in p.stdout
    data = json.loads((tmp_path / "build/grade/results.json").read_text())
    assert data["score"] == 2 and len(data["tests"]) == 2
    assert [t["visibility"] for t in data["tests"]] == ["visible", "after_published"]
    assert all(t["tags"] == ["lab9", "extra"] for t in data["tests"])
    assert "[gw" not in p.stdout and "[gw" not in (tmp_path / "build/grade/pytest.log").read_text()
    assert (tmp_path / "build/grade/transcripts/must_fail.txt").exists()
    assert (tmp_path / "build/grade/junit.xml").exists()
    html = (tmp_path / "build/grade/report.html").read_text()
    assert "Score: 2/5" in html and "expected the impossible" in html


def test_pristine_grader_dir(tmp_path):
    """Edits to a tree's grader/ count for nothing under --grader-dir."""
    import shutil
    student = tmp_path / "student"
    shutil.copytree(ROOT / "grader", student / "grader",
                    ignore=shutil.ignore_patterns("__pycache__", "unit"))
    with open(student / "grader/tests/test_lab1.py", "a") as f:
        f.write('\n@grade(lab=1, points=100, title="free points")\n'
                'def test_free_points(boot):\n    pass\n')
    (student / "conftest.py").write_text("raise SystemExit('student conftest')\n")
    need_build()
    build = tmp_path / "build"
    build.mkdir()
    for f in ("mica.iso", "kernel.sym", "kernel.elf"):
        (build / f).symlink_to(BUILD / f)
    cmd = [sys.executable, "-m", "grader", "--build", str(build), "--lab", "1"]
    edited = subprocess.run(cmd, cwd=student, capture_output=True, text=True, timeout=120)
    assert "free_points" in edited.stdout           # the edited grader counts it...
    pristine = subprocess.run(cmd + ["--grader-dir", str(ROOT)], cwd=student,
                              capture_output=True, text=True, timeout=120)
    assert "free_points" not in pristine.stdout     # ...the pristine one does not
    assert pristine.stdout.strip().splitlines()[-1].startswith("Score: ")
    data = json.loads((build / "grade/results.json").read_text())
    assert "free_points" not in json.dumps(data)
