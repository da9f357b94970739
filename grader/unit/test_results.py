"""The summary table, results.json and junit.xml shapes."""
import json
import xml.etree.ElementTree as ET

from grader.results import TestResult, classroom, gradescope, junit_xml, load_results, save_results, \
    summary_lines

RESULTS = [
    TestResult("poweroff", 1, "powers off", 5, True, 0.4, index=1),
    TestResult("banner", 1, "banner first", 5, True, 0.5, index=0),
    TestResult("frames", 2, "frames distinct", 10, False, 1.2, "MISSING 'x'",
               ["build/grade/transcripts/frames.txt"], index=0),
]


def test_summary():
    lines = summary_lines(RESULTS)
    assert lines[-1] == "Score: 10/20"
    assert lines[-2] == "grade: 2 passed, 1 failed"
    assert lines[0].startswith("lab1 banner") and "5/5" in lines[0] and "PASS" in lines[0]
    assert "lab1 subtotal: 10/10" in lines
    assert "lab2 subtotal: 0/10" in lines
    text = "\n".join(lines)
    assert "rerun: make grade T=frames" in text
    assert "transcript: build/grade/transcripts/frames.txt" in text
    assert "    MISSING 'x'" in text


def test_gradescope_shape():
    data = json.loads(json.dumps(gradescope(RESULTS, 3.0, "out")))
    assert data["score"] == 10 and data["execution_time"] == 3.0 and data["output"] == "out"
    assert len(data["tests"]) == 3
    for t in data["tests"]:
        assert {"name", "score", "max_score", "status", "output", "tags", "visibility"} <= set(t)
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
    failed = data["tests"][2]
    assert failed["tags"] == ["lab2"] and failed["score"] == 0 and failed["max_score"] == 10
    assert "MISSING" in failed["output"] and "frames.txt" in failed["output"]


def test_junit_shape():
    root = ET.fromstring(junit_xml(RESULTS, 3.0))
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["lab1", "lab2"]
    case = suites[1].find("testcase")
    assert case.get("name") == "frames" and case.find("failure").get("message") == "MISSING 'x'"


def test_save_load_round_trip(tmp_path):
    p = tmp_path / "tests.json"
    save_results(p, RESULTS)
    back = load_results(p)
    assert sorted(r.name for r in back) == ["banner", "frames", "poweroff"]
    assert [r for r in back if r.name == "frames"][0].transcripts == RESULTS[2].transcripts


def test_classroom_shape():
    data = classroom(RESULTS)
    assert data["version"] == 1 and data["status"] == "fail" and data["max_score"] == 20
    assert {t["status"] for t in data["tests"]} == {"pass", "fail"}
    assert sum(t["score"] for t in data["tests"]) == 10
