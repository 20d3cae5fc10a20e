//! Run-time values and the one place where the rules for missing data and
//! wrong types live: every operator and function goes through here.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;

pub use super::human::fmt_number;
pub use super::Kind;
use crate::ast::Span;

/// Why a value is missing: named in the reason of a requirement that comes
/// out missing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Missing {
    /// A field of the record that is absent or `null` (index into the
    /// program's field paths).
    Field(u32),
    /// A field reached through a computed value (`x.key`, `xs[3]`).
    Element(Span),
    /// `a / 0`.
    DivByZero(Span),
    /// `number(s)` could not read `s`.
    NotANumber(Span),
    /// `sqrt(-1)`, `ln(0)`, an overflow: no finite result.
    NoResult(Span),
    /// `avg([])`, `min()` of an empty list.
    Empty(Span),
    /// A `null` element of a list; the span is the list's expression, once known.
    InList(Span),
    /// `missing`, written in the rules.
    Written(Span),
    /// Element `index` of the list a list function works on, or the value
    /// its lambda gave for it (`recentPosts[3].likes`); `site` indexes
    /// the program's list sites, which hold the text to name it by.
    AtElement {
        /// Index into `Program::sites`.
        site: u32,
        /// The element's position, from 0.
        index: u32,
    },
    /// `first(xs, x => c)` found no element for which `c` holds.
    NoMatch(u32),
    /// `bool(" ")`: empty text, which is neither yes nor no.
    Blank(Span),
}

/// A list: borrowed from the record, or built by the rules.
#[derive(Clone, Debug)]
pub enum List<'a> {
    /// A JSON array in the record.
    Json(&'a [Json]),
    /// A list literal or computed list.
    Built(Arc<[Value<'a>]>),
    /// A list of constants, its elements' keys hashed when compiled.
    Const(Arc<super::sets::ConstList>),
}

impl<'a> List<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            List::Json(xs) => xs.len(),
            List::Built(xs) => xs.len(),
            List::Const(c) => c.items().len(),
        }
    }
    /// The element at `i`.
    pub fn get(&self, i: usize) -> Option<Value<'a>> {
        match self {
            List::Json(xs) => xs
                .get(i)
                .map(|j| Value::from_json(j, Missing::InList(Span::default()))),
            List::Built(xs) => xs.get(i).cloned(),
            List::Const(c) => c.items().get(i).cloned(),
        }
    }
    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = Value<'a>> + '_ {
        (0..self.len()).map(move |i| self.get(i).expect("index below len"))
    }
}

