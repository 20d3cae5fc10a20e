//! Runs a requirement's fast path ([`Test`], planned in `compile/fast.rs`)
//! on the record's values: no `Value` tree walked, no `Result` moved per
//! node, constant sets and needles prepared once. A test counts the steps
//! the general evaluator would for the same condition, so the budget runs
//! out alike. When it cannot decide (a value missing or of another kind,
//! an error, the budget spent) it gives up and puts the frame back as it
//! found it (steps, and the lets it worked out), and the general evaluator
//! runs the condition from the start, with every message and cause its own.

use std::borrow::Cow;

use super::budget;
use super::convert;
use super::dates;
use super::functions;
use super::value::{Missing, Value};
use super::{Eval, Frame};
use crate::ast::{ArithOp, CmpOp, Span};
use crate::compile::{Needle, Operand, Set, Test, SCAN_AT_MOST};

/// How many lets' fast paths may run one inside another.
const FAST_LET_DEPTH: u32 = 4;

/// A value a comparison's fast path orders.
enum Ordered {
    Number(f64),
    Date(i64),
}

/// `x op y` of two numbers, as the general comparison gives it.
#[inline(always)]
fn compare(op: CmpOp, x: f64, y: f64) -> bool {
    match op {
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
        _ => op.holds(x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)),
    }
}

/// `len` of a text or a list, and the steps measuring it takes.
fn length(v: &Value<'_>) -> Option<(f64, u64)> {
    match v {
        Value::Str(s) => Some((s.chars().count() as f64, budget::text(s))),
        Value::List(xs) => Some((xs.len() as f64, xs.len() as u64)),
        _ => None,
    }
}

/// Whether `x` is in `set`, as `x in [...]` says; `None` when that is
/// unknown (a missing element, or `x` missing) or `x` is a list or an object.
#[inline]
fn found(set: &Set, x: &Value<'_>) -> Option<bool> {
    let found = match x {
        Value::Str(s) if set.texts.len() <= SCAN_AT_MOST => set.texts.iter().any(|t| **t == **s),
        Value::Number(n) if set.numbers.len() <= SCAN_AT_MOST => set.numbers.iter().any(|k| k == n),
        _ => return set.list.find_scalar(x)?.ok(),
    };
    (found || !set.has_missing).then_some(found)
}

impl<'a> Frame<'a> {
    /// What test `t` gives, or `None` (the frame as it was) when the
    /// general evaluator must decide.
    pub(super) fn test(&mut self, t: &'a Test) -> Option<bool> {
        let (steps, filled) = (self.steps, self.filled.len());
        let decided = self.run_test(t).filter(|_| self.steps <= self.budget);
        if decided.is_none() {
            self.forget(steps, filled);
        }
        decided
    }

    /// Counts `work` steps; checked against the budget once the test is
    /// done, or by [`Frame::afford`] before a scan.
    fn tick(&mut self, work: u64) {
        self.steps = self.steps.saturating_add(work);
    }

    /// Counts `work` steps of a scan, `None` when they are more than the
    /// budget has left (the scan is not begun).
    fn afford(&mut self, work: u64) -> Option<()> {
        self.tick(work);
        (self.steps <= self.budget).then_some(())
    }

