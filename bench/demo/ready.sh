#!/usr/bin/env bash
# `careloop serve --demo` ready time: starts BIN in an empty directory, polls GET /ui/login every
# 50 ms until it answers, prints the wall time, the CPU time at that moment (/proc/PID/stat) and,
# after SIGTERM (which checkpoints the WAL), the database size.
# Usage: bench/demo/ready.sh target/release/careloop PORT
set -u
BIN=$(realpath "$1"); PORT=$2
dir=$(mktemp -d); cd "$dir"
start=$(date +%s.%N)
"$BIN" serve --demo --bind 127.0.0.1:$PORT > out.log 2> err.log &
pid=$!
while ! curl -sf -o /dev/null http://127.0.0.1:$PORT/ui/login; do sleep 0.05; if ! kill -0 $pid 2>/dev/null; then echo died; tail err.log; exit 1; fi; done
end=$(date +%s.%N)
echo "ready_s=$(echo "$end - $start" | bc)"
tck=$(getconf CLK_TCK); read -r ut st < <(awk '{print $14, $15}' /proc/$pid/stat)
echo "cpu_user_s=$(echo "scale=2; $ut/$tck" | bc) cpu_sys_s=$(echo "scale=2; $st/$tck" | bc)"
kill -TERM $pid; wait $pid 2>/dev/null
ls -l careloop-demo.db* | awk '{print $5, $9}'
echo "dir=$dir"
