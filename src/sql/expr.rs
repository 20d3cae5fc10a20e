//! Rules expressions as SQL expressions, operator by operator, with the
//! interpreter's missing-data rules (docs/language.md, sections 6 and 12):
//! missing is NULL and spreads; `and`/`or` are three-valued; a value of
//! the wrong kind is an error condition carried beside the value, counted
//! only where the interpreter would have evaluated that part.

use std::collections::HashMap;

use super::dialect::{Dialect, JsonKind};
use super::value::{as_json, either, lit, want, when, Kind, Lit, Sql};
use super::Refusal;
use crate::ast::{ArithOp, CmpOp, Expr, ExprKind, Span};

/// What a name stands for, once translated.
#[derive(Clone, Debug)]
pub(crate) enum Bound {
    /// A let or signal computed in an earlier step: its value column and
    /// its error column, when it can be in error.
    Column(Sql),
    /// A let that is a constant list.
    Consts(Vec<Lit>),
    /// A let that is a list written out of values: a compound group key
    /// of the cohort functions, read nowhere else.
    Tuple(Vec<Sql>),
}

/// The names in scope and what the translation collected.
pub(crate) struct Scope {
    pub d: Dialect,
    /// Lets, signals (their clamped value), `score` and `tier`, once computed.
    pub bound: HashMap<String, Bound>,
    /// Names that are lets or signals (computed or not): never fields.
    pub declared: Vec<String>,
    /// Lambda parameters, innermost last: name and the element's SQL.
    pub params: Vec<(String, String)>,
    /// The top-level columns read, in order of first use.
    pub columns: Vec<String>,
    pub refusals: Vec<Refusal>,
    /// The cohort inputs the calls read, in order of first use.
    pub(crate) cohorts: Vec<super::cohort::Input>,
    aliases: usize,
}

impl Scope {
    pub fn new(d: Dialect, declared: Vec<String>) -> Scope {
        Scope {
            d,
            bound: HashMap::new(),
            declared,
            params: Vec::new(),
            columns: Vec::new(),
            refusals: Vec::new(),
            cohorts: Vec::new(),
            aliases: 0,
        }
    }

    /// Notes a construct this dialect cannot express identically; the
    /// value returned stands in for it until generation fails.
    pub fn refuse(&mut self, span: Span, construct: &str, why: &str) -> Sql {
        self.refusals.push(Refusal {
            span,
            construct: construct.to_string(),
            why: why.to_string(),
        });
        Sql::new(Kind::Missing, "NULL".into())
    }

    /// A fresh table alias for walking a list.
    pub fn alias(&mut self) -> String {
        self.aliases += 1;
        format!("__e{}", self.aliases)
    }

    /// The column that holds top-level field `name` as JSON.
    pub fn column(&mut self, name: &str) -> Sql {
        let i = match self.columns.iter().position(|c| c == name) {
            Some(i) => i,
            None => {
                self.columns.push(name.to_string());
                self.columns.len() - 1
            }
        };
        Sql::new(Kind::Json, format!("\"__f{i}\""))
    }

