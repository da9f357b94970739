#!/bin/sh
# handin.sh LAB: pack this tree, minus build products and git metadata, into
# mica-labN-USER.tar.gz for upload. Warns about unanswered questions.
set -eu
lab=${1:-}
if [ -z "$lab" ]; then
    echo "handin: which lab? run: make handin LAB=N" >&2
    exit 2
fi
user=${USER:-$(id -un)}
name="mica-lab$lab-$user"
answers="answers/lab$lab.md"
placeholder="(your answer here)"

if [ -f "$answers" ]; then
    left=$(grep -cxF "$placeholder" "$answers" || true)
    if [ "$left" -gt 0 ]; then
        echo "handin: warning: $answers still has $left unanswered question(s)"
    fi
elif [ -d answers ]; then
    echo "handin: warning: $answers is missing"
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
tar --exclude=./build --exclude=./.git --exclude='./mica-lab*.tar.gz' \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude='*.lock' --exclude=./.gdbinit \
    --sort=name --owner=0 --group=0 --transform "s,^\\.,$name," -czf "$tmp" .
mv "$tmp" "$name.tar.gz"
trap - EXIT
echo "handin: $name.tar.gz ($(du -k "$name.tar.gz" | cut -f1) KB): upload this file"
