"""Verdicts, from fake transcripts and from fake emulator processes."""
import time

import pytest

from grader.machine import Boot, Machine
from grader.match import GradeFailure
from grader.verdict import Ending, judge

from conftest import FakeEmulator

BANNER = "Mica 0.1 (x86_64) booting\n"


def test_judge_poweroff():
    v = judge(BANNER + "mica: power off (status 0)\n", Ending.EXITED)
    assert v.kind == "poweroff" and v.status == 0 and v.clean
    v = judge(BANNER + "mica: power off (status 2)\n", Ending.EXITED)
    assert v.status == 2 and not v.clean and "status 2" in v.summary


def test_judge_panic_symbolised(fake_symbols):
    text = BANNER + "panic: vm: bad\nbacktrace:\n  #0 0xffffffff80100125\nmica: power off (status 3)\n"
    v = judge(text, Ending.EXITED, symbols=fake_symbols)
    assert v.kind == "panic" and v.summary == "kernel panic: vm: bad" and v.status == 3
    assert "#0 0xffffffff80100125 kmain+0x125" in v.details


def test_judge_timeout_names_what_and_shows_tail():
    v = judge(BANNER + "working\n", Ending.TIMEOUT, seconds=30, waiting_for="power-off")
    assert v.summary == "timed out after 30 s waiting for power-off"
    assert "| working" in v.details
    assert "printed nothing" in judge("", Ending.TIMEOUT, seconds=5).summary


def test_judge_reset_reboot_silent_flood_marker():
    assert judge(BANNER + "x\n", Ending.EXITED).kind == "reset"
    assert judge(BANNER + BANNER, Ending.EXITED).kind == "reboot"
    assert judge("", Ending.EXITED).kind == "silent"
    assert judge("x" * 100, Ending.FLOOD, cap=100).kind == "flood"
    v = judge(BANNER + "ready\n", Ending.MARKER, waiting_for="ready")
    assert v.kind == "marker" and v.clean
    assert judge("", Ending.NO_START, emulator_note="it broke").summary.endswith("it broke")


def boot_fake(mode, iso, symbols=None, **kw):
    with Machine(FakeEmulator(mode), Boot(**kw), iso, symbols=symbols) as m:
        return m.finish()


def test_fake_poweroff(iso):
    run = boot_fake("poweroff", iso)
    assert run.verdict.kind == "poweroff" and run.text.startswith(BANNER)
    assert "\r" not in run.text
    run.assert_poweroff(0)


def test_crlf_split_across_reads(iso):
    assert boot_fake("split", iso).text == BANNER + "one\ntwo\nmica: power off (status 0)\n"


def test_fake_panic(iso, fake_symbols):
    run = boot_fake("panic", iso, fake_symbols)
    assert run.verdict.kind == "panic"
    assert "kmain+0x125" in run.verdict.details and "trap: vector 14" in run.verdict.details
    assert run.assert_panic("testing") == "kmain: testing"
    with pytest.raises(GradeFailure, match="kernel panic: kmain: testing"):
        run.assert_poweroff(0)


def test_fake_hang_times_out(iso):
    t = time.monotonic()
    run = boot_fake("hang", iso, timeout=1.5)
    assert time.monotonic() - t < 6
    assert run.verdict.kind == "timeout"
    assert run.verdict.summary == "timed out after 1.5 s waiting for power-off"
    assert "Mica 0.1" in run.verdict.details


def test_fake_flood_is_capped(iso):
    run = boot_fake("flood", iso, cap=200_000, timeout=20)
    assert run.verdict.kind == "flood" and len(run.text) == 200_000


def test_fake_reboot_and_reset(iso):
    assert boot_fake("reboot", iso).verdict.kind == "reboot"
    run = boot_fake("reset", iso)
    assert run.verdict.kind == "reset" and "fake exited with status 0" in run.verdict.summary


def test_fake_nostart(iso):
    run = boot_fake("nostart", iso, timeout=5)
    assert run.verdict.kind == "emulator" and "cannot start" in run.verdict.summary


def test_fake_two_way(iso):
    with Machine(FakeEmulator("echo"), Boot(timeout=10), iso) as m:
        m.expect(r"mica\$ $")
        m.sendline("hello")
        assert m.expect(r"you said (\w+)$").group(1) == "hello"
        m.expect(r"mica\$ $")
        m.sendline("halt")
        run = m.finish()
    assert run.verdict.clean


def test_expect_timeout_message(iso):
    with Machine(FakeEmulator("hang"), Boot(timeout=10), iso) as m:
        with pytest.raises(GradeFailure, match=r"timed out after 0.5 s waiting for 'never'"):
            m.expect("never", timeout=0.5)


def test_expect_after_end_gives_verdict(iso, fake_symbols):
    with Machine(FakeEmulator("panic"), Boot(timeout=10), iso, symbols=fake_symbols) as m:
        with pytest.raises(GradeFailure) as e:
            m.expect("never")
    assert "the boot ended before printing 'never'" in str(e.value)
    assert "kmain+0x125" in str(e.value)


def test_until_marker(iso):
    run = boot_fake("hang", iso, until=r"^Mica", timeout=10)
    assert run.verdict.kind == "marker" and run.verdict.clean


def test_console_types_each_line_at_the_prompt(iso, monkeypatch):
    import io
    import sys
    from grader.console import feed_pipe
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello\nagain\nhalt\n")))
    with Machine(FakeEmulator("echo"), Boot(timeout=20), iso) as m:
        feed_pipe(m, quiet=5.0)
        run = m.finish()
    assert run.verdict.clean and run.seconds < 5             # no quiet waits: prompts seen
    assert "you said hello" in run.text and "you said again" in run.text
