//! Fast paths for requirements: the common shapes of a condition (a field
//! compared with a number, a text in a constant set, a constant needle in
//! a text, `not`, `and`, `or` of those) planned once here as a [`Test`],
//! which the evaluator runs on the record's values with no `Value` tree
//! walked (`eval/fast.rs`). A test decides only the plain case: two
//! numbers, two texts, a value found or not; anything else (missing data,
//! a wrong kind, the step budget spent) is left to the general evaluator,
//! which then runs the whole condition as if no test had been tried, so
//! every message, cause and `when missing` stays its own.

mod split;

use std::sync::Arc;

use memchr::memmem::Finder;

use super::{LetDef, Node, Op, Pattern, Requirement};
use crate::ast::{ArithOp, CmpOp, Span};
use crate::language::sets::ConstList;
use crate::language::value::{List, Value};
use crate::language::Builtin;

/// A value a test reads.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    /// A number written in the rules.
    Number(f64),
    /// A field path of the record (index into `Program::fields`).
    Field(u32),
    /// A let whose value touches no signal, score or tier.
    Let(u32),
    /// A date written in the rules (`date("2026-01-01")`, folded).
    Date(i64),
    /// `x ?? y`.
    Default(Box<Operand>, Box<Operand>),
    /// Arithmetic on two numbers; the span is the operation's.
    Arith(ArithOp, Box<Operand>, Box<Operand>, Span),
    /// `count(xs, x => x in [...])` (or `not in`, when `negated`).
    CountIn {
        list: Box<Operand>,
        set: Set,
        negated: bool,
    },
    /// `len(x)` of a text or a list.
    Len(Box<Operand>),
    /// `lower(x)` of a text.
    Lower(Box<Operand>),
    /// `trim(x)` of a text.
    Trim(Box<Operand>),
    /// `replace(x, from, to)` of a text and two constant texts, `from`
    /// not empty: its finder built once, not for every record.
    Replace {
        x: Box<Operand>,
        from: Box<Needle>,
        to: Box<str>,
    },
    /// `split(x, sep)` of a text and a constant text, `sep` not empty: its
    /// finder built once (`fast/split.rs`).
    Split { x: Box<Operand>, sep: Box<Needle> },
    /// `min(a, b, ...)` (or `max`, when `max`) of two or more numbers.
    MinMax { args: Vec<Operand>, max: bool },
    /// `date(x)` of a text, a number or a date.
    DateOf(Box<Operand>),
    /// Any other expression that touches no signal, score or tier, worked
    /// out by the general evaluator.
    Eval(Box<Node>),
}

/// A constant list that `x in [...]` looks a text or a number up in.
#[derive(Debug, Clone)]
pub(crate) struct Set {
    pub list: Arc<ConstList>,
    /// Its texts and numbers, scanned in order: a few comparisons beat
    /// hashing the value.
    pub texts: Vec<Box<str>>,
    pub numbers: Vec<f64>,
    /// True when an element is missing: a value found nowhere is unknown.
    pub has_missing: bool,
}

/// How deep a test or an operand is planned: below, the general evaluator
/// (which grows its stack as it needs) takes over, so that running a test
/// recurses no deeper than this.
const PLAN_DEPTH: u32 = 12;

/// Sets longer than this are looked up by their hashed keys.
pub(crate) const SCAN_AT_MOST: usize = 16;

impl Set {
    fn new(list: &Arc<ConstList>) -> Set {
        let items = list.items();
        Set {
            list: Arc::clone(list),
            texts: items
                .iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(s.as_ref().into()),
                    _ => None,
                })
                .collect(),
            numbers: items
                .iter()
                .filter_map(|v| match v {
                    Value::Number(n) => Some(*n),
                    _ => None,
                })
                .collect(),
            has_missing: items.iter().any(Value::is_missing),
        }
    }

    /// Elements, which `in` pays a step each for.
    pub fn len(&self) -> u64 {
        self.list.items().len() as u64
    }
}

/// A constant text searched for, with its finder built once.
#[derive(Debug, Clone)]
pub(crate) struct Needle {
    pub text: Box<str>,
    pub finder: Finder<'static>,
}

impl Needle {
    fn new(text: &str) -> Needle {
        Needle {
            text: text.into(),
            finder: Finder::new(text.as_bytes()).into_owned(),
        }
    }
}