    fn run_test(&mut self, t: &'a Test) -> Option<bool> {
        // the test's own node
        self.tick(1);
        Some(match t {
            Test::Compare(op, a, b) => match (self.ordered(a)?, self.ordered(b)?) {
                (Ordered::Number(x), Ordered::Number(y)) => compare(*op, x, y),
                (Ordered::Date(x), Ordered::Date(y)) => op.holds(x.cmp(&y)),
                _ => return None,
            },
            Test::TextEq { x, text, ne } => {
                // and the constant's node
                self.tick(1);
                let k = budget::text(text);
                self.with_text(x, |s| budget::text(s).min(k), |s| (s == &**text) != *ne)?
            }
            Test::Between(x, lo, hi) => {
                let v = self.number(x)?;
                let (l, h) = (self.number(lo)?, self.number(hi)?);
                compare(CmpOp::Ge, v, l) && compare(CmpOp::Le, v, h)
            }
            Test::InSet { item, set, negated } => {
                self.tick(1);
                let x = self.value(item)?;
                self.tick(set.len());
                found(set, &x)? != *negated
            }
            Test::Member {
                text,
                list,
                negated,
            } => self.member(text, list)? != *negated,
            Test::Contains(x, needle) => {
                self.tick(1);
                self.with_text(x, budget::text, |s| {
                    needle.finder.find(s.as_bytes()).is_some()
                })?
            }
            Test::Affix { x, needle, start } => {
                self.tick(1);
                let k = budget::text(&needle.text);
                let test = |s: &str| match start {
                    true => s.starts_with(&*needle.text),
                    false => s.ends_with(&*needle.text),
                };
                self.with_text(x, |s| budget::text(s) + k, test)?
            }
            Test::Matches(x, re) => {
                let states = re.states;
                self.with_text(x, |s| budget::regex(s, states), |s| re.is_match(s))?
            }
            Test::AnyIn {
                list,
                set,
                negated,
                all,
            } => self.any_in(list, set, *negated, *all)?,
            Test::Not(x) => !self.run_test(x)?,
            Test::And(a, b) => self.run_test(a)? && self.run_test(b)?,
            Test::Or(a, b) => self.run_test(a)? || self.run_test(b)?,
            Test::Eval(n) => {
                // the general evaluator counts this node itself
                self.steps -= 1;
                match self.eval(n).ok()? {
                    Value::Bool(b) => b,
                    _ => return None,
                }
            }
        })
    }

