//! The built-in functions as the language defines them: names, how they
//! are called, arities, what each argument must be and what they return.
//! The checker reads this table; the evaluator (`eval/functions.rs`)
//! computes them.

use super::Kind;

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `len(s | list | object)`
    Len,
    /// `lower(s)`
    Lower,
    /// `upper(s)`
    Upper,
    /// `trim(s)`
    Trim,
    /// `min(a, b, ...)` or `min(list)`
    Min,
    /// `max(a, b, ...)` or `max(list)`
    Max,
    /// `clamp(x, lo, hi)`
    Clamp,
    /// `abs(x)`
    Abs,
    /// `round(x [, digits])`
    Round,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `sqrt(x)`
    Sqrt,
    /// `log10(x)`
    Log10,
    /// `ln(x)`
    Ln,
    /// `has(path)`
    Has,
    /// `number(s)`
    Number,
    /// `overlap(a, b)`
    Overlap,
    /// `sum(list)`
    Sum,
    /// `avg(list)`
    Avg,
    /// `any(xs, x => ...)`
    Any,
    /// `all(xs, x => ...)`
    All,
    /// `count(xs, x => ...)`
    Count,
    /// `map(xs, x => ...)`
    Map,
    /// `filter(xs, x => ...)`
    Filter,
    /// `first(xs, x => ...)`
    First,
    /// `median(list)` or `median(xs, x => ...)`
    Median,
    // text, yes/no and dates (convert.rs)
    /// `split(s, sep)`
    Split,
    /// `starts_with(s, prefix)`
    StartsWith,
    /// `ends_with(s, suffix)`
    EndsWith,
    /// `replace(s, from, to)`
    Replace,
    /// `bool(x)`
    Bool,
    /// `date(x)`
    Date,
    /// `days_since(x)`
    DaysSince,
}

/// What a function's argument must be, for the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Anything.
    Any,
    /// One kind.
    Is(Kind),
    /// A string, list or object (`len`).
    Sized,
    /// A field path such as `audience.female_share`.
    Path,
    /// `x => ...`
    Lambda,
}

/// Result type of a function as far as the checker can tell.
pub type Returns = Option<Kind>;

impl Builtin {
    /// Every function, with its name.
    pub const ALL: [(&'static str, Builtin); 33] = [
        ("len", Builtin::Len),
        ("lower", Builtin::Lower),
        ("upper", Builtin::Upper),
        ("trim", Builtin::Trim),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("clamp", Builtin::Clamp),
        ("abs", Builtin::Abs),
        ("round", Builtin::Round),
        ("floor", Builtin::Floor),
        ("ceil", Builtin::Ceil),
        ("sqrt", Builtin::Sqrt),
        ("log10", Builtin::Log10),
        ("ln", Builtin::Ln),
        ("has", Builtin::Has),
        ("number", Builtin::Number),
        ("overlap", Builtin::Overlap),
        ("sum", Builtin::Sum),
        ("avg", Builtin::Avg),
        ("any", Builtin::Any),
        ("all", Builtin::All),
        ("count", Builtin::Count),
        ("map", Builtin::Map),
        ("filter", Builtin::Filter),
        ("first", Builtin::First),
        ("median", Builtin::Median),
        ("split", Builtin::Split),
        ("starts_with", Builtin::StartsWith),
        ("ends_with", Builtin::EndsWith),
        ("replace", Builtin::Replace),
        ("bool", Builtin::Bool),
        ("date", Builtin::Date),
        ("days_since", Builtin::DaysSince),
    ];

    /// Looks a function up by name.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .expect("every builtin is listed in ALL")
    }

