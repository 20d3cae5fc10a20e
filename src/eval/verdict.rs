//! What the evaluator says about one creator: the [`Verdict`], with the
//! field names the README ("Output") gives for `--all` and `--format json`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Cause;
use crate::compile::Program;
use crate::data::{Damage, Rec};

/// A creator's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every requirement holds.
    Accepted,
    /// No requirement failed, but one came out missing with `when missing review`.
    Review,
    /// At least one requirement failed (even when another part of the
    /// evaluation met a value of the wrong kind: it is listed too).
    Rejected,
    /// The verdict could not be decided: a value of the wrong kind that
    /// could change it, or a damaged record.
    Error,
}

impl Status {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Review => "review",
            Status::Rejected => "rejected",
            Status::Error => "error",
        }
    }

    /// The status written `s`, as reports write it.
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Accepted,
            Status::Review,
            Status::Rejected,
            Status::Error,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// One requirement a creator did not meet, or a wrong-kind value met while
/// evaluating it (docs/language.md, section 12), or the damage of a record
/// that could not be read.
///
/// A failure is made once, with its [`Cause`] as data; `reason` is that
/// cause in English (the one renderer is the cause's `Display`) and `rule`
/// the name of the rule `of` points to, both filled when the failure is
/// made so that library callers and the text reports read them without the
/// program. A run that shows no reasons (a shortlist alone: [`crate::RunOptions`]
/// without `all`, `reasons` or `near_misses`, or [`crate::Program::evaluate_with`]
/// without `reasons`) leaves `rule`, `reason` and `cause` of a failed
/// requirement empty: it is named by `of` alone, by index, so rejected
/// creators cost no text. Errors are always named and explained.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Failure {
    /// The requirement's name (or `record`, `signal NAME`, `score`, `tier`, `rank by` for errors).
    pub rule: String,
    /// Why, naming the values: the cause, in English.
    pub reason: String,
    /// True when this is a wrong-kind value rather than a requirement not
    /// met: the cause of an `error`, or an error listed beside the failed
    /// requirements of a creator whose verdict it could not change.
    /// Written to JSON only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub error: bool,
    /// Why, as data (README, "Output": the kinds and their keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Cause>>,
    /// Which rule failed, by index.
    #[serde(skip)]
    pub of: Rule,
    /// True when the requirement came out missing with `when missing review`.
    #[serde(skip)]
    pub review: bool,
}

/// Which rule a [`Failure`] concerns, by index into the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Requirement `i`, in file order.
    Requirement(u32),
    /// Signal `i`, in file order.
    Signal(u32),
    /// The score.
    Score,
    /// The tiers.
    Tier,
    /// A `rank by` key.
    RankBy,
    /// The record itself (damaged, or not an object).
    Record,
}

impl Rule {
    /// The rule's name as reports write it: the requirement's name,
    /// `signal NAME`, `score`, `tier`, `rank by` or `record`.
    pub fn name(self, prog: &Program) -> String {
        match self {
            Rule::Requirement(i) => prog.requirements[i as usize].name.clone(),
            Rule::Signal(i) => format!("signal {}", prog.signals[i as usize].name),
            Rule::Score => "score".to_string(),
            Rule::Tier => "tier".to_string(),
            Rule::RankBy => "rank by".to_string(),
            Rule::Record => "record".to_string(),
        }
    }
}

/// A cause's English, written into this thread's scratch text first and
/// then copied into a `String` of its exact size: one allocation, where
/// a `String` grown as it is written reallocates at each doubling.
fn reason_of(cause: &Cause) -> String {
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with_borrow_mut(|text| {
        text.clear();
        cause
            .write_english(text)
            .expect("writing to a String cannot fail");
        text.as_str().to_owned()
    })
}

impl Failure {
    /// A failure of `of`, named `rule`, for `cause`: an error when the
    /// cause is one (a wrong-kind value, a damaged record).
    pub(crate) fn new(rule: String, of: Rule, cause: Option<Box<Cause>>, review: bool) -> Failure {
        let error = matches!(
            cause.as_deref(),
            Some(Cause::Error(_) | Cause::Damage { .. } | Cause::NotAnObject { .. })
        );
        Failure {
            rule,
            reason: cause.as_deref().map(reason_of).unwrap_or_default(),
            error,
            cause,
            of,
            review,
        }
    }