/// A condition planned for the fast path; each variant says what the
/// general evaluator would do with it, and counts the same steps.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    /// Two numbers (or two dates) compared.
    Compare(CmpOp, Operand, Operand),
    /// A text `==` (or `!=`, when `ne`) a constant text.
    TextEq {
        x: Operand,
        text: Box<str>,
        ne: bool,
    },
    /// A number between two numbers.
    Between(Operand, Operand, Operand),
    /// A value `in` (or `not in`) a constant list.
    InSet {
        item: Operand,
        set: Set,
        negated: bool,
    },
    /// A constant text `in` (or `not in`) a list of the record.
    Member {
        text: Box<str>,
        list: Operand,
        negated: bool,
    },
    /// A text `contains` a constant text.
    Contains(Operand, Needle),
    /// `starts_with` (`start`) or `ends_with` of a text and a constant text.
    Affix {
        x: Operand,
        needle: Needle,
        start: bool,
    },
    /// A text `matches` a pattern.
    Matches(Operand, Arc<Pattern>),
    /// `any` (or `all`, when `all`) of a list `x => x in [...]`.
    AnyIn {
        list: Operand,
        set: Set,
        negated: bool,
        all: bool,
    },
    Not(Box<Test>),
    And(Box<Test>, Box<Test>),
    Or(Box<Test>, Box<Test>),
    /// A condition with none of the shapes above, worked out by the
    /// general evaluator (only under `not`, `and`, `or`).
    Eval(Box<Node>),
}

/// Plans a test for each requirement whose condition has a shape worth
/// one, and a fast value for each let whose value has.
pub(super) fn plan(lets: &mut [LetDef], requirements: &mut [Requirement]) {
    let planner = Planner {
        pure_lets: pure_lets(lets),
    };
    for r in requirements {
        r.fast = planner.test(&r.condition, 0).map(Arc::new);
    }
    for l in lets {
        l.fast = planner
            .operand(&l.value, 0)
            .filter(|o| !matches!(o, Operand::Eval(_) | Operand::Number(_)));
    }
}

/// Which lets touch no signal, score or tier, even through other lets:
/// a test may work those out (and forget them again when it gives up).
fn pure_lets(lets: &[LetDef]) -> Vec<bool> {
    let mut pure = vec![true; lets.len()];
    // the checker refused cycles: a pass per level of lets reading lets
    loop {
        let mut changed = false;
        for (i, l) in lets.iter().enumerate() {
            if pure[i] && !node_is_pure(&l.value, &pure) {
                pure[i] = false;
                changed = true;
            }
        }
        if !changed {
            return pure;
        }
    }
}

/// True when evaluating `n` leaves nothing behind in the frame but lets
/// and fields it kept.
fn node_is_pure(n: &Node, pure_lets: &[bool]) -> bool {
    !n.any(&|op| match op {
        Op::Signal(_) | Op::Score | Op::Tier => true,
        Op::Let(i) => !pure_lets[*i as usize],
        _ => false,
    })
}

/// The set of a lambda's body `x in [...]` (and whether `not in`), when
/// `x` is its parameter: the first, as a requirement or a let is outside
/// every other lambda.
fn param_in_set(body: &Node) -> Option<(Set, bool)> {
    match &body.op {
        Op::In(item, set, negated) => match (&item.op, &set.op) {
            (Op::Param(0), Op::Const(Value::List(List::Const(c)))) => Some((Set::new(c), *negated)),
            _ => None,
        },
        _ => None,
    }
}

struct Planner {
    pure_lets: Vec<bool>,
}

impl Planner {
    fn pure(&self, n: &Node) -> bool {
        node_is_pure(n, &self.pure_lets)
    }

    fn operand(&self, n: &Node, depth: u32) -> Option<Operand> {
        if depth > PLAN_DEPTH {
            return self.pure(n).then(|| Operand::Eval(Box::new(n.clone())));
        }
        let depth = depth + 1;
        Some(match &n.op {
            Op::Const(Value::Number(k)) => Operand::Number(*k),
            Op::Const(Value::Date(d)) => Operand::Date(*d),
            // a constant of another kind is never a number nor a text read
            Op::Const(_) => return None,
            Op::Field(i) => Operand::Field(*i),
            Op::Let(i) if self.pure_lets[*i as usize] => Operand::Let(*i),
            Op::Arith(op, a, b) => Operand::Arith(
                *op,
                Box::new(self.operand(a, depth)?),
                Box::new(self.operand(b, depth)?),
                n.span,
            ),
            Op::Coalesce(a, b) => Operand::Default(
                Box::new(self.operand(a, depth)?),
                Box::new(self.operand(b, depth)?),
            ),
            Op::Call(f @ (Builtin::Len | Builtin::Lower | Builtin::Trim), args)
                if args.len() == 1 =>
            {
                let x = Box::new(self.operand(&args[0], depth)?);
                match f {
                    Builtin::Len => Operand::Len(x),
                    Builtin::Lower => Operand::Lower(x),
                    _ => Operand::Trim(x),
                }
            }
            Op::Call(Builtin::Replace, args) => match &args[..] {
                [x, Node {
                    op: Op::Const(Value::Str(from)),
                    ..
                }, Node {
                    op: Op::Const(Value::Str(to)),
                    ..
                }] if !from.is_empty() => Operand::Replace {
                    x: Box::new(self.operand(x, depth)?),
                    from: Box::new(Needle::new(from)),
                    to: to.as_ref().into(),
                },
                _ if self.pure(n) => Operand::Eval(Box::new(n.clone())),
                _ => return None,
            },
            Op::Call(Builtin::Split, args) => self.split(n, args, depth)?,
            Op::Call(Builtin::Date, args) if args.len() == 1 => {
                Operand::DateOf(Box::new(self.operand(&args[0], depth)?))
            }
            Op::Call(f @ (Builtin::Min | Builtin::Max), args) if args.len() >= 2 => {
                Operand::MinMax {
                    args: args
                        .iter()
                        .map(|a| self.operand(a, depth))
                        .collect::<Option<_>>()?,
                    max: *f == Builtin::Max,
                }
            }
            Op::Lambda(Builtin::Count, list, body) => match param_in_set(body) {
                Some((set, negated)) => Operand::CountIn {
                    list: Box::new(self.operand(list, depth)?),
                    set,
                    negated,
                },
                None if self.pure(n) => Operand::Eval(Box::new(n.clone())),
                None => return None,
            },
            _ if self.pure(n) => Operand::Eval(Box::new(n.clone())),
            _ => return None,
        })
    }

