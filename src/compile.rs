//! Lowers a checked AST into a [`Program`]: names resolved to slots (lets,
//! signals, lambda parameters), field paths to indices into one table,
//! regexes compiled, constant lets and constant sub-expressions folded.
//! Runs once per ruleset; records only ever meet the lowered form.

use std::sync::Arc;

use regex::Regex;

use crate::ast::{self, ArithOp, CmpOp, Order, Span, WhenMissing};
use crate::language::value::{List, Value};
use crate::language::Builtin;

mod fast;
mod lower;
pub(crate) use fast::{Needle, Operand, Set, Test, SCAN_AT_MOST};
pub(crate) use lower::compile;

/// Steps one creator's evaluation may take, unless raised (`--max-steps`,
/// or [`crate::Ruleset::with_max_steps`]); the evaluator counts them
/// (`eval/budget.rs`): 0.4 to 0.7 s of the slowest work in a release
/// build, and some 40 times what the largest legitimate rules file
/// (1 MiB, 7,700 requirements) takes for one record. A program carries its
/// budget, so the constant is the compiler's.
pub const DEFAULT_MAX_STEPS: u64 = 20_000_000;

/// A compiled `matches` pattern and what scanning one byte with it costs.
#[derive(Debug)]
pub(crate) struct Pattern {
    regex: Regex,
    /// States of its automaton, roughly: a regex runs in time up to the
    /// bytes it scans times this (`Z.{600}q` is 602), which the evaluation
    /// budget counts.
    pub states: u64,
}

impl Pattern {
    fn new(regex: Regex) -> Self {
        // the pattern compiled, so it parses; a failure only loses the estimate
        let states = regex_syntax::Parser::new()
            .parse(regex.as_str())
            .map_or(1, |h| hir_states(&h));
        Pattern { regex, states }
    }
}

impl std::ops::Deref for Pattern {
    type Target = Regex;
    fn deref(&self) -> &Regex {
        &self.regex
    }
}

/// The states a regex's automaton has, roughly: one per byte of a literal,
/// class or assertion, repeats counted as many times as they may run.
/// Recursion is bounded by the regex's nesting limit (250).
fn hir_states(h: &regex_syntax::hir::Hir) -> u64 {
    use regex_syntax::hir::{Class, HirKind};
    let n = match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        // a Unicode class (`\w`) compiles to many states, not one
        HirKind::Class(Class::Unicode(c)) => 1 + c.ranges().len() as u64 / 8,
        HirKind::Class(Class::Bytes(_)) => 1,
        HirKind::Repetition(r) => {
            let times = r.max.unwrap_or(r.min).max(1);
            hir_states(&r.sub).saturating_mul(u64::from(times))
        }
        HirKind::Capture(c) => hir_states(&c.sub),
        HirKind::Concat(xs) | HirKind::Alternation(xs) => {
            xs.iter().map(hir_states).fold(0u64, u64::saturating_add)
        }
    };
    n.max(1)
}

/// A lowered expression with the place it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub op: Op,
    pub span: Span,
}

/// The operations of a lowered expression.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Const(Value<'static>),
    /// A field path of the record (index into `Program::fields`).
    Field(u32),
    /// The whole record.
    Creator,
    /// A lambda parameter, counted from the outermost.
    Param(u32),
    Let(u32),
    Signal(u32),
    Score,
    Tier,
    /// `.key` of a computed value.
    Get(Box<Node>, String),
    Index(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>),
    Coalesce(Box<Node>, Box<Node>),
    Compare(CmpOp, Box<Node>, Box<Node>),
    Between(Box<Node>, Box<Node>, Box<Node>),
    In(Box<Node>, Box<Node>, bool),
    Contains(Box<Node>, Box<Node>),
    Matches(Box<Node>, Arc<Pattern>),
    If(Box<Node>, Box<Node>, Box<Node>),
    List(Vec<Node>),
    Call(Builtin, Vec<Node>),
    Has(Box<Node>),
    /// `any`, `all` or `count` over a list with a body that reads `Param`.
    Lambda(Builtin, Box<Node>, Box<Node>),
    /// `map`, `filter`, `first` and the aggregates (`sum`, `avg`, `min`,
    /// `max`, `median`) over one list, with the lambda's body if written,
    /// and the index of the call's entry in `Program::sites`.
    Each(Builtin, Box<Node>, Option<Box<Node>>, u32),
    /// A cohort function (`percentile`, `cohort_median`, `cohort_size`)
    /// with its arguments, and the index of its input in
    /// `Program::cohorts`.
    Cohort(Builtin, Vec<Node>, u32),
}

