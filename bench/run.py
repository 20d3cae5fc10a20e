#!/usr/bin/env python3
"""The influence-eval benchmark (issue 14; README, "Benchmark").

    python3 bench/run.py                        # 100k and 1M creators, 3 runs each
    python3 bench/run.py --sizes 100k --runs 1  # quicker
    python3 bench/run.py --quick                # fewer rows (see --quick below)
    python3 bench/run.py --help

Builds influence-eval and bench/floor (release), generates deterministic
creator data into a cache folder (default bench/data/, gitignored) as a JSON
array, NDJSON and CSV (the same records), writes bench/w1.rules,
bench/w1-csv.rules, bench/w30.rules and bench/w1-cohort.rules, then times, per size and input format:

  typed / value floor  serde_json into Vec<TypedCreator> (the parse floor T) / Vec<Value>
  reference            a hand-written single-threaded W1 (bench/floor): the oracle
  influence-eval       W1 with --threads 1, --threads 2 and all cores; two W1
                       --threads 1 at once (what two cores give here); W30; W1 with
                       one cohort function (bench/w1-cohort.rules, two passes); W1 with
                       --format ndjson, csv, table and --all --format json; explain
                       --id of the last record; check --data; diff W1 W30
  DuckDB               the same W1 in SQL (bench/duckdb_w1.py), when `import duckdb` works
  jq                   bench/w1.jq, when jq is installed

and, over the CSV, W1 (bench/w1-csv.rules) with --threads 1 and all cores, and
DuckDB. Each tool runs --runs times (round-robin); the tables show the median
wall time, CPU time (user + sys), peak RSS, MB/s and ratios to T. The W1
answers of influence-eval, DuckDB and jq (accepted count, top 50 ids in
order, scores to 1e-9) are checked against the reference: PASS/FAIL; the
--format json, ndjson and csv outputs must be byte-identical for --threads
1, 2 and 8. Exits 1 if any check fails. The goals of issue 14 are printed at
the largest size, each "met" or "not met (by how much)". Standard library
only (DuckDB's row needs the duckdb package).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in bench/harness/ (not gitignored)

from harness.goals import Tally, print_goals
from harness.measure import (TIME, Row, accepted_share, compare, digest, load, load_note, measure,
                             parse_size, print_table, run_rows, say, sh, size_label, warm)
from harness.rules import write_rules

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
FLOOR = BENCH / "floor"
FLOOR_BIN = FLOOR / "target" / "release"

INPUTS = {"json": "JSON array", "ndjson": "NDJSON", "csv": "CSV"}
NO_THREADS = "n/a (no --threads)"
DUCKDB_HELP = ("not run: DuckDB is not installed (python3 -m pip install duckdb,"
               " with --break-system-packages if pip asks)")


def options():
    ap = argparse.ArgumentParser(
        description="Benchmark influence-eval against serde_json's parse floor, a hand-written "
                    "reference, DuckDB and jq, and check the goals of issue 14.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    ap.add_argument("--sizes", default="100k,1M", help="record counts, comma-separated (default 100k,1M)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool; the median is shown (default 3)")
    ap.add_argument("--formats", default="json,ndjson,csv",
                    help="input formats: json (array), ndjson, csv (default all three)")
    ap.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", str(BENCH / "data")),
                    help="where generated data is cached (default bench/data, or $BENCH_DATA)")
    ap.add_argument("--bin", help="the influence-eval binary to time (default: build target/release/influence-eval)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--no-jq", action="store_true", help="leave jq out (it is the slowest)")
    ap.add_argument("--no-value", action="store_true", help="leave the serde_json::Value floor out")
    ap.add_argument("--no-duckdb", action="store_true", help="leave DuckDB out")
    ap.add_argument("--quick", action="store_true",
                    help="leave out the value floor, jq, and the rows that only measure memory "
                         "(--format table, --all, check --data, diff); check --threads 1, 2, 8 "
                         "at the smallest size only")
    ap.add_argument("--json", metavar="FILE", help="also write every measurement to FILE as JSON")
    a = ap.parse_args()
    if a.quick:
        a.no_jq = a.no_value = True
    return a


def has_threads(binary):
    text = ""
    for args in (["--help"], ["run", "--help"]):
        r = subprocess.run([str(binary)] + args, capture_output=True, text=True)
        text += r.stdout + r.stderr
    return "--threads" in text


def duckdb_version():
    r = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.__version__)"],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def data_file(data_dir, version, n, fmt):
    return data_dir / f"creators-v{version}-{size_label(n)}.{fmt}"


def last_id(path, fmt):
    """The handle of the file's last record, for `explain --id`."""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - (64 << 10)))
        tail = f.read().decode("utf-8", errors="replace")
    if fmt == "csv":
        return tail.rstrip("\n").rsplit("\n", 1)[-1].split(",", 1)[0]
    ids = re.findall(r'"handle":"([^"\\]*)"', tail)
    return ids[-1] if ids else None


