#!/usr/bin/env python3
"""Keeps the pipeline visible in the code (README, "Project layout").

Reads every .rs file under src/ and fails (exit 1), printing every
violation as `path:line: message`, when:

- a stage imports a later stage: each top-level module of src/ (a folder
  or a file) belongs to one layer of LAYERS below, and a `crate::` path
  (a `use` or a path in code, comments and strings ignored) may only name
  its own layer or an earlier one, so the import graph is a DAG;
- a module of src/ is in no layer (a new stage must be placed);
- a source file is over MAX_FILE_LINES lines;
- a function is over MAX_FN_LINES lines (from its `fn` line to its closing
  brace), unless ALLOWED_LONG_FUNCTIONS lists it.

Unit tests (`#[cfg(test)]` modules and the files they load) may use any
stage to build their fixtures and are not counted as imports; their
functions and files are still measured.

    python3 scripts/check_structure.py            # check src/
    python3 scripts/check_structure.py --graph    # print the import graph (mermaid)
    python3 scripts/check_structure.py --root DIR # check DIR/src/

Standard library only; `scripts/test_check_structure.py` tests it.
"""

import argparse
import re
import sys
from pathlib import Path

# The stages in order, earliest first. A module may import its own layer
# and earlier ones. `<root>` is src/lib.rs (the `Ruleset` facade); the
# modules beside it in the last-but-one layer are the facade's parts.
LAYERS = [
    ["ast"],  # the tree and its spans
    ["language"],  # what the language is: builtins, values, kinds, dates, paths
    ["diagnostic"],  # rule diagnostics as data
    ["syntax"],  # text -> ast
    ["formatter"],  # ast -> canonical text (`fmt`)
    ["check"],  # every check before data
    ["compile"],  # ast -> program
    ["data"],  # reading records
    ["sql"],  # the rules as SQL, creator data as a table
    ["eval"],  # one record -> verdict
    ["explain"],  # traces, distances, the explain renderer
    ["select"],  # choosing the team under `select` (an integer program)
    ["report"],  # many verdicts -> reports and writers
    ["<root>", "load", "run", "screen", "examples"],  # the Ruleset facade and its engine
    ["lsp"],  # the language server: check, fmt, examples and the facade for an editor
    ["cli", "main", "testing"],  # the command line; the internals tests drive
]

MAX_FILE_LINES = 600
MAX_FN_LINES = 80

# Functions allowed over MAX_FN_LINES, each with why.
ALLOWED_LONG_FUNCTIONS = {
    # the evaluator's one match over every operation: splitting it would
    # put a call between each node and its evaluation on the hot path
    ("src/eval/mod.rs", "eval_node"),
}


def rank_of(module):
    for i, layer in enumerate(LAYERS):
        if module in layer:
            return i
    return None


def strip(text):
    """The text with comments removed and string/char literal contents
    blanked, newlines kept so that line numbers stay right."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    if text[i] == "\n":
                        out.append("\n")
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 260]) and not _ident_before(text, i):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + len(hashes) + 2)
            end = n if end < 0 else end + 1 + len(hashes)
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'":
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:i + 12])
            if m:
                out.append("' '")
                i += m.end()
            else:  # a lifetime
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _ident_before(text, i):
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")


def block_end(code, open_at):
    """Index just past the brace that closes the one at `open_at`."""
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == "{":
            depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(code)


def without_tests(code, path, test_files):
    """`code` with its `#[cfg(test)]` items blanked (newlines kept); the
    files of `#[cfg(test)] mod x;` are added to `test_files`."""
    pieces, at = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*", code):
        if m.start() < at:
            continue
        rest = code[m.end():]
        decl = re.match(r"(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", rest)
        if decl:
            base = path.parent if path.name in ("mod.rs", "lib.rs", "main.rs") else path.with_suffix("")
            test_files.add(base / f"{decl.group(1)}.rs")
            test_files.add(base / decl.group(1) / "mod.rs")
            end = m.end() + decl.end()
        else:
            brace, semi = code.find("{", m.end()), code.find(";", m.end())
            if brace < 0 or (0 <= semi < brace):
                end = (semi if semi >= 0 else len(code)) + 1
            else:
                end = block_end(code, brace)
        pieces.append(code[at:m.start()])
        pieces.append("\n" * code.count("\n", m.start(), end))
        at = end
    pieces.append(code[at:])
    return "".join(pieces)


def module_path(src, path):
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts and parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]):
        return [] if parts == ["lib"] else ["main"]
    return parts


def top_modules(src):
    names = {p.stem for p in src.glob("*.rs")} | {p.name for p in src.iterdir() if p.is_dir()}
    names.discard("lib")
    return names


def imports(code, here, modules):
    """(line, path text, module) for every path in `code` that leaves the
    file's own top-level module for another of the crate."""
    found = []
    line_of = lambda pos: code.count("\n", 0, pos) + 1
    for m in re.finditer(r"\bcrate\s*::\s*(\{|\w+)", code):
        if m.group(1) == "{":
            inner = code[m.end():block_end(code, m.end() - 1) - 1]
            targets = [re.match(r"\s*(\w*)", item).group(1) for item in top_level_items(inner)]
            targets = [t for t in targets if t]
        else:
            targets = [m.group(1)]
        for t in targets:
            target = t if t in modules else "<root>"
            if t == "self":
                target = "<root>"
            found.append((line_of(m.start()), f"crate::{t}", target))
    if here:
        for m in re.finditer(r"\b((?:super\s*::\s*)+)(\w+)", code):
            ups = m.group(1).count("super")
            if ups >= len(here):  # climbs to the crate root
                t = m.group(2)
                target = t if t in modules else "<root>"
                found.append((line_of(m.start()), m.group(0).replace(" ", ""), target))
    return found


