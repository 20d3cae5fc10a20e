//! A CSV or TSV row's cells made into a record, on the worker that
//! decodes it (the reader only splits rows into cells): a JSON object of
//! every column, or, for a run, the columns the rules read put straight
//! into their slots ([`super::Slots::fill_row`]).

use serde_json::{Map, Value as Json};

use super::dialect::comma_number;
use super::Damage;

/// The header of a delimited input, shared by the batches of its rows.
#[derive(Debug)]
pub struct Header {
    /// The column names, each given once ([`super::delimited`] renames
    /// one given twice).
    pub names: Vec<String>,
    /// `12.400` is 12400 and `4,2` is 4.2 (`--decimal-comma`).
    pub decimal_comma: bool,
}

/// A row's cells as a JSON object of every column.
pub(super) fn to_object<'c>(
    header: &[String],
    cells: impl Iterator<Item = &'c [u8]>,
    decimal_comma: bool,
) -> Result<Json, Damage> {
    let mut m = Map::with_capacity(header.len());
    for (name, cell) in header.iter().zip(cells) {
        let text =
            std::str::from_utf8(cell).map_err(|e| Damage::cell_not_utf8(name, e.valid_up_to()))?;
        let value = if decimal_comma {
            comma_number(text).unwrap_or_else(|| cell_value(text))
        } else {
            cell_value(text)
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
    let t = text.trim();
    if t.is_empty() {
        return Some(Json::Null);
    }
    match t {
        "true" => return Some(Json::Bool(true)),
        "false" => return Some(Json::Bool(false)),
        _ => {}
    }
    if is_plain_number(t) {
        // an integer kept whole (an id past 2^53 is not a float's)
        if let Ok(i) = t.parse::<i64>() {
            return Some(Json::from(i));
        }
        if let Ok(u) = t.parse::<u64>() {
            return Some(Json::from(u));
        }
        if let Ok(f) = t.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return Some(Json::Number(n));
            }
        }
    }
    None
}

/// `12`, `-3.5`, `1e6`; not `007` (an identifier), `3.3k`, `1,200` or `NaN`.
fn is_plain_number(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let mut chars = digits.chars().peekable();
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return false;
    }
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut seen_exp = false;
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => seen_digit = true,
            '.' if !seen_dot && !seen_exp => seen_dot = true,
            'e' | 'E' if seen_digit && !seen_exp => {
                seen_exp = true;
                seen_digit = false;
                if matches!(chars.peek(), Some('+' | '-')) {
                    chars.next();
                }
            }
            _ => return false,
        }
    }
    seen_digit
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
        assert_eq!(cell_value(""), Json::Null);
        assert_eq!(cell_value("  "), Json::Null);
        for s in [
            "3.3k", "1,200", "NaN", "007", "1.39%", "inf", "-", "1e", "1.2.3", "TRUE",
        ] {
            assert_eq!(cell_value(s), Json::String(s.into()), "{s}");
        }
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
