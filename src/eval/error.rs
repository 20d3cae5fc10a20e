//! The evaluator's error: a value of the wrong kind, or another reason one
//! creator's evaluation cannot go on, as data ([`EvalErrorKind`], with the
//! values involved). Its English is written by [`std::fmt::Display`] here,
//! the one place the wording lives; JSON carries the data beside it (the
//! README's "Output" section lists every kind).

use std::fmt;

use serde::ser::SerializeMap;

use super::cause::Shown;
use super::parse_human_number;
use super::value::{one_line, Kind, Value};
use super::{convert, dates, lists, reasons};
use crate::ast::Span;

/// What one creator's evaluation met that it could not go on from, and
/// where in the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// What went wrong, with the values involved (boxed: errors are rare,
    /// and every `Result` of the evaluator's hot path carries this type).
    pub kind: Box<EvalErrorKind>,
    /// The expression that met it.
    pub span: Span,
}

/// Why an evaluation stopped, with the values involved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EvalErrorKind {
    /// A value of the wrong kind: `followers > 1000` where `followers`
    /// is `"3.3k"`, `followers / 2` where it is a list.
    WrongKind {
        /// The expression (or field path) as written, on one line.
        field: String,
        /// Its value.
        value: Shown,
        /// Its kind; `None` when missing.
        found: Option<Kind>,
        /// What was needed.
        needed: Needed,
        /// An expression that reads the value as needed, when one does.
        fix: Option<Fix>,
    },
    /// A field read from a list, as if it were an object:
    /// `recentPosts.likes` where `recentPosts` is a list of posts.
    ListHasNoFields {
        /// The list's expression or field path.
        list: String,
        /// The key read from it.
        key: String,
    },
    /// `split(text, "")`: an empty separator.
    EmptySeparator {
        /// The separator as written.
        separator: String,
        /// The whole call as written.
        call: String,
    },
    /// `replace(text, "", "x")`: nothing to replace.
    EmptyReplace {
        /// The text to replace, as written.
        text: String,
        /// The whole call as written.
        call: String,
    },
    /// `bool("maybe")`: a value that is no yes/no word.
    NotAWord {
        /// The call as written, on one line.
        call: String,
        /// The value given.
        value: Shown,
        /// Its kind; `None` when missing.
        found: Option<Kind>,
    },
    /// `date("soon")`, `days_since(true)`: a value that is no date.
    NotADate {
        /// The call as written, on one line.
        call: String,
        /// The value given.
        value: Shown,
        /// Its kind; `None` when missing.
        found: Option<Kind>,
    },
    /// The evaluation took more steps than one creator may (`--max-steps`).
    StepBudget {
        /// The limit.
        steps: u64,
    },
}

/// The kind (or kinds) of value an expression needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    /// One kind.
    Kind(Kind),
    /// `true` or `false` (a condition: `and`, `or`, `not`, `if`, a requirement).
    TrueOrFalse,
    /// A list or an object (`x[i]`).
    ListOrObject,
    /// A string or a list (`len`, `contains`).
    StringOrList,
    /// A number, a string or a date (a `rank by` key).
    RankKey,
    /// The decimal mark of `number(x, mark)`: `"."` or `","`.
    DecimalMark,
    /// The group of a cohort function: a number, a string, true or false,
    /// a date, or a list of those (no object, no list inside the list).
    Group,
}

impl Needed {
    /// As messages name it: `a number`, `true or false`.
    pub fn text(self) -> &'static str {
        match self {
            Needed::Kind(k) => k.article(),
            Needed::TrueOrFalse => "true or false",
            Needed::ListOrObject => "a list or an object",
            Needed::StringOrList => "a string or a list",
            Needed::RankKey => "a number, a string or a date",
            Needed::DecimalMark => "\".\" or \",\"",
            Needed::Group => "a number, a string, true or false, a date, or a list of those",
        }
    }

    /// As JSON names it: `number`, `bool`, `list_or_object`, ...
    pub fn key(self) -> &'static str {
        match self {
            Needed::Kind(k) => kind_key(Some(k)),
            Needed::TrueOrFalse => "bool",
            Needed::ListOrObject => "list_or_object",
            Needed::StringOrList => "string_or_list",
            Needed::RankKey => "number_string_or_date",
            Needed::DecimalMark => "decimal_mark",
            Needed::Group => "group",
        }
    }
}

