"""Lab 6: the boot archive and the file server over the block server.

The expectations come from the build, never from the guest: the grader reads
the boot archive (build/iso/boot/initrd.cpio, cpio newc) itself, computes the
checksums of its files and of the pattern file fsdemo writes, and compares
them with what the root task printed (user/tests/lab6/archive.c, fsdemo.c).
"""
from __future__ import annotations

import re
from pathlib import Path

from grader.abi import err, describe, scenario
from grader.api import Boot, grade, key_values

ROOT = Path(__file__).resolve().parents[2]
INITRD = ROOT / "build/iso/boot/initrd.cpio"
MASK = (1 << 64) - 1
FNV_INIT = 0xCBF29CE484222325


# ---- what the build says ----------------------------------------------------------

def header_int(path: str, name: str) -> int:
    """The value of `#define name <number>` in a header of the tree."""
    m = re.search(rf"#define\s+{name}\s+\(?(\d+)", (ROOT / path).read_text())
    assert m, f"{path} defines no {name}"
    return int(m[1])


def archive_entries(data: bytes) -> list[tuple[str, int, bytes]]:
    """(name, mode, contents) of every entry of a cpio newc archive, in order."""
    out, at = [], 0
    while True:
        assert data[at:at + 6] == b"070701", f"bad cpio magic at {at}"
        fields = [int(data[at + 6 + 8 * i: at + 14 + 8 * i], 16) for i in range(13)]
        mode, size, namesize = fields[1], fields[6], fields[11]
        name = data[at + 110: at + 110 + namesize - 1].decode()
        start = at + 110 + namesize
        start += -start % 4
        if name == "TRAILER!!!":
            return out
        out.append((name, mode, data[start:start + size]))
        at = start + size + (-size % 4)


def archive() -> list[tuple[str, int, bytes]]:
    return archive_entries(INITRD.read_bytes())


def fnv(data: bytes, h: int = FNV_INIT) -> int:
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def pattern(n: int) -> bytes:
    """The big file's bytes (fsdemo.c: pattern())."""
    return bytes((i * 131 + (i >> 8) * 7 + 1) & 0xFF for i in range(n))


