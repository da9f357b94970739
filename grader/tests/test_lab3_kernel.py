"""Lab 3, kernel side: self tests that run in kernel threads before user space
(kernel/tests/ktest_sched.c, kernel/tests/ktest_elf.c).

The values checked are what the kernel observed (ticks each thread ran, how
long a sleep lasted, what the ELF loader answered), never a verdict it
printed about itself.
"""
from __future__ import annotations

from grader.api import Boot, GradeFailure, Run, grade, key_values, value

SCHED = Boot(args="ktest=sched")
ELF = Boot(args="ktest=elf")
NOMEM = Boot(args="ktest=threads_nomem", mem="24M", timeout=120)

E_NOEXEC = -16

# Every malformed image ktest_elf.c builds, and the reason the loader must give.
BAD_ELVES = {
    "short": "smaller than an ELF header",
    "magic": "no ELF magic",
    "class32": "not 64-bit",
    "dyn": "not an executable",
    "machine": "not for x86_64",
    "phoff_wrap": "program headers beyond",
    "phoff_beyond": "program headers beyond",
    "phnum_huge": "too many program headers",
    "filesz_gt_memsz": "file size larger than memory size",
    "offset_beyond": "beyond the end of the file",
    "offset_wrap": "beyond the end of the file",
    "vaddr_kernel": "outside user space",
    "vaddr_wrap": "outside user space",
    "vaddr_null": "outside user space",
    "vaddr_top": "outside user space",
    "overlap": "overlap",
    "entry_not_exec": "entry point",
    "no_load": "no loadable segment",
}


def elf_cases(run: Run) -> dict[str, str]:
    """case name -> the whole line "case=NAME ret=N why=..." (first line per case)."""
    out: dict[str, str] = {}
    for line in run.ktest("elf"):
        if line.startswith("case=") and " ret=" in line:
            out.setdefault(line.split()[0][5:], line)
    return out


@grade(lab=3, points=5, title="kernel threads at one priority share the CPU round robin", boot=SCHED)
def test_ktest_sched_round_robin(run: Run) -> None:
    run.assert_poweroff(0)
    lines = run.ktest("sched")
    window = value(lines, "window")
    slice_ = value(lines, "timeslice")
    shares = [key_values(l)["cpu_ticks"] for l in lines if l.startswith("thread=")]
    if len(shares) != 3:
        raise GradeFailure(f"expected 3 'thread=... cpu_ticks=N' lines, saw {len(shares)}")
    if abs(sum(shares) - window) > 2:
        raise GradeFailure(f"the threads ran {sum(shares)} ticks in all, expected {window} +/- 2")
    if max(shares) - min(shares) > slice_:
        raise GradeFailure(f"shares {shares} differ by more than one time slice ({slice_})")


@grade(lab=3, points=3, title="a kernel thread's sleep(10) lasts 10 ticks", boot=SCHED)
def test_ktest_sched_sleep(run: Run) -> None:
    slept = value(run.ktest("sched"), "slept")
    if slept != 10:
        raise GradeFailure(f"sleep(10) lasted {slept} ticks, expected 10")


@grade(lab=3, points=5, title="the ELF loader accepts a good image and refuses 18 bad ones", boot=ELF)
def test_ktest_elf(run: Run) -> None:
    run.assert_poweroff(0)
    cases = elf_cases(run)
    good = cases.get("good")
    if good is None or key_values(good).get("ret") != 0:
        raise GradeFailure(f"the good image must load with ret=0; saw: {good}")
    for name, why in BAD_ELVES.items():
        line = cases.get(name)
        if line is None:
            raise GradeFailure(f"no result for bad image '{name}'")
        if key_values(line).get("ret") != E_NOEXEC or why not in line:
            raise GradeFailure(f"bad image '{name}': expected ret={E_NOEXEC} and a reason "
                               f"containing '{why}'; saw: {line}")
    leaked = value(run.ktest("elf"), "frames_leaked")
    if leaked != 0:
        raise GradeFailure(f"loading and freeing the images leaked {leaked} frames")


@grade(lab=3, points=5, title="thread creation fails cleanly when memory runs out", boot=NOMEM)
def test_ktest_threads_nomem(run: Run) -> None:
    run.assert_poweroff(0)
    lines = run.ktest("threads_nomem")
    if value(lines, "limited") != 1:
        raise GradeFailure("thread creation never failed, so exhaustion was not reached")
    first, second = value(lines, "created_first"), value(lines, "created_second")
    if first != second:
        raise GradeFailure(f"{first} threads fitted the first time but {second} the second")
    for key in ("threads_leaked", "frames_leaked"):
        if value(lines, key) != 0:
            raise GradeFailure(f"{key}={value(lines, key)} after the second round, expected 0")
