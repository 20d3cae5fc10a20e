//! Reading a record's fields and comparing values, for the evaluator. A
//! field is read where the decoder put it each time a rule reads it: a
//! slot's value is a load and a match, cheaper than keeping a copy.

use serde_json::Value as Json;

use super::value::{Kind, Missing, Value};
use super::{Eval, EvalError, Frame};
use crate::ast::Span;
use crate::compile::{Node, Op};
use crate::data::Rec;

/// The value of `key` in an object of the record. A record decoded for
/// the rules holds a few fields: comparing their names beats hashing one.
#[inline]
fn get<'a>(m: &'a serde_json::Map<String, Json>, key: &str) -> Option<&'a Json> {
    if m.len() <= 16 {
        m.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        m.get(key)
    }
}

/// The value of top-level field `i` held in a slot, or missing.
#[inline]
fn slot_value(slot: Option<&Json>, i: u32) -> Value<'_> {
    match slot {
        Some(v) => Value::from_json(v, Missing::Field(i)),
        None => Value::Missing(Missing::Field(i)),
    }
}

impl<'a> Frame<'a> {
    /// The JSON at a field path, if every step is an object that has it.
    pub(crate) fn lookup(&self, i: u32) -> Option<&'a Json> {
        let path = &self.prog.fields[i as usize];
        let (mut cur, rest) = match self.record {
            Rec::Slots(s, p) => (s.field(p, i as usize)?, &path[1..]),
            Rec::Json(j) => (j, &path[..]),
        };
        for key in rest {
            cur = get(cur.as_object()?, key)?;
        }
        Some(cur)
    }

    /// Reads a field path. Absent or `null` anywhere on the way is missing;
    /// a path through a value that is not an object (`audience` is 5) is a
    /// wrong-kind error, so damaged records are not silently passed.
    // always inlined: a fast path then reads a number with no result
    // written out and read back
    #[inline(always)]
    pub(super) fn field(&self, i: u32, span: Span) -> Eval<'a> {
        // the usual case first: a top-level field, its slot's value
        if let Some(top) = self.slots.and_then(|s| s.top(i)) {
            return Ok(slot_value(top, i));
        }
        self.field_at(i, span)
    }

    /// A top-level field's number read straight from its slot, as
    /// [`Frame::field`] would give it (finite), with no [`Value`] made;
    /// `None` for anything else, left to [`Frame::field`].
    #[inline(always)]
    pub(super) fn slot_number(&self, i: u32) -> Option<f64> {
        match self.slots?.top(i)?? {
            Json::Number(n) => n.as_f64().filter(|f| f.is_finite()),
            _ => None,
        }
    }

    /// [`Frame::field`] of a path through objects, or of a record in JSON.
    #[inline(never)]
    fn field_at(&self, i: u32, span: Span) -> Eval<'a> {
        let path = &self.prog.fields[i as usize];
        // in slots, the first step is the slot's value
        let (mut cur, skip) = match self.record {
            Rec::Slots(s, p) => match s.field(p, i as usize) {
                Some(v) => (v, 1),
                None => return Ok(Value::Missing(Missing::Field(i))),
            },
            Rec::Json(j) => (j, 0),
        };
        for (depth, key) in path.iter().enumerate().skip(skip) {
            match cur {
                Json::Object(m) => match get(m, key) {
                    Some(next) => cur = next,
                    None => return Ok(Value::Missing(Missing::Field(i))),
                },
                Json::Null => return Ok(Value::Missing(Missing::Field(i))),
                Json::Array(_) => {
                    // `recentPosts.likes` over a list of posts: say how
                    let parent = path[..depth].join(".");
                    return Err(EvalError::list_has_no_fields(&parent, key, span));
                }
                other => {
                    let parent = path[..depth].join(".");
                    let v = Value::from_json(other, Missing::Field(i));
                    return Err(EvalError::wrong_kind(&v, Kind::Object, &parent, span));
                }
            }
        }
        Ok(Value::from_json(cur, Missing::Field(i)))
    }

    pub(super) fn compare(
        &mut self,
        op: crate::ast::CmpOp,
        x: &Value<'a>,
        y: &Value<'a>,
        a: &'a Node,
        b: &'a Node,
    ) -> Eval<'a> {
        use crate::ast::CmpOp::*;
        // the usual case first: two numbers (as `equals` and `order` compare them)
        if let (Value::Number(p), Value::Number(q)) = (x, y) {
            return Ok(Value::Bool(match op {
                Eq => p == q,
                Ne => p != q,
                _ => op.holds(p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal)),
            }));
        }
        if let Value::Missing(_) = x {
            return Ok(x.clone());
        }
        if let Value::Missing(_) = y {
            return Ok(y.clone());
        }
        Ok(Value::Bool(match op {
            // lists holding a missing element compare as missing
            Eq | Ne => match x.equals(y) {
                Some(eq) => eq == (op == Eq),
                None => return Ok(Value::Missing(Missing::InList(a.span))),
            },
            _ => match x.order(y) {
                Ok(ord) => op.holds(ord),
                Err((kx, ky)) => {
                    // Blame the side read from data rather than a constant;
                    // between a number and text, the text (a number written
                    // as "3.3k" is the usual culprit); else whichever side
                    // cannot be ordered at all.
                    let orderable = |k: Kind| matches!(k, Kind::Number | Kind::String | Kind::Date);
                    let blame_right = if matches!(a.op, Op::Const(_)) {
                        true
                    } else if matches!(b.op, Op::Const(_)) {
                        false
                    } else if orderable(kx) && orderable(ky) {
                        ky == Kind::String
                    } else {
                        orderable(kx)
                    };
                    let (bad, node, other) = if blame_right { (y, b, kx) } else { (x, a, ky) };
                    let need = if orderable(other) {
                        other
                    } else {
                        Kind::Number
                    };
                    return Err(EvalError::wrong_kind(bad, need, self.text(node), node.span));
                }
            },
        }))
    }
}
