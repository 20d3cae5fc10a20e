#!/usr/bin/env python3
"""Writes N synthetic creators for memory and speed measurements, by cycling
through creators.json and giving each copy a fresh handle and varied numbers.

    python3 scripts/gen_many.py 100000 /tmp/creators-100k.ndjson   # NDJSON
    python3 scripts/gen_many.py 100000 /tmp/creators-100k.json     # JSON array
"""
import json
import random
import sys
from pathlib import Path

n, out = int(sys.argv[1]), Path(sys.argv[2])
base = json.loads((Path(__file__).resolve().parent.parent / "creators.json").read_text(encoding="utf-8"))
rng = random.Random(7)
as_array = out.suffix == ".json"
with out.open("w", encoding="utf-8") as f:
    if as_array:
        f.write("[\n")
    for i in range(n):
        c = dict(base[i % len(base)])
        if "handle" in c:
            c["handle"] = f"{c['handle']}_{i}"
        if isinstance(c.get("followers"), int):
            c["followers"] = max(0, int(c["followers"] * rng.uniform(0.8, 1.2)))
        line = json.dumps(c, ensure_ascii=False)
        if as_array:
            f.write(line + (",\n" if i + 1 < n else "\n"))
        else:
            f.write(line + "\n")
    if as_array:
        f.write("]\n")