    /// Translates one expression.
    pub fn expr(&mut self, e: &Expr) -> Sql {
        let d = self.d;
        match &e.kind {
            ExprKind::Number(n) => Sql::new(Kind::Num, d.number(n.value)),
            ExprKind::String(s) => Sql::new(Kind::Str, d.string(s)),
            ExprKind::Bool(b) => Sql::new(Kind::Bool, lit(d, &Lit::Bool(*b))),
            ExprKind::Missing => Sql::new(Kind::Missing, "NULL".into()),
            ExprKind::Paren(x) => self.expr(x),
            ExprKind::List(xs) => self.list(xs, e.span),
            ExprKind::Object(_) => self.refuse(
                e.span,
                "an object literal",
                "objects are only read from records in SQL",
            ),
            ExprKind::Name(id) => self.name(&id.name, e.span),
            ExprKind::Field(base, key) => self.member(base, &key.name, e.span),
            ExprKind::Index(base, index) => match &index.unparen().kind {
                ExprKind::String(key) => self.member(base, key, e.span),
                _ => self.refuse(
                    e.span,
                    "indexing with `[...]` other than by a constant key",
                    "list positions are not translated yet",
                ),
            },
            ExprKind::Call(f, args) => self.call(&f.name, args, e.span),
            ExprKind::Lambda(..) => self.refuse(
                e.span,
                "a lambda outside a list function",
                "it has no list to run over",
            ),
            ExprKind::Not(x) => {
                let x = self.expr(x);
                let (v, k) = want(d, &x, JsonKind::Bool);
                Sql::new(Kind::Bool, format!("(NOT {v})")).with_err(either(x.err, k))
            }
            ExprKind::Neg(x) => {
                let x = self.expr(x);
                let (v, k) = want(d, &x, JsonKind::Number);
                Sql::new(Kind::Num, format!("(- {v})")).with_err(either(x.err, k))
            }
            ExprKind::And(a, b) => self.logic(true, a, b),
            ExprKind::Or(a, b) => self.logic(false, a, b),
            ExprKind::Arith(op, a, b) => self.arith(*op, a, b),
            ExprKind::Coalesce(a, b) => self.coalesce(a, b, e.span),
            ExprKind::Compare(op, a, b) => {
                let (x, y) = (self.expr(a), self.expr(b));
                self.compare(*op, x, y, e.span)
            }
            ExprKind::Between(x, lo, hi) => self.between(x, lo, hi, e.span),
            ExprKind::In {
                item,
                list,
                negated,
            } => {
                let (x, xs) = (self.expr(item), self.expr(list));
                let found = self.is_in(x, xs, e.span);
                match negated {
                    true => {
                        Sql::new(Kind::Bool, format!("(NOT {})", found.val)).with_err(found.err)
                    }
                    false => found,
                }
            }
            ExprKind::Contains(a, b) => self.contains(a, b, e.span),
            ExprKind::Matches(a, re) => self.matches(a, re, e.span),
            ExprKind::If(c, a, b) => self.cond(c, a, b, e.span),
        }
    }

    fn list(&mut self, xs: &[Expr], span: Span) -> Sql {
        let mut items = Vec::new();
        for x in xs {
            match &x.unparen().kind {
                ExprKind::Number(n) => items.push(Lit::Num(n.value)),
                ExprKind::String(s) => items.push(Lit::Str(s.clone())),
                ExprKind::Bool(b) => items.push(Lit::Bool(*b)),
                ExprKind::Neg(n) => match &n.unparen().kind {
                    ExprKind::Number(n) => items.push(Lit::Num(-n.value)),
                    _ => {
                        return self.refuse(
                            span,
                            "a list built from values",
                            "only lists of constants are translated",
                        )
                    }
                },
                _ => {
                    return self.refuse(
                        span,
                        "a list built from values",
                        "only lists of constants (numbers, text, true/false) are translated",
                    )
                }
            }
        }
        Sql::new(Kind::Consts(items), "NULL".into())
    }

    fn name(&mut self, name: &str, span: Span) -> Sql {
        if let Some((_, el)) = self.params.iter().rev().find(|(p, _)| p == name) {
            return Sql::new(Kind::Json, el.clone());
        }
        match self.bound.get(name) {
            Some(Bound::Column(s)) => return s.clone(),
            Some(Bound::Consts(c)) => return Sql::new(Kind::Consts(c.clone()), "NULL".into()),
            Some(Bound::Tuple(_)) => {
                return self.refuse(
                    span,
                    "a list built from values",
                    "only lists of constants are translated, and a list of values only as a cohort function's group",
                )
            }
            None => {}
        }
        if self.declared.iter().any(|n| n == name) || name == "score" || name == "tier" {
            return self.refuse(
                span,
                &format!("`{name}` here"),
                "it is read before it can be computed",
            );
        }
        if name == "creator" {
            return self.refuse(
                span,
                "the whole `creator` record",
                "only its fields are read in SQL",
            );
        }
        self.column(name)
    }