/// What a cohort function reads of each creator in the first pass: its
/// `x` (none for `cohort_size`) and its group (none for the whole run).
/// Calls with the same `x` and group, as written, share one input.
#[derive(Debug, Clone)]
pub(crate) struct CohortInput {
    pub x: Option<Node>,
    pub group: Option<Node>,
}

/// A list function's call as written, to name an element in a reason:
/// `recentPosts[3].likes is missing`.
#[derive(Debug, Clone)]
pub(crate) struct ListSite {
    /// The list argument.
    pub list: Span,
    /// The lambda (`p => p.likes`), if written.
    pub lambda: Option<Span>,
    /// Its body (`p.likes`).
    pub body: Option<Span>,
    /// What follows the parameter when the body is a path on it (`.likes`).
    pub path: Option<String>,
}

impl Node {
    /// The operands of this operation, in source order (a lambda's body
    /// included).
    pub(crate) fn children(&self) -> Vec<&Node> {
        match &self.op {
            Op::Const(_)
            | Op::Field(_)
            | Op::Creator
            | Op::Param(_)
            | Op::Let(_)
            | Op::Signal(_) => vec![],
            Op::Score | Op::Tier => vec![],
            Op::Get(a, _) | Op::Not(a) | Op::Neg(a) | Op::Matches(a, _) | Op::Has(a) => vec![a],
            Op::Index(a, b)
            | Op::And(a, b)
            | Op::Or(a, b)
            | Op::Arith(_, a, b)
            | Op::Coalesce(a, b)
            | Op::Compare(_, a, b)
            | Op::In(a, b, _)
            | Op::Contains(a, b)
            | Op::Lambda(_, a, b)
            | Op::Each(_, a, Some(b), _) => vec![a, b],
            Op::Each(_, a, None, _) => vec![a],
            Op::Between(a, b, c) | Op::If(a, b, c) => vec![a, b, c],
            Op::List(xs) | Op::Call(_, xs) | Op::Cohort(_, xs, _) => xs.iter().collect(),
        }
    }

    /// True when this operation or one below it satisfies `f`.
    fn any(&self, f: &dyn Fn(&Op) -> bool) -> bool {
        f(&self.op) || self.children().into_iter().any(|c| c.any(f))
    }
}

/// A requirement, ready to run.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub name: String,
    pub(crate) condition: Node,
    /// The `else` message.
    pub message: Option<String>,
    /// What a missing result means.
    pub when_missing: WhenMissing,
    /// The whole declaration.
    pub span: Span,
    /// The condition's fast path, when it has a shape worth one.
    pub(crate) fast: Option<Arc<Test>>,
}

/// A signal, ready to run.
#[derive(Debug, Clone)]
pub struct SignalDef {
    pub name: String,
    /// Its weight (> 0).
    pub weight: f64,
    pub(crate) value: Node,
    /// The whole declaration.
    pub span: Span,
}

/// A tier, ready to run.
#[derive(Debug, Clone)]
pub struct TierDef {
    pub name: String,
    pub(crate) condition: Option<Node>,
}

