//! The run engine: the one place that reads records, decodes them and
//! evaluates them, on one thread or several, and hands each result, in
//! input order, to a sink. Every command that reads data goes through it:
//! `run` in every format (the summary report, ndjson and csv, xlsx, html),
//! `explain --id` (the search for one creator), `check --data` (the field
//! census alone, nothing evaluated) and `diff` (two rulesets over each
//! record). What a sink needs beyond the verdict (the distance to passing
//! of a possible near miss, the `--columns` values, the decoded record of
//! the creator explained, a second ruleset's verdict) is worked out on the
//! worker threads, and only when asked for.
//!
//! A reader thread cuts the input into batches of undecoded records
//! ([`data::read_batches`]); workers decode and evaluate them
//! ([`worker`]); the caller's thread takes the results back in input order
//! ([`engine`]). The results are the same, byte for byte, whatever the
//! number of threads.

pub(crate) mod census;
mod engine;
mod filter;
pub(crate) mod memory;
mod order;
pub(crate) mod search;
pub mod summary;
mod worker;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::data::{self, DataError, Format, Input, Note};
use crate::eval::Verdict;
use crate::explain::Distance;
use crate::language::cohort::Population;
use crate::report::stream::{LineSpec, Rendered};
use crate::run::census::FieldCensus;
use crate::{Ruleset, RunOptions};

pub use memory::IntoRecord;

/// One record's result, as a sink receives it.
#[derive(Debug)]
pub struct Evaluated {
    /// Its verdict (ranks are left to the sinks: they need every creator).
    pub verdict: Verdict,
    /// The verdict of the second ruleset ([`Run::against`]), for `diff`
    /// (boxed, as the record below: results are moved from thread to sink
    /// by value, and most runs have neither).
    pub other: Option<Box<Verdict>>,
    /// Its distance to passing, when it may be a near miss
    /// ([`RunOptions::near_misses`]).
    pub distance: Option<Vec<Distance>>,
    /// The values of [`RunOptions::columns`] in its record (nulls for a
    /// damaged record).
    pub columns: Vec<Json>,
    /// The line of the input it starts on.
    pub line: usize,
    /// The decoded record, when [`Run::keeping`] asked for it (the fields
    /// the rules read, and the id's).
    pub record: Option<Box<Json>>,
    /// The verdict's line, when [`Run::rendering`] asked for lines and it
    /// is a row of theirs (the verdict is then left hollow, unless the
    /// lines are `creators`: see [`crate::report::stream::LineMaker::make`]).
    pub rendered: Option<std::io::Result<Rendered>>,
}

/// What a run asks of every worker; shared by all of them.
#[derive(Clone, Copy)]
pub(crate) struct Asked<'r> {
    ruleset: &'r Ruleset,
    other: Option<&'r Ruleset>,
    options: &'r RunOptions,
    /// False for a census alone (`check --data`).
    evaluate: bool,
    /// Work out every verdict's reasons (else only those a report shows).
    reasons: bool,
    keep: Option<&'r (dyn Fn(&str) -> bool + Sync)>,
    /// Collect the population of the cohort functions (the first pass of
    /// a run whose rules call them), evaluating nothing else.
    collect: bool,
    /// Make each verdict's line, on the worker threads.
    lines: Option<&'r LineSpec<'r>>,
}

impl<'r> Asked<'r> {
    /// What a run of `ruleset` with `options` works out by default.
    fn of(ruleset: &'r Ruleset, options: &'r RunOptions) -> Self {
        Asked {
            ruleset,
            other: None,
            options,
            evaluate: true,
            // only verdicts that are shown need their reasons
            reasons: options.all || options.reasons || options.near_misses > 0,
            keep: None,
            collect: false,
            lines: None,
        }
    }

    /// The rulesets of the run, in order (the second for `diff`).
    fn rulesets(&self) -> impl Iterator<Item = &'r Ruleset> {
        std::iter::once(self.ruleset).chain(self.other)
    }

    /// True when some ruleset of the run calls a cohort function and has no
    /// population yet: the run reads the data twice.
    fn needs_population(&self) -> bool {
        self.rulesets().any(|r| {
            let p = r.program();
            p.uses_cohorts() && p.population.is_none()
        })
    }

    /// Empty populations, one per ruleset, to collect into.
    fn populations(&self) -> Vec<Population> {
        self.rulesets()
            .map(|r| Population::new(r.program().cohorts.len()))
            .collect()
    }

    /// A new census of the fields the rules, `--id-field` and `--columns` read.
    fn census(&self) -> FieldCensus {
        FieldCensus::new(self.ruleset.program())
            .with_id_field(self.options.id_field.as_deref())
            .with_columns(&self.options.columns)
    }
}

/// A run over one input: what to read, with which rules, on how many
/// threads, and what to work out for the sinks. [`Run::each`] runs it.
pub struct Run<'r> {
    asked: Asked<'r>,
    input: &'r Input,
    format: Option<Format>,
    threads: usize,
    bytes: Option<Arc<AtomicU64>>,
}

impl<'r> Run<'r> {
    /// A run of `ruleset` over `input`, on the caller's thread alone.
    pub fn new(ruleset: &'r Ruleset, input: &'r Input, options: &'r RunOptions) -> Self {
        Run {
            asked: Asked::of(ruleset, options),
            input,
            format: None,
            threads: 1,
            bytes: None,
        }
    }

    /// Reads the input as `format` (`--format-in`), not as its extension
    /// or first bytes say.
    pub fn format(mut self, format: Option<Format>) -> Self {
        self.format = format;
        self
    }

