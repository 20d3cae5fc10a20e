//! How each cell of a row is written for people: numbers rounded, values
//! as text, reasons joined, formulas defused.

use std::borrow::Cow;

use serde_json::Value as Json;

use super::Row;
use crate::eval::Failure;

/// Decimal places a score or signal is rounded to for people.
pub const PLACES: i32 = 4;

/// `x` rounded to [`PLACES`] places, half away from zero, without the
/// noise of binary fractions: 0.46249999999999997 is 0.4625.
pub fn round(x: f64) -> f64 {
    let scale = 10f64.powi(PLACES);
    let r = (x * scale).round() / scale;
    if r.is_finite() {
        r
    } else {
        x
    }
}

/// A rounded score or signal as text (`0.4625`, `1`, `0`).
pub fn number_text(x: f64) -> String {
    let r = round(x);
    if r == r.trunc() && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// An input value as a cell: text as read, a number as written in the
/// data, true/false, empty for null or missing, a list's items joined by
/// `; `, an object as compact JSON.
pub fn cell_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Array(items) => items.iter().map(cell_text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

/// The failed requirements' names, joined by `;` (as csv always wrote them).
pub fn failed_names(failed: &[Failure]) -> String {
    failed
        .iter()
        .map(|f| f.rule.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// Each failed requirement with its reason, `name: reason`, joined by `; `.
pub fn reasons(failed: &[Failure]) -> String {
    // one string, grown once (a cell for each rejected creator of `--rows all`)
    let len: usize = failed
        .iter()
        .map(|f| f.rule.len() + f.reason.len() + 4)
        .sum();
    let mut out = String::with_capacity(len);
    for (i, f) in failed.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&f.rule);
        out.push_str(": ");
        out.push_str(&f.reason);
    }
    out
}

/// A CSV cell that a spreadsheet would run as a formula (it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with `'`, so
/// that it shows as text; a plain number (`-12`, `-0.5`, `+3`) is left as
/// it is, since a spreadsheet reads it as that number and runs nothing.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// `[+-]digits[.digits][e[+-]digits]`, nothing else.
fn is_plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// The cells of `row` in [`header`]'s order, for people: score and
/// signals rounded, input values as read, nothing defused (the CSV writer
/// defuses; a workbook types its cells).
/// `signals` is the ruleset's number of signals (a creator in error has
/// no values: empty cells).
pub fn cells(row: &Row, signals: usize) -> Vec<String> {
    let mut out = vec![
        row.id.clone(),
        row.status.as_str().to_string(),
        row.rank.map_or_else(String::new, |r| r.to_string()),
        row.score.map_or_else(String::new, number_text),
        row.tier.clone().unwrap_or_default(),
    ];
    out.extend(row.columns.iter().map(cell_text));
    out.extend((0..signals).map(|i| {
        row.signals
            .0
            .get(i)
            .and_then(|s| s.clamped())
            .map_or_else(String::new, number_text)
    }));
    out.push(failed_names(&row.failed));
    out.push(reasons(&row.failed));
    out
}
