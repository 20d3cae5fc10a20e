//! Arguments of the text functions that must be known without data: the
//! separator of `split`, the text `replace` replaces, and the decimal mark
//! of `number(x, mark)`, and a constant text `date` must read
//! (docs/language.md, section 10).

use super::Walker;
use crate::ast::{Expr, ExprKind};
use crate::diagnostic::RuleDiagnostic;
use crate::language::{Builtin, Kind};

impl Walker<'_, '_, '_> {
    /// Checks the arguments of `f` that have a rule of their own.
    pub(super) fn constant_args(&mut self, f: Builtin, args: &[Expr]) {
        match (f, args) {
            (Builtin::Split, [_, sep]) => {
                self.not_empty(sep, "the separator of `split`", "split(niches, \",\")")
            }
            (Builtin::Replace, [_, from, _]) => self.not_empty(
                from,
                "the text `replace` replaces",
                "replace(handle, \"@\", \"\")",
            ),
            (Builtin::Number, [_, mark]) => self.decimal_mark(mark),
            (Builtin::Date | Builtin::DaysSince, [x]) => {
                self.constant_date(f, x);
                self.readable(
                    f,
                    x,
                    &[Kind::String, Kind::Number, Kind::Date],
                    "text such as \"2026-11-03\", Unix seconds or a date",
                )
            }
            (Builtin::Bool, [x]) => self.readable(
                f,
                x,
                &[Kind::String, Kind::Number, Kind::Bool],
                "a yes/no word such as \"Yes\", 1 or 0, or true/false",
            ),
            _ => {}
        }
    }

    /// An argument of `date`, `days_since` or `bool` of a kind it never reads.
    fn readable(&mut self, f: Builtin, x: &Expr, reads: &[Kind], what: &str) {
        let Some(k) = self.quiet_ty(x) else { return };
        if reads.contains(&k) {
            return;
        }
        let text = self.text(x).to_string();
        self.push(
            RuleDiagnostic::error(
                "influence::type",
                x.span,
                format!(
                    "`{}` reads {what}, but `{text}` is {}",
                    f.name(),
                    k.article()
                ),
                format!("{} here", k.article()),
            )
            .with_help(format!("call it as {}", super::quoted_usage(f.usage()))),
        );
    }

    /// A constant text `date` cannot read: every creator would be an error.
    fn constant_date(&mut self, f: Builtin, x: &Expr) {
        let Some(text) = self.constant_string(x) else {
            return;
        };
        if crate::language::dates::read_text(&text).is_some() {
            return;
        }
        self.push(
            RuleDiagnostic::error(
                "influence::date",
                x.span,
                format!("`{}` cannot read {text:?} as a date", f.name()),
                "not a date",
            )
            .with_help(format!(
                "write the date in ISO form, e.g. `{}(\"2026-11-03\")` ({})",
                f.name(),
                crate::language::dates::ACCEPTED
            )),
        );
    }

    /// An empty constant text where text is needed to cut or replace.
    fn not_empty(&mut self, e: &Expr, what: &str, example: &str) {
        if self.constant_string(e).is_some_and(|s| s.is_empty()) {
            self.push(
                RuleDiagnostic::error(
                    "influence::empty-text",
                    e.span,
                    format!("{what} is empty"),
                    "empty text here",
                )
                .with_help(format!("give the text to look for, e.g. `{example}`")),
            );
        }
    }

    /// The mark of `number(x, mark)`: the constant "." or ",".
    fn decimal_mark(&mut self, mark: &Expr) {
        let constant = self.constant_string(mark);
        if matches!(constant.as_deref(), Some("." | ",")) {
            return;
        }
        let label = match (&constant, &mark.unparen().kind) {
            (Some(s), _) => format!("{s:?} is not a decimal mark"),
            (None, ExprKind::String(_)) => "not a decimal mark".to_string(),
            (None, _) => "not a constant".to_string(),
        };
        self.push(
            RuleDiagnostic::error(
                "influence::decimal-mark",
                mark.span,
                "the decimal mark of `number` must be \".\" or \",\"",
                label,
            )
            .with_help("write `number(x, \",\")` when the comma is the decimal mark (\"4,2%\", \"12.400\"), or `number(x)` for a point"),
        );
    }
}
