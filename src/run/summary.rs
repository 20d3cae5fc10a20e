//! The summary report as a sink of the run engine: counts, the funnel, the
//! shortlist and the near misses ([`Tally`]), with the run's warnings
//! and skipped rows once the input is read.

use super::{Evaluated, Finished};
use crate::report::{Report, Tally};
use crate::{Ruleset, RunOptions};

/// Results of a run gathered into a [`Report`].
pub struct Summary<'p> {
    tally: Tally<'p>,
    id_field: Option<String>,
}

impl<'p> Summary<'p> {
    /// A report of `ruleset`'s run with `options`; `keep_all` keeps every
    /// verdict in it (`creators`), which a report written as it goes does
    /// not need.
    pub fn new(ruleset: &'p Ruleset, options: &RunOptions, keep_all: bool) -> Self {
        Summary {
            tally: Tally::new(ruleset.program(), options.top, keep_all)
                .with_near_misses(options.near_misses),
            id_field: options.id_field.clone(),
        }
    }

    /// Adds one result, in input order (its near miss, if it is one).
    pub fn add(&mut self, e: Evaluated) {
        if let (Some(d), Some(_)) = (e.distance, self.tally.near_miss(&e.verdict)) {
            self.tally.add_near_miss(&e.verdict, d);
        }
        self.tally.add(e.verdict);
    }

    /// The report, with what the run learnt besides the verdicts.
    pub fn finish(self, finished: &Finished) -> Report {
        let mut report = self.tally.finish();
        report.warnings = finished.warnings();
        (report.skipped, report.skipped_lines) = finished.skipped.clone();
        if report.id_field.is_none() {
            report.id_field = self.id_field;
        }
        report
    }
}
