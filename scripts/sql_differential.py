#!/usr/bin/env python3
"""Differential test of `influence-eval sql` and `load` against the interpreter.

For every case (a rules file and a data file), runs

    influence-eval RULES DATA --all --format json          (the interpreter)
    influence-eval load DATA --dialect D                    (the table)
    influence-eval sql RULES --dialect D --rows all         (the query)

in each engine and compares the rows with the interpreter's verdicts: the
same id, status, failed requirements (in order), tier and rank, and score
and signals within 1e-9. Prints one summary line per engine:

    duckdb: 412 cases, 0 differences

and exits 1 on any difference, or when an engine asked for with --require
is not available. Engines: sqlite (Python's sqlite3 module), duckdb (the
duckdb Python package), postgres (a throwaway cluster made with initdb and
pg_ctl in a temporary directory, on a free port, stopped at the end).

    python3 scripts/sql_differential.py --bin target/debug/influence-eval \
        [--engines sqlite,duckdb,postgres] [--require sqlite,duckdb] \
        [--random N] [CASE_RULES:CASE_DATA ...]

Without cases, uses every shipped ruleset the dialect translates, over
creators.json, plus each ruleset's examples, plus --random generated cases.
Standard library only (plus the engines' own Python packages).
"""

import argparse
import csv
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile

TOL = 1e-9


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# --- engines -------------------------------------------------------------

class Sqlite:
    name = "sqlite"

    def __init__(self):
        import sqlite3
        self.mod = sqlite3
        ver = tuple(int(x) for x in sqlite3.sqlite_version.split("."))
        if ver < (3, 38, 0):
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is older than 3.38 (no -> operator)")

    def rows(self, load, query):
        c = self.mod.connect(":memory:")
        c.executescript(load)
        cur = c.execute(query)
        names = [d[0] for d in cur.description]
        out = [dict(zip(names, r)) for r in cur.fetchall()]
        c.close()
        return out


class Duckdb:
    name = "duckdb"

    def __init__(self):
        import duckdb
        self.mod = duckdb

    def rows(self, load, query):
        c = self.mod.connect()
        c.execute(load)
        cur = c.execute(query)
        names = [d[0] for d in cur.description]
        out = [dict(zip(names, r)) for r in cur.fetchall()]
        c.close()
        return out


def find_pg_bin():
    for d in ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin",
              "/usr/lib/postgresql/14/bin", "/usr/local/bin", "/usr/bin"]:
        if os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    return None


