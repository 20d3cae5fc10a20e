//! Screening a whole input, on one thread or several. A reader thread cuts
//! the input into batches of undecoded records; workers decode them (only
//! the fields the rules read) and evaluate every record; the caller's
//! thread takes the results back in input order and builds the report. The
//! report is the same, byte for byte, whatever the number of threads.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

use crate::check::fields::FieldCensus;
use crate::data::sparse::FieldFilter;
use crate::data::{self, DataError, Fault, Format, Input, RawBatch};
use crate::eval::{Status, Verdict};
use crate::explain::Distance;
use crate::report::rows::Column;
use crate::report::{Report, Screening};
use crate::{Ruleset, RunOptions};

/// Stack of each evaluating thread: twice what the deepest evaluation takes
/// in a debug build (some 7 MiB, `eval::Frame::eval`), a few percent of it
/// in a release build; reserved, not used, by the threads that do not need it.
const WORKER_STACK: usize = 16 << 20;

/// What a worker made of one batch.
struct Done {
    /// Each verdict with its distance to passing (a possible near miss)
    /// and its `--columns` values.
    verdicts: Vec<(Verdict, Option<Vec<Distance>>, Vec<Json>)>,
    /// A syntax error inside a JSON array, after the verdicts above.
    fault: Option<Fault>,
}

/// Decodes and evaluates batches; keeps its own census of fields seen.
struct Worker<'r> {
    ruleset: &'r Ruleset,
    filter: &'r FieldFilter,
    options: &'r RunOptions,
    reasons: bool,
    census: FieldCensus,
}

impl<'r> Worker<'r> {
    fn new(ruleset: &'r Ruleset, filter: &'r FieldFilter, options: &'r RunOptions) -> Self {
        Worker {
            ruleset,
            filter,
            options,
            // only verdicts that are shown need their reasons
            reasons: options.all || options.reasons || options.near_misses > 0,
            census: FieldCensus::new(ruleset.program())
                .with_id_field(options.id_field.as_deref())
                .with_columns(&options.columns),
        }
    }

    fn work(&mut self, batch: &RawBatch) -> Done {
        let mut verdicts = Vec::with_capacity(batch.len());
        let mut unread = Vec::new();
        for i in 0..batch.len() {
            unread.clear();
            let keys = self.census.wants_keys().then_some(&mut unread);
            let record = match batch.decode(i, self.filter, keys) {
                Ok(r) => r,
                Err(fault) => {
                    return Done {
                        verdicts,
                        fault: Some(fault),
                    }
                }
            };
            let id_field = self.options.id_field.as_deref();
            let v = self
                .ruleset
                .verdict_of(&record, record.position, id_field, self.reasons);
            let mut distance = None;
            // a damaged record has no values: one null per column
            let mut columns = vec![Json::Null; self.options.columns.len()];
            if let Ok(r) = &record.item {
                if !self.options.columns.is_empty() {
                    columns = Column::values(&self.options.columns, r);
                }
                self.census.observe(r);
                self.census.observe_unread(&unread);
                // a creator rejected by exactly one requirement may be a near miss
                if self.options.near_misses > 0
                    && v.status == Status::Rejected
                    && v.failed.len() == 1
                {
                    distance = v.failed[0]
                        .requirement()
                        .map(|i| self.ruleset.program().distance(r, i));
                }
            }
            verdicts.push((v, distance, columns));
        }
        Done {
            verdicts,
            fault: None,
        }
    }
}

impl Ruleset {
    /// The top-level fields a run needs: those the rules read, those an id
    /// may come from, and those `columns` read; every field when a rule
    /// reads the whole `creator`.
    pub(crate) fn field_filter_with(
        &self,
        id_field: Option<&str>,
        columns: &[Column],
    ) -> FieldFilter {
        let p = self.program();
        if p.reads_whole_record() {
            return FieldFilter::all();
        }
        let wanted = columns.iter().flat_map(|c| {
            // a dotted name may be one key (`whole`) or a path
            c.whole
                .iter()
                .map(String::as_str)
                .chain(c.path.first().map(String::as_str))
        });
        let rules = p.fields.iter().map(|f| f[0].as_str()).chain(wanted);
        match id_field {
            // a dotted path's first key (or the whole, a key holding a dot)
            Some(f) => FieldFilter::only(rules.chain([f, f.split('.').next().unwrap_or(f)])),
            // the id keys are found by `is_id_key`, exactly written or not:
            // a shorter list to scan for every other key
            None => FieldFilter::only(rules).with_id_keys(),
        }
    }

