"""Shared fixtures for the grader's host unit tests."""
import signal
import sys
from pathlib import Path

import pytest

from grader.emulator import Backend, Launch
from grader.symbols import Symbols

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
FAKE = Path(__file__).with_name("fake_guest.py")


class FakeEmulator(Backend):
    """Runs fake_guest.py MODE instead of an emulator."""
    name = "fake"
    stop_signal = signal.SIGTERM

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def launch(self, *, iso, cfg_disk, workdir, port, mem, opts):
        return Launch([sys.executable, str(FAKE), self.mode, str(port)], {},
                      workdir / "fake.out", workdir / "fake.err")

    def exit_note(self, launch, returncode):
        err = launch.stderr.read_text().strip() if launch.stderr.exists() else ""
        return f"fake exited with status {returncode}" + (f": {err}" if err else "")


@pytest.fixture
def fake_symbols(tmp_path: Path) -> Symbols:
    sym = tmp_path / "kernel.sym"
    sym.write_text("ffffffff80100000 T kmain\nffffffff80100200 T panic\n"
                   "ffffffff80100300 t poweroff\nffffffff80200000 D some_data\n")
    return Symbols.load(sym)


@pytest.fixture
def iso(tmp_path: Path) -> Path:
    p = tmp_path / "fake.iso"
    p.write_bytes(b"")
    return p


def need_build() -> None:
    if not (BUILD / "mica.iso").exists():
        pytest.skip("build/mica.iso is missing: run make first")