def index_blocks(data_blocks: int) -> int:
    """Index blocks an inode needs for data_blocks blocks (user/servers/fs/fs.h)."""
    direct = header_int("user/servers/fs/fs.h", "FS_DIRECT")
    per = header_int("kernel/abi/mica/proto/block.h", "BLOCK_SIZE") // 4
    rest = max(0, data_blocks - direct)
    if rest == 0:
        return 0
    if rest <= per:
        return 1
    return 2 + -(-(rest - per) // per)


def records(lines: list[str], prefix: str) -> list[dict]:
    return [key_values(s) for s in lines if s.startswith(prefix)]


def one(run, lines: list[str], prefix: str, **match) -> dict:
    """The single record after prefix whose keys equal match."""
    found = [r for r in records(lines, prefix) if all(r.get(k) == v for k, v in match.items())]
    if len(found) != 1:
        raise run.fail(f"expected one line '{prefix} ...' with {match}, saw {len(found)}")
    return found[0]


# ---- archive ------------------------------------------------------------------------

ARCHIVE = Boot(args="init=archive")


@grade(lab=6, points=10, title="the root task lists every boot-archive entry with its size",
       boot=ARCHIVE)
def test_archive_listing(run):
    lines = scenario(run, "archive")
    seen = [(m[1], int(m[2])) for m in
            (re.match(r"^init: archive (\S+) (\d+)$", s) for s in lines) if m]
    want = [(name, len(data)) for name, _, data in archive()]
    if seen != want:
        raise run.fail(f"archive listing:\n  expected {want}\n  saw      {seen}")
    status = one(run, lines, "archive: ", entries=len(want))
    if status.get("ret") != 0:
        raise run.fail(f"expected the reader to end at the trailer (ret=0), saw {status}")
    module = one(run, lines, "init: module", name="initrd")
    if module.get("size") != INITRD.stat().st_size or module.get("addr") in (None, 0):
        raise run.fail(f"expected the initrd module mapped with size {INITRD.stat().st_size}, "
                       f"saw {module}")


# ---- the file server ------------------------------------------------------------------

FSDEMO = Boot(args="init=fsdemo")


@grade(lab=6, points=10, title="the file system seeded from the archive holds its files "
       "with their sizes and contents", boot=FSDEMO)
def test_fs_seeded(run):
    lines = scenario(run, "fsdemo")
    entries = archive()
    files = [(n, d) for n, mode, d in entries if mode & 0o170000 == 0o100000]
    one(run, lines, "fsdemo: seeded", files=len(files), ret=0)
    for name, mode, data in entries:
        want_type = 2 if mode & 0o170000 == 0o040000 else 1
        st = one(run, lines, "fsdemo: stat", path="/" + name)
        if st.get("ret") != 0 or st.get("type") != want_type or \
                (want_type == 1 and st.get("size") != len(data)):
            raise run.fail(f"stat /{name}: expected ret=0 type={want_type} size={len(data)}, "
                           f"saw {st}")
    contents = dict(files)
    for path in ("etc/motd", "doc/lines.txt"):
        rd = one(run, lines, "fsdemo: read", path="/" + path)
        want = {"size": len(contents[path]), "fnv": fnv(contents[path])}
        if {k: rd.get(k) for k in want} != want:
            raise run.fail(f"reading /{path}: expected {want}, saw {rd}")
    lines_txt = contents["doc/lines.txt"]
    for sk in records(lines, "fsdemo: seek"):
        part = lines_txt[sk["offset"]:sk["offset"] + sk["count"]]
        if sk.get("got") != len(part) or sk.get("fnv") != fnv(part):
            raise run.fail(f"read after seek to {sk['offset']}: expected {len(part)} bytes "
                           f"fnv={fnv(part):#x}, saw {sk}")
    if len(records(lines, "fsdemo: seek")) != 2:
        raise run.fail("expected two 'fsdemo: seek' lines")


@grade(lab=6, points=10, title="a multi-block file (direct, indirect and double-indirect "
       "blocks) reads back what was written", boot=FSDEMO)
def test_fs_big_file(run):
    lines = scenario(run, "fsdemo")
    big = one(run, lines, "fsdemo: big")
    size = big.get("written")
    block = header_int("kernel/abi/mica/proto/block.h", "BLOCK_SIZE")
    if not isinstance(size, int) or size <= 20 * block:
        raise run.fail(f"expected a file of more than 20 blocks written, saw {big}")
    data_blocks = -(-size // block)
    want = {"size": size, "fnv": fnv(pattern(size)),
            "blocks": data_blocks + index_blocks(data_blocks)}
    got = {k: big.get(k) for k in want}
    if got != want:
        raise run.fail(f"big file: expected {want}, saw {got}")


@grade(lab=6, points=10, title="missing paths, bad paths, wrong kinds and malformed "
       "messages give the documented errors", boot=FSDEMO)
def test_fs_errors(run):
    lines = scenario(run, "fsdemo")
    want = {
        "mkdir_tmp": 0, "open_missing": "E_NOENT", "mkdir_exists": "E_EXIST",
        "open_too_long": "E_NAMETOOLONG", "mkdir_bad_component": "E_INVAL",
        "unlink_nonempty": "E_NOTEMPTY", "rename_into_self": "E_INVAL",
        "open_dir_as_file": "E_ISDIR", "rename": 0, "open_renamed_old": "E_NOENT",
        "unlink": 0, "open_unlinked": "E_NOENT", "malformed": "E_INVAL",
        "unknown_label": "E_INVAL", "unlink_fill": 0, "create_after_free": 0,
    }
    seen = {r["op"]: r.get("ret") for r in records(lines, "fsdemo: op=")}
    wrong = []
    for op, w in want.items():
        ret = err(w) if isinstance(w, str) else w
        if op not in seen:
            wrong.append(f"{op}: MISSING (expected {describe(ret)})")
        elif seen[op] != ret:
            wrong.append(f"{op}: expected {describe(ret)}, saw {describe(seen[op])}")
    if wrong:
        raise run.fail("wrong results:\n  " + "\n  ".join(wrong))
    listing = sorted(m[1] for m in (re.match(r"^fsdemo: ls / (\S+) ", s) for s in lines) if m)
    top = sorted({name.split("/")[0] for name, _, _ in archive()} | {"tmp"})
    if listing != top:
        raise run.fail(f"readdir of /: expected {top}, saw {listing}")


@grade(lab=6, points=5, title="a full disk stops writes with E_FULL and keeps every "
       "acknowledged byte", boot=FSDEMO)
def test_fs_full(run):
    lines = scenario(run, "fsdemo")
    full = one(run, lines, "fsdemo: full")
    if full.get("ret") != err("E_FULL") or full.get("stat") != 0 or \
            not isinstance(full.get("written"), int) or full["written"] <= 0 or \
            full.get("size") != full["written"]:
        raise run.fail(f"expected writes to end with {describe(err('E_FULL'))} and the file's "
                       f"size to equal the bytes acknowledged, saw {full}")
