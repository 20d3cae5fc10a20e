//! Reading creator records: a JSON array (streamed element by element),
//! NDJSON, CSV and TSV, from a file or standard input, with the format taken
//! from `--format-in`, the file's extension, or the first bytes. A record
//! that cannot be read is handed on as [`Damage`] with its line, never
//! dropped; only damage that makes the rest unreadable is a [`DataError`],
//! reported with the file's line and column and the lines around it, read as
//! a window.

mod array;
mod batch;
mod binary;
mod cells;
mod damage;
mod delimited;
mod detect;
mod dialect;
mod error;
mod fast;
mod json;
mod lines;
mod ndjson;
mod nesting;
mod row_scan;
mod sheet;
pub mod slots;
mod snapshot;
pub mod sparse;
#[cfg(test)]
mod split_tests;
pub(crate) mod stdin_copy;
mod swar;
mod utf8;
mod wrapper;

pub use batch::RawBatch;
pub use damage::{Damage, DamageKind, QuoteEnd};
pub use detect::open;
use detect::{detect, ext};
pub use dialect::{read_options, set_read_options, ReadOptions};
pub use error::DataError;
pub use slots::{Rec, Shape, SlotReader, Slots, View};
pub use wrapper::{RecordsPath, RECORDS_NOTE, RECORDS_NOTE_CODE};

use snapshot::Snapshot;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use binary::{archive, Archive, Binary, NulGuard};
use serde_json::Value as Json;

/// The data formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Comma-separated values with a header.
    Csv,
    /// Tab-separated values with a header.
    Tsv,
}

impl Format {
    /// Parses `json`, `ndjson`, `csv` or `tsv`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            _ => return None,
        })
    }
}

/// Where records come from: a file or standard input, and, for a JSON
/// object wrapping the list (an API response), where the list is.
#[derive(Clone, Debug)]
pub struct Input {
    file: Option<PathBuf>,
    records: Option<RecordsPath>,
    /// Standard input, copied to a temporary file to be read twice.
    copy: Option<std::sync::Arc<std::fs::File>>,
}

impl Input {
    /// `-` is standard input; anything else a path.
    pub fn from_arg(arg: &Path) -> Input {
        Input {
            file: (arg.as_os_str() != "-").then(|| arg.to_path_buf()),
            records: None,
            copy: None,
        }
    }

    /// The records are the array at `path` inside the top-level object
    /// (`--records`).
    pub fn with_records(mut self, path: Option<RecordsPath>) -> Input {
        self.records = path;
        self
    }

    /// The name shown in messages.
    pub fn name(&self) -> String {
        match &self.file {
            Some(p) => p.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }

    /// The size in bytes, when it is a file.
    pub fn size(&self) -> Option<u64> {
        self.file
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok().map(|m| m.len()))
    }

    /// The file, or `None` for standard input.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }
}

/// Counts the bytes read through it: in `bytes` for a progress display,
/// in `total` to check against the file's length.
struct Counted<'c, R> {
    inner: R,
    bytes: &'c AtomicU64,
    // a cell, not a field read back: the reader is handed on by value, which
    // keeps the readers' byte loops as fast as they were
    total: &'c std::cell::Cell<u64>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.total.set(self.total.get() + n as u64);
        Ok(n)
    }
}

/// Largest record the readers hold, in bytes: one NDJSON line, one JSON
/// array element, one CSV row. A creator record is a few KiB; a larger one
/// is damage (a runaway field, a file missing its newlines), and holding it
/// whole would take memory without bound. An NDJSON line, array element or
/// CSV line over it is skipped, unread, as a damaged record; a quoted CSV
/// cell running on past it is taken as an unclosed quote.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// Deepest nesting of lists and objects in a record that the JSON parser
/// (serde_json) reads; a deeper record is damaged.
pub const MAX_RECORD_DEPTH: usize = 127;

/// One record as read: its 0-based position, the line it starts on, and
/// its value or what is wrong with it.
#[derive(Clone, Debug)]
pub struct Record {
    /// 0-based position among the records.
    pub position: usize,
    /// 1-based line of the input where it starts.
    pub line: usize,
    /// The record, or why it could not be read.
    pub item: Result<Json, Damage>,
}

/// A fault that stops reading, before the file name is attached.
#[derive(Debug)]
pub struct Fault {
    message: String,
    location: Option<(usize, usize)>,
    help: Option<String>,
    /// The byte offset of the fault when its line is not known (binary
    /// data, found below the readers): the line is counted from the file.
    offset: Option<u64>,
}

