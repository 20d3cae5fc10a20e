//! The whole query: the record's fields as JSON, then each let and signal
//! (in the order they need each other), the score and the tier, each in a
//! step of its own (a CTE), then every requirement's outcome, the status
//! by the interpreter's precedence (README, "Output"), the failed
//! requirements, and the rank among accepted creators, ties in input order.

use super::assemble::{assemble, unit};
use super::dialect::Dialect;
use super::dialect::JsonKind;
use super::expr::{Bound, Scope};
use super::value::{want, Kind, Sql};
use crate::ast::{DeclKind, Expr, ExprKind, Order, RulesFile, WhenMissing};
use crate::diagnostic::RuleDiagnostic;

/// Which creators the query returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// The accepted creators by rank, cut at `limit` (or `top`).
    Shortlist,
    /// Every accepted creator, by rank.
    Accepted,
    /// Every creator, in input order.
    All,
}

/// How the query reads its table.
#[derive(Clone, Debug)]
pub struct QueryOptions {
    /// The table of creators.
    pub table: String,
    /// The column holding each creator's id.
    pub id_column: String,
    /// The column giving the input order (ties in rank keep it).
    pub order_by: String,
    /// Which rows to return.
    pub rows: Rows,
    /// Overrides the rules' `limit` for the shortlist.
    pub top: Option<usize>,
}

/// One let or signal, or the score or tier, to compute in a step.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Let(usize),
    Signal(usize),
    Score,
    Tier,
}

pub(super) struct Rules<'a> {
    pub(super) lets: Vec<(&'a str, &'a Expr)>,
    pub(super) signals: Vec<(&'a str, f64, &'a Expr)>,
    pub(super) requirements: Vec<&'a crate::ast::Require>,
    pub(super) tiers: Vec<(&'a str, Option<&'a Expr>)>,
    pub(super) rank: Vec<(&'a Expr, Order)>,
    pub(super) limit: Option<usize>,
}

fn gather(file: &RulesFile) -> Rules<'_> {
    let mut r = Rules {
        lets: vec![],
        signals: vec![],
        requirements: vec![],
        tiers: vec![],
        rank: vec![],
        limit: None,
    };
    for decl in &file.decls {
        match &decl.kind {
            DeclKind::Let(l) => r.lets.push((&l.name.name, &l.value)),
            DeclKind::Signal(s) => {
                let w = s.weight.as_ref().map_or(1.0, |w| w.value);
                r.signals.push((&s.name.name, w, &s.value));
            }
            DeclKind::Require(q) => r.requirements.push(q),
            DeclKind::Tier(t) => r.tiers.push((&t.name.name, t.condition.as_ref())),
            DeclKind::Rank(k) => {
                r.rank.push((&k.key, k.order.unwrap_or_default()));
                for t in &k.then {
                    r.rank.push((&t.key, t.order.unwrap_or_default()));
                }
            }
            DeclKind::Limit(n) => r.limit = Some(n.value as usize),
            _ => {}
        }
    }
    r
}

/// The names an expression reads (lambda parameters left out).
fn names(e: &Expr, bound: &mut Vec<String>, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(id) if !bound.contains(&id.name) => out.push(id.name.clone()),
        ExprKind::Lambda(p, body) => {
            bound.push(p.name.clone());
            names(body, bound, out);
            bound.pop();
        }
        _ => e.children().into_iter().for_each(|c| names(c, bound, out)),
    }
}

impl Rules<'_> {
    fn step_of(&self, name: &str) -> Option<Step> {
        if let Some(i) = self.lets.iter().position(|(n, _)| *n == name) {
            return Some(Step::Let(i));
        }
        if let Some(i) = self.signals.iter().position(|(n, _, _)| *n == name) {
            return Some(Step::Signal(i));
        }
        match name {
            "score" => Some(Step::Score),
            "tier" => Some(Step::Tier),
            _ => None,
        }
    }

    fn deps(&self, s: Step) -> Vec<Step> {
        let mut out = Vec::new();
        let exprs: Vec<&Expr> = match s {
            Step::Let(i) => vec![self.lets[i].1],
            Step::Signal(i) => vec![self.signals[i].2],
            Step::Score => return (0..self.signals.len()).map(Step::Signal).collect(),
            Step::Tier => self.tiers.iter().filter_map(|t| t.1).collect(),
        };
        for e in exprs {
            names(e, &mut vec![], &mut out);
        }
        out.iter().filter_map(|n| self.step_of(n)).collect()
    }

    /// Every step, each after those it reads (the checker has refused cycles).
    fn order(&self) -> Vec<Step> {
        let mut done = Vec::new();
        let all: Vec<Step> = (0..self.lets.len())
            .map(Step::Let)
            .chain((0..self.signals.len()).map(Step::Signal))
            .chain([Step::Score, Step::Tier])
            .collect();
        for s in all {
            self.visit(s, &mut done, 0);
        }
        done
    }

    fn visit(&self, s: Step, done: &mut Vec<Step>, depth: usize) {
        if done.contains(&s) || depth > 10_000 {
            return;
        }
        for d in self.deps(s) {
            if d != s {
                self.visit(d, done, depth + 1);
            }
        }
        if !done.contains(&s) {
            done.push(s);
        }
    }
}

