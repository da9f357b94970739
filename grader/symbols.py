"""Kernel addresses to `function+0xoff` using build/kernel.sym (nm -n), with
file:line from addr2line on build/kernel.elf when available."""
from __future__ import annotations

import bisect
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Symbols:
    addrs: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    elf: Path | None = None

    @classmethod
    def load(cls, sym_file: Path, elf: Path | None = None) -> "Symbols":
        """Read `nm -n` output; a missing file gives an empty table."""
        table: list[tuple[int, str]] = []
        try:
            lines = Path(sym_file).read_text().splitlines()
        except OSError:
            lines = []
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TtWw":
                try:
                    table.append((int(parts[0], 16), parts[2]))
                except ValueError:
                    continue
        table.sort()
        if elf is not None and not Path(elf).exists():
            elf = None
        return cls(tuple(a for a, _ in table), tuple(n for _, n in table), elf)

    def lookup(self, addr: int, return_address: bool = True) -> str:
        """`name+0xoff` for addr, or the bare hex address if unknown. A return
        address points after its call, so look up addr-1 to stay in the
        caller even when the call is the function's last instruction."""
        probe = addr - 1 if return_address else addr
        i = bisect.bisect_right(self.addrs, probe) - 1
        if i < 0:
            return f"{addr:#x}"
        return f"{self.names[i]}+{addr - self.addrs[i]:#x}"

    def lines(self, addrs: list[int]) -> list[str]:
        """file:line for each return address ('' when unknown)."""
        if self.elf is None or not addrs or shutil.which("addr2line") is None:
            return [""] * len(addrs)
        try:
            out = subprocess.run(["addr2line", "-e", str(self.elf)] +
                                 [f"{a - 1:#x}" for a in addrs],
                                 capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return [""] * len(addrs)
        result = out.splitlines()
        if len(result) != len(addrs):
            return [""] * len(addrs)
        return ["" if r.startswith("??") else _short_path(r) for r in result]


def _short_path(location: str) -> str:
    """Trim an absolute path to start at the tree's kernel/ or user/."""
    for top in ("/kernel/", "/user/"):
        i = location.rfind(top)
        if i >= 0:
            return location[i + 1:]
    return location
