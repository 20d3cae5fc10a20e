//! What the built-in functions compute; their names, arities and
//! signatures are the language's ([`crate::language::builtins`]). Missing
//! arguments spread to a missing result, except in `has` and the lambda
//! forms, which decide for themselves.

use std::borrow::Cow;
use std::collections::HashSet;

use super::value::{EqualityKey, Kind, List, Missing, Value};
use super::{parse_human_number, EvalError, Needed};
use crate::ast::Span;
use crate::compile::{Node, Program};
// the table is the language's; this file computes what it lists
pub use crate::language::builtins::Builtin;

/// Asks for a number, or says why the value is not one; `what` names the
/// value as written, asked for only then.
#[inline]
pub(super) fn want_number<'a, S: AsRef<str>>(
    v: &Value<'a>,
    what: impl FnOnce() -> S,
    span: Span,
) -> Result<Option<f64>, EvalError> {
    match v {
        Value::Number(n) => Ok(Some(*n)),
        Value::Missing(_) => Ok(None),
        other => Err(EvalError::wrong_kind(
            other,
            Kind::Number,
            what().as_ref(),
            span,
        )),
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

/// The text of argument `i`, taken out of `args` (the caller has no more
/// use for it), or why it is not text.
fn take_str<'a>(
    args: &mut [Value<'a>],
    i: usize,
    what: &str,
    span: Span,
) -> Result<Cow<'a, str>, EvalError> {
    match std::mem::replace(&mut args[i], Value::Bool(false)) {
        Value::Str(s) => Ok(s),
        other => Err(EvalError::wrong_kind(&other, Kind::String, what, span)),
    }
}

/// `trim(s)`: a part of the same text, copied only when it was made here
/// and loses something.
pub(super) fn trim(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
        Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
    }
}

