//! The cohort functions per creator: the first pass's collection of what
//! each cohort input reads ([`collect`]), and the second pass's answer
//! from the population ([`Frame::cohort`]). A program without a
//! population (one record evaluated alone) makes each creator a cohort of
//! its own.

use super::error::Needed;
use super::functions::want_number;
use super::value::{Kind, Missing, Value};
use super::{EvalError, Frame};
use crate::ast::Span;
use crate::compile::{Node, Program};
use crate::data::Rec;
use crate::language::cohort::{Cohort, GroupKey, Population};
use crate::language::Builtin;

/// Adds one undamaged record to `population`: for each cohort input, its
/// `x` in the list of its group, unless `x` is missing or the input
/// cannot be evaluated (a wrong kind, which makes the creator an error
/// when evaluated, and so no member of any cohort).
pub(crate) fn collect(prog: &Program, record: Rec<'_>, population: &mut Population) {
    if record.json().is_some_and(|j| !j.is_object()) {
        // not an object: an error, no creator of any cohort
        return;
    }
    population.creators += 1;
    let mut frame = Frame::new(prog, record);
    for (i, input) in prog.cohorts.iter().enumerate() {
        let Ok(Some((group, x))) = frame.cohort_input(i) else {
            continue;
        };
        if input.x.is_some() && x.is_none() {
            continue;
        }
        population.inputs[i].add(group, x);
    }
}

impl<'a> Frame<'a> {
    /// What cohort input `i` reads of this creator: its group's key and its
    /// `x`; `None` when `x` is missing.
    fn cohort_input(&mut self, i: usize) -> Result<Option<(GroupKey, Option<f64>)>, EvalError> {
        let prog: &'a Program = self.prog;
        let input = &prog.cohorts[i];
        let x = match &input.x {
            Some(n) => match self.eval(n)? {
                Value::Missing(_) => return Ok(None),
                v => want_number(&v, || self.prog.text(n.span), n.span)?,
            },
            None => None,
        };
        let group = match &input.group {
            Some(g) => {
                let v = self.eval(g)?;
                if !groupable(&v) {
                    let what = self.prog.text(g.span);
                    return Err(EvalError::wrong(&v, Needed::Group, what, g.span));
                }
                GroupKey::of(&v)
            }
            None => GroupKey::everyone(),
        };
        Ok(Some((group, x)))
    }

    /// The creator's cohort for input `i`, for `explain`: its group's value,
    /// the creator's `x`, and the cohort (`true` when the creator is
    /// alone: the program has no population). `None` when the input
    /// cannot be evaluated for this creator.
    pub(crate) fn cohort_place(
        &mut self,
        i: usize,
    ) -> Option<(Value<'a>, Option<f64>, Cohort, bool)> {
        let prog: &'a Program = self.prog;
        let input = &prog.cohorts[i];
        let group = match &input.group {
            Some(g) => self.eval(g).ok()?,
            None => Value::Missing(Missing::Empty(Span::default())),
        };
        let x = match self.cohort_input(i).ok()? {
            Some((_, x)) => x,
            None => None,
        };
        let key = match &input.group {
            Some(_) => GroupKey::of(&group),
            None => GroupKey::everyone(),
        };
        let alone = prog.population.is_none();
        let cohort = match &prog.population {
            Some(p) => p.inputs[i].get(&key).cloned().unwrap_or_default(),
            None => Cohort::alone(x),
        };
        Some((group, x, cohort, alone))
    }

    /// A cohort function of this creator, for input `i`: missing when its
    /// `x` is.
    pub(super) fn cohort(
        &mut self,
        f: Builtin,
        i: u32,
        args: &'a [Node],
        span: Span,
    ) -> Result<Value<'a>, EvalError> {
        if let Some(x) = args.first().filter(|_| f != Builtin::CohortSize) {
            // its own missing value, naming what it lacks
            if let m @ Value::Missing(_) = self.eval(x)? {
                return Ok(m);
            }
        }
        let Some((group, x)) = self.cohort_input(i as usize)? else {
            return Ok(Value::Missing(Missing::Empty(span)));
        };
        let prog: &'a Program = self.prog;
        let alone = Cohort::alone(x);
        let cohort = match &prog.population {
            Some(p) => p.inputs[i as usize].get(&group).unwrap_or(&alone),
            None => &alone,
        };
        Ok(match f {
            Builtin::Percentile => {
                let x = x.expect("percentile reads an x, present here");
                Value::Number(cohort.percentile(x))
            }
            Builtin::CohortMedian => match cohort.median() {
                Some(m) => Value::Number(m),
                None => Value::Missing(Missing::Empty(span)),
            },
            Builtin::CohortSize => Value::Number(cohort.size() as f64),
            _ => unreachable!("only the cohort functions lower to Op::Cohort"),
        })
    }
}

/// True when `v` may be a cohort's group: a number, a string, true or
/// false, a date, missing, or a list of those. An object, or a list
/// inside the list, is a value of the wrong kind: groups are compared
/// as `==` compares values, and the SQL engines cannot key such values
/// with that equality.
fn groupable(v: &Value<'_>) -> bool {
    let scalar = |v: &Value<'_>| !matches!(v, Value::List(_) | Value::Object(_));
    match v {
        Value::List(xs) => xs.iter().all(|x| scalar(&x)),
        other => scalar(other),
    }
}

/// `band(x, bounds)`: the bounds were checked to be a constant, strictly
/// increasing list of numbers.
pub(super) fn band<'a>(
    args: &[Value<'a>],
    text: &dyn Fn(usize) -> String,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    let x = want_number(&args[0], || text(0), span)?.expect("missing handled by the caller");
    let Value::List(items) = &args[1] else {
        return Err(EvalError::wrong_kind(&args[1], Kind::List, &text(1), span));
    };
    let mut bounds = Vec::with_capacity(items.len());
    for b in items.iter() {
        match want_number(&b, || text(1), span)? {
            Some(n) => bounds.push(n),
            None => return Ok(Value::Missing(Missing::InList(span))),
        }
    }
    if bounds.is_empty() {
        return Ok(Value::Missing(Missing::Empty(span)));
    }
    Ok(Value::Str(
        crate::language::cohort::band_label(x, &bounds).into(),
    ))
}
