"""The transcript contract: lines the kernel prints and the grader reads.

Kept in one place so a change to the kernel's wording is a one-line change
here. Every pattern matches a whole line (use with re.MULTILINE).
"""
import re

BANNER = re.compile(r"^Mica \S+ \(x86_64\) booting$", re.MULTILINE)
POWEROFF = re.compile(r"^mica: power off \(status (-?\d+)\)$", re.MULTILINE)
PANIC = re.compile(r"^panic: (.*)$", re.MULTILINE)
BACKTRACE_FRAME = re.compile(r"^\s+#(\d+) (0x[0-9a-fA-F]+)", re.MULTILINE)
TRAP = re.compile(r"^trap: .*$", re.MULTILINE)
PROMPT_SUFFIX = "$ "            # the shell prints "mica$ "

STATUS_CLEAN = 0
STATUS_PANIC = 3
