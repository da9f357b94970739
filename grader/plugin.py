"""The pytest plugin behind `python -m grader` (loaded with -p grader.plugin).

Markers (set by grader.api.grade, or by hand):
  @pytest.mark.lab(N)  @pytest.mark.points(P)  @pytest.mark.title("...")
  @pytest.mark.boot(Boot(...))   the boot the `run` fixture provides
Fixtures:
  boot     boot(args=..., mem=..., timeout=..., emu_opts=..., until=...) -> Run
           (or boot(Boot(...))); equal boots are run once per worker;
           boot.start(...) -> context manager yielding an interactive Machine
  run      the finished Run of the test's @grade(boot=...)
  grading  the session: emulator, build paths, symbols
Options: --emu, --build-dir, --grade-dir, --lab, --grade-test, --timeout-scale.

Every boot's transcript is saved as <grade-dir>/transcripts/<test>.txt.
The controlling process collects one TestResult per test into
<grade-dir>/tests.json (rewritten as tests finish, so a run killed midway
still leaves partial results).
"""
from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import os
import re
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from grader.emulator import Backend, backend
from grader.machine import Boot, Machine, Run
from grader.match import GradeFailure
from grader.results import TestResult, gradescope, save_results, write_json
from grader.symbols import Symbols

DEFAULT_TEST_TIMEOUT = 300.0     # hard per-test limit when a test names none


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("mica", "Mica grader")
    g.addoption("--emu", default="qemu", choices=["qemu", "bochs"], help="emulator to boot")
    g.addoption("--build-dir", default="build", help="where kernel.elf, mica.iso, kernel.sym are")
    g.addoption("--grade-dir", default=None, help="output directory (default BUILD/grade)")
    g.addoption("--lab", default=None, help="only these labs: 2, 1,2 or 1-3")
    g.addoption("--grade-test", default=None,
                help="only tests with these names (comma-separated, globs allowed)")
    g.addoption("--timeout-scale", type=float,
                default=float(os.environ.get("MICA_TIMEOUT_SCALE", "1")),
                help="multiply every timeout (slow machines)")


def pytest_configure(config: pytest.Config) -> None:
    for line in ("lab(n): the lab a graded test belongs to",
                 "points(p): what a graded test is worth",
                 "title(text): one line saying what a graded test checks",
                 "boot(spec): the grader.machine.Boot whose run the `run` fixture gives",
                 "visibility(v): Gradescope visibility of the result (hidden tests)"):
        config.addinivalue_line("markers", line)
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Collector(config), "mica-collector")


# ---- naming and selection -------------------------------------------------

def test_name(item: pytest.Item) -> str:
    """The name a student types after T=: the function name without test_."""
    name = item.name.removeprefix("test_")
    return re.sub(r"[^\w.\-\[\]]", "_", name)


def parse_labs(spec: str) -> set[int]:
    """'2' -> {2}; '1,3' -> {1, 3}; '1-3' -> {1, 2, 3}."""
    labs: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            labs.update(range(int(lo), int(hi or lo) + 1))
        except ValueError:
            raise pytest.UsageError(f"--lab: not a lab number or range: {part!r}") from None
    return labs


def _marker_arg(item: pytest.Item, name: str):
    mark = item.get_closest_marker(name)
    return mark.args[0] if mark and mark.args else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:      # an authoring error: report it as lab 0 (python -m grader refuses)
        if _marker_arg(item, "lab") is None or _marker_arg(item, "points") is None:
            item.add_marker(pytest.mark.lab(UNDECLARED_LAB))
            item.add_marker(pytest.mark.points(0))
            item.add_marker(pytest.mark.usefixtures("_undeclared"))
    labs = parse_labs(config.getoption("--lab")) if config.getoption("--lab") else None
    names = [n.strip().removeprefix("test_") for n in
             (config.getoption("--grade-test") or "").split(",") if n.strip()]
    keep, drop = [], []
    for i, item in enumerate(items):
        item.stash[INDEX] = i
        ok = (labs is None or _marker_arg(item, "lab") in labs) and \
             (not names or any(fnmatch.fnmatchcase(test_name(item), n) for n in names))
        (keep if ok else drop).append(item)
        if ok and item.get_closest_marker("timeout") is None:
            scale = config.getoption("--timeout-scale") * backend(config.getoption("--emu")).time_factor
            item.add_marker(pytest.mark.timeout(DEFAULT_TEST_TIMEOUT * scale))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


INDEX = pytest.StashKey[int]()
UNDECLARED_LAB = 0


@pytest.fixture
def _undeclared(request: pytest.FixtureRequest) -> None:
    pytest.fail(f"{request.node.nodeid} does not declare @grade(lab=..., points=..., title=...)",
                pytrace=False)


# ---- reports ---------------------------------------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    report.user_properties += [("mica.name", test_name(item)),
                               ("mica.lab", _marker_arg(item, "lab")),
                               ("mica.points", _marker_arg(item, "points")),
                               ("mica.title", _marker_arg(item, "title") or item.name),
                               ("mica.index", item.stash.get(INDEX, 0)),
                               ("mica.visibility", _marker_arg(item, "visibility") or "visible")]
    exc = call.excinfo
    if exc is None or not report.failed:
        return
    if exc.errisinstance(GradeFailure):
        report.longrepr = str(exc.value)            # the explanation, not a traceback
    elif exc.typename == "Failed" and str(exc.value).startswith("Timeout"):
        report.longrepr = (f"the test did not finish in time ({exc.value}); "
                           "its boots' own timeouts should have ended it first")


