//! Outcomes as data: why a requirement failed or came out missing, why a
//! signal, the tier or the rank key met a value of the wrong kind, why a
//! record could not be read, each a [`Cause`] carrying the values involved.
//! The English a report writes (`followers is 512, needs >= 1000`) comes
//! from [`std::fmt::Display`] here and in [`super::error`], the one place
//! the wording lives; `--format json` writes the data beside it as
//! `failed[].cause` (README, "Output", lists every kind and its keys).

use std::borrow::Cow;
use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

use super::error::EvalErrorKind;
use super::value::{List, Value};
use crate::data::DamageKind;

/// A value as a reason names it: its text (`"US"`, `512`, `[1, 2, … 4 more]`)
/// and, for JSON, the value itself. The text is written from the JSON when
/// that gives the same (text, numbers, lists of them: nearly every value),
/// when the reason is written, so that a value costs no text of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The text, for a value whose JSON would read otherwise (a date, an
    /// integer past 2^53 as written).
    text: Option<String>,
    json: Json,
}

impl Shown {
    /// A value, written as reasons write it.
    pub(crate) fn of(v: &Value<'_>) -> Shown {
        Shown {
            text: (!reads_back(v)).then(|| v.to_string()),
            json: crate::language::value::json_of(v),
        }
    }

    /// A value written otherwise than its own text (an integer past 2^53
    /// as the data wrote it).
    pub(crate) fn written(text: String, json: Json) -> Shown {
        Shown {
            text: Some(text),
            json,
        }
    }

    /// As reasons write it.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.text {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(self.to_string()),
        }
    }

    /// As JSON.
    pub fn json(&self) -> &Json {
        &self.json
    }
}

/// True when `v`'s JSON, read back as a value, is written as `v` is: not
/// for a date (JSON holds its text, which is written quoted) nor a number
/// that is not finite (JSON holds `null`), nor a list holding one.
fn reads_back(v: &Value<'_>) -> bool {
    match v {
        Value::Date(_) => false,
        Value::Number(n) => n.is_finite(),
        // the record's own arrays hold only JSON
        Value::List(List::Json(_)) => true,
        Value::List(xs) => xs.iter().all(|x| reads_back(&x)),
        _ => true,
    }
}

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}

/// Why a verdict is not `accepted`: one entry of `failed`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Cause {
    /// `followers >= 1000` is false: `followers is 512, needs >= 1000`.
    Compare {
        /// The left side as written (a field path, usually).
        field: String,
        /// Its value.
        value: Shown,
        /// The operator: `>=`, `==`, ...
        op: &'static str,
        /// The right side's value.
        bound: Shown,
    },
    /// `followers between 1k and 10k` is false.
    Between {
        /// The value's expression as written.
        field: String,
        /// Its value.
        value: Shown,
        /// The lower bound.
        low: Shown,
        /// The upper bound.
        high: Shown,
    },
    /// `"skincare" in niches` is false: the creator's list lacks the item.
    Lacks {
        /// The list's expression as written.
        field: String,
        /// The list.
        value: Shown,
        /// The item it needs.
        item: Shown,
    },
    /// `"gambling" not in niches` is false: the creator's list holds the item.
    Holds {
        /// The list's expression as written.
        field: String,
        /// The list.
        value: Shown,
        /// The item it holds.
        item: Shown,
    },
    /// `country in ["US", "CA"]` is false.
    NotOneOf {
        /// The value's expression as written.
        field: String,
        /// Its value.
        value: Shown,
        /// The first options (10 at most).
        options: Vec<Shown>,
        /// How many more options there are.
        more: usize,
    },
    /// `country not in ["RU"]` is false.
    Excluded {
        /// The value's expression as written.
        field: String,
        /// Its value.
        value: Shown,
    },
    /// `bio contains "vegan"` is false.
    DoesNotContain {
        /// The text or list's expression as written.
        field: String,
        /// Its value.
        value: Shown,
        /// What it lacks.
        item: Shown,
    },
    /// `handle matches "^[a-z]+$"` is false.
    DoesNotMatch {
        /// The text's expression as written.
        field: String,
        /// Its value.
        value: Shown,
        /// The pattern.
        pattern: String,
    },
    /// `a or b` is false: both sides' causes.
    Neither(Box<Cause>, Box<Cause>),
    /// A `let` that came out false, with why the first time it is named.
    LetFalse {
        /// The let's name.
        name: String,
        /// Why it is false (only where it is first explained).
        because: Option<Box<Cause>>,
    },
    /// `not (x > 3)` is false: `x > 3` holds.
    NegationHolds {
        /// The negated condition, as written.
        condition: String,
        /// The value it tested, when it tests one.
        tested: Option<(String, Shown)>,
    },
    /// Any other condition that came out false.
    False {
        /// The condition, as written.
        condition: String,
    },
    /// A requirement with its own `message`, which came out false.
    Message {
        /// The message.
        message: String,
    },
    /// A requirement that came out missing under `when missing fail` or `review`.
    Missing {
        /// What was missing.
        missing: MissingCause,
        /// The requirement's own `message`, if any.
        message: Option<String>,
        /// True under `when missing review`.
        review: bool,
    },
    /// A value of the wrong kind (or another stop) in a requirement, a
    /// signal, the score, the tier or a rank key.
    Error(EvalErrorKind),
    /// A record that could not be read.
    Damage {
        /// The 1-based line where the record starts.
        line: usize,
        /// The 1-based column on that line, where known.
        column: Option<usize>,
        /// What is wrong with it.
        damage: DamageKind,
    },
    /// A record that is not an object of fields (`[1, 2]`, `"x"`).
    NotAnObject {
        /// The 1-based line where the record starts, when known.
        line: Option<usize>,
        /// The 1-based position of the record.
        record: usize,
        /// What it is instead, as JSON names it: `list`, `string`,
        /// `number`, `bool` or `null`.
        found: &'static str,
    },
}

