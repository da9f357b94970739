"""Lab 5: the console server (user/servers/console), the COM1 driver in user
space. The scenario (user/tests/lab5/console.c, init=console) lets two
threads write through the server, then reads three lines the grader types:
with backspace and DEL, and ended by LF, CR LF and CR. Typed input is not
deterministic in time, so these tests check contents, not ticks.
"""
from __future__ import annotations

import re

from grader.api import Boot, grade, key_values

CONSOLE = Boot(args="init=console", timeout=30)
WRITES = 3

# What the grader types, and the line the console's editor must make of it.
TYPED = [("hellx\bo wrr\x7f\x7forld\n", "hello world"),     # BS and DEL, LF
         ("\b\bsecond\r\n", "second"),                      # BS at column 0, CR LF
         ("x\bthird\r", "third")]                           # CR alone


def typed_session(boot):
    with boot.start(CONSOLE) as m:
        m.expect(r"^console: waiting for input$")
        for i, (keys, _) in enumerate(TYPED, 1):   # one line at a time: the echo of
            m.send(keys)                            # the next never meets the read line
            m.expect(rf"^console: read n={i} .*$")
        return m.finish()


@grade(lab=5, points=10, title="typed lines come back through the console server, edited")
def test_console_input(boot):
    run = typed_session(boot)
    run.assert_poweroff(0)
    reads = {int(d["n"]): s for s in run.lines if s.startswith("console: read ")
             for d in [key_values(s)]}
    wrong = []
    for i, (keys, want) in enumerate(TYPED, 1):
        line = reads.get(i)
        m = line and re.search(r"len=(-?\d+) text=\[(.*)\]$", line)
        if not m:
            wrong.append(f"read {i}: MISSING (typed {keys!r}, expected [{want}])")
        elif m[2] != want or int(m[1]) != len(want):
            wrong.append(f"read {i}: typed {keys!r}, expected len={len(want)} [{want}], "
                         f"got len={m[1]} [{m[2]}]")
    if wrong:
        raise run.fail("the console's line editor gave the wrong lines:\n  " + "\n  ".join(wrong))
    # The echo: the erased characters were rubbed out on the screen ("\b \b").
    if "wrr\b \b\b \borld" not in run.text:
        raise run.fail("expected the echo to erase with backspace-space-backspace "
                       "(saw no 'wrr\\b \\b\\b \\borld' in the transcript)")


@grade(lab=5, points=5, title="two clients' writes both appear, each whole")
def test_console_clients(boot):
    run = typed_session(boot)
    run.assert_poweroff(0)
    for who in ("a", "b"):
        got = [s for s in run.lines if re.fullmatch(rf"console: client={who} line=\d+ of={WRITES}", s)]
        nums = [int(key_values(s)["line"]) for s in got]
        if nums != list(range(1, WRITES + 1)):
            raise run.fail(f"expected client {who}'s lines 1..{WRITES} in order, each on its own "
                           f"line, saw {nums}")
        total = [key_values(s)["wrote"] for s in run.lines if s.startswith(f"console: client={who} wrote=")]
        want = sum(len(f"console: client={who} line={i} of={WRITES}\n") for i in range(1, WRITES + 1))
        if total != [want]:
            raise run.fail(f"expected the server to count {want} bytes written by client {who}, "
                           f"saw {total}")
