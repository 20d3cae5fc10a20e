//! Lowers a checked AST into a [`Program`]: names resolved to slots (lets,
//! signals, lambda parameters), field paths to indices into one table,
//! regexes compiled, constant lets and constant sub-expressions folded.
//! Runs once per ruleset; records only ever meet the lowered form.

use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;

use crate::ast::{self, ArithOp, CmpOp, DeclKind, Expr, ExprKind, Order, Span, WhenMissing};
use crate::check::Declared;
use crate::eval::functions::Builtin;
use crate::eval::value::{List, Missing, Value};

/// Regexes bigger than this (compiled) are refused with a diagnostic.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a `matches` pattern the same way for the checker and the program.
pub fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

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
            Op::List(xs) | Op::Call(_, xs) => xs.iter().collect(),
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
    /// Its name.
    pub name: String,
    pub(crate) condition: Node,
    /// The `else` message.
    pub message: Option<String>,
    /// What a missing result means.
    pub when_missing: WhenMissing,
    /// The whole declaration.
    pub span: Span,
}

/// A signal, ready to run.
#[derive(Debug, Clone)]
pub struct SignalDef {
    /// Its name.
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
    /// Its name.
    pub name: String,
    pub(crate) condition: Option<Node>,
}

/// A `let`, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct LetDef {
    pub name: String,
    pub value: Node,
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
    /// Every field path the rules read, such as `["audience", "female_share"]`.
    pub fields: Vec<Vec<String>>,
    /// The parsed file, kept for examples and tooling.
    pub ast: ast::RulesFile,
    /// Steps one creator's evaluation may take (see [`crate::eval::DEFAULT_MAX_STEPS`]).
    pub(crate) max_steps: u64,
    /// The list functions' calls, which `Missing::AtElement` points into.
    pub(crate) sites: Vec<ListSite>,
    /// The run's date, days since 1970-01-01 (UTC), that `days_since` counts to.
    pub(crate) today: i64,
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

    /// A field path as written, `audience.female_share`.
    pub fn field_name(&self, i: u32) -> String {
        self.fields[i as usize].join(".")
    }
}

/// Lowers a file that [`crate::check::check`] accepted.
pub(crate) fn compile(file_name: &str, src: &str, file: ast::RulesFile) -> Program {
    let declared = Declared::collect(&file);
    let mut c = Lowering {
        src,
        sites: Vec::new(),
        declared: &declared,
        fields: Vec::new(),
        field_index: HashMap::new(),
        scope: Vec::new(),
        lets: vec![None; declared.lets.len()],
        in_progress: vec![false; declared.lets.len()],
    };
    for i in 0..declared.lets.len() {
        c.lower_let(i);
    }
    let mut requirements = Vec::new();
    let mut signals = Vec::new();
    let mut tiers = Vec::new();
    let mut rank = None;
    let mut order = Order::Desc;
    let mut tie_breaks = Vec::new();
    let mut limit = None;
    let mut name = None;
    for decl in &file.decls {
        match &decl.kind {
            DeclKind::Ruleset(s) => name = Some(s.value.clone()),
            DeclKind::Require(r) => requirements.push(Requirement {
                name: r.name.name.clone(),
                condition: c.lower(&r.condition),
                message: r.message.as_ref().map(|m| m.value.clone()),
                when_missing: r.when_missing.map(|(m, _)| m).unwrap_or_default(),
                span: decl.span,
            }),
            DeclKind::Signal(s) => signals.push(SignalDef {
                name: s.name.name.clone(),
                weight: s.weight.as_ref().map_or(1.0, |w| w.value),
                value: c.lower(&s.value),
                span: decl.span,
            }),
            DeclKind::Tier(t) => tiers.push(TierDef {
                name: t.name.name.clone(),
                condition: t.condition.as_ref().map(|e| c.lower(e)),
            }),
            DeclKind::Rank(r) => {
                rank = Some(c.lower(&r.key));
                order = r.order.unwrap_or_default();
                tie_breaks = r
                    .then
                    .iter()
                    .map(|k| (c.lower(&k.key), k.order.unwrap_or_default()))
                    .collect();
            }
            // the checker refused any other number
            DeclKind::Limit(n) => limit = crate::check::shortlist_length(n.value).ok(),
            DeclKind::Let(_) | DeclKind::Example(_) => {}
        }
    }
    let lets = c
        .lets
        .into_iter()
        .zip(&declared.lets)
        .map(|(node, l)| LetDef {
            name: l.name.name.clone(),
            value: node.expect("every let was lowered"),
        })
        .collect();
    let fields = c.fields;
    let sites = c.sites;
    Program {
        name,
        file: file_name.to_string(),
        source: Arc::from(src),
        requirements,
        signals,
        tiers,
        lets,
        rank,
        order,
        tie_breaks,
        limit,
        fields,
        ast: file,
        max_steps: crate::eval::DEFAULT_MAX_STEPS,
        sites,
        // read once per compiled ruleset: the date does not change mid-run
        today: crate::eval::dates::day_number(crate::eval::dates::today_utc()),
    }
}

