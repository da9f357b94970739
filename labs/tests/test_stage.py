"""Host tests for labs/tools/stage.py: markers kept or stripped by lab, stubs
un-commented, bad markers refused with file:line, trees and branches."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_stage():
    spec = importlib.util.spec_from_file_location("stage", ROOT / "labs/tools/stage.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["stage"] = mod
    spec.loader.exec_module(mod)
    return mod


stage = _load_stage()

C_FILE = """\
int keep_me;
/* LAB 1 BEGIN: print the banner */
int banner(void) { return 1; }
/* LAB 1 END */
int frame_alloc(void)
{
    /* LAB 2 BEGIN: pmm: hand out a free frame */
    return pop_free_list();
    /* LAB 2 STUB
    return -E_NOMEM;
    LAB 2 END */
}
"""

PY_FILE = """\
def score():
    # LAB 3 BEGIN: compute the score
    return 42
    # LAB 3 STUB
    # return 0
    #
    # # a comment that stays a comment
    # LAB 3 END
"""

MAKEFILE = """\
OBJS := a.o
# LAB 2 BEGIN: add the frame allocator to the build
OBJS += pmm.o
# LAB 2 STUB
# OBJS += pmm_stub.o
# LAB 2 END
all:
#\techo done
"""


def render(path: str, text: str, lab: int, manifests: dict | None = None) -> str:
    return stage.render(stage.parse(path, text), lab, manifests or {})


# ---- keep or strip by lab ----------------------------------------------------

def test_earlier_labs_keep_their_solution_without_markers():
    out = render("kernel/pmm.c", C_FILE, 3)
    assert "int banner(void) { return 1; }" in out
    assert "return pop_free_list();" in out
    assert "LAB" not in out
    assert "return -E_NOMEM;" not in out


def test_current_and_later_labs_get_the_stub():
    out = render("kernel/pmm.c", C_FILE, 2)
    assert "int banner(void) { return 1; }" in out          # lab 1 < 2: kept
    assert "pop_free_list" not in out
    assert "    return -E_NOMEM;\n" in out                    # stub verbatim, in place
    assert "    /* LAB 2: your code here -- handouts/lab2-*.md */\n" in out


def test_lab_one_tree_strips_everything():
    out = render("kernel/pmm.c", C_FILE, 1)
    assert "banner(void)" not in out
    assert "/* LAB 1: your code here" in out
    assert out.startswith("int keep_me;\n")


def test_region_without_stub_leaves_only_the_comment():
    out = render("kernel/pmm.c", C_FILE, 1).splitlines()
    i = out.index("/* LAB 1: your code here -- handouts/lab1-*.md */")
    assert out[i + 1] == "int frame_alloc(void)"


def test_unmarked_text_is_byte_identical():
    text = "a\r\nb\n\n  c"
    assert render("x.c", text, 1) == text
    assert render("notes.md", "/* LAB 9 BEGIN: not a marker file */\n", 1).startswith("/* LAB 9")


# ---- stubs in # comments (Python, Makefile, shell) -----------------------------

def test_python_stub_is_uncommented_keeping_indentation():
    out = render("grader/x.py", PY_FILE, 3)
    assert "    return 0\n" in out
    assert "    # a comment that stays a comment\n" in out
    assert "return 42" not in out
    assert "    # LAB 3: your code here -- handouts/lab3-*.md\n" in out


def test_python_solution_kept_for_later_lab():
    out = render("grader/x.py", PY_FILE, 4)
    assert out == "def score():\n    return 42\n"


def test_makefile_markers():
    assert "OBJS += pmm_stub.o\n" in render("Makefile", MAKEFILE, 2)
    out3 = render("Makefile", MAKEFILE, 3)
    assert "OBJS += pmm.o\n" in out3 and "pmm_stub" not in out3
    assert "#\techo done\n" in out3                            # ordinary comments untouched
    assert "OBJS += pmm_stub.o" in render("kernel/lab.mk", MAKEFILE, 1)


def test_shell_and_assembly_and_linker_files_carry_markers():
    sh = "# LAB 1 BEGIN: x\necho yes\n# LAB 1 STUB\n# echo no\n# LAB 1 END\n"
    assert render("t.sh", sh, 1).endswith("echo no\n")
    asm = "/* LAB 1 BEGIN: entry */\n  hlt\n/* LAB 1 STUB\n  ud2\nLAB 1 END */\n"
    assert render("boot.S", asm, 1).endswith("  ud2\n")
    assert render("kernel.ld", asm, 2) == "  hlt\n"


# ---- exercise numbers in the placeholder ----------------------------------------

def test_placeholder_names_handout_and_exercise():
    manifests = {2: {"handout": "handouts/lab2-memory.md",
                     "exercises": [{"number": 1, "markers": ["memory map"], "files": []},
                                   {"number": 3, "markers": ["pmm:"], "files": []}]}}
    out = render("kernel/pmm.c", C_FILE, 2, manifests)
    assert "/* LAB 2: your code here -- handouts/lab2-memory.md exercise 3 */" in out


def test_exercise_from_title_or_file():
    r = stage.Region("kernel/vm.c", 2, "exercise 4: map the kernel", "", 1, 3)
    assert stage.exercise_of({}, r) == 4
    manifests = {2: {"exercises": [{"number": 5, "markers": [], "files": ["kernel/vm.c"]}]}}
    r.title = "map the kernel"
    assert stage.exercise_of(manifests, r) == 5


def test_exercise_from_a_folder_in_files():
    """A files entry ending in "/" claims every file below it, and only those."""
    manifests = {5: {"exercises": [{"number": 4, "markers": [], "files": ["user/servers/console/"]},
                                   {"number": 5, "markers": [], "files": ["user/servers/mm/"]}]}}
    r = stage.Region("user/servers/console/console.c", 5, "backspace", "", 1, 3)
    assert stage.exercise_of(manifests, r) == 4
    r.path = "user/servers/consoles.c"           # a prefix of the name is not the folder
    assert stage.exercise_of(manifests, r) is None


def test_exercise_coverage_finds_orphans_and_empty_exercises():
    ex = [{"number": 1, "title": "Faults", "markers": ["fault"], "files": []},
          {"number": 2, "title": "Read the code", "markers": [], "files": []},
          {"number": 3, "title": "Pager", "markers": ["pager"], "files": []},
          {"number": 4, "title": "Memory manager", "markers": ["mm:"], "files": [], "status": "planned"}]
    manifest = {"lab": 5, "exercises": ex}
    regions = [stage.Region("kernel/fault.c", 5, "fault messages", "", 10, 20),
               stage.Region("kernel/irq.c", 5, "mask the line", "", 30, 40)]
    problems, notes = stage.exercise_coverage(manifest, regions, {5: manifest})
    assert problems == ["kernel/irq.c:30: the lab 5 region 'mask the line' belongs to no exercise "
                        "(name one of an exercise's markers in its title, or list the file in "
                        "exactly one exercise)"]
    assert [n.split(":")[0] for n in notes] == ["warning", "exercise 4 (Memory manager) is planned"]
    assert "exercise 3 (Pager) has no marked region" in notes[0]
    assert not any("exercise 2" in n for n in notes)     # reading needs no region


def test_ready_labs_have_no_orphan_regions():
    """Every marked region of a ready lab names its exercise in the placeholder."""
    parsed = stage.parse_tree(ROOT)
    manifests = stage.load_manifests(ROOT)
    regions = [s.region for segs in parsed.values() for s in segs if s.region]
    for lab, m in manifests.items():
        if m["status"] == "ready":
            problems, _ = stage.exercise_coverage(m, [r for r in regions if r.lab == lab], manifests)
            assert not problems, problems


# ---- bad markers, with file:line ----------------------------------------------

@pytest.mark.parametrize("text, where, why", [
    ("/* LAB 1 BEGIN: a */\nx\n", "f.c:1", "never closed"),
    ("x\n/* LAB 1 END */\n", "f.c:2", "without a LAB 1 BEGIN"),
    ("/* LAB 1 BEGIN: a */\n/* LAB 2 BEGIN: b */\n/* LAB 2 END */\n/* LAB 1 END */\n",
     "f.c:2", "do not nest"),
    ("/* LAB 8 BEGIN: a */\n/* LAB 8 END */\n", "f.c:1", "unknown lab '8'"),
    ("/* LAB 0 BEGIN: a */\n", "f.c:1", "unknown lab '0'"),
    ("/* LAB two BEGIN: a */\n", "f.c:1", "unknown lab 'two'"),
    ("/* LAB 1 BEGIN a */\n", "f.c:1", "malformed marker"),
    ("/* LAB 1 BEGIN: a */\n/* LAB 2 END */\n", "f.c:2", "inside the LAB 1 region"),
    ("/* LAB 1 BEGIN: a */\n/* LAB 1 STUB\nx\n/* LAB 1 END */\n", "f.c:4", "must close with 'LAB 1 END */'"),
    ("/* LAB 1 BEGIN: a */\nx\nLAB 1 END */\n", "f.c:3", "has no STUB"),
    ("/* LAB 1 BEGIN: a */\n/* LAB 1 STUB\ny = 1; */\nLAB 1 END */\n", "f.c:3", "cannot contain '*/'"),
    ("/* LAB 1 BEGIN: */\n/* LAB 1 END */\n", "f.c:1", "needs a title"),
])
def test_bad_c_markers_are_refused_with_file_and_line(text, where, why):
    with pytest.raises(stage.MarkerError) as e:
        stage.parse("f.c", text)
    assert any(line.startswith(where + ":") and why in line for line in str(e.value).splitlines()), str(e.value)


@pytest.mark.parametrize("text, where, why", [
    ("# LAB 3 BEGIN: a\n# LAB 3 STUB\nreturn 0\n# LAB 3 END\n", "t.py:3", "must start with '#'"),
    ("# LAB 3 BEGIN: a\nx = 1\n", "t.py:1", "never closed"),
    ("# LAB 9 END\n", "t.py:1", "unknown lab '9'"),
    ("  # LAB 3 BEGIN a\n", "t.py:1", "malformed"),
])
def test_bad_hash_markers_are_refused(text, where, why):
    with pytest.raises(stage.MarkerError) as e:
        stage.parse("t.py", text)
    assert any(line.startswith(where + ":") and why in line for line in str(e.value).splitlines()), str(e.value)


def test_all_errors_are_reported_at_once():
    with pytest.raises(stage.MarkerError) as e:
        stage.parse("f.c", "/* LAB 8 BEGIN: a */\n/* LAB 1 END */\n/* LAB 1 BEGIN: b */\n")
    assert len(str(e.value).splitlines()) == 3


def test_marker_text_in_the_middle_of_a_line_is_not_a_marker():
    text = 'msg = "use /* LAB 1 BEGIN: x */ markers"\n'
    assert render("t.py", text, 1) == text


# ---- whole trees ------------------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A tiny instructor tree in a git repository."""
    root = tmp_path / "course"
    files = {
        "kernel/pmm.c": C_FILE,
        "grader/score.py": PY_FILE,
        "Makefile": MAKEFILE,
        "handouts/lab0-setup.md": "setup\n",
        "handouts/lab1-boot.md": "boot\n",
        "handouts/lab2-memory.md": "memory\n",
        "handouts/lab3-threads.md": "threads\n",
        "handouts/README.md": "index\n",
        "labs/tools/stage.py": "# the stager itself\n",
        "labs/tools/install-deps.sh": "#!/bin/sh\n",
        "labs/tests/test_stage.py": "# LAB 5 BEGIN: examples in tests are not markers\n",
        "labs/solutions/notes.md": "secret\n",
        "labs/README.md": "instructors\n",
        ".github/workflows/ci.yml": "course CI\n",
        "labs/templates/github/workflows/grade.yml": "run: make grade LAB=@LAB@\n",
        "untracked-later.txt": "",
    }
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (root / "labs/tools/install-deps.sh").chmod(0o755)
    for lab, slug in [(1, "boot"), (2, "memory"), (3, "threads")]:
        (root / f"labs/lab{lab}.json").write_text(json.dumps({
            "lab": lab, "title": slug.title(), "handout": f"handouts/lab{lab}-{slug}.md",
            "exercises": [], "questions": [f"Why {slug}?", "And then?"]}))
    git(root, "init", "-q")
    git(root, "add", "-A", ".", ":!untracked-later.txt")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "course")
    return root


