"""Lab 6: the shell, bin/sh (user/shell), in the default boot (no init=, no
ktest=). The grader types at the `mica$ ` prompt and checks what comes back;
contents only, since typed input is not deterministic in time.

Expectations come from the build: file names, kinds, sizes and contents from
the boot archive the file system is seeded from (build/iso/boot/initrd.cpio,
user/rootfs/), error messages from <mica/error.h>, what bin/probe prints from
its source (user/tests/lab6/probe.c). Programs run through the process
manager: a build without one (no bin/proc in the archive) must say so.
"""
from __future__ import annotations

import re

from grader.abi import message
from grader.api import Boot, grade
from grader.tests.test_lab6_fs import archive, header_int

SHELL = Boot(args="", timeout=30)
NOISE_NAMES = r"(?:init|proc|rs|mm|names|fs|block|console|fault|trap)"
# The prompt, possibly followed by servers' log lines printed after it (a restarted
# server announcing itself while the shell waits for input).
PROMPT = rf"mica\$ (?:{NOISE_NAMES}\b[\w-]*: [^\n]*\n)*$"
THREAD_STATES = {"suspended", "ready", "running", "sleeping", "blocked", "dead"}
PROC_STATES = {"running", "zombie"}
# Lines other parts of the system print (servers' logs, the kernel's fault reports) in
# the middle of a command's output; the shell's and the programs' own lines stay.
NOISE = re.compile(rf"^(?:mica\$ )?{NOISE_NAMES}\b[\w-]*: ")
TOTALS = re.compile(r"^ticks=(\d+) threads=(\d+) free_frames=(\d+) switches=(\d+)$")


def session(boot, *commands: str | bytes):
    """Type each command at a prompt, then halt; return (Run, outputs), one
    output (the lines after the echoed command) per command."""
    with boot.start(SHELL) as m:
        marks = []
        for cmd in commands:
            m.expect(PROMPT)
            marks.append(m.size)
            m.send((cmd.encode() if isinstance(cmd, str) else cmd) + b"\n")
        m.expect(PROMPT)
        end = m.size
        m.sendline("halt")
        run = m.finish()
    raw = run.text
    outs = []
    for i, start in enumerate(marks):
        stop = marks[i + 1] if i + 1 < len(marks) else end
        chunk = raw[start:stop].split("\n")[1:]           # drop the echoed command
        outs.append([s for s in chunk if not re.fullmatch(r"mica\$ ?", s) and not NOISE.match(s)])
    run.assert_poweroff(0)
    return run, outs


def expect_out(run, cmd: str, seen: list[str], want: list[str]) -> None:
    if seen != want:
        raise run.fail(f"typed {cmd!r}:\n  expected {want}\n  saw      {seen}")


def expect_error(run, cmd: str, seen: list[str], *parts: str) -> None:
    """One line "sh: ..." naming every part, in order."""
    rx = r"^sh: .*" + r".*".join(re.escape(p) for p in parts)
    if len(seen) != 1 or not re.search(rx, seen[0]):
        raise run.fail(f"typed {cmd!r}: expected one error line 'sh: ...{': '.join(parts)}', "
                       f"saw {seen}")


# ---- what the build says ---------------------------------------------------------

def tree() -> dict[str, list[tuple[str, str, int]]]:
    """Directory path -> its entries (kind, size, name) in the order the root task
    seeds them (user/root/servers.c: archive order, bin/ left out, parents first)."""
    dirs: dict[str, list[tuple[str, str, int]]] = {"/": []}
    files: dict[str, bytes] = {}
    for name, mode, data in archive():
        if name == "bin" or name.startswith("bin/"):
            continue
        parts = name.split("/")
        is_dir = mode & 0o170000 == 0o040000
        for depth in range(len(parts)):
            path = "/" + "/".join(parts[:depth + 1])
            parent = "/" + "/".join(parts[:depth])
            last = depth == len(parts) - 1
            if path in dirs or path in files:
                continue
            if last and not is_dir:
                files[path] = data
            else:
                dirs[path] = []
            dirs[parent].append(path)
    dirent = header_int("user/servers/fs/fs.h", "FS_DIRENT_SIZE")
    listing = {}
    for d, children in dirs.items():
        listing[d] = [("dir", dirent * len(dirs[c]), c.rsplit("/", 1)[1]) if c in dirs
                      else ("file", len(files[c]), c.rsplit("/", 1)[1]) for c in children]
    return listing


