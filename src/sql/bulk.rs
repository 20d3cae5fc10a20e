//! The rows of `load`'s script for the engines that have a faster path
//! than `INSERT ... VALUES` (which DuckDB parses and binds at about half a
//! millisecond a row, some 25 minutes for a million creators):
//!
//! - DuckDB: one `INSERT ... SELECT` per [`DUCKDB_BATCH`] rows over a
//!   single string literal that holds the rows as a JSON array of arrays
//!   of text (one row a line), split by `from_json(.., '[["VARCHAR"]]')`
//!   and cast column by column. Each cell's text is the one the
//!   `VALUES` literal would hold, cast to the same type, so the table is
//!   the same.
//! - PostgreSQL: `COPY ... FROM stdin` with the rows in the script, in
//!   COPY's text format (tab-separated, `\N` for NULL), ended by `\.`:
//!   psql reads them from the script itself (`psql -f load.sql`,
//!   `... | psql`).

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::load::ColumnType;

/// Rows per DuckDB `INSERT` statement (its literal is a few megabytes).
const DUCKDB_BATCH: usize = 10_000;

/// One row of cells as text: `None` is NULL.
pub(super) type Row = Vec<Option<String>>;

/// A cell's text, as the engine reads it for a column of type `t`; `None`
/// for missing, and for a number beyond a double (missing to the
/// interpreter).
pub(super) fn cell_text(v: Option<&Json>, t: ColumnType) -> Option<String> {
    let v = match v {
        None | Some(Json::Null) => return None,
        Some(v) => v,
    };
    match (t, v) {
        (_, Json::Number(n)) if !n.as_f64().is_some_and(f64::is_finite) => None,
        (ColumnType::Json, other) => Some(other.to_string()),
        (_, Json::Number(n)) => n.as_f64().map(|f| format!("{f:?}")),
        (_, Json::String(s)) => Some(s.clone()),
        (_, Json::Bool(b)) => Some(b.to_string()),
        (_, other) => Some(other.to_string()),
    }
}

/// DuckDB's statements for `rows` (ordinal, id, then one cell a column of
/// `types`), in order, into `out`.
pub(super) fn duckdb_rows(
    out: &mut String,
    table: &str,
    types: &[ColumnType],
    rows: impl Iterator<Item = Row>,
) {
    let mut select = vec!["CAST(r[1] AS BIGINT)".to_string(), "r[2]".to_string()];
    for (i, t) in types.iter().enumerate() {
        let r = format!("r[{}]", i + 3);
        select.push(match t {
            ColumnType::Number => format!("CAST({r} AS DOUBLE)"),
            ColumnType::Text => r,
            ColumnType::Bool => format!("CAST({r} AS BOOLEAN)"),
            ColumnType::Json => format!("CAST({r} AS JSON)"),
        });
    }
    let head = format!(
        "INSERT INTO {table} SELECT {} FROM (SELECT unnest(from_json('[\n",
        select.join(", ")
    );
    let tail = "]', '[[\"VARCHAR\"]]')) AS r);\n";
    let mut n = 0;
    for row in rows {
        if n % DUCKDB_BATCH == 0 {
            if n > 0 {
                out.push_str(tail);
            }
            out.push_str(&head);
        } else {
            out.push_str(",\n");
        }
        let cells: Vec<Json> = row
            .into_iter()
            .map(|c| c.map_or(Json::Null, Json::String))
            .collect();
        // JSON escapes every line break and control character: the only
        // character to double inside the SQL literal is the quote
        out.push_str(&Json::Array(cells).to_string().replace('\'', "''"));
        n += 1;
    }
    if n > 0 {
        out.push_str(tail);
    }
}

/// PostgreSQL's `COPY` of `rows` into `out`.
pub(super) fn postgres_copy(out: &mut String, table: &str, rows: impl Iterator<Item = Row>) {
    let _ = writeln!(out, "COPY {table} FROM stdin;");
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| c.map_or_else(|| "\\N".to_string(), |s| copy_escape(&s)))
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out.push_str("\\.\n");
}

/// Text as a field of COPY's text format: backslash, tab and line breaks
/// escaped.
fn copy_escape(s: &str) -> String {
    let mut e = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => e.push_str("\\\\"),
            '\t' => e.push_str("\\t"),
            '\n' => e.push_str("\\n"),
            '\r' => e.push_str("\\r"),
            c => e.push(c),
        }
    }
    e
}
