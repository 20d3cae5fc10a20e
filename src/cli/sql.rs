//! `influence-eval sql RULES --dialect D` (the rules as one SQL query) and
//! `influence-eval load DATA --dialect D` (a script that creates and fills
//! the creators table): README, "Running in your warehouse".

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::data::{self, Input};
use crate::sql::{self, Dialect, LoadOptions, QueryOptions, Rows};
use crate::{LoadError, RulesError};

use super::args::FormatIn;
use super::{load, write_failed, Reporter, EXIT_DATA, EXIT_RULES};

/// The SQL engines.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DialectArg {
    /// DuckDB.
    Duckdb,
    /// PostgreSQL 12 or later.
    Postgres,
    /// SQLite 3.38 or later.
    Sqlite,
    /// Spark SQL 4.0 or later (JSON columns as VARIANT; the same rows with spark.sql.ansi.enabled true or false).
    Spark,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Self {
        match d {
            DialectArg::Duckdb => Dialect::Duckdb,
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Spark => Dialect::Spark,
        }
    }
}

/// Which rows the query returns.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum RowsArg {
    /// The accepted creators by rank, cut at the rules' `limit` (or --top).
    Shortlist,
    /// Every accepted creator, by rank.
    Accepted,
    /// Every creator, in input order.
    All,
}

#[derive(clap::Args)]
pub(crate) struct SqlArgs {
    /// The rules file (.rules).
    pub(crate) rules: PathBuf,
    /// The SQL engine to write for.
    #[arg(long, value_enum)]
    pub(crate) dialect: DialectArg,
    /// The table of creators.
    #[arg(long, default_value = "creators", value_name = "NAME")]
    pub(crate) table: String,
    /// Which rows: the shortlist (accepted, by rank, cut at `limit`), every accepted creator, or every creator in input order.
    #[arg(long, value_enum, default_value = "all")]
    pub(crate) rows: RowsArg,
    /// The shortlist's length, over the rules' `limit`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) top: Option<u32>,
    /// The column holding each creator's id (`load` writes `_id`).
    #[arg(long, default_value = "_id", value_name = "COL")]
    pub(crate) id_column: String,
    /// The column giving the input order, which breaks ties in rank (`load` writes `_ordinal`).
    #[arg(long, default_value = "_ordinal", value_name = "COL")]
    pub(crate) order_by: String,
}

#[derive(clap::Args)]
pub(crate) struct LoadArgs {
    /// The creator data (JSON, NDJSON, CSV, TSV; `-` for standard input).
    pub(crate) data: PathBuf,
    /// The SQL engine to write for.
    #[arg(long, value_enum)]
    pub(crate) dialect: DialectArg,
    /// The table to create (dropped first if it exists).
    #[arg(long, default_value = "creators", value_name = "NAME")]
    pub(crate) table: String,
    /// The field the ids come from, as for `run` [default: the first of handle, id, username, name, profile.username].
    #[arg(long, value_name = "NAME")]
    pub(crate) id_field: Option<String>,
    /// The format of DATA [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format_in: Option<FormatIn>,
    /// Also create a column (all NULL) for each top-level field these rules read that no record has, so that their query runs.
    #[arg(long, value_name = "RULES")]
    pub(crate) rules: Option<PathBuf>,
}

/// Writes `text` to standard output.
fn print(text: &str, rep: &Reporter) -> ExitCode {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => write_failed(&e, "standard output", rep).unwrap_or(ExitCode::SUCCESS),
    }
}

/// Runs `sql`.
pub fn sql(a: SqlArgs, rep: &Reporter) -> ExitCode {
    let Some(rules) = load(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    let options = QueryOptions {
        table: a.table,
        id_column: a.id_column,
        order_by: a.order_by,
        rows: match a.rows {
            RowsArg::Shortlist => Rows::Shortlist,
            RowsArg::Accepted => Rows::Accepted,
            RowsArg::All => Rows::All,
        },
        top: a.top.map(|n| n as usize),
    };
    let prog = rules.program();
    match sql::query(&prog.ast, a.dialect.into(), &options) {
        Ok(q) => print(&q, rep),
        Err(diagnostics) => {
            let file = a.rules.display().to_string();
            let e = RulesError::new(&file, &prog.source, diagnostics);
            rep.load(&LoadError::Rules(e));
            ExitCode::from(EXIT_RULES)
        }
    }
}

/// Runs `load`.
pub fn load_data(a: LoadArgs, rep: &Reporter) -> ExitCode {
    let also = match &a.rules {
        Some(path) => match load(path, rep) {
            Some(rules) => sql::columns_read(&rules.program().ast),
            None => return ExitCode::from(EXIT_RULES),
        },
        None => Vec::new(),
    };
    let input = Input::from_arg(&a.data);
    let name = input.name();
    let reader: Box<dyn io::Read> = match input.file() {
        Some(path) => match data::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                rep.emit(&e, &crate::diagnostic::JsonDiagnostic::of(&e));
                return ExitCode::from(EXIT_DATA);
            }
        },
        None => Box::new(io::stdin().lock()),
    };
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    let read = data::read_from(
        &name,
        reader,
        a.format_in.map(Into::into),
        &mut |r| match r.item {
            Ok(j) if j.is_object() => records.push((r.position, j)),
            _ => skipped.push(r.line),
        },
    );
    if let Err(e) = read {
        rep.emit(&e, &crate::diagnostic::JsonDiagnostic::of(&e));
        return ExitCode::from(EXIT_DATA);
    }
    if !skipped.is_empty() {
        let lines: Vec<String> = skipped.iter().take(10).map(ToString::to_string).collect();
        rep.warning(
            "influence::load-skipped",
            &format!(
                "{} record(s) could not be read and are not loaded (lines {}); `run` reports each as a creator in error",
                skipped.len(),
                lines.join(", ")
            ),
            Some(&name),
        );
    }
    let options = LoadOptions {
        table: a.table,
        id_field: a.id_field,
        also,
    };
    match sql::load_script(&records, a.dialect.into(), &options) {
        Ok(script) => print(&script, rep),
        Err(clash) => {
            rep.error(
                "influence::load-column",
                &format!("the data has a field `{clash}`, a name the loader gives its own column"),
                Some(&name),
                Some("rename the field in the data"),
            );
            ExitCode::from(EXIT_DATA)
        }
    }
}
