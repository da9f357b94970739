#!/usr/bin/env python3
"""stage.py: make the student tree for one lab from the instructor's tree.

Instructor-only (it is left out of every staged tree). Entry points:

    stage.py --lab N --out DIR      the student tree for lab N       (make stage)
    stage.py --branches REPO        branches lab1..lab7 in REPO       (make branches)
    stage.py --check                parse every marker, report errors
    stage.py --list                 every marked region: file:line, lab, exercise, title

Solution markers (see labs/README.md) are recognised in .c .h .S .ld files
(C comments) and in .py .sh .mk files and Makefiles (# comments). In the tree
for lab N, regions of labs before N keep their solution (the marker lines
go), regions of lab N and later are replaced by a "your code here" comment
and their stub lines. Unbalanced, nested, malformed or unknown markers are
refused with file:line. Only files git tracks are staged. Python 3.10+, no
third-party packages.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

LABS = range(1, 8)

C_STYLE_SUFFIXES = {".c", ".h", ".S", ".ld"}
HASH_STYLE_SUFFIXES = {".py", ".sh", ".mk"}
HASH_STYLE_NAMES = {"Makefile", "GNUmakefile"}

# Files and folders that stay with the instructor. A path matches an entry
# equal to it or, for entries ending in "/", any path below it.
INSTRUCTOR_ONLY = (
    "labs/tools/stage.py",
    "labs/tools/check_stage.py",
    "labs/tools/gradescope.py",
    "labs/tools/gradetable.py",
    "labs/instructor.mk",
    "labs/README.md",
    "labs/tests/",
    "labs/templates/",
    "labs/gradescope/",
    "labs/solutions/",
    ".github/",             # the course's own CI; the student workflow replaces it
)

WORKFLOW_TEMPLATE = "labs/templates/github/workflows/grade.yml"
WORKFLOW_TARGET = ".github/workflows/grade.yml"
LAB_MK = "labs/lab.mk"              # written into staged trees only: LAB ?= N
ANSWER_PLACEHOLDER = "(your answer here)"

# A line that looks like a marker: a comment opener (or nothing, for the
# "LAB n END */" that closes a C stub), then LAB <word> BEGIN|STUB|END.
CANDIDATE = re.compile(r"^\s*(?:/\*|#)?\s*LAB\s+\S+\s+(?:BEGIN|STUB|END)\b")

C_BEGIN = re.compile(r"^(\s*)/\*\s*LAB\s+(\S+)\s+BEGIN\s*:\s*(.*?)\s*\*/\s*$")
C_STUB = re.compile(r"^(\s*)/\*\s*LAB\s+(\S+)\s+STUB\s*$")
C_END = re.compile(r"^(\s*)/\*\s*LAB\s+(\S+)\s+END\s*\*/\s*$")
C_STUB_END = re.compile(r"^(\s*)LAB\s+(\S+)\s+END\s*\*/\s*$")

H_BEGIN = re.compile(r"^(\s*)#\s*LAB\s+(\S+)\s+BEGIN\s*:\s*(.*?)\s*$")
H_STUB = re.compile(r"^(\s*)#\s*LAB\s+(\S+)\s+STUB\s*$")
H_END = re.compile(r"^(\s*)#\s*LAB\s+(\S+)\s+END\s*$")
H_STUB_LINE = re.compile(r"^(\s*)#(?: ?)(.*)$", re.S)

EXPLICIT_EXERCISE = re.compile(r"\bex(?:ercise)?\.?\s*(\d+)\b", re.I)


class MarkerError(Exception):
    """One or more bad markers; str() is one "file:line: message" per line."""


@dataclass
class Region:
    path: str
    lab: int
    title: str
    indent: str
    begin: int                      # 1-based line numbers
    end: int
    solution: list[str] = field(default_factory=list)
    stub: list[str] = field(default_factory=list)    # already un-commented


@dataclass
class Segment:
    """A parsed file is a list of plain-text segments and regions."""
    text: list[str] | None = None
    region: Region | None = None


def comment_style(path: str) -> str | None:
    """'c', 'hash', or None when the file cannot carry markers."""
    p = Path(path)
    if p.suffix in C_STYLE_SUFFIXES:
        return "c"
    if p.suffix in HASH_STYLE_SUFFIXES or p.name in HASH_STYLE_NAMES:
        return "hash"
    return None


def is_instructor_only(path: str) -> bool:
    return any(path == e or (e.endswith("/") and path.startswith(e)) for e in INSTRUCTOR_ONLY)


def _lab_number(token: str, where: str, errors: list[str]) -> int | None:
    if token.isdigit() and int(token) in LABS:
        return int(token)
    errors.append(f"{where}: unknown lab '{token}' (labs are {LABS.start}..{LABS.stop - 1})")
    return None


def parse(path: str, text: str) -> list[Segment]:
    """Split a file into text and marked regions. Raises MarkerError listing
    every problem found as path:line: message."""
    style = comment_style(path)
    lines = text.splitlines(keepends=True)
    if style is None:
        return [Segment(text=lines)]
    begin_re, stub_re, end_re = (C_BEGIN, C_STUB, C_END) if style == "c" else (H_BEGIN, H_STUB, H_END)

    errors: list[str] = []
    segments: list[Segment] = []
    plain: list[str] = []
    region: Region | None = None
    in_stub = False

    for n, line in enumerate(lines, 1):
        where = f"{path}:{n}"
        bare = line.rstrip("\r\n")
        if not CANDIDATE.match(bare):
            if region is None:
                plain.append(line)
            elif not in_stub:
                region.solution.append(line)
            elif style == "c":
                if "*/" in line:
                    errors.append(f"{where}: a stub line cannot contain '*/' (the stub is a C comment)")
                region.stub.append(line)
            elif not line.strip():
                region.stub.append(line)
            else:
                m = H_STUB_LINE.match(line)
                if m is None:
                    errors.append(f"{where}: stub line of LAB {region.lab} (opened at line "
                                  f"{region.begin}) must start with '#'")
                else:
                    region.stub.append(m.group(1) + m.group(2))
            continue

        m_begin, m_stub, m_end = begin_re.match(bare), stub_re.match(bare), end_re.match(bare)
        m_cstub_end = C_STUB_END.match(bare) if style == "c" else None
        if not (m_begin or m_stub or m_end or m_cstub_end):
            form = ("'/* LAB n BEGIN: title */', '/* LAB n STUB', 'LAB n END */' or '/* LAB n END */'"
                    if style == "c" else "'# LAB n BEGIN: title', '# LAB n STUB' or '# LAB n END'")
            errors.append(f"{where}: malformed marker '{bare.strip()}' (expected {form})")
            continue
        m = m_begin or m_stub or m_end or m_cstub_end
        lab = _lab_number(m.group(2), where, errors)
        if lab is None:
            continue

        if m_begin:
            if region is not None:
                errors.append(f"{where}: LAB {lab} BEGIN inside the LAB {region.lab} region "
                              f"opened at line {region.begin} (markers do not nest)")
                continue
            if not m.group(3):
                errors.append(f"{where}: LAB {lab} BEGIN needs a title: 'LAB {lab} BEGIN: what to write'")
            segments.append(Segment(text=plain))
            plain = []
            region = Region(path, lab, m.group(3), m.group(1), n, 0)
            in_stub = False
            continue

        if region is None:
            kind = "STUB" if m_stub else "END"
            errors.append(f"{where}: LAB {lab} {kind} without a LAB {lab} BEGIN")
            continue
        if lab != region.lab:
            errors.append(f"{where}: LAB {lab} marker inside the LAB {region.lab} region opened "
                          f"at line {region.begin}")
            continue
        if m_stub:
            if in_stub:
                errors.append(f"{where}: second LAB {lab} STUB in the region opened at line {region.begin}")
            in_stub = True
            continue
        # An END. In C, a stub is a comment: it closes with "LAB n END */",
        # and a region without a stub with "/* LAB n END */".
        if style == "c" and in_stub and m_end:
            errors.append(f"{where}: the LAB {lab} STUB comment opened above must close with "
                          f"'LAB {lab} END */', not '/* LAB {lab} END */'")
        elif style == "c" and not in_stub and m_cstub_end:
            errors.append(f"{where}: 'LAB {lab} END */' closes a stub comment, but this region "
                          f"has no STUB; write '/* LAB {lab} END */'")
        region.end = n
        segments.append(Segment(region=region))
        region, in_stub = None, False

    if region is not None:
        errors.append(f"{path}:{region.begin}: LAB {region.lab} BEGIN is never closed by a LAB {region.lab} END")
    if errors:
        raise MarkerError("\n".join(errors))
    segments.append(Segment(text=plain))
    return segments


# ---- manifests --------------------------------------------------------------

def load_manifests(root: Path) -> dict[int, dict]:
    """labs/labN.json for every lab that has one, by number."""
    out = {}
    for lab in LABS:
        p = root / "labs" / f"lab{lab}.json"
        if p.exists():
            out[lab] = json.loads(p.read_text())
    return out


def handout_of(manifests: dict[int, dict], lab: int) -> str:
    m = manifests.get(lab, {})
    return m.get("handout", f"handouts/lab{lab}-*.md")


def lists_file(files: list[str], path: str) -> bool:
    """Does a manifest's files list name path? An entry ending in "/" names
    every file below that folder (a server's directory, say)."""
    return any(path == f or f.endswith("/") and path.startswith(f) for f in files)


def exercise_of(manifests: dict[int, dict], region: Region) -> int | None:
    """The exercise a region belongs to: 'exercise K' in its title, else the
    exercise whose marker ids occur in the title, else the only exercise of
    its lab that lists the region's file (or a folder holding it)."""
    m = EXPLICIT_EXERCISE.search(region.title)
    if m:
        return int(m.group(1))
    exercises = manifests.get(region.lab, {}).get("exercises", [])
    title = region.title.lower()
    for ex in exercises:
        if any(mid.lower() in title for mid in ex.get("markers", [])):
            return ex["number"]
    by_file = [ex["number"] for ex in exercises if lists_file(ex.get("files", []), region.path)]
    return by_file[0] if len(by_file) == 1 else None


def exercise_coverage(manifest: dict, regions: list[Region],
                      manifests: dict[int, dict]) -> tuple[list[str], list[str]]:
    """Problems and notes about how a lab's marked regions map to its exercises.

    A problem: a region no exercise claims (its placeholder could not say
    which exercise it is). A note starting "warning:": an exercise with
    "markers" that owns no region (the handout asks for code the student
    tree already holds). An exercise whose "status" is "planned" (its code
    is not in the tree yet) gets a plain note instead; one without "markers"
    is reading and needs no region.
    """
    lab = manifest.get("lab")
    problems, notes = [], []
    owned: dict[int, int] = {}
    for r in regions:
        ex = exercise_of(manifests, r)
        if ex is None:
            problems.append(f"{r.path}:{r.begin}: the lab {lab} region '{r.title}' belongs to no "
                            f"exercise (name one of an exercise's markers in its title, or list "
                            f"the file in exactly one exercise)")
        else:
            owned[ex] = owned.get(ex, 0) + 1
    for ex in manifest.get("exercises", []):
        n = ex["number"]
        if ex.get("status") == "planned":
            notes.append(f"exercise {n} ({ex.get('title', '?')}) is planned: "
                         f"{owned.get(n, 0)} marked region(s) so far")
        elif ex.get("markers") and not owned.get(n):
            notes.append(f"warning: exercise {n} ({ex.get('title', '?')}) has no marked region: "
                         f"the student tree keeps its solution")
    return problems, notes


def placeholder(style: str, indent: str, lab: int, handout: str, exercise: int | None) -> str:
    what = f"{handout} exercise {exercise}" if exercise else handout
    text = f"LAB {lab}: your code here -- {what}"
    return f"{indent}/* {text} */\n" if style == "c" else f"{indent}# {text}\n"


def render(segments: list[Segment], lab: int, manifests: dict[int, dict]) -> str:
    """The file as the tree for `lab` has it."""
    out: list[str] = []
    for seg in segments:
        if seg.text is not None:
            out.extend(seg.text)
            continue
        r = seg.region
        if r.lab < lab:
            out.extend(r.solution)
        else:
            style = comment_style(r.path)
            out.append(placeholder(style, r.indent, r.lab, handout_of(manifests, r.lab),
                                   exercise_of(manifests, r)))
            out.extend(s if s.endswith("\n") else s + "\n" for s in r.stub)
    return "".join(out)


# ---- the tree ----------------------------------------------------------------

def tracked_files(root: Path) -> list[str]:
    """Files git tracks under root that exist in the working tree."""
    res = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True)
    files = [f for f in res.stdout.decode().split("\0") if f]
    return sorted(f for f in files if (root / f).is_file())


