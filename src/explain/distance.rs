//! How far a creator is from passing a requirement that failed: for a
//! comparison, the gap to the bound (`followers 10,412: 412 above the
//! maximum 10,000`); for `in`, the values that would pass; for a missing
//! value, that it needs one. Used by `explain` and by near misses, never by
//! a plain run. Numbers compared with a bound written as a percent literal
//! (`3%`) are shown as percentages.

use serde::Serialize;
use serde_json::Value as Json;

use super::trace::to_json;
use crate::ast::CmpOp;
use crate::compile::{Node, Op};
use crate::data::Rec;
use crate::eval::reasons::{constant_in, every_element, why_missing};
use crate::eval::Frame;
use crate::language::human;
use crate::language::value::{one_line, Missing, Value};

/// One thing a creator would have to change to pass a requirement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distance {
    /// The expression that decides, as written: `followers`.
    pub expression: String,
    /// Its value for this creator; `null` when missing.
    pub value: Json,
    /// What passes: `>=`, `<=`, `>`, `<`, `==`, `!=`, `between`, `in`,
    /// `not in`, `contains`, `not contains`, `matches`, `not matches`,
    /// `true`, `false`, or `a value` (for a missing one); `more` in a last
    /// entry that counts, in `bound`, the distances past the first 20.
    pub needs: String,
    /// The bound: a number, `[lo, hi]`, the list of values, the pattern;
    /// `null` when there is none.
    pub bound: Json,
    /// For numbers: how far the value is from the bound (always >= 0).
    pub off_by: Option<f64>,
    /// True when this is another way to pass (one side of an `or`).
    pub alternative: bool,
    /// In words: `followers 10,412: 412 above the maximum 10,000`.
    pub text: String,
}

impl crate::compile::Program {
    /// How far `record` is from passing requirement `i` (which it failed).
    pub fn distance(&self, record: Rec<'_>, i: usize) -> Vec<Distance> {
        let mut frame = Frame::new(self, record);
        distances(&mut frame, &self.requirements[i].condition)
    }
}

/// Joins distances in words: `A; and B`, or `A; or B` for alternatives.
pub fn describe(gaps: &[Distance]) -> String {
    let mut out = String::new();
    for (i, g) in gaps.iter().enumerate() {
        if i > 0 {
            out.push_str(if g.alternative { "; or " } else { "; and " });
        }
        out.push_str(&g.text);
    }
    out
}

/// How far from passing, relative to the bounds, as near misses are ordered
/// (README, "Near misses"): a numeric gap over the absolute value of the
/// bound it misses (the end of a `between` crossed; the gap itself when
/// that bound is 0), 1 for a distance without a number (`in`, `contains`,
/// a missing value). The distances are read as they are written, `A; and
/// B; or C`: each `or` starts another way to pass, whose gaps add up, and
/// the nearest way counts. 0 when nothing is listed.
pub fn relative_gap(gaps: &[Distance]) -> f64 {
    let mut best = f64::INFINITY;
    let mut way = 0.0;
    for (i, g) in gaps.iter().filter(|g| g.needs != "more").enumerate() {
        if i > 0 && g.alternative {
            best = best.min(way);
            way = 0.0;
        }
        way += g.relative();
    }
    best.min(way)
}

impl Distance {
    /// This distance's gap over its bound (see [`relative_gap`]).
    fn relative(&self) -> f64 {
        let Some(off) = self.off_by else { return 1.0 };
        let bound = match (&self.bound, self.value.as_f64()) {
            (Json::Array(ends), Some(v)) => match (ends.first(), ends.get(1)) {
                (Some(lo), Some(hi)) => {
                    let lo = lo.as_f64().unwrap_or(0.0);
                    if v < lo {
                        lo
                    } else {
                        hi.as_f64().unwrap_or(0.0)
                    }
                }
                _ => 0.0,
            },
            (b, _) => b.as_f64().unwrap_or(0.0),
        };
        if bound == 0.0 {
            off
        } else {
            off / bound.abs()
        }
    }
}

/// How to pass a condition that came out false or missing. Sub-expressions
/// that fail with a wrong-kind error are left out: the verdict reports them.
pub(crate) fn distances<'a>(f: &mut Frame<'a>, n: &'a Node) -> Vec<Distance> {
    let mut g = Gaps {
        out: Vec::new(),
        more: 0,
        seen: vec![[false; 2]; f.prog.lets.len()],
    };
    gaps(f, n, false, &mut g);
    let mut out = g.out;
    if g.more > 0 {
        out.push(Distance {
            expression: String::new(),
            value: Json::Null,
            needs: "more".into(),
            bound: Json::from(g.more),
            off_by: None,
            alternative: false,
            text: format!("{} more not shown", g.more),
        });
    }
    out
}

