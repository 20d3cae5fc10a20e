//! Dependencies among lets, signals, `score` and `tier`: cycles are errors,
//! and so is a requirement that reads `tier` (decided only after every
//! requirement has passed).

use super::Declared;
use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;
use crate::syntax::MAX_DEPTH;

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

/// Lets and signals that read their own name, as `signal audience =
/// sum(audience.geo, g => g.weight)`: inside its definition the name means
/// the declaration itself, so this is always a field hidden by the
/// declaration's name. One error at the declaration says so, instead of a
/// cycle and a wrong kind at every `audience.geo` of the file. Returns
/// their names.
pub(super) fn hidden_fields<'f>(
    declared: &Declared<'f>,
    errors: &mut Vec<RuleDiagnostic>,
) -> std::collections::HashSet<&'f str> {
    let mut hiding = std::collections::HashSet::new();
    let lets = declared.lets.iter().enumerate().map(|(i, l)| {
        let first = declared.let_index(&l.name.name) == Some(i);
        ("let", Dep::Let(i), &l.name, &l.value, first)
    });
    let signals = declared.signals.iter().enumerate().map(|(i, s)| {
        let first = declared.signal_index(&s.name.name) == Some(i);
        ("signal", Dep::Signal(i), &s.name, &s.value, first)
    });
    // a name declared twice is reported as such; its later declarations
    // refer to the first, so only the first can read itself
    for (what, me, name, value, first) in lets.chain(signals) {
        let mut refs = Vec::new();
        references(value, declared, &mut refs);
        let Some(&(_, at)) = refs.iter().find(|(d, _)| *d == me) else {
            continue;
        };
        if !first {
            continue;
        }
        let n = &name.name;
        hiding.insert(n.as_str());
        errors.push(
            RuleDiagnostic::error(
                "influence::hides-field",
                name.span,
                format!("the {what} `{n}` hides the field `{n}` it reads; rename it, or read the field as `creator.{n}`"),
                format!("named like the field `{n}`"),
            )
            .with_extra(at, format!("here `{n}` means the {what} itself, not the field"))
            .with_help(format!("a bare name means the let or signal of that name wherever it is read, its own definition included: `{what} {n}_score = ...` keeps both")),
        );
    }
    hiding
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

/// Checks the dependencies among lets, signals, `score` and `tier`, and
/// returns the lets in dependency order (each after the lets it reads).
pub(super) fn check_dependencies(
    file: &RulesFile,
    declared: &Declared,
    errors: &mut Vec<RuleDiagnostic>,
) -> Vec<usize> {
    let g = dependency_graph(declared);
    let (let_order, too_deep) = evaluation_depth(file, &g);
    if let Some(d) = too_deep {
        // the search for cycles below recurses along chains: stop here
        errors.push(d);
        return let_order;
    }

    report_cycles(&g, errors);
    report_tier_readers(file, &g, errors);
    let_order
}