/// A value during evaluation.
#[derive(Clone, Debug)]
pub enum Value<'a> {
    /// Absent, `null`, or not computable; carries why.
    Missing(Missing),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(Cow<'a, str>),
    /// A list.
    List(List<'a>),
    /// An object of the record.
    Object(&'a serde_json::Map<String, Json>),
    /// A date or date-time: Unix seconds, UTC (`date(x)`; docs/language.md, "Dates").
    Date(i64),
}

/// What [`Value::into_equality_key`] gives: equal keys for equal values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EqualityKey<'a> {
    /// A number's bits (`-0` as `0`).
    Number(u64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(Cow<'a, str>),
    /// A list or an object, written out.
    Composite(String),
    /// A date's Unix seconds.
    Date(i64),
}

impl<'a> Value<'a> {
    /// Reads a JSON value; `null` becomes missing with `why`.
    #[inline(always)]
    pub fn from_json(j: &'a Json, why: Missing) -> Value<'a> {
        match j {
            Json::Null => Value::Missing(why),
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match n.as_f64() {
                Some(f) if f.is_finite() => Value::Number(f),
                _ => Value::Missing(why),
            },
            Json::String(s) => Value::Str(Cow::Borrowed(s)),
            Json::Array(xs) => Value::List(List::Json(xs)),
            Json::Object(m) => Value::Object(m),
        }
    }

    /// A number value, missing when not finite.
    pub fn number(f: f64, span: Span) -> Value<'a> {
        if f.is_finite() {
            Value::Number(f)
        } else {
            Value::Missing(Missing::NoResult(span))
        }
    }

    /// The kind, or `None` when missing.
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            Value::Missing(_) => return None,
            Value::Number(_) => Kind::Number,
            Value::Bool(_) => Kind::Bool,
            Value::Str(_) => Kind::String,
            Value::List(_) => Kind::List,
            Value::Object(_) => Kind::Object,
            Value::Date(_) => Kind::Date,
        })
    }

    /// A missing list element, told which list it came from.
    pub fn in_list(self, list: Span) -> Value<'a> {
        match self {
            Value::Missing(Missing::InList(_)) => Value::Missing(Missing::InList(list)),
            v => v,
        }
    }

    /// True when missing.
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing(_))
    }

    /// Converts to JSON (missing becomes `null`).
    pub fn to_json(&self) -> Json {
        match self {
            Value::Missing(_) => Json::Null,
            Value::Number(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Bool(b) => Json::Bool(*b),
            Value::Str(s) => Json::String(s.to_string()),
            Value::List(xs) => Json::Array(xs.iter().map(|v| v.to_json()).collect()),
            Value::Object(m) => Json::Object((*m).clone()),
            Value::Date(secs) => Json::String(super::dates::iso(*secs)),
        }
    }

    /// Equality as `==` sees it: values of different kinds are unequal;
    /// lists compare element by element. `None` when either side is missing.
    pub fn equals(&self, other: &Value<'_>) -> Option<bool> {
        Some(match (self, other) {
            (Value::Missing(_), _) | (_, Value::Missing(_)) => return None,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.equals(&y) {
                        Some(true) => {}
                        other => return other,
                    }
                }
                true
            }
            (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Date(a), Value::Date(b)) => a == b,
            _ => false,
        })
    }

    /// A key that two values share exactly when [`Value::equals`] says they
    /// are equal; `None` for a value equal to nothing (missing, or a list
    /// holding a missing element). Lets `overlap` hash instead of comparing
    /// every pair.
    pub fn into_equality_key(self) -> Option<EqualityKey<'a>> {
        Some(match self {
            Value::Missing(_) => return None,
            // -0 == 0, and numbers are finite, so their bits decide
            Value::Number(n) => EqualityKey::Number((n + 0.0).to_bits()),
            Value::Bool(b) => EqualityKey::Bool(b),
            Value::Str(s) => EqualityKey::Str(s),
            Value::Date(secs) => EqualityKey::Date(secs),
            composite => {
                let mut key = String::new();
                if !composite.write_key(&mut key) {
                    return None;
                }
                EqualityKey::Composite(key)
            }
        })
    }

    fn write_key(&self, out: &mut String) -> bool {
        use std::fmt::Write;
        match self {
            Value::Missing(_) => return false,
            // -0 == 0, and numbers are finite, so their bits decide
            Value::Number(n) => {
                let _ = write!(out, "n{:x};", (n + 0.0).to_bits());
            }
            Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Value::Str(s) => {
                let _ = write!(out, "s{}:{s}", s.len());
            }
            Value::Date(secs) => {
                let _ = write!(out, "d{secs};");
            }
            Value::List(xs) => {
                let _ = write!(out, "l{}[", xs.len());
                for x in xs.iter() {
                    if !x.write_key(out) {
                        return false;
                    }
                }
                out.push(']');
            }
            // objects compare as JSON: keys in any order, `null` a value
            Value::Object(m) => write_map_key(m, out),
        }
        true
    }

    /// Ordering for `<`, `between`, and ranking: numbers with numbers,
    /// strings with strings, dates with dates. `Err` names the kinds that cannot be ordered.
    pub fn order(&self, other: &Value<'_>) -> Result<Ordering, (Kind, Kind)> {
        match (self, other) {
            // values are always finite, and -0 must equal 0
            (Value::Number(a), Value::Number(b)) => Ok(a.partial_cmp(b).unwrap_or(Ordering::Equal)),
            (Value::Str(a), Value::Str(b)) => Ok(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Ok(a.cmp(b)),
            _ => {
                let a = self.kind().unwrap_or(Kind::Number);
                let b = other.kind().unwrap_or(Kind::Number);
                Err((a, b))
            }
        }
    }
}

