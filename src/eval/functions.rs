//! The built-in functions: their names and arities (read by the checker)
//! and what they compute. Missing arguments spread to a missing result,
//! except in `has` and the lambda forms, which decide for themselves.

use std::borrow::Cow;
use std::collections::HashSet;

use super::value::{parse_human_number, EqualityKey, Kind, List, Missing, Value};
use super::EvalError;
use crate::ast::Span;
use crate::compile::{Node, Program};

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

    /// True when the last argument may be `x => ...`.
    pub fn takes_lambda(self) -> bool {
        Self::TAKE_LAMBDA.contains(&self)
    }

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

/// Asks for a number, or says why the value is not one.
pub(super) fn want_number<'a>(
    v: &Value<'a>,
    what: &str,
    span: Span,
) -> Result<Option<f64>, EvalError> {
    match v {
        Value::Number(n) => Ok(Some(*n)),
        Value::Missing(_) => Ok(None),
        other => Err(EvalError::wrong_kind(other, Kind::Number, what, span)),
    }
}

fn want_str<'v, 'a>(
    v: &'v Value<'a>,
    what: &str,
    span: Span,
) -> Result<Option<&'v str>, EvalError> {
    match v {
        Value::Str(s) => Ok(Some(s)),
        Value::Missing(_) => Ok(None),
        other => Err(EvalError::wrong_kind(other, Kind::String, what, span)),
    }
}

fn want_list<'v, 'a>(
    v: &'v Value<'a>,
    what: &str,
    span: Span,
) -> Result<Option<&'v List<'a>>, EvalError> {
    match v {
        Value::List(xs) => Ok(Some(xs)),
        Value::Missing(_) => Ok(None),
        other => Err(EvalError::wrong_kind(other, Kind::List, what, span)),
    }
}

/// The first missing argument, which a missing result passes on.
fn first_missing<'a>(args: &[Value<'a>]) -> Option<Value<'a>> {
    args.iter().find(|v| v.is_missing()).cloned()
}

/// Applies a function (not `has`, the lambda forms or the aggregates over
/// one list, which the evaluator handles) to evaluated arguments. `nodes` are the arguments as written,
/// used to name them in messages.
pub(super) fn apply<'a>(
    f: Builtin,
    args: &[Value<'a>],
    nodes: &[Node],
    prog: &Program,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    use Builtin::*;
    let text = |i: usize| nodes.get(i).map_or("argument", |n| prog.text(n.span));
    // min/max of several numbers (over one list they run as `Op::Each`)
    if matches!(f, Min | Max) {
        if let Some(m) = first_missing(args) {
            return Ok(m);
        }
        let mut best: Option<f64> = None;
        for (i, v) in args.iter().enumerate() {
            let n = want_number(v, text(i), span)?.expect("missing handled above");
            best = Some(match best {
                None => n,
                Some(b) if f == Min => b.min(n),
                Some(b) => b.max(n),
            });
        }
        return Ok(best.map_or(Value::Missing(Missing::Empty(span)), Value::Number));
    }
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    if matches!(
        f,
        Split | StartsWith | EndsWith | Replace | Bool | Date | DaysSince
    ) || (f == Number && args.len() == 2)
    {
        let arg_text = |i: usize| text(i).to_string();
        return super::convert::apply(f, args, &arg_text, prog.text(span), span, prog.today);
    }
    let num = |i: usize| -> Result<f64, EvalError> {
        Ok(want_number(&args[i], text(i), span)?.expect("missing handled above"))
    };
    let v = match f {
        Len => match &args[0] {
            Value::Str(s) => Value::Number(s.chars().count() as f64),
            Value::List(xs) => Value::Number(xs.len() as f64),
            Value::Object(m) => Value::Number(m.len() as f64),
            other => return Err(EvalError::wrong(other, "a string or a list", text(0), span)),
        },
        Lower | Upper | Trim => {
            let s = want_str(&args[0], text(0), span)?.expect("missing handled above");
            Value::Str(Cow::Owned(match f {
                Lower => s.to_lowercase(),
                Upper => s.to_uppercase(),
                _ => s.trim().to_string(),
            }))
        }
        Clamp => {
            let (x, lo, hi) = (num(0)?, num(1)?, num(2)?);
            Value::Number(x.max(lo).min(hi))
        }
        Abs => Value::Number(num(0)?.abs()),
        Round => {
            let x = num(0)?;
            let digits = if args.len() > 1 { num(1)?.round() } else { 0.0 };
            let scale = 10f64.powi(digits.clamp(-15.0, 15.0) as i32);
            if (x * scale).is_finite() {
                Value::number((x * scale).round() / scale, span)
            } else {
                // so large that it has no digits to round at that place
                Value::Number(x)
            }
        }
        Floor => Value::Number(num(0)?.floor()),
        Ceil => Value::Number(num(0)?.ceil()),
        Sqrt => {
            let x = num(0)?;
            if x < 0.0 {
                Value::Missing(Missing::NoResult(span))
            } else {
                Value::Number(x.sqrt())
            }
        }
        Log10 | Ln => {
            let x = num(0)?;
            if x <= 0.0 {
                Value::Missing(Missing::NoResult(span))
            } else {
                Value::Number(if f == Ln { x.ln() } else { x.log10() })
            }
        }
        Number => match &args[0] {
            Value::Number(n) => Value::Number(*n),
            Value::Str(s) => match parse_human_number(s) {
                Some(n) => Value::Number(n),
                None => Value::Missing(Missing::NotANumber(span)),
            },
            other => return Err(EvalError::wrong_kind(other, Kind::String, text(0), span)),
        },
        Overlap => {
            let a = want_list(&args[0], text(0), span)?.expect("missing handled above");
            let b = want_list(&args[1], text(1), span)?.expect("missing handled above");
            // Distinct elements of `a` equal to some element of `b`: the
            // keys the two share (keys match exactly when `==` holds), which
            // is symmetric. A constant list's keys were hashed when compiled;
            // else `b`'s are, once: linear in the two lengths, where
            // comparing every pair would take their product.
            let common = match (&a, &b) {
                (_, List::Const(c)) => super::sets::count_common(a.iter(), c.keys()),
                (List::Const(c), _) => super::sets::count_common(b.iter(), c.keys()),
                _ => {
                    let in_b: HashSet<EqualityKey> =
                        b.iter().filter_map(Value::into_equality_key).collect();
                    super::sets::count_common(a.iter(), &in_b)
                }
            };
            Value::Number(common as f64)
        }
        Min | Max | Has | Any | All | Count => unreachable!("handled by the caller"),
        // the list functions run as `Op::Each` (src/eval/lists.rs)
        Sum | Avg | Map | Filter | First | Median => unreachable!("lowered to Op::Each"),
        Split | StartsWith | EndsWith | Replace | Bool | Date | DaysSince => {
            unreachable!("handled by convert.rs above")
        }
    };
    Ok(v)
}
