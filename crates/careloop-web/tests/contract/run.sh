#!/usr/bin/env bash
# The API contract test (issue #12 item 11): schemathesis against a running `careloop serve --demo`,
# once per role with that role's demo token. Fails on any server error, any answer that violates
# the OpenAPI document (status, content type, headers, body schema), and any request the document
# allows that the server refuses for its form. docs/api.md ("Contract test") says what it covers.
#
#   crates/careloop-web/tests/contract/run.sh            # from the repository root
#
# Environment: CARELOOP_BIN (default: builds target/debug/careloop), CONTRACT_VENV (default
# target/ci-venv, made and filled with schemathesis if missing), CONTRACT_MEMBERS (demo size,
# default 40), CONTRACT_EXAMPLES (examples per operation and phase, default 10),
# CONTRACT_SEED (default 20261207), CONTRACT_ROLES (space-separated subset of the six roles).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
root=$PWD

SCHEMATHESIS_VERSION=4.32.5
venv=${CONTRACT_VENV:-$root/target/ci-venv}
members=${CONTRACT_MEMBERS:-40}
examples=${CONTRACT_EXAMPLES:-10}
seed=${CONTRACT_SEED:-20261207}
roles=${CONTRACT_ROLES:-plan-um-reviewer plan-care-coordinator plan-admin provider-care-manager provider-admin referrer}

die() { echo "contract: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is needed (apt-get install python3 python3-venv)"
if [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/schemathesis" --version | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "contract: installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
    || die "pip install schemathesis failed"
fi
st="$venv/bin/schemathesis"
hooks=$root/crates/careloop-web/tests/contract/hooks.py

bin=${CARELOOP_BIN:-}
if [ -z "$bin" ]; then
  cargo build -q -p careloop-cli --locked
  bin=$root/target/debug/careloop
fi
[ -x "$bin" ] || die "no careloop binary at $bin"

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
RUST_LOG=warn "$bin" serve --demo --members "$members" --bind "127.0.0.1:$port" \
  --database "sqlite://$work/demo.db" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!

ready=
for _ in $(seq 1 120); do
  if python3 - "$base/readyz" <<'PY' 2>/dev/null
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
PY
  then ready=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then
  cat "$work/serve.err" >&2
  die "careloop serve --demo did not become ready at $base"
fi
head -1 "$work/serve.out"

# The demo prints one line per user: "  <username> <role> <org> <org name…> token <token>".
token_for() {
  awk -v role="$1" '$2 == role && $(NF-1) == "token" { print $NF; exit }' "$work/serve.out"
}

summary=()
failed=0
for role in $roles; do
  token=$(token_for "$role")
  [ -n "$token" ] || die "the demo printed no token for role $role"
  echo
  echo "== schemathesis as $role"
  set +e
  # From the temp directory: schemathesis keeps a cache (.schemathesis/) in its working directory.
  (cd "$work" && SCHEMATHESIS_HOOKS=$(basename "$hooks" .py) PYTHONPATH=$(dirname "$hooks") "$st" run "$base/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,careloop_positive_data_acceptance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$examples" \
    --seed "$seed" \
    --workers 1 \
    --request-timeout 30 \
    --suppress-health-check all \
    --generation-database none \
    --no-color \
    --report junit --report-dir "$work/report-$role" \
    >"$work/st-$role.log" 2>&1)
  rc=$?
  set -e
  line=$(grep -E '^=+ .*(passed|failed|failures|errors|warnings?).* in [0-9.]+s =+$' "$work/st-$role.log" | tail -1 | tr -d '=' | sed 's/^ *//; s/ *$//')
  known=$(grep -c '^known refusal:' "$work/st-$role.log" || true)
  if [ "$known" -gt 0 ]; then
    echo "known refusals ($known, allowed by hooks.py KNOWN_REFUSALS):"
    grep '^known refusal:' "$work/st-$role.log" | sed 's/^known refusal: //' | sort | uniq -c | sed 's/^/  /'
  fi
  line="$line; known refusals: $known"
  if [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
    sed -n '/^=* FAILURES =*$/,$p' "$work/st-$role.log" | head -400
    tail -40 "$work/st-$role.log"
    summary+=("$role: FAILED ($line)")
  else
    sed -n '/^=* SUMMARY =*$/,$p' "$work/st-$role.log"
    summary+=("$role: ok ($line)")
  fi
done

kill -0 "$server_pid" 2>/dev/null || die "the server died during the run: $(tail -5 "$work/serve.err")"

echo
echo "== contract summary (schemathesis $SCHEMATHESIS_VERSION, seed $seed, $examples examples, $members members)"
printf '  %s\n' "${summary[@]}"
n=$(echo "$roles" | wc -w)
echo "contract: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
