#!/usr/bin/env python3
"""The influence-eval benchmark (issue 6; README, "Benchmark").

    python3 bench/run.py                        # 100k and 1M creators, 3 runs each
    python3 bench/run.py --sizes 100k --runs 5  # quicker
    python3 bench/run.py --help

Builds influence-eval and bench/floor (release), generates deterministic
creator data into a cache folder (default bench/data/, gitignored), writes
bench/w1.rules and bench/w30.rules, then times, for each size and format (a
JSON array and NDJSON):

  typed      serde_json into Vec<TypedCreator>, the whole file (the parse floor T)
  value      serde_json into Vec<serde_json::Value>
  reference  a hand-written single-threaded W1: streams, decodes the 7 fields it reads
  influence-eval W1, with --threads 1 and with the default (all cores), when
             --help lists --threads; otherwise the default only
  influence-eval W30 (30 requirements, 10 signals), default threads
  jq         bench/w1.jq, the same W1 filter and score, when jq is installed

Each tool runs --runs times; the table shows the median wall time, CPU time
(user + sys) and peak RSS (GNU time's %U %S %M), MB/s (10^6 bytes of input
per wall second), and each as a ratio to the typed floor of the same size and
format, measured in the same run. influence-eval's and jq's accepted count and
top 50 (ids in order, scores to 1e-9) are checked against the reference:
PASS/FAIL. With --threads, the JSON output must also be byte-identical for
--threads 1, 2 and 8. Exits 1 if any check fails. The issue's goals for the
optimisation are checked at the largest size and printed after the tables.
Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
FLOOR = BENCH / "floor"
FLOOR_BIN = FLOOR / "target" / "release"

# The rules files are written from these texts (and committed); the reference
# program and bench/w1.jq implement W1 by hand: keep the three in step.
W1_RULES = '''\
ruleset "W1: micro beauty creators in US, CA and GB (benchmark)"

# Written by bench/run.py (W1_RULES there). bench/floor/src/bin/reference.rs and
# bench/w1.jq implement the same screen by hand; keep all three in step.

require micro:   followers between 1k and 10k
require engaged: engagement_rate >= 3%
require niche:   "skincare" in niches or "beauty" in niches
require market:  country in ["US", "CA", "GB"]

signal engagement weight 5 = engagement_rate / 10%
signal conversion weight 3 = conversions_30d / link_clicks_30d / 8%
signal niche_fit  weight 2 = overlap(niches, ["skincare", "beauty"]) / 2

rank by score desc
limit 50
'''

W30_RULES = '''\
ruleset "W30: a full brief, 30 requirements and 10 signals (benchmark)"

# Written by bench/run.py (W30_RULES there); the benchmark times it beside W1.

let beauty     = ["skincare", "beauty", "makeup", "wellness", "hair"]
let markets    = ["US", "CA", "GB", "AU", "IE", "NZ"]
let conversion = conversions_30d / link_clicks_30d
let ad_share   = sponsored_posts / max(posts, 1)
let women      = audience.female_share ?? 0.5
let young      = audience.age_18_34_share ?? 0.5

require micro:            followers between 1k and 50k
require engaged:          engagement_rate >= 2%
require plausible_rate:   engagement_rate <= 20%
require niche:            overlap(niches, beauty) >= 1
require market:           country in markets
require speaks_english:   language == "en"
require platform:         platform in ["instagram", "tiktok", "youtube"]
require active:           posts_last_30d >= 2
require catalogue:        posts >= 20
require named:            len(name) >= 2
require has_bio:          len(trim(bio)) >= 10
require no_giveaways:     not bio matches "(?i)giveaway|free followers" when missing pass
require follow_ratio:     following <= 5 * followers
require likes_real:       avg_likes <= followers
require comments_real:    avg_comments <= avg_likes
require likes_seen:       avg_likes >= 5
require ad_load:          ad_share <= 60%
require clicks_sane:      link_clicks_30d between 0 and 1M
require conversions_sane: conversions_30d <= link_clicks_30d
require authentic:        authenticity_score ?? 1 >= 0.5
require audience_women:   women >= 20%
require audience_age:     young >= 25%
require audience_market:  (audience.top_country ?? country) not in ["KR", "JP"]
require joined_before:    joined < "2026-01-01"
require not_competitor:   not (bio contains "@rivalbrand")
require real_handle:      not handle matches "^(test|demo)_"
require mentions_ok:      brand_mentions <= 10
require not_overexposed:  sponsored_posts <= 150
require niches_listed:    len(niches) between 1 and 5
require a_person:         not (lower(name) contains "official")

signal engagement   weight 5 = engagement_rate / 10%
signal sales        weight 4 = conversion / 8%
signal niche_fit    weight 3 = overlap(niches, beauty) / 3
signal customer     weight 2 = if is_customer then 1 else min(brand_mentions, 3) / 6
signal authenticity weight 2 = ((authenticity_score ?? 0.7) - 0.5) / 0.5
signal audience_fit weight 2 = 0.6 * women + 0.4 * young
signal activity     weight 1 = posts_last_30d / 20
signal reach        weight 1 = (log10(followers) - 3) / 1.7
signal organic      weight 1 = 1 - ad_share * 2
signal contactable  weight 1 = if has(email) then 1 else 0

tier gold   when score >= 0.75
tier silver when score >= 0.6
tier bronze otherwise

rank by score desc
limit 50
'''

FORMATS = {"json": "JSON array", "ndjson": "NDJSON"}
NO_THREADS = "n/a (no --threads yet)"

# The goals for W1 over the largest size (README, "Benchmark").
GOAL_WALL_ALL = 0.4  # all cores: wall <= 0.4 x typed floor
GOAL_WALL_ONE = 0.8  # --threads 1: wall <= 0.8 x typed floor
GOAL_RSS_MIB = 64  # peak RSS without --all
GOAL_W30 = 1.5  # W30 wall <= 1.5 x W1 wall


def parse_size(text):
    t = text.strip()
    mult = 1
    if t[-1:] in ("k", "K"):
        mult, t = 1_000, t[:-1]
    elif t[-1:] in ("m", "M"):
        mult, t = 1_000_000, t[:-1]
    return int(float(t) * mult)


def size_label(n):
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def say(*args):
    print(*args, flush=True)


def sh(cmd, **kw):
    """Runs a set-up command, stopping the benchmark if it fails."""
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        sys.exit(f"bench: `{' '.join(map(str, cmd))}` failed with status {r.returncode}")
    return r


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(cmd, out_path, err_path):
    """Runs cmd once; returns (wall s, cpu s, peak RSS KiB, exit status).

    CPU and peak RSS come from GNU time (`/usr/bin/time -f`), whose own
    footprint before it starts the tool is about 2 MiB. Without it, from
    getrusage of the child, whose peak RSS then counts this Python process's
    ~20 MiB as it was when forked (Linux carries the high-water mark across exec).
    """
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        stats = Path(str(err_path) + ".time")
        full = [TIME, "-f", "%U %S %M", "-o", str(stats)] + cmd if TIME else cmd
        start = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    cpu, rss = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
    if TIME:
        try:
            user, system, rss = Path(stats).read_text().split("\n")[-2].split()
            cpu, rss = float(user) + float(system), int(rss)
        except (OSError, ValueError, IndexError):
            pass
    return wall, cpu, rss, p.returncode


def warm(path):
    """Reads the file once so every tool starts from the page cache."""
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def write_rules():
    for name, text in (("w1.rules", W1_RULES), ("w30.rules", W30_RULES)):
        path = BENCH / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            say(f"wrote {path.relative_to(ROOT)}" + ("" if old is None else " (it differed)"))


def has_threads(binary):
    text = ""
    for args in (["--help"], ["run", "--help"]):
        r = subprocess.run([str(binary)] + args, capture_output=True, text=True)
        text += r.stdout + r.stderr
    return "--threads" in text


def data_file(data_dir, version, n, fmt):
    return data_dir / f"creators-v{version}-{size_label(n)}.{fmt}"


def compare(result_path, reference):
    """PASS, or FAIL with the first difference, against the reference's answer."""
    try:
        got = json.loads(Path(result_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"FAIL (output is not JSON: {e})"
    if got.get("accepted") != reference["accepted"]:
        return f"FAIL (accepted {got.get('accepted')}, reference {reference['accepted']})"
    if "evaluated" in got and got["evaluated"] != reference["evaluated"]:
        return f"FAIL (evaluated {got['evaluated']}, reference {reference['evaluated']})"
    mine, theirs = got.get("shortlist", []), reference["shortlist"]
    if len(mine) != len(theirs):
        return f"FAIL (shortlist of {len(mine)}, reference {len(theirs)})"
    for i, (a, b) in enumerate(zip(mine, theirs), 1):
        if a["id"] != b["id"]:
            return f"FAIL (rank {i}: {a['id']}, reference {b['id']})"
        if abs(float(a["score"]) - float(b["score"])) > 1e-9:
            return f"FAIL (rank {i} {a['id']}: score {a['score']}, reference {b['score']})"
    return "PASS"


class Row:
    def __init__(self, name, cmd=None, check=False, missing=None):
        self.name, self.cmd, self.check, self.missing = name, cmd, check, missing
        self.walls, self.cpus, self.rss = [], [], []
        self.status = None  # PASS / FAIL ... for checked rows
        self.out = self.err = None

    def median(self):
        return (
            statistics.median(self.walls),
            statistics.median(self.cpus),
            statistics.median(self.rss) / 1024,
        )


def div(a, b):
    return f"{a / b:.2f}" if b else "-"


def fmt_ratio(x, floor):
    return f"{x / floor:.2f}x" if floor else "-"


def print_table(title, rows, size_bytes, typed):
    say()
    say(f"### {title}")
    say()
    head = ["tool", "wall s", "x T", "CPU s", "x T", "peak RSS MiB", "x T", "MB/s", "check"]
    lines = []
    tw, tc, tr = typed.median() if typed and typed.walls else (0, 0, 0)
    for r in rows:
        if r.missing:
            lines.append([r.name, r.missing] + [""] * 7)
            continue
        if not r.walls:
            lines.append([r.name, r.status or "not run"] + [""] * 7)
            continue
        w, c, m = r.median()
        lines.append([
            r.name,
            f"{w:.2f}", fmt_ratio(w, tw),
            f"{c:.2f}", fmt_ratio(c, tc),
            f"{m:.1f}", fmt_ratio(m, tr),
            f"{size_bytes / 1e6 / w:.0f}",
            r.status or "",
        ])
    widths = [max(len(str(x[i])) for x in lines + [head]) for i in range(len(head))]
    def line(cells):
        out = []
        for i, (cell, wd) in enumerate(zip(cells, widths)):
            out.append(str(cell).ljust(wd) if i in (0, 8) else str(cell).rjust(wd))
        return "| " + " | ".join(out) + " |"
    say(line(head))
    say("|" + "|".join(("-" * (wd + 1) + ":" if 0 < i < 8 else ":" + "-" * (wd + 1)) for i, wd in enumerate(widths)) + "|")
    for l in lines:
        say(line(l))


def main():
    ap = argparse.ArgumentParser(
        description="Benchmark influence-eval against the serde_json parse floors, a hand-written reference and jq.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    ap.add_argument("--sizes", default="100k,1M", help="record counts, comma-separated (default 100k,1M)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each tool; the median is shown (default 3)")
    ap.add_argument("--formats", default="json,ndjson", help="json (array) and/or ndjson (default both)")
    ap.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", str(BENCH / "data")),
                    help="where generated data is cached (default bench/data, or $BENCH_DATA)")
    ap.add_argument("--bin", help="the influence-eval binary to time (default: build target/release/influence-eval)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--no-jq", action="store_true", help="leave jq out (it is the slowest)")
    ap.add_argument("--no-value", action="store_true", help="leave the serde_json::Value floor out")
    ap.add_argument("--json", metavar="FILE", help="also write every measurement to FILE as JSON")
    a = ap.parse_args()

    sizes = [parse_size(s) for s in a.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in a.formats.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            sys.exit(f"bench: unknown format {f!r} (json, ndjson)")
    if a.runs < 1:
        sys.exit("bench: --runs must be at least 1")
    data_dir = Path(a.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)

    # build
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

    write_rules()
    w1, w30 = BENCH / "w1.rules", BENCH / "w30.rules"
    for rules in (w1, w30):
        sh([str(binary), "check", str(rules)], stdout=subprocess.DEVNULL)
    threads = has_threads(binary)
    jq = None if a.no_jq else shutil.which("jq")
    version = subprocess.run([str(FLOOR_BIN / "gen"), "--version"], capture_output=True, text=True).stdout.strip()

    # data
    for n in sizes:
        for fmt in formats:
            path = data_file(data_dir, version, n, fmt)
            if not path.exists():
                say(f"== generating {path}")
                t = time.perf_counter()
                sh([str(FLOOR_BIN / "gen"), str(n), str(path)])
                say(f"   {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s")

    # header: what, where, when
    cpu = "unknown CPU"
    try:
        for l in Path("/proc/cpuinfo").read_text().splitlines():
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    jq_version = subprocess.run([jq, "--version"], capture_output=True, text=True).stdout.strip() if jq else None
    say()
    say(f"## influence-eval benchmark, {datetime.date.today().isoformat()}")
    say()
    say(f"- machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}")
    say(f"- influence-eval: {binary} at {commit}; --threads: {'yes' if threads else 'no'}")
    say(f"- jq: {jq_version or 'not run'}; runs: {a.runs} (median shown); data v{version} in {data_dir}")
    say(f"- measured with {'/usr/bin/time -f (CPU, peak RSS) and a wall clock' if TIME else 'getrusage (no /usr/bin/time: peak RSS includes ~20 MiB of this script, as forked)'}")
    say(f"- load average before: {load()}" + ("" if os.getloadavg()[0] < 0.5 else " (other work is running: figures are noisy)"))
    say("- T = the typed floor (serde_json into Vec<TypedCreator>) for the same file, same run;"
        " MB/s = 10^6 input bytes per wall second; check = accepted count and top 50 against the reference")

    results = []
    failed = False
    scratch = Path(tempfile.mkdtemp(prefix="influence-bench-"))
    try:
        for n in sizes:
            for fmt in formats:
                path = data_file(data_dir, version, n, fmt)
                size_bytes = path.stat().st_size
                ie = [str(binary)]
                rows = [
                    Row("typed floor (serde_json, Vec<TypedCreator>)", [str(FLOOR_BIN / "typed"), str(path)]),
                ]
                if not a.no_value:
                    rows.append(Row("value floor (serde_json, Vec<Value>)", [str(FLOOR_BIN / "value"), str(path)]))
                rows.append(Row("reference W1 (hand-written, 1 thread)", [str(FLOOR_BIN / "reference"), str(path)]))
                w1_args = [str(w1), str(path), "--format", "json"]
                if threads:
                    rows.append(Row("influence-eval W1 --threads 1", ie + w1_args + ["--threads", "1"], check=True))
                    rows.append(Row("influence-eval W1 (all cores)", ie + w1_args, check=True))
                else:
                    rows.append(Row("influence-eval W1 --threads 1", missing=NO_THREADS))
                    rows.append(Row("influence-eval W1 (default: 1 thread today)", ie + w1_args, check=True))
                rows.append(Row("influence-eval W30 (default threads)", ie + [str(w30), str(path), "--format", "json"]))
                if jq:
                    jq_cmd = [jq, "-c"] + ([] if fmt == "json" else ["-n"])
                    jq_cmd += ["-f", str(BENCH / "w1.jq"), "--argjson", "array", "true" if fmt == "json" else "false", str(path)]
                    rows.append(Row("jq W1 (bench/w1.jq)", jq_cmd, check=True))
                else:
                    rows.append(Row("jq W1 (bench/w1.jq)", missing="not run (jq not installed, or --no-jq)"))

                warm(path)
                label = f"{size_label(n)} creators, {FORMATS[fmt]} ({size_bytes / 1e6:.0f} MB)"
                say()
                say(f"== {label}")
                # round-robin: run i of every tool, then run i + 1, so a burst of
                # load from elsewhere is spread over the tools, not one tool's runs
                for k, r in enumerate(rows):
                    r.out = scratch / f"{size_label(n)}-{fmt}-{k}.out"
                    r.err = scratch / f"{size_label(n)}-{fmt}-{k}.err"
                for i in range(a.runs):
                    for r in rows:
                        if r.missing or r.status:
                            continue
                        wall, cpu_s, rss, code = measure(r.cmd, r.out, r.err)
                        if code != 0:
                            tail = r.err.read_text(errors="replace")[-600:]
                            r.status = f"ERROR (exit {code})"
                            say(f"   {r.name}: exit {code}\n{tail}")
                            failed = True
                            continue
                        r.walls.append(wall)
                        r.cpus.append(cpu_s)
                        r.rss.append(rss)
                for r in rows:
                    if r.walls:
                        say(f"   {r.name}: " + ", ".join(f"{w:.2f}" for w in r.walls) + " s")
                reference = None
                ref_row = next(r for r in rows if r.name.startswith("reference"))
                if ref_row.walls:
                    reference = json.loads(ref_row.out.read_text(encoding="utf-8"))
                    ref_row.status = f"oracle: {reference['accepted']} accepted"
                for r in rows:
                    if r.check and r.walls:
                        r.status = compare(r.out, reference) if reference else "FAIL (no reference)"
                        if r.status != "PASS":
                            failed = True
                # the same output for any thread count
                identical = None
                if threads and n == min(sizes):
                    outs = []
                    for t in (1, 2, 8):
                        o = scratch / f"threads-{fmt}-{t}.out"
                        measure(ie + w1_args + ["--threads", str(t)], o, scratch / "threads.err")
                        outs.append(o.read_bytes())
                    identical = all(o == outs[0] for o in outs)
                    if not identical:
                        failed = True
                print_table(label, rows, size_bytes, rows[0])
                if threads and n == min(sizes):
                    say()
                    say(f"--threads 1, 2, 8 give byte-identical output: {'PASS' if identical else 'FAIL'}")
                results.append({
                    "size": n, "format": fmt, "bytes": size_bytes, "identical_across_threads": identical,
                    "rows": [{
                        "tool": r.name, "cmd": r.cmd, "missing": r.missing, "status": r.status,
                        "wall": r.walls, "cpu": r.cpus, "rss_kib": r.rss,
                    } for r in rows],
                })
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    # the goals, at the largest size
    say()
    say(f"### Goals (issue 6), W1 over {size_label(max(sizes))}")
    say()
    def med(rows, prefix):
        for r in rows:
            if r["tool"].startswith(prefix) and r["wall"]:
                return (statistics.median(r["wall"]), statistics.median(r["rss_kib"]) / 1024,
                        statistics.median(r["cpu"]))
        return None
    for res in (x for x in results if x["size"] == max(sizes)):
        typed = med(res["rows"], "typed")
        one = med(res["rows"], "influence-eval W1 --threads 1")
        allc = med(res["rows"], "influence-eval W1 (all cores)")
        default = allc or med(res["rows"], "influence-eval W1 (default")
        w30t = med(res["rows"], "influence-eval W30")
        def verdict(ok):
            return "met" if ok else "not met"
        say(f"- {FORMATS[res['format']]}:")
        if typed and allc:
            say(f"  - all cores: wall {allc[0] / typed[0]:.2f} x T (goal <= {GOAL_WALL_ALL}): {verdict(allc[0] <= GOAL_WALL_ALL * typed[0])}")
        else:
            say(f"  - all cores: wall <= {GOAL_WALL_ALL} x T: {NO_THREADS}")
        if typed and one:
            say(f"  - --threads 1: wall {one[0] / typed[0]:.2f} x T (goal <= {GOAL_WALL_ONE}): {verdict(one[0] <= GOAL_WALL_ONE * typed[0])}"
                f" (CPU {div(one[2], typed[2])} x T's CPU)")
        elif typed and default:
            say(f"  - --threads 1: {NO_THREADS}; the default (1 thread) is {default[0] / typed[0]:.2f} x T (goal <= {GOAL_WALL_ONE}): {verdict(default[0] <= GOAL_WALL_ONE * typed[0])}"
                f" (CPU {div(default[2], typed[2])} x T's CPU)")
        rss = max((m[1] for m in (one, default) if m), default=None)
        if rss is not None:
            say(f"  - peak RSS {rss:.1f} MiB (goal <= {GOAL_RSS_MIB} MiB): {verdict(rss <= GOAL_RSS_MIB)}")
        if w30t and default:
            say(f"  - W30 / W1 wall {w30t[0] / default[0]:.2f} (goal <= {GOAL_W30}): {verdict(w30t[0] <= GOAL_W30 * default[0])}"
                f" (CPU {div(w30t[2], default[2])})")
    small = [x for x in results if x["size"] == min(sizes)]
    if threads:
        ok = all(x["identical_across_threads"] for x in small)
        say(f"- byte-identical output for --threads 1, 2, 8 ({size_label(min(sizes))}): {'met' if ok else 'not met'}")
    else:
        say(f"- byte-identical output for --threads 1, 2, 8: {NO_THREADS}")

    say(f"- load average after: {load()}" + ("" if os.getloadavg()[0] < 0.5 else
        " (other work was running: wall times are inflated; CPU times and ratios hold up better)"))
    checks = [r["status"] for x in results for r in x["rows"] if r["status"] and not r["status"].startswith("oracle")]
    say()
    say(f"correctness: {'PASS' if not failed else 'FAIL'} ({sum(s == 'PASS' for s in checks)} of {len(checks)} checked runs match the reference)")
    if a.json:
        Path(a.json).write_text(json.dumps({"date": datetime.date.today().isoformat(), "cores": os.cpu_count(),
                                            "cpu": cpu, "commit": commit, "runs": a.runs, "results": results}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