XDIST_HEADER = re.compile(r"^\[gw\d+\] \w+ -- Python .*\n", re.MULTILINE)


class Collector:
    """In the controlling process: merge each test's phase reports into one
    TestResult and keep <grade-dir>/tests.json current."""

    def __init__(self, config: pytest.Config) -> None:
        self.path = grade_dir(config) / "tests.json"
        self.gradescope = grade_dir(config) / "results.json"
        self.started = time.monotonic()
        self.pending: dict[str, TestResult] = {}
        self.done: list[TestResult] = []
        self.verbose = config.getoption("verbose") > 0

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        save_results(self.path, [])

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(p for p in report.user_properties if p[0].startswith("mica."))
        if "mica.name" not in props:
            return
        r = self.pending.get(report.nodeid)
        if r is None:
            r = self.pending[report.nodeid] = TestResult(
                name=props["mica.name"], lab=int(props["mica.lab"]), title=props["mica.title"],
                max_score=float(props["mica.points"]), passed=True, nodeid=report.nodeid,
                index=int(props.get("mica.index", 0)),
                visibility=str(props.get("mica.visibility", "visible")))
        r.seconds += report.duration
        for key, value in report.user_properties:
            if key == "mica.transcript" and value not in r.transcripts:
                r.transcripts.append(value)
        if report.failed:
            r.passed = False
            phase = "" if report.when == "call" else f"(in test {report.when}) "
            text = XDIST_HEADER.sub("", report.longreprtext).strip()
            r.output += ("\n" if r.output else "") + phase + text
        if report.when == "teardown":
            self.finish(report.nodeid)

    def finish(self, nodeid: str) -> None:
        r = self.pending.pop(nodeid)
        self.done.append(r)
        save_results(self.path, self.done)
        # Partial results, in case the whole run is killed (Gradescope's limit).
        write_json(self.gradescope, gradescope(self.done, time.monotonic() - self.started,
                                               "partial results: the run did not finish"))
        mark = "PASS" if r.passed else "FAIL"
        print(f"[{len(self.done)}] lab{r.lab} {r.name} {mark} {r.seconds:.1f}s",
              file=sys.stderr, flush=True)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for nodeid in list(self.pending):       # e.g. a crashed worker: no teardown report
            self.finish(nodeid)


# ---- fixtures ---------------------------------------------------------------

def grade_dir(config: pytest.Config) -> Path:
    d = config.getoption("--grade-dir")
    return Path(d) if d else Path(config.getoption("--build-dir")) / "grade"


@dataclasses.dataclass
class Grading:
    """One worker's grading session: where things are, and the boots run so far."""
    emu: Backend
    iso: Path
    symbols: Symbols
    transcripts: Path
    time_scale: float
    cache: dict[Boot, Run] = dataclasses.field(default_factory=dict)


@pytest.fixture(scope="session")
def grading(pytestconfig: pytest.Config) -> Grading:
    build = Path(pytestconfig.getoption("--build-dir"))
    iso = build / "mica.iso"
    if not iso.exists():
        pytest.exit(f"{iso} is missing: run make first", returncode=4)
    transcripts = grade_dir(pytestconfig) / "transcripts"
    transcripts.mkdir(parents=True, exist_ok=True)
    return Grading(backend(pytestconfig.getoption("--emu")), iso,
                   Symbols.load(build / "kernel.sym", build / "kernel.elf"), transcripts,
                   pytestconfig.getoption("--timeout-scale"))


class BootFn:
    """The `boot` fixture: boots for one test, saving each transcript."""

    def __init__(self, grading: Grading, item: pytest.Item) -> None:
        self.grading = grading
        self.item = item
        self.count = 0

    def spec(self, spec: Boot | str | None = None, **kw) -> Boot:
        if isinstance(spec, Boot):
            return dataclasses.replace(spec, **kw) if kw else spec
        if spec is not None:
            kw["args"] = spec
        return Boot(**kw)

    def _save(self, text: str) -> Path:
        self.count += 1
        suffix = "" if self.count == 1 else f".{self.count}"
        path = self.grading.transcripts / f"{test_name(self.item)}{suffix}.txt"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        shown = os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
        self.item.user_properties.append(("mica.transcript", shown))
        return path

    def machine(self, spec: Boot) -> Machine:
        g = self.grading
        return Machine(g.emu, spec, g.iso, symbols=g.symbols, time_scale=g.time_scale)

    def __call__(self, spec: Boot | str | None = None, **kw) -> Run:
        """Boot (or reuse an equal earlier boot) and return the finished Run."""
        spec = self.spec(spec, **kw)
        run = self.grading.cache.get(spec)
        if run is None:
            with self.machine(spec) as m:
                run = m.finish()
            self.grading.cache[spec] = run
        return dataclasses.replace(run, transcript=self._save(run.text))

    @contextlib.contextmanager
    def start(self, spec: Boot | str | None = None, **kw) -> Iterator[Machine]:
        """An interactive boot: expect()/send() on the Machine, then finish()."""
        m = self.machine(self.spec(spec, **kw))
        try:
            m.start()
            yield m
        finally:
            m.stop()
            self._save(m.text)


@pytest.fixture
def boot(grading: Grading, request: pytest.FixtureRequest) -> BootFn:
    return BootFn(grading, request.node)


@pytest.fixture
def run(boot: BootFn, request: pytest.FixtureRequest) -> Run:
    spec = _marker_arg(request.node, "boot")
    if spec is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the `run` fixture needs @grade(boot=Boot(...))")
    return boot(spec)
