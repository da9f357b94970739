"""What lab test files import.

    from grader.api import Boot, grade, assert_lines_match, values

    PMM = Boot(args="ktest=pmm")

    @grade(lab=2, points=10, title="frames are distinct", boot=PMM)
    def test_pmm_distinct(run):                  # run: the finished boot of PMM
        run.assert_poweroff(0)
        assert_lines_match(run.ktest("pmm"), r"^distinct=1$")

    @grade(lab=1, points=5, title="memory size follows -m")
    def test_memory(boot):                       # boot(...): boot now, get a Run
        small, big = boot(mem="128M"), boot(mem="256M")
        ...

    @grade(lab=6, points=5, title="shell echoes")
    def test_echo(boot):
        with boot.start(args="") as m:          # interactive: a Machine
            m.expect(r"mica\\$ $"); m.sendline("echo hi"); m.expect("^hi$")
            m.sendline("halt")
            m.finish().assert_poweroff(0)

Tests that declare the same Boot in @grade(boot=...) share one emulator run
(they are scheduled on the same xdist worker, and the run is cached).
"""
from __future__ import annotations

from typing import Callable, TypeVar

import pytest

from grader.machine import Boot, Machine, Run
from grader.match import (GradeFailure, assert_close, assert_count, assert_lines_match,
                          assert_no_lines, assert_ratio, count, find_lines, key_values, value,
                          values)

__all__ = ["Boot", "Machine", "Run", "grade", "GradeFailure", "assert_close", "assert_count",
           "assert_lines_match", "assert_no_lines", "assert_ratio", "count", "find_lines",
           "key_values", "value", "values"]

F = TypeVar("F", bound=Callable)


def grade(*, lab: int, points: float, title: str, boot: Boot | None = None,
          timeout: float | None = None, visibility: str = "visible") -> Callable[[F], F]:
    """Declare a graded test: its lab, its points and a one-line title.

    boot     the Boot whose finished run the `run` fixture hands the test;
             tests with equal boots share one emulator run
    timeout  a hard limit in seconds for the whole test (default: generous,
             from the boot timeouts); the boots' own timeouts give the verdicts
    visibility  when Gradescope shows the result: visible, hidden,
             after_due_date or after_published (for hidden tests)
    """
    marks = [pytest.mark.lab(lab), pytest.mark.points(points), pytest.mark.title(title)]
    if boot is not None:
        marks += [pytest.mark.boot(boot), pytest.mark.xdist_group(boot.key)]
    if timeout is not None:
        marks.append(pytest.mark.timeout(timeout))
    if visibility != "visible":
        marks.append(pytest.mark.visibility(visibility))

    def decorate(fn: F) -> F:
        for mark in marks:
            fn = mark(fn)
        return fn
    return decorate
