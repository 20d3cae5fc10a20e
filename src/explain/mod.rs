//! The explain wing: why one creator got its verdict. It sits after
//! evaluation and before the reports: it re-runs the evaluator's frame over
//! one record to record every step ([`trace`], built by `tracer`), measures
//! how far a rejected creator is from passing ([`distance`], which the
//! near-miss lists of the reports use), and renders a trace for people
//! ([`render`], in the colours of [`paint`]). The evaluator (`eval/`) knows
//! nothing of it.

pub mod distance;
pub mod paint;
pub mod render;
pub mod trace;
mod tracer;

pub use distance::Distance;
pub use trace::Trace;
