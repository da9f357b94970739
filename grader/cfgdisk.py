"""Make the per-boot FAT disk image that carries the kernel command line.

GRUB (kernel/arch/x86_64/grub.cfg) sources (hd0)/mica.cfg, a one-line file
`set mica_args="k=v k=v"`, and passes $mica_args to the kernel. One ISO thus
serves every boot; each boot gets its own small disk.

    python -m grader.cfgdisk OUT.img "hz=250 ktest=pmm"
    make_cfg_disk(Path("cfg.img"), "hz=250")
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Characters that GRUB interprets inside a double-quoted word.
FORBIDDEN = {'"': "double quote", "$": "dollar sign", "\\": "backslash"}


class ArgsError(ValueError):
    """The kernel arguments cannot be passed safely through mica.cfg."""


def cfg_line(args: str) -> str:
    """The mica.cfg text for args; raises ArgsError for characters GRUB would
    interpret (", $, \\) or that end the line."""
    for ch, what in FORBIDDEN.items():
        if ch in args:
            raise ArgsError(f"kernel arguments may not contain a {what} ({ch!r}): {args!r}")
    bad = [c for c in args if not c.isprintable() or ord(c) > 126]
    if bad:
        raise ArgsError(f"kernel arguments must be printable ASCII: {args!r}")
    return f'set mica_args="{args}"\n'


def make_cfg_disk(out: Path, args: str) -> Path:
    """Write a 2-cylinder FAT image at out holding mica.cfg for args."""
    text = cfg_line(args)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cfg = out.with_name(out.name + ".cfg")
    cfg.write_text(text)
    os.utime(cfg, (946684800, 946684800))     # 2000-01-01: a fixed date in the FAT entry
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="1")
    try:
        if out.exists():
            out.unlink()
        # -N: a fixed serial number, so the same args give the same image.
        subprocess.run(["mformat", "-C", "-N", "4d494341", "-i", str(out),
                        "-t", "2", "-h", "16", "-s", "63", "::"],
                       check=True, env=env, capture_output=True)
        subprocess.run(["mcopy", "-o", "-m", "-i", str(out), str(cfg), "::/mica.cfg"],
                       check=True, env=env, capture_output=True)
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"cfgdisk: {' '.join(e.cmd)} failed: "
                           f"{e.stderr.decode(errors='replace').strip()}") from None
    finally:
        cfg.unlink(missing_ok=True)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m grader.cfgdisk OUT.img \"KERNEL ARGS\"", file=sys.stderr)
        return 2
    try:
        make_cfg_disk(Path(argv[0]), argv[1])
    except (ArgsError, RuntimeError) as e:
        print(f"cfgdisk: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