class Postgres:
    name = "postgres"

    def __init__(self):
        bindir = find_pg_bin()
        if not bindir or not shutil.which("psql"):
            raise RuntimeError("no PostgreSQL server (initdb, pg_ctl) or psql found")
        self.dir = tempfile.mkdtemp(prefix="influence-pg-")
        os.chmod(self.dir, 0o777)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.as_user = []
        if os.geteuid() == 0:
            # the server refuses to run as root: run it as `postgres`
            who = "postgres" if run(["id", "postgres"]).returncode == 0 else None
            if who is None:
                raise RuntimeError("running as root and there is no `postgres` user to run the server")
            self.as_user = ["runuser", "-u", who, "--"]
        data = os.path.join(self.dir, "data")
        r = run(self.as_user + [os.path.join(bindir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
                                "-E", "UTF8", "--locale=C"])
        if r.returncode != 0:
            raise RuntimeError("initdb failed: " + r.stderr.strip())
        self.pg_ctl = os.path.join(bindir, "pg_ctl")
        self.data = data
        r = run(self.as_user + [self.pg_ctl, "-D", data, "-w", "-l", os.path.join(self.dir, "log"),
                                "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=''", "start"])
        if r.returncode != 0:
            raise RuntimeError("pg_ctl start failed: " + r.stderr.strip())

    def psql(self, sql):
        r = run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                 "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-f", "-"], input=sql)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip()[:2000])
        return r.stdout

    def rows(self, load, query):
        self.psql(load)
        out = self.psql(query)
        reader = csv.DictReader(io.StringIO(out))
        rows = []
        for r in reader:
            rows.append({k: (None if v == "" and k not in ("failed", "id") else v) for k, v in r.items()})
        return rows

    def stop(self):
        run(self.as_user + [self.pg_ctl, "-D", self.data, "-m", "immediate", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)


class Spark:
    """Spark SQL in local mode (pyspark), one session for every case. Cases
    alternate spark.sql.ansi.enabled between true and false: the query must
    give the same rows under both."""
    name = "spark"

    def __init__(self):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        import logging
        from pyspark.sql import SparkSession
        # pyspark logs every failed statement at ERROR: the script reports them
        logging.getLogger("pyspark").setLevel(logging.CRITICAL)
        self.dir = tempfile.mkdtemp(prefix="influence-spark-")
        self.builder = (SparkSession.builder.master("local[2]").appName("influence-eval-differential")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.memory", "2g")
                        .config("spark.ui.showConsoleProgress", "false")
                        .config("spark.sql.shuffle.partitions", "2")
                        .config("spark.sql.warehouse.dir", os.path.join(self.dir, "warehouse"))
                        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={self.dir}"))
        self.session = self.builder.getOrCreate()
        self.session.sparkContext.setLogLevel("OFF")
        self.cases = 0

    def rows(self, load, query):
        s = self.session
        self.cases += 1
        s.conf.set("spark.sql.ansi.enabled", "true" if self.cases % 2 else "false")
        # `load` writes no line break inside a literal: statements end at `;` + newline
        for stmt in load.split(";\n"):
            if stmt.strip():
                s.sql(stmt)
        result = s.sql(query.strip().rstrip(";"))
        names = result.columns
        return [dict(zip(names, list(r))) for r in result.collect()]

    def restart(self):
        """A fresh session: the heap of one session grows from case to case."""
        self.session.stop()
        # the new session's catalog is empty: its tables' files go too
        shutil.rmtree(os.path.join(self.dir, "warehouse"), ignore_errors=True)
        self.session = self.builder.getOrCreate()
        self.session.sparkContext.setLogLevel("OFF")

    def stop(self):
        self.session.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


ENGINES = {"sqlite": Sqlite, "duckdb": Duckdb, "postgres": Postgres, "spark": Spark}


# --- comparison ----------------------------------------------------------

def num(v):
    if v is None or v == "":
        return None
    return float(v)


def compare(expected, got, signals):
    """The differences between the interpreter's creators and the rows."""
    diffs = []
    if len(expected) != len(got):
        return [f"{len(expected)} creators, {len(got)} rows"]
    for e, g in zip(expected, got):
        where = f"creator {e['id']}"
        if str(g["id"]) != e["id"]:
            diffs.append(f"{where}: id {g['id']!r}")
            continue
        if g["status"] != e["status"]:
            diffs.append(f"{where}: status {g['status']} (interpreter {e['status']})")
            continue
        want_failed = [f["rule"] for f in e["failed"]]
        got_failed = [x for x in (g["failed"] or "").split(";") if x]
        if e["status"] == "error":
            want_failed = want_failed[:1]
        if got_failed != want_failed:
            diffs.append(f"{where}: failed {got_failed} (interpreter {want_failed})")
        if (g["tier"] or None) != e.get("tier"):
            diffs.append(f"{where}: tier {g['tier']} (interpreter {e.get('tier')})")
        grank = None if g["rank"] in (None, "") else int(g["rank"])
        if grank != e.get("rank"):
            diffs.append(f"{where}: rank {grank} (interpreter {e.get('rank')})")
        pairs = [("score", e.get("score"), num(g["score"]))]
        for s in signals:
            pairs.append((f"signal {s}", e.get("signals", {}).get(s), num(g[s])))
        for what, a, b in pairs:
            if (a is None) != (b is None) or (a is not None and abs(a - b) > TOL):
                diffs.append(f"{where}: {what} {b} (interpreter {a})")
    return diffs


# --- cases ---------------------------------------------------------------

def interpreter(bin, rules, data):
    r = run([bin, rules, data, "--all", "--format", "json"])
    if r.returncode not in (0,):
        raise RuntimeError(f"interpreter failed on {rules} {data}: {r.stderr[:500]}")
    out = json.loads(r.stdout)
    return out["creators"], list((out["shortlist"][0]["signals"] if out["shortlist"] else {}).keys())


def signal_names(bin, rules):
    # the names in file order, from the check summary is not enough: read the file
    names = []
    for line in open(rules, encoding="utf-8"):
        t = line.strip()
        if t.startswith("signal "):
            names.append(t.split()[1])
    return names


def examples_data(bin, rules, workdir):
    """The creators of the ruleset's examples, as one JSON file (None if none)."""
    r = run([bin, "test", rules, "--format", "json"]) if False else None
    return None


def random_case(rng, workdir, k, cohorts=True):
    """A random ruleset over a few fields, and random records with missing
    values and values of the wrong kind."""
    fields = ["a", "b", "c", "s", "t", "xs", "o"]
    def cohort_expr():
        # cohort functions: x and group read fields only (influence::cohort);
        # groups of every kind, missing, lists, and compound keys
        x = rng.choice(["a", "b", "c", "o.n", "(a + b)", "len(s)"])
        g = rng.choice(["s", "t", "a", "b", "o.n", "xs", "o", "[s, t]", "[band(a, [1, 2.5]), s]",
                        "band(b, [0, 1k])", "[t, 1]", "lower(s)"])
        r = rng.random()
        if r < 0.35:
            return f"percentile({x}, {g})" if rng.random() < 0.8 else f"percentile({x})"
        if r < 0.7:
            return f"cohort_median({x}, {g})" if rng.random() < 0.8 else f"cohort_median({x})"
        return f"cohort_size({g})" if rng.random() < 0.8 else "cohort_size()"
    def num_expr(depth=0):
        if cohorts and rng.random() < 0.1:
            return cohort_expr()
        r = rng.random()
        if depth > 2 or r < 0.3:
            # not number(): its SQL is deep, and SQLite's parser stops at
            # about 100 levels (README, "Running in your warehouse")
            return rng.choice(["a", "b", "c", "o.n", str(rng.choice([0, 1, 2, 0.5, 10, 3.3])), "len(xs)", "len(s)"])
        if r < 0.5:
            return f"({num_expr(depth+1)} {rng.choice(['+','-','*','/'])} {num_expr(depth+1)})"
        if r < 0.6:
            return f"({num_expr(depth+1)} ?? {num_expr(depth+1)})"
        if r < 0.7:
            return f"{rng.choice(['min','max'])}({num_expr(depth+1)}, {num_expr(depth+1)})"
        if r < 0.75:
            return f"clamp({num_expr(depth+1)}, 0, 5)"
        if r < 0.8:
            return f"round({num_expr(depth+1)}, {rng.choice([0,1,2])})"
        if r < 0.85:
            return f"{rng.choice(['abs','floor','ceil','sqrt','log10','ln'])}({num_expr(depth+1)})"
        if r < 0.9:
            return f"overlap(xs, [\"p\", \"q\", 1])"
        if r < 0.95:
            return f"count(xs, x => x == \"p\")"
        return f"(if {bool_expr(depth+1)} then {num_expr(depth+1)} else {num_expr(depth+1)})"
    def bool_expr(depth=0):
        r = rng.random()
        if depth > 2 or r < 0.35:
            op = rng.choice(["<", "<=", ">", ">=", "==", "!="])
            return f"{num_expr(depth+1)} {op} {num_expr(depth+1)}"
        if r < 0.45:
            return f"{rng.choice(['a','b','c'])} between {rng.choice([0,1])} and {rng.choice([2,5])}"
        if r < 0.55:
            return f"s {rng.choice(['in','not in'])} [\"x\", \"y\", \"Zed\"]"
        if r < 0.58:
            return f"band({rng.choice(['a', 'b', 'c'])}, [1, 2.5]) == \"1-2.5\""
        if r < 0.6:
            return f"\"p\" in xs"
        if r < 0.65:
            return f"lower(s) contains \"ze\""
        if r < 0.7:
            return f"s matches \"^(x|Ze)d?$\""
        if r < 0.75:
            return f"has({rng.choice(['a','o.n','t'])})"
        if r < 0.8:
            return f"any(xs, x => x in [\"p\", 2])"
        if r < 0.85:
            return f"t == true"
        if r < 0.92:
            return f"({bool_expr(depth+1)} {rng.choice(['and','or'])} {bool_expr(depth+1)})"
        return f"not ({bool_expr(depth+1)})"
    lines = []
    nlet = rng.randint(0, 2)
    for i in range(nlet):
        lines.append(f"let v{i} = {num_expr()}")
    for i in range(rng.randint(1, 4)):
        wm = rng.choice(["", " when missing pass", " when missing review", " when missing fail"])
        lines.append(f"require r{i}: {bool_expr()}{wm}")
    nsig = rng.randint(0, 3)
    for i in range(nsig):
        src = f"v{rng.randrange(nlet)}" if nlet and rng.random() < 0.3 else num_expr()
        lines.append(f"signal g{i} weight {rng.choice([1, 2, 0.5])} = {src}")
    if cohorts and rng.random() < 0.6:
        # a cohort function read directly, so that its value is compared
        c = cohort_expr()
        scale = "" if c.startswith("percentile") else f" / {rng.choice([4, 30])}"
        lines.append(f"signal q weight 2 = {c}{scale}")
    if rng.random() < 0.7:
        lines.append("tier top when score >= 0.5")
        lines.append("tier rest otherwise")
    if rng.random() < 0.5:
        lines.append(f"rank by {num_expr()} {rng.choice(['asc','desc'])}")
    if rng.random() < 0.3:
        lines.append(f"limit {rng.randint(1, 5)}")
    rules = os.path.join(workdir, f"random{k}.rules")
    with open(rules, "w") as f:
        f.write("\n".join(lines) + "\n")
    def value(kind):
        r = rng.random()
        if r < 0.12:
            return None
        if r < 0.18:
            return rng.choice(["3.3k", True, [1], {"n": 1}, "x"])
        if kind == "num":
            return rng.choice([0, 1, 2, 3, -1, 0.5, 2.5, 10, 1e3])
        if kind == "str":
            return rng.choice(["x", "y", "Zed", "zed", "Zd", "", "ſ", "3.3k", " 1,200 ", "$5", "1.39%", "n/a", "-.5M", "1.2.3"])
        if kind == "bool":
            return rng.choice([True, False])
        if kind == "list":
            # a list or an object inside the list: the wrong kind for a group
            return [rng.choice(["p", "q", 1, 1.0, 2, None, "P", True, [1], {"n": 1}] if rng.random() < 0.1 else ["p", "q", 1, 1.0, 2, None, "P", True]) for _ in range(rng.randint(0, 3))]
        return {"n": rng.choice([1, 2, None, "w"])} if rng.random() < 0.9 else 5
    records = []
    for i in range(rng.randint(5, 25)):
        rec = {"handle": f"h{i}"}
        for f, kind in [("a", "num"), ("b", "num"), ("c", "num"), ("s", "str"), ("t", "bool"), ("xs", "list"), ("o", "obj")]:
            v = value(kind)
            if v is not None or rng.random() < 0.5:
                rec[f] = v
        records.append(rec)
    # every field in at least one record, so the table has its column
    records.append({"handle": "all", "a": 1, "b": 2, "c": 3, "s": "x", "t": True, "xs": ["p"], "o": {"n": 1}})
    data = os.path.join(workdir, f"random{k}.json")
    with open(data, "w") as f:
        json.dump(records, f)
    return rules, data


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/debug/influence-eval")
    ap.add_argument("--engines", default="sqlite,duckdb,postgres")
    ap.add_argument("--no-cohorts", action="store_true",
                    help="random rulesets without cohort functions (Spark refuses them: "
                         "its random cases would all be refused)")
    ap.add_argument("--require", default="", help="engines whose absence is a failure")
    ap.add_argument("--random", type=int, default=200, help="random cases per engine")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("cases", nargs="*", help="RULES:DATA pairs [default: the shipped rules over creators.json]")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    required = [e for e in a.require.split(",") if e]
    workdir = tempfile.mkdtemp(prefix="influence-sql-")
    if a.cases:
        fixed = [tuple(c.split(":", 1)) for c in a.cases]
    else:
        fixed = [(os.path.join("rules", f), "creators.json") for f in sorted(os.listdir("rules")) if f.endswith(".rules")]
    rng = random.Random(a.seed)
    randoms = [random_case(rng, workdir, k, not a.no_cohorts) for k in range(a.random)]
    failed = False
    engines = []
    for name in [e for e in a.engines.split(",") if e]:
        try:
            engines.append(ENGINES[name]())
        except Exception as e:  # noqa: BLE001 - any failure to start is a skip
            if name in required:
                print(f"{name}: NOT AVAILABLE, and required: {e}")
                failed = True
            else:
                print(f"*** {name}: SKIPPED: {e} ***")
    counts = {e.name: [0, 0, 0, 0] for e in engines}  # cases, differences, refused, engine limits
    try:
        for rules, data in fixed + randoms:
            expected = None
            for engine in engines:
                name, c = engine.name, counts[engine.name]
                q = run([a.bin, "sql", rules, "--dialect", name, "--rows", "all"])
                if q.returncode == 1 and "influence::sql-unsupported" in q.stderr:
                    c[2] += 1
                    if a.verbose:
                        print(f"{name}: {rules}: refused")
                    continue
                c[0] += 1
                if q.returncode != 0:
                    print(f"{name}: {rules}: sql failed: {q.stderr[:800]}")
                    c[1] += 1
                    continue
                if expected is None:
                    expected, _ = interpreter(a.bin, rules, data)
                load = run([a.bin, "load", data, "--dialect", name, "--rules", rules])
                try:
                    try:
                        got = engine.rows(load.stdout, q.stdout)
                    except Exception as e:  # noqa: BLE001
                        if name != "spark" or "java.lang.OutOfMemoryError" not in str(e):
                            raise
                        # one session's heap grows from case to case: a
                        # fresh session, and the case once more
                        c[3] += 1
                        print(f"{name}: {rules}: out of memory; the case again in a fresh session")
                        engine.restart()
                        got = engine.rows(load.stdout, q.stdout)
                except Exception as e:  # noqa: BLE001 - an engine error is a difference
                    c[1] += 1
                    print(f"{name}: {rules} over {data}: the engine failed: {str(e)[:1500]}")
                    continue
                d = compare(expected, got, signal_names(a.bin, rules))
                if d:
                    c[1] += 1
                    print(f"{name}: {rules} over {data}: {len(d)} differences, first: " + "; ".join(d[:3]))
    finally:
        for engine in engines:
            if hasattr(engine, "stop"):
                engine.stop()
    for name, (cases, diffs, refused, limits) in counts.items():
        extra = f", {limits} run again in a fresh session" if limits else ""
        print(f"{name}: {cases} cases, {diffs} differences ({refused} refused{extra})")
        failed |= diffs > 0
    shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
