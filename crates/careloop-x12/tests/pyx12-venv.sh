#!/usr/bin/env bash
# Installs the X12 validator the careloop-x12 tests run (pyx12, pinned) into target/x12-venv.
# Called by .ci/run; run it locally to make the pyx12 tests run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/../../.."
venv="${CARGO_TARGET_DIR:-target}/x12-venv"
if ! "$venv/bin/python" -c 'import pyx12, sys; sys.exit(pyx12.__version__ != "4.0.0")' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyx12==4.0.0
fi
"$venv/bin/python" -c 'import pyx12; print("pyx12", pyx12.__version__, "in", "'"$venv"'")'