    /// `base.key` and `base["key"]`: a field of the record, or a member of
    /// an object (missing when absent; an error on a value that is no object).
    fn member(&mut self, base: &Expr, key: &str, span: Span) -> Sql {
        if let ExprKind::Name(id) = &base.unparen().kind {
            let shadowed = self.params.iter().any(|(p, _)| p == &id.name)
                || self.bound.contains_key(&id.name)
                || self.declared.contains(&id.name);
            if id.name == "creator" && !shadowed {
                return self.column(key);
            }
        }
        let b = self.expr(base);
        let d = self.d;
        match &b.kind {
            Kind::Missing => b,
            Kind::Json => {
                let Some(get) = d.json_get(&b.val, key) else {
                    return self.refuse(
                        span,
                        &format!("the key `{key}`"),
                        "it cannot be written in this dialect's JSON paths",
                    );
                };
                let is_obj = d.is_kind(&b.val, JsonKind::Object);
                let val = format!("CASE WHEN {is_obj} THEN {} END", d.json_norm(&get));
                let err = format!("({} IS NOT NULL AND NOT ({is_obj}))", b.val);
                Sql::new(Kind::Json, val).with_err(either(b.err, Some(err)))
            }
            Kind::Consts(_) => Sql::new(Kind::Missing, "NULL".into()).with_err(Some("TRUE".into())),
            _ => {
                let err = format!("({} IS NOT NULL)", b.val);
                Sql::new(Kind::Missing, "NULL".into()).with_err(either(b.err, Some(err)))
            }
        }
    }

    fn logic(&mut self, is_and: bool, a: &Expr, b: &Expr) -> Sql {
        let d = self.d;
        let (x, y) = (self.expr(a), self.expr(b));
        let (va, ka) = want(d, &x, JsonKind::Bool);
        let (vb, kb) = want(d, &y, JsonKind::Bool);
        // the right side is evaluated unless the left decides
        let reached = if is_and {
            format!("COALESCE({va}, TRUE)")
        } else {
            format!("NOT COALESCE({va}, FALSE)")
        };
        let op = if is_and { "AND" } else { "OR" };
        let err = either(either(x.err, ka), when(&reached, either(y.err, kb)));
        Sql::new(Kind::Bool, format!("({va} {op} {vb})")).with_err(err)
    }

    fn arith(&mut self, op: ArithOp, a: &Expr, b: &Expr) -> Sql {
        let d = self.d;
        let (x, y) = (self.expr(a), self.expr(b));
        let (va, ka) = want(d, &x, JsonKind::Number);
        let (vb, kb) = want(d, &y, JsonKind::Number);
        let val = match op {
            ArithOp::Add => format!("({va} + {vb})"),
            ArithOp::Sub => format!("({va} - {vb})"),
            ArithOp::Mul => format!("({va} * {vb})"),
            // division by zero is missing
            ArithOp::Div => format!("({va} / NULLIF({vb}, 0))"),
        };
        let err = either(either(x.err, y.err), either(ka, kb));
        Sql::new(Kind::Num, val).with_err(err)
    }

    fn coalesce(&mut self, a: &Expr, b: &Expr, span: Span) -> Sql {
        let d = self.d;
        let x = self.expr(a);
        if matches!(x.kind, Kind::Consts(_)) {
            return x;
        }
        let y = self.expr(b);
        if x.kind == Kind::Missing {
            return y.with_err(x.err);
        }
        let err = either(
            x.err.clone(),
            when(&format!("{} IS NULL", x.val), y.err.clone()),
        );
        if y.kind == Kind::Missing {
            return Sql::new(x.kind.clone(), x.val.clone()).with_err(err);
        }
        if x.kind == y.kind {
            let mut s = Sql::new(x.kind.clone(), format!("COALESCE({}, {})", x.val, y.val));
            s.ascii_folded = x.ascii_folded || y.ascii_folded;
            return s.with_err(err);
        }
        match (as_json(d, &x), as_json(d, &y)) {
            (Some(jx), Some(jy)) => {
                Sql::new(Kind::Json, format!("COALESCE({jx}, {jy})")).with_err(err)
            }
            _ => self.refuse(
                span,
                "`??` between a list and another value",
                "lists are only constants in SQL",
            ),
        }
    }