def handout_lab(path: str) -> int | None:
    """N for handouts/labN-*.md (and any handouts/labN-* asset), else None."""
    m = re.match(r"handouts/lab(\d+)[-_.]", path)
    return int(m.group(1)) if m else None


def parse_tree(root: Path) -> dict[str, list[Segment]]:
    """Parse every file that would be staged; raise MarkerError with all problems."""
    parsed: dict[str, list[Segment]] = {}
    errors: list[str] = []
    for f in tracked_files(root):
        if is_instructor_only(f):
            continue
        try:
            text = (root / f).read_bytes().decode()
        except UnicodeDecodeError:
            parsed[f] = []          # binary: copied as is
            continue
        try:
            parsed[f] = parse(f, text)
        except MarkerError as e:
            errors.append(str(e))
    if errors:
        raise MarkerError("\n".join(errors))
    return parsed


def answers_file(manifest: dict, lab: int) -> str:
    """answers/labN.md as handed out: the questions, each with a placeholder."""
    title = manifest.get("title", f"Lab {lab}")
    lines = [f"# Lab {lab} answers: {title}", "",
             f"Answer each question below in a few sentences, replacing the line",
             f"`{ANSWER_PLACEHOLDER}`. `make handin` warns while a placeholder is left.", ""]
    for i, q in enumerate(manifest.get("questions", []), 1):
        lines += [f"## Question {i}", "", q, "", ANSWER_PLACEHOLDER, ""]
    return "\n".join(lines)


