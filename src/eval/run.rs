//! Running a whole program over one record: every requirement in file
//! order (with its reason when it fails), every signal, the score, and for
//! accepted creators the tier and the rank key, gathered into a [`Verdict`].

use std::sync::Arc;

use serde_json::Value as Json;

use super::value::Value;
use super::{reasons, verdict, EvalError, Frame};
use super::{Failure, RankKey, SignalValue, Signals, Status, Verdict};
use crate::ast::WhenMissing;
use crate::compile::{Node, Program};

/// What one requirement came to for one creator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Pass,
    Fail(String),
    Review(String),
}

impl Program {
    /// A program with nothing in it, for evaluating constants.
    pub(crate) fn empty() -> Program {
        Program {
            name: None,
            file: String::new(),
            source: Arc::from(""),
            requirements: vec![],
            signals: vec![],
            tiers: vec![],
            lets: vec![],
            rank: None,
            order: crate::ast::Order::Desc,
            tie_breaks: vec![],
            limit: None,
            fields: vec![],
            ast: Default::default(),
            max_steps: super::DEFAULT_MAX_STEPS,
            sites: vec![],
            today: 0,
        }
    }

    /// Evaluates one record. `position` is its 0-based place in the input,
    /// used for its id when it has none and to keep ties in input order.
    pub fn evaluate(&self, record: &Json, position: usize, id_field: Option<&str>) -> Verdict {
        self.evaluate_with(record, position, id_field, true)
    }

    /// As [`Program::evaluate`]; without `reasons` the failed requirements
    /// are named but their reasons left empty, which saves describing the
    /// values of every rejected creator when only the shortlist is shown.
    pub fn evaluate_with(
        &self,
        record: &Json,
        position: usize,
        id_field: Option<&str>,
        reasons: bool,
    ) -> Verdict {
        let (id, id_from) = verdict::creator_id(record, position, id_field);
        if !record.is_object() {
            let kind = match record {
                Json::Array(_) => "a list",
                Json::String(_) => "a string",
                Json::Number(_) => "a number",
                Json::Bool(_) => "true/false",
                _ => "null",
            };
            return Verdict::error(
                id,
                position,
                "record",
                format!("record {} is {kind}, not an object of fields", position + 1),
            );
        }
        let mut frame = Frame::new(self, record);
        match self.run(&mut frame, reasons) {
            Ok(mut v) => {
                v.id = id;
                v.id_from = id_from;
                v.position = position;
                v
            }
            Err((rule, e)) => Verdict {
                id_from,
                ..Verdict::error(id, position, &rule, e.message)
            },
        }
    }

    /// Sets how many steps one creator's evaluation may take (see
    /// [`super::DEFAULT_MAX_STEPS`]).
    pub fn set_max_steps(&mut self, steps: u64) {
        self.max_steps = steps;
    }

    /// Sets the run's date, that `days_since` counts to.
    pub fn set_today(&mut self, today: jiff::civil::Date) {
        self.today = super::dates::day_number(today);
    }

    /// The run's date (UTC), that `days_since` counts to.
    pub fn today(&self) -> jiff::civil::Date {
        // `set_today` keeps to the civil dates, so the fallback is never taken
        super::dates::from_day_number(self.today).unwrap_or(jiff::civil::Date::MIN)
    }