/// The SQL type a step's column is cast to, so that every engine knows it.
fn column(d: Dialect, s: &Sql) -> String {
    let ty = match s.kind {
        Kind::Num | Kind::Missing => d.double(),
        Kind::Str => d.text_type(),
        Kind::Bool if d == Dialect::Sqlite => return s.val.clone(),
        Kind::Bool => "BOOLEAN",
        Kind::Json if d == Dialect::Sqlite => "TEXT",
        Kind::Json => d.json_type(),
        Kind::Consts(_) => return "NULL".into(),
    };
    format!("CAST({} AS {ty})", s.val)
}

fn err_of(s: &Sql) -> String {
    match &s.err {
        Some(e) => format!("COALESCE({e}, FALSE)"),
        None => "FALSE".into(),
    }
}

/// The query for `file` (checked), or every construct refused.
pub fn query(
    file: &RulesFile,
    d: Dialect,
    o: &QueryOptions,
) -> Result<String, Vec<RuleDiagnostic>> {
    let (rules, mut scope, steps, reqs, keys) = translate(file, d);
    // the statuses, scores and ranks do not depend on `select`; the team
    // it chooses does, and is an integer program solved after the run
    let team = file.decls.iter().find_map(|x| match &x.kind {
        DeclKind::Select(s) => Some(s.count.span),
        _ => None,
    });
    if let (Some(span), Rows::Shortlist) = (team, o.rows) {
        scope.refuse(
            span,
            "`select` (a team chosen under constraints)",
            "the team is an integer program solved after the run, which SQL does not express; \
             `--rows all` or `--rows accepted` give every verdict and rank, and \
             `influence-eval RULES DATA` chooses the team",
        );
    }
    if !scope.refusals.is_empty() {
        return Err(scope.refusals.iter().map(|r| r.diagnostic(d)).collect());
    }
    Ok(assemble(&rules, &scope, o, steps, reqs, keys))
}

type Translated<'a> = (
    Rules<'a>,
    Scope,
    Vec<String>,
    Vec<(String, String)>,
    Vec<(String, String, Order)>,
);

/// Every part of the rules as SQL, with the scope that collected the
/// columns read and the refusals.
fn translate(file: &RulesFile, d: Dialect) -> Translated<'_> {
    let rules = gather(file);
    let declared = rules
        .lets
        .iter()
        .map(|l| l.0.to_string())
        .chain(rules.signals.iter().map(|s| s.0.to_string()))
        .collect();
    let mut scope = Scope::new(d, declared);
    let mut steps = Vec::new();
    for s in rules.order() {
        let cols = step(&rules, &mut scope, s);
        // the cohort inputs this step reads, computed over the whole table first
        steps.extend(scope.cohort_steps());
        steps.extend(cols);
    }
    let reqs: Vec<(String, String)> = rules
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| requirement(&mut scope, r, i))
        .collect();
    let keys: Vec<(String, String, Order)> = rank_keys(&rules, &mut scope);
    steps.extend(scope.cohort_steps());
    (rules, scope, steps, reqs, keys)
}

/// The top-level fields the rules read, which the table needs as columns.
pub fn columns_read(file: &RulesFile) -> Vec<String> {
    translate(file, Dialect::Duckdb).1.columns
}

/// The columns of one step: `(value AS name, error AS name_e)`.
fn step(rules: &Rules, scope: &mut Scope, s: Step) -> Option<String> {
    let d = scope.d;
    let (name, col, sql) = match s {
        Step::Let(i) => {
            let (name, e) = rules.lets[i];
            if let Some(parts) = scope.tuple(e) {
                scope.bound.insert(name.to_string(), Bound::Tuple(parts));
                return None;
            }
            let sql = scope.expr(e);
            if let Kind::Consts(c) = &sql.kind {
                scope
                    .bound
                    .insert(name.to_string(), Bound::Consts(c.clone()));
                return None;
            }
            (name.to_string(), format!("__l{i}"), sql)
        }
        Step::Signal(i) => return step_signal(rules, scope, i),
        Step::Score => return step_score(rules, scope),
        Step::Tier => return step_tier(rules, scope),
    };
    let out = format!(
        "{} AS \"{col}\", {} AS \"{col}_e\"",
        column(d, &sql),
        err_of(&sql)
    );
    let mut bound = Sql::new(sql.kind.clone(), format!("\"{col}\""));
    bound.ascii_folded = sql.ascii_folded;
    if sql.err.is_some() {
        bound.err = Some(format!("\"{col}_e\""));
    }
    scope.bound.insert(name, Bound::Column(bound));
    Some(out)
}

