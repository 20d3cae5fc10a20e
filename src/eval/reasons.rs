//! Reasons that name the values: why a requirement came out false
//! (`followers is 512, needs between 1000 and 10000`) or missing
//! (`authenticity_score is missing`). Only runs for requirements that fail.

use super::value::{one_line, Missing, Value};
use super::{EvalError, Frame};
use crate::compile::{Node, Op, Program};

/// Elements of a list named in a reason for `in`.
const OPTIONS_SHOWN: usize = 10;

/// Says what a missing value lacked.
pub(crate) fn why_missing(prog: &Program, m: Missing) -> String {
    match m {
        Missing::Field(i) => format!("{} is missing", prog.field_name(i)),
        Missing::Element(s) => format!("{} is missing", one_line(prog.text(s))),
        Missing::DivByZero(s) => format!("{} divides by zero", one_line(prog.text(s))),
        Missing::NotANumber(s) => format!("{} is not a number", one_line(prog.text(s))),
        Missing::NoResult(s) => format!("{} has no result", one_line(prog.text(s))),
        Missing::InList(s) => format!("an element of {} is missing", one_line(prog.text(s))),
        Missing::Empty(s) => format!("{} has no elements to work on", one_line(prog.text(s))),
        Missing::Written(s) => format!(
            "the rules say `missing` (line {})",
            crate::diagnostic::line_col(&prog.source, s.start).0
        ),
        Missing::AtElement { site, index } => {
            format!(
                "{} is missing",
                super::lists::element_name(prog, site, index)
            )
        }
        Missing::NoMatch(site) => super::lists::no_match(prog, site),
        Missing::Blank(s) => format!("{} reads empty text", one_line(prog.text(s))),
    }
}

/// Every element of a list, however long, joined by commas: the values
/// an `in` accepts (`"US", "CA"`).
pub(crate) fn every_element(xs: &Value<'_>) -> String {
    match xs {
        // a long list (an allow-list of handles) is named in part, or every
        // rejected creator's reason would repeat it whole
        Value::List(items) => {
            let mut shown: Vec<String> = items
                .iter()
                .take(OPTIONS_SHOWN)
                .map(|v| v.to_string())
                .collect();
            if items.len() > OPTIONS_SHOWN {
                shown.push(format!("… {} more", items.len() - OPTIONS_SHOWN));
            }
            shown.join(", ")
        }
        other => other.to_string(),
    }
}

/// Says why a condition that came out false is false, naming the values it
/// compared. Re-evaluates sub-expressions (lets and signals are cached).
/// A let is explained once; where it is read again the reason only names
/// it, so a let read twice by each of a chain of lets takes linear time,
/// not time doubling with each link.
pub(crate) fn why_false<'a>(f: &mut Frame<'a>, n: &'a Node) -> Result<String, EvalError> {
    let mut explained = vec![false; f.prog.lets.len()];
    why_false_in(f, n, &mut explained)
}

/// A value as a reason shows it; an integer field past 2^53 as written in
/// the data, not as the float nearest it (`6812345678901234567` would show
/// as `6812345678901234688`).
fn as_written(f: &Frame<'_>, n: &Node, v: &Value<'_>) -> String {
    if let (Op::Field(i), Value::Number(x)) = (&n.op, v) {
        if x.abs() >= 9_007_199_254_740_992.0 {
            if let Some(serde_json::Value::Number(raw)) = f.lookup(*i) {
                if raw.is_i64() || raw.is_u64() {
                    return raw.to_string();
                }
            }
        }
    }
    v.to_string()
}

fn why_false_in<'a>(
    f: &mut Frame<'a>,
    n: &'a Node,
    explained: &mut [bool],
) -> Result<String, EvalError> {
    let why_false = |f: &mut Frame<'a>, n: &'a Node, e: &mut [bool]| why_false_in(f, n, e);
    let prog = f.prog;
    let t = |n: &Node| one_line(prog.text(n.span)).into_owned();
    Ok(match &n.op {
        Op::Compare(op, a, b) => {
            let (x, y) = (f.eval(a)?, f.eval(b)?);
            let x = as_written(f, a, &x);
            format!("{} is {x}, needs {} {y}", t(a), op.as_str())
        }
        Op::Between(x, lo, hi) => {
            let (v, l, h) = (f.eval(x)?, f.eval(lo)?, f.eval(hi)?);
            let v = as_written(f, x, &v);
            format!("{} is {v}, needs between {l} and {h}", t(x))
        }
        // a constant looked for in the creator's list: the list is the value
        Op::In(item, list, negated) if constant_in(item, list) => {
            let (x, xs) = (f.eval(item)?, f.eval(list)?);
            if *negated {
                format!("{} is {xs}, which contains {x}", t(list))
            } else {
                format!("{} is {xs}, needs to contain {x}", t(list))
            }
        }
        Op::In(item, list, negated) => {
            let (x, xs) = (f.eval(item)?, f.eval(list)?);
            let x = as_written(f, item, &x);
            if *negated {
                format!("{} is {x}, which is excluded", t(item))
            } else {
                format!("{} is {x}, needs one of {}", t(item), every_element(&xs))
            }
        }
        Op::Contains(a, b) => {
            let (x, y) = (f.eval(a)?, f.eval(b)?);
            format!("{} is {x}, which does not contain {y}", t(a))
        }
        Op::Matches(a, re) => {
            let x = f.eval(a)?;
            format!("{} is {x}, which does not match {:?}", t(a), re.as_str())
        }
        Op::And(a, b) => {
            // explain the first operand that is false
            match f.eval(a)? {
                Value::Bool(false) => why_false(f, a, explained)?,
                _ => why_false(f, b, explained)?,
            }
        }
        Op::Or(a, b) => {
            let left = why_false(f, a, explained)?;
            format!("neither holds: {left}; {}", why_false(f, b, explained)?)
        }
        Op::Let(i) => {
            let def = &prog.lets[*i as usize];
            if std::mem::replace(&mut explained[*i as usize], true) {
                format!("{} is false", def.name)
            } else {
                let why = why_false(f, &def.value, explained)?;
                format!("{} is false ({why})", def.name)
            }
        }
        Op::Not(inner) => match &inner.op {
            Op::In(item, list, _) if constant_in(item, list) => {
                let xs = f.eval(list)?;
                format!("{} is {xs}, so {} holds", t(list), t(inner))
            }
            Op::Compare(_, a, _)
            | Op::Between(a, ..)
            | Op::In(a, ..)
            | Op::Contains(a, _)
            | Op::Matches(a, _) => {
                let x = f.eval(a)?;
                format!("{} is {x}, so {} holds", t(a), t(inner))
            }
            _ => format!("{} holds", t(inner)),
        },
        _ => format!("{} is false", t(n)),
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
