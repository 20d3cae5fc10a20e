//! A CSV or TSV row's cells made into a record, on the worker that
//! decodes it: a JSON object of every column, or, for a run, the columns
//! the rules read put straight into their slots
//! ([`super::Slots::fill_row`]). Most rows reach the worker as the line
//! they were read from, which the reader only looked at
//! ([`super::row_scan`]): the worker splits them into cells
//! ([`split_row`]) and takes a cell's text out of its quotes only when a
//! rule reads it ([`RowText::cell`]).

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use super::dialect::comma_number;
use super::swar;
use super::Damage;

/// The header of a delimited input, shared by the batches of its rows.
#[derive(Debug)]
pub struct Header {
    /// The column names, each given once ([`super::delimited`] renames
    /// one given twice).
    pub names: Vec<String>,
    /// `12.400` is 12400 and `4,2` is 4.2 (`--decimal-comma`).
    pub decimal_comma: bool,
    /// The byte between cells.
    pub delimiter: u8,
}

/// A cell of a row in a batch's text, `start..end`: with the quotes
/// around it when `quoted` (in a row the worker split itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
}

/// Splits `text[start..end]`, a row of one line that the reader found
/// well formed ([`super::row_scan`]: every quote in it opens a cell, closes
/// it, or is doubled inside it), into the spans of its cells. In such a
/// row the quotes pair up, each pair around quoted text (a doubled quote
/// closes it and opens it again), and a delimiter ends a cell only outside
/// them: the quotes are found with `memchr`, the delimiters between them
/// with SWAR (most rows have no quote, or a quoted cell or two).
pub(super) fn split_row(
    text: &[u8],
    (start, end): (usize, usize),
    delimiter: u8,
    out: &mut Vec<Span>,
) {
    out.clear();
    let row = &text[start..end];
    let span = |s: usize, e: usize| Span {
        start: start + s,
        end: start + e,
        quoted: row.get(s) == Some(&b'"'),
    };
    let mut quotes = memchr::memchr_iter(b'"', row);
    let (mut s, mut from) = (0, 0);
    loop {
        // the text outside quotes from `from` to the next quote, and where
        // the text after its closing quote starts
        let (to, next) = match quotes.next() {
            None => (row.len(), None),
            Some(open) => (open, quotes.next().map(|close| close + 1)),
        };
        swar::each_of(&row[from..to], delimiter, |k| {
            out.push(span(s, from + k));
            s = from + k + 1;
        });
        match next {
            Some(n) => from = n,
            None => break,
        }
    }
    out.push(span(s, row.len()));
}

/// The text rows are in, and a row's: `checked` is its text from
/// `bytes[start]` on, when the whole row is UTF-8 (checked once for the
/// row, not once for each cell).
#[derive(Clone, Copy, Debug)]
pub(super) struct RowText<'a> {
    pub bytes: &'a [u8],
    pub start: usize,
    pub checked: Option<&'a str>,
}

impl<'a> RowText<'a> {
    /// The text of the cell at `span`, out of its quotes (`""` read as
    /// `"`), or the byte of it where it stops being UTF-8. Most cells are
    /// unquoted in a row checked whole: a slice of its text, inlined where
    /// a row's cells are read; the others go the long way round.
    #[inline]
    pub fn cell(self, span: Span) -> Result<Cow<'a, str>, usize> {
        let slice = |t: &'a str| {
            let from = span.start.checked_sub(self.start)?;
            t.get(from..span.end.checked_sub(self.start)?)
        };
        match self.checked.filter(|_| !span.quoted).and_then(slice) {
            Some(t) => Ok(Cow::Borrowed(t)),
            None => self.cell_long_way(span),
        }
    }

    /// [`RowText::cell`] of a quoted cell, or of one in a row not checked
    /// whole.
    fn cell_long_way(self, span: Span) -> Result<Cow<'a, str>, usize> {
        let (a, z) = match span.quoted {
            true => (
                span.start + 1,
                span.end.saturating_sub(1).max(span.start + 1),
            ),
            false => (span.start, span.end),
        };
        let raw = &self.bytes[a..z];
        if span.quoted && memchr::memchr(b'"', raw).is_some() {
            let mut once = Vec::with_capacity(raw.len());
            let mut rest = raw;
            while let Some(k) = memchr::memchr(b'"', rest) {
                // a quote inside a quoted cell is doubled: keep one
                once.extend_from_slice(&rest[..=k]);
                rest = rest.get(k + 2..).unwrap_or_default();
            }
            once.extend_from_slice(rest);
            return String::from_utf8(once)
                .map(Cow::Owned)
                .map_err(|e| e.utf8_error().valid_up_to());
        }
        let row = |t: &'a str| t.get(a.checked_sub(self.start)?..z - self.start);
        match self.checked.and_then(row) {
            Some(t) => Ok(Cow::Borrowed(t)),
            None => super::utf8::str_of(raw)
                .map(Cow::Borrowed)
                .map_err(|e| e.valid_up_to()),
        }
    }
}

