"""Lab 6: the memory manager as a process (bin/mm) paging a spawned program.

One boot, init=mmproc (user/tests/lab5/mmroot.c): the root task starts bin/mm
with a frame piece and gives it its own address space (MM_INIT), spawns
bin/mmtest suspended with only the top of its stack mapped, registers it,
declares the rest of its stack demand-zero, makes bin/mm its fault handler and
starts it. mmtest runs lab 5's checks (user/tests/lab5/mmcheck.c) and, as only
a spawned program can, a deep stack and a malloc() heap that grows through the
memory manager (user/tests/lab5/mmtest.c).
"""
from __future__ import annotations

from grader.api import Boot, grade
from grader.tests.test_lab5_mm import (PAGE, abi, check_demand_zero, check_kill, check_limit,
                                       check_malformed, check_manager, check_reuse_zeroed,
                                       delta, expect_ops, key_values, lines_of, mmtest, one,
                                       shared, stat)

MMPROC = Boot(args="init=mmproc")


def proc_lines(run) -> list[str]:
    return lines_of(run, "mmproc")


@grade(lab=6, points=10, title="bin/mm pages a spawned program: demand-zero regions, zeroed "
       "reuse, limits, kills and malformed requests", boot=MMPROC)
def test_mmproc_checks(run):
    lines = proc_lines(run)
    if "mmtest: attached=1" not in lines:
        raise run.fail("expected the start-up code to find the memory manager at PROC_CAP_MM")
    for check in (check_demand_zero, check_reuse_zeroed, check_limit, check_kill,
                  check_malformed):
        check(run, lines)
    check_manager(run, lines, init=0)
    expect_ops(run, lines, "mmroot:", {"init_again": "E_EXIST"})
    if one(run, lines, "mmroot: mmtest ").get("status") != 0:
        raise run.fail("expected mmtest to go on to the end and exit with status 0")


@grade(lab=6, points=5, title="a spawned program's stack below its mapped top pages is "
       "demand-zero", boot=MMPROC)
def test_mmproc_stack(run):
    lines = proc_lines(run)
    expect_ops(run, lines, "mmroot:", {"add": 0, "alloc_stack": 0, "fault_handler": 0,
                                       "start": 0})
    start, after = stat(run, lines, "start"), stat(run, lines, "stack")
    stack, mapped = shared("MMTEST_STACK"), shared("MMTEST_MAPPED")
    if start["committed"] != stack - mapped or start["limit"] != shared("MMTEST_LIMIT"):
        raise run.fail(f"expected mmtest to start with its demand-zero stack committed "
                       f"({stack - mapped} pages) and limit {shared('MMTEST_LIMIT')}, saw {start}")
    depth, frame = mmtest("DEPTH"), mmtest("FRAME")
    least = depth * frame // PAGE - mapped
    faults, frames = delta(start, after, "faults"), delta(start, after, "frames")
    if faults < least or frames != faults:
        raise run.fail(f"expected {depth} stack frames of {frame} bytes to fault in at least "
                       f"{least} stack pages, one frame each; saw faults +{faults} frames "
                       f"+{frames}")
    want = sum(d + i for d in range(1, depth + 1) for i in range(frame // 512))
    got = one(run, lines, "mmtest: stack ")
    if got.get("sum") != want:
        raise run.fail(f"expected the deep stack's values to add up to {want}, saw {got}")
    spawned = [key_values(s) for s in lines if s.startswith("init: started mmtest ")]
    images = [key_values(s) for s in lines if s.startswith("init: started mm ")]
    if len(spawned) != 1 or len(images) != 1:
        raise run.fail(f"expected bin/mm and bin/mmtest started once each, saw {images} {spawned}")


@grade(lab=6, points=5, title="malloc grows a heap at USER_HEAP_BASE through the memory manager "
       "and returns NULL past the limit", boot=MMPROC)
def test_mmproc_heap(run):
    lines = proc_lines(run)
    base, top = abi("USER_HEAP_BASE"), abi("USER_HEAP_BASE") + abi("USER_HEAP_MAX")
    blocks, size = mmtest("BLOCKS"), mmtest("BLOCK_SIZE")
    heap = one(run, lines, "mmtest: heap ")
    if not (base <= int(heap.get("first", 0)) < top and base <= int(heap.get("last", 0)) < top):
        raise run.fail(f"expected malloc's blocks in [{base:#x}, {top:#x}), saw {heap}")
    if heap.get("mismatches") != 0:
        raise run.fail(f"expected the {blocks} blocks to keep their data, saw {heap}")
    before, after = stat(run, lines, "heap_before"), stat(run, lines, "heap_after")
    least = blocks * size // PAGE
    frames, faults = delta(before, after, "frames"), delta(before, after, "faults")
    if frames < least or faults != frames or after["committed"] < after["frames"]:
        raise run.fail(f"expected {blocks} blocks of {size} bytes to fault in at least {least} "
                       f"heap pages, one frame each, within the commitment; saw {before} then "
                       f"{after}")
    mallocs = {str(r["what"]): int(r["ptr"]) for r in
               (key_values(s) for s in lines if s.startswith("mmtest: malloc "))}
    if mallocs.get("big") != 0 or not base <= mallocs.get("small", 0) < top:
        raise run.fail(f"expected malloc of 2 MiB to return NULL past the limit and a small one "
                       f"to succeed from the heap, saw {mallocs}")
    limit_after, malloc_after = stat(run, lines, "limit_after"), stat(run, lines, "malloc_after")
    if malloc_after["committed"] != limit_after["committed"]:
        raise run.fail(f"expected the refused heap growth to commit nothing, saw {limit_after} "
                       f"then {malloc_after}")
