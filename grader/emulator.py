"""Emulator backends behind one interface.

A Backend turns a boot's parameters into a command line (and, for Bochs, a
bochsrc) run in the boot's own temporary directory, knows how to stop its
emulator, and reads what the emulator left behind when it exits. Both
backends are deterministic: QEMU counts instructions (-icount), Bochs runs
its clock from the instruction count (clock: sync=none), so the same build
gives the same transcript every run.

The serial port (COM1) connects to a TCP port the harness listens on.

Two ways into the kernel. Through GRUB (both emulators, `make run`, real
courses): the ISO, and a small FAT disk with mica.cfg carrying the kernel
command line (grader/cfgdisk.py). Through `qemu -kernel` (the QEMU backend's
fast path, about 0.5 s less per boot): QEMU itself loads the kernel by its
Multiboot1 header, the modules that grub.cfg lists (-initrd) and the command
line (-append), so neither the firmware's CD boot nor GRUB runs. The kernel
reads the same bootinfo either way (kernel/multiboot.c); the module list and
arguments come from the build's own grub.cfg, so the two paths cannot drift.
The fast path is used only when the build has what it needs (build/iso with
grub.cfg, a kernel whose Multiboot1 header loads it correctly); else, or with
MICA_QEMU_BOOT=grub, QEMU boots the ISO like Bochs.
"""
from __future__ import annotations

import ctypes
import os
import re
import shlex
import signal
import struct
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from grader.cfgdisk import cfg_line, make_cfg_disk

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Launch:
    """What to run for one boot."""
    argv: list[str]
    env: dict[str, str]
    stdout: Path                # where the emulator's own output goes
    stderr: Path


def mem_mib(mem: str | int) -> int:
    """'128M', '1G' or 128 -> MiB."""
    if isinstance(mem, int):
        return mem
    m = re.fullmatch(r"\s*(\d+)\s*([MmGg]?)i?[Bb]?\s*", str(mem))
    if not m:
        raise ValueError(f"bad memory size {mem!r} (want e.g. 128M or 1G)")
    return int(m.group(1)) * (1024 if m.group(2).lower() == "g" else 1)


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the harness dies, so no emulator outlives it."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


class Backend:
    """One emulator. Subclasses fill in launch(), stop signal and exit notes."""
    name = ""
    stop_signal = signal.SIGTERM
    time_factor = 1.0           # multiplies every timeout for this emulator

    def launch(self, *, iso: Path, cfg_disk: Path, workdir: Path, port: int,
               mem: str, opts: tuple[str, ...]) -> Launch:
        raise NotImplementedError

    def launch_boot(self, *, iso: Path, args: str, workdir: Path, port: int,
                    mem: str, opts: tuple[str, ...]) -> Launch:
        """What to run for a boot with kernel arguments args: by default
        through GRUB, with a cfg disk made in workdir."""
        cfg = make_cfg_disk(workdir / "cfg.img", args)
        return self.launch(iso=iso, cfg_disk=cfg, workdir=workdir, port=port, mem=mem, opts=opts)

    def spawn(self, launch: Launch) -> subprocess.Popen:
        return subprocess.Popen(launch.argv, env=launch.env, stdin=subprocess.DEVNULL,
                                stdout=open(launch.stdout, "wb"), stderr=open(launch.stderr, "wb"),
                                cwd=launch.stdout.parent, start_new_session=True,
                                preexec_fn=_die_with_parent)

    def stop(self, proc: subprocess.Popen, grace: float = 3.0) -> None:
        """Stop the emulator politely, then for sure."""
        if proc.poll() is not None:
            return
        try:
            proc.send_signal(self.stop_signal)
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass

    def exit_note(self, launch: Launch, returncode: int | None) -> str:
        """What the emulator said about its exit, for the verdict ('' if nothing)."""
        return ""


def _tail_file(path: Path, n: int = 6) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join("  " + line for line in lines[-n:])


@dataclass(frozen=True)
class DirectBoot:
    """What `qemu -kernel` needs to start a build without GRUB."""
    kernel: Path
    modules: tuple[tuple[Path, str], ...]    # (file, its command line) in grub.cfg's order


