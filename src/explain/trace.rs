//! One creator's whole evaluation as data, for `explain`: every `let`,
//! requirement, signal and tier, and the rank key, each with its source
//! text, the values it read, its sub-results and its outcome. The JSON
//! form of `explain` is this [`Trace`] serialised; `tracer` builds it.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

use super::distance::Distance;
use crate::ast::{Order, WhenMissing};
use crate::compile::Program;
use crate::eval::reasons::why_missing;
use crate::eval::{EvalError, Failure, Status};
use crate::language::value::Value;

/// What an expression came to.
#[derive(Clone, Debug, PartialEq)]
pub enum Evaluated {
    /// A value (missing never: see `Missing`).
    Value(Json),
    /// Missing, with the reason.
    Missing(String),
    /// A value of the wrong kind was met: the message.
    Error(String),
    /// Not evaluated, and why (`the left side decides`).
    Skipped(String),
}

impl Evaluated {
    pub(crate) fn of(prog: &Program, r: Result<Value<'_>, EvalError>) -> Self {
        match r {
            Ok(Value::Missing(m)) => Evaluated::Missing(why_missing(prog, m)),
            Ok(v) => Evaluated::Value(to_json(&v)),
            Err(e) => Evaluated::Error(e.message()),
        }
    }

    fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let (result, value, why) = match self {
            Evaluated::Value(v) => ("value", v.clone(), None),
            Evaluated::Missing(w) => ("missing", Json::Null, Some(w)),
            Evaluated::Error(w) => ("error", Json::Null, Some(w)),
            Evaluated::Skipped(w) => ("skipped", Json::Null, Some(w)),
        };
        m.serialize_entry("result", result)?;
        m.serialize_entry("value", &value)?;
        m.serialize_entry("why", &why)
    }
}

// a value as JSON: the language's own conversion
pub(crate) use crate::language::value::json_of as to_json;

/// A value the declaration read: a field, a `let`, a signal, `score` or `tier`.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    /// As written: `followers`, `audience.female_share`, `fit`.
    pub name: String,
    /// `field`, `let`, `signal`, `score` or `tier`.
    pub kind: &'static str,
    /// Its value for this creator (signals: the clamped value).
    pub result: Evaluated,
}

impl Serialize for Read {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("kind", self.kind)?;
        self.result.entries(&mut m)?;
        m.end()
    }
}

/// An evaluated expression and its sub-results.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The expression as written, on one line.
    pub source: String,
    /// 1-based line and column in the rules file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What it came to.
    pub result: Evaluated,
    /// Its computed operands (not literals or the reads), in order.
    pub parts: Vec<Step>,
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("source", &self.source)?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("column", &self.column)?;
        self.result.entries(&mut m)?;
        m.serialize_entry("parts", &self.parts)?;
        m.end()
    }
}

/// A `let`, as this creator saw it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LetTrace {
    /// Its name.
    pub name: String,
    /// The declaration as written, on one line.
    pub source: String,
    /// Line in the rules file.
    pub line: usize,
    /// The values it read.
    pub reads: Vec<Read>,
    /// Its value.
    pub value: Step,
}

/// What one requirement came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementOutcome {
    /// True.
    Pass,
    /// Missing, with `when missing pass`.
    PassMissing,
    /// False, or missing with `when missing fail`.
    Fail,
    /// Missing, with `when missing review`.
    Review,
    /// A value of the wrong kind.
    Error,
}

/// A requirement, as this creator saw it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RequirementTrace {
    /// Its name.
    pub name: String,
    /// The declaration as written, on one line.
    pub source: String,
    /// Line in the rules file.
    pub line: usize,
    /// What a missing condition means.
    pub when_missing: WhenMissing,
    /// The values it read.
    pub reads: Vec<Read>,
    /// The condition and its sub-results.
    pub condition: Step,
    /// Pass, fail, review or error.
    pub outcome: RequirementOutcome,
    /// Why it failed, came out missing, or met a wrong kind.
    pub reason: Option<String>,
    /// What would make it pass (when it failed or went to review).
    pub distance: Vec<Distance>,
}

