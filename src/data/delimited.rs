//! CSV and TSV with a header row, the delimiter (comma, semicolon, tab,
//! pipe) sniffed from the first lines unless given. Quoted cells may hold delimiters and
//! newlines; header names are trimmed and their inner whitespace (a quoted
//! header with a newline) becomes one space. A plain number becomes a number,
//! `true`/`false` a bool, an empty cell missing (`null`), anything else a
//! string. A row with the wrong number of cells, invalid UTF-8, or a quote
//! that never closes is a damaged record with its line number.
//!
//! The unclosed quote: a quoted cell may run on over line ends, but not over
//! a line that reads as a row of its own (the header's number of cells, two
//! or more, and no quote out of place), nor to the end of the file, nor past
//! [`MAX_RECORD_BYTES`], and the row it makes must read right (the header's
//! number of cells, no quote out of place after it). Otherwise the row the
//! quote opened in is damaged, and reading resumes at the line after it.
//! Lines are read again so at most 64 MiB in all; after that a row read
//! again ends with its line, which keeps the work linear. So every line of
//! data is a record or part of a quoted cell that closed.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use super::batch::Batcher;
use super::cells::Header;
use super::dialect::looks_decimal_comma;
use super::lines::{End, Line, Lines};
use super::row_scan::{self, Scan};
use super::swar;
use super::{Damage, Fault, Note, QuoteEnd, MAX_RECORD_BYTES};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    FieldStart,
    InField,
    Quoted,
    /// A `"` inside a quoted cell: it closes the cell or, doubled, is one `"`.
    QuoteInQuoted,
}

/// Splits a row into cells, as the csv crate does (RFC 4180 quoting, a
/// quote counted only at the start of a cell), one line at a time.
struct RowParser {
    delimiter: u8,
    text: Vec<u8>,
    ends: Vec<usize>,
    state: State,
    /// A `"` inside an unquoted cell, or after a closing quote.
    stray_quote: bool,
    /// Line and 0-based cell where the open quote began.
    opened: (usize, usize),
    /// The line fed last: where the row ends.
    last_line: usize,
}

impl RowParser {
    fn new(delimiter: u8) -> Self {
        RowParser {
            delimiter,
            text: Vec::new(),
            ends: Vec::new(),
            state: State::FieldStart,
            stray_quote: false,
            opened: (0, 0),
            last_line: 0,
        }
    }

    fn reset(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.state = State::FieldStart;
        self.stray_quote = false;
    }

    /// Takes the bytes of one line: the runs inside a cell, up to the
    /// next delimiter or quote, are found with [`swar::find2`] (or
    /// `memchr`) and copied whole.
    fn feed(&mut self, bytes: &[u8], line: usize) {
        self.last_line = line;
        if self.state == State::FieldStart && memchr::memchr(b'"', bytes).is_none() {
            // no quote (most lines): the text is the line as it is, each
            // delimiter the byte after a cell
            let base = self.text.len();
            self.text.extend_from_slice(bytes);
            let ends = memchr::memchr_iter(self.delimiter, bytes).map(|e| base + e);
            self.ends.extend(ends);
            if bytes.last().is_some_and(|&b| b != self.delimiter) {
                self.state = State::InField;
            }
            return;
        }
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match self.state {
                State::FieldStart if b == b'"' => {
                    self.state = State::Quoted;
                    self.opened = (line, self.ends.len());
                }
                State::FieldStart | State::InField if b == self.delimiter => {
                    self.end_cell();
                }
                State::FieldStart | State::InField => {
                    self.stray_quote |= b == b'"';
                    self.state = State::InField;
                    let rest = &bytes[i + 1..];
                    let n = swar::find2(rest, self.delimiter, b'"').unwrap_or(rest.len());
                    self.text.extend_from_slice(&bytes[i..i + 1 + n]);
                    i += n;
                }
                State::Quoted if b == b'"' => self.state = State::QuoteInQuoted,
                State::Quoted => {
                    let n = memchr::memchr(b'"', &bytes[i..]).unwrap_or(bytes.len() - i);
                    self.text.extend_from_slice(&bytes[i..i + n]);
                    i += n;
                    continue;
                }
                State::QuoteInQuoted if b == b'"' => {
                    self.text.push(b);
                    self.state = State::Quoted;
                }
                State::QuoteInQuoted if b == self.delimiter => {
                    self.end_cell();
                }
                State::QuoteInQuoted => {
                    // `"ab"c`: read as `abc`, as the csv crate does
                    self.stray_quote = true;
                    self.text.push(b);
                    self.state = State::InField;
                }
            }
            i += 1;
        }
    }

    /// Ends a cell at a delimiter, which stays in the text between it and
    /// the next (so that a row without quotes is its line as it is).
    fn end_cell(&mut self) {
        self.ends.push(self.text.len());
        self.text.push(self.delimiter);
        self.state = State::FieldStart;
    }

    fn in_quotes(&self) -> bool {
        self.state == State::Quoted
    }

    /// A line end inside the open quoted cell.
    fn newline(&mut self, end: End) {
        self.text.extend_from_slice(end.bytes());
    }

    /// Ends the row (its last cell).
    fn finish(&mut self) {
        self.ends.push(self.text.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn cells(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|e| e + 1));
        starts.zip(&self.ends).map(|(s, &e)| &self.text[s..e])
    }

    /// True when `bytes`, read on its own, is a whole row of `cells` cells
    /// with no quote out of place: the start of a new row, not the inside
    /// of a quoted cell.
    fn is_row(&mut self, bytes: &[u8], cells: usize) -> bool {
        self.reset();
        self.feed(bytes, 0);
        !self.in_quotes() && !self.stray_quote && self.ends.len() + 1 == cells
    }
}

