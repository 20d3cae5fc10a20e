//! The query's last steps: the record's fields as JSON with their kinds,
//! the chain of steps, every requirement's outcome, the status by the
//! interpreter's precedence, the failed names, and the rank.

use super::dialect::{Dialect, JsonKind};
use super::expr::Scope;
use super::verdict::{QueryOptions, Rows, Rules};
use crate::ast::Order;

/// `x` clamped to [0, 1], NULL when missing.
pub(super) fn unit(d: Dialect, x: &str) -> String {
    let c = d.least(
        true,
        &[
            d.least(false, &[x.to_string(), d.number(0.0)]),
            d.number(1.0),
        ],
    );
    format!("CASE WHEN {x} IS NULL THEN NULL ELSE {c} END")
}

/// The CTE chain and the final SELECT.
pub(super) fn assemble(
    rules: &Rules,
    scope: &Scope,
    o: &QueryOptions,
    steps: Vec<String>,
    reqs: Vec<(String, String)>,
    keys: Vec<(String, String, Order)>,
) -> String {
    let d = scope.d;
    // the engines would inline each step into the next, copying every
    // column's expression wherever it is read: kept as computed instead
    let m = d.materialized();
    let mut ctes = first_steps(scope, o);
    for (i, s) in steps.iter().enumerate() {
        ctes.push(format!(
            "__c{} AS {m}(\n  SELECT *, {s}\n  FROM __c{i}\n)",
            i + 1
        ));
    }
    let last = steps.len();
    // every requirement's outcome and every rank key
    let mut cols: Vec<String> = reqs
        .iter()
        .enumerate()
        .map(|(i, (_, o))| format!("{o} AS \"__o{i}\""))
        .collect();
    for (i, (v, e, _)) in keys.iter().enumerate() {
        cols.push(format!("{v} AS \"__k{i}\", {e} AS \"__k{i}_e\""));
    }
    if cols.is_empty() {
        cols.push("TRUE AS \"__none\"".into());
    }
    ctes.push(format!(
        "__r AS {m}(\n  SELECT *, {}\n  FROM __c{last}\n)",
        cols.join(",\n    ")
    ));
    ctes.push(format!(
        "__v AS {m}(\n  SELECT *, {} AS \"__status\"\n  FROM __r\n)",
        status(rules, &reqs, &keys)
    ));
    let mut out = outputs(rules, d, &reqs, &keys);
    out.push("\"__ord\" AS \"__ord\"".into());
    ctes.push(format!(
        "__out AS {m}(\n  SELECT {}\n  FROM __v\n)",
        out.join(",\n    ")
    ));
    let mut names = vec!["id", "status", "failed", "score", "tier", "rank"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    names.extend(rules.signals.iter().map(|s| d.ident(s.0)));
    let (filter, order, limit) = match o.rows {
        Rows::All => ("", "\"__ord\"", None),
        Rows::Accepted => ("WHERE status = 'accepted' ", "rank", None),
        Rows::Shortlist => ("WHERE status = 'accepted' ", "rank", o.top.or(rules.limit)),
    };
    let limit = limit.map_or(String::new(), |n| format!("\nLIMIT {n}"));
    d.finish(format!(
        "WITH {}\nSELECT {}\nFROM __out {filter}\nORDER BY {order}{limit};\n",
        ctes.join(",\n"),
        names.join(", ")
    ))
}

/// The columns of a verdict: id, status, failed, score, tier, rank and
/// each signal's clamped value.
fn outputs(
    rules: &Rules,
    d: Dialect,
    reqs: &[(String, String)],
    keys: &[(String, String, Order)],
) -> Vec<String> {
    let mut out = vec![
        "\"__id\" AS id".to_string(),
        "\"__status\" AS status".to_string(),
        format!("{} AS failed", failed(rules, d, reqs)),
        format!(
            "CASE WHEN \"__status\" = 'error' OR \"__score_e\" THEN NULL ELSE \"__score\" END AS score"
        ),
        "CASE WHEN \"__status\" = 'accepted' THEN \"__tier\" END AS tier".to_string(),
    ];
    let mut order = Vec::new();
    for (i, (_, _, dir)) in keys.iter().enumerate() {
        let dir = if *dir == Order::Asc { "ASC" } else { "DESC" };
        order.push(format!("\"__k{i}\" IS NULL, \"__k{i}\" {dir}"));
    }
    order.push("\"__ord\"".into());
    out.push(format!(
        "CASE WHEN \"__status\" = 'accepted' THEN row_number() OVER (PARTITION BY \"__status\" = 'accepted' ORDER BY {}) END AS rank",
        order.join(", ")
    ));
    for (i, s) in rules.signals.iter().enumerate() {
        let v = unit(d, &format!("\"__s{i}\""));
        out.push(format!(
            "CASE WHEN \"__status\" = 'error' OR \"__s{i}_e\" THEN NULL ELSE {v} END AS {}",
            d.ident(s.0)
        ));
    }
    out
}

/// The first two steps: each field the rules read as JSON (missing as
/// NULL), with the id and the input order; then each field's kind, number
/// and text, computed once.
fn first_steps(scope: &Scope, o: &QueryOptions) -> Vec<String> {
    let d = scope.d;
    let m = d.materialized();
    let mut ctes = Vec::new();
    let mut fields = vec![
        format!(
            "CAST({} AS {}) AS \"__id\"",
            d.ident(&o.id_column),
            d.text_type()
        ),
        format!("{} AS \"__ord\"", d.ident(&o.order_by)),
    ];
    let mut typed = vec!["*".to_string()];
    for (i, c) in scope.columns.iter().enumerate() {
        fields.push(format!("{} AS \"__f{i}\"", d.json_norm(&d.column_json(c))));
        let f = format!("\"__f{i}\"");
        typed.push(format!("{} AS \"__f{i}_t\"", d.kind_of(&f)));
        typed.push(format!(
            "CASE WHEN {} THEN {} END AS \"__f{i}_n\"",
            d.is_kind(&format!("({f})"), JsonKind::Number),
            d.json_number_of(&f)
        ));
        typed.push(format!(
            "CASE WHEN {} THEN {} END AS \"__f{i}_s\"",
            d.is_kind(&format!("({f})"), JsonKind::String),
            d.json_text_of(&f)
        ));
    }
    ctes.push(format!(
        "__src AS {m}(\n  SELECT {}\n  FROM {}\n)",
        fields.join(",\n    "),
        d.ident(&o.table)
    ));
    ctes.push(format!(
        "__c0 AS {m}(\n  SELECT {}\n  FROM __src\n)",
        typed.join(",\n    ")
    ));
    ctes
}

/// The status, by the interpreter's precedence: rejected when a
/// requirement failed on its values; else error when one met a wrong
/// kind; else review; else error when a signal, the tier or a rank key
/// met a wrong kind; else accepted.
fn status(rules: &Rules, reqs: &[(String, String)], keys: &[(String, String, Order)]) -> String {
    let any = |code: &str| -> String {
        let t: Vec<String> = (0..reqs.len())
            .map(|i| format!("\"__o{i}\" = '{code}'"))
            .collect();
        if t.is_empty() {
            "FALSE".into()
        } else {
            format!("({})", t.join(" OR "))
        }
    };
    let sig: Vec<String> = (0..rules.signals.len())
        .map(|i| format!("\"__s{i}_e\""))
        .collect();
    let sig = if sig.is_empty() {
        "FALSE".to_string()
    } else {
        format!("({})", sig.join(" OR "))
    };
    let key: Vec<String> = (0..keys.len()).map(|i| format!("\"__k{i}_e\"")).collect();
    let key = if key.is_empty() {
        "FALSE".to_string()
    } else {
        format!("({})", key.join(" OR "))
    };
    format!(
        "CASE WHEN {} THEN 'rejected' WHEN {} THEN 'error' WHEN {} THEN 'review' \
         WHEN {sig} OR \"__tier_e\" OR {key} THEN 'error' ELSE 'accepted' END",
        any("F"),
        any("E"),
        any("R")
    )
}

/// The failed requirements joined by `;`: for rejected, those failed or
/// in error, then signals in error; for review, those undecided, then
/// signals in error; for error, the one rule that left it undecided.
fn failed(rules: &Rules, d: Dialect, reqs: &[(String, String)]) -> String {
    let d_sig: Vec<String> = rules
        .signals
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "CASE WHEN \"__s{i}_e\" THEN '{};' ELSE '' END",
                sql_text(&format!("signal {}", s.0))
            )
        })
        .collect();
    let listed = |codes: &[&str]| -> String {
        let mut parts: Vec<String> = reqs
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let t: Vec<String> = codes
                    .iter()
                    .map(|c| format!("\"__o{i}\" = '{c}'"))
                    .collect();
                format!(
                    "CASE WHEN {} THEN '{};' ELSE '' END",
                    t.join(" OR "),
                    sql_text(name)
                )
            })
            .collect();
        parts.extend(d_sig.iter().cloned());
        if parts.is_empty() {
            "''".into()
        } else {
            d.rtrim_semicolons(&parts.join(" || "))
        }
    };
    let mut first = Vec::new();
    for (i, (name, _)) in reqs.iter().enumerate() {
        first.push(format!("WHEN \"__o{i}\" = 'E' THEN '{}'", sql_text(name)));
    }
    for (i, s) in rules.signals.iter().enumerate() {
        first.push(format!(
            "WHEN \"__s{i}_e\" THEN '{}'",
            sql_text(&format!("signal {}", s.0))
        ));
    }
    first.push("WHEN \"__tier_e\" THEN 'tier'".into());
    first.push("ELSE 'rank by'".into());
    format!(
        "CASE \"__status\" WHEN 'rejected' THEN {} WHEN 'review' THEN {} WHEN 'error' THEN CASE {} END ELSE '' END",
        listed(&["F", "E"]),
        listed(&["R"]),
        first.join(" ")
    )
}

/// Text inside a string literal.
fn sql_text(s: &str) -> String {
    s.replace('\'', "''")
}
