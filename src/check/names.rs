//! Warnings about bare names: a name that is no let, no signal and no
//! built-in is read as a field, so a typo of a let (`beuaty` for `beauty`)
//! silently reads a field that no record has and rejects everyone. A name
//! a slip of the keys from a let or signal is pointed out before any
//! record is read.

use std::collections::HashMap;

use super::Declared;
use crate::ast::*;
use crate::diagnostic::{did_you_mean, edit_distance, RuleDiagnostic};

/// One warning per place a bare name close to a let or signal is read as
/// a field (`creator.NAME` says a field is meant, and is never warned about).
pub(super) fn fields_close_to_declared(
    file: &RulesFile,
    declared: &Declared,
) -> Vec<RuleDiagnostic> {
    let mut out = Vec::new();
    if declared.lets.is_empty() && declared.signals.is_empty() {
        return out;
    }
    let mut closest = HashMap::new();
    for decl in &file.decls {
        if let DeclKind::Select(s) = &decl.kind {
            for e in s.expressions() {
                walk(e, declared, &mut Vec::new(), &mut (&mut out, &mut closest));
            }
            continue;
        }
        let expr = match &decl.kind {
            DeclKind::Let(l) => &l.value,
            DeclKind::Require(r) => &r.condition,
            DeclKind::Signal(s) => &s.value,
            DeclKind::Tier(Tier {
                condition: Some(c), ..
            }) => c,
            DeclKind::Rank(r) => &r.key,
            _ => continue,
        };
        walk(
            expr,
            declared,
            &mut Vec::new(),
            &mut (&mut out, &mut closest),
        );
    }
    out
}

/// The warnings found, and the closest let or signal of each name already
/// looked up: a field read in every one of hundreds of lets is compared
/// with every let once, not once per place.
type Found<'o, 'd> = (
    &'o mut Vec<RuleDiagnostic>,
    &'o mut HashMap<String, Option<&'d str>>,
);

fn walk<'d>(e: &Expr, declared: &'d Declared, scope: &mut Vec<String>, out: &mut Found<'_, 'd>) {
    match &e.kind {
        ExprKind::Name(n) => {
            let name = n.name.as_str();
            let known = scope.iter().any(|p| p == name)
                || declared.let_index(name).is_some()
                || declared.signal_index(name).is_some()
                || super::BUILT_IN_NAMES.contains(&name);
            if !known {
                let close = *out.1.entry(name.to_string()).or_insert_with(|| {
                    let lets = declared.lets.iter().map(|l| l.name.name.as_str());
                    let signals = declared.signals.iter().map(|s| s.name.name.as_str());
                    did_you_mean(name, lets.chain(signals))
                });
                if let Some(w) = close.and_then(|c| warning(n, c, declared)) {
                    out.0.push(w);
                }
            }
        }
        ExprKind::Lambda(p, body) => {
            scope.push(p.name.clone());
            walk(body, declared, scope, out);
            scope.pop();
        }
        // `.key` names a field of the value, never a let
        ExprKind::Field(base, _) => walk(base, declared, scope, out),
        _ => {
            for c in e.children() {
                walk(c, declared, scope, out);
            }
        }
    }
}

/// The warning for `n`, whose closest let or signal is `close`, when it
/// looks like a slip of the keys.
fn warning(n: &Ident, close: &str, declared: &Declared) -> Option<RuleDiagnostic> {
    // Fields are often named like a let or signal on purpose (a field
    // `niches` beside a signal `niche`, `bio` and a let `fit`): warn only for
    // what looks like a slip of the keys, one edit (a swap counts one) in
    // names of up to six letters, two beyond, and never a name that merely
    // extends or shortens the other, at either end (`xs` and a signal `s`,
    // `rate` and a let `rates`). Names under three letters are left alone:
    // one key away from `k` or `s` is any other short name.
    let (a, b) = (n.name.to_lowercase(), close.to_lowercase());
    let limit = if a.chars().count() <= 6 { 1 } else { 2 };
    let short = a.chars().count() < 3 || b.chars().count() < 3;
    let affix = a.starts_with(&b) || b.starts_with(&a) || a.ends_with(&b) || b.ends_with(&a);
    if short || affix || edit_distance(&a, &b) > limit {
        return None;
    }
    let what = if declared.let_index(close).is_some() {
        "let"
    } else {
        "signal"
    };
    let name = &n.name;
    Some(
        RuleDiagnostic::error(
            "influence::field-like-name",
            n.span,
            format!("`{name}` is no let or signal, so it is read as a field; did you mean the {what} `{close}`?"),
            format!("read as the field `{name}`"),
        )
        .with_help(format!("write `{close}` for the {what}; if the records do have a field `{name}`, write `creator.{name}` to say so"))
        .with_fix(close)
        .warning(),
    )
}