/// `lower(s)`: the text itself when lowering changes no character, else
/// a lowered copy, the same as [`str::to_lowercase`] gives.
pub(super) fn lower(s: Cow<'_, str>) -> Cow<'_, str> {
    match first_lowered(&s) {
        None => s,
        Some(at) => Cow::Owned(lowered(s, at)),
    }
}

/// Where the first character that lowering changes starts.
fn first_lowered(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    // ASCII with no capital runs up to a capital or a character past ASCII
    while let Some(at) = next_capital_or_non_ascii(bytes, i) {
        if bytes[at].is_ascii() {
            return Some(at);
        }
        let c = s[at..].chars().next().expect("at starts a character");
        if !lowers_to_itself(c) {
            return Some(at);
        }
        i = at + c.len_utf8();
    }
    None
}

/// Where the first ASCII capital or byte past ASCII is, from `from` on:
/// eight bytes at a time. A byte past ASCII may carry into the bytes
/// above it in the sums, but never into those below, so the lowest byte
/// flagged is exact.
fn next_capital_or_non_ascii(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // the high bit set from 'A' on, and past 'Z'
        let from_a = x.wrapping_add(ONES * u64::from(0x80 - b'A'));
        let past_z = x.wrapping_add(ONES * u64::from(0x80 - b'Z' - 1));
        let flagged = (x | (from_a & !past_z)) & HIGH;
        if flagged != 0 {
            return Some(i + (flagged.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = b.get(i..).unwrap_or_default();
    (rest
        .iter()
        .position(|c| c.is_ascii_uppercase() || !c.is_ascii()))
    .map(|k| i + k)
}

/// True when lowering leaves `c` as it is. The characters without case
/// (or lowercase already) that names and bios use most (Latin-1's small
/// letters and signs, punctuation, arrows and symbols, kana, CJK, Hangul,
/// emoji and every symbol past the last cased letter) are known without
/// the table's look-up; `lowers_to_itself_past_the_tables` checks each.
fn lowers_to_itself(c: char) -> bool {
    if matches!(c as u32, 0xA0..=0xBF | 0xDF..=0xFF | 0x2000..=0x2125 | 0x2190..=0x24B5
        | 0x24D0..=0x2BFF | 0x3040..=0x9FFF | 0xAC00..=0xD7A3 | 0xD7A4..=0xFF20 | CASED_END..)
    {
        return true;
    }
    let mut low = c.to_lowercase();
    low.next() == Some(c) && low.next().is_none()
}

/// Past the last character that lowering changes (Adlam's capitals end at
/// U+1E921; `lowers_to_itself_past_the_tables` checks every one after).
const CASED_END: u32 = 0x1E944;

/// `s` lowered from byte `at` on (the text before it lowers to itself), as
/// [`str::to_lowercase`] lowers it. Most text changes only in its ASCII
/// capitals: it is lowered in place (in a copy when borrowed), and only
/// characters past ASCII are looked at one by one (found a word at a
/// time); from the first of those that lowering changes, the rest is
/// lowered anew.
fn lowered(s: Cow<'_, str>, at: usize) -> String {
    let mut out = s.into_owned();
    out[at..].make_ascii_lowercase();
    let mut i = at;
    while let Some(j) = next_non_ascii(out.as_bytes(), i) {
        let c = out[j..].chars().next().expect("j starts a character");
        if !lowers_to_itself(c) {
            let rest = out.split_off(j);
            if !lower_into(&mut out, &rest) {
                // a capital sigma lowers by its neighbours (ASCII letters
                // lowered are as cased as before): the standard library
                // knows how
                out.truncate(j);
                out.push_str(&rest);
                return out.to_lowercase();
            }
            break;
        }
        i = j + c.len_utf8();
    }
    out
}

/// Where the first byte past ASCII is in `b`, from `from` on.
fn next_non_ascii(b: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let high = u64::from_le_bytes(word.try_into().expect("eight bytes")) & HIGH;
        if high != 0 {
            return Some(i + (high.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|c| !c.is_ascii()).map(|k| i + k)
}

/// Appends `rest` lowered to `out`: runs of ASCII a block at a time, other
/// characters one by one; false at a capital sigma, which this cannot
/// lower (out is then left part written).
fn lower_into(out: &mut String, mut rest: &str) -> bool {
    while !rest.is_empty() {
        let ascii = next_non_ascii(rest.as_bytes(), 0).unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            if c == 'Σ' {
                return false;
            }
            out.extend(c.to_lowercase());
            rest = &rest[c.len_utf8()..];
        }
    }
    true
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
    args: &mut [Value<'a>],
    nodes: &[Node],
    prog: &Program,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    use Builtin::*;
    let text = |i: usize| nodes.get(i).map_or("argument", |n| prog.text(n.span));
    // min/max of several numbers (over one list they run as `Op::Each`)
    if matches!(f, Min | Max) {
        return min_max(f, args, &text, span);
    }
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    if matches!(
        f,
        Split | StartsWith | EndsWith | Replace | Bool | Date | DaysSince
    ) || (f == Number && args.len() == 2)
    {
        let call = || prog.text(span);
        return super::convert::apply(f, args, &text, &call, span, prog.today);
    }
    let num = |i: usize| -> Result<f64, EvalError> {
        Ok(want_number(&args[i], || text(i), span)?.expect("missing handled above"))
    };
    Ok(match f {
        Len => match &args[0] {
            Value::Str(s) => Value::Number(s.chars().count() as f64),
            Value::List(xs) => Value::Number(xs.len() as f64),
            Value::Object(m) => Value::Number(m.len() as f64),
            other => return Err(EvalError::wrong(other, Needed::StringOrList, text(0), span)),
        },
        Lower | Upper | Trim => {
            let s = take_str(args, 0, text(0), span)?;
            Value::Str(match f {
                Lower => lower(s),
                Upper => Cow::Owned(s.to_uppercase()),
                _ => trim(s),
            })
        }
        Clamp | Abs | Round | Floor | Ceil | Sqrt | Log10 | Ln => math(f, args.len(), &num, span)?,
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
            overlap(a, b)
        }
        Min | Max | Has | Any | All | Count => unreachable!("handled by the caller"),
        // the list functions run as `Op::Each` (src/eval/lists.rs)
        Sum | Avg | Map | Filter | First | Median => unreachable!("lowered to Op::Each"),
        Split | StartsWith | EndsWith | Replace | Bool | Date | DaysSince => {
            unreachable!("handled by convert.rs above")
        }
        Band => super::cohort::band(args, &|i| text(i).to_string(), span)?,
        Percentile | CohortMedian | CohortSize => unreachable!("lowered to Op::Cohort"),
    })
}

/// `min(a, b, ...)` or `max(a, b, ...)` of numbers; missing spreads.
fn min_max<'a, 't>(
    f: Builtin,
    args: &[Value<'a>],
    text: &dyn Fn(usize) -> &'t str,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    if let Some(m) = first_missing(args) {
        return Ok(m);
    }
    let mut best: Option<f64> = None;
    for (i, v) in args.iter().enumerate() {
        let n = want_number(v, || text(i), span)?.expect("missing handled above");
        best = Some(match best {
            None => n,
            Some(b) if f == Builtin::Min => b.min(n),
            Some(b) => b.max(n),
        });
    }
    Ok(best.map_or(Value::Missing(Missing::Empty(span)), Value::Number))
}

/// The number functions: `clamp`, `abs`, `round`, `floor`, `ceil`,
/// `sqrt`, `log10`, `ln`; `num(i)` is argument `i`, of `count`.
fn math<'a>(
    f: Builtin,
    count: usize,
    num: &dyn Fn(usize) -> Result<f64, EvalError>,
    span: Span,
) -> Result<Value<'a>, EvalError> {
    use Builtin::*;
    Ok(match f {
        Clamp => {
            let (x, lo, hi) = (num(0)?, num(1)?, num(2)?);
            Value::Number(x.max(lo).min(hi))
        }
        Abs => Value::Number(num(0)?.abs()),
        Round => {
            let x = num(0)?;
            let digits = if count > 1 { num(1)?.round() } else { 0.0 };
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
        Sqrt | Log10 | Ln => {
            let x = num(0)?;
            let defined = if f == Sqrt { x >= 0.0 } else { x > 0.0 };
            Value::Number(match f {
                _ if !defined => return Ok(Value::Missing(Missing::NoResult(span))),
                Sqrt => x.sqrt(),
                Ln => x.ln(),
                _ => x.log10(),
            })
        }
        _ => unreachable!("apply sends only the number functions here"),
    })
}

/// `overlap(a, b)`: distinct elements of `a` equal to some element of `b`:
/// the keys the two share (keys match exactly when `==` holds), which is
/// symmetric. A constant list's keys were hashed when compiled; else `b`'s
/// are, once: linear in the two lengths, where comparing every pair would
/// take their product.
fn overlap<'a>(a: &List<'_>, b: &List<'_>) -> Value<'a> {
    use crate::language::sets::count_common;
    let common = match (a, b) {
        (_, List::Const(c)) => count_common(a.iter(), c.keys()),
        (List::Const(c), _) => count_common(b.iter(), c.keys()),
        _ => {
            let in_b: HashSet<EqualityKey> =
                b.iter().filter_map(Value::into_equality_key).collect();
            count_common(a.iter(), &in_b)
        }
    };
    Value::Number(common as f64)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    /// `lower` gives what `str::to_lowercase` gives, borrowing when that is
    /// the text itself.
    #[test]
    fn lowers_to_itself_past_the_tables() {
        let ranges = [
            0xA0..=0xBF,
            0xDF..=0xFF,
            0x2000..=0x2125,
            0x2190..=0x24B5,
            0x24D0..=0x2BFF,
            0x3040..=0x9FFF,
            0xAC00..=0xD7A3,
            0xD7A4..=0xFF20,
            super::CASED_END..=0x10FFFF,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            assert_eq!(c.to_lowercase().to_string(), c.to_string(), "{c:?}");
            assert!(super::lowers_to_itself(c));
        }
        for c in ['A', 'Σ', 'İ', 'Ä', 'Þ', 'Ω', 'Ⓐ', 'Ａ', '\u{1E921}', 'Ⅻ'] {
            assert!(!super::lowers_to_itself(c), "{c:?}");
        }
    }

    /// The word-at-a-time scan finds what a byte-at-a-time one does, at
    /// every offset: the bytes around 'A' and 'Z', and past ASCII.
    #[test]
    fn capitals_and_bytes_past_ascii_are_found_a_word_at_a_time() {
        let texts = [
            "abcdefgH",
            "@[`{ \x7f@@@@@@@@[[[[[[[[Z",
            "aaaaaaaaaaaaaaaé then A",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "ÿ@AZ[ é",
            "\u{7f}\u{80}a",
        ];
        for t in texts {
            let b = t.as_bytes();
            for from in 0..=b.len() {
                let naive = (b[from..].iter())
                    .position(|c| c.is_ascii_uppercase() || !c.is_ascii())
                    .map(|k| from + k);
                assert_eq!(
                    super::next_capital_or_non_ascii(b, from),
                    naive,
                    "{t} {from}"
                );
            }
        }
    }

    #[test]
    fn lower_is_to_lowercase() {
        let texts = [
            "",
            "plain lower",
            "Mixed Case ASCII",
            "café hopper ☕ | Small-Batch · CLEAN",
            "ΣΊΣΥΦΟΣ and ΣΑΣ",
            "İstanbul ǅ ǈ Ⅻ ẞ",
            "📍Zürich ÀÉÎ",
            "ß straße",
            "ǆ already",
            "지민 伟 Ayşe ÖZTÜRK",
            "Skincare for sensitive skin | 📍Seattle | she/her Ä",
            "📍 long ascii run before a capital past ASCII: Émile",
            "Émile ΣΑΣ after a capital past ASCII",
            "ascii first, then OΣ",
        ];
        for t in texts {
            let got = super::lower(Cow::Borrowed(t));
            assert_eq!(got, t.to_lowercase(), "{t}");
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                t.to_lowercase() == t,
                "{t}"
            );
            // text made by the rules is lowered in place
            let owned = super::lower(Cow::Owned(t.to_string()));
            assert_eq!(owned, t.to_lowercase(), "{t}");
        }
    }
}