    /// A test, or the general evaluator's answer when `n` has no shape.
    fn part(&self, n: &Node, depth: u32) -> Option<Test> {
        self.test(n, depth)
            .or_else(|| self.pure(n).then(|| Test::Eval(Box::new(n.clone()))))
    }

    fn test(&self, n: &Node, depth: u32) -> Option<Test> {
        if depth > PLAN_DEPTH {
            return None;
        }
        let depth = depth + 1;
        Some(match &n.op {
            Op::Compare(op, a, b) => match (&a.op, &b.op) {
                (Op::Const(Value::Str(k)), _) | (_, Op::Const(Value::Str(k)))
                    if matches!(op, CmpOp::Eq | CmpOp::Ne) =>
                {
                    let x = if matches!(a.op, Op::Const(_)) { b } else { a };
                    Test::TextEq {
                        x: self.operand(x, depth)?,
                        text: k.as_ref().into(),
                        ne: *op == CmpOp::Ne,
                    }
                }
                _ => Test::Compare(*op, self.operand(a, depth)?, self.operand(b, depth)?),
            },
            Op::Between(x, lo, hi) => Test::Between(
                self.operand(x, depth)?,
                self.operand(lo, depth)?,
                self.operand(hi, depth)?,
            ),
            Op::In(item, list, negated) => match (&item.op, &list.op) {
                (_, Op::Const(Value::List(List::Const(c)))) => Test::InSet {
                    item: self.operand(item, depth)?,
                    set: Set::new(c),
                    negated: *negated,
                },
                (Op::Const(Value::Str(k)), _) => Test::Member {
                    text: k.as_ref().into(),
                    list: self.operand(list, depth)?,
                    negated: *negated,
                },
                _ => return None,
            },
            Op::Contains(a, b) => match &b.op {
                Op::Const(Value::Str(k)) => Test::Contains(self.operand(a, depth)?, Needle::new(k)),
                _ => return None,
            },
            Op::Call(f @ (Builtin::StartsWith | Builtin::EndsWith), args) => match &args[..] {
                [x, Node {
                    op: Op::Const(Value::Str(k)),
                    ..
                }] => Test::Affix {
                    x: self.operand(x, depth)?,
                    needle: Needle::new(k),
                    start: *f == Builtin::StartsWith,
                },
                _ => return None,
            },
            Op::Matches(a, re) => Test::Matches(self.operand(a, depth)?, Arc::clone(re)),
            // the lambda's parameter is the first: a requirement is
            // outside every other lambda
            Op::Lambda(f @ (Builtin::Any | Builtin::All), list, body) => {
                let (set, negated) = param_in_set(body)?;
                Test::AnyIn {
                    list: self.operand(list, depth)?,
                    set,
                    negated,
                    all: *f == Builtin::All,
                }
            }
            Op::Not(x) => Test::Not(Box::new(self.test(x, depth)?)),
            Op::And(a, b) | Op::Or(a, b) => {
                let (a, b) = (self.part(a, depth)?, self.part(b, depth)?);
                if matches!((&a, &b), (Test::Eval(_), Test::Eval(_))) {
                    return None;
                }
                match n.op {
                    Op::And(..) => Test::And(Box::new(a), Box::new(b)),
                    _ => Test::Or(Box::new(a), Box::new(b)),
                }
            }
            _ => return None,
        })
    }
}