/// `select N` and its constraints, ready to run.
#[derive(Debug, Clone)]
pub struct TeamRule {
    /// How many creators the team holds.
    pub size: usize,
    /// `budget` and `per` clauses in file order.
    pub constraints: Vec<TeamLimit>,
    /// How long the search for the team may take ([`DEFAULT_SELECT_TIMEOUT`]
    /// unless set), and again for each constraint's cost.
    pub timeout: std::time::Duration,
}

/// How long the search for a `select` team may take by default.
pub const DEFAULT_SELECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One constraint of `select`, with the per-creator value it reads.
#[derive(Debug, Clone)]
pub struct TeamLimit {
    pub(crate) value: Node,
    /// What it bounds.
    pub kind: TeamLimitKind,
    /// The clause as written, spacing normalised (`budget sum(fee) <= 20k`).
    pub text: String,
}

/// What a team constraint bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TeamLimitKind {
    /// The team's sum of the value is at most `cap`.
    Budget {
        /// The most the sum may be.
        cap: f64,
    },
    /// The count of the team's creators with each value is at most (at
    /// least) `count`.
    Per {
        /// `at most` or `at least`.
        bound: ast::GroupBound,
        /// K.
        count: usize,
    },
}

/// A `let`, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct LetDef {
    pub name: String,
    pub value: Node,
    /// Its value's fast path, when it has a shape worth one.
    pub fast: Option<Operand>,
}

/// A compiled ruleset: what every record is evaluated against.
#[derive(Debug, Clone)]
pub struct Program {
    /// The `ruleset` name.
    pub name: Option<String>,
    /// The file name the rules came from.
    pub file: String,
    /// The rules source, for quoting expressions in reasons.
    pub source: Arc<str>,
    /// Requirements in file order.
    pub requirements: Vec<Requirement>,
    /// Signals in file order.
    pub signals: Vec<SignalDef>,
    /// Tiers in file order.
    pub tiers: Vec<TierDef>,
    pub(crate) lets: Vec<LetDef>,
    pub(crate) rank: Option<Node>,
    /// The ranking direction.
    pub order: Order,
    /// The keys of `rank by` after the first, each with its direction.
    pub(crate) tie_breaks: Vec<(Node, Order)>,
    /// `limit N`.
    pub limit: Option<usize>,
    /// `select N` with its constraints.
    pub select: Option<TeamRule>,
    /// Every field path the rules read, such as `["audience", "female_share"]`.
    pub fields: Vec<Vec<String>>,
    /// The parsed file, kept for examples and tooling.
    pub ast: ast::RulesFile,
    /// Steps one creator's evaluation may take (see [`DEFAULT_MAX_STEPS`]).
    pub(crate) max_steps: u64,
    /// The list functions' calls, which `Missing::AtElement` points into.
    pub(crate) sites: Vec<ListSite>,
    /// The run's date, days since 1970-01-01 (UTC), that `days_since` counts to.
    pub(crate) today: i64,
    /// What the cohort functions read of each creator, one per distinct
    /// `x` and group.
    pub(crate) cohorts: Vec<CohortInput>,
    /// The run's population, once the first pass has collected it; without
    /// it each creator is a cohort of its own (docs/language.md).
    pub(crate) population: Option<Arc<crate::language::cohort::Population>>,
}