    /// The verdict rule (docs/language.md, section 12): a wrong-kind value
    /// makes the creator `error` only when it could change the verdict.
    /// Every requirement is evaluated, so one that fails on its values
    /// rejects the creator whatever went wrong elsewhere; an error in a
    /// requirement is then listed beside the failures, as is one in a
    /// signal (whose value and the score are then unknown). An error in a
    /// requirement of a creator that no requirement rejects, or in a signal,
    /// the tier or the rank key of a creator otherwise accepted, leaves the
    /// verdict undecided: `error`, with that cause alone.
    pub(crate) fn run<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        reasons: bool,
    ) -> Result<Verdict, (String, EvalError)> {
        // failed requirements and requirements in error, in file order
        let mut failed: Vec<Failure> = Vec::new();
        let mut reviews = Vec::new();
        let mut first_error: Option<(String, EvalError)> = None;
        for (i, req) in self.requirements.iter().enumerate() {
            let failure = |reason: String, error: bool, review: bool| Failure {
                rule: req.name.clone(),
                reason,
                error,
                requirement: i,
                review,
            };
            match self.requirement(frame, i, reasons) {
                Ok(Outcome::Pass) => {}
                Ok(Outcome::Fail(reason)) => failed.push(failure(reason, false, false)),
                Ok(Outcome::Review(reason)) => reviews.push(failure(reason, false, true)),
                Err(e) => {
                    failed.push(failure(e.message.clone(), true, false));
                    first_error.get_or_insert((req.name.clone(), e));
                    // past the step budget every later step fails alike
                    if frame.exhausted() {
                        break;
                    }
                }
            }
        }
        let rejected = failed.iter().any(|f| !f.error);
        if let (Some(e), false) = (first_error, rejected) {
            // that requirement could have failed or passed: no verdict
            return Err(e);
        }
        let decided = rejected || !reviews.is_empty();
        let mut signals = Vec::with_capacity(self.signals.len());
        // a spent budget is listed once, where it ran out
        let mut stopped = frame.exhausted();
        let mut signal_error = stopped;
        for (i, s) in self.signals.iter().enumerate() {
            let value = if stopped { None } else { Some(frame.signal(i)) };
            let raw = match value {
                None => None,
                Some(Ok(Value::Number(n))) => Some(n),
                Some(Ok(_)) => None,
                Some(Err(e)) if decided => {
                    signal_error = true;
                    stopped = frame.exhausted();
                    failed.push(Failure {
                        rule: format!("signal {}", s.name),
                        reason: e.message,
                        error: true,
                        requirement: usize::MAX,
                        review: false,
                    });
                    None
                }
                Some(Err(e)) => return Err((format!("signal {}", s.name), e)),
            };
            signals.push(SignalValue {
                name: s.name.clone(),
                raw,
            });
        }
        // the score reads every signal: unknown when one is in error
        let score = if signal_error {
            None
        } else {
            Some(frame.score().map_err(|e| ("score".to_string(), e))?)
        };
        let status = if rejected {
            Status::Rejected
        } else if !reviews.is_empty() {
            // a signal in error is listed after the requirements in review
            reviews.append(&mut failed);
            failed = reviews;
            Status::Review
        } else {
            Status::Accepted
        };
        let mut tier = None;
        let mut rank_key = None;
        if status == Status::Accepted {
            tier = frame
                .tier()
                .map_err(|e| ("tier".to_string(), e))?
                .map(|i| self.tiers[i].name.clone());
            let score = score.expect("an accepted creator has no signal in error");
            rank_key = Some(match &self.rank {
                None => RankKey::Number(score),
                Some(node) if self.tie_breaks.is_empty() => self.rank_key(frame, node)?,
                Some(node) => {
                    let mut keys = vec![self.rank_key(frame, node)?];
                    for (k, _) in &self.tie_breaks {
                        keys.push(self.rank_key(frame, k)?);
                    }
                    RankKey::Keys(keys.into())
                }
            });
        }
        Ok(Verdict {
            id: String::new(),
            status,
            failed,
            score,
            tier,
            signals: Signals(signals),
            rank: None,
            position: 0,
            rank_key,
            id_from: None,
        })
    }

    /// The value of one `rank by` key: a number, text or a date.
    fn rank_key<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        node: &'a Node,
    ) -> Result<RankKey, (String, EvalError)> {
        Ok(
            match frame.eval(node).map_err(|e| ("rank by".to_string(), e))? {
                Value::Number(n) => RankKey::Number(n),
                Value::Str(s) => RankKey::Text(s.into_owned()),
                Value::Date(secs) => RankKey::Date(secs),
                Value::Missing(_) => RankKey::Missing,
                other => {
                    return Err((
                        "rank by".to_string(),
                        EvalError::wrong(
                            &other,
                            "a number, a string or a date",
                            self.text(node.span),
                            node.span,
                        ),
                    ))
                }
            },
        )
    }

    /// Evaluates requirement `i` and, when `explain`, says why it failed.
    pub(crate) fn requirement<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        i: usize,
        explain: bool,
    ) -> Result<Outcome, EvalError> {
        let req = &self.requirements[i];
        let v = frame.eval(&req.condition)?;
        Ok(match v {
            Value::Bool(true) => Outcome::Pass,
            Value::Bool(false) => {
                let reason = match &req.message {
                    _ if !explain => String::new(),
                    Some(m) => m.clone(),
                    None => reasons::why_false(frame, &req.condition)?,
                };
                Outcome::Fail(reason)
            }
            Value::Missing(_) if !explain => match req.when_missing {
                WhenMissing::Fail => Outcome::Fail(String::new()),
                WhenMissing::Pass => Outcome::Pass,
                WhenMissing::Review => Outcome::Review(String::new()),
            },
            Value::Missing(m) => {
                let why = reasons::why_missing(self, m);
                let reason = match &req.message {
                    Some(msg) => format!("{msg} ({why})"),
                    None => why,
                };
                match req.when_missing {
                    WhenMissing::Fail => Outcome::Fail(reason),
                    WhenMissing::Pass => Outcome::Pass,
                    WhenMissing::Review => Outcome::Review(reason),
                }
            }
            other => {
                return Err(EvalError::wrong(
                    &other,
                    "true or false",
                    &format!("requirement {}", req.name),
                    req.condition.span,
                ))
            }
        })
    }
}
