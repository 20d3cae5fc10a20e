#!/usr/bin/env python3
"""Fills fuzz/corpus/<target>/ with seeds taken from the repository's own
test inputs: the sample rules, the every-construct fixture, the sources of
the diagnostics snapshots, the crash regressions, and a few creators from
the sample data in every format. Safe to rerun; libFuzzer adds its own finds
beside these."""
import csv, io, json, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"

def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())

rules = {p.name: p.read_text() for p in sorted((root / "rules").glob("*.rules"))}
rules["every_construct.rules"] = (root / "tests/fixtures/every_construct.rules").read_text()
for snap in sorted((root / "tests/snapshots").glob("diagnostics__*.snap")):
    text = snap.read_text()
    if "--- source ---\n" in text:
        src = text.split("--- source ---\n", 1)[1].rsplit("\n--- ", 1)[0]
        rules[snap.stem] = src
for p in sorted((root / "tests/regressions").glob("**/*")) if (root / "tests/regressions").exists() else []:
    if p.is_file() and p.suffix == ".rules":
        rules[p.name] = p.read_text(errors="replace")
for name, src in rules.items():
    put("rules", name, src)

creators = json.loads((root / "creators.json").read_text())[:6]
extra = json.loads((root / "tests/fixtures/every_construct_creators.json").read_text())[:6]
ndjson = "".join(json.dumps(c) + "\n" for c in creators)
for i, group in enumerate([creators, extra]):
    put("records", f"array{i}", b"\x01" + json.dumps(group, indent=1).encode())
    put("records", f"ndjson{i}", b"\x02" + "".join(json.dumps(c) + "\n" for c in group).encode())
    put("records", f"sniffed{i}", b"\x00" + json.dumps(group).encode())
flat = [{k: v for k, v in c.items() if not isinstance(v, (dict, list))} for c in creators]
keys = list(dict.fromkeys(k for c in flat for k in c))
for delim, sel, name in [(",", b"\x03", "csv"), ("\t", b"\x04", "tsv"), (";", b"\x00", "semicolon")]:
    out = io.StringIO()
    w = csv.DictWriter(out, keys, delimiter=delim)
    w.writeheader()
    w.writerows(flat)
    put("records", name, sel + out.getvalue().encode())

for name, src in rules.items():
    if not name.endswith(".rules"):
        continue
    put("evaluate", name, src.encode() + b"\x00" + ndjson.encode())
    put("evaluate", name + ".extra", src.encode() + b"\x00" + "".join(json.dumps(c) + "\n" for c in extra).encode())
print(f"seeded {corpus}")
