"""build/grade/report.html: one self-contained page per grade run.

Scores per lab and per test; each failure with its explanation (GOOD, BAD,
MISSING and FORBIDDEN context lines highlighted) and the command that reruns
it; every test's transcripts, collapsible; any scheduling timeline the lab 3
tests drew (transcripts/<test>*.svg, inlined); and, for a transcript holding
IPC trace lines (`ipc: t=...`, see grader.seqdiagram), its sequence diagram.
No scripts, no external files: the page can be mailed or uploaded as is.
"""
from __future__ import annotations

import datetime
from html import escape
from pathlib import Path

from grader import seqdiagram
from grader.results import TestResult, ordered, totals

MAX_TRANSCRIPT = 256 * 1024     # bytes of each transcript embedded (the rest: its file)

CSS = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1em; }
td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-family: monospace; }
.pass { color: #176317; } .fail { color: #a01818; font-weight: bold; }
pre { background: #f6f6f6; padding: 6px; overflow-x: auto; font-size: 12px; }
.GOOD { color: #176317; } .BAD, .FORBIDDEN { color: #a01818; font-weight: bold; }
.MISSING { color: #a05a00; font-weight: bold; }
details { margin: 4px 0 4px 1em; } summary { cursor: pointer; }
h2 { border-bottom: 2px solid #ccc; } .score { font-size: 1.4em; }
"""


def _num(x: float) -> str:
    return f"{x:g}"


def _context(output: str) -> str:
    """A failure message with its context lines marked up."""
    out = []
    for line in output.splitlines():
        word = line.strip().split(" ", 1)[0]
        cls = word if word in ("GOOD", "BAD", "MISSING", "FORBIDDEN") else ""
        out.append(f'<span class="{cls}">{escape(line)}</span>' if cls else escape(line))
    return "\n".join(out)


def transcripts_of(name: str, transcripts: Path) -> list[Path]:
    """The transcript files saved for test name: NAME.txt, NAME.2.txt, ..."""
    files = [transcripts / f"{name}.txt"] + sorted(
        transcripts.glob(f"{glob_escape(name)}.*.txt"),
        key=lambda p: int(p.suffixes[-2][1:]) if p.suffixes[-2][1:].isdigit() else 0)
    return [p for p in files if p.is_file()]


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "[]*?" else c for c in name)


def _svgs(name: str, transcripts: Path) -> list[Path]:
    return sorted(p for p in transcripts.glob(f"{glob_escape(name)}*.svg")
                  if p.name == f"{name}.svg" or p.name.startswith(f"{name}."))


def _test_section(r: TestResult, transcripts: Path) -> str:
    mark = '<span class="pass">PASS</span>' if r.passed else '<span class="fail">FAIL</span>'
    h = [f'<h3 id="t-{escape(r.name)}">lab{r.lab} {escape(r.name)} {mark} '
         f'{_num(r.score)}/{_num(r.max_score)}</h3>', f"<p>{escape(r.title)}</p>"]
    if not r.passed:
        h.append(f"<pre>{_context(r.output)}\nrerun: make grade T={escape(r.name)}</pre>")
    for svg in _svgs(r.name, transcripts):
        h.append(f"<details open><summary>timeline {escape(svg.name)}</summary>"
                 f"{svg.read_text(errors='replace')}</details>")
    for t in transcripts_of(r.name, transcripts):
        raw = t.read_bytes()
        text = raw[:MAX_TRANSCRIPT].decode("utf-8", "replace")
        diagram = seqdiagram.sequence_svg(seqdiagram.parse(text), f"IPC in {t.name}")
        if diagram:
            h.append(f"<details open><summary>IPC sequence ({escape(t.name)})</summary>"
                     f"{diagram}</details>")
        more = f"\n... ({len(raw) - MAX_TRANSCRIPT} more bytes in {t})" if len(raw) > MAX_TRANSCRIPT else ""
        h.append(f"<details><summary>transcript {escape(t.name)} ({len(raw)} bytes)</summary>"
                 f"<pre>{escape(text + more)}</pre></details>")
    return "\n".join(h)


def render(results: list[TestResult], grade_dir: Path, seconds: float = 0.0,
           title: str = "Mica grade report") -> str:
    """The report's HTML."""
    results = ordered(results)
    transcripts = grade_dir / "transcripts"
    got, total = totals(results)
    when = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         f"<title>{escape(title)}: {_num(got)}/{_num(total)}</title>",
         f"<style>{CSS}</style></head><body>", f"<h1>{escape(title)}</h1>",
         f'<p class="score">Score: {_num(got)}/{_num(total)}</p>',
         f"<p>{len(results)} tests, {sum(not r.passed for r in results)} failed; "
         f"{seconds:.1f} s; {when}</p>",
         "<table><tr><th>lab</th><th>score</th><th>tests</th><th>failed</th></tr>"]
    labs = sorted({r.lab for r in results})
    for lab in labs:
        mine = [r for r in results if r.lab == lab]
        g, t = totals(mine)
        bad = sum(not r.passed for r in mine)
        h.append(f'<tr><td><a href="#lab{lab}">lab{lab}</a></td><td class="num">{_num(g)}/{_num(t)}'
                 f'</td><td class="num">{len(mine)}</td><td class="num">{bad}</td></tr>')
    h.append("</table>")
    for lab in labs:
        mine = [r for r in results if r.lab == lab]
        g, t = totals(mine)
        h.append(f'<h2 id="lab{lab}">Lab {lab}: {_num(g)}/{_num(t)}</h2>')
        h.append("<table><tr><th>test</th><th>points</th><th>seconds</th><th></th><th>what it checks</th></tr>")
        for r in mine:
            mark = '<span class="pass">PASS</span>' if r.passed else '<span class="fail">FAIL</span>'
            tag = " (extra)" if r.extra else ""
            h.append(f'<tr><td><a href="#t-{escape(r.name)}">{escape(r.name)}</a>{tag}</td>'
                     f'<td class="num">{_num(r.score)}/{_num(r.max_score)}</td>'
                     f'<td class="num">{r.seconds:.1f}</td><td>{mark}</td><td>{escape(r.title)}</td></tr>')
        h.append("</table>")
        failed = [r for r in mine if not r.passed]
        for r in failed + [r for r in mine if r.passed]:
            h.append(_test_section(r, transcripts))
    h.append("</body></html>")
    return "\n".join(h) + "\n"


def write_report(path: Path, results: list[TestResult], grade_dir: Path, seconds: float = 0.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(results, grade_dir, seconds))
    tmp.replace(path)
