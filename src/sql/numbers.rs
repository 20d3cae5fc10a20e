//! `number()` (human numbers: `"3.3k"`, `"1.39%"`) and `sum`/`avg` of a
//! list written out, as SQL.

use super::dialect::JsonKind;
use super::expr::Scope;
use super::value::{either, want, Kind, Sql};
use crate::ast::{Expr, Span};

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
        "CASE WHEN {t} IS NULL THEN NULL WHEN {valid} THEN {} END",
        d.text_to_double(&format!("{clean} || 'e' || {exp}"))
    )
}
