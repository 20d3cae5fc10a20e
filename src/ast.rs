//! The syntax tree of a `.rules` file. Every node carries its [`Span`], and
//! equality is honest about spans: two trees are equal only with the same
//! positions. Trees are compared without positions (a formatted file must
//! mean the same as the original) through [`RulesFile::without_spans`].

use std::fmt;

mod select;
pub use select::*;

/// A byte range in the rules source.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// A name as written, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A whole rules file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RulesFile {
    /// Declarations in file order.
    pub decls: Vec<Decl>,
}

/// One top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// What it declares.
    pub kind: DeclKind,
    /// The whole declaration.
    pub span: Span,
}

/// The kinds of declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum DeclKind {
    /// `ruleset "name"`
    Ruleset(StringLit),
    /// `let NAME = EXPR`
    Let(Let),
    /// `require NAME: EXPR [else "msg"] [when missing MODE]`
    Require(Require),
    /// `signal NAME [weight W] = EXPR`
    Signal(Signal),
    /// `tier NAME when EXPR` or `tier NAME otherwise`
    Tier(Tier),
    /// `rank by EXPR [asc|desc]`
    Rank(Rank),
    /// `limit N`
    Limit(NumberLit),
    /// `select N` with its constraints.
    Select(Select),
    /// `example "name" { creator {..} expect .. }`
    Example(Example),
}

/// A string literal: its value and place.
#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    /// The value, escapes resolved.
    pub value: String,
    /// Where it is written, quotes included.
    pub span: Span,
}

/// A number literal as written and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberLit {
    /// The value (`3%` is 0.03).
    pub value: f64,
    /// The text as written (`1_200`, `3%`).
    pub raw: String,
    /// Where it is written.
    pub span: Span,
}

/// `let NAME = EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
}

/// What a requirement does when its condition comes out missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WhenMissing {
    /// The creator is rejected (the default).
    #[default]
    Fail,
    /// The requirement counts as met.
    Pass,
    /// The creator gets status `review`.
    Review,
}

/// `require NAME: EXPR [else "msg"] [when missing MODE]`
#[derive(Clone, Debug, PartialEq)]
pub struct Require {
    pub name: Ident,
    /// The condition.
    pub condition: Expr,
    /// The `else` message.
    pub message: Option<StringLit>,
    /// The `when missing` mode, if written.
    pub when_missing: Option<(WhenMissing, Span)>,
}

/// `signal NAME [weight W] = EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    pub name: Ident,
    /// The weight, if written.
    pub weight: Option<NumberLit>,
    pub value: Expr,
}

/// `tier NAME when EXPR` / `tier NAME otherwise`
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    pub name: Ident,
    /// The condition; `None` for `otherwise`.
    pub condition: Option<Expr>,
}

/// Sort direction of `rank by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Smallest first.
    Asc,
    /// Largest first (the default).
    #[default]
    Desc,
}

/// `rank by EXPR [asc|desc], EXPR [asc|desc] ...`
#[derive(Clone, Debug, PartialEq)]
pub struct Rank {
    /// The key.
    pub key: Expr,
    /// The order, if written.
    pub order: Option<Order>,
    /// The keys after the first, each breaking the ties of those before it.
    pub then: Vec<RankBy>,
}

/// A key of `rank by` after the first: `followers asc`.
#[derive(Clone, Debug, PartialEq)]
pub struct RankBy {
    /// The key.
    pub key: Expr,
    /// The order, if written.
    pub order: Option<Order>,
}

/// `example "name" { creator {..} expect .. }`
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub name: StringLit,
    /// The creator object literal.
    pub creator: Expr,
    /// `population { creator {...} ... }`: the other creators of its run.
    pub population: Vec<Expr>,
    /// The `population { ... }` block, when written.
    pub population_span: Option<Span>,
    /// The expectations, in order.
    pub expects: Vec<Expect>,
    /// `today "YYYY-MM-DD"`, the run's date for this example, as written
    /// (the checker allows one).
    pub today: Vec<StringLit>,
}

/// One `expect` line of an example.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// What is expected.
    pub kind: ExpectKind,
    /// The whole `expect ...`.
    pub span: Span,
}