def file_text(path: str) -> list[str]:
    """The lines of an archive file as cat shows them."""
    for name, _, data in archive():
        if "/" + name == path:
            return data.decode().rstrip("\n").split("\n")
    raise AssertionError(f"the archive has no {path}")


def has_process_manager() -> bool:
    return any(name == "bin/proc" for name, _, _ in archive())


def ls_rows(lines: list[str]) -> list[tuple[str, int, str]]:
    rows = []
    for s in lines:
        m = re.fullmatch(r"(file|dir)\s+(\d+) (.+)", s)
        rows.append((m[1], int(m[2]), m[3]) if m else ("?", -1, s))
    return rows


# ---- basics ----------------------------------------------------------------------

@grade(lab=6, points=5, title="echo prints its arguments at the prompt")
def test_shell_echo(boot):
    run, (out, out2) = session(boot, "echo hi", "echo  two   words ")
    expect_out(run, "echo hi", out, ["hi"])
    expect_out(run, "echo  two   words ", out2, ["two words"])


@grade(lab=6, points=5, title="an unknown command is a clear error and the shell goes on")
def test_shell_unknown(boot):
    run, (out, after) = session(boot, "frobnicate now", "echo still here")
    if not any(re.search(r"frobnicate.*(not found|unknown)", s) for s in out):
        raise run.fail(f"typed 'frobnicate now', expected an error naming it, saw {out}")
    expect_out(run, "echo still here", after, ["still here"])


def totals(run, out: list[str]) -> tuple[int, int, int, int]:
    found = [TOTALS.match(s) for s in out if TOTALS.match(s)]
    if len(found) != 1:
        raise run.fail(f"expected ps to end with the kernel's totals "
                       f"'ticks=N threads=N free_frames=N switches=N', saw {out}")
    return tuple(int(g) for g in found[0].groups())


@grade(lab=6, points=10, title="ps lists the processes (pid, parent, state, threads, ticks, "
       "name) and the kernel's totals")
def test_shell_ps(boot):
    run, (out, out2) = session(boot, "ps", "ps")
    t1, t2 = totals(run, out), totals(run, out2)
    if not (t2[0] > t1[0] and t2[3] > t1[3]):
        raise run.fail(f"expected ticks and switches to grow between two ps, saw {t1} then {t2}")
    if not has_process_manager():
        return                  # the build has no process manager to list processes
    header = out[0].split()
    want = ["PID", "PARENT", "STATE", "THREADS", "TICKS", "NAME"]
    if header != want:
        raise run.fail(f"expected the header {want}, saw {out[0]!r}")
    rows = {}
    for s in out[1:-1]:
        f = s.split()
        if len(f) != 6 or not all(x.isdigit() for x in f[:2] + f[3:5]) or f[2] not in PROC_STATES:
            raise run.fail(f"expected rows 'PID PARENT STATE THREADS TICKS NAME', saw {s!r}")
        rows[f[5]] = (int(f[0]), int(f[1]), f[2], int(f[3]), int(f[4]))
    for name in ("names", "block", "fs", "sh"):
        if name not in rows:
            raise run.fail(f"expected ps to list a process named {name}, saw {sorted(rows)}")
    if rows["sh"][2] != "running" or rows["sh"][3] < 1:
        raise run.fail(f"expected the shell running with a thread, saw {rows['sh']}")
    if sum(r[3] for r in rows.values()) > t1[1]:
        raise run.fail(f"the processes' threads add up to more than the kernel's {t1[1]}")


@grade(lab=6, points=5, title="halt powers off cleanly, the servers still running")
def test_shell_halt(boot):
    run, (out,) = session(boot, "echo bye")       # session() types halt last
    if out != ["bye"]:
        raise run.fail(f"typed 'echo bye', saw {out}")
    tail = run.lines[-3:]
    if not any(re.match(r"mica: power off \(status 0\)", s) for s in tail):
        raise run.fail(f"expected the kernel's clean power-off line last, saw {tail}")


# ---- files -----------------------------------------------------------------------

@grade(lab=6, points=10, title="ls lists directories with kinds and sizes, in the file "
       "server's order")
