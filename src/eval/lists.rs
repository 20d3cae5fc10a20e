//! The list functions: `any`, `all`, `count` (`Op::Lambda`), and those
//! that `Op::Each` runs: `map`, `filter`, `first`, and the aggregates `sum`,
//! `avg`, `min`, `max`, `median` over one list, with or without a lambda (docs/language.md, section 10). A missing list is
//! missing, anything else that is not a list an error; a missing element
//! value makes an aggregate missing, its reason naming the element
//! (`recentPosts[3].likes is missing`); a non-number element is an error
//! naming it. An error in any element wins over a missing one, as in `a + b`.

use std::sync::Arc;

use super::functions::Builtin;
use super::value::{one_line, Kind, List, Missing, Value};
use super::{Eval, EvalError, EvalErrorKind, Fix, Frame, Needed, Shown};
use crate::ast::Span;
use crate::compile::{Node, Program};

/// How element `index` of the list at `site` is named in reasons:
/// `recentPosts[3].likes`, `p.likes * 2 for recentPosts[3]`, `xs[3]`.
pub(crate) fn element_name(prog: &Program, site: u32, index: u32) -> String {
    let Some(s) = prog.sites.get(site as usize) else {
        return format!("element {index} of a list");
    };
    let list = one_line(prog.text(s.list));
    match (&s.path, s.body) {
        (Some(path), _) => format!("{list}[{index}]{path}"),
        (None, Some(body)) => format!("{} for {list}[{index}]", one_line(prog.text(body))),
        (None, None) => format!("{list}[{index}]"),
    }
}

// the checker gives the same help, so the language owns it
pub(crate) use crate::language::paths::each_element_help;

impl<'a> Frame<'a> {
    /// `any`, `all` or `count` of `body` over the list `list`.
    pub(super) fn lambda(&mut self, f: Builtin, list: &'a Node, body: &'a Node) -> Eval<'a> {
        let xs = match self.eval(list)? {
            Value::List(xs) => xs,
            m @ Value::Missing(_) => return Ok(m),
            other => {
                return Err(EvalError::wrong_kind(
                    &other,
                    Kind::List,
                    self.text(list),
                    list.span,
                ))
            }
        };
        let mut count = 0usize;
        let mut missing: Option<Missing> = None;
        for item in xs.iter() {
            self.params.push(item.in_list(list.span));
            let r = self.boolean(body, f.name());
            self.params.pop();
            match r? {
                Ok(true) => {
                    count += 1;
                    if f == Builtin::Any {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(false) => {
                    if f == Builtin::All {
                        return Ok(Value::Bool(false));
                    }
                }
                Err(m) => missing = missing.or(Some(m)),
            }
        }
        Ok(match f {
            Builtin::Count => Value::Number(count as f64),
            // no element decided it: unknown if any element was unknown
            _ => match missing {
                Some(m) => Value::Missing(m),
                None => Value::Bool(f == Builtin::All),
            },
        })
    }

    /// `body` with the lambda's parameter bound to `item`.
    pub(crate) fn with_param(&mut self, body: &'a Node, item: Value<'a>) -> Eval<'a> {
        self.params.push(item);
        let r = self.eval(body);
        self.params.pop();
        r
    }

