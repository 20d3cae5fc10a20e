#!/usr/bin/env python3
"""Times the interpreter against the generated SQL on the same creators.

    python3 scripts/sql_speed.py --bin target/release/influence-eval \
        --data /tmp/creators-1M.json [--rules rules/brand.rules] [--runs 3] \
        [--engines duckdb,postgres]

Times, best of --runs: the interpreter over the whole file (`RULES DATA --all
--format json`, to /dev/null; and the default shortlist, to /dev/null), and
the query from `influence-eval sql RULES --rows all` in DuckDB (the Python
package, in memory) and PostgreSQL (a throwaway cluster, as
scripts/sql_differential.py starts), each fetching every row. Loading the
table is timed apart, once: writing the script (`influence-eval load DATA
--dialect D --rules RULES`, to a temporary file) and the engine running it
(DuckDB: `execute`; PostgreSQL: `psql -f`, then `ANALYZE`). Checks that each
engine returned one row per creator (as many as the interpreter's `--all`)
and prints a Markdown table, with the load average before and after.
"""

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sql_differential import Duckdb, Postgres  # noqa: E402


def timed(f):
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r


def best(runs, f):
    """The least time of `runs` calls of f, and the last call's result."""
    times, r = [], None
    for _ in range(runs):
        t, r = timed(f)
        times.append(t)
    return min(times), r


def loadavg():
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def interpreter(a):
    def run(*extra):
        subprocess.run([a.bin, a.rules, a.data, *extra], stdout=subprocess.DEVNULL, check=False)

    t_all, _ = best(a.runs, lambda: run("--all", "--format", "json"))
    t_short, _ = best(a.runs, lambda: run())
    # how many creators there are: the shortlist's report counts them
    out = subprocess.run([a.bin, a.rules, a.data, "--format", "json"],
                         capture_output=True, check=False).stdout
    n = json.loads(out)["evaluated"]
    return t_all, t_short, n


def write_script(a, dialect, path):
    with open(path, "w", encoding="utf-8") as f:
        subprocess.run([a.bin, "load", a.data, "--dialect", dialect, "--rules", a.rules],
                       stdout=f, check=True)


def duckdb_times(a, script, query):
    engine = Duckdb()
    con = engine.mod.connect()
    with open(script, encoding="utf-8") as f:
        text = f.read()
    loaded, _ = timed(lambda: con.execute(text))
    del text
    t, n = best(a.runs, lambda: len(con.execute(query).fetchall()))
    con.close()
    return loaded, t, n


def postgres_times(a, script, query):
    engine = Postgres()
    try:
        def psql_file(path):
            r = subprocess.run(["psql", "-h", engine.dir, "-p", str(engine.port), "-U", "postgres",
                                "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path],
                               capture_output=True, text=True, check=False)
            if r.returncode != 0:
                raise RuntimeError(r.stderr.strip()[:2000])

        def load():
            psql_file(script)
            engine.psql("ANALYZE creators;")

        loaded, _ = timed(load)
        t, out = best(a.runs, lambda: engine.psql(query))
        n = sum(1 for _ in csv.DictReader(io.StringIO(out)))
        return loaded, t, n
    finally:
        engine.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/influence-eval")
    ap.add_argument("--data", required=True)
    ap.add_argument("--rules", default="rules/brand.rules")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", default="duckdb,postgres")
    a = ap.parse_args()
    print(f"load average at the start: {loadavg()}", flush=True)
    t_all, t_short, creators = interpreter(a)
    print(f"interpreter: --all --format json {t_all:.2f} s, shortlist {t_short:.2f} s "
          f"({creators} creators)", flush=True)
    rows = [("interpreter, `--all --format json`", "none", "none", f"{t_all:.2f} s"),
            ("interpreter, the default shortlist", "none", "none", f"{t_short:.2f} s")]
    failed = False
    engines = {"duckdb": ("DuckDB (Python package, in memory)", duckdb_times),
               "postgres": ("PostgreSQL (psql)", postgres_times)}
    with tempfile.TemporaryDirectory(prefix="influence-sql-speed-") as tmp:
        for name in a.engines.split(","):
            label, measure = engines[name]
            script = os.path.join(tmp, f"load-{name}.sql")
            try:
                written, _ = timed(lambda: write_script(a, name, script))
                query = subprocess.run([a.bin, "sql", a.rules, "--dialect", name, "--rows", "all"],
                                       capture_output=True, text=True, check=True).stdout
                loaded, t, n = measure(a, script, query)
            except Exception as e:  # noqa: BLE001
                print(f"{name}: FAILED: {e}", flush=True)
                failed = True
                continue
            finally:
                if os.path.exists(script):
                    os.remove(script)
            ok = "" if n == creators else f" (WRONG: {n} rows for {creators} creators)"
            failed |= n != creators
            print(f"{name}: `load` {written:.2f} s, engine load {loaded:.2f} s, "
                  f"query {t:.2f} s, {n} rows{ok}", flush=True)
            rows.append((label, f"{written:.2f} s", f"{loaded:.2f} s", f"{t:.2f} s{ok}"))
    print(f"load average at the end: {loadavg()}")
    print()
    print(f"| {creators} creators | writing the load script | loading it | the rules (every row) |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