    fn cond(&mut self, c: &Expr, a: &Expr, b: &Expr, span: Span) -> Sql {
        let d = self.d;
        let c = self.expr(c);
        let (vc, kc) = want(d, &c, JsonKind::Bool);
        let (x, y) = (self.expr(a), self.expr(b));
        let err = either(
            either(c.err.clone(), kc),
            either(
                when(&vc, x.err.clone()),
                when(&format!("NOT {vc}"), y.err.clone()),
            ),
        );
        let pick =
            |vx: &str, vy: &str| format!("CASE WHEN {vc} THEN {vx} WHEN NOT {vc} THEN {vy} END");
        let kind = match (&x.kind, &y.kind) {
            (k, Kind::Missing) | (Kind::Missing, k) => Some(k.clone()),
            (kx, ky) if kx == ky => Some(kx.clone()),
            _ => None,
        };
        match kind {
            Some(Kind::Consts(_)) => self.refuse(
                span,
                "`if` choosing a list",
                "lists are only constants in SQL",
            ),
            Some(k) => {
                let mut s = Sql::new(k, pick(&x.val, &y.val));
                s.ascii_folded = x.ascii_folded || y.ascii_folded;
                s.with_err(err)
            }
            None => match (as_json(d, &x), as_json(d, &y)) {
                (Some(jx), Some(jy)) => Sql::new(Kind::Json, pick(&jx, &jy)).with_err(err),
                _ => self.refuse(
                    span,
                    "`if` choosing a list",
                    "lists are only constants in SQL",
                ),
            },
        }
    }

    /// `x == y`, `x < y`, ...: missing on either side is missing; values
    /// of different kinds are unequal, and cannot be ordered (an error).
    pub fn compare(&mut self, op: CmpOp, x: Sql, y: Sql, span: Span) -> Sql {
        let d = self.d;
        let base = either(x.err.clone(), y.err.clone());
        let (vx, vy) = (&x.val, &y.val);
        let present = format!("({vx} IS NOT NULL AND {vy} IS NOT NULL)");
        let sym = match op {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        };
        if x.kind == Kind::Missing || y.kind == Kind::Missing {
            return Sql::new(Kind::Bool, "NULL".into()).with_err(base);
        }
        for s in [&x, &y] {
            if s.ascii_folded {
                let other = if std::ptr::eq(s, &x) { &y } else { &x };
                if !(matches!(op, CmpOp::Eq | CmpOp::Ne) && is_ascii_text(other)) {
                    return self.refuse(span, "comparing the result of `lower`/`upper` with anything but constant ASCII text", "the engines fold letters outside ASCII differently from the interpreter");
                }
            }
        }
        if matches!(x.kind, Kind::Consts(_)) || matches!(y.kind, Kind::Consts(_)) {
            return self.refuse(span, "comparing a list", "lists are only constants in SQL");
        }
        let scalar = |k: &Kind| match k {
            Kind::Num => Some(JsonKind::Number),
            Kind::Str => Some(JsonKind::String),
            Kind::Bool => Some(JsonKind::Bool),
            _ => None,
        };
        let typed = |k: JsonKind, a: &str, b: &str| match k {
            JsonKind::String => d.text_order(a, sym, b),
            _ => format!("({a} {sym} {b})"),
        };
        let equality = matches!(op, CmpOp::Eq | CmpOp::Ne);
        let (val, err) = match (scalar(&x.kind), scalar(&y.kind)) {
            (Some(kx), Some(ky)) if kx == ky => {
                if kx == JsonKind::Bool && !equality {
                    ("NULL".to_string(), Some(present.clone()))
                } else {
                    (typed(kx, vx, vy), None)
                }
            }
            (Some(_), Some(_)) if equality => {
                let v = if op == CmpOp::Eq { "FALSE" } else { "TRUE" };
                (format!("CASE WHEN {present} THEN {v} END"), None)
            }
            (Some(_), Some(_)) => ("NULL".to_string(), Some(present.clone())),
            (Some(k), None) | (None, Some(k)) => {
                let json_left = scalar(&x.kind).is_none();
                json_vs_typed(d, op, sym, k, json_left, vx, vy, &present)
            }
            (None, None) if equality => {
                return self.refuse(
                    span,
                    "`==` or `!=` between two values read from the record",
                    "their kinds are known only per record; compare one with a constant",
                );
            }
            (None, None) => json_vs_json(d, sym, vx, vy, &present),
        };
        Sql::new(Kind::Bool, val).with_err(either(base, err))
    }

