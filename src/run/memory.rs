//! Records already in memory (the library's [`Ruleset::screen`] and
//! [`Ruleset::explain`]): evaluated on the caller's thread by the same
//! per-record step as a run over a file, into the same sinks.

use serde_json::Value as Json;

use super::summary::Summary;
use super::{Asked, Evaluated, Finished};
use crate::data::{Damage, Record};
use crate::report::Report;
use crate::run::search::{Explaining, Explanation, UnknownId};
use crate::{Ruleset, RunOptions};

/// A record in memory, as [`Ruleset::screen`] and [`Ruleset::explain`]
/// take it: a JSON value, or a [`Record`] as read from a data file
/// ([`crate::data::read_from`]), which may be damaged and knows its line.
pub trait IntoRecord {
    /// The record at `position` (0-based) among those given, and the line
    /// it starts on, when it has one.
    fn into_record(self, position: usize) -> (Record, Option<usize>);
}

impl IntoRecord for Json {
    fn into_record(self, position: usize) -> (Record, Option<usize>) {
        let item: Result<Json, Damage> = Ok(self);
        // a value in memory has no line
        (
            Record {
                position,
                line: 0,
                item,
            },
            None,
        )
    }
}

impl IntoRecord for Record {
    fn into_record(self, _: usize) -> (Record, Option<usize>) {
        let line = Some(self.line);
        (self, line)
    }
}

/// Evaluates each record of `records` with `asked`, observing its fields
/// in the census, and hands the result to `each`; returns how many.
fn each<R: IntoRecord, I: IntoIterator<Item = R>>(
    asked: &Asked,
    records: I,
    census: &mut crate::run::census::FieldCensus,
    mut each: impl FnMut(Evaluated),
) -> usize {
    let mut count = 0;
    for (position, r) in records.into_iter().enumerate() {
        let (record, line) = r.into_record(position);
        // a record in memory is whole: no key was skipped
        if let Some(e) = asked.take(census, record.view(), line, &[], &mut []) {
            each(e);
        }
        count += 1;
    }
    count
}

/// A record gathered by a first pass, with the line it had.
struct Gathered(Record, Option<usize>);

impl IntoRecord for Gathered {
    fn into_record(self, _: usize) -> (Record, Option<usize>) {
        (self.0, self.1)
    }
}

/// For rules that call cohort functions (and have no population yet): the
/// records, gathered in memory so as to be read twice, and the ruleset
/// with the population they make (the first pass).
fn first_pass<R: IntoRecord, I: IntoIterator<Item = R>>(
    ruleset: &Ruleset,
    records: I,
) -> Result<(Ruleset, Vec<Gathered>), I> {
    let options = RunOptions::default();
    let asked = Asked::of(ruleset, &options);
    if !asked.needs_population() {
        return Err(records);
    }
    let mut population = asked.populations();
    let gathered: Vec<Gathered> = records
        .into_iter()
        .enumerate()
        .map(|(position, r)| {
            let (record, line) = r.into_record(position);
            if let Ok(r) = record.view().item {
                crate::eval::cohort::collect(ruleset.program(), r, &mut population[0]);
            }
            Gathered(record, line)
        })
        .collect();
    let mut population = population.swap_remove(0);
    population.finish();
    Ok((ruleset.with_population(population), gathered))
}

/// [`Ruleset::screen`].
pub(crate) fn screen<R: IntoRecord, I: IntoIterator<Item = R>>(
    ruleset: &Ruleset,
    records: I,
    options: &RunOptions,
) -> Report {
    let records = match first_pass(ruleset, records) {
        Ok((populated, gathered)) => return screen(&populated, gathered, options),
        Err(records) => records,
    };
    let asked = Asked::of(ruleset, options);
    let mut census = asked.census();
    let mut summary = Summary::new(ruleset, options, options.all);
    let count = each(&asked, records, &mut census, |e| summary.add(e));
    summary.finish(&Finished {
        count,
        stopped: false,
        census,
        notes: Vec::new(),
        skipped: (0, Vec::new()),
        populated: None,
    })
}

/// [`Ruleset::explain`].
pub(crate) fn explain<R: IntoRecord, I: IntoIterator<Item = R>>(
    ruleset: &Ruleset,
    id: &str,
    records: I,
    options: &RunOptions,
    data_file: &str,
) -> Result<Explanation, UnknownId> {
    let records = match first_pass(ruleset, records) {
        Ok((populated, gathered)) => return explain(&populated, id, gathered, options, data_file),
        Err(records) => records,
    };
    let mut search = Explaining::new(ruleset, id, options);
    let wanted = search.wanted();
    let mut asked = Asked::of(ruleset, options);
    asked.keep = Some(&wanted);
    let mut census = asked.census();
    each(&asked, records, &mut census, |e| search.add(e));
    search.finish(data_file)
}