def engine_rows(ctx, fmt, path):
    """The rows of a JSON array or NDJSON table."""
    ie, rules, a = [str(ctx["binary"])], ctx["rules"], ctx["args"]
    w1, w30 = str(rules["w1.rules"]), str(rules["w30.rules"])
    w1_args = [w1, str(path), "--format", "json"]
    rows = [Row("typed", "typed floor (serde_json, Vec<TypedCreator>)", [str(FLOOR_BIN / "typed"), str(path)])]
    if not a.no_value:
        rows.append(Row("value", "value floor (serde_json, Vec<Value>)", [str(FLOOR_BIN / "value"), str(path)]))
    rows.append(Row("reference", "reference W1 (hand-written, 1 thread)", [str(FLOOR_BIN / "reference"), str(path)],
                    keep=True))
    if ctx["threads"]:
        rows.append(Row("w1_t1", "influence-eval W1 --threads 1", ie + w1_args + ["--threads", "1"], check=True))
        rows.append(Row("w1_t2", "influence-eval W1 --threads 2", ie + w1_args + ["--threads", "2"], check=True))
        rows.append(Row("w1_pair", "two influence-eval W1 --threads 1 at once (the machine's 2-core ceiling)",
                        ie + w1_args + ["--threads", "1"], pair=True))
    else:
        rows.append(Row("w1_t1", "influence-eval W1 --threads 1", missing=NO_THREADS))
        rows.append(Row("w1_t2", "influence-eval W1 --threads 2", missing=NO_THREADS))
    rows.append(Row("w1", "influence-eval W1 (all cores)", ie + w1_args, check=True))
    rows.append(Row("w30", "influence-eval W30 (all cores)", ie + [w30, str(path), "--format", "json"]))
    w1c = str(rules["w1-cohort.rules"])
    rows.append(Row("w1_cohort", "influence-eval W1 + percentile (two passes, all cores)",
                    ie + [w1c, str(path), "--format", "json"]))
    for out in ("ndjson", "csv") + (() if a.quick else ("table",)):
        rows.append(Row(f"out_{out}", f"influence-eval W1 --format {out}", ie + [w1, str(path), "--format", out]))
    if not a.quick:
        rows.append(Row("all_json", "influence-eval W1 --all --format json", ie + w1_args + ["--all"]))
    ident = last_id(path, fmt)
    if ident:
        rows.append(Row("explain", f"influence-eval explain W1 --id {ident} (last)",
                        ie + ["explain", w1, str(path), "--id", ident]))
    if not a.quick:
        rows.append(Row("check_data", "influence-eval check W1 --data", ie + ["check", w1, "--data", str(path)]))
        rows.append(Row("diff", "influence-eval diff W1 W30", ie + ["diff", w1, w30, str(path)]))
    rows.append(duckdb_row(ctx))
    if ctx["jq"]:
        jq_cmd = [ctx["jq"], "-c"] + ([] if fmt == "json" else ["-n"])
        jq_cmd += ["-f", str(BENCH / "w1.jq"), "--argjson", "array", "true" if fmt == "json" else "false", str(path)]
        rows.append(Row("jq", "jq W1 (bench/w1.jq, 1 thread)", jq_cmd, check=True))
    else:
        rows.append(Row("jq", "jq W1 (bench/w1.jq)", missing="not run (jq not installed, or --no-jq)"))
    return rows


def duckdb_row(ctx, path=None):
    name = f"DuckDB W1 (SQL, {os.cpu_count()} threads: its default, all cores)"
    if not ctx["duckdb"]:
        return Row("duckdb", "DuckDB W1 (SQL)", missing="not run (--no-duckdb)" if ctx["args"].no_duckdb
                   else DUCKDB_HELP)
    return Row("duckdb", name, [sys.executable, str(BENCH / "duckdb_w1.py"), str(ctx["path"] if path is None else path)],
               check=True)


def csv_rows(ctx, path):
    """The rows of the CSV table: W1 over the same records as CSV."""
    ie = [str(ctx["binary"]), str(ctx["rules"]["w1-csv.rules"]), str(path), "--format", "json"]
    rows = []
    if ctx["threads"]:
        rows.append(Row("w1_csv_t1", "influence-eval W1 over CSV --threads 1", ie + ["--threads", "1"], check=True))
    rows.append(Row("w1_csv", "influence-eval W1 over CSV (all cores)", ie, check=True))
    rows.append(duckdb_row(ctx, path))
    return rows


