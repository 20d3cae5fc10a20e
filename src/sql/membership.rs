//! Membership (`in`), `contains` and `matches` as SQL: constant lists
//! as `IN (...)` by kind, lists from the record walked with `EXISTS`.

use super::dialect::JsonKind;
use super::expr::{is_ascii_text, Scope};
use super::value::{either, lit, want, Kind, Lit, Sql};
use crate::ast::{Expr, ExprKind, Span};

impl Scope {
    /// `x in xs` (three-valued: not found, but a missing element might match).
    pub fn is_in(&mut self, x: Sql, xs: Sql, span: Span) -> Sql {
        let d = self.d;
        if x.kind == Kind::Missing || xs.kind == Kind::Missing {
            return Sql::new(Kind::Bool, "NULL".into()).with_err(either(x.err, xs.err));
        }
        let base = either(x.err.clone(), xs.err.clone());
        if let Kind::Consts(items) = &xs.kind {
            return self.in_consts(x, items, base, span);
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
        let w = self.walk(&xs.val);
        let e = &w.elem;
        let read = match k {
            JsonKind::Number => d.json_number(e),
            JsonKind::String => d.json_text(e),
            _ => d.json_bool(e),
        };
        let eq = match k {
            JsonKind::String => d.text_order(&read, "=", &x.val),
            _ => format!("({read} = {})", x.val),
        };
        let is_k = d.is_kind(e, k);
        let (v, l) = (&x.val, &xs.val);
        let val = format!(
            "CASE WHEN {v} IS NULL OR {l} IS NULL THEN NULL WHEN NOT ({}) THEN NULL \
             WHEN {} THEN TRUE WHEN {} THEN NULL ELSE FALSE END",
            d.is_kind(l, JsonKind::Array),
            w.exists(&format!("{is_k} AND {eq}")),
            w.exists(&format!("({e}) IS NULL")),
        );
        let err = self
            .list_err(&xs)
            .map(|e| format!("({v} IS NOT NULL AND {e})"));
        Sql::new(Kind::Bool, val).with_err(either(base, err))
    }

    /// `x in [...]` of a constant list: `IN (...)` of the members of `x`'s kind.
    fn in_consts(&mut self, x: Sql, items: &[Lit], base: Option<String>, span: Span) -> Sql {
        let d = self.d;
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
                .filter(|l| {
                    matches!(
                        (l, k),
                        (Lit::Num(_), JsonKind::Number)
                            | (Lit::Str(_), JsonKind::String)
                            | (Lit::Bool(_), JsonKind::Bool)
                    )
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
                let branches: Vec<String> = [JsonKind::String, JsonKind::Number, JsonKind::Bool]
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
            _ => return self.refuse(span, "a list in a list", "lists are only constants in SQL"),
        };
        let val = format!("CASE WHEN {v} IS NULL THEN NULL ELSE {val} END");
        Sql::new(Kind::Bool, val).with_err(base)
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
                let w = self.walk(vx);
                let e = &w.elem;
                let is_str = d.is_kind(vx, JsonKind::String);
                let is_arr = d.is_kind(vx, JsonKind::Array);
                let elem = format!(
                    "{} AND {}",
                    d.is_kind(e, JsonKind::String),
                    d.text_order(&d.json_text(e), "=", vy)
                );
                let val = format!(
                    "CASE WHEN {vx} IS NULL OR {vy} IS NULL THEN NULL WHEN {is_str} THEN {} \
                     WHEN {is_arr} THEN {} END",
                    d.contains(&d.json_text(vx), vy),
                    w.exists(&elem)
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
}