    /// Screens every record of `input` on `threads` threads (1: all on the
    /// caller's). `bytes` counts the bytes read and `progress` is told how
    /// many records each batch held, both for a progress display.
    pub(crate) fn screen_input(
        &self,
        input: &Input,
        format: Option<Format>,
        options: &RunOptions,
        threads: usize,
        bytes: &AtomicU64,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Report, DataError> {
        self.screen_rows(input, format, options, threads, bytes, progress, |_, _| {})
    }

    /// Screens every record of `input` into a report, as
    /// [`Ruleset::screen_input`] does, also showing `each` every verdict
    /// (in input order, before the report takes it) with the values of
    /// `options.columns` in its record: the rows of a report are chosen so
    /// ([`crate::report::rows::Picker`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn screen_rows(
        &self,
        input: &Input,
        format: Option<Format>,
        options: &RunOptions,
        threads: usize,
        bytes: &AtomicU64,
        progress: &mut dyn FnMut(usize),
        mut each: impl FnMut(&Verdict, &[Json]),
    ) -> Result<Report, DataError> {
        let mut screening = Screening::new(self.program(), options.top, options.all)
            .with_near_misses(options.near_misses);
        let read = self.pipeline(
            input,
            format,
            options,
            threads,
            bytes,
            progress,
            |v, d, c| {
                each(&v, &c);
                if let (Some(d), Some(_)) = (d, screening.near_miss(&v)) {
                    screening.add_near_miss(&v, d);
                }
                screening.add(v);
                true
            },
        );
        let (warnings, skipped) = read?;
        let mut report = screening.finish();
        report.warnings = warnings;
        (report.skipped, report.skipped_lines) = skipped;
        if report.id_field.is_none() {
            report.id_field = options.id_field.clone();
        }
        Ok(report)
    }

