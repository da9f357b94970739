"""python -m grader batch on fake submissions whose `make all` links the real build."""
import csv
import subprocess
import sys

from conftest import BUILD, ROOT, need_build

LINK = "all:\n\tmkdir -p build && for f in mica.iso kernel.sym kernel.elf; do ln -sf {b}/$$f build/$$f; done\n"


def test_batch(tmp_path):
    need_build()
    subs = tmp_path / "subs"
    for name, makefile in (("good", LINK.format(b=BUILD)), ("broken", "all:\n\t@echo no; exit 1\n"),
                           ("slow", "all:\n\tsleep 30\n")):
        (subs / name / "grader" / "tests").mkdir(parents=True)
        (subs / name / "Makefile").write_text(makefile)
    # the good student's own grader/tests are never used
    (subs / "good/grader/tests/test_lab1.py").write_text("def test_free(): pass\n")
    out = tmp_path / "scores.csv"
    p = subprocess.run([sys.executable, "-m", "grader", "batch", str(subs), "--lab", "1", "-j", "3",
                        "--out", str(out), "--build-timeout", "3"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    rows = {r["student"]: r for r in csv.DictReader(out.open())}
    assert set(rows) == {"good", "broken", "slow"}
    assert rows["good"]["status"] == "graded" and rows["good"]["score"] == rows["good"]["max"] != "0"
    assert rows["broken"]["status"] == "build-failed" and rows["broken"]["score"] == "0"
    assert rows["broken"]["max"] == rows["good"]["max"]
    assert rows["slow"]["status"] == "build-timeout"
    assert (subs / "good/build/grade/results.json").exists()
    assert "free" not in (subs / "good/build/grade/results.json").read_text()
