"""The goals of issue 14, checked at the largest size and printed after the
tables: each "met" or "not met (by how much)"."""

import statistics

from .measure import say

GOAL_WALL_ALL = 0.4  # W1, all cores: wall <= 0.4 x T
GOAL_WALL_ONE = 0.8  # W1, --threads 1: wall <= 0.8 x T
GOAL_SPEEDUP = 1.7  # wall of --threads 1 / wall of --threads 2 >= 1.7
GOAL_W30 = 1.5  # W30 wall <= 1.5 x W1 wall (W30 accepting creators)
GOAL_FORMAT = 1.2  # --format ndjson / csv wall <= 1.2 x --format json wall
GOAL_CSV_INPUT = 0.6  # W1 over the CSV <= 0.6 x W1 over the JSON of the same records
GOAL_RSS_MIB = 64  # peak RSS of every command and format
GOAL_RSS_DIFF_MIB = 256  # peak RSS of diff
GOAL_EXPLAIN = 0.5  # explain --id of the last record: wall <= 0.5 x T
GOAL_COHORT = 2.0  # issue 18: W1 with one cohort function <= 2 x W1 (wall)
GOAL_COHORT_BYTES = 8  # ... and peak RSS <= 64 MiB + 8 bytes a creator

# rows whose peak RSS is a goal, in the order printed
RSS_ROWS = ("w1_t1", "w1_t2", "w1", "w30", "out_ndjson", "out_csv", "out_table", "all_json",
            "explain", "check_data", "diff", "w1_csv_t1", "w1_csv")


class Tally:
    def __init__(self):
        self.met = self.missed = self.unmeasured = 0

    def line(self, label, value, limit, at_least=False, unit="", note=""):
        """One goal: value against limit (at most, or at least)."""
        if value is None:
            self.unmeasured += 1
            say(f"  - {label}: not measured{note}")
            return
        ok = value >= limit if at_least else value <= limit
        bound = ">=" if at_least else "<="
        if ok:
            self.met += 1
            verdict = "met"
        else:
            self.missed += 1
            if at_least:
                verdict = f"not met (short by {limit - value:.2f}{unit}: {value / limit:.0%} of the goal)"
            else:
                verdict = f"not met (over by {value - limit:.2f}{unit}: {value / limit:.2f} x the goal)"
        say(f"  - {label}: {value:.2f}{unit} (goal {bound} {limit}{unit}): {verdict}{note}")


def med(rows, key, what="wall"):
    r = rows.get(key)
    if not r or not r.walls:
        return None
    return statistics.median({"wall": r.walls, "cpu": r.cpus, "rss": r.rss}[what])


def ratio(a, b):
    return a / b if a is not None and b else None


def print_goals(tables, size, label, identical, w30_accepted, tally):
    """tables: {input format: {row key: Row}} at `size`; identical: {input
    format: {output format: True/False/None}}; w30_accepted: {input format: n}."""
    csv_rows = tables.get("csv", {})
    for fmt, name in (("json", "JSON array"), ("ndjson", "NDJSON")):
        rows = tables.get(fmt)
        if rows is None:
            continue
        say(f"- {name}, {label}:")
        t = med(rows, "typed")
        w1, one, two = med(rows, "w1"), med(rows, "w1_t1"), med(rows, "w1_t2")
        tally.line("W1 all cores, wall x T", ratio(w1, t), GOAL_WALL_ALL)
        cpu_note = ""
        if med(rows, "w1_t1", "cpu") and med(rows, "typed", "cpu"):
            cpu_note = f" (CPU {med(rows, 'w1_t1', 'cpu') / med(rows, 'typed', 'cpu'):.2f} x T's CPU)"
        tally.line("W1 --threads 1, wall x T", ratio(one, t), GOAL_WALL_ONE, note=cpu_note)
        tally.line("speed-up from --threads 1 to --threads 2 (wall)", ratio(one, two), GOAL_SPEEDUP,
                   at_least=True, unit="x")
        pair = med(rows, "w1_pair")
        if pair and one and two:
            # two single-threaded runs at once do twice the work in `pair`
            ceiling = 2 * one / pair
            say(f"  - for comparison: two --threads 1 runs at once take {pair:.2f} s against {one:.2f} s alone:"
                f" two cores give at most {ceiling:.2f}x here; --threads 2 reaches {one / two / ceiling:.0%} of it")
        accepted = w30_accepted.get(fmt)
        w30_note = f" (W30 accepted {accepted:,})" if accepted else ""
        if accepted == 0:
            w30_note = " (W30 accepted no one: an all-rejected run, not the goal's measure)"
        tally.line("W30 / W1, wall", ratio(med(rows, "w30"), w1), GOAL_W30, note=w30_note)
        tally.line("W1 with a cohort function / W1, wall", ratio(med(rows, "w1_cohort"), w1), GOAL_COHORT)
        cohort_rss = med(rows, "w1_cohort", "rss")
        tally.line("peak RSS, W1 with a cohort function", cohort_rss / 1024 if cohort_rss else None,
                   round(GOAL_RSS_MIB + GOAL_COHORT_BYTES * size / 2**20, 1), unit=" MiB",
                   note=f" (64 MiB + 8 bytes x {size:,} creators)")
        for key, out in (("out_ndjson", "ndjson"), ("out_csv", "csv")):
            tally.line(f"--format {out} / --format json, wall", ratio(med(rows, key), w1), GOAL_FORMAT)
        if csv_rows:
            tally.line(f"CSV input / {name} input, W1 all cores, wall", ratio(med(csv_rows, "w1_csv"), w1),
                       GOAL_CSV_INPUT)
        tally.line("explain --id (the last record), wall x T", ratio(med(rows, "explain"), t), GOAL_EXPLAIN)
        duck = med(rows, "duckdb")
        if duck and w1:
            say(f"  - for comparison: DuckDB W1 is {duck / t:.2f} x T; influence-eval W1 all cores"
                f" takes {w1 / duck:.2f} x DuckDB's wall time")
        print_rss(rows, tally)
        print_identical(identical.get(fmt), tally)
    if csv_rows:
        say(f"- CSV input, {label}:")
        print_rss(csv_rows, tally)
        print_identical(identical.get("csv"), tally)


def print_rss(rows, tally):
    for key in RSS_ROWS:
        r = rows.get(key)
        if r is None or r.missing:
            continue
        rss = med(rows, key, "rss")
        limit = GOAL_RSS_DIFF_MIB if key == "diff" else GOAL_RSS_MIB
        tally.line(f"peak RSS, {r.name}", rss / 1024 if rss is not None else None, limit, unit=" MiB")


def print_identical(result, tally):
    if result is None:
        tally.unmeasured += 1
        say("  - output byte-identical for --threads 1, 2, 8: not measured at this size"
            " (--quick checks the smallest size only)")
        return
    for out, same in result.items():
        label = f"--format {out} output byte-identical for --threads 1, 2, 8"
        if same is None:
            tally.unmeasured += 1
            say(f"  - {label}: not measured")
        elif same:
            tally.met += 1
            say(f"  - {label}: met")
        else:
            tally.missed += 1
            say(f"  - {label}: not met (the outputs differ)")
