"""Checking a transcript: line matching with context, and numbers.

    assert_lines_match(text, r"^cmdline: hz=250$", r"ktest: pmm end", no=[r"^panic:"])
    assert_lines_match(text, "begin", "middle", "end", ordered=True)
    values(text, "free")          -> [31744, 31743, ...]   from "free=31744" words
    value(text, "total_kib")      -> 130048                exactly one occurrence
    count(text, r"^tick ")        -> number of matching lines
    assert_close(measured, expected, rel=0.1)
    assert_ratio(a, b, 2.0, rel=0.2)   a/b within 20% of 2.0

Every helper fails with GradeFailure, whose message says what was expected
and what was seen; the plugin prints that message instead of a traceback.
Patterns are Python regular expressions searched within each line (anchor
with ^ and $ to match a whole line).
"""
from __future__ import annotations

import builtins
import re
from typing import Iterable, Sequence

CONTEXT = 2


class GradeFailure(AssertionError):
    """A test saw something other than what it expected. The message is the
    whole explanation; no traceback is shown."""


def _lines(text: str | Sequence[str]) -> list[str]:
    return text.splitlines() if isinstance(text, str) else list(text)


def _compile(p: "str | re.Pattern[str]") -> re.Pattern[str]:
    return p if isinstance(p, re.Pattern) else re.compile(p)


def find_lines(text: str | Sequence[str], *patterns: "str | re.Pattern[str]",
               ordered: bool = False) -> tuple[list[int | None], list[str]]:
    """For each pattern, the index of the first line it matches (None if none).
    With ordered=True each pattern must match after the previous one's line."""
    lines = _lines(text)
    found: list[int | None] = []
    start = 0
    for p in patterns:
        rx = _compile(p)
        hit = next((i for i in range(start, len(lines)) if rx.search(lines[i])), None)
        found.append(hit)
        if ordered and hit is not None:
            start = hit + 1
    return found, lines


def assert_lines_match(text: str | Sequence[str], *patterns: "str | re.Pattern[str]",
                       no: Iterable["str | re.Pattern[str]"] = (), ordered: bool = False,
                       context: int = CONTEXT) -> list[str]:
    """Each pattern matches some line (in order if ordered=True) and no
    pattern in `no` matches any line. Returns the matched lines. On failure
    the message shows the lines around each GOOD and BAD line, then each
    MISSING pattern."""
    found, lines = find_lines(text, *patterns, ordered=ordered)
    forbidden = [_compile(p) for p in no]
    bad = {i: rx.pattern for i, line in enumerate(lines) for rx in forbidden if rx.search(line)}
    missing = [p for p, i in zip(patterns, found) if i is None]
    if not missing and not bad:
        return [lines[i] for i in found if i is not None]
    good = {i for i in found if i is not None}
    msg = []
    shown = sorted({j for i in good | set(bad) for j in range(i - context, i + context + 1)
                    if 0 <= j < len(lines)})
    last = -1
    for j in shown:
        if last >= 0 and j != last + 1:
            msg.append("      ...")
        tag = "BAD " if j in bad else "GOOD" if j in good else "    "
        msg.append(f"{tag}  {lines[j]}")
        last = j
    for i, pat in sorted(bad.items()):
        msg.append(f"FORBIDDEN {pat!r} matched line {i + 1}")
    for p in missing:
        pat = p.pattern if isinstance(p, re.Pattern) else p
        msg.append(f"MISSING {pat!r}" + (" (after the lines above)" if ordered and good else ""))
    if not lines:
        msg.append("(the transcript is empty)")
    raise GradeFailure("\n".join(msg))


def assert_no_lines(text: str | Sequence[str], *patterns: "str | re.Pattern[str]") -> None:
    """No line matches any of the patterns."""
    assert_lines_match(text, no=patterns)


NUMBER = r"(-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?))"


def _number(s: str) -> int | float:
    if s.lower().lstrip("-").startswith("0x"):
        return int(s, 16)
    return float(s) if "." in s else int(s)


def values(text: str | Sequence[str], key: str) -> list[int | float]:
    """Every number written as key=NUMBER (decimal, 0x hex or a decimal
    fraction) in text, in order of appearance."""
    rx = re.compile(r"(?<![\w.])" + re.escape(key) + "=" + NUMBER + r"(?![\w.])")
    return [_number(m.group(1)) for line in _lines(text) for m in rx.finditer(line)]


def value(text: str | Sequence[str], key: str) -> int | float:
    """The one number written as key=NUMBER; fails if there is none or several."""
    found = values(text, key)
    if len(found) != 1:
        seen = "none" if not found else ", ".join(map(str, found[:10]))
        raise GradeFailure(f"expected exactly one '{key}=<number>' in the transcript, "
                           f"found {len(found)} ({seen})")
    return found[0]


def key_values(line: str) -> dict[str, int | float | str]:
    """All key=value words of one line; numbers converted."""
    out: dict[str, int | float | str] = {}
    for k, v in re.findall(r"([A-Za-z_][\w.]*)=(\S+)", line):
        try:
            out[k] = _number(v)
        except ValueError:
            out[k] = v
    return out


def count(text: str | Sequence[str], pattern: "str | re.Pattern[str]") -> int:
    """How many lines match pattern."""
    rx = _compile(pattern)
    return sum(1 for line in _lines(text) if rx.search(line))


def assert_count(text: str | Sequence[str], pattern: "str | re.Pattern[str]",
                 expected: int | None = None, *, at_least: int | None = None,
                 at_most: int | None = None) -> int:
    """The number of lines matching pattern is expected (or within bounds)."""
    n = count(text, pattern)
    pat = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if expected is not None and n != expected:
        raise GradeFailure(f"expected {expected} lines matching {pat!r}, saw {n}")
    if at_least is not None and n < at_least:
        raise GradeFailure(f"expected at least {at_least} lines matching {pat!r}, saw {n}")
    if at_most is not None and n > at_most:
        raise GradeFailure(f"expected at most {at_most} lines matching {pat!r}, saw {n}")
    return n


def assert_close(measured: float, expected: float, *, rel: float = 0.0, abs: float = 0.0,
                 what: str = "value") -> None:
    """|measured - expected| <= max(rel * |expected|, abs)."""
    allowed = max(rel * builtins.abs(expected), abs)
    if builtins.abs(measured - expected) > allowed:
        raise GradeFailure(f"{what}: expected {expected:g} +/- {allowed:g}, saw {measured:g}")


def assert_ratio(a: float, b: float, expected: float, *, rel: float = 0.1,
                 what: str = "ratio") -> float:
    """a / b is within rel (a fraction) of expected. Returns the ratio."""
    if b == 0:
        raise GradeFailure(f"{what}: expected {expected:g}, but the divisor is 0 (a={a:g})")
    ratio = a / b
    assert_close(ratio, expected, rel=rel, what=f"{what} {a:g}/{b:g}")
    return ratio
