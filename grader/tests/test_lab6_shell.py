"""Lab 6: the shell (user/shell) on the console server, the default boot (no
init=, no ktest=). The grader types at the `mica$ ` prompt and checks what
comes back; contents only, since typed input is not deterministic in time.
"""
from __future__ import annotations

import re

from grader.api import Boot, grade

SHELL = Boot(args="", timeout=30)
PROMPT = r"mica\$ $"
STATES = {"suspended", "ready", "running", "sleeping", "blocked", "dead"}


def session(boot, *commands: str):
    """Type each command at a prompt, then halt; return (Run, outputs), one
    output (the lines after the echoed command) per command."""
    with boot.start(SHELL) as m:
        marks = []
        for cmd in commands:
            m.expect(PROMPT)
            marks.append(m.size)
            m.sendline(cmd)
        m.expect(PROMPT)
        end = m.size
        m.sendline("halt")
        run = m.finish()
    text = run.text
    outs = []
    for i, start in enumerate(marks):
        stop = marks[i + 1] if i + 1 < len(marks) else end
        chunk = text[start:stop].split("\n")[1:]           # drop the echoed command
        outs.append([s for s in chunk if not re.fullmatch(r"mica\$ ?", s)])
    return run, outs


@grade(lab=6, points=5, title="echo prints its arguments at the prompt")
def test_shell_echo(boot):
    run, (out, out2) = session(boot, "echo hi", "echo  two   words ")
    if out != ["hi"]:
        raise run.fail(f"typed 'echo hi', expected the line 'hi', saw {out}")
    if out2 != ["two words"]:
        raise run.fail(f"typed 'echo  two   words ', expected 'two words', saw {out2}")


@grade(lab=6, points=5, title="an unknown command is a clear error and the shell goes on")
def test_shell_unknown(boot):
    run, (out, after) = session(boot, "frobnicate now", "echo still here")
    if not any(re.search(r"frobnicate.*(not found|unknown)", s) for s in out):
        raise run.fail(f"typed 'frobnicate now', expected an error naming it, saw {out}")
    if after != ["still here"]:
        raise run.fail(f"expected the shell to go on after the error, saw {after}")


@grade(lab=6, points=10, title="ps lists the console server and the shell with states")
def test_shell_ps(boot):
    run, (out,) = session(boot, "ps")
    rows = {}
    for s in out:
        f = s.split()
        if len(f) >= 5 and f[0].isdigit():
            rows.setdefault(f[-1], []).append((f[1], int(f[3])))
    for name in ("console-irq", "console", "shell"):
        if name not in rows:
            raise run.fail(f"expected ps to list a thread named {name}, saw {sorted(rows)}")
    if rows["shell"][0][0] != "running":
        raise run.fail(f"expected the shell running (it runs ps), saw {rows['shell'][0][0]}")
    for name in ("console-irq", "console"):
        bad = [st for st, _ in rows[name] if st != "blocked"]
        if bad:
            raise run.fail(f"expected the idle {name} thread(s) blocked, saw {bad}")
    for name, rs in rows.items():
        for st, _ in rs:
            if st not in STATES:
                raise run.fail(f"{name}: unknown state {st!r}")


@grade(lab=6, points=5, title="halt powers off cleanly; crash says it is not available yet")
def test_shell_halt(boot):
    run, (out,) = session(boot, "crash fs")
    run.assert_poweroff(0)
    if not any(re.search(r"crash.*not available", s) for s in out):
        raise run.fail(f"typed 'crash fs', expected 'not available' (no reincarnation server), saw {out}")
