//! Membership, `contains`, `matches` and the built-in functions as SQL,
//! with the lambda forms (`any`, `all`, `count`) walking a JSON list with
//! the dialect's array functions.

use super::dialect::{Dialect, JsonKind};
use super::expr::Scope;
use super::value::{either, lit, want, Kind, Lit, Sql};
use crate::ast::{Expr, ExprKind, Span};

impl Scope {
    /// A list that must be a list: its error when it is something else.
    pub(crate) fn list_err(&self, xs: &Sql) -> Option<String> {
        match &xs.kind {
            Kind::Json => Some(format!(
                "({} IS NOT NULL AND NOT ({}))",
                xs.val,
                self.d.is_kind(&xs.val, JsonKind::Array)
            )),
            Kind::Consts(_) | Kind::Missing => None,
            _ => Some(format!("({} IS NOT NULL)", xs.val)),
        }
    }

    /// A call of a built-in function.
    pub fn call(&mut self, f: &str, args: &[Expr], span: Span) -> Sql {
        match (f, args) {
            ("any" | "all" | "count", [list, lambda]) => self.lambda(f, list, lambda, span),
            ("has", [x]) => self.has(x),
            ("overlap", [a, b]) => self.overlap(a, b, span),
            ("len", [x]) => self.len(x, span),
            ("min" | "max", [_, l]) if matches!(l.unparen().kind, ExprKind::Lambda(..)) => self
                .refuse(
                    span,
                    &format!("`{f}` over a list with a lambda"),
                    "only `min`/`max` of several numbers is translated",
                ),
            ("min" | "max", [_]) => self.refuse(
                span,
                &format!("`{f}` of a list"),
                "only `min`/`max` of several numbers is translated",
            ),
            (
                "min" | "max" | "clamp" | "abs" | "floor" | "ceil" | "sqrt" | "log10" | "ln"
                | "round",
                _,
            ) => self.math(f, args, span),
            ("lower" | "upper" | "trim", [x]) => self.text(f, x),
            ("number", [x]) => self.number(x, span),
            ("sum" | "avg", [list]) => match &list.unparen().kind {
                ExprKind::List(items) => self.aggregate(f, items),
                _ => self.refuse(
                    span,
                    &format!("`{f}` of a list read from the record"),
                    "only `sum`/`avg` of a list written out is translated",
                ),
            },
            ("percentile" | "cohort_median" | "cohort_size", _) if self.d == Dialect::Spark => self
                .refuse(
                    span,
                    &format!("`{f}`"),
                    "the cohort functions are not translated for Spark yet (DuckDB, PostgreSQL and SQLite translate them)",
                ),
            ("percentile" | "cohort_median" | "cohort_size", _) => self.cohort_call(f, args),
            ("band", [x, bounds]) => self.band(x, bounds, span),
            _ => self.refuse(
                span,
                &format!("the function `{f}`"),
                "it is not translated to SQL yet",
            ),
        }
    }

    /// The arguments as numbers: their values, and the error when one is
    /// of another kind, which counts only when none is missing (a missing
    /// argument makes the result missing first).
    fn numbers(&mut self, args: &[Expr]) -> (Vec<String>, Option<String>, String) {
        let d = self.d;
        let (mut vals, mut err, mut kinds, mut present) = (vec![], None, None, vec![]);
        for a in args {
            let x = self.expr(a);
            let (v, k) = want(d, &x, JsonKind::Number);
            present.push(match x.kind {
                Kind::Consts(_) => "TRUE".to_string(),
                _ => format!("{} IS NOT NULL", x.val),
            });
            err = either(err, x.err);
            kinds = either(kinds, k);
            vals.push(v);
        }
        let all = present.join(" AND ");
        let err = either(err, kinds.map(|k| format!("({all} AND {k})")));
        let any_missing: Vec<String> = vals.iter().map(|v| format!("{v} IS NULL")).collect();
        (vals, err, any_missing.join(" OR "))
    }