struct Lowering<'d, 'f> {
    src: &'d str,
    sites: Vec<ListSite>,
    declared: &'d Declared<'f>,
    fields: Vec<Vec<String>>,
    /// Path -> index in `fields`, so that a file reading many fields
    /// compiles in linear time.
    field_index: HashMap<Vec<String>, u32>,
    scope: Vec<String>,
    lets: Vec<Option<Node>>,
    in_progress: Vec<bool>,
}

impl Lowering<'_, '_> {
    fn lower_let(&mut self, i: usize) {
        if self.lets[i].is_some() || self.in_progress[i] {
            return;
        }
        self.in_progress[i] = true;
        let saved = std::mem::take(&mut self.scope);
        let node = self.lower(&self.declared.lets[i].value);
        self.scope = saved;
        self.lets[i] = Some(node);
        self.in_progress[i] = false;
    }

    fn field(&mut self, path: Vec<String>) -> Op {
        let next = self.fields.len() as u32;
        let i = *self.field_index.entry(path.clone()).or_insert(next);
        if i == next {
            self.fields.push(path);
        }
        Op::Field(i)
    }

    fn lower(&mut self, e: &Expr) -> Node {
        let node = Node {
            op: self.lower_op(e),
            span: e.span,
        };
        fold(node)
    }

    fn bx(&mut self, e: &Expr) -> Box<Node> {
        Box::new(self.lower(e))
    }

    fn lower_op(&mut self, e: &Expr) -> Op {
        use ExprKind as E;
        match &e.kind {
            E::Number(n) => Op::Const(Value::Number(n.value)),
            E::String(s) => Op::Const(Value::Str(s.clone().into())),
            E::Bool(b) => Op::Const(Value::Bool(*b)),
            E::List(xs) => Op::List(xs.iter().map(|x| self.lower(x)).collect()),
            E::Object(_) => unreachable!("the checker allows objects only in examples"),
            E::Paren(x) => self.lower_op(x),
            E::Name(n) => {
                if let Some(p) = self.scope.iter().rposition(|p| *p == n.name) {
                    return Op::Param(p as u32);
                }
                if let Some(i) = self.declared.let_index(&n.name) {
                    self.lower_let(i);
                    return match &self.lets[i] {
                        Some(Node {
                            op: Op::Const(v), ..
                        }) => Op::Const(v.clone()),
                        _ => Op::Let(i as u32),
                    };
                }
                if let Some(i) = self.declared.signal_index(&n.name) {
                    return Op::Signal(i as u32);
                }
                match n.name.as_str() {
                    "score" => Op::Score,
                    "tier" => Op::Tier,
                    "creator" => Op::Creator,
                    _ => self.field(vec![n.name.clone()]),
                }
            }
            E::Field(base, key) => {
                let b = self.lower(base);
                self.extend_path(b, &key.name)
            }
            E::Index(base, index) => {
                let b = self.lower(base);
                if let E::String(key) = &index.unparen().kind {
                    return self.extend_path(b, key);
                }
                Op::Index(Box::new(b), self.bx(index))
            }
            E::Call(name, args) => {
                let f = Builtin::from_name(&name.name).expect("the checker knows every function");
                match f {
                    Builtin::Has => Op::Has(self.bx(&args[0])),
                    Builtin::Any | Builtin::All | Builtin::Count => {
                        let list = self.bx(&args[0]);
                        let ExprKind::Lambda(param, body) = &args[1].kind else {
                            unreachable!("the checker requires a lambda")
                        };
                        self.scope.push(param.name.clone());
                        let body = self.bx(body);
                        self.scope.pop();
                        Op::Lambda(f, list, body)
                    }
                    _ if is_list_form(f, args) => self.each(f, args),
                    _ => Op::Call(f, args.iter().map(|a| self.lower(a)).collect()),
                }
            }
            E::Lambda(..) => unreachable!("the checker allows lambdas only in list functions"),
            E::Missing => Op::Const(Value::Missing(Missing::Written(e.span))),
            E::Not(x) => Op::Not(self.bx(x)),
            E::Neg(x) => Op::Neg(self.bx(x)),
            E::And(a, b) => Op::And(self.bx(a), self.bx(b)),
            E::Or(a, b) => Op::Or(self.bx(a), self.bx(b)),
            E::Arith(op, a, b) => Op::Arith(*op, self.bx(a), self.bx(b)),
            E::Coalesce(a, b) => Op::Coalesce(self.bx(a), self.bx(b)),
            E::Compare(op, a, b) => Op::Compare(*op, self.bx(a), self.bx(b)),
            E::Between(x, lo, hi) => Op::Between(self.bx(x), self.bx(lo), self.bx(hi)),
            E::In {
                item,
                list,
                negated,
            } => Op::In(self.bx(item), self.bx(list), *negated),
            E::Contains(a, b) => Op::Contains(self.bx(a), self.bx(b)),
            E::Matches(a, pattern) => {
                let a = self.bx(a);
                let p = self.lower(pattern);
                let Op::Const(Value::Str(text)) = &p.op else {
                    unreachable!("the checker requires a constant pattern")
                };
                let re = build_regex(text).expect("the checker compiled this pattern");
                Op::Matches(a, Arc::new(Pattern::new(re)))
            }
            E::If(c, a, b) => Op::If(self.bx(c), self.bx(a), self.bx(b)),
        }
    }

