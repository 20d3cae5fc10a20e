//! Checks of declarations one by one, before their expressions: names
//! declared twice (per namespace), built-in names, the one `ruleset` line
//! first, signal weights, tiers after `otherwise`, `rank by` and `limit`
//! once, a shortlist length that is a whole number.

use std::collections::HashMap;

use super::{check_example, Declared, ShortlistError, BUILT_IN_NAMES};
use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;

pub(super) fn check_declarations(
    file: &RulesFile,
    declared: &Declared,
    errors: &mut Vec<RuleDiagnostic>,
) {
    let mut seen = Seen::default();
    for (i, decl) in file.decls.iter().enumerate() {
        match &decl.kind {
            DeclKind::Ruleset(name) => seen.ruleset(i, decl.span, name, errors),
            DeclKind::Let(Let { name, .. }) => seen.value("let", name, errors),
            DeclKind::Signal(Signal { name, weight, .. }) => {
                seen.value("signal", name, errors);
                seen.weight(name, weight.as_ref(), errors);
            }
            DeclKind::Require(r) => {
                first_of(&mut seen.requires, "requirement", &r.name, errors);
            }
            DeclKind::Tier(t) => seen.tier(decl.span, t, errors),
            DeclKind::Rank(_) => once(&mut seen.rank, "rank by", decl.span, errors),
            DeclKind::Limit(n) => {
                once(&mut seen.limit, "limit", decl.span, errors);
                limit(n, errors);
            }
            DeclKind::Select(s) => {
                once(&mut seen.select, "select", decl.span, errors);
                super::select::check_select(s, errors);
            }
            DeclKind::Example(ex) => {
                let name = Ident {
                    name: ex.name.value.clone(),
                    span: ex.name.span,
                };
                first_of(&mut seen.examples, "example", &name, errors);
                check_example(ex, declared, errors);
            }
        }
    }
    if let (Some(limit), Some(select)) = (seen.limit, seen.select) {
        errors.push(
            RuleDiagnostic::error(
                "influence::select-and-limit",
                limit,
                "`limit` and `select` both choose the shortlist",
                "`limit` here",
            )
            .with_extra(select, "`select` here")
            .with_help("`select N` picks N creators itself: remove the `limit` line"),
        );
    }
}

/// What the declarations so far declared: each name's first place, per
/// namespace, and where the one-of declarations were.
#[derive(Default)]
struct Seen {
    /// lets and signals, which share a namespace
    values: HashMap<String, Span>,
    requires: HashMap<String, Span>,
    tiers: HashMap<String, Span>,
    examples: HashMap<String, Span>,
    ruleset: Option<Span>,
    rank: Option<Span>,
    limit: Option<Span>,
    select: Option<Span>,
    otherwise: Option<Span>,
    total_weight: f64,
    weights_overflowed: bool,
}

impl Seen {
    fn ruleset(
        &mut self,
        i: usize,
        span: Span,
        name: &StringLit,
        errors: &mut Vec<RuleDiagnostic>,
    ) {
        if let Some(first) = self.ruleset {
            errors.push(
                RuleDiagnostic::error(
                    "influence::duplicate",
                    span,
                    "a file has at most one `ruleset` name",
                    "second `ruleset`",
                )
                .with_extra(first, "first named here")
                .with_help("remove one of the two `ruleset` lines"),
            );
        } else if i != 0 {
            errors.push(
                RuleDiagnostic::error(
                    "influence::ruleset-position",
                    span,
                    format!("`ruleset {:?}` must be the first declaration", name.value),
                    "not first",
                )
                .with_help("move the `ruleset` line to the top of the file"),
            );
        }
        self.ruleset.get_or_insert(span);
    }

    /// A let's or a signal's name: not built in, not declared before.
    fn value(&mut self, what: &str, name: &Ident, errors: &mut Vec<RuleDiagnostic>) {
        if BUILT_IN_NAMES.contains(&name.name.as_str()) {
            errors.push(
                RuleDiagnostic::error(
                    "influence::reserved-name",
                    name.span,
                    format!("`{}` is a built-in name", name.name),
                    "cannot be declared",
                )
                .with_help(format!(
                    "`score`, `tier` and `creator` mean the weighted score, the tier and the whole record; call this {what} something else"
                )),
            );
        } else {
            first_of(&mut self.values, "name", name, errors);
        }
    }