/// Why a quoted cell was taken as never closed.
enum Unclosed {
    /// This line reads as a row of its own.
    NewRow(usize),
    EndOfFile,
    TooLong,
    /// A line handed back after an unclosed quote may not run on.
    OneLine,
    /// It closes on this line into a row that does not read right.
    BadRow(usize),
}

/// Reads one row starting with `first` into `parser`, taking more lines
/// while a quoted cell is open. `cells` is the header's cell count (none
/// for the header itself). An unclosed quote hands back the lines it took.
fn gather<R: BufRead>(
    lines: &mut Lines<R>,
    parser: &mut RowParser,
    probe: &mut RowParser,
    first: &Line,
    cells: Option<usize>,
) -> Result<Option<Unclosed>, Fault> {
    parser.reset();
    parser.feed(&first.bytes, first.number);
    if !parser.in_quotes() {
        parser.finish();
        return Ok(None);
    }
    if first.again && lines.again_budget == 0 {
        return Ok(Some(Unclosed::OneLine));
    }
    let mut taken: Vec<Line> = Vec::new();
    let stray_before = parser.stray_quote;
    let mut size = first.bytes.len();
    let mut end = first.end;
    let unclosed = loop {
        let Some(line) = lines.next()? else {
            break Unclosed::EndOfFile;
        };
        size += line.bytes.len() + 2;
        if line.again {
            lines.again_budget = lines
                .again_budget
                .saturating_sub(line.bytes.len() as u64 + 1);
        }
        if line.too_long.is_some() || size > MAX_RECORD_BYTES {
            taken.push(line);
            break Unclosed::TooLong;
        }
        if cells.is_some_and(|n| n >= 2 && probe.is_row(&line.bytes, n)) {
            let number = line.number;
            taken.push(line);
            break Unclosed::NewRow(number);
        }
        parser.newline(end);
        parser.feed(&line.bytes, line.number);
        end = line.end;
        let number = line.number;
        taken.push(line);
        if !parser.in_quotes() {
            parser.finish();
            // a quote that closes into a row that does not read right (a
            // quote out of place after it, a wrong cell count) was not the
            // quote that opened the cell: more likely the next row's own
            let wrong_count = cells.is_some_and(|n| n != parser.len());
            if !wrong_count && (stray_before || !parser.stray_quote) {
                return Ok(None);
            }
            break Unclosed::BadRow(number);
        }
    };
    lines.give_back(taken);
    Ok(Some(unclosed))
}

fn unclosed_damage(
    why: Unclosed,
    opened: (usize, usize),
    row_line: usize,
    header: &[String],
) -> Damage {
    let end = match why {
        Unclosed::NewRow(l) => QuoteEnd::NewRow(l),
        Unclosed::EndOfFile => QuoteEnd::EndOfFile,
        Unclosed::TooLong => QuoteEnd::TooLong,
        Unclosed::BadRow(l) => QuoteEnd::BadRow(l),
        Unclosed::OneLine => QuoteEnd::OneLine,
    };
    let name = header.get(opened.1).map(String::as_str);
    Damage::unclosed_quote(name, opened.1, opened.0, row_line, end)
}

