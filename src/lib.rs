//! influence-eval: a rules language and interpreter for choosing brand
//! ambassadors from creator data.
//!
//! A [`Ruleset`] is compiled once from the text of a `.rules` file and then
//! evaluates any number of creator records (`serde_json::Value` objects),
//! giving a [`Verdict`] for each and a [`Report`] for many.
//!
//! ```
//! use influence_eval::{Ruleset, RunOptions, Status};
//! use serde_json::json;
//!
//! let rules = Ruleset::compile("brand.rules", r#"
//!     require micro:   followers between 1k and 10k
//!     require engaged: engagement_rate >= 3%
//!     signal engagement = engagement_rate / 8%
//! "#).expect("valid rules");
//!
//! let maya = json!({"handle": "maya", "followers": 4200, "engagement_rate": 0.06});
//! let verdict = rules.evaluate(&maya);
//! assert_eq!(verdict.status, Status::Accepted);
//! assert_eq!(verdict.score, Some(0.75));
//!
//! let tiny = json!({"handle": "tiny", "followers": 512, "engagement_rate": 0.06});
//! let verdict = rules.evaluate(&tiny);
//! assert_eq!(verdict.status, Status::Rejected);
//! assert_eq!(verdict.failed[0].reason, "followers is 512, needs between 1000 and 10000");
//!
//! let creators = vec![maya, tiny];
//! let report = rules.screen(creators.clone(), &RunOptions::default());
//! assert_eq!((report.accepted, report.rejected), (1, 1));
//! assert_eq!(report.shortlist[0].id, "maya");
//!
//! // one creator in detail: every requirement with the values it read
//! let why = rules.explain("tiny", creators, &RunOptions::default(), "inline")
//!     .expect("tiny is among the creators");
//! assert_eq!(why.trace.failed[0].rule, "micro");
//! assert_eq!(why.trace.accepted, Some(1));
//! ```
//!
//! A ruleset does three things: [`Ruleset::evaluate`] one record,
//! [`Ruleset::screen`] many, [`Ruleset::explain`] one creator among many.
//! A file or a stream is screened by the run engine, [`Run`], on as many
//! threads as asked.
//!
//! The pipeline, one module per stage: [`syntax`] (text to [`ast`]),
//! [`check`] (every error in one pass), [`compile`] (names to slots),
//! [`eval`] (one record), [`run`] (reading, decoding and evaluating many
//! records on N threads, handed to sinks), [`report`] (what many records
//! make), [`data`] (reading files).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ast;
pub mod check;
pub mod compile;
pub mod data;
pub mod diagnostic;
pub mod eval;
pub mod examples;
pub mod fmt;
pub mod human;
pub mod report;
pub mod run;
pub mod syntax;

use std::path::Path;

use serde_json::Value as Json;

pub use compile::Program;
pub use diagnostic::{RuleDiagnostic, RulesError};
pub use eval::{Failure, Status, Verdict};
/// The date crate of [`RunOptions::today`] and [`Ruleset::with_today`].
pub use jiff;
pub use report::{Report, Tally};
pub use run::{IntoRecord, Run};

/// How a batch of records is screened.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Shortlist length, overriding the ruleset's `limit`.
    pub top: Option<usize>,
    /// Keep every verdict in the report (`creators`).
    pub all: bool,
    /// The field that holds each creator's id.
    pub id_field: Option<String>,
    /// How many near misses to list (creators rejected by exactly one
    /// requirement, nearest to passing first); 0 for none.
    pub near_misses: usize,
    /// The run's date, that `days_since` counts to (`--today`); `None`:
    /// the ruleset's own ([`Ruleset::with_today`], else today in UTC, read
    /// by the clock once when the ruleset is compiled). [`Ruleset::screen`]
    /// honours it; [`Run`] borrows the ruleset and uses its date, so set
    /// it there with [`Ruleset::with_today`].
    pub today: Option<jiff::civil::Date>,
    /// The creator's own fields each verdict carries for a report's rows
    /// (`--columns`); a column no record has is an error.
    pub columns: Vec<report::rows::Column>,
    /// Work out every verdict's reasons, also of verdicts not kept in the
    /// report (rows that list rejected or review creators).
    pub reasons: bool,
}

/// A compiled ruleset.
#[derive(Debug, Clone)]
pub struct Ruleset {
    program: Program,
    /// Warnings about the file ([`check::warnings`]), each with its source.
    warnings: Vec<diagnostic::RuleDiagnostic>,
}