    /// The value of an operand; missing is a value here (`??` decides on it).
    /// The operands most tests read (a constant, a field) here, inlined
    /// where they are read; the others by [`Frame::computed`].
    #[inline(always)]
    fn value(&mut self, o: &'a Operand) -> Option<Value<'a>> {
        match o {
            Operand::Number(k) => {
                self.tick(1);
                Some(Value::Number(*k))
            }
            Operand::Field(i) => {
                self.tick(1);
                self.field(*i, Span::default()).ok()
            }
            _ => self.computed(o),
        }
    }

    /// An operand that must be a number or a date, as [`Frame::value`]
    /// gives it: a field's number read with no text or list to drop.
    #[inline(always)]
    fn ordered(&mut self, o: &'a Operand) -> Option<Ordered> {
        let v = match o {
            Operand::Number(k) => {
                self.tick(1);
                return Some(Ordered::Number(*k));
            }
            Operand::Field(i) => {
                self.tick(1);
                if let Some(n) = self.slot_number(*i) {
                    return Some(Ordered::Number(n));
                }
                self.field(*i, Span::default()).ok()?
            }
            _ => self.computed(o)?,
        };
        match v {
            Value::Number(n) => Some(Ordered::Number(n)),
            Value::Date(d) => Some(Ordered::Date(d)),
            _ => None,
        }
    }

    /// The value of an operand worked out from others.
    fn computed(&mut self, o: &'a Operand) -> Option<Value<'a>> {
        Some(match o {
            Operand::Number(_) | Operand::Field(_) => self.value(o)?,
            Operand::Arith(op, a, b, span) => self.arith(*op, a, b, *span)?,
            Operand::Let(i) => {
                self.let_value(*i)?;
                self.lets[*i as usize].clone()?
            }
            Operand::Date(d) => {
                self.tick(1);
                Value::Date(*d)
            }
            Operand::Len(x) => {
                // the call's node, then its argument's
                self.tick(1);
                let (n, cost) = match x.as_ref() {
                    // a let's text is measured where it is kept, not copied
                    Operand::Let(i) => {
                        self.let_value(*i)?;
                        length(self.lets[*i as usize].as_ref()?)?
                    }
                    _ => length(&self.value(x)?)?,
                };
                self.tick(cost);
                Value::Number(n)
            }
            Operand::CountIn { list, set, negated } => self.count_in(list, set, *negated)?,
            Operand::Lower(_) | Operand::Trim(_) | Operand::Replace { .. } => {
                Value::Str(self.text_of(o)?)
            }
            Operand::Split { x, sep } => self.split(x, sep)?,
            Operand::MinMax { args, max } => self.min_max(args, *max)?,
            Operand::DateOf(x) => {
                // the call's node, then its argument's
                self.tick(1);
                match self.value(x)? {
                    Value::Str(s) => {
                        self.tick(budget::text(&s));
                        Value::Date(dates::read_text(&s)?)
                    }
                    Value::Number(n) => Value::Date(dates::from_unix(n)?),
                    v @ (Value::Date(_) | Value::Missing(_)) => v,
                    _ => return None,
                }
            }
            Operand::Default(a, b) => {
                self.tick(1);
                match self.value(a)? {
                    Value::Missing(_) => self.value(b)?,
                    v => v,
                }
            }
            Operand::Eval(n) => self.eval(n).ok()?,
        })
    }

    /// `"k" in list`: whether the list holds the text, `None` when an
    /// element leaves it undecided.
    fn member(&mut self, text: &'a str, list: &'a Operand) -> Option<bool> {
        self.tick(1);
        let Value::List(items) = self.value(list)? else {
            return None;
        };
        self.tick(items.len() as u64);
        let x = Value::Str(Cow::Borrowed(text));
        for y in items.iter() {
            if x.equals(&y)? {
                return Some(true);
            }
        }
        Some(false)
    }

    /// `any(xs, x => x in [...])` (or `all`, or `not in`).
    fn any_in(
        &mut self,
        list: &'a Operand,
        set: &'a Set,
        negated: bool,
        all: bool,
    ) -> Option<bool> {
        let Value::List(items) = self.value(list)? else {
            return None;
        };
        for x in items.iter() {
            // `x in [...]`: its node, the parameter's, the list's
            self.tick(3 + set.len());
            if (found(set, &x)? != negated) != all {
                return Some(!all);
            }
        }
        Some(all)
    }

    /// `a op b` over numbers; missing passes through.
    fn arith(
        &mut self,
        op: ArithOp,
        a: &'a Operand,
        b: &'a Operand,
        span: Span,
    ) -> Option<Value<'a>> {
        self.tick(1);
        let (x, y) = (self.value(a)?, self.value(b)?);
        Some(match (x, y) {
            (Value::Number(x), Value::Number(y)) => match op {
                ArithOp::Add => Value::number(x + y, span),
                ArithOp::Sub => Value::number(x - y, span),
                ArithOp::Mul => Value::number(x * y, span),
                ArithOp::Div if y == 0.0 => Value::Missing(Missing::DivByZero(span)),
                ArithOp::Div => Value::number(x / y, span),
            },
            // the first missing, once both are numbers or missing
            (m @ Value::Missing(_), Value::Number(_) | Value::Missing(_))
            | (Value::Number(_), m @ Value::Missing(_)) => m,
            _ => return None,
        })
    }

    /// `count(xs, x => x in [...])` (or `not in`).
    fn count_in(&mut self, list: &'a Operand, set: &'a Set, negated: bool) -> Option<Value<'a>> {
        self.tick(1);
        let Value::List(items) = self.value(list)? else {
            return None;
        };
        let mut count = 0usize;
        for x in items.iter() {
            // `x in [...]`: its node, the parameter's, the list's,
            // and the list's elements unless `x` is missing
            self.tick(3);
            match x {
                Value::Missing(_) => continue,
                Value::Number(_) | Value::Str(_) | Value::Bool(_) | Value::Date(_) => {}
                // compared element by element: left to the evaluator
                _ => return None,
            }
            self.tick(set.len());
            // unknown (a missing element might have matched) counts not
            if let Some(found) = found(set, &x) {
                count += usize::from(found != negated);
            }
        }
        Some(Value::Number(count as f64))
    }