def identical_outputs(ctx, fmt, path, scratch):
    """{output format: True if --threads 1, 2 and 8 write the same bytes}."""
    if not ctx["threads"]:
        return {out: None for out in ("json", "ndjson", "csv")}
    rules = ctx["rules"]["w1-csv.rules" if fmt == "csv" else "w1.rules"]
    result = {}
    for out in ("json", "ndjson", "csv"):
        digests = set()
        for t in (1, 2, 8):
            o = scratch / f"threads-{out}-{t}.out"
            _, _, _, code = measure([str(ctx["binary"]), str(rules), str(path), "--format", out, "--threads", str(t)],
                                    o, scratch / "threads.err")
            digests.add(digest(o) if code == 0 else f"exit {code} {t}")
            o.unlink(missing_ok=True)
        result[out] = len(digests) == 1
    return result


def one_table(ctx, n, fmt, scratch, state):
    """Times the rows of one size and input format, checks them, prints the
    table. Returns False if a check failed."""
    path = data_file(ctx["data_dir"], ctx["version"], n, fmt)
    size_bytes = path.stat().st_size
    ctx["path"] = path
    rows = csv_rows(ctx, path) if fmt == "csv" else engine_rows(ctx, fmt, path)
    warm(path)
    label = f"{size_label(n)} creators, {INPUTS[fmt]} ({size_bytes / 1e6:.0f} MB)"
    say()
    say(f"== {label}; load average {load()}")
    ok = run_rows(rows, ctx["args"].runs, scratch, f"{size_label(n)}-{fmt}")
    by_key = {r.key: r for r in rows}
    ref = by_key.get("reference")
    if ref and ref.walls:
        state["reference"][n] = json.loads(ref.out.read_text(encoding="utf-8"))
        ref.status = f"oracle: {state['reference'][n]['accepted']:,} accepted"
    reference = state["reference"].get(n)
    for r in rows:
        if r.check and r.walls:
            r.status = compare(r.out, reference) if reference else "FAIL (no reference)"
            ok = ok and r.status == "PASS"
        if r.key == "w30" and r.walls:
            r.status, state["w30"].setdefault(n, {})[fmt] = accepted_share(r.out)
    # the goal is at the largest size; --quick checks the smallest only
    if not ctx["args"].quick or n == min(ctx["sizes"]):
        state["identical"].setdefault(n, {})[fmt] = identical_outputs(ctx, fmt, path, scratch)
        ok = ok and all(v is not False for v in state["identical"][n][fmt].values())
    typed = by_key.get("typed") or state["typed"].get(n)
    if "typed" in by_key:
        state["typed"][n] = by_key["typed"]
    title = label + ("" if fmt != "csv" else "; T = the typed floor of the JSON array")
    print_table(title, rows, size_bytes, typed)
    same = state["identical"].get(n, {}).get(fmt)
    if same:
        say()
        say("--threads 1, 2, 8 give byte-identical output: " + ", ".join(
            f"--format {k} {'PASS' if v else ('FAIL' if v is False else 'not measured')}" for k, v in same.items()))
    state["tables"].setdefault(n, {})[fmt] = by_key
    state["results"].append({"size": n, "format": fmt, "bytes": size_bytes, "identical_across_threads": same,
                             "rows": [r.record() for r in rows]})
    for r in rows:
        if r.out:
            r.out.unlink(missing_ok=True)
    return ok