def test_stage_writes_the_student_tree(course: Path, tmp_path: Path):
    out = tmp_path / "lab2"
    stage.stage(course, 2, out)
    assert "pop_free_list" not in (out / "kernel/pmm.c").read_text()
    assert "banner(void)" in (out / "kernel/pmm.c").read_text()
    assert "return 0" in (out / "grader/score.py").read_text()
    assert sorted(p.name for p in (out / "handouts").iterdir()) == [
        "README.md", "lab0-setup.md", "lab1-boot.md", "lab2-memory.md"]
    for gone in ["labs/tools/stage.py", "labs/tests", "labs/solutions", "labs/README.md",
                 "labs/templates", ".github/workflows/ci.yml", "untracked-later.txt"]:
        assert not (out / gone).exists(), gone
    assert (out / ".github/workflows/grade.yml").read_text() == "run: make grade LAB=2\n"
    assert "LAB ?= 2" in (out / "labs/lab.mk").read_text()
    assert (out / "labs/tools/install-deps.sh").stat().st_mode & 0o111
    answers = (out / "answers/lab2.md").read_text()
    assert "Why memory?" in answers and answers.count(stage.ANSWER_PLACEHOLDER) == 3  # 2 + the intro
    assert not (out / "answers/lab1.md").exists()
    index = (out / "handouts/README.md").read_text()
    assert "lab2-memory.md" in index and "lab3" not in index