/// The key of a JSON value under JSON equality (objects and their
/// contents): integers and floats differ, keys in any order.
fn write_json_key(j: &Json, out: &mut String) {
    use std::fmt::Write;
    match j {
        Json::Null => out.push('z'),
        Json::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Json::Number(n) => {
            let _ = match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => write!(out, "u{u};"),
                (None, Some(i), _) => write!(out, "i{i};"),
                (None, None, f) => write!(out, "d{:x};", (f.unwrap_or(0.0) + 0.0).to_bits()),
            };
        }
        Json::String(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Json::Array(xs) => {
            let _ = write!(out, "a{}[", xs.len());
            for x in xs {
                write_json_key(x, out);
            }
            out.push(']');
        }
        Json::Object(m) => write_map_key(m, out),
    }
}

fn write_map_key(m: &serde_json::Map<String, Json>, out: &mut String) {
    use std::fmt::Write;
    let mut entries: Vec<_> = m.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let _ = write!(out, "o{}{{", entries.len());
    for (k, v) in entries {
        let _ = write!(out, "{}:{k}", k.len());
        write_json_key(v, out);
    }
    out.push('}');
}

/// Source text on one line: runs of whitespace become one space.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if s.contains(['\n', '\r', '\t']) || s.contains("  ") {
        let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
        Cow::Owned(printable(&joined).into_owned())
    } else {
        printable(s)
    }
}

/// Text safe to print on a terminal: control characters (ESC, BEL, CR, a
/// newline in a handle) escaped as a string's value is in a reason (`\u{1b}`,
/// `\n`), everything else as it is. Every text renderer passes ids, values,
/// names and reasons through this; JSON output escapes them itself.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A signal's value as the score uses it: clamped to [0, 1], and `-0`
/// (from `-0` or `0 * -1`) made 0, so that it never prints as `-0.000`.
pub fn unit(v: f64) -> f64 {
    v.clamp(0.0, 1.0) + 0.0
}

/// Shows a value as a person would read it in a reason: numbers plainly,
/// strings quoted, lists in brackets (shortened), missing as `missing`.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing(_) => f.write_str("missing"),
            Value::Number(n) => super::human::write_number(f, *n),
            Value::Bool(b) => write!(f, "{b}"),
            // at most 60 bytes is at most 60 characters: shown whole
            Value::Str(s) if s.len() <= 60 => {
                if s.bytes()
                    .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
                {
                    // what `{:?}` writes for text with nothing to escape
                    f.write_str("\"")?;
                    f.write_str(s)?;
                    f.write_str("\"")
                } else {
                    write!(f, "{:?}", s.as_ref())
                }
            }
            Value::Str(s) => {
                let short: String = s.chars().take(60).collect();
                if short.len() < s.len() {
                    write!(f, "{:?}…", short)
                } else {
                    write!(f, "{:?}", s.as_ref())
                }
            }
            Value::List(xs) => {
                f.write_str("[")?;
                for (i, x) in xs.iter().enumerate() {
                    if i == 6 {
                        write!(f, ", … {} more", xs.len() - 6)?;
                        break;
                    }
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    fmt::Display::fmt(&x, f)?;
                }
                f.write_str("]")
            }
            Value::Object(m) => match m.len() {
                1 => f.write_str("{1 field}"),
                n => write!(f, "{{{n} fields}}"),
            },
            Value::Date(secs) => f.write_str(&super::dates::iso(*secs)),
        }
    }
}

