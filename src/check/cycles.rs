//! Dependencies among lets, signals, `score` and `tier`: cycles are errors,
//! and so is a requirement that reads `tier` (decided only after every
//! requirement has passed).

use super::Declared;
use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;

/// A node of the dependency graph.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dep {
    Let(usize),
    Signal(usize),
    Score,
    Tier,
}

/// The lets, signals, `score` and `tier` an expression reads directly, with
/// the place of each reference. Lambda parameters shadow everything.
pub(crate) fn references(e: &Expr, declared: &Declared, out: &mut Vec<(Dep, Span)>) {
    fn walk(e: &Expr, declared: &Declared, scope: &mut Vec<String>, out: &mut Vec<(Dep, Span)>) {
        match &e.kind {
            ExprKind::Name(n) => {
                if scope.contains(&n.name) {
                    return;
                }
                let dep = if let Some(i) = declared.let_index(&n.name) {
                    Dep::Let(i)
                } else if let Some(i) = declared.signal_index(&n.name) {
                    Dep::Signal(i)
                } else if n.name == "score" {
                    Dep::Score
                } else if n.name == "tier" {
                    Dep::Tier
                } else {
                    return;
                };
                out.push((dep, n.span));
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
    walk(e, declared, &mut Vec::new(), out);
}

struct Graph<'d> {
    declared: &'d Declared<'d>,
    edges: Vec<Vec<(Dep, Span)>>,
}

impl Graph<'_> {
    fn index(&self, d: Dep) -> usize {
        let (l, s) = (self.declared.lets.len(), self.declared.signals.len());
        match d {
            Dep::Let(i) => i,
            Dep::Signal(i) => l + i,
            Dep::Score => l + s,
            Dep::Tier => l + s + 1,
        }
    }

    fn name(&self, d: Dep) -> String {
        match d {
            Dep::Let(i) => self.declared.lets[i].name.name.clone(),
            Dep::Signal(i) => self.declared.signals[i].name.name.clone(),
            Dep::Score => "score".into(),
            Dep::Tier => "tier".into(),
        }
    }
}

pub(super) fn check_dependencies(
    file: &RulesFile,
    declared: &Declared,
    errors: &mut Vec<RuleDiagnostic>,
) {
    let n = declared.lets.len() + declared.signals.len() + 2;
    let mut g = Graph {
        declared,
        edges: vec![Vec::new(); n],
    };
    for (i, l) in declared.lets.iter().enumerate() {
        references(&l.value, declared, &mut g.edges[i]);
    }
    for (i, s) in declared.signals.iter().enumerate() {
        let at = g.index(Dep::Signal(i));
        references(&s.value, declared, &mut g.edges[at]);
    }
    let score = g.index(Dep::Score);
    g.edges[score] = (0..declared.signals.len())
        .map(|i| (Dep::Signal(i), declared.signals[i].name.span))
        .collect();
    let tier = g.index(Dep::Tier);
    for t in &declared.tiers {
        if let Some(c) = &t.condition {
            references(c, declared, &mut g.edges[tier]);
        }
    }

    // Depth-first search; a reference back into the current path closes a cycle.
    let all: Vec<Dep> = (0..declared.lets.len())
        .map(Dep::Let)
        .chain((0..declared.signals.len()).map(Dep::Signal))
        .chain([Dep::Score, Dep::Tier])
        .collect();
    let mut state = vec![0u8; n]; // 0 new, 1 on path, 2 done
    let mut path: Vec<Dep> = Vec::new();
    for &start in &all {
        dfs(&g, start, &mut state, &mut path, errors);
    }

    // Requirements and signals are computed for creators who may not be
    // accepted, so they must not read `tier`, even through lets.
    for decl in &file.decls {
        let (what, name, expr) = match &decl.kind {
            DeclKind::Require(r) => ("requirement", &r.name, &r.condition),
            DeclKind::Signal(s) => ("signal", &s.name, &s.value),
            _ => continue,
        };
        let mut refs = Vec::new();
        references(expr, declared, &mut refs);
        let mut seen = vec![false; n];
        let mut stack = refs;
        while let Some((d, _)) = stack.pop() {
            let i = g.index(d);
            if seen[i] || d == Dep::Score {
                continue;
            }
            seen[i] = true;
            if d == Dep::Tier {
                errors.push(
                    RuleDiagnostic::error(
                        "influence::tier-in-require",
                        expr.span,
                        format!("{what} `{}` reads `tier`", name.name),
                        "depends on the tier",
                    )
                    .with_help("tiers are given only to creators who pass every requirement, after scoring; read `tier` in `rank by`, and test `score` here instead"),
                );
                break;
            }
            stack.extend(g.edges[i].iter().copied());
        }
    }
}

fn dfs(
    g: &Graph,
    node: Dep,
    state: &mut [u8],
    path: &mut Vec<Dep>,
    errors: &mut Vec<RuleDiagnostic>,
) {
    let i = g.index(node);
    if state[i] != 0 {
        return;
    }
    state[i] = 1;
    path.push(node);
    for &(next, span) in &g.edges[i] {
        let j = g.index(next);
        if state[j] == 1 {
            let from = path.iter().position(|d| *d == next).expect("on the path");
            let mut names: Vec<String> = path[from..].iter().map(|d| g.name(*d)).collect();
            names.push(g.name(next));
            let help = if let (Dep::Let(i), true) = (next, names.len() == 2) {
                let name = &g.declared.lets[i].name.name;
                format!("inside its own definition `{name}` means this let; read the field as `creator.{name}`, or give the let another name")
            } else if names.iter().any(|n| n == "score") && node != Dep::Tier {
                "`score` is computed from the signals, so no signal may read it".to_string()
            } else {
                "break the cycle: compute one of these from fields only".to_string()
            };
            errors.push(
                RuleDiagnostic::error(
                    "influence::cycle",
                    span,
                    format!(
                        "`{}` depends on itself: {}",
                        g.name(next),
                        names.join(" -> ")
                    ),
                    "this reference closes the cycle",
                )
                .with_help(help),
            );
        } else {
            dfs(g, next, state, path, errors);
        }
    }
    path.pop();
    state[i] = 2;
}
