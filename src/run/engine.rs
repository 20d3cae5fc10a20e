//! The run's threads. With one thread, the caller's thread reads, decodes
//! and evaluates. With more, a reader thread cuts the input into batches of
//! undecoded records, workers decode and evaluate them, and the caller's
//! thread takes the results back in input order and hands them to the
//! sink: what a sink sees is the same whatever the number of threads.

use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::{Scope, ScopedJoinHandle};

use super::order::Results;
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

/// Batches in flight for `threads` workers, at most: [`WINDOW`] for each
/// that has a core to run on. More threads than cores (`--threads 8` on
/// two) then hold the memory of as many as cores, not of four batches for
/// each thread (the peak at 1M NDJSON with 8 threads on 2 cores was 85 MiB
/// with 32 batches in flight); as only so many run at once, they are not
/// slower (the threads without a batch wait as they would for a core).
fn window(threads: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(threads, usize::from);
    threads.min(cores) * WINDOW
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
    let (read, (census, populations)) = if run.threads <= 1 {
        on_this_thread(run, &filter, bytes, &mut merge, &mut notes, &mut skipped)
    } else {
        on_threads(run, &filter, bytes, &mut merge, &mut notes, &mut skipped).unwrap_or_else(
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

/// The run on a reader thread and workers; `None`, having read nothing,
/// when the system starts no worker or no reader.
fn on_threads(
    run: &Run,
    filter: &FieldFilter,
    bytes: &AtomicU64,
    merge: &mut Merge,
    notes: &mut Vec<Note>,
    skipped: &mut Skipped,
) -> Option<(Result<(), DataError>, Learnt)> {
    let threads = run.threads;
    let asked = &run.asked;
    let results = &Results::new();
    std::thread::scope(|scope| {
        let (to_workers, jobs) = sync_channel::<(usize, RawBatch)>(threads * 2);
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = start_workers(scope, threads, &jobs, results, asked, filter);
        // only the workers hold the queue now: when they stop, the reader stops
        drop(jobs);
        if workers.is_empty() {
            return None;
        }
        // a ticket for each batch in flight: the reader takes one before it
        // sends a batch, the merger gives it back once the batch is handed
        // on, so a worker held up (a busy machine) lets the others run at
        // most WINDOW batches ahead, and the batches waiting for it stay few
        let window = window(threads);
        let (give_back, tickets) = sync_channel::<()>(window);
        for _ in 0..window {
            let _ = give_back.send(());
        }
        let reader = std::thread::Builder::new().spawn_scoped(scope, move || {
            let mut k = 0;
            data::read_batches(
                run.input,
                run.format,
                bytes,
                &mut |batch| {
                    count_skipped(&batch, skipped);
                    k += 1;
                    tickets.recv().is_ok() && to_workers.send((k - 1, batch)).is_ok()
                },
                notes,
            )
        });
        let Ok(reader) = reader else {
            // the refused reader took the queue's sender with it: the
            // workers stop, having read nothing, and this thread reads
            for w in workers {
                let _ = w.join();
            }
            return None;
        };
        in_order(results, merge, &give_back, window);
        // the merger is done: a reader waiting for a ticket stops
        drop(give_back);
        let mut census = asked.census();
        let mut populations = asked.populations();
        for w in workers {
            let (c, p) = w.join().expect("a worker does not panic");
            census.merge(&c);
            for (mine, theirs) in populations.iter_mut().zip(p) {
                mine.merge(theirs);
            }
        }
        let read = reader.join().expect("the reader does not panic");
        Some((read, (census, populations)))
    })
}

/// Starts up to `threads` workers taking batches from `jobs`. A thread the
/// system refuses (a cap on processes, or on memory: 256 stacks are much
/// to reserve) ends the starting, and half of those started are let go at
/// once, so that the run has memory left to work in; it goes on with the
/// others, and its output is the same. None started: an empty list.
fn start_workers<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    threads: usize,
    jobs: &Arc<Mutex<Receiver<(usize, RawBatch)>>>,
    results: &'env Results<Done>,
    asked: &'env Asked<'env>,
    filter: &'env FieldFilter,
) -> Vec<ScopedJoinHandle<'scope, Learnt>> {
    let started: Vec<_> = (0..threads)
        .map_while(|_| {
            let jobs = Arc::clone(jobs);
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
                    while let Some((k, mut batch)) = next_job(&jobs) {
                        let done = worker.work(&mut batch);
                        batch.recycle();
                        if !results.give(k, done) {
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
        // counted among the workers the merger waits for before it starts
        if i < keep && go.send(results.working()).is_ok() {
            workers.push(handle);
        } else {
            // its `go` dropped, it stops at once; joined, its stack is freed
            drop(go);
            let _ = handle.join();
        }
    }
    workers
}

/// Hands the batches' results on in input order; stops taking at a fault
/// or when the sink stops (closing `results` then stops the workers, and
/// they the reader). The tickets of the batches handed on go back to the
/// reader in bunches, half the `window` at a time, so that it is woken
/// once for a few batches, not for each; it still has half the window in
/// flight when it is, and it waits for tickets only with the whole window
/// out, of which at most half is held here: the batches in flight are
/// never none.
fn in_order(results: &Results<Done>, merge: &mut Merge, tickets: &SyncSender<()>, window: usize) {
    let bunch = (window / 2).max(1);
    let mut held = 0;
    while let Some(done) = results.next() {
        if !merge.take(done) {
            results.close();
            return;
        }
        held += 1;
        if held == bunch {
            for _ in 0..held {
                // never full: as many tickets as were made are out
                let _ = tickets.try_send(());
            }
            held = 0;
        }
    }
}

fn count_skipped(batch: &RawBatch, skipped: &mut Skipped) {
    skipped.0 += batch.skipped().len();
    let room = crate::report::SKIPPED_LINES.saturating_sub(skipped.1.len());
    skipped.1.extend(batch.skipped().iter().take(room));
}

fn next_job(jobs: &Mutex<Receiver<(usize, RawBatch)>>) -> Option<(usize, RawBatch)> {
    jobs.lock().ok()?.recv().ok()
}

#[cfg(test)]
mod tests {
    use super::{window, WINDOW};

    #[test]
    fn batches_in_flight_are_bounded_by_the_cores_not_the_threads() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(window(1), WINDOW);
        for threads in [2, 8, 256] {
            assert_eq!(window(threads), threads.min(cores) * WINDOW, "{threads}");
        }
    }
}
