#!/usr/bin/env python3
"""gradescope.py: build the Gradescope autograder zip for one lab.

Instructor-only (`make gradescope LAB=N [EXTRA=DIR]`). The zip holds, at its root:
  setup.sh        installs the packages (through mica/labs/tools/install-deps.sh)
  run_autograder  runs autograder.py for each submission
  autograder.py   copies the submission, swaps in the pristine grader, builds, grades
  config.json     lab, emulator, time budget, visibility settings (from labs/labN.json)
  mica/           the staged student tree for the lab: the pristine grader comes from here
  extra/          hidden tests from EXTRA=DIR, passed to the grader as --extra
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stage  # noqa: E402

DEFAULTS = {"visibility": "visible", "stdout_visibility": "visible",
            "hidden_tests": "after_published", "timeout_minutes": 10, "emu": "qemu"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def add_tree(z: zipfile.ZipFile, src: Path, prefix: str) -> int:
    n = 0
    for p in sorted(src.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            add_file(z, p, f"{prefix}/{p.relative_to(src).as_posix()}")
            n += 1
    return n


def add_file(z: zipfile.ZipFile, path: Path, name: str, data: bytes | None = None) -> None:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    mode = 0o755 if (path is not None and os.access(path, os.X_OK)) else 0o644
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data if data is not None else path.read_bytes())


def build(root: Path, lab: int, out_dir: Path, extra: Path | None) -> Path:
    manifests = stage.load_manifests(root)
    settings = {**DEFAULTS, **manifests.get(lab, {}).get("gradescope", {})}
    for key in ("visibility", "stdout_visibility", "hidden_tests"):
        if settings[key] not in VISIBILITY:
            raise SystemExit(f"gradescope: labs/lab{lab}.json: {key} must be one of {sorted(VISIBILITY)}")
    if extra is not None and not extra.is_dir():
        raise SystemExit(f"gradescope: EXTRA={extra} is not a directory")
    source, _ = stage.source_description(root)
    config = {"lab": lab, "source": source, **settings}

    gs = root / "labs" / "gradescope"
    out_dir.mkdir(parents=True, exist_ok=True)
    zpath = out_dir / "mica-autograder.zip"
    with tempfile.TemporaryDirectory(prefix="mica-gradescope-") as tmp:
        tree = Path(tmp) / "mica"
        stage.stage(root, lab, tree)
        with zipfile.ZipFile(zpath, "w") as z:
            for name in ("setup.sh", "run_autograder", "autograder.py"):
                add_file(z, gs / name, name)
            add_file(z, None, "config.json", (json.dumps(config, indent=2) + "\n").encode())
            files = add_tree(z, tree, "mica")
            hidden = add_tree(z, extra, "extra") if extra else 0
    print(f"gradescope: {zpath}: lab {lab}, {files} course files, {hidden} hidden test files; "
          f"visibility {config['visibility']}, hidden tests {config['hidden_tests']}, "
          f"{config['timeout_minutes']} min")
    return zpath


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the Gradescope autograder zip for a lab.")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--extra", type=Path, help="directory of hidden tests")
    ap.add_argument("--out", type=Path, default=Path("build/gradescope"))
    a = ap.parse_args(argv)
    build(a.root.resolve(), a.lab, a.out, a.extra.resolve() if a.extra else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