def prepare(a):
    """Builds, writes the rules, generates the data; returns the context."""
    sizes = sorted(parse_size(s) for s in a.sizes.split(",") if s.strip())
    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    for f in formats:
        if f not in INPUTS:
            sys.exit(f"bench: unknown format {f!r} (json, ndjson, csv)")
    # tables in this order: the CSV's takes its T and reference from the JSON's
    formats = [f for f in INPUTS if f in formats]
    if not sizes or a.runs < 1:
        sys.exit("bench: --sizes needs a size and --runs at least 1")
    data_dir = Path(a.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    binary = Path(a.bin).resolve() if a.bin else ROOT / "target" / "release" / "influence-eval"
    if not a.no_build:
        if not a.bin:
            say("== cargo build --release (influence-eval)")
            sh(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
        say("== cargo build --release (bench/floor)")
        sh(["cargo", "build", "--release", "--quiet", "--manifest-path", str(FLOOR / "Cargo.toml")])
    for b in (binary, FLOOR_BIN / "gen", FLOOR_BIN / "typed", FLOOR_BIN / "value", FLOOR_BIN / "reference"):
        if not b.exists():
            sys.exit(f"bench: {b} is missing (run without --no-build)")
    usage = subprocess.run([str(FLOOR_BIN / "gen")], capture_output=True, text=True).stderr
    if "csv" in formats and "OUT.csv" not in usage:
        sys.exit(f"bench: {FLOOR_BIN / 'gen'} predates CSV output (run without --no-build)")
    rules = write_rules(BENCH, say)
    for path in rules.values():
        sh([str(binary), "check", str(path)], stdout=subprocess.DEVNULL)
    version = subprocess.run([str(FLOOR_BIN / "gen"), "--version"], capture_output=True, text=True).stdout.strip()
    # the CSV's table is checked against the reference over the JSON array
    needed = formats + (["json"] if "csv" in formats and "json" not in formats else [])
    for n in sizes:
        for fmt in needed:
            path = data_file(data_dir, version, n, fmt)
            if not path.exists():
                say(f"== generating {path}")
                t = time.perf_counter()
                sh([str(FLOOR_BIN / "gen"), str(n), str(path)])
                say(f"   {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s")
    duck = None if a.no_duckdb else duckdb_version()
    if not duck and not a.no_duckdb:
        say(f"bench: DuckDB's row is {DUCKDB_HELP}")
    return {"args": a, "sizes": sizes, "formats": formats, "data_dir": data_dir, "binary": binary,
            "rules": rules, "version": version, "threads": has_threads(binary), "duckdb": duck,
            "jq": None if a.no_jq else shutil.which("jq")}


def header(ctx):
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    jq = ctx["jq"]
    jq_version = subprocess.run([jq, "--version"], capture_output=True, text=True).stdout.strip() if jq else None
    a = ctx["args"]
    say()
    say(f"## influence-eval benchmark, {datetime.date.today().isoformat()}")
    say()
    say(f"- machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}")
    say(f"- influence-eval: {ctx['binary']} (worktree at {commit}); --threads: {'yes' if ctx['threads'] else 'no'}")
    say(f"- DuckDB: {('Python package ' + ctx['duckdb'] + ', its default thread count (every core)') if ctx['duckdb'] else 'not run'};"
        f" jq: {jq_version or 'not run'}")
    say(f"- runs: {a.runs} (median shown); data v{ctx['version']} in {ctx['data_dir']}")
    say("- measured with " + ("/usr/bin/time -f (CPU, peak RSS) and a wall clock" if TIME
                              else "getrusage (no /usr/bin/time: peak RSS includes ~20 MiB of this script, as forked)"))
    say(f"- load average before: {load()}{load_note()}")
    say("- T = the typed floor (serde_json into Vec<TypedCreator>) for the same file, same run;"
        " MB/s = 10^6 input bytes per wall second; check = accepted count and top 50 against the reference")


def main():
    a = options()
    ctx = prepare(a)
    header(ctx)
    state = {"reference": {}, "typed": {}, "w30": {}, "identical": {}, "tables": {}, "results": []}
    ok = True
    scratch = Path(tempfile.mkdtemp(prefix="influence-bench-"))
    try:
        for n in ctx["sizes"]:
            for fmt in ctx["formats"]:
                if fmt == "csv" and n not in state["reference"]:
                    ref = scratch / "reference.out"
                    sh([str(FLOOR_BIN / "reference"), str(data_file(ctx["data_dir"], ctx["version"], n, "json"))],
                       stdout=open(ref, "wb"))
                    state["reference"][n] = json.loads(ref.read_text(encoding="utf-8"))
                ok = one_table(ctx, n, fmt, scratch, state) and ok
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    n = max(ctx["sizes"])
    say()
    say(f"### Goals (issue 14) at {size_label(n)} creators")
    say()
    tally = Tally()
    print_goals(state["tables"][n], n, size_label(n), state["identical"].get(n, {}), state["w30"].get(n, {}), tally)
    say(f"- load average after: {load()}{load_note(after=True)}")
    say()
    say(f"goals: {tally.met} met, {tally.missed} not met, {tally.unmeasured} not measured")
    checks = [r["status"] for x in state["results"] for r in x["rows"]
              if r["status"] in ("PASS",) or (r["status"] or "").startswith(("FAIL", "ERROR"))]
    say(f"correctness: {'PASS' if ok else 'FAIL'} ({sum(s == 'PASS' for s in checks)} of {len(checks)}"
        " checked runs match the reference)")
    if a.json:
        Path(a.json).write_text(json.dumps({"date": datetime.date.today().isoformat(), "cores": os.cpu_count(),
                                            "runs": a.runs, "results": state["results"]}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
