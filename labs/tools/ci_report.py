#!/usr/bin/env python3
"""ci_report.py [RESULTS]: turn the grader's results file into what CI shows.

Reads build/grade/results.json (Gradescope's format, written by `make grade`)
and writes:
  - a Markdown table of points per test, with each failure's explanation,
    to $GITHUB_STEP_SUMMARY (or to standard output when that is unset);
  - `result=<base64 JSON>` to $GITHUB_OUTPUT in GitHub Classroom's runner
    result format ({version: 1, status, max_score, tests: [...]}), which the
    autograding-grading-reporter action adds up into the assignment's points.
Exits 1 only when the results file is missing or unreadable (the grader did
not get to write it); failing tests are reported, not an error here.
"""
from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

MAX_OUTPUT = 4000        # characters of a failure's explanation kept per test


def test_name(t: dict) -> str:
    """The name `make grade T=` takes: extra_data.test, else the name's
    second word ("lab1 banner_first_line: title"), else the whole name."""
    if (t.get("extra_data") or {}).get("test"):
        return t["extra_data"]["test"]
    words = t.get("name", "?").split()
    return words[1].rstrip(":") if len(words) > 1 and words[0].startswith("lab") else words[0]


def classroom_result(results: dict) -> dict:
    tests = []
    for t in results.get("tests", []):
        score, max_score = t.get("score", 0), t.get("max_score", 0)
        passed = t.get("status") == "passed" or (t.get("status") is None and score >= max_score)
        tests.append({
            "name": t.get("name", "?"),
            "status": "pass" if passed else "fail",
            "score": score,
            "message": (t.get("output") or "")[:MAX_OUTPUT],
            "test_code": f"make grade T={test_name(t)}",
            "filename": "",
            "line_no": 0,
            "duration": 0,
        })
    max_score = sum(t.get("max_score", 0) for t in results.get("tests", []))
    status = "pass" if all(t["status"] == "pass" for t in tests) and tests else "fail"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def markdown(results: dict) -> str:
    tests = results.get("tests", [])
    got = sum(t.get("score", 0) for t in tests)
    total = sum(t.get("max_score", 0) for t in tests)
    score = results.get("score", got)
    lines = [f"## Mica grade: {score:g}/{total:g}", "",
             "| Test (`make grade T=...`) | What it checks | Points | Result |", "|---|---|---:|---|"]
    for t in tests:
        ok = t.get("status") == "passed"
        title = t.get("name", "?").partition(": ")[2]
        lines.append(f"| `{test_name(t)}` | {title} | {t.get('score', 0):g}/{t.get('max_score', 0):g} "
                     f"| {'passed' if ok else '**failed**'} |")
    failures = [t for t in tests if t.get("status") != "passed"]
    for t in failures:
        out = (t.get("output") or "(no explanation recorded)")[:MAX_OUTPUT]
        lines += ["", f"<details><summary>{t.get('name', '?')}: why it failed</summary>", "",
                  "```", out.replace("```", "'''"), "```", "</details>"]
    if failures:
        lines += ["", "Transcripts are in the `grade-lab*` artifact of this run (build/grade/transcripts/)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "build/grade/results.json")
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        print(f"ci_report: cannot read {path}: {e}", file=sys.stderr)
        print("ci_report: the grader did not write its results; see the log of the step above.", file=sys.stderr)
        return 1
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    text = markdown(results)
    if summary:
        with open(summary, "a") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        blob = base64.b64encode(json.dumps(classroom_result(results)).encode()).decode()
        with open(output, "a") as f:
            f.write(f"result={blob}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
