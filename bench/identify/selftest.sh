#!/usr/bin/env bash
# The DuckDB reference on the hand-made data set in bench/identify/tiny (edge cases: window
# days, age 21, stays and SNF length, error rows, dotted/lower-case codes), compared with the
# expected POFs in tiny/expected.csv. With CARELOOP=path, `careloop identify` is checked too.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
OUT=$(mktemp -d)
T=$HERE/tiny
"$PY" "$HERE/duckdb_identify.py" --eligibility "$T/eligibility.csv" --claims "$T/medical_claim.csv" \
  --indicators "$T/member_indicators.csv" --as-of 2026-11-22 --avoidable-ed "$HERE/avoidable_ed.txt" \
  --out "$OUT/duckdb.csv" 2>/dev/null
echo "duckdb vs expected:"
"$PY" "$HERE/compare.py" "$T/expected.csv" "$OUT/duckdb.csv" expected duckdb | tail -2
if [ -n "${CARELOOP:-}" ]; then
  "$CARELOOP" identify --eligibility "$T/eligibility.csv" --claims "$T/medical_claim.csv" \
    --indicators "$T/member_indicators.csv" --as-of 2026-11-22 --avoidable-ed "$HERE/avoidable_ed.txt" \
    --out "$OUT/identify.csv" >/dev/null
  echo "identify vs expected:"
  "$PY" "$HERE/compare.py" "$T/expected.csv" "$OUT/identify.csv" expected identify | tail -2
fi
rm -rf "$OUT"
