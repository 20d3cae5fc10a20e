//! Data that could not be read (exit status 2): the message, the place in
//! the data file, and the lines around it, read as a window, never the
//! whole file.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// Data that could not be read: exit status 2.
#[derive(Debug)]
pub struct DataError {
    /// The data file.
    pub file: String,
    /// What went wrong.
    pub message: String,
    /// 1-based line and column of the fault, when known.
    pub location: Option<(usize, usize)>,
    /// How to fix it.
    pub help: Option<String>,
    /// The lines around the fault and the fault's byte offset within them.
    pub(super) snippet: Option<Box<(NamedSource<String>, usize)>>,
}

impl DataError {
    /// Whether the file changed while it was read (its length or
    /// modification time moved): reported before any fault met while
    /// reading it, which the change may have caused.
    pub fn is_changed(&self) -> bool {
        self.message == super::snapshot::CHANGED
    }

    /// An error without a place in the file (missing file, unreadable).
    pub fn plain(file: &str, message: impl Into<String>, help: Option<String>) -> Self {
        DataError {
            file: file.to_string(),
            message: message.into(),
            location: None,
            help,
            snippet: None,
        }
    }

    /// An error at `line`:`column` of `path`; reads up to two lines on each
    /// side of it to show, never the whole file.
    pub fn at(
        path: &Path,
        file: &str,
        message: impl Into<String>,
        line: usize,
        column: usize,
    ) -> Self {
        let snippet = window(path, line, column).map(|(text, offset, first_line)| {
            let name = format!("{file}:{line}:{column}");
            let _ = first_line;
            Box::new((NamedSource::new(name, text), offset))
        });
        DataError {
            file: file.to_string(),
            message: message.into(),
            location: Some((line, column)),
            help: Some("fix the data at that place, or export the file again".into()),
            snippet,
        }
    }
}

/// Lines `line-2 ..= line+2` of the file (each cut to 400 characters), and
/// the byte offset of `line`:`column` within them.
fn window(path: &Path, line: usize, column: usize) -> Option<(String, usize, usize)> {
    // only a regular file can be read again: opening a FIFO a second time
    // waits for a writer that never comes, and a pipe's bytes are gone
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let f = std::fs::File::open(path).ok()?;
    let mut r = BufReader::new(f.take(u64::MAX));
    let first = line.saturating_sub(2).max(1);
    let mut text = String::new();
    let mut offset = 0;
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        buf.clear();
        // a line longer than 1 MiB is read in part: enough to show
        let read = (&mut r).take(1 << 20).read_until(b'\n', &mut buf).ok()?;
        if read == 0 {
            break;
        }
        // skipped, not kept: a minified export is one line of gigabytes;
        // 16 MiB on, the window ends there (a file of zeros has no lines)
        let mut last = false;
        if buf.last() != Some(&b'\n') && read == 1 << 20 {
            last = (&mut r).take(16 << 20).skip_until(b'\n').unwrap_or(0) == 16 << 20;
        }
        n += 1;
        if n < first {
            continue;
        }
        if n > line + 2 {
            break;
        }
        let s = String::from_utf8_lossy(&buf);
        let s = s.trim_end_matches(['\n', '\r']);
        // a NUL shown as a space: same width, and no control byte sent to a terminal
        let shown: String = s
            .chars()
            .take(400)
            .map(|c| if c == '\0' { ' ' } else { c })
            .collect();
        if n == line {
            // columns count bytes, as serde_json's do
            let mut col_bytes = column.saturating_sub(1).min(shown.len());
            while !shown.is_char_boundary(col_bytes) {
                col_bytes -= 1;
            }
            offset = text.len() + col_bytes;
        }
        text.push_str(&shown);
        text.push('\n');
        if last {
            break;
        }
    }
    Some((text, offset, first))
}

impl DataError {
    /// This error as JSON, at its line and column when known.
    pub fn to_json(&self) -> crate::diagnostic::JsonDiagnostic {
        let mut j = crate::diagnostic::JsonDiagnostic::of(self).in_file(&self.file);
        j.message = self.message.clone();
        if let Some((line, column)) = self.location {
            j = j.at(line, column);
        }
        j
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for DataError {}

impl Diagnostic for DataError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("influence::data"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|b| &b.0 as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let offset = self.snippet.as_ref()?.1;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".into()), (offset, 0)),
        )))
    }
}