def test_shell_ls(boot):
    want = tree()
    subdir = next(d for d in want if d != "/")
    a_file = next(f"{d.rstrip('/')}/{n}" for d, es in want.items() for k, _, n in es if k == "file")
    cmds = ["ls /", f"ls {subdir}", "ls", f"ls {a_file}", f"cd {subdir}", "ls"]
    run, outs = session(boot, *cmds)
    expect_out(run, cmds[0], ls_rows(outs[0]), [(k, s, n) for k, s, n in want["/"]])
    expect_out(run, cmds[1], ls_rows(outs[1]), want[subdir])
    expect_out(run, "ls (in /)", ls_rows(outs[2]), want["/"])
    size = next(s for d, es in want.items() for k, s, n in es if f"{d.rstrip('/')}/{n}" == a_file)
    expect_out(run, cmds[3], ls_rows(outs[3]), [("file", size, a_file)])
    expect_out(run, f"ls (in {subdir})", ls_rows(outs[5]), want[subdir])


@grade(lab=6, points=5, title="cat prints files, small and multi-block, one after another")
def test_shell_cat(boot):
    files = [f"{d.rstrip('/')}/{n}" for d, es in tree().items() for k, _, n in es if k == "file"]
    small = min(files, key=lambda f: len("\n".join(file_text(f))))
    big = max(files, key=lambda f: len("\n".join(file_text(f))))
    run, (o1, o2, o3) = session(boot, f"cat {small}", f"cat {big}", f"cat {small} {small}")
    expect_out(run, f"cat {small}", o1, file_text(small))
    expect_out(run, f"cat {big}", o2, file_text(big))
    expect_out(run, f"cat {small} {small}", o3, file_text(small) * 2)


@grade(lab=6, points=10, title="> creates or truncates a file, >> appends, for built-ins")
def test_shell_redirect(boot):
    motd = "/etc/motd"
    cmds = ["echo hi > /t", "cat /t", "echo more  words >>/t", "cat /t", "echo x>/t", "cat /t",
            "ls /t", f"cat {motd} > /m", "cat /m", "> /t", "ls /t", "ls / > /l", "cat /l",
            "help > /h", "ls /h"]
    run, o = session(boot, *cmds)
    for i in (0, 2, 4, 7, 9, 11, 13):
        expect_out(run, cmds[i], o[i], [])
    expect_out(run, cmds[1], o[1], ["hi"])
    expect_out(run, cmds[3], o[3], ["hi", "more words"])
    expect_out(run, cmds[5], o[5], ["x"])
    expect_out(run, cmds[6], ls_rows(o[6]), [("file", 2, "/t")])
    expect_out(run, cmds[8], o[8], file_text(motd))
    expect_out(run, cmds[10], ls_rows(o[10]), [("file", 0, "/t")])
    names = [n for _, _, n in ls_rows(o[12])]
    for n in [n for _, _, n in tree()["/"]] + ["t", "m", "l"]:
        if n not in names:
            raise run.fail(f"'ls / > /l' then 'cat /l': expected {n} in the listing, saw {o[12]}")
    if not ls_rows(o[14]) or ls_rows(o[14])[0][1] < 100:
        raise run.fail(f"'help > /h': expected /h to hold the help text, ls says {o[14]}")


@grade(lab=6, points=5, title="mkdir, cd, pwd, relative paths, rm")
def test_shell_dirs(boot):
    cmds = ["mkdir /d", "cd /d", "pwd", "echo x > f", "mkdir sub", "ls", "cat /d/f", "cd sub/..",
            "pwd", "cd ..", "pwd", "rm /d", "rm d/f d/sub", "rm d", "ls /d", "cd /etc/motd"]
    run, o = session(boot, *cmds)
    for i in (0, 1, 3, 4, 7, 9, 12, 13):
        expect_out(run, cmds[i], o[i], [])
    expect_out(run, cmds[2], o[2], ["/d"])
    expect_out(run, cmds[5], ls_rows(o[5]), [("file", 2, "f"), ("dir", 0, "sub")])
    expect_out(run, cmds[6], o[6], ["x"])
    expect_out(run, cmds[8], o[8], ["/d"])
    expect_out(run, cmds[10], o[10], ["/"])
    expect_error(run, cmds[11], o[11], "rm", "/d", message("E_NOTEMPTY"))
    expect_error(run, cmds[14], o[14], "ls", "/d", message("E_NOENT"))
    expect_error(run, cmds[15], o[15], "cd", "/etc/motd", message("E_NOTDIR"))


