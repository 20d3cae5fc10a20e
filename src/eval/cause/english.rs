//! A cause in English: the one place a reason's wording lives. It is
//! written to any [`fmt::Write`], so that [`fmt::Display`] and the
//! reason a failure keeps (a `String`, once per failed requirement of
//! every creator a report explains) share it: written to a `String`, each
//! piece is a plain copy, not a call through a `Formatter`.

use std::fmt::{self, Write};

use serde_json::Value as Json;

use super::{Cause, Shown};
use crate::eval::value::{Missing, Value};
use crate::language::human::write_number;

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_english(f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_english(f)
    }
}

impl Shown {
    /// As a reason names the value.
    pub(super) fn write_english<W: Write>(&self, w: &mut W) -> fmt::Result {
        match &self.text {
            Some(t) => w.write_str(t),
            None => json_english(w, &self.json),
        }
    }
}

/// A JSON value as a reason names the value read from it (what the
/// `Display` of [`Value::from_json`] writes): text, numbers and lists of
/// them here, anything else by that `Display`.
fn json_english<W: Write>(w: &mut W, json: &Json) -> fmt::Result {
    match json {
        Json::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => write_number(w, x),
            _ => w.write_str("missing"),
        },
        // what `{:?}` writes for short text with nothing to escape
        Json::String(s)
            if s.len() <= 60
                && s.bytes()
                    .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') =>
        {
            w.write_char('"')?;
            w.write_str(s)?;
            w.write_char('"')
        }
        Json::Array(xs) => {
            w.write_char('[')?;
            for (i, x) in xs.iter().enumerate() {
                if i == 6 {
                    write!(w, ", … {} more", xs.len() - 6)?;
                    break;
                }
                if i > 0 {
                    w.write_str(", ")?;
                }
                json_english(w, x)?;
            }
            w.write_char(']')
        }
        // what is missing does not change how `missing` is written
        other => write!(w, "{}", Value::from_json(other, Missing::Field(0))),
    }
}

impl Cause {
    /// The reason: this cause in English.
    pub(crate) fn write_english<W: Write>(&self, w: &mut W) -> fmt::Result {
        match self {
            Cause::Neither(a, b) => {
                w.write_str("neither holds: ")?;
                a.write_english(w)?;
                w.write_str("; ")?;
                b.write_english(w)
            }
            Cause::LetFalse {
                name,
                because: None,
            } => write!(w, "{name} is false"),
            Cause::LetFalse {
                name,
                because: Some(why),
            } => {
                w.write_str(name)?;
                w.write_str(" is false (")?;
                why.write_english(w)?;
                w.write_char(')')
            }
            Cause::NegationHolds {
                condition,
                tested: Some((field, value)),
            } => {
                w.write_str(field)?;
                w.write_str(" is ")?;
                value.write_english(w)?;
                w.write_str(", so ")?;
                w.write_str(condition)?;
                w.write_str(" holds")
            }
            Cause::NegationHolds {
                condition,
                tested: None,
            } => write!(w, "{condition} holds"),
            Cause::False { condition } => write!(w, "{condition} is false"),
            Cause::Message { message } => w.write_str(message),
            Cause::Missing {
                missing,
                message: Some(msg),
                ..
            } => write!(w, "{msg} ({missing})"),
            Cause::Missing { missing, .. } => write!(w, "{missing}"),
            Cause::Error(e) => write!(w, "{e}"),
            Cause::Damage { line, damage, .. } => write!(w, "line {line}: {damage}"),
            Cause::NotAnObject {
                line,
                record,
                found,
            } => {
                if let Some(line) = line {
                    write!(w, "line {line}: ")?;
                }
                let found = match *found {
                    "list" => "a list",
                    "string" => "a string",
                    "number" => "a number",
                    "bool" => "true/false",
                    other => other,
                };
                write!(w, "record {record} is {found}, not an object of fields")
            }
            _ => self.write_unmet(w),
        }
    }

    /// The English of a condition that came out false on a value:
    /// `FIELD is VALUE`, then what it needed, written piece by piece.
    fn write_unmet<W: Write>(&self, w: &mut W) -> fmt::Result {
        let (field, value) = match self {
            Cause::Compare { field, value, .. }
            | Cause::Between { field, value, .. }
            | Cause::Lacks { field, value, .. }
            | Cause::Holds { field, value, .. }
            | Cause::NotOneOf { field, value, .. }
            | Cause::Excluded { field, value }
            | Cause::DoesNotContain { field, value, .. }
            | Cause::DoesNotMatch { field, value, .. } => (field, value),
            _ => unreachable!("write_english writes the other causes"),
        };
        w.write_str(field)?;
        w.write_str(" is ")?;
        value.write_english(w)?;
        match self {
            Cause::Compare { op, bound, .. } => {
                w.write_str(", needs ")?;
                w.write_str(op)?;
                w.write_char(' ')?;
                bound.write_english(w)
            }
            Cause::Between { low, high, .. } => {
                w.write_str(", needs between ")?;
                low.write_english(w)?;
                w.write_str(" and ")?;
                high.write_english(w)
            }
            Cause::Lacks { item, .. } => {
                w.write_str(", needs to contain ")?;
                item.write_english(w)
            }
            Cause::Holds { item, .. } => {
                w.write_str(", which contains ")?;
                item.write_english(w)
            }
            Cause::NotOneOf { options, more, .. } => {
                w.write_str(", needs one of ")?;
                for (i, o) in options.iter().enumerate() {
                    if i > 0 {
                        w.write_str(", ")?;
                    }
                    o.write_english(w)?;
                }
                if *more > 0 {
                    write!(w, ", … {more} more")?;
                }
                Ok(())
            }
            Cause::Excluded { .. } => w.write_str(", which is excluded"),
            Cause::DoesNotContain { item, .. } => {
                w.write_str(", which does not contain ")?;
                item.write_english(w)
            }
            Cause::DoesNotMatch { pattern, .. } => {
                write!(w, ", which does not match {pattern:?}")
            }
            _ => unreachable!("write_english writes the other causes"),
        }
    }
}
