"""Host tests of the scheduler-trace parser and the timeline drawing."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from grader import schedtrace, timeline

TRACE = """\
Mica 0.1 (x86_64) booting
sched: t=0 wake a#3 by=start
sched: t=0 run a#3 prio=10
sched: t=5 run b#4 prio=10
init: some user line
sched: t=10 run a#3 prio=10
sched: t=12 block a#3 on=sleep
sched: t=12 run b#4 prio=10
sched: t=15 wake a#3 by=sleep
sched: t=15 run a#3 prio=10
fault: thread b#4 killed: page fault at rip=0x400190 addr=0xffffffff80100000
sched: t=17 exit a#3 status=256
sched: t=17 run idle#0 prio=0
sched: t=20 run nonsense#1 by=start
"""


def test_parse_keeps_well_formed_lines_in_order():
    events = schedtrace.parse(TRACE)
    assert [(e.tick, e.kind, e.thread, e.detail) for e in events[:3]] == [
        (0, "wake", "a#3", "start"), (0, "run", "a#3", "10"), (5, "run", "b#4", "10")]
    assert events[-1].thread == "idle#0"        # the malformed last line is dropped
    assert all(e.line > 0 for e in events)


def test_faults():
    (f,) = schedtrace.faults(TRACE)
    assert (f.name, f.tid, f.vector, f.rip, f.addr) == ("b", 4, "page fault", 0x400190,
                                                         0xffffffff80100000)


def test_slices_last_until_next_run():
    s = schedtrace.slices(schedtrace.parse(TRACE))
    assert [(x.thread, x.start, x.end) for x in s] == [
        ("a#3", 0, 5), ("b#4", 5, 10), ("a#3", 10, 12), ("b#4", 12, 15), ("a#3", 15, 17),
        ("idle#0", 17, 17)]


def test_run_lengths_join_and_split():
    s = [schedtrace.Slice("x#1", 0, 3, 1, 0), schedtrace.Slice("x#1", 3, 5, 1, 1),
         schedtrace.Slice("y#2", 5, 6, 1, 2), schedtrace.Slice("m#9", 6, 6, 1, 3),
         schedtrace.Slice("y#2", 6, 9, 1, 4)]
    assert schedtrace.run_lengths(s, ["x", "y"]) == [5, 1, 3]


def test_threads_in_first_appearance_order():
    assert schedtrace.threads(schedtrace.parse(TRACE)) == ["a#3", "b#4", "idle#0"]


def test_timeline_is_valid_svg_and_deterministic(tmp_path):
    svg = timeline.render(TRACE, title="unit")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert svg == timeline.render(TRACE, title="unit")
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find(
        "{http://www.w3.org/2000/svg}title") is not None]
    assert len(bars) == 6                       # one per slice
    path = timeline.write_svg(tmp_path / "t.svg", TRACE)
    assert path is not None and path.read_text() == timeline.render(TRACE)


def test_no_trace_no_picture(tmp_path):
    assert timeline.render("Mica 0.1 (x86_64) booting\n") == ""
    assert timeline.write_svg(tmp_path / "none.svg", "nothing") is None
    assert not (tmp_path / "none.svg").exists()
