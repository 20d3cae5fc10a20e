//! Reasons that name the values: why a requirement came out false
//! (`followers is 512, needs between 1000 and 10000`) or missing
//! (`authenticity_score is missing`). Only runs for requirements that fail.

use super::value::{one_line, List, Missing, Value};
use super::{Cause, EvalError, Frame, MissingCause, Shown};
use crate::compile::{Node, Op, Program};

/// Elements of a list named in a reason for `in`.
const OPTIONS_SHOWN: usize = 10;

/// What a missing value lacked, as data.
pub(crate) fn missing_cause(prog: &Program, m: Missing) -> MissingCause {
    let text = |s| one_line(prog.text(s)).into_owned();
    match m {
        Missing::Field(i) => MissingCause::Field(prog.field_name(i).to_string()),
        Missing::Element(s) => MissingCause::Element(text(s)),
        Missing::DivByZero(s) => MissingCause::DivisionByZero(text(s)),
        Missing::NotANumber(s) => MissingCause::NotANumber(text(s)),
        Missing::NoResult(s) => MissingCause::NoResult(text(s)),
        Missing::InList(s) => MissingCause::ElementOfList(text(s)),
        Missing::Empty(s) => MissingCause::Empty(text(s)),
        Missing::Written(s) => {
            MissingCause::Written(crate::diagnostic::line_col(&prog.source, s.start).0)
        }
        Missing::AtElement { site, index } => {
            MissingCause::AtElement(super::lists::element_name(prog, site, index))
        }
        Missing::NoMatch(site) => MissingCause::NoMatch(prog.sites.get(site as usize).map(|s| {
            let lambda = s.lambda.map(|l| one_line(prog.text(l)).into_owned());
            (one_line(prog.text(s.list)).into_owned(), lambda)
        })),
        Missing::Blank(s) => MissingCause::Blank(text(s)),
    }
}

/// Says what a missing value lacked.
pub(crate) fn why_missing(prog: &Program, m: Missing) -> String {
    missing_cause(prog, m).to_string()
}

/// Every element of a list, however long, joined by commas: the values
/// an `in` accepts (`"US", "CA"`).
pub(crate) fn every_element(xs: &Value<'_>) -> String {
    let (shown, more) = options(xs);
    let mut out: Vec<String> = shown.iter().map(ToString::to_string).collect();
    if more > 0 {
        out.push(format!("… {more} more"));
    }
    out.join(", ")
}

/// The first [`OPTIONS_SHOWN`] elements of a list and how many more there
/// are: a long list (an allow-list of handles) is named in part, or every
/// rejected creator's reason would repeat it whole.
fn options(xs: &Value<'_>) -> (Vec<Shown>, usize) {
    match xs {
        // a constant list's elements are read in place, not copied first
        Value::List(List::Const(c)) => {
            let items = c.items();
            let shown = items.iter().take(OPTIONS_SHOWN).map(Shown::of).collect();
            (shown, items.len().saturating_sub(OPTIONS_SHOWN))
        }
        Value::List(items) => {
            let shown = items
                .iter()
                .take(OPTIONS_SHOWN)
                .map(|v| Shown::of(&v))
                .collect();
            (shown, items.len().saturating_sub(OPTIONS_SHOWN))
        }
        other => (vec![Shown::of(other)], 0),
    }
}

/// Says why a condition that came out false is false, naming the values it
/// compared. Re-evaluates sub-expressions (lets and signals are cached).
/// A let is explained once; where it is read again the reason only names
/// it, so a let read twice by each of a chain of lets takes linear time,
/// not time doubling with each link.
pub(crate) fn why_false<'a>(f: &mut Frame<'a>, n: &'a Node) -> Result<Cause, EvalError> {
    let mut explained = vec![false; f.prog.lets.len()];
    why_false_in(f, n, &mut explained)
}

/// A value as a reason shows it; an integer field past 2^53 as written in
/// the data, not as the float nearest it (`6812345678901234567` would show
/// as `6812345678901234688`).
fn as_written(f: &Frame<'_>, n: &Node, v: &Value<'_>) -> Shown {
    if let (Op::Field(i), Value::Number(x)) = (&n.op, v) {
        if x.abs() >= 9_007_199_254_740_992.0 {
            if let Some(serde_json::Value::Number(raw)) = f.lookup(*i) {
                if raw.is_i64() || raw.is_u64() {
                    return Shown::written(raw.to_string(), serde_json::Value::Number(raw.clone()));
                }
            }
        }
    }
    Shown::of(v)
}

/// An expression as written, on one line.
fn written(prog: &Program, n: &Node) -> String {
    line_of(prog.text(n.span))
}

/// `text` on one line, as [`one_line`] makes it.
fn line_of(text: &str) -> String {
    // printable ASCII with no two spaces in a row (`followers`, nearly
    // every expression a reason names) is its own line: copied, spared
    // `one_line`'s three searches
    let plain = text.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !text.as_bytes().windows(2).any(|w| w == b"  ");
    if plain {
        text.to_owned()
    } else {
        one_line(text).into_owned()
    }
}