    /// `x between lo and hi`: both comparisons made; missing when either is.
    fn between(&mut self, x: &Expr, lo: &Expr, hi: &Expr, span: Span) -> Sql {
        let v = self.expr(x);
        let (l, h) = (self.expr(lo), self.expr(hi));
        let err = v.err.clone();
        let mut v = v;
        v.err = None;
        let above = self.compare(CmpOp::Ge, v.clone(), l, span);
        let below = self.compare(CmpOp::Le, v, h, span);
        let (a, b) = (&above.val, &below.val);
        let val = format!("CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL ELSE ({a} AND {b}) END");
        Sql::new(Kind::Bool, val)
            .with_err(either(err, either(above.err.clone(), below.err.clone())))
    }
}

/// A comparison of a JSON value with a number, text or boolean: by value
/// when the JSON value is of that kind; else unequal, or an error for an
/// order.
#[allow(clippy::too_many_arguments)]
fn json_vs_typed(
    d: Dialect,
    op: CmpOp,
    sym: &str,
    k: JsonKind,
    json_left: bool,
    vx: &str,
    vy: &str,
    present: &str,
) -> (String, Option<String>) {
    let typed = |a: &str, b: &str| match k {
        JsonKind::String => d.text_order(a, sym, b),
        _ => format!("({a} {sym} {b})"),
    };
    let j = if json_left { vx } else { vy };
    let is_k = d.is_kind(j, k);
    let read = match k {
        JsonKind::Number => d.json_number(j),
        JsonKind::String => d.json_text(j),
        _ => d.json_bool(j),
    };
    let cmp = if json_left {
        typed(&read, vy)
    } else {
        typed(vx, &read)
    };
    if matches!(op, CmpOp::Eq | CmpOp::Ne) {
        let other = if op == CmpOp::Eq { "FALSE" } else { "TRUE" };
        let val =
            format!("CASE WHEN NOT {present} THEN NULL WHEN {is_k} THEN {cmp} ELSE {other} END");
        (val, None)
    } else if k == JsonKind::Bool {
        ("NULL".to_string(), Some(present.to_string()))
    } else {
        let val = format!("CASE WHEN {present} AND {is_k} THEN {cmp} END");
        (val, Some(format!("({present} AND NOT ({is_k}))")))
    }
}

/// An order between two JSON values: numbers with numbers, text with
/// text, an error otherwise.
fn json_vs_json(
    d: Dialect,
    sym: &str,
    vx: &str,
    vy: &str,
    present: &str,
) -> (String, Option<String>) {
    let nums = format!(
        "{} AND {}",
        d.is_kind(vx, JsonKind::Number),
        d.is_kind(vy, JsonKind::Number)
    );
    let strs = format!(
        "{} AND {}",
        d.is_kind(vx, JsonKind::String),
        d.is_kind(vy, JsonKind::String)
    );
    let n = format!("({} {sym} {})", d.json_number(vx), d.json_number(vy));
    let s = d.text_order(&d.json_text(vx), sym, &d.json_text(vy));
    let val =
        format!("CASE WHEN NOT {present} THEN NULL WHEN {nums} THEN {n} WHEN {strs} THEN {s} END");
    (
        val,
        Some(format!("({present} AND NOT (({nums}) OR ({strs})))")),
    )
}

/// True for a constant text of ASCII characters only.
pub(crate) fn is_ascii_text(s: &Sql) -> bool {
    s.kind == Kind::Str && !s.ascii_folded && s.val.is_ascii() && is_literal(&s.val)
}

/// True when `sql` is one string literal.
fn is_literal(sql: &str) -> bool {
    match sql.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) => !inner.replace("''", "").contains('\''),
        None => false,
    }
}
