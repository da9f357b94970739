"""IPC sequence diagrams from a transcript, as SVG.

The kernel's IPC trace prints one line per message operation:

    ipc: t=<tick> <op> <from>#<id> -> <to>#<id> label=<n>

for example `ipc: t=12 call init#1 -> namesrv#3 label=2`. Each distinct
`name#id` becomes a lifeline (in order of first appearance); each line an
arrow from the sender's lifeline to the receiver's, labelled with the
operation and the label, with the tick at the left. Lines that are not IPC
trace lines are ignored, so a whole transcript can be passed in.

    svg = sequence_svg(parse(text))      # '' when there is no ipc: line
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

IPC_LINE = re.compile(r"^ipc: t=(\d+) (\S+) (\S+#\d+) -> (\S+#\d+) label=(-?\w+)\s*$",
                      re.MULTILINE)

COL = 150           # horizontal distance between lifelines
ROW = 26            # vertical distance between messages
TOP = 40            # room for the lifeline heads
LEFT = 70           # room for the ticks
MAX_MESSAGES = 400  # a longer trace is cut (and says so)


@dataclass(frozen=True)
class Message:
    tick: int
    op: str
    src: str
    dst: str
    label: str


def parse(text: str) -> list[Message]:
    """The IPC trace lines of text, in order."""
    return [Message(int(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5))
            for m in IPC_LINE.finditer(text.replace("\r\n", "\n"))]


def sequence_svg(messages: list[Message], title: str = "") -> str:
    """An SVG sequence diagram of messages ('' if there are none)."""
    if not messages:
        return ""
    cut = len(messages) > MAX_MESSAGES
    messages = messages[:MAX_MESSAGES]
    names: list[str] = []
    for m in messages:
        for n in (m.src, m.dst):
            if n not in names:
                names.append(n)
    x = {n: LEFT + COL // 2 + i * COL for i, n in enumerate(names)}
    height = TOP + ROW * (len(messages) + 1) + (ROW if cut else 0)
    width = LEFT + COL * len(names)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="11">',
           f"<title>{escape(title or 'IPC sequence')}</title>",
           '<defs><marker id="arr" markerWidth="8" markerHeight="8" refX="7" refY="3" '
           'orient="auto"><path d="M0,0 L7,3 L0,6 z" fill="#333"/></marker></defs>']
    for n in names:
        out.append(f'<rect x="{x[n] - COL // 2 + 8}" y="4" width="{COL - 16}" height="20" '
                   f'fill="#eef" stroke="#336"/>')
        out.append(f'<text x="{x[n]}" y="18" text-anchor="middle">{escape(n)}</text>')
        out.append(f'<line x1="{x[n]}" y1="24" x2="{x[n]}" y2="{height - 4}" '
                   f'stroke="#99a" stroke-dasharray="4 3"/>')
    for i, m in enumerate(messages):
        y = TOP + ROW * i + ROW // 2
        out.append(f'<text x="4" y="{y + 4}" fill="#666">t={m.tick}</text>')
        text = escape(f"{m.op} label={m.label}")
        if m.src == m.dst:                  # to itself: a small loop
            a = x[m.src]
            out.append(f'<path d="M{a},{y} h24 v10 h-22" fill="none" stroke="#333" '
                       f'marker-end="url(#arr)"/>')
            out.append(f'<text x="{a + 28}" y="{y + 8}">{text}</text>')
            continue
        a, b = x[m.src], x[m.dst]
        colour = "#a33" if m.op in ("reply", "replywait") else "#333"
        out.append(f'<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="{colour}" '
                   f'marker-end="url(#arr)"/>')
        out.append(f'<text x="{(a + b) // 2}" y="{y - 3}" text-anchor="middle">{text}</text>')
    if cut:
        out.append(f'<text x="4" y="{height - 8}">(cut at {MAX_MESSAGES} messages)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