/// What a requirement that came out missing lacked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MissingCause {
    /// A field absent or `null`.
    Field(String),
    /// A computed value's field or index (`x.key`, `xs[3]`).
    Element(String),
    /// `a / 0`.
    DivisionByZero(String),
    /// `number(s)` could not read `s`.
    NotANumber(String),
    /// `sqrt(-1)`, `ln(0)`, an overflow.
    NoResult(String),
    /// A `null` element of a list.
    ElementOfList(String),
    /// `avg([])`: no elements.
    Empty(String),
    /// `missing`, written in the rules at this line.
    Written(usize),
    /// An element of a list a list function works on (`recentPosts[3].likes`).
    AtElement(String),
    /// `first(xs, x => c)` found nothing: the list and the condition, as written.
    NoMatch(Option<(String, Option<String>)>),
    /// `bool(" ")`: empty text.
    Blank(String),
}

impl fmt::Display for MissingCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissingCause::Field(x) | MissingCause::Element(x) | MissingCause::AtElement(x) => {
                write!(f, "{x} is missing")
            }
            MissingCause::DivisionByZero(x) => write!(f, "{x} divides by zero"),
            MissingCause::NotANumber(x) => write!(f, "{x} is not a number"),
            MissingCause::NoResult(x) => write!(f, "{x} has no result"),
            MissingCause::ElementOfList(x) => write!(f, "an element of {x} is missing"),
            MissingCause::Empty(x) => write!(f, "{x} has no elements to work on"),
            MissingCause::Written(line) => write!(f, "the rules say `missing` (line {line})"),
            MissingCause::NoMatch(None) => f.write_str("no element meets the condition"),
            MissingCause::NoMatch(Some((list, lambda))) => write!(
                f,
                "no element of {list} meets {}",
                lambda.as_deref().unwrap_or("the condition")
            ),
            MissingCause::Blank(x) => write!(f, "{x} reads empty text"),
        }
    }
}

impl MissingCause {
    fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        let (key, field) = match self {
            MissingCause::Field(x) => ("field", x),
            MissingCause::Element(x) => ("element", x),
            MissingCause::DivisionByZero(x) => ("division_by_zero", x),
            MissingCause::NotANumber(x) => ("not_a_number", x),
            MissingCause::NoResult(x) => ("no_result", x),
            MissingCause::ElementOfList(x) => ("element_of_list", x),
            MissingCause::Empty(x) => ("empty", x),
            MissingCause::AtElement(x) => ("list_element", x),
            MissingCause::Blank(x) => ("blank", x),
            MissingCause::Written(line) => {
                m.serialize_entry("missing", "written")?;
                return m.serialize_entry("line", line);
            }
            MissingCause::NoMatch(site) => {
                m.serialize_entry("missing", "no_match")?;
                let (list, lambda) = site
                    .as_ref()
                    .map_or((None, None), |(l, c)| (Some(l.as_str()), c.as_deref()));
                m.serialize_entry("field", &list)?;
                return m.serialize_entry("condition", &lambda);
            }
        };
        m.serialize_entry("missing", key)?;
        m.serialize_entry("field", field)
    }
}

