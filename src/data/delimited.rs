//! CSV and TSV with a header row. Quoted cells may hold delimiters and
//! newlines; header names are trimmed and their inner whitespace (a quoted
//! header with a newline) becomes one space. A plain number becomes a number,
//! `true`/`false` a bool, an empty cell missing (`null`), anything else a
//! string. A row with the wrong number of cells, or invalid UTF-8, is a
//! damaged record with its line number.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Read;

use serde_json::{Map, Value as Json};

use super::batch::Batcher;
use super::{Damage, Fault, MAX_RECORD_BYTES};

/// Counts the line ends that pass through it, so that a record's byte
/// offset gives its line. (The csv crate's own line count skips blank
/// lines.) Holds only the line ends read ahead of the current record.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\n` and of `\r` read but not yet passed.
    newlines: VecDeque<u64>,
    returns: VecDeque<u64>,
    /// `\n` passed: the line of the current record is one more.
    behind: usize,
    /// Where the last record read ended: the csv crate holds a row whole,
    /// so reading stops once the one under way grows past [`MAX_RECORD_BYTES`].
    row_start: u64,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset - self.row_start > MAX_RECORD_BYTES as u64 {
            // the row under way comes after the last record read
            return Err(std::io::Error::other(RowTooLong(self.behind + 2)));
        }
        let n = self.inner.read(buf)?;
        for (i, b) in buf[..n].iter().enumerate() {
            match b {
                b'\n' => self.newlines.push_back(self.offset + i as u64),
                b'\r' => self.returns.push_back(self.offset + i as u64),
                _ => {}
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    /// The 1-based line of the record the csv reader began at byte `start`
    /// (its position, which comes before the blank lines it skipped).
    /// Starts must not decrease.
    fn line_of_record(&mut self, start: u64) -> usize {
        let mut first = start;
        loop {
            while self.newlines.front().is_some_and(|&nl| nl < first) {
                self.newlines.pop_front();
                self.behind += 1;
            }
            while self.returns.front().is_some_and(|&cr| cr < first) {
                self.returns.pop_front();
            }
            // a line end here belongs to a blank line skipped before the record
            if self.newlines.front() == Some(&first) || self.returns.front() == Some(&first) {
                first += 1;
            } else {
                break;
            }
        }
        self.behind + 1
    }
}

/// A row longer than [`MAX_RECORD_BYTES`], from about this line.
#[derive(Debug)]
struct RowTooLong(usize);

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a row starting near line {} is longer than {}, more than a record may hold",
            self.0,
            crate::syntax::human_size(MAX_RECORD_BYTES as u64)
        )
    }
}

impl std::error::Error for RowTooLong {}

/// Streams the rows of a delimited input to `each`. Returns how many there were.
pub(super) fn read_rows<R: Read>(
    reader: R,
    delimiter: u8,
    out: &mut Batcher,
) -> Result<usize, Fault> {
    let counter = LineCounter {
        inner: reader,
        offset: 0,
        newlines: VecDeque::new(),
        returns: VecDeque::new(),
        behind: 0,
        row_start: 0,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(counter);
    let mut row = csv::ByteRecord::new();
    let csv_fault = |e: csv::Error| {
        match e.kind() {
        csv::ErrorKind::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<RowTooLong>()) {
            Some(long) => Fault::plain(long.to_string()).with_help(
                "a CSV row is held whole, so one this long stops the run; check the quoting near that line (an unclosed `\"` runs on to the end of the file)",
            ),
            None => Fault::io(std::io::Error::other(e.to_string())),
        },
        _ => Fault::plain(format!("cannot read the table: {e}")),
    }
    };
    // no header, or only blank lines: an empty file
    if !rdr.read_byte_record(&mut row).map_err(csv_fault)?
        || (row.len() == 1 && row[0].trim_ascii().is_empty())
    {
        return Err(Fault::empty());
    }
    rdr.get_mut().row_start = rdr.position().byte();
    let header = header_names(&row)?;
    let mut n = 0;
    while rdr.read_byte_record(&mut row).map_err(csv_fault)? {
        let start = row.position().map_or(0, |p| p.byte());
        let end = rdr.position().byte();
        let counter = rdr.get_mut();
        let line = counter.line_of_record(start);
        counter.row_start = end;
        // a blank line is no record
        if row.len() == 1 && row[0].trim_ascii().is_empty() {
            continue;
        }
        let item = if row.len() != header.len() {
            Err(Damage(format!(
                "the row has {} cell{}, the header has {}",
                row.len(),
                if row.len() == 1 { "" } else { "s" },
                header.len()
            )))
        } else {
            to_object(&header, &row)
        };
        out.push_ready(item, line);
        if out.stopped {
            break;
        }
        n += 1;
    }
    Ok(n)
}

fn header_names(row: &csv::ByteRecord) -> Result<Vec<String>, Fault> {
    let mut names: Vec<String> = Vec::with_capacity(row.len());
    // a set beside the list: a header of 100,000 columns stays linear
    let mut taken: HashSet<String> = HashSet::with_capacity(row.len());
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for (i, cell) in row.iter().enumerate() {
        let text = std::str::from_utf8(cell)
            .map_err(|_| Fault::at(format!("header cell {} is not UTF-8 text", i + 1), 1, 1))?;
        let mut name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            name = format!("column_{}", i + 1);
        }
        // a repeated header name gets a suffix, so no cell is lost
        if taken.contains(&name) {
            // start from the last suffix this name was given
            let next = next_suffix.entry(name.clone()).or_insert(2);
            while taken.contains(&format!("{name}_{next}")) {
                *next += 1;
            }
            name = format!("{name}_{next}");
            *next += 1;
        }
        taken.insert(name.clone());
        names.push(name);
    }
    Ok(names)
}

fn to_object(header: &[String], row: &csv::ByteRecord) -> Result<Json, Damage> {
    let mut m = Map::with_capacity(header.len());
    for (name, cell) in header.iter().zip(row.iter()) {
        let text = std::str::from_utf8(cell).map_err(|e| {
            Damage(format!(
                "the cell `{name}` is not UTF-8 text (invalid byte at {})",
                e.valid_up_to() + 1
            ))
        })?;
        m.insert(name.clone(), cell_value(text));
    }
    Ok(Json::Object(m))
}

/// A cell's value: plain numbers, booleans, empty as null, else text.
pub(crate) fn cell_value(text: &str) -> Json {
    let t = text.trim();
    if t.is_empty() {
        return Json::Null;
    }
    match t {
        "true" => return Json::Bool(true),
        "false" => return Json::Bool(false),
        _ => {}
    }
    if is_plain_number(t) {
        if let Ok(f) = t.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return Json::Number(n);
            }
        }
    }
    Json::String(text.to_string())
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

/// The delimiter a header line most likely uses: tab, comma or semicolon.
pub(crate) fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let mut counts = [(b'\t', 0), (b',', 0), (b';', 0)];
    let mut in_quotes = false;
    for &b in first_line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            for (d, n) in counts.iter_mut() {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_become_typed_values() {
        assert_eq!(cell_value("12"), Json::from(12.0));
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
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a,b,\"c\td\""), b',');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }
}
