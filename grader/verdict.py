"""What a finished boot means, judged from its transcript alone.

judge() is a pure function of the transcript and of how the boot ended, so
the unit tests can feed it fake transcripts. The order of the checks is the
order of blame: an output flood or a panic explains everything after it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from grader import contract
from grader.symbols import Symbols

TAIL_LINES = 12


class Ending(Enum):
    """How the harness stopped watching the boot."""
    EXITED = "exited"           # the emulator exited by itself
    MARKER = "marker"           # the boot's `until` pattern appeared
    TIMEOUT = "timeout"         # the wall-clock limit passed
    FLOOD = "flood"             # the transcript reached its size cap
    NO_START = "no-start"       # the emulator never connected its serial port


@dataclass(frozen=True)
class Verdict:
    kind: str                   # poweroff, marker, panic, timeout, reset, reboot, flood, silent, emulator
    summary: str                # one line for humans
    details: str = ""           # backtrace, last lines of the transcript
    status: int | None = None   # the power-off status, when there was one

    @property
    def clean(self) -> bool:
        """Powered off with status 0, or stopped at the requested marker."""
        return (self.kind == "poweroff" and self.status == contract.STATUS_CLEAN) \
            or self.kind == "marker"

    def __str__(self) -> str:
        return self.summary + ("\n" + self.details if self.details else "")


def tail(text: str, n: int = TAIL_LINES) -> str:
    """The last n lines of text, indented, for failure messages."""
    lines = text.rstrip("\n").splitlines()[-n:]
    if not lines:
        return "  (the transcript is empty)"
    return "last transcript lines:\n" + "\n".join("  | " + line for line in lines)


def symbolise_backtrace(text: str, symbols: Symbols) -> str:
    """The panic line and backtrace of text with each frame named."""
    m = contract.PANIC.search(text)
    if m is None:
        return ""
    after = text[m.start():]
    frames = [(int(f.group(1)), int(f.group(2), 16))
              for f in contract.BACKTRACE_FRAME.finditer(after)]
    out = [m.group(0)]
    out += [t.group(0) for t in contract.TRAP.finditer(text[:m.start()])][-8:]
    if frames:
        out.append("backtrace:")
        where = symbols.lines([a for _, a in frames])
        for (i, addr), loc in zip(frames, where):
            line = f"  #{i} {addr:#018x} {symbols.lookup(addr)}"
            out.append(line + (f" ({loc})" if loc else ""))
    else:
        out.append("(no backtrace printed)")
    return "\n".join(out)


def judge(text: str, ending: Ending, *, seconds: float = 0.0, waiting_for: str = "power-off",
          emulator_note: str = "", symbols: Symbols | None = None, cap: int = 0,
          flood: str = "") -> Verdict:
    """The verdict for a transcript (\\n line ends) and the way the boot ended.

    seconds is the limit that passed for Ending.TIMEOUT; emulator_note is what
    the backend learned from the emulator's exit (e.g. Bochs logging a triple
    fault, or QEMU's error output when it failed to start); flood says which
    limit an Ending.FLOOD reached (bytes, lines, repeats)."""
    symbols = symbols or Symbols()
    banners = len(contract.BANNER.findall(text))
    poweroff = contract.POWEROFF.search(text)
    note = f"\n{emulator_note}" if emulator_note else ""

    if ending is Ending.NO_START:
        return Verdict("emulator", "the emulator did not start" + note)
    if ending is Ending.FLOOD:
        why = flood or f"the transcript reached its cap of {cap or len(text.encode())} bytes"
        return Verdict("flood", f"output flood: {why}; the boot was stopped", tail(text, 5))
    if contract.PANIC.search(text):
        m = contract.PANIC.search(text)
        return Verdict("panic", f"kernel panic: {m.group(1)}",
                       symbolise_backtrace(text, symbols),
                       int(poweroff.group(1)) if poweroff else None)
    if banners > 1:
        return Verdict("reboot", f"the machine rebooted: the banner appeared {banners} times "
                       "(a triple fault resets the CPU)", tail(text))
    if poweroff:
        status = int(poweroff.group(1))
        summary = "powered off" + (" cleanly" if status == 0 else f" with status {status}")
        return Verdict("poweroff", summary + " (status %d)" % status, "", status)
    if ending is Ending.MARKER:
        return Verdict("marker", f"reached {waiting_for}")
    if ending is Ending.TIMEOUT:
        what = f"timed out after {seconds:g} s waiting for {waiting_for}"
        if not text:
            what += "; the kernel printed nothing (is it stuck before serial_init?)"
        return Verdict("timeout", what, tail(text))
    if not text:
        return Verdict("silent", "the emulator stopped and the kernel printed nothing "
                       "(a triple fault before the console was up?)" + note)
    return Verdict("reset", "the machine stopped without a power-off line: a triple fault "
                   "or an unexpected reset" + note, tail(text))