    fn math(&mut self, f: &str, args: &[Expr], span: Span) -> Sql {
        let d = self.d;
        let digits = match (f, args) {
            ("round", [_, n]) => match &n.unparen().kind {
                ExprKind::Number(n) => Some(n.value.round().clamp(-15.0, 15.0) as i32),
                _ => {
                    return self.refuse(
                        span,
                        "`round` to a number of digits that is not a constant",
                        "the digits are fixed when the SQL is written",
                    )
                }
            },
            _ => None,
        };
        let args = if digits.is_some() { &args[..1] } else { args };
        let (v, err, missing) = self.numbers(args);
        let val = match f {
            "min" | "max" => d.least(f == "min", &v),
            "clamp" => d.least(
                true,
                &[d.least(false, &[v[0].clone(), v[1].clone()]), v[2].clone()],
            ),
            "abs" => format!("abs({})", v[0]),
            "floor" | "ceil" => d.floor(f, &v[0]),
            "sqrt" => format!("CASE WHEN {x} >= 0 THEN sqrt({x}) END", x = v[0]),
            "ln" => format!("CASE WHEN {x} > 0 THEN ln({x}) END", x = v[0]),
            "log10" => format!("CASE WHEN {x} > 0 THEN {} END", d.log10(&v[0]), x = v[0]),
            _ => {
                // half away from zero, as the interpreter rounds
                let scale = 10f64.powi(digits.unwrap_or(0));
                let y = format!("({} * {})", v[0], d.number(scale));
                let r = match d {
                    // Spark's floor is a BIGINT: the fraction of |y| is
                    // `abs(y) % 1` (exact), and |y| less it is its floor
                    Dialect::Spark => format!(
                        "(sign({y}) * (abs({y}) - abs({y}) % 1 + CASE WHEN abs({y}) % 1 >= 0.5 THEN 1 ELSE 0 END))"
                    ),
                    _ => format!(
                        "(sign({y}) * (floor(abs({y})) + CASE WHEN abs({y}) - floor(abs({y})) >= 0.5 THEN 1 ELSE 0 END))"
                    ),
                };
                format!("({r} / {})", d.number(scale))
            }
        };
        let val = format!(
            "CASE WHEN {missing} THEN NULL ELSE CAST({val} AS {}) END",
            d.double()
        );
        Sql::new(Kind::Num, val).with_err(err)
    }

    fn text(&mut self, f: &str, x: &Expr) -> Sql {
        let d = self.d;
        let x = self.expr(x);
        let (v, k) = want(d, &x, JsonKind::String);
        let err = either(x.err.clone(), k);
        let mut s = match f {
            "trim" => Sql::new(Kind::Str, d.trim(&v)),
            _ => {
                // the characters whose case mapping gives ASCII letters,
                // mapped as the interpreter does; the rest is compared
                // with ASCII text only (see `ascii_folded`)
                let pairs: &[(&str, &str)] = if f == "lower" {
                    &[("\u{212A}", "k"), ("\u{0130}", "i\u{0307}")]
                } else {
                    &[
                        ("\u{0131}", "I"),
                        ("\u{017F}", "S"),
                        ("\u{00DF}", "SS"),
                        ("\u{FB00}", "FF"),
                        ("\u{FB01}", "FI"),
                        ("\u{FB02}", "FL"),
                        ("\u{FB03}", "FFI"),
                        ("\u{FB04}", "FFL"),
                        ("\u{FB05}", "ST"),
                        ("\u{FB06}", "ST"),
                        ("\u{0149}", "\u{02BC}N"),
                        ("\u{01F0}", "J\u{030C}"),
                        ("\u{1E96}", "H\u{0331}"),
                        ("\u{1E97}", "T\u{0308}"),
                        ("\u{1E98}", "W\u{030A}"),
                        ("\u{1E99}", "Y\u{030A}"),
                        ("\u{1E9A}", "A\u{02BE}"),
                    ]
                };
                let mut inner = v.clone();
                for (from, to) in pairs {
                    inner = format!("replace({inner}, {}, {})", d.string(from), d.string(to));
                }
                let mut s = Sql::new(Kind::Str, format!("{f}({inner})"));
                s.ascii_folded = true;
                s
            }
        };
        s.err = err;
        s
    }