@grade(lab=6, points=10, title="missing paths, wrong kinds, long names: one clear error line each")
def test_shell_file_errors(boot):
    long_path = "/" + "a" * 200
    long_name = "/" + "b" * 40
    cmds = [("cat /nope", ["cat", "/nope", message("E_NOENT")]),
            ("cat /etc", ["cat", "/etc", message("E_ISDIR")]),
            ("ls /nope/x", ["ls", "/nope/x", message("E_NOENT")]),
            ("mkdir /etc", ["mkdir", "/etc", message("E_EXIST")]),
            ("rm /nope", ["rm", "/nope", message("E_NOENT")]),
            (f"cat {long_path}", ["cat", long_path, message("E_NAMETOOLONG")]),
            (f"mkdir {long_name}", ["mkdir", long_name, message("E_NAMETOOLONG")]),
            ("echo a > /nope/x", ["/nope/x", message("E_NOENT")]),
            ("echo a > /etc", ["/etc", message("E_ISDIR")]),
            ("cat /etc/motd/x", ["cat", "/etc/motd/x", message("E_NOTDIR")]),
            ("mkdir", ["usage: mkdir"])]
    run, o = session(boot, *[c for c, _ in cmds], "echo still here")
    for (cmd, parts), seen in zip(cmds, o):
        expect_error(run, cmd, seen, *parts)
    expect_out(run, "echo still here", o[-1], ["still here"])


@grade(lab=6, points=5, title="a full inode table is an error for mkdir and >, and removing "
       "files makes room again")
def test_shell_full(boot):
    names = [f"/n{i}" for i in range(90)]
    lines = [names[i:i + 30] for i in range(0, 90, 30)]
    cmds = ["mkdir " + " ".join(ln) for ln in lines] + ["echo x > /new", "ls /", "rm /n0 /n1",
                                                        "echo x > /new", "cat /new"]
    run, o = session(boot, *cmds)
    failed = [m[1] for out in o[:3] for s in out
              if (m := re.fullmatch(rf"sh: mkdir: (/n\d+): {re.escape(message('E_FULL'))}", s))]
    other = [s for out in o[:3] for s in out if not re.fullmatch(r"sh: mkdir: /n\d+: .*", s)]
    if not failed or other:
        raise run.fail(f"making 90 directories: expected '{message('E_FULL')}' errors once the "
                       f"inode table is full, saw {failed[:3]} and {other[:3]}")
    made = [n for n in names if n not in failed]
    if made != names[:len(made)]:
        raise run.fail(f"expected every mkdir to succeed until the table was full, then fail; "
                       f"failed {failed}")
    inodes = int(re.search(r"^fs: ready inodes=(\d+)", run.text, re.MULTILINE)[1])
    used = 1 + sum(len(es) for es in tree().values())      # "/" and the seeded entries
    if len(made) != inodes - 1 - used:                      # inode 0 is never used
        raise run.fail(f"expected {inodes - 1 - used} directories to fit ({inodes} inodes, "
                       f"inode 0 unused, {used} in use), saw {len(made)}")
    expect_error(run, cmds[3], o[3], "/new", message("E_FULL"))
    listed = [n for _, _, n in ls_rows(o[4])]
    if listed != [n for _, _, n in tree()["/"]] + [n[1:] for n in made]:
        raise run.fail(f"ls /: expected the seeded entries and {len(made)} new directories, "
                       f"saw {listed}")
    expect_out(run, "rm /n0 /n1", o[5], [])
    expect_out(run, "echo x > /new", o[6], [])
    expect_out(run, "cat /new", o[7], ["x"])


@grade(lab=6, points=10, title="bad input (long lines, many words, control characters, empty "
       "redirections) gives errors and the shell goes on")
def test_shell_bad_input(boot):
    words = " ".join(f"w{i}" for i in range(40))
    long_line = "echo " + "z" * 300
    bad = [(f"echo {words}", "too many words"),
           ("echo >", "needs a file name"),
           (">", "needs a file name"),
           (">>", "needs a file name"),
           ("echo a > /b > /c", "one '>'"),
           ("echo a > > /b", "needs a file name"),
           ("&", "needs a command"),
           ("echo a & b", "must end"),
           ("echo a &", "background"),
           ("kill x", "kill: x"),
           ("crash", "usage"),
           ("service frob", "usage")]
    cmds = [c for c, _ in bad] + [long_line, b"\x01\x02ec\x1bho\x7f\x7fho ctl\x03", "> /empty",
                                   "ls /empty", "\t echo \t tabs\t", "echo still here"]
    run, o = session(boot, *cmds)
    for (cmd, why), seen in zip(bad, o):
        expect_error(run, cmd, seen, why)
    n = len(bad)
    if len(o[n]) != 1 or not re.fullmatch(r"z{50,300}", o[n][0]):
        raise run.fail(f"typed a 305-byte echo: expected one line of z (cut by the console), "
                       f"saw {o[n]}")
    expect_out(run, "control characters", o[n + 1], ["ctl"])
    expect_out(run, "> /empty", o[n + 2], [])
    expect_out(run, "ls /empty", ls_rows(o[n + 3]), [("file", 0, "/empty")])
    expect_out(run, "tabs", o[n + 4], ["tabs"])
    expect_out(run, "echo still here", o[n + 5], ["still here"])
    if re.search(r"^(trap|panic|fault):", run.text, re.MULTILINE):
        raise run.fail("expected no fault, trap or panic lines")


