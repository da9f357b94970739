"""The Mica ABI as the grader reads it: error codes parsed from
kernel/abi/mica/error.h, so tests name errors instead of hard-coding numbers,
and the scenario framing the root task prints around each built-in test."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from grader.machine import Run
from grader.match import GradeFailure

ERROR_H = Path(__file__).resolve().parents[1] / "kernel/abi/mica/error.h"


@functools.lru_cache(maxsize=None)
def error_numbers() -> dict[str, int]:
    """E_NAME -> number, from <mica/error.h>."""
    return {m[1]: int(m[2]) for m in re.finditer(r"X\((E_\w+),\s*(\d+)", ERROR_H.read_text())}


@functools.lru_cache(maxsize=None)
def error_messages() -> dict[str, str]:
    """E_NAME -> its message (what mica_strerror() returns), from <mica/error.h>."""
    return {m[1]: m[2] for m in re.finditer(r'X\((E_\w+),\s*\d+,\s*"([^"]*)"\)', ERROR_H.read_text())}


def message(name: str) -> str:
    """The message of error `name`, e.g. message("E_NOENT") == "not found"."""
    messages = error_messages()
    if name not in messages:
        raise GradeFailure(f"{ERROR_H} defines no error {name}")
    return messages[name]


def err(name: str) -> int:
    """What a system call returns for error `name`: minus its number."""
    numbers = error_numbers()
    if name not in numbers:
        raise GradeFailure(f"{ERROR_H} defines no error {name}")
    return -numbers[name]


def describe(ret: int) -> str:
    """A return value with its error name, e.g. '-2 (E_FAULT)'."""
    names = {-n: name for name, n in error_numbers().items()}
    return f"{ret} ({names[ret]})" if ret in names else str(ret)


def scenario(run: Run, name: str) -> list[str]:
    """The lines a root-task scenario printed between its begin and end lines
    (kernel trace lines included), after checking the kernel powered off cleanly."""
    lines = run.section(rf"^init: scenario {name} begin$", rf"^init: scenario {name} end status=")
    run.assert_poweroff(0)
    return lines