/// The graph of which let, signal, `score` and `tier` reads which.
fn dependency_graph<'d>(declared: &'d Declared<'d>) -> Graph<'d> {
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
    // a declaration reading its own name is reported by `hidden_fields`
    for (i, l) in declared.lets.iter().enumerate() {
        if declared.hiding.contains(l.name.name.as_str()) {
            g.edges[i].retain(|(d, _)| *d != Dep::Let(i));
        }
    }
    for (i, s) in declared.signals.iter().enumerate() {
        if declared.hiding.contains(s.name.name.as_str()) {
            let at = g.index(Dep::Signal(i));
            g.edges[at].retain(|(d, _)| *d != Dep::Signal(i));
        }
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
    g
}

/// Depth-first search; a reference back into the current path closes a cycle.
fn report_cycles(g: &Graph, errors: &mut Vec<RuleDiagnostic>) {
    let declared = g.declared;
    let n = g.edges.len();
    let all: Vec<Dep> = (0..declared.lets.len())
        .map(Dep::Let)
        .chain((0..declared.signals.len()).map(Dep::Signal))
        .chain([Dep::Score, Dep::Tier])
        .collect();
    let mut state = vec![0u8; n]; // 0 new, 1 on path, 2 done
    let mut path: Vec<Dep> = Vec::new();
    for &start in &all {
        dfs(g, start, &mut state, &mut path, errors);
    }
}

/// Requirements and signals are computed for creators who may not be
/// accepted, so they must not read `tier`, even through lets. Which
/// nodes reach `tier` (not through `score`, which never does) is worked
/// out once, backwards from `tier`, so the check is linear in the file.
fn report_tier_readers(file: &RulesFile, g: &Graph, errors: &mut Vec<RuleDiagnostic>) {
    let declared = g.declared;
    let n = g.edges.len();
    let (score, tier) = (g.index(Dep::Score), g.index(Dep::Tier));
    let mut readers_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, edges) in g.edges.iter().enumerate() {
        if from != score {
            for &(to, _) in edges {
                readers_of[g.index(to)].push(from);
            }
        }
    }
    let mut reaches_tier = vec![false; n];
    reaches_tier[tier] = true;
    let mut stack = vec![tier];
    while let Some(i) = stack.pop() {
        for &r in &readers_of[i] {
            if !reaches_tier[r] {
                reaches_tier[r] = true;
                stack.push(r);
            }
        }
    }
    for decl in &file.decls {
        let (what, name, expr) = match &decl.kind {
            DeclKind::Require(r) => ("requirement", &r.name, &r.condition),
            DeclKind::Signal(s) => ("signal", &s.name, &s.value),
            _ => continue,
        };
        let mut refs = Vec::new();
        references(expr, declared, &mut refs);
        if refs
            .iter()
            .any(|&(d, _)| d != Dep::Score && reaches_tier[g.index(d)])
        {
            errors.push(
                RuleDiagnostic::error(
                    "influence::tier-in-require",
                    expr.span,
                    format!("{what} `{}` reads `tier`", name.name),
                    "depends on the tier",
                )
                .with_help("tiers are given only to creators who pass every requirement, after scoring; read `tier` in `rank by`, and test `score` here instead"),
            );
        }
    }
}

/// How deep evaluation recurses. The evaluator walks an expression, and
/// every let, signal, `score` and `tier` it reads, recursively; so a chain
/// of lets each reading the next nests as deeply as one long expression,
/// and must keep within the same [`MAX_DEPTH`] or it could exhaust the
/// stack. Returns the lets in dependency order (found on the way, without
/// recursing along chains) and the first declaration, in file order, that
/// goes too deep.
fn evaluation_depth(file: &RulesFile, g: &Graph) -> (Vec<usize>, Option<RuleDiagnostic>) {
    let (depth, let_order) = depths(g);
    let known = |d: Dep| depth[g.index(d)];
    (let_order, first_too_deep(file, g.declared, &known))
}

/// Each node's evaluation depth, in post-order without recursion, and the
/// lets in the order they were finished (each after the lets it reads).
fn depths(g: &Graph) -> (Vec<usize>, Vec<usize>) {
    let declared = g.declared;
    let (lets, signals) = (declared.lets.len(), declared.signals.len());
    let n = g.edges.len();
    let dep_of = |i: usize| {
        if i < lets {
            Dep::Let(i)
        } else if i < lets + signals {
            Dep::Signal(i - lets)
        } else if i == lets + signals {
            Dep::Score
        } else {
            Dep::Tier
        }
    };
    let mut depth = vec![0usize; n];
    let mut state = vec![0u8; n]; // 0 new, 1 on the path (a cycle: counted 0), 2 done
    let mut let_order = Vec::with_capacity(lets);
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&(to, _)) = g.edges[node].get(*next) {
                *next += 1;
                let j = g.index(to);
                if state[j] == 0 {
                    state[j] = 1;
                    stack.push((j, 0));
                }
                continue;
            }
            stack.pop();
            let known = |d: Dep| {
                let j = g.index(d);
                if state[j] == 2 {
                    depth[j]
                } else {
                    0
                }
            };
            depth[node] = match dep_of(node) {
                Dep::Let(i) => expr_depth(&declared.lets[i].value, declared, &known),
                Dep::Signal(i) => expr_depth(&declared.signals[i].value, declared, &known),
                Dep::Score => {
                    1 + (0..signals)
                        .map(|i| known(Dep::Signal(i)))
                        .max()
                        .unwrap_or(0)
                }
                Dep::Tier => {
                    1 + declared
                        .tiers
                        .iter()
                        .filter_map(|t| t.condition.as_ref())
                        .map(|c| expr_depth(c, declared, &known))
                        .max()
                        .unwrap_or(0)
                }
            };
            state[node] = 2;
            if node < lets {
                let_order.push(node);
            }
        }
    }
    (depth, let_order)
}