    /// The value of let `i`'s expression: by its fast path when that
    /// decides, else by the general evaluator.
    pub(super) fn let_body(&mut self, i: usize) -> Eval<'a> {
        let prog = self.prog;
        let def = &prog.lets[i];
        // a let read by a let's fast path recurses without growing the
        // stack: a chain of them goes to the general evaluator, which does
        if let (Some(o), true) = (&def.fast, self.fast_lets < FAST_LET_DEPTH) {
            let (steps, filled) = (self.steps, self.filled.len());
            self.fast_lets += 1;
            let v = self.value(o);
            self.fast_lets -= 1;
            match v {
                Some(v) if self.steps <= self.budget => return Ok(v),
                _ => self.forget(steps, filled),
            }
        }
        self.eval(&def.value)
    }

    /// Puts the frame back as it was before a fast path gave up: its steps,
    /// and the lets worked out since.
    fn forget(&mut self, steps: u64, filled: usize) {
        self.steps = steps;
        for i in self.filled.drain(filled..) {
            self.lets[i as usize] = None;
        }
    }

    /// `min(...)` or `max(...)` of numbers; the first missing passes on.
    fn min_max(&mut self, args: &'a [Operand], max: bool) -> Option<Value<'a>> {
        // the call's node; numbers and missing values count no steps more
        self.tick(1);
        let (mut best, mut missing) = (None, None);
        for a in args {
            match self.value(a)? {
                Value::Number(n) => {
                    best = Some(match best {
                        None => n,
                        Some(b) if max => f64::max(b, n),
                        Some(b) => f64::min(b, n),
                    })
                }
                m @ Value::Missing(_) => {
                    missing.get_or_insert(m);
                }
                _ => return None,
            }
        }
        missing.or(best.map(Value::Number))
    }

    /// `replace(x, from, to)` of constant texts, by the finder of `from`.
    fn replace(&mut self, x: &'a Operand, from: &Needle, to: &str) -> Option<Cow<'a, str>> {
        // the call's node and its two constants'
        self.tick(3);
        let s = self.text_of(x)?;
        self.afford(budget::text(&s) + budget::text(&from.text) + budget::text(to))?;
        // found and replaced in one scan, which stops where the budget would
        let most = budget::most_replaced(self.budget - self.steps, to);
        let (out, times) = convert::replace_all(s, &from.finder, to, most)?;
        self.tick(budget::replaced(times, to));
        Some(out)
    }

    /// An operand that must be text.
    fn text_of(&mut self, o: &'a Operand) -> Option<Cow<'a, str>> {
        let (Operand::Lower(x) | Operand::Trim(x)) = o else {
            if let Operand::Replace { x, from, to } = o {
                return self.replace(x, from, to);
            }
            return match self.value(o)? {
                Value::Str(s) => Some(s),
                _ => None,
            };
        };
        self.tick(1);
        let s = self.text_of(x)?;
        self.tick(budget::text(&s));
        Some(match o {
            Operand::Lower(_) => functions::lower(s),
            _ => functions::trim(s),
        })
    }

    /// An operand that must be a number: as [`Frame::ordered`] reads it
    /// (the same steps as [`Frame::value`]), a date refused.
    #[inline(always)]
    fn number(&mut self, o: &'a Operand) -> Option<f64> {
        match self.ordered(o)? {
            Ordered::Number(n) => Some(n),
            Ordered::Date(_) => None,
        }
    }

    /// Works out let `i` when not yet known, as reading its name does.
    fn let_value(&mut self, i: u32) -> Option<()> {
        self.tick(1);
        let i = i as usize;
        if self.lets[i].is_none() {
            let v = self.let_body(i).ok()?;
            self.lets[i] = Some(v);
            self.filled.push(i as u32);
        }
        Some(())
    }

    /// `f` of an operand that must be text, once the `cost` of scanning it
    /// is counted; a let's text is read where it is kept, not copied.
    fn with_text<R>(
        &mut self,
        o: &'a Operand,
        cost: impl FnOnce(&str) -> u64,
        f: impl FnOnce(&str) -> R,
    ) -> Option<R> {
        if let Operand::Let(i) = o {
            self.let_value(*i)?;
            let Some(Value::Str(s)) = &self.lets[*i as usize] else {
                return None;
            };
            self.steps = self.steps.saturating_add(cost(s));
            return (self.steps <= self.budget).then(|| f(s));
        }
        let s = self.text_of(o)?;
        self.afford(cost(&s))?;
        Some(f(&s))
    }
}

mod split;

#[cfg(test)]
mod tests;
