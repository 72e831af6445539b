#!/usr/bin/env python3
"""Crash safety of the authorization write path (issue #3, "Crash safety").

Starts `careloop serve` on a fresh SQLite file, sends a bounded stream of authorization requests
(each with its own Idempotency-Key) from several client threads, kills the server with SIGKILL in
the middle of the stream, restarts it, and then checks that (the plan first registers the members
and gives them to the provider by opening ECM enrollments, as issue #12 requires before a provider
may request a member's authorization):

1. every request that got a 2xx before the kill is stored exactly once, with the body the client
   saw (same id, same version);
2. retrying EVERY request with the same Idempotency-Key after the restart returns a 2xx, and for
   the requests answered before the kill, the original status and body;
3. nothing is half-written: each stored authorization has exactly `version` events numbered
   1..version, one idempotency record, and an audit line; there are exactly as many authorization
   records as distinct keys, and no event, idempotency record or grant without its record.

Standard library only. Exit status 0 when every check holds; 1 with the failed checks listed.

    python3 bench/crash_safety.py --bin target/debug/careloop [--requests 400] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PLAN_ORG = "plan-crash"
PROVIDER_ORG = "ecm-crash"
MEMBERS = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(binary: str, args: list[str], env: dict[str, str] | None = None) -> str:
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    done = subprocess.run(
        [binary, *args], capture_output=True, text=True, env=full_env, timeout=120
    )
    if done.returncode != 0:
        raise SystemExit(
            f"careloop {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def start_server(binary: str, database: str, port: int, log_path: str) -> subprocess.Popen:
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", "--database", database],
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early with {proc.returncode}; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"server not ready within 60 s; see {log_path}")


def request_body(members: list[str], i: int) -> dict:
    return {
        "member_id": members[i % len(members)],
        "plan_org_id": PLAN_ORG,
        "plan": "hpsm",
        "county": "San Mateo",
        "service": "ecm-initial",
        "kind": "non-urgent-pre-service",
    }


def post(
    port: int, token: str, key: str | None, body: dict, path: str = "/api/v1/authorizations"
) -> tuple[int, dict | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    try:
        parsed = json.loads(raw) if raw else None
    except json.JSONDecodeError:
        parsed = None
    return resp.status, parsed


def give_members(port: int, plan_token: str) -> list[str]:
    """The plan's care coordinator registers MEMBERS synthetic members (hpsm, San Mateo) and
    gives each to the provider by opening an ECM enrollment; the member ids (server-assigned)."""
    members = []
    for _ in range(MEMBERS):
        status, body = post(
            port,
            plan_token,
            None,
            {"plan": "hpsm", "county": "San Mateo", "facts": {"birth_date": "1980-03-15"}},
            "/api/v1/members",
        )
        if status != 201 or not body:
            raise SystemExit(f"registering a member failed: {status} {body}")
        members.append(body["id"])
        status, body = post(
            port,
            plan_token,
            None,
            {"member_id": members[-1], "provider_org_id": PROVIDER_ORG},
            "/api/v1/ecm-enrollments",
        )
        if status != 201:
            raise SystemExit(f"opening an ECM enrollment failed: {status} {body}")
    return members


def create_token(binary: str, database: str, username: str, org: str, role: str) -> str:
    run_cli(
        binary,
        ["user", "add", "--database", database, "--username", username, "--org", org,
         "--role", role],
        env={"CARELOOP_PASSWORD": "crash-test-password-1"},
    )
    token_out = run_cli(
        binary,
        ["token", "create", "--database", database, "--username", username, "--name", "crash"],
    )
    token = next(
        (word for line in token_out.splitlines() for word in line.split() if word.startswith("cl_")),
        None,
    )
    if token is None:
        raise SystemExit(f"no token in `careloop token create` output:\n{token_out}")
    return token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/debug/careloop")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--kill-after",
        type=int,
        default=None,
        help="SIGKILL once this many requests got a 2xx (default: a third of --requests)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    kill_after = args.kill_after if args.kill_after is not None else args.requests // 3

    work = tempfile.mkdtemp(prefix="careloop-crash-")
    db_path = os.path.join(work, "careloop.db")
    database = f"sqlite://{db_path}"
    log_path = os.path.join(work, "server.log")
    binary = os.path.abspath(args.bin)

    run_cli(binary, ["migrate", "--database", database])
    run_cli(
        binary,
        ["org", "add", "--database", database, "--id", PLAN_ORG, "--name", "Crash Test Plan",
         "--kind", "plan", "--plan", "hpsm", "--county", "San Mateo"],
    )
    run_cli(
        binary,
        ["org", "add", "--database", database, "--id", PROVIDER_ORG, "--name", "Crash Test ECM",
         "--kind", "ecm-provider", "--county", "San Mateo"],
    )
    token = create_token(binary, database, "crash-cm", PROVIDER_ORG, "provider-care-manager")
    plan_token = create_token(binary, database, "crash-coord", PLAN_ORG, "plan-care-coordinator")

    port = free_port()
    server = start_server(binary, database, port, log_path)
    members = give_members(port, plan_token)

    # Phase 1: stream requests, SIGKILL the server once `kill_after` have been acknowledged.
    before: dict[str, tuple[int, dict | None]] = {}
    failed_before: set[str] = set()
    lock = threading.Lock()
    next_index = iter(range(args.requests))
    acknowledged = 0
    killed = threading.Event()

    def worker() -> None:
        nonlocal acknowledged
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            key = f"crash-{i:05d}"
            try:
                status, body = post(port, token, key, request_body(members, i))
            except OSError:
                with lock:
                    failed_before.add(key)
                continue
            with lock:
                if 200 <= status < 300:
                    before[key] = (status, body)
                    acknowledged += 1
                    if acknowledged >= kill_after and not killed.is_set():
                        killed.set()
                        os.kill(server.pid, signal.SIGKILL)
                else:
                    failed_before.add(key)

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.wait(timeout=30)
    problems: list[str] = []
    if not killed.is_set():
        problems.append("the server was never killed (fewer 2xx than --kill-after)")
    if server.returncode != -signal.SIGKILL:
        problems.append(f"server ended with {server.returncode}, not SIGKILL")

    # Phase 2: restart and retry every request with its key.
    server = start_server(binary, database, port, log_path)
    after: dict[str, tuple[int, dict | None]] = {}
    try:
        for i in range(args.requests):
            key = f"crash-{i:05d}"
            after[key] = post(port, token, key, request_body(members, i))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    for key, (status, body) in sorted(after.items()):
        if not 200 <= status < 300:
            problems.append(f"{key}: retry after restart got {status} {body}")
            continue
        if key in before and before[key] != (status, body):
            problems.append(f"{key}: retry returned {status} {body}, originally {before[key]}")

    # Phase 3: the database holds each request exactly once and nothing half-written.
    db = sqlite3.connect(db_path)
    ids = {body["id"] for status, body in after.values() if body and "id" in body}
    rows = db.execute(
        "SELECT id, version FROM aggregates WHERE kind = 'authorization'"
    ).fetchall()
    stored = {row[0]: row[1] for row in rows}
    if len(rows) != args.requests:
        problems.append(f"{len(rows)} authorization records for {args.requests} distinct keys")
    if set(stored) != ids:
        problems.append(
            f"records and acknowledged ids differ: {len(set(stored) - ids)} extra, "
            f"{len(ids - set(stored))} missing"
        )
    for key, (_, body) in before.items():
        if body and body.get("id") not in stored:
            problems.append(f"{key}: acknowledged id {body.get('id')} not stored")
    for agg_id, version in stored.items():
        versions = [
            v for (v,) in db.execute(
                "SELECT version FROM events WHERE kind = 'authorization' AND aggregate_id = ? "
                "ORDER BY version",
                (agg_id,),
            )
        ]
        if versions != list(range(1, version + 1)):
            problems.append(f"{agg_id}: version {version} but events {versions}")
    orphans = db.execute(
        "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM aggregates a "
        "WHERE a.kind = e.kind AND a.id = e.aggregate_id)"
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} events without their record")
    idem = db.execute("SELECT count(*) FROM idempotency WHERE key LIKE 'crash-%'").fetchone()[0]
    if idem != args.requests:
        problems.append(f"{idem} idempotency records for {args.requests} keys")
    audited = db.execute(
        "SELECT count(DISTINCT record_id) FROM audit_log WHERE record_kind = 'authorization' "
        "AND action = 'submit-authorization'"
    ).fetchone()[0]
    if audited != args.requests:
        problems.append(f"{audited} audited submissions for {args.requests} records")
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"SQLite integrity_check: {integrity}")
    db.close()

    print(
        f"requests {args.requests}; acknowledged before SIGKILL {len(before)}; "
        f"unanswered or failed before SIGKILL {len(failed_before)}; "
        f"stored {len(stored)}; retried {len(after)}"
    )
    if problems:
        print(f"FAILED: {len(problems)} problem(s)")
        for p in problems[:50]:
            print(f"  - {p}")
        print(f"work directory kept: {work}")
        return 1
    print("OK: every acknowledged request stored exactly once; retries replayed; nothing half-written")
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work directory: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
