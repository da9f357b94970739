"""Lab 1: boot and console."""
from grader.api import Boot, assert_lines_match, grade

# Lab 1 boots stop after the timer stage (a ktest), so that a lab 1 tree whose
# later labs are still stubs powers off too.
PLAIN = Boot(args="ktest=timer")


@grade(lab=1, points=5, title="the banner is the first line", boot=PLAIN)
def test_banner_first_line(run):
    first = run.lines[0] if run.lines else "(nothing)"
    if first != "Mica 0.1 (x86_64) booting":
        raise run.fail(f"expected the first line to be the banner "
                       f"'Mica 0.1 (x86_64) booting', saw {first!r}")


@grade(lab=1, points=5, title="the kernel powers off cleanly", boot=PLAIN)
def test_poweroff(run):
    run.assert_poweroff(0)
    assert_lines_match(run.text, r"^mica: power off \(status 0\)$", no=[r"^panic:", r"^trap:"])