/// A signal, as this creator saw it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SignalTrace {
    /// Its name.
    pub name: String,
    /// The declaration as written, on one line.
    pub source: String,
    /// Line in the rules file.
    pub line: usize,
    /// Its weight.
    pub weight: f64,
    /// The values it read.
    pub reads: Vec<Read>,
    /// Its expression and sub-results.
    pub value: Step,
    /// The value before clamping; `None` when missing or in error.
    pub raw: Option<f64>,
    /// The value in [0, 1] the score uses (missing counts 0).
    pub clamped: Option<f64>,
    /// What it adds to the score: weight × clamped value / total weight.
    pub contribution: f64,
}

/// What one tier came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TierOutcome {
    /// The creator's tier.
    Chosen,
    /// The condition is false.
    No,
    /// The condition is missing, which does not hold.
    Missing,
    /// A value of the wrong kind.
    Error,
    /// Not tried: an earlier tier was chosen, or the creator is not accepted.
    NotTried,
}

/// A tier, as this creator saw it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TierTrace {
    /// Its name.
    pub name: String,
    /// The declaration as written, on one line.
    pub source: String,
    /// Line in the rules file.
    pub line: usize,
    /// The values it read.
    pub reads: Vec<Read>,
    /// The condition (none for `otherwise`, or when not tried).
    pub condition: Option<Step>,
    /// Chosen, no, missing, error or not tried.
    pub outcome: TierOutcome,
}

/// The `rank by` key, for an accepted creator.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RankTrace {
    /// The declaration as written (`rank by score desc` when there is none).
    pub source: String,
    /// Line in the rules file (0 when there is no `rank by`).
    pub line: usize,
    /// `asc` or `desc`.
    pub order: Order,
    /// The values it read.
    pub reads: Vec<Read>,
    /// The key and its sub-results.
    pub key: Step,
    /// The keys after the first (`rank by score desc, followers asc`),
    /// each with its sub-results; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<Step>,
}

/// One creator's whole evaluation.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Trace {
    /// The creator's id.
    pub id: String,
    /// The run's date that `days_since` counted to (`YYYY-MM-DD`), when
    /// the rules use `days_since`; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// 1-based place of the record in its input.
    pub record: usize,
    /// The line of the input where the record starts, when read from a file.
    pub line: Option<usize>,
    /// The verdict's status.
    pub status: Status,
    /// The verdict's failed requirements (or the cause of an error).
    pub failed: Vec<Failure>,
    /// The weighted score; `None` for errors.
    pub score: Option<f64>,
    /// The tier, for accepted creators.
    pub tier: Option<String>,
    /// Rank among the accepted creators of the run, 1 is best.
    pub rank: Option<usize>,
    /// How many creators the run accepted.
    pub accepted: Option<usize>,
    /// Whether the rank is within the shortlist's length (with `select`:
    /// whether the creator is in the team).
    pub shortlisted: Option<bool>,
    /// With `select`, for an accepted creator: in the team, or what kept
    /// them out of it, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Every `let`, in file order.
    pub lets: Vec<LetTrace>,
    /// Every requirement, in file order.
    pub requirements: Vec<RequirementTrace>,
    /// Every signal, in file order.
    pub signals: Vec<SignalTrace>,
    /// Every tier, in file order.
    pub tiers: Vec<TierTrace>,
    /// The rank key, for accepted creators.
    pub rank_by: Option<RankTrace>,
    /// Each cohort the rules compare the creator with (one per distinct
    /// value and group of the cohort functions); left out when the rules
    /// call none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cohorts: Vec<CohortTrace>,
}

/// The creator's cohort for one value and group of the cohort functions
/// (`percentile(engagement_rate, platform)`), and its place in it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CohortTrace {
    /// The value compared, as written (`None` for `cohort_size`, which counts).
    pub value: Option<String>,
    /// The group, as written (`None`: the whole run).
    pub group: Option<String>,
    /// The creator's group value (null when missing).
    pub group_value: Json,
    /// How many creators the cohort holds.
    pub size: usize,
    /// The median of the value over the cohort.
    pub median: Option<f64>,
    /// The creator's value; `None` when missing (then it is in no cohort).
    pub x: Option<f64>,
    /// How many creators of the cohort have a smaller value.
    pub below: Option<usize>,
    /// The creator's `percentile`.
    pub percentile: Option<f64>,
    /// True when the creator was evaluated alone (no run, or an example
    /// without a population): a cohort of its own.
    pub alone: bool,
}