/// A rules file that could not be loaded: unreadable, or invalid.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// The file could not be read (`influence-eval check missing.rules`).
    #[error("cannot read rules file {path}: {source}")]
    #[diagnostic(code(influence::io), help("check the path of the rules file"))]
    Io {
        /// The path given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid UTF-8 text.
    #[error("rules file {path} is not UTF-8 text (invalid byte at offset {offset})")]
    #[diagnostic(code(influence::encoding), help("save the file as UTF-8"))]
    Encoding {
        /// The path given.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The file is larger than [`syntax::MAX_SOURCE_BYTES`]
    /// (`influence-eval check creators.json`, a data export given as rules).
    #[error("rules file {path} is {size}, more than the 1 MiB a rules file may hold")]
    #[diagnostic(
        code("influence::too-large"),
        help("a rules file holds criteria, not data: check that this is the rules file and not a data export; keep long lists (of handles, say) in the creator data and test a field there")
    )]
    TooLarge {
        /// The path given.
        path: String,
        /// Its size, as `100.0 MiB`, or `more than 1 MiB` when unknown (a pipe).
        size: String,
    },
    /// The file has errors.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] RulesError),
}

impl LoadError {
    /// Every diagnostic as JSON: one for an unreadable file, one per
    /// problem for an invalid one.
    pub fn to_json(&self) -> Vec<diagnostic::JsonDiagnostic> {
        match self {
            LoadError::Rules(e) => e.to_json(),
            LoadError::Io { path, .. }
            | LoadError::Encoding { path, .. }
            | LoadError::TooLarge { path, .. } => {
                vec![diagnostic::JsonDiagnostic::of(self).in_file(path)]
            }
        }
    }
}

