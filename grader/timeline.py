"""An SVG picture of which thread ran when, drawn from the scheduler trace.

    from grader.timeline import write_svg
    write_svg(run.transcript.with_suffix(".svg"), run.text, title="rr (qemu)")

One row per thread (in order of first appearance, idle last), time in ticks
left to right. A filled bar is a stretch on the CPU (from one `run` line to
the next); a small triangle above the row marks a wake-up, a short vertical
line a block, a cross the exit, a red cross a fault report. The output is a
pure function of the transcript, so equal transcripts give equal files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

from grader import schedtrace

ROW = 22                # pixels per thread row
LABEL = 130             # width of the name column
TOP = 40                # room for the title and the tick axis
WIDTH = 1000            # target width of the time axis
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def _scale(span: int) -> float:
    """Pixels per tick: about WIDTH in all, but at least 1 and at most 24."""
    return min(24.0, max(1.0, WIDTH / max(span, 1)))


def _tick_step(span: int) -> int:
    """A round distance between labelled ticks, about ten labels in all."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if span / step <= 12:
            return step
    return 10000


def render(text: str | Sequence[str], title: str = "") -> str:
    """The SVG document for the trace in text ('' when there is no trace)."""
    events = schedtrace.parse(text)
    if not events:
        return ""
    faults = schedtrace.faults(text)
    order = schedtrace.threads(events)
    order = [t for t in order if not t.startswith("idle#")] + \
            [t for t in order if t.startswith("idle#")]
    row = {t: i for i, t in enumerate(order)}
    t0 = min(e.tick for e in events)
    t1 = max(e.tick for e in events)
    span = max(t1 - t0, 1)
    px = _scale(span)
    width = int(LABEL + span * px + 20)
    height = TOP + ROW * len(order) + 10

    def x(tick: int) -> float:
        return LABEL + (tick - t0) * px

    def y(thread: str) -> int:
        return TOP + ROW * row[thread]

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="monospace" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="4" y="14" font-size="13">{escape(title or "scheduler timeline")}'
           f' (ticks {t0}..{t1})</text>']
    step = _tick_step(span)
    first = (t0 + step - 1) // step * step
    for t in range(first, t1 + 1, step):
        out.append(f'<line x1="{x(t):.1f}" y1="{TOP - 6}" x2="{x(t):.1f}" y2="{height - 10}" '
                   f'stroke="#dddddd"/>')
        out.append(f'<text x="{x(t):.1f}" y="{TOP - 9}" text-anchor="middle">{t}</text>')
    for t in order:
        out.append(f'<text x="4" y="{y(t) + 15}">{escape(t)}</text>')
    for s in schedtrace.slices(events):
        colour = "#cccccc" if s.thread.startswith("idle#") else PALETTE[row[s.thread] % len(PALETTE)]
        w = max(s.ticks * px, 1.0)
        out.append(f'<rect x="{x(s.start):.1f}" y="{y(s.thread) + 4}" width="{w:.1f}" '
                   f'height="{ROW - 8}" fill="{colour}"><title>{escape(s.thread)} ran '
                   f'{s.start}..{s.end} prio={s.prio}</title></rect>')
    for e in events:
        cx, top = x(e.tick), y(e.thread)
        tip = f"<title>{escape(e.thread)} {e.kind} {escape(e.detail)} at {e.tick}</title>"
        if e.kind == "wake":
            out.append(f'<path d="M{cx - 3:.1f},{top + 1} L{cx + 3:.1f},{top + 1} '
                       f'L{cx:.1f},{top + 5} Z" fill="black">{tip}</path>')
        elif e.kind == "block":
            out.append(f'<line x1="{cx:.1f}" y1="{top + 2}" x2="{cx:.1f}" y2="{top + ROW - 2}" '
                       f'stroke="black" stroke-width="1.5">{tip}</line>')
        elif e.kind == "exit":
            out.append(_cross(cx, top + ROW // 2, "black", tip))
    for f in faults:
        thread = f"{f.name}#{f.tid}"
        if thread in row:
            after = [e.tick for e in events if e.line < f.line]
            tick = after[-1] if after else t0
            tip = f"<title>{escape(thread)} killed: {escape(f.vector)} rip={f.rip:#x}</title>"
            out.append(_cross(x(tick), y(thread) + ROW // 2, "red", tip))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _cross(cx: float, cy: int, colour: str, tip: str) -> str:
    return (f'<path d="M{cx - 4:.1f},{cy - 4} L{cx + 4:.1f},{cy + 4} M{cx - 4:.1f},{cy + 4} '
            f'L{cx + 4:.1f},{cy - 4}" stroke="{colour}" stroke-width="2">{tip}</path>')


def write_svg(path: Path, text: str | Sequence[str], title: str = "") -> Path | None:
    """Draw the timeline of text into path; returns path, or None (and writes
    nothing) when the transcript holds no scheduler trace."""
    svg = render(text, title)
    if not svg:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg)
    return path