    fn len(&mut self, x: &Expr, span: Span) -> Sql {
        let d = self.d;
        let x = self.expr(x);
        if x.ascii_folded && x.val.starts_with("upper(") {
            return self.refuse(
                span,
                "`len` of `upper(...)`",
                "upper case can be longer than the text, differently per engine",
            );
        }
        let v = &x.val;
        match &x.kind {
            Kind::Consts(items) => Sql::new(Kind::Num, d.number(items.len() as f64)),
            Kind::Str => Sql::new(Kind::Num, d.char_length(v)).with_err(x.err.clone()),
            Kind::Missing => x,
            Kind::Json => {
                let (s, a, o) = (
                    d.is_kind(v, JsonKind::String),
                    d.is_kind(v, JsonKind::Array),
                    d.is_kind(v, JsonKind::Object),
                );
                let val = format!(
                    "CASE WHEN {s} THEN {} WHEN {a} THEN CAST({} AS {dbl}) WHEN {o} THEN CAST({} AS {dbl}) END",
                    d.char_length(&d.json_text(v)),
                    d.array_length(v),
                    d.object_length(v),
                    dbl = d.double()
                );
                let err = format!("({v} IS NOT NULL AND NOT ({s} OR {a} OR {o}))");
                Sql::new(Kind::Num, val).with_err(either(x.err.clone(), Some(err)))
            }
            _ => Sql::new(Kind::Num, "NULL".into())
                .with_err(either(x.err.clone(), Some(format!("({v} IS NOT NULL)")))),
        }
    }

    /// `has(x)`: present; a field path is looked up without errors.
    fn has(&mut self, x: &Expr) -> Sql {
        let s = self.expr(x);
        let is_path = is_field_path(x, self);
        let err = if is_path { None } else { s.err.clone() };
        let val = match s.kind {
            Kind::Consts(_) => "TRUE".to_string(),
            _ => format!("({} IS NOT NULL)", s.val),
        };
        Sql::new(Kind::Bool, val).with_err(err)
    }

    /// `overlap(a, b)`: distinct elements of the record's list equal to an
    /// element of the constant list.
    fn overlap(&mut self, a: &Expr, b: &Expr, span: Span) -> Sql {
        let d = self.d;
        let (x, y) = (self.expr(a), self.expr(b));
        let (list, items) = match (&x.kind, &y.kind) {
            (Kind::Json, Kind::Consts(c)) => (x.clone(), c.clone()),
            (Kind::Consts(c), Kind::Json) => (y.clone(), c.clone()),
            (Kind::Missing, _) | (_, Kind::Missing) => {
                return Sql::new(Kind::Num, "NULL".into()).with_err(either(x.err, y.err))
            }
            _ => {
                return self.refuse(
                    span,
                    "`overlap` of anything but a list from the record and a constant list",
                    "only that form is translated",
                )
            }
        };
        let v = list.val.clone();
        let mut parts = Vec::new();
        for k in [JsonKind::String, JsonKind::Number, JsonKind::Bool] {
            let members: Vec<String> = items
                .iter()
                .filter(|l| {
                    matches!(
                        (l, k),
                        (Lit::Str(_), JsonKind::String)
                            | (Lit::Num(_), JsonKind::Number)
                            | (Lit::Bool(_), JsonKind::Bool)
                    )
                })
                .map(|l| lit(d, l))
                .collect();
            if members.is_empty() {
                continue;
            }
            let w = self.walk(&v);
            let e = &w.elem;
            let read = match k {
                JsonKind::Number => d.json_number(e),
                JsonKind::String => d.json_text(e),
                _ => d.json_bool(e),
            };
            let cond = format!("{} AND {read} IN ({})", d.is_kind(e, k), members.join(", "));
            parts.push(w.count_distinct(&read, &cond));
        }
        let count = if parts.is_empty() {
            "0".to_string()
        } else {
            parts.join(" + ")
        };
        let val = format!(
            "CASE WHEN {v} IS NULL OR NOT ({}) THEN NULL ELSE CAST({count} AS {}) END",
            d.is_kind(&v, JsonKind::Array),
            d.double()
        );
        let err = either(either(x.err.clone(), y.err.clone()), self.list_err(&list));
        Sql::new(Kind::Num, val).with_err(err)
    }

