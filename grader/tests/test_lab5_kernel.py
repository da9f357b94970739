"""Lab 5, kernel side: faults as messages, frames through capabilities,
interrupts and I/O ports for user-level drivers.

Each boot runs one root-task scenario (user/tests/lab5/*.c) that prints what
it observed; the kernel's own "fault: thread ..." lines show which threads
died. Contracts: mica/ipc.h (fault messages), mica/mem.h, mica/device.h.
"""
from __future__ import annotations

import re

from grader.abi import describe, err, scenario
from grader.api import Boot, Run, grade, key_values

FAULT_READ, FAULT_WRITE, FAULT_EXEC, FAULT_USER, FAULT_PRESENT = 1, 2, 4, 8, 16
KILLED = 256
LABEL_FAULT = 0xFFFFFFFFFFFE
USER_TEXT = range(0x400000, 0x800000)


def records(lines: list[str], prefix: str, key: str | None = None) -> list[dict]:
    """key=value dicts of the lines starting 'prefix' (and holding key)."""
    out = [key_values(s[len(prefix):]) for s in lines if s.startswith(prefix)]
    return [r for r in out if key is None or key in r]


def results(lines: list[str], prefix: str) -> dict[str, int]:
    """label -> ret from lines '<prefix> <label> ret=<n> ...'."""
    out = {}
    for m in filter(None, (re.match(rf"^{prefix} (\w+) ret=(-?\d+)", s) for s in lines)):
        out[m[1]] = int(m[2])
    return out


def expect_results(run: Run, seen: dict[str, int], expected: dict[str, int | str]) -> None:
    wrong = []
    for label, want in expected.items():
        want_ret = err(want) if isinstance(want, str) else want
        if label not in seen:
            wrong.append(f"{label}: MISSING (expected {describe(want_ret)})")
        elif seen[label] != want_ret:
            wrong.append(f"{label}: expected {describe(want_ret)}, saw {describe(seen[label])}")
    if wrong:
        raise run.fail("wrong results:\n  " + "\n  ".join(wrong))


def killed(lines: list[str], name: str) -> list[dict]:
    """The kernel's 'fault: thread <name>#<id> killed: ... addr=0x...' lines for name."""
    out = []
    for s in lines:
        m = re.match(rf"^fault: thread {name}#\d+ killed: (.*) at rip=(0x[0-9a-f]+) "
                     r"addr=(0x[0-9a-f]+)$", s)
        if m:
            out.append({"what": m[1], "rip": int(m[2], 16), "addr": int(m[3], 16)})
    return out


def expect_one_kill(run: Run, lines: list[str], name: str, what: str, addr: int) -> None:
    seen = killed(lines, name)
    if len(seen) != 1 or not seen[0]["what"].startswith(what) or seen[0]["addr"] != addr:
        raise run.fail(f"expected one 'fault: thread {name}#<id> killed: {what}... "
                       f"addr={addr:#x}' line, saw {seen}")


# ---- pager ------------------------------------------------------------------------

PAGER = Boot(args="init=pager")
REGION, PAGE, PAGES = 0x300000000000, 4096, 8


@grade(lab=5, points=10, title="a user-level pager gets one fault message per fresh page, "
       "with the right address, access and badge", boot=PAGER)
def test_pager_faults(run):
    lines = scenario(run, "pager")
    faults = records(lines, "pager: fault ")
    want = [REGION] + [REGION + i * PAGE + 8 * i for i in range(1, PAGES)]
    if [f.get("addr") for f in faults] != want:
        raise run.fail(f"expected {PAGES} faults at {[hex(a) for a in want]}, "
                       f"saw {[hex(f['addr']) for f in faults if 'addr' in f]}")
    access = [f["access"] for f in faults]
    want_access = [FAULT_USER | FAULT_READ] + [FAULT_USER | FAULT_WRITE] * (PAGES - 1)
    if access != want_access:
        raise run.fail(f"expected access bits {want_access} (a read, then writes), saw {access}")
    bad = [f for f in faults if f["vector"] != 14 or f["badge"] != 42 or f["map"] != 0
           or f["rip"] not in USER_TEXT]
    if bad:
        raise run.fail(f"expected vector=14 badge=42 map=0 and a rip in the program's text, "
                       f"saw {bad}")


@grade(lab=5, points=10, title="the faulting thread resumes and its data in the mapped "
       "pages checks out", boot=PAGER)
