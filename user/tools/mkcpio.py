#!/usr/bin/env python3
"""mkcpio.py: pack files into a cpio "newc" archive (the boot archive, initrd).

    mkcpio.py OUT.cpio DEST=SOURCE ...

Each argument puts the host file SOURCE at path DEST in the archive (no
leading '/'); if SOURCE is a directory, its files go under DEST/ recursively.
Parent directories get entries of their own (mode 040755) before their
contents, entries are sorted, and inode numbers, times and owners are fixed,
so the same inputs always give byte-identical output.

Format (as the reader user/lib/archive.c checks it): per entry a 110-byte
ASCII header "070701" + 13 fields of 8 hex digits (ino, mode, uid, gid,
nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize
including the NUL, check = 0), the name and its NUL padded to a multiple of
4 bytes counted from the header's start, then the data padded to 4 bytes.
The last entry is named "TRAILER!!!".
"""
from __future__ import annotations

import sys
from pathlib import Path

MAGIC = b"070701"
S_IFDIR, S_IFREG = 0o040000, 0o100000


def entry(ino: int, name: str, mode: int, data: bytes) -> bytes:
    raw = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 2 if mode & S_IFDIR else 1, 0, len(data), 0, 0, 0, 0, len(raw), 0]
    out = MAGIC + b"".join(b"%08X" % f for f in fields) + raw
    out += b"\0" * (-len(out) % 4)
    return out + data + b"\0" * (-len(data) % 4)


def collect(args: list[str]) -> dict[str, bytes | None]:
    """archive path -> file contents (None for a directory)."""
    files: dict[str, bytes | None] = {}
    for arg in args:
        dest, sep, src = arg.partition("=")
        if not sep or not dest or dest.startswith("/"):
            sys.exit(f"mkcpio: bad argument {arg!r} (want DEST=SOURCE, DEST relative)")
        src_path = Path(src)
        pairs = ([(dest + "/" + p.relative_to(src_path).as_posix(), p)
                  for p in sorted(src_path.rglob("*")) if p.is_file()]
                 if src_path.is_dir() else [(dest, src_path)])
        for name, path in pairs:
            files[name] = path.read_bytes()
            parts = name.split("/")
            for i in range(1, len(parts)):
                files.setdefault("/".join(parts[:i]), None)
    return files


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    files = collect(sys.argv[2:])
    out = bytearray()
    for ino, name in enumerate(sorted(files), start=1):
        data = files[name]
        out += entry(ino, name, S_IFDIR | 0o755 if data is None else S_IFREG | 0o644, data or b"")
    out += entry(0, "TRAILER!!!", 0, b"")
    Path(sys.argv[1]).write_bytes(bytes(out))


if __name__ == "__main__":
    main()
