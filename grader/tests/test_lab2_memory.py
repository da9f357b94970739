"""Lab 2: physical memory, page tables, kernel objects.

Each test boots a `ktest=NAME` self test (kernel/tests/ktest_mem.c) and
checks the values it printed against what they must be: the memory size
given to the emulator, the ranges the allocator must avoid, the addresses
the fault tests announced before touching them, and the error codes of
<mica/error.h>.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from grader.abi import err
from grader.api import Boot, Run, assert_lines_match, grade, key_values, value

PAGE = 4096
KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30
# Firmware keeps a little RAM for itself (EBDA, ACPI tables at the top).
FIRMWARE_SLACK = 4 * MIB


# ---- reading the transcript -------------------------------------------------

@dataclass(frozen=True)
class Region:
    base: int
    length: int
    type: int = 1

    @property
    def end(self) -> int:
        return self.base + self.length


def usable_regions(run: Run) -> list[Region]:
    """The cleaned map the kernel printed at boot (`mem: region ...` lines)."""
    rx = re.compile(r"^mem: region base=(0x[0-9a-f]+) len=(0x[0-9a-f]+) type=usable$")
    return [Region(int(m[1], 16), int(m[2], 16)) for m in map(rx.match, run.lines) if m]


def usable_kib(run: Run) -> int:
    m = re.search(r"^mem: usable=(\d+) KiB total in (\d+) regions$", run.text, re.MULTILINE)
    if m is None:
        raise run.fail("MISSING the summary line 'mem: usable=<KiB> KiB total in <n> regions'")
    return int(m[1])


def raw_regions(run: Run, test: str = "mem") -> list[Region]:
    """The firmware's map as the mem ktest echoed it (or a test's made-up map)."""
    out = []
    for line in run.ktest(test):
        if line.startswith("raw "):
            kv = key_values(line)
            out.append(Region(int(kv["base"]), int(kv["len"]), int(kv["type"])))
    return out


def ranges(lines: list[str], prefix: str) -> dict[str, tuple[int, int]]:
    """`prefix name=0xSTART-0xEND` lines as {name: (start, end)}."""
    out = {}
    for line in lines:
        m = re.match(rf"^{prefix} (\w+)=(0x[0-9a-f]+)-(0x[0-9a-f]+)$", line)
        if m:
            out[m[1]] = (int(m[2], 16), int(m[3], 16))
    return out


@dataclass
class Trap:
    vector: int
    err: int
    rip: int
    rsp: int
    cr2: int | None


def trap_report(run: Run) -> Trap:
    """The first exception dump in the transcript."""
    m = re.search(r"^trap: vector (\d+) .*$", run.text, re.MULTILINE)
    if m is None:
        raise run.fail("expected an exception report ('trap: vector N ...'), saw none")
    kv = key_values(m[0])
    cr2 = re.search(r"^trap: cr2=(0x[0-9a-f]+)", run.text, re.MULTILINE)
    return Trap(int(m[1]), int(kv["err"]), int(kv["rip"]), int(kv["rsp"]),
                int(cr2[1], 16) if cr2 else None)


def check(run: Run, ok: bool, what: str) -> None:
    if not ok:
        raise run.fail(what)


# ---- the memory map ---------------------------------------------------------

def check_map(run: Run, mem_bytes: int) -> list[Region]:
    """The cleaned map is sorted, disjoint, page-aligned, adds up to the summary
    line, and its total is the emulator's memory size less firmware areas."""
    run.assert_poweroff(0)
    regions = usable_regions(run)
    total = usable_kib(run)
    check(run, bool(regions), "expected 'mem: region ... type=usable' lines, saw none")
    for r in regions:
        check(run, r.base % PAGE == 0 and r.length % PAGE == 0 and r.length > 0,
              f"region {r.base:#x}+{r.length:#x} is not whole, non-empty pages")
    for a, b in zip(regions, regions[1:]):
        check(run, a.end < b.base, f"regions {a.base:#x}-{a.end:#x} and {b.base:#x}-{b.end:#x} "
                                   "overlap, touch without merging, or are unsorted")
    summed = sum(r.length for r in regions) // KIB
    check(run, summed == total, f"the regions add up to {summed} KiB but the summary says {total} KiB")
    low = (mem_bytes - FIRMWARE_SLACK) // KIB
    check(run, low <= total <= mem_bytes // KIB,
          f"with {mem_bytes // MIB} MiB of RAM expected between {low} and {mem_bytes // KIB} KiB "
          f"usable, saw {total} KiB")
    return regions