def test_pager_data(run):
    lines = scenario(run, "pager")
    reads = records(lines, "pager: read ")
    want = [{"page": i, "value": 0x1111 * (i + 1)} for i in range(PAGES)]
    if reads != want:
        raise run.fail(f"expected the values written back ({[hex(w['value']) for w in want]}), "
                       f"saw {reads}")
    done = records(lines, "pager: done ")
    if done != [{"faults": PAGES, "mappings": PAGES}]:
        raise run.fail(f"expected faults={PAGES} mappings={PAGES} at the end, saw {done}")
    if any(s.startswith("fault: thread") for s in lines):
        raise run.fail("expected no thread to be killed while the pager serves its faults")


# ---- faults -----------------------------------------------------------------------

FAULTS = Boot(args="init=faults")
BAD_ADDR = 0x310000000000


@grade(lab=5, points=5, title="a fault without a handler kills only that thread", boot=FAULTS)
def test_fault_no_handler(run):
    lines = scenario(run, "faults")
    expect_one_kill(run, lines, "nohandler", "#PF", BAD_ADDR)
    if records(lines, "faults: nohandler ") != [{"status": KILLED}] or \
            "faults: main alive" not in lines:
        raise run.fail(f"expected the thread's status {KILLED} and the main thread to go on")


@grade(lab=5, points=5, title="a reply with a non-zero label kills the faulting thread; "
       "the message names the #UD", boot=FAULTS)
def test_fault_bad_reply(run):
    lines = scenario(run, "faults")
    got = records(lines, "faults: badreply got ")
    if got != [{"label": LABEL_FAULT, "addr": 0, "access": FAULT_USER, "vector": 6}]:
        raise run.fail(f"expected one fault message label={LABEL_FAULT:x} addr=0 "
                       f"access={FAULT_USER} vector=6, saw {got}")
    expect_one_kill(run, lines, "badreply", "#UD", 0)
    if records(lines, "faults: badreply ", "status") != [{"status": KILLED}]:
        raise run.fail(f"expected status {KILLED} for the thread whose fault was refused")


@grade(lab=5, points=5, title="the handler's death or its endpoint's deletion kills the "
       "waiting thread", boot=FAULTS)
def test_fault_orphaned(run):
    lines = scenario(run, "faults")
    got = records(lines, "faults: handlerdeath got ")
    if [g.get("addr") for g in got] != [BAD_ADDR]:
        raise run.fail(f"expected the vanishing handler to receive the fault at {BAD_ADDR:#x}, "
                       f"saw {got}")
    for case in ("handlerdeath", "deadendpoint"):
        expect_one_kill(run, lines, case, "#PF", BAD_ADDR)
        if records(lines, f"faults: {case} ", "status") != [{"status": KILLED}]:
            raise run.fail(f"expected status {KILLED} for {case}")
    expect_results(run, results(lines, "faults:"), {"set": 0, "set_bad_ep": "E_WRONGTYPE"})
    if records(lines, "faults: deadendpoint ", "state") != [{"state": 4}]:
        raise run.fail("expected the thread to wait (blocked) for its handler before the "
                       "endpoint was deleted")


# ---- frame_map ----------------------------------------------------------------------

FRAMEMAP = Boot(args="init=framemap")


@grade(lab=5, points=10, title="frame_map refuses more rights than the capability has, "
       "kernel or unaligned addresses and double maps", boot=FRAMEMAP)
def test_framemap_refused(run):
    lines = scenario(run, "framemap")
    expect_results(run, results(lines, "framemap:"), {
        "more_rights": "E_NORIGHTS", "exec_right": "E_NORIGHTS", "no_map_right": "E_NORIGHTS",
        "space_no_map": "E_NORIGHTS", "not_a_frame": "E_WRONGTYPE", "not_a_space": "E_WRONGTYPE",
        "kernel_va": "E_INVAL", "noncanonical": "E_INVAL", "null_page": "E_INVAL",
        "unaligned": "E_INVAL", "index_range": "E_RANGE", "no_read": "E_INVAL",
        "bad_rights": "E_INVAL", "over_program": "E_EXIST", "unmap_program": "E_NOENT",
        "unmap_empty": "E_NOENT", "split_range": "E_RANGE", "split_empty": "E_RANGE",
        "split_overlap": "E_BUSY", "split_thread": "E_WRONGTYPE",
        "map_ro": 0, "double_map": "E_EXIST", "map_rw": 0, "unmap": 0, "unmap_again": "E_NOENT",
    })


@grade(lab=5, points=5, title="a frame mapped twice shares its data; fresh pages are zero; "
       "a new space takes mappings and drops them when it dies", boot=FRAMEMAP)
