"""Host tests for the tools around the stager: check_stage.py, gradescope.py
with autograder.py, ci_report.py and handin.sh, on a tiny fake course whose
"kernel" is a text file and whose "grader" checks words in it."""
from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "labs" / "tools"


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


sys.path.insert(0, str(TOOLS))
check_stage = load("check_stage", TOOLS / "check_stage.py")
gradescope = load("gradescope", TOOLS / "gradescope.py")
ci_report = load("ci_report", TOOLS / "ci_report.py")

KERNEL = """\
/* LAB 1 BEGIN: one */
LAB1_DONE
/* LAB 1 END */
/* LAB 2 BEGIN: two */
LAB2_DONE
/* LAB 2 STUB
LAB2_STUB
LAB 2 END */
"""

MAKEFILE = f"""\
PYTHON ?= {sys.executable}
all:
\t@mkdir -p build && cp kernel/k.c build/kernel.txt
grade: all
\t$(PYTHON) -m grader $(if $(LAB),--lab $(LAB)) --emu $(EMU)
-include labs/lab.mk
"""

# Passes lab N's test when LAB<N>_DONE is in the build; one test per file
# of --extra DIR (untagged: the autograder knows them by name).
FAKE_GRADER = """\
import argparse, json, pathlib, sys
ap = argparse.ArgumentParser()
ap.add_argument("--lab")
ap.add_argument("--emu")
ap.add_argument("--extra")
ap.add_argument("--build", default="build")
a = ap.parse_args()
text = (pathlib.Path(a.build) / "kernel.txt").read_text()
tests = []
def add(name, ok, tags, why):
    tests.append({"name": name, "extra_data": {"test": name}, "score": 5 if ok else 0, "max_score": 5,
                  "status": "passed" if ok else "failed", "output": "" if ok else why, "tags": tags})
first, _, last = a.lab.partition("-")     # --lab 2 or --lab 1-2, as the real grader
for lab in range(int(first), int(last or first) + 1):
    word = f"LAB{lab}_DONE"
    add(f"lab{lab}_works", word in text, [f"lab{lab}"], f"expected {word} in the build, not seen")
if a.extra:
    for p in sorted(pathlib.Path(a.extra).iterdir()):
        add(p.stem.removeprefix("test_"), True, [f"lab{last or first}"], "")
out = pathlib.Path(a.build) / "grade"; out.mkdir(parents=True, exist_ok=True)
score = sum(t["score"] for t in tests); total = sum(t["max_score"] for t in tests)
(out / "results.json").write_text(json.dumps({"score": score, "tests": tests}))
print(f"Score: {score}/{total}")
sys.exit(0 if score == total else 1)
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    write_tree(root, {
        "Makefile": MAKEFILE,
        "kernel/k.c": KERNEL,
        "grader/__main__.py": FAKE_GRADER,
        "grader/__init__.py": "",
        "handouts/lab1-one.md": "one\n",
        "handouts/lab2-two.md": "two\n",
        "labs/tools/install-deps.sh": "#!/bin/sh\n",
    })
    for lab in (1, 2):
        write_tree(root, {f"labs/lab{lab}.json": json.dumps({
            "lab": lab, "title": f"Lab {lab}", "status": "ready",
            "handout": f"handouts/lab{lab}-{['one', 'two'][lab - 1]}.md",
            "exercises": [{"number": 1, "title": f"Exercise {lab}", "markers": [["one", "two"][lab - 1]],
                           "files": []}],
            "questions": ["Why?"], "gradescope": {"hidden_tests": "after_due_date"}})})
    for name in ("setup.sh", "run_autograder", "autograder.py"):
        src = ROOT / "labs/gradescope" / name
        dst = root / "labs/gradescope" / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(src.read_bytes())
        dst.chmod(src.stat().st_mode)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "course")
    return root


# ---- check-stage ----------------------------------------------------------------

def test_check_stage_passes_a_well_staged_course(course: Path, capsys):
    assert check_stage.main(["--root", str(course)]) == 0
    out = capsys.readouterr().out
    assert "lab 2: make grade LAB=2: 0/5, 1 failed" in out
    assert "lab 2: make grade LAB=1: 5/5" in out


def test_check_stage_catches_a_stub_that_passes(course: Path, capsys):
    (course / "kernel/k.c").write_text(KERNEL.replace("LAB2_STUB", "LAB2_DONE"))
    assert check_stage.main(["--root", str(course), "--lab", "2"]) == 1
    assert "gives full marks on the student tree" in capsys.readouterr().out


def test_check_stage_catches_a_stub_that_breaks_an_earlier_lab(course: Path, capsys):
    # Lab 1 needs a word that sits inside lab 2's region: lab 2's stub takes it away.
    (course / "kernel/k.c").write_text("/* LAB 1 BEGIN: one */\nx\n/* LAB 1 END */\n"
                                       "/* LAB 2 BEGIN: two */\nLAB1_DONE LAB2_DONE\n"
                                       "/* LAB 2 STUB\nLAB2_STUB\nLAB 2 END */\n")
    assert check_stage.main(["--root", str(course), "--lab", "2"]) == 1
    assert "make grade LAB=1 in the lab-2 tree: 0/5" in capsys.readouterr().out


def test_check_stage_refuses_a_region_no_exercise_claims(course: Path, capsys):
    (course / "kernel/k.c").write_text(KERNEL.replace("/* LAB 2 BEGIN: two */", "/* LAB 2 BEGIN: deux */"))
    assert check_stage.main(["--root", str(course), "--lab", "2"]) == 1
    assert "the lab 2 region 'deux' belongs to no exercise" in capsys.readouterr().out


def test_check_stage_notes_planned_exercises(course: Path, capsys):
    m = json.loads((course / "labs/lab2.json").read_text())
    m["exercises"].append({"number": 2, "title": "Later", "markers": ["later"], "files": [],
                           "status": "planned"})
    (course / "labs/lab2.json").write_text(json.dumps(m))
    assert check_stage.main(["--root", str(course), "--lab", "2"]) == 0
    assert "lab 2: exercise 2 (Later) is planned: 0 marked region(s) so far" in capsys.readouterr().out


def test_check_stage_requires_explanations(course: Path, capsys):
    g = (course / "grader/__main__.py").read_text().replace('f"expected {word} in the build, not seen"', '""')
    (course / "grader/__main__.py").write_text(g)
    assert check_stage.main(["--root", str(course), "--lab", "1"]) == 1
    assert "has no explanation" in capsys.readouterr().out


def test_check_stage_without_grader_says_so(course: Path, capsys):
    (course / "grader/__main__.py").unlink()
    check_stage.main(["--root", str(course), "--lab", "1"])
    assert "no grader" in capsys.readouterr().out


# ---- Gradescope ------------------------------------------------------------------

def autograde(course: Path, tmp: Path, submission: dict[str, str] | Path, extra: Path | None = None) -> dict:
    """Build the zip, lay it out as Gradescope does, run run_autograder."""
    z = gradescope.build(course, 2, tmp / "out", extra)
    ag = tmp / "ag"
    with zipfile.ZipFile(z) as zf:
        zf.extractall(ag / "source")
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    sub = ag / "submission"
    if isinstance(submission, Path):
        sub.mkdir(parents=True)
        (sub / submission.name).write_bytes(submission.read_bytes())
    else:
        write_tree(sub, submission)
    run = ag / "run_autograder"
    run.write_bytes((ag / "source/run_autograder").read_bytes())
    env = {**os.environ, "AUTOGRADER_ROOT": str(ag), "MICA_WORK": str(tmp / "work")}
    subprocess.run(["sh", str(run)], env=env, check=True, capture_output=True)
    return json.loads((ag / "results/results.json").read_text())


def student_tree(course: Path, tmp: Path, solved: bool) -> Path:
    stage = sys.modules["stage"]
    tree = tmp / "student"
    stage.stage(course, 2, tree)
    if solved:
        k = tree / "kernel/k.c"
        k.write_text(k.read_text().replace("LAB2_STUB", "LAB2_DONE"))
    # A student who "fixes" the grader gains nothing: the pristine one runs.
    (tree / "grader/__main__.py").write_text("print('Score: 100/100')\n")
    return tree


def test_gradescope_grades_with_the_pristine_grader_and_hidden_tests(course: Path, tmp_path: Path):
    extra = tmp_path / "hidden"
    extra.mkdir()
    (extra / "test_secret.py").write_text("def test_secret(run):\n    pass\n")
    tree = student_tree(course, tmp_path, solved=True)
    files = {p.relative_to(tree).as_posix(): p.read_text() for p in tree.rglob("*") if p.is_file()}
    res = autograde(course, tmp_path, files, extra)
    assert res["score"] == 10
    vis = {t["name"]: t["visibility"] for t in res["tests"]}
    assert vis == {"lab2_works": "visible", "secret": "after_due_date"}
    assert res["stdout_visibility"] == "visible" and "execution_time" in res


def test_gradescope_accepts_a_handin_archive_and_reports_failures(course: Path, tmp_path: Path):
    tree = student_tree(course, tmp_path, solved=False)
    subprocess.run(["sh", str(ROOT / "labs/tools/handin.sh"), "2"], cwd=tree, check=True,
                   env={**os.environ, "USER": "ada"}, capture_output=True)
    archive = tree / "mica-lab2-ada.tar.gz"
    with tarfile.open(archive) as t:
        names = t.getnames()
    assert "mica-lab2-ada/kernel/k.c" in names and not any("/build" in n for n in names)
    res = autograde(course, tmp_path, archive)
    assert res["score"] == 0 and res["tests"][0]["output"].startswith("expected LAB2_DONE")


def test_gradescope_reports_a_failed_build(course: Path, tmp_path: Path):
    res = autograde(course, tmp_path, {"Makefile": "all:\n\t@false\n", "kernel/x": ""})
    assert res["score"] == 0 and "build failed" in res["output"]
    res = autograde(course, tmp_path / "b", {"README": "not a tree"})
    assert res["score"] == 0 and "No Mica tree" in res["output"]


# ---- CI report -------------------------------------------------------------------

def test_ci_report_writes_summary_and_classroom_result(tmp_path: Path, monkeypatch):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"score": 3, "tests": [
        {"name": "banner", "score": 3, "max_score": 3, "status": "passed", "output": ""},
        {"name": "lab1 page_fault_cr2: a page fault reports CR2", "score": 0, "max_score": 4, "status": "failed",
         "output": "expected cr2=0xdead000, saw cr2=0x0"}]}))
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert ci_report.main(["ci_report", str(results)]) == 0
    md = summary.read_text()
    assert "Mica grade: 3/7" in md and "| `page_fault_cr2` | a page fault reports CR2 | 0/4 | **failed** |" in md
    assert "saw cr2=0x0" in md
    key, _, blob = output.read_text().strip().partition("=")
    data = json.loads(base64.b64decode(blob))
    assert key == "result" and data["version"] == 1 and data["status"] == "fail"
    assert data["max_score"] == 7 and [t["score"] for t in data["tests"]] == [3, 0]
    assert data["tests"][1]["message"].startswith("expected cr2")
    assert data["tests"][1]["test_code"] == "make grade T=page_fault_cr2"


def test_ci_report_fails_without_results(tmp_path: Path):
    assert ci_report.main(["ci_report", str(tmp_path / "missing.json")]) == 1


def test_handin_warns_about_unanswered_questions(tmp_path: Path):
    write_tree(tmp_path, {"answers/lab3.md": "## Question 1\n\n(your answer here)\n",
                          "build/kernel.elf": "x", "kernel/a.c": ""})
    res = subprocess.run(["sh", str(ROOT / "labs/tools/handin.sh"), "3"], cwd=tmp_path,
                         env={**os.environ, "USER": "bo"}, capture_output=True, text=True, check=True)
    assert "1 unanswered question" in res.stdout
    with tarfile.open(tmp_path / "mica-lab3-bo.tar.gz") as t:
        assert sorted(t.getnames()) == ["mica-lab3-bo", "mica-lab3-bo/answers",
                                        "mica-lab3-bo/answers/lab3.md", "mica-lab3-bo/kernel",
                                        "mica-lab3-bo/kernel/a.c"]
