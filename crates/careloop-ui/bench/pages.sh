#!/usr/bin/env bash
# Times each main staff-UI page N times against a running demo server (careloop serve --demo;
# demo users and password) and prints curl's total time per page (loopback: ~ server time).
# Usage: crates/careloop-ui/bench/pages.sh [BASE_URL] [N]   (docs/ui.md, "Render time")
set -euo pipefail
B=${1:-http://127.0.0.1:8080}; N=${2:-20}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
login() { # user jar
  rm -f "$2"; curl -s -c "$2" -b "$2" "$B/ui/login" -o "$TMP/l.html"
  local csrf; csrf=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/l.html" | sed 's/.*value="//;s/"//')
  curl -s -c "$2" -b "$2" -o /dev/null -d "username=$1&password=careloop-demo-password&csrf=$csrf" "$B/ui/login"
}
time_page() { # label jar path
  local ts=()
  for _ in $(seq 1 "$N"); do ts+=("$(curl -s -b "$2" -o /dev/null -w '%{time_total}' "$B$3")"); done
  printf '%s\n' "${ts[@]}" | sort -n | awk -v l="$1" -v p="$3" '{a[NR]=$1} END {i=int(NR*0.95); if (i<NR*0.95) i++; printf "%-22s %-48s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (n=%d)\n", l, p, a[int((NR+1)/2)]*1000, a[i]*1000, a[NR]*1000, NR}'
}
login hpsm-reviewer "$TMP/rv.jar"
login hpsm-admin "$TMP/ad.jar"
login ecm01-care-manager "$TMP/pc.jar"
login hpsm-coordinator "$TMP/cc.jar"
curl -s -b "$TMP/rv.jar" "$B/ui/authorizations" -o "$TMP/q.html"
AUTH=$(grep -o '/ui/authorizations/auth-[0-9]*' "$TMP/q.html" | head -1)
echo "queue rows: $(grep -c '<tr class=' "$TMP/q.html")"
curl -s -b "$TMP/pc.jar" "$B/ui/members" -o "$TMP/m.html"
MEM=$(grep -o '/ui/members/SYN-[0-9]*' "$TMP/m.html" | head -1)
time_page login "$TMP/none.jar" /ui/login
time_page home "$TMP/rv.jar" /ui/
time_page queue "$TMP/rv.jar" /ui/authorizations
time_page queue-filtered "$TMP/rv.jar" "/ui/authorizations?urgency=urgent-pre-service"
time_page decision "$TMP/rv.jar" "$AUTH"
CSAUTH=$(sed 's/<tr/\n<tr/g' "$TMP/q.html" | grep 'Community Support:' | grep -o '/ui/authorizations/auth-[0-9]*' | head -1 || true)
if [ -n "$CSAUTH" ]; then time_page decision-cs "$TMP/rv.jar" "$CSAUTH"; else echo "decision-cs            (no open Community Supports request on the queue's first page: not timed)"; fi
time_page members "$TMP/rv.jar" /ui/members
time_page member-provider "$TMP/pc.jar" "$MEM"
MEMP=$(curl -s -b "$TMP/rv.jar" "$B$AUTH" | grep -o '/ui/members/SYN-[0-9]*' | head -1)
time_page member-plan "$TMP/rv.jar" "$MEMP"
time_page referrals "$TMP/rv.jar" /ui/referrals
REF=$(curl -s -b "$TMP/rv.jar" "$B/ui/referrals" | grep -o '/ui/referrals/[A-Za-z0-9-]*' | grep -v '/ui/referrals/new' | head -1)
time_page referral "$TMP/rv.jar" "$REF"
time_page audit "$TMP/ad.jar" /ui/audit
time_page dashboard "$TMP/rv.jar" /ui/dashboard
time_page administration "$TMP/ad.jar" /ui/admin
time_page referral-intake "$TMP/cc.jar" /ui/referrals/new
