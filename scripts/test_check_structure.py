#!/usr/bin/env python3
"""Tests of scripts/check_structure.py on tiny source trees (standard
library only): `python3 scripts/test_check_structure.py`, run by .ci/run."""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "check_structure.py"


def run(files):
    """Writes `files` (path -> text) under a temporary root and checks it:
    (exit status, stdout)."""
    with tempfile.TemporaryDirectory() as root:
        for name, text in files.items():
            path = Path(root) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "--root", root],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout


BASE = {
    "src/lib.rs": "pub mod ast;\npub mod check;\npub mod eval;\n",
    "src/ast.rs": "pub struct Span;\n",
    "src/check/mod.rs": "use crate::ast::Span;\npub fn check(_: Span) {}\n",
    "src/eval/mod.rs": "use crate::{ast::Span, check};\npub fn eval(s: Span) { check::check(s) }\n",
}


def body(lines):
    return "fn long() {\n" + "    let _ = 1;\n" * (lines - 2) + "}\n"


class CheckStructure(unittest.TestCase):
    def test_a_tree_in_stage_order_passes(self):
        status, out = run(BASE)
        self.assertEqual(status, 0, out)

    def test_a_cycle_between_stages_fails_naming_the_import(self):
        files = dict(BASE)
        files["src/check/mod.rs"] = "use crate::ast::Span;\nuse crate::eval::eval;\npub fn check(_: Span) {}\n"
        status, out = run(files)
        self.assertEqual(status, 1)
        self.assertIn("src/check/mod.rs:2: `crate::eval`: `check` imports `eval`, a later stage", out)

    def test_grouped_super_and_inline_paths_count(self):
        files = dict(BASE)
        files["src/check/mod.rs"] = "pub mod deep;\n"
        files["src/check/deep.rs"] = (
            "use crate::{ast::Span, eval::{self}};\n"
            "pub fn check(_: Span) { super::super::eval::eval(Span) }\n"
            "pub fn other() { crate::eval::eval(crate::ast::Span) }\n"
        )
        status, out = run(files)
        self.assertEqual(status, 1)
        self.assertIn("src/check/deep.rs:1: `crate::eval`", out)
        self.assertIn("src/check/deep.rs:2: `super::super::eval`", out)
        self.assertIn("src/check/deep.rs:3: `crate::eval`", out)

    def test_comments_strings_and_unit_tests_are_not_imports(self):
        files = dict(BASE)
        files["src/check/mod.rs"] = (
            "//! See [`crate::eval::eval`].\n"
            "use crate::ast::Span;\n"
            "/* crate::eval */ pub fn check(_: Span) { let _ = \"crate::eval\"; let _ = '\"'; }\n"
            "#[cfg(test)]\nmod tests;\n"
            "#[cfg(test)]\nmod inline { use crate::eval::eval; }\n"
        )
        files["src/check/tests.rs"] = "use crate::eval::eval;\n"
        status, out = run(files)
        self.assertEqual(status, 0, out)

    def test_a_module_in_no_layer_fails(self):
        files = dict(BASE)
        files["src/extra.rs"] = "pub fn x() {}\n"
        status, out = run(files)
        self.assertEqual(status, 1)
        self.assertIn("module `extra` is in no layer", out)

    def test_long_files_and_functions_fail_unless_allowed(self):
        files = dict(BASE)
        files["src/check/mod.rs"] = "use crate::ast::Span;\n" + body(81) + "\n" * 600
        status, out = run(files)
        self.assertEqual(status, 1)
        self.assertIn("src/check/mod.rs:2: fn long is 81 lines, over 80", out)
        self.assertIn("src/check/mod.rs:1: 682 lines, over 600", out)
        files["src/check/mod.rs"] = body(80)
        files["src/eval/mod.rs"] = body(200).replace("fn long", "fn eval_node")
        status, out = run(files)
        self.assertEqual(status, 0, out)


if __name__ == "__main__":
    unittest.main()
