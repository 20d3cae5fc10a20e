"""Running a tool and measuring it: wall time, CPU time, peak RSS; checking a
W1 answer against the reference; printing a table of rows."""

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def say(*args):
    print(*args, flush=True)


def sh(cmd, **kw):
    """Runs a set-up command, stopping the benchmark if it fails."""
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        sys.exit(f"bench: `{' '.join(map(str, cmd))}` failed with status {r.returncode}")
    return r


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


def start(cmd, stats, out, err):
    """Starts cmd under GNU time (when installed) writing to `stats`."""
    full = [TIME, "-f", "%U %S %M", "-o", str(stats)] + cmd if TIME else cmd
    return subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL)


def finish(p, stats):
    """Waits for `start`'s process; returns (cpu s, peak RSS KiB, exit status).

    CPU and peak RSS come from GNU time (`/usr/bin/time -f`), whose own
    footprint before it starts the tool is about 2 MiB. Without it, from
    getrusage of the child, whose peak RSS then counts this Python process's
    ~20 MiB as it was when forked (Linux carries the high-water mark across exec).
    """
    _, status, ru = os.wait4(p.pid, 0)
    cpu, rss = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
    if TIME:
        try:
            user, system, rss = Path(stats).read_text().split("\n")[-2].split()
            cpu, rss = float(user) + float(system), int(rss)
        except (OSError, ValueError, IndexError):
            pass
    return cpu, rss, os.waitstatus_to_exitcode(status)


def measure(cmd, out_path, err_path):
    """Runs cmd once; returns (wall s, cpu s, peak RSS KiB, exit status)."""
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        cpu, rss, code = finish(start(cmd, f"{err_path}.time", out, err), f"{err_path}.time")
        wall = time.perf_counter() - t0
    return wall, cpu, rss, code


def measure_pair(cmd, out_path, err_path):
    """Runs two copies of cmd at once; returns (wall s until both are done,
    CPU s of both, the larger peak RSS KiB, the first nonzero exit status).
    Two single-threaded runs side by side show what two cores give on this
    machine, the ceiling of a speed-up from 1 to 2 threads: on a VM whose
    cores share a host, two runs at once each take longer than one alone.
    Their outputs are not kept; their stderr ends in err_path."""
    with open(err_path, "wb") as err:
        t0 = time.perf_counter()
        procs = [(start(cmd, f"{err_path}.time{k}", subprocess.DEVNULL, err), f"{err_path}.time{k}") for k in (0, 1)]
        done = [finish(p, stats) for p, stats in procs]
        wall = time.perf_counter() - t0
    cpu = sum(d[0] for d in done)
    rss = max(d[1] for d in done)
    code = next((d[2] for d in done if d[2] != 0), 0)
    return wall, cpu, rss, code


def digest(path):
    """The SHA-256 of a file, read a block at a time (outputs at 1M are large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(8 << 20)
            if not block:
                return h.hexdigest()
            h.update(block)


def warm(path):
    """Reads the file once so every tool starts from the page cache."""
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def load_note(after=False):
    if os.getloadavg()[0] < 0.5:
        return ""
    if after:
        return " (other work was running: wall times are inflated; CPU times and ratios hold up better)"
    return " (other work is running: figures are noisy)"


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


def accepted_share(result_path):
    """`accepted N of M (x%)` from a `--format json` report, for W30's row."""
    try:
        got = json.loads(Path(result_path).read_text(encoding="utf-8"))
        n, m = int(got["accepted"]), int(got["evaluated"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        return f"FAIL (no accepted count: {e})", None
    return f"accepted {n:,} of {m:,} ({100 * n / m if m else 0:.1f}%)", n


class Row:
    """One tool or command in a table.

    key names it for the goals; check: its output is a W1 answer compared with
    the reference; keep: its output is kept (else removed after each run, as
    outputs at 1M are large); missing: why it is not run.
    """

    def __init__(self, key, name, cmd=None, check=False, missing=None, keep=False, pair=False):
        self.key, self.name, self.cmd, self.check, self.missing = key, name, cmd, check, missing
        self.pair = pair  # two copies at once (measure_pair)
        self.keep = keep or check or key == "w30"
        self.walls, self.cpus, self.rss = [], [], []
        self.status = None  # PASS / FAIL / ERROR / a note
        self.out = self.err = None

    def median(self):
        return (
            statistics.median(self.walls),
            statistics.median(self.cpus),
            statistics.median(self.rss) / 1024,
        )

    def record(self):
        return {"key": self.key, "tool": self.name, "cmd": self.cmd, "missing": self.missing,
                "status": self.status, "wall": self.walls, "cpu": self.cpus, "rss_kib": self.rss}


def run_rows(rows, runs, scratch, tag):
    """Times every row `runs` times, round-robin: run i of every tool, then run
    i + 1, so a burst of load from elsewhere is spread over the tools. Returns
    False if a tool exited with an error."""
    ok = True
    for k, r in enumerate(rows):
        r.out = scratch / f"{tag}-{k}.out"
        r.err = scratch / f"{tag}-{k}.err"
    for _ in range(runs):
        for r in rows:
            if r.missing or r.status:
                continue
            wall, cpu_s, rss, code = (measure_pair if r.pair else measure)(r.cmd, r.out, r.err)
            if code != 0:
                tail = r.err.read_text(errors="replace")[-600:]
                r.status = f"ERROR (exit {code})"
                say(f"   {r.name}: exit {code}\n{tail}")
                ok = False
                continue
            r.walls.append(wall)
            r.cpus.append(cpu_s)
            r.rss.append(rss)
            if not r.keep:
                r.out.unlink(missing_ok=True)
    for r in rows:
        if r.walls:
            say(f"   {r.name}: " + ", ".join(f"{w:.2f}" for w in r.walls) + " s")
    return ok


def fmt_ratio(x, floor):
    return f"{x / floor:.2f}x" if floor else "-"


def print_table(title, rows, size_bytes, typed):
    """The markdown table: median wall, CPU and peak RSS, each against T."""
    say()
    say(f"### {title}")
    say()
    head = ["tool", "wall s", "x T", "CPU s", "x T", "peak RSS MiB", "MB/s", "check"]
    lines = []
    tw, tc = typed.median()[:2] if typed and typed.walls else (0, 0)
    for r in rows:
        if r.missing:
            lines.append([r.name, r.missing] + [""] * 6)
            continue
        if not r.walls:
            lines.append([r.name, r.status or "not run"] + [""] * 6)
            continue
        w, c, m = r.median()
        lines.append([
            r.name,
            f"{w:.2f}", fmt_ratio(w, tw),
            f"{c:.2f}", fmt_ratio(c, tc),
            f"{m:.1f}",
            f"{size_bytes / 1e6 / w:.0f}",
            r.status or "",
        ])
    widths = [max(len(str(x[i])) for x in lines + [head]) for i in range(len(head))]
    last = len(head) - 1

    def line(cells):
        out = []
        for i, (cell, wd) in enumerate(zip(cells, widths)):
            out.append(str(cell).ljust(wd) if i in (0, last) else str(cell).rjust(wd))
        return "| " + " | ".join(out) + " |"

    say(line(head))
    say("|" + "|".join(("-" * (wd + 1) + ":" if 0 < i < last else ":" + "-" * (wd + 1))
                       for i, wd in enumerate(widths)) + "|")
    for cells in lines:
        say(line(cells))