impl Program {
    /// The source text of a span.
    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.start..span.end).unwrap_or("?")
    }

    /// True when some rule reads the whole record (`creator` itself, or
    /// `creator[...]` with a computed key), not only named fields.
    pub fn reads_whole_record(&self) -> bool {
        let whole = |op: &Op| matches!(op, Op::Creator);
        self.lets.iter().any(|l| l.value.any(&whole))
            || self.requirements.iter().any(|r| r.condition.any(&whole))
            || self.signals.iter().any(|s| s.value.any(&whole))
            || self
                .tiers
                .iter()
                .filter_map(|t| t.condition.as_ref())
                .any(|c| c.any(&whole))
            || self.rank.as_ref().is_some_and(|r| r.any(&whole))
            || self.tie_breaks.iter().any(|(k, _)| k.any(&whole))
    }

    /// The direction of each `rank by` key, in order.
    pub(crate) fn rank_orders(&self) -> Vec<Order> {
        std::iter::once(self.order)
            .chain(self.tie_breaks.iter().map(|(_, o)| *o))
            .collect()
    }

    /// True when some rule calls `days_since`, whose value depends on the run's date.
    pub fn uses_days_since(&self) -> bool {
        let dated = |op: &Op| matches!(op, Op::Call(Builtin::DaysSince, _));
        self.lets.iter().any(|l| l.value.any(&dated))
            || self.requirements.iter().any(|r| r.condition.any(&dated))
            || self.signals.iter().any(|s| s.value.any(&dated))
            || self
                .tiers
                .iter()
                .filter_map(|t| t.condition.as_ref())
                .any(|c| c.any(&dated))
            || self.rank.as_ref().is_some_and(|r| r.any(&dated))
            || self.tie_breaks.iter().any(|(k, _)| k.any(&dated))
    }

    /// True when some rule calls a cohort function, so that a run reads
    /// the data twice: once to collect the population, once to evaluate.
    pub fn uses_cohorts(&self) -> bool {
        !self.cohorts.is_empty()
    }

    /// This program with the run's population, collected by a first pass.
    pub(crate) fn with_population(&self, p: crate::language::cohort::Population) -> Program {
        Program {
            population: Some(Arc::new(p)),
            ..self.clone()
        }
    }

    /// A field path as written, `audience.female_share`.
    pub fn field_name(&self, i: u32) -> String {
        self.fields[i as usize].join(".")
    }
}

/// What a constant operation evaluates to, or `None` to leave it for each
/// record (an error, an object). The compiler does not evaluate: the caller
/// passes the evaluator's folder (`eval::eval_constant`), so that a folded
/// constant is exactly what the record would have met, and this stage never
/// imports the later one.
pub(crate) type Folder = fn(&Node) -> Option<Value<'static>>;
/// Replaces an operation whose operands are all constants by its value.
fn fold(node: Node, evaluate: Folder) -> Node {
    let foldable = match &node.op {
        Op::Const(_) => return node,
        // the run's date is not known yet
        Op::Call(Builtin::DaysSince, _) => false,
        Op::List(xs) | Op::Call(_, xs) => xs.iter().all(is_const),
        Op::Not(a) | Op::Neg(a) => is_const(a),
        Op::Arith(_, a, b)
        | Op::Compare(_, a, b)
        | Op::Coalesce(a, b)
        | Op::And(a, b)
        | Op::Or(a, b) => is_const(a) && is_const(b),
        Op::Between(a, b, c) | Op::If(a, b, c) => is_const(a) && is_const(b) && is_const(c),
        Op::In(a, b, _) | Op::Contains(a, b) => is_const(a) && is_const(b),
        Op::Each(_, a, None, _) => is_const(a),
        _ => false,
    };
    if !foldable {
        return node;
    }
    match evaluate(&node) {
        Some(v) => Node {
            op: Op::Const(v),
            span: node.span,
        },
        None => node,
    }
}

fn is_const(n: &Node) -> bool {
    matches!(n.op, Op::Const(_))
}

/// A value that owns everything it holds, so a program can keep it.
pub(crate) fn into_static(v: Value<'_>) -> Option<Value<'static>> {
    Some(match v {
        Value::Missing(m) => Value::Missing(m),
        Value::Number(n) => Value::Number(n),
        Value::Bool(b) => Value::Bool(b),
        Value::Str(s) => Value::Str(s.into_owned().into()),
        Value::List(xs) => {
            // hashed once here, looked up by every record
            let items: Option<Vec<Value<'static>>> = xs.iter().map(into_static).collect();
            Value::List(List::Const(Arc::new(
                crate::language::sets::ConstList::new(items?),
            )))
        }
        Value::Object(_) => return None,
        Value::Date(secs) => Value::Date(secs),
    })
}