impl Fault {
    fn at(message: impl Into<String>, line: usize, col: usize) -> Self {
        Fault {
            message: message.into(),
            location: Some((line, col)),
            help: None,
            offset: None,
        }
    }
    fn plain(message: impl Into<String>) -> Self {
        Fault {
            message: message.into(),
            location: None,
            help: None,
            offset: None,
        }
    }
    fn io(e: std::io::Error) -> Self {
        if let Some(&Binary(offset)) = e.get_ref().and_then(|e| e.downcast_ref::<Binary>()) {
            return Fault {
                offset: Some(offset),
                ..Fault::plain(format!(
                    "holds binary data: a NUL byte at byte {}, where a text export has none",
                    offset + 1
                ))
                .with_help(
                    "influence-eval reads a JSON array, NDJSON, CSV or TSV as UTF-8 text; a file saved as UTF-16 (\"Unicode text\") must be saved again as UTF-8",
                )
            };
        }
        Fault::plain(format!("cannot read: {e}"))
    }
    fn empty() -> Self {
        Fault::plain("holds no records: the file is empty")
            .with_help("check that the export finished; a JSON file needs at least `[]`")
    }
    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// serde_json's message without the " at line L column C" it appends.
pub(crate) fn without_location(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

/// Something about the data worth a warning that damages no record.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// `influence::duplicate-column` (a CSV header naming a column twice),
    /// `influence::multi-line-rows` (quoted cells holding line breaks,
    /// so fewer records than lines of data) or `influence::records-path`
    /// (the records read from the one list inside a JSON object).
    pub code: &'static str,
    /// What, where, and what was done about it.
    pub message: String,
}

/// Reads `input` in batches of undecoded records, in order, handing each to
/// `emit` (which returns false to stop). Decoding a batch may then run on
/// any thread ([`RawBatch::decode`]; a [`Fault`] it finds becomes an error
/// with [`fault_error`]; a block of NDJSON is split there first,
/// [`RawBatch::split`]). `notes` receives the [`Note`]s on the data.
pub fn read_batches(
    input: &Input,
    format: Option<Format>,
    bytes: &AtomicU64,
    emit: &mut dyn FnMut(RawBatch) -> bool,
    notes: &mut Vec<Note>,
) -> Result<(), DataError> {
    let name = input.name();
    let file = input.file().map(open).transpose()?;
    let snapshot = file.as_ref().and_then(Snapshot::of);
    let copy = input
        .copy_from_start()
        .transpose()
        .map_err(|e| DataError::plain(&name, format!("cannot read back its copy: {e}"), None))?;
    let inner: Box<dyn Read + '_> = match (&file, copy) {
        (Some(f), _) => Box::new(f),
        (None, Some(c)) => Box::new(c),
        (None, None) => Box::new(std::io::stdin().lock()),
    };
    let total = std::cell::Cell::new(0);
    let reader = Counted {
        inner,
        bytes,
        total: &total,
    };
    let mut stopped = false;
    let mut emit_watching = |batch| {
        let go = emit(batch);
        stopped |= !go;
        go
    };
    let read = read_stream(
        &name,
        input.file(),
        reader,
        (format, input.records.as_ref()),
        &mut emit_watching,
        notes,
    );
    // checked whatever the outcome: a fault may come from the change itself
    // (a JSON array cut short), and the change is what to report then
    if let (Some(snapshot), Some(f)) = (snapshot, &file) {
        let to_the_end = read.is_ok() && !stopped;
        if let Some(e) = snapshot.changed(f, total.get(), to_the_end, &name) {
            return Err(e);
        }
    }
    read
}

/// Reads every record from any reader (an in-memory buffer, a socket), as
/// `read` does a file: `format` chosen, or sniffed from the first bytes.
/// `name` names the input in errors; faults carry a line and column but no
/// snippet, since the input cannot be read again.
pub fn read_from(
    name: &str,
    reader: impl Read,
    format: Option<Format>,
    each: &mut dyn FnMut(Record),
) -> Result<usize, DataError> {
    read_from_records(name, reader, format, None, each)
}

/// [`read_from`], the records being the list at `records` inside a
/// top-level JSON object (`--records`).
pub fn read_from_records(
    name: &str,
    reader: impl Read,
    format: Option<Format>,
    records: Option<&RecordsPath>,
    each: &mut dyn FnMut(Record),
) -> Result<usize, DataError> {
    let all = sparse::FieldFilter::all();
    let mut fault = None;
    let mut n = 0;
    let emit = &mut |mut batch: RawBatch| {
        batch.split();
        n += batch.len();
        decode_all(&batch, &all, &mut fault, each)
    };
    read_stream(name, None, reader, (format, records), emit, &mut Vec::new())?;
    match fault {
        Some(f) => Err(fault_error_at(f, name, None)),
        None => Ok(n),
    }
}

/// Decodes every record of a batch in full and hands it on; a fault stops.
fn decode_all(
    batch: &RawBatch,
    filter: &sparse::FieldFilter,
    fault: &mut Option<Fault>,
    each: &mut dyn FnMut(Record),
) -> bool {
    for i in 0..batch.len() {
        match batch.decode(i, filter, None) {
            Ok(r) => each(r),
            Err(f) => {
                *fault = Some(f);
                return false;
            }
        }
    }
    true
}

