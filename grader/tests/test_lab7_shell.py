"""Lab 7: fault tolerance seen from the shell, in the default boot (names, mm,
proc, rs with console, block and fs under it, then bin/sh).

The grader crashes or kills servers through the shell and checks, from the
transcript: the kernel's fault line for the server's thread (a real fault,
not a message the server printed about itself), the reincarnation server's
death and restart lines, and that what the shell shows afterwards is still
right (file contents from the boot archive, a file written before the crash).
"""
from __future__ import annotations

import re

from grader.api import grade
from grader.tests.test_lab6_shell import NOISE, PROMPT, SHELL, file_text, session


def deaths(text: str, name: str) -> tuple[int, int, int]:
    """(kernel fault lines of name's threads, rs death lines, rs restart lines)."""
    faults = len(re.findall(rf"^fault: thread {name}#\d+ killed", text, re.M))
    died = len(re.findall(rf"^rs: {name} died ", text, re.M))
    restarted = len(re.findall(rf"^rs: {name} restarted pid=\d+", text, re.M))
    return faults, died, restarted


@grade(lab=7, points=10, title="crash fs from the shell: the kernel sees the fault, rs restarts "
       "the file server, files written before it are intact and the shell goes on")
def test_shell_crash_fs(boot):
    readme = file_text("/README")
    run, outs = session(boot, "echo before > /kept", "crash fs", "cat /kept", "cat /README",
                        "echo after > /new", "cat /new")
    faults, died, restarted = deaths(run.text, "fs")
    if faults != 1 or died != 1 or restarted != 1:
        raise run.fail(f"expected one fs fault line, one rs death and one restart, saw "
                       f"{faults} fault(s), {died} death(s), {restarted} restart(s)")
    if outs[2] != ["before"]:
        raise run.fail(f"'cat /kept' after the crash: expected ['before'], saw {outs[2]}")
    if outs[3] != readme:
        raise run.fail(f"'cat /README' after the crash: expected the archive's {len(readme)} "
                       f"line(s), saw {outs[3]}")
    if outs[5] != ["after"]:
        raise run.fail(f"writing after the restart: expected ['after'], saw {outs[5]}")


@grade(lab=7, points=10, title="crash fs within its next 6 requests: the fs dies mid-session "
       "and every command still gives the right answer")
def test_shell_crash_later(boot):
    readme = file_text("/README")
    cmds = ["crash fs 6"] + ["cat /README"] * 4 + ["echo z > /z", "cat /z"]
    run, outs = session(boot, *cmds)
    faults, died, restarted = deaths(run.text, "fs")
    if faults != 1 or restarted != 1:
        raise run.fail(f"expected the fs to fault once and be restarted once, saw {faults} "
                       f"fault(s), {restarted} restart(s)")
    for i in range(1, 5):
        if outs[i] != readme:
            raise run.fail(f"cat /README (#{i}) around the crash: expected the archive's "
                           f"contents, saw {outs[i]}")
    if outs[6] != ["z"]:
        raise run.fail(f"'cat /z': expected ['z'], saw {outs[6]}")


def console_pid(lines: list[str]) -> int:
    for s in lines:
        f = s.split()
        if len(f) == 6 and f[-1] == "console" and f[0].isdigit():
            return int(f[0])
    raise AssertionError("no console row")


@grade(lab=7, points=10, title="kill the console server from the shell: rs starts a new one "
       "and the shell goes on reading and writing through it")
def test_shell_kill_console(boot):
    with boot.start(SHELL) as m:
        m.expect(PROMPT)
        mark = m.size
        m.sendline("ps")
        m.expect(PROMPT)
        rows = [s for s in m.text[mark:].split("\n") if not NOISE.match(s)]
        try:
            pid = console_pid(rows)
        except AssertionError:
            run = m.finish()
            raise run.fail(f"expected ps to list the console server, saw {rows}")
        m.sendline(f"kill {pid}")
        m.expect(PROMPT)
        mark = m.size
        m.sendline("echo still here")
        m.expect(PROMPT)
        after = m.text[mark:]
        m.sendline("ps")
        m.expect(PROMPT)
        mark2 = m.size
        m.sendline("halt")
        run = m.finish()
    _, died, restarted = deaths(run.text, "console")
    if died != 1 or restarted != 1:
        raise run.fail(f"expected rs to see the console die once and restart it once, saw "
                       f"{died} death(s), {restarted} restart(s)")
    if not re.search(r"^still here\r?$", after, re.M):
        raise run.fail(f"after the kill, typed 'echo still here', saw {after!r}")
    new = [s for s in run.text[:mark2].split("\n") if not NOISE.match(s)]
    pids = [int(s.split()[0]) for s in new if s.split()[-1:] == ["console"] and
            s.split()[0].isdigit()]
    if len(pids) < 2 or pids[-1] == pid:
        raise run.fail(f"expected the second ps to list a new console (not pid {pid}), saw {pids}")
    run.assert_poweroff(0)
