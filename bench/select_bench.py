#!/usr/bin/env python3
"""The `select` benchmark (issue 19): time and peak memory of choosing a team.

    python3 bench/select_bench.py                      # 10k, 100k and 1M accepted creators
    python3 bench/select_bench.py --sizes 10k,100k     # what was measured for the README
    python3 bench/select_bench.py --binary target/release/influence-eval --sizes 10k

Builds influence-eval (release) unless --binary is given, generates
deterministic NDJSON (every creator accepted: a fee from 50 to 500, one of
12 countries, one of 5 product lines, a score from two signals) into a cache
folder (default bench/data/, gitignored), and runs

  select   `select 50`, `budget sum(fee) <= 5k`, `per country at most 8`,
           `per product_line at least 5` (bench/select.rules), --format json
  limit    the same rules with `limit 50` instead of `select`: the run
           without the team, to tell the solve from the screening

each --runs times, printing the median wall time and CPU time (user +
sys), peak RSS,
the creators left to the solver, the team's status and total. The time
of the team (`select s`) is the median wall time of `select` less that of
`limit`: the search, the tie rule and one more solve per constraint for its
cost (the report leaves timings out: its bytes do not depend on the machine). Exits 1 if a
team is not `optimal` or a check fails (50 chosen, budget and bounds kept).
Standard library only; peak RSS from GNU time (/usr/bin/time) when present.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

COUNTRIES = ["US", "GB", "CA", "AU", "DE", "BR", "IN", "FR", "NL", "MX", "PH", "IE"]
LINES = ["serum", "cleanser", "spf", "lip", "body"]

SELECT = """\
ruleset "select benchmark"

# Written by bench/select_bench.py. Every creator is accepted: the run measures the team.
require any: followers >= 0

signal engagement weight 3 = engagement_rate / 10%
signal reach      weight 1 = followers / 10k

select 50
  budget sum(fee) <= 5k
  per country at most 8
  per product_line at least 5
"""

LIMIT = SELECT.split("select 50")[0] + "limit 50\n"


def parse_size(text):
    t = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t.rstrip("km")) * mult)


def label(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def generate(path, n):
    """n creators, the same for the same n."""
    if path.exists():
        return
    rng = random.Random(19)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        for i in range(n):
            rec = {
                "handle": f"c{i}",
                "followers": rng.randint(1000, 10000),
                "engagement_rate": round(rng.uniform(0.01, 0.12), 4),
                "fee": rng.randint(5, 50) * 10,
                "country": rng.choice(COUNTRIES),
                "product_line": rng.choice(LINES),
            }
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    tmp.rename(path)


def measure(cmd):
    """Wall seconds, peak RSS KiB and CPU seconds (user + sys; None without
    GNU time), stdout."""
    with tempfile.NamedTemporaryFile() as rss:
        full = ([TIME, "-f", "%U %S %M", "-o", rss.name] if TIME else []) + cmd
        start = time.perf_counter()
        r = subprocess.run(full, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if r.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
        fields = Path(rss.name).read_text().split()[-3:] if TIME else None
    if not fields:
        return wall, None, None, r.stdout
    return wall, int(fields[2]), float(fields[0]) + float(fields[1]), r.stdout


def check(report):
    """The team keeps every constraint: 50 chosen, fee <= 5k, <= 8 per
    country, >= 5 per product line. Returns problems found."""
    team = report["team"]
    problems = []
    if team["status"] != "optimal":
        problems.append(f"status {team['status']}")
    if team["chosen"] != 50:
        problems.append(f"{team['chosen']} chosen")
    budget, countries, lines = team["constraints"]
    if budget["used"] > 5000:
        problems.append(f"budget {budget['used']}")
    if any(g["count"] > 8 for g in countries["groups"]):
        problems.append("a country over 8")
    if len(lines["groups"]) != len(LINES) or any(g["count"] < 5 for g in lines["groups"]):
        problems.append("a product line under 5")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k,1M", help="accepted creators, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--binary", help="an influence-eval binary (default: build target/release)")
    ap.add_argument("--data", default=str(ROOT / "bench" / "data"), help="where the generated data goes")
    a = ap.parse_args()
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = str(ROOT / "target" / "release" / "influence-eval")
    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    rules = {"select": ROOT / "bench" / "select.rules", "limit": ROOT / "bench" / "select-limit.rules"}
    rules["select"].write_text(SELECT)
    rules["limit"].write_text(LIMIT)
    failed = False
    print(f"{'size':>6}  {'run':<7}{'wall s':>8}{'cpu s':>7}{'peak MB':>9}{'select s':>10}{'cpu':>6}{'solver':>8}  status, total")
    for size in [parse_size(s) for s in a.sizes.split(",")]:
        path = data / f"select-{label(size)}.ndjson"
        generate(path, size)
        median, cpu = {}, {}
        for name in ("limit", "select"):
            walls, peaks, cpus = [], [], []
            for _ in range(a.runs):
                wall, peak, used, out = measure([binary, "run", str(rules[name]), str(path), "--format", "json",
                                           "--threads", "2", "--select-timeout", "60"])
                report = json.loads(out)
                walls.append(wall)
                peaks.append(peak or 0)
                cpus.append(used or 0.0)
                if name == "select":
                    problems = check(report)
                    if problems:
                        failed = True
                        print(f"FAIL {label(size)}: {', '.join(problems)}")
            median[name] = statistics.median(walls)
            cpu[name] = statistics.median(cpus)
            team = report.get("team")
            status = f"{team['status']}, {team['total_score']:.4f}" if team else "-"
            solver = str(team["considered"]) if team else "-"
            extra = (f"{median['select'] - median['limit']:10.2f}{cpu['select'] - cpu['limit']:6.2f}"
                     if team else f"{'-':>10}{'-':>6}")
            print(f"{label(size):>6}  {name:<7}{median[name]:8.2f}{cpu[name]:7.2f}{max(peaks) / 1024:9.1f}"
                  f"{extra}{solver:>8}  {status}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
