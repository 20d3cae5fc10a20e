//! The text buffers of NDJSON blocks, handed back to the reader by the
//! thread done with a block ([`RawBatch::recycle`]) and filled again: the
//! reader allocates a block's buffer only when none is back yet, so the
//! blocks' memory stays mapped (no page faults from fresh memory) and is
//! not freed on another thread than the one that allocated it (no
//! contention on the allocator's arenas).
//!
//! [`RawBatch::recycle`]: super::RawBatch::recycle

use std::sync::{Arc, Mutex, PoisonError};

/// Buffers kept at most: more than a run has in flight (a few per thread).
const KEPT: usize = 256;

/// Buffers given back, shared by the reader and the threads that decode.
#[derive(Clone, Debug, Default)]
pub(super) struct Buffers {
    kept: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Buffers {
    /// A buffer `capacity` bytes long at least: one given back, when there
    /// is one not much larger (one grown for a long line is let go, so
    /// that the blocks in flight stay their usual size), with the bytes it
    /// held, which the reader overwrites (it is not zeroed again: zeroing
    /// a block cost the reader more than reading it); else a new one,
    /// zeroed.
    pub fn take(&self, capacity: usize) -> Vec<u8> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match kept {
            Some(mut text) if text.capacity() <= 2 * capacity => {
                if text.len() < capacity {
                    text.resize(capacity, 0);
                }
                text
            }
            _ => vec![0; capacity],
        }
    }

    /// Keeps `text` for [`Buffers::take`], unless enough are kept.
    pub fn give(&self, text: Vec<u8>) {
        if text.capacity() == 0 {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() < KEPT {
            kept.push(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_given_back_are_taken_again_as_they_are_unless_much_larger() {
        let buffers = Buffers::default();
        assert_eq!(buffers.take(10), vec![0; 10]);
        let mut text = Vec::with_capacity(16);
        text.extend_from_slice(b"old text held");
        let at = text.as_ptr();
        buffers.clone().give(text);
        // its bytes kept, not zeroed; lengthened to the size asked for
        let again = buffers.take(13);
        assert_eq!((again.as_ptr(), &again[..]), (at, &b"old text held"[..]));
        buffers.give(again);
        let again = buffers.take(16);
        assert_eq!(
            (again.as_ptr(), &again[..]),
            (at, &b"old text held\0\0\0"[..])
        );
        // more than twice the size asked for: let go
        buffers.give(again);
        let small = buffers.take(6);
        assert_ne!(small.as_ptr(), at);
        assert_eq!(small, vec![0; 6]);
        assert!(buffers.kept.lock().unwrap().is_empty());
        // one too small is grown
        buffers.give(Vec::with_capacity(8));
        assert!(buffers.take(64).len() >= 64);
    }
}