/// The distances of one requirement, as they are found.
struct Gaps {
    out: Vec<Distance>,
    /// Distances past [`MAX_DISTANCES`], counted, not kept.
    more: usize,
    /// Lets whose gaps are listed already, as read plainly and under `not`:
    /// a let read twice is listed once, so a chain of lets each reading the
    /// one before twice takes linear time, not time doubling with each link.
    seen: Vec<[bool; 2]>,
}

impl Gaps {
    fn len(&self) -> usize {
        self.out.len()
    }

    fn push(&mut self, d: Distance) {
        if self.out.len() < MAX_DISTANCES {
            self.out.push(d);
        } else {
            self.more += 1;
        }
    }
}

/// Distances listed for one requirement; the rest are counted.
const MAX_DISTANCES: usize = 20;

/// Adds the gaps of `n`, which must come out true to pass. `negated`: it
/// must come out false instead (under a `not`).
fn gaps<'a>(f: &mut Frame<'a>, n: &'a Node, negated: bool, out: &mut Gaps) {
    let Ok(v) = f.eval(n) else { return };
    match v {
        Value::Bool(b) if b != negated => return,
        Value::Missing(m) => return out.push(missing(f, n, m)),
        Value::Bool(_) => {}
        _ => return,
    }
    let prog = f.prog;
    let text = |n: &Node| one_line(prog.text(n.span)).into_owned();
    match &n.op {
        Op::Compare(op, a, b) => {
            let op = if negated { negate(*op) } else { *op };
            compare(f, op, a, b, out)
        }
        Op::Between(x, lo, hi) if !negated => between(f, x, lo, hi, out),
        Op::In(item, list, not_in) => membership(f, item, list, *not_in != negated, out),
        Op::Contains(a, b) => {
            let (Ok(x), Ok(y)) = (f.eval(a), f.eval(b)) else {
                return;
            };
            let not = if negated { "not " } else { "" };
            let words = format!("needs {not}to contain {y}");
            let g = Distance::new(&text(a), &x, &format!("{not}contains"), to_json(&y));
            out.push(g.says(&x.to_string(), &words));
        }
        Op::Matches(a, re) => {
            let Ok(x) = f.eval(a) else { return };
            let not = if negated { "not " } else { "" };
            let words = format!("needs {not}to match {:?}", re.as_str());
            let bound = Json::String(re.as_str().to_string());
            let g = Distance::new(&text(a), &x, &format!("{not}matches"), bound);
            out.push(g.says(&x.to_string(), &words));
        }
        Op::Not(x) => gaps(f, x, !negated, out),
        Op::And(a, b) | Op::Or(a, b) => {
            // to pass, `and` needs both sides, `or` either (swapped under `not`)
            let both = matches!(n.op, Op::And(..)) != negated;
            let before = out.len();
            gaps(f, a, negated, out);
            let split = out.len();
            gaps(f, b, negated, out);
            if !both && split > before && out.len() > split {
                out.out[split].alternative = true;
            }
        }
        Op::Let(i) => {
            let seen = &mut out.seen[*i as usize][usize::from(negated)];
            if !std::mem::replace(seen, true) {
                gaps(f, &prog.lets[*i as usize].value, negated, out)
            }
        }
        _ => {
            let want = if negated { "false" } else { "true" };
            let words = format!("needs to be {want}");
            out.push(Distance::new(&text(n), &v, want, Json::Null).says(&v.to_string(), &words));
        }
    }
}

/// The gap of `item in list` (`not_in`: must not be in it). With a
/// constant item (`"skincare" in niches`) the creator's list must contain
/// it; else the creator's value must be one of the list's.
fn membership<'a>(f: &mut Frame<'a>, item: &'a Node, list: &'a Node, not_in: bool, out: &mut Gaps) {
    let (Ok(x), Ok(xs)) = (f.eval(item), f.eval(list)) else {
        return;
    };
    let text = |n: &Node| one_line(f.prog.text(n.span)).into_owned();
    if constant_in(item, list) {
        let not = if not_in { "not " } else { "" };
        let words = format!("needs {not}to contain {x}");
        let g = Distance::new(&text(list), &xs, &format!("{not}contains"), to_json(&x));
        return out.push(g.says(&xs.to_string(), &words));
    }
    let shown = every_element(&xs);
    let g = if not_in {
        Distance::new(&text(item), &x, "not in", to_json(&xs))
            .says(&x.to_string(), &format!("passes with anything but {shown}"))
    } else {
        Distance::new(&text(item), &x, "in", to_json(&xs))
            .says(&x.to_string(), &format!("passes with one of {shown}"))
    };
    out.push(g);
}

