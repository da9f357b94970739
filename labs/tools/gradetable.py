#!/usr/bin/env python3
"""gradetable.py: the grading table of each lab, read from the grader's tests.

Instructor-only (`make gradetables`). The points live in the grader
(`@grade(lab=N, points=P, title=...)` on each test in grader/tests/*.py);
this reads them with Python's ast module, without importing the grader, and
prints a Markdown table per lab, or with --update rewrites the block between
    <!-- grading-table begin -->  and  <!-- grading-table end -->
in each handouts/labN-*.md, so the handouts never disagree with the grader.
"""
from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

BEGIN, END = "<!-- grading-table begin -->", "<!-- grading-table end -->"


@dataclass
class GradedTest:
    lab: int
    points: float
    name: str
    title: str
    file: str


def _const(node: ast.AST):
    return node.value if isinstance(node, ast.Constant) else None


def collect(grader_tests: Path) -> list[GradedTest]:
    found = []
    for path in sorted(grader_tests.glob("test_*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for dec in fn.decorator_list:
                if not (isinstance(dec, ast.Call) and getattr(dec.func, "id", getattr(dec.func, "attr", "")) == "grade"):
                    continue
                kw = {k.arg: _const(k.value) for k in dec.keywords}
                if isinstance(kw.get("lab"), int):
                    found.append(GradedTest(kw["lab"], kw.get("points") or 0, fn.name.removeprefix("test_"),
                                            kw.get("title") or fn.name, path.name))
    return found


def table(tests: list[GradedTest], lab: int) -> str:
    rows = [t for t in tests if t.lab == lab]
    if not rows:
        return "_The tests of this lab are not written yet._\n"
    lines = ["| Test (`make grade T=...`) | What it checks | Points |", "|---|---|---:|"]
    lines += [f"| `{t.name}` | {t.title} | {t.points:g} |" for t in rows]
    lines.append(f"| | **Total** | **{sum(t.points for t in rows):g}** |")
    return "\n".join(lines) + "\n"


def update(handout: Path, text: str) -> bool:
    """Replace the table block in handout; True if the file changed."""
    old = handout.read_text()
    if BEGIN not in old or END not in old:
        return False
    head, rest = old.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{text}{END}{tail}"
    if new != old:
        handout.write_text(new)
    return new != old


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Grading tables from the grader's @grade markers.")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--grader", type=Path, help="grader/tests directory (default: ROOT/grader/tests)")
    ap.add_argument("--update", action="store_true", help="rewrite the tables in handouts/labN-*.md")
    a = ap.parse_args(argv)
    tests_dir = a.grader or a.root / "grader" / "tests"
    if not tests_dir.is_dir():
        print(f"gradetable: no {tests_dir}; nothing to do")
        return 0
    tests = collect(tests_dir)
    for lab in range(1, 8):
        text = table(tests, lab)
        handouts = sorted((a.root / "handouts").glob(f"lab{lab}-*.md"))
        if a.update:
            for h in handouts:
                print(f"gradetable: {h.relative_to(a.root)}: {'updated' if update(h, text) else 'unchanged'}")
        else:
            print(f"## Lab {lab}\n\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
