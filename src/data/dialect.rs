//! How delimited text is read: the delimiter sniffed from the first lines,
//! numbers written with a decimal comma, and the run's reading options.

use serde_json::Value as Json;

use super::cells::cell_value;

/// How delimited text and spreadsheets are read: `--delimiter`,
/// `--decimal-comma`, `--sheet`. Set once for the process
/// ([`set_read_options`]): `number()` reads decimal commas too, and it runs
/// on the evaluating threads, far from any reader.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The cell delimiter, instead of the one sniffed.
    pub delimiter: Option<u8>,
    /// `12.400` is 12400 and `4,2` is 4.2.
    pub decimal_comma: bool,
    /// The sheet of a workbook to read, instead of the first.
    pub sheet: Option<String>,
}

static READ_OPTIONS: std::sync::OnceLock<ReadOptions> = std::sync::OnceLock::new();

/// Sets the [`ReadOptions`] for the rest of the process; only the first
/// call counts (the command line sets them once).
pub fn set_read_options(options: ReadOptions) {
    let _ = READ_OPTIONS.set(options);
}

/// The [`ReadOptions`] set, or the defaults.
pub fn read_options() -> &'static ReadOptions {
    static DEFAULT: ReadOptions = ReadOptions {
        delimiter: None,
        decimal_comma: false,
        sheet: None,
    };
    READ_OPTIONS.get().unwrap_or(&DEFAULT)
}

/// `4,2`, `-0,5`, `1.234,5`, `4,2%`: digits, a comma, one to two digits
/// (three would be a thousands comma, `1,200`).
pub(super) fn looks_decimal_comma(cell: &[u8]) -> bool {
    let t = cell.trim_ascii();
    let t = t.strip_prefix(b"-").unwrap_or(t);
    let t = t.strip_suffix(b"%").unwrap_or(t);
    let Some(comma) = t.iter().position(|&b| b == b',') else {
        return false;
    };
    let (whole, frac) = (&t[..comma], &t[comma + 1..]);
    !whole.is_empty()
        && whole.iter().all(|&b| b.is_ascii_digit() || b == b'.')
        && whole[0].is_ascii_digit()
        && (1..=2).contains(&frac.len())
        && frac.iter().all(u8::is_ascii_digit)
}

/// A number written with a decimal comma and dots between thousands:
/// `12.400` is 12400, `4,2` is 4.2, `1.234.567,5` is 1234567.5. `None`
/// for anything else (text, `4,2%`), read as [`cell_value`] reads it.
pub(crate) fn comma_number(text: &str) -> Option<Json> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (whole, frac) = match digits.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    // dots group thousands: `1.234.567`, never `1.5` (that is no number here)
    let mut groups = whole.split('.');
    let first = groups.next()?;
    let grouped =
        (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3) && whole.contains('.');
    let digits_and_dots = whole.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if (whole.contains('.') && !grouped) || !digits_and_dots {
        return None;
    }
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut plain: String = t.chars().filter(|&c| c != '.').collect();
    plain = plain.replace(',', ".");
    let v = cell_value(&plain);
    v.is_number().then_some(v)
}

/// The delimiter the first lines most likely use: tab, comma, semicolon
/// or pipe. Counted outside quotes on the header and up to nine lines
/// after it: a delimiter found the same number of times on every line wins
/// over one that varies (a comma inside text), then the most frequent on
/// the header; a comma when none is found.
pub(crate) fn sniff_delimiter(start: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    // (a cut last line, unless it is the only one, could miscount)
    let mut lines: Vec<&[u8]> = start
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .take(10)
        .collect();
    if lines.len() > 1 && !start.ends_with(b"\n") && lines.len() < 10 {
        lines.pop();
    }
    let counts = |line: &[u8]| {
        let mut n = [0usize; 4];
        let mut in_quotes = false;
        for &b in line {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if !in_quotes {
                if let Some(i) = CANDIDATES.iter().position(|&d| d == b) {
                    n[i] += 1;
                }
            }
        }
        n
    };
    let Some(header) = lines.first().map(|l| counts(l)) else {
        return b',';
    };
    let rest: Vec<[usize; 4]> = lines[1..].iter().map(|l| counts(l)).collect();
    let steady = |i: usize| header[i] > 0 && rest.iter().all(|r| r[i] == header[i]);
    let best = (0..4)
        .filter(|&i| header[i] > 0)
        .max_by_key(|&i| (steady(i), header[i], std::cmp::Reverse(i)));
    best.map_or(b',', |i| CANDIDATES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a,b,\"c\td\""), b',');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"single"), b',');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n"), b'|');
        // commas in the cells, semicolons between them
        assert_eq!(
            sniff_delimiter(b"name;er;bio\nx;4,2;a, b, c, d\ny;3,1;e\n"),
            b';'
        );
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(comma_number("12.400"), Some(Json::from(12400)));
        assert_eq!(comma_number("4,2"), Some(Json::from(4.2)));
        assert_eq!(comma_number("-1.234.567,5"), Some(Json::from(-1234567.5)));
        assert_eq!(comma_number("7"), Some(Json::from(7)));
        for s in ["4,2%", "1.5", "12.40", "abc", "1,", "1.2345"] {
            assert_eq!(comma_number(s), None, "{s}");
        }
        assert!(looks_decimal_comma(b"4,2"));
        assert!(looks_decimal_comma(b"4,2%"));
        assert!(!looks_decimal_comma(b"1,200"));
        assert!(!looks_decimal_comma(b"a,b"));
    }
}
