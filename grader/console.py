"""`make run` / `make bochs`: the kernel's console on this terminal, or fed
from a pipe.

    python -m grader.console --emu qemu --iso build/mica.iso --mem 128M --args "hz=250"

Standard input a terminal: the emulator's COM1 is the terminal (QEMU:
-serial mon:stdio; Bochs: the harness relays its serial socket). Ctrl-A X
quits.

Standard input a pipe or /dev/null: the harness boots the kernel, copies the
transcript to stdout, and types the piped lines one at a time, each after
the shell's prompt (output ending in "$ ") or, if no prompt comes, after the
output has been quiet for --quiet seconds. It finishes when the guest powers
off, or when the input is used up and the guest stays quiet (it then stops
the emulator and says so), and in any case after --timeout seconds.
"""
from __future__ import annotations

import argparse
import os
import select
import shutil
import subprocess
import sys
import tempfile
import termios
import tty
from pathlib import Path

from grader import contract
from grader.cfgdisk import ArgsError, make_cfg_disk
from grader.emulator import Backend, backend
from grader.machine import Boot, Machine

CTRL_A = b"\x01"


def say(msg: str) -> None:
    print(f"console: {msg}", file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m grader.console")
    p.add_argument("--emu", default="qemu", choices=["qemu", "bochs"])
    p.add_argument("--iso", type=Path, default=Path("build/mica.iso"))
    p.add_argument("--mem", default="128M")
    p.add_argument("--args", default="", help="kernel command line")
    p.add_argument("--quiet", type=float, default=2.0,
                   help="piped input: seconds of silence that count as 'ready for input'")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="piped input: stop the guest after this many seconds in all")
    return p.parse_args(argv)


# ---- a terminal ---------------------------------------------------------------

def run_qemu_on_terminal(emu: Backend, a: argparse.Namespace, workdir: Path) -> int:
    launch = emu.launch(iso=a.iso.resolve(), cfg_disk=make_cfg_disk(workdir / "cfg.img", a.args),
                        workdir=workdir, port=0, mem=a.mem, opts=())
    argv = launch.argv
    argv[argv.index("-serial") + 1] = "mon:stdio"
    say("QEMU with COM1 on this terminal; Ctrl-A X quits")
    rc = subprocess.call(argv)
    # isa-debug-exit makes QEMU exit with (status << 1) | 1; a quit exits 0.
    return rc >> 1 if rc & 1 else rc


def relay_terminal(m: Machine) -> None:
    """Copy the guest's output to the terminal and keystrokes to the guest
    until the guest ends or the user types Ctrl-A X."""
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    pos, after_ctrl_a = 0, False
    try:
        tty.setraw(fd)
        while not m.ended:
            m.wait_output(0.05)
            out = m.since(pos)
            if out:
                pos += len(out)
                os.write(sys.stdout.fileno(), out.replace(b"\n", b"\r\n"))
            if select.select([fd], [], [], 0)[0]:
                keys = os.read(fd, 256)
                if after_ctrl_a and keys[:1] in (b"x", b"X"):
                    return
                after_ctrl_a = keys.endswith(CTRL_A)
                m.send(keys.replace(CTRL_A, b""))
        os.write(sys.stdout.fileno(), m.since(pos).replace(b"\n", b"\r\n"))
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


# ---- a pipe -------------------------------------------------------------------

def wait_for_turn(m: Machine, mark: int, quiet: float) -> None:
    """Wait until the guest shows a prompt after position mark, falls quiet,
    ends, or runs out of time."""
    while not m.ended and m.remaining() > 0:
        if m.since(mark).endswith(contract.PROMPT_SUFFIX.encode()):
            return
        if m.quiet_for() >= quiet:
            return
        m.wait_output(0.1)


def feed_pipe(m: Machine, quiet: float) -> None:
    lines = sys.stdin.buffer.readlines()
    mark = 0
    for i, line in enumerate(lines):
        wait_for_turn(m, mark, quiet)
        if m.ended:
            say(f"the guest stopped with {len(lines) - i} input line(s) unread")
            return
        if m.remaining() <= 0:
            return
        mark = m.size
        m.send(line if line.endswith(b"\n") else line + b"\n")
    while not m.ended and m.remaining() > 0 and m.quiet_for() < max(quiet, 5.0):
        m.wait_output(0.2)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if not a.iso.exists():
        say(f"{a.iso} is missing: run make first")
        return 2
    emu = backend(a.emu)
    interactive = sys.stdin.isatty()
    try:
        if interactive and emu.name == "qemu":
            workdir = Path(tempfile.mkdtemp(prefix="mica-run-"))
            try:
                return run_qemu_on_terminal(emu, a, workdir)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
        stdout = sys.stdout.buffer

        def show(data: bytes) -> None:
            stdout.write(data)
            stdout.flush()
        spec = Boot(args=a.args, mem=a.mem, timeout=a.timeout / emu.time_factor)
        with Machine(emu, spec, a.iso, on_output=None if interactive else show) as m:
            if interactive:
                say("Bochs with COM1 on this terminal; Ctrl-A X quits")
                relay_terminal(m)
            else:
                feed_pipe(m, a.quiet)
                if not m.ended:
                    say("input done and the guest is quiet (or out of time): stopping it")
            run = m.finish(timeout=0)
    except ArgsError as e:
        say(str(e))
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    say(run.verdict.summary)
    if run.verdict.details and run.verdict.kind == "panic":
        print(run.verdict.details, file=sys.stderr)
    return 0 if run.verdict.clean else 1


if __name__ == "__main__":
    sys.exit(main())
