//! influence-eval: a rules language and interpreter for choosing brand
//! ambassadors from creator data.
//!
//! A brand writes what it wants in a `.rules` file (docs/language.md is the
//! language's reference): requirements a creator must meet, signals that
//! score those who do, tiers and a ranking. This library compiles such a
//! file once into a [`Ruleset`] and runs it over any number of creator
//! records (`serde_json::Value` objects). The `influence-eval` command
//! (README.md) is a thin face over the same library: it adds the readers
//! for data files and the report formats.
//!
//! # Compile once
//!
//! [`Ruleset::compile`] parses, checks and compiles rules text; `file`
//! only names it in diagnostics. [`Ruleset::from_file`] reads a file first
//! (a [`LoadError`] when it cannot be read). A ruleset is immutable,
//! `Send` and `Sync`: share one between threads.
//!
//! ```
//! use influence_eval::Ruleset;
//!
//! let rules = Ruleset::compile("brand.rules", r#"
//!     require micro:   followers between 1k and 10k
//!     require engaged: engagement_rate >= 3%
//!     signal engagement = engagement_rate / 8%
//! "#).expect("valid rules");
//! assert_eq!(
//!     rules.summary(),
//!     "0 lets, 2 requirements, 1 signal, 0 tiers, 0 examples; rank by score desc, no limit"
//! );
//! ```
//!
//! # Evaluate one record
//!
//! [`Ruleset::evaluate`] gives one creator's [`Verdict`]: a [`Status`],
//! the weighted score, the tier, and a [`Failure`] for each requirement
//! not met, its reason naming the values. A missing field is never an
//! error: each requirement says what missing means (`when missing`).
//!
//! ```
//! use influence_eval::{Cause, Ruleset, Status};
//! use serde_json::json;
//!
//! let rules = Ruleset::compile("brand.rules", r#"
//!     require micro:   followers between 1k and 10k
//!     require engaged: engagement_rate >= 3%
//!     signal engagement = engagement_rate / 8%
//! "#).expect("valid rules");
//!
//! let maya = rules.evaluate(&json!({"handle": "maya", "followers": 4200, "engagement_rate": 0.06}));
//! assert_eq!(maya.status, Status::Accepted);
//! assert_eq!(maya.score, Some(0.75));
//!
//! let tiny = rules.evaluate(&json!({"handle": "tiny", "followers": 512, "engagement_rate": 0.06}));
//! assert_eq!(tiny.status, Status::Rejected);
//! assert_eq!(tiny.failed[0].rule, "micro");
//! assert_eq!(tiny.failed[0].reason, "followers is 512, needs between 1000 and 10000");
//! // the same, as data: no need to parse the English
//! let Some(Cause::Between { field, value, low, .. }) = tiny.failed[0].cause.as_deref() else {
//!     panic!("a between")
//! };
//! assert_eq!((field.as_str(), value.json(), low.json()), ("followers", &json!(512), &json!(1000)));
//!
//! // a verdict serialises as `--all` writes it
//! let json = serde_json::to_value(&tiny).expect("a verdict serialises");
//! assert_eq!(json["status"], "rejected");
//! ```
//!
//! # Screen many
//!
//! [`Ruleset::screen`] evaluates a batch into a [`Report`]: the counts, the
//! funnel (what each requirement removed, in file order), the ranked
//! shortlist and, on request ([`RunOptions`]), the near misses and every
//! verdict. Its JSON is `influence-eval run --format json`'s.
//!
//! ```
//! use influence_eval::{Ruleset, RunOptions};
//! use serde_json::json;
//!
//! let rules = Ruleset::compile("brand.rules", r#"
//!     require micro: followers between 1k and 10k
//!     signal reach = followers / 10k
//!     limit 2
//! "#).expect("valid rules");
//! let creators = vec![
//!     json!({"handle": "ana", "followers": 9000}),
//!     json!({"handle": "ben", "followers": 3000}),
//!     json!({"handle": "cal", "followers": 6000}),
//!     json!({"handle": "dee", "followers": 11000}),
//! ];
//! let options = RunOptions { near_misses: 5, ..RunOptions::default() };
//! let report = rules.screen(creators, &options);
//!
//! assert_eq!((report.evaluated, report.accepted, report.rejected), (4, 3, 1));
//! let shortlist: Vec<&str> = report.shortlist.iter().map(|e| e.id.as_str()).collect();
//! assert_eq!(shortlist, ["ana", "cal"]); // `limit 2`, best score first
//! assert_eq!(report.funnel[0].removed, 1);
//! let near = &report.near_misses.as_ref().expect("asked for")[0];
//! assert_eq!((near.id.as_str(), near.rule.as_str()), ("dee", "micro"));
//! ```
//!
//! Records that arrive one at a time (a stream, a queue) are screened from
//! any iterator, in input order; only the report is held, not the records.
//!
//! ```
//! use influence_eval::{Ruleset, RunOptions};
//! use serde_json::json;
//!
//! let rules = Ruleset::compile("brand.rules", "require micro: followers between 1k and 10k")
//!     .expect("valid rules");
//! let stream = [500, 5000, 50000].into_iter().map(|f| json!({"followers": f}));
//! let report = rules.screen(stream, &RunOptions::default());
//! assert_eq!(report.accepted, 1);
//! assert_eq!(report.shortlist[0].id, "#2"); // no id field: the record's place
//! ```
//!
//! # Explain one
//!
//! [`Ruleset::explain`] shows a creator's whole evaluation as a [`Trace`]:
//! every let, requirement, signal and tier with the values it read, what
//! it came to and, for a failed requirement, how far off the creator is
//! (a [`Distance`]). Its JSON is `influence-eval explain --format json`'s;
//! its `Display` is the text form. [`Ruleset::explain_among`] explains one
//! creator among many, as `explain --id` does: with its rank among the
//! accepted.
//!
//! ```
//! use influence_eval::{RequirementOutcome, Ruleset};
//! use serde_json::json;
//!
//! let rules = Ruleset::compile("brand.rules", "require micro: followers between 1k and 10k")
//!     .expect("valid rules");
//! let trace = rules.explain(&json!({"handle": "dee", "followers": 10412}));
//!
//! let micro = &trace.requirements[0];
//! assert_eq!(micro.outcome, RequirementOutcome::Fail);
//! assert_eq!(micro.distance[0].text, "followers 10,412: 412 above the maximum 10,000");
//! assert!(trace.to_string().contains("412 above the maximum 10,000"));
//! ```
//!
//! # Read diagnostics
//!
//! Rules that do not compile give a [`RulesError`] holding every problem
//! at once, in source order, each a [`RuleDiagnostic`]: a stable `code`, a
//! message, the place ([`Span`]) and computed help (the nearest name, the
//! fields available). Each is a `miette::Diagnostic`;
//! [`render_diagnostic`] draws it as the command line does, and
//! [`RuleDiagnostic::to_json`] gives `--error-format json`'s object.
//!
//! ```
//! use influence_eval::{render_diagnostic, Ruleset};
//!
//! let src = "require micro: followers between 1k and 10k\nsignal voice = lowr(bio) == \"skincare\"\nrequire big: followers > \"many\"\n";
//! let err = Ruleset::compile("brand.rules", src).expect_err("two mistakes");
//! assert_eq!(err.diagnostics.len(), 2);
//!
//! let first = &err.diagnostics[0];
//! assert_eq!(first.line_col(src), (2, 16));
//! assert!(first.help.as_deref().unwrap_or("").contains("lower"));
//!
//! let json = first.to_json();
//! assert_eq!((json.line, json.column), (Some(2), Some(16)));
//! let shown = render_diagnostic(first, false, Some(80));
//! assert!(shown.contains(first.code));
//! ```
//!
//! Valid rules may still carry warnings ([`Ruleset::warnings`]), such as a
//! bare name read as a field that looks like a typo of a let.
//!
//! # Budgets and dates
//!
//! One creator's evaluation may take [`DEFAULT_MAX_STEPS`] steps before it
//! is `error` ([`Ruleset::with_max_steps`] changes it), and `days_since`
//! counts to the run's date: today in UTC, or [`Ruleset::with_today`].
//!
//! ```
//! use influence_eval::{jiff, Ruleset, Status};
//! use serde_json::json;
//!
//! let rules = Ruleset::compile("fresh.rules", "require fresh: days_since(last_post) <= 30")
//!     .expect("valid rules")
//!     .with_today(jiff::civil::date(2026, 12, 2));
//! let v = rules.evaluate(&json!({"last_post": "2026-11-20"}));
//! assert_eq!(v.status, Status::Accepted);
//! ```
//!
//! Outcomes are data: each entry of [`Verdict::failed`] is a [`Failure`]
//! naming its rule by index ([`Rule`]) and carrying a [`Cause`] with the
//! values involved (a wrong-kind value as an [`EvalErrorKind`], a
//! damaged record as a [`DamageKind`] with its line); its `reason`
//! is that cause in English, written once by the cause's `Display`, and
//! its `rule` the rule's name. A run that shows only the shortlist leaves
//! the name, reason and cause of a rejected creator's failures empty (see
//! [`Failure`]): they cost nothing unless a report shows them.
//!
//! A ruleset does three things: [`Ruleset::evaluate`] one record,
//! [`Ruleset::screen`] many, [`Ruleset::explain`] one (alone, or
//! [`Ruleset::explain_among`] many). The command line reads files through
//! one run engine that decodes and evaluates records on as many threads as
//! asked and hands the verdicts, in input order, to the report's writers.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ast;
mod check;
#[doc(hidden)]
pub mod cli;
mod compile;
mod data;
mod diagnostic;
mod eval;
mod examples;
mod explain;
mod formatter;
mod language;
mod load;
mod lsp;
mod report;
mod run;
mod select;
mod sql;
mod syntax;
#[doc(hidden)]
pub mod testing;