    /// Decodes and evaluates on `threads` threads (1: all on the caller's).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Adds the bytes read to `bytes` as they are read (a progress display).
    pub fn counting(mut self, bytes: Arc<AtomicU64>) -> Self {
        self.bytes = Some(bytes);
        self
    }

    /// Also evaluates each record with `other` ([`Evaluated::other`]).
    pub fn against(mut self, other: &'r Ruleset) -> Self {
        self.asked.other = Some(other);
        self
    }

    /// Keeps the decoded record of every creator whose id `keep` accepts
    /// ([`Evaluated::record`]).
    pub fn keeping(mut self, keep: &'r (dyn Fn(&str) -> bool + Sync)) -> Self {
        self.asked.keep = Some(keep);
        self
    }

    /// Makes each verdict's line as `lines` says, on the worker threads
    /// ([`Evaluated::rendered`]), so that the sink only copies them.
    pub fn rendering(mut self, lines: &'r LineSpec<'r>) -> Self {
        self.asked.lines = Some(lines);
        self
    }

    /// Evaluates nothing: the run only takes the census of the fields.
    pub fn census_only(mut self) -> Self {
        self.asked.evaluate = false;
        self
    }

    /// Runs: hands every record's result, in input order, to `each` (which
    /// returns false to stop reading), and `progress` how many records
    /// each batch held. A record that cannot be read is an error, as is
    /// `--id-field` or a `--column` that no record has.
    ///
    /// Rules that call a cohort function read the data twice: a first
    /// pass collects the population ([`Population`]), which the second
    /// evaluates against; standard input is copied to a temporary file
    /// for it. Progress is counted in the second pass.
    pub fn each(
        &self,
        progress: &mut dyn FnMut(usize),
        each: &mut dyn FnMut(Evaluated) -> bool,
    ) -> Result<Finished, DataError> {
        if self.asked.evaluate && self.asked.needs_population() {
            let input = self.input.readable_twice()?;
            let populations = self.collect(&input)?;
            let mut with = populations
                .into_iter()
                .zip(self.asked.rulesets())
                .map(|(p, r)| r.with_population(p));
            let ruleset = with.next().expect("a run has a ruleset");
            let other = with.next();
            let second = Run {
                asked: Asked {
                    ruleset: &ruleset,
                    other: other.as_ref(),
                    ..self.asked
                },
                input: &input,
                format: self.format,
                threads: self.threads,
                bytes: self.bytes.clone(),
            };
            let mut finished = second.each(progress, each)?;
            finished.populated = Some(ruleset);
            return Ok(finished);
        }
        let zero = AtomicU64::new(0);
        let bytes = self.bytes.as_deref().unwrap_or(&zero);
        let (finished, _) = engine::run(self, bytes, progress, each)?;
        if finished.count > 0 && !finished.stopped {
            let census = &finished.census;
            if let Some((message, help)) = census.id_missing().or_else(|| census.columns_missing())
            {
                return Err(DataError::plain(&self.input.name(), message, Some(help)));
            }
        }
        Ok(finished)
    }
}

impl Run<'_> {
    /// The first pass of a run whose rules call cohort functions: reads
    /// `input` (a file, or standard input's copy) and collects each
    /// ruleset's population, evaluating nothing else.
    fn collect(&self, input: &Input) -> Result<Vec<Population>, DataError> {
        let first = Run {
            asked: Asked {
                evaluate: false,
                collect: true,
                lines: None,
                ..self.asked
            },
            input,
            format: self.format,
            threads: self.threads,
            bytes: None,
        };
        let zero = AtomicU64::new(0);
        let (_, mut populations) = engine::run(&first, &zero, &mut |_| {}, &mut |_| true)?;
        for p in &mut populations {
            p.finish();
        }
        Ok(populations)
    }
}

/// What a run learnt besides the verdicts.
#[derive(Debug)]
pub struct Finished {
    /// How many records were read.
    pub count: usize,
    /// True when a sink stopped the run before the end of the input.
    pub stopped: bool,
    /// Which fields the records had.
    pub census: FieldCensus,
    /// What is worth a warning about the data's shape ([`data::Note`]).
    pub notes: Vec<Note>,
    /// Rows skipped as empty (every cell blank): how many, and the lines
    /// of the first [`crate::report::SKIPPED_LINES`].
    pub skipped: (usize, Vec<usize>),
    /// The ruleset with the run's population, when its rules call cohort
    /// functions (the run read the data twice).
    pub(crate) populated: Option<Ruleset>,
}

impl Finished {
    /// A run's warnings: where the records were found in a JSON object,
    /// what changes values read, and the fields no record has (said only
    /// of a run that read every record).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .notes
            .iter()
            .filter(|n| n.code == data::RECORDS_NOTE_CODE || n.code == "influence::decimal-comma")
            .map(|n| n.message.clone())
            .collect();
        if self.count > 0 && !self.stopped {
            warnings.extend(self.census.warnings());
        }
        warnings
    }

    /// [`Finished::warnings`], with one more on the rows skipped as empty
    /// (for the formats whose report does not list them).
    pub fn warnings_with_skipped(&self) -> Vec<String> {
        let mut warnings = self.warnings();
        let (skipped, lines) = &self.skipped;
        if *skipped > 0 {
            let first: Vec<String> = lines.iter().take(10).map(|l| l.to_string()).collect();
            let s = |n: usize| if n == 1 { "" } else { "s" };
            warnings.push(format!(
                "skipped {skipped} empty row{} (every cell blank), no creator{}: line{} {}{}",
                s(*skipped),
                s(*skipped),
                s(first.len()),
                first.join(", "),
                if *skipped > first.len() { ", ..." } else { "" }
            ));
        }
        warnings
    }
}
