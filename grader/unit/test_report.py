"""The HTML report and the IPC sequence diagrams."""
import xml.etree.ElementTree as ET

from grader import report, seqdiagram
from grader.results import TestResult

IPC = """Mica 0.1 (x86_64) booting
ipc: t=5 call init#1 -> namesrv#3 label=2
something else
ipc: t=6 reply namesrv#3 -> init#1 label=0
ipc: t=9 send init#1 -> init#1 label=7
mica: power off (status 0)
"""


def test_parse_and_draw():
    msgs = seqdiagram.parse(IPC.replace("\n", "\r\n"))
    assert [(m.tick, m.op, m.src, m.dst, m.label) for m in msgs] == [
        (5, "call", "init#1", "namesrv#3", "2"), (6, "reply", "namesrv#3", "init#1", "0"),
        (9, "send", "init#1", "init#1", "7")]
    svg = seqdiagram.sequence_svg(msgs, "t")
    root = ET.fromstring(svg)                       # well-formed XML
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "init#1" in texts and "namesrv#3" in texts
    assert "call label=2" in texts and "t=9" in texts
    assert seqdiagram.sequence_svg(seqdiagram.parse("no ipc here\n")) == ""


def test_report(tmp_path):
    tr = tmp_path / "transcripts"
    tr.mkdir()
    (tr / "ipc_call.txt").write_text(IPC)
    (tr / "sched_rr.txt").write_text("Mica 0.1 (x86_64) booting\n<x>\n")
    (tr / "sched_rr.2.txt").write_text("second boot\n")
    (tr / "sched_rr.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><title>rr timeline</title></svg>')
    results = [
        TestResult("ipc_call", 4, "a call gets its reply", 10, True, 1.0),
        TestResult("sched_rr", 3, "round robin", 5, False, 2.0,
                   output="expected 3 workers\nGOOD  a\nBAD   b\nMISSING 'c'"),
        TestResult("hidden_one", 3, "hidden", 2, True, extra=True),
    ]
    out = tmp_path / "report.html"
    report.write_report(out, results, tmp_path, 3.5)
    html = out.read_text()
    assert "Score: 12/17" in html and "Lab 3: 2/7" in html and "Lab 4: 10/10" in html
    assert '<span class="BAD">BAD   b</span>' in html and '<span class="MISSING">' in html
    assert "rerun: make grade T=sched_rr" in html
    assert "rr timeline" in html                    # the timeline SVG inlined
    assert "IPC sequence (ipc_call.txt)" in html and "call label=2" in html
    assert "sched_rr.2.txt" in html and "&lt;x&gt;" in html     # transcripts, escaped
    assert "(extra)" in html
    assert "<script" not in html and "src=" not in html          # self-contained


def test_bench_lines():
    from grader.bench import BENCH_LINE
    text = ("bench: ipc_call_rtt=1834 unit=cycles\nbench: x.y=0.5\n"
            "not bench: a=1 unit=s\nbench: bad=abc unit=s\n")
    assert [m.groups() for m in BENCH_LINE.finditer(text)] == [
        ("ipc_call_rtt", "1834", "cycles"), ("x.y", "0.5", None)]