def handouts_index(manifests: dict[int, dict], upto: int) -> str:
    lines = ["# Mica handouts", "",
             "Start with [lab 0: setting up](lab0-setup.md), then work through the labs in order.", "",
             "| Lab | Title | Handout |", "|---|---|---|",
             "| 0 | Setting up, finding your way, grading | [lab0-setup.md](lab0-setup.md) |"]
    for lab in LABS:
        if lab > upto or lab not in manifests:
            continue
        m = manifests[lab]
        name = Path(m["handout"]).name
        status = " (in preparation)" if m.get("status") == "planned" else ""
        lines.append(f"| {lab} | {m['title']}{status} | [{name}]({name}) |")
    if upto < LABS.stop - 1:
        lines += ["", f"Labs {upto + 1} and later arrive with their own branches."]
    return "\n".join(lines) + "\n"


def stage(root: Path, lab: int, out: Path) -> list[str]:
    """Write the tree for `lab` into `out` (which must be empty, missing, or an
    earlier staged tree). Returns the staged paths."""
    if lab not in LABS:
        raise SystemExit(f"stage: LAB must be {LABS.start}..{LABS.stop - 1}, not {lab}")
    root, out = root.resolve(), out.resolve()
    if out == root or root in out.parents and not out.is_relative_to(root / "build"):
        raise SystemExit(f"stage: {out} is inside the source tree; use a directory elsewhere or under build/")
    parsed = parse_tree(root)
    manifests = load_manifests(root)

    if out.exists() and any(out.iterdir()):
        if not (out / LAB_MK).exists():
            raise SystemExit(f"stage: {out} is not empty and was not made by stage.py; refusing to overwrite")
        for child in out.iterdir():
            if child.name == ".git":
                continue
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    out.mkdir(parents=True, exist_ok=True)

    written: list[str] = []

    def write(rel: str, data: str | bytes, mode: int = 0o644) -> None:
        dst = out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data.encode() if isinstance(data, str) else data)
        dst.chmod(mode)
        written.append(rel)

    for f, segments in parsed.items():
        hl = handout_lab(f)
        if hl is not None and hl > lab:
            continue
        if f == "handouts/README.md":
            continue
        src = root / f
        mode = 0o755 if os.access(src, os.X_OK) else 0o644
        if not segments:
            write(f, src.read_bytes(), mode)
        else:
            write(f, render(segments, lab, manifests), mode)

    tmpl = root / WORKFLOW_TEMPLATE
    if tmpl.exists():
        write(WORKFLOW_TARGET, tmpl.read_text().replace("@LAB@", str(lab)))
    write(LAB_MK, f"# Written by labs/tools/stage.py: this tree is lab {lab}.\n"
                  f"# `make grade` grades this lab unless LAB= says otherwise.\nLAB ?= {lab}\n")
    write("handouts/README.md", handouts_index(manifests, lab))
    if lab in manifests and manifests[lab].get("questions"):
        write(f"answers/lab{lab}.md", answers_file(manifests[lab], lab))
    return sorted(written)