    /// How it is called, for help text.
    pub fn usage(self) -> &'static str {
        match self {
            Builtin::Len => "len(text or list)",
            Builtin::Lower => "lower(text)",
            Builtin::Upper => "upper(text)",
            Builtin::Trim => "trim(text)",
            Builtin::Min => "min(a, b, ...), min(list) or min(list, x => number)",
            Builtin::Max => "max(a, b, ...), max(list) or max(list, x => number)",
            Builtin::Clamp => "clamp(x, lo, hi)",
            Builtin::Abs => "abs(x)",
            Builtin::Round => "round(x) or round(x, digits)",
            Builtin::Floor => "floor(x)",
            Builtin::Ceil => "ceil(x)",
            Builtin::Sqrt => "sqrt(x)",
            Builtin::Log10 => "log10(x)",
            Builtin::Ln => "ln(x)",
            Builtin::Has => "has(field)",
            Builtin::Number => "number(text) or number(text, \",\")",
            Builtin::Overlap => "overlap(list, list)",
            Builtin::Sum => "sum(list) or sum(list, x => number)",
            Builtin::Avg => "avg(list) or avg(list, x => number)",
            Builtin::Any => "any(list, x => condition)",
            Builtin::All => "all(list, x => condition)",
            Builtin::Count => "count(list, x => condition)",
            Builtin::Map => "map(list, x => value)",
            Builtin::Filter => "filter(list, x => condition)",
            Builtin::First => "first(list, x => condition)",
            Builtin::Median => "median(list) or median(list, x => number)",
            Builtin::Split => "split(text, \",\")",
            Builtin::StartsWith => "starts_with(text, prefix)",
            Builtin::EndsWith => "ends_with(text, suffix)",
            Builtin::Replace => "replace(text, from, to)",
            Builtin::Bool => "bool(text)",
            Builtin::Date => "date(text)",
            Builtin::DaysSince => "days_since(date)",
        }
    }

    /// Smallest and largest number of arguments (`None`: no limit).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Builtin::Min | Builtin::Max => (1, None),
            Builtin::Clamp => (3, Some(3)),
            Builtin::Round => (1, Some(2)),
            Builtin::Overlap | Builtin::Any | Builtin::All | Builtin::Count => (2, Some(2)),
            Builtin::Map | Builtin::Filter | Builtin::First => (2, Some(2)),
            Builtin::Sum | Builtin::Avg | Builtin::Median => (1, Some(2)),
            Builtin::Number => (1, Some(2)),
            Builtin::Split | Builtin::StartsWith | Builtin::EndsWith => (2, Some(2)),
            Builtin::Replace => (3, Some(3)),
            _ => (1, Some(1)),
        }
    }

    /// What argument `i` must be.
    pub fn param(self, i: usize) -> Param {
        use Builtin::*;
        match (self, i) {
            (Len, _) => Param::Sized,
            (Lower | Upper | Trim, _) => Param::Is(Kind::String),
            (Min | Max, _) => Param::Any,
            (Has, _) => Param::Path,
            (Number, 0) => Param::Any,
            // constant_args.rs says what the mark must be
            (Number, _) => Param::Any,
            (Overlap, _) => Param::Is(Kind::List),
            (Split | StartsWith | EndsWith | Replace, _) => Param::Is(Kind::String),
            (Bool | Date | DaysSince, _) => Param::Any,
            (Any | All | Count | Map | Filter | First | Sum | Avg | Median, 0) => {
                Param::Is(Kind::List)
            }
            (Any | All | Count | Map | Filter | First | Sum | Avg | Median, _) => Param::Lambda,
            _ => Param::Is(Kind::Number),
        }
    }

    /// The functions whose last argument may be (or must be) `x => ...`,
    /// in the order the docs list them.
    pub const TAKE_LAMBDA: [Builtin; 11] = [
        Builtin::Any,
        Builtin::All,
        Builtin::Count,
        Builtin::Map,
        Builtin::Filter,
        Builtin::First,
        Builtin::Sum,
        Builtin::Avg,
        Builtin::Min,
        Builtin::Max,
        Builtin::Median,
    ];

    /// What it returns.
    pub fn returns(self) -> Returns {
        use Builtin::*;
        Some(match self {
            Lower | Upper | Trim => Kind::String,
            Has | Any | All => Kind::Bool,
            Map | Filter => Kind::List,
            // an element, of whatever kind the list holds
            First => return None,
            Split => Kind::List,
            StartsWith | EndsWith | Bool => Kind::Bool,
            Replace => Kind::String,
            Date => Kind::Date,
            _ => Kind::Number,
        })
    }
}