/// The JSON name of a kind of value; `missing` for none.
pub fn kind_key(k: Option<Kind>) -> &'static str {
    match k {
        None => "missing",
        Some(Kind::Number) => "number",
        Some(Kind::String) => "string",
        Some(Kind::Bool) => "bool",
        Some(Kind::List) => "list",
        Some(Kind::Object) => "object",
        Some(Kind::Date) => "date",
    }
}

/// An expression that reads a value as the kind needed.
#[derive(Debug, Clone, PartialEq)]
pub enum Fix {
    /// `number(followers)`: text that reads as a number, at a field path.
    Number(String),
    /// `date(joined)`: text that reads as a date, at a field path.
    Date(String),
    /// `sum(recentPosts, p => number(p.likes))`: list elements that are
    /// text reading as numbers.
    EachNumber(String),
}

impl Fix {
    /// The expression to write.
    pub fn expression(&self) -> String {
        match self {
            Fix::Number(path) => format!("number({path})"),
            Fix::Date(path) => format!("date({path})"),
            Fix::EachNumber(call) => call.clone(),
        }
    }
}

impl EvalError {
    /// `what` is `v`, which is not what is `needed`; for text at a field
    /// path that reads as a number or a date, the fix.
    pub fn wrong(v: &Value<'_>, needed: Needed, what: &str, span: Span) -> Self {
        let field = one_line(what).into_owned();
        let fix = match (v, needed) {
            // only for a field path, where it is the fix
            (Value::Str(s), Needed::Kind(Kind::Number))
                if reasons::is_path_text(&field) && parse_human_number(s).is_some() =>
            {
                Some(Fix::Number(field.clone()))
            }
            (Value::Str(s), Needed::Kind(Kind::Date))
                if reasons::is_path_text(&field) && dates::read_text(s).is_some() =>
            {
                Some(Fix::Date(field.clone()))
            }
            _ => None,
        };
        let kind = EvalErrorKind::WrongKind {
            field,
            value: Shown::of(v),
            found: v.kind(),
            needed,
            fix,
        };
        EvalError {
            kind: Box::new(kind),
            span,
        }
    }

    /// `what` is `v`, which is not of kind `need`.
    pub fn wrong_kind(v: &Value<'_>, need: Kind, what: &str, span: Span) -> Self {
        Self::wrong(v, Needed::Kind(need), what, span)
    }

    /// `list.key` where `list` is a list.
    pub fn list_has_no_fields(list: &str, key: &str, span: Span) -> Self {
        let kind = EvalErrorKind::ListHasNoFields {
            list: list.to_string(),
            key: key.to_string(),
        };
        EvalError {
            kind: Box::new(kind),
            span,
        }
    }

    /// An error of `kind` at `span`.
    pub fn new(kind: EvalErrorKind, span: Span) -> Self {
        EvalError {
            kind: Box::new(kind),
            span,
        }
    }