# ---- programs --------------------------------------------------------------------

NO_PROC = "no process manager"


@grade(lab=6, points=10, title="a program runs by name with its arguments; exit status and "
       "faults are reported")
def test_shell_programs(boot):
    cmds = ["probe args one two", "probe exit 3", "probe exit 0", "nosuchprog x", "probe fault",
            "echo after"]
    run, o = session(boot, *cmds)
    if not has_process_manager():
        expect_error(run, cmds[0], o[0], "probe", NO_PROC)
        expect_out(run, "echo after", o[-1], ["after"])
        return
    expect_out(run, cmds[0], o[0], ["probe: argc=4", "probe: argv[0]=probe", "probe: argv[1]=args",
                                    "probe: argv[2]=one", "probe: argv[3]=two"])
    expect_error(run, cmds[1], o[1], "probe", "exit 3")
    expect_out(run, cmds[2], o[2], [])
    expect_error(run, cmds[3], o[3], "nosuchprog", "not found")
    if not o[4] or not re.search(r"^sh: probe: killed", o[4][-1]):
        raise run.fail(f"typed 'probe fault': expected 'sh: probe: killed ...', saw {o[4]}")
    expect_out(run, "echo after", o[-1], ["after"])


@grade(lab=6, points=5, title="a program's output goes into a file with >")
def test_shell_program_redirect(boot):
    cmds = ["probe lines 40 > /out", "cat /out", "probe args x >> /out", "ls /out"]
    run, o = session(boot, *cmds)
    if not has_process_manager():
        expect_error(run, cmds[0], o[0], "probe", NO_PROC)
        return
    lines = [f"line {i} of 40" for i in range(1, 41)]
    expect_out(run, cmds[0], o[0], [])
    expect_out(run, cmds[1], o[1], lines)
    expect_out(run, cmds[2], o[2], [])
    more = ["probe: argc=3", "probe: argv[0]=probe", "probe: argv[1]=args", "probe: argv[2]=x"]
    size = sum(len(s) + 1 for s in lines + more)
    expect_out(run, cmds[3], ls_rows(o[3]), [("file", size, "/out")])


@grade(lab=6, points=5, title="& runs a program in the background; kill ends it")
def test_shell_kill(boot):
    cmds = ["probe spin &", "ps", "kill 999", "echo"]
    if not has_process_manager():
        run, o = session(boot, *cmds)
        expect_error(run, cmds[0], o[0], "probe", NO_PROC)
        expect_error(run, cmds[2], o[2], "kill", NO_PROC)
        return
    with boot.start(SHELL) as m:
        m.expect(PROMPT)
        m.sendline("probe spin &")
        pid = m.expect(r"^\[(\d+)\] probe\r?$")[1]
        m.expect(PROMPT)
        m.sendline("ps")
        m.expect(rf"^\s*{pid}\s+\d+\s+running\s+\d+\s+\d+\s+probe\r?$")
        m.expect(PROMPT)
        m.sendline(f"kill {pid}")
        mark = m.size
        for _ in range(5):                  # the shell reports a job that ended at a prompt
            m.expect(PROMPT)
            if re.search(rf"^sh: \[{pid}\] probe: killed", m.since(mark).decode(), re.MULTILINE):
                break
            m.sendline("echo")
        else:
            raise m.finish(timeout=0).fail(f"expected 'sh: [{pid}] probe: killed' after kill {pid}")
        mark = m.size
        m.sendline("ps")
        m.expect(PROMPT)
        after = m.since(mark).decode()
        m.sendline("kill 999")
        m.expect(r"^sh: kill: 999: no such process")
        m.expect(PROMPT)
        m.sendline("halt")
        run = m.finish()
    run.assert_poweroff(0)
    if re.search(rf"^\s*{pid}\s.*probe", after, re.MULTILINE):
        raise run.fail(f"expected process {pid} gone from ps after kill, saw:\n{after}")
