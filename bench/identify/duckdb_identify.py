#!/usr/bin/env python3
"""DuckDB reference for `careloop identify` (bench only, issue #5).

Runs identify.sql on the same eligibility / medical_claim / member_indicators files and writes
person_id,pofs (POFs met, e.g. `2;4`). Prints counts and timings only, never member data.

usage: duckdb_identify.py --eligibility F --claims F --indicators F --as-of YYYY-MM-DD
                          --avoidable-ed FILE --out FILE [--threads N] [--memory-limit 4GB]
"""
import argparse
import csv
import pathlib
import re
import sys
import time

import duckdb

HERE = pathlib.Path(__file__).resolve().parent

# Indicator kinds of the engine (docs/eligibility.md §1); any other code is an error row.
KINDS = """homelessness couch-surfing temporary-lodging living-with-dependent-children
at-risk-of-homelessness housed-after-homelessness ces-prioritized complex-need smhs-criteria-met
dmc-criteria-met complex-social-risk-factor pregnancy postpartum
high-risk-overdose-suicide-institutionalization reliance-on-crisis-services ltc-qualifying-factors
lower-acuity-skilled-nursing-need complex-social-environmental-factor adl-iadl-needs
able-to-live-in-community nursing-facility-stay interest-in-leaving-nf likely-candidate
decision-making-capacity caregiver-or-ihss-support adl-iadl-manageable-in-community nf-level-of-care
willing-to-live-in-alf can-live-safely-in-alf ccs ccs-wcm foster-care adoption-assistance
family-maintenance ghpp pediatric-palliative-care-waiver release-from-incarceration mental-illness
substance-use-disorder chronic-condition intellectual-developmental-disability
traumatic-brain-injury hiv-aids racial-ethnic-disparity-group waiver-1915c hospice pace ccm cct
legacy-wpc legacy-hhp legacy-mssp transitioning-population housing-support-plan
serious-health-condition institutional-discharge high-medical-or-behavioral-need
needs-recuperative-care caregiver-dependent at-risk-of-institutionalization
functional-deficits-without-support ihss-approved diet-sensitive-chronic-condition
found-intoxicated poorly-controlled-asthma""".split()


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def columns_of(path):
    """All columns of the file's own header, typed VARCHAR (dates are parsed in SQL)."""
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    return "{" + ", ".join(f"{sql_str(c.strip())}: 'VARCHAR'" for c in header) + "}"


def avoidable_list(path):
    """One ICD-10-CM prefix per line, `#` comments (spec: --avoidable-ed FILE)."""
    out = []
    for line in pathlib.Path(path).read_text().splitlines():
        code = line.split("#", 1)[0].strip().upper().replace(".", "")
        if code:
            out.append(code)
    return "[" + ", ".join(sql_str(c) for c in out) + "]::VARCHAR[]"


def main():
    ap = argparse.ArgumentParser()
    for a in ("--eligibility", "--claims", "--indicators", "--as-of", "--avoidable-ed", "--out"):
        ap.add_argument(a, required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--memory-limit", default="")
    ap.add_argument("--database", default=":memory:")
    args = ap.parse_args()
    values = {
        "eligibility": args.eligibility,
        "claims": args.claims,
        "indicators": args.indicators,
        "eligibility_columns": columns_of(args.eligibility),
        "claims_columns": columns_of(args.claims),
        "indicators_columns": columns_of(args.indicators),
        "as_of": args.as_of,
        "avoidable_list": avoidable_list(args.avoidable_ed),
        "indicator_kinds": ", ".join(sql_str(k) for k in KINDS),
        "out": args.out,
    }
    text = (HERE / "identify.sql").read_text()
    text = re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], text)
    con = duckdb.connect(args.database)
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    if args.memory_limit:
        con.execute(f"SET memory_limit = {sql_str(args.memory_limit)}")
    con.execute("SET preserve_insertion_order = false")
    started = time.perf_counter()
    timings = []
    for stmt in [s for s in text.split(";\n") if s.strip() and not all(
            l.strip().startswith("--") or not l.strip() for l in s.splitlines())]:
        t = time.perf_counter()
        con.execute(stmt)
        first = next(l for l in stmt.splitlines() if l.strip() and not l.strip().startswith("--"))
        timings.append((time.perf_counter() - t, first.strip()[:70]))
    total = time.perf_counter() - started
    lines = con.execute("SELECT count(*) FROM line").fetchone()[0]
    members = con.execute("SELECT count(*) FROM person").fetchone()[0]
    per_pof = con.execute("SELECT code, count(*) FROM pof GROUP BY code ORDER BY code").fetchall()
    print(f"duckdb {duckdb.__version__}: {members} members, {lines} claim lines in the look-back, "
          f"{total:.1f} s", file=sys.stderr)
    print("duckdb: members meeting each POF: " + ", ".join(f"{c}={n}" for c, n in per_pof), file=sys.stderr)
    for secs, what in sorted(timings, reverse=True)[:5]:
        print(f"duckdb:   {secs:6.1f} s  {what}", file=sys.stderr)


if __name__ == "__main__":
    main()
