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
    run = real_boot(emu, args="hz=100 init=list")     # without init= it waits at the shell
    assert run.lines[0] == "Mica 0.1 (x86_64) booting"
    assert run.verdict.kind == "poweroff" and run.verdict.status == 0


def test_qemu_transcript_is_deterministic():
    """The default boot, up to the shell's prompt (nobody types)."""
    one, two = (real_boot("qemu", until=r"mica\$ ") for _ in range(2))
    assert one.verdict.kind == "marker" and one.text == two.text


def test_bad_emulator_option_is_a_verdict():
    run = real_boot("qemu", emu_opts=("-no-such-option",), timeout=10)
    assert run.verdict.kind == "emulator"
    assert "no-such-option" in run.verdict.summary


def test_emu_opts_per_emulator():
    b = Boot(emu_opts={"qemu": ("-smp", "2"), "bochs": ("cpuid: 1g_pages=0",)})
    assert b.opts_for("qemu") == ("-smp", "2") and b.opts_for("bochs") == ("cpuid: 1g_pages=0",)
    assert Boot(emu_opts=("-s",)).opts_for("bochs") == ("-s",)
    assert hash(b) == hash(Boot(emu_opts={"bochs": ("cpuid: 1g_pages=0",), "qemu": ("-smp", "2")}))


# ---- QEMU's fast path (qemu -kernel) against the GRUB path -------------------

def test_qemu_takes_the_fast_path_for_this_build():
    need_build()
    from grader.emulator import direct_boot
    d = direct_boot(BUILD / "mica.iso")
    assert d is not None, "build/mica.iso's build cannot be started with qemu -kernel"
    assert d.kernel.name == "kernel.elf" and ("root" in [c for _, c in d.modules])


def _boot_lines(monkeypatch, mode, **kw):
    monkeypatch.setenv("MICA_QEMU_BOOT", mode)
    run = real_boot("qemu", **kw)
    return run


@pytest.mark.parametrize("args", ["ktest=cmdline  hz=250 b='x y' c=;d #e {f} g=* x=a|b ", ""])
def test_fast_path_gives_grubs_command_line(monkeypatch, args):
    # An empty command line boots to the shell: stop at its prompt.
    grub, fast = (_boot_lines(monkeypatch, mode, args=args, until=r"mica\$ |mica: power off")
                  for mode in ("grub", "auto"))
    pick = lambda run: [l for l in run.lines if l.startswith(("cmdline:", "warning:", "hz="))]
    assert pick(grub) == pick(fast) and pick(fast)
    assert grub.verdict.kind == fast.verdict.kind == ("poweroff" if args else "marker")


def test_fast_path_gives_the_same_modules_and_memory_map(monkeypatch):
    grub, fast = (_boot_lines(monkeypatch, mode, args="ktest=mem") for mode in ("grub", "auto"))
    pick = lambda run: [l for l in run.lines if l.startswith(("raw ", "mem: region"))]
    assert pick(grub) == pick(fast) and any(l.startswith("raw ") for l in pick(fast))
    grub, fast = (_boot_lines(monkeypatch, mode, args="ktest=pmm") for mode in ("grub", "auto"))
    mods = lambda run: [l.split("=")[0] for l in run.lines if l.startswith("forbidden module")]
    assert mods(grub) == mods(fast) != []
    grub, fast = (_boot_lines(monkeypatch, mode) for mode in ("grub", "auto"))
    root = lambda run: [l for l in run.lines if l.startswith("root:")]
    assert root(grub) == root(fast) != []


def test_fast_path_refuses_what_grub_refuses(monkeypatch):
    from grader.cfgdisk import ArgsError
    monkeypatch.setenv("MICA_QEMU_BOOT", "auto")
    need_build()
    with pytest.raises(ArgsError):
        with Machine(backend("qemu"), Boot(args="x=$y"), BUILD / "mica.iso") as m:
            m.finish()
