#!/usr/bin/env python3
"""Check identify.sql's POF "met" logic against the Rust engine itself (bench only).

Takes the tables duckdb_identify.py left in a DuckDB database file (--database), turns the
derived facts of a sample of people (all who meet a POF per the SQL, plus others) into
MemberFacts JSON, runs `careloop eligibility check --json` on each, and compares the POFs the
engine says are met with the SQL's. This tests the SQL's POF logic, not the derivations (those
are compared with `careloop identify` by run.sh). Prints counts only; exits 1 on a difference.

usage: engine_check.py --database DB --careloop BIN --as-of YYYY-MM-DD [--sample N]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

import duckdb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", required=True)
    ap.add_argument("--careloop", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--sample", type=int, default=400)
    args = ap.parse_args()
    con = duckdb.connect(args.database, read_only=True)
    people = [r[0] for r in con.execute(
        "SELECT DISTINCT person_id FROM pof UNION ALL "
        f"(SELECT person_id FROM f WHERE person_id NOT IN (SELECT person_id FROM pof) "
        f"ORDER BY hash(person_id) LIMIT {args.sample})").fetchall()]
    w12, as_of = con.execute("SELECT w12, as_of FROM p").fetchone()
    sql_met = {}
    for pid, code in con.execute("SELECT person_id, code FROM pof").fetchall():
        sql_met.setdefault(pid, set()).add(code)
    diffs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, pid in enumerate(people):
            birth = con.execute("SELECT birth_date FROM person WHERE person_id = ?", [pid]).fetchone()
            indicators = []
            for kind, qual, start, end, present in con.execute(
                    "SELECT kind, qualifier, start, \"end\", present FROM ind WHERE person_id = ? "
                    "ORDER BY kind, start", [pid]).fetchall():
                ind = {"kind": kind, "status": "present" if present else "absent", "start": str(start)}
                if end is not None:
                    ind["end"] = str(end)
                if qual and kind == "homelessness":
                    ind["condition"] = qual
                if qual and kind == "release-from-incarceration":
                    ind["facility"] = qual
                indicators.append(ind)
            events = []
            for i, (kind, day, avoidable, unplanned, short_term, sud) in enumerate(con.execute(
                    "SELECT kind, day, avoidable, unplanned, short_term, sud_related FROM event "
                    "WHERE person_id = ? ORDER BY kind, day", [pid]).fetchall()):
                ev = {"id": f"e{i}", "kind": kind, "date": str(day)}
                for k, v in (("avoidable", avoidable), ("unplanned", unplanned),
                             ("short_term", short_term), ("sud_related", sud)):
                    if v is not None:
                        ev[k] = v
                events.append(ev)
            facts = {"enrollments": [], "indicators": indicators,
                     "utilization": {"data_from": str(w12), "data_through": str(as_of), "events": events}}
            if birth and birth[0] is not None:
                facts["birth_date"] = str(birth[0])
            path = pathlib.Path(tmp) / f"m{n}.json"
            path.write_text(json.dumps(facts))
            out = subprocess.run([args.careloop, "eligibility", "check", str(path), "--as-of",
                                  args.as_of, "--json"], capture_output=True, text=True)
            if out.returncode != 0:
                print(f"engine_check: engine failed on sample #{n}: {out.stderr.strip()[:300]}")
                diffs += 1
                continue
            det = json.loads(out.stdout)
            engine = {p["code"] for p in det["populations"] if p["status"] == "met"}
            sql = sql_met.get(pid, set())
            if engine != sql:
                diffs += 1
                if diffs <= 10:
                    print(f"engine_check: sample #{n} ({path.name}): engine {sorted(engine)} sql {sorted(sql)}")
                    print("   facts: " + json.dumps(facts)[:1500])
    print(f"engine_check: {len(people)} people checked, {diffs} differ")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
