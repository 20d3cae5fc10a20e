//! The per-record evaluator: runs a [`Program`] over one record and gives a
//! [`Verdict`]. Lets and signals are computed once per record, on first use;
//! missing data follows the rules in [`value`]; a value of the wrong kind
//! is an [`EvalError`] that makes this one creator's status `error`.

mod budget;
mod cause;
pub(crate) mod cohort;
mod convert;
// the language owns values and dates; evaluation reads them here too
pub use crate::language::dates;
mod error;
mod fast;
mod fields;
pub mod functions;
pub(crate) mod lists;
pub(crate) mod reasons;
mod run;
mod team;
pub use crate::language::value;
pub use team::TeamValue;
mod verdict;

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::ast::{ArithOp, Span};
use crate::compile::{into_static, Node, Op, Program};
use crate::data::{Rec, SlotReader};
pub use budget::DEFAULT_MAX_STEPS;
pub use cause::{Cause, MissingCause, Shown};
pub use error::{EvalError, EvalErrorKind, Fix, Needed};
use functions::Builtin;
use functions::{apply, want_number};
pub(crate) use run::Outcome;
use value::{Kind, List, Missing, Value};
pub use verdict::{Failure, RankKey, Rule, SignalValue, Signals, Status, Verdict, ID_FIELDS};

type Eval<'a> = Result<Value<'a>, EvalError>;

/// Reads a human-written number as the run's decimal mark says
/// (`--decimal-comma`): [`value::parse_number_with_mark`].
pub fn parse_human_number(s: &str) -> Option<f64> {
    value::parse_number_with_mark(s, crate::data::read_options().decimal_comma)
}

/// Evaluates an expression without a record, for constant folding.
pub(crate) fn eval_constant(node: &Node) -> Option<Value<'static>> {
    let prog = Program::empty();
    let record = Json::Null;
    let mut f = Frame::new(&prog, Rec::Json(&record));
    let v = f.eval(node).ok()?;
    into_static(v)
}

/// `n` values not worked out yet: written as they are (`vec![None; n]`
/// clones its first element for every other, a call each).
fn nones<'a>(n: usize) -> Vec<Option<Value<'a>>> {
    let mut v = Vec::with_capacity(n);
    v.resize_with(n, || None);
    v
}

/// One record's evaluation state.
pub(crate) struct Frame<'a> {
    pub prog: &'a Program,
    pub record: Rec<'a>,
    /// The record's slots as this program reads them, when it is in slots.
    slots: Option<SlotReader<'a>>,
    lets: Vec<Option<Value<'a>>>,
    /// The lets worked out so far, in order: a fast path that gives up
    /// forgets those it worked out (`eval/fast.rs`).
    filled: Vec<u32>,
    /// How many lets' fast paths are running, one inside another.
    fast_lets: u32,
    /// Each signal worked out so far (none until the first is asked for).
    signals: Vec<Option<Value<'a>>>,
    score: Option<f64>,
    params: Vec<Value<'a>>,
    /// Steps taken so far, and how many this record may take: one per node
    /// evaluated, plus the work of nodes that scan (see [`Frame::charge`]).
    steps: u64,
    pub(crate) budget: u64,
    /// How many nodes deep the evaluation is (see [`Frame::eval`]).
    depth: u32,
}

/// The stack is looked at once every this many levels of evaluation...
const STACK_CHECK_EVERY: u32 = 8;
/// ...and extended when less than this is left: enough for that many
/// levels in a debug build (some 14 KiB each) and the deepest leaf's work.
const STACK_RED_ZONE: usize = 256 << 10;
/// How much stack an extension adds, on the heap.
const STACK_SEGMENT: usize = 2 << 20;

