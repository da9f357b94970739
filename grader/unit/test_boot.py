"""Real boots of the current kernel in both emulators."""

import pytest

from grader.emulator import backend
from grader.machine import Boot, Machine
from grader.symbols import Symbols

from conftest import BUILD, need_build


def real_boot(emu: str, **kw):
    need_build()
    with Machine(backend(emu), Boot(**kw), BUILD / "mica.iso",
                 symbols=Symbols.load(BUILD / "kernel.sym")) as m:
        return m.finish()


@pytest.mark.parametrize("emu", ["qemu", "bochs"])
def test_banner_and_poweroff(emu):
    run = real_boot(emu, args="hz=100")
    assert run.lines[0] == "Mica 0.1 (x86_64) booting"
    assert run.verdict.kind == "poweroff" and run.verdict.status == 0


def test_qemu_transcript_is_deterministic():
    assert real_boot("qemu").text == real_boot("qemu").text


def test_bad_emulator_option_is_a_verdict():
    run = real_boot("qemu", emu_opts=("-no-such-option",), timeout=10)
    assert run.verdict.kind == "emulator"
    assert "no-such-option" in run.verdict.summary


def test_emu_opts_per_emulator():
    b = Boot(emu_opts={"qemu": ("-smp", "2"), "bochs": ("cpuid: 1g_pages=0",)})
    assert b.opts_for("qemu") == ("-smp", "2") and b.opts_for("bochs") == ("cpuid: 1g_pages=0",)
    assert Boot(emu_opts=("-s",)).opts_for("bochs") == ("-s",)
    assert hash(b) == hash(Boot(emu_opts={"bochs": ("cpuid: 1g_pages=0",), "qemu": ("-smp", "2")}))
