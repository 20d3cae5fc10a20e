//! The cohort functions (`percentile`, `cohort_median`, `cohort_size`)
//! and `band` as SQL. Each distinct cohort input (an `x` and a group, as
//! written) is computed over the whole table in steps of its own, placed
//! before the step that reads it: its `x`, whether the creator is in a
//! cohort, and the group as partition keys; then the window functions
//! over those partitions; then, when `cohort_median` reads it, the median.
//! A missing group is NULL in every key, and NULLs partition together.

use super::dialect::JsonKind;
use super::expr::{Bound, Scope};
use super::value::{either, want, Kind, Lit, Sql};
use crate::ast::{Expr, ExprKind, Span};
use crate::language::cohort::bound_text;

/// One cohort input: its columns' SQL and how far its steps are written.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    /// `x` as a number (NULL when missing or of another kind).
    x: Option<String>,
    /// When the creator is in a cohort of this input.
    member: String,
    /// When the call stops on a value of the wrong kind.
    err: String,
    /// The group as partition keys.
    keys: Vec<String>,
    /// What identifies the input: calls with the same one share it.
    signature: String,
    written: bool,
    median: bool,
    median_written: bool,
}

impl Scope {
    /// A list written out whose elements are not all constants (a
    /// compound group key): its elements translated; `None` otherwise.
    pub(crate) fn tuple(&mut self, e: &Expr) -> Option<Vec<Sql>> {
        let ExprKind::List(xs) = &e.unparen().kind else {
            return None;
        };
        let constant = |x: &Expr| match &x.unparen().kind {
            ExprKind::Number(_) | ExprKind::String(_) | ExprKind::Bool(_) => true,
            ExprKind::Neg(n) => matches!(n.unparen().kind, ExprKind::Number(_)),
            _ => false,
        };
        if xs.iter().all(constant) {
            return None;
        }
        Some(xs.iter().map(|x| self.expr(x)).collect())
    }

    /// The group argument: its parts (one for a single value), and whether
    /// it is a list written in the rules (a compound key, each part one
    /// element of the group's list).
    fn group_parts(&mut self, g: &Expr) -> (Vec<Sql>, bool) {
        if let ExprKind::Name(id) = &g.unparen().kind {
            if !self.params.iter().any(|(p, _)| p == &id.name) {
                if let Some(Bound::Tuple(parts)) = self.bound.get(&id.name) {
                    return (parts.clone(), true);
                }
            }
        }
        match self.tuple(g) {
            Some(parts) => (parts, true),
            None => (vec![self.expr(g)], false),
        }
    }

    /// The partition keys of one part of a group: its kind, its number
    /// (0 and -0 alike) and its text.
    fn keys_of(&self, p: &Sql, out: &mut Vec<String>) {
        let d = self.d;
        let v = &p.val;
        let zero = d.number(0.0);
        match &p.kind {
            Kind::Missing | Kind::Consts(_) => {}
            Kind::Num => out.push(format!(
                "CASE WHEN {v} = {zero} THEN {zero} ELSE CAST({v} AS {}) END",
                d.double()
            )),
            Kind::Str => out.push(v.clone()),
            Kind::Bool => out.push(format!("CASE WHEN {v} THEN 1 WHEN NOT {v} THEN 0 END")),
            Kind::Json => {
                out.push(d.kind_of(v));
                let n = d.json_number(v);
                out.push(format!(
                    "CASE WHEN {} THEN CASE WHEN {n} = {zero} THEN {zero} ELSE {n} END END",
                    d.is_kind(v, JsonKind::Number)
                ));
                let (st, b) = (d.is_kind(v, JsonKind::String), d.is_kind(v, JsonKind::Bool));
                out.push(format!(
                    "CASE WHEN {st} OR {b} THEN {} END",
                    d.json_text_of(v)
                ));
                out.push(format!(
                    "CASE WHEN NOT ({st} OR {b} OR {}) THEN {} END",
                    d.is_kind(v, JsonKind::Number),
                    d.json_group_key(v)
                ));
            }
        }
    }

