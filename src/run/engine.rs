//! The run's threads. With one thread, the caller's thread reads, decodes
//! and evaluates. With N, the caller's thread cuts the input into batches
//! of undecoded records, N - 1 workers decode and evaluate them, and the
//! caller's thread takes the results back in input order and hands them
//! to the sink, working queued batches itself whenever the next result is
//! not there yet: N threads busy on N cores, not a reader and a merger
//! besides, which woke each other and the workers for every batch. What a
//! sink sees is the same whatever the number of threads.

use std::sync::atomic::AtomicU64;
use std::sync::mpsc::channel;
use std::thread::{Scope, ScopedJoinHandle};

use super::order::{Exchange, Next};
use super::worker::{Done, Worker};
use super::{Asked, Evaluated, Finished, Run};
use crate::data::sparse::FieldFilter;
use crate::data::{self, DataError, Fault, Note, RawBatch};
use crate::language::cohort::Population;
use crate::run::census::FieldCensus;

/// What the workers learnt of the records besides their verdicts: the
/// census of fields, and the populations of a first pass.
type Learnt = (FieldCensus, Vec<Population>);

/// Stack of each evaluating thread: twice what the deepest evaluation takes
/// in a debug build (some 7 MiB, `eval::Frame::eval`), a few percent of it
/// in a release build; reserved, not used, by the threads that do not need it.
const WORKER_STACK: usize = 16 << 20;

/// Batches in flight (queued, being worked, or done and waiting for an
/// earlier one) per thread that has a core to run on, at most.
const WINDOW: usize = 4;

/// The threads a run of `asked` threads starts: no more than the cores
/// the system gives the process. A thread beyond them would only wait for
/// a core, and it would hold memory while it waited: at 1M, `--threads 8`
/// on 2 cores took 2.3-2.5 s and 67 MB, `--threads 2` 1.7 s and 33 MB (the
/// allocator keeps memory for each thread). The output is the same.
fn threads(asked: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(asked, usize::from);
    asked.min(cores)
}

/// Batches in flight for a run on `threads` threads, at most: [`WINDOW`]
/// for each.
fn window(threads: usize) -> usize {
    threads * WINDOW
}

/// Rows skipped as empty: how many, and the first lines.
type Skipped = (usize, Vec<usize>);

/// Where the results of the batches go, in input order.
struct Merge<'s> {
    progress: &'s mut dyn FnMut(usize),
    each: &'s mut dyn FnMut(Evaluated) -> bool,
    fault: Option<Fault>,
    stopped: bool,
    /// Records taken so far: all of them, when the run was not stopped
    /// (the reader does not count them: it leaves NDJSON unsplit).
    records: usize,
}

impl Merge<'_> {
    /// Hands on one batch's results; false once a fault is met or the
    /// sink wants no more.
    fn take(&mut self, done: Done) -> bool {
        (self.progress)(done.records);
        self.records += done.records;
        for e in done.evaluated {
            if !(self.each)(e) {
                self.stopped = true;
                return false;
            }
        }
        if done.fault.is_some() {
            self.fault = done.fault;
            return false;
        }
        true
    }
}

/// Runs `run`, handing every result to `each` in input order; with the
/// populations collected, when the run collects them.
pub(super) fn run(
    run: &Run,
    bytes: &AtomicU64,
    progress: &mut dyn FnMut(usize),
    each: &mut dyn FnMut(Evaluated) -> bool,
) -> Result<(Finished, Vec<Population>), DataError> {
    let filter = run.asked.field_filter();
    let mut merge = Merge {
        progress,
        each,
        fault: None,
        stopped: false,
        records: 0,
    };
    let mut notes = Vec::new();
    let mut skipped: Skipped = (0, Vec::new());
    let threads = threads(run.threads);
    let (read, (census, populations)) = if threads <= 1 {
        on_this_thread(run, &filter, bytes, &mut merge, &mut notes, &mut skipped)
    } else {
        on_threads(
            run,
            threads,
            &filter,
            bytes,
            &mut merge,
            &mut notes,
            &mut skipped,
        )
        .unwrap_or_else(
            // not one thread could be started (a cap on processes or
            // memory): the caller's thread does it all
            || on_this_thread(run, &filter, bytes, &mut merge, &mut notes, &mut skipped),
        )
    };
    match (read, merge.fault) {
        // a file that changed while it was read: whatever else went
        // wrong may come from the change
        (Err(e), _) if e.is_changed() => Err(e),
        // a fault inside a record comes before anything the reader met later
        (_, Some(f)) => Err(data::fault_error(f, run.input)),
        (Err(e), None) => Err(e),
        (Ok(()), None) => Ok((
            Finished {
                count: merge.records,
                stopped: merge.stopped,
                census,
                notes,
                skipped,
                populated: None,
            },
            populations,
        )),
    }
}

fn on_this_thread(
    run: &Run,
    filter: &FieldFilter,
    bytes: &AtomicU64,
    merge: &mut Merge,
    notes: &mut Vec<Note>,
    skipped: &mut Skipped,
) -> (Result<(), DataError>, Learnt) {
    let mut worker = Worker::new(&run.asked, filter);
    let read = data::read_batches(
        run.input,
        run.format,
        bytes,
        &mut |mut batch| {
            count_skipped(&batch, skipped);
            let go = merge.take(worker.work(&mut batch));
            batch.recycle();
            go
        },
        notes,
    );
    (read, (worker.census, worker.populations))
}