    /// The message, as reports write it.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

/// `, a list,` after a value that is not text (text shows its kind by its quotes).
fn kind_aside(found: Option<Kind>) -> String {
    match found {
        Some(Kind::String) => String::new(),
        other => format!(", {},", other.map_or("missing", Kind::article)),
    }
}

impl fmt::Display for EvalErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalErrorKind::WrongKind {
                field,
                value,
                found,
                needed,
                fix,
            } => {
                let kind = found.map_or("missing", Kind::article);
                write!(f, "{field} is {value}, {kind}, where {} is needed", needed.text())?;
                match fix {
                    Some(Fix::Number(_)) | Some(Fix::Date(_)) => {
                        let as_what = if matches!(fix, Some(Fix::Date(_))) {
                            "a date"
                        } else {
                            "a number"
                        };
                        let fix = fix.as_ref().map(Fix::expression).unwrap_or_default();
                        write!(f, "; write {fix} to read it as {as_what}")
                    }
                    Some(Fix::EachNumber(call)) => {
                        write!(f, "; write `{call}` to read it as a number")
                    }
                    None => Ok(()),
                }
            }
            EvalErrorKind::ListHasNoFields { list, key } => {
                let help = lists::each_element_help(list, key);
                write!(f, "{list} is a list, which has no fields; {help}")
            }
            EvalErrorKind::EmptySeparator { separator, call } => {
                write!(f, "the separator {separator} of {call} is empty")
            }
            EvalErrorKind::EmptyReplace { text, call } => {
                write!(f, "the text to replace, {text}, of {call} is empty")
            }
            EvalErrorKind::NotAWord { call, value, found } => write!(
                f,
                "{call}: {value}{} is not a yes/no word (true: {}; false: {})",
                kind_aside(*found),
                convert::TRUE_WORDS.join(" "),
                convert::FALSE_WORDS.join(" ")
            ),
            EvalErrorKind::NotADate { call, value, found } => write!(
                f,
                "{call}: {value}{} is not a date (accepted: {})",
                kind_aside(*found),
                dates::ACCEPTED
            ),
            EvalErrorKind::StepBudget { steps } => write!(
                f,
                "evaluation stopped after {steps} steps, the most one creator may take: a lambda (`any`, `count`, `filter`, `sum(xs, x => ...)`, ...) nested in another, or one that scans a long list (`in`) or long text (`matches`) for each element, multiplies the work; avoid nesting them over long lists, or raise the limit with --max-steps"
            ),
        }
    }
}

impl EvalErrorKind {
    /// Writes the JSON keys of this error into a cause object.
    pub(crate) fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        match self {
            EvalErrorKind::WrongKind {
                field,
                value,
                found,
                needed,
                fix,
            } => {
                m.serialize_entry("kind", "wrong_kind")?;
                m.serialize_entry("field", field)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("found", kind_key(*found))?;
                m.serialize_entry("needed", needed.key())?;
                if let Some(fix) = fix {
                    m.serialize_entry("fix", &fix.expression())?;
                }
            }
            EvalErrorKind::ListHasNoFields { list, key } => {
                m.serialize_entry("kind", "list_has_no_fields")?;
                m.serialize_entry("field", list)?;
                m.serialize_entry("key", key)?;
            }
            EvalErrorKind::EmptySeparator { separator, call } => {
                m.serialize_entry("kind", "empty_separator")?;
                m.serialize_entry("call", &one_line(call))?;
                m.serialize_entry("argument", &one_line(separator))?;
            }
            EvalErrorKind::EmptyReplace { text, call } => {
                m.serialize_entry("kind", "empty_replace")?;
                m.serialize_entry("call", &one_line(call))?;
                m.serialize_entry("argument", &one_line(text))?;
            }
            EvalErrorKind::NotAWord { call, value, found }
            | EvalErrorKind::NotADate { call, value, found } => {
                let kind = match self {
                    EvalErrorKind::NotAWord { .. } => "not_a_yes_no_word",
                    _ => "not_a_date",
                };
                m.serialize_entry("kind", kind)?;
                m.serialize_entry("call", call)?;
                m.serialize_entry("value", value)?;
                m.serialize_entry("found", kind_key(*found))?;
            }
            EvalErrorKind::StepBudget { steps } => {
                m.serialize_entry("kind", "step_budget")?;
                m.serialize_entry("steps", steps)?;
            }
        }
        Ok(())
    }
}
