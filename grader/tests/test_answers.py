"""The written answers: answers/labN.md must have every question answered.

A staged student tree (it has labs/lab.mk) holds answers/labN.md for its lab,
with the line `(your answer here)` under each question. This test fails while
any such line is left, naming the questions. It is worth 0 points: the course
staff grade the answers; the test only makes a forgotten one visible in
`make grade`, CI and Gradescope. In the instructor's tree (no labs/lab.mk), and
for an earlier lab whose answers file is not in the tree, there is nothing to
check and it passes.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.api import GradeFailure, grade

PLACEHOLDER = "(your answer here)"


def tree_lab(root: Path) -> int | None:
    """The lab of a staged tree (labs/lab.mk: LAB ?= N), or None."""
    mk = root / "labs" / "lab.mk"
    if not mk.exists():
        return None
    m = re.search(r"^\s*LAB\s*\?=\s*(\d+)", mk.read_text(), re.M)
    return int(m.group(1)) if m else None


def unanswered(text: str) -> list[str]:
    """The headings of the questions whose answer is still the placeholder."""
    heading, left = "(before the first question)", []
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.strip() == PLACEHOLDER:
            left.append(heading)
    return left


def check_answers(root: Path, lab: int) -> None:
    staged = tree_lab(root)
    path = root / "answers" / f"lab{lab}.md"
    if staged is None:
        return                      # the instructor's tree: no answers to check
    if not path.exists():
        if staged == lab:
            raise GradeFailure(f"answers/lab{lab}.md is missing: it came with your tree; "
                               f"restore it (git checkout answers/lab{lab}.md) and answer "
                               f"the questions in it")
        return                      # an earlier lab's answers were handed in with it
    left = unanswered(path.read_text(errors="replace"))
    if left:
        raise GradeFailure(f"answers/lab{lab}.md: {len(left)} question(s) still say "
                           f"'{PLACEHOLDER}': {', '.join(left)}. Replace each placeholder line "
                           f"with your answer (the course staff read them).")


# One test per ready lab, written out so that the grading tables (read with
# ast, labs/tools/gradetable.py) list them.

@grade(lab=1, points=0, title="answers/lab1.md answers every question")
def test_answers_lab1(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 1)


@grade(lab=2, points=0, title="answers/lab2.md answers every question")
def test_answers_lab2(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 2)


@grade(lab=3, points=0, title="answers/lab3.md answers every question")
def test_answers_lab3(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 3)


@grade(lab=4, points=0, title="answers/lab4.md answers every question")
def test_answers_lab4(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 4)


@grade(lab=5, points=0, title="answers/lab5.md answers every question")
def test_answers_lab5(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 5)


@grade(lab=6, points=0, title="answers/lab6.md answers every question")
def test_answers_lab6(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 6)


@grade(lab=7, points=0, title="answers/lab7.md answers every question")
def test_answers_lab7(pytestconfig: pytest.Config) -> None:
    check_answers(Path(pytestconfig.rootpath), 7)