/// The run on the caller's thread and `threads - 1` workers; `None`,
/// having read nothing, when the system starts no worker.
fn on_threads(
    run: &Run,
    threads: usize,
    filter: &FieldFilter,
    bytes: &AtomicU64,
    merge: &mut Merge,
    notes: &mut Vec<Note>,
    skipped: &mut Skipped,
) -> Option<(Result<(), DataError>, Learnt)> {
    let asked = &run.asked;
    let exchange = &Exchange::new();
    std::thread::scope(|scope| {
        let workers = start_workers(scope, threads - 1, exchange, asked, filter);
        if workers.is_empty() {
            return None;
        }
        // closes the exchange however this thread leaves (a panic
        // included), so that no worker waits for a batch for ever
        let closing = Closing(exchange);
        let mut taker = Taker {
            exchange,
            merge,
            worker: Worker::new(asked, filter),
            in_flight: 0,
        };
        let window = window(threads);
        let mut k = 0;
        let read = data::read_batches(
            run.input,
            run.format,
            bytes,
            &mut |batch| {
                count_skipped(&batch, skipped);
                k += 1;
                taker.exchange.send(k - 1, batch) && {
                    taker.in_flight += 1;
                    taker.keep_under(window)
                }
            },
            notes,
        );
        exchange.end();
        taker.keep_under(1);
        drop(closing);
        let (mut census, mut populations) = (taker.worker.census, taker.worker.populations);
        for w in workers {
            let (c, p) = w.join().expect("a worker does not panic");
            census.merge(&c);
            for (mine, theirs) in populations.iter_mut().zip(p) {
                mine.merge(theirs);
            }
        }
        Some((read, (census, populations)))
    })
}

/// Closes the exchange when dropped.
struct Closing<'e>(&'e Exchange<RawBatch, Done>);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The caller's thread, which reads the batches, hands their results on
/// in input order and, rather than wait for one, works batches itself.
struct Taker<'e, 'm, 's, 'r> {
    exchange: &'e Exchange<RawBatch, Done>,
    merge: &'m mut Merge<'s>,
    worker: Worker<'r>,
    /// Batches sent whose results are not handed on yet.
    in_flight: usize,
}

impl Taker<'_, '_, '_, '_> {
    /// Hands results on (working queued batches while the next is not
    /// there) until fewer than `limit` batches are in flight, so that the
    /// reading stays at most a window ahead of the slowest batch; false
    /// once the taking stops (a fault, the sink wants no more, or a
    /// result that never comes), having closed the exchange.
    fn keep_under(&mut self, limit: usize) -> bool {
        while self.in_flight >= limit {
            match self.exchange.next() {
                Next::Take(done) => {
                    self.in_flight -= 1;
                    if !self.merge.take(done) {
                        self.exchange.close();
                        return false;
                    }
                }
                Next::Work(k, mut batch) => {
                    let done = self.worker.work(&mut batch);
                    batch.recycle();
                    self.exchange.give(k, done);
                }
                Next::Gone => {
                    self.exchange.close();
                    return false;
                }
            }
        }
        true
    }
}

/// Starts up to `threads` workers taking batches from `exchange`. A thread
/// the system refuses (a cap on processes, or on memory: 256 stacks are
/// much to reserve) ends the starting, and half of those started are let
/// go at once, so that the run has memory left to work in; it goes on with
/// the others, and its output is the same. None started: an empty list.
fn start_workers<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    threads: usize,
    exchange: &'env Exchange<RawBatch, Done>,
    asked: &'env Asked<'env>,
    filter: &'env FieldFilter,
) -> Vec<ScopedJoinHandle<'scope, Learnt>> {
    let started: Vec<_> = (0..threads)
        .map_while(|_| {
            let (go, gone) = channel();
            // a worker's stack holds the deepest evaluation without
            // being extended on the heap (eval's stacker), which at
            // the edge would map a new segment for every element
            // of a hot loop; the memory is only reserved
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    // nothing allocated before the go: a worker let go
                    // frees all it took
                    let Ok(working) = gone.recv() else {
                        return (asked.census(), Vec::new());
                    };
                    let mut worker = Worker::new(asked, filter);
                    while let Some((k, mut batch)) = exchange.job() {
                        let done = worker.work(&mut batch);
                        batch.recycle();
                        if !exchange.give(k, done) {
                            break;
                        }
                    }
                    drop(working);
                    (worker.census, worker.populations)
                })
                .ok()
                .map(|handle| (handle, go))
        })
        .collect();
    let keep = match started.len() {
        n if n < threads => n.div_ceil(2),
        n => n,
    };
    let mut workers = Vec::with_capacity(keep);
    for (i, (handle, go)) in started.into_iter().enumerate() {
        // counted among the workers the taker waits for before it starts
        if i < keep && go.send(exchange.working()).is_ok() {
            workers.push(handle);
        } else {
            // its `go` dropped, it stops at once; joined, its stack is freed
            drop(go);
            let _ = handle.join();
        }
    }
    workers
}

fn count_skipped(batch: &RawBatch, skipped: &mut Skipped) {
    skipped.0 += batch.skipped().len();
    let room = crate::report::SKIPPED_LINES.saturating_sub(skipped.1.len());
    skipped.1.extend(batch.skipped().iter().take(room));
}

#[cfg(test)]
mod tests {
    use super::{threads, window, WINDOW};

    #[test]
    fn no_more_threads_than_cores_and_a_window_for_each() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(threads(1), 1);
        for asked in [2, 8, 256] {
            assert_eq!(threads(asked), asked.min(cores), "{asked}");
        }
        assert_eq!(window(1), WINDOW);
        assert_eq!(window(3), 3 * WINDOW);
    }
}
