"""The scheduler trace (kernel command line trace=sched) and fault reports,
parsed from a transcript into events, and the CPU timeline made from them.

    sched: t=<tick> run <name>#<id> prio=<p>
    sched: t=<tick> wake <name>#<id> by=<start|sleep|resume|join|prio>
    sched: t=<tick> block <name>#<id> on=<sleep|join|suspend>
    sched: t=<tick> exit <name>#<id> status=<n>
    fault: thread <name>#<id> killed: <vector name> at rip=0x<hex> addr=0x<hex>

(kernel/abi/mica/trace.h documents them.) A `run` event means the CPU passed
to that thread; it keeps the CPU until the next `run` event, so the
timeline is the list of `run` events turned into Slices.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

SCHED = re.compile(r"^sched: t=(\d+) (run|wake|block|exit) (\S+)#(\d+) (prio|by|on|status)=(\S+)$")
FAULT = re.compile(r"^fault: thread (\S+)#(\d+) killed: (.+?) at rip=(0x[0-9a-fA-F]+) "
                   r"addr=(0x[0-9a-fA-F]+)$")
DETAIL_KEY = {"run": "prio", "wake": "by", "block": "on", "exit": "status"}


@dataclass(frozen=True)
class Event:
    """One trace line. detail is the prio (run), reason (wake), what (block)
    or status (exit), as printed; line is its index in the transcript."""
    tick: int
    kind: str
    name: str
    tid: int
    detail: str
    line: int

    @property
    def thread(self) -> str:
        return f"{self.name}#{self.tid}"


@dataclass(frozen=True)
class Fault:
    """A `fault:` report: the kernel killed a user thread."""
    name: str
    tid: int
    vector: str
    rip: int
    addr: int
    line: int


@dataclass(frozen=True)
class Slice:
    """A stretch of CPU time: thread ran from tick start to tick end (end is
    the tick of the next `run` event, or the last traced tick)."""
    thread: str
    start: int
    end: int
    prio: int
    line: int

    @property
    def ticks(self) -> int:
        return self.end - self.start

    @property
    def name(self) -> str:
        return self.thread.rsplit("#", 1)[0]


def _lines(text: str | Sequence[str]) -> list[str]:
    return text.splitlines() if isinstance(text, str) else list(text)


def parse(text: str | Sequence[str]) -> list[Event]:
    """Every well-formed sched: line, in transcript order. A line whose key
    does not fit its event (e.g. `run ... by=`) is not a trace line."""
    events = []
    for i, line in enumerate(_lines(text)):
        m = SCHED.match(line)
        if m and DETAIL_KEY[m.group(2)] == m.group(5):
            events.append(Event(int(m.group(1)), m.group(2), m.group(3), int(m.group(4)),
                                m.group(6), i))
    return events


def faults(text: str | Sequence[str]) -> list[Fault]:
    """Every fault: report, in transcript order."""
    out = []
    for i, line in enumerate(_lines(text)):
        m = FAULT.match(line)
        if m:
            out.append(Fault(m.group(1), int(m.group(2)), m.group(3), int(m.group(4), 16),
                             int(m.group(5), 16), i))
    return out


def slices(events: Iterable[Event], end: int | None = None) -> list[Slice]:
    """The CPU timeline: one Slice per `run` event, lasting until the next
    one (the last lasts until `end`, default the last traced tick)."""
    events = list(events)
    runs = [e for e in events if e.kind == "run"]
    if end is None:
        end = max((e.tick for e in events), default=0)
    out = []
    for a, b in zip(runs, runs[1:] + [None]):
        stop = b.tick if b is not None else max(end, a.tick)
        prio = int(a.detail) if a.detail.lstrip("-").isdigit() else -1
        out.append(Slice(a.thread, a.tick, stop, prio, a.line))
    return out


def between(items: Sequence, first_line: int, last_line: int) -> list:
    """The events (or slices) whose transcript line lies in [first_line, last_line]."""
    return [x for x in items if first_line <= x.line <= last_line]


def run_lengths(timeline: Iterable[Slice], names: Iterable[str]) -> list[int]:
    """The lengths in ticks of consecutive CPU time given to threads named in
    names: back-to-back slices of the same thread are joined into one run,
    and a run ends when any other thread gets the CPU."""
    wanted = set(names)
    lengths: list[int] = []
    current: str | None = None
    for s in timeline:
        if s.name in wanted and s.thread == current:
            lengths[-1] += s.ticks
        elif s.name in wanted:
            lengths.append(s.ticks)
            current = s.thread
        else:
            current = None
    return lengths


def threads(events: Iterable[Event]) -> list[str]:
    """The threads that appear in the events, in order of first appearance."""
    seen: dict[str, None] = {}
    for e in events:
        seen.setdefault(e.thread, None)
    return list(seen)