/// The first declaration, in file order, that nests deeper than
/// [`MAX_DEPTH`] counting what it reads (`known`).
fn first_too_deep(
    file: &RulesFile,
    declared: &Declared,
    known: &dyn Fn(Dep) -> usize,
) -> Option<RuleDiagnostic> {
    for decl in &file.decls {
        let (what, span, levels) = match &decl.kind {
            DeclKind::Let(l) => (
                format!("`{}`", l.name.name),
                l.name.span,
                known(Dep::Let(declared.let_index(&l.name.name).unwrap_or(0))),
            ),
            DeclKind::Signal(s) => (
                format!("signal `{}`", s.name.name),
                s.name.span,
                known(Dep::Signal(
                    declared.signal_index(&s.name.name).unwrap_or(0),
                )),
            ),
            DeclKind::Require(r) => (
                format!("requirement `{}`", r.name.name),
                r.name.span,
                expr_depth(&r.condition, declared, known),
            ),
            DeclKind::Tier(t) => match &t.condition {
                Some(c) => (
                    format!("tier `{}`", t.name.name),
                    t.name.span,
                    expr_depth(c, declared, known),
                ),
                None => continue,
            },
            DeclKind::Select(s) => (
                "`select`".to_string(),
                s.count.span,
                s.expressions()
                    .map(|e| expr_depth(e, declared, known))
                    .max()
                    .unwrap_or(0),
            ),
            DeclKind::Rank(r) => (
                "`rank by`".to_string(),
                r.key.span,
                std::iter::once(&r.key)
                    .chain(r.then.iter().map(|k| &k.key))
                    .map(|k| expr_depth(k, declared, known))
                    .max()
                    .unwrap_or(0),
            ),
            _ => continue,
        };
        if levels > MAX_DEPTH {
            let d = RuleDiagnostic::error(
                "influence::too-deep",
                span,
                format!("{what} nests more than {MAX_DEPTH} levels deep, counting the lets and signals it reads"),
                format!("{levels} levels deep"),
            )
            .with_help("a chain of lets, each reading the next, nests like one long expression: compute the value in fewer steps");
            return Some(d);
        }
    }
    None
}

/// The depth of an expression, where reading a let, a signal, `score` or
/// `tier` counts the depth of that (`known`) beneath it. Recursion is over
/// the expression only, whose depth the parser already bounds.
fn expr_depth(e: &Expr, declared: &Declared, known: &dyn Fn(Dep) -> usize) -> usize {
    fn walk(
        e: &Expr,
        declared: &Declared,
        known: &dyn Fn(Dep) -> usize,
        scope: &mut Vec<String>,
    ) -> usize {
        let below = match &e.kind {
            ExprKind::Name(n) if !scope.contains(&n.name) => {
                if let Some(i) = declared.let_index(&n.name) {
                    known(Dep::Let(i))
                } else if let Some(i) = declared.signal_index(&n.name) {
                    known(Dep::Signal(i))
                } else if n.name == "score" {
                    known(Dep::Score)
                } else if n.name == "tier" {
                    known(Dep::Tier)
                } else {
                    0
                }
            }
            ExprKind::Lambda(p, body) => {
                scope.push(p.name.clone());
                let d = walk(body, declared, known, scope);
                scope.pop();
                d
            }
            ExprKind::Field(base, _) => walk(base, declared, known, scope),
            _ => e
                .children()
                .into_iter()
                .map(|c| walk(c, declared, known, scope))
                .max()
                .unwrap_or(0),
        };
        1 + below
    }
    walk(e, declared, known, &mut Vec::new())
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
            let help = if names.iter().any(|n| n == "score") && node != Dep::Tier {
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