/// A row's cells as a JSON object of every column.
pub(super) fn to_object(header: &Header, text: RowText, spans: &[Span]) -> Result<Json, Damage> {
    let mut m = Map::with_capacity(header.names.len());
    for (name, &span) in header.names.iter().zip(spans) {
        let text = text
            .cell(span)
            .map_err(|at| Damage::cell_not_utf8(name, at))?;
        let value = if header.decimal_comma {
            comma_number(&text).unwrap_or_else(|| cell_value(&text))
        } else {
            cell_value(&text)
        };
        m.insert(name.clone(), value);
    }
    Ok(Json::Object(m))
}

/// A cell's value: plain numbers, booleans, empty as null, else text.
pub(crate) fn cell_value(text: &str) -> Json {
    cell_scalar(text).unwrap_or_else(|| Json::String(text.to_string()))
}

/// A cell's value into `old`, reusing its text's buffer when both are text.
pub(super) fn cell_into(old: &mut Json, text: &str, decimal_comma: bool) {
    if decimal_comma {
        *old = comma_number(text).unwrap_or_else(|| cell_value(text));
        return;
    }
    match (cell_scalar(text), old) {
        (Some(v), old) => *old = v,
        (None, Json::String(s)) => {
            s.clear();
            s.push_str(text);
        }
        (None, old) => *old = Json::String(text.to_string()),
    }
}

/// [`cell_value`], `None` for text.
fn cell_scalar(text: &str) -> Option<Json> {
    // no space to trim when it starts and ends with a printable ASCII byte
    // (most cells): `trim` looks for any Unicode space
    let printable = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let bytes = text.as_bytes();
    let t = match printable(bytes.first()) && printable(bytes.last()) {
        true => text,
        false => text.trim(),
    };
    match t.as_bytes().first() {
        None => return Some(Json::Null),
        // a number starts with a digit, `-` or `.`: most text is told by
        // its first byte
        Some(b'0'..=b'9' | b'-' | b'.') => {}
        Some(_) => {
            return match t {
                "true" => Some(Json::Bool(true)),
                "false" => Some(Json::Bool(false)),
                _ => None,
            }
        }
    }
    if let Some(i) = short_integer(t) {
        return Some(Json::from(i));
    }
    if let Some(integer) = plain_number(t) {
        // an integer kept whole (an id past 2^53 is not a float's)
        if integer {
            if let Ok(i) = t.parse::<i64>() {
                return Some(Json::from(i));
            }
            if let Ok(u) = t.parse::<u64>() {
                return Some(Json::from(u));
            }
        }
        if let Ok(f) = t.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return Some(Json::Number(n));
            }
        }
    }
    None
}

/// The value of a plain integer of up to 18 digits (most numbers in a
/// row), read in one pass; `None` for anything else, left to the general
/// path.
fn short_integer(t: &str) -> Option<i64> {
    let digits = t.strip_prefix('-').unwrap_or(t).as_bytes();
    // at most 18 digits: checked before reading, so the value cannot overflow
    let plain = matches!(digits, [b'1'..=b'9', ..] | [b'0']) && digits.len() <= 18;
    if !plain {
        return None;
    }
    let value = digits.iter().try_fold(0i64, |v, &b| {
        b.is_ascii_digit().then(|| v * 10 + i64::from(b - b'0'))
    })?;
    Some(if digits.len() < t.len() {
        -value
    } else {
        value
    })
}

