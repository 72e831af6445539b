#!/usr/bin/env python3
"""Compare the (person_id, POF met) sets of `careloop identify` and the DuckDB reference.

usage: compare.py IDENTIFY_CSV DUCKDB_CSV [NAME_A NAME_B]   (both with columns person_id and pofs, e.g. `2;4`)
Prints counts per POF and, on a difference, the first differing rows; exits 1 if they differ.
The ids are synthetic (`careloop synth`), so printing them is fine.
"""
import collections
import csv
import sys


def pairs(path):
    out = set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for code in filter(None, (row.get("pofs") or "").split(";")):
                out.add((row["person_id"], code.strip()))
    return out


def main():
    ident, duck = pairs(sys.argv[1]), pairs(sys.argv[2])
    na, nb = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("identify", "duckdb")
    by_pof = collections.defaultdict(lambda: [0, 0, 0])
    for _, c in ident:
        by_pof[c][0] += 1
    for _, c in duck:
        by_pof[c][1] += 1
    for _, c in ident ^ duck:
        by_pof[c][2] += 1
    order = ["1a", "1b", "2", "3", "4", "5", "6", "7", "8", "9"]
    print(f"   POF  {na:>9} {nb:>10}   differ")
    for c in sorted(by_pof, key=lambda c: order.index(c) if c in order else 99):
        i, d, x = by_pof[c]
        print(f"   {c:<4} {i:9d} {d:10d} {x:8d}")
    only_i, only_d = sorted(ident - duck), sorted(duck - ident)
    print(f"   (person, POF) pairs: {na} {len(ident)}, {nb} {len(duck)}, "
          f"only in {na} {len(only_i)}, only in {nb} {len(only_d)}")
    if only_i or only_d:
        for p, c in only_i[:10]:
            print(f"   only {na}: {p} POF {c}")
        for p, c in only_d[:10]:
            print(f"   only {nb}: {p} POF {c}")
        print("   DIFFERENT")
        sys.exit(1)
    print("   EQUAL")


if __name__ == "__main__":
    main()