/// How cells are split and read.
#[derive(Clone, Copy, Debug)]
pub(super) struct Dialect {
    pub delimiter: u8,
    /// `12.400` is 12400 and `4,2` is 4.2.
    pub decimal_comma: bool,
}

/// Streams the rows of a delimited input to `out`; a header name given
/// twice is noted in `notes`, and so are numbers that look written with a
/// decimal comma when `dialect` does not read them so. Returns how many
/// rows there were.
pub(super) fn read_rows<R: BufRead>(
    reader: R,
    dialect: Dialect,
    out: &mut Batcher,
    notes: &mut Vec<Note>,
) -> Result<usize, Fault> {
    let delimiter = dialect.delimiter;
    // looked for only where a decimal comma is likely: `;` between cells
    let mut comma_watch = delimiter == b';' && !dialect.decimal_comma;
    let mut lines = Lines::new(reader);
    let mut parser = RowParser::new(delimiter);
    let mut probe = RowParser::new(delimiter);
    read_header(&mut lines, &mut parser, &mut probe)?;
    let header = Arc::new(Header {
        names: header_names(&parser, notes)?,
        decimal_comma: dialect.decimal_comma,
        delimiter,
    });
    let mut n = 0;
    let mut spanning = Spanning::default();
    loop {
        // the cells of every row are looked at while a note may be due
        if !comma_watch && hand_on_as_read(&mut lines, &header, out)? {
            n += 1;
            if out.stopped {
                break;
            }
            continue;
        }
        let Some(line) = lines.next()? else {
            break;
        };
        let Some(item) = exact_row(&mut lines, (&mut parser, &mut probe), &line, &header, out)?
        else {
            continue;
        };
        if comma_watch {
            if let Some(note) = decimal_comma_note(&header.names, &parser, line.number) {
                comma_watch = false;
                notes.push(note);
            }
        }
        if item.is_ok() {
            spanning.count(line.number, parser.last_line);
        }
        match item {
            Ok(()) => out.push_row(&header, &parser.text, &parser.ends, line.number),
            Err(damage) => out.push_ready(Err(damage), line.number),
        }
        if out.stopped {
            break;
        }
        n += 1;
    }
    if spanning.rows > 0 {
        notes.push(multi_line_note(&spanning));
    }
    Ok(n)
}

/// Reads the row that starts at `line` the exact way, into `parser`:
/// `None` when it is no record (a blank line; a row of empty cells, told
/// to `out`), else the row or its damage.
fn exact_row<R: BufRead>(
    lines: &mut Lines<R>,
    (parser, probe): (&mut RowParser, &mut RowParser),
    line: &Line,
    header: &Header,
    out: &mut Batcher,
) -> Result<Option<Result<(), Damage>>, Fault> {
    if let Some(len) = line.too_long {
        return Ok(Some(Err(Damage::too_long("row", len))));
    }
    if line.bytes.trim_ascii().is_empty() {
        return Ok(None); // a blank line is no record
    }
    let cells = header.names.len();
    Ok(Some(
        match gather(lines, parser, probe, line, Some(cells))? {
            Some(why) => Err(unclosed_damage(
                why,
                parser.opened,
                line.number,
                &header.names,
            )),
            None if parser.len() != cells => Err(Damage::cell_count(parser.len(), cells)),
            None if parser.cells().all(|c| c.trim_ascii().is_empty()) => {
                // `,,,,` from a spreadsheet's blank row: no creator
                out.skip(line.number);
                return Ok(None);
            }
            // its cells are made values by the worker that decodes it
            None => Ok(()),
        },
    ))
}

/// Rows whose quoted cells hold line breaks: how many, the line of the
/// first, the lines they run on over.
#[derive(Default)]
struct Spanning {
    rows: usize,
    first: usize,
    extra: usize,
}

impl Spanning {
    /// A row read from line `first` to line `last`.
    fn count(&mut self, first: usize, last: usize) {
        if last > first {
            self.rows += 1;
            self.extra += last - first;
            if self.first == 0 {
                self.first = first;
            }
        }
    }
}

/// Hands on the next row as it was read, not split, when it is one line
/// in the read buffer that [`row_scan::scan`] finds well formed: whether
/// it was.
fn hand_on_as_read<R: BufRead>(
    lines: &mut Lines<R>,
    header: &Arc<Header>,
    out: &mut Batcher,
) -> Result<bool, Fault> {
    let (number, buf) = lines.buffered()?;
    let Scan::Row { len, next } = row_scan::scan(buf, header.delimiter) else {
        return Ok(false);
    };
    out.push_line(header, &buf[..len], number);
    lines.take_buffered(next);
    Ok(true)
}