MB1_MAGIC = 0x1BADB002
MB1_AOUT_KLUDGE = 1 << 16
PT_LOAD = 1
# grub.cfg commands the fast path knows to be about nothing but the cfg disk.
GRUB_HARMLESS = {"set", "insmod", "if", "source", "fi", "boot", "terminal_output"}


def _mb1_loads_flat(kernel: Path) -> bool:
    """Whether QEMU's Multiboot1 loader gives kernel's image the memory GRUB
    would: a header with load addresses, and in the ELF file every loadable
    segment at the same (file offset - physical address) as the header says."""
    try:
        data = kernel.read_bytes()
    except OSError:
        return False
    for off in range(0, min(len(data), 8192) - 32, 4):
        magic, flags, check = struct.unpack_from("<3I", data, off)
        if magic == MB1_MAGIC and (magic + flags + check) & 0xFFFFFFFF == 0:
            break
    else:
        return False
    if not flags & MB1_AOUT_KLUDGE:
        return False
    header_addr, load_addr, load_end, bss_end, _entry = struct.unpack_from("<5I", data, off + 12)
    delta = off - (header_addr - load_addr) - load_addr        # file offset - physical
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return False
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        p_type, _flags, p_offset, _vaddr, p_paddr, p_filesz, p_memsz, _align = \
            struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type != PT_LOAD or p_memsz == 0:
            continue
        if p_filesz and p_offset - p_paddr != delta:
            return False
        if p_paddr < load_addr or p_paddr + p_filesz > load_end or p_paddr + p_memsz > bss_end:
            return False
    return True


@lru_cache(maxsize=8)
def _direct_boot(iso: Path, stamp: tuple) -> DirectBoot | None:
    root = iso.parent / "iso"
    try:
        cfg = (root / "boot" / "grub" / "grub.cfg").read_text()
    except OSError:
        return None
    kernel, modules = None, []
    for line in cfg.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            return None
        if not words:
            continue
        if words[0] == "multiboot2" and words[2:] == ["$mica_args"] and kernel is None:
            kernel = root / words[1].lstrip("/")
        elif words[0] == "module2" and len(words) >= 2:
            if any(c in w for w in words for c in ",$"):
                return None
            modules.append((root / words[1].lstrip("/"), " ".join(words[2:])))
        elif words[0] not in GRUB_HARMLESS:
            return None         # something the fast path would not do: use GRUB
    if kernel is None or not all(m.is_file() for m, _ in modules) or not _mb1_loads_flat(kernel):
        return None
    return DirectBoot(kernel, tuple(modules))


def direct_boot(iso: Path) -> DirectBoot | None:
    """How to start iso's build with `qemu -kernel`, or None to go through GRUB."""
    if os.environ.get("MICA_QEMU_BOOT", "") == "grub":
        return None
    iso = Path(iso).resolve()
    boot = iso.parent / "iso" / "boot"
    try:       # a rebuilt file is checked again
        stamp = tuple(sorted((f.name, f.stat().st_mtime_ns, f.stat().st_size)
                             for f in [*boot.iterdir(), boot / "grub" / "grub.cfg"]))
    except OSError:
        return None
    return _direct_boot(iso, stamp)


def grub_cmdline(args: str) -> str:
    """The command line GRUB gives the kernel for `multiboot2 FILE $mica_args`
    with mica_args=args: the words joined by single spaces, a quote escaped
    with a backslash (cfg_line refuses the other characters GRUB escapes)."""
    return " ".join(word.replace("'", "\\'") for word in args.split())