def test_framemap_share(run):
    lines = scenario(run, "framemap")
    vals = {r["label"]: r["value"] for r in
            (dict(key_values(s[len("framemap: "):]), label=s.split()[1])
             for s in lines if re.match(r"^framemap: \w+ value=", s))}
    want = {"fresh": 0, "shared": 0x5EED, "before_revoke": 0xC0FFEE, "remapped": 0xC0FFEE}
    if {k: vals.get(k) for k in want} != want:
        raise run.fail(f"expected values {want}, saw {vals}")
    space = records(lines, "framemap: space ")
    info = records(lines, "framemap: info ")
    after = records(lines, "framemap: after_space ")
    if space != [{"type": 2, "rights": 0x17}] or info != [{"pages": 4, "rights": 0x1F,
                                                           "mappings": 1}] \
            or after != [{"mappings": 0}]:
        raise run.fail(f"expected a new space (type=2 rights=23) holding one mapping until "
                       f"deleted, saw space={space} info={info} after={after}")
    expect_results(run, results(lines, "framemap:"), {"map_other_space": 0,
                                                      "delete_space": 0})


@grade(lab=5, points=10, title="revoking a frame capability unmaps the pages mapped through "
       "its descendants: touching one faults", boot=FRAMEMAP)
def test_framemap_revoke(run):
    lines = scenario(run, "framemap")
    expect_results(run, results(lines, "framemap:"), {"map_copy": 0, "revoke": 3,
                                                      "remap_after_revoke": 0})
    expect_one_kill(run, lines, "toucher", "#PF", 0x320000002000)
    if any(s.startswith("framemap: after_revoke") for s in lines):
        raise run.fail("expected the page to be gone after the revoke, but the thread read it")
    if records(lines, "framemap: toucher ") != [{"status": KILLED}]:
        raise run.fail(f"expected the toucher's status {KILLED}")


# ---- rtc ------------------------------------------------------------------------------

RTC = Boot(args="init=rtc")
RTC_HZ, TIMER_HZ, DELIVERIES = 32, 100, 8


@grade(lab=5, points=10, title="RTC interrupts reach a user handler through its notification "
       "at the programmed rate", boot=RTC)
def test_rtc_irqs(run):
    lines = scenario(run, "rtc")
    irqs = records(lines, "rtc: irq ")
    if [i.get("n") for i in irqs] != list(range(1, DELIVERIES + 1)):
        raise run.fail(f"expected {DELIVERIES} deliveries, saw {len(irqs)}: {irqs}")
    bad = [i for i in irqs if i["bits"] != 4 or i["c"] & 0xC0 != 0xC0]
    if bad:
        raise run.fail(f"expected the notification's badge bits=0x4 and register C with its "
                       f"IRQF and PF flags (0xc0) on every delivery, saw {bad}")
    ticks = [i["tick"] for i in irqs]
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    period = TIMER_HZ / RTC_HZ
    span = (DELIVERIES - 1) * period
    if any(not int(period) <= g <= int(period) + 1 for g in gaps) or \
            not span - 1 <= ticks[-1] - ticks[0] <= span + 1:
        raise run.fail(f"expected a delivery every {period} timer ticks ({RTC_HZ} Hz against "
                       f"{TIMER_HZ} Hz), saw gaps {gaps}")


@grade(lab=5, points=5, title="irq_bind refuses the timer, the cascade and bound lines; "
       "ioport access outside the capability's range is refused", boot=RTC)
def test_rtc_refused(run):
    lines = scenario(run, "rtc")
    expect_results(run, results(lines, "rtc:"), {
        "bind_timer": "E_BUSY", "bind_cascade": "E_BUSY", "bind_range": "E_RANGE",
        "bind_not_machine": "E_WRONGTYPE", "bind_again": "E_BUSY", "ports_pic": "E_BUSY",
        "ports_empty": "E_RANGE", "ports_wrap": "E_RANGE", "in_outside": "E_RANGE",
        "in_straddle": "E_RANGE", "out_outside": "E_RANGE", "in_width": "E_INVAL",
        "out_readonly": "E_NORIGHTS", "delete": 0, "ack_deleted": "E_BADCAP",
    })
    seen = results(lines, "rtc:")
    if seen.get("bind", -1) < 0 or seen.get("rebind", -1) < 0:
        raise run.fail(f"expected the RTC line to bind, and to bind again after its "
                       f"capability was deleted, saw bind={seen.get('bind')} "
                       f"rebind={seen.get('rebind')}")