/// Reads a human-written number: `8,421`, `3.3m`, `12.5K`, `2.1b`,
/// `1.39%`, `$1,200`, ` 42 `; `None` for anything else (`NaN%`, `n/a`,
/// `-`, empty). `comma` reads `4,2` as 4.2 and `12.400` as 12400
/// (`number(x, ",")`, `--decimal-comma`).
pub fn parse_number_with_mark(s: &str, comma: bool) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_prefix('$').unwrap_or(t).trim();
    if t.is_empty() {
        return None;
    }
    // suffixes move the decimal exponent, so that "1.39%" is exactly 0.0139
    let (body, exponent) = match t.char_indices().last() {
        Some((i, c)) => match c {
            'k' | 'K' => (&t[..i], 3),
            'm' | 'M' => (&t[..i], 6),
            'b' | 'B' => (&t[..i], 9),
            '%' => (&t[..i], -2),
            _ => (t, 0),
        },
        None => return None,
    };
    let body = body.trim();
    // a decimal comma: `4,2` is 4.2 and `12.400` is 12400
    let swapped;
    let body = if comma {
        swapped = body.replace('.', "").replace(',', ".");
        swapped.as_str()
    } else {
        body
    };
    let valid = !body.is_empty()
        && body.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit()
                || c == '.'
                || c == ','
                || c == '_'
                || (i == 0 && (c == '-' || c == '+'))
        })
        && body.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != ',' && c != '_').collect();
    let v: f64 = format!("{clean}e{exponent}").parse().ok()?;
    v.is_finite().then_some(v)
}

/// A value as JSON, whole numbers as integers (`8400`, not `8400.0`): how
/// explain and the causes of a verdict show values.
pub(crate) fn json_of(v: &Value<'_>) -> serde_json::Value {
    match v {
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => {
            serde_json::Value::from(*n as i64)
        }
        Value::List(xs) => serde_json::Value::Array(xs.iter().map(|x| json_of(&x)).collect()),
        other => other.to_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text is shown as `{:?}` writes it, cut after 60 characters (the
    /// plain-text fast path writes the same bytes).
    #[test]
    fn text_is_shown_as_debug_writes_it() {
        let long = "a".repeat(61);
        let wide = "é".repeat(40);
        let texts = [
            "",
            "PH",
            "skincare",
            "it's",
            "say \"hi\"",
            "back\\slash",
            "line\nbreak",
            "tab\t",
            "\u{1b}[31m",
            "\u{7f}",
            "지민 伟",
            "~ ok ~",
            &long,
            &wide,
        ];
        for t in texts {
            let short: String = t.chars().take(60).collect();
            let expected = if short.len() < t.len() {
                format!("{short:?}…")
            } else {
                format!("{t:?}")
            };
            assert_eq!(Value::Str(Cow::Borrowed(t)).to_string(), expected, "{t:?}");
        }
        let list = Json::from(vec!["a", "b\"", "c"]);
        let shown = Value::from_json(&list, Missing::Blank(Span::default())).to_string();
        assert_eq!(shown, r#"["a", "b\"", "c"]"#);
    }

    /// The list functions' reasons (`Missing::AtElement`) point into a table
    /// rather than carrying spans, so that a value stays as small as before:
    /// every record's evaluation copies values around.
    #[test]
    fn values_stay_small() {
        assert_eq!(std::mem::size_of::<Missing>(), 24);
        assert_eq!(std::mem::size_of::<Value<'_>>(), 32);
    }

    #[test]
    fn human_numbers() {
        assert_eq!(parse_number_with_mark("8,421", false), Some(8421.0));
        assert_eq!(parse_number_with_mark("3.3m", false), Some(3_300_000.0));
        assert_eq!(parse_number_with_mark("12.5K", false), Some(12_500.0));
        assert_eq!(parse_number_with_mark("2.1b", false), Some(2_100_000_000.0));
        assert_eq!(parse_number_with_mark("475.8m", false), Some(475_800_000.0));
        assert_eq!(parse_number_with_mark("1.39%", false), Some(0.0139));
        assert_eq!(parse_number_with_mark(" 42 ", false), Some(42.0));
        assert_eq!(parse_number_with_mark("-3", false), Some(-3.0));
        for bad in ["NaN%", "n/a", "-", "", "abc", "1.2.3x", "%", "k"] {
            assert_eq!(parse_number_with_mark(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn a_value_stays_small() {
        // every record's fields and intermediate results are values: a
        // date is Unix seconds so that its kind does not grow them
        assert_eq!(std::mem::size_of::<Value>(), 32);
    }

    #[test]
    fn numbers_print_short() {
        assert_eq!(fmt_number(1000.0), "1000");
        assert_eq!(fmt_number(0.03), "0.03");
        assert_eq!(fmt_number(0.1 + 0.2), "0.3");
        assert_eq!(fmt_number(-2.5), "-2.5");
    }
}