    /// Runs `f` over the list `list` (see the module's doc); `span` is the call's.
    pub(super) fn each(
        &mut self,
        f: Builtin,
        list: &'a Node,
        body: Option<&'a Node>,
        site: u32,
        span: Span,
    ) -> Eval<'a> {
        let xs = match self.eval(list)? {
            Value::List(xs) => xs,
            m @ Value::Missing(_) => return Ok(m),
            // `min(7)` and `max(7)` are 7, as documented before the list
            // forms existed: one number is its own smallest and largest.
            n @ Value::Number(_) if body.is_none() && matches!(f, Builtin::Min | Builtin::Max) => {
                return Ok(n)
            }
            other => {
                return Err(EvalError::wrong_kind(
                    &other,
                    Kind::List,
                    self.text(list),
                    list.span,
                ))
            }
        };
        self.charge(xs.len() as u64, span)?;
        let at = |i: usize| Missing::AtElement {
            site,
            index: i as u32,
        };
        match (f, body) {
            (Builtin::Map, Some(body)) => {
                let mut out = Vec::with_capacity(xs.len());
                for (i, item) in xs.iter().enumerate() {
                    let v = self.with_param(body, item.in_list(list.span))?;
                    out.push(match v {
                        Value::Missing(_) => Value::Missing(at(i)),
                        v => v,
                    });
                }
                Ok(Value::List(List::Built(Arc::from(out))))
            }
            (Builtin::Filter | Builtin::First, Some(body)) => {
                let mut out = Vec::new();
                for item in xs.iter() {
                    let item = item.in_list(list.span);
                    self.params.push(item.clone());
                    let keep = self.boolean(body, f.name());
                    self.params.pop();
                    if keep? == Ok(true) {
                        if f == Builtin::First {
                            return Ok(item);
                        }
                        out.push(item);
                    }
                }
                Ok(match f {
                    Builtin::First => Value::Missing(Missing::NoMatch(site)),
                    _ => Value::List(List::Built(Arc::from(out))),
                })
            }
            _ => self.aggregate(f, &xs, list, body, site, span),
        }
    }

    /// The error for element `i` whose value `v` is not a number; for text
    /// that reads as one, how to read it inside the lambda.
    fn not_a_number(
        &self,
        f: Builtin,
        v: &Value<'_>,
        list: &Node,
        body: Option<&Node>,
        site: u32,
        i: usize,
    ) -> EvalError {
        let what = element_name(self.prog, site, i as u32);
        let mut fix = None;
        if let Value::Str(s) = v {
            if super::parse_human_number(s).is_some() {
                let list_text = one_line(self.text(list));
                let lambda = match self.prog.sites.get(site as usize).and_then(|s| s.lambda) {
                    Some(l) => {
                        let l = one_line(self.prog.text(l)).into_owned();
                        match l.split_once("=>") {
                            Some((p, b)) => format!("{}=> number({})", p, b.trim()),
                            None => l,
                        }
                    }
                    None => "x => number(x)".into(),
                };
                fix = Some(Fix::EachNumber(format!(
                    "{}({list_text}, {lambda})",
                    f.name()
                )));
            }
        }
        let kind = EvalErrorKind::WrongKind {
            field: what,
            value: Shown::of(v),
            found: v.kind(),
            needed: Needed::Kind(Kind::Number),
            fix,
        };
        EvalError::new(kind, body.map_or(list.span, |b| b.span))
    }

    /// `sum`, `avg`, `min`, `max` or `median` of the elements of `xs`, or
    /// of what `body` gives for each.
    fn aggregate(
        &mut self,
        f: Builtin,
        xs: &List<'a>,
        list: &'a Node,
        body: Option<&'a Node>,
        site: u32,
        span: Span,
    ) -> Eval<'a> {
        let mut numbers = Vec::with_capacity(xs.len());
        let mut missing: Option<Missing> = None;
        for (i, item) in xs.iter().enumerate() {
            let item = item.in_list(list.span);
            let at = Missing::AtElement {
                site,
                index: i as u32,
            };
            let v = match body {
                Some(b) => self.with_param(b, item)?,
                None => item,
            };
            match v {
                Value::Number(n) => numbers.push(n),
                Value::Missing(m) => {
                    // an element's own reason is kept when it names more
                    // than its place (`b is missing` in `sum([a, b])`)
                    let why = match (body, m) {
                        (None, Missing::Field(_) | Missing::AtElement { .. }) => m,
                        _ => at,
                    };
                    missing = missing.or(Some(why));
                }
                other => return Err(self.not_a_number(f, &other, list, body, site, i)),
            }
        }
        if let Some(m) = missing {
            return Ok(Value::Missing(m));
        }
        if numbers.is_empty() && f != Builtin::Sum {
            return Ok(Value::Missing(Missing::Empty(span)));
        }
        let n = numbers.len() as f64;
        Ok(match f {
            Builtin::Sum => Value::number(numbers.iter().sum(), span),
            Builtin::Avg => Value::number(numbers.iter().sum::<f64>() / n, span),
            Builtin::Min => Value::Number(numbers.iter().copied().fold(f64::INFINITY, f64::min)),
            Builtin::Max => {
                Value::Number(numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max))
            }
            _ => {
                numbers.sort_by(f64::total_cmp);
                let mid = numbers.len() / 2;
                if numbers.len() % 2 == 1 {
                    Value::Number(numbers[mid])
                } else {
                    let (a, b) = (numbers[mid - 1], numbers[mid]);
                    // halving first would lose the last bit of tiny numbers;
                    // halving after overflows for huge ones
                    let sum = a + b;
                    let mean = if sum.is_finite() {
                        sum / 2.0
                    } else {
                        a / 2.0 + b / 2.0
                    };
                    Value::number(mean, span)
                }
            }
        })
    }
}
