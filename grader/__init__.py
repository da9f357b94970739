"""Mica's autograder: boots one kernel build many times in QEMU or Bochs and
judges each serial-console transcript.

Modules, in reading order:
  contract   the transcript lines the kernel promises (banner, panic, power-off)
  cfgdisk    the per-boot FAT disk that carries the kernel command line
  emulator   QEMU and Bochs backends behind one interface
  machine    one boot: serial socket, expect/send, finish -> Run with a verdict
  verdict    what a finished transcript means (power-off, panic, timeout, ...)
  symbols    addresses -> function+offset from build/kernel.sym
  match      assert_lines_match and numeric helpers for tests
  api        what test files import: grade(), Boot, the helpers above
  plugin     the pytest plugin: markers, fixtures, boot sharing, result files
  results    results.json (Gradescope), junit.xml and the summary table
  cli        `python -m grader`: runs pytest and prints the score
  console    `make run` / `make bochs`: interactive or piped console
"""