def test_restaging_replaces_an_earlier_tree_but_not_other_dirs(course: Path, tmp_path: Path):
    out = tmp_path / "t"
    stage.stage(course, 3, out)
    stage.stage(course, 1, out)
    assert not (out / "handouts/lab2-memory.md").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "precious").write_text("x")
    with pytest.raises(SystemExit, match="not made by stage.py"):
        stage.stage(course, 1, other)


def test_stage_refuses_bad_markers_with_file_and_line(course: Path, tmp_path: Path):
    (course / "kernel/bad.c").write_text("ok\n/* LAB 2 BEGIN: a */\n")
    git(course, "add", "kernel/bad.c")
    with pytest.raises(stage.MarkerError, match=r"kernel/bad\.c:2: LAB 2 BEGIN is never closed"):
        stage.stage(course, 1, tmp_path / "x")
    assert stage.main(["--root", str(course), "--check"]) == 1


def test_branches_in_a_fresh_repository(course: Path, tmp_path: Path):
    repo = tmp_path / "classroom"
    done = stage.make_branches(course, repo, [1, 2, 3])
    assert [b for b, _ in done] == ["lab1", "lab2", "lab3"]
    assert git(repo, "branch", "--format=%(refname:short)").split() == ["lab1", "lab2", "lab3"]
    for lab in (1, 2, 3):
        assert git(repo, "rev-list", "--count", f"lab{lab}") == "1"
        files = git(repo, "ls-tree", "-r", "--name-only", f"lab{lab}").split()
        assert f"handouts/lab{lab}-" in " ".join(files)
        assert "labs/tools/stage.py" not in files
    assert "pop_free_list" in git(repo, "show", "lab3:kernel/pmm.c")
    assert "pop_free_list" not in git(repo, "show", "lab2:kernel/pmm.c")
    assert (repo / "kernel/pmm.c").exists()                      # lab1 checked out
    # Again: unchanged trees make no commits; a change makes a child commit.
    again = stage.make_branches(course, repo, [1, 2])
    assert all("unchanged" in c for _, c in again)
    (course / "handouts/lab2-memory.md").write_text("memory, revised\n")
    stage.make_branches(course, repo, [2])
    assert git(repo, "rev-list", "--count", "lab2") == "2"


