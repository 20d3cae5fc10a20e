//! Running a whole program over one record: every requirement in file
//! order (with its reason when it fails), every signal, the score, and for
//! accepted creators the tier and the rank key, gathered into a [`Verdict`].

use std::sync::Arc;

use serde_json::Value as Json;

use super::value::Value;
use super::Rule;
use super::{reasons, verdict, Cause, EvalError, Frame, Needed};
use super::{Failure, RankKey, SignalValue, Signals, Status, Verdict};
use crate::ast::WhenMissing;
use crate::compile::{Node, Program};
use crate::data::Rec;

/// What one requirement came to for one creator: with its cause when
/// asked for (see [`Program::requirement`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Pass,
    // boxed: a cause is large, and most requirements pass (an outcome is
    // returned for every requirement of every creator)
    Fail(Option<Box<Cause>>),
    Review(Option<Box<Cause>>),
}

/// An error met in a rule, which makes the verdict undecided.
type Undecided = (Rule, EvalError);

/// Who the verdict is about: the creator's id, where it came from, and
/// the record's 0-based position, set as the verdict is made.
struct Made {
    id: String,
    id_from: Option<u8>,
    position: usize,
}

impl Made {
    /// The verdict of a creator whose evaluation met `cause` in `rule`:
    /// `error`, with that cause alone.
    fn undecided(self, prog: &Program, rule: Rule, cause: Cause) -> Verdict {
        let failure = Failure::new(rule.name(prog), rule, Some(Box::new(cause)), false);
        Verdict::error(self.id, self.id_from, self.position, failure)
    }
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
            select: None,
            fields: vec![],
            ast: Default::default(),
            max_steps: super::DEFAULT_MAX_STEPS,
            sites: vec![],
            today: 0,
            cohorts: vec![],
            population: None,
        }
    }

    /// Evaluates one record. `position` is its 0-based place in the input,
    /// used for its id when it has none and to keep ties in input order.
    pub fn evaluate(&self, record: &Json, position: usize, id_field: Option<&str>) -> Verdict {
        self.evaluate_with(record, position, id_field, true)
    }

    /// As [`Program::evaluate`]; without `reasons` a failed requirement
    /// is named by index alone ([`super::Failure::of`]), its name, reason
    /// and cause left empty, and the signals of a creator rejected or in
    /// review are not worked out (no signals, the score unknown), which
    /// saves describing and scoring every rejected creator when only the
    /// shortlist is shown.
    pub fn evaluate_with(
        &self,
        record: &Json,
        position: usize,
        id_field: Option<&str>,
        reasons: bool,
    ) -> Verdict {
        self.evaluate_from(Rec::Json(record), position, None, id_field, reasons)
    }

    /// As [`Program::evaluate_with`], for a record that starts on `line`
    /// of its input: a record that is not an object says so.
    pub(crate) fn evaluate_from(
        &self,
        record: Rec<'_>,
        position: usize,
        line: Option<usize>,
        id_field: Option<&str>,
        reasons: bool,
    ) -> Verdict {
        let (id, id_from) = verdict::creator_id(record, position, id_field);
        let mut made = Made {
            id,
            id_from,
            position,
        };
        if let Some(record) = record.json().filter(|j| !j.is_object()) {
            let found = match record {
                Json::Array(_) => "list",
                Json::String(_) => "string",
                Json::Number(_) => "number",
                Json::Bool(_) => "bool",
                _ => "null",
            };
            let record = position + 1;
            let cause = Cause::NotAnObject {
                line,
                record,
                found,
            };
            return made.undecided(self, Rule::Record, cause);
        }
        let mut frame = Frame::new(self, record);
        match self.run(&mut frame, reasons, &mut made) {
            Ok(v) => v,
            Err((rule, e)) => made.undecided(self, rule, Cause::Error(*e.kind)),
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
    /// verdict undecided: `error`, with that cause alone. Without `reasons`,
    /// a verdict rejected or in review is not shown: its signals and score
    /// are left out (they could not change it).
    fn run<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        reasons: bool,
        made: &mut Made,
    ) -> Result<Verdict, Undecided> {
        let (mut failed, mut reviews) = self.requirements_of(frame, reasons)?;
        let rejected = failed.iter().any(|f| !f.error);
        let decided = rejected || !reviews.is_empty();
        let shown = reasons || !decided;
        let (signals, signal_error) = if shown {
            self.signals_of(frame, decided, &mut failed)?
        } else {
            (Vec::new(), false)
        };
        // the score reads every signal: unknown when one is in error
        let score = if signal_error || !shown {
            None
        } else {
            Some(frame.score().map_err(|e| (Rule::Score, e))?)
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
        let (tier, rank_key, team) = match status {
            Status::Accepted => {
                let score = score.expect("an accepted creator has no signal in error");
                let (tier, key) = self.placing(frame, score)?;
                (tier, Some(key), self.team_values(frame))
            }
            _ => (None, None, Vec::new()),
        };
        Ok(Verdict {
            // taken last, once nothing can fail: an undecided verdict needs it too
            id: std::mem::take(&mut made.id),
            status,
            failed,
            score,
            tier,
            signals: Signals(signals),
            rank: None,
            position: made.position,
            rank_key,
            team,
            id_from: made.id_from,
        })
    }

    /// Every requirement in file order: the failed ones and those in error,
    /// and those in review. An error with no requirement failed on its
    /// values leaves the verdict undecided.
    fn requirements_of<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        reasons: bool,
    ) -> Result<(Vec<Failure>, Vec<Failure>), Undecided> {
        let mut failed: Vec<Failure> = Vec::new();
        let mut reviews = Vec::new();
        let mut first_error: Option<Undecided> = None;
        for (i, req) in self.requirements.iter().enumerate() {
            let of = Rule::Requirement(i as u32);
            // a rejected creator not shown is named by index alone
            let name = |cause: &Option<Box<Cause>>| match cause {
                Some(_) => req.name.clone(),
                None => String::new(),
            };
            match self.requirement(frame, i, reasons) {
                Ok(Outcome::Pass) => {}
                Ok(Outcome::Fail(c)) => failed.push(Failure::new(name(&c), of, c, false)),
                Ok(Outcome::Review(c)) => reviews.push(Failure::new(name(&c), of, c, true)),
                Err(e) => {
                    let cause = Some(Box::new(Cause::Error((*e.kind).clone())));
                    failed.push(Failure::new(req.name.clone(), of, cause, false));
                    first_error.get_or_insert((of, e));
                    // past the step budget every later step fails alike
                    if frame.exhausted() {
                        break;
                    }
                }
            }
        }
        match first_error {
            // that requirement could have failed or passed: no verdict
            Some(e) if !failed.iter().any(|f| !f.error) => Err(e),
            _ => Ok((failed, reviews)),
        }
    }

    /// Every signal's value. Once the verdict is `decided` (rejected or in
    /// review), a signal in error is listed in `failed` and its value is
    /// unknown; before, it leaves the verdict undecided. Also says whether
    /// a signal's value is unknown.
    fn signals_of<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        decided: bool,
        failed: &mut Vec<Failure>,
    ) -> Result<(Vec<SignalValue>, bool), Undecided> {
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
                    let of = Rule::Signal(i as u32);
                    let cause = Some(Box::new(Cause::Error(*e.kind)));
                    failed.push(Failure::new(of.name(self), of, cause, false));
                    None
                }
                Some(Err(e)) => return Err((Rule::Signal(i as u32), e)),
            };
            let name = s.name.clone();
            signals.push(SignalValue { name, raw });
        }
        Ok((signals, signal_error))
    }

    /// An accepted creator's tier and rank key.
    fn placing<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        score: f64,
    ) -> Result<(Option<String>, RankKey), Undecided> {
        let tier = frame
            .tier()
            .map_err(|e| (Rule::Tier, e))?
            .map(|i| self.tiers[i].name.clone());
        let key = match &self.rank {
            None => RankKey::Number(score),
            Some(node) if self.tie_breaks.is_empty() => self.rank_key(frame, node)?,
            Some(node) => {
                let mut keys = vec![self.rank_key(frame, node)?];
                for (k, _) in &self.tie_breaks {
                    keys.push(self.rank_key(frame, k)?);
                }
                RankKey::Keys(keys.into())
            }
        };
        Ok((tier, key))
    }

    /// The value of one `rank by` key: a number, text or a date.
    fn rank_key<'a>(&'a self, frame: &mut Frame<'a>, node: &'a Node) -> Result<RankKey, Undecided> {
        Ok(match frame.eval(node).map_err(|e| (Rule::RankBy, e))? {
            Value::Number(n) => RankKey::Number(n),
            Value::Str(s) => RankKey::Text(s.into_owned()),
            Value::Date(secs) => RankKey::Date(secs),
            Value::Missing(_) => RankKey::Missing,
            other => {
                let what = self.text(node.span);
                let e = EvalError::wrong(&other, Needed::RankKey, what, node.span);
                return Err((Rule::RankBy, e));
            }
        })
    }

    /// Evaluates requirement `i` and, when `explain`, says why it failed.
    /// Inlined for the usual case, a fast path that decides with no cause
    /// to give; the rest, and its larger frame, out of line.
    #[inline]
    pub(crate) fn requirement<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        i: usize,
        explain: bool,
    ) -> Result<Outcome, EvalError> {
        let req = &self.requirements[i];
        let fast = req.fast.as_deref().and_then(|t| frame.test(t));
        match fast {
            Some(true) => Ok(Outcome::Pass),
            Some(false) if !explain => Ok(Outcome::Fail(None)),
            _ => self.requirement_with_cause(frame, i, explain, fast),
        }
    }

    /// [`Program::requirement`] once its fast path (when it has one) gave
    /// `fast`: false with a cause to give, or undecided.
    #[inline(never)]
    fn requirement_with_cause<'a>(
        &'a self,
        frame: &mut Frame<'a>,
        i: usize,
        explain: bool,
        fast: Option<bool>,
    ) -> Result<Outcome, EvalError> {
        let req = &self.requirements[i];
        let v = match fast {
            Some(b) => Value::Bool(b),
            None => frame.eval(&req.condition)?,
        };
        Ok(match v {
            Value::Bool(true) => Outcome::Pass,
            Value::Bool(false) => Outcome::Fail(match &req.message {
                _ if !explain => None,
                Some(m) => Some(Box::new(Cause::Message { message: m.clone() })),
                None => Some(Box::new(reasons::why_false(frame, &req.condition)?)),
            }),
            Value::Missing(m) => {
                let review = req.when_missing == WhenMissing::Review;
                let cause = explain.then(|| {
                    Box::new(Cause::Missing {
                        missing: reasons::missing_cause(self, m),
                        message: req.message.clone(),
                        review,
                    })
                });
                match req.when_missing {
                    WhenMissing::Fail => Outcome::Fail(cause),
                    WhenMissing::Pass => Outcome::Pass,
                    WhenMissing::Review => Outcome::Review(cause),
                }
            }
            other => {
                let what = format!("requirement {}", req.name);
                let span = req.condition.span;
                return Err(EvalError::wrong(&other, Needed::TrueOrFalse, &what, span));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::eval::Status;
    use crate::Ruleset;

    /// Without reasons, a verdict no report shows (rejected) has no signals
    /// and no score; one that is shown (accepted, or any with reasons) has.
    #[test]
    fn signals_of_a_verdict_not_shown_are_left_out() {
        let src = "require big: followers >= 10\nsignal reach = followers / 100\nsignal half = 0.5";
        let rules = Ruleset::compile("t.rules", src).expect("valid");
        let prog = rules.program();
        let names = |followers: u32, reasons: bool| {
            let v = prog.evaluate_with(&json!({ "followers": followers }), 0, None, reasons);
            let signals = v.signals.0.iter();
            let named: Vec<(String, Option<f64>)> =
                signals.map(|s| (s.name.clone(), s.raw)).collect();
            (v.status, named, v.score)
        };
        let (status, named, score) = names(5, false);
        assert_eq!(status, Status::Rejected);
        assert_eq!((named, score), (vec![], None));
        let (_, named, score) = names(5, true);
        assert_eq!(named[0], ("reach".to_string(), Some(0.05)));
        assert_eq!(score, Some(0.275));
        let (status, named, score) = names(50, false);
        assert_eq!(status, Status::Accepted);
        assert_eq!(named[1], ("half".to_string(), Some(0.5)));
        assert_eq!(score, Some(0.5));
    }
}