def top_level_items(inner):
    """`a, b::{c, d}, e` -> [`a`, ` b::{c, d}`, ` e`]."""
    items, depth, cur = [], 0, ""
    for ch in inner:
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    return items + [cur]


def functions(code):
    """(name, first line, last line) of every function with a body."""
    out = []
    for m in re.finditer(r"\bfn\s+(\w+)", code):
        j = m.end()
        depth = 0
        while j < len(code):
            ch = code[j]
            if ch in "(<[":
                depth += 1
            elif ch in ")>]":
                depth -= 1 if not (ch == ">" and code[j - 1] == "-") else 0
            elif ch == ";" and depth <= 0:
                j = -1
                break
            elif ch == "{" and depth <= 0:
                break
            j += 1
        if j < 0 or j >= len(code):
            continue
        end = block_end(code, j)
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, end - 1) + 1
        out.append((m.group(1), first, last))
    return out


def analyse(root):
    src = root / "src"
    modules = top_modules(src)
    files = sorted(src.rglob("*.rs"))
    test_files = set()
    stripped = {}
    for path in files:  # parents before children: `mod tests;` is seen first
        stripped[path] = strip(path.read_text(encoding="utf-8"))
    kept = {}
    for path in sorted(files, key=lambda p: len(p.parts)):
        kept[path] = without_tests(stripped[path], path, test_files)
    violations, edges = [], set()
    for path in files:
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if lines > MAX_FILE_LINES:
            violations.append(f"{rel}:1: {lines} lines, over {MAX_FILE_LINES}: split it into modules")
        for name, first, last in functions(stripped[path]):
            length = last - first + 1
            if length > MAX_FN_LINES and (rel, name) not in ALLOWED_LONG_FUNCTIONS:
                violations.append(
                    f"{rel}:{first}: fn {name} is {length} lines, over {MAX_FN_LINES}: split it into helpers"
                )
        if path in test_files or any(p / "mod.rs" in test_files for p in path.parents):
            continue
        here = module_path(src, path)
        top = here[0] if here else "<root>"
        mine = rank_of(top)
        if mine is None:
            violations.append(f"{rel}:1: module `{top}` is in no layer: add it to LAYERS in scripts/check_structure.py")
            continue
        for line, text_path, target in imports(kept[path], here, modules):
            if target == top:
                continue
            theirs = rank_of(target)
            if theirs is None:
                violations.append(f"{rel}:{line}: `{text_path}`: module `{target}` is in no layer")
                continue
            edges.add((top, target))
            if theirs > mine:
                violations.append(
                    f"{rel}:{line}: `{text_path}`: `{top}` imports `{target}`, a later stage"
                )
    return violations, edges


def mermaid(edges):
    order = [m for layer in LAYERS for m in layer]
    key = lambda e: (order.index(e[0]) if e[0] in order else 99, order.index(e[1]) if e[1] in order else 99)
    node = lambda m: "root" if m == "<root>" else m
    lines = ["graph BT"]
    lines += [f"    {node(a)} --> {node(b)}" for a, b in sorted(edges, key=key)]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--graph", action="store_true", help="print the import graph (mermaid) and exit")
    args = ap.parse_args()
    violations, edges = analyse(args.root)
    if args.graph:
        print(mermaid(edges))
        return 0
    for v in violations:
        print(v)
    if violations:
        print(f"check_structure: {len(violations)} violation(s)", file=sys.stderr)
        return 1
    print("check_structure: the stages import only earlier stages; files and functions within limits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