use std::path::Path;

use serde_json::Value as Json;

pub use ast::{Order, Span, WhenMissing};
use compile::Program;
pub use data::{DamageKind, QuoteEnd};
pub use diagnostic::{
    render as render_diagnostic, JsonDiagnostic, JsonLabel, RuleDiagnostic, RulesError,
};
pub use eval::{
    Cause, EvalErrorKind, Failure, Fix, MissingCause, Needed, RankKey, Rule, Shown, SignalValue,
    Signals, Status, Verdict, DEFAULT_MAX_STEPS,
};
pub use explain::trace::{
    CohortTrace, Evaluated, LetTrace, RankTrace, Read, RequirementOutcome, RequirementTrace,
    SignalTrace, Step, TierOutcome, TierTrace, Trace,
};
pub use explain::Distance;
/// The date crate of [`RunOptions::today`] and [`Ruleset::with_today`].
pub use jiff;
use load::read_rules_file;
pub use load::LoadError;
pub use report::rows::Column;
pub use report::{
    FunnelStep, NearMiss, Report, ScoreSpread, ShortlistEntry, TierSpread, SCORE_BINS,
};
pub use run::search::{Explanation, UnknownId};
pub use run::IntoRecord;
pub use syntax::MAX_SOURCE_BYTES;

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
    /// honours it; the command line's run engine borrows the ruleset and
    /// uses its date, so set it there with [`Ruleset::with_today`].
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