    /// A signal's weight: positive, and the sum finite (the score divides
    /// by it: infinity would make it NaN). A signal without one weighs 1.
    fn weight(&mut self, name: &Ident, w: Option<&NumberLit>, errors: &mut Vec<RuleDiagnostic>) {
        let Some(w) = w else {
            self.total_weight += 1.0;
            return;
        };
        self.total_weight += w.value.max(0.0);
        if w.value <= 0.0 {
            errors.push(
                RuleDiagnostic::error(
                    "influence::weight",
                    w.span,
                    format!("signal `{}` has weight {}", name.name, w.raw),
                    "must be greater than 0",
                )
                .with_help("weights are positive numbers; remove the signal to stop it counting"),
            );
        } else if !self.total_weight.is_finite() && !self.weights_overflowed {
            self.weights_overflowed = true;
            errors.push(
                RuleDiagnostic::error(
                    "influence::weight",
                    w.span,
                    "the signal weights add up to more than about 1.8e308",
                    "the sum overflows here",
                )
                .with_help("only the ratios of weights matter: use small numbers such as 1 to 10"),
            );
        }
    }

    /// A tier: its name once, and none after the `otherwise` tier.
    fn tier(&mut self, span: Span, t: &Tier, errors: &mut Vec<RuleDiagnostic>) {
        first_of(&mut self.tiers, "tier", &t.name, errors);
        if let Some(o) = self.otherwise {
            errors.push(
                RuleDiagnostic::error(
                    "influence::tier-order",
                    span,
                    format!("tier `{}` comes after `otherwise`", t.name.name),
                    "can never be chosen",
                )
                .with_extra(o, "every creator left is taken here")
                .with_help("move the `otherwise` tier to the end"),
            );
        } else if t.condition.is_none() {
            self.otherwise = Some(span);
        }
    }
}

/// Records `name`'s first place in `names`, or reports it declared twice.
fn first_of(
    names: &mut HashMap<String, Span>,
    what: &str,
    name: &Ident,
    errors: &mut Vec<RuleDiagnostic>,
) {
    match names.get(name.name.as_str()) {
        Some(first) => errors.push(duplicate(what, &name.name, name.span, *first)),
        None => {
            names.insert(name.name.clone(), name.span);
        }
    }
}

/// A declaration a file has at most once (`rank by`, `limit`).
fn once(first: &mut Option<Span>, name: &str, span: Span, errors: &mut Vec<RuleDiagnostic>) {
    if let Some(first) = *first {
        errors.push(duplicate("declaration", name, span, first));
    }
    first.get_or_insert(span);
}

fn duplicate(what: &str, name: &str, span: Span, first: Span) -> RuleDiagnostic {
    RuleDiagnostic::error(
        "influence::duplicate",
        span,
        format!("{what} `{name}` is declared twice"),
        "declared again here",
    )
    .with_extra(first, "first declared here")
    .with_help(format!("rename one of them or remove the second {what}"))
}

/// `limit n`: a whole number of creators that fits a shortlist.
fn limit(n: &NumberLit, errors: &mut Vec<RuleDiagnostic>) {
    let length = super::shortlist_length(n.value);
    // f64::MAX stands for a number past f64, refused already
    if length == Err(ShortlistError::TooLarge) && n.value != f64::MAX {
        errors.push(
            RuleDiagnostic::error(
                "influence::number",
                n.span,
                format!(
                    "the number `{}` is too large for a shortlist",
                    crate::syntax::shorten(&n.raw)
                ),
                ShortlistError::TooLarge.to_string(),
            )
            .with_help("leave `limit` out to list every accepted creator"),
        );
    } else if length == Err(ShortlistError::NotWhole) {
        errors.push(
            RuleDiagnostic::error(
                "influence::limit",
                n.span,
                format!("`limit {}` is not a whole number of creators", n.raw),
                "must be a whole number, at least 1",
            )
            .with_help("write `limit 50`, or leave `limit` out to list every accepted creator"),
        );
    }
}
