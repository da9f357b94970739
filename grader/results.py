"""Test results and the files made from them: the summary table printed by
`python -m grader`, Gradescope's results.json and a JUnit XML report.

A TestResult is plain data (JSON-ready), built by the pytest plugin from
test reports; everything here is a pure function of a list of them.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class TestResult:
    __test__ = False            # not a pytest test class
    name: str                   # e.g. banner_first_line (what T= takes)
    lab: int
    title: str
    max_score: float
    passed: bool
    seconds: float = 0.0
    output: str = ""            # why it failed ('' when it passed)
    transcripts: list[str] = field(default_factory=list)
    nodeid: str = ""
    index: int = 0              # collection order, for a stable listing
    visibility: str = "visible"     # Gradescope: visible, hidden, after_due_date, after_published

    @property
    def score(self) -> float:
        return self.max_score if self.passed else 0.0

    @classmethod
    def from_dict(cls, d: dict) -> "TestResult":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def ordered(results: list[TestResult]) -> list[TestResult]:
    return sorted(results, key=lambda r: (r.lab, r.index, r.name))


def _num(x: float) -> str:
    return f"{x:g}"


def totals(results: list[TestResult]) -> tuple[float, float]:
    return sum(r.score for r in results), sum(r.max_score for r in results)


def summary_lines(results: list[TestResult], rerun: str = "make grade T={name}") -> list[str]:
    """The report printed at the end of a run; the last line is `Score: X/Y`."""
    results = ordered(results)
    width = max([len(r.name) for r in results] + [20])
    out: list[str] = []
    labs = sorted({r.lab for r in results})
    for lab in labs:
        mine = [r for r in results if r.lab == lab]
        for r in mine:
            pts = f"{_num(r.score)}/{_num(r.max_score)}"
            out.append(f"lab{r.lab} {r.name:<{width}} {pts:>7} {r.seconds:6.1f}s  "
                       f"{'PASS' if r.passed else 'FAIL'}  {r.title}")
        got, total = totals(mine)
        out.append(f"lab{lab} subtotal: {_num(got)}/{_num(total)}")
        out.append("")
    failed = [r for r in results if not r.passed]
    for r in failed:
        out.append(f"FAIL lab{r.lab} {r.name}: {r.title}")
        out += ["    " + line for line in r.output.rstrip().splitlines()]
        out.append(f"    rerun: {rerun.format(name=r.name)}")
        for t in r.transcripts:
            out.append(f"    transcript: {t}")
        out.append("")
    got, total = totals(results)
    out.append(f"grade: {len(results) - len(failed)} passed, {len(failed)} failed")
    out.append(f"Score: {_num(got)}/{_num(total)}")
    return out


def gradescope(results: list[TestResult], seconds: float, output: str = "") -> dict:
    """Gradescope's results.json content."""
    results = ordered(results)
    got, _ = totals(results)
    tests = []
    for i, r in enumerate(results, 1):
        text = r.output
        if r.transcripts:
            text += ("\n" if text else "") + "\n".join(f"transcript: {t}" for t in r.transcripts)
        tests.append({
            "name": f"lab{r.lab} {r.name}: {r.title}",
            "number": f"{r.lab}.{i}",
            "score": r.score,
            "max_score": r.max_score,
            "status": "passed" if r.passed else "failed",
            "output": text,
            "tags": [f"lab{r.lab}"],
            "visibility": r.visibility,
            "extra_data": {"test": r.name, "seconds": round(r.seconds, 2)},
        })
    return {"score": got, "execution_time": round(seconds, 2), "output": output,
            "output_format": "text", "visibility": "visible", "stdout_visibility": "visible",
            "tests": tests}


def classroom(results: list[TestResult]) -> dict:
    """GitHub Classroom's autograding result (what autograding-command-grader
    emits, before base64), one entry per test."""
    results = ordered(results)
    got, total = totals(results)
    return {"version": 1, "status": "pass" if got == total else "fail", "max_score": total,
            "tests": [{"name": f"lab{r.lab} {r.name}", "status": "pass" if r.passed else "fail",
                       "score": r.score, "message": r.output or None,
                       "test_code": f"make grade T={r.name}", "filename": r.nodeid.split("::")[0],
                       "line_no": None, "duration": round(r.seconds * 1000)} for r in results]}


def junit_xml(results: list[TestResult], seconds: float) -> str:
    """A JUnit XML report: one testsuite per lab."""
    results = ordered(results)
    root = ET.Element("testsuites", name="mica", tests=str(len(results)),
                      failures=str(sum(not r.passed for r in results)), time=f"{seconds:.3f}")
    for lab in sorted({r.lab for r in results}):
        mine = [r for r in results if r.lab == lab]
        suite = ET.SubElement(root, "testsuite", name=f"lab{lab}", tests=str(len(mine)),
                              failures=str(sum(not r.passed for r in mine)),
                              time=f"{sum(r.seconds for r in mine):.3f}")
        for r in mine:
            case = ET.SubElement(suite, "testcase", classname=f"lab{lab}", name=r.name,
                                 time=f"{r.seconds:.3f}")
            props = ET.SubElement(case, "properties")
            ET.SubElement(props, "property", name="points", value=_num(r.max_score))
            ET.SubElement(props, "property", name="title", value=r.title)
            if not r.passed:
                first = (r.output.strip().splitlines() or ["failed"])[0]
                fail = ET.SubElement(case, "failure", message=first)
                fail.text = r.output
            if r.transcripts:
                ET.SubElement(case, "system-out").text = "\n".join(
                    f"transcript: {t}" for t in r.transcripts)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


def load_results(path: Path) -> list[TestResult]:
    return [TestResult.from_dict(d) for d in json.loads(path.read_text())]


def save_results(path: Path, results: list[TestResult]) -> None:
    write_json(path, [asdict(r) for r in ordered(results)])
