//! `influence-eval load`: a script that creates the creators table and
//! fills it, rows in input order. Columns: `_ordinal` (the 1-based place
//! in the input, for ties in rank), `_id` (the id the interpreter gives
//! the creator), then one column per top-level field, typed from the data:
//! DOUBLE when every value is a number, TEXT when every value is text,
//! BOOLEAN when every value is true/false, and the dialect's JSON type for
//! lists, objects and fields whose values mix kinds (`"3.3k"` among
//! numbers), so that the query sees each value's kind as the interpreter does.
//! In SQLite every field column has BLOB affinity: numbers and text are
//! stored as such, anything else as JSON text in a BLOB. In Spark the
//! table is a parquet table (`CREATE TABLE ... USING parquet`) whose JSON
//! columns are `VARIANT` (Spark 4.0 or later), filled by `parse_json`;
//! no literal holds a line break, so the script splits into statements at
//! each `;` that ends a line (`spark.sql` runs one statement at a time).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::Value as Json;

use super::bulk;
use super::dialect::Dialect;
use crate::language::ids::{find_id, member};

/// How `load` names and fills the table.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The table to create.
    pub table: String,
    /// `--id-field`: the field the ids come from (a dotted path).
    pub id_field: Option<String>,
    /// Fields to give a column even when no record has them (those the
    /// rules read: `--rules`), so that the query finds every column.
    pub also: Vec<String>,
}

/// Rows per INSERT statement (SQLite, Spark).
const BATCH: usize = 500;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ColumnType {
    Number,
    Text,
    Bool,
    Json,
}

/// The script for `records` (each with its 0-based position), or the name
/// of a field that clashes with the loader's own columns.
pub fn load_script(
    records: &[(usize, Json)],
    d: Dialect,
    o: &LoadOptions,
) -> Result<String, String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for (_, r) in records {
        if let Json::Object(m) = r {
            for k in m.keys() {
                if seen.insert(k.clone()) {
                    names.push(k.clone());
                }
            }
        }
    }
    for extra in &o.also {
        if seen.insert(extra.clone()) {
            names.push(extra.clone());
        }
    }
    if let Some(clash) = names.iter().find(|n| *n == "_ordinal" || *n == "_id") {
        return Err(clash.clone());
    }
    let types = column_types(records, &names);
    let mut out = String::new();
    let table = d.ident(&o.table);
    let _ = writeln!(out, "DROP TABLE IF EXISTS {table};");
    let mut cols = vec![
        "\"_ordinal\" BIGINT".to_string(),
        format!("\"_id\" {}", d.text_type()),
    ];
    for (n, t) in names.iter().zip(&types) {
        cols.push(format!("{} {}", d.ident(n), sql_type(d, *t)));
    }
    let using = if d == Dialect::Spark {
        " USING parquet"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "CREATE TABLE {table} (\n  {}\n){using};",
        cols.join(",\n  ")
    );
    let rows = records.iter().map(|(pos, r)| {
        let mut cells = vec![Some((pos + 1).to_string())];
        cells.push(Some(creator_id(r, *pos, o.id_field.as_deref())));
        for (n, t) in names.iter().zip(&types) {
            cells.push(bulk::cell_text(r.get(n), *t));
        }
        cells
    });
    match d {
        Dialect::Duckdb => bulk::duckdb_rows(&mut out, &table, &types, rows),
        Dialect::Postgres => bulk::postgres_copy(&mut out, &table, rows),
        Dialect::Sqlite | Dialect::Spark => values(&mut out, d, &table, records, &names, &types, o),
    }
    Ok(d.finish(out))
}

