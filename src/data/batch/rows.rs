//! The rows of a delimited input in a batch: handed on split into cells
//! (read the exact way) or as the line they were read from, split where
//! they are decoded; their text checked as UTF-8 a row at a time.

use std::sync::Arc;

use super::super::cells::{split_row, Header, RowText, Span};
use super::super::Damage;
use super::{Batcher, Kind, RawBatch};

impl RawBatch {
    /// The header and text of record `i`, when it is a CSV row, its
    /// cells' spans put in `spans`; a row of the wrong number of cells is
    /// damaged.
    pub(super) fn row(
        &self,
        i: usize,
        spans: &mut Vec<Span>,
    ) -> Option<Result<(&Arc<Header>, RowText<'_>), Damage>> {
        let it = &self.items[i];
        let header = self.header.as_ref()?;
        // checked as UTF-8 a row at a time with SIMD: the row's cells need
        // no check of their own
        let text = RowText {
            bytes: &self.text,
            start: it.start,
            checked: simdutf8::basic::from_utf8(&self.text[it.start..it.end]).ok(),
        };
        match it.kind {
            Kind::Row { first, count } => {
                let ends = &self.ends[first..first + count];
                // the byte after each cell but the last is a delimiter
                let starts = std::iter::once(it.start).chain(ends.iter().map(|e| e + 1));
                spans.clear();
                spans.extend(starts.zip(ends).map(|(start, &end)| Span {
                    start,
                    end,
                    quoted: false,
                }));
            }
            Kind::RowLine => {
                split_row(text.bytes, (it.start, it.end), header.delimiter, spans);
                if spans.len() != header.names.len() {
                    return Some(Err(Damage::cell_count(spans.len(), header.names.len())));
                }
            }
            _ => return None,
        }
        Some(Ok((header, text)))
    }
}

impl Batcher<'_> {
    /// A CSV row of `header` at `line`, its cells' text (unquoted) in
    /// `text`, each ending at its `ends`, one byte (a delimiter) between.
    pub fn push_row(&mut self, header: &Arc<Header>, text: &[u8], ends: &[usize], line: usize) {
        let batch = &mut self.batch;
        if batch.header.is_none() {
            batch.header = Some(Arc::clone(header));
        }
        let start = batch.text.len();
        batch.text.extend_from_slice(text);
        let first = batch.ends.len();
        batch.ends.extend(ends.iter().map(|e| start + e));
        let count = ends.len();
        self.push(start, line, Kind::Row { first, count });
    }

    /// A CSV row of one line at `line`, `bytes` as read (without its line
    /// end), well formed (see [`super::row_scan`]), to be split into cells
    /// where it is decoded.
    pub fn push_line(&mut self, header: &Arc<Header>, bytes: &[u8], line: usize) {
        let batch = &mut self.batch;
        if batch.header.is_none() {
            batch.header = Some(Arc::clone(header));
        }
        let start = batch.text.len();
        batch.text.extend_from_slice(bytes);
        self.push(start, line, Kind::RowLine);
    }
}
