"""`make bench` (python -m grader.bench): how fast Mica boots and grades.

Measures, and prints as a table and writes to build/bench/results.json as a
list of {"name", "value", "unit"}:

  boot_<emu>            wall seconds from starting the emulator to the
                        kernel's power-off line, median of --runs boots of
                        --args (default a plain boot), for QEMU (TCG) and Bochs;
                        when the boot stops at the shell's prompt (--prompt,
                        default `mica$ `), the bench types `halt` there;
  prompt_<emu>          seconds from starting the emulator to the prompt (only
                        when the kernel has a shell);
  boot_qemu_grub        boot_qemu through the ISO and GRUB, as Bochs and real
                        machines boot (the grader's QEMU uses qemu -kernel);
  grade_lab<N>_qemu     wall seconds of `python -m grader --lab N` on QEMU,
                        for each lab that has tests; grade_all_qemu for all,
                        and grade_all_qemu_cpu its CPU seconds (user + system,
                        every process: steadier than wall time on a busy host);
  <name>                whatever a collector boot reports (below).

Collectors: a boot with the given kernel arguments (--collect ARGS, repeatable;
default `init=ipcbench`), on each emulator, whose transcript reports
measurements itself, one per line:

    bench: <name>=<number> unit=<unit>

e.g. `bench: ipc_call_roundtrip=668 unit=insn` (user/tests/bench/ipcbench.c
prints every figure in guest instructions and, as <name>_tsc, in TSC ticks).
Every such line becomes a result named <name>_<emu>, and the collected
figures are printed as one table with a column per emulator (a collector
that prints none adds nothing, so the default one is harmless on kernels
without ipcbench). Other modules can call collect(emu, args) -> list of
results and bench_boot(...) directly.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from grader.emulator import backend, direct_boot
from grader.machine import Boot, Machine
from grader.match import GradeFailure

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
BENCH_LINE = re.compile(r"^bench: ([A-Za-z_][\w.\-]*)=(-?[\d.]+(?:[eE][-+]?\d+)?)(?: unit=(\S+))?\s*$",
                        re.MULTILINE)
DEFAULT_PROMPT = r"mica\$ "
POWEROFF = r"^mica: power off \(status \d+\)"


def result(name: str, value: float, unit: str) -> dict:
    return {"name": name, "value": round(value, 3) if isinstance(value, float) else value,
            "unit": unit}


def bench_boot(emu: str, iso: Path, args: str = "", runs: int = 5,
               prompt: str = DEFAULT_PROMPT, timeout: float = 60,
               suffix: str = "") -> list[dict]:
    """Medians of the seconds from emulator start to power-off and, when the
    boot shows the shell's prompt, to the prompt (then `halt` is typed)."""
    until = f"(?:{prompt})|(?:{POWEROFF})"
    to_off, to_prompt = [], []
    for _ in range(runs):
        with Machine(backend(emu), Boot(args=args, timeout=timeout), iso) as m:
            try:
                seen = m.expect(until)
                if re.match(prompt, seen.group(0)):
                    to_prompt.append(m.elapsed())
                    m.sendline("halt")
                    m.expect(POWEROFF)
                to_off.append(m.elapsed())
            except GradeFailure as e:
                print(f"bench: {emu} boot args={args!r}: {e}", file=sys.stderr)
                return []
    out = []
    if to_prompt:
        out.append(result(f"prompt_{emu}{suffix}", statistics.median(to_prompt), "s"))
    if to_off:
        out.append(result(f"boot_{emu}{suffix}", statistics.median(to_off), "s"))
    return out


def collect(emu: str, iso: Path, args: str, timeout: float = 300) -> list[dict]:
    """Boot with args and harvest its `bench: name=value unit=U` lines."""
    with Machine(backend(emu), Boot(args=args, timeout=timeout), iso) as m:
        run = m.finish()
    out = [result(m.group(1), int(m.group(2)) if m.group(2).lstrip("-").isdigit()
                  else float(m.group(2)), m.group(3) or "")
           for m in BENCH_LINE.finditer(run.text)]
    if not out:
        print(f"bench: collector args={args!r} printed no bench: lines "
              f"({run.verdict.summary})", file=sys.stderr)
    return out