def test_the_course_itself_has_well_formed_markers():
    assert stage.main(["--root", str(ROOT), "--check"]) == 0


def test_every_manifest_is_well_formed():
    manifests = stage.load_manifests(ROOT)
    assert sorted(manifests) == list(stage.LABS)
    for lab, m in manifests.items():
        assert m["lab"] == lab
        assert m["status"] in ("ready", "planned")
        assert (ROOT / m["handout"]).exists(), m["handout"]
        assert [e["number"] for e in m["exercises"]] == list(range(1, len(m["exercises"]) + 1))
        assert all(e.get("status", "ready") in ("ready", "planned") for e in m["exercises"])
        if m["status"] == "planned":
            continue
        # A ready lab's exercises point at files that exist (a folder ends in "/").
        for e in m["exercises"]:
            for f in e["files"]:
                assert e.get("status") == "planned" or (ROOT / f).exists(), \
                    f"lab {lab} exercise {e['number']}: {f} does not exist"
        assert m["tests"]["tag"] == f"lab{lab}"
        assert all(p < lab for p in m["prerequisites"])


def test_handout_index_is_current():
    """handouts/README.md is what the stager generates for the full course."""
    expected = stage.handouts_index(stage.load_manifests(ROOT), 7)
    assert (ROOT / "handouts/README.md").read_text() == expected, \
        "regenerate: python3 -c 'import stage; ...' (see labs/README.md, 'Handouts')"