/// The body of [`read`] and [`read_from`]; `path` gives the extension and,
/// for a fault, the lines around it; `records`, the list inside a JSON
/// object to read.
fn read_stream(
    name: &str,
    path: Option<&Path>,
    reader: impl Read,
    (format, records): (Option<Format>, Option<&RecordsPath>),
    emit: &mut dyn FnMut(RawBatch) -> bool,
    notes: &mut Vec<Note>,
) -> Result<(), DataError> {
    let mut reader = NulGuard::buffered(reader);
    let outer_ext = path.map(ext);
    let workbook_ok = format.is_none();
    match archive(&mut reader, outer_ext.as_deref(), true, workbook_ok)
        .map_err(|e| fault_error_at(Fault::io(e), name, path))?
    {
        Some(Archive::Gzip) => {
            // the inner format from the name without `.gz`, else sniffed;
            // the lines around a fault cannot be shown from the compressed
            // file. (gzip inside gzip is binary data: not undone twice)
            let named = path.map(|p| p.with_extension(""));
            let mut text = NulGuard::buffered(flate2::bufread::MultiGzDecoder::new(reader));
            let inner_ext = named.as_deref().map(ext);
            match archive(&mut text, inner_ext.as_deref(), false, workbook_ok)
                .map_err(|e| fault_error_at(Fault::io(e), name, None))?
            {
                Some(Archive::Workbook) => read_sheet(name, text, emit, notes),
                _ => read_text(
                    name,
                    (None, named.as_deref()),
                    text,
                    (format, records),
                    emit,
                    notes,
                ),
            }
        }
        Some(Archive::Workbook) => read_sheet(name, reader, emit, notes),
        None => read_text(name, (path, path), reader, (format, records), emit, notes),
    }
}

fn read_sheet(
    name: &str,
    reader: impl Read,
    emit: &mut dyn FnMut(RawBatch) -> bool,
    notes: &mut Vec<Note>,
) -> Result<(), DataError> {
    let mut out = batch::Batcher::new(emit);
    let result = sheet::read_workbook(reader, &read_options().sheet, &mut out, notes);
    out.flush();
    result.map(drop).map_err(|f| fault_error_at(f, name, None))
}

/// Reads text data: `path` shows the lines around a fault, `named` gives
/// the extension (the name of a compressed file without `.gz`).
fn read_text<R: Read>(
    name: &str,
    (path, named): (Option<&Path>, Option<&Path>),
    mut reader: BufReader<NulGuard<R>>,
    (format, records): (Option<Format>, Option<&RecordsPath>),
    emit: &mut dyn FnMut(RawBatch) -> bool,
    notes: &mut Vec<Note>,
) -> Result<(), DataError> {
    // the first bytes: a byte-order mark to drop, and what the data looks like
    let start = reader
        .fill_buf()
        .map_err(|e| fault_error_at(Fault::io(e), name, path))?;
    if start.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let start = reader
        .fill_buf()
        .map_err(|e| fault_error_at(Fault::io(e), name, path))?
        .to_vec();
    let format = match (format, records) {
        (Some(Format::Json) | None, Some(_)) => Format::Json,
        (Some(f), Some(path)) => {
            return Err(DataError::plain(
                name,
                format!(
                    "--records {path} reads a JSON object, but --format-in says the data is {}",
                    format!("{f:?}").to_lowercase()
                ),
                Some("drop --records, or --format-in".to_string()),
            ))
        }
        (Some(f), None) => f,
        (None, None) => detect(named, &start).map_err(|help| {
            DataError::plain(name, "cannot tell the format of the data", Some(help))
        })?,
    };
    let mut out = batch::Batcher::new(emit);
    let result = match format {
        Format::Json => json::read_array(reader, &mut out, records, notes).map(drop),
        Format::Ndjson => ndjson::read_lines(reader, &mut out, ndjson::BLOCK),
        Format::Csv | Format::Tsv => {
            let options = read_options();
            let delimiter = match (options.delimiter, format) {
                (Some(d), _) => d,
                (None, Format::Tsv) => b'\t',
                (None, _) => dialect::sniff_delimiter(&start),
            };
            let dialect = delimited::Dialect {
                delimiter,
                decimal_comma: options.decimal_comma,
            };
            delimited::read_rows(reader, dialect, &mut out, notes).map(drop)
        }
    };
    out.flush();
    result.map_err(|f| fault_error_at(f, name, path))
}

/// A fault found while reading or decoding `input`, as an error naming
/// the file (and showing the lines around the fault when it has a place).
pub fn fault_error(f: Fault, input: &Input) -> DataError {
    fault_error_at(f, &input.name(), input.file())
}

fn fault_error_at(mut f: Fault, name: &str, path: Option<&Path>) -> DataError {
    if let (Some(offset), Some(p)) = (f.offset, path) {
        f.location = binary::line_and_column(p, offset);
    }
    match (f.location, path) {
        (Some((line, col)), Some(p)) => {
            let mut e = DataError::at(p, name, f.message, line, col);
            if f.help.is_some() {
                e.help = f.help;
            }
            e
        }
        (location, _) => DataError {
            file: name.to_string(),
            message: f.message,
            location,
            help: f.help,
            snippet: None,
        },
    }
}
