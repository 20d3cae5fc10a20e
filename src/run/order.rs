//! The batches on their way between the caller's thread, which reads them
//! and hands their results on in input order, and the workers, which work
//! them: one lock over both the queue of batches to work and the results
//! not yet taken. Channels would wake a thread for every batch and every
//! result, also for one that has to wait for an earlier batch, and each
//! wake-up takes a core from a worker. Here a worker sleeps only when the
//! queue is empty and is woken by the next batch, and the taker, which
//! works queued batches itself rather than wait, sleeps only when there is
//! none left and the result it waits for, the next in input order, is not
//! there yet (it is woken when that one is, or no worker is left).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// Batches to work (`J`) and their results (`T`), by batch number.
pub(super) struct Exchange<J, T> {
    state: Mutex<State<J, T>>,
    /// The taker waits here for the next result.
    ready: Condvar,
    /// Idle workers wait here for a batch.
    queued: Condvar,
}

struct State<J, T> {
    queue: VecDeque<(usize, J)>,
    /// Set once no more batches come.
    ended: bool,
    /// Workers waiting for a batch.
    idle: usize,
    done: BTreeMap<usize, T>,
    /// The number of the batch to take next.
    next: usize,
    /// Workers that may still give a result.
    working: usize,
    /// Set once the taker wants no more, or a worker panicked (its batch
    /// never comes, so nothing after it can be handed on).
    closed: bool,
    /// Set while the taker waits.
    waiting: bool,
}

/// What the taker is to do next ([`Exchange::next`]).
pub(super) enum Next<J, T> {
    /// Hand on this result, the next in input order.
    Take(T),
    /// Work this batch (none of the results it waits for is there).
    Work(usize, J),
    /// Stop: the result waited for never comes.
    Gone,
}

/// A worker's place among those [`Exchange::next`] waits for: dropped
/// (also in a panic), the worker gives no more.
pub(super) struct Working<'r, J, T>(&'r Exchange<J, T>);

impl<J, T> Drop for Working<'_, J, T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.working -= 1;
        if std::thread::panicking() {
            // the batch it had is lost: the others stop too
            state.closed = true;
            self.0.queued.notify_all();
        }
        if (state.working == 0 || state.closed) && state.waiting {
            self.0.ready.notify_one();
        }
    }
}

impl<J, T> Exchange<J, T> {
    pub fn new() -> Self {
        Exchange {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                ended: false,
                idle: 0,
                done: BTreeMap::new(),
                next: 0,
                working: 0,
                closed: false,
                waiting: false,
            }),
            ready: Condvar::new(),
            queued: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<J, T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One more worker that may give results, until the guard is dropped.
    pub fn working(&self) -> Working<'_, J, T> {
        self.lock().working += 1;
        Working(self)
    }

    /// Queues batch `k`, waking an idle worker; false when the taking has
    /// stopped.
    pub fn send(&self, k: usize, job: J) -> bool {
        let mut state = self.lock();
        if state.closed {
            return false;
        }
        state.queue.push_back((k, job));
        if state.idle > 0 {
            self.queued.notify_one();
        }
        true
    }

    /// No more batches come: idle workers stop once the queue is empty.
    pub fn end(&self) {
        self.lock().ended = true;
        self.queued.notify_all();
    }

    /// A worker's next batch, waiting for one; `None` once the batches
    /// have ended and none is left, or the taking has stopped.
    pub fn job(&self) -> Option<(usize, J)> {
        let mut state = self.lock();
        loop {
            if state.closed {
                return None;
            }
            if let Some(job) = state.queue.pop_front() {
                return Some(job);
            }
            if state.ended {
                return None;
            }
            state.idle += 1;
            state = self
                .queued
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.idle -= 1;
        }
    }

    /// Gives the result of batch `k`; false when the taker wants no more.
    pub fn give(&self, k: usize, result: T) -> bool {
        let mut state = self.lock();
        if state.closed {
            return false;
        }
        state.done.insert(k, result);
        if state.waiting && k == state.next {
            self.ready.notify_one();
        }
        true
    }

    /// The taker's next step: the next result in input order once given,
    /// else a queued batch to work, else a wait for that result; `Gone`
    /// when it cannot come (every worker gone without giving it, or one
    /// panicked).
    pub fn next(&self) -> Next<J, T> {
        let mut state = self.lock();
        loop {
            if state.closed {
                return Next::Gone;
            }
            let next = state.next;
            if let Some(result) = state.done.remove(&next) {
                state.next += 1;
                return Next::Take(result);
            }
            if let Some((k, job)) = state.queue.pop_front() {
                return Next::Work(k, job);
            }
            if state.working == 0 {
                return Next::Gone;
            }
            state.waiting = true;
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.waiting = false;
        }
    }

    /// The taker wants no more: the batches queued and the results held
    /// are let go, and the workers stop at their next.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.queue.clear();
        state.done.clear();
        self.queued.notify_all();
    }
}

#[cfg(test)]
mod tests;