impl<'a> Frame<'a> {
    pub fn new(prog: &'a Program, record: Rec<'a>) -> Self {
        Frame {
            prog,
            record,
            slots: match record {
                Rec::Slots(s, p) => Some(s.reader(p)),
                Rec::Json(_) => None,
            },
            lets: nones(prog.lets.len()),
            // the most it can hold: no growing while a record is evaluated
            filled: Vec::with_capacity(prog.lets.len()),
            fast_lets: 0,
            signals: Vec::new(),
            score: None,
            params: Vec::new(),
            steps: 0,
            budget: prog.max_steps,
            depth: 0,
        }
    }

    fn text(&self, n: &Node) -> &'a str {
        self.prog.text(n.span)
    }

    /// The raw value of signal `i`.
    pub fn signal(&mut self, i: usize) -> Eval<'a> {
        if self.signals.is_empty() {
            // made on first use: most creators are rejected unscored
            self.signals = nones(self.prog.signals.len());
        }
        if let Some(v) = &self.signals[i] {
            return Ok(v.clone());
        }
        let def = &self.prog.signals[i];
        let v = self.eval(&def.value)?;
        let v = match v {
            Value::Number(_) | Value::Missing(_) => v,
            other => {
                return Err(EvalError::wrong_kind(
                    &other,
                    Kind::Number,
                    self.text(&def.value),
                    def.value.span,
                ))
            }
        };
        self.signals[i] = Some(v.clone());
        Ok(v)
    }

    /// The weighted mean of the clamped signals (missing counts 0); 1 with no signals.
    pub fn score(&mut self) -> Result<f64, EvalError> {
        if let Some(s) = self.score {
            return Ok(s);
        }
        let prog = self.prog;
        let s = if prog.signals.is_empty() {
            1.0
        } else {
            let mut total = 0.0;
            let mut weights = 0.0;
            for (i, def) in prog.signals.iter().enumerate() {
                let v = match self.signal(i)? {
                    Value::Number(n) => value::unit(n),
                    _ => 0.0,
                };
                total += def.weight * v;
                weights += def.weight;
            }
            total / weights
        };
        self.score = Some(s);
        Ok(s)
    }

    /// The first tier whose condition holds.
    pub fn tier(&mut self) -> Result<Option<usize>, EvalError> {
        let prog = self.prog;
        for (i, t) in prog.tiers.iter().enumerate() {
            match &t.condition {
                None => return Ok(Some(i)),
                Some(c) => match self.eval(c)? {
                    Value::Bool(true) => return Ok(Some(i)),
                    Value::Bool(false) | Value::Missing(_) => {}
                    other => {
                        return Err(EvalError::wrong_kind(
                            &other,
                            Kind::Bool,
                            &format!("tier {} condition", t.name),
                            c.span,
                        ))
                    }
                },
            }
        }
        Ok(None)
    }

    fn num(&mut self, n: &'a Node) -> Result<Option<f64>, EvalError> {
        let v = self.eval(n)?;
        want_number(&v, || self.text(n), n.span)
    }

    fn boolean(&mut self, n: &'a Node, role: &str) -> Result<Result<bool, Missing>, EvalError> {
        match self.eval(n)? {
            Value::Bool(b) => Ok(Ok(b)),
            Value::Missing(m) => Ok(Err(m)),
            other => Err(EvalError::wrong(
                &other,
                Needed::TrueOrFalse,
                &format!("{} (in {role})", self.text(n)),
                n.span,
            )),
        }
    }

    /// Evaluates one node.
    ///
    /// Recursion is at most [`crate::syntax::MAX_DEPTH`] levels (counting
    /// the lets and signals read), which takes about 0.5 MiB of stack in a
    /// release build but some 7 MiB in a debug build: more than a thread
    /// has by default. When the stack runs low it is extended on the heap,
    /// so no embedder's thread overflows. Asking how much stack is left
    /// costs more than most nodes, so it is asked at the first level and
    /// then once every [`STACK_CHECK_EVERY`] levels, leaving room for them.
    pub fn eval(&mut self, n: &'a Node) -> Eval<'a> {
        self.charge(1, n.span)?;
        // a leaf recurses no deeper: read it without checking the stack,
        // which costs more than reading a constant or a kept field
        match &n.op {
            Op::Const(v) => Ok(v.clone()),
            Op::Field(i) => self.field(*i, n.span),
            Op::Param(i) => Ok(self.params[*i as usize].clone()),
            _ => {
                self.depth += 1;
                let v = if self.depth % STACK_CHECK_EVERY == 1 {
                    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.eval_node(n))
                } else {
                    self.eval_node(n)
                };
                self.depth -= 1;
                v
            }
        }
    }

    /// True once the step budget is spent: every later step fails alike.
    pub(crate) fn exhausted(&self) -> bool {
        self.steps > self.budget
    }

    /// Counts `work` steps against the budget, before the work is done, so
    /// that a scan too long for it is never started.
    #[inline]
    fn charge(&mut self, work: u64, span: Span) -> Result<(), EvalError> {
        self.steps = self.steps.saturating_add(work);
        if self.steps > self.budget {
            return Err(budget::stopped(self.budget, span));
        }
        Ok(())
    }

    /// Calls builtin `f` on the values of `args`: held on the stack when
    /// there are a few (most calls), so no list is allocated per call.
    fn call(&mut self, f: Builtin, args: &'a [Node], span: Span) -> Eval<'a> {
        const FEW: usize = 4;
        let mut few: [Value<'a>; FEW] = std::array::from_fn(|_| Value::Bool(false));
        let mut many = Vec::new();
        let vals: &mut [Value<'a>] = if args.len() <= FEW {
            for (slot, x) in few.iter_mut().zip(args) {
                *slot = self.eval(x)?;
            }
            &mut few[..args.len()]
        } else {
            for x in args {
                many.push(self.eval(x)?);
            }
            &mut many
        };
        self.charge(vals.iter().map(budget::arg).sum(), span)?;
        self.charge(budget::result(f, vals), span)?;
        apply(f, vals, args, self.prog, span)
    }

    fn eval_node(&mut self, n: &'a Node) -> Eval<'a> {
        Ok(match &n.op {
            Op::Const(v) => v.clone(),
            Op::Field(i) => self.field(*i, n.span)?,
            Op::Creator => {
                let j = self.record.json().expect(
                    "a run whose rules read the whole `creator` decodes every \
                     field as JSON, never into slots (FieldFilter::all)",
                );
                Value::from_json(j, Missing::Element(n.span))
            }
            Op::Param(i) => self.params[*i as usize].clone(),
            Op::Let(i) => {
                let i = *i as usize;
                if let Some(v) = &self.lets[i] {
                    return Ok(v.clone());
                }
                let v = self.let_body(i)?;
                self.lets[i] = Some(v.clone());
                self.filled.push(i as u32);
                v
            }
            // a signal's name reads its clamped value, as the score does
            Op::Signal(i) => match self.signal(*i as usize)? {
                Value::Number(v) => Value::Number(value::unit(v)),
                other => other,
            },
            Op::Score => Value::Number(self.score()?),
            Op::Tier => match self.tier()? {
                Some(i) => Value::Str(Cow::Borrowed(&self.prog.tiers[i].name)),
                None => Value::Missing(Missing::Element(n.span)),
            },
            Op::Get(base, key) => match self.eval(base)? {
                Value::Object(m) => match m.get(key) {
                    Some(j) => Value::from_json(j, Missing::Element(n.span)),
                    None => Value::Missing(Missing::Element(n.span)),
                },
                m @ Value::Missing(_) => m,
                Value::List(_) => {
                    return Err(EvalError::list_has_no_fields(
                        self.text(base),
                        key,
                        base.span,
                    ))
                }
                other => {
                    return Err(EvalError::wrong_kind(
                        &other,
                        Kind::Object,
                        self.text(base),
                        base.span,
                    ))
                }
            },
            Op::Index(base, index) => {
                let b = self.eval(base)?;
                let i = self.eval(index)?;
                match (&b, &i) {
                    (Value::Missing(_), _) => b,
                    (_, Value::Missing(_)) => i,
                    (Value::List(xs), Value::Number(k)) => {
                        let len = xs.len() as f64;
                        let k = if *k < 0.0 { len + k } else { *k };
                        if k.fract() != 0.0 || k < 0.0 || k >= len {
                            Value::Missing(Missing::Element(n.span))
                        } else {
                            xs.get(k as usize)
                                .expect("index checked")
                                .in_list(base.span)
                        }
                    }
                    (Value::Object(m), Value::Str(k)) => match m.get(k.as_ref()) {
                        Some(j) => Value::from_json(j, Missing::Element(n.span)),
                        None => Value::Missing(Missing::Element(n.span)),
                    },
                    (Value::List(_), other) => {
                        return Err(EvalError::wrong_kind(
                            other,
                            Kind::Number,
                            self.text(index),
                            index.span,
                        ))
                    }
                    (Value::Object(_), other) => {
                        return Err(EvalError::wrong_kind(
                            other,
                            Kind::String,
                            self.text(index),
                            index.span,
                        ))
                    }
                    (other, _) => {
                        return Err(EvalError::wrong(
                            other,
                            Needed::ListOrObject,
                            self.text(base),
                            base.span,
                        ))
                    }
                }
            }
            Op::Not(x) => match self.boolean(x, "not")? {
                Ok(b) => Value::Bool(!b),
                Err(m) => Value::Missing(m),
            },
            Op::Neg(x) => match self.num(x)? {
                Some(v) => Value::Number(-v),
                None => self.eval(x)?,
            },
            Op::And(a, b) | Op::Or(a, b) => {
                let is_and = matches!(n.op, Op::And(..));
                let role = if is_and { "and" } else { "or" };
                // the value that decides: false for `and`, true for `or`
                let decisive = !is_and;
                let left = self.boolean(a, role)?;
                if left == Ok(decisive) {
                    return Ok(Value::Bool(decisive));
                }
                let right = self.boolean(b, role)?;
                match (left, right) {
                    (_, Ok(r)) if r == decisive => Value::Bool(decisive),
                    (Err(m), _) | (_, Err(m)) => Value::Missing(m),
                    (Ok(_), Ok(_)) => Value::Bool(!decisive),
                }
            }
            Op::Arith(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                let xa = want_number(&x, || self.text(a), a.span)?;
                let ya = want_number(&y, || self.text(b), b.span)?;
                match (xa, ya) {
                    (None, _) => x,
                    (_, None) => y,
                    (Some(x), Some(y)) => match op {
                        ArithOp::Add => Value::number(x + y, n.span),
                        ArithOp::Sub => Value::number(x - y, n.span),
                        ArithOp::Mul => Value::number(x * y, n.span),
                        ArithOp::Div if y == 0.0 => Value::Missing(Missing::DivByZero(n.span)),
                        ArithOp::Div => Value::number(x / y, n.span),
                    },
                }
            }
            Op::Coalesce(a, b) => match self.eval(a)? {
                Value::Missing(_) => self.eval(b)?,
                v => v,
            },
            Op::Compare(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                // lists and objects compare element by element
                self.charge(budget::arg(&x).min(budget::arg(&y)), n.span)?;
                self.compare(*op, &x, &y, a, b)?
            }
            Op::Between(x, lo, hi) => {
                let v = self.eval(x)?;
                let l = self.eval(lo)?;
                let h = self.eval(hi)?;
                let above = self.compare(crate::ast::CmpOp::Ge, &v, &l, x, lo)?;
                let below = self.compare(crate::ast::CmpOp::Le, &v, &h, x, hi)?;
                match (above, below) {
                    (m @ Value::Missing(_), _) | (_, m @ Value::Missing(_)) => m,
                    (Value::Bool(p), Value::Bool(q)) => Value::Bool(p && q),
                    _ => unreachable!("compare yields a bool or missing"),
                }
            }
            Op::In(item, list, negated) => {
                let x = self.eval(item)?;
                let xs = self.eval(list)?;
                match (&x, &xs) {
                    (Value::Missing(_), _) => x,
                    (_, Value::Missing(_)) => xs,
                    // the values `find_scalar` answers for: looked up once
                    (_, Value::List(List::Const(c)))
                        if matches!(
                            x,
                            Value::Number(_) | Value::Str(_) | Value::Bool(_) | Value::Date(_)
                        ) =>
                    {
                        self.charge(c.items().len() as u64, n.span)?;
                        match c.find_scalar(&x) {
                            Some(Err(m)) => m.clone().in_list(list.span),
                            Some(Ok(found)) => Value::Bool(found != *negated),
                            None => unreachable!("checked by the guard"),
                        }
                    }
                    (_, Value::List(items)) => {
                        self.charge(items.len() as u64, n.span)?;
                        // three-valued: not found among known elements, but a
                        // missing element might have matched
                        let mut unknown = None;
                        let mut found = false;
                        for y in items.iter() {
                            match x.equals(&y) {
                                Some(true) => {
                                    found = true;
                                    break;
                                }
                                Some(false) => {}
                                None => unknown = unknown.or(Some(y.in_list(list.span))),
                            }
                        }
                        match (found, unknown) {
                            (false, Some(m)) => m,
                            _ => Value::Bool(found != *negated),
                        }
                    }
                    (_, other) => {
                        return Err(EvalError::wrong_kind(
                            other,
                            Kind::List,
                            self.text(list),
                            list.span,
                        ))
                    }
                }
            }
            Op::Contains(a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                match (&x, &y) {
                    (Value::Missing(_), _) => x,
                    (_, Value::Missing(_)) => y,
                    (Value::Str(s), Value::Str(sub)) => {
                        self.charge(budget::text(s), n.span)?;
                        Value::Bool(s.contains(sub.as_ref()))
                    }
                    (Value::Str(_), other) => {
                        return Err(EvalError::wrong_kind(
                            other,
                            Kind::String,
                            self.text(b),
                            b.span,
                        ))
                    }
                    (Value::List(items), _) => {
                        self.charge(items.len() as u64, n.span)?;
                        Value::Bool(items.iter().any(|v| v.equals(&y) == Some(true)))
                    }
                    (other, _) => {
                        return Err(EvalError::wrong(
                            other,
                            Needed::StringOrList,
                            self.text(a),
                            a.span,
                        ))
                    }
                }
            }
            Op::Matches(a, re) => match self.eval(a)? {
                Value::Str(s) => {
                    self.charge(budget::regex(&s, re.states), n.span)?;
                    Value::Bool(re.is_match(&s))
                }
                m @ Value::Missing(_) => m,
                other => {
                    return Err(EvalError::wrong_kind(
                        &other,
                        Kind::String,
                        self.text(a),
                        a.span,
                    ))
                }
            },
            Op::If(c, a, b) => match self.boolean(c, "if")? {
                Ok(true) => self.eval(a)?,
                Ok(false) => self.eval(b)?,
                Err(m) => Value::Missing(m),
            },
            Op::List(xs) => {
                let items: Result<Vec<Value<'a>>, EvalError> =
                    xs.iter().map(|x| self.eval(x)).collect();
                Value::List(List::Built(Arc::from(items?)))
            }
            // presence, never an error: a path through a non-object is absent
            Op::Has(x) => Value::Bool(match &x.op {
                Op::Field(i) => self.lookup(*i).is_some_and(|j| !j.is_null()),
                _ => !self.eval(x)?.is_missing(),
            }),
            Op::Call(f, args) => self.call(*f, args, n.span)?,
            Op::Lambda(f, list, body) => self.lambda(*f, list, body)?,
            Op::Each(f, list, body, site) => self.each(*f, list, body.as_deref(), *site, n.span)?,
            Op::Cohort(f, args, i) => self.cohort(*f, *i, args, n.span)?,
        })
    }
}

#[cfg(test)]
mod properties;