/// `INSERT ... VALUES` statements of [`BATCH`] rows (SQLite in one
/// transaction).
fn values(
    out: &mut String,
    d: Dialect,
    table: &str,
    records: &[(usize, Json)],
    names: &[String],
    types: &[ColumnType],
    o: &LoadOptions,
) {
    if d == Dialect::Sqlite {
        out.push_str("BEGIN;\n");
    }
    for chunk in records.chunks(BATCH) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|(pos, r)| {
                let id = creator_id(r, *pos, o.id_field.as_deref());
                let mut vals = vec![(pos + 1).to_string(), d.string(&id)];
                for (n, t) in names.iter().zip(types) {
                    vals.push(cell(d, r.get(n), *t));
                }
                format!("({})", vals.join(", "))
            })
            .collect();
        let _ = writeln!(out, "INSERT INTO {table} VALUES\n{};", rows.join(",\n"));
    }
    if d == Dialect::Sqlite {
        out.push_str("COMMIT;\n");
    }
}

/// Each column's type, from the kinds of its values (one pass over the
/// records, each record's fields read in its own order: cache-friendly
/// for a million records).
fn column_types(records: &[(usize, Json)], names: &[String]) -> Vec<ColumnType> {
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    // bit 0 number, 1 text, 2 true/false, 3 list or object
    let mut kinds = vec![0u8; names.len()];
    for (_, r) in records {
        let Json::Object(m) = r else { continue };
        for (k, v) in m {
            let bit = match v {
                Json::Null => continue,
                Json::Number(_) => 1,
                Json::String(_) => 2,
                Json::Bool(_) => 4,
                _ => 8,
            };
            if let Some(&i) = index.get(k.as_str()) {
                kinds[i] |= bit;
            }
        }
    }
    kinds
        .into_iter()
        .map(|k| match k {
            1 => ColumnType::Number,
            0 | 2 => ColumnType::Text,
            4 => ColumnType::Bool,
            _ => ColumnType::Json,
        })
        .collect()
}

fn sql_type(d: Dialect, t: ColumnType) -> &'static str {
    match (d, t) {
        (Dialect::Sqlite, _) => "BLOB",
        (_, ColumnType::Number) => d.double(),
        (_, ColumnType::Text) => d.text_type(),
        (_, ColumnType::Bool) => "BOOLEAN",
        (_, ColumnType::Json) => d.json_type(),
    }
}

/// One cell as an SQL literal.
fn cell(d: Dialect, v: Option<&Json>, t: ColumnType) -> String {
    let v = match v {
        None | Some(Json::Null) => return "NULL".into(),
        Some(v) => v,
    };
    let number = |n: &serde_json::Number| -> String {
        match n.as_f64() {
            // beyond a double: missing, as the interpreter reads it
            Some(f) if f.is_finite() => match d {
                Dialect::Duckdb => format!("{f:e}"),
                // a DOUBLE literal, not a DECIMAL
                Dialect::Spark => format!("{f:?}D"),
                _ => format!("{f:?}"),
            },
            _ => "NULL".into(),
        }
    };
    match (d, t, v) {
        (Dialect::Sqlite, _, Json::Number(n)) => number(n),
        (Dialect::Sqlite, _, Json::String(s)) => d.string(s),
        (Dialect::Sqlite, _, other) => format!("CAST({} AS BLOB)", d.string(&other.to_string())),
        (_, ColumnType::Json, other) => {
            // a number too large for a double is missing to the interpreter
            if let Json::Number(n) = other {
                if !n.as_f64().is_some_and(f64::is_finite) {
                    return "NULL".into();
                }
            }
            match d {
                Dialect::Spark => format!("parse_json({})", d.string(&other.to_string())),
                _ => d.string(&other.to_string()),
            }
        }
        (_, _, Json::Number(n)) => number(n),
        (_, _, Json::String(s)) => d.string(s),
        (_, _, Json::Bool(b)) => if *b { "TRUE" } else { "FALSE" }.into(),
        (_, _, other) => d.string(&other.to_string()),
    }
}

/// The creator's id, as the verdicts give it ([`find_id`]).
fn creator_id(record: &Json, position: usize, id_field: Option<&str>) -> String {
    find_id(|k, loose| member(record, k, loose), position, id_field).0
}
