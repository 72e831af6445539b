#!/bin/bash
# careloop rescreen on the demo data set (issue #15 item 3; BENCHMARKS.md "Re-screening").
# usage: bench/rescreen/run.sh BIN [MEMBERS] [AS_OF]
#   BIN      a careloop binary (target/debug/careloop or target/release/careloop)
#   MEMBERS  demo members (default 2000)
#   AS_OF    the later as-of date of the second pass (default 2027-06-01)
# Loads a FRESH demo SQLite database in a temp dir, then, for every demo plan (each plan's care
# coordinator re-screens its own members, one process per plan, run one after another):
#   1. --dry-run as of today   2. --dry-run as of AS_OF   3. the real run as of AS_OF
#   4. the same real run again (must change nothing)
# and prints members scanned, changed, lost ECM eligibility, enrollments to review, wall time.
# The demo is loaded with the same pack, so changes come from the date, not a pack change.
set -euo pipefail
BIN=$(realpath "$1"); MEMBERS=${2:-2000}; AS_OF=${3:-2027-06-01}
DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT
DB="$DIR/demo.db"
/usr/bin/time -f "demo load: %e s wall" "$BIN" demo load --database "sqlite://$DB" --members "$MEMBERS" > "$DIR/load.txt"
USERS=$(grep -o '^  [a-z-]*-coordinator ' "$DIR/load.txt" | tr -d ' ')
pass() {
  local label=$1; shift
  local start end scanned=0 changed=0 lost=0 review=0
  start=$(date +%s.%N)
  for u in $USERS; do
    read -r a b l n < <("$BIN" rescreen --as "$u" --database "sqlite://$DB" --json "$@" 2>/dev/null \
      | python3 -c 'import json,sys;s=json.load(sys.stdin)["summary"];print(s["changed"],s["scanned"],s["lost_ecm"],s["needs_review"])')
    changed=$((changed+a)); scanned=$((scanned+b)); lost=$((lost+l)); review=$((review+n))
  done
  end=$(date +%s.%N)
  printf '%-28s scanned=%s changed=%s lost_ecm=%s needs_review=%s wall=%.2f s\n' \
    "$label" "$scanned" "$changed" "$lost" "$review" "$(echo "$end - $start" | bc)"
}
pass "dry run, as of today" --dry-run
pass "dry run, as of $AS_OF" --dry-run --as-of "$AS_OF"
pass "real run, as of $AS_OF" --as-of "$AS_OF"
pass "re-run, as of $AS_OF" --as-of "$AS_OF"