/// Reads the header, the first line that is not blank, into `parser`.
fn read_header<R: BufRead>(
    lines: &mut Lines<R>,
    parser: &mut RowParser,
    probe: &mut RowParser,
) -> Result<(), Fault> {
    // the header: the first line that is not blank
    let first = loop {
        match lines.next()? {
            None => return Err(Fault::empty()),
            Some(l) if l.too_long.is_some() => {
                return Err(Fault::at(
                    "the header row is longer than a record may hold (16.0 MiB)",
                    l.number,
                    1,
                ))
            }
            Some(l) if l.bytes.trim_ascii().is_empty() => continue,
            Some(l) => break l,
        }
    };
    if gather(lines, parser, probe, &first, None)?.is_some() {
        return Err(Fault::at(
            "the header's quote that opens here is never closed",
            parser.opened.0,
            1,
        )
        .with_help("close the quote (a `\"` inside a quoted name is written `\"\"`)"));
    }
    Ok(())
}

/// The note on the first cell of a row read with `;` between cells that
/// looks like a number written with a decimal comma.
fn decimal_comma_note(header: &[String], parser: &RowParser, line: usize) -> Option<Note> {
    let (name, cell) = header
        .iter()
        .zip(parser.cells())
        .find(|(_, c)| looks_decimal_comma(c))?;
    Some(Note {
        code: "influence::decimal-comma",
        message: format!(
            "line {}: the cell `{name}` reads `{}`, which looks like a number written with a decimal comma (the cells are split by `;`): without --decimal-comma it is no number, and number() takes its comma for a thousands separator (`4,2` is 42). Pass --decimal-comma to read `4,2` as 4.2 and `12.400` as 12400",
            line,
            String::from_utf8_lossy(cell).trim()
        ),
    })
}

/// The note on rows whose quoted cells hold line breaks.
fn multi_line_note(rows: &Spanning) -> Note {
    let (spanning, first_spanning, extra_lines) = (rows.rows, rows.first, rows.extra);
    Note {
        code: "influence::multi-line-rows",
        message: format!(
            "{spanning} row{} hold{} quoted cells with line breaks (the first at line {first_spanning}): {extra_lines} line{} of data continue the row before them, so the file has fewer records than lines",
            if spanning == 1 { "" } else { "s" },
            if spanning == 1 { "s" } else { "" },
            if extra_lines == 1 { "" } else { "s" },
        ),
    }
}

/// The header's names. A name given twice keeps it the first time; a later
/// one, and an empty one, gets a name no header cell has (`name_2`,
/// `column_N`), so that no cell is lost and no real column is renamed.
fn header_names(row: &RowParser, notes: &mut Vec<Note>) -> Result<Vec<String>, Fault> {
    let mut names: Vec<Option<String>> = Vec::with_capacity(row.len());
    for (i, cell) in row.cells().enumerate() {
        let text = std::str::from_utf8(cell)
            .map_err(|_| Fault::at(format!("header cell {} is not UTF-8 text", i + 1), 1, 1))?;
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        names.push((!name.is_empty()).then_some(name));
    }
    // every name written in the header is taken first; a set beside the
    // list keeps a header of 100,000 columns linear
    let mut taken: HashSet<String> = names.iter().flatten().cloned().collect();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let Some(name) = name else {
            let mut candidate = format!("column_{}", i + 1);
            let mut k = 2;
            while taken.contains(&candidate) {
                candidate = format!("column_{}_{k}", i + 1);
                k += 1;
            }
            taken.insert(candidate.clone());
            out.push(candidate);
            continue;
        };
        match first_seen.get(name.as_str()) {
            None => {
                first_seen.insert(name, i);
                out.push(name.clone());
            }
            Some(&first) => {
                // start from the last suffix this name was given
                let next = next_suffix.entry(name.clone()).or_insert(2);
                while taken.contains(&format!("{name}_{next}")) {
                    *next += 1;
                }
                let renamed = format!("{name}_{next}");
                *next += 1;
                if notes.len() < 20 {
                    notes.push(Note {
                        code: "influence::duplicate-column",
                        message: format!(
                            "the header names `{name}` twice (columns {} and {}); column {} is read as `{renamed}`",
                            first + 1,
                            i + 1,
                            i + 1
                        ),
                    });
                }
                taken.insert(renamed.clone());
                out.push(renamed);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