    /// Screens every record of `input` as [`Ruleset::screen_input`] does,
    /// handing each verdict, in input order, to `each` (which returns false
    /// to stop reading) instead of building a report, with the values of
    /// `options.columns` in its record (empty without columns): the
    /// verdicts are those of `--all`, ranks left out. Returns the warnings
    /// for fields no record has.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn screen_lines(
        &self,
        input: &Input,
        format: Option<Format>,
        options: &RunOptions,
        threads: usize,
        bytes: &AtomicU64,
        progress: &mut dyn FnMut(usize),
        mut each: impl FnMut(Verdict, Vec<Json>) -> bool,
    ) -> Result<Vec<String>, DataError> {
        let (mut warnings, (skipped, lines)) = self.pipeline(
            input,
            format,
            options,
            threads,
            bytes,
            progress,
            |v, _, c| each(v, c),
        )?;
        if skipped > 0 {
            let first: Vec<String> = lines.iter().take(10).map(|l| l.to_string()).collect();
            warnings.push(format!(
                "skipped {skipped} empty row{} (every cell blank), no creator{}: line{} {}{}",
                if skipped == 1 { "" } else { "s" },
                if skipped == 1 { "" } else { "s" },
                if first.len() == 1 { "" } else { "s" },
                first.join(", "),
                if skipped > first.len() { ", ..." } else { "" }
            ));
        }
        Ok(warnings)
    }

    /// The one record loop: reads, decodes and evaluates on `threads`
    /// threads and hands each verdict (with its distance to passing, for a
    /// possible near miss) to `take` in input order; `take` returns false
    /// to stop. Returns the field warnings (none for an input with no
    /// records).
    #[allow(clippy::too_many_arguments)]
    fn pipeline<F>(
        &self,
        input: &Input,
        format: Option<Format>,
        options: &RunOptions,
        threads: usize,
        bytes: &AtomicU64,
        progress: &mut dyn FnMut(usize),
        mut each: F,
    ) -> Result<(Vec<String>, Skipped), DataError>
    where
        F: FnMut(Verdict, Option<Vec<Distance>>, Vec<Json>) -> bool,
    {
        let mut notes = Vec::new();
        let mut skipped: Skipped = (0, Vec::new());
        let filter = self.field_filter_with(options.id_field.as_deref(), &options.columns);
        let mut census = FieldCensus::new(self.program())
            .with_id_field(options.id_field.as_deref())
            .with_columns(&options.columns);
        let mut fault = None;
        let mut stopped = false;
        // false once a fault is met or `each` wants no more
        let mut take = |done: Done, fault: &mut Option<Fault>, stopped: &mut bool| {
            progress(done.verdicts.len());
            for (v, distance, columns) in done.verdicts {
                if !each(v, distance, columns) {
                    *stopped = true;
                    return false;
                }
            }
            if done.fault.is_some() {
                *fault = done.fault;
                return false;
            }
            true
        };
        let read = if threads <= 1 {
            let mut worker = Worker::new(self, &filter, options);
            let n = data::read_batches(
                input,
                format,
                bytes,
                &mut |batch| {
                    count_skipped(&batch, &mut skipped);
                    let done = worker.work(&batch);
                    take(done, &mut fault, &mut stopped)
                },
                &mut notes,
            );
            census = worker.census;
            n
        } else {
            std::thread::scope(|scope| {
                let (to_workers, jobs) = sync_channel::<(usize, RawBatch)>(threads * 2);
                let jobs = Arc::new(Mutex::new(jobs));
                let (to_merger, results) = sync_channel::<(usize, Done)>(threads * 2);
                let workers: Vec<_> = (0..threads)
                    .map(|_| {
                        let jobs = Arc::clone(&jobs);
                        let to_merger = to_merger.clone();
                        let (filter, options) = (&filter, options);
                        // a worker's stack holds the deepest evaluation without
                        // being extended on the heap (eval's stacker), which at
                        // the edge would map a new segment for every element
                        // of a hot loop; the memory is only reserved
                        std::thread::Builder::new()
                            .stack_size(WORKER_STACK)
                            .spawn_scoped(scope, move || {
                                let mut worker = Worker::new(self, filter, options);
                                while let Some((k, batch)) = next_job(&jobs) {
                                    if to_merger.send((k, worker.work(&batch))).is_err() {
                                        break;
                                    }
                                }
                                worker.census
                            })
                            // as `scope.spawn` does: no thread is no run
                            .expect("the system refused to start a worker thread")
                    })
                    .collect();
                // only the workers hold the queue now: when they stop, the reader stops
                drop(jobs);
                drop(to_merger);
                let (skipped, notes) = (&mut skipped, &mut notes);
                let reader = scope.spawn(move || {
                    let mut k = 0;
                    data::read_batches(
                        input,
                        format,
                        bytes,
                        &mut |batch| {
                            count_skipped(&batch, skipped);
                            k += 1;
                            to_workers.send((k - 1, batch)).is_ok()
                        },
                        notes,
                    )
                });
                // results come back in any order: keep them until their turn
                let mut pending = BTreeMap::new();
                let mut next = 0;
                let mut going = true;
                for (k, done) in results.iter() {
                    pending.insert(k, done);
                    while let Some(done) = pending.remove(&next) {
                        next += 1;
                        going = take(done, &mut fault, &mut stopped);
                        if !going {
                            break;
                        }
                    }
                    if !going {
                        break;
                    }
                }
                drop(results);
                for w in workers {
                    census.merge(&w.join().expect("a worker does not panic"));
                }
                reader.join().expect("the reader does not panic")
            })
        };
        match (read, fault) {
            // a file that changed while it was read: whatever else went
            // wrong may come from the change
            (Err(e), _) if e.is_changed() => Err(e),
            // a fault inside a record comes before anything the reader met later
            (_, Some(f)) => Err(data::fault_error(f, input)),
            (Err(e), None) => Err(e),
            (Ok(count), None) => {
                if let Some((message, help)) = census.id_missing().filter(|_| count > 0 && !stopped)
                {
                    return Err(DataError::plain(&input.name(), message, Some(help)));
                }
                if let Some((message, help)) =
                    census.columns_missing().filter(|_| count > 0 && !stopped)
                {
                    return Err(DataError::plain(&input.name(), message, Some(help)));
                }
                // a run warns of where the records were found in a JSON
                // object, and of what changes values read (the other notes,
                // on the file's shape, are `check --data`'s)
                let mut warnings: Vec<String> = notes
                    .into_iter()
                    .filter(|n| {
                        n.code == data::RECORDS_NOTE_CODE || n.code == "influence::decimal-comma"
                    })
                    .map(|n| n.message)
                    .collect();
                if count > 0 && !stopped {
                    warnings.extend(census.warnings());
                }
                Ok((warnings, skipped))
            }
        }
    }
}

/// Rows skipped as empty: how many, and the first lines.
type Skipped = (usize, Vec<usize>);

fn count_skipped(batch: &RawBatch, skipped: &mut Skipped) {
    skipped.0 += batch.skipped().len();
    let room = crate::report::SKIPPED_LINES.saturating_sub(skipped.1.len());
    skipped.1.extend(batch.skipped().iter().take(room));
}

fn next_job(jobs: &Mutex<Receiver<(usize, RawBatch)>>) -> Option<(usize, RawBatch)> {
    jobs.lock().ok()?.recv().ok()
}
