#!/bin/sh
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu). It installs what Mica needs through the course's own script.
set -eu
cd "${AUTOGRADER_ROOT:-/autograder}/source"
sh mica/labs/tools/install-deps.sh