/// Reads a rules file's text, no more than [`syntax::MAX_SOURCE_BYTES`] of
/// it: the file may be a huge export given by mistake, or endless
/// (`/dev/zero`). Every command that reads rules (`run`, `check`, `test`,
/// `fmt`, ...) reads them through here, so the limit is the same for all.
pub fn read_rules_file(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let name = path.display().to_string();
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let known_size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let mut bytes = Vec::new();
    file.take(syntax::MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > syntax::MAX_SOURCE_BYTES {
        let size = match known_size {
            Some(n) => syntax::human_size(n),
            None => "more than 1 MiB".to_string(),
        };
        return Err(LoadError::TooLarge { path: name, size });
    }
    String::from_utf8(bytes).map_err(|e| LoadError::Encoding {
        path: name.clone(),
        offset: e.utf8_error().valid_up_to(),
    })
}

impl Ruleset {
    /// Parses, checks and compiles rules text. `file` names it in diagnostics.
    ///
    /// Runs on a thread of its own with a deep stack, as the checks walk
    /// the tree recursively (see [`syntax::on_deep_stack`]).
    pub fn compile(file: &str, src: &str) -> Result<Ruleset, RulesError> {
        syntax::on_deep_stack(|| Self::compile_here(file, src))
    }

    fn compile_here(file: &str, src: &str) -> Result<Ruleset, RulesError> {
        let parsed = syntax::parse_recovering(src);
        let mut errors = parsed.errors;
        let Some(ast) = parsed.file else {
            return Err(RulesError::new(file, src, errors));
        };
        errors.extend(check::check_recovered(src, &ast, &parsed.broken));
        if !errors.is_empty() {
            return Err(RulesError::new(file, src, errors));
        }
        let warnings = RulesError::new(file, src, check::warnings(&ast)).diagnostics;
        Ok(Ruleset {
            program: compile::compile(file, src, ast),
            warnings,
        })
    }

    /// Warnings about a valid file, such as a bare name read as a field that
    /// looks like a typo of a let (docs/language.md, section 13); each
    /// carries the source it points into, for rendering.
    pub fn warnings(&self) -> &[diagnostic::RuleDiagnostic] {
        &self.warnings
    }

    /// Reads and compiles a rules file.
    pub fn from_file(path: &Path) -> Result<Ruleset, LoadError> {
        let src = read_rules_file(path)?;
        Ok(Ruleset::compile(&path.display().to_string(), &src)?)
    }

    /// The same rules, with one creator's evaluation allowed `steps` steps
    /// instead of [`eval::DEFAULT_MAX_STEPS`]; past them that creator is
    /// `error` (README, "Limits").
    pub fn with_max_steps(mut self, steps: u64) -> Ruleset {
        self.program.set_max_steps(steps);
        self
    }

    /// The same rules, with `today` as the run's date that `days_since`
    /// counts to, instead of the clock's date in UTC.
    pub fn with_today(mut self, today: jiff::civil::Date) -> Ruleset {
        self.program.set_today(today);
        self
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Evaluates one record (evaluate, screen and explain are the three
    /// things a ruleset does: one record, many, one creator in detail).
    /// Its id comes from the default id fields.
    pub fn evaluate(&self, record: &Json) -> Verdict {
        self.program.evaluate(record, 0, None)
    }

    /// [`Ruleset::evaluate`], the record being at `position` (0-based) in
    /// its input, its id read from `id_field` (a dotted path) when given.
    pub fn evaluate_at(&self, record: &Json, position: usize, id_field: Option<&str>) -> Verdict {
        self.program.evaluate(record, position, id_field)
    }

    /// [`Ruleset::evaluate`] for a record as read from a data file: a
    /// damaged record becomes a creator with status `error`, id `#N`, and
    /// a reason that starts with its line.
    pub fn evaluate_record(&self, record: &data::Record, id_field: Option<&str>) -> Verdict {
        self.verdict_of(record, Some(record.line), id_field, true)
    }

    /// The one evaluation of the run engine ([`run`]): a record as read,
    /// a record that is not an object saying on which `line` it starts
    /// (when known); `reasons` as in [`Program::evaluate_with`].
    pub(crate) fn verdict_of(
        &self,
        record: &data::Record,
        line: Option<usize>,
        id_field: Option<&str>,
        reasons: bool,
    ) -> Verdict {
        let position = record.position;
        let r = match &record.item {
            Ok(r) => r,
            Err(damage) => {
                return Verdict::error(
                    format!("#{}", position + 1),
                    position,
                    "record",
                    format!("line {}: {}", record.line, damage.0),
                )
            }
        };
        let mut v = self.program.evaluate_with(r, position, id_field, reasons);
        if let (Some(line), Status::Error) = (line, v.status) {
            if let Some(f) = v.failed.first_mut() {
                if f.rule == "record" {
                    f.reason = format!("line {line}: {}", f.reason);
                }
            }
        }
        v
    }

    /// Screens many records (in memory: JSON values, or records as read
    /// by [`data::read_from`]) into a report, as `run` does a file
    /// ([`Run`] screens a file or a stream, on many threads).
    pub fn screen<R: IntoRecord, I: IntoIterator<Item = R>>(
        &self,
        records: I,
        options: &RunOptions,
    ) -> Report {
        if let Some(d) = options.today.filter(|d| *d != self.program.today()) {
            return self.clone().with_today(d).screen(records, options);
        }
        run::memory::screen(self, records, options)
    }

    /// Explains the evaluation of the creator with id `id` among
    /// `records` (in memory), as `explain --id` does: its trace, its rank
    /// among every accepted creator; or the closest ids when none has it.
    /// `data_file` names the records in the error.
    pub fn explain<R: IntoRecord, I: IntoIterator<Item = R>>(
        &self,
        id: &str,
        records: I,
        options: &RunOptions,
        data_file: &str,
    ) -> Result<report::search::Explanation, report::search::UnknownId> {
        run::memory::explain(self, id, records, options, data_file)
    }

    /// One line on what the file declares.
    pub fn summary(&self) -> String {
        let p = &self.program;
        let examples = p
            .ast
            .decls
            .iter()
            .filter(|d| matches!(d.kind, ast::DeclKind::Example(_)))
            .count();
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let name = p
            .name
            .as_ref()
            .map(|n| format!("{n:?}: "))
            .unwrap_or_default();
        let order = |o: ast::Order| match o {
            ast::Order::Asc => "asc",
            ast::Order::Desc => "desc",
        };
        let first = p
            .rank
            .as_ref()
            .map_or("score".to_string(), |r| p.text(r.span).to_string());
        let rank = std::iter::once(format!("{first} {}", order(p.order)))
            .chain(
                p.tie_breaks
                    .iter()
                    .map(|(k, o)| format!("{} {}", p.text(k.span), order(*o))),
            )
            .collect::<Vec<_>>()
            .join(", ");
        let limit = p
            .limit
            .map_or("no limit".to_string(), |l| format!("limit {l}"));
        format!(
            "{name}{}, {}, {}, {}, {}; rank by {rank}, {limit}",
            plural(p.lets.len(), "let"),
            plural(p.requirements.len(), "requirement"),
            plural(p.signals.len(), "signal"),
            plural(p.tiers.len(), "tier"),
            plural(examples, "example"),
        )
    }
}