impl Distance {
    /// A distance without words yet.
    fn new(expression: &str, value: &Value<'_>, needs: &str, bound: Json) -> Self {
        Distance {
            expression: expression.to_string(),
            value: to_json(value),
            needs: needs.to_string(),
            bound,
            off_by: None,
            alternative: false,
            text: String::new(),
        }
    }

    /// The words: `EXPRESSION VALUE: WORDS`.
    fn says(mut self, value: &str, words: &str) -> Self {
        self.text = format!("{} {value}: {words}", self.expression);
        self
    }
}

/// A value that is missing needs one.
fn missing(f: &Frame<'_>, n: &Node, m: Missing) -> Distance {
    let expression = match m {
        Missing::Field(i) => crate::language::path_syntax(&f.prog.fields[i as usize]),
        _ => one_line(f.prog.text(n.span)).into_owned(),
    };
    let mut d = Distance::new(&expression, &Value::Missing(m), "a value", Json::Null);
    d.text = format!("{}: needs a value", why_missing(f.prog, m));
    d
}

fn negate(op: CmpOp) -> CmpOp {
    use CmpOp::*;
    match op {
        Eq => Ne,
        Ne => Eq,
        Lt => Ge,
        Le => Gt,
        Gt => Le,
        Ge => Lt,
    }
}

/// The same comparison with its sides swapped: `3% <= x` is `x >= 3%`.
fn flip(op: CmpOp) -> CmpOp {
    use CmpOp::*;
    match op {
        Lt => Gt,
        Le => Ge,
        Gt => Lt,
        Ge => Le,
        other => other,
    }
}

/// How numbers compared with `bound` are shown: as percentages when it is
/// written as a percent literal (`3%`), else in full with separators.
fn number_style(f: &Frame<'_>, bounds: &[&Node]) -> fn(f64) -> String {
    let pct = bounds
        .iter()
        .any(|b| matches!(b.op, Op::Const(_)) && f.prog.text(b.span).trim_end().ends_with('%'));
    if pct {
        human::percent
    } else {
        human::thousands
    }
}

fn compare<'a>(f: &mut Frame<'a>, op: CmpOp, a: &'a Node, b: &'a Node, out: &mut Gaps) {
    // the creator's value on the left, the bound on the right
    let (op, value, bound) = if matches!(a.op, Op::Const(_)) && !matches!(b.op, Op::Const(_)) {
        (flip(op), b, a)
    } else {
        (op, a, b)
    };
    let (Ok(x), Ok(y)) = (f.eval(value), f.eval(bound)) else {
        return;
    };
    let expr = one_line(f.prog.text(value.span)).into_owned();
    let g = Distance::new(&expr, &x, op.as_str(), to_json(&y));
    let (Value::Number(v), Value::Number(c)) = (&x, &y) else {
        let words = match op {
            CmpOp::Eq => format!("needs {y}"),
            CmpOp::Ne => format!("needs anything but {y}"),
            _ => format!("needs {} {y}", op.as_str()),
        };
        return out.push(g.says(&x.to_string(), &words));
    };
    let show = number_style(f, &[bound]);
    let d = (v - c).abs();
    let words = match op {
        CmpOp::Ge => format!("{} below the minimum {}", show(d), show(*c)),
        CmpOp::Le => format!("{} above the maximum {}", show(d), show(*c)),
        CmpOp::Gt => format!("needs more than {}, {} short", show(*c), show(d)),
        CmpOp::Lt => format!("needs less than {}, {} over", show(*c), show(d)),
        CmpOp::Eq => format!("needs {}, {} off", show(*c), show(d)),
        CmpOp::Ne => format!("needs anything but {}", show(*c)),
    };
    let mut g = g.says(&show(*v), &words);
    g.off_by = (op != CmpOp::Ne).then_some(d);
    out.push(g);
}

fn between<'a>(f: &mut Frame<'a>, x: &'a Node, lo: &'a Node, hi: &'a Node, out: &mut Gaps) {
    let (Ok(v), Ok(l), Ok(h)) = (f.eval(x), f.eval(lo), f.eval(hi)) else {
        return;
    };
    let expr = one_line(f.prog.text(x.span)).into_owned();
    let bound = Json::Array(vec![to_json(&l), to_json(&h)]);
    let g = Distance::new(&expr, &v, "between", bound);
    let (Value::Number(n), Value::Number(a), Value::Number(b)) = (&v, &l, &h) else {
        return out.push(g.says(&v.to_string(), &format!("needs between {l} and {h}")));
    };
    let show = number_style(f, &[lo, hi]);
    let (d, words) = if n < a {
        (
            a - n,
            format!("{} below the minimum {}", show(a - n), show(*a)),
        )
    } else {
        (
            n - b,
            format!("{} above the maximum {}", show(n - b), show(*b)),
        )
    };
    let mut g = g.says(&show(*n), &words);
    g.off_by = Some(d);
    out.push(g);
}
