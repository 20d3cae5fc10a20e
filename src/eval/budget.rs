//! The evaluation budget: how many steps one creator's evaluation may take,
//! and what each kind of work costs in steps. A step is one node of the
//! program evaluated (some 30 ns in a release build); nodes that scan a
//! list or text also pay for the scan, before it starts, so a scan too long
//! for what is left is never begun. The budget is the same for every
//! record, however large, so no creator can take much more than a second.

use super::value::Value;
use super::{EvalError, EvalErrorKind};
use crate::ast::Span;

// the program carries its budget, so the constant is the compiler's
pub use crate::compile::DEFAULT_MAX_STEPS;

/// Bytes of text a plain scan (`contains`, `lower`) covers in one step.
const BYTES_PER_STEP: u64 = 64;

/// Byte-state pairs a regex covers in one step: a pattern's automaton may
/// track every state for every byte (some 6 ns each when its cache of
/// states fills up, as with `Z.{600}q` over a long text).
const REGEX_WORK_PER_STEP: u64 = 4;

/// The error of a creator whose evaluation ran past `budget` steps.
pub(crate) fn stopped(budget: u64, span: Span) -> EvalError {
    EvalError::new(EvalErrorKind::StepBudget { steps: budget }, span)
}

/// Steps to scan text `s` once.
pub(crate) fn text(s: &str) -> u64 {
    s.len() as u64 / BYTES_PER_STEP
}

/// Steps to run a regex of `states` over `s`.
pub(crate) fn regex(s: &str, states: u64) -> u64 {
    (s.len() as u64).saturating_mul(states) / REGEX_WORK_PER_STEP
}

/// Steps a built-in function may take over one argument (the functions
/// are linear in their arguments): a list's or object's length, a text's
/// bytes. Also what comparing two lists or objects costs.
pub(crate) fn arg(v: &Value<'_>) -> u64 {
    match v {
        Value::List(xs) => xs.len() as u64,
        Value::Object(m) => m.len() as u64,
        Value::Str(s) => text(s),
        _ => 0,
    }
}

/// Steps to build a result far longer than the arguments: `replace(s,
/// from, to)` writes `to` once per occurrence of `from` (a long `to` for a
/// one-letter `from` over a long text would otherwise take gigabytes in a
/// few steps).
pub(crate) fn result(f: super::functions::Builtin, args: &[Value<'_>]) -> u64 {
    match (f, args) {
        (super::functions::Builtin::Replace, [Value::Str(s), Value::Str(from), Value::Str(to)])
            if !from.is_empty() =>
        {
            // as `str::matches` counts them: none overlapping
            let times = memchr::memmem::find_iter(s.as_bytes(), from.as_bytes()).count() as u64;
            replaced(times, to)
        }
        _ => 0,
    }
}

/// Steps to write `to` in place of `times` matches (see [`result`]).
pub(crate) fn replaced(times: u64, to: &str) -> u64 {
    times.saturating_mul(to.len() as u64) / BYTES_PER_STEP
}

/// The most matches [`replaced`] counts no more than `left` steps for.
pub(crate) fn most_replaced(left: u64, to: &str) -> u64 {
    match to.len() as u64 {
        0 => u64::MAX,
        len => {
            left.saturating_add(1)
                .saturating_mul(BYTES_PER_STEP)
                .saturating_sub(1)
                / len
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{most_replaced, replaced};

    #[test]
    fn most_replaced_is_the_last_count_within_the_budget() {
        for to in ["", "x", "abc", &"y".repeat(64), &"z".repeat(100)] {
            for left in [0, 1, 2, 5, 63, 64, 1000] {
                let most = most_replaced(left, to);
                assert!(replaced(most, to) <= left, "{to:?} {left}");
                if most < u64::MAX {
                    assert!(replaced(most + 1, to) > left, "{to:?} {left}");
                }
            }
        }
    }
}