# ---- branches ----------------------------------------------------------------

def _git(repo: Path, *args: str, env: dict | None = None, input: bytes | None = None) -> str:
    res = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, input=input,
                         env={**os.environ, **(env or {})})
    if res.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {res.stderr.decode().strip()}")
    return res.stdout.decode().strip()


def source_description(root: Path) -> tuple[str, str]:
    """(description of the source commit, its committer date) for commit messages."""
    try:
        head = _git(root, "rev-parse", "--short", "HEAD")
        date = _git(root, "log", "-1", "--format=%cI", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
        return head + ("+local-changes" if dirty else ""), date
    except SystemExit:
        return "unknown", ""


def make_branches(root: Path, repo: Path, labs: list[int]) -> list[tuple[str, str]]:
    """Create or update branches labN in repo, each a commit of the staged tree
    (the first commit of a new branch is a root commit; an existing branch gets
    a child commit when its tree changed). Returns (branch, commit) pairs."""
    repo = repo.resolve()
    fresh = not repo.exists() or not any(repo.iterdir())
    if fresh:
        repo.mkdir(parents=True, exist_ok=True)
        _git(repo, "init", "-q")
    elif not (repo / ".git").exists() and _git(repo, "rev-parse", "--is-bare-repository") != "true":
        raise SystemExit(f"branches: {repo} is neither empty nor a git repository")
    manifests = load_manifests(root)
    source, date = source_description(root)
    ident = {"GIT_AUTHOR_NAME": "Mica staging", "GIT_AUTHOR_EMAIL": "staging@mica.invalid",
             "GIT_COMMITTER_NAME": "Mica staging", "GIT_COMMITTER_EMAIL": "staging@mica.invalid"}
    if date:
        ident |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = []
    with tempfile.TemporaryDirectory(prefix="mica-branches-") as tmp:
        for lab in labs:
            tree_dir = Path(tmp) / f"lab{lab}"
            stage(root, lab, tree_dir)
            env = {"GIT_INDEX_FILE": str(Path(tmp) / f"index{lab}"), "GIT_WORK_TREE": str(tree_dir)}
            _git(repo, "add", "-A", "--force", ".", env=env)
            tree = _git(repo, "write-tree", env=env)
            branch = f"refs/heads/lab{lab}"
            parent = subprocess.run(["git", "-C", str(repo), "rev-parse", "-q", "--verify", branch],
                                    capture_output=True).stdout.decode().strip()
            if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
                done.append((f"lab{lab}", parent[:12] + " (unchanged)"))
                continue
            title = manifests.get(lab, {}).get("title", "")
            msg = f"Lab {lab}: {title}\n\nStaged by labs/tools/stage.py from {source}.\n"
            args = ["commit-tree", tree] + (["-p", parent] if parent else [])
            commit = _git(repo, *args, env=ident, input=msg.encode())
            _git(repo, "update-ref", branch, commit)
            done.append((f"lab{lab}", commit[:12]))
    if fresh:
        _git(repo, "symbolic-ref", "HEAD", f"refs/heads/lab{labs[0]}")
        _git(repo, "reset", "-q", "--hard")
    return done


# ---- command line -------------------------------------------------------------

def parse_labs(spec: str) -> list[int]:
    labs: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        labs += range(int(lo), int(hi or lo) + 1)
    bad = [n for n in labs if n not in LABS]
    if bad:
        raise SystemExit(f"labs must be in {LABS.start}..{LABS.stop - 1}: {bad}")
    return labs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Stage Mica's student trees from the instructor's tree.")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2],
                    help="the instructor's tree (default: this checkout)")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--lab", type=int, help="stage this lab (with --out)")
    what.add_argument("--branches", type=Path, metavar="REPO", help="create branches lab1..lab7 in REPO")
    what.add_argument("--check", action="store_true", help="check every marker and exit")
    what.add_argument("--list", action="store_true", help="list every marked region")
    ap.add_argument("--out", type=Path, help="output directory for --lab")
    ap.add_argument("--labs", default="1-7", help="labs for --branches (e.g. 1-3,5)")
    a = ap.parse_args(argv)

    try:
        if a.lab is not None:
            if a.out is None:
                ap.error("--lab needs --out DIR")
            files = stage(a.root, a.lab, a.out)
            print(f"stage: lab {a.lab}: {len(files)} files in {a.out}")
        elif a.branches is not None:
            for branch, commit in make_branches(a.root, a.branches, parse_labs(a.labs)):
                print(f"branches: {branch} {commit}")
            print(f"branches: in {a.branches.resolve()}")
        else:
            parsed = parse_tree(a.root)
            manifests = load_manifests(a.root)
            regions = [s.region for segs in parsed.values() for s in segs if s.region]
            if a.list:
                for r in regions:
                    ex = exercise_of(manifests, r)
                    print(f"{r.path}:{r.begin}: lab {r.lab} exercise {ex or '?'}: {r.title}"
                          f"{'' if r.stub else '  (no stub)'}")
            per_lab = {lab: sum(r.lab == lab for r in regions) for lab in LABS}
            print("markers: " + ", ".join(f"lab {k}: {v}" for k, v in per_lab.items()))
            if a.list:
                for lab, m in manifests.items():
                    problems, notes = exercise_coverage(m, [r for r in regions if r.lab == lab],
                                                        manifests)
                    for line in problems + notes:
                        print(f"markers: lab {lab} ({m.get('status', '?')}): {line}")
    except MarkerError as e:
        print(e, file=sys.stderr)
        print("stage: refusing to stage: fix the markers above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
