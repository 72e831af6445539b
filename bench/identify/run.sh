#!/usr/bin/env bash
# Benchmark `careloop identify` against the DuckDB reference on the same synthetic files, and
# compare what they find (issue #5). Not a cargo test.
#
#   bench/identify/run.sh [MEMBERS]        (default 1,000,000)
#
# Environment: SEED (1), AS_OF (2026-11-22), WORK (work dir, default $CARGO_TARGET_DIR/bench-identify
# or target/bench-identify), DUCKDB_VERSION (2.0.1), AVOIDABLE_ED (list passed to both sides,
# default bench/identify/avoidable_ed.txt), THREADS (both sides; default all cores),
# CARELOOP (use this binary instead of building one).
#
# Steps: build careloop (release); `careloop synth` into $WORK/synth-N-seed-asof (reused when
# its synth-summary.json exists); a venv with duckdb from PyPI; `/usr/bin/time -v careloop
# identify` and `/usr/bin/time -v python duckdb_identify.py` on the same files; wall time, peak
# RSS and claim lines/s for each and the ratio; then the sets of (person_id, POF met) must be
# equal. Exit 0 when equal, 1 when they differ, 2 on a setup error, 3 when the careloop build
# has no `identify` command yet (the DuckDB side still runs).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MEMBERS=${1:-1000000}
SEED=${SEED:-1}
AS_OF=${AS_OF:-2026-11-22}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${WORK:-$TARGET/bench-identify}
DUCKDB_VERSION=${DUCKDB_VERSION:-2.0.1}
AVOIDABLE_ED=${AVOIDABLE_ED:-$HERE/avoidable_ed.txt}
THREADS=${THREADS:-0}
mkdir -p "$WORK"

if [ -z "${CARELOOP:-}" ]; then
  echo "== building careloop (release)"
  (cd "$ROOT" && cargo build --release -p careloop-cli --quiet)
  CARELOOP=$TARGET/release/careloop
fi

DATA=$WORK/synth-$MEMBERS-seed$SEED-$AS_OF
if [ -f "$DATA/synth-summary.json" ]; then
  echo "== reusing $DATA"
else
  echo "== careloop synth --members $MEMBERS --seed $SEED --as-of $AS_OF"
  rm -rf "$DATA"
  /usr/bin/time -v -o "$WORK/synth.time" "$CARELOOP" synth --members "$MEMBERS" --seed "$SEED" \
    --as-of "$AS_OF" --out "$DATA"
  grep -E "Elapsed \(wall|Maximum resident" "$WORK/synth.time" | sed 's/^\s*/   synth /'
fi
ls -l "$DATA" | awk 'NR>1 {printf "   %-24s %12d bytes\n", $9, $5}'

VENV=$WORK/venv-duckdb-$DUCKDB_VERSION
if [ ! -x "$VENV/bin/python" ]; then
  echo "== venv with duckdb==$DUCKDB_VERSION"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "duckdb==$DUCKDB_VERSION" || { echo "pip install duckdb failed" >&2; exit 2; }
fi

LINES=$(grep -o '"claim_lines": [0-9]*' "$DATA/synth-summary.json" | grep -o '[0-9]*$')
OUT=$WORK/out-$MEMBERS-seed$SEED
mkdir -p "$OUT"

# Peak RSS (kB) and wall seconds from a `time -v` report.
rss() { grep "Maximum resident" "$1" | awk '{print $NF}'; }
wall() {
  grep "Elapsed (wall" "$1" | awk '{print $NF}' |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }'
}

IDENT_STATUS=0
if "$CARELOOP" identify --help >/dev/null 2>&1; then
  echo "== careloop identify"
  IDENT_THREADS=()
  [ "$THREADS" != 0 ] && IDENT_THREADS=(--threads "$THREADS")
  /usr/bin/time -v -o "$OUT/identify.time" "$CARELOOP" identify \
    --eligibility "$DATA/eligibility.csv" --claims "$DATA/medical_claim.csv" \
    --indicators "$DATA/member_indicators.csv" --as-of "$AS_OF" \
    --avoidable-ed "$AVOIDABLE_ED" --out "$OUT/identify.csv" "${IDENT_THREADS[@]}" ||
    { echo "careloop identify failed" >&2; exit 2; }
else
  echo "== this careloop has no 'identify' command yet: running the DuckDB side only"
  IDENT_STATUS=3
fi

echo "== DuckDB reference (duckdb $DUCKDB_VERSION)"
DUCK_THREADS=()
[ "$THREADS" != 0 ] && DUCK_THREADS=(--threads "$THREADS")
/usr/bin/time -v -o "$OUT/duckdb.time" "$VENV/bin/python" "$HERE/duckdb_identify.py" \
  --eligibility "$DATA/eligibility.csv" --claims "$DATA/medical_claim.csv" \
  --indicators "$DATA/member_indicators.csv" --as-of "$AS_OF" \
  --avoidable-ed "$AVOIDABLE_ED" --out "$OUT/duckdb.csv" "${DUCK_THREADS[@]}" ||
  { echo "duckdb_identify.py failed" >&2; exit 2; }

echo
echo "== results: $MEMBERS members, $LINES claim lines, as of $AS_OF, $(nproc) cores"
report() {
  local name=$1 file=$2
  local w r
  w=$(wall "$file"); r=$(rss "$file")
  awk -v n="$name" -v w="$w" -v r="$r" -v l="$LINES" \
    'BEGIN { printf "   %-10s wall %8.1f s   peak RSS %8.0f MB   %12.0f claim lines/s\n", n, w, r/1024, l/w }'
}
[ "$IDENT_STATUS" = 0 ] && report identify "$OUT/identify.time"
report duckdb "$OUT/duckdb.time"
if [ "$IDENT_STATUS" != 0 ]; then
  exit "$IDENT_STATUS"
fi
awk -v a="$(wall "$OUT/identify.time")" -v b="$(wall "$OUT/duckdb.time")" \
  -v ra="$(rss "$OUT/identify.time")" -v rb="$(rss "$OUT/duckdb.time")" \
  'BEGIN { printf "   ratio      identify/duckdb wall %.2f   peak RSS %.2f\n", a/b, ra/rb }'
for s in "$OUT/identify.csv.summary.json"; do
  [ -f "$s" ] && echo "   identify summary: $s"
done
echo "   injected bad rows (synth-summary.json; identify's errors file should count the same):"
grep '"reason"' "$DATA/synth-summary.json" | sed 's/^ */     /; s/,$//'

echo "== comparing (person_id, POF met)"
"$VENV/bin/python" "$HERE/compare.py" "$OUT/identify.csv" "$OUT/duckdb.csv"