    /// `any`, `all`, `count` of a lambda over a list from the record.
    fn lambda(&mut self, f: &str, list: &Expr, lambda: &Expr, span: Span) -> Sql {
        let d = self.d;
        let ExprKind::Lambda(param, body) = &lambda.unparen().kind else {
            return self.refuse(
                span,
                &format!("`{f}` without a lambda"),
                "only the lambda form is translated",
            );
        };
        let xs = self.expr(list);
        match &xs.kind {
            Kind::Missing => return Sql::new(Kind::Bool, "NULL".into()).with_err(xs.err),
            Kind::Json => {}
            _ => {
                return self.refuse(
                    span,
                    &format!("`{f}` over a constant list"),
                    "only lists read from the record are walked in SQL",
                )
            }
        }
        let w = self.walk(&xs.val);
        self.params.push((param.name.clone(), w.elem.clone()));
        let b = self.expr(body);
        self.params.pop();
        let (vb, kb) = want(d, &b, JsonKind::Bool);
        let body_err = either(b.err, kb);
        if body_err.is_some() && f != "count" {
            return self.refuse(
                span,
                &format!("`{f}` whose condition can meet a value of the wrong kind"),
                "which element stops the walk first is not translated yet",
            );
        }
        let l = &xs.val;
        let exists = |cond: &str| w.exists(cond);
        let val = match f {
            "any" => format!(
                "CASE WHEN {l} IS NULL OR NOT ({arr}) THEN NULL WHEN {} THEN TRUE WHEN {} THEN NULL ELSE FALSE END",
                exists(&format!("COALESCE({vb}, FALSE)")),
                exists(&format!("({vb}) IS NULL")),
                arr = d.is_kind(l, JsonKind::Array)
            ),
            "all" => format!(
                "CASE WHEN {l} IS NULL OR NOT ({arr}) THEN NULL WHEN {} THEN FALSE WHEN {} THEN NULL ELSE TRUE END",
                exists(&format!("NOT COALESCE({vb}, TRUE)")),
                exists(&format!("({vb}) IS NULL")),
                arr = d.is_kind(l, JsonKind::Array)
            ),
            _ => format!(
                "CASE WHEN {l} IS NULL OR NOT ({arr}) THEN NULL ELSE CAST({} AS {dbl}) END",
                w.count(&format!("COALESCE({vb}, FALSE)")),
                arr = d.is_kind(l, JsonKind::Array),
                dbl = d.double()
            ),
        };
        let walk_err = body_err.map(|e| exists(&e));
        let err = either(either(xs.err.clone(), self.list_err(&xs)), walk_err);
        let kind = if f == "count" { Kind::Num } else { Kind::Bool };
        Sql::new(kind, val).with_err(err)
    }
}

/// True when `x` reads a field path of the record (`a`, `a.b`, `creator["k"]`).
fn is_field_path(x: &Expr, scope: &Scope) -> bool {
    match &x.unparen().kind {
        ExprKind::Name(id) => {
            !scope.params.iter().any(|(p, _)| p == &id.name)
                && !scope.bound.contains_key(&id.name)
                && !scope.declared.contains(&id.name)
        }
        ExprKind::Field(b, _) => is_field_path(b, scope),
        ExprKind::Index(b, i) => {
            matches!(i.unparen().kind, ExprKind::String(_)) && is_field_path(b, scope)
        }
        _ => false,
    }
}