fn why_false_in<'a>(
    f: &mut Frame<'a>,
    n: &'a Node,
    explained: &mut [bool],
) -> Result<Cause, EvalError> {
    let prog = f.prog;
    let t = |n: &Node| written(prog, n);
    Ok(match &n.op {
        Op::Compare(op, a, b) => {
            let (x, y) = (f.eval(a)?, f.eval(b)?);
            Cause::Compare {
                field: t(a),
                value: as_written(f, a, &x),
                op: op.as_str(),
                bound: Shown::of(&y),
            }
        }
        Op::Between(x, lo, hi) => {
            let (v, l, h) = (f.eval(x)?, f.eval(lo)?, f.eval(hi)?);
            Cause::Between {
                field: t(x),
                value: as_written(f, x, &v),
                low: Shown::of(&l),
                high: Shown::of(&h),
            }
        }
        Op::In(item, list, negated) => why_not_in(f, item, list, *negated)?,
        Op::Contains(a, b) => {
            let (x, y) = (f.eval(a)?, f.eval(b)?);
            let (value, item) = (Shown::of(&x), Shown::of(&y));
            Cause::DoesNotContain {
                field: t(a),
                value,
                item,
            }
        }
        Op::Matches(a, re) => {
            let value = Shown::of(&f.eval(a)?);
            let pattern = re.as_str().to_string();
            Cause::DoesNotMatch {
                field: t(a),
                value,
                pattern,
            }
        }
        Op::And(a, b) => {
            // explain the first operand that is false
            match f.eval(a)? {
                Value::Bool(false) => why_false_in(f, a, explained)?,
                _ => why_false_in(f, b, explained)?,
            }
        }
        Op::Or(a, b) => {
            let left = why_false_in(f, a, explained)?;
            Cause::Neither(Box::new(left), Box::new(why_false_in(f, b, explained)?))
        }
        Op::Let(i) => {
            let def = &prog.lets[*i as usize];
            let because = if std::mem::replace(&mut explained[*i as usize], true) {
                None
            } else {
                Some(Box::new(why_false_in(f, &def.value, explained)?))
            };
            let name = def.name.clone();
            Cause::LetFalse { name, because }
        }
        Op::Not(inner) => why_negation_holds(f, inner)?,
        _ => Cause::False { condition: t(n) },
    })
}

/// Why `item in list` (or `not in`) is false.
fn why_not_in<'a>(
    f: &mut Frame<'a>,
    item: &'a Node,
    list: &'a Node,
    negated: bool,
) -> Result<Cause, EvalError> {
    let (x, xs) = (f.eval(item)?, f.eval(list)?);
    let prog = f.prog;
    // a constant looked for in the creator's list: the list is the value
    if constant_in(item, list) {
        let (field, value, item) = (written(prog, list), Shown::of(&xs), Shown::of(&x));
        return Ok(if negated {
            Cause::Holds { field, value, item }
        } else {
            Cause::Lacks { field, value, item }
        });
    }
    let (field, value) = (written(prog, item), as_written(f, item, &x));
    Ok(if negated {
        Cause::Excluded { field, value }
    } else {
        let (options, more) = options(&xs);
        Cause::NotOneOf {
            field,
            value,
            options,
            more,
        }
    })
}

/// Why `not inner` is false: `inner` holds, with the value it tested.
fn why_negation_holds<'a>(f: &mut Frame<'a>, inner: &'a Node) -> Result<Cause, EvalError> {
    let prog = f.prog;
    let tested = match &inner.op {
        Op::In(item, list, _) if constant_in(item, list) => Some(list),
        Op::Compare(_, a, _)
        | Op::Between(a, ..)
        | Op::In(a, ..)
        | Op::Contains(a, _)
        | Op::Matches(a, _) => Some(a),
        _ => None,
    };
    let tested = match tested {
        Some(a) => Some((written(prog, a), Shown::of(&f.eval(a)?))),
        None => None,
    };
    Ok(Cause::NegationHolds {
        condition: written(prog, inner),
        tested,
    })
}

/// True for `"skincare" in niches`: a constant on the left of `in` and the
/// creator's value on the right, which reasons then name.
pub(crate) fn constant_in(item: &Node, list: &Node) -> bool {
    matches!(item.op, Op::Const(_)) && !matches!(list.op, Op::Const(_))
}

/// True when `what` is written as a field path: a name followed by
/// `.name`, `[N]` or `["any key"]` steps (`followers`, `profile.stats.followers`,
/// `posts[0].likes`, `creator["Follower Count"]`), where `number(...)` is
/// the fix for text that reads as a number.
pub(crate) fn is_path_text(what: &str) -> bool {
    let name_len = |s: &str| {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let mut rest = what;
    let first = name_len(rest);
    if first == 0 {
        return false;
    }
    rest = &rest[first..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let n = name_len(r);
            if n == 0 {
                return false;
            }
            rest = &r[n..];
        } else if let Some(r) = rest.strip_prefix("[\"") {
            // a quoted key, escapes included, up to its closing quote
            let mut end = None;
            let mut escaped = false;
            for (i, c) in r.char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(r) = end.and_then(|e| r[e + 1..].strip_prefix(']')) else {
                return false;
            };
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let n = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            let Some(r) = (n > 0).then(|| r[n..].strip_prefix(']')).flatten() else {
                return false;
            };
            rest = r;
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text copied whole (printable ASCII) is what `one_line` gives.
    #[test]
    fn an_expression_is_written_on_one_line() {
        let texts = [
            "",
            "followers",
            "creator[\"Follower Count\"]",
            "a  b",
            "a   b",
            " a ",
            "x\ty",
            "x\n  y",
            "é  ü",
            "\u{1b}[31m",
            "\u{7f}",
            "len(bio) > 3 and  x",
        ];
        for t in texts {
            assert_eq!(line_of(t), one_line(t), "{t:?}");
        }
    }
}
