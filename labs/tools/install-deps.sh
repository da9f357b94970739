#!/bin/sh
# install-deps.sh: install the Debian/Ubuntu packages Mica needs to build,
# boot, grade and document itself. Does nothing (quickly) when every tool is
# already there; otherwise runs apt-get as root, or through sudo.
set -eu

# tool-or-check:package pairs
NEEDS="
gcc:gcc
make:make
ld:binutils
qemu-system-x86_64:qemu-system-x86
bochs:bochs
/usr/share/bochs/BIOS-bochs-latest:bochsbios
/usr/share/vgabios/vgabios.bin:vgabios
/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so:bochs-term
grub-mkrescue:grub-common
/usr/lib/grub/i386-pc/multiboot2.mod:grub-pc-bin
xorriso:xorriso
mformat:mtools
doxygen:doxygen
gdb:gdb
"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

missing=""
for pair in $NEEDS; do
    what=${pair%%:*}
    pkg=${pair##*:}
    case "$what" in
    /*) [ -e "$what" ] || missing="$missing $pkg" ;;
    *)  command -v "$what" >/dev/null 2>&1 || missing="$missing $pkg" ;;
    esac
done
if ! "$PY" -c 'import pytest, xdist, pytest_timeout' >/dev/null 2>&1; then
    missing="$missing python3 python3-pytest python3-pytest-xdist python3-pytest-timeout"
fi

if [ -z "$missing" ]; then
    exit 0
fi

echo "deps: missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: not root and no sudo; please install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps: $SUDO apt-get update"
$SUDO apt-get update -qq
echo "deps: $SUDO apt-get install --no-install-recommends$missing"
$SUDO apt-get install -y -qq --no-install-recommends $missing
echo "deps: done"