    /// The index of the requirement that failed, when a requirement did.
    pub fn requirement(&self) -> Option<usize> {
        match self.of {
            Rule::Requirement(i) => Some(i as usize),
            _ => None,
        }
    }
}

/// A signal's value for one creator.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalValue {
    /// The signal's name. (A verdict made without reasons for a creator
    /// rejected or in review has no signals: see `Program::evaluate_with`.)
    pub name: String,
    /// The value before clamping; `None` when missing.
    pub raw: Option<f64>,
}

impl SignalValue {
    /// The value clamped to [0, 1]; `None` when missing.
    pub fn clamped(&self) -> Option<f64> {
        self.raw.map(super::value::unit)
    }
}

/// Every signal of a creator; serialises as `{name: clamped value or null}`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Signals(pub Vec<SignalValue>);

impl Serialize for Signals {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for v in &self.0 {
            m.serialize_entry(&v.name, &v.clamped())?;
        }
        m.end()
    }
}

/// The key a creator is ranked by.
#[derive(Clone, Debug, PartialEq)]
pub enum RankKey {
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
    /// Missing: ranks after every other creator.
    Missing,
    /// A date, as Unix seconds.
    Date(i64),
    /// The values of the keys of `rank by a, b, ...`, in order.
    Keys(Box<[RankKey]>),
}

/// One creator's result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Verdict {
    /// The creator's id.
    pub id: String,
    /// accepted, review, rejected or error.
    pub status: Status,
    /// Failed requirements with reasons (for `review`: those that came out missing; for `error`: the cause).
    pub failed: Vec<Failure>,
    /// The weighted score; `None` for errors, and for a creator rejected
    /// or in review whose verdict was made without reasons
    /// (`Program::evaluate_with`).
    pub score: Option<f64>,
    /// The tier, for accepted creators.
    pub tier: Option<String>,
    /// Signal values (none for a creator rejected or in review whose
    /// verdict was made without reasons).
    pub signals: Signals,
    /// Rank among accepted creators (1 is best), once the run is complete.
    pub rank: Option<usize>,
    /// 0-based position in the input.
    #[serde(skip)]
    pub position: usize,
    /// The `rank by` value, for accepted creators.
    #[serde(skip)]
    pub rank_key: Option<RankKey>,
    /// Each `select` constraint's value, for accepted creators.
    #[serde(skip)]
    pub team: Vec<super::TeamValue>,
    /// Which of the default id fields (`handle`, `id`, `username`, `name`,
    /// `profile.username`, by place) the id came from, when one did.
    #[serde(skip)]
    pub id_from: Option<u8>,
}

impl Verdict {
    /// A creator in error, with the cause; made once, with its id and position.
    pub(crate) fn error(
        id: String,
        id_from: Option<u8>,
        position: usize,
        failure: Failure,
    ) -> Verdict {
        Verdict {
            id,
            status: Status::Error,
            failed: vec![failure],
            score: None,
            tier: None,
            signals: Signals::default(),
            rank: None,
            position,
            rank_key: None,
            team: Vec::new(),
            id_from,
        }
    }

    /// A record that could not be read, at `position` (0-based) starting
    /// on `line`: status `error`, id `#N`, the damage its cause.
    pub fn damaged(position: usize, line: usize, damage: &Damage) -> Verdict {
        let cause = Cause::Damage {
            line,
            column: damage.column,
            damage: damage.kind.clone(),
        };
        let failure = Failure::new(
            "record".to_string(),
            Rule::Record,
            Some(Box::new(cause)),
            false,
        );
        Verdict::error(format!("#{}", position + 1), None, position, failure)
    }
}

use crate::language::ids::find_id;
pub use crate::language::ids::{id_key_is, ID_FIELDS};

/// The creator's id ([`find_id`]), from a record held whole or in slots.
pub fn creator_id(
    record: Rec<'_>,
    position: usize,
    id_field: Option<&str>,
) -> (String, Option<u8>) {
    let top = |k: &str, loose: bool| {
        record.get(k).or_else(|| {
            loose.then(|| {
                record
                    .entries()
                    .find(|(key, _)| id_key_is(key, k))
                    .map(|(_, v)| v)
            })?
        })
    };
    find_id(top, position, id_field)
}
