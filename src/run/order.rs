//! The batches' results on their way from the workers to the thread that
//! hands them on in input order. A channel would wake that thread for
//! every result, also for one that has to wait for an earlier batch (with
//! two workers, about every other one), and each wake-up takes a core
//! from a worker; here it is woken only when the result it waits for, the
//! next in input order, is there (or no worker is left).

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// The results not yet taken, by batch number.
pub(super) struct Results<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
}

struct State<T> {
    done: BTreeMap<usize, T>,
    /// The number of the batch to take next.
    next: usize,
    /// Workers that may still give a result.
    working: usize,
    /// Set once the taker wants no more.
    closed: bool,
    /// Set while the taker waits.
    waiting: bool,
}

/// A worker's place among those [`Results::next`] waits for: dropped
/// (also in a panic), the worker gives no more.
pub(super) struct Working<'r, T>(&'r Results<T>);

impl<T> Drop for Working<'_, T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.working -= 1;
        if state.working == 0 && state.waiting {
            self.0.ready.notify_one();
        }
    }
}

impl<T> Results<T> {
    pub fn new() -> Self {
        Results {
            state: Mutex::new(State {
                done: BTreeMap::new(),
                next: 0,
                working: 0,
                closed: false,
                waiting: false,
            }),
            ready: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One more worker that may give results, until the guard is dropped.
    pub fn working(&self) -> Working<'_, T> {
        self.lock().working += 1;
        Working(self)
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

    /// The next result in input order, once given; `None` when every
    /// worker is gone without giving it.
    pub fn next(&self) -> Option<T> {
        let mut state = self.lock();
        loop {
            let next = state.next;
            if let Some(result) = state.done.remove(&next) {
                state.next += 1;
                return Some(result);
            }
            if state.working == 0 {
                return None;
            }
            state.waiting = true;
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            state.waiting = false;
        }
    }

    /// The taker wants no more: the results held are let go, and the
    /// workers stop at their next.
    pub fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.done.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_taken_in_order_whatever_order_they_are_given_in() {
        let results = Results::new();
        std::thread::scope(|scope| {
            for w in 0..3 {
                let results = &results;
                let working = results.working();
                scope.spawn(move || {
                    let _working = working;
                    // worker w gives batches w, w + 3, ..., backwards
                    for k in (0..30).filter(|k| k % 3 == w).rev() {
                        assert!(results.give(k, k * 10));
                    }
                });
            }
            let taken: Vec<_> = std::iter::from_fn(|| results.next()).collect();
            assert_eq!(taken, (0..30).map(|k| k * 10).collect::<Vec<_>>());
        });
    }

    #[test]
    fn a_missing_result_ends_the_taking_once_every_worker_is_gone() {
        let results = Results::new();
        let working = results.working();
        assert!(results.give(1, "second"));
        drop(working);
        // batch 0 never came: nothing after it is handed on
        assert_eq!(results.next(), None);
    }

    #[test]
    fn a_closed_taking_refuses_results() {
        let results = Results::new();
        let _working = results.working();
        assert!(results.give(0, 1));
        assert_eq!(results.next(), Some(1));
        results.close();
        assert!(!results.give(1, 2));
    }
}