/// `12`, `-3.5`, `1e6`; not `007` (an identifier), `3.3k`, `1,200` or
/// `NaN`: whether it is an integer (no `.` nor exponent, so worth reading
/// as one), or `None` when it is no number.
fn plain_number(t: &str) -> Option<bool> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    // bytes, not chars: every byte of a number is ASCII
    let mut bytes = digits.bytes().peekable();
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return None;
    }
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut seen_exp = false;
    while let Some(c) = bytes.next() {
        match c {
            b'0'..=b'9' => seen_digit = true,
            b'.' if !seen_dot && !seen_exp => seen_dot = true,
            b'e' | b'E' if seen_digit && !seen_exp => {
                seen_exp = true;
                seen_digit = false;
                if matches!(bytes.peek(), Some(b'+' | b'-')) {
                    bytes.next();
                }
            }
            _ => return None,
        }
    }
    seen_digit.then_some(!seen_dot && !seen_exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_become_typed_values() {
        assert_eq!(cell_value("12"), Json::from(12));
        assert_eq!(
            cell_value("6812345678901234567"),
            Json::from(6812345678901234567u64)
        );
        assert_eq!(cell_value("-3.5"), Json::from(-3.5));
        assert_eq!(cell_value("1e3"), Json::from(1000.0));
        assert_eq!(cell_value("0.5"), Json::from(0.5));
        assert_eq!(cell_value("true"), Json::Bool(true));
        assert_eq!(cell_value("-0"), Json::from(0));
        assert_eq!(cell_value("0"), Json::from(0));
        assert_eq!(cell_value("-120"), Json::from(-120));
        assert_eq!(
            cell_value("999999999999999999"),
            Json::from(999999999999999999i64)
        );
        assert_eq!(cell_value("-9223372036854775808"), Json::from(i64::MIN));
        assert_eq!(cell_value("18446744073709551615"), Json::from(u64::MAX));
        assert_eq!(cell_value(".5"), Json::from(0.5));
        assert_eq!(cell_value(" false "), Json::Bool(false));
        assert_eq!(cell_value(""), Json::Null);
        assert_eq!(cell_value("  "), Json::Null);
        for s in [
            "3.3k", "1,200", "NaN", "007", "1.39%", "inf", "-", "1e", "1.2.3", "TRUE", "--1", "00",
            "-01", "+5", "1 2", "e5", "E5", "Infinity", "x1", ".", "-.", "truex", "t",
        ] {
            assert_eq!(cell_value(s), Json::String(s.into()), "{s}");
        }
    }

    /// A row checked as UTF-8 whole gives its cells' text as one whose
    /// cells are checked one by one, wherever it starts in the batch.
    #[test]
    fn cells_of_a_checked_row_are_the_cells_checked_alone() {
        let batch = "x,\"y\"\nab,\"c,\"\"d\"\"\",é,,\"\",z".as_bytes();
        let start = 6;
        let mut spans = Vec::new();
        split_row(batch, (start, batch.len()), b',', &mut spans);
        let text = |checked| RowText {
            bytes: batch,
            start,
            checked,
        };
        let whole = std::str::from_utf8(&batch[start..]).ok();
        let cells: Vec<_> = spans.iter().map(|&s| text(whole).cell(s)).collect();
        let alone: Vec<_> = spans.iter().map(|&s| text(None).cell(s)).collect();
        assert_eq!(cells, alone);
        let want = ["ab", "c,\"d\"", "é", "", "", "z"].map(|c| Ok(Cow::Borrowed(c)));
        assert_eq!(cells, want);
    }

    #[test]
    fn a_cell_into_a_slot_reuses_its_text() {
        let mut old = Json::String(String::with_capacity(32));
        for (text, want) in [
            ("abc", Json::from("abc")),
            ("12", Json::from(12)),
            (" x ", Json::from(" x ")),
            ("", Json::Null),
        ] {
            cell_into(&mut old, text, false);
            assert_eq!(old, want, "{text}");
            assert_eq!(old, cell_value(text), "{text}");
        }
    }
}
