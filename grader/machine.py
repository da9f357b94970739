"""One boot of the kernel: start the emulator, talk to its serial port, and
end with a Run (the transcript and its verdict).

    spec = Boot(args="ktest=pmm", mem="256M", timeout=30)
    with Machine(backend("qemu"), spec, iso=Path("build/mica.iso")) as m:
        m.expect(r"mica\\$ $")              # wait for a pattern (regex)
        m.sendline("echo hi")              # type at the console
        run = m.finish()                   # wait for power-off/panic/timeout
    run.verdict, run.text

A background thread drains the socket as fast as the emulator writes, so
the guest never waits on the harness (that would break determinism). The
transcript keeps the guest's bytes with \\r\\n turned into \\n and is capped
(Boot.cap, 1 MiB by default) so a flood cannot exhaust memory.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from grader import contract
from grader.emulator import Backend, Launch
from grader.match import GradeFailure
from grader.symbols import Symbols
from grader.verdict import Ending, Verdict, judge, tail

DEFAULT_CAP = 1 << 20
DEFAULT_MAX_LINES = 20_000
DEFAULT_MAX_REPEATS = 1_000
CONNECT_TIMEOUT = 15.0
SEARCH_INTERVAL = 0.02          # at most this often re-search a growing transcript


@dataclass(frozen=True)
class Boot:
    """The parameters of one boot; equal Boots may share one run.

    args      kernel command line (through the cfg disk)
    mem       memory size, e.g. "128M"
    timeout   seconds of wall time (times the emulator's factor) for the boot
    emu_opts  extra emulator options: a tuple for whichever emulator runs
              (QEMU argv words, Bochs bochsrc lines), or {"qemu": (...),
              "bochs": (...)} per emulator
    until     a regex: stop at the first line matching it, without waiting
              for power-off (verdict "marker")
    cap       transcript size limit in bytes
    max_lines    transcript line limit (a flood on a slow serial port, like
                 Bochs's baud-limited one, never reaches `cap` in time)
    max_repeats  limit on one line repeated back to back (a print loop)
    Reaching any of the three limits stops the boot with verdict "flood".
    """
    args: str = ""
    mem: str = "128M"
    timeout: float = 30.0
    emu_opts: tuple = ()
    until: str | None = None
    cap: int = DEFAULT_CAP
    max_lines: int = DEFAULT_MAX_LINES
    max_repeats: int = DEFAULT_MAX_REPEATS

    def __post_init__(self) -> None:
        opts = self.emu_opts
        if isinstance(opts, Mapping):
            opts = tuple(sorted((k, tuple(v)) for k, v in opts.items()))
        elif isinstance(opts, str):
            opts = (opts,)
        object.__setattr__(self, "emu_opts", tuple(opts))

    def opts_for(self, emu: str) -> tuple[str, ...]:
        """The extra options that apply to emulator emu."""
        opts = self.emu_opts
        if opts and isinstance(opts[0], tuple):
            return dict(opts).get(emu, ())
        return opts

    @property
    def key(self) -> str:
        """A short stable name for this boot (used to group tests that share it)."""
        return "boot-" + hashlib.sha1(repr(self).encode()).hexdigest()[:10]

    def describe(self) -> str:
        parts = [f'args="{self.args}"', f"mem={self.mem}"]
        if self.emu_opts:
            parts.append(f"emu_opts={self.emu_opts}")
        return " ".join(parts)


@dataclass
class Run:
    """A finished boot: the transcript, the verdict, and checks on them."""
    boot: Boot
    emulator: str
    text: str
    verdict: Verdict
    seconds: float
    exit_status: int | None = None
    transcript: Path | None = None      # where the grader saved it, if it did

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def fail(self, what: str) -> GradeFailure:
        """A GradeFailure for this run: what went wrong, the verdict, where to look."""
        msg = [what, f"boot: {self.boot.describe()} on {self.emulator}", f"verdict: {self.verdict}"]
        if self.verdict.kind in ("poweroff", "marker"):
            msg.append(tail(self.text))
        return GradeFailure("\n".join(msg))

    def assert_poweroff(self, status: int = contract.STATUS_CLEAN) -> None:
        """The kernel printed its power-off line with this status."""
        if self.verdict.kind != "poweroff" or self.verdict.status != status:
            raise self.fail(f"expected the kernel to power off with status {status}")

    def assert_clean(self) -> None:
        """Power-off with status 0, or the boot's `until` marker reached."""
        if not self.verdict.clean:
            raise self.fail("expected a clean run")

    def assert_panic(self, pattern: str | None = None) -> str:
        """The kernel panicked (with a message matching pattern); returns the message."""
        m = contract.PANIC.search(self.text)
        if m is None:
            raise self.fail("expected a kernel panic" + (f" matching {pattern!r}" if pattern else ""))
        if pattern and not re.search(pattern, m.group(1)):
            raise self.fail(f"expected a panic matching {pattern!r}, saw 'panic: {m.group(1)}'")
        return m.group(1)

    def section(self, begin: str, end: str) -> list[str]:
        """The lines strictly between the first line matching begin and the
        next line matching end; fails if either is missing."""
        lines = self.lines
        b = next((i for i, line in enumerate(lines) if re.search(begin, line)), None)
        if b is None:
            raise self.fail(f"MISSING {begin!r}")
        e = next((i for i in range(b + 1, len(lines)) if re.search(end, lines[i])), None)
        if e is None:
            raise self.fail(f"saw {begin!r} but then MISSING {end!r}")
        return lines[b + 1:e]

    def ktest(self, name: str) -> list[str]:
        """The value lines a `ktest=name` boot printed between its begin and end lines."""
        n = re.escape(name)
        return self.section(rf"^ktest: {n} begin$", rf"^ktest: {n} end$")


@dataclass
class _Stream:
    """The transcript as it grows; guarded by Machine._cond."""
    data: bytearray = field(default_factory=bytearray)
    eof: bool = False
    flooded: bool = False
    flood_why: str = ""             # which limit the flood reached
    last_output: float = 0.0
    lines: int = 0                  # complete lines so far
    repeats: int = 0                # times the last complete line repeated back to back
    last_line: bytes = b""
    partial: bytes = b""            # the incomplete last line

    def count_lines(self, data: bytes, boot: "Boot") -> None:
        """Count the lines in data (just appended); flag a flood of lines."""
        if b"\n" not in data:
            self.partial = (self.partial + data)[-256:]
            return
        parts = data.split(b"\n")
        parts[0] = self.partial + parts[0]
        self.partial = parts.pop()[-256:]
        for line in parts:
            self.lines += 1
            if line == self.last_line:
                self.repeats += 1
            else:
                self.last_line, self.repeats = line, 1
            if self.repeats >= boot.max_repeats:
                self.flooded = True
                self.flood_why = (f"the same line was printed {self.repeats} times in a row: "
                                  f"{line[:80].decode('utf-8', 'replace')!r}")
                return
        if self.lines >= boot.max_lines:
            self.flooded = True
            self.flood_why = f"the transcript reached its limit of {boot.max_lines} lines"


class Machine:
    """A running boot. Use as a context manager so the emulator always stops."""

    def __init__(self, emu: Backend, boot: Boot, iso: Path, *, symbols: Symbols | None = None,
                 on_output: Callable[[bytes], None] | None = None, time_scale: float = 1.0,
                 keep_dir: bool = False) -> None:
        self.emu = emu
        self.boot = boot
        self.iso = Path(iso)
        self.symbols = symbols or Symbols()
        self.on_output = on_output
        self.limit = boot.timeout * emu.time_factor * time_scale
        self.keep_dir = keep_dir
        self._cond = threading.Condition()
        self._stream = _Stream()
        self._cursor = 0                # bytes of transcript consumed by expect()
        self._workdir: Path | None = None
        self._proc = None
        self._launch: Launch | None = None
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._started = 0.0
        self._run: Run | None = None

    # ---- life cycle -----------------------------------------------------

    def __enter__(self) -> "Machine":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Listen on a free port, prepare the boot (the backend's launch_boot:
        e.g. the cfg disk), start the emulator and wait for it to connect its
        serial port."""
        self._workdir = Path(tempfile.mkdtemp(prefix=f"mica-{self.emu.name}-"))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        try:
            self._launch = self.emu.launch_boot(iso=self.iso.resolve(), args=self.boot.args,
                                                workdir=self._workdir, port=port, mem=self.boot.mem,
                                                opts=self.boot.opts_for(self.emu.name))
        except BaseException:
            listener.close()
            raise
        self._started = time.monotonic()
        self._proc = self.emu.spawn(self._launch)
        listener.settimeout(0.1)
        deadline = self._started + CONNECT_TIMEOUT * self.emu.time_factor
        try:
            while self._sock is None:
                try:
                    self._sock, _ = listener.accept()
                except socket.timeout:
                    if self._proc.poll() is not None or time.monotonic() > deadline:
                        break
        finally:
            listener.close()
        if self._sock is None:
            with self._cond:
                self._stream.eof = True
            return
        self._sock.settimeout(None)
        self._stream.last_output = time.monotonic()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    def _read_loop(self) -> None:
        carry = b""
        cap = self.boot.cap
        while True:
            try:
                chunk = self._sock.recv(65536)
            except OSError:
                chunk = b""
            data = carry + chunk
            carry = b""
            if chunk and data.endswith(b"\r"):      # a \r\n may straddle two reads
                carry, data = b"\r", data[:-1]
            data = data.replace(b"\r\n", b"\n")
            with self._cond:
                s = self._stream
                room = cap - len(s.data)
                if len(data) > room:
                    data, s.flooded = data[:room], True
                    s.flood_why = f"the transcript reached its cap of {cap} bytes"
                s.data += data
                if not s.flooded:
                    s.count_lines(data, self.boot)
                s.eof = not chunk
                if data:
                    s.last_output = time.monotonic()
                self._cond.notify_all()
                done = s.eof or s.flooded
            if data and self.on_output:
                self.on_output(data)
            if done:
                return

    def stop(self) -> None:
        """Stop the emulator (if still running) and remove the boot's directory."""
        if self._proc is not None:
            self.emu.stop(self._proc)
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        if self._reader is not None:
            self._reader.join(2)
        if self._workdir is not None and not self.keep_dir:
            shutil.rmtree(self._workdir, ignore_errors=True)

    # ---- talking to the guest ------------------------------------------

    @property
    def text(self) -> str:
        """The transcript so far."""
        with self._cond:
            return bytes(self._stream.data).decode("utf-8", "replace")

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def remaining(self) -> float:
        return max(0.0, self.limit - self.elapsed())

    def _ended(self) -> bool:
        return self._stream.eof or self._stream.flooded

    def expect(self, pattern: str, timeout: float | None = None) -> re.Match:
        """Wait until pattern (a regex, MULTILINE) appears after the previous
        match; return the match. Fails with a verdict if the boot ends or
        the time runs out first. timeout defaults to the boot's remaining time."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.MULTILINE)
        limit = self.remaining() if timeout is None else min(timeout, self.remaining())
        deadline = time.monotonic() + limit
        seen = -1
        with self._cond:
            while True:
                s = self._stream
                if len(s.data) != seen:
                    seen = len(s.data)
                    m = rx.search(s.data, self._cursor)
                    if m:
                        self._cursor = m.end()
                        return re.search(pattern, bytes(s.data[m.start():m.end()]).decode(
                            "utf-8", "replace"), re.MULTILINE) or m
                now = time.monotonic()
                if self._ended() or now >= deadline:
                    break
                self._cond.wait(min(deadline - now, 0.5))
                self._cond.release()            # let a flood accumulate between searches
                time.sleep(SEARCH_INTERVAL)
                self._cond.acquire()
        ended = self._ended()
        run = self.finish(timeout=0) if ended else None
        what = f"{pattern!r}"
        if run is not None:
            raise run.fail(f"the boot ended before printing {what}")
        raise GradeFailure(f"timed out after {round(limit, 1):g} s waiting for {what}\n"
                           f"boot: {self.boot.describe()} on {self.emu.name}\n{tail(self.text)}")

    def send(self, data: str | bytes) -> None:
        """Type data at the console."""
        if isinstance(data, str):
            data = data.encode()
        if self._sock is None:
            raise GradeFailure("cannot type at the console: the emulator never connected")
        try:
            self._sock.sendall(data)
        except OSError as e:
            raise GradeFailure(f"cannot type at the console: {e}") from None

    def sendline(self, line: str) -> None:
        self.send(line + "\n")

    @property
    def size(self) -> int:
        """Bytes of transcript so far (a position for since())."""
        with self._cond:
            return len(self._stream.data)

    def since(self, pos: int) -> bytes:
        """The transcript bytes after position pos."""
        with self._cond:
            return bytes(self._stream.data[pos:])

    def quiet_for(self) -> float:
        """Seconds since the guest last printed anything."""
        with self._cond:
            return time.monotonic() - self._stream.last_output

    def wait_output(self, timeout: float) -> bool:
        """Wait up to timeout for new output or the end; True if any came."""
        with self._cond:
            n, ended = len(self._stream.data), self._ended()
            if ended:
                return False
            self._cond.wait(timeout)
            return len(self._stream.data) != n or self._ended()

    @property
    def ended(self) -> bool:
        with self._cond:
            return self._ended()

    # ---- the end --------------------------------------------------------

    def finish(self, timeout: float | None = None) -> Run:
        """Wait until the boot ends (power-off, the `until` marker, the size
        cap or the time limit), stop the emulator and return the Run."""
        if self._run is not None:
            return self._run
        limit = self.remaining() if timeout is None else min(timeout, self.remaining())
        deadline = time.monotonic() + limit
        until = re.compile(self.boot.until.encode(), re.MULTILINE) if self.boot.until else None
        ending = None
        with self._cond:
            while ending is None:
                s = self._stream
                if s.flooded:
                    ending = Ending.FLOOD
                elif until is not None and until.search(s.data):
                    ending = Ending.MARKER
                elif s.eof:
                    ending = Ending.EXITED if self._sock is not None else Ending.NO_START
                elif time.monotonic() >= deadline:
                    ending = Ending.TIMEOUT
                else:
                    self._cond.wait(min(max(deadline - time.monotonic(), 0.001), 0.5))
        if ending is Ending.EXITED and self._proc is not None:
            try:
                self._proc.wait(5)
            except Exception:
                pass
        seconds = self.elapsed()
        self.emu.stop(self._proc)
        if self._reader is not None:
            self._reader.join(2)
        status = self._proc.returncode if self._proc is not None else None
        text = self.text
        note = self.emu.exit_note(self._launch, status) if self._launch else ""
        if ending is Ending.EXITED and contract.POWEROFF.search(text):
            note = ""
        verdict = judge(text, ending, seconds=round(self.limit, 1),
                        waiting_for=self.boot.until or "power-off", emulator_note=note,
                        symbols=self.symbols, cap=self.boot.cap, flood=self._stream.flood_why)
        self._run = Run(self.boot, self.emu.name, text, verdict, seconds, status)
        return self._run