def print_table(by_emu: dict[str, list[dict]]) -> None:
    """The collected figures, one row per name, one column per emulator."""
    emus = list(by_emu)
    names: dict[str, str] = {}
    for results in by_emu.values():
        for r in results:
            names.setdefault(r["name"], r["unit"])
    if not names:
        return
    values = {emu: {r["name"]: r["value"] for r in results} for emu, results in by_emu.items()}
    print(f"  {'figure':<28}" + "".join(f" {emu:>12}" for emu in emus) + "  unit")
    for name, unit in names.items():
        cells = "".join(f" {values[emu].get(name, '-'):>12}" for emu in emus)
        print(f"  {name:<28}{cells}  {unit}")


def grade_time(build: Path, lab: str | None, jobs: int) -> tuple[float, float, list[int], str]:
    """Wall and CPU seconds of `python -m grader [--lab N]`, the labs it
    graded, its Score line."""
    cmd = [sys.executable, "-m", "grader", "--build", str(build), "-j", str(jobs)]
    cmd += ["--lab", lab] if lab else []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    labs: list[int] = []
    try:
        data = json.loads((build / "grade" / "results.json").read_text())
        labs = sorted({int(tag[3:]) for t in data["tests"] for tag in t["tags"]
                       if re.fullmatch(r"lab\d+", tag)})
    except (OSError, ValueError, KeyError):
        pass
    score = next((line for line in reversed(p.stdout.splitlines()) if line.startswith("Score:")),
                 f"exit {p.returncode}")
    return seconds, cpu, labs, score


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m grader.bench", description=__doc__.split("\n")[0])
    p.add_argument("--build", type=Path, default=ROOT / "build")
    p.add_argument("--runs", type=int, default=5, help="boots per emulator (median)")
    p.add_argument("--args", default="", help="kernel arguments of the timed boot")
    p.add_argument("--prompt", default=DEFAULT_PROMPT, help="the shell prompt (a regex)")
    p.add_argument("--emu", action="append", choices=["qemu", "bochs"],
                   help="emulators to time (default both)")
    p.add_argument("--collect", action="append", default=None,
                   help="kernel arguments of a collector boot (default: init=ipcbench)")
    p.add_argument("--no-grade", action="store_true", help="skip the grading times")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--out", type=Path, default=None, help="default BUILD/bench/results.json")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    iso = a.build / "mica.iso"
    if not iso.exists():
        print(f"bench: {iso} is missing: run make first")
        return 2
    results: list[dict] = []

    def add(r: dict | None) -> None:
        if r is not None:
            results.append(r)
            print(f"  {r['name']:<28} {r['value']:>12g} {r['unit']}", flush=True)

    for emu in a.emu or ["qemu", "bochs"]:
        for r in bench_boot(emu, iso, a.args, a.runs, a.prompt):
            add(r)
        if emu == "qemu" and direct_boot(iso) is not None:
            saved = os.environ.get("MICA_QEMU_BOOT")
            os.environ["MICA_QEMU_BOOT"] = "grub"
            try:
                for r in bench_boot(emu, iso, a.args, a.runs, a.prompt, suffix="_grub"):
                    add(r)
            finally:
                os.environ.pop("MICA_QEMU_BOOT")
                if saved is not None:
                    os.environ["MICA_QEMU_BOOT"] = saved
    for args in ["init=ipcbench"] if a.collect is None else a.collect:
        by_emu = {}
        for emu in a.emu or ["qemu", "bochs"]:
            by_emu[emu] = collect(emu, iso, args)
            results.extend(result(f"{r['name']}_{emu}", r["value"], r["unit"])
                           for r in by_emu[emu])
        print(f"  collected from {args!r}:")
        print_table(by_emu)
    if not a.no_grade:
        seconds, cpu, labs, score = grade_time(a.build, None, a.jobs)
        add(result("grade_all_qemu", seconds, "s"))
        add(result("grade_all_qemu_cpu", cpu, "s"))
        print(f"    ({score})")
        for lab in labs:
            seconds, _, _, score = grade_time(a.build, str(lab), a.jobs)
            add(result(f"grade_lab{lab}_qemu", seconds, "s"))
            print(f"    ({score})")
    out = a.out or a.build / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"bench: {len(results)} results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
