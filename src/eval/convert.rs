//! The text, yes/no, number-with-mark and date functions (docs/language.md,
//! section 10): `split`, `starts_with`, `ends_with`, `replace`, `bool`,
//! `number(x, mark)`, `date`, `days_since`. Their arguments arrive evaluated
//! and not missing (a missing argument spreads before they are called).

use std::borrow::Cow;
use std::sync::Arc;

use memchr::memmem::Finder;

use super::dates;
use super::functions::Builtin;
use super::value::{parse_number_with_mark, Kind, List, Missing, Value};
use super::{EvalError, EvalErrorKind, Needed, Shown};
use crate::ast::Span;

/// Words `bool` reads as true, after trimming and ignoring case.
pub const TRUE_WORDS: [&str; 6] = ["true", "yes", "y", "1", "x", "✓"];
/// Words `bool` reads as false, after trimming and ignoring case.
pub const FALSE_WORDS: [&str; 5] = ["false", "no", "n", "0", "-"];

/// What `f` gives for `args`; `text(i)` is argument `i` as written, `call()`
/// the whole call as written (both asked for only to name them in an
/// error), `today` the run's date (days since 1970). `split` and `replace`
/// take their text out of `args`.
pub(super) fn apply<'a, 't>(
    f: Builtin,
    args: &mut [Value<'a>],
    text: &dyn Fn(usize) -> &'t str,
    call: &dyn Fn() -> &'t str,
    span: Span,
    today: i64,
) -> Result<Value<'a>, EvalError> {
    match f {
        Builtin::Replace => return replace(args, text, call, span),
        Builtin::Split => return split(args, text, call, span),
        _ => {}
    }
    let s = |i: usize| want_text(&args[i], || text(i), span);
    Ok(match f {
        Builtin::StartsWith => Value::Bool(s(0)?.starts_with(s(1)?)),
        Builtin::EndsWith => Value::Bool(s(0)?.ends_with(s(1)?)),
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

/// `split(whole, sep)`: the trimmed, non-empty parts between separators.
/// A text read from the record is borrowed, and so are its parts: no copy
/// per part (the CSV's `niches` cell is split on every record).
fn split<'a, 't>(
    args: &mut [Value<'a>],
    text: &dyn Fn(usize) -> &'t str,
    call: &dyn Fn() -> &'t str,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    want_text(&args[0], || text(0), span)?;
    let (first, rest) = args.split_first_mut().expect("split has two arguments");
    let sep = want_text(&rest[0], || text(1), span)?;
    if sep.is_empty() {
        let separator = text(1).to_string();
        let call = call().to_string();
        return Err(EvalError::new(
            EvalErrorKind::EmptySeparator { separator, call },
            span,
        ));
    }
    match std::mem::replace(first, Value::Bool(false)) {
        Value::Str(whole) => Ok(parts(whole, &Finder::new(sep.as_bytes()))),
        _ => unreachable!("checked to be text above"),
    }
}

/// The list `split` makes of `whole`, `sep` (not empty) found by its
/// finder (built once for a constant separator, see `eval/fast/split.rs`):
/// parts of a borrowed text are borrowed, of an owned one owned.
pub(super) fn parts<'a>(whole: Cow<'a, str>, sep: &Finder) -> Value<'a> {
    const FEW: usize = 8;
    let Cow::Borrowed(whole) = whole else {
        let mut parts = Vec::new();
        pieces(&whole, sep, |p| {
            parts.push(Value::Str(Cow::Owned(p.to_string())))
        });
        return Value::List(List::Built(Arc::from(parts)));
    };
    // most texts have a few parts: gathered on the stack (copies of a
    // borrowed text's), the list allocated once
    let mut few: [Value<'a>; FEW] = std::array::from_fn(|_| Value::Bool(false));
    let (mut n, mut more) = (0, Vec::new());
    pieces(whole, sep, |p| {
        let part = Value::Str(Cow::Borrowed(p));
        match few.get_mut(n) {
            Some(slot) => *slot = part,
            None => more.push(part),
        }
        n += 1;
    });
    let parts: Arc<[Value<'a>]> = match more.is_empty() {
        true => Arc::from(&few[..n]),
        false => few.into_iter().chain(more).collect(),
    };
    Value::List(List::Built(parts))
}

/// Calls `each` with the parts of `whole` between occurrences of `sep`,
/// trimmed, the empty ones dropped: what `whole.split(sep)` gives, a
/// one-byte separator found with `memchr`, a longer one with memchr's
/// searcher rather than the two-way one.
fn pieces<'s>(whole: &'s str, sep: &Finder, mut each: impl FnMut(&'s str)) {
    let mut start = 0;
    let mut part = |end: usize| {
        // matches of a whole text are at character boundaries
        let p = trimmed(&whole[start..end]);
        if !p.is_empty() {
            each(p);
        }
        start = end + sep.needle().len();
    };
    match sep.needle() {
        [b] => memchr::memchr_iter(*b, whole.as_bytes()).for_each(&mut part),
        _ => sep.find_iter(whole.as_bytes()).for_each(&mut part),
    }
    part(whole.len());
}

/// `p.trim()`, with no look for Unicode spaces when `p` starts and ends
/// with a printable ASCII byte (most parts).
fn trimmed(p: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    match printable(p.as_bytes().first()) && printable(p.as_bytes().last()) {
        true => p,
        false => p.trim(),
    }
}

/// `replace(s, from, to)`: `s` itself (not copied) when `from` is not in it.
fn replace<'a, 't>(
    args: &mut [Value<'a>],
    text: &dyn Fn(usize) -> &'t str,
    call: &dyn Fn() -> &'t str,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    want_text(&args[0], || text(0), span)?;
    let (first, rest) = args.split_first_mut().expect("replace has three arguments");
    let (from, to) = match (&rest[0], &rest[1]) {
        (Value::Str(from), Value::Str(to)) => (from, to),
        (Value::Str(_), other) => {
            return Err(EvalError::wrong_kind(other, Kind::String, text(2), span))
        }
        (other, _) => return Err(EvalError::wrong_kind(other, Kind::String, text(1), span)),
    };
    if from.is_empty() {
        let (text, call) = (text(1).to_string(), call().to_string());
        return Err(EvalError::new(
            EvalErrorKind::EmptyReplace { text, call },
            span,
        ));
    }
    let whole = match std::mem::replace(first, Value::Bool(false)) {
        Value::Str(whole) => whole,
        _ => unreachable!("checked to be text above"),
    };
    let finder = Finder::new(from.as_bytes());
    // the budget was charged for every match before
    match replace_all(whole, &finder, to, u64::MAX) {
        Some((text, _)) => Ok(Value::Str(text)),
        None => unreachable!("no bound on the matches"),
    }
}

/// `whole` with `to` in place of every match of `from`, and how many there
/// were: one scan, as `str::replace` makes (matches left to right, none
/// overlapping); the text itself when nothing matches. `None` past `most`
/// matches (more than the step budget pays for).
pub(super) fn replace_all<'a>(
    whole: Cow<'a, str>,
    from: &Finder<'_>,
    to: &str,
    most: u64,
) -> Option<(Cow<'a, str>, u64)> {
    let mut found = from.find_iter(whole.as_bytes()).peekable();
    if found.peek().is_none() {
        drop(found);
        return Some((whole, 0));
    }
    let mut out = String::with_capacity(whole.len());
    let (mut last, mut times) = (0, 0);
    for at in found {
        times += 1;
        if times > most {
            return None;
        }
        out.push_str(&whole[last..at]);
        out.push_str(to);
        last = at + from.needle().len();
    }
    out.push_str(&whole[last..]);
    Some((Cow::Owned(out), times))
}

/// `bool(x)`: a yes/no word, `1` or `0`, or true/false itself.
fn to_bool<'a, 't>(
    v: &Value<'a>,
    call: &dyn Fn() -> &'t str,
    span: Span,
) -> Result<Value<'a>, EvalError> {
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
fn number_with_mark<'a, 't>(
    args: &[Value<'a>],
    text: &dyn Fn(usize) -> &'t str,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    // the checker allows only the constants "." and ","
    let comma = match &args[1] {
        Value::Str(m) if m == "," => true,
        Value::Str(m) if m == "." => false,
        other => return Err(EvalError::wrong(other, Needed::DecimalMark, text(1), span)),
    };
    Ok(match &args[0] {
        Value::Number(n) => Value::Number(*n),
        Value::Str(t) => match parse_number_with_mark(t, comma) {
            Some(n) => Value::Number(n),
            None => Value::Missing(Missing::NotANumber(span)),
        },
        other => return Err(EvalError::wrong_kind(other, Kind::String, text(0), span)),
    })
}

fn want_text<'v, 't>(
    v: &'v Value<'_>,
    what: impl FnOnce() -> &'t str,
    span: Span,
) -> Result<&'v str, EvalError> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(EvalError::wrong_kind(other, Kind::String, what(), span)),
    }
}

/// `bool("maybe"): "maybe" is not a yes/no word (true: ...; false: ...)`.
fn not_a_word<'t>(v: &Value<'_>, call: &dyn Fn() -> &'t str, span: Span) -> EvalError {
    let kind = EvalErrorKind::NotAWord {
        call: super::value::one_line(call()).into_owned(),
        value: Shown::of(v),
        found: v.kind(),
    };
    EvalError::new(kind, span)
}

/// A date value from text or Unix seconds, or an error naming the value
/// and the forms accepted.
fn read_date<'t>(v: &Value<'_>, call: &dyn Fn() -> &'t str, span: Span) -> Result<i64, EvalError> {
    let secs = match v {
        Value::Date(secs) => Some(*secs),
        Value::Str(t) => dates::read_text(t),
        Value::Number(n) => dates::from_unix(*n),
        _ => None,
    };
    secs.ok_or_else(|| {
        let kind = EvalErrorKind::NotADate {
            call: super::value::one_line(call()).into_owned(),
            value: Shown::of(v),
            found: v.kind(),
        };
        EvalError::new(kind, span)
    })
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{replace, split, List, Value};
    use crate::ast::Span;

    /// `replace` gives what `str::replace` gives, and the text itself
    /// (borrowed, not copied) when `from` is not in it.
    #[test]
    fn replace_is_str_replace() {
        let cases = [
            ("aaaa", "aa", "b"),
            ("aaa", "aa", "xyz"),
            ("café · clean · ", " · ", " | "),
            ("no match here", "·", "|"),
            ("ΣΣ📍📍", "📍", ""),
            ("", "a", "b"),
        ];
        for (whole, from, to) in cases {
            let mut args = [whole, from, to].map(|t| Value::Str(Cow::Borrowed(t)));
            let got = replace(&mut args, &|_| "x", &|| "replace(x)", Span::default());
            let Ok(Value::Str(got)) = got else {
                panic!("replace({whole:?}) gave {got:?}")
            };
            assert_eq!(got, whole.replace(from, to), "{whole:?}");
            assert_eq!(matches!(got, Cow::Borrowed(_)), !whole.contains(from));
        }
    }

    /// `split` gives the same parts for a borrowed text as for one made
    /// in the run (borrowed parts only for the first), with the empty and
    /// blank parts dropped and each part trimmed.
    #[test]
    fn split_borrowed_and_owned_agree() {
        let cases = [
            ("", ";"),
            (";", ";"),
            (";;skincare;;beauty;", ";"),
            (" skincare ; beauty ", ";"),
            ("  ;  ; ", ";"),
            ("café·clean·ΣΣ📍", "·"),
            ("a--b---c", "--"),
            ("aaaaa", "aa"),
            ("x;;;y", ";;"),
            ("no separator", ";"),
            ("\t x \t;\n", ";"),
        ];
        for (whole, sep) in cases {
            let want: Vec<&str> = whole
                .split(sep)
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .collect();
            for owned in [false, true] {
                let text = match owned {
                    true => Cow::Owned(whole.to_string()),
                    false => Cow::Borrowed(whole),
                };
                let mut args = [Value::Str(text), Value::Str(Cow::Borrowed(sep))];
                let got = split(&mut args, &|_| "x", &|| "split(x)", Span::default());
                let Ok(Value::List(List::Built(parts))) = got else {
                    panic!("split({whole:?}) gave {got:?}")
                };
                let got: Vec<&str> = parts
                    .iter()
                    .map(|p| match p {
                        Value::Str(s) => {
                            assert_eq!(matches!(s, Cow::Owned(_)), owned, "{whole:?}");
                            s.as_ref()
                        }
                        other => panic!("a part of {whole:?} is {other:?}"),
                    })
                    .collect();
                assert_eq!(got, want, "{whole:?} split on {sep:?}");
            }
        }
    }
}
