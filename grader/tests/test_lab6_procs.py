"""Lab 6: servers as processes, spawned from the boot archive by the root task.

init=servers starts names, block and fs as separate programs (user/root/servers.c,
user/lib/spawn.c) and then bin/fstest with arguments, which finds the file server
through the name server and uses it (user/tests/lab6/fstest.c). Expectations come
from the build: the arguments from servers.c's source, file contents from the boot
archive, rights and error numbers from the ABI headers, the big file from its pattern.
"""
from __future__ import annotations

import re

from grader.abi import err, describe, scenario
from grader.api import Boot, grade
from grader.tests.test_lab6_fs import ROOT, archive, fnv, header_int, index_blocks, one, records

SERVERS = Boot(args="init=servers")


def fstest_argv() -> list[str]:
    """The arguments servers.c gives bin/fstest (its fstest_argv[] initializer)."""
    src = (ROOT / "user/root/servers.c").read_text()
    m = re.search(r"fstest_argv\[\]\s*=\s*\{([^}]*)\}", src)
    assert m, "user/root/servers.c has no fstest_argv[]"
    return re.findall(r'"((?:[^"\\]|\\.)*)"', m[1])


def pattern(n: int) -> bytes:
    """The big file's bytes (fstest.c: pattern())."""
    return bytes((i * 7 + (i >> 8) * 3 + 5) & 0xFF for i in range(n))


def hello_text() -> bytes:
    src = (ROOT / "user/tests/lab6/fstest.c").read_text()
    m = re.search(r'hello\[\]\s*=\s*"((?:[^"\\]|\\.)*)"', src)
    assert m, "fstest.c has no hello[]"
    return m[1].encode().decode("unicode_escape").encode()


def cap_h(rx: str) -> str:
    """The first group of rx in mica/cap.h."""
    m = re.search(rx, (ROOT / "kernel/abi/mica/cap.h").read_text())
    assert m, f"mica/cap.h does not match {rx}"
    return m[1]


def check_ops(run, lines: list[str], want: dict[str, int | str]) -> None:
    seen = {r["op"]: r.get("ret") for r in records(lines, "fstest: op=")}
    wrong = []
    for op, w in want.items():
        ret = err(w) if isinstance(w, str) else w
        if op not in seen:
            wrong.append(f"{op}: MISSING (expected {describe(ret)})")
        elif seen[op] != ret:
            wrong.append(f"{op}: expected {describe(ret)}, saw {describe(seen[op])}")
    if wrong:
        raise run.fail("wrong results:\n  " + "\n  ".join(wrong))


@grade(lab=6, points=10, title="the root task starts names, block and fs as processes in "
       "dependency order, each with only its own capabilities", boot=SERVERS)
def test_servers_started(run):
    lines = scenario(run, "servers")
    started = [(m[1], int(m[2]), int(m[3])) for m in
               (re.match(r"^init: started (\S+) pid=(\d+) pages=\d+ caps=(\d+)$", s)
                for s in lines) if m]
    want = [("names", 1, 1), ("block", 2, 1), ("fs", 3, 2), ("fstest", 4, 2)]
    if started != want:
        raise run.fail(f"started (name, pid, caps):\n  expected {want}\n  saw      {started}")
    for name in ("block", "fs"):
        one(run, lines, "names: register", name=name, ret=0)
    one(run, lines, "fs: ready", ret=0)
    files = [n for n, mode, _ in archive() if mode & 0o170000 == 0o100000
             and not n.startswith("bin/")]
    one(run, lines, "init: seeded", files=len(files), ret=0)
    one(run, lines, "init: fstest", pid=4, status=0)


@grade(lab=6, points=5, title="a spawned program gets its arguments as main(argc, argv)",
       boot=SERVERS)
def test_spawn_args(run):
    lines = scenario(run, "servers")
    want = fstest_argv()
    one(run, lines, "fstest: argc", argc=len(want))
    seen = [m[1] for m in (re.match(r"^fstest: argv\[\d+\]=(.*)$", s) for s in lines) if m]
    if seen != want:
        raise run.fail(f"argv:\n  expected {want}\n  saw      {seen}")


@grade(lab=6, points=10, title="the name server refuses a lookup without the permission and "
       "hands out only the registered rights", boot=SERVERS)
def test_lookup_rights(run):
    lines = scenario(run, "servers")
    send = 1 << int(cap_h(r"RIGHT_WRITE = 1 << (\d+)"))    # RIGHT_SEND is RIGHT_WRITE
    checks = [
        (dict(name="fs", via="nolookup"), dict(ret=err("E_PERM"), cap=0)),
        (dict(name="nosuchserver", via="lookup"), dict(ret=err("E_NOENT"), cap=0)),
        (dict(name="fs", via="lookup"), dict(ret=0, rights=send, cap=1)),
    ]
    for match, want in checks:
        got = one(run, lines, "fstest: lookup", **match)
        if {k: got.get(k) for k in want} != want:
            raise run.fail(f"lookup {match}: expected {want}, saw {got}")
    endpoint = int(cap_h(r"CAP_TYPE_ENDPOINT = (\d+)"))
    one(run, lines, "fstest: cap", ret=0, type=endpoint, rights=send)
    check_ops(run, lines, {"recv_on_fs": "E_NORIGHTS", "own_space": "E_BADCAP"})


@grade(lab=6, points=10, title="files read and written through the file server process "
       "have the right contents (small and multi-block)", boot=SERVERS)
def test_proc_files(run):
    lines = scenario(run, "servers")
    contents = {n: d for n, _, d in archive()}
    hello = hello_text()
    for path, data in (("/etc/motd", contents["etc/motd"]),
                       ("/doc/lines.txt", contents["doc/lines.txt"]), ("/tmp/hello", hello)):
        rd = one(run, lines, "fstest: read", path=path)
        want = {"size": len(data), "fnv": fnv(data), "ret": 0}
        if {k: rd.get(k) for k in want} != want:
            raise run.fail(f"reading {path}: expected {want}, saw {rd}")
    big = one(run, lines, "fstest: big")
    size = big.get("written")
    block = header_int("kernel/abi/mica/proto/block.h", "BLOCK_SIZE")
    if not isinstance(size, int) or size <= 20 * block:
        raise run.fail(f"expected a file of more than 20 blocks written, saw {big}")
    blocks = -(-size // block)
    want = {"size": size, "fnv": fnv(pattern(size)), "blocks": blocks + index_blocks(blocks)}
    if {k: big.get(k) for k in want} != want:
        raise run.fail(f"big file: expected {want}, saw {big}")
    check_ops(run, lines, {"mkdir_tmp": 0, "write_hello": len(hello)})


@grade(lab=6, points=5, title="missing paths give E_NOENT through the file server process",
       boot=SERVERS)
def test_proc_errors(run):
    lines = scenario(run, "servers")
    check_ops(run, lines, {"open_missing": "E_NOENT", "stat_missing": "E_NOENT",
                           "unlink_big": 0, "stat_unlinked": "E_NOENT"})
