//! Membership, `contains`, `matches` and the built-in functions as SQL,
//! with the lambda forms (`any`, `all`, `count`) walking a JSON list with
//! the dialect's array functions.

use super::dialect::JsonKind;
use super::expr::{is_ascii_text, Scope};
use super::value::{either, lit, want, Kind, Lit, Sql};
use crate::ast::{Expr, ExprKind, Span};

impl Scope {
    /// The elements of the JSON list `list` (NULL unless it is a list): a
    /// FROM item and one element's SQL.
    fn walk(&mut self, list: &str) -> (String, String) {
        let d = self.d;
        let alias = self.alias();
        let guarded = format!(
            "CASE WHEN {} THEN {list} END",
            d.is_kind(list, JsonKind::Array)
        );
        d.elements(&guarded, &alias)
    }

    /// A list that must be a list: its error when it is something else.
    fn list_err(&self, xs: &Sql) -> Option<String> {
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

    /// `x in xs` (three-valued: not found, but a missing element might match).
    pub fn is_in(&mut self, x: Sql, xs: Sql, span: Span) -> Sql {
        let d = self.d;
        if x.kind == Kind::Missing || xs.kind == Kind::Missing {
            return Sql::new(Kind::Bool, "NULL".into()).with_err(either(x.err, xs.err));
        }
        let base = either(x.err.clone(), xs.err.clone());
        if let Kind::Consts(items) = &xs.kind {
            if x.ascii_folded
                && items
                    .iter()
                    .any(|l| matches!(l, Lit::Str(s) if !s.is_ascii()))
            {
                return self.refuse(
                    span,
                    "`in` on the result of `lower`/`upper` with text outside ASCII",
                    "the engines fold letters outside ASCII differently from the interpreter",
                );
            }
            let group = |k: JsonKind, v: &str| {
                let members: Vec<String> = items
                    .iter()
                    .filter(|l| match (l, k) {
                        (Lit::Num(_), JsonKind::Number)
                        | (Lit::Str(_), JsonKind::String)
                        | (Lit::Bool(_), JsonKind::Bool) => true,
                        _ => false,
                    })
                    .map(|l| lit(d, l))
                    .collect();
                match members.is_empty() {
                    true => "FALSE".to_string(),
                    false => format!("({v} IN ({}))", members.join(", ")),
                }
            };
            let v = &x.val;
            let val = match &x.kind {
                Kind::Num => group(JsonKind::Number, v),
                Kind::Str => group(JsonKind::String, v),
                Kind::Bool => group(JsonKind::Bool, v),
                Kind::Json => {
                    let branches: Vec<String> =
                        [JsonKind::String, JsonKind::Number, JsonKind::Bool]
                            .into_iter()
                            .map(|k| {
                                let read = match k {
                                    JsonKind::Number => d.json_number(v),
                                    JsonKind::String => d.json_text(v),
                                    _ => d.json_bool(v),
                                };
                                format!("WHEN {} THEN {}", d.is_kind(v, k), group(k, &read))
                            })
                            .collect();
                    format!("CASE {} ELSE FALSE END", branches.join(" "))
                }
                _ => {
                    return self.refuse(span, "a list in a list", "lists are only constants in SQL")
                }
            };
            let val = format!("CASE WHEN {v} IS NULL THEN NULL ELSE {val} END");
            return Sql::new(Kind::Bool, val).with_err(base);
        }
        let k = match x.kind {
            Kind::Num => JsonKind::Number,
            Kind::Str if !x.ascii_folded => JsonKind::String,
            Kind::Bool => JsonKind::Bool,
            _ => {
                return self.refuse(
                    span,
                    "`in` a list read from the record, of a value read from the record",
                    "the value's kind is known only per record",
                )
            }
        };
        if !matches!(xs.kind, Kind::Json) {
            let err = format!("({} IS NOT NULL AND {} IS NOT NULL)", x.val, xs.val);
            return Sql::new(Kind::Bool, "NULL".into()).with_err(either(base, Some(err)));
        }
        let (from, e) = self.walk(&xs.val);
        let read = match k {
            JsonKind::Number => d.json_number(&e),
            JsonKind::String => d.json_text(&e),
            _ => d.json_bool(&e),
        };
        let eq = match k {
            JsonKind::String => d.text_order(&read, "=", &x.val),
            _ => format!("({read} = {})", x.val),
        };
        let is_k = d.is_kind(&e, k);
        let (v, l) = (&x.val, &xs.val);
        let val = format!(
            "CASE WHEN {v} IS NULL OR {l} IS NULL THEN NULL WHEN NOT ({}) THEN NULL \
             WHEN EXISTS (SELECT 1 FROM {from} WHERE {is_k} AND {eq}) THEN TRUE \
             WHEN EXISTS (SELECT 1 FROM {from} WHERE ({e}) IS NULL) THEN NULL ELSE FALSE END",
            d.is_kind(l, JsonKind::Array)
        );
        let err = self
            .list_err(&xs)
            .map(|e| format!("({v} IS NOT NULL AND {e})"));
        Sql::new(Kind::Bool, val).with_err(either(base, err))
    }

    /// `s contains "sub"` on text, or an element test on a list.
    pub fn contains(&mut self, a: &Expr, b: &Expr, span: Span) -> Sql {
        let d = self.d;
        let (x, y) = (self.expr(a), self.expr(b));
        if y.kind != Kind::Str || y.ascii_folded {
            return self.refuse(
                span,
                "`contains` with something other than text on its right",
                "only text is translated there",
            );
        }
        if x.ascii_folded && !is_ascii_text(&y) {
            return self.refuse(
                span,
                "`contains` on the result of `lower`/`upper` with anything but constant ASCII text",
                "the engines fold letters outside ASCII differently from the interpreter",
            );
        }
        let base = either(x.err.clone(), y.err.clone());
        let (vx, vy) = (&x.val, &y.val);
        match &x.kind {
            Kind::Missing => Sql::new(Kind::Bool, "NULL".into()).with_err(base),
            Kind::Str => Sql::new(Kind::Bool, d.contains(vx, vy)).with_err(base),
            Kind::Json => {
                let (from, e) = self.walk(vx);
                let is_str = d.is_kind(vx, JsonKind::String);
                let is_arr = d.is_kind(vx, JsonKind::Array);
                let elem = format!(
                    "{} AND {}",
                    d.is_kind(&e, JsonKind::String),
                    d.text_order(&d.json_text(&e), "=", vy)
                );
                let val = format!(
                    "CASE WHEN {vx} IS NULL OR {vy} IS NULL THEN NULL WHEN {is_str} THEN {} \
                     WHEN {is_arr} THEN EXISTS (SELECT 1 FROM {from} WHERE {elem}) END",
                    d.contains(&d.json_text(vx), vy)
                );
                let err = format!(
                    "({vx} IS NOT NULL AND {vy} IS NOT NULL AND NOT ({is_str} OR {is_arr}))"
                );
                Sql::new(Kind::Bool, val).with_err(either(base, Some(err)))
            }
            Kind::Consts(_) => self.refuse(
                span,
                "`contains` on a constant list",
                "write `x in [...]` instead",
            ),
            _ => {
                let err = format!("({vx} IS NOT NULL AND {vy} IS NOT NULL)");
                Sql::new(Kind::Bool, "NULL".into()).with_err(either(base, Some(err)))
            }
        }
    }

    /// `s matches "regex"`.
    pub fn matches(&mut self, a: &Expr, re: &Expr, span: Span) -> Sql {
        let d = self.d;
        let x = self.expr(a);
        let ExprKind::String(pattern) = &re.unparen().kind else {
            return self.refuse(
                span,
                "`matches` with a pattern that is not a constant",
                "patterns are translated before any record is read",
            );
        };
        if x.ascii_folded {
            return self.refuse(span, "`matches` on the result of `lower`/`upper`", "the engines fold letters outside ASCII differently from the interpreter; use `(?i)` in the pattern");
        }
        let (v, k) = want(d, &x, JsonKind::String);
        match super::regex::translate(d, &v, pattern) {
            Ok(val) => Sql::new(
                Kind::Bool,
                format!("CASE WHEN {v} IS NULL THEN NULL ELSE {val} END"),
            )
            .with_err(either(x.err, k)),
            Err(why) => self.refuse(re.span, &format!("the pattern {pattern:?}"), &why),
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
            "abs" | "floor" | "ceil" => format!("{f}({})", v[0]),
            "sqrt" => format!("CASE WHEN {x} >= 0 THEN sqrt({x}) END", x = v[0]),
            "ln" => format!("CASE WHEN {x} > 0 THEN ln({x}) END", x = v[0]),
            "log10" => format!("CASE WHEN {x} > 0 THEN {} END", d.log10(&v[0]), x = v[0]),
            _ => {
                // half away from zero, as the interpreter rounds
                let scale = 10f64.powi(digits.unwrap_or(0));
                let y = format!("({} * {})", v[0], d.number(scale));
                let r = format!("(sign({y}) * (floor(abs({y})) + CASE WHEN abs({y}) - floor(abs({y})) >= 0.5 THEN 1 ELSE 0 END))");
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
            let (from, e) = self.walk(&v);
            let read = match k {
                JsonKind::Number => d.json_number(&e),
                JsonKind::String => d.json_text(&e),
                _ => d.json_bool(&e),
            };
            parts.push(format!(
                "(SELECT count(DISTINCT {read}) FROM {from} WHERE {} AND {read} IN ({}))",
                d.is_kind(&e, k),
                members.join(", ")
            ));
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
        let (from, e) = self.walk(&xs.val);
        self.params.push((param.name.clone(), e));
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
        let exists = |cond: &str| format!("EXISTS (SELECT 1 FROM {from} WHERE {cond})");
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
                "CASE WHEN {l} IS NULL OR NOT ({arr}) THEN NULL ELSE CAST((SELECT count(*) FROM {from} WHERE COALESCE({vb}, FALSE)) AS {dbl}) END",
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

impl Scope {
    /// `number(x)`: a number as is; text read as a human number (`"8,421"`,
    /// `"3.3k"`, `"1.39%"`, `"$12"`), missing when it is not one.
    pub fn number(&mut self, x: &Expr, span: Span) -> Sql {
        let d = self.d;
        let x = self.expr(x);
        let v = x.val.clone();
        match &x.kind {
            Kind::Num | Kind::Missing => x,
            Kind::Str if x.ascii_folded => self.refuse(
                span,
                "`number` of `lower`/`upper`",
                "the engines fold letters outside ASCII differently",
            ),
            Kind::Str => Sql::new(Kind::Num, human_number(d, &v)).with_err(x.err.clone()),
            Kind::Json => {
                let (n, s) = (
                    d.is_kind(&v, JsonKind::Number),
                    d.is_kind(&v, JsonKind::String),
                );
                let val = format!(
                    "CASE WHEN {n} THEN {} WHEN {s} THEN {} END",
                    d.json_number(&v),
                    human_number(d, &d.json_text(&v))
                );
                let err = format!("({v} IS NOT NULL AND NOT ({n} OR {s}))");
                Sql::new(Kind::Num, val).with_err(either(x.err.clone(), Some(err)))
            }
            _ => Sql::new(Kind::Num, "NULL".into())
                .with_err(either(x.err.clone(), Some(format!("({v} IS NOT NULL)")))),
        }
    }

    /// `sum([a, b])` and `avg([a, b])` of a list written out: missing when
    /// an element is, an error when one is not a number.
    pub fn aggregate(&mut self, f: &str, items: &[Expr]) -> Sql {
        let d = self.d;
        if items.is_empty() {
            let val = if f == "sum" {
                d.number(0.0)
            } else {
                "NULL".into()
            };
            return Sql::new(Kind::Num, val);
        }
        let mut vals = Vec::new();
        let mut err = None;
        for e in items {
            let x = self.expr(e);
            let (v, k) = want(d, &x, JsonKind::Number);
            err = either(either(err, x.err), k);
            vals.push(v);
        }
        let missing: Vec<String> = vals.iter().map(|v| format!("{v} IS NULL")).collect();
        let mut total = vals[0].clone();
        for v in &vals[1..] {
            total = format!("({total} + {v})");
        }
        if f == "avg" {
            total = format!("({total} / {})", d.number(vals.len() as f64));
        }
        let val = format!(
            "CASE WHEN {} THEN NULL ELSE {total} END",
            missing.join(" OR ")
        );
        Sql::new(Kind::Num, val).with_err(err)
    }
}

/// The number a text `t` writes, as `number()` reads it: trimmed, an
/// optional `$`, digits with `,` and `_` between them, one `.`, a sign,
/// and a suffix `k`, `M`, `B` or `%` that moves the decimal point.
fn human_number(d: super::dialect::Dialect, t: &str) -> String {
    let t1 = d.trim(t);
    let t2 = d.trim(&format!(
        "CASE WHEN substr({t1}, 1, 1) = '$' THEN substr({t1}, 2) ELSE {t1} END"
    ));
    let last = format!("substr({t2}, length({t2}), 1)");
    let exp = format!(
        "CASE {last} WHEN 'k' THEN '3' WHEN 'K' THEN '3' WHEN 'm' THEN '6' WHEN 'M' THEN '6' \
         WHEN 'b' THEN '9' WHEN 'B' THEN '9' WHEN '%' THEN '-2' ELSE '0' END"
    );
    let body = d.trim(&format!(
        "CASE WHEN {last} IN ('k', 'K', 'm', 'M', 'b', 'B', '%') THEN substr({t2}, 1, length({t2}) - 1) ELSE {t2} END"
    ));
    let rest = format!(
        "CASE WHEN substr({body}, 1, 1) IN ('+', '-') THEN substr({body}, 2) ELSE {body} END"
    );
    let clean = format!("replace(replace({body}, ',', ''), '_', '')");
    let valid = format!(
        "{} AND {} AND length({clean}) - length(replace({clean}, '.', '')) <= 1",
        d.only_chars(&rest, "0-9.,_"),
        d.has_char(&rest, "0-9")
    );
    format!(
        "CASE WHEN {t} IS NULL THEN NULL WHEN {valid} THEN CAST({clean} || 'e' || {exp} AS {}) END",
        d.double()
    )
}
