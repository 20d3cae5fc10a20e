//! The page's tables: the rows (sortable by the page's script: each
//! cell's sort value is in `data-v`, a missing value has none and sorts
//! last either way) and the near misses.

use std::fmt::Write;

use super::{esc, fixed, Row, ROW_CAP};
use crate::explain::distance::describe;
use crate::language::human::count;
use crate::report::NearMiss;

/// A column of the rows table.
struct Column {
    /// Its heading.
    name: String,
    /// The key `#sort=KEY-asc` names it by.
    key: String,
    /// Sorted as numbers (else as text).
    numeric: bool,
    /// What it shows of a row.
    cell: Cell,
}

enum Cell {
    Rank,
    Id,
    Status,
    Score,
    Tier,
    Signal(usize),
    Extra(String),
    Reasons,
}

/// The columns the rows call for: rank, id, status (unless every row is
/// accepted), score, tier, one per signal, one per extra column (in the
/// order first met), and the failed requirements' reasons (when a row
/// has any).
fn columns(rows: &[Row], signals: &[(String, f64)]) -> Vec<Column> {
    let col = |name: &str, key: &str, numeric: bool, cell: Cell| Column {
        name: name.to_string(),
        key: key.to_string(),
        numeric,
        cell,
    };
    let mut cols = vec![
        col("rank", "rank", true, Cell::Rank),
        col("id", "id", false, Cell::Id),
    ];
    if rows
        .iter()
        .any(|r| r.status != crate::eval::Status::Accepted)
    {
        cols.push(col("status", "status", false, Cell::Status));
    }
    cols.push(col("score", "score", true, Cell::Score));
    cols.push(col("tier", "tier", false, Cell::Tier));
    for (i, (name, _)) in signals.iter().enumerate() {
        cols.push(col(name, &format!("signal:{name}"), true, Cell::Signal(i)));
    }
    let mut extras: Vec<&str> = Vec::new();
    for r in rows {
        for (name, _) in &r.extra {
            if !extras.contains(&name.as_str()) {
                extras.push(name);
            }
        }
    }
    for name in extras {
        // a column of numbers sorts as numbers
        let numeric = rows.iter().all(|r| {
            r.extra
                .iter()
                .find(|(n, _)| n == name)
                .is_none_or(|(_, v)| {
                    v.is_empty() || v.trim().parse::<f64>().is_ok_and(f64::is_finite)
                })
        });
        cols.push(col(
            name,
            &format!("column:{name}"),
            numeric,
            Cell::Extra(name.to_string()),
        ));
    }
    if rows.iter().any(|r| !r.failed.is_empty()) {
        cols.push(col("reasons", "reasons", false, Cell::Reasons));
    }
    cols
}

/// A cell: its sort value (none when missing) and its content, escaped
/// here.
fn td(out: &mut String, class: &str, sort: Option<&str>, content: &str) {
    let _ = write!(out, "<td class=\"{class}\"");
    if let Some(v) = sort {
        let _ = write!(out, " data-v=\"{}\"", esc(v));
    }
    let _ = write!(out, ">{content}</td>");
}

/// The rows table (`id="rows"`), the first [`ROW_CAP`] rows.
pub fn rows_table(out: &mut String, rows: &[Row], signals: &[(String, f64)]) {
    let rows = &rows[..rows.len().min(ROW_CAP)];
    let cols = columns(rows, signals);
    out.push_str("<div class=\"scroll\"><table class=\"data\" id=\"rows\"><thead><tr>");
    for c in &cols {
        let _ = write!(
            out,
            "<th scope=\"col\" data-key=\"{}\" data-type=\"{}\"{}>{}</th>",
            esc(&c.key),
            if c.numeric { "num" } else { "text" },
            if c.numeric { " class=\"num\"" } else { "" },
            esc(&c.name)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        let _ = write!(out, "<tr data-id=\"{}\">", esc(&r.id));
        for c in &cols {
            row_cell(out, r, &c.cell);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn row_cell(out: &mut String, r: &Row, cell: &Cell) {
    match cell {
        Cell::Rank => match r.rank {
            Some(n) => td(out, "num", Some(&n.to_string()), &count(n)),
            None => td(out, "num", None, ""),
        },
        Cell::Id => td(out, "id", Some(&r.id), &esc(&r.id)),
        Cell::Status => td(out, "status", Some(r.status.as_str()), r.status.as_str()),
        Cell::Score => match r.score {
            Some(s) => td(out, "num", Some(&s.to_string()), &fixed(s, 4, false)),
            None => td(out, "num", None, ""),
        },
        Cell::Tier => match &r.tier {
            Some(t) => td(out, "tier", Some(t), &esc(t)),
            None => td(out, "tier", None, ""),
        },
        Cell::Signal(i) => match r.signals.get(*i).and_then(|(_, v)| *v) {
            Some(v) => {
                // the bar is decoration: the number beside it says it all
                let bar = format!(
                    "<span class=\"bar\" aria-hidden=\"true\"><span style=\"width:{}%\"></span></span>{}",
                    fixed(v.clamp(0.0, 1.0) * 100.0, 1, true),
                    fixed(v, 4, false)
                );
                td(out, "num sig", Some(&v.to_string()), &bar);
            }
            None => td(out, "num sig missing", None, "missing"),
        },
        Cell::Extra(name) => {
            let v = r
                .extra
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str());
            match v.filter(|v| !v.is_empty()) {
                Some(v) => td(out, "extra", Some(v.trim()), &esc(v)),
                None => td(out, "extra", None, ""),
            }
        }
        Cell::Reasons => {
            let text: Vec<String> = r
                .failed
                .iter()
                .map(|(rule, reason)| format!("{rule}: {reason}"))
                .collect();
            let text = text.join("; ");
            td(out, "reasons", Some(&text), &esc(&text));
        }
    }
}

/// The near misses, nearest to passing first, with what would make each pass.
pub fn near_misses(out: &mut String, near: &[NearMiss]) {
    out.push_str(
        "<div class=\"scroll\"><table class=\"data\" id=\"near-misses\"><thead><tr>\
         <th scope=\"col\">id</th><th scope=\"col\" class=\"num\">score</th>\
         <th scope=\"col\">requirement</th><th scope=\"col\">reason</th>\
         <th scope=\"col\">to pass</th></tr></thead><tbody>",
    );
    for n in near {
        let to_pass = if n.distance.is_empty() {
            n.reason.clone()
        } else {
            describe(&n.distance)
        };
        let _ = write!(
            out,
            "<tr data-id=\"{}\"><td class=\"id\">{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&n.id),
            esc(&n.id),
            fixed(n.score, 4, false),
            esc(&n.rule),
            esc(&n.reason),
            esc(&to_pass)
        );
    }
    out.push_str("</tbody></table></div>");
}