def test_ready_handouts_ask_the_manifest_questions():
    """The questions in answers/labN.md (from the manifest) are the handout's."""
    for lab, m in stage.load_manifests(ROOT).items():
        text = (ROOT / m["handout"]).read_text()
        for q in m["questions"]:
            assert q in text, f"{m['handout']} lacks the manifest's question: {q[:60]}..."
        for e in m["exercises"]:
            assert e["title"] in text, f"{m['handout']} lacks exercise {e['number']}: {e['title']}"


def test_every_ready_lab_checks_its_answers_file():
    """A ready lab with questions has its 0-point answers test in the grader,
    so a student tree's make grade shows unanswered questions."""
    spec = importlib.util.spec_from_file_location("gradetable", ROOT / "labs/tools/gradetable.py")
    gradetable = importlib.util.module_from_spec(spec)
    sys.modules["gradetable"] = gradetable         # dataclasses look their module up
    spec.loader.exec_module(gradetable)
    tests = {(t.lab, t.name) for t in gradetable.collect(ROOT / "grader" / "tests")}
    for lab, m in stage.load_manifests(ROOT).items():
        if m["status"] == "ready" and m["questions"]:
            assert (lab, f"answers_lab{lab}") in tests, \
                f"grader/tests/test_answers.py has no test_answers_lab{lab}"


def test_readme_lab_table_follows_the_manifests():
    """README.md lists every lab with its handout, ready exactly when its manifest is."""
    rows = {int(m[1]): m[0] for m in re.finditer(r"^\| (\d) \|.*$", (ROOT / "README.md").read_text(), re.M)}
    for lab, m in stage.load_manifests(ROOT).items():
        assert lab in rows, f"README.md's lab table has no row for lab {lab}"
        row = rows[lab]
        assert Path(m["handout"]).name in row, f"README.md: lab {lab}'s row lacks {m['handout']}"
        status = row.rstrip(" |").rsplit("|", 1)[-1].strip()
        assert status.startswith("ready") == (m["status"] == "ready"), \
            f"README.md says lab {lab} is '{status}', its manifest '{m['status']}'"


def test_handout_diagrams_avoid_mermaid_pitfalls():
    """In a Mermaid sequence diagram ';' ends a statement and '#' starts an
    entity code, so either silently cuts a message (or breaks the diagram on
    GitHub). Every mermaid block must also be closed."""
    for path in sorted((ROOT / "handouts").glob("*.md")):
        kind, start = None, 0
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if line.startswith("```mermaid"):
                kind, start = "", n
            elif kind is not None and line.startswith("```"):
                kind = None
            elif kind == "":
                kind = line.split()[0] if line.strip() else ""
            elif kind == "sequenceDiagram":
                assert not re.search(r"[;#]", line), f"{path.name}:{n}: ';' or '#' in a sequence diagram: {line.strip()}"
        assert kind is None, f"{path.name}:{start}: mermaid block never closed"