/// The kinds of expectation.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectKind {
    /// `expect accepted`
    Accepted,
    /// `expect review`
    Review,
    /// `expect rejected [by a, b]`
    Rejected(Vec<Ident>),
    /// `expect tier NAME`
    Tier(Ident),
    /// `expect score OP NUMBER`
    Score(CmpOp, NumberLit),
    /// `expect signal NAME OP NUMBER`
    Signal(Ident, CmpOp, NumberLit),
}

/// An expression with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    /// Parses an operator.
    pub fn parse(s: &str) -> Option<CmpOp> {
        Some(match s {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }
    /// Applies the operator to an ordering.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl ArithOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

/// The forms of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `1_200`, `3%`, `10k`
    Number(NumberLit),
    /// `"text"`
    String(String),
    /// `true`, `false`
    Bool(bool),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{ key: value }`
    Object(Vec<(Ident, Expr)>),
    /// A name: parameter, let, signal, `score`, `tier`, `creator` or field.
    Name(Ident),
    /// `x.field`
    Field(Box<Expr>, Ident),
    /// `x[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Ident, Vec<Expr>),
    /// `x => body`, only as the last argument of a list function
    /// (`Builtin::TAKE_LAMBDA` lists them).
    Lambda(Ident, Box<Expr>),
    /// `missing`: a missing value, written on purpose.
    Missing,
    /// `not x`
    Not(Box<Expr>),
    /// `-x`
    Neg(Box<Expr>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// `a + b` and friends
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// `a ?? b`
    Coalesce(Box<Expr>, Box<Expr>),
    /// `a < b` and friends
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    /// `x between lo and hi`
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x in list` (`negated` for `not in`)
    In {
        /// The value looked for.
        item: Box<Expr>,
        /// The list.
        list: Box<Expr>,
        /// `not in`
        negated: bool,
    },
    /// `s contains x`
    Contains(Box<Expr>, Box<Expr>),
    /// `s matches "regex"`
    Matches(Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `( x )`, kept so that source text and formatting survive.
    Paren(Box<Expr>),
}

impl Expr {
    /// A boxed copy, for building trees.
    pub fn boxed(self) -> Box<Expr> {
        Box::new(self)
    }

    /// The expression without surrounding parentheses.
    pub fn unparen(&self) -> &Expr {
        match &self.kind {
            ExprKind::Paren(inner) => inner.unparen(),
            _ => self,
        }
    }

    /// Calls `f` on each direct child.
    pub fn children(&self) -> Vec<&Expr> {
        use ExprKind::*;
        match &self.kind {
            Number(_) | String(_) | Bool(_) | Name(_) | Missing => vec![],
            List(xs) | Call(_, xs) => xs.iter().collect(),
            Object(entries) => entries.iter().map(|(_, e)| e).collect(),
            Field(x, _) | Lambda(_, x) | Not(x) | Neg(x) | Paren(x) => vec![x],
            Index(a, b)
            | And(a, b)
            | Or(a, b)
            | Arith(_, a, b)
            | Coalesce(a, b)
            | Compare(_, a, b)
            | Contains(a, b)
            | Matches(a, b) => vec![a, b],
            In { item, list, .. } => vec![item, list],
            Between(a, b, c) | If(a, b, c) => vec![a, b, c],
        }
    }
}

impl RulesFile {
    /// The same tree with every span set to `0..0`, so that two trees
    /// compare by what they say, not where they say it (`fmt` keeps the
    /// meaning of a file while moving everything in it).
    pub fn without_spans(&self) -> RulesFile {
        let mut file = self.clone();
        for d in &mut file.decls {
            d.span = Span::default();
            d.kind.erase_spans();
        }
        file
    }
}

impl Expr {
    /// The same expression with every span set to `0..0` (see
    /// [`RulesFile::without_spans`]).
    pub fn without_spans(&self) -> Expr {
        let mut e = self.clone();
        e.erase_spans();
        e
    }
}

/// Sets every span of a node and its children to `0..0`.
trait EraseSpans {
    fn erase_spans(&mut self);
}

impl EraseSpans for Span {
    fn erase_spans(&mut self) {
        *self = Span::default();
    }
}

impl EraseSpans for Ident {
    fn erase_spans(&mut self) {
        self.span.erase_spans();
    }
}

impl EraseSpans for StringLit {
    fn erase_spans(&mut self) {
        self.span.erase_spans();
    }
}

impl EraseSpans for NumberLit {
    fn erase_spans(&mut self) {
        self.span.erase_spans();
    }
}

impl<T: EraseSpans> EraseSpans for Option<T> {
    fn erase_spans(&mut self) {
        if let Some(x) = self {
            x.erase_spans();
        }
    }
}

impl<T: EraseSpans> EraseSpans for Vec<T> {
    fn erase_spans(&mut self) {
        self.iter_mut().for_each(EraseSpans::erase_spans);
    }
}

impl<T: EraseSpans> EraseSpans for Box<T> {
    fn erase_spans(&mut self) {
        (**self).erase_spans();
    }
}

impl<A: EraseSpans, B: EraseSpans> EraseSpans for (A, B) {
    fn erase_spans(&mut self) {
        self.0.erase_spans();
        self.1.erase_spans();
    }
}

/// `when missing MODE` holds no span of its own (the pair holds it).
impl EraseSpans for WhenMissing {
    fn erase_spans(&mut self) {}
}

impl EraseSpans for DeclKind {
    fn erase_spans(&mut self) {
        match self {
            DeclKind::Ruleset(name) => name.erase_spans(),
            DeclKind::Let(l) => (&mut l.name, &mut l.value).erase_spans(),
            DeclKind::Require(r) => {
                (&mut r.name, &mut r.condition).erase_spans();
                (&mut r.message, &mut r.when_missing).erase_spans();
            }
            DeclKind::Signal(s) => {
                (&mut s.name, &mut s.value).erase_spans();
                s.weight.erase_spans();
            }
            DeclKind::Tier(t) => (&mut t.name, &mut t.condition).erase_spans(),
            DeclKind::Rank(r) => {
                r.key.erase_spans();
                for b in &mut r.then {
                    b.key.erase_spans();
                }
            }
            DeclKind::Limit(n) => n.erase_spans(),
            DeclKind::Select(s) => {
                s.count.erase_spans();
                for c in &mut s.constraints {
                    c.span.erase_spans();
                    match &mut c.kind {
                        TeamConstraintKind::Budget { value, cap } => (value, cap).erase_spans(),
                        TeamConstraintKind::Per { group, count, .. } => {
                            (group, count).erase_spans()
                        }
                    }
                }
            }
            DeclKind::Example(e) => {
                (&mut e.name, &mut e.creator).erase_spans();
                (&mut e.population, &mut e.population_span).erase_spans();
                (&mut e.expects, &mut e.today).erase_spans();
            }
        }
    }
}

impl<T: EraseSpans + ?Sized> EraseSpans for &mut T {
    fn erase_spans(&mut self) {
        (**self).erase_spans();
    }
}

impl EraseSpans for Expect {
    fn erase_spans(&mut self) {
        self.span.erase_spans();
        match &mut self.kind {
            ExpectKind::Accepted | ExpectKind::Review => {}
            ExpectKind::Rejected(names) => names.erase_spans(),
            ExpectKind::Tier(name) => name.erase_spans(),
            ExpectKind::Score(_, n) => n.erase_spans(),
            ExpectKind::Signal(name, _, n) => (name, n).erase_spans(),
        }
    }
}

impl EraseSpans for Expr {
    fn erase_spans(&mut self) {
        use ExprKind::*;
        self.span.erase_spans();
        match &mut self.kind {
            String(_) | Bool(_) | Missing => {}
            Number(n) => n.erase_spans(),
            Name(name) => name.erase_spans(),
            List(xs) => xs.erase_spans(),
            Call(name, xs) => (name, xs).erase_spans(),
            Object(entries) => entries.erase_spans(),
            Field(x, name) | Lambda(name, x) => (x, name).erase_spans(),
            Not(x) | Neg(x) | Paren(x) => x.erase_spans(),
            Index(a, b)
            | And(a, b)
            | Or(a, b)
            | Arith(_, a, b)
            | Coalesce(a, b)
            | Compare(_, a, b)
            | Contains(a, b)
            | Matches(a, b)
            | In {
                item: a, list: b, ..
            } => (a, b).erase_spans(),
            Between(a, b, c) | If(a, b, c) => ((a, b), c).erase_spans(),
        }
    }
}