    /// A group's partition keys and its error: a part's own, or a value of
    /// the wrong kind for a group (an object, or a list inside the group's
    /// list: an element of a list written in the rules, or of a list the
    /// field holds).
    fn group_keys(&mut self, group: Option<&Expr>) -> (Vec<String>, Option<String>) {
        let d = self.d;
        let (parts, tuple) = group.map(|g| self.group_parts(g)).unwrap_or_default();
        let mut gerr = None;
        let mut keys = Vec::new();
        for p in &parts {
            gerr = either(gerr, p.err.clone());
            if p.kind == Kind::Json {
                let wrong = match tuple {
                    true => format!(
                        "({} OR {})",
                        d.is_kind(&p.val, JsonKind::Object),
                        d.is_kind(&p.val, JsonKind::Array)
                    ),
                    false => d.json_ungroupable(&p.val),
                };
                gerr = either(gerr, Some(wrong));
            }
            self.keys_of(p, &mut keys);
        }
        (keys, gerr)
    }

    /// A call of `percentile`, `cohort_median` or `cohort_size`.
    pub(crate) fn cohort_call(&mut self, f: &str, args: &[Expr]) -> Sql {
        let d = self.d;
        let (x, group) = match (f, args) {
            ("cohort_size", [g]) => (None, Some(g)),
            ("cohort_size", _) => (None, None),
            (_, [x]) => (Some(x), None),
            (_, [x, g, ..]) => (Some(x), Some(g)),
            _ => return self.refuse(Span::default(), f, "it needs an argument"),
        };
        let (keys, gerr) = self.group_keys(group);
        let gerr = format!("COALESCE({}, FALSE)", gerr.unwrap_or("FALSE".into()));
        let (xv, member, err) = match x {
            Some(x) => {
                let x = self.expr(x);
                let (v, k) = want(d, &x, JsonKind::Number);
                let xerr = either(x.err.clone(), k).unwrap_or("FALSE".into());
                let v = format!("CAST({v} AS {})", d.double());
                let member =
                    format!("({v} IS NOT NULL AND NOT COALESCE({xerr}, FALSE) AND NOT {gerr})");
                let err = format!("(COALESCE({xerr}, FALSE) OR ({v} IS NOT NULL AND {gerr}))");
                (Some(v), member, err)
            }
            None => (None, format!("(NOT {gerr})"), gerr.clone()),
        };
        let signature = format!("{xv:?}|{member}|{}", keys.join("|"));
        let k = match self.cohorts.iter().position(|c| c.signature == signature) {
            Some(k) => k,
            None => {
                self.cohorts.push(Input {
                    x: xv,
                    member,
                    err,
                    keys,
                    signature,
                    written: false,
                    median: false,
                    median_written: false,
                });
                self.cohorts.len() - 1
            }
        };
        let q = |c: &str| format!("\"__q{k}_{c}\"");
        let val = match f {
            "percentile" => format!(
                "CASE WHEN NOT {m} THEN NULL WHEN {n} <= 1 THEN {zero} ELSE CAST({r} - 1 AS {dbl}) / CAST({n} - 1 AS {dbl}) END",
                m = q("in"),
                n = q("n"),
                r = q("r"),
                zero = d.number(0.0),
                dbl = d.double()
            ),
            "cohort_median" => {
                self.cohorts[k].median = true;
                format!("CASE WHEN {} THEN {} END", q("in"), q("m"))
            }
            _ => format!(
                "CASE WHEN {} THEN CAST({} AS {}) END",
                q("in"),
                q("n"),
                d.double()
            ),
        };
        Sql::new(Kind::Num, val).with_err(Some(q("e")))
    }