/// Signal `i`: its raw value and error; its name then reads the clamped value.
fn step_signal(rules: &Rules, scope: &mut Scope, i: usize) -> Option<String> {
    let d = scope.d;
    let (name, _, e) = rules.signals[i];
    let x = scope.expr(e);
    let (v, k) = want(d, &x, JsonKind::Number);
    let sql = Sql::new(Kind::Num, v).with_err(x.err).with_err(k);
    let col = format!("__s{i}");
    // a signal's name reads its clamped value
    let clamped = unit(d, &format!("\"{col}\""));
    let bound = Sql::new(Kind::Num, clamped).with_err(Some(format!("\"{col}_e\"")));
    let out = format!(
        "{} AS \"{col}\", {} AS \"{col}_e\"",
        column(d, &sql),
        err_of(&sql)
    );
    scope.bound.insert(name.to_string(), Bound::Column(bound));
    Some(out)
}

/// The weighted mean of the clamped signals (missing counts 0), 1 with none.
fn step_score(rules: &Rules, scope: &mut Scope) -> Option<String> {
    let d = scope.d;
    let total: f64 = rules.signals.iter().map(|s| s.1).sum();
    let (val, err) = if rules.signals.is_empty() {
        (d.number(1.0), "FALSE".to_string())
    } else {
        let parts: Vec<String> = rules
            .signals
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let c = format!("\"__s{i}\"");
                let clamped = unit(d, &c);
                format!("{} * COALESCE({clamped}, {})", d.number(s.1), d.number(0.0))
            })
            .collect();
        let errs: Vec<String> = (0..rules.signals.len())
            .map(|i| format!("\"__s{i}_e\""))
            .collect();
        (
            format!("({}) / {}", parts.join(" + "), d.number(total)),
            format!("({})", errs.join(" OR ")),
        )
    };
    let bound = Sql::new(Kind::Num, "\"__score\"".into()).with_err(Some("\"__score_e\"".into()));
    scope.bound.insert("score".into(), Bound::Column(bound));
    Some(format!(
        "CAST({val} AS {}) AS \"__score\", {err} AS \"__score_e\"",
        d.double()
    ))
}

/// The first tier whose condition holds; an error in a condition reached.
fn step_tier(rules: &Rules, scope: &mut Scope) -> Option<String> {
    let d = scope.d;
    let mut cases = Vec::new();
    let mut err: Option<String> = None;
    let mut earlier: Vec<String> = Vec::new();
    for (name, cond) in &rules.tiers {
        let lit = d.string(name);
        match cond {
            None => {
                cases.push(format!("ELSE {lit}"));
                break;
            }
            Some(c) => {
                let x = scope.expr(c);
                let (v, k) = want(d, &x, JsonKind::Bool);
                let e = super::value::either(x.err, k);
                let reached = if earlier.is_empty() {
                    "TRUE".to_string()
                } else {
                    format!("NOT ({})", earlier.join(" OR "))
                };
                err = super::value::either(err, super::value::when(&reached, e));
                cases.push(format!("WHEN {v} THEN {lit}"));
                earlier.push(format!("COALESCE({v}, FALSE)"));
            }
        }
    }
    let val = if cases.is_empty() {
        "NULL".to_string()
    } else {
        format!("CASE {} END", cases.join(" "))
    };
    let sql = Sql::new(Kind::Str, "\"__tier\"".into()).with_err(Some("\"__tier_e\"".into()));
    scope.bound.insert("tier".into(), Bound::Column(sql));
    let e = err.map_or("FALSE".to_string(), |e| format!("COALESCE({e}, FALSE)"));
    Some(format!(
        "CAST({val} AS {}) AS \"__tier\", {e} AS \"__tier_e\"",
        d.text_type()
    ))
}

/// A requirement's outcome: E (error), P (pass), F (fail) or R (review).
fn requirement(scope: &mut Scope, r: &crate::ast::Require, _i: usize) -> (String, String) {
    let d = scope.d;
    let x = scope.expr(&r.condition);
    let (v, k) = want(d, &x, JsonKind::Bool);
    let err = super::value::either(x.err, k)
        .map_or("FALSE".to_string(), |e| format!("COALESCE({e}, FALSE)"));
    let missing = match r.when_missing.map(|w| w.0).unwrap_or_default() {
        WhenMissing::Fail => "'F'",
        WhenMissing::Pass => "'P'",
        WhenMissing::Review => "'R'",
    };
    let outcome = format!(
        "CASE WHEN {err} THEN 'E' WHEN {v} THEN 'P' WHEN NOT {v} THEN 'F' ELSE {missing} END"
    );
    (r.name.name.clone(), outcome)
}

/// Each `rank by` key: its value, its error, its direction.
fn rank_keys(rules: &Rules, scope: &mut Scope) -> Vec<(String, String, Order)> {
    let d = scope.d;
    if rules.rank.is_empty() {
        return vec![("\"__score\"".into(), "FALSE".into(), Order::Desc)];
    }
    let mut out = Vec::new();
    for (e, order) in &rules.rank {
        let x = scope.expr(e);
        let val = match x.kind {
            Kind::Num | Kind::Missing => x.val.clone(),
            Kind::Str if d == Dialect::Postgres => format!("{} COLLATE \"C\"", x.val),
            Kind::Str => x.val.clone(),
            _ => {
                scope.refuse(e.span, "a `rank by` key that is not a number or text", "keys of several kinds are ordered by kind in the interpreter, which is not translated");
                "NULL".into()
            }
        };
        out.push((val, err_of(&x), *order));
    }
    out
}