impl Serialize for Cause {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.entries(&mut m)?;
        m.end()
    }
}

impl Cause {
    /// Writes `kind` and the keys of this cause into a JSON object.
    fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        match self {
            Cause::Neither(a, b) => {
                m.serialize_entry("kind", "neither")?;
                m.serialize_entry("causes", &[a, b])?;
            }
            Cause::LetFalse { name, because } => {
                m.serialize_entry("kind", "let_false")?;
                m.serialize_entry("let", name)?;
                m.serialize_entry("because", because)?;
            }
            Cause::NegationHolds { condition, tested } => {
                m.serialize_entry("kind", "negation_holds")?;
                m.serialize_entry("condition", condition)?;
                if let Some((field, value)) = tested {
                    m.serialize_entry("field", field)?;
                    m.serialize_entry("value", value)?;
                }
            }
            Cause::False { condition } => {
                m.serialize_entry("kind", "false")?;
                m.serialize_entry("condition", condition)?;
            }
            Cause::Message { message } => {
                m.serialize_entry("kind", "message")?;
                m.serialize_entry("message", message)?;
            }
            Cause::Missing {
                missing,
                message,
                review,
            } => {
                m.serialize_entry("kind", "missing")?;
                missing.entries(m)?;
                m.serialize_entry("when", if *review { "review" } else { "fail" })?;
                if let Some(msg) = message {
                    m.serialize_entry("message", msg)?;
                }
            }
            Cause::Error(e) => e.entries(m)?,
            Cause::Damage {
                line,
                column,
                damage,
            } => {
                m.serialize_entry("kind", "damage")?;
                m.serialize_entry("line", line)?;
                if let Some(c) = column {
                    m.serialize_entry("column", c)?;
                }
                damage.entries(m)?;
            }
            Cause::NotAnObject {
                line,
                record,
                found,
            } => {
                m.serialize_entry("kind", "not_an_object")?;
                if let Some(l) = line {
                    m.serialize_entry("line", l)?;
                }
                m.serialize_entry("record", record)?;
                m.serialize_entry("found", found)?;
            }
            _ => self.unmet_entries(m)?,
        }
        Ok(())
    }
}

impl Cause {
    /// The JSON keys of a condition that came out false on a value.
    fn unmet_entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        match self {
            Cause::Compare {
                field,
                value,
                op,
                bound,
            } => {
                m.serialize_entry("kind", "compare")?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("op", op)?;
                m.serialize_entry("bound", bound)?;
            }
            Cause::Between {
                field,
                value,
                low,
                high,
            } => {
                m.serialize_entry("kind", "between")?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("low", low)?;
                m.serialize_entry("high", high)?;
            }
            Cause::Lacks { field, value, item }
            | Cause::Holds { field, value, item }
            | Cause::DoesNotContain { field, value, item } => {
                let kind = match self {
                    Cause::Lacks { .. } => "lacks",
                    Cause::Holds { .. } => "holds",
                    _ => "does_not_contain",
                };
                m.serialize_entry("kind", kind)?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("item", item)?;
            }
            Cause::NotOneOf {
                field,
                value,
                options,
                more,
            } => {
                m.serialize_entry("kind", "not_one_of")?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("options", options)?;
                m.serialize_entry("more", more)?;
            }
            Cause::Excluded { field, value } => {
                m.serialize_entry("kind", "excluded")?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
            }
            Cause::DoesNotMatch {
                field,
                value,
                pattern,
            } => {
                m.serialize_entry("kind", "does_not_match")?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("pattern", pattern)?;
            }
            _ => unreachable!("entries writes the other causes"),
        }
        Ok(())
    }
}

mod english;
#[cfg(test)]
mod tests;
