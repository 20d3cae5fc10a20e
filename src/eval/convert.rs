//! The text, yes/no, number-with-mark and date functions (docs/language.md,
//! section 10): `split`, `starts_with`, `ends_with`, `replace`, `bool`,
//! `number(x, mark)`, `date`, `days_since`. Their arguments arrive evaluated
//! and not missing (a missing argument spreads before they are called).

use std::borrow::Cow;
use std::sync::Arc;

use super::dates;
use super::functions::Builtin;
use super::value::{parse_number_with_mark, Kind, List, Missing, Value};
use super::{EvalError, EvalErrorKind, Needed, Shown};
use crate::ast::Span;

/// Words `bool` reads as true, after trimming and ignoring case.
pub const TRUE_WORDS: [&str; 6] = ["true", "yes", "y", "1", "x", "✓"];
/// Words `bool` reads as false, after trimming and ignoring case.
pub const FALSE_WORDS: [&str; 5] = ["false", "no", "n", "0", "-"];

/// What `f` gives for `args`; `text(i)` is argument `i` as written, `call`
/// the whole call as written, `today` the run's date (days since 1970).
pub(super) fn apply<'a>(
    f: Builtin,
    args: &[Value<'a>],
    text: &dyn Fn(usize) -> String,
    call: &str,
    span: Span,
    today: i64,
) -> Result<Value<'a>, EvalError> {
    let s = |i: usize| want_text(&args[i], &text(i), span);
    Ok(match f {
        Builtin::Split => {
            let (whole, sep) = (s(0)?, s(1)?);
            if sep.is_empty() {
                let separator = text(1);
                let call = call.to_string();
                return Err(EvalError::new(
                    EvalErrorKind::EmptySeparator { separator, call },
                    span,
                ));
            }
            let parts: Vec<Value<'a>> = whole
                .split(sep)
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| Value::Str(Cow::Owned(p.to_string())))
                .collect();
            Value::List(List::Built(Arc::from(parts)))
        }
        Builtin::StartsWith => Value::Bool(s(0)?.starts_with(s(1)?)),
        Builtin::EndsWith => Value::Bool(s(0)?.ends_with(s(1)?)),
        Builtin::Replace => {
            let (whole, from, to) = (s(0)?, s(1)?, s(2)?);
            if from.is_empty() {
                let (text, call) = (text(1), call.to_string());
                return Err(EvalError::new(
                    EvalErrorKind::EmptyReplace { text, call },
                    span,
                ));
            }
            Value::Str(Cow::Owned(whole.replace(from, to)))
        }
        Builtin::Bool => to_bool(&args[0], call, span)?,
        Builtin::Number => number_with_mark(args, text, span)?,
        Builtin::Date => Value::Date(read_date(&args[0], call, span)?),
        Builtin::DaysSince => {
            let secs = match &args[0] {
                Value::Date(secs) => *secs,
                other => read_date(other, call, span)?,
            };
            Value::Number((today - dates::day_of(secs)) as f64)
        }
        _ => unreachable!("functions.rs sends only these functions here"),
    })
}

/// `bool(x)`: a yes/no word, `1` or `0`, or true/false itself.
fn to_bool<'a>(v: &Value<'a>, call: &str, span: Span) -> Result<Value<'a>, EvalError> {
    Ok(match v {
        Value::Bool(b) => Value::Bool(*b),
        Value::Str(word) => {
            let w = word.trim().to_lowercase();
            if w.is_empty() {
                Value::Missing(Missing::Blank(span))
            } else if TRUE_WORDS.contains(&w.as_str()) {
                Value::Bool(true)
            } else if FALSE_WORDS.contains(&w.as_str()) {
                Value::Bool(false)
            } else {
                return Err(not_a_word(v, call, span));
            }
        }
        Value::Number(n) if *n == 1.0 => Value::Bool(true),
        Value::Number(n) if *n == 0.0 => Value::Bool(false),
        other => return Err(not_a_word(other, call, span)),
    })
}

/// `number(x, mark)`: text read with `mark` (`"."` or `","`) as the decimal mark.
fn number_with_mark<'a>(
    args: &[Value<'a>],
    text: &dyn Fn(usize) -> String,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    // the checker allows only the constants "." and ","
    let comma = match &args[1] {
        Value::Str(m) if m == "," => true,
        Value::Str(m) if m == "." => false,
        other => return Err(EvalError::wrong(other, Needed::DecimalMark, &text(1), span)),
    };
    Ok(match &args[0] {
        Value::Number(n) => Value::Number(*n),
        Value::Str(t) => match parse_number_with_mark(t, comma) {
            Some(n) => Value::Number(n),
            None => Value::Missing(Missing::NotANumber(span)),
        },
        other => return Err(EvalError::wrong_kind(other, Kind::String, &text(0), span)),
    })
}

fn want_text<'v>(v: &'v Value<'_>, what: &str, span: Span) -> Result<&'v str, EvalError> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(EvalError::wrong_kind(other, Kind::String, what, span)),
    }
}

/// `bool("maybe"): "maybe" is not a yes/no word (true: ...; false: ...)`.
fn not_a_word(v: &Value<'_>, call: &str, span: Span) -> EvalError {
    let kind = EvalErrorKind::NotAWord {
        call: super::value::one_line(call).into_owned(),
        value: Shown::of(v),
        found: v.kind(),
    };
    EvalError::new(kind, span)
}

/// A date value from text or Unix seconds, or an error naming the value
/// and the forms accepted.
fn read_date(v: &Value<'_>, call: &str, span: Span) -> Result<i64, EvalError> {
    let secs = match v {
        Value::Date(secs) => Some(*secs),
        Value::Str(t) => dates::read_text(t),
        Value::Number(n) => dates::from_unix(*n),
        _ => None,
    };
    secs.ok_or_else(|| {
        let kind = EvalErrorKind::NotADate {
            call: super::value::one_line(call).into_owned(),
            value: Shown::of(v),
            found: v.kind(),
        };
        EvalError::new(kind, span)
    })
}