def check_against_raw(run: Run, regions: list[Region]) -> None:
    """Every cleaned region lies in firmware-usable memory and touches no
    reserved region."""
    raw = raw_regions(run)
    for r in regions:
        inside = any(u.type == 1 and u.base <= r.base and r.end <= u.end for u in raw)
        check(run, inside, f"usable region {r.base:#x}-{r.end:#x} is not inside any usable "
                           f"region of the firmware's map")
        for x in raw:
            if x.type != 1 and x.base < r.end and r.base < x.end:
                raise run.fail(f"usable region {r.base:#x}-{r.end:#x} overlaps reserved "
                               f"{x.base:#x}-{x.end:#x} (type {x.type})")


def expected_map(raw: list[Region]) -> list[Region]:
    """The cleaned map worked out here from the firmware's map, the slow way:
    page by page wherever a usable region says so and no other region objects."""
    usable = set()
    for r in raw:
        if r.type == 1:
            usable.update(range(-(-r.base // PAGE), (r.base + r.length) // PAGE))
    # A reserved region takes every page it touches, even partly.
    for r in raw:
        if r.type != 1 and r.length:
            usable.difference_update(range(r.base // PAGE, -(-(r.base + r.length) // PAGE)))
    out: list[Region] = []
    for page in sorted(usable):
        if out and out[-1].end == page * PAGE:
            out[-1] = Region(out[-1].base, out[-1].length + PAGE)
        else:
            out.append(Region(page * PAGE, PAGE))
    return out


def check_exact(run: Run, regions: list[Region]) -> None:
    """The kernel's cleaned map is exactly the one worked out from its raw map."""
    want = expected_map(raw_regions(run))
    if regions != want:
        show = lambda rs: ", ".join(f"{r.base:#x}-{r.end:#x}" for r in rs)
        raise run.fail(f"from the firmware's map expected usable regions {show(want)}\n"
                       f"the kernel printed {show(regions)}")


MEM_128 = Boot(args="ktest=mem", mem="128M")
MEM_512 = Boot(args="ktest=mem", mem="512M")
MEM_3G = Boot(args="ktest=mem", mem="3G", timeout=60)
MEM_4G = Boot(args="ktest=mem", mem="4G", timeout=60)


@grade(lab=2, points=10, title="usable memory follows the emulator's memory size")
def test_memory_size(boot):
    for mem, size in (("128M", 128 * MIB), ("512M", 512 * MIB)):
        run = boot(MEM_128 if mem == "128M" else MEM_512)
        regions = check_map(run, size)
        check_against_raw(run, regions)
        check_exact(run, regions)


@grade(lab=2, points=5, title="memory around the PCI hole (3 GiB and 4 GiB)")
def test_memory_hole(boot):
    """QEMU moves RAM past 3 GiB to above 4 GiB; Bochs's BIOS reports only the
    part below the hole. Either way the kernel must keep exactly what the
    firmware's map offers, and at least the 3 GiB below the hole."""
    for spec, size in ((MEM_3G, 3 * GIB), (MEM_4G, 4 * GIB)):
        run = boot(spec)
        run.assert_poweroff(0)
        regions = usable_regions(run)
        check_exact(run, regions)
        total = usable_kib(run)
        low = (3 * GIB - FIRMWARE_SLACK) // KIB
        check(run, low <= total <= size // KIB,
              f"with {size // MIB} MiB of RAM expected {low}..{size // KIB} KiB usable, saw {total}")
        for r in regions:
            check(run, not (r.base < 4 * GIB and r.end > 3 * GIB + GIB // 2),
                  f"usable region {r.base:#x}-{r.end:#x} runs into the PCI hole below 4 GiB")


@grade(lab=2, points=5, title="memory map cleaning: overlaps, holes, unaligned and tiny regions")
def test_memmap_cases(boot):
    run = boot(Boot(args="ktest=memmap"))
    run.assert_poweroff(0)
    lines = run.ktest("memmap")
    got = [Region(int(kv["base"]), int(kv["len"])) for kv in map(key_values, lines)
           if "base" in kv and "type" not in kv]
    want = expected_map(raw_regions(run, "memmap"))
    if got != want:
        show = lambda rs: ", ".join(f"{r.base:#x}-{r.end:#x}" for r in rs)
        raise run.fail(f"expected usable regions {show(want)}\nmemmap_clean() gave {show(got)}")


# ---- the frame allocator ----------------------------------------------------

PMM = Boot(args="ktest=pmm")


@grade(lab=2, points=10, title="frames are distinct and never forbidden memory", boot=PMM)
def test_pmm_frames(run):
    run.assert_poweroff(0)
    lines = run.ktest("pmm")
    forbidden = ranges(lines, "forbidden")
    for name in ("lowmem", "kernel", "mbi"):
        check(run, name in forbidden, f"MISSING 'forbidden {name}=START-END'")
    frames = [int(w, 16) for line in lines if line.startswith("frames ")
              for w in line.split()[1:]]
    check(run, len(frames) == 256, f"expected 256 frame addresses, saw {len(frames)}")
    dups = sorted({f for f in frames if frames.count(f) > 1})
    check(run, not dups, f"frames handed out twice: {', '.join(map(hex, dups[:8]))}")
    usable = usable_regions(run)
    for f in frames:
        check(run, f % PAGE == 0 and f != 0, f"frame {f:#x} is not a non-null page address")
        for name, (start, end) in forbidden.items():
            check(run, not (start <= f < end),
                  f"frame {f:#x} lies in forbidden range {name} {start:#x}-{end:#x}")
        check(run, any(r.base <= f and f + PAGE <= r.end for r in usable),
              f"frame {f:#x} is not in usable memory")
    check(run, value(lines, "overwritten") == 0,
          "a frame written with its own address read back something else (frames overlap)")


@grade(lab=2, points=10, title="free counts add up through alloc, free and exhaustion", boot=PMM)
def test_pmm_counts(run):
    run.assert_poweroff(0)
    lines = run.ktest("pmm")
    before, total = value(lines, "free_before"), value(lines, "total")
    check(run, 0 < before <= total <= usable_kib(run) // 4,
          f"expected 0 < free ({before}) <= total ({total}) <= usable pages ({usable_kib(run) // 4})")
    expect = {"free_after_alloc": before - 256, "free_after_free": before,
              "free_after_cycles": before, "drained": before, "free_at_oom": 0,
              "alloc_at_oom": 0, "free_after_drain": before}
    for key, want in expect.items():
        got = value(lines, key)
        check(run, got == want, f"expected {key}={want}, saw {key}={got}")
    run16 = value(lines, "run16")
    check(run, run16 % PAGE == 0 and run16 != 0, f"pmm_alloc_run(16) gave {run16:#x}")


@grade(lab=2, points=5, title="a double free of a frame panics")
def test_pmm_double_free(boot):
    run = boot(Boot(args="ktest=pmm_double_free"))
    frame = value(run.text, "frame")
    run.assert_panic(rf"double free.*{frame:#x}")
    assert_lines_match(run.text, no=[r"^survived=1$"])


@grade(lab=2, points=5, title="freeing a kernel-image frame panics")
def test_pmm_bad_free(boot):
    run = boot(Boot(args="ktest=pmm_bad_free"))
    frame = value(run.text, "frame")
    run.assert_panic(rf"{frame:#x}")
    assert_lines_match(run.text, no=[r"^survived=1$"])


# ---- page tables --------------------------------------------------------------

PF = 14
DF = 8
PF_PRESENT, PF_WRITE, PF_FETCH = 0x1, 0x2, 0x10


def check_fault(run: Run, addr: int, bits: int, what: str) -> Trap:
    t = trap_report(run)
    check(run, t.vector == PF, f"{what}: expected a page fault (vector 14), saw vector {t.vector}")
    check(run, t.cr2 == addr, f"{what}: expected CR2={addr:#x}, saw "
                              f"{'none' if t.cr2 is None else hex(t.cr2)}")
    check(run, t.err & bits == bits, f"{what}: expected error code bits {bits:#x}, saw err={t.err:#x}")
    run.assert_panic(r"vector 14")
    return t


@grade(lab=2, points=10, title="W^X: writing kernel text faults")
def test_wx_text(boot):
    run = boot(Boot(args="ktest=wx_text"))
    addr = value(run.text, "addr")
    check_fault(run, addr, PF_PRESENT | PF_WRITE, "write to kernel text")


@grade(lab=2, points=5, title="W^X: writing rodata faults")
def test_wx_rodata(boot):
    run = boot(Boot(args="ktest=wx_rodata"))
    check_fault(run, value(run.text, "addr"), PF_PRESENT | PF_WRITE, "write to rodata")


@grade(lab=2, points=5, title="W^X: the direct map's view of kernel text is read-only")
def test_wx_alias(boot):
    run = boot(Boot(args="ktest=wx_alias"))
    check_fault(run, value(run.text, "addr"), PF_PRESENT | PF_WRITE, "write to text via the direct map")


@grade(lab=2, points=10, title="NX: executing kernel data faults")
def test_nx_data(boot):
    run = boot(Boot(args="ktest=nx_data"))
    addr = value(run.text, "addr")
    t = check_fault(run, addr, PF_PRESENT | PF_FETCH, "call into .data")
    check(run, t.rip == addr, f"expected the fault at rip={addr:#x}, saw rip={t.rip:#x}")


def check_guard(run: Run, lo: int, hi: int) -> None:
    """A stack overflow ran into [lo, hi): a #PF there, or the #DF it becomes
    when the CPU cannot push the #PF frame, with the stack pointer there."""
    t = trap_report(run)
    if t.vector == PF:
        check(run, t.cr2 is not None and lo <= t.cr2 < hi,
              f"expected the page fault in the guard page {lo:#x}-{hi:#x}, saw CR2={t.cr2}")
    elif t.vector == DF:
        check(run, lo <= t.rsp < hi,
              f"expected the double fault with rsp in the guard page {lo:#x}-{hi:#x}, "
              f"saw rsp={t.rsp:#x}")
    else:
        raise run.fail(f"expected vector 14 or 8 for a stack overflow, saw vector {t.vector}")
    run.assert_panic()
    assert_lines_match(run.text, no=[r"^returned=1$"])


@grade(lab=2, points=10, title="a boot stack overflow hits the guard page")
def test_guard(boot):
    run = boot(Boot(args="ktest=guard", timeout=10))
    check_guard(run, value(run.text, "guard"), value(run.text, "guard_end"))


@grade(lab=2, points=5, title="a kernel stack overflow hits its guard")
def test_kstack_guard(boot):
    run = boot(Boot(args="ktest=kstack_guard"))
    check_guard(run, value(run.text, "guard"), value(run.text, "guard_end"))


LAYOUT = Boot(args="ktest=vmlayout")


@grade(lab=2, points=10, title="kernel mappings: W^X, guard unmapped, nothing low", boot=LAYOUT)
def test_vmlayout(run):
    run.assert_poweroff(0)
    lines = run.ktest("vmlayout")
    seen = {line.split()[0]: key_values(line) for line in lines if " va=" in line}
    nx = value(lines, "nx") == 1
    want = {"text": "r-x-", "rodata": "r---" if nx else "r-x-", "data": "rw--" if nx else "rwx-",
            "bss": "rw--" if nx else "rwx-", "stack": "rw--" if nx else "rwx-",
            "direct_1m": "rw--" if nx else "rwx-", "direct_text": "r---" if nx else "r-x-"}
    for name, flags in want.items():
        got = seen.get(name, {})
        check(run, got.get("rc") == 0 and got.get("flags") == flags,
              f"{name}: expected a mapping with flags {flags}, saw {got or 'nothing'}")
    for name in ("guard", "low_null", "low_1m", "low_kernel"):
        got = seen.get(name, {})
        check(run, got.get("rc") == err("E_NOENT"),
              f"{name} ({got.get('va', 0):#x}): expected no mapping (rc={err('E_NOENT')}), saw {got}")
    check(run, seen["direct_1m"].get("pa") == 0x100000,
          f"expected DIRECT_MAP+1 MiB to map physical 0x100000, saw {seen['direct_1m']}")
    check(run, seen["text"].get("pa") == seen["text"]["va"] - 0xFFFFFFFF80000000,
          f"expected kernel text at physical va-KERNEL_VMA, saw {seen['text']}")


VMMAP = Boot(args="ktest=vmmap")


@grade(lab=2, points=10, title="vm_map, vm_lookup, vm_unmap and their errors", boot=VMMAP)
def test_vmmap(run):
    run.assert_poweroff(0)
    lines = run.ktest("vmmap")
    frame = value(lines, "frame")
    expect = {"map": 0, "lookup": 0, "pa": frame + 0x123, "map_again": err("E_EXIST"),
              "map_kernel_half": err("E_INVAL"), "map_direct": err("E_INVAL"),
              "map_noncanonical": err("E_INVAL"), "map_null_page": err("E_INVAL"),
              "map_unaligned_va": err("E_INVAL"), "map_unaligned_pa": err("E_INVAL"),
              "map_bad_flags": err("E_INVAL"), "map_huge_pa": err("E_INVAL"),
              "map_kernel_space": err("E_INVAL"), "map_no_space": err("E_INVAL"),
              "through_mapping": 0x600DF00D, "kernel_sees_user_page": err("E_NOENT"),
              "unmap": 0, "unmap_again": err("E_NOENT"), "lookup_after_unmap": err("E_NOENT"),
              "unmap_kernel": err("E_INVAL"), "lookup_noncanonical": err("E_INVAL")}
    for key, want in expect.items():
        got = value(lines, key)
        check(run, got == want, f"expected {key}={want:#x} ({want}), saw {key}={got:#x} ({got})")
    assert_lines_match(lines, r"^lookup=0 pa=\S+ flags=rw-u$")
    start, end = value(lines, "frames_start"), value(lines, "frames_end")
    check(run, start == end, f"101 address spaces made and freed: free frames {start} -> {end}")


@grade(lab=2, points=5, title="kernel stacks are reclaimed")
def test_kstack(boot):
    run = boot(Boot(args="ktest=kstack"))
    run.assert_poweroff(0)
    lines = run.ktest("kstack")
    for what in ("stacks", "frames"):
        a, b = value(lines, f"{what}_start"), value(lines, f"{what}_end")
        check(run, a == b, f"after 1,024 stack alloc/free cycles expected {what} {a}, saw {b}")
    first, second = value(lines, "first"), value(lines, "second")
    check(run, second - first >= 16 * KIB + 16 * KIB,
          f"stacks at {first:#x} and {second:#x} leave no room for a guard between them")


# ---- kernel objects -----------------------------------------------------------

KMEM = Boot(args="ktest=kmem")


def cache_line(run: Run, lines: list[str], when: str) -> dict:
    for line in lines:
        if line.startswith(when + " cache=ktest "):
            return key_values(line)
    raise run.fail(f"MISSING the '{when} cache=ktest ...' line")


@grade(lab=2, points=10, title="object cache counters follow allocs and frees", boot=KMEM)
def test_kmem_counters(run):
    run.assert_poweroff(0)
    lines = run.ktest("kmem")
    size = cache_line(run, lines, "start")["size"]
    expect = {"start": (0, 0, 0), "allocated": (1000, 1000, 0),
              "half_freed": (500, 1000, 500), "freed": (0, 1000, 1000)}
    for when, (inuse, allocs, frees) in expect.items():
        c = cache_line(run, lines, when)
        got = (c["inuse"], c["allocs"], c["frees"])
        check(run, got == (inuse, allocs, frees),
              f"{when}: expected inuse/allocs/frees {inuse}/{allocs}/{frees}, saw {got}")
    pages = cache_line(run, lines, "allocated")["pages"]
    check(run, 1000 * size / PAGE <= pages <= 1000,
          f"1000 objects of {size} bytes in {pages} pages: impossible")
    check(run, cache_line(run, lines, "start")["pages"] == cache_line(run, lines, "freed")["pages"],
          "the cache keeps pages after every object was freed")
    check(run, value(lines, "overwritten") == 0, "objects overlap: a fill pattern was overwritten")


@grade(lab=2, points=5, title="kmalloc returns memory, and all of it comes back", boot=KMEM)
def test_kmalloc(run):
    run.assert_poweroff(0)
    lines = run.ktest("kmem")
    check(run, value(lines, "kmalloc_zero") == 0 and value(lines, "kmalloc_huge") == 0,
          "kmalloc(0) and kmalloc(1 TiB) must return NULL")
    dump = [key_values(line) for line in lines if line.startswith("kmem: cache=kmalloc-")]
    final = {d["cache"]: d for d in dump}          # the last dump wins
    check(run, len(final) >= 7, f"expected kmalloc caches in kmem_dump(), saw {sorted(final)}")
    used = {d["cache"] for d in dump if d["inuse"] > 0}
    check(run, len(used) >= 5, f"10 sizes from 1 to 70000 bytes used only caches {sorted(used)}")
    for name, d in final.items():
        check(run, d["inuse"] == 0 and d["allocs"] == d["frees"] and d["pages"] == 0,
              f"after kfree of everything expected {name} inuse=0 pages=0, saw {d}")
    start, end = value(lines, "frames_start"), value(lines, "frames_end")
    check(run, start == end, f"free frames {start} before the kmem test, {end} after")


@grade(lab=2, points=5, title="a double kfree panics")
def test_kmem_double_free(boot):
    run = boot(Boot(args="ktest=kmem_double_free"))
    obj = value(run.text, "object")
    run.assert_panic(rf"double free.*{obj:#x}")
    assert_lines_match(run.text, no=[r"^survived=1"])