    /// A list function's call: the list, the lambda's body under its
    /// parameter, and a site that names its elements in reasons.
    fn each(&mut self, f: Builtin, args: &[Expr]) -> Op {
        let list = self.bx(&args[0]);
        let (lambda, body, path) = match args.get(1).map(|a| (a, &a.kind)) {
            Some((a, ExprKind::Lambda(param, body))) => {
                self.scope.push(param.name.clone());
                let node = self.bx(body);
                self.scope.pop();
                let path = param_path(self.src, &param.name, body);
                (Some(a.span), Some(node), path)
            }
            _ => (None, None, None),
        };
        self.sites.push(ListSite {
            list: args[0].span,
            lambda,
            body: body.as_ref().map(|b| b.span),
            path,
        });
        Op::Each(f, list, body, (self.sites.len() - 1) as u32)
    }

    /// `x.key`: a longer field path when `x` is one, else a lookup.
    fn extend_path(&mut self, base: Node, key: &str) -> Op {
        match base.op {
            Op::Field(i) => {
                let mut path = self.fields[i as usize].clone();
                path.push(key.to_string());
                self.field(path)
            }
            Op::Creator => self.field(vec![key.to_string()]),
            _ => Op::Get(Box::new(base), key.to_string()),
        }
    }
}

/// True for a call that `Op::Each` runs: `map`, `filter`, `first`, and an
/// aggregate over one list, with or without a lambda (`min(a, b)` of two
/// numbers stays a plain call).
fn is_list_form(f: Builtin, args: &[Expr]) -> bool {
    use Builtin::*;
    let lambda_last = args
        .last()
        .is_some_and(|a| matches!(a.kind, ExprKind::Lambda(..)));
    match f {
        Map | Filter | First => true,
        Sum | Avg | Median => true,
        Min | Max => args.len() == 1 || (args.len() == 2 && lambda_last),
        _ => false,
    }
}

/// What follows the parameter when `body` is a field path on it:
/// `.likes` for `p => p.likes`, `["Like Count"]` for `p => p["Like Count"]`.
fn param_path(src: &str, param: &str, body: &Expr) -> Option<String> {
    let mut e = body.unparen();
    loop {
        match &e.kind {
            ExprKind::Name(n) if n.name == param => break,
            ExprKind::Field(base, _) => e = base.unparen(),
            ExprKind::Index(base, i)
                if matches!(i.unparen().kind, ExprKind::String(_) | ExprKind::Number(_)) =>
            {
                e = base.unparen()
            }
            _ => return None,
        }
    }
    let body = body.unparen();
    let text = src.get(body.span.start..body.span.end)?;
    let rest = text.strip_prefix(param)?;
    (!rest.is_empty()).then(|| rest.trim().to_string())
}

/// Replaces an operation whose operands are all constants by its value.
fn fold(node: Node) -> Node {
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
    match crate::eval::eval_constant(&node) {
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
            Value::List(List::Const(Arc::new(crate::eval::sets::ConstList::new(
                items?,
            ))))
        }
        Value::Object(_) => return None,
        Value::Date(secs) => Value::Date(secs),
    })
}
