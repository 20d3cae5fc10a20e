//! What the cohort functions and `band` need of their arguments. The
//! first pass of a run evaluates a cohort function's `x` and group for
//! every creator before anything else, so they may read fields and lets,
//! but not a lambda's parameter, a signal, `score`, `tier` or another
//! cohort function (directly or through a let). `band`'s bounds are a
//! list of numbers written in the rules, strictly increasing, so that
//! every label names one band.

use std::collections::HashSet;

use super::Walker;
use crate::ast::{Expr, ExprKind};
use crate::diagnostic::RuleDiagnostic;
use crate::language::Builtin;

impl Walker<'_, '_, '_> {
    /// Checks the arguments of a cohort function or of `band`.
    pub(super) fn cohort_args(&mut self, f: Builtin, args: &[Expr]) {
        if f == Builtin::Band {
            if let Some(bounds) = args.get(1) {
                self.band_bounds(bounds);
            }
            return;
        }
        if !f.is_cohort() {
            return;
        }
        let mut seen = HashSet::new();
        for a in args {
            if let Some((span, what)) = self.reads_later(a, &mut seen) {
                self.push(
                    RuleDiagnostic::error(
                        "influence::cohort",
                        span,
                        format!("`{}` cannot read {what}", f.name()),
                        "known only once each creator is evaluated",
                    )
                    .with_help(
                        "a cohort function's value and group are collected from every creator before any is evaluated: use fields, and lets of fields",
                    ),
                );
            }
        }
    }

    /// The first thing under `e` that the first pass cannot evaluate: a
    /// lambda's parameter, a signal, `score`, `tier`, a cohort function;
    /// with what it is, for the message.
    fn reads_later(
        &self,
        e: &Expr,
        seen: &mut HashSet<usize>,
    ) -> Option<(crate::ast::Span, String)> {
        match &e.kind {
            ExprKind::Name(n) => {
                let name = n.name.as_str();
                if self.scope.iter().any(|p| p == name) {
                    return Some((n.span, format!("the lambda's parameter `{name}`")));
                }
                if let Some(i) = self.declared.let_index(name) {
                    if self.declared.hiding.contains(name) || !seen.insert(i) {
                        return None;
                    }
                    let value = &self.declared.lets[i].value;
                    return self
                        .reads_later(value, seen)
                        .map(|(_, what)| (n.span, format!("`{name}`, which reads {what}")));
                }
                if self.declared.signal_index(name).is_some() {
                    return Some((n.span, format!("the signal `{name}`")));
                }
                match name {
                    "score" | "tier" => Some((n.span, format!("`{name}`"))),
                    _ => None,
                }
            }
            ExprKind::Call(name, _)
                if Builtin::from_name(&name.name).is_some_and(Builtin::is_cohort) =>
            {
                Some((
                    name.span,
                    format!("another cohort function (`{}`)", name.name),
                ))
            }
            _ => e
                .children()
                .into_iter()
                .find_map(|c| self.reads_later(c, seen)),
        }
    }

    /// `band`'s bounds: a non-empty list of numbers written in the rules,
    /// strictly increasing.
    fn band_bounds(&mut self, bounds: &Expr) {
        let numbers: Option<Vec<f64>> = match &bounds.unparen().kind {
            ExprKind::List(xs) if !xs.is_empty() => xs.iter().map(constant_number).collect(),
            _ => None,
        };
        let problem = match &numbers {
            None => "must be a list of numbers written in the rules, such as `[1k, 10k, 50k]`",
            Some(ns) if ns.windows(2).any(|w| w[0] >= w[1]) => {
                "must be in increasing order, each bound once"
            }
            Some(_) => return,
        };
        self.push(
            RuleDiagnostic::error(
                "influence::band",
                bounds.span,
                format!("the bounds of `band` {problem}"),
                "these bounds",
            )
            .with_help("call it as `band(followers, [1k, 10k, 50k])`: the bands are below 1k, 1k up to 10k, 10k up to 50k, and 50k or more"),
        );
    }
}

/// A number literal, or a negated one.
fn constant_number(e: &Expr) -> Option<f64> {
    match &e.unparen().kind {
        ExprKind::Number(n) => Some(n.value),
        ExprKind::Neg(x) => constant_number(x).map(|v| -v),
        _ => None,
    }
}
