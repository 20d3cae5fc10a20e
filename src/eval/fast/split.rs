//! `split(x, SEP)` with a constant separator on the fast path (planned in
//! `compile/fast/split.rs`): the list the general evaluator makes, with
//! the steps it counts, but the separator's finder built once and no
//! argument evaluated by the general evaluator.

use super::super::budget;
use super::super::convert;
use super::super::value::Value;
use super::super::Frame;
use crate::compile::{Needle, Operand};

impl<'a> Frame<'a> {
    /// `split(x, sep)`; a missing `x` passes through, and anything else not
    /// a text is left to the general evaluator (its error).
    pub(super) fn split(&mut self, x: &'a Operand, sep: &'a Needle) -> Option<Value<'a>> {
        // the call's node, its text's (counted by reading it), its
        // separator's, then a scan of each argument
        self.tick(1);
        let whole = self.value(x)?;
        self.tick(1 + budget::arg(&whole) + budget::text(&sep.text));
        match whole {
            Value::Str(s) => Some(convert::parts(s, &sep.finder)),
            m @ Value::Missing(_) => Some(m),
            _ => None,
        }
    }
}