impl Ruleset {
    /// Parses, checks and compiles rules text. `file` names it in diagnostics.
    ///
    /// Runs on a thread of its own with a deep stack, as the checks walk
    /// the tree recursively: a deeply nested expression is an error, never
    /// a stack overflow.
    pub fn compile(file: &str, src: &str) -> Result<Ruleset, RulesError> {
        syntax::on_deep_stack(|| Self::compile_here(file, src))
    }

    fn compile_here(file: &str, src: &str) -> Result<Ruleset, RulesError> {
        Self::compile_parsed(file, src, syntax::parse_recovering(src))
    }

    /// [`Ruleset::compile`] of a file already parsed (the language server
    /// keeps the tree of a file with errors too).
    pub(crate) fn compile_parsed(
        file: &str,
        src: &str,
        parsed: syntax::Parsed,
    ) -> Result<Ruleset, RulesError> {
        syntax::on_deep_stack(|| Self::check_and_compile(file, src, parsed))
    }

    fn check_and_compile(
        file: &str,
        src: &str,
        parsed: syntax::Parsed,
    ) -> Result<Ruleset, RulesError> {
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
            program: compile::compile(file, src, ast, eval::eval_constant),
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

    /// The same rules, with `timeout` as how long the search for a
    /// `select` team may take (and again each constraint's cost); without
    /// `select`, the same rules.
    pub fn with_select_timeout(mut self, timeout: std::time::Duration) -> Ruleset {
        if let Some(team) = &mut self.program.select {
            team.timeout = timeout;
        }
        self
    }

    /// The same rules, with `today` as the run's date that `days_since`
    /// counts to, instead of the clock's date in UTC.
    pub fn with_today(mut self, today: jiff::civil::Date) -> Ruleset {
        self.program.set_today(today);
        self
    }

    /// This ruleset with the run's population, which its cohort functions
    /// read (collected by a first pass over the data).
    pub(crate) fn with_population(&self, p: language::cohort::Population) -> Ruleset {
        Ruleset {
            program: self.program.with_population(p),
            warnings: self.warnings.clone(),
        }
    }

    /// The compiled program.
    pub(crate) fn program(&self) -> &Program {
        &self.program
    }

    /// True when the rules call a cohort function (`percentile`,
    /// `cohort_median`, `cohort_size`), whose values depend on the other
    /// creators of a run: [`Ruleset::screen`] then reads its records
    /// twice, and [`Ruleset::evaluate`] makes the record a cohort of its
    /// own.
    pub fn uses_cohorts(&self) -> bool {
        self.program.uses_cohorts()
    }

    /// Evaluates one record. Its id comes from the default id fields.
    ///
    /// A record evaluated alone has no other creators: for the cohort
    /// functions it is a cohort of its own (`percentile` 0,
    /// `cohort_median` its own value, `cohort_size` 1). Give every record
    /// to [`Ruleset::screen`] to evaluate each among the others.
    pub fn evaluate(&self, record: &Json) -> Verdict {
        self.program.evaluate(record, 0, None)
    }

    /// Explains one record's evaluation, as `influence-eval explain` does:
    /// every let, requirement, signal and tier with the values each read,
    /// and how far a failed requirement is from passing. The trace
    /// serialises to `explain --format json`'s object; its `Display` is the
    /// text form, without colour. Rank and shortlist need the other
    /// creators, so they are left empty here.
    pub fn explain(&self, record: &Json) -> Trace {
        self.program.trace(Some(record), &self.evaluate(record))
    }

    /// Evaluates one record at `position` (0-based) in its input, its id
    /// read from `id_field` (a dotted path) when given.
    pub fn evaluate_at(&self, record: &Json, position: usize, id_field: Option<&str>) -> Verdict {
        self.program.evaluate(record, position, id_field)
    }

    /// The one evaluation of the run engine ([`run`]): a record as read; a
    /// record that is not an object says on which `line` it starts (when
    /// known: records in memory have none); `reasons` as in
    /// [`Program::evaluate_with`].
    pub(crate) fn verdict_of(
        &self,
        record: &data::View,
        line: Option<usize>,
        id_field: Option<&str>,
        reasons: bool,
    ) -> Verdict {
        let position = record.position;
        match record.item {
            Ok(r) => self
                .program
                .evaluate_from(r, position, line, id_field, reasons),
            Err(damage) => Verdict::damaged(position, record.line, damage),
        }
    }

    /// Screens many records (JSON values, from memory or any iterator:
    /// a stream, a queue) into a report, as `run` does a file: the counts,
    /// the funnel, the ranked shortlist, and on request the near misses
    /// and every verdict.
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

    /// Explains the creator with id `id` among `records`, as `explain --id`
    /// does: its trace with its rank among every accepted creator; or the
    /// closest ids when none has it. `data_file` names the records in the
    /// error. ([`Ruleset::explain`] explains one record alone.)
    pub fn explain_among<R: IntoRecord, I: IntoIterator<Item = R>>(
        &self,
        id: &str,
        records: I,
        options: &RunOptions,
        data_file: &str,
    ) -> Result<Explanation, UnknownId> {
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
        let limit = match (&p.select, p.limit) {
            (Some(t), _) => format!(
                "select {} under {} constraint{}",
                t.size,
                t.constraints.len(),
                if t.constraints.len() == 1 { "" } else { "s" }
            ),
            (None, l) => l.map_or("no limit".to_string(), |l| format!("limit {l}")),
        };
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