    /// The steps of the cohort inputs translated since the last call, to
    /// come before the step that reads them.
    pub(crate) fn cohort_steps(&mut self) -> Vec<String> {
        let d = self.d;
        let (mut inputs, mut windows, mut medians) = (vec![], vec![], vec![]);
        for (k, c) in self.cohorts.iter_mut().enumerate() {
            let q = |s: &str| format!("\"__q{k}_{s}\"");
            let mut part = vec![q("in")];
            part.extend((0..c.keys.len()).map(|j| q(&format!("g{j}"))));
            let over = format!("PARTITION BY {}", part.join(", "));
            let ord = format!(
                "CASE WHEN {x} = {z} THEN {z} ELSE {x} END",
                x = q("x"),
                z = d.number(0.0)
            );
            if !c.written {
                c.written = true;
                inputs.push(format!("{} AS {}", c.member, q("in")));
                inputs.push(format!("{} AS {}", c.err, q("e")));
                if let Some(x) = &c.x {
                    inputs.push(format!("{x} AS {}", q("x")));
                }
                for (j, key) in c.keys.iter().enumerate() {
                    inputs.push(format!("{key} AS {}", q(&format!("g{j}"))));
                }
                windows.push(format!("count(*) OVER ({over}) AS {}", q("n")));
                if c.x.is_some() {
                    windows.push(format!("rank() OVER ({over} ORDER BY {ord}) AS {}", q("r")));
                    windows.push(format!(
                        "row_number() OVER ({over} ORDER BY {ord}) AS {}",
                        q("i")
                    ));
                }
            }
            if c.median && !c.median_written {
                c.median_written = true;
                let at =
                    |cond: &str| format!("max(CASE WHEN {cond} THEN {} END) OVER ({over})", q("x"));
                let (i, n) = (q("i"), q("n"));
                let two = d.number(2.0);
                medians.push(format!(
                    "COALESCE({}, {} / {two} + {} / {two}) AS {}",
                    at(&format!("2 * {i} = {n} + 1")),
                    at(&format!("2 * {i} = {n}")),
                    at(&format!("2 * {i} = {n} + 2")),
                    q("m")
                ));
            }
        }
        [inputs, windows, medians]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.join(",\n    "))
            .collect()
    }

    /// `band(x, bounds)`: the label of the band `x` falls in; the bounds
    /// are a constant, strictly increasing list of numbers (checked).
    pub(crate) fn band(&mut self, x: &Expr, bounds: &Expr, span: Span) -> Sql {
        let d = self.d;
        let b = self.expr(bounds);
        let nums: Vec<f64> = match &b.kind {
            Kind::Consts(items) => items
                .iter()
                .filter_map(|l| match l {
                    Lit::Num(n) => Some(*n),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        };
        let n_items = match &b.kind {
            Kind::Consts(items) => items.len(),
            _ => 0,
        };
        if nums.is_empty() || nums.len() != n_items {
            return self.refuse(
                span,
                "`band` with bounds that are not a constant list of numbers",
                "the bands are fixed when the SQL is written",
            );
        }
        let x = self.expr(x);
        let (v, k) = want(d, &x, JsonKind::Number);
        let err = either(x.err.clone(), k);
        let mut cases = vec![format!(
            "WHEN {v} < {} THEN {}",
            d.number(nums[0]),
            d.string(&format!("<{}", bound_text(nums[0])))
        )];
        for w in nums.windows(2) {
            cases.push(format!(
                "WHEN {v} < {} THEN {}",
                d.number(w[1]),
                d.string(&format!("{}-{}", bound_text(w[0]), bound_text(w[1])))
            ));
        }
        let last = d.string(&format!(">={}", bound_text(nums[nums.len() - 1])));
        let val = format!(
            "CASE WHEN {v} IS NULL THEN NULL {} ELSE {last} END",
            cases.join(" ")
        );
        Sql::new(Kind::Str, val).with_err(err)
    }
}