class Qemu(Backend):
    name = "qemu"
    binary = "qemu-system-x86_64"

    def _argv(self, mem: str, port: int, boot: list[str], opts) -> list[str]:
        return [self.binary, "-M", "pc", "-m", f"{mem_mib(mem)}M", *boot,
                "-display", "none", "-vga", "none", "-monitor", "none", "-nic", "none",
                "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-icount", "shift=7,sleep=off", "-rtc", "base=2000-01-01,clock=vm",
                "-serial", f"tcp:127.0.0.1:{port},nodelay=on", *opts]

    def launch(self, *, iso, cfg_disk, workdir, port, mem, opts):
        argv = self._argv(mem, port, ["-cdrom", str(iso),
                                      "-drive", f"file={cfg_disk},format=raw,if=ide,index=0",
                                      "-boot", "d"], opts)
        return Launch(argv, dict(os.environ), workdir / "qemu.out", workdir / "qemu.err")

    def launch_boot(self, *, iso, args, workdir, port, mem, opts):
        direct = direct_boot(iso)
        if direct is None:
            return super().launch_boot(iso=iso, args=args, workdir=workdir, port=port,
                                       mem=mem, opts=opts)
        cfg_line(args)          # the same refusals as the GRUB path
        # Links with plain names in the boot's directory (QEMU's working
        # directory): -initrd separates modules by commas and a module's file
        # from its command line by a space, so the paths must hold neither.
        (workdir / "kernel.elf").symlink_to(direct.kernel)
        initrd = []
        for i, (path, cmdline) in enumerate(direct.modules):
            (workdir / f"module{i}").symlink_to(path)
            initrd.append(f"module{i} {cmdline}".rstrip())
        boot = ["-kernel", "kernel.elf", "-append", grub_cmdline(args)]
        boot += ["-initrd", ",".join(initrd)] if initrd else []
        return Launch(self._argv(mem, port, boot, opts), dict(os.environ),
                      workdir / "qemu.out", workdir / "qemu.err")

    def exit_note(self, launch, returncode):
        err = _tail_file(launch.stderr)
        if returncode is None:
            return ""
        note = f"qemu exited with status {returncode}"
        if returncode & 1 and returncode > 1:
            note += f" (isa-debug-exit: the kernel wrote {returncode >> 1})"
        return note + (f"; it said:\n{err}" if err else "")


BOCHSRC = """\
# Generated by the grader for one boot.
memory: guest={megs}, host={host}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=corei7_sandy_bridge_2600k, count=1, ips={ips}, reset_on_triple_fault=0
clock: sync=none, time0=946684800
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path="{cfg}", mode=flat, cylinders=2, heads=16, spt=63
ata0-slave: type=cdrom, path="{iso}", status=inserted
boot: cdrom
com1: enabled=1, mode=socket-client, dev=127.0.0.1:{port}
display_library: term
log: bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
mouse: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
"""


# Bochs refuses `megs:` above 2048; `memory:` lets the guest have more RAM
# than Bochs reserves up front (it allocates blocks as the guest touches them).
BOCHS_HOST_MAX = 2048


class Bochs(Backend):
    name = "bochs"
    binary = "bochs"
    stop_signal = signal.SIGINT         # Bochs ignores SIGTERM
    time_factor = 3.0
    ips = 10_000_000

    def launch(self, *, iso, cfg_disk, workdir, port, mem, opts):
        rc = workdir / "bochsrc"
        rc.write_text(BOCHSRC.format(megs=mem_mib(mem), host=min(mem_mib(mem), BOCHS_HOST_MAX), ips=self.ips, cfg=cfg_disk,
                                     iso=Path(iso).resolve(), port=port)
                      + "".join(line + "\n" for line in opts))
        cont = workdir / "cont.rc"
        cont.write_text("c\nquit\n")
        env = dict(os.environ, TERM="dumb")
        argv = [self.binary, "-q", "-unlock", "-f", str(rc), "-rc", str(cont)]
        return Launch(argv, env, workdir / "bochs.out", workdir / "bochs.err")

    def exit_note(self, launch, returncode):
        log = launch.stdout.with_name("bochs.log")
        try:
            text = log.read_text(errors="replace")
        except OSError:
            text = ""
        lines = [line for line in text.splitlines()
                 if "triple fault" in line.lower() or ">>PANIC<<" in line
                 or "[PANIC" in line or "shutdown" in line.lower() and "CPU" in line]
        note = "; ".join(line.split("]", 1)[-1].strip() for line in lines[-3:])
        if not note and returncode not in (None, 0, 1):
            note = f"bochs exited with status {returncode}:\n{_tail_file(launch.stderr)}"
        return ("bochs: " + note) if note and not note.startswith("bochs") else note


BACKENDS: Mapping[str, type[Backend]] = MappingProxyType({"qemu": Qemu, "bochs": Bochs})


def backend(name: str) -> Backend:
    """The backend called name ('qemu' or 'bochs')."""
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown emulator {name!r} (choose from {', '.join(BACKENDS)})") from None
